"""Property (issue 10): whatever text a user types, unquoted, where a text belongs, either
formgen refuses the file with a positioned Chinese message, or every character typed is in
the output grid, except the part after a ` #` that a W-TEXT-COMMENT warning shows."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from formgen.errors import DeclarationError
from formgen.kinds.shenbao import layout
from formgen.loader import loads
from formgen.rules import check_declaration
from formgen.xlsx_writer import write_xlsx
from gridio import read_xlsx

CJK = re.compile(r"[\u4e00-\u9fff]")
# What users type, and every character YAML gives a meaning to.
ALPHABET = list("网络安全培训目标完成单位年度一二三ABxy0129 #:：&*!%@`[]{}'\"<>|-?,.、（）\u3000")
NULLS = {"~", "null", "Null", "NULL"}  # YAML's empty value, written as a word


def typed_text(text: str) -> bool:
    """A text a user types, rather than YAML quoting or an empty value on purpose."""
    return (
        text == text.strip(" ")
        and text not in NULLS
        and not re.fullmatch(r"\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^']|'')*'", text)
    )


PLAIN = list("网络安全培训目标完成单位年度一二三ABxy0129 ，。、（）≥%")
texts = st.one_of(
    st.text(st.sampled_from(PLAIN), min_size=1, max_size=14),
    st.text(st.sampled_from(PLAIN), min_size=1, max_size=14),
    st.text(st.sampled_from(ALPHABET), min_size=1, max_size=14),
).filter(typed_text)

FIELDS = (  # field path → (the cell's field, how the value sits in the cell)
    "项目名称",
    "实施单位",
    "项目属性",
    "项目期",
    "总体目标.中期目标",
    "总体目标.年度目标[0]",
    "总体目标.年度目标[1]",
    "绩效指标.产出指标.数量指标[0].三级指标",
    "绩效指标.产出指标.数量指标[0].中期指标值",
    "绩效指标.产出指标.数量指标[0].年度指标值",
)
TEMPLATE = """\
年度: 2022
项目名称: {0}
实施单位: {1}
项目属性: {2}
项目期: {3}
总体目标:
  中期目标: {4}
  年度目标:
    - {5}
    - {6}
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: {7}
        中期指标值: {8}
        年度指标值: {9}
"""


def kept(typed: str, warnings: list) -> str:
    """What should reach the cell: all of it, or what is before the comment a warning shows."""
    if not warnings:
        return typed
    (warning,) = warnings
    dropped = re.search(r"“(#.*)”被当作注释", warning.message).group(1)
    if typed.startswith("#"):  # typed where the value goes: all of it is the comment
        assert dropped == typed, (typed, dropped)
        return ""
    before, sep, after = typed.partition(" #")
    assert sep and "#" + after == dropped, (typed, dropped)
    return before.rstrip(" ")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.lists(texts, min_size=len(FIELDS), max_size=len(FIELDS)))
def test_every_typed_text_reaches_the_grid_or_is_refused_at_a_position(values):
    assume(not values[0].startswith("#"))  # 项目名称 is required: an empty one is refused
    source = TEMPLATE.format(*values)
    n_lines = source.count("\n") + 1
    try:
        decl = loads(source.encode(), "p.yaml")
    except DeclarationError as exc:
        event("refused")
        for problem in exc.problems:
            assert problem.line is not None and 1 <= problem.line <= n_lines, problem.format()
            assert problem.column is not None and problem.column >= 1, problem.format()
            assert CJK.search(problem.message) and problem.hint, problem.format()
        return
    event("built")
    notes = [p for p in check_declaration(decl) if p.rule == "W-TEXT-COMMENT"]
    assert all(n.line is not None for n in notes)
    grid = layout(decl)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.xlsx"
        write_xlsx(grid, path)
        cells = read_xlsx(path)
    by_field = {c.field: cells.get(c.ref, "") for c in grid.cells if c.field}
    expect = {
        path: kept(v, [n for n in notes if n.field == path])
        for path, v in zip(FIELDS, values, strict=True)
    }
    goals = [expect["总体目标.年度目标[0]"], expect["总体目标.年度目标[1]"]]
    line = "绩效指标.产出指标.数量指标[0]"
    assert by_field["项目名称"] == expect["项目名称"]
    assert by_field["实施单位"] == expect["实施单位"]
    assert by_field["项目属性"] == expect["项目属性"]
    assert by_field["项目期"] == expect["项目期"]
    assert by_field["总体目标.中期目标"] == expect["总体目标.中期目标"]
    assert by_field["总体目标.年度目标"] == "\n".join(g for g in goals if g)
    for side in ("中期", "年度"):
        assert by_field[f"{line}.{side}三级指标"] == expect[f"{line}.三级指标"]
        assert by_field[f"{line}.{side}指标值"] == expect[f"{line}.{side}指标值"]
