"""Declarations on disk → forms on disk: discovery, output paths, one form at a time.

A bad declaration is reported and skipped; the others are still built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import ERROR, FormgenError, Problem
from .layout import layout
from .loader import load
from .rules import check
from .settings import settings_for
from .template import Template, default_template

FORMATS = ("docx", "xlsx")
SUFFIXES = (".yaml", ".yml")


@dataclass
class FormResult:
    source: Path
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # errors: the form was not built
    warnings: list[Problem] = field(default_factory=list)  # printed; the form was built

    @property
    def ok(self) -> bool:
        return not self.problems


def find_declarations(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(declaration, its path relative to the output folder without suffix), sorted.

    A folder's sub-folders are mirrored in the output; a file given by itself
    lands at the top of the output folder.
    """
    found: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.suffix.lower() in SUFFIXES and file.is_file() and not file.name.startswith("."):
                    found.setdefault(file, file.relative_to(path).with_suffix(""))
        else:
            found.setdefault(path, Path(path.stem))
    return sorted(found.items(), key=lambda item: str(item[1]))


def build_one(source: Path, stem: Path, output: Path, formats: tuple[str, ...] = FORMATS,
              template: Template | None = None) -> FormResult:
    result = FormResult(source)
    try:
        decl = load(source)
        findings = check(decl, settings_for(source))
        result.warnings = [f for f in findings if f.severity != ERROR]
        errors = [f for f in findings if f.severity == ERROR]
        if errors:
            result.problems = errors
            return result
        grid = layout(decl, template or default_template())
        for fmt in formats:
            target = output / stem.parent / f"{stem.name}.{fmt}"
            if fmt == "docx":
                from .docx_writer import write_docx as write
            else:
                from .xlsx_writer import write_xlsx as write
            write(grid, target)
            result.outputs.append(target)
    except FormgenError as exc:
        result.problems = exc.problems
    return result


def build(paths: Iterable[str | Path], output: str | Path = "output",
          formats: tuple[str, ...] = FORMATS, template: Template | None = None) -> list[FormResult]:
    """Build every declaration found under `paths` into `output`; never stops at a bad one."""
    output = Path(output)
    results = []
    for source, stem in find_declarations(Path(p) for p in paths):
        results.append(build_one(source, stem, output, formats, template))
    return results


def check_paths(paths: Iterable[str | Path]) -> list[FormResult]:
    """Load and check every declaration under `paths`; nothing is written."""
    results = []
    for source, _stem in find_declarations(Path(p) for p in paths):
        result = FormResult(source)
        try:
            findings = check(load(source), settings_for(source))
        except FormgenError as exc:
            findings = exc.problems
        result.problems = [f for f in findings if f.severity == ERROR]
        result.warnings = [f for f in findings if f.severity != ERROR]
        results.append(result)
    return results
