"""Declaration files → the typed Declaration: the entry points of the library.

The generic reading (decoding, limits, YAML composition, value helpers) is in
formgen.reader; the walk of the format's keys belongs to the default form kind
(formgen.kinds.shenbao), which hands any keys of other kinds to them.
"""

from __future__ import annotations

from pathlib import Path

from .kinds import shenbao
from .model import Declaration
from .reader import read_document, read_file
from .template import Template


def load(
    path: str | Path,
    *,
    template: Template | None = None,
    unit: str | Path | None | bool = True,
) -> Declaration:
    """Load and validate one declaration file; raise DeclarationError listing every problem.

    unit=True uses the folder's `_unit.yaml` if present; a path names one; None uses none.
    `template`: the 申报表 template whose label ids `标签` may reword (the default one if None).
    """
    return shenbao.read(read_file(path, unit), template)


def loads(
    data: bytes | str,
    source: str = "<输入>",
    *,
    template: Template | None = None,
    unit: tuple[bytes | str, str] | None = None,
) -> Declaration:
    """Load a declaration from bytes (or already decoded text); `unit` is (data, source) of a unit file."""
    return shenbao.read(read_document(data, source, unit), template)
