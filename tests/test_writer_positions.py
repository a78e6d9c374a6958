"""Every position of a grid is drawn, however its cells are merged: in the .docx each
table row's cells span all the columns, in the .xlsx each row has a cell per column."""

from __future__ import annotations

import re
from decimal import Decimal

from formgen.docx_writer import document_xml
from formgen.grid import AMOUNT, LABEL, TEXT, TITLE, Cell, Grid
from formgen.template import default_template
from formgen.xlsx_writer import sheet_xml


def _odd_grid() -> Grid:
    """Three columns; the title, above the table, is merged down over the table's first
    row; a text merged down over two rows; a two-line label."""
    cells = (
        Cell(0, 0, "标题", TITLE, rowspan=2, colspan=3),
        Cell(2, 0, "甲", LABEL),
        Cell(2, 1, "≥乙 & <丙>", TEXT, rowspan=2),
        Cell(2, 2, "1.5", AMOUNT, number=Decimal("1.5")),
        Cell(3, 0, "一\n二", LABEL),
        Cell(3, 2, "丁", TEXT),
    )
    return Grid(cells, 4, default_template(), "T", 2024, (2.0, 3.0, 4.0), head_rows=1)


def test_docx_rows_span_every_column():
    xml = document_xml(_odd_grid()).decode()
    rows = re.findall(r"<w:tr>.*?</w:tr>", xml)
    assert len(rows) == 3  # the table's rows: 1, 2 and 3
    for row in rows:
        cells = re.findall(r"<w:tc>.*?</w:tc>", row)
        spans = [int(m) for c in cells for m in re.findall(r'<w:gridSpan w:val="(\d+)"/>', c)]
        assert len(cells) - len(spans) + sum(spans) == 3, row
    # row 1 lies under the title: one continuation cell across the three columns, as wide
    # as they are in twips, each rounded down: 1133 + 1700 + 2267
    assert re.findall(r"<w:tc>.*?</w:tc>", rows[0]) == [
        '<w:tc><w:tcPr><w:tcW w:w="5100" w:type="dxa"/><w:gridSpan w:val="3"/><w:vMerge/>'
        '<w:vAlign w:val="center"/></w:tcPr><w:p/></w:tc>'
    ]


def test_xlsx_rows_have_a_cell_per_column():
    xml = sheet_xml(_odd_grid()).decode()
    refs = re.findall(r'<c r="([A-Z]+\d+)"', xml)
    assert refs == [f"{col}{row}" for row in range(1, 5) for col in "ABC"]
