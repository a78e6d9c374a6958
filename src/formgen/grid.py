"""The grid every writer draws: cells with their merges, plus the geometry of the page.

A form kind's layout builds one Grid; the .docx, .xlsx (and HTML) writers take
every dimension from it (column count and widths, page, the rows printed above
the table) and nothing from any one form. A Grid checks itself when it is made:
every position of the table is covered by exactly one cell, as XlsxWriter
refuses overlapping merges, so a writer never meets a hole or an overlap.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .errors import FormgenError, Problem

if TYPE_CHECKING:
    from .template import Template

# Cell roles; each writer maps them to its styles.
TITLE, YEAR, LABEL, TEXT, CENTER, AMOUNT = "title", "year", "label", "text", "center", "amount"
PERCENT = "percent"  # a fraction (0.9583) shown as a percentage with two decimals (95.83%)
ROLES = (TITLE, YEAR, LABEL, TEXT, CENTER, AMOUNT, PERCENT)
_ROLE_SET = frozenset(ROLES)

# Paper sizes in millimetres, portrait (width, height).
PAPER_MM = {"A4": (210, 297), "A3": (297, 420), "Letter": (215.9, 279.4)}
# SpreadsheetML paperSize codes (ECMA-376 §18.3.1.63).
PAPER_CODE = {"A4": 9, "A3": 8, "Letter": 1}


def column_letter(col: int) -> str:
    """Excel column name of a 0-based column: 0 → A, 25 → Z, 26 → AA; "?" for a negative
    one (a bad cell's position, named in the message that refuses it)."""
    if col < 0:
        return "?"
    name = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


@dataclass(frozen=True)
class Page:
    paper: str = "A4"
    orientation: str = "portrait"  # or "landscape"
    margin_cm: float = 2.0

    @property
    def size_mm(self) -> tuple[float, float]:
        """(width, height) as the page is printed."""
        width, height = PAPER_MM[self.paper]
        return (height, width) if self.orientation == "landscape" else (width, height)


_new_object = object.__new__
_set_attr = object.__setattr__


@dataclass(frozen=True)
class Cell:
    """An anchor cell; it covers rowspan × colspan grid positions from (row, col), 0-based."""

    row: int
    col: int
    text: str = ""  # lines separated by "\n", one paragraph each
    role: str = LABEL
    rowspan: int = 1
    colspan: int = 1
    number: Decimal | None = None  # amounts and computed values: number cells in .xlsx
    field: str = field(default="", compare=False)  # the declaration field it shows, for messages

    @staticmethod
    def new(
        row: int,
        col: int,
        text: str = "",
        role: str = LABEL,
        rowspan: int = 1,
        colspan: int = 1,
        number: Decimal | None = None,
        field: str = "",
    ) -> Cell:
        """Cell(...) without calling the class, for the layouts' thousands of cells: Python
        3.11 passes a class's __init__ its arguments through a tuple and a dict, which costs
        an eighth of a cell. The same cell as Cell(...), its __dict__ too (tested)."""
        cell = _new_object(Cell)
        _set_attr(
            cell,
            "__dict__",
            {
                "row": row,
                "col": col,
                "text": text,
                "role": role,
                "rowspan": rowspan,
                "colspan": colspan,
                "number": number,
                "field": field,
            },
        )
        return cell

    @property
    def ref(self) -> str:
        """Excel-style range of the cell, e.g. 'A6:B8' or 'C3'."""
        first = f"{column_letter(self.col)}{self.row + 1}"
        if self.rowspan == 1 and self.colspan == 1:
            return first
        last = column_letter(self.col + self.colspan - 1)
        return f"{first}:{last}{self.row + self.rowspan}"


class GridError(FormgenError):
    """A layout produced a grid with a hole or an overlap: a bug in a form kind."""


@dataclass(frozen=True)
class Grid:
    cells: tuple[Cell, ...]  # anchors in row-major order; every grid position covered once
    n_rows: int
    template: Template  # fonts and sizes
    title: str  # the project name: document title, sheet name
    year: int
    widths_cm: tuple[float, ...] = ()  # one per column; the column count is their number
    page: Page = Page()
    head_rows: int = 2  # rows printed above the table (title, year line), one cell each
    kind: str = ""  # the form kind's key, for messages
    # Printing: the row every page repeats at its top (it and the rows after it form the
    # section that runs across pages; .docx draws it as a table of its own), and row
    # ranges (first, last) kept on one page wherever they fit on one.
    repeat_row: int | None = None
    keep: tuple[tuple[int, int], ...] = ()
    # What other modules work out from the grid, kept so that it is worked out once per
    # grid however many writers ask (pages.row_heights); not part of the grid's value.
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        problem = self.defect()
        if problem:
            raise GridError([Problem(self.kind or "grid", None, None, problem, code="E-GRID")])

    @functools.cached_property
    def n_cols(self) -> int:
        return len(self.widths_cm)

    def defect(self) -> str | None:
        """Why the cells do not tile the grid exactly once, or None."""
        if self._tiles():
            return None  # every grid a layout makes: found by the leaner pass
        return self._first_defect()

    def _tiles(self) -> bool:
        """Do the cells tile the grid exactly once? Fewer steps a cell than _first_defect,
        which names what is wrong: True exactly where it finds nothing (tested).

        A cell's column bits lie within the row (0 < bits <= full: it neither starts left
        of the table nor ends right of it, and spans a column at least), and its position
        row * n_cols + col grows from cell to cell, from 0 on: the order by row, then
        column, of cells within the columns, none above the table. A row below it fails
        the lookup in `filled`, a negative column or span the shift."""
        n_rows, n_cols, head_rows = self.n_rows, self.n_cols, self.head_rows
        if not n_cols:
            return False
        full = (1 << n_cols) - 1
        filled = [0] * n_rows  # per row, a bit per column a cell covers
        last = -1
        try:
            for cell in self.cells:
                row, col, rowspan = cell.row, cell.col, cell.rowspan
                bits = ((1 << cell.colspan) - 1) << col
                position = row * n_cols + col
                if not 0 < bits <= full or position <= last or cell.role not in _ROLE_SET:
                    return False
                if row < head_rows and bits != full:
                    return False
                last = position
                if rowspan == 1:  # most cells
                    covered = filled[row]
                    if covered & bits:
                        return False
                    filled[row] = covered | bits
                    continue
                if rowspan < 1:
                    return False
                for r in range(row, row + rowspan):
                    if filled[r] & bits:
                        return False
                    filled[r] |= bits
        except (IndexError, ValueError):
            return False
        return filled.count(full) == n_rows

    def _first_defect(self) -> str | None:
        """What is wrong with the first cell that is, or the first hole."""
        n_rows, n_cols, head_rows = self.n_rows, self.n_cols, self.head_rows
        if not n_cols:
            return "网格没有列宽"
        filled = [0] * n_rows  # per row, a bit per column a cell covers
        last_row, last_col = -1, -1
        # Every grid is checked when it is made: the loop is kept lean (a few hundred
        # cells a form), and the messages are worked out only for a grid that fails.
        for cell in self.cells:
            row, col, rowspan, colspan = cell.row, cell.col, cell.rowspan, cell.colspan
            if row < last_row or (row == last_row and col <= last_col):
                return "网格的单元格没有按行、列排序"
            last_row, last_col = row, col
            if cell.role not in _ROLE_SET:
                return f"单元格 {cell.ref} 的角色“{cell.role}”未知"
            if rowspan < 1 or colspan < 1 or row < 0 or col < 0:
                return f"单元格 {cell.ref} 的位置或跨度不是正数"
            if row + rowspan > n_rows or col + colspan > n_cols:
                return f"单元格 {cell.ref} 超出了 {n_rows} 行 × {n_cols} 列的网格"
            if row < head_rows and (col != 0 or colspan != n_cols):
                return f"表上方的第 {row + 1} 行应为一个占满整行的单元格"
            bits = ((1 << colspan) - 1) << col
            if rowspan == 1:  # most cells
                if filled[row] & bits:
                    return self._overlap(cell)
                filled[row] |= bits
                continue
            for r in range(row, row + rowspan):
                if filled[r] & bits:
                    return self._overlap(cell)
                filled[r] |= bits
        full = (1 << n_cols) - 1
        for r, bits in enumerate(filled):
            if bits != full:
                c = next(c for c in range(n_cols) if not bits >> c & 1)
                return f"网格在 {column_letter(c)}{r + 1} 处有空洞：没有单元格覆盖它"
        return None

    def _overlap(self, cell: Cell) -> str:
        """The first position of `cell` that an earlier cell covers, and that cell: worked
        out only for the message."""
        earlier = self.cells[: self.cells.index(cell)]
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                for other in earlier:
                    if (
                        other.row <= r < other.row + other.rowspan
                        and other.col <= c < other.col + other.colspan
                    ):
                        return f"单元格 {cell.ref} 与 {other.ref} 重叠于 {column_letter(c)}{r + 1}"
        raise AssertionError("an overlap was found but no earlier cell covers it")

    def rows(self) -> list[list[Cell]]:
        """Anchors per row (row-major), including rows that hold no anchor."""
        return self._rows

    @functools.cached_property
    def _rows(self) -> list[list[Cell]]:
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return out
