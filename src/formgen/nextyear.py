"""`formgen next-year`: last year's declarations copied to a new folder for the next year.

Only the values that must change are rewritten, in place in the file's own text: each
edit replaces exactly the characters of one YAML scalar (found by the parser's marks),
so comments, key order, quoting, spacing and line breaks stay byte for byte, and a diff
against last year's file shows only those values. A dump of a round-trip parser would
re-space keys and re-flow long texts. Every rolled file is read back and compared with
the original model before anything is written; nothing existing is ever overwritten.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DeclarationError, FormgenError, Problem
from .kinds import DEFAULT_KIND, all_kinds, extra_keys
from .loader import loads
from .model import Block, Declaration, Funds, Group, Line, Side
from .reader import line_col, read_bytes, read_document
from .vocabulary import FUND_KEYS, FUND_SIDES, NOT_APPLICABLE, SPAN, UNIT_FILE

SUFFIXES = (".yaml", ".yml")
SETTINGS_FILE = "formgen.toml"
_YEAR_DIR = re.compile(r"(19|2\d)\d\d")
CLEARED = "清空："  # marks the edits of --clear-values, counted rather than listed
DROPPED = "删去："  # marks a year's results removed (keys other form kinds read, the 自评表's)
_MODELINE = re.compile(r"^(#\s*yaml-language-server:\s*\$schema=)(\S+)", re.M)


@dataclass(frozen=True)
class Edit:
    start: int  # character offsets in the source text
    end: int
    new: str
    what: str  # for the checklist: 年度：2022 → 2023


@dataclass
class Rolled:
    source: Path
    target: Path
    text: str  # the new file's text
    changes: list[str] = field(default_factory=list)  # "path:line: what changed"
    reviews: list[str] = field(default_factory=list)  # "path:line: what to look at"


@dataclass
class Plan:
    from_year: int
    to_year: int
    target: Path
    source: Path = Path()  # the year's folder that was copied
    files: list[Rolled] = field(default_factory=list)
    copies: list[tuple[Path, Path]] = field(default_factory=list)  # copied as they are


# -- finding a year's files -----------------------------------------------------------------


def default_target(folder: Path, to_year: int) -> Path:
    """declarations/2024 → declarations/2025; declarations → declarations/2025."""
    if _YEAR_DIR.fullmatch(folder.name):
        return folder.parent / str(to_year)
    return folder / str(to_year)


def latest_year(folder: Path) -> Path:
    """A folder laid out by year (declarations/2024, declarations/2025) and holding no
    declarations of its own stands for its latest year."""
    years = sorted(
        (p for p in folder.iterdir() if p.is_dir() and _YEAR_DIR.fullmatch(p.name)),
        key=lambda p: p.name,
    )
    own = [p for p in source_files(folder) if p.suffix.lower() in SUFFIXES]
    return years[-1] if years and not own else folder


def source_files(folder: Path) -> list[Path]:
    """The year's YAML files (declarations and unit files) and settings under `folder`;
    sub-folders named as years hold other years and are left out."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if (
            path.is_file()
            and (path.suffix.lower() in SUFFIXES or path.name == SETTINGS_FILE)
            and not path.name.startswith(".")
            and not (len(relative.parts) > 1 and _YEAR_DIR.fullmatch(relative.parts[0]))
        ):
            found.append(path)
    return found


# -- reading the values to change -------------------------------------------------------------


def _entries(node: Node | None) -> dict[str, tuple[ScalarNode, Node]]:
    if not isinstance(node, MappingNode):
        return {}
    return {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}


def _compose(text: str) -> Node | None:
    """Nodes with character offsets (the pure-Python parser's marks count characters)."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _year_of(node: Node | None) -> int | None:
    if isinstance(node, ScalarNode) and re.fullmatch(r"\s*\d{4}\s*", node.value):
        return int(node.value)
    return None


def _span_nodes(node: Node | None) -> list[ScalarNode]:
    """The scalars holding 中期年度's two years: one text, or a list of two."""
    if isinstance(node, ScalarNode):
        return [node]
    if isinstance(node, SequenceNode) and all(isinstance(n, ScalarNode) for n in node.value):
        return list(node.value)
    return []


def _span(nodes: list[ScalarNode]) -> tuple[int, int] | None:
    raw = "—".join(n.value for n in nodes) if len(nodes) == 2 else "".join(n.value for n in nodes)
    match = SPAN.match(raw) if len(nodes) in (1, 2) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def _shift_years(text: str, node: ScalarNode, years: set[int], shift: int) -> str:
    """The scalar's source text with each of `years` moved by `shift` (quotes kept)."""
    source = text[node.start_mark.index : node.end_mark.index]
    return re.sub(
        r"(?<!\d)\d{4}(?!\d)",
        lambda m: str(int(m.group()) + shift) if int(m.group()) in years else m.group(),
        source,
    )


def _clear(text: str, node: ScalarNode, what: str) -> Edit | None:
    """Empty a value, keeping anything after it on the line (a comment) and its line breaks."""
    if node.tag.endswith(":null") or node.value.strip() in ("", NOT_APPLICABLE):
        return None
    start, end = node.start_mark.index, node.end_mark.index
    core_end = start + len(text[start:end].rstrip())
    line_end = text.find("\n", core_end)
    rest = text[core_end : line_end if line_end >= 0 else len(text)]
    if not rest.strip():  # nothing after the value: drop the space before it too
        while start > 0 and text[start - 1] == " ":
            start -= 1
    return Edit(start, core_end, "", CLEARED + what)


def _value_edits(text: str, root: Node | None) -> list[Edit]:
    """Every amount and 指标值 emptied (names and 不适用 kept)."""
    edits = []
    top = _entries(root)
    for side in FUND_SIDES:
        side_node = _entries(top.get("项目资金", (None, None))[1]).get(side, (None, None))[1]
        for key in FUND_KEYS:
            value = _entries(side_node).get(key, (None, None))[1]
            if isinstance(value, ScalarNode):
                edits.append(_clear(text, value, f"项目资金.{side}.{key}"))
    for _name1, (_k1, level2) in _entries(top.get("绩效指标", (None, None))[1]).items():
        for name2, (_k2, block) in _entries(level2).items():
            lines = (
                _entries(block).get("指标", (None, None))[1]
                if isinstance(block, MappingNode)
                else block
            )
            for line in lines.value if isinstance(lines, SequenceNode) else ():
                for key in ("中期指标值", "年度指标值"):
                    value = _entries(line).get(key, (None, None))[1]
                    if isinstance(value, ScalarNode):
                        edits.append(_clear(text, value, f"{name2}.{key}"))
    return [e for e in edits if e is not None]


def _content_end(text: str, node: Node) -> int:
    """Offset just after the last character a node's text takes (trailing breaks not included)."""
    ends = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ScalarNode):
            end = item.end_mark.index
            while end > item.start_mark.index and text[end - 1] in " \r\n":
                end -= 1
            ends.append(max(end, item.start_mark.index))
        elif isinstance(item, MappingNode):
            stack += [n for pair in item.value for n in pair]
        elif isinstance(item, SequenceNode):
            stack += item.value
    return max(ends, default=node.start_mark.index)


def _drop(text: str, key: ScalarNode, value: Node) -> Edit:
    """Remove one entry (its key, value and the comment at the end of its last line); a
    comment on a line of its own stays. An entry that opens a list item keeps the `-`."""
    line_start = text.rfind("\n", 0, key.start_mark.index) + 1
    end = max(_content_end(text, key), _content_end(text, value))
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if not text[line_start : key.start_mark.index].strip():
        return Edit(line_start, min(line_end + 1, len(text)), "", DROPPED + key.value)
    start = key.start_mark.index
    while text[start - 1] == " ":
        start -= 1
    return Edit(start, line_end, "", DROPPED + key.value)


def _result_edits(text: str, root: Node | None) -> list[Edit]:
    """The keys other form kinds read (the 自评表's results: 全年执行数, 实际完成值, …) belong
    to the year they were written for; the new year's file starts without them."""
    top = _entries(root)
    places = [(root, "top"), (top.get("总体目标", (None, None))[1], "goals")]
    funds = _entries(top.get("项目资金", (None, None))[1])
    places += [(funds.get(side, (None, None))[1], "funds_side") for side in FUND_SIDES]
    for _name1, (_k1, level2) in _entries(top.get("绩效指标", (None, None))[1]).items():
        for _name2, (_k2, block) in _entries(level2).items():
            lines = (
                _entries(block).get("指标", (None, None))[1]
                if isinstance(block, MappingNode)
                else block
            )
            places += [
                (line, "line") for line in (lines.value if isinstance(lines, SequenceNode) else ())
            ]
    edits = []
    for node, level in places:
        keys = extra_keys(level)
        for name, (key, value) in _entries(node).items():
            if name in keys:
                edits.append(_drop(text, key, value))
    return edits


def _apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.new + text[edit.end :]
    return text


# -- one file -----------------------------------------------------------------------------------


def _problem(path: Path, line: int | None, message: str, hint: str, code: str) -> Problem:
    return Problem(str(path), line, 1 if line else None, message, hint, code=code)


def year_of_file(path: Path) -> tuple[int | None, Node | None, str]:
    """A YAML file's own 年度 (None when it has none), its nodes and its text."""
    doc = read_document(read_bytes(path), str(path))  # the loader's checks and messages
    root = _compose(doc.text)
    return _year_of(_entries(root).get("年度", (None, None))[1]), root, doc.text


def roll_file(
    path: Path,
    target: Path,
    shift: int,
    unit_year: int | None,
    clear_values: bool,
    shown: Path | None = None,
) -> Rolled:
    """The rolled text of one declaration or unit file, with what changed and what to review."""
    shown = shown or target
    own_year, root, text = year_of_file(path)
    year = own_year or unit_year
    top = _entries(root)
    edits: list[Edit] = []
    reviews: list[str] = []
    if own_year is not None:
        node = top["年度"][1]
        assert isinstance(node, ScalarNode)  # own_year was read from it
        new = _shift_years(text, node, {own_year}, shift)
        edits.append(Edit(node.start_mark.index, node.end_mark.index, new, f"年度：{own_year} → {own_year + shift}"))  # fmt: skip
    span_node = _entries(top.get("总体目标", (None, None))[1]).get("中期年度", (None, None))[1]
    nodes = _span_nodes(span_node)
    span = _span(nodes)
    if span and year and span == (year, year + 2):
        new_span = (span[0] + shift, span[1] + shift)
        for node in nodes:
            new = _shift_years(text, node, set(span), shift)
            edits.append(Edit(node.start_mark.index, node.end_mark.index, new, ""))
        edits[-1] = dataclasses.replace(
            edits[-1], what=f"中期年度：{span[0]}—{span[1]} → {new_span[0]}—{new_span[1]}"
        )
    elif span and year and span_node is not None:  # (a span is read from a node)
        line = span_node.start_mark.line + 1
        reviews.append(
            f"{shown}:{line}: 中期年度 {span[0]}—{span[1]} 不是从年度 {year} 起的三年，没有改动；"
            f"核对它是否仍包含新年度 {year + shift}"
        )
    if clear_values:
        edits += _value_edits(text, root)
    edits += _result_edits(text, root)
    new_text = _apply(text, edits)
    new_text = _modeline(new_text, path.parent, target.parent)
    if read_bytes(path).startswith(b"\xef\xbb\xbf"):  # keep a byte-order mark as found
        new_text = "\ufeff" + new_text
    changes = [
        f"{shown}:{line_col(text, e.start)[0]}: {e.what}"
        for e in sorted(edits, key=lambda e: e.start)
        if e.what and not e.what.startswith((CLEARED, DROPPED))
    ]
    dropped = [e.what.removeprefix(DROPPED) for e in edits if e.what.startswith(DROPPED)]
    if dropped:
        names = "、".join(f"{k}（{dropped.count(k)} 处）" for k in dict.fromkeys(dropped))
        changes.append(
            f"{shown}: 删去了上一年度的自评结果：{names}；原文件中仍保留，新年度自评时重新填写"
        )
    cleared = [e.what for e in edits if e.what.startswith(CLEARED)]
    if cleared:
        amounts = sum("项目资金." in w for w in cleared)
        changes.append(
            f"{shown}: 清空了 {amounts} 个金额、{len(cleared) - amounts} 个指标值（名称都在），"
            "要重新填写；formgen check 会逐一指出"
        )
    old_years = {y for y in (own_year, year) if y}
    for number, line in enumerate(new_text.split("\n"), 1):
        if any(re.search(rf"(?<!\d){y}(?!\d)", line) for y in old_years):
            reviews.append(
                f"{shown}:{number}: 仍写着 {'、'.join(map(str, sorted(old_years)))}：{line.strip()}"
            )
    results = _result_lines(root)
    if results:
        reviews.append(
            f"{shown}:{results[0]}: 带有 {year} 年度的自评结果（{len(results)} 处，如第 "
            f"{'、'.join(map(str, results[:5]))} 行），新年度的文件中照原样保留着，生成时会据此按新年度"
            "再出一张自评表；请在新年度的文件中删去这些键，年终再填"
        )
    attribute = top.get("项目属性", (None, None))[1]
    if isinstance(attribute, ScalarNode) and "新增" in attribute.value:
        line = attribute.start_mark.line + 1
        reviews.append(f"{shown}:{line}: 项目属性是“{attribute.value}”，第二年通常是“延续项目”")
    return Rolled(path, target, new_text, changes, reviews)


def _result_lines(root: Node | None) -> list[int]:
    """Lines of the keys other form kinds read (the 自评表's year-end results): they belong
    to the year evaluated, not to the next one."""
    keys = {
        k
        for kind in all_kinds()
        if kind.key != DEFAULT_KIND
        for level in kind.extra_keys.values()
        for k in level
    }
    lines, stack = [], [root]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value in keys:
                    lines.append(key.start_mark.line + 1)
                else:
                    stack.append(value)
        elif isinstance(node, SequenceNode):
            stack += node.value
    return sorted(lines)


def _modeline(text: str, old_dir: Path, new_dir: Path) -> str:
    """Keep an editor line's relative schema path pointing at the same file from the new folder."""

    def move(match: re.Match) -> str:
        ref = match.group(2)
        if "://" in ref or Path(ref).is_absolute():
            return match.group()
        schema = (old_dir / ref).resolve()
        try:
            moved = Path(os.path.relpath(schema, new_dir.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            moved = schema.as_uri()
        return match.group(1) + moved

    return _MODELINE.sub(move, text, count=1)


# -- checking that nothing else changed ---------------------------------------------------------


def _cleared(decl: Declaration) -> Declaration:
    """A declaration with its amounts and 指标值 emptied, as --clear-values leaves it."""

    def side(s: Side | None) -> Side | None:
        return s if s is None or s.value.strip() == NOT_APPLICABLE else Side(s.name, "")

    groups = tuple(
        Group(
            g.name,
            tuple(
                Block(
                    b.name,
                    b.annual_name,
                    tuple(Line(side(ln.mid), side(ln.annual), ln.path) for ln in b.lines),
                    b.path,
                )  # fmt: skip
                for b in g.blocks
            ),
            g.path,
        )
        for g in decl.indicators
    )
    return dataclasses.replace(decl, funds_mid=Funds(), funds_annual=Funds(), indicators=groups)


def verify(before: Declaration, after: Declaration, shift: int, clear_values: bool) -> bool:
    """The rolled declaration says what the old one said, but for the year (and the values)."""
    span = before.span
    expected = dataclasses.replace(
        _cleared(before) if clear_values else before,
        source=after.source,
        extras={},  # the year's results stay behind
        year=before.year + shift,
        span=(span[0] + shift, span[1] + shift) if span == (before.year, before.year + 2) else span,
    )
    if clear_values:  # amounts the user had left out stay None; cleared ones become None
        expected = dataclasses.replace(
            expected, funds_mid=after.funds_mid, funds_annual=after.funds_annual
        )
        if any(
            v is not None
            for f in (after.funds_mid, after.funds_annual)
            for v in dataclasses.astuple(f)
        ):
            return False
    return expected == after


# -- the whole folder ---------------------------------------------------------------------------


def plan(
    folder: Path, to_year: int | None = None, clear_values: bool = False, output: Path | None = None
) -> Plan:
    """Everything next-year would write, checked; raises FormgenError listing every problem."""
    folder = latest_year(folder)
    files = source_files(folder)
    yaml_files = [p for p in files if p.suffix.lower() in SUFFIXES]
    if not any(p.name != UNIT_FILE for p in yaml_files):
        raise DeclarationError(
            [
                _problem(
                    folder,
                    None,
                    "这个文件夹中没有申报文件",
                    "指定某一年度的申报文件夹，如 declarations/2024",
                    "E-NOT-FOUND",
                )
            ]  # fmt: skip
        )
    problems: list[Problem] = []
    years: dict[Path, int | None] = {}
    for path in yaml_files:
        try:
            years[path] = year_of_file(path)[0]
        except FormgenError as exc:
            problems += exc.problems
    unit_years = {p.parent: y for p, y in years.items() if p.name == UNIT_FILE}
    effective = {
        p: y if y is not None else unit_years.get(p.parent)
        for p, y in years.items()
        if p.name != UNIT_FILE
    }
    for path, year in effective.items():
        if year is None:
            problems.append(_problem(path, None, "找不到这份申报的年度", f"在文件或同一文件夹的 {UNIT_FILE} 中写上“年度: …”", "E-YEAR"))  # fmt: skip
    found = sorted(
        {y for y in effective.values() if y is not None} | {y for y in unit_years.values() if y}
    )
    if len(found) > 1:
        listing = "；".join(
            f"{y} 年：{'、'.join(p.name for p, fy in effective.items() if fy == y)}" for y in found
        )
        problems.append(_problem(folder, None, f"文件夹中有不同年度的申报（{listing}）", "每次只转一个年度：按年度分文件夹后分别运行", "E-YEAR"))  # fmt: skip
    if problems:
        raise DeclarationError(problems)
    from_year = found[0]
    to_year = to_year or from_year + 1
    if to_year <= from_year:
        raise DeclarationError([_problem(folder, None, f"--to {to_year} 不晚于现在的年度 {from_year}", "写一个更晚的年份", "E-YEAR")])  # fmt: skip
    shift = to_year - from_year
    target = output or default_target(folder, to_year)
    result = Plan(from_year, to_year, target, source=folder)
    for path in files:
        new_path = target / path.relative_to(folder)
        if new_path.exists():
            problems.append(_problem(new_path, None, "目标文件已存在，没有覆盖", "换一个目标文件夹（-o），或先把已有的文件移走", "E-NEW-EXISTS"))  # fmt: skip
            continue
        if path.suffix.lower() not in SUFFIXES:
            result.copies.append((path, new_path))
            continue
        try:
            rolled = roll_file(path, new_path, shift, unit_years.get(path.parent), clear_values)
        except FormgenError as exc:
            problems += exc.problems
            continue
        result.files.append(rolled)
    problems += _verify_all(result, shift, clear_values, loads)
    if problems:
        raise DeclarationError(problems)
    return result


def _verify_all(result: Plan, shift: int, clear_values: bool, loads) -> list[Problem]:
    """Read every rolled declaration back (with its rolled unit file) and compare."""
    units = {r.source.parent: r for r in result.files if r.source.name == UNIT_FILE}
    problems = []
    for rolled in result.files:
        if rolled.source.name == UNIT_FILE:
            continue
        unit = units.get(rolled.source.parent)
        old_unit = (read_bytes(unit.source), str(unit.source)) if unit else None
        new_unit = (unit.text, str(unit.target)) if unit else None
        try:
            before = loads(read_bytes(rolled.source), str(rolled.source), unit=old_unit)
        except FormgenError:
            rolled.reviews.append(f"{rolled.target}: 原来的申报就有错误，formgen check 会指出")
            continue
        try:
            after = loads(rolled.text, str(rolled.target), unit=new_unit)
        except FormgenError as exc:
            after = None
            detail = exc.problems[0].message
        if after is None or not verify(before, after, shift, clear_values):
            problems.append(
                _problem(
                    rolled.source,
                    None,
                    "改写后的内容与原文件对不上，没有写出任何文件"
                    + (f"（{detail}）" if after is None else ""),
                    "请把这份申报报告给维护人员；可先手工复制并修改年度",
                    "E-INTERNAL",
                )  # fmt: skip
            )
    return problems


def write(plan: Plan) -> list[Path]:
    """Write the plan's files; "x" mode, so a file that appeared meanwhile is not overwritten."""
    written = []
    for rolled in plan.files:
        rolled.target.parent.mkdir(parents=True, exist_ok=True)
        with open(rolled.target, "x", encoding="utf-8", newline="") as out:
            out.write(rolled.text)
        written.append(rolled.target)
    for source, target in plan.copies:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:
            out.write(source.read_bytes())
        written.append(target)
    return written
