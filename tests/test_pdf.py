"""PDFs through LibreOffice: A4, CJK text, fixed dates; the unit bundle with one bookmark a form."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DECLARATIONS
from formgen.pdf import PdfJob, convert_forms, pdf_date, write_bundle

STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))


def _need_tools() -> None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) is not installed: PDF conversion not run")
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) is not installed: PDFs not read back")


def _convert(built: Path, out: Path):
    jobs = [PdfJob(built / f"{s}.docx", out / f"{s}.pdf", s, 2022) for s in STEMS]
    return jobs, convert_forms(jobs)


@pytest.fixture(scope="module")
def pdfs(built: Path, tmp_path_factory) -> Path:
    _need_tools()
    out = tmp_path_factory.mktemp("pdf")
    jobs, result = _convert(built, out)
    assert result.failed == {} and sorted(result.written) == sorted(j.target for j in jobs)
    return out


def _info(pdf: Path) -> str:
    return subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True
    ).stdout


def _pages(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _info(pdf)).group(1))


def _text(pdf: Path) -> str:
    return re.sub(
        r"\s+",
        "",
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout,
    )


@pytest.mark.parametrize("stem", STEMS)
def test_each_form_is_an_a4_pdf_with_its_text_in_a_cjk_font(pdfs: Path, stem: str):
    pdf = pdfs / f"{stem}.pdf"
    info = _info(pdf)
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes and all((round(float(w)), round(float(h))) == (595, 842) for w, h in sizes)
    text = _text(pdf)
    assert "项目支出绩效目标申报表" in text and stem in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"CJK|Song|Sim|Hei|Kai|Ming|Fang|WenQuanYi", fonts), fonts
    # the dates are the declaration's year, not the clock (docs: what is reproducible)
    assert "CreationDate:    Sat Jan  1 00:00:00 2022 UTC" in info


def test_conversion_is_reproducible(pdfs: Path, built: Path, tmp_path: Path):
    _convert(built, tmp_path)
    for stem in STEMS:
        assert (tmp_path / f"{stem}.pdf").read_bytes() == (pdfs / f"{stem}.pdf").read_bytes(), stem


def test_bundle_holds_every_form_in_order_with_bookmarks(pdfs: Path, tmp_path: Path):
    from pypdf import PdfReader

    forms = [(f"项目{i}：{s}", pdfs / f"{s}.pdf") for i, s in enumerate(STEMS, start=1)]
    bundle = tmp_path / "合订本.pdf"
    digest = write_bundle(bundle, forms, "某单位申报表合订本", 2022)
    counts = [_pages(p) for _, p in forms]
    assert _pages(bundle) == sum(counts)
    reader = PdfReader(bundle)
    outline = reader.outline
    assert [item.title for item in outline] == [name for name, _ in forms]
    starts = [reader.get_destination_page_number(item) for item in outline]
    assert starts == [sum(counts[:i]) for i in range(len(counts))]
    # the pages are the forms' own pages, text and all
    text = _text(bundle)
    positions = [text.find(s) for s in STEMS]
    assert -1 not in positions and positions == sorted(positions)
    assert reader.metadata.title == "某单位申报表合订本"
    assert write_bundle(tmp_path / "again.pdf", forms, "某单位申报表合订本", 2022) == digest


def test_missing_soffice_says_how_to_install(built: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SOFFICE", str(tmp_path / "没有这个程序"))
    job = PdfJob(built / f"{STEMS[0]}.docx", tmp_path / "x.pdf", STEMS[0], 2022)
    result = convert_forms([job])
    assert result.written == {} and not (tmp_path / "x.pdf").exists()
    problem = result.failed[job.target]
    assert problem.file == str(job.source) and "LibreOffice" in problem.message
    assert "apt-get install" in problem.hint and "fonts-noto-cjk" in problem.hint


def test_pdf_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert pdf_date(2022) == "D:20220101000000+00'00'"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    assert pdf_date(2022) == "D:20231114221320+00'00'"
