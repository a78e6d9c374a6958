"""PDFs through LibreOffice: A4, CJK text, fixed dates; the unit bundle with one bookmark a form."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DECLARATIONS
from formgen.build import build
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


# -- formgen build --format pdf -----------------------------------------------------------

UNIT = "中共宿州市委网络安全和信息化委员会办公室"


def _names_in_the_forms(built: Path) -> list[str]:
    from gridio import read_xlsx

    return [read_xlsx(built / f"{s}.xlsx")["C3:H3"] for s in STEMS]


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory) -> tuple[Path, Path]:
    """The bundled unit built with --format pdf, in a scratch copy (it is edited below)."""
    _need_tools()
    root = tmp_path_factory.mktemp("pdf-build")
    shutil.copytree(DECLARATIONS, root / "declarations")
    out = root / "output"
    report = build([root / "declarations"], out, ("pdf",))
    assert report.problems == [] and len(report.built) == 6
    return root, out


def test_build_pdf_writes_a_pdf_per_form_and_the_bundle(pdf_build, built: Path):
    from pypdf import PdfReader

    root, out = pdf_build
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted(
        [f"{s}.{ext}" for s in STEMS for ext in ("docx", "pdf")]
        + [f"{UNIT}项目汇总表.xlsx", f"{UNIT}合订本.pdf"]
    )
    bundle = out / f"{UNIT}合订本.pdf"
    counts = [_pages(out / f"{s}.pdf") for s in STEMS]
    assert _pages(bundle) == sum(counts) and all(n >= 1 for n in counts)
    reader = PdfReader(bundle)
    # one bookmark per form, in file order, named after the project (the forms' own C3)
    assert [item.title for item in reader.outline] == _names_in_the_forms(built)
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    assert starts == [sum(counts[:i]) for i in range(6)]
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", _info(bundle))
    assert len(sizes) == sum(counts)
    assert all((round(float(w)), round(float(h))) == (595, 842) for w, h in sizes)
    # page numbers are the forms' own footers, kept as they are: 第1页共N页 … per form
    footers = []
    for page in range(1, sum(counts) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(bundle), "-"],
            capture_output=True,
            text=True,
        ).stdout
        footers += re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", text)
    expected = [(str(i), str(n)) for n in counts for i in range(1, n + 1)]
    assert footers == expected


def test_editing_one_declaration_reconverts_its_pdf_and_the_bundle_only(pdf_build):
    root, out = pdf_build
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}
    report = build([root / "declarations"], out, ("pdf",))
    assert len(report.skipped) == 6 and report.folder_outputs == []
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()} == before
    path = root / "declarations" / "宿州发布运营经费.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("项目期: 2022年度", "项目期: 一年"),
        encoding="utf-8",
    )
    report = build([root / "declarations"], out, ("pdf",))
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}
    changed = sorted(n for n in after if after[n] != before[n])
    assert changed == sorted(
        [
            ".formgen-manifest.json",
            "宿州发布运营经费.docx",
            "宿州发布运营经费.pdf",
            f"{UNIT}项目汇总表.xlsx",
            f"{UNIT}合订本.pdf",
        ]
    )
    assert "项目期一年" in _text(out / "宿州发布运营经费.pdf").replace("：", "")


def test_without_soffice_pdf_fails_clearly_and_the_other_formats_build(project: Path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SOFFICE", str(project / "没有这个程序"))
    out = project / "output"
    report = build([project / "declarations"], out, ("docx", "xlsx", "pdf"))
    assert len(report.built) == 6 and not list(out.glob("*.pdf"))
    assert len(list(out.glob("*.docx"))) == 6 and len(list(out.glob("*.xlsx"))) == 6 + 1
    (problem,) = report.problems
    assert "LibreOffice" in problem.message and "apt-get install" in problem.hint
    assert (out / f"{UNIT}项目汇总表.xlsx").exists()
    # the forms are not recorded as done: the next build tries their PDFs again
    again = build([project / "declarations"], out, ("docx", "xlsx", "pdf"))
    assert len(again.built) == 6 and len(again.problems) == 1


def test_cli_format_pdf_without_soffice(project: Path):
    env = {**os.environ, "FORMGEN_SOFFICE": str(project / "没有这个程序")}
    run = subprocess.run(
        [sys.executable, "-m", "formgen", "build", "--format", "xlsx,pdf"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 1
    assert "需要 LibreOffice（soffice），本机没有找到" in run.stderr
    assert "sudo apt-get install libreoffice-writer-nogui" in run.stderr
    assert len(list((project / "output").glob("*.xlsx"))) == 7  # six forms and the summary
