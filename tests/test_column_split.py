"""The column split (kinds.shenbao.choose_columns) chooses exactly the widths of its
first, straightforward version, kept here frozen: the search was restructured for speed
(per-span row arrays, splits and text heights cached across forms), and a chosen width
that differs in its last bit changes every output file."""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DECLARATIONS
from formgen import measure
from formgen.grid import CENTER, LABEL, TEXT, Cell
from formgen.kinds import shenbao
from formgen.kinds.shenbao import HEAD_ROWS, N_COLUMNS, NUMBER_CUT_PT, _orphaned, choose_columns
from formgen.loader import load
from formgen.template import Template, default_template

# -- the frozen first version ---------------------------------------------------------


def old_choose_columns(
    cells: list[Cell], n_rows: int, t: Template, breaks: dict[str, str]
) -> tuple[float, ...]:
    """Column widths from the form's texts, within the template's total width.

    A holds the vertical 绩效指标 two characters a line. B is the narrowest that leaves no
    一级 name or A:B label with a character alone on a line; then C/F (二级),
    E/H (指标值) and D/G (三级, the rest) are chosen, alike on both halves, for
    the least total height with no orphaned label, numbers with their units kept
    on one line where they fit, and whole characters a line. Labels are checked
    as a spreadsheet breaks them (no kinsoku), since Excel does not move them."""
    base = t.columns_cm
    if not t.auto_columns or len(base) != N_COLUMNS:
        return base
    pt = t.body_pt
    total = sum(base)

    widths_for = {n: round(measure.width_for(n, pt) + 0.01, 2) for n in range(2, 9)}

    def w(n: int) -> float:
        return widths_for[n]

    # A: 绩效指标 two characters a line, so that it fits in the header row every
    # printed page repeats.
    a = max(base[0], w(2))
    line_pt = measure.line_height(pt)
    labels = [
        c for c in cells if c.role == LABEL and c.row >= HEAD_ROWS and (c.col, c.colspan) != (0, 1)
    ]
    # Text cells grouped by the columns they span, each as (index, row, rowspan, paragraph
    # widths in em, widest number in em or 0): a span's heights at one width are worked out
    # once, however many candidate splits give it that width.
    texts: dict[tuple[int, int], list[tuple[int, int, int, list[float], float]]] = {}
    for i, cell in enumerate(cells):
        if cell.role != LABEL and cell.row >= HEAD_ROWS and cell.text:
            texts.setdefault((cell.col, cell.colspan), []).append(
                (
                    i,
                    cell.row,
                    cell.rowspan,
                    [measure.width_em(p) for p in cell.text.split("\n")],
                    measure.number_em(cell.text) if cell.col in (4, 7) else 0.0,
                )
            )

    # Labels grouped by the columns they span: a candidate split is checked once per
    # group and width, not once per label.
    groups: dict[tuple[int, int], list[str]] = {}
    for label in labels:
        groups.setdefault((label.col, label.colspan), []).append(label.text)
    counted: dict[tuple[int, int, float], int] = {}

    def orphans(widths: tuple[float, ...], which: dict[tuple[int, int], list[str]]) -> int:
        total = 0
        for (col, span), group in which.items():
            width = round(sum(widths[col : col + span]), 2)
            key = (col, span, width)
            if key not in counted:
                counted[key] = sum(_orphaned(text, width, pt, breaks) for text in group)
            total += counted[key]
        return total

    em_line = pt * measure.line_em()
    needs: dict[tuple[int, int, float], list[float]] = {}

    def span_needs(col: int, span: int, width: float) -> list[float]:
        """The height each text of the span needs at this width: its lines in whole
        characters, plus a toll where a number would be cut from its unit."""
        key = (col, span, width)
        if key not in needs:
            cap = measure.per_line_em(width, pt)
            needs[key] = [
                (
                    max(1, math.ceil(ems[0] / cap - 1e-9))
                    if len(ems) == 1  # most texts are one paragraph
                    else sum(max(1, math.ceil(e / cap - 1e-9)) for e in ems)
                )
                * em_line
                + measure.ROW_PADDING_PT
                + (NUMBER_CUT_PT if number > cap else 0)
                for _i, _row, _rowspan, ems, number in texts[(col, span)]
            ]
        return needs[key]

    def height(widths: tuple[float, ...]) -> float:
        rows = [line_pt] * n_rows
        tall = []
        for (col, span), items in texts.items():
            width = round(sum(widths[col : col + span]), 2)
            for (i, row, rowspan, _ems, _number), h in zip(
                items, span_needs(col, span, width), strict=True
            ):
                if rowspan == 1:
                    if h > rows[row]:
                        rows[row] = h
                else:
                    tall.append((i, row, rowspan, h))
        for _i, row, rowspan, h in sorted(tall):  # in the order of the cells
            missing = h - sum(rows[row : row + rowspan])
            if missing > 0:
                rows[row + rowspan - 1] += missing
        return sum(rows[HEAD_ROWS:])

    b_cells = {k: v for k, v in groups.items() if k[0] in (0, 1) and k[1] <= 2}
    b = min(
        (w(n) for n in range(4, 7)),
        key=lambda bw: (orphans((a, bw, 0, 0, 0, 0, 0, 0), b_cells), bw),
    )
    half = (total - a - b) / 2
    candidates = []
    for n_c in range(4, 9):
        for n_e in range(4, 9):
            c, e = w(n_c), w(n_e)
            d = math.floor((half - c - e) * 100 + 1e-6) / 100  # the total never grows
            if d >= w(4):
                widths = (a, b, c, d, e, c, d, e)
                candidates.append((orphans(widths, groups), widths))
    if not candidates:
        return base
    fewest = min(n for n, _ in candidates)
    best = min((height(widths), -widths[3], widths) for n, widths in candidates if n == fewest)
    return best[2]


# -- the comparisons ------------------------------------------------------------------

WORDS = [
    "数量指标",
    "质量指标",
    "时效指标",
    "社会效益指标",
    "服务对象满意度指标",
    "项目资金",
    "财政拨款",
    "中期目标（2024年—2026年）",
    "≥2400人次",
    "≤6 小时",
    "95%",
    "100万人次",
    "合格",
    "严格执行相关财经法规、制度等规定",
    "完成网络安全等级保护测评覆盖率达到百分之百",
    "目标1：提升服务能力。\n目标2：完善制度，覆盖范围不断扩大。",
    "Word and 2024 words",
    "，。）",
    "（注）",
    "一",
    "",
]
BROKEN = {
    "项目资金": "项目资金\n（万元）",
    "财政拨款": "其中：\n财政拨款",
    "数量指标": "数量\n指标",
}


@st.composite
def cell_sets(draw) -> tuple[list[Cell], int, Template, dict[str, str]]:
    """Cells anywhere below the head, of any span (overlaps included: the split does not
    depend on the grid being valid), labels and texts, under varied templates."""
    n_rows = draw(st.integers(HEAD_ROWS + 1, 40))
    cells = []
    for _ in range(draw(st.integers(0, 60))):
        row = draw(st.integers(HEAD_ROWS, n_rows - 1))
        col = draw(st.integers(0, N_COLUMNS - 1))
        cells.append(
            Cell(
                row,
                col,
                draw(st.sampled_from(WORDS)),
                draw(st.sampled_from((LABEL, LABEL, TEXT, CENTER))),
                rowspan=draw(st.sampled_from((1, 1, 1, 2, 3))) if row < n_rows - 3 else 1,
                colspan=draw(st.integers(1, N_COLUMNS - col)),
            )
        )
    cells.sort(key=lambda c: (c.row, c.col))
    t = default_template()
    pt = draw(st.sampled_from((9.0, 10.5, 12.0)))
    scale = draw(st.sampled_from((0.7, 1.0, 1.2)))
    columns = tuple(round(w * scale, 2) for w in t.columns_cm)
    breaks = {k: v for k, v in BROKEN.items() if draw(st.booleans())}
    return cells, n_rows, replace(t, body_pt=pt, columns_cm=columns), breaks


@settings(max_examples=300, deadline=None)
@given(cell_sets())
def test_split_is_the_first_versions_on_generated_cells(case):
    cells, n_rows, t, breaks = case
    assert choose_columns(cells, n_rows, t, breaks) == old_choose_columns(cells, n_rows, t, breaks)


def test_split_is_the_first_versions_on_the_bundled_declarations(monkeypatch):
    seen = []

    def both(cells, n_rows, t, breaks):
        widths = choose_columns(cells, n_rows, t, breaks)
        seen.append((widths, old_choose_columns(cells, n_rows, t, breaks)))
        return widths

    monkeypatch.setattr(shenbao, "choose_columns", both)
    for path in sorted(DECLARATIONS.glob("*.yaml")):
        shenbao.layout(load(path))
    assert len(seen) == len(list(DECLARATIONS.glob("*.yaml"))) > 0
    for new, old in seen:
        assert new == old
        assert new != default_template().columns_cm  # the search ran, not the fallback


def old_height(cells: list[Cell], n_rows: int, pt: float, widths: tuple[float, ...]) -> float:
    """The first version's table height under a split (its inner `height`, lifted)."""
    line_pt = measure.line_height(pt)
    em_line = pt * measure.line_em()
    rows = [line_pt] * n_rows
    tall = []
    for i, cell in enumerate(cells):
        if cell.role != LABEL and cell.row >= HEAD_ROWS and cell.text:
            ems = [measure.width_em(p) for p in cell.text.split("\n")]
            number = measure.number_em(cell.text) if cell.col in (4, 7) else 0.0
            width = round(sum(widths[cell.col : cell.col + cell.colspan]), 2)
            cap = measure.per_line_em(width, pt)
            lines = sum(max(1, math.ceil(e / cap - 1e-9)) for e in ems)
            h = lines * em_line + measure.ROW_PADDING_PT + (NUMBER_CUT_PT if number > cap else 0)
            if cell.rowspan == 1:
                rows[cell.row] = max(rows[cell.row], h)
            else:
                tall.append((i, cell.row, cell.rowspan, h))
    for _i, row, rowspan, h in sorted(tall):
        missing = h - sum(rows[row : row + rowspan])
        if missing > 0:
            rows[row + rowspan - 1] += missing
    return sum(rows[HEAD_ROWS:])


def old_orphans(cells: list[Cell], pt: float, breaks: dict, widths: tuple[float, ...]) -> int:
    """The first version's count of labels left with a character alone on a line."""
    return sum(
        _orphaned(c.text, round(sum(widths[c.col : c.col + c.colspan]), 2), pt, breaks)
        for c in cells
        if c.role == LABEL and c.row >= HEAD_ROWS and (c.col, c.colspan) != (0, 1)
    )


@settings(max_examples=200, deadline=None)
@given(cell_sets(), st.integers(4, 6))
def test_every_candidates_height_and_orphans_are_the_first_versions(case, n_b):
    """Not only the winner: every candidate's height and orphan count, to the last bit."""
    cells, n_rows, t, breaks = case
    pt = t.body_pt
    b = shenbao._b_splits(t.columns_cm, pt).candidates[n_b - 4][1]
    splits = shenbao._cde_splits(t.columns_cm, pt, b)
    heights = shenbao._TextHeights(cells, n_rows, pt)
    orphans = shenbao._LabelGroups(cells, pt, breaks).orphans(splits)
    for widths, n in zip(splits.candidates, orphans, strict=True):
        assert heights.total(widths) == old_height(cells, n_rows, pt, widths)
        assert n == old_orphans(cells, pt, breaks, widths)
