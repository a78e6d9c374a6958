"""Grid → one self-contained HTML page per form, and an index page per output folder.

The preview is for staff who want to look at a form without Word or Excel: the
same grid the .docx and .xlsx are drawn from, as one <table> with the same
rowspan/colspan, every dimension taken from the grid. The rows printed above
the table (title, year line) are borderless rows of the same table, so the page
has exactly the form's grid. Print CSS gives the grid's paper and margins.

No scripts and no external assets (a Content-Security-Policy forbids both, in
case a text ever slipped through); every text is HTML-escaped; nothing depends
on the clock, so the same grid gives the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .errors import ERROR, Problem
from .grid import ROLES, Grid
from .package import write_atomic

# Fonts a reader's machine may have, Windows first; the generic family last.
SERIF = '"SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Noto Sans CJK SC", serif'
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"

_CLASS = {role: role for role in ROLES}  # grid role → CSS class


@dataclass(frozen=True)
class Geometry:
    """What a page needs from a grid: columns, page and the rows above the table."""

    widths_cm: tuple[float, ...]
    head_rows: int
    paper: str
    orientation: str
    margin_cm: float
    title_pt: float
    year_pt: float
    body_pt: float


def geometry(grid: Grid) -> Geometry:
    """Every dimension from the grid itself (its template gives the fonts)."""
    t = grid.template
    return Geometry(
        widths_cm=tuple(grid.widths_cm),
        head_rows=grid.head_rows,
        paper=grid.page.paper,
        orientation=grid.page.orientation,
        margin_cm=grid.page.margin_cm,
        title_pt=t.title_pt,
        year_pt=t.year_pt,
        body_pt=t.body_pt,
    )


def escape(text: str) -> str:
    """Escaped text; each line of a cell on its own line."""
    return "<br>".join(html.escape(line, quote=True) for line in text.split("\n"))


def _style(g: Geometry) -> str:
    width = sum(g.widths_cm)
    return (
        f"@page {{ size: {g.paper} {g.orientation}; margin: {g.margin_cm:g}cm; }}\n"
        f"html {{ background: #f2f2f2; }}\n"
        f"body {{ margin: 0; font-family: {SERIF}; font-size: {g.body_pt:g}pt;"
        " color: #000; line-height: 1.35; }\n"
        f".page {{ width: {width:g}cm; margin: 1cm auto; padding: {g.margin_cm:g}cm;"
        " background: #fff; box-shadow: 0 0 4px #999; }\n"
        f"table {{ width: {width:g}cm; border-collapse: collapse; table-layout: fixed; }}\n"
        "td { border: 0.75pt solid #000; padding: 1pt 3pt; vertical-align: middle;"
        " text-align: center; overflow-wrap: anywhere; }\n"
        "tr { break-inside: avoid; page-break-inside: avoid; }\n"
        "td.text { text-align: left; }\n"
        "tr.head td { border: none; }\n"
        f"td.title {{ font-size: {g.title_pt:g}pt; font-weight: bold; padding: 0 0 4pt; }}\n"
        f"td.year {{ font-size: {g.year_pt:g}pt; padding: 0 0 6pt; }}\n"
        "@media print { html { background: none; }"
        " .page { width: auto; margin: 0; padding: 0; box-shadow: none; } }\n"
    )


def _head(title: str, style: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="generator" content="formgen">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{style}</style>\n</head>\n"
    )


def form_html(grid: Grid) -> str:
    """The page for one form."""
    g = geometry(grid)
    parts = [_head(grid.title, _style(g)), '<body>\n<div class="page">\n<table>\n<colgroup>']
    parts += [f'<col style="width: {cm:g}cm">' for cm in g.widths_cm]
    parts.append("</colgroup>\n<tbody>\n")
    for r, anchors in enumerate(grid.rows()):
        parts.append('<tr class="head">' if r < g.head_rows else "<tr>")
        for cell in anchors:
            attrs = f' class="{_CLASS.get(cell.role, "text")}"'
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            parts.append(f"<td{attrs}>{escape(cell.text)}</td>")
        parts.append("</tr>\n")
    parts.append("</tbody>\n</table>\n</div>\n</body>\n</html>\n")
    return "".join(parts)


def html_bytes(grid: Grid) -> bytes:
    """The form's preview page."""
    return form_html(grid).encode("utf-8")


def write_html(grid: Grid, path: str | Path) -> str:
    """Write the form's preview; return the file's SHA-256."""
    return write_atomic(path, html_bytes(grid))


# -- the index page ---------------------------------------------------------------


@dataclass(frozen=True)
class IndexLink:
    """A link on the index: a folder-wide file (summary, bundle) or a form of another kind."""

    label: str
    href: str


@dataclass(frozen=True)
class IndexEntry:
    """One form on the index page: its preview (if written), its name and its findings."""

    name: str  # the project name, or the file's stem when it could not be read
    href: str | None  # the preview's file name, relative to the index; None: not built
    findings: tuple[Problem, ...] = ()
    others: tuple[IndexLink, ...] = ()  # previews of the other forms it makes (other kinds)


_INDEX_STYLE = (
    f"body {{ font-family: {SERIF}; font-size: 11pt; margin: 2em auto; max-width: 60em;"
    " padding: 0 1em; color: #000; }\n"
    "h1 { font-size: 16pt; }\n"
    "table { border-collapse: collapse; width: 100%; }\n"
    "th, td { border: 0.75pt solid #666; padding: 3pt 6pt; vertical-align: top;"
    " text-align: left; }\n"
    "th { background: #eee; }\n"
    "td.n { text-align: right; width: 3em; }\n"
    "ul { margin: 0; padding-left: 1.2em; }\n"
    ".error { color: #b00000; }\n"
    ".warning { color: #8a5a00; }\n"
    ".ok { color: #006000; }\n"
    "pre { white-space: pre-wrap; margin: 0; font-family: inherit; }\n"
    "@page { size: A4 portrait; margin: 2cm; }\n"
)


def _finding_html(problem: Problem) -> str:
    kind = "error" if problem.severity == ERROR else "warning"
    return f'<li class="{kind}"><pre>{html.escape(problem.format())}</pre></li>'


def index_html(title: str, entries: Sequence[IndexEntry], links: Iterable[IndexLink] = ()) -> str:
    """The folder's index: every form with a link to its preview and its check findings."""
    parts = [_head(title, _INDEX_STYLE), f"<body>\n<h1>{html.escape(title)}</h1>\n"]
    links = list(links)
    if links:
        parts.append("<p>")
        parts.append(
            " · ".join(
                f'<a href="{quote(link.href)}">{html.escape(link.label)}</a>' for link in links
            )
        )
        parts.append("</p>\n")
    errors = sum(1 for e in entries for f in e.findings if f.severity == ERROR)
    warnings = sum(1 for e in entries for f in e.findings if f.severity != ERROR)
    parts.append(
        f"<p>共 {len(entries)} 份申报；检查发现 {errors} 个错误、{warnings} 个警告。</p>\n"
        "<table>\n<thead><tr><th>序号</th><th>项目</th><th>检查结果</th></tr></thead>\n<tbody>\n"
    )
    for n, entry in enumerate(entries, start=1):
        name = html.escape(entry.name)
        cell = f'<a href="{quote(entry.href)}">{name}</a>' if entry.href else name
        if entry.href is None:
            cell += '<br><span class="error">（有错误，未生成）</span>'
        for other in entry.others:
            cell += f'<br><a href="{quote(other.href)}">{html.escape(other.label)}</a>'
        if entry.findings:
            result = "<ul>" + "".join(_finding_html(f) for f in entry.findings) + "</ul>"
        else:
            result = '<span class="ok">通过</span>'
        parts.append(f'<tr><td class="n">{n}</td><td>{cell}</td><td>{result}</td></tr>\n')
    parts.append("</tbody>\n</table>\n</body>\n</html>\n")
    return "".join(parts)


def index_bytes(
    title: str, entries: Sequence[IndexEntry], links: Iterable[IndexLink] = ()
) -> bytes:
    return index_html(title, entries, links).encode("utf-8")
