"""Grid → .docx, emitting WordprocessingML directly (as pandoc does), not via python-docx.

Going through python-docx's object model costs tens of milliseconds per form;
building the XML from fixed pieces and escaped text costs a few. The schema's
element order (CT_TcPr, CT_TblPr, CT_RPr, …) is kept in the small builders
below, one place each, and checked against ECMA-376 by the tests.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

from .grid import AMOUNT, CENTER, LABEL, PERCENT, TEXT, TITLE, YEAR, Cell, Grid, Page
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
from .pages import row_heights, usable_height_pt
from .template import Template

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TWIPS_PER_CM = 566.93
TWIPS_PER_MM = 1440 / 25.4

# The role table: how each cell role is drawn (paragraph alignment).
ROLE_ALIGN = {
    TITLE: "center",
    YEAR: "center",
    LABEL: "center",
    TEXT: "left",
    CENTER: "center",
    AMOUNT: "center",
    PERCENT: "center",
}

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# Kinsoku: characters that may not begin a line, and ones that may not end one
# (Word's own lists for Simplified Chinese, as its 中文版式 options set them).
NO_LINE_START = "!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｀｜｝～￠"
NO_LINE_END = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"
SETTINGS = (
    XML_HEAD + f'<w:settings xmlns:w="{W_NS}">'
    '<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/>'
    f'<w:noLineBreaksAfter w:lang="zh-CN" w:val="{escape(NO_LINE_END)}"/>'
    f'<w:noLineBreaksBefore w:lang="zh-CN" w:val="{escape(NO_LINE_START)}"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    "</w:settings>"
)


# Characters Word would draw with the Latin font unless told they are East Asian.
EAST_ASIAN_HINT = re.compile("[≥≤“”‘’—…×÷±·°℃※№]")
# Chinese font names and what Word and WPS know them as elsewhere, with their charset
# (86 = GB2312) and PANOSE: the font table lets WPS on Linux and Word for Mac find a
# stand-in when the face itself is missing.
FONT_TABLE = {
    "宋体": ("SimSun", "02010600030101010101"),
    "新宋体": ("NSimSun", "02010609030101010101"),
    "仿宋": ("FangSong", "02010609060101010101"),
    "仿宋_GB2312": ("FangSong_GB2312", "02010609030101010101"),
    "黑体": ("SimHei", "02010609060101010101"),
    "楷体": ("KaiTi", "02010609060101010101"),
    "楷体_GB2312": ("KaiTi_GB2312", "02010609030101010101"),
}
# A row taller than this share of a page may break across pages (else Word cuts it).
SPLIT_SHARE = 1 / 3
PAGE_FIELDS = ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页")
FOOTER_RID = "rId4"  # after styles, settings and the font table (see docx_parts)


def _half_points(pt: float) -> int:
    return round(pt * 2)


def _fonts(font_latin: str, font_east_asian: str) -> str:
    """CT_Fonts: the East Asian font is what Word uses for Chinese text."""
    latin, east = escape(font_latin), escape(font_east_asian)
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'


def styles_xml(t: Template) -> str:
    return _styles_xml(t.font_latin, t.font_east_asian, t.body_pt)


@functools.lru_cache(maxsize=16)
def _styles_xml(font_latin: str, font_east_asian: str, body_pt: float) -> str:
    """Cached: every form with the same fonts has the same styles part."""
    fonts = _fonts(font_latin, font_east_asian)
    size = _half_points(body_pt)
    return (
        XML_HEAD + f'<w:styles xmlns:w="{W_NS}"><w:docDefaults>'
        f'<w:rPrDefault><w:rPr>{fonts}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        # kinsoku on; no extra space between Chinese and Latin or digits (as in Excel), so
        # that a line holds what formgen.measure counts, in both formats
        "<w:pPrDefault><w:pPr><w:kinsoku/><w:overflowPunct/>"
        '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        f"<w:qFormat/><w:rPr>{fonts}</w:rPr></w:style>"
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        "</w:styles>"
    )


def _run(text: str, rpr: str) -> str:
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    if EAST_ASIAN_HINT.search(text):  # ≥ “ ” — × in Chinese text: the Chinese glyphs
        if "<w:rFonts " in rpr:
            rpr = rpr.replace("<w:rFonts ", '<w:rFonts w:hint="eastAsia" ', 1)
        else:
            rpr = '<w:rPr><w:rFonts w:hint="eastAsia"/>' + rpr.removeprefix("<w:rPr>")
            rpr = rpr if rpr.endswith("</w:rPr>") else rpr + "</w:rPr>"
    return f"<w:r>{rpr}<w:t{space}>{escape(text)}</w:t></w:r>"


def _paragraphs(
    text: str, align: str, rpr: str = "", spacing: str = "", keep_next: bool = False
) -> str:
    """One paragraph per line of the text (a goal's items each on their own line).
    keep_next: keep it on the page of the next paragraph, which in a table row keeps
    the row with the next row."""
    keep = "<w:keepNext/>" if keep_next else ""
    ppr = f'<w:pPr>{keep}{spacing}<w:jc w:val="{align}"/></w:pPr>'
    if not text:
        return f"<w:p>{ppr}</w:p>"
    if "\n" not in text:  # most cells: one line
        return f"<w:p>{ppr}{_run(text, rpr)}</w:p>"
    return "".join(
        f"<w:p>{ppr}{_run(line, rpr) if line else ''}</w:p>" for line in text.split("\n")
    )


def _tc(width: int, span: int, vmerge: str | None, body: str) -> str:
    """CT_Tc with CT_TcPr children in schema order: tcW, gridSpan, vMerge, vAlign."""
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    merge = VMERGE[vmerge]
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{merge}'
        f'<w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>'
    )


VMERGE = {None: "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}


def _page_xml(page: Page, footer_rid: str | None = None) -> str:
    """CT_SectPr's footer reference, page size and margins."""
    footer = f'<w:footerReference w:type="default" r:id="{footer_rid}"/>' if footer_rid else ""
    width, height = (round(mm * TWIPS_PER_MM) for mm in page.size_mm)
    orient = ' w:orient="landscape"' if page.orientation == "landscape" else ""
    margin = round(page.margin_cm * TWIPS_PER_CM)
    return (
        footer + f'<w:pgSz w:w="{width}" w:h="{height}"{orient}/>'
        f'<w:pgMar w:top="{margin}" w:right="{margin}" w:bottom="{margin}" w:left="{margin}"'
        ' w:header="851" w:footer="992" w:gutter="0"/>'
    )


def document_xml(grid: Grid) -> bytes:
    """The document part, as UTF-8: its cells come encoded from their caches, so the
    document (tens of kilobytes, mostly Chinese) is never encoded as a whole."""
    t = grid.template
    widths = _twips(grid.widths_cm)
    head_rows, n_rows, repeat_row = grid.head_rows, grid.n_rows, grid.repeat_row
    out = [DOCUMENT_START]
    for cell in grid.cells[:head_rows]:  # the title and year line: paragraphs above the table
        if cell.row < head_rows:  # (a row above the table holds one cell: the grid's first)
            out.append(
                _head_paragraph(
                    cell.text, cell.role, t.font_latin, t.font_east_asian, t.title_pt, t.year_pt
                )
            )
    heights = row_heights(grid)
    tall = usable_height_pt(grid) * SPLIT_SHARE
    pieces = _table_pieces(grid, widths, _keep_next(grid.keep, repeat_row))
    stride = grid.n_cols + 2
    for r in range(head_rows, n_rows):
        pieces[r * stride] = ROW_START[heights[r] <= tall, r == repeat_row]
    split = repeat_row if repeat_row is not None else n_rows
    sections = [rows for rows in (range(head_rows, split), range(split, n_rows)) if rows]
    for i, rows in enumerate(sections):
        if i:
            out.append(HAIRLINE)
        out.append(_table_start(widths))
        out += pieces[rows.start * stride : rows.stop * stride]
        out.append(b"</w:tbl>")
    out.append(_document_end(grid.page, t.page_numbers))
    return b"".join(out)


@functools.lru_cache(maxsize=16)
def _document_end(page: Page, page_numbers: bool) -> bytes:
    """The document after its tables: the section's page and footer. Cached: forms share
    their page."""
    footer = FOOTER_RID if page_numbers else None
    end = f"<w:p/><w:sectPr>{_page_xml(page, footer)}</w:sectPr></w:body></w:document>"
    return end.encode()


DOCUMENT_START = (XML_HEAD + f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>').encode()


@functools.lru_cache(maxsize=64)
def _twips(widths_cm: tuple[float, ...]) -> tuple[int, ...]:
    """Column widths in twips, never wider than meant. Cached: a kind's forms share their
    few column splits."""
    return tuple(int(cm * TWIPS_PER_CM) for cm in widths_cm)


@functools.lru_cache(maxsize=64)
def _head_paragraph(
    text: str, role: str, font_latin: str, font_east_asian: str, title_pt: float, year_pt: float
) -> bytes:
    """The title or the year line, encoded. Cached: the title is every form's, the year
    line one of a few."""
    fonts = _fonts(font_latin, font_east_asian)
    if role == TITLE:
        size = _half_points(title_pt)
        rpr = f'<w:rPr>{fonts}<w:b/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    else:
        size = _half_points(year_pt)
        rpr = f'<w:rPr>{fonts}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    spacing = '<w:spacing w:after="120"/>' if role == YEAR else ""
    return _paragraphs(text, "center", rpr, spacing).encode()


@functools.lru_cache(maxsize=64)
def _keep_next(keep: tuple[tuple[int, int], ...], repeat_row: int | None) -> frozenset[int]:
    """Rows kept on the page of the row after them: each kept range but its last row, and
    the header row (it stays with the first block). Cached: forms share their shapes."""
    rows: set[int] = set()
    for first, last in keep:
        rows.update(range(first, last))
    if repeat_row is not None:
        rows.add(repeat_row)
    return frozenset(rows)


def _row_start(cant_split: bool, header: bool) -> bytes:
    """CT_Row up to its cells. A header row is repeated by Word atop every page the table
    runs onto."""
    pr = (b"<w:cantSplit/>" if cant_split else b"") + (b"<w:tblHeader/>" if header else b"")
    return b"<w:tr><w:trPr>" + pr + b"</w:trPr>" if pr else b"<w:tr>"


# (cannot split, header row) → the row's start
ROW_START = {(c, h): _row_start(c, h) for c in (False, True) for h in (False, True)}


# An empty one-point paragraph between the tables keeps Word from joining them into
# one (w:tblHeader repeats only rows that begin a table).
HAIRLINE = (
    b'<w:p><w:pPr><w:spacing w:line="20" w:lineRule="exact"/>'
    b'<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'
)


@functools.lru_cache(maxsize=64)
def _table_start(widths: tuple[int, ...]) -> bytes:
    """CT_Tbl up to its rows: properties, then the grid. Cached: a kind's forms share
    their few column splits."""
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    head = (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>"
        f"<w:insideH {border}/><w:insideV {border}/></w:tblBorders>"
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    )
    return head.encode()


def _table_pieces(grid: Grid, widths: tuple[int, ...], keep_next: frozenset[int]) -> list[bytes]:
    """The table's rows as pieces, from a blank table of the grid's size: per row a place
    for its start, a place per position, "</w:tr>". A position holds an anchor's <w:tc>, a
    vMerge continuation where a cell merged down covers its row, nothing (b"") where a
    cell merged across does."""
    n_cols = grid.n_cols
    head_rows = grid.head_rows
    t = grid.template
    stride = n_cols + 2
    edges = _edges(widths)  # a span's width: edge minus edge
    pieces = list(_blank_rows(grid.n_rows, n_cols))
    for cell in grid.cells:
        row, col, span, rowspan, role = cell.row, cell.col, cell.colspan, cell.rowspan, cell.role
        width = edges[col + span] - edges[col]
        if row >= head_rows:  # the title and year are paragraphs above the table
            text = _amount_text(cell, t) if role == AMOUNT else cell.text
            anchor_tc = _anchor_tc if len(text) <= CACHED_TEXT else _anchor_tc_uncached
            pieces[row * stride + col + 1] = anchor_tc(
                text, role, width, span, rowspan > 1, row in keep_next
            )
        if rowspan > 1:
            covered = _covered_tcs(width, span)
            for r in range(max(row + 1, head_rows), row + rowspan):
                pieces[r * stride + col + 1] = covered[r in keep_next]
    return pieces


@functools.lru_cache(maxsize=64)
def _edges(widths: tuple[int, ...]) -> tuple[int, ...]:
    """The columns' left edges and the table's right edge, in twips."""
    return tuple(itertools.accumulate(widths, initial=0))


@functools.lru_cache(maxsize=64)
def _blank_rows(n_rows: int, n_cols: int) -> tuple[bytes, ...]:
    """Per row: a place for its start, an empty place per position, "</w:tr>". Cached:
    forms come in a few sizes."""
    return (b"", *(b"",) * n_cols, b"</w:tr>") * n_rows


def _anchor_tc_uncached(
    text: str, role: str, width: int, span: int, restart: bool, keep_next: bool
) -> bytes:
    """A cell with its text, encoded: its start and its paragraphs come from caches of
    their own, as a text recurs in cells of other widths (a value in either year's column)."""
    body = _tc_body if len(text) <= CACHED_TEXT else _tc_body_uncached
    return _tc_start(width, span, restart) + body(text, ROLE_ALIGN[role], keep_next)


_anchor_tc = functools.lru_cache(maxsize=4096)(_anchor_tc_uncached)  # texts up to CACHED_TEXT


@functools.lru_cache(maxsize=256)
def _tc_start(width: int, span: int, restart: bool) -> bytes:
    """A cell up to its paragraphs. Cached: a grid has few widths and spans."""
    return _tc(width, span, "restart" if restart else None, "").removesuffix("</w:tc>").encode()


def _tc_body_uncached(text: str, align: str, keep_next: bool) -> bytes:
    """A cell's paragraphs and its end, encoded."""
    return (_paragraphs(text, align, keep_next=keep_next) + "</w:tc>").encode()


_tc_body = functools.lru_cache(maxsize=4096)(_tc_body_uncached)  # texts up to CACHED_TEXT


@functools.lru_cache(maxsize=256)
def _covered_tcs(width: int, span: int) -> tuple[bytes, bytes]:
    """A vMerge continuation cell, encoded, without and with keep_next (indexed by it).
    Cached: a grid has few distinct ones."""
    return _covered_tc(width, span, False), _covered_tc(width, span, True)


def _covered_tc(width: int, span: int, keep_next: bool) -> bytes:
    body = _paragraphs("", "left", keep_next=keep_next) if keep_next else "<w:p/>"
    return _tc(width, span, "continue", body).encode()


def _amount_text(cell: Cell, t: Template) -> str:
    """An amount as written, padded to the template's fixed decimals (never rounded)."""
    if cell.number is None or t.decimals is None:
        return cell.text
    decimals = max(t.decimals, -int(cell.number.as_tuple().exponent))
    return f"{cell.number:.{decimals}f}"


def font_table_xml(t: Template) -> str:
    """CT_Fonts: each font the document names, with its other name and charset."""
    return _font_table_xml(t.font_latin, t.font_east_asian)


@functools.lru_cache(maxsize=16)
def _font_table_xml(font_latin: str, font_east_asian: str) -> str:
    """Cached: every form with the same fonts has the same font table."""
    fonts = []
    for name in dict.fromkeys((font_east_asian, font_latin)):
        alt, panose = FONT_TABLE.get(name, (None, None))
        body = f'<w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>' if alt else ""
        charset = "86" if alt else "00"
        fonts.append(
            f'<w:font w:name="{escape(name)}">{body}<w:charset w:val="{charset}"/>'
            '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    return XML_HEAD + f'<w:fonts xmlns:w="{W_NS}">{"".join(fonts)}</w:fonts>'


def footer_xml(t: Template) -> str:
    """第 X 页 共 Y 页, centred, in the body font: PAGE and NUMPAGES fields."""
    return _footer_xml(t.font_latin, t.font_east_asian, t.body_pt)


@functools.lru_cache(maxsize=16)
def _footer_xml(font_latin: str, font_east_asian: str, body_pt: float) -> str:
    """Cached: every form with the same fonts has the same footer."""
    size = _half_points(body_pt)
    rpr = f'<w:rPr>{_fonts(font_latin, font_east_asian)}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    runs = []
    for i, piece in enumerate(PAGE_FIELDS):
        if i % 2:
            runs.append(
                f'<w:fldSimple w:instr=" {piece} "><w:r>{rpr}<w:t>1</w:t></w:r></w:fldSimple>'
            )
        else:
            runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{piece}</w:t></w:r>')
    return (
        XML_HEAD + f'<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{"".join(runs)}</w:p></w:ftr>'
    )


def docx_parts(grid: Grid) -> list[Member | tuple[str, PartData]]:
    t = grid.template
    main = Part("word/document.xml", document_xml(grid), _WML + "document.main+xml")
    parts = [
        Part("word/styles.xml", styles_xml(t), _WML + "styles+xml", OFFICE_REL + "styles", True),
        Part("word/settings.xml", SETTINGS, _WML + "settings+xml", OFFICE_REL + "settings", True),
        Part(
            "word/fontTable.xml",
            font_table_xml(t),
            _WML + "fontTable+xml",
            OFFICE_REL + "fontTable",
            True,
        ),
    ]
    if t.page_numbers:  # relationship rId4 (FOOTER_RID): the parts are numbered in this order
        parts.append(
            Part(
                "word/footer1.xml", footer_xml(t), _WML + "footer+xml", OFFICE_REL + "footer", True
            )
        )
    return package_members(main, parts, grid.title, grid.year)


def docx_bytes(grid: Grid) -> bytes:
    """The form's .docx file."""
    return zip_bytes(docx_parts(grid))


def write_docx(grid: Grid, path: str | Path) -> str:
    """Write the form; return the file's SHA-256."""
    return write_atomic(path, docx_bytes(grid))
