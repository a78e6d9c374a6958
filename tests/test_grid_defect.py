"""Grid.defect (run on every grid made) gives the message of its first, plainer version,
kept here frozen, for any set of cells: sorted or not, roles known or not, spans in the
grid or out of it, head rows whole or not, holes and overlaps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from formgen.grid import _ROLE_SET, LABEL, TEXT, TITLE, Cell, Grid, GridError, column_letter
from formgen.template import default_template


def old_defect(cells: tuple[Cell, ...], n_rows: int, n_cols: int, head_rows: int) -> str | None:
    """The first version of Grid.defect (overlaps named by Grid._overlap, unchanged)."""
    if not n_cols:
        return "网格没有列宽"
    filled = [0] * n_rows
    previous = (-1, -1)
    for cell in cells:
        row, col, rowspan, colspan = cell.row, cell.col, cell.rowspan, cell.colspan
        if (row, col) <= previous:
            return "网格的单元格没有按行、列排序"
        previous = (row, col)
        if cell.role not in _ROLE_SET:
            return f"单元格 {cell.ref} 的角色“{cell.role}”未知"
        if rowspan < 1 or colspan < 1 or row < 0 or col < 0:
            return f"单元格 {cell.ref} 的位置或跨度不是正数"
        if row + rowspan > n_rows or col + colspan > n_cols:
            return f"单元格 {cell.ref} 超出了 {n_rows} 行 × {n_cols} 列的网格"
        if row < head_rows and (col, colspan) != (0, n_cols):
            return f"表上方的第 {row + 1} 行应为一个占满整行的单元格"
        bits = ((1 << colspan) - 1) << col
        for r in range(row, row + rowspan):
            if filled[r] & bits:
                return "overlap"
            filled[r] |= bits
    full = (1 << n_cols) - 1
    for r, bits in enumerate(filled):
        if bits != full:
            c = next(c for c in range(n_cols) if not bits >> c & 1)
            return f"网格在 {column_letter(c)}{r + 1} 处有空洞：没有单元格覆盖它"
    return None


@st.composite
def grids(draw) -> tuple[tuple[Cell, ...], int, int, int]:
    """Mostly a valid tiling (rows of cells, some merged down), then a few slips."""
    n_cols = draw(st.integers(1, 5))
    n_rows = draw(st.integers(1, 7))
    head_rows = draw(st.integers(0, min(2, n_rows)))
    cells = [Cell(r, 0, "", TITLE, colspan=n_cols) for r in range(head_rows)]
    covered: set[tuple[int, int]] = set()
    for row in range(head_rows, n_rows):
        col = 0
        while col < n_cols:
            if (row, col) in covered:
                col += 1
                continue
            colspan = draw(st.integers(1, n_cols - col))
            rowspan = draw(st.integers(1, n_rows - row))
            if any(
                (r, c) in covered
                for r in range(row, row + rowspan)
                for c in range(col, col + colspan)
            ):
                rowspan = 1
            if any((row, c) in covered for c in range(col, col + colspan)):
                colspan = 1
            covered |= {
                (r, c) for r in range(row, row + rowspan) for c in range(col, col + colspan)
            }
            cells.append(Cell(row, col, "", LABEL, rowspan, colspan))
            col += colspan
    for _ in range(draw(st.integers(0, 2))):
        slip = draw(st.sampled_from(("drop", "add", "swap", "role", "span", "move")))
        if slip == "drop" and cells:
            cells.pop(draw(st.integers(0, len(cells) - 1)))
        elif slip == "add":
            row, col = draw(st.integers(-1, n_rows)), draw(st.integers(-1, n_cols))
            colspan = draw(st.integers(0 if col >= 0 else 1, 2))  # (ref names no column < -1)
            cells.append(Cell(row, col, "", TEXT, draw(st.integers(0, 2)), colspan))
            cells.sort(key=lambda c: (c.row, c.col))
        elif slip == "swap" and len(cells) > 1:
            i = draw(st.integers(0, len(cells) - 2))
            cells[i], cells[i + 1] = cells[i + 1], cells[i]
        elif slip == "role" and cells:
            i = draw(st.integers(0, len(cells) - 1))
            cells[i] = Cell(
                cells[i].row, cells[i].col, "", "bold", cells[i].rowspan, cells[i].colspan
            )
        elif slip in ("span", "move") and cells:
            i = draw(st.integers(0, len(cells) - 1))
            c = cells[i]
            if slip == "span":
                rowspan, colspan = draw(st.sampled_from(((1, 0), (0, -1))))
                cells[i] = Cell(c.row, c.col, "", c.role, c.rowspan + rowspan, c.colspan + colspan)
            else:
                col = c.col + draw(st.integers(0 if c.col < 1 else -1, 1))
                cells[i] = Cell(c.row, col, "", c.role, c.rowspan, c.colspan)
    return tuple(cells), n_rows, n_cols, head_rows


@settings(max_examples=1000, deadline=None)
@given(grids())
def test_defect_is_the_first_versions(case):
    cells, n_rows, n_cols, head_rows = case
    expected = old_defect(cells, n_rows, n_cols, head_rows)
    try:
        Grid(cells, n_rows, default_template(), "x", 2024, (2.0,) * n_cols, head_rows=head_rows)
    except GridError as error:
        (problem,) = error.problems
        message = problem.message
        assert message == expected or (expected == "overlap" and "重叠于" in message)
    else:
        assert expected is None
