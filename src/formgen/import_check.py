"""Import checks itself: the declaration it built, laid out, must show every source cell.

The importer finds a form by its labels, so a bug there loses text quietly; this
check is independent of how the text was found. It loads the YAML the importer
would write with formgen's own loader (so the file is plain and valid), lays it
out, and then accounts for every non-empty source cell: its text is in the laid-out
grid, or the cell is in the unused report. Amounts are compared as numbers
(`80万元` is shown as 80). 三级指标 and 指标值 cells are counted, so a line that
a name collision dropped is found even when another line has the same text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .errors import DeclarationError, Problem
from .kinds import DEFAULT_KIND, get
from .loader import loads
from .readers import RawCell, parse_amount
from .template import shipped_template

_DASHES = re.compile(r"[—–\-~～−‐‑]+")
_DROP = re.compile(r"[\s:：()（）\[\]【】]")
_YEAR_SUFFIX = re.compile(r"(\d{4})年")
_COMPLEX_KEY = re.compile(r"^\s*\?(?:\s|$)", re.M)


def normalise(text: str) -> str:
    """Text as compared: half-width, no spaces, colons or brackets, one kind of dash,
    `2023年` as `2023` (the form writes `2023年—2025年` where a user may write `2023-2025`)."""
    text = unicodedata.normalize("NFKC", text)
    text = _DROP.sub("", text)
    text = _DASHES.sub("-", text)
    return _YEAR_SUFFIX.sub(r"\1", text)


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)  # the YAML is not a valid declaration
    lost: list[RawCell] = field(default_factory=list)  # cells neither laid out nor reported

    @property
    def ok(self) -> bool:
        return not self.problems and not self.lost


def laid_out_cells(decl) -> list:
    """The cells of the declaration's 申报表, laid out by its form kind."""
    kind = get(DEFAULT_KIND)
    return list(kind.layout(decl, shipped_template(kind.template)).cells)


def check(imported, text: str, source: str) -> CheckResult:
    """Load `text` (the YAML import would write), lay it out, account for every cell."""
    result = CheckResult()
    if _COMPLEX_KEY.search(text):
        result.problems.append(
            Problem(source, None, None, "导入结果含有复杂键（“? ”），这是 formgen 的缺陷")
        )
        return result
    try:
        decl = loads(text.encode("utf-8"), source)
    except DeclarationError as exc:
        result.problems = exc.problems
        return result
    cells = laid_out_cells(decl)
    texts = {normalise(c.text) for c in cells if c.text}
    line_texts = Counter(
        normalise(c.text)
        for c in cells
        if c.text and c.field.endswith(("三级指标", "指标值")) and c.field.startswith("绩效指标")
    )
    numbers = {c.number for c in cells if getattr(c, "number", None) is not None}
    unused = {id(c) for c in imported.unused}
    counted: Counter = Counter()
    for cell in imported.cells:
        if id(cell) in unused:
            continue
        if id(cell) in imported.amount_ids:
            if parse_amount(cell) not in numbers:
                result.lost.append(cell)
            continue
        key = normalise(cell.text)
        if id(cell) in imported.line_ids:
            counted[key] += 1
            if counted[key] > line_texts[key]:
                result.lost.append(cell)
        elif key not in texts:
            result.lost.append(cell)
    return result
