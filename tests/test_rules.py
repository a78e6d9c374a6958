"""`formgen check`: every rule fires on its mistake (id, line, column) and stays quiet on a near miss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DECLARATIONS, formgen
from formgen.loader import loads
from formgen.rules import RULES, check_declaration, value_findings
from formgen.settings import Settings

BASE = """\
年度: 2023
项目名称: 规则测试
实施单位: 某单位
项目资金:
  中期:
    资金总额: 300
    财政拨款: 250
    其他资金: 50
  年度:
    资金总额: 100.5
    财政拨款: 100.5
总体目标:
  中期年度: 2022—2024
  中期目标: 中期要做的事
  年度目标: 年度要做的事
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 开展培训
        中期指标值: ≥30次
        年度指标值: ≥10次
      - 三级指标: 发布信息
        中期指标值: ≥300条
        年度指标值: ≥100条
    质量指标:
      - 三级指标: 合格率
        中期指标值: 100%
        年度指标值: 100%
  效益指标:
    社会效益指标:
      - 三级指标: 防护意识
        中期指标值: 持续提升
        年度指标值: 持续提升
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 学员满意度
        中期指标值: 满意率≥95%
        年度指标值: 满意率≥95%
"""


def findings(text: str, vocabulary: str = "2015", disabled=()):
    decl = loads(text.encode(), "t.yaml")
    return [
        (p.rule, p.line, p.column)
        for p in check_declaration(decl, Settings(vocabulary, frozenset(disabled)))
    ]


def fired(text: str, rule_id: str, **kw):
    return [(line, col) for r, line, col in findings(text, **kw) if r == rule_id]


def test_base_declaration_is_clean():
    assert findings(BASE) == []


# -- errors -----------------------------------------------------------------------


def test_funds_must_add_up_exactly_as_decimals():
    assert fired(BASE.replace("其他资金: 50", "其他资金: 49.99"), "E-FUNDS-SUM") == [(6, 11)]
    text = BASE.replace("资金总额: 100.5", "资金总额: 0.3").replace(
        "财政拨款: 100.5", "财政拨款: 0.1\n    其他资金: 0.2"
    )
    assert fired(text, "E-FUNDS-SUM") == []  # 0.1 + 0.2 == 0.3 as decimals, not as floats


def test_annual_funds_above_mid():
    text = BASE.replace("资金总额: 100.5", "资金总额: 300.5").replace(
        "财政拨款: 100.5", "财政拨款: 300.5"
    )
    assert fired(text, "E-FUNDS-ANNUAL") == [(10, 11)]
    assert (
        fired(
            BASE.replace("资金总额: 100.5", "资金总额: 300").replace(
                "财政拨款: 100.5", "财政拨款: 300"
            ),
            "E-FUNDS-ANNUAL",
        )
        == []
    )


def test_year_outside_span():
    assert fired(BASE.replace("年度: 2023", "年度: 2025"), "E-YEAR-SPAN") == [(1, 5)]
    assert fired(BASE.replace("年度: 2023", "年度: 2024"), "E-YEAR-SPAN") == []


def test_line_name_without_value_and_value_without_name():
    text = BASE.replace("        年度指标值: ≥10次", "        年度指标值:")
    assert fired(text, "E-LINE-INCOMPLETE") == [(21, 15)]
    text = BASE.replace(
        "      - 三级指标: 合格率\n        中期指标值: 100%",
        "      - 年度三级指标: 合格率\n        中期指标值: 100%",
    )
    assert fired(text, "E-LINE-INCOMPLETE") == [(27, 16)]
    # near miss: a 三级指标 “不适用” needs no value (seed form 1, 生态效益指标)
    text = BASE.replace(
        "      - 三级指标: 防护意识\n        中期指标值: 持续提升\n        年度指标值: 持续提升",
        "      - 三级指标: 不适用\n        中期指标值:\n        年度指标值:",
    )
    assert fired(text, "E-LINE-INCOMPLETE") == []


# -- indicator names -------------------------------------------------------------------


def test_level2_typo_from_seed_form_6(tmp_path):
    text = BASE.replace("    社会效益指标:", "    可持续响指标:")
    decl = loads(text.encode(), "t.yaml")
    (found,) = [p for p in check_declaration(decl) if p.rule == "W-INDICATOR-L2"]
    assert (found.line, found.column) == (30, 5)
    assert "是否为“可持续影响指标”" in found.message
    assert found.format().startswith(
        "t.yaml:30:5: 警告 W-INDICATOR-L2 二级指标“可持续响指标”不是效益指标下的标准名称"
    )


def test_level2_annual_wording_from_seed_form_2():
    text = BASE.replace(
        "    服务对象满意度指标:\n      - 三级指标: 学员满意度\n        中期指标值: 满意率≥95%\n        年度指标值: 满意率≥95%\n",
        "    服务对象满意度指标:\n      年度二级指标: 服务对象满意度\n      指标:\n"
        "        - 三级指标: 学员满意度\n          中期指标值: 满意率≥95%\n          年度指标值: 满意率≥95%\n",
    )
    assert fired(text, "W-INDICATOR-L2") == [(36, 15)]
    assert (
        fired(
            text.replace("年度二级指标: 服务对象满意度", "年度二级指标: 服务对象满意度指标"),
            "W-INDICATOR-L2",
        )
        == []
    )


def test_level2_under_the_wrong_level1():
    text = BASE.replace("    社会效益指标:", "    质量指标:")
    assert fired(text, "W-INDICATOR-L2") == [(30, 5)]


def test_level1_unknown_with_did_you_mean():
    text = BASE.replace("  效益指标:", "  效果指标:")
    assert fired(text, "W-INDICATOR-L1") == [(29, 3)]
    assert ("W-MISSING-L1", 16, 1) in findings(text)


def test_vocabulary_2021_and_mixing():
    cost = "  成本指标:\n    经济成本指标:\n      - 三级指标: 培训费\n        中期指标值: ≤30万元\n        年度指标值: ≤10万元\n"
    text21 = BASE.replace("  效益指标:", cost + "  效益指标:")
    assert fired(text21, "W-INDICATOR-L1", vocabulary="2021") == []
    assert fired(text21, "W-INDICATOR-L2", vocabulary="2021") == []
    assert fired(text21, "W-INDICATOR-L1") == [(29, 3)]  # 2015: 成本指标 is not a 一级
    assert fired(text21, "W-VOCABULARY-MIXED") == []
    mixed = text21.replace("    质量指标:", "    成本指标:")
    assert fired(mixed, "W-VOCABULARY-MIXED") == [(16, 1)]
    assert fired(mixed, "W-VOCABULARY-MIXED", vocabulary="2021") == [(16, 1)]


def test_missing_level1_and_quantity():
    text = BASE.replace(
        "  满意度指标:\n    服务对象满意度指标:\n      - 三级指标: 学员满意度\n"
        "        中期指标值: 满意率≥95%\n        年度指标值: 满意率≥95%\n",
        "",
    )
    assert fired(text, "W-MISSING-L1") == [(16, 1)]
    text = BASE.replace("    数量指标:", "    时效指标:")
    assert fired(text, "W-MISSING-QUANTITY") == [(17, 3)]


# -- values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, rule_id",
    [
        (">=30次", "W-VALUE-ASCII"),
        ("<=6小时", "W-VALUE-ASCII"),
        ("≥次", "W-VALUE-NO-NUMBER"),
        ("150", "W-VALUE-NO-UNIT"),
    ],
)
def test_malformed_quantitative_values(value, rule_id):
    text = BASE.replace("中期指标值: ≥30次", f"中期指标值: '{value}'")
    assert fired(text, rule_id) == [(20, 16)]


def test_ascii_comparator_fix_is_offered():
    ((rule_id, _message, hint),) = value_findings(">=30次")
    assert rule_id == "W-VALUE-ASCII" and "“≥30次”" in hint


@pytest.mark.parametrize(
    "value",
    [
        "≥150家",
        "≤6小时",
        "100%",
        "满意率≥95%",
        "约30万元",
        "≤6 小时",
        "7×24小时全年",
        "满意率95%以上",
        "全年",
        "持续提升",
        "明显",
        "不适用",
    ],
)
def test_sound_values_are_quiet(value):
    assert value_findings(value) == ()


def test_annual_count_above_mid():
    assert fired(BASE.replace("年度指标值: ≥10次", "年度指标值: ≥40次"), "W-ANNUAL-GT-MID") == [
        (21, 16)
    ]
    # near misses: another unit, a rate, equal counts
    assert fired(BASE.replace("年度指标值: ≥10次", "年度指标值: ≥40场"), "W-ANNUAL-GT-MID") == []
    text = BASE.replace("中期指标值: ≥30次", "中期指标值: ≥30%").replace(
        "年度指标值: ≥10次", "年度指标值: ≥40%"
    )
    assert fired(text, "W-ANNUAL-GT-MID") == []
    assert fired(BASE.replace("年度指标值: ≥10次", "年度指标值: ≥30次"), "W-ANNUAL-GT-MID") == []


def test_duplicate_level3_in_one_block():
    text = BASE.replace("      - 三级指标: 发布信息", "      - 三级指标: 开展培训")
    assert fired(text, "W-DUPLICATE-L3") == [(22, 15), (22, 15)]  # both sides
    text = BASE.replace(
        "      - 三级指标: 合格率", "      - 三级指标: 开展培训"
    )  # another block: fine
    assert fired(text, "W-DUPLICATE-L3") == []


def test_empty_goal():
    assert fired(BASE.replace("  年度目标: 年度要做的事", "  年度目标:"), "W-EMPTY-GOAL") == [
        (15, 8)
    ]
    assert fired(BASE.replace("  年度目标: 年度要做的事\n", ""), "W-EMPTY-GOAL") == [(12, 1)]


def test_text_too_tall_for_an_excel_row():
    long_goal = "很长的年度目标" * 120  # 840 characters in one cell
    assert fired(
        BASE.replace("年度目标: 年度要做的事", f"年度目标: {long_goal}"), "W-XLSX-CLIPPED"
    ) == [(15, 9)]
    assert (
        fired(
            BASE.replace("年度目标: 年度要做的事", f"年度目标: {long_goal[:300]}"), "W-XLSX-CLIPPED"
        )
        == []
    )
    long_name = "名" * 400  # a 三级 name in a single row
    assert fired(
        BASE.replace("三级指标: 发布信息", f"三级指标: {long_name}"), "W-XLSX-CLIPPED"
    ) == [(22, 15), (22, 15)]


def test_rules_can_be_turned_off():
    text = BASE.replace("年度: 2023", "年度: 2025")
    assert fired(text, "E-YEAR-SPAN", disabled={"E-YEAR-SPAN"}) == []


def test_every_rule_is_documented():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(
        encoding="utf-8"
    )
    for rule_id in RULES:
        assert f"`{rule_id}`" in docs, rule_id


# -- the command ------------------------------------------------------------------------


def test_check_command_text_json_strict_and_settings(tmp_path: Path):
    decls = tmp_path / "declarations"
    decls.mkdir()
    (decls / "好.yaml").write_text(BASE, encoding="utf-8")
    (decls / "警告.yaml").write_text(
        BASE.replace("    社会效益指标:", "    可持续响指标:"), encoding="utf-8"
    )
    run = formgen("check", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "declarations/警告.yaml:30:5: 警告 W-INDICATOR-L2 二级指标“可持续响指标”" in run.stdout
    assert "检查了 2 份申报：0 个错误，1 个警告。" in run.stdout
    assert formgen("check", "--strict", cwd=tmp_path).returncode == 1
    data = json.loads(formgen("check", "--format", "json", cwd=tmp_path).stdout)
    assert data["warnings"] == 1 and data["findings"][0]["rule"] == "W-INDICATOR-L2"
    assert (data["findings"][0]["line"], data["findings"][0]["column"]) == (30, 5)

    (decls / "错.yaml").write_text(BASE.replace("年度: 2023", "年度: 2030"), encoding="utf-8")
    run = formgen("check", cwd=tmp_path)
    assert run.returncode == 1 and "declarations/错.yaml:1:5: 错误 E-YEAR-SPAN" in run.stdout

    # a project file turns a rule off
    (tmp_path / "formgen.toml").write_text(
        'vocabulary = "2015"\ndisable = ["E-YEAR-SPAN"]\n', encoding="utf-8"
    )
    assert formgen("check", cwd=tmp_path).returncode == 0
    (tmp_path / "formgen.toml").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.formgen]\nvocabulary = "2030"\n', encoding="utf-8"
    )
    run = formgen("check", cwd=tmp_path)
    assert run.returncode == 1 and "vocabulary 的值“2030”无效" in run.stdout


def test_build_stops_a_form_with_errors_and_prints_warnings(tmp_path: Path):
    decls = tmp_path / "declarations"
    decls.mkdir()
    (decls / "警告.yaml").write_text(
        BASE.replace("    社会效益指标:", "    可持续响指标:"), encoding="utf-8"
    )
    (decls / "错.yaml").write_text(BASE.replace("其他资金: 50", "其他资金: 60"), encoding="utf-8")
    run = formgen("build", cwd=tmp_path)
    assert run.returncode == 1
    assert (
        "W-INDICATOR-L2" in run.stderr
        and "declarations/错.yaml:6:11: 错误 E-FUNDS-SUM" in run.stderr
    )
    forms = (p for p in (tmp_path / "output").glob("*.*x") if "项目汇总表" not in p.name)
    assert sorted(p.name for p in forms) == ["警告.docx", "警告.xlsx"]


def test_bundled_declarations_have_no_errors_and_only_explained_warnings():
    root = Path(__file__).resolve().parent.parent
    run = formgen("check", "--format", "json", cwd=root)
    data = json.loads(run.stdout)
    assert run.returncode == 0 and data["errors"] == 0
    for finding in data["findings"]:
        lines = (root / finding["file"]).read_text(encoding="utf-8").splitlines()
        context = "\n".join(lines[max(0, finding["line"] - 4) : finding["line"]])
        assert finding["rule"] in context, f"unexplained warning: {finding}"


# -- plausibility of amounts (issue 10) -----------------------------------------------------------


def test_an_amount_of_yuan_typed_as_wan_yuan_is_questioned():
    text = BASE.replace("资金总额: 300", "资金总额: 3000000").replace(
        "财政拨款: 250", "财政拨款: 2999950"
    )
    assert fired(text, "W-AMOUNT-LARGE") == [(6, 11), (7, 11)]
    decl = loads(text.encode(), "t.yaml")
    (first, _) = [p for p in check_declaration(decl) if p.rule == "W-AMOUNT-LARGE"]
    # 3000000 万元 = 30 000 000 000 元; in 万元 the yuan amount would be 300
    assert "30,000,000,000 元" in first.message and "应写作 300" in first.hint
    near_miss = BASE.replace("资金总额: 300", "资金总额: 99999.99").replace(
        "财政拨款: 250", "财政拨款: 99949.99"
    )
    assert fired(near_miss, "W-AMOUNT-LARGE") == []
    exactly = BASE.replace("资金总额: 300", "资金总额: 100000").replace(
        "财政拨款: 250", "财政拨款: 99950"
    )
    assert fired(exactly, "W-AMOUNT-LARGE") == [(6, 11)]


def test_more_than_six_decimals_is_questioned():
    text = BASE.replace("资金总额: 100.5", "资金总额: 100.5000001").replace(
        "财政拨款: 100.5", "财政拨款: 100.5000001"
    )
    assert fired(text, "W-AMOUNT-PRECISION") == [(10, 11), (11, 11)]
    decl = loads(text.encode(), "t.yaml")
    message = [p for p in check_declaration(decl) if p.rule == "W-AMOUNT-PRECISION"][0].message
    assert "7 位小数" in message and "1 分钱" in message
    six = BASE.replace("资金总额: 100.5", "资金总额: 100.500001").replace(
        "财政拨款: 100.5", "财政拨款: 100.500001"
    )
    assert fired(six, "W-AMOUNT-PRECISION") == []


def test_empty_funds_are_flagged_except_mid_term_of_a_one_year_project():
    text = (DECLARATIONS / "劳务派遣人员经费.yaml").read_text(encoding="utf-8")
    no_annual = text.replace("    资金总额: 47\n", "    资金总额:\n")
    assert no_annual != text
    decl = loads(no_annual.encode(), "x.yaml")
    found = [p for p in check_declaration(decl) if p.rule == "W-FUNDS-MISSING"]
    line = no_annual.splitlines().index("    资金总额:", 14) + 1  # the annual side's key
    assert [(p.line, p.column, "年度资金总额没有填写" in p.message) for p in found] == [
        (line, 5, True)
    ]
    one_year = (DECLARATIONS / "宿州发布运营经费.yaml").read_bytes()  # 项目期 2022年度, no 中期
    assert not [
        p for p in check_declaration(loads(one_year, "y.yaml")) if p.rule == "W-FUNDS-MISSING"
    ]


@pytest.mark.parametrize(
    "old, new",
    [
        ("项目名称: 规则测试", "项目名称: __项目"),
        ("实施单位: 某单位", "实施单位: ＿＿"),
        ("  年度目标: 年度要做的事", "  年度目标: 完成__项"),
        ("  效益指标:", "  效益__:"),
        ("    质量指标:", "    质量__:"),
        ("      - 三级指标: 合格率", "      - 三级指标: __率"),
        ("        年度指标值: ≥100条", "        年度指标值: ≥__条"),
    ],
)
def test_a_single_placeholder_anywhere_is_found(old, new):
    """W-TO-FILL looks at every text: one `__` (or full-width ＿) alone in a declaration
    is reported on its line."""
    line = BASE.splitlines().index(old) + 1
    hits = [f for f in findings(BASE.replace(old, new, 1)) if f[0] == "W-TO-FILL"]
    assert [f[1] for f in hits] == [line]
