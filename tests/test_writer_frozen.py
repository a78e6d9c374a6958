"""The writers' and the page plan's fast paths against the code they replaced, frozen
here: row heights, page breaks, and the rows of the .docx table and the .xlsx sheet are
the same for the bundled forms, under every kind, and for variants of their printing
(kept ranges, repeated row) and of their texts."""

from __future__ import annotations

import dataclasses
import itertools
import random

import pytest

from conftest import DECLARATIONS
from formgen import docx_writer, pages, xlsx_writer
from formgen.grid import AMOUNT, LABEL, PERCENT, TEXT, TITLE, YEAR, Grid
from formgen.kinds import all_kinds
from formgen.loader import load
from formgen.measure import MAX_ROW_PT, line_height, needed_height
from formgen.package import CACHED_TEXT

# -- frozen: pages.py ------------------------------------------------------------------


def _row_heights_before(grid):
    t = grid.template
    head_rows, pt = grid.head_rows, t.body_pt
    heights = [0.0] * head_rows + [line_height(pt)] * (grid.n_rows - head_rows)
    for r in range(head_rows):
        (cell,) = grid.rows()[r]
        heights[r] = (t.title_pt if cell.role == TITLE else t.year_pt) * 1.7
    span_widths = {}
    tall = []
    for cell in grid.cells:
        if cell.row < head_rows or not cell.text:
            continue
        span = (cell.col, cell.colspan)
        width = span_widths.get(span)
        if width is None:
            width = span_widths[span] = sum(grid.widths_cm[cell.col : cell.col + cell.colspan])
        need = needed_height(cell.text, width, pt)
        if cell.rowspan == 1 or cell.row == grid.repeat_row:
            if need > heights[cell.row]:
                heights[cell.row] = need
        else:
            tall.append((cell, need))
    for cell, need in tall:
        rows = range(cell.row, cell.row + cell.rowspan)
        missing = need - sum(heights[r] for r in rows)
        if missing > 0:
            heights[rows[-1]] += missing
    return [round(min(h, MAX_ROW_PT), 2) for h in heights]


def _units_before(grid):
    keep = {first: last for first, last in grid.keep}
    units = []
    r = 0
    while r < grid.n_rows:
        last = keep.get(r, r)
        units.append(range(r, last + 1))
        r = last + 1
    if grid.repeat_row is not None:
        for i, unit in enumerate(units[:-1]):
            if unit == range(grid.repeat_row, grid.repeat_row + 1):
                units[i : i + 2] = [range(unit.start, units[i + 1].stop)]
                break
    return units


def _page_breaks_before(grid, heights):
    page = pages.usable_height_pt(grid)
    header = heights[grid.repeat_row] if grid.repeat_row is not None else 0.0
    breaks = []
    used = 0.0
    for unit in _units_before(grid):
        height = sum(heights[r] for r in unit)
        if used + height <= page:
            used += height
            continue
        repeated = header if grid.repeat_row is not None and unit.start > grid.repeat_row else 0.0
        if used > repeated and repeated + height <= page:
            breaks.append(unit.start)
            used = repeated + height
            continue
        for r in unit:
            if used + heights[r] > page and used > repeated:
                breaks.append(r)
                used = repeated
            used += heights[r]
    return breaks


# -- frozen: the .xlsx rows ------------------------------------------------------------


def _sheet_rows_before(grid, heights, breaks):
    n_cols, head_rows, t = grid.n_cols, grid.head_rows, grid.template
    refs = [
        f'<c r="{xlsx_writer.column_letter(c)}{r + 1}"'.encode()
        for r in range(grid.n_rows)
        for c in range(n_cols)
    ]
    style = f' s="{xlsx_writer.EMPTY_TABLE_STYLE}"/>'.encode()
    cells = [ref + style for ref in refs]
    for cell in grid.cells:
        row = cell.row
        if row < head_rows:
            head = f' s="{xlsx_writer.XF[cell.role]}"/>'.encode()
            for r in range(row, min(row + cell.rowspan, head_rows)):
                for i in range(r * n_cols + cell.col, r * n_cols + cell.col + cell.colspan):
                    cells[i] = refs[i] + head
        i = row * n_cols + cell.col
        cells[i] = refs[i] + xlsx_writer._cell_rest(cell, t, breaks)
    rows = []
    for r in range(grid.n_rows):
        rows.append(f'<row r="{r + 1}" ht="{heights[r]:g}" customHeight="1">'.encode())
        rows += cells[r * n_cols : (r + 1) * n_cols]
        rows.append(b"</row>")
    return b"".join(rows)


# -- frozen: the .docx tables ----------------------------------------------------------


def _tc_before(text, role, width, span, restart, keep_next):
    body = docx_writer._paragraphs(text, docx_writer.ROLE_ALIGN[role], keep_next=keep_next)
    return docx_writer._tc(width, span, "restart" if restart else None, body).encode()


def _head_before(grid):
    t = grid.template
    fonts = docx_writer._fonts(t.font_latin, t.font_east_asian)
    title = docx_writer._half_points(t.title_pt)
    year = docx_writer._half_points(t.year_pt)
    title_rpr = f'<w:rPr>{fonts}<w:b/><w:sz w:val="{title}"/><w:szCs w:val="{title}"/></w:rPr>'
    year_rpr = f'<w:rPr>{fonts}<w:sz w:val="{year}"/><w:szCs w:val="{year}"/></w:rPr>'
    parts = [
        docx_writer.XML_HEAD,
        f'<w:document xmlns:w="{docx_writer.W_NS}" xmlns:r="{docx_writer.R_NS}"><w:body>',
    ]
    for r in range(grid.head_rows):
        (cell,) = grid.rows()[r]
        rpr = title_rpr if cell.role == TITLE else year_rpr
        spacing = '<w:spacing w:after="120"/>' if cell.role == YEAR else ""
        parts.append(docx_writer._paragraphs(cell.text, "center", rpr, spacing))
    return "".join(parts).encode()


def _tables_before(grid):
    t = grid.template
    widths = [int(cm * docx_writer.TWIPS_PER_CM) for cm in grid.widths_cm]
    heights = pages.row_heights(grid)
    tall = pages.usable_height_pt(grid) * docx_writer.SPLIT_SHARE
    keep_next = set()
    for first, last in grid.keep:
        keep_next.update(range(first, last))
    split = grid.repeat_row if grid.repeat_row is not None else grid.n_rows
    if grid.repeat_row is not None:
        keep_next.add(grid.repeat_row)
    n_cols, head_rows = grid.n_cols, grid.head_rows
    edges = list(itertools.accumulate(widths, initial=0))
    cells = [b""] * (grid.n_rows * n_cols)
    for cell in grid.cells:
        row, col, span, rowspan = cell.row, cell.col, cell.colspan, cell.rowspan
        width = edges[col + span] - edges[col]
        if row >= head_rows:
            text = docx_writer._amount_text(cell, t) if cell.role == AMOUNT else cell.text
            cells[row * n_cols + col] = _tc_before(
                text, cell.role, width, span, rowspan > 1, row in keep_next
            )
        for r in range(max(row + 1, head_rows), row + rowspan):
            cells[r * n_cols + col] = docx_writer._covered_tc(width, span, r in keep_next)
    out = []
    for rows in [range(head_rows, split), range(split, grid.n_rows)]:
        if not rows:
            continue
        if out:
            out.append(docx_writer.HAIRLINE)
        out.append(docx_writer._table_start(tuple(widths)))
        for r in rows:
            out.append(docx_writer.ROW_START[heights[r] <= tall, r == grid.repeat_row])
            out += cells[r * n_cols : (r + 1) * n_cols]
            out.append(b"</w:tr>")
        out.append(b"</w:tbl>")
    return b"".join(out)


# -- the grids -------------------------------------------------------------------------


def _variants(grid: Grid, rng: random.Random) -> list[Grid]:
    """The grid; without its kept ranges and repeated row; with other ones; with texts
    moved around (short and long ones, in cells of other widths and roles)."""
    out = [grid, dataclasses.replace(grid, keep=(), repeat_row=None)]
    table = range(grid.head_rows, grid.n_rows)
    starts = rng.sample(table, min(6, len(table)))
    keep = tuple(sorted({(r, min(r + rng.randint(0, 3), grid.n_rows - 1)) for r in starts}))
    disjoint, last = [], -1
    for first, end in keep:
        if first > last:
            disjoint.append((first, end))
            last = end
    repeat = rng.choice([None, *table])
    out.append(dataclasses.replace(grid, keep=tuple(disjoint), repeat_row=repeat))
    texts = [c.text for c in grid.cells] + ["", "≥95%", "甲\n乙", "长" * (CACHED_TEXT + 1)]
    cells = tuple(
        c
        if c.role in (AMOUNT, PERCENT) or c.row < grid.head_rows
        else dataclasses.replace(c, text=rng.choice(texts), role=rng.choice([LABEL, TEXT]))
        for c in grid.cells
    )
    out.append(dataclasses.replace(grid, cells=cells))
    return out


def _grids() -> list[Grid]:
    rng = random.Random(9)
    grids = []
    for path in sorted(DECLARATIONS.glob("*.yaml")):
        decl = load(path)
        for kind in all_kinds():
            grid = kind.layout(decl)
            if grid is not None:
                grids += _variants(grid, rng)
    return grids


GRIDS = _grids()


def _fresh(grid: Grid) -> Grid:
    """The same grid without what was worked out from it (row heights)."""
    return dataclasses.replace(grid, derived={})


def test_there_are_grids_of_every_kind_and_shape():
    assert len(GRIDS) >= 40
    assert len({g.kind for g in GRIDS}) == len(all_kinds())
    assert any(g.repeat_row is None for g in GRIDS)
    assert any(g.keep for g in GRIDS)


@pytest.mark.parametrize("grid", GRIDS, ids=lambda g: f"{g.title[:6]}-{g.kind}")
def test_row_heights_and_page_breaks_are_as_before(grid):
    heights = _row_heights_before(grid)
    assert pages.row_heights(_fresh(grid)) == heights
    assert pages.page_breaks(grid, heights) == _page_breaks_before(grid, heights)


@pytest.mark.parametrize("grid", GRIDS, ids=lambda g: f"{g.title[:6]}-{g.kind}")
def test_sheet_rows_are_as_before(grid):
    heights = pages.row_heights(_fresh(grid))
    breaks = pages.page_breaks(grid, heights)
    xml = xlsx_writer.sheet_xml(_fresh(grid))
    assert _sheet_rows_before(grid, heights, breaks) in xml


@pytest.mark.parametrize("grid", GRIDS, ids=lambda g: f"{g.title[:6]}-{g.kind}")
def test_docx_tables_are_as_before(grid):
    xml = docx_writer.document_xml(_fresh(grid))
    head = _head_before(grid)
    assert xml.startswith(head)
    assert xml[len(head) :].startswith(_tables_before(_fresh(grid)))
