"""The arithmetic of the 项目支出绩效自评表, as ../shared/FORM-自评表.md states it.

Pure functions on Decimals, so that a figure is the same in .docx, .xlsx and in a
hand calculation: ratios are exact, and each printed figure is rounded once,
half-up, to two places (a rate to two places of its percentage). Nothing here
knows about YAML or grids; the 自评表 kind and its rules call these.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")  # 95.83 % is 0.9583
FUNDS_WEIGHT = Decimal(10)
TOTAL_WEIGHT = Decimal(100)
# The 2020 form's default weight of each 一级, shared among its annual lines.
DEFAULT_WEIGHTS = {
    "产出指标": Decimal(50),
    "效益指标": Decimal(30),
    "满意度指标": Decimal(10),
}

# The grades of a qualitative line and the share of its 分值 each allows, as
# 财预〔2020〕10号 puts it: 100–80 %（含）, 80–60 %（含）, 60–0 %. The lower bound
# is included, the upper one only for the top grade: 80 % is 达成, not 部分达成.
GRADES = {
    "达成年度指标": (Decimal("0.8"), Decimal(1)),
    "部分达成年度指标并具有一定效果": (Decimal("0.6"), Decimal("0.8")),
    "未达成年度指标且效果较差": (Decimal(0), Decimal("0.6")),
}
TOP_GRADE = "达成年度指标"


def round2(value: Decimal) -> Decimal:
    """Half-up to two places: 9.585 → 9.59 (Python's round() would give 9.58)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 50.00 → '50', 5.50 → '5.5'."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- funds ------------------------------------------------------------------------


def execution_rate(budget: Decimal | None, spent: Decimal | None) -> Decimal | None:
    """全年执行数 ÷ 全年预算数, exact; None when either is missing or the budget is 0."""
    if budget is None or spent is None or budget == 0:
        return None
    return spent / budget


def shown_rate(rate: Decimal | None) -> Decimal | None:
    """The rate as printed: a fraction rounded half-up to 4 places (0.9583 = 95.83 %)."""
    return None if rate is None else rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def rate_text(rate: Decimal | None) -> str:
    """'95.83%'; '' when there is no rate."""
    shown = shown_rate(rate)
    return "" if shown is None else f"{shown * 100:.2f}%"


def funds_score(
    budget: Decimal | None, spent: Decimal | None, weight: Decimal = FUNDS_WEIGHT
) -> Decimal | None:
    """分值 × 执行率, at most 分值, from the exact rate; None when there is no rate."""
    rate = execution_rate(budget, spent)
    if rate is None:
        return None
    return round2(min(weight, weight * rate))


# -- weights -----------------------------------------------------------------------


def share_weights(pool: Decimal, given: list[Decimal | None]) -> list[Decimal]:
    """Each line's 分值 in one 一级: what a line gives is kept; what is left of `pool`
    is shared equally among the others, rounded to cents, the last taking the rest
    so that the 一级 sums to `pool` exactly (unless every line gives its own)."""
    free = [i for i, g in enumerate(given) if g is None]
    rest = pool - sum((g for g in given if g is not None), Decimal(0))
    weights = [g if g is not None else Decimal(0) for g in given]
    if not free:
        return weights
    share = round2(rest / len(free))
    for i in free[:-1]:
        weights[i] = share
    weights[free[-1]] = rest - share * (len(free) - 1)
    return weights


# -- reading a target or an actual -----------------------------------------------------

AT_LEAST, AT_MOST, EQUAL = "≥", "≤", "="
_OPS = {
    "≥": AT_LEAST,
    ">=": AT_LEAST,
    ">": AT_LEAST,
    "不低于": AT_LEAST,
    "不少于": AT_LEAST,
    "≤": AT_MOST,
    "<=": AT_MOST,
    "<": AT_MOST,
    "不高于": AT_MOST,
    "不超过": AT_MOST,
    "不多于": AT_MOST,
    "=": EQUAL,
}
_SUFFIXES = {"及以上": AT_LEAST, "以上": AT_LEAST, "及以下": AT_MOST, "以下": AT_MOST}
_OP_PATTERN = "|".join(sorted(map(re.escape, _OPS), key=len, reverse=True))
_SUFFIX_PATTERN = "|".join(sorted(_SUFFIXES, key=len, reverse=True))
_MEASURE = re.compile(
    rf"^(?P<prefix>[^\d]*?)\s*(?P<op>{_OP_PATTERN})?\s*(?P<number>\d+(?:\.\d+)?)"
    rf"\s*(?P<unit>[^\d]*?)\s*(?P<suffix>{_SUFFIX_PATTERN})?\s*$"
)


@dataclass(frozen=True)
class Measure:
    """A value read as a number: `满意率≥90%` is (≥, 90, '%'); op is None when none is written."""

    op: str | None
    number: Decimal
    unit: str


QUALITATIVE = "qualitative"  # no digit at all: 持续提升, 正常开展活动
UNREADABLE = "unreadable"  # digits, but not one number with a unit: 7×24小时全年


def read_measure(text: str) -> Measure | str:
    """A Measure, or QUALITATIVE, or UNREADABLE. Full-width forms count as their ASCII
    ones (９０％ is 90%); text before the comparison (满意率) is a name, not a unit."""
    normal = unicodedata.normalize("NFKC", text or "").strip()
    if not re.search(r"\d", normal):
        return QUALITATIVE
    match = _MEASURE.match(normal)
    if not match:
        return UNREADABLE
    op = _OPS.get(match["op"]) if match["op"] else None
    suffix = _SUFFIXES.get(match["suffix"]) if match["suffix"] else None
    if op and suffix and op != suffix:
        return UNREADABLE
    return Measure(op or suffix, Decimal(match["number"]), match["unit"].replace(" ", ""))


# -- an indicator's 得分 ----------------------------------------------------------------

SCORED, BY_HAND_QUALITATIVE, BY_HAND_UNITS, BY_HAND_UNREADABLE, NO_TARGET, NO_ACTUAL = (
    "scored",
    "qualitative",
    "units",
    "unreadable",
    "no-target",
    "no-actual",
)


@dataclass(frozen=True)
class AutoScore:
    """The computed 得分 of a line, or why it must be given by hand (score None)."""

    score: Decimal | None
    why: str = SCORED
    ratio: Decimal | None = None  # actual ÷ target for a ≥ target, for the 130 % warning


def ratio_score(weight: Decimal, op: str | None, target: Decimal, actual: Decimal) -> Decimal:
    """分值 × the share of the target met, before rounding (FORM-自评表.md 'Numbers')."""
    if op == AT_MOST:
        share = Decimal(1) if actual <= target else target / actual
    elif op == EQUAL:
        if target == 0:
            share = Decimal(1) if actual == 0 else Decimal(0)
        elif actual == 0:
            share = Decimal(0)
        else:
            share = min(actual / target, target / actual)
    else:  # ≥, >, or a bare number
        share = Decimal(1) if target == 0 else min(Decimal(1), actual / target)
    return weight * share


def indicator_score(weight: Decimal, target_text: str, actual_text: str | None) -> AutoScore:
    """The 得分 of one line from its 年度指标值 and 实际完成值, when both can be read as
    numbers in the same unit; otherwise None and the reason. A line weighing 0 scores 0."""
    if weight == 0:
        return AutoScore(Decimal("0.00"))
    target = read_measure(target_text)
    if not (target_text or "").strip():
        return AutoScore(None, NO_TARGET)
    if target == QUALITATIVE:
        return AutoScore(None, BY_HAND_QUALITATIVE)
    if actual_text is None or not actual_text.strip():
        return AutoScore(None, NO_ACTUAL)
    if not isinstance(target, Measure):  # UNREADABLE, the only other string
        return AutoScore(None, BY_HAND_UNREADABLE)
    actual = read_measure(actual_text)
    if not isinstance(actual, Measure) or actual.op is not None:
        return AutoScore(None, BY_HAND_UNREADABLE)
    if actual.unit != target.unit:
        return AutoScore(None, BY_HAND_UNITS)
    ratio = None
    if target.op in (AT_LEAST, None) and target.number > 0:
        ratio = actual.number / target.number
    return AutoScore(
        round2(ratio_score(weight, target.op, target.number, actual.number)), SCORED, ratio
    )


def in_band(grade: str, weight: Decimal, score: Decimal) -> bool:
    """Whether a qualitative line's 得分 lies in the band of the grade it claims."""
    low, high = GRADES[grade]
    if weight == 0:
        return score == 0
    share = score / weight
    if grade == TOP_GRADE:
        return low <= share <= high
    return low <= share < high


def band_text(grade: str, weight: Decimal) -> str:
    """The band in points, for messages: '4.8 – 6 分'."""
    low, high = GRADES[grade]
    return f"{plain(round2(weight * low))} – {plain(round2(weight * high))} 分"


def total_score(parts: list[Decimal | None]) -> Decimal | None:
    """总分: the funds' 得分 plus every line's 得分; None if any is missing."""
    known = [p for p in parts if p is not None]
    if len(known) != len(parts):
        return None
    return round2(sum(known, Decimal(0)))
