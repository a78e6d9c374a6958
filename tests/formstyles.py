"""Forms as units type them by hand, rendered from a declaration (a dict as in the YAML) in a
chosen style, with openpyxl and python-docx — the fixtures `formgen import` must read back.

The rows are written here from FORM.md's description, not from formgen's layout, so a
test compares what import gives against the declaration the file was made from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import openpyxl
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

NAMES = ("merged", "repeated", "sparse")  # how a 一级/二级 name covers its rows


@dataclass(frozen=True)
class Style:
    group_names: str = "merged"  # 一级 cells: merged | repeated | sparse (written once)
    block_names: str = "merged"  # 二级 cells
    labels_vmerge: bool = True  # 项目资金/总体目标/绩效指标 merged down, or written once
    hmerge: bool = True  # (xlsx) cells merged across their columns, or text in the first
    widths: tuple[int, ...] = (1,) * 8  # (xlsx) sheet columns per form column
    offset: int = 0  # (xlsx) empty columns left of the table
    top_blank: int = 0  # (xlsx) empty rows above the title
    title_in_table: bool = True  # title and year as rows of the table, or above it
    half_width: bool = False  # labels typed with half-width punctuation
    split_labels: bool = False  # some labels broken over two lines in their cell
    amounts_as_text: bool = False  # "80万元" instead of a number cell
    footer: tuple[str, ...] = ()  # lines under the table: signatures, dates, notes
    footer_gap: bool = True  # an empty row between the table and the footer
    footer_as_paragraphs: bool = False  # (docx) the footer below the table, not in it
    docx_grid: str = "span"  # span (w:gridSpan) | widths (w:tcW only) | ragged (own cuts)
    seed: int = 0  # (ragged) where each row cuts its cells


FOOTER = ("填报人：张三", "联系电话：0557-1234567", "单位（盖章）", "填报日期：2023年1月5日")
NOTE = "填表说明：1. 金额单位为万元；2. 指标值须可衡量。"


def random_style(rng: random.Random) -> Style:
    return Style(
        group_names=rng.choice(NAMES),
        block_names=rng.choice(NAMES),
        labels_vmerge=rng.random() < 0.5,
        hmerge=rng.random() < 0.5,
        widths=tuple(rng.choice((1, 1, 2, 3)) for _ in range(8)),
        offset=rng.choice((0, 0, 1, 2)),
        top_blank=rng.choice((0, 0, 1)),
        title_in_table=rng.random() < 0.5,
        half_width=rng.random() < 0.5,
        split_labels=rng.random() < 0.5,
        amounts_as_text=rng.random() < 0.5,
        footer=rng.choice(((), FOOTER[:2], FOOTER, (NOTE,), FOOTER + (NOTE,))),
        footer_gap=rng.random() < 0.5,
        footer_as_paragraphs=rng.random() < 0.5,
        docx_grid=rng.choice(("span", "widths", "ragged")),
        seed=rng.randrange(1000),
    )


@dataclass
class LCell:
    """A cell of the form in its 8 logical columns (FORM.md's A–H)."""

    row: int
    col: int
    text: str
    colspan: int = 1
    rowspan: int = 1
    how: str = "merged"  # how it covers rowspan > 1: merged | repeated | sparse
    number: Decimal | None = None


@dataclass
class Form:
    cells: list[LCell] = field(default_factory=list)
    n_rows: int = 0
    above: list[str] = field(default_factory=list)  # paragraphs / rows before the table
    footer: list[str] = field(default_factory=list)


def _label(text: str, style: Style) -> str:
    if style.half_width:
        text = text.translate(str.maketrans("（）：", "():"))
    if style.split_labels and text.endswith(("（万元）", "(万元)")):
        text = text[:-4] + "\n" + text[-4:]
    return text


def _amount_text(value: Decimal | None, style: Style) -> tuple[str, Decimal | None]:
    if value is None:
        return "", None
    return (f"{value}万元" if style.amounts_as_text else str(value)), value


def logical_form(d: dict, style: Style) -> Form:
    """The form a declaration dict makes, in logical cells (title and year included)."""
    form = Form()
    cells = form.cells
    lab = lambda t: _label(t, style)  # noqa: E731
    heads = ["项目支出绩效目标申报表", f"（{d['年度']}年度）"]
    row = 0
    if style.title_in_table:
        cells += [LCell(0, 0, heads[0], 8), LCell(1, 0, heads[1], 8)]
        row = 2
    else:
        form.above = heads
    cells += [LCell(row, 0, "项目名称", 2), LCell(row, 2, d["项目名称"], 6)]
    row += 1
    if "主管部门" in d:
        cells += [
            LCell(row, 0, "主管部门及代码", 2),
            LCell(row, 2, d["主管部门"], 3),
            LCell(row, 5, "实施单位"),
            LCell(row, 6, d["实施单位"], 2),
        ]
    else:
        cells += [LCell(row, 0, "实施单位", 2), LCell(row, 2, d["实施单位"], 6)]
    row += 1
    cells += [
        LCell(row, 0, "项目属性", 2),
        LCell(row, 2, d.get("项目属性", ""), 3),
        LCell(row, 5, "项目期"),
        LCell(row, 6, d.get("项目期", ""), 2),
    ]
    row += 1
    vhow = "merged" if style.labels_vmerge else "sparse"
    funds = d.get("项目资金", {})
    cells.append(LCell(row, 0, lab("项目资金（万元）"), 2, 3, vhow))
    for i, (label_mid, label_annual, key) in enumerate(
        (
            ("中期资金总额：", "年度资金总额：", "资金总额"),
            ("其中：财政拨款", "其中：财政拨款", "财政拨款"),
            ("其他资金", "其他资金", "其他资金"),
        )
    ):
        for col, label, side in ((2, label_mid, "中期"), (5, label_annual, "年度")):
            value = funds.get(side, {}).get(key)
            text, number = _amount_text(None if value is None else Decimal(str(value)), style)
            cells += [
                LCell(row + i, col, lab(label)),
                LCell(row + i, col + 1, text, 2, number=number),
            ]
    row += 3
    goals = d["总体目标"]
    first, last = goals["中期年度"].split("—")
    cells += [
        LCell(row, 0, "总体目标", 2, 2, vhow),
        LCell(row, 2, lab(f"中期目标（{first}年—{last}年）"), 3),
        LCell(row, 5, "年度目标", 3),
    ]
    for col, key in ((2, "中期目标"), (5, "年度目标")):
        value = goals[key]
        cells.append(LCell(row + 1, col, value if isinstance(value, str) else "\n".join(value), 3))
    row += 2
    header = row
    for col, text in enumerate(
        ("一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"), start=1
    ):
        cells.append(LCell(header, col, text))
    row += 1
    for group, blocks in d["绩效指标"].items():
        group_top = row
        for name, entry in blocks.items():
            lines = entry["指标"] if isinstance(entry, dict) else entry
            annual_name = entry["年度二级指标"] if isinstance(entry, dict) else name
            mid = [ln for ln in lines if "中期指标值" in ln or "中期三级指标" in ln]
            annual = [ln for ln in lines if "年度指标值" in ln or "年度三级指标" in ln]
            n = max(len(mid), len(annual))
            cells.append(LCell(row, 2, name if mid else "", 1, n, style.block_names))
            cells.append(LCell(row, 5, annual_name if annual else "", 1, n, style.block_names))
            for i in range(n):
                for col, side, key in ((3, mid, "中期"), (6, annual, "年度")):
                    line = side[i] if i < len(side) else None
                    name3 = line.get(f"{key}三级指标", line.get("三级指标", "")) if line else ""
                    cells.append(LCell(row + i, col, name3))
                    cells.append(
                        LCell(row + i, col + 1, line.get(f"{key}指标值", "") if line else "")
                    )
            row += n
        cells.append(LCell(group_top, 1, group, 1, row - group_top, style.group_names))
    cells.append(LCell(header, 0, "绩效指标", 1, row - header, vhow))
    form.n_rows = row
    form.footer = list(style.footer)
    return form


def _expand(form: Form):
    """(row, col, text, colspan, merged_rows, number) per cell as written: a name repeated or
    written once becomes one cell per row."""
    for c in form.cells:
        if c.rowspan == 1 or c.how == "merged":
            yield c.row, c.col, c.text, c.colspan, c.rowspan, c.number
            continue
        for r in range(c.row, c.row + c.rowspan):
            text = c.text if (c.how == "repeated" or r == c.row) else ""
            yield r, c.col, text, c.colspan, 1, c.number


# -- xlsx ---------------------------------------------------------------------------------


def write_xlsx(d: dict, style: Style, path: Path, ws=None) -> Path:
    """One form on a sheet (a new workbook unless `ws` is given)."""
    wb = None
    if ws is None:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "申报表"
    form = logical_form(d, style)
    starts = [style.offset]
    for w in style.widths:
        starts.append(starts[-1] + w)
    top = 1 + style.top_blank
    for text in form.above:
        ws.cell(top, 1 + style.offset, text)
        top += 1
    for row, col, text, colspan, rowspan, number in _expand(form):
        first, last = starts[col] + 1, starts[col + colspan]
        cell = ws.cell(top + row, first)
        if number is not None and not style.amounts_as_text:
            cell.value = float(number) if number != number.to_integral_value() else int(number)
            places = -number.as_tuple().exponent
            cell.number_format = "0." + "0" * places if places > 0 else "0"
        elif text:
            cell.value = text
        if (style.hmerge and last > first) or rowspan > 1:
            ws.merge_cells(
                start_row=top + row,
                start_column=first,
                end_row=top + row + rowspan - 1,
                end_column=last if style.hmerge else first,
            )
    row = top + form.n_rows + (1 if style.footer_gap else 0)
    for i, text in enumerate(form.footer):
        ws.cell(row + i, 1 + style.offset + (0 if i % 2 == 0 else 4), text)
    if wb is not None:
        wb.save(path)
    return path


def write_workbook(forms: list[tuple[str, dict, Style]], path: Path, extra_sheets=()) -> Path:
    """Several forms, one per sheet, plus sheets without a form: (title, {cell: text})."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, d, style in forms:
        write_xlsx(d, style, path, wb.create_sheet(title))
    for title, content in extra_sheets:
        ws = wb.create_sheet(title)
        for ref, text in content.items():
            ws[ref] = text
    wb.save(path)
    return path


# -- docx ---------------------------------------------------------------------------------

WIDTHS = (500, 1100, 1700, 1400, 1100, 1700, 1400, 1100)  # twips per form column


def _cuts(style: Style, row: int) -> list[int]:
    edges = [0]
    for w in WIDTHS:
        edges.append(edges[-1] + w)
    if style.docx_grid != "ragged":
        return edges
    rng = random.Random(style.seed * 1000 + row)
    return [
        e if i in (0, len(edges) - 1) else e + rng.randint(-150, 150) for i, e in enumerate(edges)
    ]


def write_docx(d: dict, style: Style, path: Path) -> Path:
    form = logical_form(d, style)
    doc = Document()
    for text in form.above:
        doc.add_paragraph(text)
    table = doc.add_table(rows=0, cols=8)
    tbl = table._tbl
    grid_cols = tbl.tblGrid.findall(qn("w:gridCol"))
    for gc, w in zip(grid_cols, WIDTHS, strict=True):
        gc.set(qn("w:w"), str(sum(WIDTHS) // 8 if style.docx_grid == "ragged" else w))
    rows: dict[int, list] = {}
    for c in form.cells:
        if c.rowspan == 1 or c.how != "merged":
            for row, col, text, colspan, _, _ in _expand(Form([c])):
                rows.setdefault(row, []).append((col, text, colspan, None))
        else:
            rows.setdefault(c.row, []).append((c.col, c.text, c.colspan, "restart"))
            for r in range(c.row + 1, c.row + c.rowspan):
                rows.setdefault(r, []).append((c.col, "", c.colspan, "continue"))
    footer_rows = [] if style.footer_as_paragraphs else form.footer
    if footer_rows and style.footer_gap:
        rows[form.n_rows] = [(0, "", 8, None)]
    for i, text in enumerate(footer_rows):
        rows[form.n_rows + (1 if style.footer_gap else 0) + i] = (
            [(0, text, 8, None)] if i % 2 == 0 else [(0, text, 4, None), (4, "", 4, None)]
        )
    for r in sorted(rows):
        tr = OxmlElement("w:tr")
        tbl.append(tr)
        cuts = _cuts(style, r)
        for col, text, span, merge in sorted(rows[r]):
            tc = OxmlElement("w:tc")
            pr = OxmlElement("w:tcPr")
            width = OxmlElement("w:tcW")
            width.set(qn("w:w"), str(cuts[col + span] - cuts[col]))
            width.set(qn("w:type"), "dxa")
            pr.append(width)
            if span > 1 and style.docx_grid == "span":
                gs = OxmlElement("w:gridSpan")
                gs.set(qn("w:val"), str(span))
                pr.append(gs)
            if merge:
                vm = OxmlElement("w:vMerge")
                if merge == "restart":
                    vm.set(qn("w:val"), "restart")
                pr.append(vm)
            tc.append(pr)
            for line in text.split("\n"):
                p = OxmlElement("w:p")
                run = OxmlElement("w:r")
                t = OxmlElement("w:t")
                t.text = line
                run.append(t)
                p.append(run)
                tc.append(p)
            tr.append(tc)
    if style.footer_as_paragraphs:
        for text in form.footer:
            doc.add_paragraph(text)
    doc.save(path)
    return path


def with_style(style: Style, **changes) -> Style:
    return replace(style, **changes)
