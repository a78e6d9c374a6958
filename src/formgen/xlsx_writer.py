"""Grid → .xlsx, emitting SpreadsheetML directly (as XlsxWriter does), not via openpyxl.

Excel and LibreOffice do not grow a row for wrapped text in a merged cell, so
row heights are computed here from the text and the column widths. Every grid
position gets a cell with a border, inside merged ranges too, or the printed
lines break. Texts are inline strings: never formulas, whatever they start with.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from .layout import AMOUNT, CENTER, LABEL, TABLE_TOP, TEXT, TITLE, YEAR, Cell, Grid
from .package import (
    OFFICE_REL,
    XML_HEAD,
    Member,
    content_types,
    core_properties,
    escape,
    relationships,
    root_relationships,
    static_member,
    write_package,
)
from .template import Template

S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PX_PER_CM = 96 / 2.54
CM_PER_INCH = 2.54
MAX_ROW_PT = 409.0
LINE_HEIGHT = 1.45  # a line of CJK text, as a multiple of the font size (CJK fonts run tall)
MAX_DECIMALS = 6  # amounts with more decimals than this show in the General format

# cellXfs indices (see styles_xml)
_XF = {TITLE: 1, YEAR: 2, LABEL: 3, TEXT: 4, CENTER: 5}
_XF_AMOUNT = 6  # + number of decimals (0 = General)
_XF_EMPTY_BORDER = 3

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CONTENT_TYPES = content_types(
    {
        "/xl/workbook.xml": _SML + "sheet.main+xml",
        "/xl/worksheets/sheet1.xml": _SML + "worksheet+xml",
        "/xl/styles.xml": _SML + "styles+xml",
    }
)
ROOT_RELS = root_relationships("xl/workbook.xml")
WORKBOOK_RELS = relationships(
    [(OFFICE_REL + "worksheet", "worksheets/sheet1.xml"), (OFFICE_REL + "styles", "styles.xml")]
)

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no leading/trailing apostrophe."""
    name = _SHEET_FORBIDDEN.sub("_", title).strip().strip("'")
    name = name[:31].strip().strip("'")
    if not name or name.lower() == "history":
        name = "Sheet1"
    return name


def styles_xml(t: Template) -> str:
    font = escape(t.font_east_asian)
    numfmts = "".join(
        f'<numFmt numFmtId="{163 + d}" formatCode="0.{"0" * d}"/>'
        for d in range(1, MAX_DECIMALS + 1)
    )
    border = (
        '<left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
        '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
    )
    center = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
    left = '<alignment horizontal="left" vertical="center" wrapText="1"/>'
    boxed = 'fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"'
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
        f"{center}</xf>",
        '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
        f"{center}</xf>",
        f'<xf numFmtId="0" {boxed}>{center}</xf>',
        f'<xf numFmtId="0" {boxed}>{left}</xf>',
        f'<xf numFmtId="0" {boxed}>{center}</xf>',
    ] + [
        f'<xf numFmtId="{163 + d if d else 0}" {boxed} applyNumberFormat="1">{center}</xf>'
        for d in range(MAX_DECIMALS + 1)
    ]
    return (
        XML_HEAD + f'<styleSheet xmlns="{S_NS}">'
        f'<numFmts count="{MAX_DECIMALS}">{numfmts}</numFmts>'
        '<fonts count="3">'
        f'<font><sz val="{t.body_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        f'<font><b/><sz val="{t.title_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        f'<font><sz val="{t.year_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        "</fonts>"
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>{border}</border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def workbook_xml(name: str, last_row: int) -> str:
    quoted = "'" + name.replace("'", "''") + "'"
    return (
        XML_HEAD + f'<workbook xmlns="{S_NS}" xmlns:r="{R_NS}">'
        f'<sheets><sheet name="{escape(name)}" sheetId="1" r:id="rId1"/></sheets>'
        f'<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">'
        f"{escape(quoted)}!$A$1:$H${last_row}</definedName></definedNames>"
        "</workbook>"
    )


# -- row heights ------------------------------------------------------------


def text_width(text: str) -> int:
    """Width in Latin character units: a CJK (or other wide) character counts two."""
    wide = len(text.encode("utf-8")) - len(
        text
    )  # 2 extra bytes per BMP CJK char, 1 for 2-byte chars
    return len(text) + (wide + 1) // 2


def text_lines(text: str, width_cm: float, font_pt: float) -> int:
    """Lines the text needs when wrapped in a cell this wide (a little pessimistic)."""
    unit_px = font_pt * 96 / 72 / 2  # a Latin unit is half an em
    per_line = max(1.0, (width_cm * PX_PER_CM - 8) / unit_px)
    return sum(max(1, math.ceil(text_width(line) / per_line)) for line in text.split("\n"))


def needed_height(cell: Cell, template: Template) -> float:
    """Points a cell's wrapped text needs (over all the rows it spans)."""
    width = sum(template.columns_cm[cell.col : cell.col + cell.colspan])
    return text_lines(cell.text, width, template.body_pt) * template.body_pt * LINE_HEIGHT + 6


def row_heights(grid: Grid) -> list[float]:
    """Points per row, so that every (merged) cell's wrapped text fits."""
    t = grid.template
    line_pt = t.body_pt * LINE_HEIGHT
    heights = [0.0] * grid.n_rows
    heights[0] = t.title_pt * 1.7
    heights[1] = t.year_pt * 1.7
    for r in range(TABLE_TOP, grid.n_rows):
        heights[r] = line_pt + 6
    tall = []
    for cell in grid.cells:
        if cell.row < TABLE_TOP or not cell.text:
            continue
        need = needed_height(cell, t)
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], need)
        else:
            tall.append((cell, need))
    for cell, need in tall:  # merged down: give the missing height to its last row
        rows = range(cell.row, cell.row + cell.rowspan)
        missing = need - sum(heights[r] for r in rows)
        if missing > 0:
            heights[rows[-1]] += missing
    # Excel refuses rows taller than 409 pt; a longer text must be shortened by its author.
    return [round(min(h, MAX_ROW_PT), 2) for h in heights]


# -- the sheet ----------------------------------------------------------------


def _col_width(cm: float) -> float:
    """Excel column width (characters of the default font's digit, ~7 px) for a width in cm."""
    return round((cm * PX_PER_CM - 5) / 7, 2)


def sheet_xml(grid: Grid) -> str:
    t = grid.template
    heights = row_heights(grid)
    rows = grid.rows()
    covered: set[tuple[int, int]] = set()
    merges = []
    for cell in grid.cells:
        if cell.rowspan > 1 or cell.colspan > 1:
            merges.append(cell.ref)
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    if (r, c) != (cell.row, cell.col):
                        covered.add((r, c))
    last = grid.n_rows
    inch = t.margin_cm / CM_PER_INCH
    parts = [
        XML_HEAD,
        f'<worksheet xmlns="{S_NS}" xmlns:r="{R_NS}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:H{last}"/>',
        '<sheetViews><sheetView showGridLines="0" workbookViewId="0"/></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/><cols>',
    ]
    parts += [
        f'<col min="{i}" max="{i}" width="{_col_width(cm)}" customWidth="1"/>'
        for i, cm in enumerate(t.columns_cm, start=1)
    ]
    parts.append("</cols><sheetData>")
    for r in range(grid.n_rows):
        anchors = {c.col: c for c in rows[r]}
        parts.append(f'<row r="{r + 1}" ht="{heights[r]:g}" customHeight="1">')
        for c in range(8):
            ref = f"{chr(65 + c)}{r + 1}"
            cell = anchors.get(c)
            if cell is None:
                if r >= TABLE_TOP or (r, c) in covered:
                    style = _XF_EMPTY_BORDER if r >= TABLE_TOP else _XF[TITLE if r == 0 else YEAR]
                    parts.append(f'<c r="{ref}" s="{style}"/>')
                continue
            if cell.role == AMOUNT:
                if cell.number is None:
                    parts.append(f'<c r="{ref}" s="{_XF_AMOUNT}"/>')
                else:
                    decimals = max(0, -cell.number.as_tuple().exponent)
                    style = _XF_AMOUNT + (decimals if decimals <= MAX_DECIMALS else 0)
                    parts.append(f'<c r="{ref}" s="{style}"><v>{cell.text}</v></c>')
                continue
            style = _XF[cell.role]
            if not cell.text:
                parts.append(f'<c r="{ref}" s="{style}"/>')
                continue
            # No xml:space here: the schema types <t> as a simple string, and a
            # parser keeps element whitespace and line breaks anyway.
            parts.append(
                f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{escape(cell.text)}</t></is></c>'
            )
        parts.append("</row>")
    parts.append("</sheetData>")
    parts.append(
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        + "</mergeCells>"
    )
    parts.append(
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{inch:.4f}" right="{inch:.4f}" top="{inch:.4f}" bottom="{inch:.4f}"'
        ' header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="portrait" fitToWidth="1" fitToHeight="0"/>'
        "</worksheet>"
    )
    return "".join(parts)


def xlsx_parts(grid: Grid) -> list[Member | tuple[str, str]]:
    return [
        static_member("[Content_Types].xml", CONTENT_TYPES),
        static_member("_rels/.rels", ROOT_RELS),
        ("docProps/core.xml", core_properties(grid.title, grid.year)),
        ("xl/workbook.xml", workbook_xml(sheet_name(grid.title), grid.n_rows)),
        static_member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        static_member("xl/styles.xml", styles_xml(grid.template)),
        ("xl/worksheets/sheet1.xml", sheet_xml(grid)),
    ]


def write_xlsx(grid: Grid, path: str | Path) -> str:
    """Write the form; return the file's SHA-256."""
    return write_package(path, xlsx_parts(grid))
