"""Form kinds: a new kind is one module, one template, one test file — shown with a toy kind.

The toy kind below (10 columns, A4 landscape) is everything a new kind needs: it is
registered, built by `formgen build` next to the 申报表, and its grid is read back
from both files. Hand-made grids with holes or overlaps are refused before a file
is written.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import DECLARATIONS, SHARED
from formgen import kinds
from formgen.build import build
from formgen.errors import FormgenError
from formgen.grid import LABEL, TEXT, TITLE, YEAR, Cell, Grid, GridError, Page
from formgen.model import Declaration
from formgen.template import Template, load_template
from gridio import read_docx, read_xlsx

TOY_TEMPLATE = """\
labels:
  标题: 玩具表
columns_cm: [2.0, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.2]
font: {east_asian: 宋体, latin: Times New Roman, title_pt: 16, year_pt: 12, body_pt: 10.5}
page: {paper: A4, orientation: landscape, margin_cm: 1.5}
"""


def toy_layout(decl: Declaration, t: Template) -> Grid:
    """Title, year line, then one row of ten cells and one row of a 3 × 2 merge and seven more."""
    cells = [
        Cell(0, 0, t.label("标题"), TITLE, colspan=10),
        Cell(1, 0, f"（{decl.year}年度）", YEAR, colspan=10),
        *(Cell(2, c, f"第{c + 1}列", LABEL) for c in range(10)),
        Cell(3, 0, decl.name, TEXT, rowspan=2, colspan=3),
        *(Cell(3, c, f"甲{c}", TEXT) for c in range(3, 10)),
        *(Cell(4, c, f"乙{c}", TEXT) for c in range(3, 10)),
    ]
    return Grid(
        tuple(cells), 5, t, decl.name, decl.year, t.columns_cm, t.page, head_rows=2, kind="玩具表"
    )


@pytest.fixture()
def toy_kind(tmp_path):
    template = tmp_path / "toy.yaml"
    template.write_text(TOY_TEMPLATE, encoding="utf-8")
    kind = kinds.register(
        kinds.FormKind(
            key="玩具表",
            title="玩具表",
            template=str(template),
            layout=toy_layout,
            suffix="-玩具表",
        )
    )
    yield kind
    kinds.unregister(kind.key)


def expected_toy(name: str, year: int) -> dict[str, str]:
    """The toy grid as {range: text}, written out by hand."""
    letters = "ABCDEFGHIJ"
    grid = {"A1:J1": "玩具表", "A2:J2": f"（{year}年度）", "A4:C5": name}
    for i, letter in enumerate(letters):
        grid[f"{letter}3"] = f"第{i + 1}列"
        if i >= 3:
            grid[f"{letter}4"] = f"甲{i}"
            grid[f"{letter}5"] = f"乙{i}"
    return grid


def test_a_toy_kind_builds_next_to_the_shenbao_and_reads_back(toy_kind, tmp_path):
    out = tmp_path / "out"
    report = build([DECLARATIONS / "劳务派遣人员经费.yaml"], out)
    assert [r.ok for r in report.results] == [True]
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == [
        "中共宿州市委网络安全和信息化委员会办公室项目汇总表.xlsx",
        "劳务派遣人员经费-玩具表.docx",
        "劳务派遣人员经费-玩具表.xlsx",
        "劳务派遣人员经费.docx",
        "劳务派遣人员经费.xlsx",
    ]
    expected = expected_toy("劳务派遣人员经费", 2022)
    assert read_docx(out / "劳务派遣人员经费-玩具表.docx") == expected
    assert read_xlsx(out / "劳务派遣人员经费-玩具表.xlsx") == expected
    with zipfile.ZipFile(out / "劳务派遣人员经费-玩具表.docx") as z:
        document = z.read("word/document.xml").decode()
    # A4 landscape: the long side across, in twips
    assert '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' in document
    assert document.count("<w:gridCol ") == 10
    with zipfile.ZipFile(out / "劳务派遣人员经费-玩具表.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert 'orientation="landscape"' in sheet and '<dimension ref="A1:J5"/>' in sheet
    assert "$A$1:$J$5" in workbook


def test_the_toy_kind_validates_against_ecma376(toy_kind, tmp_path):
    validator = SHARED / "ooxml" / "validate.py"
    if not validator.exists():
        pytest.skip(f"{validator} is absent (a user's clone has no ../shared): not validated")
    build([DECLARATIONS / "劳务派遣人员经费.yaml"], tmp_path)
    files = sorted(tmp_path.glob("*-玩具表.*"))
    run = subprocess.run(
        [sys.executable, str(validator), str(validator.parent / "xsd"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and "2/2 files valid" in run.stdout, run.stdout + run.stderr


def _template(tmp_path: Path) -> Template:
    path = tmp_path / "toy.yaml"
    path.write_text(TOY_TEMPLATE, encoding="utf-8")
    return load_template(path)


def _grid(cells, tmp_path, n_rows=3) -> Grid:
    t = _template(tmp_path)
    head = [Cell(0, 0, "标题", TITLE, colspan=4)]
    return Grid(tuple(head + cells), n_rows, t, "x", 2022, (2.0,) * 4, Page(), head_rows=1)


def test_a_grid_with_a_hole_is_refused(tmp_path):
    cells = [Cell(1, c, "a") for c in range(4)] + [Cell(2, 0, "b", colspan=2), Cell(2, 3, "c")]
    with pytest.raises(GridError) as info:
        _grid(cells, tmp_path)
    assert "C3 处有空洞" in str(info.value)


def test_a_grid_with_an_overlap_is_refused(tmp_path):
    cells = [Cell(1, 0, "a", rowspan=2), *(Cell(1, c, "a") for c in range(1, 4))]
    cells += [Cell(2, 0, "b", colspan=2), Cell(2, 2, "c", colspan=2)]
    with pytest.raises(GridError) as info:
        _grid(sorted(cells, key=lambda c: (c.row, c.col)), tmp_path)
    assert "A3:B3 与 A2:A3 重叠于 A3" in str(info.value)


def test_an_overlap_of_two_cells_names_the_first_position_covered(tmp_path):
    """C3:D3 overlaps C2:C3 at C3 and D2:D3 at D3: the first position in reading order
    and the cell that covers it are named."""
    cells = [Cell(1, 0, "a", colspan=2), Cell(1, 2, "b", rowspan=2), Cell(1, 3, "c", rowspan=2)]
    cells += [Cell(2, 0, "d", colspan=2), Cell(2, 2, "e", colspan=2)]
    with pytest.raises(GridError) as info:
        _grid(cells, tmp_path)
    assert "C3:D3 与 C2:C3 重叠于 C3" in str(info.value)


def test_a_cell_at_a_negative_position_is_refused_not_hung(tmp_path):
    """column_letter looped for ever on a column below -1, so naming such a cell in the
    refusal hung the build."""
    cells = [Cell(1, c, "a") for c in range(4)] + [Cell(2, -3, "b", colspan=4)]
    with pytest.raises(GridError, match="位置或跨度不是正数"):
        _grid(cells, tmp_path)


def test_a_cell_outside_the_grid_is_refused(tmp_path):
    cells = [Cell(1, c, "a") for c in range(4)] + [Cell(2, 0, "b", colspan=5)]
    with pytest.raises(GridError, match="超出了 3 行 × 4 列"):
        _grid(cells, tmp_path)


def test_a_refused_grid_writes_no_file(tmp_path):
    """A kind whose layout makes a bad grid: the build reports it and writes nothing for it."""

    def broken(decl, t):
        return _grid([Cell(1, 0, "only one", colspan=2)], tmp_path, n_rows=2)

    kinds.register(kinds.FormKind(key="坏表", title="坏表", template="form.yaml", layout=broken))
    try:
        out = tmp_path / "out"
        report = build([DECLARATIONS / "劳务派遣人员经费.yaml"], out)
    finally:
        kinds.unregister("坏表")
    (result,) = report.results
    assert not result.ok and "C2 处有空洞" in result.problems[0].message
    assert result.problems[0].code == "E-GRID"
    assert not out.exists() or not list(out.glob("*.docx")) + list(out.glob("*.xlsx"))


def test_grid_errors_are_formgen_errors():
    assert issubclass(GridError, FormgenError)
