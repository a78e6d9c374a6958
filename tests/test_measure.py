"""formgen.measure: lines and heights from font metrics, worked out by hand here.

At 10.5 pt a CJK character is 10.5 pt wide (one em); a cell's inner margins take
CELL_PADDING_CM off its width. `width_for(n)` is the narrowest cell holding n such
characters a line, so the expectations below follow from n alone.
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from formgen import measure

PT = 10.5


def test_cjk_characters_are_one_em_and_lines_are_whole_characters():
    four = measure.width_for(4, PT)
    assert measure.lines("一二三四五六七八九", four, PT) == ["一二三四", "五六七八", "九"]
    # a hair narrower holds three: a character is never split across lines
    assert measure.lines("一二三四五六", four - 0.02, PT) == ["一二三", "四五六"]
    assert measure.advance_em("中") == 1.0 and measure.advance_em("，") == 1.0


def test_latin_characters_use_their_own_advances():
    # SimSun draws ASCII half an em; the fallbacks' capitals are wider (Noto Serif CJK 'M'
    # is 0.975 em), lowercase 'i' is at SimSun's half em. Ten em hold 20 i but not 20 M.
    ten = measure.width_for(10, PT)
    assert measure.advance_em("i") == 0.5
    assert 0.9 < measure.advance_em("M") < 1.0
    assert measure.lines("i" * 20, ten, PT) == ["i" * 20]
    assert measure.lines("M" * 20, ten, PT) == ["M" * 10, "M" * 10]  # 10 M are 9.75 em
    assert measure.n_lines("M" * 21, ten, PT) == 3 and measure.n_lines("i" * 21, ten, PT) == 2


def test_no_line_starts_with_closing_punctuation():
    four = measure.width_for(4, PT)
    # "一二三四" fills the line; "。" may not begin the next, so "四" moves down with it
    assert measure.lines("一二三四。五六", four, PT) == ["一二三", "四。五六"]
    assert measure.lines("一二三（四五", four, PT) == [
        "一二三",
        "（四五",
    ]  # no "（" at a line's end


def test_number_with_unit_moves_whole_where_the_line_holds_it():
    six = measure.width_for(6, PT)
    # ≥2400人次 is 1 + 4 digits (about 0.56 em each) + 2 = 5.2 em: it fits a line of six
    assert measure.lines("培训人员≥2400人次", six, PT) == ["培训人员", "≥2400人次"]
    four = measure.width_for(4, PT)
    # in a line of four it cannot stay whole: cut between number and unit, not inside them
    assert measure.lines("≥2400人次", four, PT) == ["≥2400", "人次"]


def test_height_is_lines_at_the_fonts_pitch_plus_padding():
    line_em = measure.line_em()
    assert 1.4 < line_em < 1.5  # Noto CJK's ascent + descent: 1.448 em
    four = measure.width_for(4, PT)
    assert measure.height_pt("一二三四五", four, PT) == 2 * PT * line_em + measure.ROW_PADDING_PT
    assert measure.height_pt("甲\n乙\n丙", four, PT) == 3 * PT * line_em + measure.ROW_PADDING_PT


def test_orphans_in_labels():
    assert measure.orphaned("满意度指标", measure.width_for(4, PT), PT)  # 满意度指 / 标
    assert not measure.orphaned("满意度指标", measure.width_for(5, PT), PT)
    assert not measure.orphaned("满意度指标", measure.width_for(3, PT), PT)  # 满意度 / 指标
    assert measure.orphaned("项目资金（万元）", measure.width_for(7, PT), PT)  # a lone "）"
    assert not measure.orphaned("项目资金\n（万元）", measure.width_for(4, PT), PT)


TEXT = st.text(
    alphabet=st.sampled_from(
        list("网络安全监测信息巡查和舆情处置，。、；：（）“”≥%") + list(string.digits + "ab ")
    ),
    min_size=10,
    max_size=400,
)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.integers(min_value=3, max_value=40))
def test_lines_keep_every_character_fit_and_obey_kinsoku(text, chars):
    """Texts of 10–400 characters at any column width: nothing lost, every line fits, and
    no line starts with closing punctuation unless the line before is a single piece."""
    width = measure.width_for(chars, PT)
    room = (width - measure.CELL_PADDING_CM) * measure.PT_PER_CM / PT  # in em
    lines = measure.lines(text, width, PT)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for i, line in enumerate(lines):
        if len(line) > 1:
            assert measure.width_em(line.rstrip()) <= room + 1e-6, line
        if i and line[:1] in measure.NO_LINE_START:
            # allowed only where moving pieces down cannot help: all of the line before
            # would have to move, the pieces would not fit, or a Latin word too long for
            # any line was cut between its letters
            before = measure._units(lines[i - 1], True)
            k = len(before) - 1
            while k > 0 and before[k][0] in measure.NO_LINE_START:
                k -= 1
            while k > 0 and before[k - 1][-1] in measure.NO_LINE_END:
                k -= 1  # an opening bracket would be left at the line's end: it moves too
            moved = "".join(before[k:]) + measure._units(line, True)[0]
            cut_word = lines[i - 1][-1:].isascii() and line[0].isascii()
            assert k == 0 or measure.width_em(moved) > room or cut_word, (lines[i - 1], line)


def test_kinsoku_never_leaves_an_empty_line():
    """Found by the property test: a space before closing punctuation let kinsoku move the
    whole line down, leaving an empty line (a blank printed line, a row estimated too tall)."""
    width = measure.width_for(3, PT)
    assert measure.lines("0 ”””", width, PT) == ["0", "”””"]
    assert "" not in measure.lines("000000 ”””", width, PT)


def _pieces_one_by_one(line: str, glue_numbers: bool) -> list[str]:
    """The rule _units follows, tried position by position: a number with its unit (it
    must hold a digit), else a run of Latin, else one character."""
    out, i = [], 0
    while i < len(line):
        m = measure._NUMBER_UNIT.match(line, i) if glue_numbers else None
        if not (m and any(c.isdigit() for c in m.group())):
            m = measure._LATIN_WORD.match(line, i)
        piece = m.group() if m else line[i]
        out.append(piece)
        i += len(piece)
    return out


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=60), st.booleans())
def test_the_shortcuts_give_the_lines_of_breaking_piece_by_piece(text, chars, glue):
    """_units splits in one regex pass, and a paragraph that fits whole is not broken:
    both give what breaking the pieces one by one gives."""
    text = text.replace("a", "\n", 3)  # some empty and short paragraphs
    assert measure._units(text, glue) == _pieces_one_by_one(text, glue)
    width = measure.width_for(chars, PT)
    width_pt = max(PT, (width - measure.CELL_PADDING_CM) * measure.PT_PER_CM)
    slow = []
    for paragraph in text.split("\n"):
        units = _pieces_one_by_one(paragraph, glue)
        slow += measure._break(units, width_pt, PT) if units else [""]
    assert measure.lines(text, width, PT, glue_numbers=glue) == slow


def test_a_line_of_many_narrow_pieces_is_filled_to_its_width():
    """160 half-em letters fill an 80-em line (a word too long for a line is cut between
    its letters); a line holding many pieces is measured to its end, not to a window."""
    eighty = measure.width_for(80, PT)
    assert measure.lines("i" * 200, eighty, PT) == ["i" * 160, "i" * 40]
    assert measure.lines("一" * 100 + "i" * 100, eighty, PT) == ["一" * 80, "一" * 20 + "i" * 100]


def _width_char_by_char(text: str) -> float:
    """width_em's rule, one character at a time: its advance from the table, else one em,
    summed in order (the order decides the last bit, which decides a break at the edge)."""
    return sum(measure.advance_em(ch) for ch in text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(measure._metrics()[0]) + list("中文，。（）\n　W"))))
def test_width_em_is_the_sum_char_by_char(text):
    """width_em looks up only the characters the table lists (found by a regex): the
    same number to the last bit as looking up each character."""
    fast, slow = measure.width_em(text), _width_char_by_char(text)
    assert fast == slow and type(fast) is type(slow)


def test_the_table_regex_finds_exactly_the_tables_characters():
    table = measure._metrics()[0]
    pattern = measure._in_table()
    for code in range(0x3100):  # past every listed character (the last is U+2212)
        assert bool(pattern.fullmatch(chr(code))) == (chr(code) in table), hex(code)
    assert pattern.fullmatch("中") is None and max(map(ord, table)) < 0x3100


@settings(max_examples=300, deadline=None)
@given(TEXT, st.booleans())
def test_piece_widths_are_each_pieces_width(text, glue):
    """_break takes the widths of a line of one-character pieces from the line at once:
    the same numbers, to the last bit, as measuring each piece."""
    for paragraph in text.split("\n"):
        units = measure._units(paragraph, glue)
        assert measure._unit_widths(units, PT) == [measure.width_em(u) * PT for u in units]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("网络安全监测，。、；：（）“”　—W\u00a0")), max_size=60)
)
def test_piece_widths_of_lines_without_listed_characters(text):
    """A line of characters the table does not list (CJK, W) takes one font size a piece
    without looking them up; one holding listed ones (the em dash, the no-break space)
    looks them up: either way the widths of measuring each piece."""
    units = measure._units(text, True)
    assert measure._unit_widths(units, PT) == [measure.width_em(u) * PT for u in units]


def _lines_piece_by_piece(text, width_cm, font_pt, glue, kinsoku=True):
    """lines() without its one-em paths: each paragraph that does not fit whole is cut
    into its pieces one by one and broken by _break."""
    width_pt = measure.line_width_pt(width_cm, font_pt)
    slow = []
    for paragraph in text.split("\n"):
        if paragraph and measure.width_em(paragraph) * font_pt <= width_pt:
            slow.append(paragraph.rstrip())
            continue
        units = _pieces_one_by_one(paragraph, glue)
        slow += measure._break(units, width_pt, font_pt, kinsoku) if units else [""]
    return slow


# Mostly plain CJK (one em, a piece each, nothing kinsoku moves), now and then a character
# that takes a paragraph off the plain path: punctuation, digits, Latin, spaces, é, listed ones.
PLAIN_MOSTLY = st.text(
    alphabet=st.sampled_from(
        list("网络安全监测信息巡查和舆情处置项目经费") * 8 + list("，（5a é—\n")
    ),
    max_size=300,
)


@settings(max_examples=400, deadline=None)
@given(
    PLAIN_MOSTLY,
    st.floats(min_value=0.3, max_value=12.0),
    st.sampled_from([9.0, 10.5, 11.0, 12.0, 14.0, 16.0]),
    st.booleans(),
    st.booleans(),
)
def test_plain_paragraphs_are_cut_as_breaking_cuts_them(text, width_cm, font_pt, glue, kinsoku):
    """A paragraph of plain CJK is filled by index (_break_em), without _break: the lines
    of breaking it piece by piece, at any width and size, with kinsoku or without."""
    fast = measure.lines(text, width_cm, font_pt, glue_numbers=glue, kinsoku=kinsoku)
    assert fast == _lines_piece_by_piece(text, width_cm, font_pt, glue, kinsoku)


def test_one_em_path_takes_only_one_em_pieces():
    """CJK and its punctuation go to _break_em; what is narrower (every character the
    table lists), spaces and what makes pieces of several characters do not."""
    one_em = measure._not_one_em()
    assert one_em.search("网络安全监测信息巡查，。（）“”《》、；：") is None
    for other in ["5", "a", " ", "　", "é", "\u00a0", "\n", *measure._metrics()[0]]:
        assert one_em.search(other), repr(other)


def test_plain_lines_hold_what_the_width_holds():
    """By hand: a cell of width_for(4) holds four one-em characters a line."""
    four = measure.width_for(4, PT)
    assert measure.lines("网络安全监测信息巡查", four, PT) == ["网络安全", "监测信息", "巡查"]
    assert measure._em_capacity(PT, measure.line_width_pt(four, PT)) == 4


# One em a character and a piece each, with the punctuation kinsoku moves (and now and then
# a character that takes the paragraph off this path).
EM_WITH_PUNCTUATION = st.text(
    alphabet=st.sampled_from(
        list("网络安全监测信息巡查") * 4
        + list("，。、；：！？）】》”’…—～（【《“‘〔［")
        + list("5a ")
    ),
    max_size=200,
)


@settings(max_examples=600, deadline=None)
@given(
    EM_WITH_PUNCTUATION,
    st.floats(min_value=0.3, max_value=6.0),
    st.sampled_from([9.0, 10.5, 11.0, 12.0, 14.0, 16.0, 10.3]),
    st.booleans(),
    st.booleans(),
)
def test_em_paragraphs_with_punctuation_break_as_breaking_does(
    text, width_cm, font_pt, glue, kinsoku
):
    """A paragraph of one-em pieces with kinsoku punctuation is filled and its pieces moved
    down by index (_break_em): the lines of breaking it piece by piece, narrow cells too,
    and without kinsoku its punctuation stays where the line ends."""
    fast = measure.lines(text, width_cm, font_pt, glue_numbers=glue, kinsoku=kinsoku)
    assert fast == _lines_piece_by_piece(text, width_cm, font_pt, glue, kinsoku)


def test_em_paragraph_by_hand():
    """Four a line: a comma may not start a line (the character before moves down with
    it), an opening bracket may not end one (it moves down)."""
    four = measure.width_for(4, PT)
    assert measure.lines("网络安全，监测", four, PT) == ["网络安", "全，监测"]
    assert measure.lines("网络安（全）监测", four, PT) == ["网络安", "（全）监", "测"]
    assert measure.lines("网络安全监测信息", four, PT) == ["网络安全", "监测信息"]
