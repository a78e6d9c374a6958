"""A raw grid read from a filled form → a declaration (as YAML text), found by labels.

Nothing is located by fixed coordinates: each label is looked up by its text
(after folding full-width/half-width punctuation and spaces), its value is the
next non-empty cell to its right (or below, for goals), and the indicator
columns are those under the header row's 一级/二级/三级指标/指标值. Every
non-empty cell that is neither a label nor a value is reported as unused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import overload

import yaml

from .readers import RawCell, RawGrid, parse_amount, read_grids
from .template import default_template
from .vocabulary import TOP_KEYS


def fold(text: str) -> str:
    """Label text for comparison: NFKC (full-width → half-width), no spaces or colons."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s:：]", "", text)


# label id → accepted spellings (folded); the first is the template's wording
VARIANTS = {
    "项目期": ("项目日期", "项目周期", "实施期限", "项目期限"),
    "主管部门": ("主管部门", "主管部门及代码"),
    "项目资金": ("项目资金", "项目资金(万元)"),
    "中期资金总额": ("中期资金", "中期资金总额(万元)"),
    "年度资金总额": ("年度资金", "年度资金总额(万元)"),
    "财政拨款": ("财政拨款", "其中财政资金", "财政资金"),
    "其他资金": ("其中其他资金", "其他"),
}
TITLE = fold("项目支出绩效目标申报表")
_YEAR = re.compile(r"(\d{4})\s*年度")
_SPAN = re.compile(r"(\d{4})\s*年?\s*[—–\-~～至到]+\s*(\d{4})")


class NotAForm(Exception):
    """The file, sheet or table holds no recognisable 申报表 (message in Chinese)."""


class FormDefect(Exception):
    """A form is there (its 项目名称 and indicator header were found) but cannot be imported
    as it stands: an error for the report, never a sheet skipped quietly."""


@dataclass
class Imported:
    data: dict  # the declaration, keys in the usual order
    unused: list[RawCell] = field(default_factory=list)
    source: str = ""
    sheet: str = ""  # the sheet or table it came from ("Sheet1", "表格1")
    notes: list[str] = field(default_factory=list)  # what import had to decide, for the report
    cells: list[RawCell] = field(default_factory=list)  # every non-empty source cell
    amount_ids: set[int] = field(default_factory=set)  # cells read as amounts
    line_ids: set[int] = field(default_factory=set)  # cells read as 三级指标 or 指标值

    @property
    def name(self) -> str:
        return str(self.data.get("项目名称", ""))


# Lines below a table that are not part of it: signatures, contacts, dates, notes.
# Words that begin a signature, contact, date or note line; those an indicator's name may
# also begin with (电话回访率, 手机客户端下载量, 审核通过率) only with a colon after them.
FOOTER = re.compile(
    r"^[(（]?(填报人|填表人|联系电话|联系方式|单位[(（]?盖章|盖章|填报日期|填表日期|填表说明|填报说明"
    r"|备注|审核人|单位负责人|财务负责人|制表人|经办人|签字|签章"
    r"|(?:电话|手机|联系人|负责人|日期|说明|审核|注)[:：]|注\d)"
)


class _Finder:
    def __init__(self, grid: RawGrid):
        self.grid = grid
        self.used: set[int] = set()
        labels = default_template().labels
        self.spellings = {lid: {fold(text)} for lid, text in labels.items() if "{" not in text}
        for lid, extra in VARIANTS.items():
            self.spellings.setdefault(lid, set()).update(fold(e) for e in extra)
        self.all_labels = set().union(*self.spellings.values()) | {TITLE}

    @overload
    def use(self, cell: RawCell) -> RawCell: ...
    @overload
    def use(self, cell: RawCell | None) -> RawCell | None: ...

    def use(self, cell: RawCell | None) -> RawCell | None:
        if cell is not None:
            self.used.add(id(cell))
        return cell

    def is_label(self, cell: RawCell) -> bool:
        folded = fold(cell.text)
        return folded in self.all_labels or folded.startswith(("中期目标", "其中"))

    def find(self, label_id: str, rows: range | None = None, nth: int = 0) -> RawCell | None:
        spellings = self.spellings[label_id]
        hits = [
            c
            for c in self.grid.cells
            if fold(c.text) in spellings and (rows is None or c.row in rows)
        ]
        return hits[nth] if len(hits) > nth else None

    def right_of(self, label: RawCell, stop_cols: int | None = None) -> RawCell | None:
        """The next non-empty cell to the right in the label's row, unless a label comes first."""
        col = label.col + label.colspan
        end = stop_cols if stop_cols is not None else self.grid.n_cols
        while col < end:
            cell = self.grid.at(label.row, col)
            if cell is None:
                col += 1
                continue
            if cell.text.strip():
                return None if self.is_label(cell) else cell
            col = cell.col + cell.colspan
        return None

    def below(self, label: RawCell, stop_row: int) -> RawCell | None:
        """The next non-empty cell below, the one overlapping the label's columns most
        (rows of a Word table need not share their column edges)."""
        row = label.row + label.rowspan
        while row < stop_row:
            cell = _widest_overlap(self.grid, row, label.col, label.colspan)
            if cell is not None and cell.text.strip():
                return None if self.is_label(cell) else cell
            row = (cell.row + cell.rowspan) if cell is not None else row + 1
        return None


def _overlap(grid: RawGrid, cell: RawCell, col: int, colspan: int) -> int:
    """How far a cell and a column range overlap horizontally (in the grid's units)."""
    start, end = max(cell.col, col), min(cell.col + cell.colspan, col + colspan)
    return max(0, grid.x(end) - grid.x(start)) if end > start else 0


def _row_cells(grid: RawGrid, row: int) -> list[RawCell]:
    """The distinct cells covering a row (anchored there or merged from above), left to right."""
    seen: dict[int, RawCell] = {}
    for col in range(grid.n_cols):
        cell = grid.at(row, col)
        if cell is not None:
            seen.setdefault(id(cell), cell)
    return list(seen.values())


def _widest_overlap(grid: RawGrid, row: int, col: int, colspan: int) -> RawCell | None:
    best = max(
        ((c, _overlap(grid, c, col, colspan)) for c in _row_cells(grid, row)),
        key=lambda pair: pair[1],
        default=(None, 0),
    )
    return best[0] if best[1] > 0 else None


def import_grid(grid: RawGrid) -> Imported:
    f = _Finder(grid)
    data: dict = {}
    labels: dict[str, str] = {}
    amount_ids: set[int] = set()

    def reworded(label_id: str, cell: RawCell | None) -> None:
        if cell is not None and fold(cell.text) != fold(default_template().labels[label_id]):
            labels[label_id] = cell.text.strip()

    if any("自评表" in fold(c.text) for c in list(grid.above) + grid.cells if len(c.text) < 40):
        raise NotAForm(
            "这是一张绩效自评表，不是申报表；自评结果用“formgen import 自评表文件 --into 申报文件.yaml”导入"
        )
    header = f.find("一级指标")
    if header is None or f.find("项目名称") is None:
        raise NotAForm(
            "找不到“项目名称”或绩效指标的表头（一级指标、二级指标……），这不像一张项目支出绩效目标申报表"
        )
    top = range(0, header.row)

    # title and year: in the table or in the paragraphs above it
    year = None
    for cell in list(grid.above) + [c for c in grid.cells if c.row < header.row]:
        folded = fold(cell.text)
        if folded == TITLE:
            f.use(cell)
        match = _YEAR.search(unicodedata.normalize("NFKC", cell.text))
        if match and year is None and len(folded) <= 12:
            year = int(match.group(1))
            f.use(cell)
    if year is None:
        raise FormDefect("找不到年度（如“（2022年度）”），请在表头写上年度后重新导入")
    data["年度"] = year

    def value(label_id: str, key: str, stop: int | None = None) -> None:
        label = f.use(f.find(label_id, top))
        if label is None:
            return
        reworded(label_id, label)
        cell = f.use(f.right_of(label, stop))
        data[key] = cell.text if cell is not None else ""

    value("项目名称", "项目名称")
    department = f.find("主管部门", top)
    if department is not None:
        value("主管部门", "主管部门")
    value("实施单位", "实施单位")
    value("项目属性", "项目属性")
    value("项目期", "项目期")
    for key in ("主管部门", "项目属性", "项目期"):
        if data.get(key) == "":
            del data[key]  # an empty cell is the same as a key left out

    funds = _funds(f, top, reworded, amount_ids)
    if funds:
        data["项目资金"] = funds
    data["总体目标"] = _goals(f, top, header.row, reworded)
    section = _indicators(f, header)
    data["绩效指标"] = section.indicators
    if labels:
        data["标签"] = labels
    everything = list(grid.above) + grid.cells + list(grid.below)
    cells = [c for c in everything if c.text.strip()]
    unused = [c for c in cells if id(c) not in f.used]
    return Imported(
        _ordered(data),
        unused,
        grid.source,
        grid.name,
        section.notes,
        cells,
        amount_ids,
        section.line_ids,
    )


def _funds(f: _Finder, top: range, reworded, amount_ids: set[int]) -> dict:
    funds: dict = {}
    f.use(f.find("项目资金", top))
    reworded("项目资金", f.find("项目资金", top))
    for side, label_id in (("中期", "中期资金总额"), ("年度", "年度资金总额")):
        total = f.use(f.find(label_id, top))
        if total is None:
            continue
        reworded(label_id, total)
        amounts = {"资金总额": _amount(f, f.right_of(total), amount_ids)}
        # 财政拨款 and 其他资金 below the total, in the same column
        for key, label_id2 in (("财政拨款", "财政拨款"), ("其他资金", "其他资金")):
            label = next(
                (
                    c
                    for c in f.grid.cells
                    if fold(c.text) in f.spellings[label_id2]
                    and _overlap(f.grid, c, total.col, total.colspan) > 0
                    and c.row > total.row
                    and c.row in top
                ),
                None,
            )
            if label is not None:
                f.use(label)
                reworded(label_id2, label)
                amounts[key] = _amount(f, f.right_of(label), amount_ids)
        given = {k: v for k, v in amounts.items() if v is not None}
        if given:
            funds[side] = given
    return funds


def _amount(f: _Finder, cell: RawCell | None, amount_ids: set[int]) -> Decimal | None:
    """An amount cell's value; a cell that is not an amount stays unused (and is reported)."""
    value = parse_amount(cell)
    if value is not None:
        f.use(cell)
        amount_ids.add(id(cell))
    return value


def _goals(f: _Finder, top: range, stop: int, reworded) -> dict:
    goals: dict = {}
    mid = next(
        (c for c in f.grid.cells if fold(c.text).startswith("中期目标") and c.row in top), None
    )
    if mid is not None:
        f.use(mid)
        match = _SPAN.search(unicodedata.normalize("NFKC", mid.text))
        if match:
            goals["中期年度"] = f"{match.group(1)}—{match.group(2)}"
        cell = f.use(f.below(mid, stop))
        goals["中期目标"] = _items(cell)
    annual = f.use(f.find("年度目标", top))
    if annual is not None:
        reworded("年度目标", annual)
        goals["年度目标"] = _items(f.use(f.below(annual, stop)))
    f.use(f.find("总体目标", top))
    return goals


def _items(cell: RawCell | None):
    if cell is None:
        return ""
    items = cell.text.split("\n")
    return items if len(items) > 1 else items[0]


HEADS = ("一级指标", "二级指标", "三级指标", "指标值")
SLOTS = ("一级", "中期二级", "中期三级", "中期值", "年度二级", "年度三级", "年度值")
LINE_SLOTS = ("中期三级", "中期值", "年度三级", "年度值")


@dataclass
class _Section:
    indicators: dict
    notes: list[str]
    line_ids: set[int]


@dataclass
class _Chunk:
    """Consecutive rows of one (一级, 二级) block as the form shows them."""

    group: RawCell | None
    mid: RawCell | None  # the 二级 cells that named it (None where a side left it empty)
    annual: RawCell | None
    first_row: RawCell  # a cell of its first row, for messages
    lines: list[tuple] = field(default_factory=list)  # (mid, annual): (三级, 值) or None


def name_text(text: str) -> str:
    """A 一级/二级 name as a YAML key: its lines joined (a name wrapped by hand in a narrow
    column is still one name), outer spaces dropped."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    joined = ""
    for part in parts:
        if joined and joined[-1].isascii() and part[0].isascii():
            joined += " "
        joined += part
    return joined


def _header_slots(f: _Finder, header: RawCell) -> dict[str, RawCell]:
    grid = f.grid
    slots: dict[str, RawCell] = {}
    seen: dict[str, int] = {}
    for cell in _row_cells(grid, header.row):
        folded = fold(cell.text)
        if cell.row != header.row or folded not in HEADS:
            continue
        n = seen.get(folded, 0)
        seen[folded] = n + 1
        if folded == "一级指标":
            key = "一级" if n == 0 else None
        else:
            side = ("中期", "年度")[n] if n < 2 else None
            key = side and side + {"二级指标": "二级", "三级指标": "三级", "指标值": "值"}[folded]
        if key:
            slots[key] = f.use(cell)
    f.use(next((c for c in grid.cells if fold(c.text) == "绩效指标"), None))
    if set(slots) != set(SLOTS):
        raise FormDefect(
            "绩效指标的表头不完整：需要一级指标，以及中期、年度两侧的二级指标、三级指标、指标值"
        )
    return slots


def _slot_cells(grid: RawGrid, row: int, slots: dict[str, RawCell]) -> dict[str, RawCell] | None:
    """The row's cells by indicator column, placed by horizontal overlap with the header;
    None when the row is not an indicator line (no 三级指标 or 指标值 written, a cell across
    several columns, two cells under one header, a footer). Text beside the columns (a remark)
    does not end the table; it stays unused and is reported."""
    placed: dict[str, tuple[RawCell, int]] = {}
    for cell in _row_cells(grid, row):
        overlaps = {k: _overlap(grid, cell, h.col, h.colspan) for k, h in slots.items()}
        best = max(overlaps, key=lambda k: overlaps[k])
        text = cell.text.strip()
        if cell.row == row and text and overlaps[best]:
            if FOOTER.match(re.sub(r"\s", "", unicodedata.normalize("NFKC", text))):
                return None
            wide = sum(
                1
                for k, h in slots.items()
                if overlaps[k] * 2 >= grid.x(h.col + h.colspan) - grid.x(h.col)
            )
            if wide > 1:
                return None
        if overlaps[best] == 0:
            continue
        if best in placed:
            if placed[best][0].text.strip() and text:
                return None
            if overlaps[best] <= placed[best][1] and not text:
                continue
        placed[best] = (cell, overlaps[best])
    cells = {k: c for k, (c, _) in placed.items()}
    written = [k for k, c in cells.items() if c.row == row and c.text.strip()]
    if not any(k in LINE_SLOTS for k in written):
        return None
    return cells


def _lone(grid: RawGrid, row: int) -> bool:
    """A row with one text only: a line whose value is blank, or a name or date under the
    table; which one, only the rows after it can tell."""
    return sum(1 for c in _row_cells(grid, row) if c.row == row and c.text.strip()) == 1


def _starts(cell: RawCell | None, row: int, current: str | None) -> bool:
    """Whether a 一级/二级 cell starts a new group or block here: a name written here that is
    not the one above repeated, or a merged cell beginning here. An empty unmerged cell (the
    name written once, above) or a cell merged from above continues."""
    if cell is None or cell.row != row:
        return False
    if cell.rowspan > 1:
        return True
    text = name_text(cell.text)
    return bool(text) and text != current


def _indicators(f: _Finder, header: RawCell) -> _Section:
    """Groups and blocks from merged, repeated or written-once (sparse) name cells; the table
    ends at the first row that is not an indicator line."""
    grid = f.grid
    slots = _header_slots(f, header)
    chunks: list[_Chunk] = []
    line_ids: set[int] = set()
    for r, cells in _line_rows(grid, header.row + 1, slots):
        g = cells.get("一级")
        m, a = cells.get("中期二级"), cells.get("年度二级")
        current = chunks[-1] if chunks else None
        if current is None:
            new_group = new_block = True
        else:
            new_group = _starts(g, r, name_text(current.group.text) if current.group else None)
            new_block = (
                new_group
                or _starts(m, r, name_text(current.mid.text) if current.mid else None)
                or _starts(a, r, name_text(current.annual.text) if current.annual else None)
            )
        if new_block:
            group = current.group if current is not None and not new_group else g
            chunks.append(_Chunk(group, m, a, first_row=next(iter(cells.values()))))
        for c in (g, m, a):
            f.use(c)
        sides = []
        for side in ("中期", "年度"):
            name, value = cells.get(side + "三级"), cells.get(side + "值")
            texts = [c.text if c is not None and c.row == r else "" for c in (name, value)]
            for c in (name, value):
                if c is not None and c.row == r and c.text.strip():
                    f.use(c)
                    line_ids.add(id(c))
            sides.append(tuple(texts) if any(t.strip() for t in texts) else None)
        chunks[-1].lines.append(tuple(sides))
    return _assemble(chunks, line_ids)


def _line_rows(grid: RawGrid, first: int, slots: dict[str, RawCell]):
    """(row, cells by column) of each indicator line, up to the table's end: the first row
    that is not a line, an empty row across the table, or a run of rows with one text each
    that no proper line follows (a name or a date typed under the table)."""
    rows: list[tuple[int, dict[str, RawCell]]] = []
    pending: list[tuple[int, dict[str, RawCell]]] = []  # lone-text rows not yet decided
    for r in range(first, grid.n_rows):
        row_cells = _row_cells(grid, r)
        if not any(c.text.strip() for c in row_cells if c.row == r):
            if (rows or pending) and not any(c.row < r for c in row_cells):
                break  # an empty row across the table: what follows is not the table
            continue
        cells = _slot_cells(grid, r, slots)
        if cells is None:
            break
        if _lone(grid, r):
            pending.append((r, cells))
            continue
        rows += pending + [(r, cells)]
        pending = []
    return rows


def _assemble(chunks: list[_Chunk], line_ids: set[int]) -> _Section:
    """Chunks → the 绩效指标 mapping. A name that comes back later in the table joins its
    first block (a mapping cannot hold it twice); the report says so."""
    indicators: dict = {}
    blocks: dict[tuple[str, str], dict] = {}
    notes: list[str] = []
    last_group = None
    for chunk in chunks:
        group_cell = chunk.group
        group_name = name_text(group_cell.text) if group_cell is not None else ""
        if group_cell is None or not group_name:
            where = (group_cell or chunk.first_row).where
            raise FormDefect(
                f"{where} 起的指标行没有一级指标（一级指标一栏是空的），请在原表中补上"
            )
        if group_name in indicators and group_name != last_group:
            notes.append(
                f"{group_cell.where}：一级指标“{group_name}”在前面已出现，"
                "其下各行已并入前面的同名一级指标"
            )
        last_group = group_name
        group = indicators.setdefault(group_name, {})
        mid = name_text(chunk.mid.text) if chunk.mid is not None else ""
        annual = name_text(chunk.annual.text) if chunk.annual is not None else ""
        has_mid = any(m is not None for m, _ in chunk.lines)
        has_annual = any(a is not None for _, a in chunk.lines)
        key = (mid if has_mid else "") or (annual if has_annual else "") or mid or annual
        if not key:
            where = chunk.first_row.where
            raise FormDefect(
                f"{where} 起的指标行没有二级指标（二级指标一栏是空的），请在原表中补上"
            )
        other = annual if has_annual and annual and annual != key else None
        if key in group:
            cell = chunk.mid if mid == key else chunk.annual
            assert cell is not None  # key is the name one of the two cells holds
            notes.append(
                f"{cell.where}：二级指标“{key}”在一级指标“{group_name}”下已出现过，"
                "其下各行已并入前面的同名二级指标"
            )
            entry = blocks[group_name, key]
            entry["lines"] += chunk.lines
            continue
        blocks[group_name, key] = {"annual": other, "lines": list(chunk.lines)}
        group[key] = None
    for (group_name, key), entry in blocks.items():
        # each side's lines stacked from the top, as the form shows them (a block that came
        # back adds its lines below each side's own)
        mids = [m for m, _ in entry["lines"] if m is not None]
        annuals = [a for _, a in entry["lines"] if a is not None]
        lines = [
            line_entry(mids[i] if i < len(mids) else None, annuals[i] if i < len(annuals) else None)
            for i in range(max(len(mids), len(annuals)))
        ]
        other = entry["annual"]
        indicators[group_name][key] = {"年度二级指标": other, "指标": lines} if other else lines
    return _Section(indicators, notes, line_ids)


def line_entry(mid: tuple[str, str] | None, annual: tuple[str, str] | None) -> dict:
    """One indicator line in the declaration format, from its (三级, 指标值) on each side."""
    line: dict = {}
    if mid and annual and mid[0] == annual[0]:
        line["三级指标"] = mid[0]
    else:
        if mid:
            line["中期三级指标" if annual else "三级指标"] = mid[0]
        if annual:
            line["年度三级指标" if mid else "三级指标"] = annual[0]
    if mid:
        line["中期指标值"] = mid[1]
    if annual:
        line["年度指标值"] = annual[1]
    return line


def _ordered(data: dict) -> dict:
    """The declaration's keys in the loader's order, which is the form's."""
    return {k: data[k] for k in TOP_KEYS if k in data}


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(
            flow, False
        )  # lists indented under their key, as in the README


def _decimal(dumper, value: Decimal):
    return dumper.represent_scalar(
        "tag:yaml.org,2002:float" if "." in str(value) else "tag:yaml.org,2002:int",
        format(value, "f"),
    )


_Dumper.add_representer(Decimal, _decimal)


def to_yaml(imported: Imported, source_name: str) -> str:
    body = yaml.dump(
        imported.data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        default_flow_style=False,
    )
    header = f"# 由 formgen import 从“{source_name}”导入。请核对后再生成。\n"
    return header + body


@dataclass
class Book:
    """What one file holds: its forms, and the sheets or tables that hold none (with why)."""

    forms: list[Imported]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet or table, reason)
    defects: list[tuple[str, str]] = field(default_factory=list)  # forms that cannot be read


def import_book(path: str | Path) -> Book:
    """Every form in the file (one per sheet or table that holds one). A table that is not
    a form passes the paragraphs above it on to the next table (a title above a small table
    of contents still titles the form); paragraphs after a last table that is not a form are
    reported with the last form."""
    book = Book([])
    carried: list[RawCell] = []
    grids = read_grids(path)
    for i, grid in enumerate(grids):
        if carried:
            grid.above = carried + list(grid.above)
            carried = []
        if not any(c.text.strip() for c in grid.cells):
            book.skipped.append((grid.name, "是空白的"))
            carried = list(grid.above)
            continue
        try:
            book.forms.append(import_grid(grid))
        except FormDefect as exc:
            book.defects.append((grid.name, str(exc)))
        except NotAForm as exc:
            book.skipped.append((grid.name, str(exc)))
            carried = list(grid.above)
            if i == len(grids) - 1 and grid.below and book.forms:
                book.forms[-1].unused += grid.below
                book.forms[-1].cells += grid.below
    if not book.forms and not book.defects:
        reasons = [why for _, why in book.skipped if why != "是空白的"]
        raise NotAForm(reasons[0] if reasons else "文件中没有表格")
    return book


def import_file(path: str | Path) -> list[Imported]:
    """Every form found in the file (one per table or sheet that holds one)."""
    return import_book(path).forms
