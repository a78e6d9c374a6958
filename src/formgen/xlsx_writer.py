"""Grid → .xlsx, emitting SpreadsheetML directly (as XlsxWriter does), not via openpyxl.

Excel and LibreOffice do not grow a row for wrapped text in a merged cell, so
row heights are computed here from the text and the column widths. Every grid
position gets a cell with a border, inside merged ranges too, or the printed
lines break. Texts are inline strings: never formulas, whatever they start with.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from pathlib import Path

from .grid import (
    AMOUNT,
    CENTER,
    LABEL,
    PAPER_CODE,
    PERCENT,
    TEXT,
    TITLE,
    YEAR,
    Cell,
    Grid,
    Page,
    column_letter,
)
from .measure import PX_PER_CM
from .package import (
    CACHED_TEXT,
    OFFICE_REL,
    XML_HEAD,
    Member,
    Part,
    PartData,
    escape,
    package_members,
    write_atomic,
    zip_bytes,
)
from .pages import page_breaks, row_heights
from .template import Template

S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CM_PER_INCH = 2.54
MAX_DECIMALS = 6  # amounts with more decimals than this show in the General format

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
PAGE_FOOTER = "&C第 &P 页 共 &N 页"  # centred; &P this page, &N the page count
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# -- styles: the role table ----------------------------------------------------------

_ALIGNMENT = {
    "center": '<alignment horizontal="center" vertical="center" wrapText="1"/>',
    "left": '<alignment horizontal="left" vertical="center" wrapText="1"/>',
    "top": '<alignment horizontal="center" vertical="top" wrapText="1"/>',
}


def _amount_style(decimals: int) -> str:
    return f"{AMOUNT}{decimals}"


# Shared with the unit summary's workbook (summary.py): the fixed-decimals number formats
# (numFmtId 163 + decimals: 0.0 … 0.000000) and the borders (0: none, 1: a thin box).
NUMBER_FORMATS_XML = (
    f'<numFmts count="{MAX_DECIMALS}">'
    + "".join(
        f'<numFmt numFmtId="{163 + d}" formatCode="0.{"0" * d}"/>'
        for d in range(1, MAX_DECIMALS + 1)
    )
    + "</numFmts>"
)
BORDERS_XML = (
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    '<left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom>'
    "<diagonal/></border></borders>"
)


# Font 0 is the Normal style's: its digit width is the unit of every column width
# (ECMA-376 §18.3.1.13). 新宋体 (NSimSun) has half-em digits everywhere, 7 px at
# 10.5 pt, in Windows and in its free stand-in (Noto Sans Mono CJK SC), so a column
# is as wide in LibreOffice and WPS as in Excel. Cells use font 3, the template's.
WIDTH_FONT = "新宋体"
LABEL_ACROSS_PAGES = "label-across-pages"
BODY_FONT = 3

# Style key → (font index, boxed, alignment, number format id or None). The cellXfs
# indices are the positions in this table: nothing is numbered by hand.
STYLE_TABLE: tuple[tuple[str, int, bool, str | None, int | None], ...] = (
    ("default", 0, False, None, None),
    (TITLE, 1, False, "center", None),
    (YEAR, 2, False, "center", None),
    (LABEL, BODY_FONT, True, "center", None),
    (TEXT, BODY_FONT, True, "left", None),
    (CENTER, BODY_FONT, True, "center", None),
    # A label merged across a page break prints at its top, on the page where its
    # rows begin: centred, Excel and LibreOffice would put it on whichever page holds
    # the middle of the merge, or cut it in two.
    (LABEL_ACROSS_PAGES, BODY_FONT, True, "top", None),
    *(
        (_amount_style(d), BODY_FONT, True, "center", 163 + d if d else 0)
        for d in range(MAX_DECIMALS + 1)
    ),
)
# Styles only some forms use, appended after the table when a workbook needs them, so
# that the styles part of the forms without them stays byte for byte what it was.
# Number format 10 is the built-in "0.00%".
EXTRA_STYLES: tuple[tuple[str, int, bool, str | None, int | None], ...] = (
    (PERCENT, BODY_FONT, True, "center", 10),
)
XF = {key: index for index, (key, *_rest) in enumerate(STYLE_TABLE + EXTRA_STYLES)}
EMPTY_TABLE_STYLE = XF[LABEL]  # covered and empty positions inside the table keep the border


def _xf(font: int, boxed: bool, align: str | None, numfmt: int | None) -> str:
    attrs = f'numFmtId="{numfmt or 0}" fontId="{font}" fillId="0" borderId="{int(boxed)}" xfId="0"'
    attrs += ' applyFont="1"' if font else ""
    attrs += ' applyBorder="1"' if boxed else ""
    attrs += ' applyAlignment="1"' if align else ""
    attrs += ' applyNumberFormat="1"' if numfmt is not None else ""
    return f"<xf {attrs}>{_ALIGNMENT[align]}</xf>" if align else f"<xf {attrs}/>"


def sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no leading/trailing apostrophe."""
    name = _SHEET_FORBIDDEN.sub("_", title).strip().strip("'")
    name = name[:31].strip().strip("'")
    if not name or name.lower() == "history":
        name = "Sheet1"
    return name


def styles_xml(t: Template, extra: bool = False) -> str:
    """The styles part; `extra` adds EXTRA_STYLES (for workbooks with percentages)."""
    return _styles_xml(t.font_east_asian, t.title_pt, t.year_pt, t.body_pt, extra)


@functools.lru_cache(maxsize=16)
def _styles_xml(
    font_east_asian: str, title_pt: float, year_pt: float, body_pt: float, extra: bool
) -> str:
    """Cached: every form with the same fonts has the same styles part."""
    font = escape(font_east_asian)
    xfs = [_xf(*row[1:]) for row in STYLE_TABLE + (EXTRA_STYLES if extra else ())]
    return (
        XML_HEAD + f'<styleSheet xmlns="{S_NS}">{NUMBER_FORMATS_XML}'
        '<fonts count="4">'
        f'<font><sz val="{body_pt:g}"/><name val="{WIDTH_FONT}"/><family val="3"/><charset val="134"/></font>'
        f'<font><b/><sz val="{title_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        f'<font><sz val="{year_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        f'<font><sz val="{body_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        "</fonts>"
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        f"{BORDERS_XML}"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def workbook_xml(sheets: Sequence[tuple[str, int, int, int | None]]) -> str:
    """(sheet name, last row, column count, 0-based row repeated atop each printed page
    or None) per sheet, each with its print area and print titles. The bookViews
    entry is the workbookView the sheetViews refer to: older Excel versions crash
    on print preview without it."""
    names = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, *_rest) in enumerate(sheets, start=1)
    )
    defined = []
    for i, (name, rows, cols, repeat) in enumerate(sheets):
        quoted = escape(_quoted(name))
        defined.append(
            f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">'
            f"{quoted}!$A$1:${column_letter(cols - 1)}${rows}</definedName>"
        )
        if repeat is not None:
            defined.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                f"{quoted}!${repeat + 1}:${repeat + 1}</definedName>"
            )
    # Excel keeps defined names sorted by name.
    defined.sort(key=lambda d: (d.split('"', 2)[1], d))
    return (
        XML_HEAD + f'<workbook xmlns="{S_NS}" xmlns:r="{R_NS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{names}</sheets><definedNames>{''.join(defined)}</definedNames></workbook>"
    )


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# -- the sheet ----------------------------------------------------------------


def _col_width(cm: float) -> float:
    """Excel column width for a width in cm: ECMA-376 §18.3.1.13 counts it in widths of
    the default font's digit (7 px for 宋体 10.5 pt at 96 dpi), padding included,
    in 1/256ths, so the printed column is at most as wide as meant."""
    return math.floor(cm * PX_PER_CM / 7 * 256) / 256


def _amount_decimals(number, fixed: int | None) -> int:
    """Decimals shown: as written, or the template's fixed count where the amount has no
    more (a fixed count pads, it never hides a digit the author wrote)."""
    decimals = max(0, -int(number.as_tuple().exponent))
    if fixed is not None:
        decimals = max(decimals, fixed)
    return decimals if decimals <= MAX_DECIMALS else 0


def sheet_xml(grid: Grid, selected: bool = True) -> bytes:
    """The worksheet part, as UTF-8: its cells come encoded from their caches, so the
    sheet is never encoded as a whole."""
    heights = row_heights(grid)
    breaks = page_breaks(grid, heights)
    merges = [
        _merge_cell(c.row, c.col, c.rowspan, c.colspan)
        for c in grid.cells
        if c.rowspan > 1 or c.colspan > 1
    ]
    parts = [
        XML_HEAD,
        f'<worksheet xmlns="{S_NS}" xmlns:r="{R_NS}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:{column_letter(grid.n_cols - 1)}{grid.n_rows}"/>',
        '<sheetViews><sheetView showGridLines="0"'
        + (' tabSelected="1"' if selected else "")
        + ' workbookViewId="0"/></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/><cols>',
    ]
    parts.append(_cols_xml(grid.widths_cm))
    parts.append("</cols><sheetData>")
    out = ["".join(parts).encode()]  # one join at the end: the rows are tens of kilobytes
    _sheet_rows(out, grid, heights, breaks)
    parts = ["</sheetData>"]
    parts.append(f'<mergeCells count="{len(merges)}">' + "".join(merges) + "</mergeCells>")
    parts.append(_page_setup_xml(grid.page, grid.template.page_numbers))
    if breaks:
        parts.append(
            f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">'
            + "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in breaks)
            + "</rowBreaks>"
        )
    parts.append("</worksheet>")
    out.append("".join(parts).encode())
    return b"".join(out)


@functools.lru_cache(maxsize=16)
def _page_setup_xml(page: Page, page_numbers: bool) -> str:
    """Print options, margins, paper and the page-number footer. Cached: forms share their
    page."""
    inch = page.margin_cm / CM_PER_INCH
    xml = (
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{inch:.4f}" right="{inch:.4f}" top="{inch:.4f}" bottom="{inch:.4f}"'
        ' header="0.3" footer="0.3"/>'
        f'<pageSetup paperSize="{PAPER_CODE[page.paper]}" orientation="{page.orientation}"'
        ' fitToWidth="1" fitToHeight="0"/>'
    )
    if page_numbers:
        xml += f"<headerFooter><oddFooter>{escape(PAGE_FOOTER)}</oddFooter></headerFooter>"
    return xml


@functools.lru_cache(maxsize=64)
def _cols_xml(widths_cm: tuple[float, ...]) -> str:
    """The columns' widths. Cached: a kind's forms share their few column splits."""
    return "".join(
        f'<col min="{i}" max="{i}" width="{_col_width(cm)!r}" customWidth="1"/>'
        for i, cm in enumerate(widths_cm, start=1)
    )


@functools.lru_cache(maxsize=4096)
def _merge_cell(row: int, col: int, rowspan: int, colspan: int) -> str:
    """A merged range's element. Cached: most merges are at the same places in every form."""
    return f'<mergeCell ref="{Cell(row, col, rowspan=rowspan, colspan=colspan).ref}"/>'


def _sheet_rows(rows: list[bytes], grid: Grid, heights: list[float], breaks: list[int]) -> None:
    """Append the rows, as UTF-8 pieces: a cell at every position, covered ones with their
    border. The pieces come from a blank sheet of the grid's size, in which each row's
    start and each position's style and value have a place of their own (see _blank_rows):
    filling those places is all a form's own work, with no joining by row or by cell."""
    n_cols, head_rows = grid.n_cols, grid.head_rows
    stride = 2 * n_cols + 2  # a row's pieces: its start, a reference and a rest per column, its end
    pieces = list(_blank_rows(grid.n_rows, n_cols))
    for r, height in enumerate(heights):
        pieces[r * stride] = _row_start(r + 1, height)
    t = grid.template
    for cell in grid.cells:
        row, role, text = cell.row, cell.role, cell.text
        i = row * stride + 2 * cell.col + 2  # the anchor's rest, after its reference
        if row < head_rows:  # the title or year: its merged positions in its style
            style = f' s="{XF[role]}"/>'.encode()
            for r in range(row, min(row + cell.rowspan, head_rows)):
                first = r * stride + 2 * cell.col + 2
                pieces[first : first + 2 * cell.colspan : 2] = [style] * cell.colspan
        if (role == TEXT or role == CENTER) and len(text) <= CACHED_TEXT:
            pieces[i] = _text_rest(role, text)  # most cells: a text of one row, cached
        else:
            pieces[i] = _cell_rest(cell, t, breaks)
    rows += pieces


@functools.lru_cache(maxsize=1024)
def _row_start(number: int, height: float) -> bytes:
    """Cached: rows of one line of text are the same height in every form."""
    return f'<row r="{number}" ht="{height:g}" customHeight="1">'.encode()


@functools.lru_cache(maxsize=64)
def _blank_rows(n_rows: int, n_cols: int) -> tuple[bytes, ...]:
    """A sheet's rows as pieces, every position an empty cell with the table's border (what
    a position covered by a merge is): per row, a place for its start (b""), then per
    column its reference ('<c r="B7"') and the rest of its element, then "</row>".
    Cached: forms come in a few sizes."""
    bordered = f' s="{EMPTY_TABLE_STYLE}"/>'.encode()
    pieces: list[bytes] = []
    for number in range(1, n_rows + 1):
        pieces.append(b"")
        for ref in _row_refs(number, n_cols):
            pieces += (ref, bordered)
        pieces.append(b"</row>")
    return tuple(pieces)


@functools.lru_cache(maxsize=512)
def _row_refs(number: int, n_cols: int) -> tuple[bytes, ...]:
    """'<c r="B7"' for each column of a row. Cached: sheets of every size have rows 1, 2, 3, …"""
    return tuple(f'<c r="{column_letter(c)}{number}"'.encode() for c in range(n_cols))


def _cell_rest(cell: Cell, t: Template, breaks: list[int]) -> bytes:
    """An anchor cell's XML after its reference: style, type and value."""
    role, text = cell.role, cell.text
    if role == AMOUNT or role == PERCENT:
        return _number_rest(cell, t)
    if role == LABEL and cell.rowspan > 1 and _across_break(cell, breaks):
        role = LABEL_ACROSS_PAGES
    if len(text) <= CACHED_TEXT:
        return _text_rest(role, text)
    return _text_rest_uncached(role, text)


def _number_rest(cell: Cell, t: Template) -> bytes:
    """An amount's or a percentage's style and value (a percentage without one is text)."""
    if cell.role == PERCENT:
        if cell.number is None:
            return _text_rest_uncached(PERCENT, cell.text)
        return f' s="{XF[PERCENT]}"><v>{format(cell.number, "f")}</v></c>'.encode()
    if cell.number is None:
        return f' s="{XF[_amount_style(0)]}"/>'.encode()
    style = XF[_amount_style(_amount_decimals(cell.number, t.decimals))]
    return f' s="{style}"><v>{cell.text}</v></c>'.encode()


def _across_break(cell: Cell, breaks: list[int]) -> bool:
    """Does a page break fall inside the rows the cell spans?"""
    return any(cell.row < b < cell.row + cell.rowspan for b in breaks)


def _text_rest_uncached(role: str, text: str) -> bytes:
    """A text cell's style and inline string, encoded. No xml:space: the schema types <t>
    as a simple string, and a parser keeps element whitespace and line breaks anyway."""
    style = XF[role]
    if not text:
        return f' s="{style}"/>'.encode()
    return f' s="{style}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'.encode()


_text_rest = functools.lru_cache(maxsize=4096)(_text_rest_uncached)  # texts up to CACHED_TEXT


def xlsx_parts(grids: Sequence[Grid]) -> list[Member | tuple[str, PartData]]:
    """A workbook with one sheet per grid, in order; the first grid titles the document."""
    names = unique_sheet_names([g.title for g in grids])
    workbook = workbook_xml(
        [(n, g.n_rows, g.n_cols, g.repeat_row) for n, g in zip(names, grids, strict=True)]
    )
    main = Part("xl/workbook.xml", workbook, _SML + "sheet.main+xml")
    styles = Part(
        "xl/styles.xml",
        styles_xml(grids[0].template, any(PERCENT in {c.role for c in g.cells} for g in grids)),
        _SML + "styles+xml",
        OFFICE_REL + "styles",
        static=True,
    )
    sheets = [
        Part(
            f"xl/worksheets/sheet{i}.xml",
            sheet_xml(grid, selected=i == 1),
            _SML + "worksheet+xml",
            OFFICE_REL + "worksheet",
        )
        for i, grid in enumerate(grids, start=1)
    ]
    return package_members(main, [styles, *sheets], grids[0].title, grids[0].year)


def unique_sheet_names(titles: Sequence[str]) -> list[str]:
    """Excel-safe sheet names, made distinct (case-insensitively) with a (2), (3) suffix."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        name = base = sheet_name(title)
        n = 2
        while name.casefold() in taken:
            suffix = f"({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def xlsx_bytes(grid: Grid | Sequence[Grid]) -> bytes:
    """The form's .xlsx file (or several forms', one sheet each)."""
    return zip_bytes(xlsx_parts([grid] if isinstance(grid, Grid) else list(grid)))


def write_xlsx(grid: Grid | Sequence[Grid], path: str | Path) -> str:
    """Write the form (or several, one sheet each); return the file's SHA-256."""
    return write_atomic(path, xlsx_bytes(grid))
