"""What a new user really types (issue 10): each mistake is named at its own character, and
nothing typed is lost without a word. Line and column are counted by hand in each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from formgen.errors import WARNING, DeclarationError
from formgen.loader import load, loads
from formgen.rules import check_declaration

# Line numbers of BASE, for reading the tests:
#  1 年度  2 项目名称  3 实施单位  4 项目期  5 项目资金  6 中期  7 资金总额  8 财政拨款
#  9 总体目标  10 中期年度  11 中期目标  12 年度目标  13 绩效指标  14 产出指标  15 数量指标
#  16 - 三级指标  17 中期指标值  18 年度指标值  19 - 三级指标  20 中期指标值  21 年度指标值
#  22 效益指标  23 社会效益指标  24 - 三级指标  25 中期指标值  26 年度指标值
#  27 满意度指标  28 服务对象满意度指标  29 - 三级指标  30 中期指标值  31 年度指标值
BASE = """\
年度: 2022
项目名称: 网络安全
实施单位: 某县教育局
项目期: 长期
项目资金:
  中期:
    资金总额: 80
    财政拨款: 80
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


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def refused(text: str) -> list:
    with pytest.raises(DeclarationError) as info:
        loads(text.encode(), "x.yaml")
    return info.value.problems


def first(text: str):
    problem = refused(text)[0]
    return problem.line, problem.column, problem.message + "\n" + problem.hint


def findings(text: str, rule: str) -> list:
    return [p for p in check_declaration(loads(text.encode(), "x.yaml")) if p.rule == rule]


def test_base_is_clean():
    # BASE leaves out the annual funds to stay short (its line numbers are the tests' anchors)
    findings = check_declaration(loads(BASE.encode(), "x.yaml"))
    assert [(p.rule, p.field) for p in findings] == [("W-FUNDS-MISSING", "项目资金.年度.资金总额")]


# -- 1. colons and spaces typed the Chinese way -------------------------------------------


@pytest.mark.parametrize(
    "old, new, line, column",
    [
        # the 5th character of 项目名称：网络安全 is the colon
        ("项目名称: 网络安全", "项目名称：网络安全", 2, 5),
        # followed by a blank line: still line 2, not the line where the parser gave up
        ("项目名称: 网络安全\n", "项目名称：网络安全\n\n", 2, 5),
        # on the last line of the file
        ("        年度指标值: 满意率≥95%\n", "        年度指标值：满意率≥95%\n", 31, 14),
        # nested: 4 spaces, 资金总额 (4 characters), then the colon
        ("    资金总额: 80", "    资金总额：80", 7, 9),
        # a key that opens a block, written with the full-width colon at the end of the line
        ("  产出指标:\n", "  产出指标：\n", 14, 7),
        # inside a list item: 6 spaces, "- ", 三级指标, colon
        ("      - 三级指标: 发布信息", "      - 三级指标：发布信息", 19, 13),
    ],
)
def test_full_width_colon_at_its_character(old, new, line, column):
    at_line, at_column, text = first(edit(old, new))
    assert (at_line, at_column) == (line, column)
    assert "全角冒号“：”" in text and "英文冒号加一个空格" in text


@pytest.mark.parametrize(
    "old, new, line, column",
    [
        ("实施单位: 某县教育局", "实施单位:某县教育局", 3, 5),
        ("    资金总额: 80", "    资金总额:80", 7, 9),
        ("        中期指标值: ≥300条", "        中期指标值:≥300条", 20, 14),
    ],
)
def test_no_space_after_the_colon_at_the_colon(old, new, line, column):
    at_line, at_column, text = first(edit(old, new))
    assert (at_line, at_column) == (line, column)
    assert "缺少空格" in text and "冒号后要加一个空格" in text


def test_a_colon_inside_a_text_is_text():
    """9:30 and 目标1：… are what users write in values; they are not slips."""
    text = edit(
        "  年度目标: 年度要做的事", "  年度目标:\n    - 目标1：9:30开始培训\n    - 网址:见附件"
    )
    decl = loads(text.encode(), "x.yaml")
    assert decl.goal_annual == ("目标1：9:30开始培训", "网址:见附件")


@pytest.mark.parametrize(
    "old, new, line, column",
    [
        # two full-width spaces instead of two spaces: the first of them, column 1
        ("  中期年度: 2022—2024", "\u3000\u3000中期年度: 2022—2024", 10, 1),
        # mixed: two spaces, then a full-width one at column 3
        ("    资金总额: 80", "  \u3000资金总额: 80", 7, 3),
    ],
)
def test_full_width_space_indentation_is_named(old, new, line, column):
    at_line, at_column, text = first(edit(old, new))
    assert (at_line, at_column) == (line, column)
    assert "全角空格" in text and "半角空格" in text


def test_full_width_spaces_inside_a_block_text_are_kept():
    text = edit(
        "  中期目标: 中期要做的事", "  中期目标: |\n    \u3000\u3000第一段。\n    第二段：完"
    )
    assert loads(text.encode(), "x.yaml").goal_mid == ("\u3000\u3000第一段。", "第二段：完")


def test_a_list_item_missing_its_dash_is_said_once_at_its_line():
    text = edit("      - 三级指标: 发布信息", "        三级指标: 发布信息")
    problems = refused(text)
    assert [(p.line, p.column, p.code) for p in problems] == [(19, 9, "E-YAML-DASH")]
    assert "缺少“-”" in problems[0].message and "加上“- ”" in problems[0].hint
    assert "重复" not in problems[0].message


# -- 2. no silent loss ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, line, column, words",
    [
        ("年度指标值: ≥10次", "年度指标值: &A 级", 18, 16, "锚点"),
        ("  中期目标: 中期要做的事", "  中期目标: &x 中期要做的事", 11, 9, "锚点"),
        ("项目期: 长期", "项目期: !!str 长期", 4, 6, "标签"),
        ("年度指标值: ≥10次", "年度指标值: !重要 级", 18, 16, "标签"),
    ],
)
def test_anchors_and_tags_are_errors_anywhere(old, new, line, column, words):
    at_line, at_column, text = first(edit(old, new))
    assert (at_line, at_column) == (line, column)
    assert words in text and "引号" in text


def test_an_anchor_in_the_unit_file_points_there(tmp_path: Path):
    folder = tmp_path / "declarations"
    folder.mkdir()
    (folder / "_unit.yaml").write_text("实施单位: &u 某县教育局\n", encoding="utf-8")
    (folder / "a.yaml").write_text(edit("实施单位: 某县教育局\n", ""), encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load(folder / "a.yaml")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(folder / "_unit.yaml"), 1, 7)


def test_a_comment_after_a_text_is_a_warning_showing_what_was_dropped():
    text = edit("  年度目标: 年度要做的事", "  年度目标: 完成实验楼 #2 单元改造")
    (warning,) = findings(text, "W-TEXT-COMMENT")
    # "  年度目标: 完成实验楼 " is 14 characters: the # is column 15
    assert (warning.line, warning.column, warning.severity) == (12, 15, WARNING)
    assert "“#2 单元改造”" in warning.message and "注释" in warning.message
    assert '"完成实验楼 #2 单元改造"' in warning.hint and "单独写在一行" in warning.hint
    assert loads(text.encode(), "x.yaml").goal_annual == ("完成实验楼",)  # what YAML kept


def test_comments_on_their_own_line_after_a_key_or_an_empty_value_are_silent():
    text = edit("项目资金:\n", "# 资金\n项目资金:   # 万元\n").replace(
        "    财政拨款: 80\n", "    财政拨款: 80   # 数字后的注释\n    其他资金:   # 没有\n"
    )
    assert findings(text, "W-TEXT-COMMENT") == []
    quoted = edit("  年度目标: 年度要做的事", '  年度目标: "完成实验楼 #2 单元改造"  # 说明')
    assert findings(quoted, "W-TEXT-COMMENT") == []
    assert loads(quoted.encode(), "x.yaml").goal_annual == ("完成实验楼 #2 单元改造",)


@pytest.mark.parametrize("symbol", list(">|*&!%@`[{'\""))
def test_a_value_starting_with_a_reserved_character_says_to_quote_it(symbol):
    typed = f"{symbol}重点工作" if symbol not in "[{'\"" else f"{symbol}重点{symbol}工作"
    typed = typed.replace("[重点[", "[重点]").replace("{重点{", "{重点}")
    if symbol in "&!":
        typed = f"{symbol}A 重点工作"  # what YAML reads as an anchor or a tag
    at_line, at_column, text = first(edit("年度指标值: ≥10次", f"年度指标值: {typed}"))
    # 8 spaces, 年度指标值 (5), ": " (2): the value starts at column 16
    assert (at_line, at_column) == (18, 16), text
    assert "引号" in text and (f"以“{symbol}”开头" in text or f"“{typed}”的开头" in text), text
    assert not text.startswith("YAML 格式错误")


def test_the_parser_alone_never_speaks():
    _, _, text = first(edit("年度指标值: ≥10次", "年度指标值: >=800人次"))
    assert text.startswith("以“>”开头的文字要用引号括起来") and "解析器原文" in text
    assert '年度指标值: ">=800人次"' in text


def test_a_text_with_colon_space_in_a_goal_list_says_to_quote_it():
    text = edit(
        "  年度目标: 年度要做的事", "  年度目标:\n    - 目标1: 承办全市宣传周\n    - 目标2：完"
    )
    (problem,) = refused(text)
    assert (problem.line, problem.column) == (13, 7)
    assert "“目标1: 承办全市宣传周”" in problem.message and "引号" in problem.hint
    assert '"目标1: 承办全市宣传周"' in problem.hint


# -- 3. empty names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, line, column, words",
    [
        ("  效益指标:", '  "":', 22, 3, "一级指标名称为空"),
        ("    社会效益指标:", '    "":', 23, 5, "二级指标名称为空"),
        ("      - 三级指标: 防护意识", '      - 三级指标: ""', 24, 15, "“三级指标”的名称为空"),
        # an empty value is placed just after its colon
        ("      - 三级指标: 防护意识", "      - 三级指标:", 24, 14, "“三级指标”的名称为空"),
        (
            "    社会效益指标:\n      - 三级指标: 防护意识\n        中期指标值: 持续提升\n"
            "        年度指标值: 持续提升\n",
            '    社会效益指标:\n      年度二级指标: ""\n      指标:\n        - 三级指标: 防护意识\n'
            "          中期指标值: 持续提升\n          年度指标值: 持续提升\n",
            24,
            15,
            "年度二级指标的名称为空",
        ),
    ],
)
def test_an_empty_name_is_an_error_at_every_level(old, new, line, column, words):
    problems = refused(edit(old, new))
    assert [(p.line, p.column) for p in problems if words in p.message] == [(line, column)]
    assert all(p.severity == "error" for p in problems)


# -- 8. one-year projects -------------------------------------------------------------------------


def test_mid_term_span_defaults_to_three_years_from_the_year():
    decl = loads(edit("  中期年度: 2022—2024\n", "").encode(), "x.yaml")
    assert decl.span == (2022, 2024)
    text = edit("年度: 2022\n项目名称", "年度: 2023\n项目名称")
    decl = loads(text.replace("  中期年度: 2022—2024\n", "").encode())
    assert decl.span == (2023, 2025)


@pytest.mark.parametrize("period", ["2022年度", "2022年", "一年", "1年", "当年", "2022—2022"])
def test_a_one_year_project_needs_no_mid_term_goal(period):
    text = edit("项目期: 长期", f"项目期: {period}").replace("  中期目标: 中期要做的事\n", "")
    assert findings(text, "W-EMPTY-GOAL") == []


@pytest.mark.parametrize("period", ["长期", "2022—2024", "三年", ""])
def test_a_longer_project_is_still_asked_for_its_mid_term_goal(period):
    text = edit("项目期: 长期", f"项目期: {period}").replace("  中期目标: 中期要做的事\n", "")
    assert [(p.line, p.column) for p in findings(text, "W-EMPTY-GOAL")] == [(9, 1)]


# -- 7. a broken unit file ---------------------------------------------------------------------------


def test_a_unit_file_that_is_not_a_mapping_causes_no_cascade(tmp_path: Path):
    folder = tmp_path / "declarations"
    folder.mkdir()
    (folder / "_unit.yaml").write_text("- 年度: 2022\n", encoding="utf-8")
    own = edit("年度: 2022\n", "").replace("实施单位: 某县教育局\n", "")
    (folder / "a.yaml").write_text(own, encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load(folder / "a.yaml")
    assert [(Path(p.file).name, p.line, p.column) for p in info.value.problems] == [
        ("_unit.yaml", 1, 1)
    ]


def test_a_comment_typed_where_the_value_goes_is_a_warning():
    text = edit("项目期: 长期", "项目期: #1 期")
    (warning,) = findings(text, "W-TEXT-COMMENT")
    assert (warning.line, warning.column) == (4, 6) and "“#1 期”" in warning.message
    assert "空的" in warning.message and '"#1 期"' in warning.hint
    apart = edit("项目期: 长期", "项目期:     # 可不写")
    assert findings(apart, "W-TEXT-COMMENT") == []


@pytest.mark.parametrize("symbol", [">", "|", "|-", ">+"])
def test_a_block_mark_with_nothing_under_it_is_not_an_empty_value(symbol):
    """Found by the property test: `年度指标值: >` read as an empty block text."""
    (problem,) = refused(edit("年度指标值: ≥10次", f"年度指标值: {symbol}"))
    assert (problem.line, problem.column) == (18, 16)
    assert "多行文字的标记" in problem.message and "引号" in problem.hint


@pytest.mark.parametrize(
    "typed, warned",
    [
        ("完成实验楼 #2 单元改造", True),  # one space before #: a text that goes on
        ("完成实验楼  #2单元", True),  # no space after #: a number, not a comment
        ("完成实验楼 # 说明", True),
        ("完成实验楼   # 说明", False),  # the way comments are written (README, formgen new)
    ],
)
def test_what_counts_as_a_comment_written_on_purpose(typed, warned):
    text = edit("  年度目标: 年度要做的事", f"  年度目标: {typed}")
    assert bool(findings(text, "W-TEXT-COMMENT")) == warned


@pytest.mark.parametrize(
    "old, new, line, column",
    [
        # a goal list's second item without its "-": line 14, where the "-" belongs
        ("  年度目标: 年度要做的事", "  年度目标:\n    - 目标1\n    目标2", 14, 5),
        # its first item without one: YAML would read "目标1 - 目标2" as one text
        ("  年度目标: 年度要做的事", "  年度目标:\n    目标1\n    - 目标2", 13, 5),
        # the first line of a 二级指标 without its "-": the "-" goes at column 7
        ("      - 三级指标: 开展培训", "        三级指标: 开展培训", 16, 7),
    ],
)
def test_other_list_items_missing_their_dash(old, new, line, column):
    problems = refused(edit(old, new))
    assert [(p.line, p.column, p.code) for p in problems] == [(line, column, "E-YAML-DASH")]
    assert "缺少" in problems[0].message and "“- ”" in problems[0].hint


def test_the_quoting_hint_keeps_a_comment_outside_the_quotes():
    """Found by a fresh-eyes trial: copying the hint put the help comment into the cell."""
    text = edit("        年度指标值: ≥10次\n", "        年度指标值: >=10次     # 可衡量的目标值\n")
    line, column, words = first(text)
    assert (line, column) == (18, 16)  # 8 spaces, 年度指标值, ":", " "
    assert '例如 年度指标值: ">=10次"     # 可衡量的目标值' in words
    # and the suggested line, typed in, keeps the value and drops only the comment
    fixed = edit(
        "        年度指标值: ≥10次\n", '        年度指标值: ">=10次"     # 可衡量的目标值\n'
    )
    decl = loads(fixed.encode(), "x.yaml")
    assert decl.indicators[0].blocks[0].lines[0].annual.value == ">=10次"


def test_an_unpaired_quote_that_swallows_the_next_key_is_refused():
    """Found by the typed-text property test: `中期指标值: '` read the next line into the text,
    and the line's 年度指标值 was gone without a word."""
    text = edit("        中期指标值: ≥30次\n", "        中期指标值: '\n")
    text = edit("        年度指标值: ≥10次\n", "        年度指标值: '\n", text)
    problem = refused(text)[0]  # (the line then lacks its annual side: said after it)
    assert (problem.line, problem.column, problem.code) == (17, 16, "E-YAML-QUOTE-RUN")
    assert "“年度指标值”那一行" in problem.message and '"\'"' in problem.hint


def test_a_quoted_text_over_two_lines_without_a_key_is_kept():
    text = edit("  中期目标: 中期要做的事\n", "  中期目标: '中期要做的事，\n    分两行写'\n")
    decl = loads(text.encode(), "x.yaml")
    assert decl.goal_mid == ("中期要做的事， 分两行写",)
