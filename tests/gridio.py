"""Read grids back from generated files and from the hand-written expected grids.

A grid here is {range: text}, e.g. {"A6:B8": "项目资金（万元）", "D6:E6": "360"}:
every range (merged or single cell) keyed by its Excel reference, with the text
of its first cell (lines joined by "\\n"). The .docx is read from its XML
(w:gridSpan across, w:vMerge down), independently of formgen's code.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def letter(col: int) -> str:
    """1-based column → 'A', 'Z', 'AA' (bijective base 26)."""
    name = ""
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def ref(row: int, col: int, rowspan: int = 1, colspan: int = 1) -> str:
    """1-based row and column → 'C3' or 'A6:B8'."""
    first = f"{letter(col)}{row}"
    if rowspan == 1 and colspan == 1:
        return first
    return f"{first}:{letter(col + colspan - 1)}{row + rowspan - 1}"


def parse_expected(path: Path) -> dict[str, str]:
    rows = [
        [cell.strip() for cell in line.split(" | ")]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    n_cols = len(rows[0])
    for i, cells in enumerate(rows, start=1):
        assert len(cells) == n_cols, f"{path.name}: row {i} has {len(cells)} cells, not {n_cols}"
    grid: dict[str, str] = {}
    covered: set[tuple[int, int]] = set()
    for r, cells in enumerate(rows, start=1):
        for c, text in enumerate(cells, start=1):
            if text in ("^", "<"):
                continue
            colspan = 1
            while c + colspan <= n_cols and cells[c + colspan - 1] == "<":
                colspan += 1
            rowspan = 1
            while r + rowspan <= len(rows) and rows[r + rowspan - 1][c - 1] == "^":
                rowspan += 1
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    if (rr, cc) != (r, c):
                        covered.add((rr, cc))
            grid[ref(r, c, rowspan, colspan)] = text.replace("<br>", "\n")
    marks = {
        (r, c) for r, cells in enumerate(rows, 1) for c, t in enumerate(cells, 1) if t in ("^", "<")
    }
    assert marks == covered, (
        f"{path.name}: ^/< marks that belong to no range: {sorted(marks ^ covered)}"
    )
    return grid


def _cell_text(tc) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.findall(f"{W}p"))


def read_docx(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    body = root.find(f"{W}body")
    grid: dict[str, str] = {}
    heads = []
    for child in body:
        if child.tag == f"{W}tbl":
            break
        if child.tag == f"{W}p":
            text = "".join(t.text or "" for t in child.iter(f"{W}t"))
            if text:
                heads.append(text)
    # The form's table; a table that continues it after an empty paragraph (formgen
    # draws the indicator section as its own table, so Word repeats its header row)
    # adds its rows below, on the same columns.
    tables = body.findall(f"{W}tbl")
    assert tables
    n_cols = len(tables[0].find(f"{W}tblGrid").findall(f"{W}gridCol"))
    for table in tables[1:]:
        assert len(table.find(f"{W}tblGrid").findall(f"{W}gridCol")) == n_cols
    between = [
        child
        for child in body
        if child.tag == f"{W}p"
        and body.index(child) > body.index(tables[0])
        and body.index(child) < body.index(tables[-1])
    ]
    assert all(not "".join(p.itertext()).strip() for p in between), "text between the tables"
    for i, head in enumerate(heads, start=1):  # the title and year line above the table
        grid[ref(i, 1, 1, n_cols)] = head
    top = len(heads) + 1
    anchors: dict[tuple[int, int], list] = {}  # (row, col) → [text, rowspan, colspan]
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for i, tr in enumerate(tr for table in tables for tr in table.findall(f"{W}tr")):
        row, col = i + top, 1
        for tc in tr.findall(f"{W}tc"):
            pr = tc.find(f"{W}tcPr")
            span_el = pr.find(f"{W}gridSpan") if pr is not None else None
            span = int(span_el.get(f"{W}val")) if span_el is not None else 1
            vm_el = pr.find(f"{W}vMerge") if pr is not None else None
            vmerge = None if vm_el is None else (vm_el.get(f"{W}val") or "continue")
            if vmerge == "continue":
                key = owner[(row - 1, col)]
                assert anchors[key][2] == span, (
                    f"row {row} col {col}: continuation of another width"
                )
                assert _cell_text(tc) == "", f"row {row} col {col}: text in a vMerge continuation"
                anchors[key][1] += 1
            else:
                key = (row, col)
                anchors[key] = [_cell_text(tc), 1, span]
            owner[(row, col)] = key
            col += span
        assert col == n_cols + 1, f"table row {row} covers {col - 1} columns, not {n_cols}"
    for (row, col), (text, rowspan, colspan) in anchors.items():
        grid[ref(row, col, rowspan, colspan)] = text
    return grid


def cell_text(value, number_format: str = "General") -> str:
    """The text a reader sees: numbers as their format shows them ('0.00' → two decimals)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and number_format.endswith("%"):  # "0.00%" → 95.83%
        decimals = len(number_format.split(".")[1]) - 1 if "." in number_format else 0
        return f"{value * 100:.{decimals}f}%"
    if isinstance(value, (int, float)) and number_format.startswith("0."):
        return f"{value:.{len(number_format) - 2}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, sheet: int = 0) -> dict[str, str]:
    import openpyxl

    ws = openpyxl.load_workbook(path).worksheets[sheet]
    n_cols = ws.max_column
    grid: dict[str, str] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        first = ws.cell(rng.min_row, rng.min_col)
        grid[rng.coord] = cell_text(first.value, first.number_format)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
                    assert ws.cell(r, c).value is None, f"text inside a merged range at {ref(r, c)}"
    in_ranges = covered | {(rng.min_row, rng.min_col) for rng in ws.merged_cells.ranges}
    for row in range(1, ws.max_row + 1):
        for col in range(1, n_cols + 1):
            if (row, col) not in in_ranges:
                cell = ws.cell(row, col)
                grid[ref(row, col)] = cell_text(cell.value, cell.number_format)
    return grid


def unbroken_labels(grid: dict[str, str]) -> dict[str, str]:
    """The grid with each template label that formgen broke over two lines (templates/
    form.yaml `label_breaks`, used where a label does not fit its column) joined again,
    for oracles that state a label's words, not where it wraps."""
    import yaml

    template = Path(__file__).resolve().parent.parent / "templates" / "form.yaml"
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    joined = {broken: broken.replace("\n", "") for broken in data.get("label_breaks", {}).values()}
    return {k: joined.get(v, v) for k, v in grid.items()}
