"""The 项目支出绩效自评表 kind: grids read back from both files against grids written by hand
from FORM-自评表.md, the 申报表 bytes untouched, and every check rule at its line."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import DECLARATIONS, EXPECTED, ROOT
from formgen import kinds
from formgen.build import build
from formgen.kinds import zipingbiao
from formgen.loader import loads
from formgen.rules import Context, check
from gridio import parse_expected, read_docx, read_xlsx

EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data" / "自评表"
GRIDS = EXPECTED / "自评表"
CASES = {
    "网络媒体协会运行经费": EXAMPLES / "网络媒体协会运行经费.yaml",
    "边界-应急保障": DATA / "边界-应急保障.yaml",
    "边界-分值与等级": DATA / "边界-分值与等级.yaml",
}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zipingbiao")
    for path in CASES.values():
        results = build([path], out).results
        assert all(r.ok for r in results), [p.format() for r in results for p in r.problems]
    return out


def _diff(actual: dict[str, str], expected: dict[str, str]) -> list[str]:
    return [
        f"{key}: got {actual.get(key)!r}, expected {expected.get(key)!r}"
        for key in sorted(set(actual) | set(expected))
        if actual.get(key) != expected.get(key)
    ]


@pytest.mark.parametrize("stem", CASES)
@pytest.mark.parametrize("reader, ext", [(read_docx, "docx"), (read_xlsx, "xlsx")])
def test_grid_equals_the_hand_written_one(evaluated, stem, reader, ext):
    expected = parse_expected(GRIDS / f"{stem}.grid")
    assert _diff(reader(evaluated / f"{stem}-自评表.{ext}"), expected) == []


def test_xlsx_figures_are_numbers_not_formulas(evaluated):
    import openpyxl

    ws = openpyxl.load_workbook(evaluated / "网络媒体协会运行经费-自评表.xlsx").worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.coordinate
    # 21.35 ÷ 22 = 0.970454… shown to two places of its percentage: 0.9705
    assert ws["H6"].value == pytest.approx(0.9705) and ws["H6"].number_format == "0.00%"
    assert ws["H6"].data_type == "n"
    assert ws["I6"].value == pytest.approx(9.70) and ws["I6"].number_format == "0.00"
    assert ws["G13"].value == pytest.approx(5.5)  # 44 ÷ 8
    assert ws["H15"].value == pytest.approx(4.4)  # 5.5 × 4 ÷ 5
    assert ws["H27"].value == pytest.approx(97.10) and ws["G27"].value == 100


def test_a_declaration_with_results_builds_both_forms_and_the_same_shenbao(evaluated, tmp_path):
    """Adding results to a declaration leaves its 申报表 byte for byte as it was."""
    build([DECLARATIONS / "网络媒体协会运行经费.yaml"], tmp_path)
    for ext in ("docx", "xlsx"):
        assert (evaluated / f"网络媒体协会运行经费.{ext}").read_bytes() == (
            tmp_path / f"网络媒体协会运行经费.{ext}"
        ).read_bytes()
        assert (evaluated / f"网络媒体协会运行经费-自评表.{ext}").is_file()


def test_declarations_without_results_build_the_same_bytes_as_without_the_kind(tmp_path):
    with_kind = tmp_path / "with"
    build([DECLARATIONS], with_kind)
    kinds.unregister(zipingbiao.KEY)
    try:
        build([DECLARATIONS], tmp_path / "without")
    finally:
        kinds.register(zipingbiao.KIND)
    made = sorted(p.name for p in with_kind.iterdir() if not p.name.startswith("."))
    assert made == sorted(
        p.name for p in (tmp_path / "without").iterdir() if not p.name.startswith(".")
    )
    assert not [name for name in made if "自评表" in name]
    forms = [f"{p.stem}.{ext}" for p in DECLARATIONS.glob("*.yaml") for ext in ("docx", "xlsx")]
    assert set(forms) <= set(made) and len(forms) == 12  # and the unit's summary workbook
    for name in made:
        assert (with_kind / name).read_bytes() == (tmp_path / "without" / name).read_bytes(), name


def test_the_shenbao_styles_part_has_no_percent_style(evaluated):
    """The percent style is added only to workbooks that show a 执行率."""
    with zipfile.ZipFile(evaluated / "网络媒体协会运行经费.xlsx") as z:
        assert 'numFmtId="10"' not in z.read("xl/styles.xml").decode()
    with zipfile.ZipFile(evaluated / "网络媒体协会运行经费-自评表.xlsx") as z:
        assert 'numFmtId="10"' in z.read("xl/styles.xml").decode()


# -- the check rules, each at its line -----------------------------------------------------

EMERGENCY = (DATA / "边界-应急保障.yaml").read_text(encoding="utf-8")
GRADES = (DATA / "边界-分值与等级.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first `needle` after the first `after`."""
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, start)) + 1


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def found(text: str, rule_id: str) -> list[tuple[int, str]]:
    decl = loads(text.encode("utf-8"), "t.yaml")
    return [(p.line, p.message) for p in check(Context(decl)) if p.rule == rule_id]


def test_the_bases_are_clean():
    for text in (EMERGENCY, GRADES):
        findings = [p for p in check(Context(loads(text.encode(), "t.yaml"))) if "EVAL" in p.id]
        assert findings == []


def test_weights_not_100_when_a_level1_has_no_annual_line():
    text = edit(GRADES, "        分值: 40\n", "")  # 效益 falls back to its default 30
    (hit,) = found(text, "E-EVAL-WEIGHTS")
    assert hit[0] == line_of(text, "  满意度指标:")
    assert "分值合计为 90" in hit[1] and "满意度指标" in hit[1]


def test_weights_negative_share():
    text = edit(
        EMERGENCY, "        实际完成值: 2次\n", "        实际完成值: 2次\n        分值: 60\n"
    )
    hits = found(text, "E-EVAL-WEIGHTS")
    # 50 − 60 = −10 shared by the other three lines: each is reported at its line
    assert [line for line, _ in hits] == [
        line_of(text, "三级指标: 重大网络安全事故"),
        line_of(text, "三级指标: 系统故障"),
        line_of(text, "三级指标: 设备运维费用"),
    ]


def test_weights_missing_for_a_level1_without_default():
    text = edit(
        EMERGENCY,
        "  效益指标:\n",
        "  成本指标:\n    经济成本指标:\n      - 三级指标: 单位成本\n"
        "        年度指标值: ≤5万元\n        实际完成值: 4万元\n  效益指标:\n",
    )
    hits = found(text, "E-EVAL-WEIGHTS")
    assert hits[0][0] == line_of(text, "三级指标: 单位成本")
    assert "没有默认分值" in hits[0][1]


def test_score_over_weight():
    text = edit(
        EMERGENCY, "        实际完成值: 2次\n", "        实际完成值: 2次\n        得分: 13\n"
    )
    (hit,) = found(text, "E-EVAL-SCORE-OVER")
    assert hit[0] == line_of(text, "得分: 13") and "12.5" in hit[1]


def test_qualitative_without_score():
    text = edit(GRADES, "        得分: 8\n", "")
    (hit,) = found(text, "E-EVAL-QUALITATIVE")
    assert hit[0] == line_of(text, "三级指标: 宣传质量") and "得分" in hit[1]


def test_qualitative_without_grade():
    text = edit(GRADES, "        评价等级: 达成年度指标\n", "")
    (hit,) = found(text, "E-EVAL-QUALITATIVE")
    assert hit[0] == line_of(text, "三级指标: 宣传质量") and "评价等级" in hit[1]


@pytest.mark.parametrize(
    "old, new, fires",
    [
        ("得分: 8\n", "得分: 7.99\n", True),  # 79.9 % of 10 is below 达成
        ("得分: 8\n", "得分: 10\n", False),  # the top of 达成
        ("得分: 24\n", "得分: 32\n", True),  # 80 % of 40 belongs to 达成, not 部分达成
        ("得分: 24\n", "得分: 31.99\n", False),
        ("得分: 24\n", "得分: 23.99\n", True),  # below 60 %
    ],
)
def test_qualitative_score_outside_its_band(old, new, fires):
    text = edit(GRADES, "        " + old, "        " + new)
    hits = found(text, "E-EVAL-QUALITATIVE")
    if fires:
        (hit,) = hits
        assert hit[0] == line_of(text, new.strip()) and "分数范围" in hit[1]
    else:
        assert hits == []


def test_shortfall_without_reason_computed_score():
    text = edit(
        EMERGENCY,
        "        偏差原因分析及改进措施: 6月机房停电导致系统中断1次。已加装不间断电源。\n",
        "",
    )
    (hit,) = found(text, "E-EVAL-NO-REASON")
    # 系统故障 =0次 with 1次: 0.00 of 12.5, reported at its 实际完成值
    assert hit[0] == line_of(text, "实际完成值: 1次") and "0.00" in hit[1]


def test_shortfall_without_reason_given_score():
    text = edit(GRADES, "        偏差原因分析及改进措施: 个别稿件转载量偏低。加强选题策划。\n", "")
    (hit,) = found(text, "E-EVAL-NO-REASON")
    assert hit[0] == line_of(text, "得分: 8")


def test_overspent_without_explanation():
    text = edit(EMERGENCY, "      资金总额: 115\n", "      资金总额: 125\n")
    (hit,) = found(text, "E-EVAL-OVERSPENT")
    assert hit[0] == line_of(text, "资金总额: 125") and "125" in hit[1] and "120" in hit[1]
    explained = edit(
        text,
        "    全年执行数:\n",
        "    执行说明: 追加应急设备采购，已报财政局备案。\n    全年执行数:\n",
    )
    assert found(explained, "E-EVAL-OVERSPENT") == []


def test_units_disagree():
    text = edit(EMERGENCY, "        实际完成值: 2次\n", "        实际完成值: 2场\n")
    (hit,) = found(text, "W-EVAL-UNITS")
    assert hit[0] == line_of(text, "实际完成值: 2场")
    # given by hand: no warning
    by_hand = edit(
        text, "        实际完成值: 2场\n", "        实际完成值: 2场\n        得分: 12.5\n"
    )
    assert found(by_hand, "W-EVAL-UNITS") == []


@pytest.mark.parametrize("actual, fires", [("3次", True), ("2.6次", True), ("2.5次", False)])
def test_actual_far_above_target(actual, fires):
    # ≥2次: 3 is 150 %, 2.6 is exactly 130 %, 2.5 is 125 %
    text = edit(EMERGENCY, "        实际完成值: 2次\n", f"        实际完成值: {actual}\n")
    hits = found(text, "W-EVAL-HIGH")
    assert [line for line, _ in hits] == ([line_of(text, f"实际完成值: {actual}")] if fires else [])


def test_result_for_a_line_without_annual_target():
    text = edit(
        GRADES, "        中期指标值: ≥90%\n", "        中期指标值: ≥90%\n        实际完成值: 95%\n"
    )
    (hit,) = found(text, "W-EVAL-NO-TARGET")
    assert hit[0] == line_of(text, "实际完成值: 95%")


def test_line_without_result_is_reported():
    text = edit(EMERGENCY, "        实际完成值: 97%\n", "")
    (hit,) = found(text, "W-EVAL-INCOMPLETE")
    assert hit[0] == line_of(text, "三级指标: 网络安全事件处置及时率")


def test_the_form_leaves_a_figure_empty_rather_than_guessing(tmp_path):
    text = edit(EMERGENCY, "        实际完成值: 97%\n", "")
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    results = build([path], tmp_path / "out").results
    assert results[0].ok
    grid = read_xlsx(tmp_path / "out" / "x-自评表.xlsx")
    assert grid["F17"] == "" and grid["H17"] == ""  # 实际完成值 and 得分 of that line
    assert grid["H19"] == ""  # 总分


# -- reading the results -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, code, needle",
    [
        (
            "        评价等级: 达成年度指标\n",
            "        评价等级: 达成\n",
            "E-EVAL-GRADE",
            "评价等级: 达成\n",
        ),
        ("        分值: 30\n", "        分值: 30分\n", "E-EVAL-NUMBER", "分值: 30分"),
        ("        得分: 24\n", "        得分: -1\n", "E-EVAL-NUMBER", "得分: -1"),
    ],
)
def test_results_that_cannot_be_read(old, new, code, needle):
    from formgen.errors import DeclarationError

    text = edit(GRADES, old, new)
    with pytest.raises(DeclarationError) as info:
        loads(text.encode(), "t.yaml")
    (problem,) = info.value.problems
    assert problem.id == code and problem.line == line_of(text, needle)


def test_results_under_the_mid_term_funds_are_refused():
    from formgen.errors import DeclarationError

    text = edit(
        EMERGENCY,
        "项目资金:\n",
        "项目资金:\n  中期:\n    资金总额: 360\n    全年执行数:\n      资金总额: 1\n",
    )
    with pytest.raises(DeclarationError) as info:
        loads(text.encode(), "t.yaml")
    assert [(p.id, p.line) for p in info.value.problems] == [
        ("E-EVAL-FUNDS-SIDE", line_of(text, "    全年执行数:\n      资金总额: 1"))
    ]


def test_every_rule_is_documented():
    rules_md = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule_id in zipingbiao.KIND.rules:
        assert re.search(rf"### `{rule_id}`", rules_md), rule_id


# -- importing a filled 自评表 into a declaration ------------------------------------------


def _fresh(tmp_path: Path) -> Path:
    """The bundled declaration the example was made from: targets only, no results."""
    target = tmp_path / "decl" / "网络媒体协会运行经费.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((DECLARATIONS / "网络媒体协会运行经费.yaml").read_bytes())
    return target


@pytest.mark.parametrize("ext", ["xlsx", "docx"])
def test_import_round_trip_gives_the_example_form_back(evaluated, tmp_path, ext):
    from formgen.results_import import import_results

    decl = _fresh(tmp_path)
    report = import_results(evaluated / f"网络媒体协会运行经费-自评表.{ext}", decl)
    assert report.written and report.clean and report.conflicts == []
    assert report.matched == 14
    build([decl], tmp_path / "out")
    expected = parse_expected(GRIDS / "网络媒体协会运行经费.grid")
    for reader, suffix in ((read_docx, "docx"), (read_xlsx, "xlsx")):
        got = reader(tmp_path / "out" / f"网络媒体协会运行经费-自评表.{suffix}")
        assert _diff(got, expected) == []
    text = decl.read_text(encoding="utf-8")
    # comments and the targets are kept; only what differs from formgen's figures is written
    assert text.startswith(
        (DECLARATIONS / "网络媒体协会运行经费.yaml").read_text(encoding="utf-8")[:200]
    )
    assert "原表年度一侧即如此" in text
    assert "实际完成值: 63家\n" in text and "得分: 5.5" not in text  # computed, not copied
    assert (
        "        分值: 6\n" in text and "        分值: 5.5" not in text
    )  # 5.5 is the default share
    assert "评价等级: 达成年度指标" in text and "由导入的得分推定" in text  # qualitative


def test_import_reports_rows_and_lines_that_do_not_match(evaluated, tmp_path):
    from formgen.results_import import import_results

    decl = _fresh(tmp_path)
    decl.write_text(
        decl.read_text(encoding="utf-8").replace(
            "三级指标: 举办网络媒体培训", "三级指标: 举办培训"
        ),
        encoding="utf-8",
    )
    before = decl.read_bytes()
    report = import_results(evaluated / "网络媒体协会运行经费-自评表.xlsx", decl)
    assert not report.written and decl.read_bytes() == before  # nothing changed
    (row,) = report.unmatched_rows
    assert row.startswith("网络媒体协会运行经费!D16") and "举办网络媒体培训" in row
    (line,) = report.uncovered_lines
    text = decl.read_text(encoding="utf-8")
    assert line.startswith(f"{decl}:{line_of(text, '三级指标: 举办培训')}:") and "举办培训" in line
    # told to go ahead: the 13 that match are written, the other stays reported
    report = import_results(evaluated / "网络媒体协会运行经费-自评表.xlsx", decl, allow=True)
    assert report.written and report.matched == 13


def test_import_never_replaces_a_different_result_unless_forced(evaluated, tmp_path):
    from formgen.results_import import import_results

    decl = _fresh(tmp_path)
    text = decl.read_text(encoding="utf-8").replace(
        "        年度指标值: ≥60家\n", "        年度指标值: ≥60家\n        实际完成值: 61家\n"
    )
    decl.write_text(text, encoding="utf-8")
    report = import_results(evaluated / "网络媒体协会运行经费-自评表.xlsx", decl)
    (conflict,) = report.conflicts
    assert conflict.startswith(f"{decl}:{line_of(text, '实际完成值: 61家')}:")
    assert "61家" in conflict and "63家" in conflict
    assert "实际完成值: 61家" in decl.read_text(encoding="utf-8")
    import_results(evaluated / "网络媒体协会运行经费-自评表.xlsx", decl, force=True)
    assert "实际完成值: 63家" in decl.read_text(encoding="utf-8")


def test_import_reports_unused_cells_and_another_project(evaluated, tmp_path):
    import openpyxl

    from formgen.results_import import import_results

    book = openpyxl.load_workbook(evaluated / "网络媒体协会运行经费-自评表.xlsx")
    book.worksheets[0]["I13"] = "已核实"
    book.worksheets[0]["B3"] = "另一个项目"
    book.worksheets[0]["K5"] = "备注：数字已核对"
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    decl = _fresh(tmp_path)
    report = import_results(filled, decl)
    assert not report.written
    assert report.other_project == "另一个项目"
    # K5 is outside the form: reported with its position; I13 is a 偏差原因 cell: imported
    assert report.unused == ["网络媒体协会运行经费!K5：“备注：数字已核对”"]
    report = import_results(filled, decl, allow=True)
    assert "已核实" in decl.read_text(encoding="utf-8")


def test_import_command(evaluated, tmp_path):
    from click.testing import CliRunner

    from formgen.cli import cli

    decl = _fresh(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", str(evaluated / "网络媒体协会运行经费-自评表.xlsx"), "--into", str(decl)]
    )
    assert result.exit_code == 0, result.output
    assert "对应上 14 行" in result.output and "总分 97.10" in result.output
    other = tmp_path / "劳务派遣人员经费.yaml"
    other.write_bytes((DECLARATIONS / "劳务派遣人员经费.yaml").read_bytes())
    result = runner.invoke(
        cli, ["import", str(evaluated / "网络媒体协会运行经费-自评表.xlsx"), "--into", str(other)]
    )
    assert result.exit_code == 1
    assert other.read_bytes() == (DECLARATIONS / "劳务派遣人员经费.yaml").read_bytes()


def test_funds_without_results_are_reported():
    text = edit(EMERGENCY, "    全年执行数:\n      资金总额: 115\n", "    全年执行数:\n")
    (hit,) = found(text, "W-EVAL-INCOMPLETE")
    assert hit[0] == line_of(text, "    资金总额: 120") and "资金得分" in hit[1]


def test_same_inputs_same_bytes(evaluated, tmp_path):
    build([CASES["网络媒体协会运行经费"]], tmp_path)
    for ext in ("docx", "xlsx"):
        name = f"网络媒体协会运行经费-自评表.{ext}"
        assert (tmp_path / name).read_bytes() == (evaluated / name).read_bytes()


def test_outputs_validate_against_ecma376(evaluated):
    import subprocess
    import sys

    from conftest import SHARED

    validator = SHARED / "ooxml" / "validate.py"
    if not validator.exists():
        pytest.skip(f"{validator} is absent (a user's clone has no ../shared): not validated")
    files = sorted(evaluated.glob("*-自评表.*"))
    assert len(files) == 6
    run = subprocess.run(
        [sys.executable, str(validator), str(validator.parent / "xsd"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and "6/6 files valid" in run.stdout, run.stdout + run.stderr


@pytest.mark.parametrize("stem", CASES)
def test_declarations_with_results_validate_against_the_editor_schema(stem):
    import jsonschema
    from test_schema import instance

    from formgen.schema import declaration_schema

    validator = jsonschema.Draft202012Validator(declaration_schema())
    text = CASES[stem].read_text(encoding="utf-8")
    assert [e.message for e in validator.iter_errors(instance(text))] == []
    wrong = (
        edit(text, "      资金总额: 21.35\n", "      资金总额: 21.35万元\n")
        if "21.35" in text
        else None
    )
    if wrong:
        assert not validator.is_valid(instance(wrong))


def test_import_a_hand_made_form_in_another_style(tmp_path):
    """A unit's own workbook: nothing merged (names repeated on every row), 一级 without its
    weight, amounts typed as text with 万元, one 得分 worked out by hand differently, a wrong
    总分 and a signature under the table."""
    import openpyxl

    from formgen.results_import import import_results

    rows = []
    for line in (GRIDS / "网络媒体协会运行经费.grid").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cells = [c.strip() for c in line.split(" | ")]
        above = rows[-1] if rows else []
        cells = [above[i] if c == "^" else "" if c == "<" else c for i, c in enumerate(cells)]
        rows.append([c.replace("<br>", "\n") for c in cells])
    for cells in rows[12:26]:  # the indicator lines
        cells[1] = re.sub(r"（\d+分）$", "", cells[1])
        cells[0] = "绩效指标"
    rows[5][4] = "22万元"  # 全年预算数 of 资金总额, as text
    rows[14][7] = "4.5"  # 举办网媒协会活动: the unit's own 得分 (formgen computes 4.40)
    rows[26][7] = "97.2"  # the unit's 总分
    rows.append(["填表人：张三", "", "", "", "", "", "", "", ""])
    book = openpyxl.Workbook()
    for cells in rows:
        book.active.append(cells)
    filled = tmp_path / "自评.xlsx"
    book.save(filled)

    decl = _fresh(tmp_path)
    report = import_results(filled, decl)
    assert report.matched == 14 and report.unmatched_rows == [] and report.uncovered_lines == []
    assert report.unused == ["Sheet!A28：“填表人：张三”"] and not report.written
    report = import_results(filled, decl, allow=True)
    text = decl.read_text(encoding="utf-8")
    assert "      资金总额: 22\n" in text  # the amount, without 万元
    assert "        得分: 4.5\n" in text  # differs from the computed 4.40: kept as given
    # formgen's total with the unit's 4.5: 97.10 − 4.40 + 4.5 = 97.20, the file's 97.2
    assert not [n for n in report.notes if "表中的总分" in n]
    rows[26][7] = "98"
    book = openpyxl.Workbook()
    for cells in rows:
        book.active.append(cells)
    book.save(filled)
    report = import_results(filled, _fresh(tmp_path / "again"), allow=True)
    (note,) = [n for n in report.notes if "表中的总分" in n]
    assert "Sheet!H27" in note and "98" in note and "97.20" in note


def test_year_end_funds_that_do_not_add_up():
    text = edit(EMERGENCY, "      本年财政拨款: 97.5\n", "      本年财政拨款: 95\n")
    (hit,) = found(text, "W-EVAL-FUNDS-SUM")
    # 95 + 17.5 = 112.5, not 115
    assert hit[0] == line_of(text, "资金总额: 115") and "112.5" in hit[1] and "115" in hit[1]
    assert found(EMERGENCY, "W-EVAL-FUNDS-SUM") == []


def test_next_year_points_at_last_years_results(tmp_path):
    """formgen next-year copies a declaration as it is: its year-end results are last year's,
    so the checklist says where they are."""
    from formgen.nextyear import plan

    folder = tmp_path / "2022"
    folder.mkdir()
    text = CASES["网络媒体协会运行经费"].read_text(encoding="utf-8")
    (folder / "网络媒体协会运行经费.yaml").write_text(text, encoding="utf-8")
    (rolled,) = plan(folder).files
    (review,) = [r for r in rolled.reviews if "自评结果" in r]
    assert f":{line_of(text, '    全年预算数:')}:" in review and "2022 年度" in review
    (folder / "网络媒体协会运行经费.yaml").write_bytes(
        (DECLARATIONS / "网络媒体协会运行经费.yaml").read_bytes()
    )
    (rolled,) = plan(folder).files
    assert not [r for r in rolled.reviews if "自评结果" in r]


def test_a_line_that_does_not_apply_weighs_nothing_without_being_told():
    """Found by a fresh-eyes trial: each 不适用 line was refused (E-EVAL-QUALITATIVE) until
    `分值: 0` was written by hand. Now it weighs 0 by default: the example, with its two
    `分值: 0` lines taken out, scores exactly as it does with them."""
    text = (EXAMPLES / "网络媒体协会运行经费.yaml").read_text(encoding="utf-8")
    told = "        分值: 0                         # 不适用的指标不占分值\n"
    assert text.count(told) == 2
    untold = text.replace(told, "")
    with_zero = zipingbiao.derive(loads(text.encode(), "a.yaml"))
    without = zipingbiao.derive(loads(untold.encode(), "b.yaml"))
    idle = [r for r in without.rows if r.annual.value == "不适用"]
    assert len(idle) == 2 and all(r.weight == 0 and r.score == 0 for r in idle)
    assert [r.weight for r in without.rows] == [r.weight for r in with_zero.rows]
    assert without.total == with_zero.total == Decimal("97.10")
    decl = loads(untold.encode(), "b.yaml")
    assert [p.id for p in check(Context(decl)) if p.id.startswith("E-EVAL")] == []
