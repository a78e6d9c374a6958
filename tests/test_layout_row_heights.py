"""pages.row_heights skips measuring a text that takes one line (the criterion of
measure.line_width_pt); the heights are those of its first version, kept here frozen,
which measured every text."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DECLARATIONS
from formgen import pages
from formgen.grid import CENTER, LABEL, TEXT, TITLE, YEAR, Cell, Grid
from formgen.kinds import shenbao
from formgen.loader import load
from formgen.measure import MAX_ROW_PT, line_height, needed_height
from formgen.template import default_template


def old_row_heights(grid: Grid) -> list[float]:
    """The version that measured every text (pages._row_heights before the one-line skip)."""
    t = grid.template
    head_rows, pt = grid.head_rows, t.body_pt
    heights = [0.0] * head_rows + [line_height(pt)] * (grid.n_rows - head_rows)
    cells = grid.cells
    first = 0
    while first < len(cells) and cells[first].row < head_rows:
        cell = cells[first]
        heights[cell.row] = (t.title_pt if cell.role == TITLE else t.year_pt) * 1.7
        first += 1
    tall = []
    for cell in cells[first:]:
        if not cell.text:
            continue
        width = sum(grid.widths_cm[cell.col : cell.col + cell.colspan])
        need = needed_height(cell.text, width, pt)
        if cell.rowspan == 1 or cell.row == grid.repeat_row:
            heights[cell.row] = max(heights[cell.row], need)
        else:
            tall.append((cell, need))
    for cell, need in tall:
        end = cell.row + cell.rowspan
        missing = need - sum(heights[cell.row : end])
        if missing > 0:
            heights[end - 1] += missing
    return [round(min(h, MAX_ROW_PT), 2) for h in heights]


def test_the_bundled_layouts_rows_are_the_first_versions():
    paths = sorted(DECLARATIONS.glob("*.yaml"))
    assert paths
    for path in paths:
        grid = shenbao.layout(load(path))
        assert pages.row_heights(grid) == old_row_heights(grid)


WORDS = (
    "",
    "年度",
    "项目名称",
    "绩效目标完成情况良好",
    "满意度≥90%",
    "完成100个项目的验收",
    "数量指标：新建校舍 3 栋，面积 12000 平方米",
    "Latin words and more Latin words",
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六",
    "第一段\n第二段",
    "a\n\nb",
    "12345678901234567890",
    "（括号）。",
)


@st.composite
def grids(draw) -> Grid:
    """Head rows, then rows of cells with texts of every sort, some merged down."""
    n_cols = 8
    n_rows = draw(st.integers(3, 12))
    cells = [Cell(0, 0, "标题", TITLE, colspan=n_cols), Cell(1, 0, "年度", YEAR, colspan=n_cols)]
    covered: set[tuple[int, int]] = set()
    for row in range(2, n_rows):
        col = 0
        while col < n_cols:
            if (row, col) in covered:
                col += 1
                continue
            colspan = 1
            while col + colspan < n_cols and (row, col + colspan) not in covered:
                if not draw(st.booleans()):
                    break
                colspan += 1
            rowspan = draw(st.sampled_from((1, 1, 1, 2, 3)))
            rowspan = min(rowspan, n_rows - row)
            if any(
                (r, c) in covered
                for r in range(row, row + rowspan)
                for c in range(col, col + colspan)
            ):
                rowspan = 1
            covered |= {
                (r, c) for r in range(row, row + rowspan) for c in range(col, col + colspan)
            }
            role = draw(st.sampled_from((LABEL, TEXT, CENTER)))
            cells.append(Cell(row, col, draw(st.sampled_from(WORDS)), role, rowspan, colspan))
            col += colspan
    widths = tuple(draw(st.sampled_from((0.9, 1.2, 1.75, 2.3, 3.05, 4.4))) for _ in range(n_cols))
    repeat_row = draw(st.none() | st.integers(2, n_rows - 1))
    t = default_template()
    t = dataclasses.replace(t, body_pt=draw(st.sampled_from((9.0, 10.5, 12.0))))
    return Grid(tuple(cells), n_rows, t, "x", 2024, widths, repeat_row=repeat_row)


@settings(max_examples=400, deadline=None)
@given(grids())
def test_generated_grids_rows_are_the_first_versions(grid):
    assert pages.row_heights(grid) == old_row_heights(grid)
