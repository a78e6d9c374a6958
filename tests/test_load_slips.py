"""find_slips' fast path: a file whose every line fits _CLEAN has no slip to find.

The line-by-line scan (_scan_slips) is the judge, and the frozen plain scan of
test_reader_fast (as it was before any speed work) judges it too. The texts here are built
mostly of well-formed lines, so that the fast path is taken often, with the lines near what
it must refuse: keys with nothing after them, deeper lines, a list item's key.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_reader_fast import plain_find_slips

from formgen.reader import _clean_lines, _scan_slips, find_slips

DECLARATIONS = Path(__file__).parent.parent / "declarations"

INDENTS = ("", " ", "  ", "   ", "    ", "     ", "      ", "        ")
DASHES = ("", "", "- ", "-  ", "- - ", "-")
KEYS = ("项目名称", "指标", "三级指标", "中期指标值", "年度三级指标", "目标1", "x", "'k'", "-k")
AFTER = (": 文字", ":", ": ", ":  # 注", ": #注", ":#注", "：", "：文字", ":文字", ":9:30", "")
AFTER += (": 9:30", ":\t", ": \t", ":\r", ": 文字 #2", "", " 文字", ": |", ": '文字")
EXTRA = ("", "", "", " ", "\r", "\u3000", "#", " # 注", "文字")

line = st.tuples(
    st.sampled_from(INDENTS),
    st.sampled_from(DASHES),
    st.sampled_from(KEYS),
    st.sampled_from(AFTER),
    st.sampled_from(EXTRA),
).map("".join)
comment_or_blank = st.sampled_from(("", "  ", "# 注", "  # 注", "\t", "  \u3000"))
texts = st.lists(st.one_of(line, line, line, comment_or_blank), max_size=14).map("\n".join)
texts = st.tuples(texts, st.sampled_from(("", "\n", "\n\n"))).map("".join)


def same_as_the_scans(text: str) -> bool:
    """find_slips gives what both scans give; True when it took the fast path."""
    clean = bool(_clean_lines().fullmatch(text))
    plain = plain_find_slips(text, "x.yaml")
    if clean:
        assert plain == [] and _scan_slips(text, "x.yaml") == [], text
    assert find_slips(text, "x.yaml") == plain, text
    return clean


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_a_file_the_fast_path_takes_has_no_slip(text):
    same_as_the_scans(text)


# Lines a declaration is made of, at the indents a key's value and a list take.
SHAPES = (
    "a:",
    "  a:",
    "    a:",
    "a:  # 注",
    "- a:",
    "  - a:",
    "a: 值",
    "  a: 值",
    "   a: 值",
    "    a: 值",
    "     a: 值",
    "      a: 值",
    "- a: 值",
    " - a: 值",
    "  - a: 值",
    "    - a: 值",
    "- 值",
    " - 值",
    "  - 值",
    "    - 值",
    "  - 三级指标：x",
    "  - 三级指标:x",
    "  - 目标1：x",
    "  - 中期指标值: 9:30",
    "  # 注",
    "",
)


def test_every_two_and_three_lines_of_a_declaration():
    taken = 0
    for n in (1, 2, 3):
        for lines in itertools.product(SHAPES, repeat=n):
            taken += same_as_the_scans("\n".join(lines) + "\n")
    assert taken > 1000  # the fast path was taken, not only refused


def test_what_the_fast_path_refuses_is_found_by_the_scan():
    # Each is a slip the scan finds, and each line but the slip's fits _CLEAN.
    slips = {
        "指标:\n    三级指标: a\n  - 三级指标: b\n": (2, 3, "E-YAML-DASH"),
        "指标:\n   三级指标: a\n - 三级指标: b\n": (2, 2, "E-YAML-DASH"),
        "指标:  # 注\n    三级指标: a\n  - 三级指标: b\n": (2, 3, "E-YAML-DASH"),
        "- 指标:\n      三级指标: a\n    - 三级指标: b\n": (2, 5, "E-YAML-DASH"),
        "指标:\n- 三级指标：a\n": (2, 7, "E-YAML-FULLWIDTH-COLON"),
        "指标:\n- 三级指标:a\n": (2, 7, "E-YAML-COLON-SPACE"),
        "项目名称：a\n": (1, 5, "E-YAML-FULLWIDTH-COLON"),
        "项目名称:a\n": (1, 5, "E-YAML-COLON-SPACE"),
        "指标:\n- a\nb\n": (3, 1, "E-YAML-DASH"),
        "项目资金:\n\u3000中期: 1\n": (2, 1, "E-YAML-FULLWIDTH-SPACE"),
    }
    for text, (line, column, code) in slips.items():
        assert not _clean_lines().fullmatch(text), text
        (problem,) = find_slips(text, "x.yaml")
        assert (problem.line, problem.column, problem.code) == (line, column, code), text


def test_the_bundled_declarations_take_the_fast_path():
    for path in sorted(DECLARATIONS.glob("*.yaml")):
        assert same_as_the_scans(path.read_text("utf-8")), path.name
