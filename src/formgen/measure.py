"""How much room a text needs: the one place that measures text for any writer or rule.

Excel and LibreOffice do not grow a row for wrapped text in a merged cell, so
the .xlsx writer sets row heights from this estimate, and the W-XLSX-CLIPPED
rule uses the same numbers to warn where a text cannot fit at all.
"""

from __future__ import annotations

import functools
import math

PX_PER_CM = 96 / 2.54
MAX_ROW_PT = 409.0  # Excel's highest row
LINE_HEIGHT = 1.45  # a line of CJK text, as a multiple of the font size (CJK fonts run tall)
CELL_PADDING_PT = 6  # above and below the text of a cell


def text_width(text: str) -> int:
    """Width in Latin character units: a CJK (or other wide) character counts two."""
    # 2 extra UTF-8 bytes per BMP CJK character, 1 for 2-byte characters
    wide = len(text.encode("utf-8")) - len(text)
    return len(text) + (wide + 1) // 2


def text_lines(text: str, width_cm: float, font_pt: float) -> int:
    """Lines the text needs when wrapped in a cell this wide (a little pessimistic)."""
    unit_px = font_pt * 96 / 72 / 2  # a Latin unit is half an em
    per_line = max(1.0, (width_cm * PX_PER_CM - 8) / unit_px)
    return sum(max(1, math.ceil(text_width(line) / per_line)) for line in text.split("\n"))


@functools.lru_cache(maxsize=16384)  # labels and common values recur in every form
def needed_height(text: str, width_cm: float, font_pt: float) -> float:
    """Points a cell of this width needs for the wrapped text (over all the rows it spans)."""
    return text_lines(text, width_cm, font_pt) * font_pt * LINE_HEIGHT + CELL_PADDING_PT


def line_height(font_pt: float) -> float:
    """Points of one line of text in a cell, padding included."""
    return font_pt * LINE_HEIGHT + CELL_PADDING_PT
