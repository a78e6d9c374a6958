"""A filled 自评表 (.xlsx/.docx) → the results of an existing declaration, edited in place.

The form is found by its labels, as `formgen import` finds a 申报表; its indicator
rows are matched to the declaration's annual lines by 一级/二级/三级 names, and
the results are written next to each line's 年度指标值 with ruamel.yaml, which
keeps the file's comments, quotes and order. Nothing is dropped quietly: rows
that match no line, lines the file does not cover, cells not used and values
that would replace different ones already in the declaration are all reported,
and the declaration is only rewritten when none is left (or the user says so).

分值 and 得分 are written only where the file's figure differs from what formgen
computes from the declaration, so a line keeps its default weight and its
computed score unless the unit gave its own.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from . import scoring
from .importer import fold
from .readers import RawCell, RawGrid, parse_amount, read_grids

_WEIGHT_SUFFIX = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
_YEAR = re.compile(r"(\d{4})\s*年度")
FUND_LABELS = {
    "资金总额": ("年度资金总额",),
    "本年财政拨款": ("其中本年财政拨款", "本年财政拨款"),
    "上年结转资金": ("上年结转资金",),
    "其他资金": ("其他资金",),
}
COLUMNS = {
    "一级": "一级指标",
    "二级": "二级指标",
    "三级": "三级指标",
    "目标": "年度指标值",
    "实际": "实际完成值",
    "分值": "分值",
    "得分": "得分",
    "原因": "偏差原因分析及改进措施",
}
FUND_COLUMNS = ("年初预算数", "全年预算数", "全年执行数")


class NotAnEvaluation(Exception):
    """The file holds no 自评表 (message in Chinese)."""


@dataclass
class FileRow:
    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight: Decimal | None
    score: Decimal | None
    reason: str
    where: str  # the 三级 cell's position, for messages


@dataclass
class ReadForm:
    name: str  # 项目名称
    year: int | None
    funds: dict[str, dict[str, Decimal | None]]  # column → row key → amount
    achieved: str
    rows: list[FileRow]
    unused: list[RawCell] = field(default_factory=list)
    total: Decimal | None = None  # the file's 总分, compared with formgen's, never imported
    total_where: str = ""


def _strip_weight(text: str) -> str:
    return _WEIGHT_SUFFIX.sub("", text).strip()


def _points(cell: RawCell | None) -> Decimal | None:
    if cell is None:
        return None
    if cell.number is not None:
        return cell.number
    text = cell.text.strip().removesuffix("分")
    return Decimal(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else None


_Cell = TypeVar("_Cell", bound=RawCell | None)


def read_form(grid: RawGrid) -> ReadForm:
    """The 自评表 in one table or sheet, by its labels."""
    used: set[int] = set()

    def use(cell: _Cell) -> _Cell:
        if cell is not None:
            used.add(id(cell))
        return cell

    def find(*spellings: str, row: int | None = None) -> RawCell | None:
        wanted = {fold(s) for s in spellings}
        for cell in grid.cells:
            if fold(cell.text) in wanted and (row is None or cell.row == row):
                return cell
        return None

    header = find("实际完成值")
    level3 = find("三级指标", row=header.row) if header else None
    if header is None or level3 is None:
        raise NotAnEvaluation("找不到“三级指标”“实际完成值”等栏目，不是项目支出绩效自评表")
    cols = {}
    for key, spelling in COLUMNS.items():
        head = find(spelling, row=header.row)
        if head is not None:
            cols[key] = use(head).col
    for cell in grid.cells:  # the other labels of the form
        if cell.row < header.row and fold(cell.text) in {
            fold(x)
            for x in (
                "项目支出绩效自评表",
                "项目名称",
                "主管部门",
                "实施单位",
                "项目资金（万元）",
                "分值",
                "执行率",
                "得分",
                "年度总体目标",
                "预期目标",
                *FUND_COLUMNS,
            )
        }:
            use(cell)
    for cell in grid.cells:  # the tall label, merged or written on every row
        if fold(cell.text) == fold("绩效指标"):
            use(cell)

    year = None
    for cell in [*grid.above, *grid.cells]:
        match = _YEAR.search(cell.text)
        if match and cell.row < header.row:
            year = int(match.group(1))
            use(cell)
            break

    # the funds block: row labels × column labels
    funds: dict[str, dict[str, Decimal | None]] = {c: {} for c in FUND_COLUMNS}
    fund_cols = {c: find(c) for c in FUND_COLUMNS}
    rate_col, score_col, weight_col = find("执行率"), find("得分"), find("分值")
    for key, spellings in FUND_LABELS.items():
        label = use(find(*spellings))
        if label is None:
            continue
        for column, head in fund_cols.items():
            if head is not None:
                funds[column][key] = parse_amount(use(grid.at(label.row, head.col)))
        for head in (rate_col, score_col, weight_col):  # computed or fixed: formgen's own
            if head is not None and head.row < header.row:
                use(grid.at(label.row, head.col))

    achieved = ""
    label = use(find("实际完成情况"))
    if label is not None:
        below = grid.at(label.row + label.rowspan, label.col)
        if below is not None and below.row < header.row:
            achieved = use(below).text
    goal = find("预期目标")
    if goal is not None:
        use(grid.at(goal.row + goal.rowspan, goal.col))  # the 申报表's goal, already in the file

    rows = []
    total_cell = None
    row = header.row + 1
    while row < grid.n_rows:
        first = grid.at(row, 0)
        if first is not None and fold(first.text) == fold("总分"):
            use(first)
            for key in ("分值", "得分"):
                if key in cols:
                    use(grid.at(row, cols[key]))
            total_cell = grid.at(row, cols["得分"]) if "得分" in cols else None
            break

        def cell_of(key: str, r: int = row) -> RawCell | None:
            return use(grid.at(r, cols[key])) if key in cols else None

        def text(key: str) -> str:
            c = cell_of(key)
            return c.text.strip() if c is not None else ""

        third = cell_of("三级")
        if third is not None and third.row == row:
            rows.append(
                FileRow(
                    level1=_strip_weight(text("一级")),
                    level2=text("二级"),
                    level3=third.text.strip(),
                    target=text("目标"),
                    actual=text("实际"),
                    weight=_points(cell_of("分值")),
                    score=_points(cell_of("得分")),
                    reason=text("原因"),
                    where=third.where,
                )
            )
        row += 1
    unused = [c for c in grid.cells if id(c) not in used and c.text.strip()]
    unused += [c for c in grid.below if c.text.strip()]  # notes, signatures under the table
    for c in grid.cells:  # the project's own texts (name, unit) are the declaration's
        if c in unused and c.row < header.row and grid.at(c.row, 0) is not c:
            left = grid.at(c.row, c.col - 1) if c.col else None
            if left is not None and fold(left.text) in {
                fold(x) for x in ("项目名称", "主管部门", "实施单位")
            }:
                unused.remove(c)
    name_label = find("项目名称")
    name_cell = grid.at(name_label.row, name_label.col + name_label.colspan) if name_label else None
    if name_cell is not None:
        used.add(id(name_cell))
    name = name_cell.text.strip() if name_cell is not None else ""
    total = _points(total_cell)
    where = total_cell.where if total_cell is not None else ""
    return ReadForm(name, year, funds, achieved, rows, unused, total, where)


# -- writing into the declaration --------------------------------------------------------------


@dataclass
class Report:
    written: bool = False
    matched: int = 0
    unmatched_rows: list[str] = field(default_factory=list)  # rows of the file with no line
    uncovered_lines: list[str] = field(default_factory=list)  # annual lines the file lacks
    conflicts: list[str] = field(default_factory=list)  # values not replaced
    unused: list[str] = field(default_factory=list)
    other_project: str = ""  # the form's 项目名称, when it is not the declaration's
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (
            self.unmatched_rows or self.uncovered_lines or self.unused or self.other_project
        )


def _yaml():
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(Decimal, _represent_decimal)
    return y


def _dump(y, data) -> str:
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def _number(value: Decimal) -> Decimal:
    """A figure as it is written: 21.35, 6 (see _represent_decimal)."""
    return Decimal(scoring.plain(value))


def _represent_decimal(representer, value: Decimal):
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


def _line_maps(doc, decl) -> dict[str, Any]:
    """Line path → the ruamel mapping of that line (a CommentedMap; ruamel is untyped here)."""
    out = {}
    for group in decl.indicators:
        level1 = doc["绩效指标"][group.name]
        for block in group.blocks:
            seq = level1[block.name]
            if not isinstance(seq, list):
                seq = seq["指标"]
            for line in block.lines:
                out[line.path] = seq[int(line.path.rsplit("[", 1)[1].rstrip("]"))]
    return out


# The order of a line's keys once results are added.
_LINE_ORDER = ("年度指标值", "实际完成值", "分值", "评价等级", "得分", "偏差原因分析及改进措施")


def _insert_after(mapping, after: str, key: str, value) -> None:
    """Put key after `after` and after the result keys that come before it in _LINE_ORDER
    (or at the end); an existing key keeps its place."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    before = _LINE_ORDER[: _LINE_ORDER.index(key)] if key in _LINE_ORDER else (after,)
    present = [keys.index(k) for k in before if k in keys]
    position = max(present) + 1 if present else len(keys)
    mapping.insert(position, key, value)


def import_results(
    form_path: str | Path, declaration: str | Path, force: bool = False, allow: bool = False
) -> Report:
    """Read the 自评表 in `form_path` into the declaration file (rewritten atomically)."""
    from .kinds import zipingbiao
    from .loader import loads
    from .package import write_atomic

    report = Report()
    forms = []
    for grid in read_grids(form_path):
        try:
            forms.append(read_form(grid))
        except NotAnEvaluation:
            continue
    if not forms:
        raise NotAnEvaluation(f"{Path(form_path).name} 中没有项目支出绩效自评表")
    form = forms[0]
    declaration = Path(declaration)
    text = declaration.read_text(encoding="utf-8")
    decl = loads(text.encode("utf-8"), str(declaration))
    y = _yaml()
    doc = y.load(text)
    lines = _line_maps(doc, decl)

    # match rows to annual lines by folded 一级/二级/三级, in order for repeated names
    wanted: dict[tuple[str, str, str], list] = {}
    for group in decl.indicators:
        for block in group.blocks:
            for line in block.lines:
                if line.annual is not None:
                    key = (fold(group.name), fold(block.annual_name), fold(line.annual.name))
                    wanted.setdefault(key, []).append(line)
    pairs = []
    for row in form.rows:
        candidates = wanted.get((fold(row.level1), fold(row.level2), fold(row.level3)))
        if candidates:
            pairs.append((row, candidates.pop(0)))
        else:
            report.unmatched_rows.append(
                f"{row.where}：{row.level1} / {row.level2} / {row.level3}（实际完成值“{row.actual}”）"
            )
    for left in wanted.values():
        for ln in left:
            row_no, col_no = decl.where(ln.path)
            report.uncovered_lines.append(
                f"{declaration}:{row_no}:{col_no}: {ln.annual.name}（字段：{ln.path}）"
            )
    if form.name and fold(form.name) != fold(decl.name):
        report.other_project = form.name
    report.unused = [f"{c.where}：“{c.text}”" for c in form.unused]
    report.matched = len(pairs)

    def put(mapping, after: str, key: str, value, path: str) -> None:
        old = mapping.get(key)
        if old is not None and str(old).strip() and str(old).strip() != str(value).strip():
            if not force:
                row_no, col_no = decl.where(f"{path}.{key}")
                report.conflicts.append(
                    f"{declaration}:{row_no}:{col_no}: “{key}”申报中是“{old}”，表中是“{value}”，"
                    f"未改动（字段：{path}.{key}）"
                )
                return
        _insert_after(mapping, after, key, value)

    for row, line in pairs:
        m = lines[line.path]
        if row.actual:
            put(m, "年度指标值", "实际完成值", row.actual, line.path)
        if row.reason:
            put(m, "年度指标值", zipingbiao.REASON, row.reason, line.path)

    # funds and the goal
    money = doc["项目资金"] if "项目资金" in doc else None
    if money is not None and money.get("年度") is not None:
        annual = money["年度"]
        for column in ("全年预算数", "全年执行数"):
            table = {k: v for k, v in form.funds[column].items() if v is not None}
            if table:
                from ruamel.yaml.comments import CommentedMap

                target = annual.get(column)
                if target is None:
                    target = CommentedMap()
                    annual[column] = target
                for k, v in table.items():
                    put(target, "", k, _number(v), f"项目资金.年度.{column}")
        starts = form.funds["年初预算数"]
        defaults = {
            "资金总额": decl.funds_annual.total,
            "本年财政拨款": decl.funds_annual.fiscal,
            "上年结转资金": None,
            "其他资金": decl.funds_annual.other,
        }
        differ = {k: v for k, v in starts.items() if v is not None and v != defaults[k]}
        if differ:
            from ruamel.yaml.comments import CommentedMap

            target = annual.get("年初预算数") or CommentedMap()
            annual["年初预算数"] = target
            for k, v in differ.items():
                put(target, "", k, _number(v), "项目资金.年度.年初预算数")
    if form.achieved:
        goals = doc["总体目标"]
        items = form.achieved.split("\n")
        value = items[0] if len(items) == 1 else items
        put(goals, "年度目标", "实际完成情况", value, "总体目标")
    if form.year is not None and form.year != decl.year:
        _insert_after(doc, "年度", "评价年度", form.year)

    # 分值, then 得分, only where the file differs from what formgen computes
    def evaluation():
        return zipingbiao.derive(loads(_dump(y, doc).encode("utf-8"), str(declaration)))

    for _ in range(len(pairs) + 1):
        ev = evaluation()
        by_path = {r.line.path: r for r in ev.rows}
        off = []
        for row, line in pairs:
            mine, computed = row.weight, by_path[line.path].weight
            if (
                mine is not None
                and computed is not None
                and mine != computed
                and lines[line.path].get("分值") is None
            ):
                off.append((abs(mine - computed), mine, line))
        if not off:
            break
        _d, weight, line = max(off, key=lambda t: t[0])
        _insert_after(lines[line.path], "年度指标值", "分值", _number(weight))
    ev = evaluation()
    by_path = {r.line.path: r for r in ev.rows}
    for row, line in pairs:
        computed = by_path[line.path]
        if row.score is None or computed.score == row.score:
            continue
        put(lines[line.path], "年度指标值", "得分", _number(row.score), line.path)
        if computed.qualitative and computed.weight and lines[line.path].get("评价等级") is None:
            share = row.score / computed.weight
            grade = next(
                (g for g in scoring.GRADES if scoring.in_band(g, computed.weight, row.score)),
                None,
            )
            if grade is not None:
                _insert_after(lines[line.path], "年度指标值", "评价等级", grade)
                lines[line.path].yaml_add_eol_comment(
                    f"由导入的得分推定（{scoring.round2(share * 100)}% 的分值），请核对", "评价等级"
                )
    ev = evaluation()
    if report.clean or allow:
        write_atomic(declaration, _dump(y, doc).encode("utf-8"))
        report.written = True
    if ev.total is not None:
        report.notes.append(f"按导入后的申报计算：总分 {ev.total}")
    if form.total is not None and ev.total is not None and form.total != ev.total:
        report.notes.append(
            f"{Path(form_path).name} {form.total_where}：表中的总分是 {form.total}，"
            f"formgen 按导入的结果算出 {ev.total}；自评表以 formgen 算出的为准，请核对表中的计算"
        )
    return report
