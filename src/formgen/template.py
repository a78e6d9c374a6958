"""A form kind's template: labels, column widths, fonts and page setup, read from templates/.

Labels may hold Jinja2 for their variable parts (the year line, the mid-term
span). Only the template's own text is ever compiled; a declaration's text is
passed in as data and never evaluated.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .grid import PAPER_MM, Page

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HERE = Path(__file__).resolve().parent
# Installed wheels carry the templates inside the package; a source checkout has them at the top.
_CANDIDATES = (_HERE / "templates", _HERE.parent.parent / "templates")


def templates_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "form.yaml").is_file():
            return candidate
    raise FileNotFoundError("templates/form.yaml not found next to the formgen package")


def template_path(name: str) -> Path:
    """A template shipped with formgen, by file name (`form.yaml`); an absolute path as is."""
    path = Path(name)
    return path if path.is_absolute() else templates_dir() / name


@dataclass(frozen=True)
class Template:
    """A form kind's template (templates/*.yaml): its labels, widths, fonts and page."""

    labels: dict[str, str]  # label id → text (may contain Jinja2)
    columns_cm: tuple[float, ...]
    font_east_asian: str
    font_latin: str
    title_pt: float
    year_pt: float
    body_pt: float
    page: Page = Page()
    source: str = ""
    # Print options (see templates/form.yaml): columns chosen from the content within
    # the same total width; where a too-long label breaks; page numbers; fixed decimals.
    auto_columns: bool = False
    label_breaks: dict[str, str] = field(default_factory=dict)
    page_numbers: bool = True
    decimals: int | None = None
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self):
        # Sent to worker processes by its file; compiled Jinja2 templates do not pickle.
        return (load_template, (self.source,))

    def label(self, label_id: str, overrides: dict[str, str] | None = None, **variables) -> str:
        """A label's text: the declaration's wording if it gives one (taken literally),
        else the template's, rendered with `variables`."""
        if overrides and label_id in overrides:
            return overrides[label_id]
        text = self.labels[label_id]
        if "{" not in text:
            return text
        compiled = self._compiled.get(label_id)
        if compiled is None:
            compiled = _variables_only(text) or _jinja_env().from_string(text)
            self._compiled[label_id] = compiled
        if isinstance(compiled, tuple):
            filled = _fill(compiled, variables)
            if filled is not None:
                return filled
            compiled = _jinja_env().from_string(text)
        return compiled.render(**variables)


# A label whose only Jinja2 is `{{ name }}`: the year line and the mid-term span of every
# shipped template. Those are filled in here, exactly as Jinja2 renders them; Jinja2
# takes ~40 ms to import, as long as building a dozen forms, and a build that needs no
# other Jinja2 never imports it. Anything else (filters, expressions, tags) is Jinja2's.
_VARIABLE = re.compile(r"\{\{\s*([^\W\d]\w*)\s*\}\}")


def _variables_only(text: str) -> tuple[str, ...] | None:
    """The label as literal pieces and variable names, alternating; None when it holds
    other Jinja2 syntax (any other brace) or ends with a newline (Jinja2 drops it)."""
    pieces = tuple(_VARIABLE.split(text))
    if any(c in piece for piece in pieces[::2] for c in "{}") or text.endswith("\n"):
        return None
    return pieces


def _fill(pieces: tuple[str, ...], variables: dict) -> str | None:
    """The pieces with their variables' values; None when a variable is missing or not
    a plain text or whole number (Jinja2 then renders the label, or says what is wrong)."""
    out = list(pieces)
    for i in range(1, len(out), 2):
        value = variables.get(out[i])
        if type(value) not in (str, int):
            return None
        out[i] = str(value)
    return "".join(out)


@functools.cache
def _jinja_env():
    import jinja2

    return jinja2.Environment(
        autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=False
    )


def load_template(path: str | Path) -> Template:
    path = Path(path)
    # libyaml's loader where PyYAML has it: the same data, read ~10x faster
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    font, page = data["font"], data["page"]
    columns = tuple(float(c) for c in data["columns_cm"])
    if not columns or page.get("paper", "A4") not in PAPER_MM:
        raise ValueError(f"{path}: columns_cm must list the column widths; paper one of {PAPER_MM}")
    return Template(
        labels={str(k): str(v) for k, v in data["labels"].items()},
        columns_cm=columns,
        font_east_asian=font["east_asian"],
        font_latin=font["latin"],
        title_pt=float(font["title_pt"]),
        year_pt=float(font["year_pt"]),
        body_pt=float(font["body_pt"]),
        page=Page(
            str(page.get("paper", "A4")),
            str(page.get("orientation", "portrait")),
            float(page["margin_cm"]),
        ),
        source=str(path),
        auto_columns=bool(data.get("auto_columns", False)),
        label_breaks={str(k): str(v) for k, v in (data.get("label_breaks") or {}).items()},
        page_numbers=bool(data.get("page_numbers", True)),
        decimals=_decimals(data.get("decimals"), path),
    )


def _decimals(value, path: Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValueError(f"{path}: decimals must be a whole number from 0 to 6, or left out")
    return value


@functools.cache
def shipped_template(name: str) -> Template:
    """A template shipped with formgen, loaded once per process."""
    return load_template(template_path(name))


def default_template() -> Template:
    """The 申报表's template."""
    return shipped_template("form.yaml")
