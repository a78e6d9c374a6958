"""The six bundled forms, read back from .docx and .xlsx, equal the grids written down from FORM.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DECLARATIONS, EXPECTED
from gridio import parse_expected, read_docx, read_xlsx

STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))


def test_six_forms_and_one_expected_grid_each():
    assert len(STEMS) == 6
    assert sorted(p.stem for p in EXPECTED.glob("*.grid")) == STEMS


def _diff(actual: dict[str, str], expected: dict[str, str]) -> list[str]:
    lines = []
    for key in sorted(set(actual) | set(expected)):
        if actual.get(key) != expected.get(key):
            lines.append(f"{key}: got {actual.get(key)!r}, expected {expected.get(key)!r}")
    return lines


@pytest.mark.parametrize("stem", STEMS)
def test_docx_grid_equals_form(built: Path, stem: str):
    expected = parse_expected(EXPECTED / f"{stem}.grid")
    assert _diff(read_docx(built / f"{stem}.docx"), expected) == []


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_grid_equals_form(built: Path, stem: str):
    expected = parse_expected(EXPECTED / f"{stem}.grid")
    assert _diff(read_xlsx(built / f"{stem}.xlsx"), expected) == []
