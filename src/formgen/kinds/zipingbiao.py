"""The 项目支出绩效自评表: the year-end self-evaluation, from the same declaration.

After the budget year a unit adds its results next to the targets of its 申报表
(keys below); every declaration that has results also builds this form. The
grid is ../shared/FORM-自评表.md's: nine columns A–I, the title and the year
line above the table. The figures (执行率, 得分, default 分值, 总分) are computed
here by formgen.scoring, once, and written as values into both formats.

Keys this kind reads, each next to what it evaluates:
- top level: 评价年度 (the year evaluated, when not the declaration's 年度);
- 项目资金.年度: 全年预算数, 全年执行数, 年初预算数 (each a table of the four fund
  rows), 执行说明 (why 全年执行数 exceeds 全年预算数);
- 总体目标: 实际完成情况 (a text, or a list of items);
- an indicator line: 实际完成值, 分值, 得分, 评价等级, 偏差原因分析及改进措施.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yaml.nodes import Node

from .. import kinds, scoring
from ..errors import ERROR, WARNING, Problem
from ..grid import AMOUNT, CENTER, LABEL, PERCENT, TEXT, TITLE, YEAR, Cell, Grid
from ..model import Declaration, Line, Side
from ..reader import Reader
from ..template import Template, shipped_template
from ..vocabulary import EVAL_FUND_ROWS, KEY_HELP, KEY_TYPE, NOT_APPLICABLE, PLAIN_NUMBER, closest

# The registry declares the kind (its keys, rule ids, output name) and imports this module
# only when a declaration has results or the form's layout is asked for.
KIND = kinds.ZIPINGBIAO
KEY = KIND.key
N_COLUMNS = 9
HEAD_ROWS = 2

LINE_KEYS = KIND.extra_keys["line"]
REASON = "偏差原因分析及改进措施"
# The fund rows of the form: key in the declaration, label id, the 申报表's annual amount
# that is its 年初预算数 by default.
FUND_ROWS = (
    ("资金总额", "年度资金总额", "total"),
    ("本年财政拨款", "本年财政拨款", "fiscal"),
    ("上年结转资金", "上年结转资金", None),
    ("其他资金", "其他资金", "other"),
)
ROW_KEYS = EVAL_FUND_ROWS  # the same four, in the same order

# How the editor schema types and describes the keys (see vocabulary.KEY_TYPE, KEY_HELP).
KEY_TYPE.update(
    {
        "评价年度": "year",
        "全年预算数": "fund_rows",
        "全年执行数": "fund_rows",
        "年初预算数": "fund_rows",
        "实际完成情况": "texts",
        "分值": "amount",
        "得分": "amount",
    }
)
KEY_HELP.update(
    {
        "评价年度": (
            "评价年度",
            "自评时可写：被评价的年度，与“年度”不同时才写；自评表表头显示为“（2025年度）”",
        ),
        "全年预算数": (
            "全年预算数",
            "自评时填写：年中调整后的全年预算（万元），按资金总额、本年财政拨款、上年结转资金、其他资金分行",
        ),
        "全年执行数": (
            "全年执行数",
            "自评时填写：全年实际支出（万元），按行与全年预算数对应；执行率由 formgen 计算",
        ),
        "年初预算数": (
            "年初预算数",
            "自评时可写：默认取本段的资金总额、财政拨款、其他资金，不同时才写",
        ),
        "执行说明": (
            "执行说明",
            "自评时：全年执行数超过全年预算数时写明原因（只用于检查，不印在表上）",
        ),
        "本年财政拨款": ("其中：本年财政拨款", "只写数字（万元）；没有时留空"),
        "上年结转资金": ("上年结转资金", "只写数字（万元）；没有时留空"),
        "实际完成情况": (
            "实际完成情况",
            "自评时填写：年度目标的完成情况，一段文字或列表（每项一行）",
        ),
        "实际完成值": (
            "实际完成值",
            "自评时填写：这一行实际做到了多少，单位与年度指标值相同才能自动计分，如“63家”",
        ),
        "分值": (
            "分值",
            "自评时可写：这一行的分值；不写则按默认分值（产出 50、效益 30、满意度 10）平分",
        ),
        "得分": ("得分", "自评时可写：能计算的由 formgen 计算；定性指标（没有数字的）必须写"),
        "评价等级": ("评价等级", "定性指标自评时必写：" + "、".join(scoring.GRADES) + " 三档之一"),
        REASON: (REASON, "自评时：得分低于分值的行必须写明原因和改进措施"),
    }
)
ANNUAL_FUNDS = "项目资金.年度"


# -- what the declaration says -----------------------------------------------------------


@dataclass(frozen=True)
class LineResult:
    """The results written next to one indicator line."""

    actual: str | None = None  # 实际完成值
    weight: Decimal | None = None  # 分值, when the line gives its own
    score: Decimal | None = None  # 得分, when the line gives it
    grade: str | None = None  # 评价等级 it claims (qualitative lines)
    reason: str = ""  # 偏差原因分析及改进措施


def _points(reader: Reader, node: Node, path: str, what: str) -> Decimal | None:
    """分值 or 得分: a plain non-negative number, as typed."""
    raw = reader.text(node, path)
    if raw is None or not raw.strip():
        return None
    if not PLAIN_NUMBER.fullmatch(raw.strip()):
        reader.error(
            node,
            "E-EVAL-NUMBER",
            f"{what}“{raw}”不是数字",
            f"只写数字，如“{what}: 5.5”；不写单位“分”，不能为负",
            path,
        )
        return None
    return Decimal(raw.strip())


def _fund_table(reader: Reader, node: Node, path: str) -> dict[str, Decimal | None]:
    if reader._is_null(node):
        return {}
    entries = reader.mapping(node, path, ROW_KEYS) or {}
    return {key: reader.amount(value, f"{path}.{key}") for key, (_k, value) in entries.items()}


def read_extra(reader: Reader, level: str, entries: dict, path: str) -> object:
    """The results at one level of the declaration (see kinds.FormKind.read_extra)."""
    if level == "top":
        node = entries["评价年度"][1]
        return {"评价年度": reader.year(node, "评价年度")}
    if level == "goals":
        return reader.items(entries["实际完成情况"][1], f"{path}.实际完成情况")
    if level == "funds_side":
        if path != ANNUAL_FUNDS:
            first = next(iter(entries.values()))[0]
            reader.error(
                first,
                "E-EVAL-FUNDS-SIDE",
                f"自评的资金（{'、'.join(entries)}）写在了“{path}”下",
                f"全年预算数、全年执行数等写在“{ANNUAL_FUNDS}”下，与年度资金并列",
                path,
            )
            return None
        result: dict[str, object] = {}
        for key, (_k, value) in entries.items():
            sub = f"{path}.{key}"
            result[key] = (
                reader.text(value, sub) if key == "执行说明" else _fund_table(reader, value, sub)
            )
        return result
    # an indicator line
    texts: dict[str, str | None] = {}
    points: dict[str, Decimal | None] = {}
    for key, (_k, value) in entries.items():
        sub = f"{path}.{key}"
        if key in ("分值", "得分"):
            points[key] = _points(reader, value, sub, key)
        else:
            texts[key] = reader.text(value, sub)
    grade = texts.get("评价等级")
    if grade is not None and grade not in scoring.GRADES:
        guess = closest(grade, tuple(scoring.GRADES))
        reader.error(
            entries["评价等级"][1],
            "E-EVAL-GRADE",
            f"评价等级“{grade}”不是三档之一",
            (f"是否应为“{guess}”？" if guess else "")
            + f"评价等级只能写：{'、'.join(scoring.GRADES)}",
            f"{path}.评价等级",
        )
        grade = None
    return LineResult(
        actual=texts.get("实际完成值"),
        weight=points.get("分值"),
        score=points.get("得分"),
        grade=grade,
        reason=(texts.get(REASON) or "").strip(),
    )


# -- what formgen computes ------------------------------------------------------------------


@dataclass(frozen=True)
class FundRow:
    key: str  # 资金总额, 本年财政拨款, …
    start: Decimal | None  # 年初预算数
    budget: Decimal | None  # 全年预算数
    spent: Decimal | None  # 全年执行数
    rate: Decimal | None  # exact 执行率

    @property
    def path(self) -> str:
        return f"{ANNUAL_FUNDS}.全年执行数.{self.key}"


@dataclass(frozen=True)
class Row:
    """One annual indicator line of the 自评表, with its figures."""

    level1: str
    level2: str  # the annual 二级 name
    line: Line
    annual: Side  # line.annual: only lines with an annual side are rows
    result: LineResult
    weight: Decimal | None  # given or shared out; None if it has neither
    auto: scoring.AutoScore  # what formgen computes (score None if it cannot)
    score: Decimal | None  # given, else computed

    @property
    def target(self) -> str:
        return self.annual.value

    @property
    def qualitative(self) -> bool:
        return self.auto.why == scoring.BY_HAND_QUALITATIVE


@dataclass(frozen=True)
class Evaluation:
    year: int
    funds: tuple[FundRow, ...]
    funds_score: Decimal | None
    explanation: str  # 执行说明
    achieved: tuple[str, ...]  # 实际完成情况
    rows: tuple[Row, ...]
    group_weights: dict[str, Decimal] = field(default_factory=dict)  # 一级 → sum of 分值
    stray: tuple[tuple[str, LineResult], ...] = ()  # results on lines with no annual side
    total: Decimal | None = None

    @property
    def weights_total(self) -> Decimal | None:
        weights = [r.weight for r in self.rows if r.weight is not None]
        if len(weights) != len(self.rows):
            return None
        return scoring.FUNDS_WEIGHT + sum(weights, Decimal(0))


def _table(value: object) -> dict[str, Any]:
    """A mapping read by read_extra (results, funds tables), or {} where there is none."""
    return value if isinstance(value, dict) else {}


def derive(decl: Declaration) -> Evaluation:
    """Every figure of the 自评表, from the declaration alone."""
    extras = decl.extras.get(KEY, {})
    top = _table(extras.get("top"))
    money = _table(extras.get(ANNUAL_FUNDS))
    start_given = _table(money.get("年初预算数"))
    budget, spent = _table(money.get("全年预算数")), _table(money.get("全年执行数"))
    funds = []
    for key, _label, attr in FUND_ROWS:
        default = getattr(decl.funds_annual, attr) if attr else None
        start = start_given[key] if key in start_given else default
        b, s = budget.get(key), spent.get(key)
        funds.append(FundRow(key, start, b, s, scoring.execution_rate(b, s)))
    total_row = funds[0]

    annual: list[tuple[str, str, Line, LineResult, Side]] = []
    stray: list[tuple[str, LineResult]] = []
    for group in decl.indicators:
        for block in group.blocks:
            for line in block.lines:
                given = extras.get(line.path)
                result = given if isinstance(given, LineResult) else LineResult()
                if line.annual is None:
                    if line.path in extras:
                        stray.append((line.path, result))
                    continue
                annual.append((group.name, block.annual_name, line, result, line.annual))

    weights: dict[int, Decimal | None] = {}
    group_weights: dict[str, Decimal] = {}
    for name in dict.fromkeys(level1 for level1, *_ in annual):
        members = [i for i, (level1, *_rest) in enumerate(annual) if level1 == name]
        # a line that does not apply (三级 or 指标值 "不适用") weighs 0 unless it says otherwise
        given = [
            annual[i][3].weight
            if annual[i][3].weight is not None or not _not_applicable(annual[i][4])
            else Decimal(0)
            for i in members
        ]
        pool = scoring.DEFAULT_WEIGHTS.get(name)
        if pool is None:  # a 一级 with no default weight: only what its lines give
            shared: list[Decimal | None] = list(given)
        else:
            shared = list(scoring.share_weights(pool, given))
        for i, w in zip(members, shared, strict=True):
            weights[i] = None if w is None else _normal(w)
        group_weights[name] = sum((w for w in shared if w is not None), Decimal(0))

    rows = []
    for i, (level1, level2, line, result, side) in enumerate(annual):
        weight = weights[i]
        auto = (
            scoring.indicator_score(weight, side.value, result.actual)
            if weight is not None
            else scoring.AutoScore(None, "no-weight")
        )
        score = result.score if result.score is not None else auto.score
        rows.append(Row(level1, level2, line, side, result, weight, auto, score))

    funds_score = scoring.funds_score(total_row.budget, total_row.spent)
    achieved = extras.get("总体目标")
    total = scoring.total_score([funds_score, *(r.score for r in rows)])
    return Evaluation(
        year=top.get("评价年度") or decl.year,
        funds=tuple(funds),
        funds_score=funds_score,
        explanation=(money.get("执行说明") or "").strip(),
        achieved=achieved if isinstance(achieved, tuple) else (),
        rows=tuple(rows),
        group_weights=group_weights,
        stray=tuple(stray),
        total=total,
    )


def _normal(value: Decimal) -> Decimal:
    """A weight as it prints: 5.50 → 5.5, 15.00 → 15 (the value is unchanged)."""
    return Decimal(scoring.plain(value))


# -- the layout ------------------------------------------------------------------------------


def _number(row: int, col: int, value: Decimal | None, path: str = "", **span) -> Cell:
    if value is None:
        return Cell(row, col, "", AMOUNT, field=path, **span)
    return Cell(row, col, format(value, "f"), AMOUNT, number=value, field=path, **span)


def _score(row: int, col: int, value: Decimal | None, path: str = "") -> Cell:
    """A 得分 prints with two decimals, given or computed."""
    return _number(row, col, None if value is None else scoring.round2(value), path)


def _rate(row: int, col: int, rate: Decimal | None) -> Cell:
    shown = scoring.shown_rate(rate)
    if shown is None:
        return Cell(row, col, "", PERCENT)
    return Cell(row, col, scoring.rate_text(rate), PERCENT, number=shown)


def layout(decl: Declaration, template: Template | None = None) -> Grid:
    """FORM-自评表.md's grid: nine columns A–I, the title and year line above the table."""
    t = template or shipped_template("自评表.yaml")
    ev = derive(decl)
    label = t.label
    cells: list[Cell] = [
        Cell(0, 0, label("标题"), TITLE, colspan=N_COLUMNS),
        Cell(1, 0, label("年度行", 年度=ev.year), YEAR, colspan=N_COLUMNS),
        Cell(2, 0, label("项目名称"), LABEL),
        Cell(2, 1, decl.name, TEXT, colspan=8, field="项目名称"),
        Cell(3, 0, label("主管部门"), LABEL),
        Cell(3, 1, decl.department or "", TEXT, colspan=3, field="主管部门"),
        Cell(3, 4, label("实施单位"), LABEL),
        Cell(3, 5, decl.unit, TEXT, colspan=4, field="实施单位"),
        Cell(4, 0, label("项目资金"), LABEL, rowspan=5),
        Cell(4, 1, "", LABEL, colspan=2),
    ]
    for col, label_id in enumerate(
        ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), 3
    ):
        cells.append(Cell(4, col, label(label_id), LABEL))
    for i, (fund, (_key, label_id, _attr)) in enumerate(zip(ev.funds, FUND_ROWS, strict=True)):
        r = 5 + i
        base = f"{ANNUAL_FUNDS}.%s.{fund.key}"
        cells += [
            Cell(r, 1, label(label_id), LABEL, colspan=2),
            _number(r, 3, fund.start, base % "年初预算数" if fund.start is not None else ""),
            _number(r, 4, fund.budget, base % "全年预算数"),
            _number(r, 5, fund.spent, base % "全年执行数"),
        ]
        if i == 0:
            cells += [
                _number(r, 6, scoring.FUNDS_WEIGHT),
                _rate(r, 7, fund.rate),
                _score(r, 8, ev.funds_score),
            ]
        else:
            cells += [
                Cell(r, 6, label("不计分"), LABEL),
                _rate(r, 7, fund.rate),
                Cell(r, 8, label("不计分"), LABEL),
            ]
    cells += [
        Cell(9, 0, label("年度总体目标"), LABEL, rowspan=2),
        Cell(9, 1, label("预期目标"), LABEL, colspan=4),
        Cell(9, 5, label("实际完成情况"), LABEL, colspan=4),
        Cell(10, 1, "\n".join(decl.goal_annual), TEXT, colspan=4, field="总体目标.年度目标"),
        Cell(10, 5, "\n".join(ev.achieved), TEXT, colspan=4, field="总体目标.实际完成情况"),
    ]
    header = 11
    heads = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因",
    )
    cells.append(Cell(header, 0, label("绩效指标"), LABEL, rowspan=1 + len(ev.rows)))
    cells += [Cell(header, col, label(h), LABEL) for col, h in enumerate(heads, 1)]
    cells += _indicator_cells(ev, header + 1, t)
    last = header + 1 + len(ev.rows)
    cells += [
        Cell(last, 0, label("总分"), LABEL, colspan=6),
        _number(last, 6, scoring.TOTAL_WEIGHT),
        _score(last, 7, ev.total),
        Cell(last, 8, "", LABEL),
    ]
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(
        tuple(cells),
        last + 1,
        t,
        decl.name,
        ev.year,
        widths_cm=t.columns_cm,
        page=t.page,
        head_rows=HEAD_ROWS,
        kind=KEY,
    )


def _indicator_cells(ev: Evaluation, top: int, t: Template) -> list[Cell]:
    """B per 一级 (with its weight), C per (一级, 二级) block, D–I one line a row."""
    cells: list[Cell] = []
    rows = ev.rows
    i = 0
    while i < len(rows):
        level1 = rows[i].level1
        end = i
        while end < len(rows) and rows[end].level1 == level1:
            end += 1
        weight = ev.group_weights.get(level1)
        text = t.label("一级指标分值", 一级=level1, 分值=scoring.plain(weight or Decimal(0)))
        cells.append(Cell(top + i, 1, text, LABEL, rowspan=end - i))
        j = i
        while j < end:
            block_end = j
            while block_end < end and _block_of(rows[block_end]) == _block_of(rows[j]):
                block_end += 1
            cells.append(Cell(top + j, 2, rows[j].level2, LABEL, rowspan=block_end - j))
            j = block_end
        for k in range(i, end):
            row, r = rows[k], top + k
            path = row.line.path
            cells += [
                Cell(r, 3, row.annual.name, TEXT, field=f"{path}.年度三级指标"),
                Cell(r, 4, row.target, CENTER, field=f"{path}.年度指标值"),
                Cell(r, 5, row.result.actual or "", CENTER, field=f"{path}.实际完成值"),
                _number(r, 6, row.weight, f"{path}.分值"),
                _score(r, 7, row.score, f"{path}.得分"),
                Cell(r, 8, row.result.reason, TEXT, field=f"{path}.{REASON}"),
            ]
        i = end
    return cells


def _block_of(row: Row) -> str:
    """The block a line belongs to: its path without the line index."""
    return row.line.path.rsplit("[", 1)[0]


# -- the check rules -------------------------------------------------------------------------


def _register_rules() -> None:
    from ..rules import Context, rule

    def evaluation(ctx: Context) -> Evaluation:
        """The declaration's figures, derived once per check (Context.values)."""
        ev: Evaluation = ctx.values(KEY)
        return ev

    @rule("E-EVAL-WEIGHTS", ERROR, kind=KEY)
    def weights_make_100(ctx: Context) -> Iterator[Problem]:
        ev = evaluation(ctx)
        for row in ev.rows:
            if row.weight is None:
                yield ctx.finding(
                    "E-EVAL-WEIGHTS",
                    row.line.path,
                    f"一级指标“{row.level1}”没有默认分值，这一行也没有写“分值”",
                    "给这个一级指标下的每一行写上“分值: …”，使全部分值合计为 100",
                )
            elif row.weight < 0:
                yield ctx.finding(
                    "E-EVAL-WEIGHTS",
                    row.line.path,
                    f"“{row.level1}”下各行自定的分值超过了它的默认分值"
                    f" {scoring.plain(scoring.DEFAULT_WEIGHTS[row.level1])}，"
                    f"这一行分到 {scoring.plain(row.weight)} 分",
                    "减少其他行的“分值”，或给这一行也写上“分值”",
                )
        total = ev.weights_total
        if total is not None and total != scoring.TOTAL_WEIGHT:
            parts = [f"资金 {scoring.plain(scoring.FUNDS_WEIGHT)}"] + [
                f"{name} {scoring.plain(w)}" for name, w in ev.group_weights.items()
            ]
            missing = [
                name
                for name in scoring.DEFAULT_WEIGHTS
                if name not in ev.group_weights and any(g.name == name for g in ctx.decl.indicators)
            ]
            path = f"绩效指标.{missing[0]}" if missing else "绩效指标"
            why = (
                f"（“{'、'.join(missing)}”没有年度指标行，它的默认分值无处分摊）" if missing else ""
            )
            yield ctx.finding(
                "E-EVAL-WEIGHTS",
                path,
                f"分值合计为 {scoring.plain(total)}（{' + '.join(parts)}），不是 100{why}",
                "在指标行上写“分值: …”调整各行分值，使资金 10 分与全部指标分值合计为 100",
                key=True,
            )

    @rule("E-EVAL-SCORE-OVER", ERROR, kind=KEY)
    def score_within_weight(ctx: Context) -> Iterator[Problem]:
        for row in evaluation(ctx).rows:
            if (
                row.result.score is not None
                and row.weight is not None
                and row.result.score > row.weight
            ):
                yield ctx.finding(
                    "E-EVAL-SCORE-OVER",
                    f"{row.line.path}.得分",
                    f"得分 {row.result.score} 超过了这一行的分值 {scoring.plain(row.weight)}",
                    "得分最多等于分值；核对得分，或调整“分值”",
                )

    @rule("E-EVAL-QUALITATIVE", ERROR, kind=KEY)
    def qualitative_scored(ctx: Context) -> Iterator[Problem]:
        for row in evaluation(ctx).rows:
            if not row.qualitative or row.weight is None or row.weight == 0:
                continue
            grades = "、".join(scoring.GRADES)
            if row.result.score is None or row.result.grade is None:
                missing = "、".join(
                    k
                    for k, v in (("得分", row.result.score), ("评价等级", row.result.grade))
                    if v is None
                )
                yield ctx.finding(
                    "E-EVAL-QUALITATIVE",
                    row.line.path,
                    f"定性指标“{row.annual.name}”（{row.target}）没有写{missing}，formgen 无法计分",
                    f"写上“评价等级: …”（{grades}）和在该档分数范围内的“得分: …”",
                )
            elif not scoring.in_band(row.result.grade, row.weight, row.result.score):
                yield ctx.finding(
                    "E-EVAL-QUALITATIVE",
                    f"{row.line.path}.得分",
                    f"得分 {row.result.score} 不在“{row.result.grade}”的分数范围内"
                    f"（分值 {scoring.plain(row.weight)} 的"
                    f" {scoring.band_text(row.result.grade, row.weight)}）",
                    "按实际情况改正评价等级或得分：达成年度指标为分值的 80%–100%，"
                    "部分达成为 60%（含）–80%，未达成为 60% 以下",
                )

    @rule("E-EVAL-NO-REASON", ERROR, kind=KEY)
    def shortfall_explained(ctx: Context) -> Iterator[Problem]:
        for row in evaluation(ctx).rows:
            if (
                row.score is not None
                and row.weight is not None
                and row.score < row.weight
                and not row.result.reason
            ):
                path = f"{row.line.path}.{'得分' if row.result.score is not None else '实际完成值'}"
                yield ctx.finding(
                    "E-EVAL-NO-REASON",
                    path,
                    f"“{row.annual.name}”得分 {scoring.round2(row.score)} 低于分值"
                    f" {scoring.plain(row.weight)}，但没有写偏差原因",
                    f"在这一行写上“{REASON}: …”：为什么没有达到目标，今后怎么改进",
                )

    @rule("E-EVAL-OVERSPENT", ERROR, kind=KEY)
    def spending_within_budget(ctx: Context) -> Iterator[Problem]:
        ev = evaluation(ctx)
        if ev.explanation:
            return
        for fund in ev.funds:
            if fund.budget is not None and fund.spent is not None and fund.spent > fund.budget:
                yield ctx.finding(
                    "E-EVAL-OVERSPENT",
                    fund.path,
                    f"{fund.key}的全年执行数 {fund.spent} 超过了全年预算数 {fund.budget}",
                    f"核对金额；确实超支的，在“{ANNUAL_FUNDS}”下写“执行说明: …”说明原因",
                )

    @rule("W-EVAL-UNITS", WARNING, kind=KEY)
    def units_agree(ctx: Context) -> Iterator[Problem]:
        for row in evaluation(ctx).rows:
            why = row.auto.why
            if row.result.score is not None or why not in (
                scoring.BY_HAND_UNITS,
                scoring.BY_HAND_UNREADABLE,
            ):
                continue
            what = "单位不一致" if why == scoring.BY_HAND_UNITS else "不是“数字 + 单位”的写法"
            yield ctx.finding(
                "W-EVAL-UNITS",
                f"{row.line.path}.实际完成值",
                f"实际完成值“{row.result.actual}”与年度指标值“{row.target}”{what}，"
                "formgen 无法计分，这一行的得分和总分将空着",
                "把实际完成值写成与指标值相同的单位（如“万元”对“万元”），或写上“得分: …”",
            )

    @rule("W-EVAL-HIGH", WARNING, kind=KEY)
    def target_not_too_low(ctx: Context) -> Iterator[Problem]:
        for row in evaluation(ctx).rows:
            if row.auto.ratio is not None and row.auto.ratio >= Decimal("1.3"):
                yield ctx.finding(
                    "W-EVAL-HIGH",
                    f"{row.line.path}.实际完成值",
                    f"实际完成值“{row.result.actual}”是年度指标值“{row.target}”的"
                    f" {scoring.round2(row.auto.ratio * 100)}%，目标可能定得偏低",
                    "核对实际完成值；下一年度申报时按实际能力设定目标",
                )

    @rule("W-EVAL-NO-TARGET", WARNING, kind=KEY)
    def result_has_target(ctx: Context) -> Iterator[Problem]:
        ev = evaluation(ctx)
        for path, _result in ev.stray:
            key = next(k for k in LINE_KEYS if f"{path}.{k}" in ctx.decl.positions)
            yield ctx.finding(
                "W-EVAL-NO-TARGET",
                f"{path}.{key}",
                "这一行没有年度指标，写在这里的自评结果不会出现在自评表中",
                "自评结果只写在有“年度指标值”的行上；删除这里的结果，或补上年度指标",
            )
        for row in ev.rows:
            if not row.target.strip() and (row.result.actual or row.result.score is not None):
                yield ctx.finding(
                    "W-EVAL-NO-TARGET",
                    f"{row.line.path}.实际完成值",
                    "这一行的年度指标值是空的，实际完成值无从比较",
                    "补上年度指标值，或写上“得分: …”",
                )

    @rule("W-EVAL-FUNDS-SUM", WARNING, kind=KEY)
    def funds_add_up(ctx: Context) -> Iterator[Problem]:
        ev = evaluation(ctx)
        for column, attr in (("全年预算数", "budget"), ("全年执行数", "spent")):
            total, *parts = (getattr(fund, attr) for fund in ev.funds)
            if total is None or all(p is None for p in parts):
                continue
            rest = sum((p for p in parts if p is not None), Decimal(0))
            if rest != total:
                yield ctx.finding(
                    "W-EVAL-FUNDS-SUM",
                    f"{ANNUAL_FUNDS}.{column}.资金总额",
                    f"{column}：本年财政拨款、上年结转资金、其他资金合计 {rest}，"
                    f"不等于资金总额 {total}",
                    "核对这几行金额：资金总额应等于其余三行之和",
                )

    @rule("W-EVAL-INCOMPLETE", WARNING, kind=KEY)
    def results_complete(ctx: Context) -> Iterator[Problem]:
        ev = evaluation(ctx)
        if ev.funds_score is None:
            yield ctx.finding(
                "W-EVAL-INCOMPLETE",
                ANNUAL_FUNDS,
                "没有年度资金总额的全年预算数和全年执行数，资金得分和总分将空着",
                f"在“{ANNUAL_FUNDS}”下写“全年预算数”和“全年执行数”的“资金总额”",
            )
        for row in ev.rows:
            if row.score is None and row.auto.why == scoring.NO_ACTUAL:
                yield ctx.finding(
                    "W-EVAL-INCOMPLETE",
                    row.line.path,
                    f"“{row.annual.name}”没有实际完成值，这一行的得分和总分将空着",
                    "写上“实际完成值: …”",
                )


_register_rules()


def _not_applicable(side: Side) -> bool:
    return NOT_APPLICABLE in (side.name.strip(), side.value.strip())
