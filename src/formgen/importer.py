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

import yaml

from .readers import RawCell, RawGrid, parse_amount
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


class ImportError_(Exception):
    """The file holds no recognisable form (message in Chinese)."""


@dataclass
class Imported:
    data: dict  # the declaration, keys in the usual order
    unused: list[RawCell] = field(default_factory=list)
    source: str = ""


class _Finder:
    def __init__(self, grid: RawGrid):
        self.grid = grid
        self.used: set[int] = set()
        labels = default_template().labels
        self.spellings = {lid: {fold(text)} for lid, text in labels.items() if "{" not in text}
        for lid, extra in VARIANTS.items():
            self.spellings.setdefault(lid, set()).update(fold(e) for e in extra)
        self.all_labels = set().union(*self.spellings.values()) | {TITLE}

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
        row = label.row + label.rowspan
        while row < stop_row:
            cell = self.grid.at(row, label.col)
            if cell is not None and cell.text.strip():
                return None if self.is_label(cell) else cell
            row = (cell.row + cell.rowspan) if cell is not None else row + 1
        return None


def import_grid(grid: RawGrid) -> Imported:
    f = _Finder(grid)
    data: dict = {}
    labels: dict[str, str] = {}

    def reworded(label_id: str, cell: RawCell | None) -> None:
        if cell is not None and fold(cell.text) != fold(default_template().labels[label_id]):
            labels[label_id] = cell.text.strip()

    header = f.find("一级指标")
    if header is None or f.find("项目名称") is None:
        raise ImportError_(
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
        raise ImportError_("找不到年度（如“（2022年度）”）")
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

    funds = _funds(f, top, reworded)
    if funds:
        data["项目资金"] = funds
    data["总体目标"] = _goals(f, top, header.row, reworded)
    data["绩效指标"] = _indicators(f, header)
    if labels:
        data["标签"] = labels
    unused = [c for c in list(grid.above) + grid.cells if c.text.strip() and id(c) not in f.used]
    return Imported(_ordered(data), unused, grid.source)


def _funds(f: _Finder, top: range, reworded) -> dict:
    funds: dict = {}
    f.use(f.find("项目资金", top))
    reworded("项目资金", f.find("项目资金", top))
    for side, label_id in (("中期", "中期资金总额"), ("年度", "年度资金总额")):
        total = f.use(f.find(label_id, top))
        if total is None:
            continue
        reworded(label_id, total)
        amounts = {"资金总额": parse_amount(f.use(f.right_of(total)))}
        # 财政拨款 and 其他资金 below the total, in the same column
        for key, label_id2 in (("财政拨款", "财政拨款"), ("其他资金", "其他资金")):
            label = next(
                (
                    c
                    for c in f.grid.cells
                    if fold(c.text) in f.spellings[label_id2]
                    and c.col == total.col
                    and c.row > total.row
                    and c.row in top
                ),
                None,
            )
            if label is not None:
                f.use(label)
                reworded(label_id2, label)
                amounts[key] = parse_amount(f.use(f.right_of(label)))
        given = {k: v for k, v in amounts.items() if v is not None}
        if given:
            funds[side] = given
    return funds


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


def _indicators(f: _Finder, header: RawCell) -> dict:
    """Columns from the header row; groups and blocks from merged or repeated cells."""
    grid = f.grid
    row = header.row
    by_label: dict[str, list[int]] = {}
    for col in range(grid.n_cols):
        cell = grid.at(row, col)
        if cell is not None and cell.row == row and cell.col == col:
            by_label.setdefault(fold(cell.text), []).append(col)
            if fold(cell.text) in ("一级指标", "二级指标", "三级指标", "指标值", "绩效指标"):
                f.use(cell)
    f.use(next((c for c in grid.cells if fold(c.text) == "绩效指标"), None))
    try:
        c1 = by_label["一级指标"][0]
        (c2m, c2a), (c3m, c3a), (c4m, c4a) = (
            by_label[k][:2] for k in ("二级指标", "三级指标", "指标值")
        )
    except (KeyError, ValueError):
        raise ImportError_(
            "绩效指标的表头不完整：需要一级指标，以及中期、年度两侧的二级指标、三级指标、指标值"
        ) from None

    def text(r: int, c: int) -> tuple[str, RawCell | None]:
        cell = grid.at(r, c)
        return (cell.text if cell is not None else ""), cell

    indicators: dict = {}
    current_group = current_block = None

    def close_block():
        if current_block is None:
            return
        name_mid, name_annual, rows = current_block
        mid = [(text(r, c3m)[0], text(r, c4m)[0]) for r in rows]
        annual = [(text(r, c3a)[0], text(r, c4a)[0]) for r in rows]
        mid = _trim(mid) if name_mid or any(a or b for a, b in mid) else []
        annual = _trim(annual) if name_annual or any(a or b for a, b in annual) else []
        lines = [
            line_entry(mid[i] if i < len(mid) else None, annual[i] if i < len(annual) else None)
            for i in range(max(len(mid), len(annual)))
        ]
        name = name_mid or name_annual
        group = indicators.setdefault(current_group, {})
        if name_mid and name_annual and name_annual != name_mid:
            group[name] = {"年度二级指标": name_annual, "指标": lines}
        else:
            group[name] = lines

    previous = (None, None, None)  # (一级 cell, 二级 mid cell, 二级 annual cell) of the row before
    for r in range(row + 1, grid.n_rows):
        cells = [grid.at(r, c) for c in (c1, c2m, c3m, c4m, c2a, c3a, c4a)]
        if all(c is None or (not c.text.strip() and c.row == r) for c in cells):
            continue  # an empty row that belongs to nothing
        for c in cells:
            f.use(c)
        g_text, g_cell = text(r, c1)
        m_text, m_cell = text(r, c2m)
        a_text, a_cell = text(r, c2a)
        new_group = (
            g_cell is not previous[0]
            and (g_cell is None or g_cell.row == r)
            and (g_text != current_group or current_group is None)
        )
        if new_group:
            close_block()
            current_group, current_block = g_text, None
        same_block = (
            current_block is not None
            and not new_group
            and (
                (m_cell is previous[1] and a_cell is previous[2])  # merged down
                or (
                    m_text == current_block[0]
                    and a_text == current_block[1]
                    and not (m_cell is not None and m_cell.row == r and m_cell.rowspan > 1)
                )
            )
        )  # repeated
        if same_block:
            current_block[2].append(r)
        else:
            close_block()
            current_block = (m_text, a_text, [r])
        previous = (g_cell, m_cell, a_cell)
    close_block()
    return indicators


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


def _trim(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A side's lines without the empty rows past its last line."""
    while lines and not lines[-1][0] and not lines[-1][1]:
        lines = lines[:-1]
    return lines


ORDER = TOP_KEYS  # the loader's order, the form's order


def _ordered(data: dict) -> dict:
    return {k: data[k] for k in ORDER if k in data}


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


def import_file(path: str | Path) -> list[Imported]:
    """Every form found in the file (one per table or sheet that holds one)."""
    from .readers import read_grids

    found = []
    errors = []
    for grid in read_grids(path):
        try:
            found.append(import_grid(grid))
        except ImportError_ as exc:
            errors.append(str(exc))
    if not found:
        raise ImportError_(errors[0] if errors else "文件中没有表格")
    return found


@dataclass
class ImportReport:
    lines: list[str] = field(default_factory=list)  # what was written, and unused cells
    errors: list[str] = field(default_factory=list)
    written: int = 0
    failed: int = 0
    unused: int = 0
    files: list[Path] = field(default_factory=list)


def import_paths(paths, output: str | Path, force: bool = False) -> ImportReport:
    """Import every .xlsx/.docx under `paths` into declarations in `output`."""
    from .errors import DeclarationError
    from .loader import loads
    from .package import write_atomic
    from .readers import ReadError

    output = Path(output)
    report = ImportReport()
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in (".xlsx", ".docx") and not p.name.startswith(("~$", "."))
            )
        else:
            files.append(path)
    for path in files:
        try:
            forms = import_file(path)
        except (ImportError_, ReadError) as exc:
            report.failed += 1
            report.errors.append(f"{path}: 错误：{exc}")
            continue
        for i, form in enumerate(forms, start=1):
            target = output / (f"{path.stem}.yaml" if len(forms) == 1 else f"{path.stem}-{i}.yaml")
            if target.exists() and not force:
                report.failed += 1
                report.errors.append(
                    f"{target}: 错误：文件已存在，未覆盖\n  提示：确认要覆盖时加 --force"
                )
                continue
            text = to_yaml(form, path.name)
            write_atomic(target, text.encode("utf-8"))
            report.written += 1
            report.files.append(target)
            report.lines.append(f"已导入：{path} → {target}")
            for cell in form.unused:
                report.unused += 1
                report.lines.append(f"未用上的单元格：{path} {cell.where}：“{cell.text}”")
            try:
                loads(text.encode("utf-8"), str(target))
            except DeclarationError as exc:
                for problem in exc.problems:
                    report.errors.append(problem.format() + "（导入的内容不完整，请补全）")
    return report
