"""The 自评表 arithmetic against FORM-自评表.md, each expected figure worked out by hand
in a comment next to it (never by calling the code under test)."""

from decimal import Decimal as D

import pytest

from formgen import scoring as s

# -- rounding -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("9.585", "9.59"),  # half-up: Python's round(9.585, 2) gives 9.58
        ("9.584999", "9.58"),
        ("0.005", "0.01"),
        ("5.5", "5.50"),
    ],
)
def test_round2_is_half_up(value, expected):
    assert s.round2(D(value)) == D(expected)
    assert str(s.round2(D(value))) == expected


# -- funds ----------------------------------------------------------------------------


def test_execution_rate_and_funds_score_by_hand():
    # 21.35 ÷ 22 = 0.970454… → shown 0.9705 = 97.05 %; 10 × 0.970454… = 9.70454… → 9.70
    assert s.rate_text(s.execution_rate(D(22), D("21.35"))) == "97.05%"
    assert s.shown_rate(s.execution_rate(D(22), D("21.35"))) == D("0.9705")
    assert s.funds_score(D(22), D("21.35")) == D("9.70")
    # 115 ÷ 120 = 0.958333… → 95.83 %; 10 × 0.958333… = 9.58333… → 9.58
    assert s.rate_text(s.execution_rate(D(120), D(115))) == "95.83%"
    assert s.funds_score(D(120), D(115)) == D("9.58")
    # 19.55 ÷ 20 = 0.9775 exactly → 97.75 %
    assert s.rate_text(s.execution_rate(D(20), D("19.55"))) == "97.75%"
    # 1.8 ÷ 2 = 0.9 → 90.00 %; 10 × 0.9 = 9 → 9.00
    assert s.rate_text(s.execution_rate(D(2), D("1.8"))) == "90.00%"
    assert s.funds_score(D(2), D("1.8")) == D("9.00")


def test_rate_half_up_at_the_fourth_place():
    # 0.123450 exactly (24.69 ÷ 200) → 0.1235 half-up = 12.35 % (banker's would give 12.34 %)
    assert s.rate_text(s.execution_rate(D(200), D("24.69"))) == "12.35%"


def test_overspent_rate_shown_but_score_capped():
    # 110 ÷ 100 = 1.1 → 110.00 %; 10 × 1.1 = 11 > 10 → 10.00
    assert s.rate_text(s.execution_rate(D(100), D(110))) == "110.00%"
    assert s.funds_score(D(100), D(110)) == D("10.00")


@pytest.mark.parametrize("budget, spent", [(None, D(5)), (D(5), None), (D(0), D(0)), (None, None)])
def test_no_rate_is_empty_not_zero(budget, spent):
    assert s.execution_rate(budget, spent) is None
    assert s.rate_text(s.execution_rate(budget, spent)) == ""
    assert s.funds_score(budget, spent) is None


# -- weights ------------------------------------------------------------------------------


def test_default_weights_shared_last_takes_remainder():
    # 50 ÷ 9 = 5.5555… → 5.56 for eight lines = 44.48; the ninth 50 − 44.48 = 5.52
    assert s.share_weights(D(50), [None] * 9) == [D("5.56")] * 8 + [D("5.52")]
    # 30 ÷ 7 = 4.2857… → 4.29 × 6 = 25.74; last 30 − 25.74 = 4.26
    assert s.share_weights(D(30), [None] * 7) == [D("4.29")] * 6 + [D("4.26")]
    # 10 ÷ 3 = 3.333… → 3.33, 3.33, 3.34
    assert s.share_weights(D(10), [None] * 3) == [D("3.33"), D("3.33"), D("3.34")]


def test_given_weights_taken_off_first():
    # 产出 50, one line gives 6: 44 left for 8 lines = 5.5 each
    weights = s.share_weights(D(50), [None, None, None, None, D(6), None, None, None, None])
    assert weights == [D("5.50")] * 4 + [D(6)] + [D("5.50")] * 4
    assert sum(weights) == D(50)
    # 效益 30, two lines give 0: 30 for the other 2 = 15 each
    assert s.share_weights(D(30), [D(0), None, D(0), None]) == [D(0), D(15), D(0), D(15)]


def test_all_lines_give_their_own_weight_even_if_not_the_pool():
    # every line gives 分值: the 一级 sums to what they give (20 + 25 = 45), not to 50
    assert s.share_weights(D(50), [D(20), D(25)]) == [D(20), D(25)]


def test_given_more_than_the_pool_leaves_a_negative_share():
    # 50 − 60 = −10 for the one free line: the check refuses it, the arithmetic does not hide it
    assert s.share_weights(D(50), [D(60), None]) == [D(60), D(-10)]


# -- reading values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, op, number, unit",
    [
        ("≥60家", "≥", "60", "家"),
        ("≤24小时", "≤", "24", "小时"),
        ("满意率≥90%", "≥", "90", "%"),
        ("满意 ≥95%", "≥", "95", "%"),
        ("满意率95%以上", "≥", "95", "%"),
        ("＞５０％", "≥", "50", "%"),  # full width
        ("＜3万元", "≤", "3", "万元"),
        ("=0", "=", "0", ""),
        ("安全事故＝0起", "=", "0", "起"),
        ("100%", None, "100", "%"),
        ("约10万元", None, "10", "万元"),
        ("12.5万元", None, "12.5", "万元"),
        ("不超过10万元", "≤", "10", "万元"),
    ],
)
def test_read_measure(text, op, number, unit):
    assert s.read_measure(text) == s.Measure(op, D(number), unit)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("持续提升", s.QUALITATIVE),
        ("正常开展活动", s.QUALITATIVE),
        ("", s.QUALITATIVE),
        ("7×24小时全年", s.UNREADABLE),
        ("2022年12月底前", s.UNREADABLE),
        ("≥5以下", s.UNREADABLE),
    ],
)
def test_read_measure_not_a_number(text, kind):
    assert s.read_measure(text) == kind


# -- an indicator's 得分 ---------------------------------------------------------------------


def test_at_least_target_met_and_missed():
    # ≥5次, 4次, 分值 5.5: 5.5 × 4/5 = 4.40
    assert s.indicator_score(D("5.5"), "≥5次", "4次").score == D("4.40")
    # ≥60家, 63家: 63/60 > 1 → full 5.50
    assert s.indicator_score(D("5.5"), "≥60家", "63家").score == D("5.50")
    # bare 100%, 97%, 分值 4.29: 4.29 × 0.97 = 4.1613 → 4.16
    assert s.indicator_score(D("4.29"), "100%", "97%").score == D("4.16")
    # ≥ 3, actual 2, 分值 10: 10 × 2/3 = 6.666… → 6.67
    assert s.indicator_score(D(10), "≥3次", "2次").score == D("6.67")


def test_at_least_ratio_for_the_130_percent_warning():
    # 7 ÷ 5 = 1.4
    assert s.indicator_score(D("5.5"), "≥5起", "7起").ratio == D("1.4")
    assert s.indicator_score(D("5.5"), "≤5起", "7起").ratio is None


def test_at_most_target_met_and_overrun():
    # ≤7万元, 6.85万元: within → full 5.50
    assert s.indicator_score(D("5.5"), "≤7万元", "6.85万元").score == D("5.50")
    # ≤7万元, 8万元, 分值 6: 6 × 7/8 = 5.25
    assert s.indicator_score(D(6), "≤7万元", "8万元").score == D("5.25")
    # ≤24小时, 30小时, 分值 5: 5 × 24/30 = 4.00
    assert s.indicator_score(D(5), "≤24小时", "30小时").score == D("4.00")
    # ≤10万元, 0万元: full marks (0 included)
    assert s.indicator_score(D(5), "≤10万元", "0万元").score == D("5.00")
    # ≤0 and 2: 5 × 0/2 = 0
    assert s.indicator_score(D(5), "≤0起", "2起").score == D("0.00")


def test_equal_target():
    # =0 with 0: full; with 1: 0
    assert s.indicator_score(D(5), "安全事故=0起", "0起").score == D("5.00")
    assert s.indicator_score(D(5), "安全事故=0起", "1起").score == D("0.00")
    # =20 with 18: 5 × 18/20 = 4.50; with 25: 5 × 20/25 = 4.00
    assert s.indicator_score(D(5), "=20人", "18人").score == D("4.50")
    assert s.indicator_score(D(5), "=20人", "25人").score == D("4.00")
    # =20 with 0: 0
    assert s.indicator_score(D(5), "=20人", "0人").score == D("0.00")


def test_by_hand_cases():
    assert s.indicator_score(D(5), "持续提升", "有所提升").why == s.BY_HAND_QUALITATIVE
    assert s.indicator_score(D(5), "≥60家", "60个").why == s.BY_HAND_UNITS
    assert s.indicator_score(D(5), "≥90%", "0.95").why == s.BY_HAND_UNITS
    assert s.indicator_score(D(5), "7×24小时全年", "全年").why == s.BY_HAND_UNREADABLE
    assert s.indicator_score(D(5), "≥60家", "约60家以上").why == s.BY_HAND_UNREADABLE
    assert s.indicator_score(D(5), "", "3家").why == s.NO_TARGET
    assert s.indicator_score(D(5), "≥60家", None).why == s.NO_ACTUAL
    for why in (s.BY_HAND_QUALITATIVE, s.BY_HAND_UNITS, s.NO_TARGET, s.NO_ACTUAL):
        assert s.AutoScore(None, why).score is None
    # a line weighing 0 (不适用) scores 0 whatever it says
    assert s.indicator_score(D(0), "不适用", "不适用").score == D("0.00")


# -- qualitative bands -------------------------------------------------------------------------


def test_grade_bands_at_their_edges():
    w = D(10)
    # 达成: 8 – 10 inclusive
    assert s.in_band("达成年度指标", w, D(8))
    assert s.in_band("达成年度指标", w, D(10))
    assert not s.in_band("达成年度指标", w, D("7.99"))
    # 部分达成: 6 inclusive – 8 exclusive (80 % belongs to 达成)
    assert s.in_band("部分达成年度指标并具有一定效果", w, D(6))
    assert s.in_band("部分达成年度指标并具有一定效果", w, D("7.99"))
    assert not s.in_band("部分达成年度指标并具有一定效果", w, D(8))
    assert not s.in_band("部分达成年度指标并具有一定效果", w, D("5.99"))
    # 未达成: 0 – 6 exclusive
    assert s.in_band("未达成年度指标且效果较差", w, D(0))
    assert s.in_band("未达成年度指标且效果较差", w, D("5.99"))
    assert not s.in_band("未达成年度指标且效果较差", w, D(6))
    # 分值 15: 达成 from 12; 11.99 is out
    assert s.in_band("达成年度指标", D(15), D(12))
    assert not s.in_band("达成年度指标", D(15), D("11.99"))
    assert s.band_text("达成年度指标", D(15)) == "12 – 15 分"


# -- total ----------------------------------------------------------------------------------------


def test_total_score():
    # the example: 9.70 + 5.5 × 7 + 4.40 + 6 + 15 + 13.5 + 0 + 0 + 10 = 97.10
    parts = [D("9.70")] + [D("5.50")] * 7 + [D("4.40"), D(6), D(15), D("13.5"), D(0), D(0), D(10)]
    assert s.total_score(parts) == D("97.10")
    assert s.total_score([D("9.70"), None]) is None


def test_plain():
    assert s.plain(D("50.00")) == "50"
    assert s.plain(D("5.50")) == "5.5"
    assert s.plain(D("16.67")) == "16.67"
    assert s.plain(D("0")) == "0"
