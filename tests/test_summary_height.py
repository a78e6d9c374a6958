"""summary._height measures a row's texts longest first and stops where no text left can
take more lines than the most found (a line holds a character at least): it must give the
height of measuring them all."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from formgen import summary
from formgen.measure import MAX_ROW_PT, lines_height

# CJK, digits and Latin (a file name breaks between its characters), spaces, new lines.
CHARS = list("网络安全监测信息巡查，。（）") * 3 + list("0123456789_.abcxyz -\n")
TEXT = st.text(alphabet=st.sampled_from(CHARS), max_size=90)
ROW = st.lists(TEXT, min_size=len(summary.COLUMNS), max_size=len(summary.COLUMNS)).filter(any)


def all_measured(texts: list[str], size_pt: float) -> float:
    most = max(
        summary._lines(text, summary.COLUMNS[i].width_cm, size_pt)
        for i, text in enumerate(texts)
        if text
    )
    return round(min(lines_height(most, size_pt), MAX_ROW_PT), 2)


@settings(max_examples=600, deadline=None, derandomize=True)
@given(ROW, st.sampled_from([9.0, 10.5, 12.0]))
def test_longest_first_is_measuring_all(texts, size_pt):
    assert summary._height(texts, size_pt) == all_measured(texts, size_pt)


def test_a_short_text_can_be_the_tallest():
    """By hand: 序号 (1.0 cm, 0.78 cm inside: 22.1 pt) holds two CJK characters a line at
    10.5 pt, so nine characters there take five lines, more than a check result of 40
    characters in two paragraphs (5.6 cm, 152.5 pt, holds 14 a line: 2 + 2 lines)."""
    texts = [""] * len(summary.COLUMNS)
    texts[0] = "网络安全监测信息巡"
    texts[12] = "网" * 20 + "\n" + "络" * 20
    assert summary._lines(texts[0], summary.COLUMNS[0].width_cm, 10.5) == 5
    assert summary._lines(texts[12], summary.COLUMNS[12].width_cm, 10.5) == 4
    assert summary._height(texts, 10.5) == round(lines_height(5, 10.5), 2)
