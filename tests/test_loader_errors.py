"""Every mistake a user can make in a declaration: a Chinese message at the right line and column."""

from __future__ import annotations

import pytest

from formgen.errors import DeclarationError
from formgen.loader import load, loads

GOOD = """\
年度: 2022
项目名称: 测试项目
实施单位: 某某办公室
项目资金:
  中期:
    资金总额: 12.50
    财政拨款: 10
  年度:
    资金总额: 4.5
总体目标:
  中期年度: 2022—2024
  中期目标: 中期
  年度目标: 年度
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 甲
        中期指标值: ≥1次
        年度指标值: ≥1次
"""


def problems(text: str | bytes):
    with pytest.raises(DeclarationError) as info:
        loads(text.encode("utf-8") if isinstance(text, str) else text, "x.yaml")
    return info.value.problems


def only(text: str | bytes):
    found = problems(text)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def test_good_declaration_loads_with_amounts_as_typed():
    decl = loads(GOOD.encode(), "x.yaml")
    assert str(decl.funds_mid.total) == "12.50"
    assert decl.funds_annual.fiscal is None
    assert decl.span == (2022, 2024)
    assert decl.indicators[0].blocks[0].lines[0].mid.value == "≥1次"


def test_yaml_syntax_error_mapping_value():
    p = only(GOOD.replace("项目名称: 测试项目", "项目名称: 测试: 项目"))
    assert (p.line, p.column) == (2, 9)
    assert "冒号" in p.message and "引号" in p.hint
    assert p.format().startswith("x.yaml:2:9: 错误：")


def test_tab_indentation():
    p = only(GOOD.replace("  中期年度", "\t中期年度"))
    assert p.line == 11 and "Tab" in p.hint
    # found by a fresh-eyes trial: "two spaces" was wrong for a line that needs eight
    assert "与同一层的其他行左对齐" in p.hint and "两个空格" not in p.hint


def test_duplicate_key_rejected_with_both_lines():
    p = only(GOOD.replace("实施单位: 某某办公室\n", "实施单位: 某某办公室\n实施单位: 另一个\n"))
    assert (p.line, p.column) == (4, 1)
    assert "重复" in p.message and "第 3 行" in p.message


def test_duplicate_nested_key():
    p = only(
        GOOD.replace(
            "        中期指标值: ≥1次\n", "        中期指标值: ≥1次\n        中期指标值: ≥2次\n"
        )
    )
    assert (p.line, p.column) == (19, 9)
    assert p.field == "绩效指标.产出指标.数量指标[0].中期指标值"


def test_unknown_key_with_did_you_mean():
    p = only(GOOD.replace("项目名称:", "项目名:"))
    assert (p.line, p.column) == (2, 1)
    assert "不认识的键“项目名”" in p.message and "是否应为“项目名称”" in p.hint


def test_unknown_nested_key():
    p = only(GOOD.replace("    财政拨款: 10", "    财政拨: 10"))
    assert (p.line, p.column) == (7, 5) and "财政拨款" in p.hint


def test_wrong_type_list_for_text():
    p = only(GOOD.replace("项目名称: 测试项目", "项目名称: [甲, 乙]"))
    assert (p.line, p.column) == (2, 7) and "应为一段文字" in p.message


def test_missing_required_field():
    p = only(GOOD.replace("实施单位: 某某办公室\n", ""))
    assert (p.line, p.column) == (1, 1)
    assert "缺少必填项“实施单位”" in p.message


def test_empty_required_field():
    p = only(GOOD.replace("项目名称: 测试项目", "项目名称:"))
    assert p.line == 2 and "不能为空" in p.message


def test_negative_amount():
    p = only(GOOD.replace("财政拨款: 10", "财政拨款: -10"))
    assert (p.line, p.column) == (7, 11) and "负数" in p.message


def test_non_numeric_amount_suggests_the_number():
    p = only(GOOD.replace("资金总额: 4.5", "资金总额: 4.5万元"))
    assert (p.line, p.column) == (9, 11)
    assert "不是数字" in p.message and "“4.5”" in p.hint


def test_several_problems_reported_together():
    text = GOOD.replace("财政拨款: 10", "财政拨款: -10").replace("项目名称:", "项目名:")
    assert sorted(p.line for p in problems(text)) == [2, 7]


def test_bad_year_and_span():
    p = only(GOOD.replace("年度: 2022\n", "年度: 二〇二二\n", 1))
    assert (p.line, p.column) == (1, 5)
    p = only(GOOD.replace("中期年度: 2022—2024", "中期年度: 2024—2022"))
    assert p.line == 11 and "晚于" in p.message


def test_utf8_bom_and_crlf_load_the_same():
    plain = loads(GOOD.encode(), "x.yaml")
    other = loads(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode(), "x.yaml")
    assert other == plain


def test_gbk_file_refused_with_position():
    p = only(GOOD.encode("gbk"))
    assert "0xC4" in p.message
    assert (p.line, p.column) == (1, 1)
    assert "UTF-8" in p.message and "GBK" in p.hint


def test_full_width_colon_hint():
    p = only("项目名称：测试项目\n")
    assert (p.line, p.column) == (1, 5) and "全角冒号“：”" in p.message
    assert "“项目名称: ”" in p.hint


def test_empty_file():
    assert "空" in only("").message


def test_aliases_refused():
    text = GOOD.replace("  中期目标: 中期", "  中期目标: &g 中期").replace(
        "  年度目标: 年度", "  年度目标: *g"
    )
    with pytest.raises(DeclarationError) as info:
        loads(text.encode(), "x.yaml")
    assert [(p.line, p.column, p.code) for p in info.value.problems] == [
        (12, 9, "E-YAML-ALIAS"),
        (13, 9, "E-YAML-ALIAS"),
    ]
    anchor, alias = info.value.problems
    assert "“&g 中期”" in anchor.message and "锚点" in anchor.message and "引号" in anchor.hint
    assert "别名" in alias.message


def test_python_tags_refused():
    p = only(
        GOOD.replace("项目名称: 测试项目", "项目名称: !!python/object/apply:os.system [echo hi]")
    )
    assert p.line == 2 and "标签" in p.message


def test_control_character_refused_with_position():
    p = only(GOOD.replace("测试项目", "测试\x07项目"))
    assert (p.line, p.column) == (2, 9) and "U+0007" in p.message


def test_side_lines_must_be_contiguous():
    text = GOOD.replace(
        "        年度指标值: ≥1次\n",
        "      - 三级指标: 乙\n        中期指标值: ≥2次\n      - 三级指标: 丙\n"
        "        中期指标值: ≥3次\n        年度指标值: ≥3次\n",
    )
    p = only(text)
    assert p.line == 21 and "不连续" in p.message
    # found by a fresh-eyes trial: "第 2 行" beside 21:9 read as a line of the file
    # the first line (甲) lost its 年度指标值; the third (丙) has one
    assert "年度一侧的指标行不连续：本二级指标下的第 1 条指标没有年度指标，这一条却有" == p.message


def test_line_without_any_value():
    p = only(GOOD.replace("        中期指标值: ≥1次\n        年度指标值: ≥1次\n", ""))
    assert p.line == 17 and "既没有中期指标值" in p.message


def test_unknown_label_id():
    p = only(GOOD + "标签:\n  项目日期: 项目日期\n")
    assert p.line == 21 and "不认识的键" in p.message


def test_load_reads_file_and_names_it(tmp_path):
    path = tmp_path / "坏.yaml"
    path.write_text(GOOD.replace("财政拨款: 10", "财政拨款: abc"), encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}:7:11: 错误：")
