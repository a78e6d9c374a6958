"""The HTML preview: the form's grid as one table, escaped, self-contained; printed by Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from test_kinds import toy_kind  # noqa: F401  (a fixture)
from test_variants import VARIANT

from conftest import DECLARATIONS, EXPECTED
from formgen.build import build
from formgen.html_writer import IndexEntry, index_html, write_html
from formgen.kinds.shenbao import layout
from formgen.loader import load, loads
from gridio import parse_expected, ref

STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))
UNIT = "中共宿州市委网络安全和信息化委员会办公室"


class _TableReader(HTMLParser):
    """Every <td> of the page with its rowspan/colspan, placed on a grid as a browser does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[int, int, list[str]]]] = []
        self.cell: list[str] | None = None
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            a = dict(attrs)
            self.cell = []
            self.rows[-1].append((int(a.get("rowspan", 1)), int(a.get("colspan", 1)), self.cell))
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def read_html(text: str) -> dict[str, str]:
    """{range: text} like gridio's readers, from the HTML table alone."""
    reader = _TableReader()
    reader.feed(text)
    taken: set[tuple[int, int]] = set()
    grid: dict[str, str] = {}
    for r, cells in enumerate(reader.rows):
        c = 0
        for rowspan, colspan, parts in cells:
            while (r, c) in taken:
                c += 1
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    assert (rr, cc) not in taken, f"overlap at row {rr + 1}, column {cc + 1}"
                    taken.add((rr, cc))
            grid[ref(r + 1, c + 1, rowspan, colspan)] = "".join(parts)
            c += colspan
    return grid


@pytest.fixture(scope="module")
def previews(tmp_path_factory) -> Path:
    """`formgen build --format html` on the bundled unit."""
    out = tmp_path_factory.mktemp("html")
    report = build([DECLARATIONS], out, ("html",))
    assert [r.stem for r in report.built] == STEMS and report.problems == []
    return out


def test_html_build_writes_previews_and_an_index_only(previews: Path):
    names = sorted(p.name for p in previews.iterdir() if not p.name.startswith("."))
    assert names == sorted([f"{s}.html" for s in STEMS] + ["index.html", f"{UNIT}项目汇总表.xlsx"])


def test_index_links_every_preview_and_lists_the_findings(previews: Path):
    text = (previews / "index.html").read_text(encoding="utf-8")
    assert _EXTERNAL.findall(re.sub(r'href="[^"]*"', "", text)) == []
    links = [unquote(h) for h in re.findall(r'href="([^"]+)"', text)]
    assert links == [f"{UNIT}项目汇总表.xlsx", *(f"{s}.html" for s in STEMS)]
    assert all((previews / link).is_file() for link in links)
    # `formgen check` finds one warning in the bundled unit, on line 113 of this declaration
    assert text.count('<li class="warning">') == 1 and text.count("通过") == 5
    # named by file name alone, however the build was called
    assert "<pre>网络内容建设工作经费及网络综合治理.yaml:113:15: 警告 W-INDICATOR-L2" in text


@pytest.mark.parametrize("stem", STEMS)
def test_preview_grid_equals_form(previews: Path, stem: str):
    actual = read_html((previews / f"{stem}.html").read_text(encoding="utf-8"))
    expected = parse_expected(EXPECTED / f"{stem}.grid")
    diff = [
        f"{k}: got {actual.get(k)!r}, expected {expected.get(k)!r}"
        for k in sorted(set(actual) | set(expected))
        if actual.get(k) != expected.get(k)
    ]
    assert diff == []


_EXTERNAL = re.compile(
    r"<script|<link|<img|<iframe|<object|\ssrc=|href=|url\(|@import|https?:", re.I
)


@pytest.mark.parametrize("stem", STEMS)
def test_preview_is_self_contained_and_prints_a4_portrait(previews: Path, built: Path, stem: str):
    text = (previews / f"{stem}.html").read_text(encoding="utf-8")
    assert _EXTERNAL.findall(text) == []
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert re.search(r"@page \{ size: A4 portrait; margin: 2cm; \}", text)
    # the columns are the form's own (chosen from its texts), as the .xlsx sets them;
    # 17 cm in all
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)cm">', text)]
    ws = openpyxl.load_workbook(built / f"{stem}.xlsx").worksheets[0]
    xlsx_cm = [ws.column_dimensions[c].width * 7 / (96 / 2.54) for c in "ABCDEFGH"]
    assert len(widths) == 8 and 16.9 <= sum(widths) <= 17.0
    assert all(abs(a - b) < 0.02 for a, b in zip(widths, xlsx_cm, strict=True)), widths
    assert "<table>" in text and "table-layout: fixed" in text


HOSTILE = VARIANT.replace(
    '项目名称: "某项目[2023]: 测试/试点*经费？以及一个很长很长很长的名字"',
    "项目名称: '<script>alert(\"x\")</script> & <b>粗</b> &amp; ''引号'''",
).replace("  年度目标: 年度", '  年度目标: "<img src=x onerror=alert(1)> </td></tr></table>"')


def test_declaration_text_is_escaped_and_read_back_exactly(tmp_path: Path):
    decl = loads(HOSTILE.encode(), "hostile.yaml")
    assert decl.name.startswith("<script>")  # the test's input really is hostile
    grid = layout(decl)
    write_html(grid, tmp_path / "h.html")
    text = (tmp_path / "h.html").read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;粗" in text
    back = read_html(text)
    assert back["C3:H3"] == "<script>alert(\"x\")</script> & <b>粗</b> &amp; '引号'"
    assert back["F10:H10"] == "<img src=x onerror=alert(1)> </td></tr></table>"
    assert "<title>&lt;script&gt;" in text


def test_same_grid_same_bytes(tmp_path: Path):
    grid = layout(load(DECLARATIONS / "宿州发布运营经费.yaml"))
    write_html(grid, tmp_path / "a.html")
    write_html(grid, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_index_lists_forms_with_links_and_findings():
    from formgen.errors import ERROR, WARNING, Problem

    warning = Problem("a.yaml", 3, 5, "名称<不>标准", "改名", severity=WARNING, rule="W-X")
    error = Problem("b.yaml", 7, 1, "金额不是数字", "只写数字", severity=ERROR)
    text = index_html(
        "某单位 & 其他",
        [
            IndexEntry("项目 甲", "项目 甲.html", (warning,)),
            IndexEntry("项目乙", None, (error,)),
            IndexEntry("项目丙", "项目丙.html"),
        ],
    )
    assert _EXTERNAL.findall(text.replace("href=", "")) == []
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', text)
    assert links == [
        ("%E9%A1%B9%E7%9B%AE%20%E7%94%B2.html", "项目 甲"),
        ("%E9%A1%B9%E7%9B%AE%E4%B8%99.html", "项目丙"),
    ]
    assert "a.yaml:3:5: 警告 W-X 名称&lt;不&gt;标准" in text
    assert "b.yaml:7:1: 错误：金额不是数字" in text and "未生成" in text
    assert "共 3 份申报；检查发现 1 个错误、1 个警告" in text
    assert "<h1>某单位 &amp; 其他</h1>" in text


# -- a real browser ------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium): preview not printed")


def chromium_pdf(exe: str, page: Path, pdf: Path, profile: Path) -> None:
    run = subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert pdf.is_file(), run.stderr[-2000:]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("stem", STEMS)
def test_chromium_prints_every_cell_on_a4(previews: Path, stem: str, tmp_path: Path):
    exe = _chromium()
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed: printed preview not read")
    pdf = tmp_path / f"{stem}.pdf"
    chromium_pdf(exe, previews / f"{stem}.html", pdf, tmp_path / "profile")
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes, info
    for width, height in sizes:  # A4 portrait: 210 × 297 mm = 595 × 842 pt
        assert (round(float(width)), round(float(height))) == (595, 842), info
    printed = _squeeze(
        subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    expected = parse_expected(EXPECTED / f"{stem}.grid")  # every cell of the form, FORM.md's
    missing = [f"{k}: {v!r}" for k, v in expected.items() if _squeeze(v) not in printed]
    assert missing == []


def test_every_dimension_comes_from_the_grid(tmp_path: Path):
    """A 10-column A3 landscape grid with three head rows (not the 申报表's shape)."""
    from formgen.grid import LABEL, TEXT, TITLE, YEAR, Cell, Grid, Page
    from formgen.template import default_template

    widths = (2.0, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.2)
    cells = (
        Cell(0, 0, "玩具表", TITLE, colspan=10),
        Cell(1, 0, "（2024年度）", YEAR, colspan=10),
        Cell(2, 0, "单位：万元", YEAR, colspan=10),
        *(Cell(3, c, f"第{c + 1}列", LABEL) for c in range(10)),
        Cell(4, 0, "合并", TEXT, rowspan=2, colspan=3),
        *(Cell(4, c, f"甲{c}", TEXT) for c in range(3, 10)),
        *(Cell(5, c, f"乙{c}", TEXT) for c in range(3, 10)),
    )
    grid = Grid(cells, 6, default_template(), "玩具", 2024, widths, Page("A3", "landscape", 1.5), 3)
    write_html(grid, tmp_path / "toy.html")
    text = (tmp_path / "toy.html").read_text(encoding="utf-8")
    assert "@page { size: A3 landscape; margin: 1.5cm; }" in text
    assert [float(w) for w in re.findall(r'<col style="width: ([\d.]+)cm">', text)] == list(widths)
    assert text.count('<tr class="head">') == 3
    back = read_html(text)
    assert back["A1:J1"] == "玩具表" and back["A3:J3"] == "单位：万元"
    assert back["A5:C6"] == "合并" and back["J6"] == "乙9" and len(back) == 3 + 10 + 1 + 14


@pytest.mark.usefixtures("toy_kind")
def test_a_second_form_kind_gets_its_own_preview_from_its_own_grid(tmp_path: Path):
    """A 10-column landscape kind (tests/test_kinds.py) previewed beside the 申报表."""
    from test_kinds import expected_toy

    out = tmp_path / "out"
    report = build([DECLARATIONS / "劳务派遣人员经费.yaml"], out, ("html",))
    assert report.problems == [] and len(report.built) == 1
    toy = (out / "劳务派遣人员经费-玩具表.html").read_text(encoding="utf-8")
    assert read_html(toy) == expected_toy("劳务派遣人员经费", 2022)
    assert "@page { size: A4 landscape; margin: 1.5cm; }" in toy
    index = (out / "index.html").read_text(encoding="utf-8")
    links = [(unquote(h), t) for h, t in re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)]
    assert links[1:] == [
        ("劳务派遣人员经费.html", "劳务派遣人员经费"),
        ("劳务派遣人员经费-玩具表.html", "玩具表"),
    ]
