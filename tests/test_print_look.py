"""FORM.md 'What a printed form looks like', checked in the files' own settings."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from conftest import DECLARATIONS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))


def _part(path: Path, part: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_print_setup(built: Path, stem: str):
    wb = openpyxl.load_workbook(built / f"{stem}.xlsx")
    ws = wb.worksheets[0]
    assert ws.page_setup.paperSize == 9 or ws.page_setup.paperSize == "9"  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_options.horizontalCentered
    assert not ws.sheet_view.showGridLines
    assert (
        ws.print_area == f"'{ws.title}'!$A$1:$H${ws.max_row}"
        or ws.print_area == f"$A$1:$H${ws.max_row}"
    )
    assert 0.7 <= ws.page_margins.left <= 0.9  # about 2 cm


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_every_table_cell_has_borders_and_alignment(built: Path, stem: str):
    """Read from the raw XML: openpyxl rewrites the borders of cells inside merged ranges on load."""
    path = built / f"{stem}.xlsx"
    sheet, styles = _part(path, "xl/worksheets/sheet1.xml"), _part(path, "xl/styles.xml")
    xfs = styles.findall(f"{S}cellXfs/{S}xf")
    borders = styles.findall(f"{S}borders/{S}border")
    cells = {c.get("r"): c for c in sheet.iter(f"{S}c")}
    n_rows = len(sheet.findall(f"{S}sheetData/{S}row"))
    # A merged label that a page break crosses is printed at its top (on the page where
    # its rows begin); every other cell is vertically centred.
    breaks = [int(b.get("id")) for b in sheet.iter(f"{S}brk")]
    across = set()
    for m in sheet.iter(f"{S}mergeCell"):
        first, last = m.get("ref").split(":")
        r1, r2 = int(first[1:]), int(last[1:])
        if any(r1 <= b < r2 for b in breaks):
            across.add(first)
    for r in range(3, n_rows + 1):
        for col in "ABCDEFGH":
            cell = cells.get(f"{col}{r}")
            assert cell is not None, f"{col}{r} missing: no border there"
            xf = xfs[int(cell.get("s"))]
            border = borders[int(xf.get("borderId"))]
            for side in ("left", "right", "top", "bottom"):
                assert border.find(f"{S}{side}").get("style") == "thin", f"{col}{r} {side}"
            align = xf.find(f"{S}alignment")
            vertical = "top" if f"{col}{r}" in across else "center"
            assert align.get("vertical") == vertical and align.get("wrapText") == "1", f"{col}{r}"
    ws = openpyxl.load_workbook(path).worksheets[0]
    # labels centred, long texts (goals, 三级 names) left-aligned
    assert ws["A3"].alignment.horizontal == "center"
    assert ws["C10"].alignment.horizontal == "left" and ws["D12"].alignment.horizontal == "left"
    assert ws["A1"].font.b and ws["A1"].font.sz == 18 and ws["A2"].font.sz == 14
    assert ws["C10"].font.name == "宋体" and ws["C10"].font.sz == 10.5


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_rows_tall_enough_for_wrapped_text(built: Path, stem: str):
    """A lower bound, independent of formgen's own estimate: at 10.5 pt a CJK character is
    14 px wide and a line at least 13.5 pt tall; each (merged) cell must get at least that."""
    ws = openpyxl.load_workbook(built / f"{stem}.xlsx").worksheets[0]
    merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=8):
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value:
                continue
            rng = merged.get((cell.row, cell.column))
            rows = range(cell.row, (rng.max_row if rng else cell.row) + 1)
            cols = range(cell.column, (rng.max_col if rng else cell.column) + 1)
            width_px = sum(ws.column_dimensions[chr(64 + c)].width * 7 + 5 for c in cols) - 6
            lines = sum(
                max(1, math.ceil(sum(14 if ord(ch) > 0x2000 else 7 for ch in part) / width_px))
                for part in cell.value.split("\n")
            )
            height = sum(ws.row_dimensions[r].height for r in rows)
            assert height >= lines * 13.5, f"{cell.coordinate}: {height} pt for {lines} lines"


@pytest.mark.parametrize("stem", STEMS)
def test_docx_fonts_page_and_title(built: Path, stem: str):
    path = built / f"{stem}.docx"
    styles = _part(path, "word/styles.xml")
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "宋体"
    size = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
    assert size.get(f"{W}val") == "21"  # 10.5 pt, 五号
    doc = _part(path, "word/document.xml")
    body = doc.find(f"{W}body")
    pg = body.find(f"{W}sectPr/{W}pgSz")
    assert (pg.get(f"{W}w"), pg.get(f"{W}h")) == ("11906", "16838")  # A4 portrait
    margin = int(body.find(f"{W}sectPr/{W}pgMar").get(f"{W}left"))
    assert 1100 <= margin <= 1170  # about 2 cm
    title = body.find(f"{W}p")
    rpr = title.find(f"{W}r/{W}rPr")
    assert rpr.find(f"{W}b") is not None and rpr.find(f"{W}sz").get(f"{W}val") == "36"
    assert rpr.find(f"{W}rFonts").get(f"{W}eastAsia") == "宋体"
    assert title.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    borders = body.find(f"{W}tbl/{W}tblPr/{W}tblBorders")
    assert {etree.QName(b).localname for b in borders} >= {
        "top",
        "left",
        "bottom",
        "right",
        "insideH",
        "insideV",
    }
    assert all(b.get(f"{W}val") == "single" for b in borders)
    for table in body.findall(f"{W}tbl"):  # the form, and its indicator section
        widths = [int(g.get(f"{W}w")) for g in table.iter(f"{W}gridCol")]
        assert len(widths) == 8 and sum(widths) <= 11906 - 2 * margin


def test_goal_items_are_separate_paragraphs(built: Path):
    doc = _part(built / "网络安全和信息化工作经费.docx", "word/document.xml")
    cells = [
        tc
        for tc in doc.iter(f"{W}tc")
        if "".join(t.text for t in tc.iter(f"{W}t")).startswith("目标1")
    ]
    assert len(cells) == 1
    assert len(cells[0].findall(f"{W}p")) == 6


def test_same_declaration_same_bytes(tmp_path: Path):
    from formgen.build import build

    build([DECLARATIONS], tmp_path / "a")
    build([DECLARATIONS], tmp_path / "b")
    for first in sorted((tmp_path / "a").glob("*.*x")):
        assert first.read_bytes() == (tmp_path / "b" / first.name).read_bytes(), first.name
