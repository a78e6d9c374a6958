"""How many lines a text takes in a cell, from real font metrics.

Excel and LibreOffice do not grow rows for wrapped text in merged cells, so the
.xlsx row heights are computed here; the column split and the page plan use the
same numbers. The advances in data/metrics.json (made by tools/font_metrics.py)
are the widest of SimSun and its free fallbacks, Noto Serif/Sans CJK SC: a CJK
character is one em, a Latin one its own advance. Lines are counted in whole
characters and broken the way a renderer breaks them, never more optimistically:
Latin words and numbers stay whole, no line starts with closing punctuation or
ends with opening punctuation (kinsoku: the character before moves down with
it), and a number with its unit (`≥2400人次`) moves to the next line as one
piece when the line can hold it. Over-counting is safe (a row a little tall);
under-counting clips text.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from itertools import accumulate
from pathlib import Path

PT_PER_CM = 72 / 2.54
PX_PER_CM = 96 / 2.54
MAX_ROW_PT = 409.0  # Excel's highest row
# Inner cell margins left + right: Word's 57 twips a side (0.1 cm), Excel's ~3 px a side.
CELL_PADDING_CM = 0.22
# Above and below the lines of a cell: Excel/Calc draw text from the row's top
# edge plus a point or two; Word's cell margins top/bottom are 0.
ROW_PADDING_PT = 3.0

# Kinsoku shori (GB/T 15834 and JIS X 4051 in practice): characters that may not
# start a line, and characters that may not end one.
NO_LINE_START = frozenset("，。、；：！？）】』」”’》〉〕］｝.,;:!?)]}%％‰℃·・…—～")
NO_LINE_END = frozenset("（【『「“‘《〈〔［｛([{")

# Characters that measure something when they follow a number (人次, 小时, 万元, 个月 …).
UNIT_CHARS = (
    "人次个家件项条篇期场批台套所名户元万亿千百天日月年时小分秒周部本册份页字米里吨度座辆处起户校村"
)
# A number with its sign, decimals, percent and up to two unit characters after it:
# ≥2400人次, ≤6 小时 (the space counts), 95%, 100万人次 (first two kept).
_SIGNS = "≥≤＞＜><±约~～"
_NUMBER_UNIT = re.compile(
    rf"[{_SIGNS}]?\s?[0-9][0-9.,]*(?:\s?[%％‰])?(?:\s?[{UNIT_CHARS}]{{1,2}})?"
)
_LATIN_WORD = re.compile(r"[!-~\u00a0-\u024f]+")  # runs of non-space Latin: renderers keep them


@functools.cache
def _metrics() -> tuple[dict[str, float], float]:
    data = json.loads((Path(__file__).parent / "data" / "metrics.json").read_text("utf-8"))
    return data["advance_em"], float(data["line_em"])


def line_em() -> float:
    """Line pitch as a multiple of the font size: the tallest of SimSun's fallbacks."""
    return _metrics()[1]


def advance_em(ch: str) -> float:
    """Advance of one character in em: one em unless the table says it is narrower."""
    return _metrics()[0].get(ch, 1.0)


@functools.cache
def _in_table() -> re.Pattern[str]:
    """Runs of the characters data/metrics.json gives an advance (Latin and some symbols).
    Spelt [listed][listed]*, not [listed]+: a pattern that starts with a set of characters
    lets the regex engine skip in C what is outside it (most of a CJK text) instead of
    trying each position, in half the time."""
    listed = "[" + "".join(map(re.escape, _metrics()[0])) + "]"
    return re.compile(f"{listed}{listed}*")


def _char_ems(text: str) -> list[float]:
    """Each character's advance in em: one em unless the table lists it. Only the listed
    characters are looked up (found by one regex scan): looking up every CJK character
    took most of the time of measuring a text."""
    advance = _metrics()[0]
    ems = [1.0] * len(text)
    for run in _in_table().finditer(text):
        ems[run.start() : run.end()] = map(advance.__getitem__, run.group())
    return ems


@functools.lru_cache(maxsize=16384)  # the same names and values recur in every form
def width_em(text: str) -> float:
    """The advances of the characters, summed in order (the order decides the last bit)."""
    return sum(_char_ems(text))


# The pieces of more than one character a line keeps whole, tried in this order at each
# position: a number with its unit (it always holds a digit), a Latin word. Any other
# character is a piece of its own. A long piece can start only at a sign, a space, a digit
# or Latin (a CJK line has few):
_PIECE_START = re.compile(rf"[{_SIGNS}\s!-~\u00a0-\u024f]")


def _long_pieces(line: str, glue_numbers: bool) -> list[tuple[int, int]]:
    """Where the pieces of more than one character are: (start, end) each. A long piece is
    tried only where one can start, found by a scan the regex engine runs in C: trying
    every position (as a split at the long pieces does) took most of the time of breaking
    a CJK paragraph. (_NUMBER_UNIT, then _LATIN_WORD: what one pattern `number|word`
    matches, without compiling that pattern too at import.)"""
    spans: list[tuple[int, int]] = []
    at = 0
    while (start := _PIECE_START.search(line, at)) is not None:
        at = start.start()
        piece = (glue_numbers and _NUMBER_UNIT.match(line, at)) or _LATIN_WORD.match(line, at)
        if piece is None or piece.end() == at + 1:
            at += 1  # a character of its own
        else:
            spans.append((at, piece.end()))
            at = piece.end()
    return spans


def _units(line: str, glue_numbers: bool) -> list[str]:
    """The pieces a line may break between: a CJK character each, Latin words whole,
    spaces on their own; numbers with their unit as one piece when `glue_numbers`."""
    units = list(line)
    for start, end in reversed(_long_pieces(line, glue_numbers)):
        units[start:end] = [line[start:end]]
    return units


def _char_widths(line: str, font_pt: float) -> list[float]:
    """Each character's width in points: the font size but for the characters the table
    lists (found by one regex scan: most of a CJK line is not)."""
    widths = [font_pt] * len(line)
    for run in _in_table().finditer(line):
        widths[run.start() : run.end()] = _run_widths(run.group(), font_pt)
    return widths


@functools.lru_cache(maxsize=4096)
def _run_widths(run: str, font_pt: float) -> tuple[float, ...]:
    """Cached: the same Latin words and numbers recur in every form and check result."""
    advance = _metrics()[0]
    return tuple(advance[ch] * font_pt for ch in run)


def _units_and_widths(
    line: str, spans: list[tuple[int, int]], widths: list[float], font_pt: float
) -> tuple[list[str], list[float]]:
    """_units and their _unit_widths, from the line's characters and their widths with the
    few long pieces (`spans`, from _long_pieces) put in place of their characters: handled
    one by one in Python, the CJK characters that make most of a line took as long as
    breaking it."""
    units = list(line)
    for start, end in reversed(spans):
        piece = line[start:end]
        units[start:end] = [piece]
        widths[start:end] = [width_em(piece) * font_pt]
    return units, widths


def _unit_widths(units: list[str], font_pt: float) -> list[float]:
    """Each piece's width in points. Where every piece is one character (most lines), the
    line's characters are looked up at once, not piece by piece: the font size (1.0 × the
    size is the size) but for the characters the table lists."""
    line = "".join(units)
    if len(line) != len(units):
        return [width_em(unit) * font_pt for unit in units]
    return _char_widths(line, font_pt)


def _pieces(units: list[str]) -> int:
    """How many printing pieces a line holds (spaces are not pieces)."""
    return len(units) - sum(map(str.isspace, units))


def _cut_wide(units: list[str], limit: float, font_pt: float) -> list[str]:
    """Pieces wider than a whole line cut where renderers cut them: between Latin words
    and numbers, at worst between characters."""
    out: list[str] = []
    for unit in units:
        if len(unit) > 1 and not unit.isspace() and width_em(unit) * font_pt > limit:
            finer = _units(unit, glue_numbers=False)
            # (characters are not cut further)
            out += _cut_wide(finer, limit, font_pt) if len(finer) > 1 else list(unit)
        else:
            out.append(unit)
    return out


def _first_over(widths: list[float], start: int, used: float, limit: float) -> tuple[int, float]:
    """The first index from `start` where the running sum of the widths, from `used`,
    passes `limit` (len(widths) if none), and the sum before it: summed in order, as a
    line is filled."""
    window = 32
    while True:
        stop = min(len(widths), start + window)
        sums = list(accumulate(widths[start:stop], initial=used))
        k = bisect.bisect_right(sums, limit, 1)  # sums never decrease: widths are >= 0
        if k < len(sums) or stop == len(widths):
            return start + k - 1, sums[k - 1]
        window *= 4


@functools.lru_cache(maxsize=1024)
def _em_sums(used: float, font_pt: float, limit: float) -> tuple[float, ...]:
    """The running sums of one-em pieces added to a line filled to `used`, as _first_over
    sums them, up to the last within `limit`: the same few recur in every CJK line."""
    sums = [used]
    while used + font_pt <= limit:
        used += font_pt
        sums.append(used)
    return tuple(sums)


def _fill(
    widths: list[float], start: int, used: float, limit: float, font_pt: float
) -> tuple[int, float]:
    """_first_over, without summing where the pieces up to the one that passes the line
    are one em each (most of a CJK line): their sums are _em_sums."""
    sums = _em_sums(used, font_pt, limit)
    run = widths[start : start + len(sums)]
    if run.count(font_pt) != len(run):
        return _first_over(widths, start, used, limit)
    n = len(run) - 1 if len(run) == len(sums) else len(run)  # fitting; or all to the end
    return start + n, sums[n]


def _break(
    units: list[str],
    width_pt: float,
    font_pt: float,
    kinsoku: bool = True,
    widths: list[float] | None = None,
) -> list[str]:
    """The lines of a paragraph's pieces (`widths`: their _unit_widths, when known)."""
    limit = width_pt + 1e-6
    if widths is None:
        widths = _unit_widths(units, font_pt)
    if max(widths, default=0.0) > limit:
        units = _cut_wide(units, limit, font_pt)
        widths = _unit_widths(units, font_pt)
    by_index = _break_indexed(units, widths, limit, font_pt, kinsoku)
    if by_index is not None:
        return by_index
    return _break_lists(units, widths, limit, font_pt, kinsoku)


def _break_indexed(
    units: list[str], widths: list[float], limit: float, font_pt: float, kinsoku: bool
) -> list[str] | None:
    """_break's lines, the line being filled kept as the index of its first piece (not as
    a list of its pieces, joined at the end). None in the two rare cases where a line is
    not a run of pieces: a first line of spaces only, pieces moved down over spaces (which
    stay behind); _break_lists works them out."""
    n = len(units)
    lines: list[str] = []
    start = 0  # the first piece of the line being filled
    i = 0  # the first piece not yet on it
    used = 0.0
    while True:
        # Every piece up to the one that passes the line's width stays on the line, and
        # spaces after it (a space at a line's end takes no room).
        j, used = _fill(widths, i, used, limit, font_pt)
        while j < n and units[j].isspace():
            j += 1
        if j == n:
            lines.append("".join(units[start:]).rstrip())
            return lines
        end = j  # the line ends before `end`, without its spaces at the end
        while end > start and units[end - 1].isspace():
            end -= 1
        if end == start:
            return None  # nothing printed yet: the piece would go on this line anyway
        # The piece j starts a new line. Kinsoku: closing punctuation may not start it,
        # opening punctuation may not end the previous line; the piece before moves down
        # (never the whole line: a line left empty would print as a blank line).
        kept = end  # the pieces from `end` to `kept` move down
        while kinsoku and units[end if end < kept else j][0] in NO_LINE_START:
            if _pieces(units[start:end]) <= 1:
                break
            end -= 1
        while kinsoku and units[end - 1][-1] in NO_LINE_END and _pieces(units[start:end]) > 1:
            end -= 1
        if end < kept < j:
            return None  # the spaces between them and piece j would stay behind
        if end < kept and width_em("".join(units[end : j + 1])) * font_pt > limit:
            end = kept  # the pieces moved down would not fit: leave them
        lines.append("".join(units[start:end]).rstrip())
        used = width_em("".join(units[end : j + 1])) * font_pt if end < kept else widths[j]
        start = end if end < kept else j
        i = j + 1


def _break_lists(
    units: list[str], widths: list[float], limit: float, font_pt: float, kinsoku: bool
) -> list[str]:
    """_break's lines, worked out with each line a list of its pieces."""
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    i = 0
    while i < len(units):
        # Every piece up to the one that passes the line's width stays on the line, and
        # spaces after it (a space at a line's end takes no room).
        j, used = _fill(widths, i, used, limit, font_pt)
        current += units[i:j]
        while j < len(units) and units[j].isspace():
            current.append(units[j])
            used += widths[j]
            j += 1
        if j == len(units):
            break
        unit = units[j]
        if not lines and not "".join(current).strip():
            # nothing printed yet (only the first line can start with spaces): the piece
            # goes here anyway
            current.append(unit)
            used += widths[j]
            i = j + 1
            continue
        # The unit starts a new line. Kinsoku: closing punctuation may not start it,
        # opening punctuation may not end the previous line; the piece before moves down.
        while current and current[-1].isspace():
            current.pop()
        carry: list[str] = []
        first = unit
        # (never the whole line: a line left empty would print as a blank line)
        while kinsoku and first[0] in NO_LINE_START and _pieces(current) > 1:
            first = current.pop()  # it moves down too; if it is closing punctuation, so on
            carry.insert(0, first)
        while kinsoku and current and current[-1][-1] in NO_LINE_END and _pieces(current) > 1:
            carry.insert(0, current.pop())
        if carry and width_em("".join(carry) + unit) * font_pt > limit:
            current.extend(carry)  # the pieces moved down would not fit: leave them
            carry = []
        lines.append(current)
        current = carry + [unit]
        used = width_em("".join(current)) * font_pt if carry else widths[j]
        i = j + 1
    lines.append(current)
    return ["".join(parts).rstrip() for parts in lines]


@functools.cache
def _not_one_em() -> re.Pattern[str]:
    """A character that keeps a paragraph off _break_em: one the table lists, a space, a
    Latin letter or digit (they make pieces of several characters)."""
    return re.compile(rf"[{re.escape(''.join(sorted(_metrics()[0])))}\s!-~\u00a0-\u024f]")


@functools.lru_cache(maxsize=1024)
def _em_capacity(font_pt: float, width_pt: float, held: int = 0) -> int:
    """How many more one-em pieces a line holding `held` of them takes, summed one by one
    from the width _break gives those (held × the font size) as _break fills a line."""
    limit = width_pt + 1e-6
    used, count = held * font_pt, 0
    while used + font_pt <= limit:
        used += font_pt
        count += 1
    return count


def _break_em(paragraph: str, width_pt: float, font_pt: float, kinsoku: bool = True) -> list[str]:
    """_break's lines for a paragraph whose characters are one em and a piece each (no
    spaces): the same filling and kinsoku moves, by index, without measuring pieces. (The
    pieces moved down always fit on the next line: fewer than a line held, all one em.)"""
    n = len(paragraph)
    lines: list[str] = []
    start = 0  # where the line being filled starts
    i = 0  # the first character not yet on it
    while True:
        j = i + _em_capacity(font_pt, width_pt, i - start)  # the first that does not fit
        if j >= n:
            lines.append(paragraph[start:])
            return lines
        # the line ends before `end`; the pieces from it on move down
        end = _kinsoku_end(paragraph, start, j) if kinsoku else j
        lines.append(paragraph[start:end])
        start, i = end, j + 1


_SPACE = re.compile(r"\s")  # what str.isspace() takes for a space


def _kinsoku_end(paragraph: str, start: int, j: int) -> int:
    """Where a line from `start` ends when `j` is the first character that does not fit,
    in a paragraph of one-character pieces: it ends earlier so that no line starts with
    closing punctuation nor ends with opening punctuation, keeping at least one character."""
    end = j
    while paragraph[end] in NO_LINE_START and end - start > 1:
        end -= 1
    while paragraph[end - 1] in NO_LINE_END and end - start > 1:
        end -= 1
    return end


def _break_chars(
    paragraph: str, widths: list[float], width_pt: float, font_pt: float, kinsoku: bool = True
) -> list[str]:
    """_break's lines for a paragraph whose characters are a piece each and no space, none
    wider than a line (`widths`: theirs): the same filling and kinsoku moves, by index
    into the paragraph, without a list of pieces and lines."""
    limit = width_pt + 1e-6
    n = len(paragraph)
    lines: list[str] = []
    start = 0  # where the line being filled starts
    i = 0  # the first character not yet on it
    used = 0.0
    while True:
        j, used = _fill(widths, i, used, limit, font_pt)  # the first that does not fit
        if j >= n:
            lines.append(paragraph[start:])
            return lines
        # the line ends before `end`; the characters from it on move down
        end = _kinsoku_end(paragraph, start, j) if kinsoku else j
        if end < j and width_em(paragraph[end : j + 1]) * font_pt > limit:
            end = j  # the characters moved down would not fit: leave them
        lines.append(paragraph[start:end])
        used = width_em(paragraph[end : j + 1]) * font_pt if end < j else widths[j]
        start, i = end, j + 1


def line_width_pt(width_cm: float, font_pt: float, padding_cm: float = CELL_PADDING_CM) -> float:
    """Points a line of a cell this wide holds (at least one character): a paragraph whose
    width_em times the font size is within it takes one line."""
    return max(font_pt, (width_cm - padding_cm) * PT_PER_CM)


def lines(
    text: str,
    width_cm: float,
    font_pt: float,
    *,
    padding_cm: float = CELL_PADDING_CM,
    glue_numbers: bool = True,
    kinsoku: bool = True,
) -> list[str]:
    """The lines `text` takes in a cell `width_cm` wide (its inner margins taken off).

    Each "\\n" starts a new paragraph; an empty paragraph is one line."""
    width_pt = line_width_pt(width_cm, font_pt, padding_cm)
    if "\n" not in text:  # most texts: one paragraph
        return _paragraph_lines(text, width_pt, font_pt, glue_numbers, kinsoku)
    out: list[str] = []
    for paragraph in text.split("\n"):
        out += _paragraph_lines(paragraph, width_pt, font_pt, glue_numbers, kinsoku)
    return out


def _paragraph_lines(
    paragraph: str, width_pt: float, font_pt: float, glue_numbers: bool, kinsoku: bool
) -> list[str]:
    if not paragraph:
        return [""]
    if _not_one_em().search(paragraph) is None:
        # Every character one em and a piece of its own (most CJK text): its width is its
        # length, and the lines _break gives are worked out by index.
        if len(paragraph) * font_pt <= width_pt:
            return [paragraph]
        return _break_em(paragraph, width_pt, font_pt, kinsoku)
    long = len(paragraph) * font_pt > 2 * width_pt  # (it could fit only if mostly narrow)
    widths = _char_widths(paragraph, font_pt) if long else None
    if _fits_whole(paragraph, width_pt, font_pt, widths):
        return [paragraph.rstrip()]  # no breaking to work out
    if widths is None:
        widths = _char_widths(paragraph, font_pt)
    spans = _long_pieces(paragraph, glue_numbers)
    if not spans and _SPACE.search(paragraph) is None and max(widths) <= width_pt:
        # Every character a piece of its own and none a space (a CJK paragraph with a
        # digit or a listed symbol here and there): worked out by index.
        return _break_chars(paragraph, widths, width_pt, font_pt, kinsoku)
    units, widths = _units_and_widths(paragraph, spans, widths, font_pt)
    return _break(units, width_pt, font_pt, kinsoku, widths)


def _fits_whole(
    paragraph: str, width_pt: float, font_pt: float, widths: list[float] | None
) -> bool:
    """Whether width_em says the paragraph fits on one line; not asked where the sum of its
    `widths` (points, when known) is well past the line (far more than the sums' rounding):
    width_em goes through every character, and most long paragraphs (a summary's check
    results) are not in its cache."""
    if widths is not None and sum(widths) > width_pt * (1 + 1e-9) + 1e-6:
        return False
    return width_em(paragraph) * font_pt <= width_pt


def n_lines(text: str, width_cm: float, font_pt: float, **kw) -> int:
    return len(lines(text, width_cm, font_pt, **kw))


def height_pt(text: str, width_cm: float, font_pt: float, **kw) -> float:
    """Points a cell needs for `text`: its lines at the font's line pitch, plus padding."""
    return lines_height(n_lines(text, width_cm, font_pt, **kw), font_pt)


def orphaned(text: str, width_cm: float, font_pt: float) -> bool:
    """Would a renderer leave one character alone on a line of this label, or start
    a line with closing punctuation? Checked without kinsoku and without keeping
    numbers whole, as a spreadsheet breaks."""
    for paragraph in text.split("\n"):
        plain = lines(paragraph, width_cm, font_pt, glue_numbers=False, kinsoku=False)
        if len(plain) > 1 and any(
            len(line.strip()) == 1 or line[:1] in NO_LINE_START for line in plain
        ):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def number_em(text: str) -> float:
    """Width in em of the widest number-with-unit in the text (0 if none)."""
    return max(
        (
            width_em(m.group())
            for m in _NUMBER_UNIT.finditer(text)
            if any(ch.isdigit() for ch in m.group())
        ),
        default=0.0,
    )


def per_line_em(width_cm: float, font_pt: float, padding_cm: float = CELL_PADDING_CM) -> float:
    """Ems a line of a cell this wide holds."""
    return max(1.0, (width_cm - padding_cm) * PT_PER_CM / font_pt)


@functools.lru_cache(maxsize=16384)  # labels and common values recur in every form
def needed_height(text: str, width_cm: float, font_pt: float) -> float:
    """Points a cell of this width needs for the wrapped text (over all the rows it spans):
    height_pt's sum, without its calls through keyword arguments (asked for every cell)."""
    return lines_height(len(lines(text, width_cm, font_pt)), font_pt)


def lines_height(n: int, font_pt: float) -> float:
    """Points a cell needs for `n` lines: their pitch, plus padding."""
    return n * font_pt * line_em() + ROW_PADDING_PT


def line_height(font_pt: float) -> float:
    """Points of one line of text in a cell, padding included."""
    return lines_height(1, font_pt)


def width_for(chars: int, font_pt: float, padding_cm: float = CELL_PADDING_CM) -> float:
    """The narrowest cell width (cm, rounded up to 0.01) that holds `chars` CJK characters a line."""
    return math.ceil((chars * font_pt / PT_PER_CM + padding_cm) * 100 + 1e-9) / 100
