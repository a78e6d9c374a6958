"""The rules' shortcuts give what the long way gives: the placeholder pre-check is the
placeholder pattern, and the three value rules, which share one pass over the lines,
each still report their own findings, alone or together."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_rules import BASE

from formgen.loader import loads
from formgen.rules import _has_placeholder, check_declaration
from formgen.settings import Settings
from formgen.vocabulary import PLACEHOLDER


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet="_＿_a中 \0\n—", max_size=40))
def test_placeholder_precheck_is_the_pattern(text):
    assert _has_placeholder(text) == (PLACEHOLDER.search(text) is not None)


@pytest.mark.parametrize("text", ["", "_", "a_b_c", "__", "x＿y", "长文本" * 500 + "__"])
def test_placeholder_precheck_examples(text):
    assert _has_placeholder(text) == (PLACEHOLDER.search(text) is not None)


VALUE_RULES = ("W-VALUE-ASCII", "W-VALUE-NO-NUMBER", "W-VALUE-NO-UNIT")
# one malformed value of each kind, on lines 20, 21 and 24 (column 16 each)
MALFORMED = (
    BASE.replace("中期指标值: ≥30次", "中期指标值: '>=30次'")
    .replace("年度指标值: ≥10次", "年度指标值: ≥次")
    .replace("年度指标值: ≥100条", "年度指标值: '150'")
)


def _value_findings(disabled=()):
    decl = loads(MALFORMED.encode(), "t.yaml")
    found = check_declaration(decl, Settings("2015", frozenset(disabled)))
    return [(p.rule, p.line, p.column) for p in found if p.rule in VALUE_RULES]


def test_each_value_rule_reports_its_own_value():
    assert _value_findings() == [
        ("W-VALUE-ASCII", 20, 16),
        ("W-VALUE-NO-NUMBER", 21, 16),
        ("W-VALUE-NO-UNIT", 24, 16),
    ]


@pytest.mark.parametrize("off", VALUE_RULES)
def test_turning_one_value_rule_off_leaves_the_others(off):
    expected = [f for f in _value_findings() if f[0] != off]
    assert _value_findings(disabled=(off,)) == expected
