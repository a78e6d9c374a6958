"""The reader's fast paths give what the plain versions they replaced gave.

The plain versions are frozen here as they were before the speed work (commit 2f1df37):
the pre-scan for typing slips protects "nothing typed is lost", so the fast one must find
exactly what the plain one found, at the same line and column, on any text.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from formgen.errors import Problem
from formgen.reader import (
    _BLOCK_START,
    _QUOTED_KEY,
    MAX_DEPTH,
    _known_keys,
    _Loader,
    _missing_dash,
    _too_deep,
    find_slips,
)

DECLARATIONS = Path(__file__).parent.parent / "declarations"

# -- the plain versions, as they were ------------------------------------------------------

_DEEP_FLOW = re.compile(rf"(?:[\[{{][^\]}}\[{{]*){{{MAX_DEPTH + 1},}}")
_DEEP_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_DEPTH + 1},}}")
_DEEP_INDENT = re.compile(rf"^[ ]{{{MAX_DEPTH * 8},}}(?=\S)", re.M)
_INDENT = re.compile("[ \u3000]+")
_DASH = re.compile(r"(?:-[ ]+)+|-$")
_KEY_LINE = re.compile(r"(?P<key>[^\s:：#'\"][^\s:：]*?)(?P<sep>：|:)(?P<rest>.*)$")


def plain_too_deep(text: str) -> int | None:
    for pattern in (_DEEP_FLOW, _DEEP_DASHES):
        match = pattern.search(text)
        if match:
            return match.start()
    indent = _DEEP_INDENT.search(text)
    return indent.start() if indent else None


def plain_find_slips(text: str, source: str) -> list[Problem]:  # noqa: C901 - a frozen copy
    keys, line_keys = _known_keys()
    problems: list[Problem] = []
    block = None
    quote = None
    continued = None
    opener = None
    first_child = None
    items_at = None
    for number, line in enumerate(text.split("\n"), 1):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if not body.strip():
            continue
        if block is not None:
            if indent > block:
                continue
            block = None
        if quote is not None:
            if quote in line:
                quote = None
            continue
        if body.startswith("#"):
            continue
        if continued is not None and indent > continued and not body.startswith("-"):
            continue
        continued = None
        leading = _INDENT.match(line) if "\u3000" in line else None
        if leading and "\u3000" in leading.group():
            column = line.index("\u3000") + 1
            problems.append(
                Problem(
                    source,
                    number,
                    column,
                    "这一行用全角空格“　”缩进",
                    "缩进只能用半角空格（英文输入法下的空格）；把行首的全角空格换成半角空格，"
                    "同一层的键左对齐",
                    code="E-YAML-FULLWIDTH-SPACE",
                )
            )
            continue
        dash = _DASH.match(body) if body[0] == "-" else None
        column = indent + (dash.end() if dash else 0)
        body = body[dash.end() :] if dash else body
        match = _KEY_LINE.match(body)
        is_key = bool(
            match and match.group("sep") == ":" and match.group("rest")[:1] in ("", " ")
        ) or bool(_QUOTED_KEY.match(body))
        if items_at is not None and indent < items_at:
            items_at = None
        if opener is not None and first_child is None:
            first_child = (indent, number, "dash" if dash else "key" if is_key else "text")
        if dash:
            if (
                first_child is not None
                and first_child[1] < number
                and opener is not None
                and opener < indent
                and (first_child[0], first_child[2]) in ((indent, "text"), (indent + 2, "key"))
            ):
                problems.append(_missing_dash(source, first_child[1], indent + 1))
                first_child = (first_child[0], first_child[1], "dash")
            items_at = indent
        elif indent == items_at and not is_key:
            problems.append(_missing_dash(source, number, indent + 1))
            continue
        if dash and not match:
            continued = indent
            continue
        if not match:
            continue
        key, sep, rest = match.group("key", "sep", "rest")
        at = column + len(key) + 1
        known = key in (line_keys if dash else keys)
        if sep == "：" and (known or (not dash and rest.strip() in ("", "#"))):
            problems.append(
                Problem(
                    source,
                    number,
                    at,
                    f"“{key}”后面用了全角冒号“：”",
                    f"键和值之间要用英文冒号加一个空格：把“{key}：”改为“{key}: ”",
                    code="E-YAML-FULLWIDTH-COLON",
                )
            )
        elif sep == ":" and rest and not rest[0].isspace() and known:
            problems.append(
                Problem(
                    source,
                    number,
                    at,
                    f"“{key}:”的英文冒号后面缺少空格",
                    f"冒号后要加一个空格：写成“{key}: {rest.strip()}”",
                    code="E-YAML-COLON-SPACE",
                )
            )
        elif sep == ":" and rest[:1] not in (" ", ""):
            continue
        value = rest.strip()
        if sep == ":" and value in ("", "#") or (sep == ":" and value.startswith("#")):
            opener, first_child = column, None
        if sep == ":" and _BLOCK_START.match(value):
            block = column
        elif value[:1] in ("'", '"') and value[0] not in value[1:]:
            quote = value[0]
        elif value and not value.startswith("#"):
            continued = column
        if len(problems) >= 20:
            break
    return problems


# -- texts that exercise every branch ------------------------------------------------------

# Pieces a line is built of: indents (half- and full-width), dashes, the format's keys and
# others, both colons, quotes, block marks, comments, CR, and ordinary text.
PIECES = (
    " ",
    "  ",
    "    ",
    "\u3000",
    "-",
    "- ",
    "-  ",
    "- - ",
    "\t",
    "项目名称",
    "三级指标",
    "中期指标值",
    "指标",
    "中期目标",
    "目标1",
    "数量指标",
    ":",
    ": ",
    "：",
    "9:30",
    "'",
    '"',
    "''",
    '\\"',
    "|",
    ">",
    "|-",
    ">+2",
    "#",
    " #",
    "  # 注",
    "\r",
    "文字",
    "x",
    "[",
    "{",
    "\x85",
    "\u2028",
)
loose_lines = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
# Lines shaped like a declaration's: indent, maybe a dash, maybe a key and its colon, a value.
shaped_lines = st.tuples(
    st.sampled_from(("", "  ", "    ", "      ", " ", "\u3000", "  \u3000")),
    st.sampled_from(("", "", "- ", "-", "- - ")),
    st.sampled_from(("", "项目名称", "指标", "三级指标", "中期目标", "目标1", "'键'", "x")),
    st.sampled_from((": ", ":", "：", "", ": ")),
    st.lists(st.sampled_from(PIECES), max_size=4).map("".join),
).map("".join)
lines = st.one_of(loose_lines, shaped_lines, shaped_lines)
texts = st.lists(lines, max_size=25).map("\n".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_the_pre_scan_finds_what_the_plain_one_found(text):
    assert find_slips(text, "x.yaml") == plain_find_slips(text, "x.yaml")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_the_pre_scan_on_any_text(text):
    assert find_slips(text, "x.yaml") == plain_find_slips(text, "x.yaml")


TRICKY = (
    "项目名称: '文字\n' 接着\n实施单位：某局",  # a quote closed at the start of a line
    '项目名称: "文字\n  还是文字"\n实施单位:某局',
    "年度目标: |\n  文字：照写\n项目名称：x",  # a block value's lines are the user's
    "年度目标: >-\n\n  文字：照写\n  \u3000文字\n项目名称:x",
    "项目名称: 文字\n  续行：照写\n- 三级指标：x",  # a continued plain value
    "中期目标:\n目标1\n- 目标2\n目标3",  # the first item and a later one without "-"
    "中期目标:\n  目标1\n  - 目标2\n  目标3",
    "指标:\n- 三级指标: a\n  中期指标值: b\n三级指标: c\n-\n- - x",
    "\u3000项目名称: x\n  \u3000年度: 1\n  x\u3000y: z",  # full-width indents
    "项目名称:\r\n  三级指标：x\r\n实施单位:y\r\n",  # CRLF
    "项目名称: 9:30 开会\n年度:2022\n'键': 值\n\"键\"：值\n# 项目名称：x\n  # y",
    "项目名称:\x85x：y\u2028z\n年度：",
)


def test_the_pre_scan_on_tricky_texts():
    for text in TRICKY:
        assert find_slips(text, "x.yaml") == plain_find_slips(text, "x.yaml"), text


def test_the_pre_scan_on_the_bundled_declarations_and_their_slips():
    """Each bundled declaration as written, and with each kind of slip typed into it."""
    edits = (
        (": ", "："),
        (": ", ":"),
        ("  ", "\u3000"),
        ("- ", ""),
        ("- ", "-"),
        ("\n", "\r\n"),
        ("\n", "\n\n  "),
        ("\n", "\n# x\n"),
    )
    for path in sorted(DECLARATIONS.glob("*.yaml")):
        text = path.read_text("utf-8")
        variants = [text] + [
            text.replace(old, new, count) for old, new in edits for count in (1, 5, -1)
        ]
        for variant in variants:
            assert find_slips(variant, path.name) == plain_find_slips(variant, path.name)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(("[", "{", "]", "}", "- ", "-\t", "-", " ", "x", "\n")), max_size=60)
)
def test_the_depth_check_finds_what_the_plain_one_found(pieces):
    text = "".join(pieces)
    assert _too_deep(text) == plain_too_deep(text)


def test_the_depth_check_at_the_limit():
    for depth in (MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2):
        for text in (
            "a: " + "[" * depth + "]" * depth,
            "a: " + "{" * depth + "x",
            "a: [" + "{" * (depth - 1),
            "- " * depth + "x",
            "a:\n  " + "-\t " * depth + "x",
            "a: x\n" + " " * (8 * depth) + "b",
        ):
            assert _too_deep(text) == plain_too_deep(text), (depth, text)


class _PlainLoader(_Loader):
    """_Loader as it was: PyYAML's own per-node resolver calls, which _Loader skips, and
    the tags from the class's DEFAULT_*_TAG."""

    descend_resolver = BaseResolver.descend_resolver
    ascend_resolver = BaseResolver.ascend_resolver

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0] and value in ("", "~", "null", "Null", "NULL"):
                return "tag:yaml.org,2002:null"
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


def _tree(node: Node) -> object:
    """A node as plain data: kind, tag, style, value (or children) and both marks."""
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, ScalarNode):
        return ("scalar", node.tag, node.style, node.value, where)
    if isinstance(node, SequenceNode):
        return ("seq", node.tag, where, [_tree(n) for n in node.value])
    return ("map", node.tag, where, [(_tree(k), _tree(v)) for k, v in node.value])


def test_composing_without_the_resolver_calls_gives_the_same_nodes():
    texts = [p.read_text("utf-8") for p in sorted(DECLARATIONS.glob("*.yaml"))]
    texts += [
        "a: [1, {b: ~, c: ''}]\nd:\n- - x\n  - null\n- |\n  y\n",
        "",
        "- a\n- b: c\n",
        "a: 'null'\nb: \"~\"\nc: NULL\nd:\ne: Null\n? f\n",
    ]
    for text in texts:
        mine = yaml.compose(text, Loader=_Loader)
        plain = yaml.compose(text, Loader=_PlainLoader)
        assert (mine is None) == (plain is None)
        if mine is not None:
            assert _tree(mine) == _tree(plain)
