"""One-off: derive src/formgen/data/metrics.json from the fonts a form is drawn with.

Run by hand when the font set changes (needs `pip install fonttools`; formgen itself
does not): python tools/font_metrics.py FONT.ttc|ttf ... > src/formgen/data/metrics.json

Every advance is the widest of the given fonts and of SimSun's (its ASCII glyphs are
half an em, every other glyph one em), so a line measured with the table fits in any
of them. Characters absent from the table are one em wide (CJK, full-width forms).
The line height is the tallest ascent + descent (hhea) of the fonts, in em.
"""

from __future__ import annotations

import json
import sys

from fontTools.ttLib import TTCollection, TTFont

# Characters a form may hold that are narrower than an em in some font: ASCII,
# Latin-1, and the punctuation and symbols Chinese finance texts use.
CHARS = (
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x100)]
    + list("‐‑‒–—―‘’‚“”„†‡•…‰′″‹›€™←↑→↓−∕∙√∞∶≈≠≤≥①②③④⑤⑥⑦⑧⑨⑩")
)
SIMSUN_ASCII = 0.5  # SimSun's Latin glyphs: every one half an em


def faces(paths: list[str]):
    for path in paths:
        if path.endswith(".ttc"):
            for font in TTCollection(path).fonts:
                name = font["name"].getDebugName(1)
                if name.endswith(" SC") and "Mono" not in name:
                    yield name, font
        else:
            font = TTFont(path)
            yield font["name"].getDebugName(1), font


def main(paths: list[str]) -> None:
    advances: dict[str, float] = {}
    line_em = 1.0
    names = []
    for name, font in faces(paths):
        names.append(name)
        upm = font["head"].unitsPerEm
        line_em = max(line_em, (font["hhea"].ascent - font["hhea"].descent) / upm)
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        for ch in CHARS:
            glyph = cmap.get(ord(ch))
            if glyph is not None:
                advances[ch] = max(advances.get(ch, 0.0), hmtx[glyph][0] / upm)
    for ch in CHARS:
        if ch in advances and ord(ch) < 0x7F:
            advances[ch] = max(advances[ch], SIMSUN_ASCII)
    table = {ch: round(a, 3) for ch, a in sorted(advances.items()) if round(a, 3) < 1.0}
    out = {
        "fonts": names + ["SimSun (ASCII half an em)"],
        "line_em": round(line_em, 3),
        "advance_em": table,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
