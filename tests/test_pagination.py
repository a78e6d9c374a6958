"""Printed pages, as LibreOffice lays them out: header row, whole blocks, labels, page counts.

Every bundled form and a synthetic form of about three pages are built, then
rendered to PDF in one LibreOffice batch, with a fontconfig alias that draws 宋体
with Noto Serif CJK SC (.ci/fontconfig). Text positions come from
`pdftotext -bbox-layout`. Which grid row a printed line belongs to is found by
its text: each indicator row's texts are looked up, in order, in the text of
each printed column (located by the header row's labels).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from conftest import DECLARATIONS, ROOT
from gridio import read_xlsx

FONT_CONF = ROOT / ".ci" / "fontconfig" / "30-formgen-songti.conf"
XHTML = "{http://www.w3.org/1999/xhtml}"
STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))
SYNTHETIC = "合成三页表"
LONG = "合成长文本"  # texts of 10–400 characters in every column
HEADERS = ("一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值")
COLS = "BCDEFGH"  # the header labels' columns, in order
PAGE_NUMBER = re.compile(r"^第\s*\d+\s*页")
PUNCTUATION = set("（）()【】[]《》〈〉“”‘’\"'，,。.、；;：:！!？?—…·%％")
NO_LINE_START = set("，。、；：！？）】』」”’》〉〕］｝,.;:!?)]}%％")
# A4 portrait, 2 cm margins: the printable height in points.
PRINTABLE_PT = (29.7 - 2 * 2.0) / 2.54 * 72
MARGIN_PT = 2.0 / 2.54 * 72

LEVEL2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
TOPICS = "网站监测 信息巡查 舆情处置 宣传活动 业务培训 设备维护 平台运行 应急演练 举报受理 专项检查".split()


def synthetic_declaration() -> str:
    """A declaration of about three pages: nine blocks of 2–8 lines with texts of every length."""
    lines = [
        "年度: 2024",
        f"项目名称: {SYNTHETIC}",
        "主管部门: 中共宿州市委网络安全和信息化委员会办公室（101001）",
        "实施单位: 宿州市网络安全应急指挥中心",
        "项目属性: 延续项目",
        "项目期: 三年",
        "项目资金:",
        "  中期:",
        "    资金总额: 470.4",
        "    财政拨款: 432.15",
        "    其他资金: 38.25",
        "  年度:",
        "    资金总额: 156.8",
        "    财政拨款: 144",
        "    其他资金: 12.8",
        "总体目标:",
        "  中期年度: 2024—2026",
        "  中期目标: " + "持续开展网络安全监测、信息巡查和舆情处置工作，提升技术治网能力。" * 4,
        "  年度目标:",
    ]
    lines += [
        f"    - 目标{i}：围绕{topic}开展常态化工作，覆盖全市重点单位，完成率达95%以上。"
        for i, topic in enumerate(TOPICS[:5], start=1)
    ]
    lines.append("绩效指标:")
    n = 0
    for group, blocks in LEVEL2.items():
        lines.append(f"  {group}:")
        for b, block in enumerate(blocks):
            lines.append(f"    {block}:")
            for i in range(1 + (b * 3 + len(group)) % 6):
                n += 1
                topic = TOPICS[n % len(TOPICS)]
                name = f"第{n}项{topic}" + "覆盖的重点单位" * (n % 3 == 0)
                lines += [
                    f"      - 三级指标: {name}",
                    f"        中期指标值: ≥{100 * n}人次",
                    f"        年度指标值: {'当年12月底前完成率≥90%' if i % 2 else f'≥{30 * n}次'}",
                ]
    return "\n".join(lines) + "\n"


SENTENCE = "开展网络安全监测、信息巡查和舆情处置工作，提升技术治网能力（含2400人次培训）。"


def long_text(n: int, shift: int = 0) -> str:
    """n characters of a Chinese text with punctuation, digits and Latin letters."""
    text = (SENTENCE[shift:] + SENTENCE) * (n // len(SENTENCE) + 2)
    return text[:n]


def long_declaration() -> str:
    """One block per length, 10–400 characters in the 三级 names and values, long goals."""
    lines = [
        "年度: 2024",
        f"项目名称: {LONG}" + long_text(30),
        "实施单位: " + long_text(60, 3),
        "项目属性: 延续项目",
        "项目期: 三年",
        "总体目标:",
        "  中期年度: 2024—2026",
        "  中期目标: " + long_text(400),
        "  年度目标:",
        "    - " + long_text(150, 5),
        "    - " + long_text(250, 9),
        "绩效指标:",
        "  产出指标:",
    ]
    for i, (name, value) in enumerate([(10, 10), (40, 20), (90, 30), (160, 60), (240, 100)]):
        block = LEVEL2["产出指标"][i % 4]
        lines.append(f"    {block}{'' if i < 4 else '补充'}:")
        lines += [
            f"      - 三级指标: {long_text(name, i)}",
            f"        中期指标值: {long_text(value, i + 2)}",
            f"        年度指标值: ≥{2400 + i}人次",
        ]
    return "\n".join(lines) + "\n"


# -- reading a rendered PDF ---------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str  # words joined, whitespace removed
    x0: float
    y0: float
    x1: float
    y1: float
    col: str = ""  # the grid column it is printed in (A–H), once located

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


def read_pdf(path: Path) -> list[list[Line]]:
    """Words per page (as Lines), from pdftotext's bounding boxes; the page margins,
    where page numbers are, left out."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True
    ).stdout
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    pages = []
    for page in root.iter(f"{XHTML}page"):
        bottom = float(page.get("height")) - MARGIN_PT
        out = []
        for word in page.iter(f"{XHTML}word"):
            text = re.sub(r"\s+", "", "".join(word.itertext()))
            box = [float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            if text and MARGIN_PT - 2 < box[1] and box[3] < bottom + 2:
                out.append(Line(text, *box))
        pages.append(out)
    return pages


def join_lines(words: list[Line]) -> list[Line]:
    """Words of one column → its printed lines (words whose middles are within 4 pt)."""
    lines: list[list[Line]] = []
    for w in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        if lines and abs((w.y0 + w.y1) / 2 - (lines[-1][0].y0 + lines[-1][0].y1) / 2) < 4:
            lines[-1].append(w)
        else:
            lines.append([w])
    out = []
    for group in lines:
        group.sort(key=lambda w: w.x0)
        out.append(
            Line(
                "".join(w.text for w in group),
                min(w.x0 for w in group),
                min(w.y0 for w in group),
                max(w.x1 for w in group),
                max(w.y1 for w in group),
            )
        )
    return out


@dataclass
class Form:
    """A built form: its grid (read back from the .xlsx) and where its rows are."""

    stem: str
    grid: dict[str, str]  # gridio refs → text
    header_row: int  # 1-based xlsx row of 一级指标/二级指标/…
    last_row: int
    blocks: list[tuple[int, int, str]]  # (first row, last row, the 二级 label shown)
    heights: dict[int, float]  # xlsx row heights, pt
    labels: list[str]  # texts of the label cells (FORM.md), except column A's 绩效指标
    widths_cm: list[float]  # columns A–H as the .xlsx sets them


_REF = re.compile(r"([A-H])(\d+)(?::([A-H])(\d+))?$")


def read_form(stem: str, xlsx: Path) -> Form:
    grid = read_xlsx(xlsx)
    anchors = {}
    for ref, text in grid.items():
        m = _REF.match(ref)
        c1, r1, c2, r2 = m.group(1), int(m.group(2)), m.group(3) or m.group(1), m.group(4)
        anchors[(c1, r1)] = (text, int(r2 or r1), c2)
    header = next(r for (c, r), (t, _, _) in anchors.items() if c == "B" and t == "一级指标")
    last = max(r2 for (_, _), (_, r2, _) in anchors.items())
    blocks = []
    for (c, r), (text, r2, _) in sorted(anchors.items(), key=lambda kv: kv[0][1]):
        if c == "C" and r > header:
            shown = text or anchors[("F", r)][0]
            blocks.append((r, r2, shown))
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    heights = {r: ws.row_dimensions[r].height or 15 for r in range(1, last + 1)}
    labels = [
        text
        for (c, r), (text, _r2, c2) in anchors.items()
        if text
        and r > 2
        and (
            (c == "A" and c2 == "B")  # the A:B labels
            or c == "B"  # 一级指标 and the 一级 names
            or (r == header and c != "A")
            or (c in "CF" and (6 <= r <= 9 or r > header))  # funds, goal heads, 二级 names
            or (c == "F" and c2 == "F")  # 项目期, 实施单位 beside a 主管部门
        )
    ]
    widths = [ws.column_dimensions[c].width * 7 / (96 / 2.54) for c in "ABCDEFGH"]
    return Form(stem, grid, header, last, blocks, heights, labels, widths)


def cell(form: Form, col: str, row: int) -> str:
    for ref, text in form.grid.items():
        m = _REF.match(ref)
        if m.group(1) == col and int(m.group(2)) == row:
            return text
    return ""


@dataclass
class Layout:
    """A rendered form: its pages, the header's position on each, and each row's page."""

    pages: list[list[Line]]
    header_y: dict[int, float]  # page → top of the header row, where the page has one
    texts: list[dict[str, str]]  # page → column → its text below the header, top to bottom
    row_page: dict[int, int | None]  # indicator row → page index; None: split or not found
    source: Path = Path()  # the rendered file (.xlsx or .docx)


def _header_lines(page: list[Line]) -> list[Line] | None:
    """The printed header row on a page: its seven labels at one height, left to right."""
    by_y: dict[int, list[Line]] = {}
    for line in page:
        if line.text in HEADERS:
            by_y.setdefault(round(line.y0), []).append(line)
    for _, found in sorted(by_y.items()):
        found = sorted(found, key=lambda ln: ln.x0)
        if [ln.text for ln in found] == list(HEADERS):
            return found
    return None


def locate(form: Form, pdf: Path) -> Layout:
    words = read_pdf(pdf)
    headers = {i: _header_lines(p) for i, p in enumerate(words)}
    first = next((h for h in headers.values() if h), None)
    assert first, f"{pdf.name}: no page shows the header row {HEADERS}"
    # Column edges from the .xlsx widths, placed by the header's 一级指标 (centred in B).
    pt = [w * 72 / 2.54 for w in form.widths_cm]
    left = first[0].xc - pt[0] - pt[1] / 2
    edges = [left + sum(pt[: i + 1]) for i in range(len(pt))]
    a_edge = first[0].x0  # left of 一级指标's text: column A, or the A:B labels' middle

    def col_of(word: Line) -> str:
        if word.x1 < a_edge + 2:
            return "A"
        return next((c for c, e in zip("ABCDEFG", edges, strict=False) if word.xc < e), "H")

    header_y = {i: h[0].y0 for i, h in headers.items() if h}
    pages: list[list[Line]] = []
    texts: list[dict[str, str]] = []
    for i, page in enumerate(words):
        by_col: dict[str, list[Line]] = {}
        for word in page:
            by_col.setdefault(col_of(word), []).append(word)
        lines = [
            replace(line, col=c)
            for c, group in sorted(by_col.items())
            for line in join_lines(group)
        ]
        pages.append(sorted(lines, key=lambda ln: (ln.y0, ln.x0)))
        top = header_y.get(i, 0.0) + 1
        texts.append(
            {
                c: "".join(ln.text for ln in pages[-1] if ln.col == c and ln.y0 >= top)
                for c in "ABCDEFGH"
            }
        )
    cursor = {c: (0, 0) for c in "DEGH"}
    row_page: dict[int, int | None] = {}
    for r in range(form.header_row + 1, form.last_row + 1):
        found: set[int | None] = set()
        for c in "DEGH":
            probe = re.sub(r"\s+", "", cell(form, c, r))
            if not probe:
                continue
            page, offset = cursor[c]
            hit = None
            while page < len(pages):
                at = texts[page][c].find(probe, offset)
                if at >= 0:
                    hit = page
                    cursor[c] = (page, at + len(probe))
                    break
                page, offset = page + 1, 0
            found.add(hit)
        row_page[r] = found.pop() if len(found) == 1 else None
    return Layout(pages, header_y, texts, row_page)


def locate_file(form: Form, pdf: Path, source: Path) -> Layout:
    return replace(locate(form, pdf), source=source)


# -- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[Form, Layout, Layout]]:
    """Every bundled form and the synthetic one: (grid, .xlsx pages, .docx pages)."""
    from formgen.build import build
    from formgen.soffice import convert, find_soffice

    if find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) 或 pdftotext 未安装：跳过分页渲染测试")
    root = tmp_path_factory.mktemp("pagination")
    decls = root / "declarations"
    shutil.copytree(DECLARATIONS, decls)
    (decls / f"{SYNTHETIC}.yaml").write_text(synthetic_declaration(), encoding="utf-8")
    (decls / f"{LONG}.yaml").write_text(long_declaration(), encoding="utf-8")
    report = build([decls], root / "out")
    assert report.results and all(r.ok for r in report.results)
    # docx and xlsx of one form share a stem: give each its own, so the PDFs do not collide.
    sources = root / "src"
    sources.mkdir()
    files = []
    for stem in [*STEMS, SYNTHETIC, LONG]:
        for ext in ("xlsx", "docx"):
            target = sources / f"{stem}.{ext}.{ext}"
            shutil.copy(root / "out" / f"{stem}.{ext}", target)
            files.append(target)
    env = {}
    if Path("/etc/fonts/fonts.conf").is_file():
        conf = root / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
            f"<fontconfig><include>{FONT_CONF}</include>"
            "<include>/etc/fonts/fonts.conf</include></fontconfig>",
            encoding="utf-8",
        )
        env["FONTCONFIG_FILE"] = str(conf)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        result = convert(files, "pdf", root / "pdf")
    assert not result.failed, {str(k): v.format() for k, v in result.failed.items()}
    out = {}
    for stem in [*STEMS, SYNTHETIC, LONG]:
        form = read_form(stem, root / "out" / f"{stem}.xlsx")
        out[stem] = (
            form,
            locate_file(form, root / "pdf" / f"{stem}.xlsx.pdf", root / "out" / f"{stem}.xlsx"),
            locate_file(form, root / "pdf" / f"{stem}.docx.pdf", root / "out" / f"{stem}.docx"),
        )
    return out


ALL = [*STEMS, SYNTHETIC, LONG]
FORMATS = ["xlsx", "docx"]


def _pick(rendered, stem, fmt) -> tuple[Form, Layout]:
    form, xlsx, docx = rendered[stem]
    return form, (xlsx if fmt == "xlsx" else docx)


def _fits_page(form: Form, first: int, last: int, fmt: str = "xlsx") -> bool:
    """Should rows first–last print on one page? They should where they fit on one;
    in .docx only if no row among them is taller than a third of a page, as such a
    row may break across pages (docs/rules.md)."""
    rows = [form.heights[r] for r in range(first, last + 1)]
    if fmt == "docx" and max(rows) > PRINTABLE_PT / 3:
        return False
    return sum(rows) + form.heights[form.header_row] <= PRINTABLE_PT * 0.9


# -- the assertions -----------------------------------------------------------


def test_synthetic_form_runs_to_three_pages(rendered):
    form, xlsx, docx = rendered[SYNTHETIC]
    assert len(xlsx.pages) >= 3 and len(docx.pages) >= 3, (len(xlsx.pages), len(docx.pages))


@pytest.mark.parametrize("stem", ALL)
def test_page_counts_agree(rendered, stem):
    form, xlsx, docx = rendered[stem]
    assert abs(len(xlsx.pages) - len(docx.pages)) <= 1, (len(xlsx.pages), len(docx.pages))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", ALL)
def test_every_indicator_row_is_found_on_one_page(rendered, stem, fmt):
    """The harness itself: each row's texts are printed, whole, on one page."""
    form, lay = _pick(rendered, stem, fmt)
    lost = [r for r, p in lay.row_page.items() if p is None]
    assert not lost or all(not _fits_page(form, r, r, fmt) for r in lost), lost


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", ALL)
def test_later_pages_begin_with_header_row(rendered, stem, fmt):
    form, lay = _pick(rendered, stem, fmt)
    pages_with_rows = {p for p in lay.row_page.values() if p is not None}
    for page in sorted(pages_with_rows - {0}):
        assert page in lay.header_y, f"page {page + 1} has indicator rows but no header row"
        top = lay.header_y[page]
        above = [ln.text for ln in lay.pages[page] if ln.y1 < top - 1]
        assert not above, f"page {page + 1}: {above} printed above the header row"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", ALL)
def test_blocks_that_fit_a_page_are_not_split(rendered, stem, fmt):
    form, lay = _pick(rendered, stem, fmt)
    for first, last, label in form.blocks:
        if not _fits_page(form, first, last, fmt):
            continue
        pages = {lay.row_page[r] for r in range(first, last + 1)}
        assert len(pages) == 1 and None not in pages, f"{label} rows {first}–{last}: {pages}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", ALL)
def test_level2_label_on_the_page_of_its_rows(rendered, stem, fmt):
    form, lay = _pick(rendered, stem, fmt)
    for first, last, label in form.blocks:
        if not label or not _fits_page(form, first, last, fmt):
            continue
        page = lay.row_page[first]
        assert page is not None
        shown = lay.texts[page]["C"] + lay.texts[page]["F"]
        assert re.sub(r"\s+", "", label) in shown, f"{label} not on page {page + 1}"


def label_runs(lay: Layout, label: str) -> list[list[Line]]:
    """Every place a label is printed: consecutive lines of one column that spell it."""
    want = re.sub(r"\s+", "", label)
    runs = []
    for page in lay.pages:
        by_col: dict[str, list[Line]] = {}
        for ln in page:
            by_col.setdefault(ln.col, []).append(ln)
        for lines in by_col.values():
            lines.sort(key=lambda ln: ln.y0)
            for i in range(len(lines)):
                text = ""
                for j in range(i, len(lines)):
                    text += lines[j].text
                    if text == want:
                        runs.append(lines[i : j + 1])
                    if not want.startswith(text):
                        break
    return runs


def on_one_line(lay: Layout, label: str) -> bool:
    """Is the label printed whole on one line (its words may fall in two columns)?"""
    want = re.sub(r"\s+", "", label)
    for page in lay.pages:
        rows: dict[int, list[Line]] = {}
        for ln in page:
            rows.setdefault(round((ln.y0 + ln.y1) / 4), []).append(ln)
        if any(
            want in "".join(ln.text for ln in sorted(r, key=lambda ln: ln.x0))
            for r in rows.values()
        ):
            return True
    return False


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", ALL)
def test_no_lone_character_or_punctuation_in_labels(rendered, stem, fmt):
    """No line of a label cell (A:B labels, fund labels, the header, 一级 and 二级
    names) is one character alone or a lone punctuation mark, or starts with
    closing punctuation."""
    form, lay = _pick(rendered, stem, fmt)
    bad, missing = [], []
    for label in form.labels:
        runs = label_runs(lay, label)
        if not runs and not on_one_line(lay, label):
            missing.append(label)
        for run in runs:
            lines = [ln.text for ln in run]
            if len(lines) > 1 and any(
                len(t) == 1 or t in PUNCTUATION or t[0] in NO_LINE_START for t in lines
            ):
                bad.append(lines)
    assert not missing, f"labels not found printed: {missing}"
    assert not bad


@pytest.mark.parametrize("stem", ALL)
def test_docx_no_line_starts_with_closing_punctuation(rendered, stem):
    form, xlsx, docx = rendered[stem]
    bad = [
        (i + 1, ln.text)
        for i, p in enumerate(docx.pages)
        for ln in p
        if ln.text[0] in NO_LINE_START
    ]
    assert not bad


def test_fontconfig_alias_draws_songti_with_a_serif_face(tmp_path):
    if shutil.which("fc-match") is None or not Path("/etc/fonts/fonts.conf").is_file():
        pytest.skip("fontconfig 未安装：跳过字体映射测试")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f"<fontconfig><include>{FONT_CONF}</include><include>/etc/fonts/fonts.conf</include></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    installed = subprocess.run(
        ["fc-list", "Noto Serif CJK SC"], capture_output=True, text=True, env=env
    ).stdout
    if not installed.strip():
        pytest.skip("Noto Serif CJK SC 未安装（fonts-noto-cjk）：跳过字体映射测试")
    for family in ("宋体", "SimSun", "仿宋_GB2312"):
        found = subprocess.run(
            ["fc-match", "-f", "%{family}", family], capture_output=True, text=True, env=env
        ).stdout
        assert "Noto Serif CJK SC" in found, (family, found)


def printed_lines(lay: Layout, text: str, cols: str) -> list[int]:
    """For each place `text` is printed whole within columns `cols`: how many lines it takes."""
    want = re.sub(r"\s+", "", text)
    found = []
    for page in lay.pages:
        pieces = sorted(
            (ln for ln in page if ln.col in cols),
            key=lambda ln: (round((ln.y0 + ln.y1) / 6), ln.x0),
        )
        for i in range(len(pieces)):
            spelled = ""
            for j in range(i, len(pieces)):
                spelled += pieces[j].text
                if spelled == want:
                    found.append(len({round((p.y0 + p.y1) / 6) for p in pieces[i : j + 1]}))
                if not want.startswith(spelled):
                    break
    return found


@pytest.mark.parametrize("stem", ALL)
def test_xlsx_rows_hold_the_lines_libreoffice_prints(rendered, stem):
    """Calibration of formgen.measure against a real renderer: every text cell of the
    .xlsx is printed whole, in no more lines than measured, and its rows are tall
    enough for the lines at the printed line pitch (nothing is clipped)."""
    from formgen import measure

    form, lay, _docx = rendered[stem]
    cm = dict(zip("ABCDEFGH", form.widths_cm, strict=True))
    checked = 0
    for ref, text in form.grid.items():
        m = _REF.match(ref)
        c1, r1 = m.group(1), int(m.group(2))
        c2, r2 = m.group(3) or c1, int(m.group(4) or r1)
        if r1 <= 2 or not text or text in form.labels or re.fullmatch(r"[\d.]+", text):
            continue
        cols = "ABCDEFGH"["ABCDEFGH".index(c1) : "ABCDEFGH".index(c2) + 1]
        width = sum(cm[c] for c in cols)
        predicted = measure.n_lines(text, width, 10.5)
        printed = printed_lines(lay, text, cols)
        assert printed, f"{ref}: {text[:20]}… not printed whole"
        assert max(printed) <= predicted, (
            f"{ref}: {max(printed)} lines printed, {predicted} measured"
        )
        height = sum(form.heights[r] for r in range(r1, r2 + 1))
        assert max(printed) * 10.5 * 1.36 <= height, f"{ref}: {max(printed)} lines in {height} pt"
        checked += 1
    assert checked >= 10
