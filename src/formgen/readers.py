"""Filled forms (.xlsx, .docx) → a raw grid of cells, whoever made them.

The other direction of the writers: a file is read into anchor cells with
their spans, whatever its geometry, so that `importer` can find the form by its
labels. Word tables are not grids: cells are placed by w:gridBefore,
w:gridSpan (or, where a generator left it out, the cell's width against the
table grid) and w:vMerge; where the rows do not fit the table's grid (a table
drawn by hand, merged and split many times), by their horizontal extent: each
cell spans the union of all rows' cut positions between its left and right edge.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class RawCell:
    row: int  # 0-based within its grid
    col: int
    text: str
    where: str  # how a user finds it: "Sheet1!C3" or "表格第 3 行第 2 格"
    rowspan: int = 1
    colspan: int = 1
    number: Decimal | None = None  # numeric cells (xlsx), as displayed


@dataclass
class RawGrid:
    source: str
    cells: list[RawCell]  # anchors, row-major
    above: list[RawCell] = field(default_factory=list)  # paragraphs before the table (.docx)
    below: list[RawCell] = field(default_factory=list)  # paragraphs after the last table
    name: str = ""  # the sheet ("Sheet1") or table ("表格1") in its file
    edges: list[int] | None = None  # left edge of each column and the right edge of the last
    # (Word tables placed by extent, in twips); None: columns are equally wide
    _at: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    self._at.setdefault((r, c), cell)

    def at(self, row: int, col: int) -> RawCell | None:
        return self._at.get((row, col))

    def x(self, col: int) -> int:
        """Horizontal position of a column's left edge (a count of columns without edges)."""
        if self.edges is None:
            return col
        return self.edges[min(col, len(self.edges) - 1)]

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)


class ReadError(Exception):
    """A file that is not a readable .xlsx/.docx form (message in Chinese)."""


def read_grids(path: str | Path) -> list[RawGrid]:
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            return read_xlsx(path)
        if suffix == ".docx":
            return read_docx(path)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise ReadError(
            f"无法读取 {path.name}：文件已损坏或不是 Office 文件（{type(exc).__name__}）"
        ) from None
    raise ReadError(f"{path.name} 不是 .xlsx 或 .docx 文件")


# -- xlsx ------------------------------------------------------------------------------


def _displayed(value, number_format: str) -> tuple[str, Decimal | None]:
    """A cell's text as Excel shows it, and its number if it is one. A percentage cell
    (`95%` is stored as 0.95) reads as it is shown and is not a number; a date as a date."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    fmt = number_format or ""
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        percent = re.fullmatch(r"0(?:\.(0+))?%", fmt)
        if percent:
            places = len(percent.group(1) or "")
            shown = (number * 100).quantize(Decimal(1).scaleb(-places))
            return f"{shown:f}%", None
        match = re.fullmatch(r"0\.(0+)", fmt)
        if match:
            number = number.quantize(Decimal(1).scaleb(-len(match.group(1))))
        elif number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        return format(number, "f"), number
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        if "年" in fmt:
            return f"{value.year}年{value.month}月" + (f"{value.day}日" if "d" in fmt else ""), None
        return value.isoformat(), None
    return str(value), None


def read_xlsx(path: Path) -> list[RawGrid]:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    grids = []
    for ws in book.worksheets:
        spans = {}
        covered = set()
        for rng in ws.merged_cells.ranges:
            spans[(rng.min_row, rng.min_col)] = (
                rng.max_row - rng.min_row + 1,
                rng.max_col - rng.min_col + 1,
            )
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        covered.add((r, c))
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in covered:
                    continue
                text, number = _displayed(cell.value, cell.number_format)
                rowspan, colspan = spans.get((cell.row, cell.column), (1, 1))
                if not text and (rowspan, colspan) == (1, 1):
                    continue
                cells.append(
                    RawCell(
                        cell.row - 1,
                        cell.column - 1,
                        text,
                        f"{ws.title}!{cell.coordinate}",
                        rowspan,
                        colspan,
                        number,
                    )
                )
        grids.append(RawGrid(f"{path}", cells, name=ws.title))
    return grids


# -- docx ------------------------------------------------------------------------------


def _text(element) -> str:
    paragraphs = element.iter(f"{W}p") if element.tag != f"{W}p" else [element]
    lines = []
    for p in paragraphs:
        parts = []
        for node in p.iter():
            if node.tag == f"{W}t":
                parts.append(node.text or "")
            elif node.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif node.tag == f"{W}tab":
                parts.append("\t")
        lines.append("".join(parts))
    return "\n".join(lines)


def _int(element, name: str, default: int = 0) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{W}{name}", default))
    except ValueError:
        return default


def _span_from_width(width: int, grid_widths: list[int], col: int) -> int:
    """How many grid columns from `col` a cell of this width covers (for cells without gridSpan)."""
    total, span = 0, 0
    while col + span < len(grid_widths):
        total += grid_widths[col + span]
        span += 1
        if total >= width * 0.95:
            break
    return max(1, span)


def read_docx(path: Path) -> list[RawGrid]:
    """One grid per table; a table that follows another on the same columns, with only
    empty paragraphs between, continues it (formgen draws the indicator section as a table of its own,
    so that Word repeats its header row on every page)."""
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    body = root.find(f"{W}body")
    if body is None:
        raise ReadError(f"无法读取 {path.name}：文件已损坏或不是 Office 文件（没有正文）")
    runs: list[tuple[list, list[RawCell]]] = []  # (tables, the paragraphs above them)
    above: list[RawCell] = []
    joinable = False
    for child in body:
        if child.tag == f"{W}p":
            text = _text(child)
            if text.strip():
                above.append(RawCell(-1 - len(above), 0, text, f"表格前第 {len(above) + 1} 段"))
                joinable = False
        elif child.tag == f"{W}tbl":
            same_grid = runs and _grid_widths(runs[-1][0][-1]) == _grid_widths(child)
            if joinable and not above and same_grid and not _starts_a_form(child):
                runs[-1][0].append(child)
            else:
                runs.append(([child], above))
            above = []
            joinable = True
    grids = [_table(tables, path, i, top) for i, (tables, top) in enumerate(runs, start=1)]
    if above:  # paragraphs after the last table: a footer, notes
        below = [RawCell(10**6 + i, 0, c.text, f"表格后第 {i + 1} 段") for i, c in enumerate(above)]
        if grids:
            grids[-1].below = below
        else:
            grids.append(RawGrid(str(path), [], below=below, name="正文"))
    return grids


def _starts_a_form(tbl) -> bool:
    """Whether a table begins with a form's title or 项目名称 (then it is a form of its own,
    even right after another on the same columns, as in a unit's forms one per page)."""
    first = tbl.find(f"{W}tr")
    text = re.sub(r"\s", "", _text(first)) if first is not None else ""
    return "申报表" in text or "项目名称" in text


@dataclass
class _TcSpec:
    tc: object
    number: int  # 1-based position in its row, for messages
    col: int  # grid placement
    span: int
    x0: int  # horizontal extent in twips
    x1: int
    merge: str | None  # None, "restart" or "continue"
    explicit: bool = False  # its span was written (w:gridSpan), not guessed from its width


def _row_specs(tr, grid_widths: list[int], spans_written: bool) -> tuple[list[_TcSpec], int]:
    """A row's cells with both placements, and the grid columns the row claims. In a table
    that writes w:gridSpan, a cell without one spans one column (as Word lays it out);
    in a table that writes none, a cell's span is guessed from its width."""
    trpr = tr.find(f"{W}trPr")
    before = _int(trpr.find(f"{W}gridBefore") if trpr is not None else None, "val")
    after = _int(trpr.find(f"{W}gridAfter") if trpr is not None else None, "val")
    w_before = trpr.find(f"{W}wBefore") if trpr is not None else None
    col = before
    x = _int(w_before, "w") if w_before is not None else sum(grid_widths[:before])
    specs = []
    for k, tc in enumerate(tr.findall(f"{W}tc"), start=1):
        pr = tc.find(f"{W}tcPr")
        span_el = pr.find(f"{W}gridSpan") if pr is not None else None
        width_el = pr.find(f"{W}tcW") if pr is not None else None
        width = _int(width_el, "w") if width_el is not None else 0
        if width_el is not None and width_el.get(f"{W}type", "dxa") not in ("dxa", ""):
            width = 0  # a percentage or auto width says nothing about where the cell is
        if span_el is not None:
            span = max(1, _int(span_el, "val", 1))
        elif spans_written:
            span = 1
        else:
            span = _span_from_width(width, grid_widths, col) if width and grid_widths else 1
        if not width:
            width = sum(grid_widths[col : col + span]) or 1
        vm = pr.find(f"{W}vMerge") if pr is not None else None
        merge = None if vm is None else (vm.get(f"{W}val") or "continue")
        specs.append(
            _TcSpec(tc, k, col, span, x, x + width, merge, spans_written or span_el is not None)
        )
        col += span
        x += width
    return specs, col + after


def _fits_grid(rows: list[list[_TcSpec]], claimed: list[int], grid_widths: list[int]) -> bool:
    """Whether every row fills the table grid and every cell whose span was guessed from its
    width agrees with its columns. A written w:gridSpan is what Word lays out by, so it is
    trusted over a stale w:tcW."""
    if not grid_widths or any(n != len(grid_widths) for n in claimed):
        return False
    for specs in rows:
        for s in specs:
            if s.explicit:
                continue
            span_width = sum(grid_widths[s.col : s.col + s.span])
            if abs((s.x1 - s.x0) - span_width) > max(60, 0.1 * span_width):
                return False
    return True


def _by_extent(rows: list[list[_TcSpec]]) -> list[int]:
    """Re-place cells on the union of all rows' cut positions (close edges are one edge);
    the columns' edges."""
    edges = sorted({e for specs in rows for s in specs for e in (s.x0, s.x1)})
    tolerance = max(40, (edges[-1] - edges[0]) // 100) if edges else 0
    index: dict[int, int] = {}
    kept: list[int] = []
    for edge in edges:
        if not kept or edge - kept[-1] > tolerance:
            kept.append(edge)
        index[edge] = len(kept) - 1
    for specs in rows:
        for s in specs:
            s.col = index[s.x0]
            s.span = max(1, index[s.x1] - s.col)
    return kept


def _grid_widths(tbl) -> list[int]:
    return [_int(g, "w") for g in tbl.iter(f"{W}gridCol")]


def _table(tables: list, path: Path, number: int, above: list[RawCell]) -> RawGrid:
    grid_widths = _grid_widths(tables[0])
    rows, claimed = [], []
    spans_written = any(tbl.find(f".//{W}gridSpan") is not None for tbl in tables)
    for tr in (tr for tbl in tables for tr in tbl.findall(f"{W}tr")):
        specs, n = _row_specs(tr, grid_widths, spans_written)
        rows.append(specs)
        claimed.append(n)
    if _fits_grid(rows, claimed, grid_widths):
        edges = [0]
        for w in grid_widths if all(w > 0 for w in grid_widths) else [1000] * len(grid_widths):
            edges.append(edges[-1] + w)  # (a grid without widths: columns equally wide)
        for specs in rows:  # the grid decides where a cell is, not its (maybe stale) width
            for s in specs:
                s.x0, s.x1 = edges[s.col], edges[min(s.col + s.span, len(edges) - 1)]
    else:
        edges = _by_extent(rows)
    cells: list[RawCell] = []
    previous: list[tuple[int, int, RawCell]] = []  # the row above: (x0, x1, vMerge chain)
    for r, specs in enumerate(rows):
        current: list[tuple[int, int, RawCell]] = []
        for s in specs:
            # a continued cell belongs to the vertical merge above it that it overlaps most
            overlaps = [(min(s.x1, x1) - max(s.x0, x0), cell) for x0, x1, cell in previous]
            best = max(overlaps, key=lambda pair: pair[0], default=(0, None))
            chain = best[1]
            if s.merge == "continue" and chain is not None and best[0] > 0:
                cell = chain
                cell.rowspan = r - cell.row + 1
            else:
                cell = RawCell(
                    r, s.col, _text(s.tc), f"表格{number} 第 {r + 1} 行第 {s.number} 格", 1, s.span
                )
                cells.append(cell)
            if s.merge is not None:
                current.append((s.x0, s.x1, cell))
        previous = current
    return RawGrid(str(path), cells, above, name=f"表格{number}", edges=edges)


def parse_amount(cell: RawCell | None) -> Decimal | None:
    """An amount as written: a number cell, or text such as `80`, `80万元`, `1,200.5 万元`."""
    if cell is None:
        return None
    if cell.number is not None:
        return cell.number
    text = unicodedata.normalize("NFKC", cell.text).replace(",", "").replace(" ", "")
    text = re.sub(r"(万元|万|元)$", "", text)
    if not text:
        return None
    try:
        return Decimal(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else None
    except InvalidOperation:
        return None
