"""measure.lines breaks exactly as its previous version, kept here frozen: the pieces are
now found by a scan for where a long piece can start (not a regex split) and handled by
their index (not as a list of strings), so any slip would move a line break, a row height
and every output file."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

from hypothesis import given, settings
from hypothesis import strategies as st

from formgen import measure
from formgen.measure import NO_LINE_END, NO_LINE_START, width_em

# -- the frozen previous version ------------------------------------------------------

OLD_LONG_PIECE = re.compile(f"({measure._NUMBER_UNIT.pattern}|{measure._LATIN_WORD.pattern})")
OLD_LONG_PIECE_NO_GLUE = re.compile(f"({measure._LATIN_WORD.pattern})")


def old_units(line: str, glue_numbers: bool) -> list[str]:
    parts = (OLD_LONG_PIECE if glue_numbers else OLD_LONG_PIECE_NO_GLUE).split(line)
    units = list(parts[0])
    for piece, chars in zip(parts[1::2], parts[2::2], strict=True):
        units.append(piece)
        units += chars
    return units


def old_unit_widths(units: list[str], font_pt: float) -> list[float]:
    line = "".join(units)
    if len(line) != len(units):
        return [width_em(unit) * font_pt for unit in units]
    if measure._in_table().search(line) is None:
        return [font_pt] * len(units)
    return [w * font_pt for w in measure._char_ems(line)]


def old_pieces(units: list[str]) -> int:
    return len(units) - sum(map(str.isspace, units))


def old_cut_wide(units: list[str], limit: float, font_pt: float) -> list[str]:
    out: list[str] = []
    stack = units[::-1]
    while stack:
        unit = stack.pop()
        if len(unit) > 1 and not unit.isspace() and width_em(unit) * font_pt > limit:
            finer = old_units(unit, glue_numbers=False)
            stack.extend(reversed(finer if len(finer) > 1 else list(unit)))
        else:
            out.append(unit)
    return out


def old_first_over(widths: list[float], start: int, used: float, limit: float):
    window = 32
    while True:
        stop = min(len(widths), start + window)
        sums = list(accumulate(widths[start:stop], initial=used))
        k = bisect.bisect_right(sums, limit, 1)
        if k < len(sums) or stop == len(widths):
            return start + k - 1, sums[k - 1]
        window *= 4


def old_break(units: list[str], width_pt: float, font_pt: float, kinsoku: bool = True):
    limit = width_pt + 1e-6
    widths = old_unit_widths(units, font_pt)
    if max(widths, default=0.0) > limit:
        units = old_cut_wide(units, limit, font_pt)
        widths = old_unit_widths(units, font_pt)
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    i = 0
    while i < len(units):
        j, used = old_first_over(widths, i, used, limit)
        current += units[i:j]
        while j < len(units) and units[j].isspace():
            current.append(units[j])
            used += widths[j]
            j += 1
        if j == len(units):
            break
        unit = units[j]
        if not lines and not "".join(current).strip():
            current.append(unit)
            used += widths[j]
            i = j + 1
            continue
        while current and current[-1].isspace():
            current.pop()
        carry: list[str] = []
        first = unit
        while kinsoku and first[0] in NO_LINE_START and old_pieces(current) > 1:
            first = current.pop()
            carry.insert(0, first)
        while kinsoku and current and current[-1][-1] in NO_LINE_END and old_pieces(current) > 1:
            carry.insert(0, current.pop())
        if carry and width_em("".join(carry) + unit) * font_pt > limit:
            current.extend(carry)
            carry = []
        lines.append(current)
        current = carry + [unit]
        used = width_em("".join(current)) * font_pt if carry else widths[j]
        i = j + 1
    lines.append(current)
    return ["".join(parts).rstrip() for parts in lines]


def old_lines(text, width_cm, font_pt, *, glue_numbers=True, kinsoku=True) -> list[str]:
    width_pt = measure.line_width_pt(width_cm, font_pt)
    out: list[str] = []
    for paragraph in text.split("\n"):
        if paragraph and width_em(paragraph) * font_pt <= width_pt:
            out.append(paragraph.rstrip())
            continue
        if paragraph and measure._not_one_em().search(paragraph) is None:
            out += measure._break_em(paragraph, width_pt, font_pt, kinsoku)
            continue
        units = old_units(paragraph, glue_numbers)
        out.extend(old_break(units, width_pt, font_pt, kinsoku) if units else [""])
    return out


# -- the comparisons ------------------------------------------------------------------

# Every kind of character the rules tell apart: CJK, the punctuation kinsoku moves, signs,
# digits and what follows a number, unit characters, Latin (some wide, some listed in the
# table), spaces of every kind (the no-break space is also Latin), and new paragraphs.
CHARS = (
    list("网络安全监测信息巡查处置项目经费提升群众满意度") * 3
    + sorted(NO_LINE_START)
    + sorted(NO_LINE_END)
    + list(measure._SIGNS + "0123456789.,%％‰" + measure.UNIT_CHARS[:12])
    + list("abcWMi—–é")
    + [" ", " ", "\u3000", "\t", "\u00a0", "\n"]
)
TEXTS = st.text(alphabet=st.sampled_from(CHARS), max_size=160)
WIDTHS = st.floats(min_value=0.2, max_value=12.0)
SIZES = st.sampled_from([9.0, 10.5, 11.0, 12.0, 14.0])


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(TEXTS, WIDTHS, SIZES, st.booleans(), st.booleans())
def test_lines_are_the_previous_versions(text, width_cm, font_pt, glue, kinsoku):
    new = measure.lines(text, width_cm, font_pt, glue_numbers=glue, kinsoku=kinsoku)
    assert new == old_lines(text, width_cm, font_pt, glue_numbers=glue, kinsoku=kinsoku)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(TEXTS, WIDTHS, SIZES, st.booleans())
def test_breaking_given_pieces_is_the_previous_versions(text, width_cm, font_pt, kinsoku):
    """_break on pieces given as strings (as the other tests give them)."""
    width_pt = measure.line_width_pt(width_cm, font_pt)
    for paragraph in text.split("\n"):
        units = old_units(paragraph, True)
        assert measure._break(units, width_pt, font_pt, kinsoku) == old_break(
            units, width_pt, font_pt, kinsoku
        )


@settings(max_examples=800, deadline=None, derandomize=True)
@given(TEXTS, SIZES, st.booleans())
def test_pieces_and_widths_are_the_previous_versions(text, font_pt, glue):
    for paragraph in text.split("\n"):
        units = measure._units(paragraph, glue)
        assert units == old_units(paragraph, glue)
        assert measure._unit_widths(units, font_pt) == old_unit_widths(units, font_pt)


def test_long_cjk_paragraphs_with_numbers_are_the_previous_versions():
    """Goals as users write them: long, numbered, a number with its unit now and then."""
    goal = "目标{}：持续推进属地网络平台账号巡查，切实发挥财政资金使用效益；完成≥{}人次培训（含线上），覆盖率达到{}%。"
    text = "\n".join(goal.format(i, 100 * i, 90 + i % 10) for i in range(1, 13))
    for width_cm in (2.5, 3.37, 4.9, 6.95, 10.0):
        for font_pt in (10.5, 12.0):
            for kinsoku in (True, False):
                assert measure.lines(text, width_cm, font_pt, kinsoku=kinsoku) == old_lines(
                    text, width_cm, font_pt, kinsoku=kinsoku
                )
