"""What real clients demand: the ECMA-376 schemas (Word) and a LibreOffice conversion to PDF.

Both need things a user's clone may not have (../shared/ooxml, soffice); the tests
then skip with the reason shown in pytest's summary (-ra).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DECLARATIONS, SHARED

VALIDATOR = SHARED / "ooxml" / "validate.py"
STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))


def _variant_files(tmp_path: Path) -> list[Path]:
    from test_variants import VARIANT

    from formgen.docx_writer import write_docx
    from formgen.kinds.shenbao import layout
    from formgen.loader import loads
    from formgen.xlsx_writer import write_xlsx

    grid = layout(loads(VARIANT.encode(), "variant.yaml"))
    write_docx(grid, tmp_path / "variant.docx")
    write_xlsx(grid, tmp_path / "variant.xlsx")
    return [tmp_path / "variant.docx", tmp_path / "variant.xlsx"]


def test_outputs_validate_against_ecma376(built: Path, tmp_path: Path):
    if not VALIDATOR.exists():
        pytest.skip(
            f"{VALIDATOR} is absent (a user's clone has no ../shared): schema validation not run"
        )
    files = sorted(built.glob("*.docx")) + sorted(built.glob("*.xlsx")) + _variant_files(tmp_path)
    assert len(files) == 15  # the six forms twice, the unit's summary, the variant twice
    run = subprocess.run(
        [sys.executable, str(VALIDATOR), str(VALIDATOR.parent / "xsd"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "15/15 files valid" in run.stdout


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice (soffice) is not installed: PDF conversion not run")
    return exe


@pytest.fixture(scope="module")
def pdfs(built: Path, tmp_path_factory) -> Path:
    exe = _soffice()
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    for ext in ("docx", "xlsx"):
        files = sorted(str(p) for p in built.glob(f"*.{ext}"))
        run = subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out / ext),
                *files,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "HOME": str(profile)},
        )
        assert run.returncode == 0, run.stdout + run.stderr
    return out


@pytest.mark.parametrize("ext", ["docx", "xlsx"])
@pytest.mark.parametrize("stem", STEMS)
def test_libreoffice_converts_to_a4_pdf(pdfs: Path, stem: str, ext: str):
    pdf = pdfs / ext / f"{stem}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000
    info = shutil.which("pdfinfo")
    if not info:
        pytest.skip("pdfinfo (poppler-utils) is not installed: page size not checked")
    meta = subprocess.run([info, str(pdf)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", meta).groups())
    assert (round(width), round(height)) == (595, 842), meta  # A4 portrait
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert "项目支出绩效目标申报表" in squeezed
    assert stem in squeezed  # the project name, not cut off
    assert "服务对象满意" in squeezed  # the last block made it onto the pages
