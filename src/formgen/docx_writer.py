"""Grid → .docx, emitting WordprocessingML directly (as pandoc does), not via python-docx.

Going through python-docx's object model costs tens of milliseconds per form;
building the XML from fixed pieces and escaped text costs a few. The schema's
element order (CT_TcPr, CT_TblPr, CT_RPr, …) is kept in the small builders
below, one place each, and checked against ECMA-376 by the tests.
"""

from __future__ import annotations

from pathlib import Path

from .grid import AMOUNT, CENTER, LABEL, PERCENT, TEXT, TITLE, YEAR, Grid, Page
from .package import OFFICE_REL, XML_HEAD, Member, Part, escape, package_members, write_package
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
SETTINGS = (
    XML_HEAD + f'<w:settings xmlns:w="{W_NS}">'
    '<w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    "</w:settings>"
)


def _half_points(pt: float) -> int:
    return round(pt * 2)


def _fonts(t: Template) -> str:
    """CT_Fonts: the East Asian font is what Word uses for Chinese text."""
    latin, east = escape(t.font_latin), escape(t.font_east_asian)
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'


def styles_xml(t: Template) -> str:
    size = _half_points(t.body_pt)
    return (
        XML_HEAD + f'<w:styles xmlns:w="{W_NS}"><w:docDefaults>'
        f'<w:rPrDefault><w:rPr>{_fonts(t)}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        f"<w:qFormat/><w:rPr>{_fonts(t)}</w:rPr></w:style>"
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        "</w:styles>"
    )


def _run(text: str, rpr: str) -> str:
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<w:r>{rpr}<w:t{space}>{escape(text)}</w:t></w:r>"


def _paragraphs(text: str, align: str, rpr: str = "", spacing: str = "") -> str:
    """One paragraph per line of the text (a goal's items each on their own line)."""
    ppr = f'<w:pPr>{spacing}<w:jc w:val="{align}"/></w:pPr>'
    if not text:
        return f"<w:p>{ppr}</w:p>"
    return "".join(
        f"<w:p>{ppr}{_run(line, rpr) if line else ''}</w:p>" for line in text.split("\n")
    )


def _tc(width: int, span: int, vmerge: str | None, body: str) -> str:
    """CT_Tc with CT_TcPr children in schema order: tcW, gridSpan, vMerge, vAlign."""
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    pr += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{body}</w:tc>"


def _page_xml(page: Page) -> str:
    """CT_SectPr's page size and margins."""
    width, height = (round(mm * TWIPS_PER_MM) for mm in page.size_mm)
    orient = ' w:orient="landscape"' if page.orientation == "landscape" else ""
    margin = round(page.margin_cm * TWIPS_PER_CM)
    return (
        f'<w:pgSz w:w="{width}" w:h="{height}"{orient}/>'
        f'<w:pgMar w:top="{margin}" w:right="{margin}" w:bottom="{margin}" w:left="{margin}"'
        ' w:header="851" w:footer="992" w:gutter="0"/>'
    )


def document_xml(grid: Grid) -> str:
    t = grid.template
    widths = [round(cm * TWIPS_PER_CM) for cm in grid.widths_cm]
    total = sum(widths)
    title_rpr = (
        f'<w:rPr>{_fonts(t)}<w:b/><w:sz w:val="{_half_points(t.title_pt)}"/>'
        f'<w:szCs w:val="{_half_points(t.title_pt)}"/></w:rPr>'
    )
    year_rpr = (
        f'<w:rPr>{_fonts(t)}<w:sz w:val="{_half_points(t.year_pt)}"/>'
        f'<w:szCs w:val="{_half_points(t.year_pt)}"/></w:rPr>'
    )
    rows = grid.rows()
    parts = [XML_HEAD, f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>']
    for r in range(grid.head_rows):  # the title and year line: paragraphs above the table
        (cell,) = rows[r]
        rpr = title_rpr if cell.role == TITLE else year_rpr
        parts.append(
            _paragraphs(
                cell.text, "center", rpr, '<w:spacing w:after="120"/>' if cell.role == YEAR else ""
            )
        )
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    parts.append(
        f'<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>"
        f"<w:insideH {border}/><w:insideV {border}/></w:tblBorders>"
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    )
    covered = grid.covering()  # for vMerge continuation cells
    for r in range(grid.head_rows, grid.n_rows):
        anchors = {c.col: c for c in rows[r]}
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        col = 0
        while col < grid.n_cols:
            anchor = anchors.get(col)
            if anchor is not None:
                cell = anchor
                width = sum(widths[col : col + cell.colspan])
                vmerge = "restart" if cell.rowspan > 1 else None
                parts.append(
                    _tc(width, cell.colspan, vmerge, _paragraphs(cell.text, ROLE_ALIGN[cell.role]))
                )
            else:
                cell = covered[(r, col)]
                width = sum(widths[col : col + cell.colspan])
                parts.append(_tc(width, cell.colspan, "continue", "<w:p/>"))
            col += cell.colspan
        parts.append("</w:tr>")
    parts.append(f"</w:tbl><w:p/><w:sectPr>{_page_xml(grid.page)}</w:sectPr></w:body></w:document>")
    return "".join(parts)


def docx_parts(grid: Grid) -> list[Member | tuple[str, str | bytes]]:
    main = Part("word/document.xml", document_xml(grid), _WML + "document.main+xml")
    parts = [
        Part(
            "word/styles.xml",
            styles_xml(grid.template),
            _WML + "styles+xml",
            OFFICE_REL + "styles",
            static=True,
        ),
        Part("word/settings.xml", SETTINGS, _WML + "settings+xml", OFFICE_REL + "settings", True),
    ]
    return package_members(main, parts, grid.title, grid.year)


def write_docx(grid: Grid, path: str | Path) -> str:
    """Write the form; return the file's SHA-256."""
    return write_package(path, docx_parts(grid))
