"""Issue 12's settings in the files themselves: what Word, WPS and Excel read to print.

Where pages fall is tested on rendered pages in test_pagination.py; here each file
is read back as XML and checked against ECMA-376's meaning of the settings.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from conftest import DECLARATIONS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"]


def _part(path: Path, name: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def _texts(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_book_view_print_titles_and_column_widths(built: Path, stem: str):
    path = built / f"{stem}.xlsx"
    book = _part(path, "xl/workbook.xml")
    assert book.find(f"{S}bookViews/{S}workbookView") is not None
    sheet = _part(path, "xl/worksheets/sheet1.xml")
    assert sheet.find(f"{S}sheetViews/{S}sheetView").get("tabSelected") == "1"
    names = {d.get("name"): d.text for d in book.iter(f"{S}definedName")}
    # FORM.md: row 11 holds 一级指标 / 二级指标 / …: it is repeated atop every page
    assert names["_xlnm.Print_Titles"].endswith("!$11:$11")
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [ws.cell(11, c).value for c in range(2, 9)] == HEADER
    # ECMA-376 §18.3.1.13: width in 1/256ths of the 7-px digit, padding included; the
    # eight columns fill the 17 cm between 2 cm margins (642.5 px at 96 dpi), not more
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGH"]
    assert all(w * 256 == math.floor(w * 256) for w in widths)
    px = sum(w * 7 for w in widths)
    assert 17 * 96 / 2.54 - 8 <= px <= 17 * 96 / 2.54


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_page_breaks_fall_between_blocks(built: Path, stem: str):
    """Manual breaks only where a 二级 block (a C range below row 11) begins or ends."""
    path = built / f"{stem}.xlsx"
    sheet = _part(path, "xl/worksheets/sheet1.xml")
    breaks = [int(b.get("id")) for b in sheet.iter(f"{S}brk")]
    ws = openpyxl.load_workbook(path).worksheets[0]
    inside = set()
    for rng in ws.merged_cells.ranges:
        if rng.min_col == 3 and rng.min_row > 11:
            inside.update(range(rng.min_row, rng.max_row))  # a break after one of these splits it
    assert not inside.intersection(breaks), breaks
    # id = rows above the break: 11 would part the header row (11) from the first block
    assert 11 not in breaks
    assert all(b.get("man") == "1" for b in sheet.iter(f"{S}brk"))


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_page_numbers_in_footer(built: Path, stem: str):
    sheet = _part(built / f"{stem}.xlsx", "xl/worksheets/sheet1.xml")
    footer = sheet.find(f"{S}headerFooter/{S}oddFooter").text
    assert footer == "&C第 &P 页 共 &N 页"


@pytest.mark.parametrize("stem", STEMS)
def test_docx_header_row_repeats_and_blocks_keep_together(built: Path, stem: str):
    path = built / f"{stem}.docx"
    body = _part(path, "word/document.xml").find(f"{W}body")
    tables = body.findall(f"{W}tbl")
    assert len(tables) == 2
    # the indicator section is a table of its own: its first row is the repeated header
    first = tables[1].find(f"{W}tr")
    assert first.find(f"{W}trPr/{W}tblHeader") is not None
    assert [_texts(tc) for tc in first.findall(f"{W}tc")][1:] == HEADER
    # between the tables: one empty paragraph, so that Word does not join them
    between = list(body)[list(body).index(tables[0]) + 1 : list(body).index(tables[1])]
    assert len(between) == 1 and between[0].tag == f"{W}p" and not _texts(between[0])
    # rows of one 二级 block keep with the next row: every row whose C cell continues
    # into the next row (vMerge) has keepNext on all its paragraphs
    rows = tables[1].findall(f"{W}tr")
    for tr, nxt in zip(rows[1:], rows[2:], strict=False):
        c_next = nxt.findall(f"{W}tc")[2]  # A is continued, B maybe: position 2 is C
        continues = c_next.find(f"{W}tcPr/{W}vMerge") is not None and not c_next.find(
            f"{W}tcPr/{W}vMerge"
        ).get(f"{W}val")
        keeps = [p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p")]
        if continues:
            assert all(keeps)
    # the header row keeps with the first block
    assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in first.iter(f"{W}p"))


def test_docx_only_short_rows_refuse_to_split(tmp_path: Path):
    """A goal taller than a third of a page may break across pages (no cantSplit);
    ordinary rows stay whole."""
    from formgen.docx_writer import write_docx
    from formgen.kinds.shenbao import layout
    from formgen.loader import load

    decl = load(DECLARATIONS / "网络安全和信息化工作经费.yaml")
    long_goal = ("持续实施网络安全态势感知平台升级改造，加大网络监测检查力度。" * 30,)
    grid = layout(replace(decl, goal_annual=long_goal))
    write_docx(grid, tmp_path / "f.docx")
    tables = _part(tmp_path / "f.docx", "word/document.xml").findall(f".//{W}tbl")
    rows = tables[0].findall(f"{W}tr")
    goal_row = rows[-1]  # FORM.md row 10: the goal texts
    assert long_goal[0][:20] in _texts(goal_row)
    assert goal_row.find(f"{W}trPr/{W}cantSplit") is None
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows[:-1])


@pytest.mark.parametrize("stem", STEMS)
def test_docx_east_asian_hints_fonts_kinsoku_and_page_numbers(built: Path, stem: str):
    path = built / f"{stem}.docx"
    doc = _part(path, "word/document.xml")
    hinted = 0
    for run in doc.iter(f"{W}r"):
        text = _texts(run)
        if re.search("[≥≤“”—×]", text):
            fonts = run.find(f"{W}rPr/{W}rFonts")
            assert fonts is not None and fonts.get(f"{W}hint") == "eastAsia", text
            hinted += 1
    assert hinted  # every bundled form has a ≥, “ or —
    fonts = _part(path, "word/fontTable.xml")
    song = next(f for f in fonts.findall(f"{W}font") if f.get(f"{W}name") == "宋体")
    assert song.find(f"{W}altName").get(f"{W}val") == "SimSun"
    assert song.find(f"{W}charset").get(f"{W}val") == "86"  # GB2312
    # one Latin face in both files: the .xlsx cell font
    styles = _part(path, "word/styles.xml")
    latin = styles.find(f".//{W}rPrDefault//{W}rFonts").get(f"{W}ascii")
    ws = openpyxl.load_workbook(built / f"{stem}.xlsx").worksheets[0]
    assert latin == ws["D12"].font.name == "宋体"
    assert styles.find(f".//{W}pPrDefault//{W}kinsoku") is not None
    # no extra space between Chinese and digits: lines hold what Excel's hold
    for name in ("autoSpaceDE", "autoSpaceDN"):
        assert styles.find(f".//{W}pPrDefault//{W}{name}").get(f"{W}val") == "0"
    settings = _part(path, "word/settings.xml")
    before = settings.find(f"{W}noLineBreaksBefore").get(f"{W}val")
    assert set("，。、；：！？）》”") <= set(before)
    # 第 X 页 共 Y 页: the section's footer holds the PAGE and NUMPAGES fields
    ref = doc.find(f".//{W}sectPr/{W}footerReference").get(f"{R}id")
    rels = _part(path, "word/_rels/document.xml.rels")
    target = next(r.get("Target") for r in rels if r.get("Id") == ref)
    footer = _part(path, f"word/{target}")
    fields = [f.get(f"{W}instr").strip() for f in footer.iter(f"{W}fldSimple")]
    assert fields == ["PAGE", "NUMPAGES"]
    assert re.sub(r"\s|1", "", _texts(footer)) == "第页共页"


def test_template_options_fixed_decimals_and_no_page_numbers(tmp_path: Path):
    """decimals: 2 pads amounts to two decimals in both files (never hiding a digit);
    page_numbers: false leaves the footers out."""
    from formgen.docx_writer import write_docx
    from formgen.kinds.shenbao import layout
    from formgen.loader import load
    from formgen.template import default_template
    from formgen.xlsx_writer import write_xlsx
    from gridio import read_docx

    decl = load(DECLARATIONS / "网络安全和信息化工作经费.yaml")
    funds = replace(decl.funds_mid, total=Decimal("470.4"), fiscal=Decimal("432.125"))
    decl = replace(decl, funds_mid=funds)
    t = replace(default_template(), decimals=2, page_numbers=False)
    grid = layout(decl, t)
    write_docx(grid, tmp_path / "f.docx")
    write_xlsx(grid, tmp_path / "f.xlsx")
    docx = read_docx(tmp_path / "f.docx")
    assert docx["D6:E6"] == "470.40" and docx["D7:E7"] == "432.125" and docx["G6:H6"] == "120.00"
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").worksheets[0]
    assert ws["D6"].value == 470.4 and ws["D6"].number_format == "0.00"
    assert ws["D7"].number_format == "0.000" and ws["G6"].number_format == "0.00"
    with zipfile.ZipFile(tmp_path / "f.docx") as z:
        assert not [n for n in z.namelist() if "footer" in n]
    assert _part(tmp_path / "f.xlsx", "xl/worksheets/sheet1.xml").find(f"{S}headerFooter") is None
