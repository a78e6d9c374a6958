"""Declaration + template → Grid: the one place where cells and merges are decided.

The grid is FORM.md's: eight columns A–H, row 1 the title, row 2 the year line,
the table from row 3. Writers only draw it, so .docx and .xlsx cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .model import Declaration, Funds
from .template import Template, default_template

N_COLS = 8
TABLE_TOP = 2  # 0-based row of the table's first row (FORM.md row 3)

# Cell roles; writers map them to styles.
TITLE, YEAR, LABEL, TEXT, CENTER, AMOUNT = "title", "year", "label", "text", "center", "amount"


@dataclass(frozen=True)
class Cell:
    """An anchor cell; it covers rowspan × colspan grid positions from (row, col), 0-based."""

    row: int
    col: int
    text: str = ""  # lines separated by "\n", one paragraph each
    role: str = LABEL
    rowspan: int = 1
    colspan: int = 1
    number: Decimal | None = None  # amounts: written as number cells in .xlsx
    field: str = field(default="", compare=False)  # the declaration field it shows, for messages

    @property
    def ref(self) -> str:
        """Excel-style range of the cell, e.g. 'A6:B8' or 'C3'."""
        first = f"{chr(65 + self.col)}{self.row + 1}"
        if self.rowspan == 1 and self.colspan == 1:
            return first
        return f"{first}:{chr(64 + self.col + self.colspan)}{self.row + self.rowspan}"


@dataclass(frozen=True)
class Grid:
    cells: tuple[Cell, ...]  # anchors in row-major order; every grid position covered once
    n_rows: int
    template: Template
    title: str  # the project name: document title, sheet name
    year: int

    def rows(self) -> list[list[Cell]]:
        """Anchors per row (row-major), including rows that hold no anchor."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return out


def _amount(row: int, col: int, value: Decimal | None) -> Cell:
    if value is None:
        return Cell(row, col, "", AMOUNT, colspan=2)
    return Cell(row, col, format(value, "f"), AMOUNT, colspan=2, number=value)


def layout(decl: Declaration, template: Template | None = None) -> Grid:
    t = template or default_template()
    ov = decl.labels

    def label(label_id: str, **variables) -> str:
        return t.label(label_id, ov, **variables)

    cells: list[Cell] = [
        Cell(0, 0, label("标题"), TITLE, colspan=8),
        Cell(1, 0, label("年度行", 年度=decl.year), YEAR, colspan=8),
        Cell(2, 0, label("项目名称"), LABEL, colspan=2),
        Cell(2, 2, decl.name, TEXT, colspan=6, field="项目名称"),
    ]
    if decl.department is not None:
        cells += [
            Cell(3, 0, label("主管部门"), LABEL, colspan=2),
            Cell(3, 2, decl.department, TEXT, colspan=3, field="主管部门"),
            Cell(3, 5, label("实施单位"), LABEL),
            Cell(3, 6, decl.unit, TEXT, colspan=2, field="实施单位"),
        ]
    else:
        cells += [
            Cell(3, 0, label("实施单位"), LABEL, colspan=2),
            Cell(3, 2, decl.unit, TEXT, colspan=6, field="实施单位"),
        ]
    cells += [
        Cell(4, 0, label("项目属性"), LABEL, colspan=2),
        Cell(4, 2, decl.attribute, CENTER, colspan=3, field="项目属性"),
        Cell(4, 5, label("项目期"), LABEL),
        Cell(4, 6, decl.period, CENTER, colspan=2, field="项目期"),
    ]
    fund_rows = (
        ("中期资金总额", "年度资金总额", "total"),
        ("财政拨款", "财政拨款", "fiscal"),
        ("其他资金", "其他资金", "other"),
    )
    for i, (mid_label, annual_label, attr) in enumerate(fund_rows):
        r = 5 + i
        if i == 0:
            cells.append(Cell(r, 0, label("项目资金"), LABEL, rowspan=3, colspan=2))
        cells += [
            Cell(r, 2, label(mid_label), LABEL),
            _amount(r, 3, _get(decl.funds_mid, attr)),
            Cell(r, 5, label(annual_label), LABEL),
            _amount(r, 6, _get(decl.funds_annual, attr)),
        ]
    first, last = decl.span
    cells += [
        Cell(8, 0, label("总体目标"), LABEL, rowspan=2, colspan=2),
        Cell(8, 2, label("中期目标", 起=first, 止=last), LABEL, colspan=3),
        Cell(8, 5, label("年度目标"), LABEL, colspan=3),
        Cell(9, 2, "\n".join(decl.goal_mid), TEXT, colspan=3, field="总体目标.中期目标"),
        Cell(9, 5, "\n".join(decl.goal_annual), TEXT, colspan=3, field="总体目标.年度目标"),
    ]
    header_row = 10
    indicator_cells, n_lines = _indicator_cells(decl, header_row + 1)
    cells.append(Cell(header_row, 0, label("绩效指标"), LABEL, rowspan=1 + n_lines))
    for col, label_id in enumerate(
        ("一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"), start=1
    ):
        cells.append(Cell(header_row, col, label(label_id), LABEL))
    cells += indicator_cells
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(tuple(cells), header_row + 1 + n_lines, t, decl.name, decl.year)


def _get(funds: Funds, attr: str) -> Decimal | None:
    return getattr(funds, attr)


def _indicator_cells(decl: Declaration, top: int) -> tuple[list[Cell], int]:
    """FORM.md 'The indicator section': B per 一级, C/F per block, D/E and G/H per line."""
    cells: list[Cell] = []
    row = top
    for group in decl.indicators:
        group_top = row
        for block in group.blocks:
            mid, annual = block.mid_lines, block.annual_lines
            n = max(len(mid), len(annual))
            if n == 0:
                continue
            cells.append(Cell(row, 2, block.name if mid else "", LABEL, rowspan=n))
            cells.append(Cell(row, 5, block.annual_name if annual else "", LABEL, rowspan=n))
            paths = {
                name: [ln.path for ln in block.lines if getattr(ln, attr) is not None]
                for name, attr in (("中期", "mid"), ("年度", "annual"))
            }
            for i in range(n):
                for col, side, name in ((3, mid, "中期"), (6, annual, "年度")):
                    line = side[i] if i < len(side) else None
                    path = paths[name][i] if line else ""
                    cells.append(
                        Cell(
                            row + i,
                            col,
                            line.name if line else "",
                            TEXT,
                            field=f"{path}.{name}三级指标" if line else "",
                        )
                    )
                    cells.append(
                        Cell(
                            row + i,
                            col + 1,
                            line.value if line else "",
                            CENTER,
                            field=f"{path}.{name}指标值" if line else "",
                        )
                    )
            row += n
        if row > group_top:
            cells.append(Cell(group_top, 1, group.name, LABEL, rowspan=row - group_top))
    return cells, row - top
