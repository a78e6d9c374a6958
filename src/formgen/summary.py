"""A unit's summary workbook: one row per project, the totals, the check results.

A unit reconciles its forms against its 部门预算 with this sheet, so the amounts
are number cells and the totals row is computed here (Decimal, exact), not left
to a formula. Written like the forms' .xlsx (hand-made SpreadsheetML through
package.py), so the same projects give the same bytes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .errors import ERROR, Problem
from .measure import MAX_ROW_PT, PX_PER_CM, lines_height, n_lines
from .package import (
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
from .vocabulary import PLACEHOLDER
from .xlsx_writer import BORDERS_XML, MAX_DECIMALS, NUMBER_FORMATS_XML, PAGE_FOOTER

SUFFIX = "项目汇总表.xlsx"
SHEET = "项目汇总"
MAX_FINDINGS = 10  # listed in the check-result cell; `formgen check` lists them all

S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Column:
    header: str
    width_cm: float
    kind: str  # "text", "center", "amount", "count"


COLUMNS = (
    Column("序号", 1.0, "count"),
    Column("项目名称", 4.2, "text"),
    Column("实施单位", 3.6, "text"),
    Column("项目属性", 1.8, "center"),
    Column("项目期", 1.8, "center"),
    Column("中期资金总额（万元）", 1.9, "amount"),
    Column("中期财政拨款（万元）", 1.9, "amount"),
    Column("中期其他资金（万元）", 1.9, "amount"),
    Column("年度资金总额（万元）", 1.9, "amount"),
    Column("年度财政拨款（万元）", 1.9, "amount"),
    Column("年度其他资金（万元）", 1.9, "amount"),
    Column("年度三级指标数", 1.5, "count"),
    Column("检查结果", 5.6, "text"),
    Column("申报文件", 3.2, "text"),
)
AMOUNT_COLUMNS = range(5, 11)  # 0-based: F–K
HEAD_ROW = 2  # 1-based row of the column headers; row 1 is the title


@dataclass(frozen=True)
class ProjectRow:
    """What the summary shows of one declaration (also of one that has errors)."""

    file: str  # the declaration's file name: rows are sorted by it
    name: str  # 项目名称 (the file's stem when the declaration could not be read)
    unit: str = ""
    attribute: str = ""
    period: str = ""
    amounts: tuple[Decimal | None, ...] = (None,) * 6  # mid total/fiscal/other, annual …
    annual_lines: int | None = None  # None: not read
    year: int | None = None
    findings: tuple[Problem, ...] = ()

    @functools.cached_property
    def errors(self) -> int:
        """Cached: the check-result cell and the totals row ask again and again."""
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def unread(self) -> bool:
        """The declaration could not be read: its amounts are unknown, not zero."""
        return self.annual_lines is None


UNREAD_NOTE = "申报无法读取，金额未计入合计"


def project_row(file: str, decl, findings: Sequence[Problem]) -> ProjectRow:
    """The row of a declaration that could be read (its check findings may hold errors)."""
    amounts = tuple(
        getattr(side, attr)
        for side in (decl.funds_mid, decl.funds_annual)
        for attr in ("total", "fiscal", "other")
    )
    lines = sum(len(block.annual_lines) for group in decl.indicators for block in group.blocks)
    return ProjectRow(
        file,
        decl.name,
        decl.unit,
        decl.attribute,
        decl.period,
        amounts,
        lines,
        decl.year,
        tuple(findings),
    )


def unreadable_row(file: str, problems: Sequence[Problem]) -> ProjectRow:
    """The row of a declaration that could not be read: its name and why."""
    return ProjectRow(file, Path(file).stem, findings=tuple(problems))


def totals(rows: Sequence[ProjectRow]) -> tuple[Decimal, ...]:
    """Column sums of the six amounts over every listed row (blank cells count nothing)."""
    return tuple(
        sum((a for row in rows if (a := row.amounts[i]) is not None), Decimal(0)) for i in range(6)
    )


_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def unit_name(rows: Sequence[ProjectRow], folder: str) -> str:
    """The 实施单位 all readable projects share; else the folder's name. A unit still to
    fill in (`__`, as `formgen new --new-unit` writes it) does not name anything."""
    units = {row.unit for row in rows if row.unit and not PLACEHOLDER.search(row.unit)}
    return units.pop() if len(units) == 1 else folder


def file_name(unit: str) -> str:
    """`<单位>项目汇总表.xlsx`, with characters no file name may hold replaced by “_”."""
    stem = _UNSAFE.sub("_", unit).strip().rstrip(".")[:80]
    return f"{stem}{SUFFIX}"


def check_text(row: ProjectRow) -> str:
    """The check-result cell: counts, then the first findings with their line numbers."""
    if not row.findings:
        return "通过"
    counts = []
    if row.errors:
        counts.append(f"错误 {row.errors} 个")
    if row.warnings:
        counts.append(f"警告 {row.warnings} 个")
    lines = ["，".join(counts) + (f"（{UNREAD_NOTE}）" if row.unread else "")]
    for problem in row.findings[:MAX_FINDINGS]:
        where = f"第 {problem.line} 行 " if problem.line else ""
        rule = f"{problem.rule} " if problem.rule else ""
        lines.append(f"{where}{rule}{problem.message}")
    if len(row.findings) > MAX_FINDINGS:
        lines.append(f"……另有 {len(row.findings) - MAX_FINDINGS} 条，运行 formgen check 查看")
    return "\n".join(lines)


# -- the workbook -----------------------------------------------------------------

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."

# cellXfs indices (see styles_xml)
XF_TITLE, XF_HEAD, XF_TEXT, XF_CENTER, XF_TOTAL = 1, 2, 3, 4, 5
XF_AMOUNT = 6  # + decimals (0: General); XF_AMOUNT + MAX_DECIMALS + 1 + decimals: bold ones


def styles_xml(font: str, size_pt: float) -> str:
    font = escape(font)
    center = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
    left = '<alignment horizontal="left" vertical="center" wrapText="1"/>'
    right = '<alignment horizontal="right" vertical="center"/>'

    def boxed(font_id: int, fill: int = 0, numfmt: int = 0) -> str:
        extra = ' applyNumberFormat="1"' if numfmt else ""
        return (
            f'<xf numFmtId="{numfmt}" fontId="{font_id}" fillId="{fill}" borderId="1" xfId="0"'
            f' applyFont="1" applyFill="{1 if fill else 0}" applyBorder="1" applyAlignment="1"{extra}>'
        )

    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
        f"{center}</xf>",
        f"{boxed(2, 2)}{center}</xf>",
        f"{boxed(0)}{left}</xf>",
        f"{boxed(0)}{center}</xf>",
        f"{boxed(2, 2)}{center}</xf>",
    ]
    for bold in (0, 2):
        xfs += [
            f"{boxed(bold, 2 if bold else 0, 163 + d if d else 0)}{right}</xf>"
            for d in range(MAX_DECIMALS + 1)
        ]
    return (
        XML_HEAD + f'<styleSheet xmlns="{S_NS}">{NUMBER_FORMATS_XML}'
        '<fonts count="3">'
        f'<font><sz val="{size_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        f'<font><b/><sz val="{size_pt + 5.5:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        f'<font><b/><sz val="{size_pt:g}"/><name val="{font}"/><family val="3"/><charset val="134"/></font>'
        "</fonts>"
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/><bgColor indexed="64"/>'
        "</patternFill></fill></fills>"
        f"{BORDERS_XML}"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _col(i: int) -> str:
    """0-based column index → letter (the sheet has fewer than 27 columns)."""
    return chr(65 + i)


LAST_COL = _col(len(COLUMNS) - 1)
LETTER = [_col(i) for i in range(len(COLUMNS))]
# a text cell's style by its column
TEXT_STYLE = [XF_TEXT if c.kind == "text" else XF_CENTER for c in COLUMNS]


def workbook_xml(n_rows: int) -> str:
    sheet = f"'{SHEET}'"
    last_data = HEAD_ROW + n_rows
    return (
        XML_HEAD + f'<workbook xmlns="{S_NS}" xmlns:r="{R_NS}">'
        f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets><definedNames>'
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{sheet}!$A${HEAD_ROW}:${LAST_COL}${last_data}</definedName>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{sheet}!${HEAD_ROW}:${HEAD_ROW}'
        "</definedName></definedNames></workbook>"
    )


def _amount_cell(ref: str, value: Decimal | None, bold: bool) -> str:
    base = XF_AMOUNT + (MAX_DECIMALS + 1 if bold else 0)
    if value is None:
        return f'<c r="{ref}" s="{base}"/>'
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: the reader takes plain numbers only
    decimals = max(0, -exponent)
    style = base + (decimals if decimals <= MAX_DECIMALS else 0)
    return f'<c r="{ref}" s="{style}"><v>{format(value, "f")}</v></c>'


def _text_cell(ref: str, text: str, style: int) -> str:
    if not text:
        return f'<c r="{ref}" s="{style}"/>'
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _height(texts: Sequence[str], size_pt: float) -> float:
    """Points for the row's tallest wrapped text (Excel does not grow rows by itself): the
    height of its most lines, as a text's height grows with its lines. The texts are
    measured longest first: one of n characters takes n + 1 lines at most (a line holds a
    character at least), so once that is no more than the most so far, the rest are not
    measured (a file name is as costly to break as a check result)."""
    most = 0
    for i in sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True):
        if len(texts[i]) + 1 <= most:
            break
        if texts[i]:
            most = max(most, _lines(texts[i], COLUMNS[i].width_cm, size_pt))
    return round(min(lines_height(most, size_pt), MAX_ROW_PT), 2)


def text_height(text: str, width_cm: float, size_pt: float) -> float:
    """What measure.needed_height gives, counted a paragraph at a time (each breaks on
    its own): a check result's findings recur in other rows, its whole text does not."""
    return lines_height(_lines(text, width_cm, size_pt), size_pt)


def _lines(text: str, width_cm: float, size_pt: float) -> int:
    if "\n" not in text:  # most texts: one paragraph
        return _paragraph_lines(text, width_cm, size_pt)
    return sum(_paragraph_lines(paragraph, width_cm, size_pt) for paragraph in text.split("\n"))


@functools.lru_cache(maxsize=1024)
def _paragraph_lines(paragraph: str, width_cm: float, size_pt: float) -> int:
    """Cached: the same rule at the same line gives the same finding in many projects."""
    return n_lines(paragraph, width_cm, size_pt)


def _cm_to_width(cm: float) -> float:
    return round((cm * PX_PER_CM - 5) / 7, 2)


def _decimals(values) -> int:
    return max([max(0, -v.as_tuple().exponent) for v in values if v is not None] or [0])


def sheet_pieces(title: str, rows: Sequence[ProjectRow], size_pt: float) -> Iterator[str]:
    """The sheet's XML a row at a time: a unit's summary of a thousand projects is deflated
    as it is made, never held whole (as text, then as bytes) beside the rows it lists."""
    last = HEAD_ROW + len(rows) + 1  # the totals row
    parts = [
        XML_HEAD,
        f'<worksheet xmlns="{S_NS}" xmlns:r="{R_NS}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:{LAST_COL}{last}"/>',
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{HEAD_ROW}" topLeftCell="A{HEAD_ROW + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{HEAD_ROW + 1}" sqref="A{HEAD_ROW + 1}"/>'
        "</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/><cols>',
    ]
    parts += [
        f'<col min="{i}" max="{i}" width="{_cm_to_width(c.width_cm)}" customWidth="1"/>'
        for i, c in enumerate(COLUMNS, start=1)
    ]
    parts.append("</cols><sheetData>")
    parts.append(
        f'<row r="1" ht="{round((size_pt + 5.5) * 1.8, 2):g}" customHeight="1">'
        + _text_cell("A1", title, XF_TITLE)
        + "".join(f'<c r="{_col(i)}1" s="{XF_TITLE}"/>' for i in range(1, len(COLUMNS)))
        + "</row>"
    )
    headers = [c.header for c in COLUMNS]
    parts.append(
        f'<row r="{HEAD_ROW}" ht="{_height(headers, size_pt):g}" customHeight="1">'
        + "".join(_text_cell(f"{_col(i)}{HEAD_ROW}", h, XF_HEAD) for i, h in enumerate(headers))
        + "</row>"
    )
    for n, row in enumerate(rows, start=1):
        r = HEAD_ROW + n
        texts = [
            str(n),
            row.name,
            row.unit,
            row.attribute,
            row.period,
            *("" for _ in AMOUNT_COLUMNS),
            "",
            check_text(row),
            row.file,
        ]
        cells = [f'<c r="A{r}" s="{XF_CENTER}"><v>{n}</v></c>']
        cells += [_text_cell(f"{LETTER[i]}{r}", texts[i], TEXT_STYLE[i]) for i in range(1, 5)]
        cells += [
            _amount_cell(f"{LETTER[i]}{r}", row.amounts[i - 5], False) for i in AMOUNT_COLUMNS
        ]
        if row.annual_lines is None:
            cells.append(f'<c r="L{r}" s="{XF_CENTER}"/>')
        else:
            cells.append(f'<c r="L{r}" s="{XF_CENTER}"><v>{row.annual_lines}</v></c>')
        cells.append(_text_cell(f"M{r}", texts[12], XF_TEXT))
        cells.append(_text_cell(f"N{r}", texts[13], XF_TEXT))
        parts.append(f'<row r="{r}" ht="{_height(texts, size_pt):g}" customHeight="1">')
        parts += cells
        parts.append("</row>")
        yield "".join(parts)
        parts.clear()
    sums = totals(rows)
    cells = [_text_cell(f"A{last}", "合计", XF_TOTAL)]
    cells += [f'<c r="{_col(i)}{last}" s="{XF_TOTAL}"/>' for i in range(1, 5)]
    for i in AMOUNT_COLUMNS:
        # the sum shows as many decimals as the most precise amount it adds up
        digits = _decimals(row.amounts[i - 5] for row in rows)
        value = sums[i - 5].quantize(Decimal(1).scaleb(-digits))
        cells.append(_amount_cell(f"{_col(i)}{last}", value, True))
    lines = sum(row.annual_lines or 0 for row in rows)
    cells.append(f'<c r="L{last}" s="{XF_TOTAL}"><v>{lines}</v></c>')
    errors = sum(row.errors for row in rows)
    warnings = sum(row.warnings for row in rows)
    summed = f"共 {len(rows)} 个项目；错误 {errors} 个，警告 {warnings} 个"
    unread = sum(row.unread for row in rows)
    if unread:  # a total that leaves projects out must say so
        summed += f"；其中 {unread} 个{UNREAD_NOTE}"
    cells.append(_text_cell(f"M{last}", summed, XF_TOTAL))
    cells.append(f'<c r="N{last}" s="{XF_TOTAL}"/>')
    # as tall as its counts need in 检查结果 (they wrap: two lines or three)
    height = _height(["合计", *("" for _ in range(11)), summed], size_pt)
    parts.append(f'<row r="{last}" ht="{height:g}" customHeight="1">')
    parts += cells
    parts.append("</row></sheetData>")
    parts.append(
        f'<autoFilter ref="A{HEAD_ROW}:{LAST_COL}{last - 1}"/>'
        f'<mergeCells count="1"><mergeCell ref="A1:{LAST_COL}1"/></mergeCells>'
        '<printOptions horizontalCentered="1"/>'
        '<pageMargins left="0.5906" right="0.5906" top="0.7874" bottom="0.7874" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddFooter>{escape(PAGE_FOOTER)}</oddFooter></headerFooter>"
        "</worksheet>"
    )
    yield "".join(parts)


def summary_parts(
    title: str, rows: Sequence[ProjectRow], font: str = "宋体", size_pt: float = 10.5
) -> list[Member | tuple[str, PartData]]:
    years = sorted({row.year for row in rows if row.year is not None})
    year = years[-1] if years else 1980
    main = Part("xl/workbook.xml", workbook_xml(len(rows)), _SML + "sheet.main+xml")
    styles = Part(
        "xl/styles.xml",
        styles_xml(font, size_pt),
        _SML + "styles+xml",
        OFFICE_REL + "styles",
        static=True,
    )
    sheet = Part(
        "xl/worksheets/sheet1.xml",
        sheet_pieces(title, rows, size_pt),
        _SML + "worksheet+xml",
        OFFICE_REL + "worksheet",
    )
    return package_members(main, [styles, sheet], title, year)


def summary_bytes(
    title: str, rows: Sequence[ProjectRow], font: str = "宋体", size_pt: float = 10.5
) -> bytes:
    """The summary workbook (rows in the order given)."""
    return zip_bytes(summary_parts(title, rows, font, size_pt))


def write_summary(
    path: str | Path,
    title: str,
    rows: Sequence[ProjectRow],
    font: str = "宋体",
    size_pt: float = 10.5,
) -> str:
    """Write the summary workbook (rows in the order given); return its SHA-256."""
    return write_atomic(path, summary_bytes(title, rows, font, size_pt))


# -- kept in the build manifest --------------------------------------------------------------
# A skipped form's row is kept beside its inputs hash, so that one edited declaration does
# not make the build load every other declaration of the folder again. Its findings are the
# warnings the manifest keeps anyway (a recorded form has no errors).

_RECORD_TEXT = ("name", "unit", "attribute", "period")


def row_record(row: ProjectRow) -> dict:
    record: dict = {key: getattr(row, key) for key in _RECORD_TEXT}
    record["amounts"] = [None if a is None else format(a, "f") for a in row.amounts]
    record["annual_lines"] = row.annual_lines
    record["year"] = row.year
    return record


def row_from_record(record, file: str, findings: Sequence[Problem]) -> ProjectRow | None:
    """The row a record keeps, or None when it is missing or not as formgen writes it."""
    try:
        name, unit, attribute, period = texts = [record[key] for key in _RECORD_TEXT]
        amounts = tuple(None if a is None else Decimal(a) for a in record["amounts"])
        lines, year = record["annual_lines"], record["year"]
        if (
            not all(isinstance(t, str) for t in texts)
            or len(amounts) != 6
            or not isinstance(lines, int)
            or not isinstance(year, int)
            or not all(isinstance(a, str) for a in record["amounts"] if a is not None)
        ):
            return None
    except (KeyError, TypeError, ArithmeticError, ValueError):
        return None
    return ProjectRow(file, name, unit, attribute, period, amounts, lines, year, tuple(findings))
