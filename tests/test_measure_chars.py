"""measure._break_chars, the by-index path for paragraphs whose characters are a piece each
and none a space (CJK with a digit, a Latin letter or a listed symbol here and there),
gives exactly the lines of the general path (_units, then _break) it stands in for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from formgen import measure

# CJK, the punctuation kinsoku moves, and single characters narrower than an em (digits,
# Latin, dashes the table lists) that keep a paragraph off _break_em but make no piece of
# several characters when they stand alone.
ALONE = st.text(
    alphabet=st.sampled_from(
        list("网络安全监测信息巡查处置") * 4
        + list("，。、；：！？）】》”’…—～（【《“‘〔［")
        + list("1aW–—‑€™·")
    ),
    min_size=1,
    max_size=200,
)
WIDTHS = st.floats(min_value=0.2, max_value=9.0)
SIZES = st.sampled_from([9.0, 10.5, 12.0, 14.0])


def apart(paragraph: str) -> str:
    """The paragraph with each character that would join the one before it into a piece
    of several (two digits or letters in a row) made CJK."""
    out = list(paragraph)
    for i in range(1, len(out)):
        if measure._long_pieces(out[i - 1] + out[i], True):
            out[i] = "网"
    return "".join(out)


def general_lines(paragraph: str, width_pt: float, font_pt: float, kinsoku: bool) -> list[str]:
    return measure._break(measure._units(paragraph, True), width_pt, font_pt, kinsoku)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(ALONE, WIDTHS, SIZES, st.booleans())
def test_by_index_is_the_general_path(paragraph, width_cm, font_pt, kinsoku):
    width_pt = measure.line_width_pt(width_cm, font_pt)
    paragraph = apart(paragraph)
    assert not measure._long_pieces(paragraph, True)
    widths = measure._char_widths(paragraph, font_pt)
    expected = general_lines(paragraph, width_pt, font_pt, kinsoku)
    assert measure._break_chars(paragraph, widths, width_pt, font_pt, kinsoku) == expected


def test_lines_takes_the_by_index_path_for_such_paragraphs():
    """A goal as users write it: numbered, otherwise CJK; narrow enough to break often."""
    goal = "目标1：持续推进属地网络平台账号巡查，切实发挥财政资金使用效益；有序推进“巡查”。" * 3
    calls = []
    by_index = measure._break_chars

    def counted(*args):
        calls.append(args)
        return by_index(*args)

    measure._break_chars = counted
    try:
        for width_cm in (1.0, 2.5, 3.37, 6.95):
            width_pt = measure.line_width_pt(width_cm, 10.5)
            lines = measure.lines(goal, width_cm, 10.5)
            assert lines == general_lines(goal, width_pt, 10.5, True)
            assert "".join(lines) == goal and len(lines) > 1
    finally:
        measure._break_chars = by_index
    assert len(calls) == 4
