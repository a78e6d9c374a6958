"""The unit's summary workbook: one row per project, totals the test adds up itself."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import DECLARATIONS, SHARED
from formgen.build import build
from formgen.errors import DeclarationError
from formgen.loader import load
from formgen.rules import check_declaration as check
from formgen.summary import (
    file_name,
    project_row,
    unit_name,
    unreadable_row,
    write_summary,
)
from gridio import read_xlsx

STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))
UNIT = "中共宿州市委网络安全和信息化委员会办公室"
# The amount cells of FORM.md's grid: 项目资金 rows 6–8, mid-term D:E, annual G:H.
AMOUNT_REFS = ("D6:E6", "D7:E7", "D8:E8", "G6:H6", "G7:H7", "G8:H8")


def rows_for(folder: Path) -> list:
    rows = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            decl = load(path)
        except DeclarationError as exc:
            rows.append(unreadable_row(path.name, exc.problems))
            continue
        rows.append(project_row(path.name, decl, check(decl)))
    return rows


@pytest.fixture(scope="module")
def summary(built: Path) -> Path:
    """The summary `formgen build` wrote with the bundled unit's forms."""
    return built / f"{UNIT}项目汇总表.xlsx"


def test_build_writes_what_the_module_writes(summary: Path, tmp_path: Path):
    rows = rows_for(DECLARATIONS)
    unit = unit_name(rows, "declarations")
    assert file_name(unit) == summary.name
    write_summary(tmp_path / "s.xlsx", f"{unit}项目汇总表", rows)
    assert (tmp_path / "s.xlsx").read_bytes() == summary.read_bytes()


def _sheet(path: Path):
    return openpyxl.load_workbook(path).worksheets[0]


def test_named_after_the_unit_all_projects_share(summary: Path):
    assert summary.name == f"{UNIT}项目汇总表.xlsx"
    assert _sheet(summary)["A1"].value == f"{UNIT}项目汇总表"


def test_one_row_per_project_sorted_by_file_name(summary: Path, built: Path):
    ws = _sheet(summary)
    headers = [c.value for c in ws[2]]
    assert headers[:5] == ["序号", "项目名称", "实施单位", "项目属性", "项目期"]
    assert headers[11:] == ["年度三级指标数", "检查结果", "申报文件"]
    for n, stem in enumerate(STEMS, start=1):
        row = [c.value for c in ws[2 + n]]
        form = read_xlsx(built / f"{stem}.xlsx")  # the form itself, read back
        assert row[0] == n and row[13] == f"{stem}.yaml"
        assert row[1] == form["C3:H3"] and row[2] == form["C4:H4"]
        assert row[3] == form["C5:E5"] and row[4] == form["G5:H5"]
        for value, cell in zip(row[5:11], AMOUNT_REFS, strict=True):
            assert (value is None) == (form[cell] == "")
            if value is not None:
                assert isinstance(value, (int, float)) and Decimal(str(value)) == Decimal(
                    form[cell]
                )
    assert ws[2 + len(STEMS) + 1][0].value == "合计"
    assert ws.max_row == 2 + len(STEMS) + 1


def _annual_lines(form: dict[str, str]) -> int:
    """Rows below the indicator header (G/H = 三级指标/指标值) whose annual side is filled."""
    header = next(int(k[1:]) for k, v in form.items() if k.startswith("G") and v == "三级指标")
    rows = {int(k.split(":")[0][1:]) for k in form if k[0] in "GH"}
    return sum(1 for r in rows if r > header and (form.get(f"G{r}", "") or form.get(f"H{r}", "")))


def test_totals_equal_the_sums_of_the_forms(summary: Path, built: Path):
    ws = _sheet(summary)
    forms = [read_xlsx(built / f"{stem}.xlsx") for stem in STEMS]
    totals = ws[2 + len(STEMS) + 1]
    for i, cell in enumerate(AMOUNT_REFS):
        expected = sum((Decimal(f[cell]) for f in forms if f[cell]), Decimal(0))
        value = totals[5 + i].value
        assert isinstance(value, (int, float)), "the totals are numbers, not text or formulas"
        assert Decimal(str(value)) == expected, cell
    # by hand from the six declarations: mid 141+780+60+360+90, annual 47+80+260+20+120+30
    assert [totals[i].value for i in range(5, 11)] == [1431, 1431, 0, 557, 557, 0]
    assert totals[11].value == sum(_annual_lines(f) for f in forms)
    assert [ws.cell(2 + n, 12).value for n in range(1, 7)] == [_annual_lines(f) for f in forms]


def test_check_results_are_listed(summary: Path):
    ws = _sheet(summary)
    results = {ws.cell(2 + n, 14).value: ws.cell(2 + n, 13).value for n in range(1, 7)}
    # `formgen check` finds one warning in the bundled unit (docs/rules.md W-INDICATOR-L2)
    flagged = results.pop("网络内容建设工作经费及网络综合治理.yaml")
    assert flagged.startswith("警告 1 个\n第 113 行 W-INDICATOR-L2 ")
    assert set(results.values()) == {"通过"}
    assert ws.cell(9, 13).value == "共 6 个项目；错误 0 个，警告 1 个"


def test_frozen_header_autofilter_a4_landscape_fit_to_width(summary: Path):
    ws = _sheet(summary)
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:N8"  # header and projects; the totals row stays put
    assert str(ws.page_setup.paperSize) == "9" and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$2:$2"
    # found by a fresh-eyes trial: the forms' footer said 第 &P 页 共 &N 页, this one had a comma
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_projects_with_errors_and_unreadable_files_keep_their_row(tmp_path: Path):
    folder = tmp_path / "单位"
    folder.mkdir()
    good = (DECLARATIONS / "宿州发布运营经费.yaml").read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(good, encoding="utf-8")
    # 年度资金总额 80 ≠ 财政拨款 70 + 其他资金 (empty): the funds rule's error
    (folder / "b.yaml").write_text(
        good.replace("财政拨款: 80", "财政拨款: 70.25"), encoding="utf-8"
    )
    (folder / "c.yaml").write_text("年度: [\n", encoding="utf-8")
    rows = rows_for(folder)
    assert rows[1].errors >= 1 and rows[2].annual_lines is None
    write_summary(tmp_path / "s.xlsx", "汇总", rows)
    ws = _sheet(tmp_path / "s.xlsx")
    assert [ws.cell(r, 2).value for r in (3, 4, 5)] == ["宿州发布运营经费", "宿州发布运营经费", "c"]
    assert ws.cell(4, 13).value.startswith("错误 ")
    # where the parser stopped; found by a fresh-eyes trial: the total silently left it out
    assert ws.cell(5, 13).value.startswith(
        "错误 1 个（申报无法读取，金额未计入合计）\n第 2 行 YAML"
    )
    assert [ws.cell(5, c).value for c in range(6, 12)] == [None] * 6
    # totals over every listed row: 80 + 80, and 80 + 70.25 shown with two decimals
    assert ws.cell(6, 9).value == 160 and Decimal(str(ws.cell(6, 10).value)) == Decimal("150.25")
    assert ws.cell(6, 13).value.endswith("；其中 1 个申报无法读取，金额未计入合计")
    # its ~40 characters wrap to three lines in the 5.6 cm column: the row holds them all
    assert ws.row_dimensions[6].height >= 3 * 10.5
    assert not ws.cell(4, 13).value.startswith("错误 1 个（")  # read, with errors: counted


def test_unit_name_falls_back_to_the_folder_and_is_a_safe_file_name():
    rows = [project_row("a.yaml", load(DECLARATIONS / "宿州发布运营经费.yaml"), ())]
    other = unreadable_row("b.yaml", ())
    assert unit_name(rows + [other], "x") == UNIT
    assert unit_name([], "文件夹") == "文件夹"
    assert file_name('甲/乙:丙*"丁"') == "甲_乙_丙__丁_项目汇总表.xlsx"
    # a unit still to fill in (formgen new --new-unit writes `实施单位: __`) names nothing
    draft = dataclasses.replace(rows[0], unit="__")
    assert unit_name([draft], "新单位") == "新单位"


def test_same_rows_same_bytes(tmp_path: Path):
    rows = rows_for(DECLARATIONS)
    write_summary(tmp_path / "a.xlsx", "t", rows)
    write_summary(tmp_path / "b.xlsx", "t", rows)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_summary_validates_against_ecma376(summary: Path):
    validator = SHARED / "ooxml" / "validate.py"
    if not validator.exists():
        pytest.skip(f"{validator} is absent (a user's clone has no ../shared): not validated")
    run = subprocess.run(
        [sys.executable, str(validator), str(validator.parent / "xsd"), str(summary)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr


# -- with the forms: incremental and reproducible ------------------------------------------


def _files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_building_twice_changes_nothing(project: Path):
    out = project / "output"
    build([project / "declarations"], out)
    before = _files(out)
    report = build([project / "declarations"], out)
    assert len(report.skipped) == 6 and report.folder_outputs == []
    assert _files(out) == before


def test_an_edited_declaration_rebuilds_its_form_and_the_summary_only(project: Path):
    out = project / "output"
    build([project / "declarations"], out, ("docx", "xlsx", "html"))
    before = _files(out)
    path = project / "declarations" / "宿州发布运营经费.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("资金总额: 80") == 1 and text.count("财政拨款: 80") == 1
    path.write_text(
        text.replace("资金总额: 80", "资金总额: 90.5").replace("财政拨款: 80", "财政拨款: 90.5"),
        encoding="utf-8",
    )
    report = build([project / "declarations"], out, ("docx", "xlsx", "html"))
    after = _files(out)
    changed = sorted(k for k in after if after[k] != before.get(k))
    summary = f"{UNIT}项目汇总表.xlsx"
    # index.html is produced again but shows no amounts: its bytes, so its file, stay as they were
    assert changed == sorted(
        [
            ".formgen-manifest.json",
            summary,
            "宿州发布运营经费.docx",
            "宿州发布运营经费.html",
            "宿州发布运营经费.xlsx",
        ]
    )
    assert [p.name for p in report.folder_outputs] == [summary, "index.html"]
    totals = _sheet(out / summary)[9]
    assert [totals[i].value for i in range(5, 11)] == [1431, 1431, 0, 567.5, 567.5, 0]
    # the other rows came from the manifest; a fresh build of everything gives the same bytes
    build([project / "declarations"], project / "fresh", ("docx", "xlsx", "html"))
    assert (project / "fresh" / summary).read_bytes() == (out / summary).read_bytes()
    assert (project / "fresh" / "index.html").read_bytes() == (out / "index.html").read_bytes()


def test_a_manifest_without_kept_rows_loads_the_declarations_again(project: Path):
    import json

    from formgen.build import MANIFEST

    out = project / "output"
    build([project / "declarations"], out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    expected = (out / f"{UNIT}项目汇总表.xlsx").read_bytes()
    for i, entry in enumerate(manifest["forms"].values()):
        entry["summary"] = None if i % 2 else {"name": 1}  # missing, or not as formgen writes
    manifest["folders"] = {}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    report = build([project / "declarations"], out)
    assert len(report.skipped) == 6 and [p.name for p in report.folder_outputs] == [
        f"{UNIT}项目汇总表.xlsx"
    ]
    assert (out / f"{UNIT}项目汇总表.xlsx").read_bytes() == expected


def test_each_unit_folder_gets_its_own_summary_and_loses_it_with_its_last_form(project: Path):
    decls = project / "declarations"
    unit = decls / "某单位"
    unit.mkdir()
    (unit / "_unit.yaml").write_text("实施单位: 某单位全称\n", encoding="utf-8")
    text = (decls / "劳务派遣人员经费.yaml").read_text(encoding="utf-8")
    (unit / "甲.yaml").write_text(
        text.replace("实施单位: 中共宿州市委网络安全和信息化委员会办公室\n", ""), encoding="utf-8"
    )
    out = project / "output"
    build([decls], out)
    ws = _sheet(out / "某单位" / "某单位全称项目汇总表.xlsx")
    assert [ws.cell(3, c).value for c in (2, 3, 14)] == [
        "劳务派遣人员经费",
        "某单位全称",
        "甲.yaml",
    ]
    assert ws.max_row == 4 and _sheet(out / f"{UNIT}项目汇总表.xlsx").max_row == 9
    # building the sub-folder alone gives the same summary
    again = _files(out)
    build([unit], out, force=True)
    assert (
        _files(out)["某单位/某单位全称项目汇总表.xlsx"][1]
        == again["某单位/某单位全称项目汇总表.xlsx"][1]
    )
    (unit / "甲.yaml").unlink()
    report = build([decls], out)
    assert sorted(p.name for p in report.removed) == sorted(
        ["甲.docx", "甲.xlsx", "某单位全称项目汇总表.xlsx"]
    )
    assert not list((out / "某单位").glob("*.xlsx"))


def test_a_summary_edited_by_hand_is_not_overwritten(project: Path):
    out = project / "output"
    build([project / "declarations"], out)
    summary = out / f"{UNIT}项目汇总表.xlsx"
    summary.write_bytes(b"edited")
    path = project / "declarations" / "宿州发布运营经费.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build([project / "declarations"], out)
    assert summary.read_bytes() == b"edited"
    assert [p.code for p in report.problems] == ["E-OUTPUT-EDITED"]
    assert "--force" in report.problems[0].hint
    build([project / "declarations"], out, force=True)
    assert _sheet(summary).max_row == 9


def test_no_summary_in_a_folder_whose_name_windows_refuses(tmp_path: Path):
    decls = tmp_path / "declarations"
    (decls / "CON").mkdir(parents=True)
    shutil.copy(DECLARATIONS / "宿州发布运营经费.yaml", decls / "CON" / "x.yaml")
    report = build([decls], tmp_path / "out")
    assert [r.ok for r in report.results] == [False] and report.folder_outputs == []
    assert not (tmp_path / "out" / "CON").exists()
