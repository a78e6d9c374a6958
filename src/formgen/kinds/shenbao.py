"""The 项目支出绩效目标申报表: its walk of a declaration, its layout, its registration.

The walk reads a declaration file (composed by formgen.reader) into the typed
model; the layout is the one place the 申报表's cells and merges are decided
(FORM.md: eight columns A–H, the title and year line above the table).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from operator import itemgetter

from yaml.nodes import MappingNode, Node, SequenceNode

from .. import kinds, measure
from ..errors import DeclarationError
from ..grid import AMOUNT, CENTER, LABEL, TEXT, TITLE, YEAR, Cell, Grid
from ..model import Block, Declaration, Funds, Group, Line, Side
from ..reader import Document, Reader
from ..template import Template, default_template
from ..vocabulary import (
    BLOCK_KEYS,
    FUND_KEYS,
    FUND_SIDES,
    GOAL_KEYS,
    LINE_KEYS,
    TOP_KEYS,
    TOP_REQUIRED,
    UNIT_KEYS,
)

N_COLUMNS = 8
HEAD_ROWS = 2  # the title and the year line, printed above the table
# The 申报's own keys at each level where other kinds may read keys too (kinds.LEVELS).
_OWN_KEYS = {"top": TOP_KEYS, "funds_side": FUND_KEYS, "goals": GOAL_KEYS, "line": LINE_KEYS}
_LINE_KEYS = frozenset(LINE_KEYS)
_NAME_KEYS = ("三级指标", "中期三级指标", "年度三级指标")  # a line's names, each may be empty


# -- the walk ---------------------------------------------------------------------


class Walk(Reader):
    """Walks a declaration's nodes once into a Declaration, collecting every problem."""

    def __init__(self, source: str, text: str, label_ids: frozenset[str]):
        super().__init__(source, text)
        self.label_ids = label_ids
        self.extras: dict[str, dict[str, object]] = {}
        # Looked up once per file, not once per mapping or line: for each level, the keys
        # allowed there (the 申报's, then other kinds'), and the kinds that read keys of
        # their own there (key, reader, keys); the keys those read on an indicator line.
        registered = kinds.all_kinds()
        self.allowed = {
            level: _OWN_KEYS[level]
            + tuple(k for kind in registered for k in kind.extra_keys.get(level, ()))
            for level in kinds.LEVELS
        }
        self.extra_readers = {
            level: [
                (kind.key, kind.read_extra, frozenset(kind.extra_keys[level]))
                for kind in registered
                if kind.read_extra is not None and kind.extra_keys.get(level)
            ]
            for level in kinds.LEVELS
        }
        self.extra_line_keys = frozenset().union(*(k for _, _, k in self.extra_readers["line"]))

    def read_extras(self, level: str, entries: dict, field: str) -> None:
        """Hand the keys other kinds read at this level to them (see kinds.FormKind)."""
        for kind, read_extra, keys in self.extra_readers[level]:
            if keys.isdisjoint(entries):
                continue
            mine = {k: v for k, v in entries.items() if k in keys}
            value = read_extra(self, level, mine, field)
            self.extras.setdefault(kind, {})[field or level] = value

    def declaration(self, doc: Document) -> Declaration:
        root = self.start(doc.root, doc.unit_root, UNIT_KEYS, doc.unit_text)
        # a broken unit file is reported once; the fields it would give are not "missing"
        required = tuple(k for k in TOP_REQUIRED if not (self.unit_broken and k in UNIT_KEYS))
        top = self.mapping(root, "", self.allowed["top"], required)
        if top is None:
            raise DeclarationError(self.problems)
        self.read_extras("top", top, "")

        def node(key):
            return top.get(key, (None, None))[1]

        year = self.year(node("年度"), "年度") if "年度" in top else None
        name = self.required_text(top, "项目名称", "项目名称")
        unit = self.required_text(top, "实施单位", "实施单位")
        department = self.text(node("主管部门"), "主管部门") or None
        attribute = self.text(node("项目属性"), "项目属性") or ""
        period = self.text(node("项目期"), "项目期") or ""
        funds_mid, funds_annual = self.funds(node("项目资金"))
        span, goal_mid, goal_annual = self.goals(node("总体目标"))
        if span == (0, 0) and year is not None and "总体目标.中期年度" not in self.positions:
            span = default_span(year)
        indicators = self.indicators(node("绩效指标"))
        labels = self.labels(node("标签"))
        if self.problems:
            raise DeclarationError(self.problems)
        return Declaration(
            source=self.source,
            year=year or 0,  # None only with a problem, raised above
            name=name,
            unit=unit,
            department=department,
            attribute=attribute,
            period=period,
            funds_mid=funds_mid,
            funds_annual=funds_annual,
            span=span,
            goal_mid=goal_mid,
            goal_annual=goal_annual,
            indicators=indicators,
            labels=labels,
            extras=self.extras,
            notes=tuple(self.notes),
            positions=self.positions,
            key_positions=self.key_positions,
            unit_source=self.unit_source,
            from_unit=frozenset(self.from_unit),
        )

    def funds(self, node: Node | None) -> tuple[Funds, Funds]:
        if node is None:
            return Funds(), Funds()
        sides = self.mapping(node, "项目资金", FUND_SIDES) or {}
        result = []
        for side in FUND_SIDES:
            field = f"项目资金.{side}"
            entries = {}
            if side in sides and not self._is_null(sides[side][1]):
                entries = self.mapping(sides[side][1], field, self.allowed["funds_side"]) or {}
                self.read_extras("funds_side", entries, field)
            result.append(
                Funds(
                    *(
                        self.amount(entries[k][1], f"{field}.{k}") if k in entries else None
                        for k in FUND_KEYS
                    )
                )
            )
        return result[0], result[1]

    def goals(self, node: Node | None) -> tuple[tuple[int, int], tuple[str, ...], tuple[str, ...]]:
        span: tuple[int, int] = (0, 0)
        if node is None:
            return span, (), ()
        entries = self.mapping(node, "总体目标", self.allowed["goals"])
        if entries is None:
            return span, (), ()
        self.read_extras("goals", entries, "总体目标")
        if "中期年度" in entries:
            span = self.span(entries["中期年度"][1], "总体目标.中期年度")
        mid, annual = (
            self.items(entries[k][1], f"总体目标.{k}") if k in entries else ()
            for k in ("中期目标", "年度目标")
        )
        return span, mid, annual

    def indicators(self, node: Node | None) -> tuple[Group, ...]:
        if node is None:
            return ()
        groups = []
        level1 = self.mapping(node, "绩效指标")
        for name1, (key1, value1) in (level1 or {}).items():
            field1 = f"绩效指标.{name1}"
            if not name1.strip():
                self.error(
                    key1,
                    "E-NAME-EMPTY",
                    "一级指标名称为空",
                    "写出一级指标的名称，如“产出指标”",
                    field1,
                )
            blocks = []
            level2 = self.mapping(value1, field1)
            for name2, (key2, value2) in (level2 or {}).items():
                if not name2.strip():
                    self.error(
                        key2,
                        "E-NAME-EMPTY",
                        "二级指标名称为空",
                        f"写出二级指标的名称，如“{_example_l2(name1)}”",
                        f"{field1}.{name2}",
                    )
                block = self.block(name2, key2, value2, f"{field1}.{name2}")
                if block is not None:
                    blocks.append(block)
            if level2 == {}:
                self.error(
                    key1,
                    "E-INDICATOR-EMPTY",
                    f"一级指标“{name1}”下没有二级指标",
                    "在它下面写出二级指标（如“数量指标:”）及各行三级指标",
                    field1,
                )
            groups.append(Group(name1, tuple(blocks), field1))
        if level1 is not None and not groups:
            self.error(
                node,
                "E-INDICATOR-EMPTY",
                "绩效指标是空的",
                "至少写一个一级指标及其二级、三级指标",
                "绩效指标",
            )
        return tuple(groups)

    def block(self, name: str, key: Node, node: Node, field: str) -> Block | None:
        block_path = field
        annual_name = name
        lines_node: Node | None = node
        if isinstance(node, MappingNode):
            entries = self.mapping(node, field, BLOCK_KEYS, ("指标",)) or {}
            if "年度二级指标" in entries:
                annual_node = entries["年度二级指标"][1]
                annual_name = self.text(annual_node, f"{field}.年度二级指标") or ""
                if not annual_name.strip():
                    self.error(
                        annual_node,
                        "E-NAME-EMPTY",
                        "年度二级指标的名称为空",
                        "写出年度一侧的二级指标名称；与中期一侧相同时删去“年度二级指标”这一行",
                        f"{field}.年度二级指标",
                    )
            lines_node = entries.get("指标", (None, None))[1]
            field += ".指标"
        if lines_node is None or self._is_null(lines_node):
            self.error(
                key,
                "E-INDICATOR-EMPTY",
                f"二级指标“{name}”下没有任何指标行",
                "在它下面写出“- 三级指标: ……”及中期、年度指标值",
                field,
            )
            return None
        if not isinstance(lines_node, SequenceNode):
            self.error(
                lines_node,
                "E-NOT-LIST",
                f"二级指标“{name}”下应为指标行的列表",
                "每一行以“- 三级指标: ……”开头",
                field,
            )
            return None
        if not self._check_node(lines_node, field):
            return None
        lines = []
        ended: dict[str, int] = {}  # where a side's lines stopped
        for i, line_node in enumerate(lines_node.value):
            line = self.line(line_node, f"{field}[{i}]")
            if line is None:
                continue
            if ended or line.mid is None or line.annual is None:  # else nothing can be amiss
                self._side_order(line, line_node, f"{field}[{i}]", i, ended)
            lines.append(line)
        if not lines_node.value:
            self.error(
                lines_node,
                "E-INDICATOR-EMPTY",
                f"二级指标“{name}”下没有任何指标行",
                "在它下面写出“- 三级指标: ……”及中期、年度指标值",
                field,
            )
        return Block(name, annual_name, tuple(lines), block_path)

    def _side_order(
        self, line: Line, node: Node, field: str, i: int, ended: dict[str, int]
    ) -> None:
        """Each side's lines run from the top without a gap: note where a side stops, and
        refuse a line of that side after it."""
        for side, present in (("中期", line.mid is not None), ("年度", line.annual is not None)):
            if not present:
                ended.setdefault(side, i)
            elif side in ended:
                stop = ended[side]
                self.error(
                    node,
                    "E-LINE-ORDER",
                    f"{side}一侧的指标行不连续：本二级指标下的第 {stop + 1} 条指标没有{side}指标，这一条却有",
                    f"表格中每一侧的指标自上而下依次排列；把没有{side}指标的行移到本二级指标的最后",
                    field,
                )

    def line(self, node: Node, field: str) -> Line | None:
        # Most lines in one pass; the others by the general reading, which says what is wrong.
        read = self.plain_texts(node, field, _LINE_KEYS) or self._line_texts(node, field)
        if read is None:
            return None
        entries, values = read
        for key in _NAME_KEYS:
            if key in entries and not (values[key] or "").strip():
                self.error(
                    entries[key][1],
                    "E-NAME-EMPTY",
                    f"“{key}”的名称为空",
                    "写出三级指标的名称；确实没有这项指标时写“不适用”",
                    f"{field}.{key}",
                )
        if "三级指标" in entries and "中期三级指标" in entries and "年度三级指标" in entries:
            self.error(
                entries["三级指标"][0],
                "E-LINE-NAMES",
                "“三级指标”与“中期三级指标”“年度三级指标”同时出现，前者不会被使用",
                "两侧名称不同时只写“中期三级指标”和“年度三级指标”",
                f"{field}.三级指标",
            )
        name = values.get("三级指标")  # both sides', unless a side names its own
        mid = annual = None
        if "中期三级指标" in entries or "中期指标值" in entries:
            mid = Side(values.get("中期三级指标", name) or "", values.get("中期指标值") or "")
        if "年度三级指标" in entries or "年度指标值" in entries:
            annual_name = values.get("年度三级指标", name) or ""
            annual_value = values.get("年度指标值") or ""
            if mid is not None and mid.name == annual_name and mid.value == annual_value:
                annual = mid  # one Side for both when they say the same, as half the lines do
            else:
                annual = Side(annual_name, annual_value)
        if mid is None and annual is None:
            self.error(
                node,
                "E-LINE-EMPTY",
                "这一行既没有中期指标值，也没有年度指标值",
                "写上“中期指标值: ……”和/或“年度指标值: ……”（没有值可留空，但要写出键）",
                field,
            )
            return None
        return Line(mid, annual, path=field)

    def _line_texts(
        self, node: Node, field: str
    ) -> tuple[dict[str, tuple[Node, Node]], dict[str, str | None]] | None:
        """A line's entries and its texts, by mapping() and text(); other kinds' keys to them."""
        entries = self.mapping(node, field, self.allowed["line"], item=True)
        if entries is None:
            return None
        if not self.extra_line_keys.isdisjoint(entries):  # most lines have only the 申报's
            self.read_extras("line", entries, field)
        values = {
            k: self.text(v, f"{field}.{k}") for k, (_, v) in entries.items() if k in LINE_KEYS
        }
        return entries, values

    def labels(self, node: Node | None) -> dict[str, str]:
        if node is None:
            return {}
        allowed = tuple(sorted(self.label_ids))
        labels = {}
        for key, (_, value) in (self.mapping(node, "标签", allowed) or {}).items():
            text = self.text(value, f"标签.{key}")
            if text:
                labels[key] = text
            else:
                self.error(
                    value,
                    "E-LABEL-EMPTY",
                    f"标签“{key}”的新写法是空的",
                    "写出表中要显示的文字，或删除这一行",
                    f"标签.{key}",
                )
        return labels


def default_span(year: int) -> tuple[int, int]:
    """中期年度 when a declaration leaves it out: the three-year rolling plan from its year."""
    return (year, year + 2)


def _example_l2(level1: str) -> str:
    """A standard 二级 name under a 一级, for hints."""
    from ..vocabulary import VOCABULARY

    names = VOCABULARY["2015"].get(level1) or VOCABULARY["2021"].get(level1) or ("数量指标",)
    return names[0]


def read(doc: Document, template: Template | None = None) -> Declaration:
    """A composed declaration file → Declaration; label ids come from the template used."""
    label_ids = frozenset((template or default_template()).labels)
    return Walk(doc.source, doc.text, label_ids).declaration(doc)


# -- the layout ---------------------------------------------------------------------


def _amount(row: int, col: int, value: Decimal | None) -> Cell:
    if value is None:
        return Cell.new(row, col, "", AMOUNT, colspan=2)
    return Cell.new(row, col, format(value, "f"), AMOUNT, colspan=2, number=value)


def layout(decl: Declaration, template: Template | None = None) -> Grid:
    """FORM.md's grid: eight columns A–H, the title and year line above the table."""
    t = template or default_template()
    ov = decl.labels
    breaks: dict[str, str] = {}  # a label's text → where it breaks when too long

    def label(label_id: str, **variables) -> str:
        text = t.label(label_id, ov, **variables)
        if label_id in t.label_breaks and label_id not in ov:
            breaks[text] = t.label_breaks[label_id]
        return text

    cells: list[Cell] = [
        _shared(0, 0, label("标题"), TITLE, colspan=N_COLUMNS),
        _shared(1, 0, label("年度行", 年度=decl.year), YEAR, colspan=N_COLUMNS),
        _shared(2, 0, label("项目名称"), LABEL, colspan=2),
        Cell.new(2, 2, decl.name, TEXT, colspan=6, field="项目名称"),
    ]
    if decl.department is not None:
        cells += [
            _shared(3, 0, label("主管部门"), LABEL, colspan=2),
            Cell.new(3, 2, decl.department, TEXT, colspan=3, field="主管部门"),
            _shared(3, 5, label("实施单位"), LABEL),
            Cell.new(3, 6, decl.unit, TEXT, colspan=2, field="实施单位"),
        ]
    else:
        cells += [
            _shared(3, 0, label("实施单位"), LABEL, colspan=2),
            Cell.new(3, 2, decl.unit, TEXT, colspan=6, field="实施单位"),
        ]
    cells += [
        _shared(4, 0, label("项目属性"), LABEL, colspan=2),
        Cell.new(4, 2, decl.attribute, CENTER, colspan=3, field="项目属性"),
        _shared(4, 5, label("项目期"), LABEL),
        Cell.new(4, 6, decl.period, CENTER, colspan=2, field="项目期"),
    ]
    fund_rows = (
        ("中期资金总额", "年度资金总额", "total"),
        ("财政拨款", "财政拨款", "fiscal"),
        ("其他资金", "其他资金", "other"),
    )
    for i, (mid_label, annual_label, attr) in enumerate(fund_rows):
        r = 5 + i
        if i == 0:
            cells.append(_shared(r, 0, label("项目资金"), LABEL, rowspan=3, colspan=2))
        cells += [
            _shared(r, 2, label(mid_label), LABEL),
            _amount(r, 3, getattr(decl.funds_mid, attr)),
            _shared(r, 5, label(annual_label), LABEL),
            _amount(r, 6, getattr(decl.funds_annual, attr)),
        ]
    first, last = decl.span
    cells += [
        _shared(8, 0, label("总体目标"), LABEL, rowspan=2, colspan=2),
        _shared(8, 2, label("中期目标", 起=first, 止=last), LABEL, colspan=3),
        _shared(8, 5, label("年度目标"), LABEL, colspan=3),
        Cell.new(9, 2, "\n".join(decl.goal_mid), TEXT, colspan=3, field="总体目标.中期目标"),
        Cell.new(9, 5, "\n".join(decl.goal_annual), TEXT, colspan=3, field="总体目标.年度目标"),
    ]
    header_row = 10
    indicator_cells, n_lines, blocks = _indicator_cells(decl, header_row + 1)
    cells.append(_shared(header_row, 0, label("绩效指标"), LABEL, rowspan=1 + n_lines))
    for col, label_id in enumerate(
        ("一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"), start=1
    ):
        cells.append(_shared(header_row, col, label(label_id), LABEL))
    cells += indicator_cells  # every cell made in the grid's order, row by row (checked by Grid)
    n_rows = header_row + 1 + n_lines
    widths = choose_columns(cells, n_rows, t, breaks)
    cells = [_broken(c, widths, t, breaks) if c.text in breaks else c for c in cells]
    return Grid(
        tuple(cells),
        n_rows,
        t,
        decl.name,
        decl.year,
        widths_cm=widths,
        page=t.page,
        head_rows=HEAD_ROWS,
        kind="申报表",
        repeat_row=header_row,
        keep=tuple(blocks),
    )


@functools.lru_cache(maxsize=256)
def _shared(row: int, col: int, text: str, role: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    """A cell that shows no field (a label, the title, the year line). Cached: the same
    labels stand at the same places in every form, and a Cell, an immutable value, can
    be shared by grids; making one costs a dict of its eight fields."""
    return Cell.new(row, col, text, role, rowspan, colspan)


# -- the column split -------------------------------------------------------------


def _width(cell: Cell, widths: tuple[float, ...]) -> float:
    return sum(widths[cell.col : cell.col + cell.colspan])


def _broken(cell: Cell, widths: tuple[float, ...], t: Template, breaks: dict[str, str]) -> Cell:
    """A label that does not fit its column on one line breaks at its chosen point."""
    broken = breaks.get(cell.text) if cell.role == LABEL else None
    if broken and _n_lines(cell.text, round(_width(cell, widths), 2), t.body_pt) > 1:
        return replace(cell, text=broken)
    return cell


NUMBER_CUT_PT = 40.0  # a value cut inside its number and unit weighs as about 2½ lines


@functools.lru_cache(maxsize=4096)
def _n_lines(text: str, width: float, pt: float) -> int:
    return measure.n_lines(text, width, pt)


@functools.lru_cache(maxsize=4096)
def _orphaned_cached(text: str, width: float, pt: float) -> bool:
    return measure.orphaned(text, width, pt)


def _orphaned(text: str, width: float, pt: float, breaks: dict[str, str]) -> bool:
    """Does a label leave a character alone on a line (after its chosen break, if it has one)?"""
    if not _orphaned_cached(text, width, pt):
        return False
    return text not in breaks or _orphaned_cached(breaks[text], width, pt)


def choose_columns(
    cells: list[Cell], n_rows: int, t: Template, breaks: dict[str, str]
) -> tuple[float, ...]:
    """Column widths from the form's texts, within the template's total width.

    A holds the vertical 绩效指标 two characters a line. B is the narrowest that leaves no
    一级 name or A:B label with a character alone on a line; then C/F (二级),
    E/H (指标值) and D/G (三级, the rest) are chosen, alike on both halves, for
    the least total height with no orphaned label, numbers with their units kept
    on one line where they fit, and whole characters a line. Labels are checked
    as a spreadsheet breaks them (no kinsoku), since Excel does not move them."""
    base = t.columns_cm
    if not t.auto_columns or len(base) != N_COLUMNS:
        return base
    pt = t.body_pt
    labels = _LabelGroups(cells, pt, breaks)
    b_splits = _b_splits(base, pt)
    b_spans = [(col, span) for col, span in labels.groups if col < 2 and span <= 2]
    b_orphans = labels.orphans(b_splits, b_spans)
    b_widths = [widths[1] for widths in b_splits.candidates]
    b = min(zip(b_orphans, b_widths, strict=True))[1]  # the narrowest of the fewest orphans
    splits = _cde_splits(base, pt, b)
    if not splits.candidates:
        return base
    orphans = labels.orphans(splits)
    fewest = min(orphans)
    heights = _TextHeights(cells, n_rows, pt)
    best = min(
        (heights.total(widths), -widths[3], widths)
        for n, widths in zip(orphans, splits.candidates, strict=True)
        if n == fewest
    )
    return best[2]


@functools.lru_cache(maxsize=4096)  # the candidate splits depend on the template alone
def _span_width(widths: tuple[float, ...], col: int, span: int) -> float:
    """The width of a cell spanning these columns, rounded as the checks see it."""
    return round(sum(widths[col : col + span]), 2)


@functools.lru_cache(maxsize=1024)  # a template's few candidate splits
def _span_widths(widths: tuple[float, ...]) -> tuple[tuple[float, ...], ...]:
    """[col][span]: _span_width of every span, looked up once per split, not once per span."""
    return tuple(
        tuple(_span_width(widths, col, span) for span in range(len(widths) - col + 1))
        for col in range(len(widths))
    )


class _Splits:
    """Candidate column splits. They depend on the template alone (and B), so they are
    made once per template and each span's widths under them are worked out once, not
    once per form."""

    def __init__(self, candidates: Sequence[tuple[float, ...]]):
        self.candidates = tuple(candidates)
        self._span_widths: dict[tuple[int, int], tuple[float, ...]] = {}
        self._narrowest: dict[tuple[int, int], float] = {}

    def span_widths(self, col: int, span: int) -> tuple[float, ...]:
        """Per candidate, the width of a cell spanning these columns."""
        key = (col, span)
        if key not in self._span_widths:
            self._span_widths[key] = tuple(_span_width(w, col, span) for w in self.candidates)
        return self._span_widths[key]

    def narrowest(self, col: int, span: int) -> float:
        """The least of span_widths (there is a candidate), found once per span."""
        key = (col, span)
        if key not in self._narrowest:
            self._narrowest[key] = min(self.span_widths(col, span))
        return self._narrowest[key]


def _n_chars_width(n: int, pt: float) -> float:
    """The width of a column that holds `n` characters a line, with a little room."""
    return round(measure.width_for(n, pt) + 0.01, 2)


def _column_a(base: tuple[float, ...], pt: float) -> float:
    """A: 绩效指标 two characters a line, so that it fits in the header row every
    printed page repeats."""
    return max(base[0], _n_chars_width(2, pt))


@functools.lru_cache(maxsize=64)  # one per template
def _b_splits(base: tuple[float, ...], pt: float) -> _Splits:
    """The candidates for B: four to six characters a line."""
    a = _column_a(base, pt)
    return _Splits([(a, _n_chars_width(n, pt), 0, 0, 0, 0, 0, 0) for n in range(4, 7)])


@functools.lru_cache(maxsize=64)  # one per template and B
def _cde_splits(base: tuple[float, ...], pt: float, b: float) -> _Splits:
    """The candidates for C/F and E/H (four to eight characters a line), D/G taking the
    rest of the half, alike on both halves."""
    a = _column_a(base, pt)
    half = (sum(base) - a - b) / 2
    candidates = []
    for n_c in range(4, 9):
        for n_e in range(4, 9):
            c, e = _n_chars_width(n_c, pt), _n_chars_width(n_e, pt)
            d = math.floor((half - c - e) * 100 + 1e-6) / 100  # the total never grows
            if d >= _n_chars_width(4, pt):
                candidates.append((a, b, c, d, e, c, d, e))
    return _Splits(candidates)


class _LabelGroups:
    """The form's labels (below the head, but A's vertical 绩效指标) grouped by the columns
    they span: a group's orphaned labels are counted once per width it gets, not once per
    label and candidate split. A group is kept widest first, so that a count stops at the
    first label that fits on one line: no such label can be orphaned."""

    def __init__(self, cells: list[Cell], pt: float, breaks: dict[str, str]):
        self.pt = pt
        self.breaks = breaks
        groups: dict[tuple[int, int], list[tuple[float, str]]] = {}  # (ems, text)
        for cell in cells:
            if cell.role == LABEL and cell.row >= HEAD_ROWS:
                key = (cell.col, cell.colspan)
                if key != (0, 1):
                    group = groups.get(key)
                    if group is None:
                        group = groups[key] = []
                    group.append((_one_line_em(cell.text), cell.text))
        self.groups = groups
        for group in groups.values():
            group.sort(key=itemgetter(0), reverse=True)
        self.counted: dict[tuple[int, int, float], int] = {}

    def count(self, col: int, span: int, width: float) -> int:
        """How many labels of the group leave a character alone on a line at this width."""
        key = (col, span, width)
        if key not in self.counted:
            pt, breaks = self.pt, self.breaks
            line_pt = measure.line_width_pt(width, pt)
            n = 0
            for ems, text in self.groups[col, span]:
                if ems * pt <= line_pt:
                    break  # it and the narrower labels after it take one line each
                if _orphaned_cached(text, width, pt):  # _orphaned, without its call
                    n += text not in breaks or _orphaned_cached(breaks[text], width, pt)
            self.counted[key] = n
        return self.counted[key]

    def _one_line_each(self, col: int, span: int, width: float) -> bool:
        """Does every label of the group take one line at this width, so at any wider?"""
        widest = self.groups[col, span][0][0]
        return widest * self.pt <= measure.line_width_pt(width, self.pt)

    def orphans(self, splits: _Splits, spans: list[tuple[int, int]] | None = None) -> list[int]:
        """Per candidate split, how many labels (of the groups spanning `spans`, or all)
        leave a character alone on a line."""
        totals = [0] * len(splits.candidates)
        for col, span in self.groups if spans is None else spans:
            widths = splits.span_widths(col, span)
            if not widths or self._one_line_each(col, span, splits.narrowest(col, span)):
                continue  # no split, or one line each under every split (most groups)
            counts = {width: self.count(col, span, width) for width in set(widths)}
            totals = [n + counts[width] for n, width in zip(totals, widths, strict=True)]
        return totals


class _TextHeights:
    """The table's height under a candidate split, from its text cells (not labels).

    A text's height depends only on the width of the columns it spans, so texts are
    grouped by span, and per span and width the rows where they need more than a line
    are worked out once; a candidate's row heights are then the rowwise max of its
    spans' rows (a line where none needs more). Texts spanning several rows are fitted
    afterwards, in the order of the cells."""

    def __init__(self, cells: list[Cell], n_rows: int, pt: float):
        self.pt = pt
        self.n_rows = n_rows
        self.line_pt = measure.line_height(pt)
        # per span, its one-row texts as (ems needed on one line, row, text), widest first
        self.texts: dict[tuple[int, int], list[tuple[float, int, str]]] = {}
        self.tall: list[tuple[int, int, int, int, str]] = []  # (col, span, row, rowspan, text)
        by_span, tall = self.texts, self.tall
        for cell in cells:
            text = cell.text
            if text and cell.role != LABEL and cell.row >= HEAD_ROWS:
                col = cell.col
                if cell.rowspan > 1:
                    tall.append((col, cell.colspan, cell.row, cell.rowspan, text))
                    continue
                key = (col, cell.colspan)
                texts = by_span.get(key)
                if texts is None:
                    texts = by_span[key] = []
                ems = _number_line_ems(text) if col in VALUE_COLUMNS else _one_line_em(text)
                texts.append((ems, cell.row, text))
        for texts in by_span.values():
            texts.sort(key=itemgetter(0), reverse=True)
        self.rows: dict[tuple[int, int, float], list[tuple[int, float]]] = {}

    def span_rows(self, col: int, span: int, width: float) -> list[tuple[int, float]]:
        """The rows where the span's one-row texts need more than a line at this width, as
        (row, height). A text within a line's ems, number included, needs one line: the
        texts after it, narrower, are not measured."""
        key = (col, span, width)
        if key not in self.rows:
            pt, numbered, line_pt = self.pt, col in VALUE_COLUMNS, self.line_pt
            cap = measure.per_line_em(width, pt)
            pitch = pt * measure.line_em()
            rows = []
            for ems, row, text in self.texts[col, span]:
                if ems <= cap:
                    break
                if numbered or ems == math.inf:  # a number's toll, or several paragraphs
                    h = _text_height(text, numbered, width, pt)
                else:  # one paragraph of `ems`: _text_height's sum, without the lookup
                    h = math.ceil(ems / cap - 1e-9) * pitch + measure.ROW_PADDING_PT
                if h > line_pt:
                    rows.append((row, h))
            self.rows[key] = rows
        return self.rows[key]

    def total(self, widths: tuple[float, ...]) -> float:
        """The height of the table's rows below the head, in points."""
        rows = [self.line_pt] * self.n_rows
        span_width = _span_widths(widths)
        for col, span in self.texts:
            for row, h in self.span_rows(col, span, span_width[col][span]):
                if h > rows[row]:
                    rows[row] = h
        for col, span, row, rowspan, text in self.tall:  # in the order of the cells
            width = span_width[col][span]
            h = _text_height(text, col in VALUE_COLUMNS, width, self.pt)
            missing = h - sum(rows[row : row + rowspan])
            if missing > 0:
                rows[row + rowspan - 1] += missing
        return sum(rows[HEAD_ROWS:])


VALUE_COLUMNS = (4, 7)  # 指标值: a number there is kept with its unit where it fits


@functools.lru_cache(maxsize=16384)  # labels recur in every form
def _one_line_em(text: str) -> float:
    """The ems a text takes on one line; infinite when it has several paragraphs, each of
    which takes a line of its own."""
    return math.inf if "\n" in text else measure.width_em(text)


@functools.lru_cache(maxsize=16384)  # indicator values recur across forms
def _number_line_ems(text: str) -> float:
    """The ems a text where numbers are kept with their units needs to take one line: its
    own, or its widest number with its unit where that is wider (it would be cut). Apart
    from _one_line_em, as a cache of one argument is looked up in half the steps."""
    return max(_one_line_em(text), measure.number_em(text))


@functools.lru_cache(maxsize=32768)  # indicator names and values recur across forms
def _text_height(text: str, numbered: bool, width: float, pt: float) -> float:
    """The height a text needs in a cell this wide: its lines in whole characters, plus
    a toll where a number (if `numbered`) would be cut from its unit."""
    cap = measure.per_line_em(width, pt)
    lines = sum(max(1, math.ceil(measure.width_em(p) / cap - 1e-9)) for p in text.split("\n"))
    number = measure.number_em(text) if numbered else 0.0
    return (
        lines * (pt * measure.line_em())
        + measure.ROW_PADDING_PT
        + (NUMBER_CUT_PT if number > cap else 0)
    )


def _indicator_cells(decl: Declaration, top: int) -> tuple[list[Cell], int, list[tuple[int, int]]]:
    """FORM.md 'The indicator section': B per 一级, C/F per block, D/E and G/H per line.
    The cells come row by row in the grid's order (so the layout need not sort them),
    with the section's number of rows and each block's first and last row (a block is
    kept on one page)."""
    cells: list[Cell] = []
    blocks: list[tuple[int, int]] = []
    row = top
    for group in decl.indicators:
        sides = [_block_sides(block) for block in group.blocks]
        n_group = sum(n for _mid, _annual, n in sides)
        if n_group:
            cells.append(Cell.new(row, 1, group.name, LABEL, rowspan=n_group))
        for block, (mid, annual, n) in zip(group.blocks, sides, strict=True):
            if n == 0:
                continue
            blocks.append((row, row + n - 1))
            for i in range(n):
                if i == 0:
                    cells.append(Cell.new(row, 2, block.name if mid else "", LABEL, rowspan=n))
                if i < len(mid):
                    cells += _side_cells(row, 3, mid[i], _MID_FIELDS)
                else:
                    cells += _no_side_cells(row, 3)
                if i == 0:
                    name = block.annual_name if annual else ""
                    cells.append(Cell.new(row, 5, name, LABEL, rowspan=n))
                if i < len(annual):
                    cells += _side_cells(row, 6, annual[i], _ANNUAL_FIELDS)
                else:
                    cells += _no_side_cells(row, 6)
                row += 1
    return cells, row - top, blocks


def _block_sides(block: Block) -> tuple[list[tuple[Side, str]], list[tuple[Side, str]], int]:
    """A block's 中期 sides and its 年度 sides, each with its line's field path, and how
    many rows the block takes."""
    mid = [(line.mid, line.path) for line in block.lines if line.mid is not None]
    annual = [(line.annual, line.path) for line in block.lines if line.annual is not None]
    return mid, annual, max(len(mid), len(annual))


# The fields a side's two cells show, after the line's path: 中期 and 年度.
_MID_FIELDS = (".中期三级指标", ".中期指标值")
_ANNUAL_FIELDS = (".年度三级指标", ".年度指标值")


def _side_cells(
    row: int, col: int, side_path: tuple[Side, str], fields: tuple[str, str]
) -> tuple[Cell, Cell]:
    """One side's 三级指标 and 指标值 of a line, with the fields they show (the line's
    path, then `fields`)."""
    side, path = side_path
    return (
        Cell.new(row, col, side.name, TEXT, field=path + fields[0]),
        Cell.new(row, col + 1, side.value, CENTER, field=path + fields[1]),
    )


@functools.lru_cache(maxsize=256)
def _no_side_cells(row: int, col: int) -> tuple[Cell, Cell]:
    """The two empty cells of a side in a block whose other side has more lines. Cached
    (per row), as _shared."""
    return Cell.new(row, col, "", TEXT), Cell.new(row, col + 1, "", CENTER)


KIND = kinds.register(
    kinds.FormKind(
        key="申报表",
        title="项目支出绩效目标申报表",
        template="form.yaml",
        layout=layout,
    )
)
