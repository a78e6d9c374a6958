"""The rules of performance-target declarations: what the finance bureau sends back.

Each rule is a function of one Context (the declaration, its positions, the
settings, the laid-out grids) that yields findings
(Problem with a stable rule id); `check` runs the enabled ones. Every rule is
documented for users in docs/rules.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import ERROR, WARNING, Problem
from .grid import Grid
from .kinds import FormKind, all_kinds
from .kinds import get as get_kind
from .measure import MAX_ROW_PT, needed_height
from .model import Declaration, Funds, Line, Side
from .settings import Settings
from .template import shipped_template
from .vocabulary import (
    FUND_KEYS,
    NOT_APPLICABLE,
    NUMBER,
    PLACEHOLDER,
    REQUIRED_L1,
    VOCABULARY,
    closest,
)


def _pairs(vocabulary: str) -> set[tuple[str, str | None]]:
    """(一级, 二级) pairs and (一级, None) of one vocabulary."""
    pairs: set[tuple[str, str | None]] = set()
    for l1, l2s in VOCABULARY[vocabulary].items():
        pairs.add((l1, None))
        pairs.update((l1, l2) for l2 in l2s)
    return pairs


_ONLY_IN = {v: _pairs(v) - _pairs(other) for v, other in (("2015", "2021"), ("2021", "2015"))}
_OTHER = {"2015": "2021", "2021": "2015"}
_VOCAB_NAME = {"2015": "2015 年规则", "2021": "2021 年指引"}


# -- values ---------------------------------------------------------------------

_CMP_SIGNS = "≥≤><＞＜=＝≧≦"
_CMP_WORDS = (
    "约",
    "不低于",
    "不少于",
    "不高于",
    "不超过",
    "不大于",
    "不小于",
    "大于",
    "小于",
    "高于",
    "低于",
    "达到",
    "超过",
    "以上",
    "以下",
    "以内",
    "至少",
    "最多",
)
_ASCII_CMP = re.compile(r">=|<=|=>|=<")
_ASCII_FIX = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤"}
_COUNT = re.compile(rf"^\s*[≥＞>]=?\s*({NUMBER})\s*(\S+?)\s*$")


@functools.lru_cache(
    maxsize=8192
)  # the three value rules ask about the same, often repeated, values
def value_findings(value: str) -> tuple[tuple[str, str, str], ...]:
    """(rule, message, hint) for a malformed quantitative value; () for a sound one."""
    return tuple(_value_findings(value))


def _value_findings(value: str) -> list[tuple[str, str, str]]:
    if PLACEHOLDER.search(value):  # not written yet: W-TO-FILL says so
        return []
    if _ASCII_CMP.search(value):
        fixed = _ASCII_CMP.sub(lambda m: _ASCII_FIX[m.group()], value)
        return [
            (
                "W-VALUE-ASCII",
                f"指标值“{value}”用了英文的比较符号",
                f"应写作“{fixed}”（≥ 和 ≤ 是一个字符，可从本提示中复制）",
            )
        ]
    signs = [c for c in value if c in _CMP_SIGNS]
    has_number = re.search(r"\d", value) is not None
    if signs and not has_number:
        return [
            (
                "W-VALUE-NO-NUMBER",
                f"指标值“{value}”有比较符号却没有数字",
                "写出具体数值和单位，如“≥6次”；无法量化的目标请用文字描述，不用比较符号",
            )
        ]
    if has_number and not signs and not any(w in value for w in _CMP_WORDS):
        if re.fullmatch(rf"\s*{NUMBER}\s*", value):
            return [
                (
                    "W-VALUE-NO-UNIT",
                    f"指标值“{value}”只有数字，没有比较符号和单位",
                    f"写明比较关系和单位，如“≥{value.strip()}次”或“{value.strip()}%”",
                )
            ]
    return []


# -- the rules --------------------------------------------------------------------


@dataclass
class Context:
    """What a rule may look at: the declaration (with its positions), the project settings,
    and the grids of the form kinds it produces, laid out on demand."""

    decl: Declaration
    settings: Settings = field(default_factory=Settings)
    grids: dict[str, Grid] = field(default_factory=dict)  # kind key → grid
    derived: dict[str, Any] = field(default_factory=dict)  # kind key → its computed values
    memo: dict[str, Any] = field(default_factory=dict)  # what several rules work out alike

    def kinds(self) -> list[FormKind]:
        return [k for k in all_kinds() if k.applies(self.decl)]

    def grid(self, kind: FormKind) -> Grid:
        if kind.key not in self.grids:
            self.grids[kind.key] = kind.layout(self.decl, shipped_template(kind.template))
        return self.grids[kind.key]

    def values(self, key: str) -> Any:
        """A kind's computed values (FormKind.derive), worked out once for all its rules."""
        if key not in self.derived:
            derive = get_kind(key).derive
            assert derive is not None, f"form kind {key} computes no values"
            self.derived[key] = derive(self.decl)
        return self.derived[key]

    def finding(
        self, rule_id: str, path: str, message: str, hint: str = "", key: bool = False
    ) -> Problem:
        line, column = self.decl.where(path, key=key)
        severity = RULES[rule_id][0]
        return Problem(
            self.decl.file_of(path), line, column, message, hint, path, severity, rule_id
        )


Rule = Callable[[Context], Iterator[Problem]]
RULES: dict[str, tuple[str, Rule]] = {}  # id → (severity, rule), in the order registered
RULE_KIND: dict[str, str] = {}  # id → the form kind a rule belongs to; shared rules have none


def rule(rule_id: str, severity: str, kind: str | None = None):
    """Register a rule. Shared rules (the indicator tree's, the funds') apply to every
    declaration; a form kind registers its own from its module with kind=its key."""

    def register(fn: Rule) -> Rule:
        RULES[rule_id] = (severity, fn)
        if kind is not None:
            RULE_KIND[rule_id] = kind
        return fn

    return register


def _sum_side(funds: Funds) -> tuple[Decimal, Decimal, Decimal] | None:
    if funds.total is None or (funds.fiscal is None and funds.other is None):
        return None
    return funds.total, funds.fiscal or Decimal(0), funds.other or Decimal(0)


@rule("E-FUNDS-SUM", ERROR)
def funds_add_up(ctx: Context) -> Iterator[Problem]:
    for side, funds in (("中期", ctx.decl.funds_mid), ("年度", ctx.decl.funds_annual)):
        parts = _sum_side(funds)
        if parts and parts[1] + parts[2] != parts[0]:
            total, fiscal, other = parts
            yield ctx.finding(
                "E-FUNDS-SUM",
                f"项目资金.{side}.资金总额",
                f"{side}资金：财政拨款 {fiscal} + 其他资金 {other} = {fiscal + other}，"
                f"不等于资金总额 {total}",
                "核对三个金额：资金总额应等于财政拨款与其他资金之和",
            )


@rule("W-FUNDS-MISSING", WARNING)
def funds_given(ctx: Context) -> Iterator[Problem]:
    """A form sent with an empty 资金总额 is sent back: say so before it is printed."""
    for side, funds in (("中期", ctx.decl.funds_mid), ("年度", ctx.decl.funds_annual)):
        if side == "中期" and lasts_one_year(ctx.decl.period):
            continue  # a one-year project may leave the mid-term funds empty (seed form 6)
        if funds.total is None:
            path = f"项目资金.{side}.资金总额"
            yield ctx.finding(
                "W-FUNDS-MISSING",
                path,
                f"{side}资金总额没有填写，表中这一格会是空的",
                f"在“项目资金: {side}:”下写“资金总额: ……”（单位万元，只写数字）",
                key=True,  # an empty value sits at the end of the line: point at its key
            )


@rule("E-FUNDS-ANNUAL", ERROR)
def annual_within_mid(ctx: Context) -> Iterator[Problem]:
    mid, annual = ctx.decl.funds_mid.total, ctx.decl.funds_annual.total
    if mid is not None and annual is not None and annual > mid:
        yield ctx.finding(
            "E-FUNDS-ANNUAL",
            "项目资金.年度.资金总额",
            f"年度资金总额 {annual} 大于中期资金总额 {mid}",
            "年度资金是中期资金的一部分；核对两处金额是否填反或漏了一位",
        )


AMOUNT_IMPLAUSIBLE = Decimal(100000)  # 万元: 10 亿元 for one project is yuan typed as 万元
AMOUNT_DECIMALS = 6  # 0.000001 万元 is one 分


def _amounts(decl: Declaration) -> Iterator[tuple[str, Decimal]]:
    for side, funds in (("中期", decl.funds_mid), ("年度", decl.funds_annual)):
        for key, amount in zip(FUND_KEYS, (funds.total, funds.fiscal, funds.other), strict=True):
            if amount is not None:
                yield f"项目资金.{side}.{key}", amount


@rule("W-AMOUNT-LARGE", WARNING)
def amount_plausible(ctx: Context) -> Iterator[Problem]:
    for path, amount in _amounts(ctx.decl):
        if amount >= AMOUNT_IMPLAUSIBLE:
            yuan = amount * 10000
            yield ctx.finding(
                "W-AMOUNT-LARGE",
                path,
                f"金额 {amount} 万元即 {yuan:,.0f} 元，一个项目很少有这么多，"
                "是否把以“元”为单位的数填进了“万元”栏？",
                f"表头的单位是万元：{amount} 元应写作 {amount / 10000}；金额确实如此时可忽略本警告",
            )


@rule("W-AMOUNT-PRECISION", WARNING)
def amount_precision(ctx: Context) -> Iterator[Problem]:
    for path, amount in _amounts(ctx.decl):
        exponent = amount.as_tuple().exponent
        if not isinstance(exponent, int):  # NaN or Infinity: no decimals to count
            continue
        decimals = -exponent
        if decimals > AMOUNT_DECIMALS:
            yield ctx.finding(
                "W-AMOUNT-PRECISION",
                path,
                f"金额 {amount} 有 {decimals} 位小数；单位是万元，第 {AMOUNT_DECIMALS} 位小数已是 1 分钱",
                f"核对金额：万元最多写到 {AMOUNT_DECIMALS} 位小数（精确到分），通常写到 2 位即可",
            )


@rule("E-YEAR-SPAN", ERROR)
def year_in_span(ctx: Context) -> Iterator[Problem]:
    first, last = ctx.decl.span
    if first and not first <= ctx.decl.year <= last:
        yield ctx.finding(
            "E-YEAR-SPAN",
            "年度",
            f"年度 {ctx.decl.year} 不在中期目标的年度 {first}—{last} 之内",
            "核对“年度”和“总体目标/中期年度”：年度应落在中期的起止年份之间",
        )


def _sides(ctx: Context) -> list[tuple[Line, str, Side]]:
    """(line, side name, Side) for every side of every line: listed once for the rules
    that go through them all."""
    if "sides" not in ctx.memo:
        ctx.memo["sides"] = [
            (line, side_name, side)
            for group in ctx.decl.indicators
            for block in group.blocks
            for line in block.lines
            for side_name, side in (("中期", line.mid), ("年度", line.annual))
            if side is not None
        ]
    return ctx.memo["sides"]


@rule("E-LINE-INCOMPLETE", ERROR)
def line_complete(ctx: Context) -> Iterator[Problem]:
    for line, side_name, side in _sides(ctx):
        if side.name and not side.value and side.name != NOT_APPLICABLE:
            yield ctx.finding(
                "E-LINE-INCOMPLETE",
                f"{line.path}.{side_name}指标值",
                f"{side_name}三级指标“{side.name}”没有指标值",
                f"填写{side_name}指标值；确实不适用时，三级指标写“不适用”",
            )
        elif side.value and not side.name:
            path = f"{line.path}.{side_name}指标值"
            yield ctx.finding(
                "E-LINE-INCOMPLETE",
                path,
                f"{side_name}指标值“{side.value}”没有三级指标名称",
                "写上“三级指标: ……”（两侧不同名时写“中期三级指标”“年度三级指标”）",
            )


def _l2_findings(
    ctx: Context, group_name: str, name: str, path: str, key: bool
) -> Iterator[Problem]:
    vocab = VOCABULARY[ctx.settings.vocabulary]
    other = _OTHER[ctx.settings.vocabulary]
    if group_name not in vocab or name in vocab[group_name]:
        return
    if (group_name, name) in _ONLY_IN[other]:
        yield ctx.finding(
            "W-INDICATOR-L2",
            path,
            f"二级指标“{name}”是{_VOCAB_NAME[other]}的名称，本项目按{_VOCAB_NAME[ctx.settings.vocabulary]}",
            f'改用{_VOCAB_NAME[ctx.settings.vocabulary]}的名称，或在 formgen.toml 中设 vocabulary = "{other}"',
            key=key,
        )
        return
    home = [l1 for l1, l2s in vocab.items() if name in l2s]
    if home:
        yield ctx.finding(
            "W-INDICATOR-L2",
            path,
            f"二级指标“{name}”属于{home[0]}，不应放在{group_name}下",
            f"把它移到“{home[0]}”下",
            key=key,
        )
        return
    guess = closest(name, vocab[group_name])
    yield ctx.finding(
        "W-INDICATOR-L2",
        path,
        f"二级指标“{name}”不是{group_name}下的标准名称" + (f"，是否为“{guess}”？" if guess else ""),
        f"{group_name}下的标准二级指标：{'、'.join(vocab[group_name])}",
        key=key,
    )


@rule("W-INDICATOR-L1", WARNING)
def level1_names(ctx: Context) -> Iterator[Problem]:
    vocab = VOCABULARY[ctx.settings.vocabulary]
    other = _OTHER[ctx.settings.vocabulary]
    for group in ctx.decl.indicators:
        if group.name in vocab:
            continue
        if (group.name, None) in _ONLY_IN[other]:
            message = f"一级指标“{group.name}”是{_VOCAB_NAME[other]}的名称，本项目按{_VOCAB_NAME[ctx.settings.vocabulary]}"
        else:
            guess = closest(group.name, vocab)
            message = f"一级指标“{group.name}”不是标准名称" + (
                f"，是否为“{guess}”？" if guess else ""
            )
        yield ctx.finding(
            "W-INDICATOR-L1",
            group.path,
            message,
            f"{_VOCAB_NAME[ctx.settings.vocabulary]}的一级指标：{'、'.join(vocab)}",
            key=True,
        )


@rule("W-INDICATOR-L2", WARNING)
def level2_names(ctx: Context) -> Iterator[Problem]:
    for group in ctx.decl.indicators:
        for block in group.blocks:
            yield from _l2_findings(ctx, group.name, block.name, block.path, key=True)
            if block.annual_name != block.name:
                yield from _l2_findings(
                    ctx,
                    group.name,
                    block.annual_name,
                    f"{block.path}.年度二级指标",
                    key=False,
                )


@rule("W-VOCABULARY-MIXED", WARNING)
def vocabulary_mixed(ctx: Context) -> Iterator[Problem]:
    used: set[tuple[str, str | None]] = set()
    for group in ctx.decl.indicators:
        used.add((group.name, None))
        for block in group.blocks:
            used.update({(group.name, block.name), (group.name, block.annual_name)})
    if used & _ONLY_IN["2015"] and used & _ONLY_IN["2021"]:
        names = lambda v: "、".join(sorted(b or a for a, b in used & _ONLY_IN[v]))  # noqa: E731
        yield ctx.finding(
            "W-VOCABULARY-MIXED",
            "绩效指标",
            f"同一张表混用了 2015 年规则（{names('2015')}）和 2021 年指引（{names('2021')}）的指标",
            "统一按一种口径填写：2015 年规则中成本指标是产出指标下的二级指标，"
            "2021 年指引中成本指标是一级指标",
            key=True,
        )


@rule("W-MISSING-L1", WARNING)
def required_level1(ctx: Context) -> Iterator[Problem]:
    present = {g.name for g in ctx.decl.indicators}
    for name in REQUIRED_L1:
        if name not in present:
            yield ctx.finding(
                "W-MISSING-L1",
                "绩效指标",
                f"绩效指标中没有“{name}”",
                f"补上“{name}”及其二级、三级指标",
                key=True,
            )


@rule("W-MISSING-QUANTITY", WARNING)
def quantity_present(ctx: Context) -> Iterator[Problem]:
    for group in ctx.decl.indicators:
        if group.name == "产出指标" and not any(b.name == "数量指标" for b in group.blocks):
            yield ctx.finding(
                "W-MISSING-QUANTITY",
                group.path,
                "产出指标下没有“数量指标”",
                "补上“数量指标”，写明可计数的产出，如“≥6次”",
                key=True,
            )


def _malformed_values(ctx: Context) -> list[tuple[str, str, str, str]]:
    """(rule, field path, message, hint) of every malformed value: worked out in one pass
    over the lines for the three value rules."""
    if "malformed values" not in ctx.memo:
        ctx.memo["malformed values"] = [
            (found_id, f"{line.path}.{side_name}指标值", message, hint)
            for line, side_name, side in _sides(ctx)
            for found_id, message, hint in value_findings(side.value)
        ]
    return ctx.memo["malformed values"]


def _value_rule(rule_id: str) -> Rule:
    def check_values(ctx: Context) -> Iterator[Problem]:
        for found_id, path, message, hint in _malformed_values(ctx):
            if found_id == rule_id:
                yield ctx.finding(rule_id, path, message, hint)

    return check_values


for _id in ("W-VALUE-ASCII", "W-VALUE-NO-NUMBER", "W-VALUE-NO-UNIT"):
    rule(_id, WARNING)(_value_rule(_id))


def _count(side: Side | None) -> tuple[Decimal, str] | None:
    return _count_of(side.value) if side else None


@functools.lru_cache(maxsize=8192)  # the same values recur across lines and forms
def _count_of(value: str) -> tuple[Decimal, str] | None:
    """A “≥ number unit” value's number and unit."""
    match = _COUNT.match(value)
    return (Decimal(match.group(1)), match.group(2)) if match else None


@rule("W-ANNUAL-GT-MID", WARNING)
def annual_count_within_mid(ctx: Context) -> Iterator[Problem]:
    for group in ctx.decl.indicators:
        for block in group.blocks:
            for line in block.lines:
                if not (line.mid and line.annual):
                    continue
                mid, annual = _count(line.mid), _count(line.annual)
                if (
                    mid
                    and annual
                    and mid[1] == annual[1]
                    and "%" not in mid[1]
                    and "％" not in mid[1]
                    and annual[0] > mid[0]
                ):
                    yield ctx.finding(
                        "W-ANNUAL-GT-MID",
                        f"{line.path}.年度指标值",
                        f"“{line.annual.name}”的年度指标值 {line.annual.value} 大于中期指标值 {line.mid.value}",
                        "年度目标是中期目标的一部分；核对两个数值是否填反",
                    )


@rule("W-DUPLICATE-L3", WARNING)
def no_duplicate_names(ctx: Context) -> Iterator[Problem]:
    for group in ctx.decl.indicators:
        for block in group.blocks:
            for side_name in ("中期", "年度"):
                seen: dict[str, int] = {}
                for i, line in enumerate(block.lines):
                    side = line.mid if side_name == "中期" else line.annual
                    if side is None or not side.name or side.name == NOT_APPLICABLE:
                        continue
                    if side.name in seen:
                        path = f"{line.path}.{side_name}三级指标"  # where() falls back to 三级指标
                        yield ctx.finding(
                            "W-DUPLICATE-L3",
                            path,
                            f"{block.name}下{side_name}三级指标“{side.name}”出现了两次"
                            f"（第 {seen[side.name] + 1} 行和第 {i + 1} 行）",
                            "合并这两行，或改用能区分的名称",
                        )
                    else:
                        seen[side.name] = i


# 项目期 of a project that lasts one year: 2022年度, 2022年, 一年, 1年, 当年, 2022—2022.
_ONE_YEAR = re.compile(
    r"^\s*(?:(\d{4})\s*年?度?|(\d{4})\s*年?\s*(?:—|–|-|~|～|至|到)+\s*(\d{4})\s*年?|"
    r"[一1]\s*年(?:期|度)?|当年|本年度?)\s*$"
)


def lasts_one_year(period: str) -> bool:
    """Whether a 项目期 says the project lasts one year (then it needs no mid-term goal)."""
    match = _ONE_YEAR.match(period or "")
    if not match:
        return False
    if match.group(2):
        return match.group(2) == match.group(3)
    return True


@rule("W-EMPTY-GOAL", WARNING)
def goals_present(ctx: Context) -> Iterator[Problem]:
    for key, items in (("中期目标", ctx.decl.goal_mid), ("年度目标", ctx.decl.goal_annual)):
        if key == "中期目标" and lasts_one_year(ctx.decl.period):
            continue
        if not "".join(items).strip():
            yield ctx.finding(
                "W-EMPTY-GOAL",
                f"总体目标.{key}",
                f"总体目标中的“{key}”是空的",
                f"写出{key}：做什么、做到什么程度",
                key=f"总体目标.{key}" not in ctx.decl.positions,
            )


def _has_placeholder(text: str) -> bool:
    """PLACEHOLDER.search(text), by substring search: a regex alternation scans long
    Chinese text character by character, str.find does not (test_rules_fast holds them equal)."""
    return "__" in text or "＿" in text


def _every_text(decl: Declaration) -> Iterator[str]:
    """Every text of the declaration that W-TO-FILL looks at."""
    yield from (decl.name, decl.unit, decl.department or "", decl.attribute, decl.period)
    yield from decl.goal_mid
    yield from decl.goal_annual
    for group in decl.indicators:
        yield group.name
        for block in group.blocks:
            yield block.name
            for line in block.lines:
                for side in (line.mid, line.annual):
                    if side is not None:
                        yield side.name
                        yield side.value


@rule("W-TO-FILL", WARNING)
def placeholders_filled(ctx: Context) -> Iterator[Problem]:
    """Skeletons (`formgen new`) mark what is still to write with `__`. A warning, so that a
    draft still builds for a look; `check --strict` holds it back."""
    decl = ctx.decl
    if not _has_placeholder("\0".join(_every_text(decl))):
        return  # most declarations have none: no paths to work out
    texts = [  # (field path, what it is, text, the path names a key rather than a value)
        (key, key, text, False)
        for key, text in (
            ("项目名称", decl.name),
            ("实施单位", decl.unit),
            ("主管部门", decl.department or ""),
            ("项目属性", decl.attribute),
            ("项目期", decl.period),
        )
    ]
    for key, items in (("中期目标", decl.goal_mid), ("年度目标", decl.goal_annual)):
        path = f"总体目标.{key}"
        for i, item in enumerate(items):
            item_path = f"{path}[{i}]" if f"{path}[{i}]" in decl.positions else path
            texts.append((item_path, key, item, False))
    for group in decl.indicators:
        texts.append((group.path, "一级指标", group.name, True))
        for block in group.blocks:
            texts.append((block.path, "二级指标", block.name, True))
            for line in block.lines:
                shared = f"{line.path}.三级指标" in decl.positions
                for side_name, side in (("中期", line.mid), ("年度", line.annual)):
                    if side is not None:
                        what = "三级指标" if shared else f"{side_name}三级指标"
                        texts.append((f"{line.path}.{what}", what, side.name, False))
                        what = f"{side_name}指标值"
                        texts.append((f"{line.path}.{what}", what, side.value, False))
    reported = set()
    for path, what, text, is_key in texts:
        if PLACEHOLDER.search(text) and path not in reported:
            reported.add(path)  # a name written once for both sides is reported once
            bare = PLACEHOLDER.fullmatch(text.strip())
            yield ctx.finding(
                "W-TO-FILL",
                path,
                f"{what}还没有填写（“{text}”）" if bare else f"{what}“{text}”中的“__”还没有填写",
                "把“__”换成实际内容，如“≥ __ 次”→“≥ 6 次”；确实不适用的指标行，"
                "三级指标和指标值都写“不适用”",
                key=is_key,
            )


@rule("W-TEXT-COMMENT", WARNING)
def comments_after_text(ctx: Context) -> Iterator[Problem]:
    """Found while reading (the ` #` is gone from the nodes); reported here so that it can
    be turned off like any rule."""
    for note in ctx.decl.notes:
        if note.rule == "W-TEXT-COMMENT":
            yield note


@rule("W-XLSX-CLIPPED", WARNING)
def fits_in_excel(ctx: Context) -> Iterator[Problem]:
    """Text too tall for Excel's highest row, in the grid of every form the declaration makes."""
    for kind in ctx.kinds():
        grid = ctx.grid(kind)
        for cell in grid.cells:
            # the narrowest cell holds about 100 characters in 409 pt: shorter ones (most
            # cells: asked first) need no measuring
            if len(cell.text) <= 100 or cell.row < grid.head_rows or not cell.field:
                continue
            width = sum(grid.widths_cm[cell.col : cell.col + cell.colspan])
            need = needed_height(cell.text, width, grid.template.body_pt)
            if need > MAX_ROW_PT * cell.rowspan:
                yield ctx.finding(
                    "W-XLSX-CLIPPED",
                    cell.field,
                    f"这段文字约需 {need:.0f} 磅高，超过 Excel 行高上限 {MAX_ROW_PT:.0f} 磅，"
                    "Excel 版中会显示不全（Word 版中这一行会跨页接续）",
                    "精简这段文字；或只报送 Word 版",
                )


def check(ctx: Context) -> list[Problem]:
    """Every enabled rule's findings, in the order of the file. A kind's own rules run
    only for declarations that produce that kind's form."""
    settings = ctx.settings
    kinds = {k.key for k in ctx.kinds()}
    findings: list[Problem] = []
    for rule_id, (_sev, fn) in RULES.items():
        owner = RULE_KIND.get(rule_id)
        if rule_id not in settings.disabled and (owner is None or owner in kinds):
            findings += fn(ctx)

    unknown = sorted(settings.disabled - set(RULES))
    if unknown:
        findings.append(
            Problem(
                settings.source,
                None,
                None,
                f"不认识的规则编号：{'、'.join(unknown)}",
                f"可用的规则编号：{'、'.join(RULES)}",
                severity=WARNING,
                rule="W-SETTINGS",
            )
        )
    return sorted(findings, key=lambda p: (p.line or 0, p.column or 0, p.rule))


def check_declaration(decl: Declaration, settings: Settings | None = None) -> list[Problem]:
    """check() of a declaration alone (the grids are laid out as the rules need them)."""
    return check(Context(decl, settings or Settings()))
