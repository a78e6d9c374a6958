"""The typed declaration: what one project's declaration says, free of YAML.

The loader builds it, the layout reads it. Amounts are Decimals made from the
text the user typed, so `12.50` stays `12.50`. Texts are kept exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Funds:
    """One side of 项目资金 (万元); None where the declaration leaves it out."""

    total: Decimal | None = None  # 资金总额
    fiscal: Decimal | None = None  # 其中：财政拨款
    other: Decimal | None = None  # 其他资金


@dataclass(frozen=True)
class Side:
    """One side (mid-term or annual) of an indicator line: 三级指标 and 指标值."""

    name: str
    value: str


@dataclass(frozen=True)
class Line:
    """One indicator line; a side is None where that side has no line here."""

    mid: Side | None
    annual: Side | None
    path: str = field(default="", compare=False)  # field path, for positions


@dataclass(frozen=True)
class Block:
    """A (一级, 二级) block: the 二级 name (per side) and its lines."""

    name: str  # 二级指标 on the mid-term side
    annual_name: str  # 二级指标 on the annual side (usually the same)
    lines: tuple[Line, ...]
    path: str = field(default="", compare=False)

    @property
    def mid_lines(self) -> tuple[Side, ...]:
        return tuple(ln.mid for ln in self.lines if ln.mid is not None)

    @property
    def annual_lines(self) -> tuple[Side, ...]:
        return tuple(ln.annual for ln in self.lines if ln.annual is not None)


@dataclass(frozen=True)
class Group:
    """A 一级指标 and its blocks, in the declaration's order."""

    name: str
    blocks: tuple[Block, ...]
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class Declaration:
    """One project's declaration: its forms' data, and where each value was written."""

    source: str  # the file it was loaded from, as given
    year: int  # 年度
    name: str  # 项目名称
    unit: str  # 实施单位
    department: str | None  # 主管部门 (and code); selects the row-4 variant
    attribute: str  # 项目属性
    period: str  # 项目期
    funds_mid: Funds
    funds_annual: Funds
    span: tuple[int, int]  # 中期目标 years, first and last
    goal_mid: tuple[str, ...]  # one item per line in the cell
    goal_annual: tuple[str, ...]
    indicators: tuple[Group, ...]
    labels: dict[str, str] = field(default_factory=dict)  # reworded labels, by label id
    # what other form kinds read of the declaration: kind key → field path → value
    extras: dict[str, dict[str, object]] = field(default_factory=dict)
    # warnings found while reading (a ` #` that dropped text); `formgen check` reports them
    notes: tuple = field(default=(), compare=False)
    # (line, column) of every value and of every key, by field path; for checks and messages
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    key_positions: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    unit_source: str | None = field(default=None, compare=False)  # the `_unit.yaml` used, if any
    from_unit: frozenset[str] = field(default=frozenset(), compare=False)  # top-level keys it gave

    def file_of(self, path: str) -> str:
        """The file a field was written in: the declaration, or its unit file."""
        top = path.split(".", 1)[0].split("[", 1)[0]
        return self.unit_source if top in self.from_unit and self.unit_source else self.source

    def where(self, path: str, key: bool = False) -> tuple[int, int] | tuple[None, None]:
        """Line and column of a field (its key with key=True), or of its nearest parent."""
        table = self.key_positions if key else self.positions
        for side in ("中期三级指标", "年度三级指标"):  # a name given once for both sides
            if path.endswith(side) and path not in table:
                path = path[: -len(side)] + "三级指标"
        while path:
            if path in table:
                return table[path]
            if path in self.positions:
                return self.positions[path]
            path = path.rsplit(".", 1)[0] if "." in path else ""
        return (None, None)
