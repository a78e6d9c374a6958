"""Where pages break: between the row ranges a grid keeps together, from the rows' heights.

The .xlsx gets these as manual row breaks (Excel and LibreOffice break pages only
by height, anywhere); the .docx keeps the same ranges together with keep-with-next
and lets Word paginate. A range taller than a page breaks between its rows.
"""

from __future__ import annotations

import functools

from .grid import TITLE, Grid
from .measure import MAX_ROW_PT, line_height, line_width_pt, needed_height, width_em

PT_PER_MM = 72 / 25.4
# Room left unused at a page's foot: Excel and LibreOffice round row heights to
# device pixels, so a page that is full to the point can lose its last row.
SLACK = 0.985


def usable_height_pt(grid: Grid) -> float:
    """The printable height of one page, in points."""
    return (grid.page.size_mm[1] - 20 * grid.page.margin_cm) * PT_PER_MM * SLACK


def row_heights(grid: Grid) -> list[float]:
    """Points per row, so that every (merged) cell's wrapped text fits; worked out once per
    grid, as both writers and the page plan need them."""
    if "row_heights" not in grid.derived:
        grid.derived["row_heights"] = tuple(_row_heights(grid))
    return list(grid.derived["row_heights"])


def _row_heights(grid: Grid) -> list[float]:
    t = grid.template
    head_rows, pt = grid.head_rows, t.body_pt
    heights = [0.0] * head_rows + [line_height(pt)] * (grid.n_rows - head_rows)
    cells = grid.cells
    first = 0  # the table's first cell: the rows above it hold one cell each, in order
    while first < len(cells) and cells[first].row < head_rows:
        cell = cells[first]
        heights[cell.row] = (t.title_pt if cell.role == TITLE else t.year_pt) * 1.7
        first += 1
    span_width = _span_widths(grid.widths_cm)
    line_pts = _span_line_pts(grid.widths_cm, pt)
    repeat_row = grid.repeat_row
    tall = []
    for cell in cells[first:]:
        text = cell.text
        if not text:
            continue
        col, colspan = cell.col, cell.colspan
        if "\n" not in text and width_em(text) * pt <= line_pts[col][colspan]:
            continue  # one line (measure.line_width_pt): no row below the head has less
        need = needed_height(text, span_width[col][colspan], pt)
        row = cell.row
        if cell.rowspan == 1 or row == repeat_row:
            # Only the repeated row is printed again atop each page: a merge that starts
            # there must show its whole text within that row.
            if need > heights[row]:
                heights[row] = need
        else:
            tall.append((cell, need))
    for cell, need in tall:  # merged down: give the missing height to its last row
        end = cell.row + cell.rowspan
        missing = need - sum(heights[cell.row : end])
        if missing > 0:
            heights[end - 1] += missing
    line, rounded_line = line_height(pt), _rounded(line_height(pt))
    return [rounded_line if h == line else _rounded(h) for h in heights]  # most rows: a line


@functools.lru_cache(maxsize=1024, typed=True)
def _rounded(height: float) -> float:
    """Excel refuses rows taller than 409 pt; a longer text must be shortened by its author.
    Cached: rounding to two places goes through decimal digits, and the same heights
    recur in every form (one line, two lines, …)."""
    return round(min(height, MAX_ROW_PT), 2)


@functools.lru_cache(maxsize=64)
def _span_widths(widths_cm: tuple[float, ...]) -> tuple[tuple[float, ...], ...]:
    """[col][span]: the width of a cell spanning `span` columns from `col`. Cached: a
    kind's forms share their few column splits."""
    return tuple(
        tuple(sum(widths_cm[col : col + span]) for span in range(len(widths_cm) - col + 1))
        for col in range(len(widths_cm))
    )


@functools.lru_cache(maxsize=64)
def _span_line_pts(widths_cm: tuple[float, ...], font_pt: float) -> tuple[tuple[float, ...], ...]:
    """[col][span]: the points a line of a cell spanning `span` columns from `col` holds.
    Cached: as _span_widths."""
    return tuple(
        tuple(line_width_pt(width, font_pt) for width in widths)
        for widths in _span_widths(widths_cm)
    )


@functools.lru_cache(maxsize=256)
def _units(
    n_rows: int, keep: tuple[tuple[int, int], ...], repeat_row: int | None
) -> tuple[range, ...]:
    """Rows in the order printed, grouped into what must stay on one page where it fits:
    each kept range, and the repeated header row with the range after it. Cached: forms
    of a kind share their few shapes."""
    kept = {first: last for first, last in keep}
    units: list[range] = []
    r = 0
    while r < n_rows:
        last = kept.get(r, r)
        units.append(range(r, last + 1))
        r = last + 1
    if repeat_row is not None:
        for i, unit in enumerate(units[:-1]):
            if unit == range(repeat_row, repeat_row + 1):
                units[i : i + 2] = [range(unit.start, units[i + 1].stop)]
                break
    return tuple(units)


def page_breaks(grid: Grid, heights: list[float]) -> list[int]:
    """The 0-based rows that begin a new page."""
    page = usable_height_pt(grid)
    repeat_row = grid.repeat_row
    header = heights[repeat_row] if repeat_row is not None else 0.0
    breaks: list[int] = []
    used = 0.0
    for unit in _units(grid.n_rows, grid.keep, repeat_row):
        height = sum(heights[unit.start : unit.stop])
        if used + height <= page:
            used += height
            continue
        repeated = header if repeat_row is not None and unit.start > repeat_row else 0.0
        if used > repeated and repeated + height <= page:
            breaks.append(unit.start)  # the whole unit moves to the next page
            used = repeated + height
            continue
        for r in unit:  # too tall for any page: break between its rows
            if used + heights[r] > page and used > repeated:
                breaks.append(r)
                used = repeated
            used += heights[r]
    return breaks
