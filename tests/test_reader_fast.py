"""The reader's fast paths give what the plain versions they replaced gave.

The plain versions are frozen here as they were before the speed work (commit 2f1df37):
the pre-scan for typing slips protects "nothing typed is lost", so the fast one must find
exactly what the plain one found, at the same line and column, on any text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nodetree import tree
from yaml.nodes import Node, ScalarNode, SequenceNode

from formgen.errors import Problem
from formgen.loader import loads
from formgen.reader import (
    _BLOCK_START,
    _NOT_XML,
    _NULL,
    _QUOTED_KEY,
    MAX_CELL_CHARS,
    MAX_DEPTH,
    Reader,
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


class _PlainLoader(yaml.CSafeLoader):
    """_Loader as it was: a whole CSafeLoader (parser, constructor and resolver), with
    PyYAML's own per-node resolver calls, which _Loader skips, and the tags from the
    class's DEFAULT_*_TAG."""

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0] and value in ("", "~", "null", "Null", "NULL"):
                return "tag:yaml.org,2002:null"
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


def test_composing_without_the_resolver_calls_gives_the_same_nodes():
    texts = [p.read_text("utf-8") for p in sorted(DECLARATIONS.glob("*.yaml"))]
    texts += [
        "a: [1, {b: ~, c: ''}]\nd:\n- - x\n  - null\n- |\n  y\n",
        "",
        "- a\n- b: c\n",
        "a: 'null'\nb: \"~\"\nc: NULL\nd:\ne: Null\n? f\n",
        "a: !!str 1\nb: !x {c: !!null d}\nc: !!seq [x]\n? [k]\n: v\n",
        "a: &x 1\nb: *x\nc: &y {d: e}\nf: *y\n",
        "%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\nb: !<tag:x> 2\n",
    ]
    for text in texts:
        mine = yaml.compose(text, Loader=_Loader)
        plain = yaml.compose(text, Loader=_PlainLoader)
        assert (mine is None) == (plain is None)
        if mine is not None:
            assert tree(mine) == tree(plain)


# -- a text's checks ------------------------------------------------------------------------


class _PlainReader(Reader):
    """Reader.text as it was before the speed work: every plain text looked for a dropped
    comment, and every text for a CR and for characters XML cannot carry."""

    def text(self, node: Node | None, field: str, prose: bool = True) -> str | None:  # noqa: C901
        if node is None or not self._check_node(node, field):
            return None
        if not isinstance(node, ScalarNode):
            self.not_text(node, field)
            return None
        style = node.style
        if prose and not style:  # plain (libyaml says "", PyYAML None)
            self._dropped_comment(node, field)
        if node.tag == _NULL:
            return None
        value = node.value
        if style in ("|", ">"):
            value = value.rstrip("\n")
            if not value.strip():  # `年度指标值: >` with nothing under it: the ">" is gone
                self.error(
                    node,
                    "E-YAML-QUOTE",
                    f"单独的“{node.style}”被 YAML 当作多行文字的标记，它下面却没有文字，这一项成了空的",
                    f'若“{node.style}”就是要填的内容，请用引号括起来："{node.style}"；'
                    f"若要写多行文字，把文字写在下一行并比键多缩进两个空格",
                    field,
                )
                return None
        if style in ("'", '"') and node.end_mark.line > node.start_mark.line:
            swallowed = self._swallowed_key(value)
            if swallowed:  # an unpaired quote ran on over the next key: that entry is gone
                quote = node.style
                other = f'"{quote}"' if quote == "'" else f"'{quote}'"
                self.error(
                    node,
                    "E-YAML-QUOTE-RUN",
                    f"这里的引号{quote}没有在本行配对，引号一直延续到第 {node.end_mark.line + 1} 行，"
                    f"把下面“{swallowed}”那一行也当成了这段文字的一部分",
                    f"若{quote}是内容的一部分，把整段文字用另一种引号括起来，例如 {other}；"
                    "否则补上配对的引号",
                    field,
                )
                return None
        if "\r" in value:  # an escaped CR: a line break, as YAML treats a CR in the file itself
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        bad = _NOT_XML.search(value)
        if bad:
            self.error(
                node,
                "E-TEXT-CONTROL",
                f"文字中第 {bad.start() + 1} 个字符是 Word/Excel 文件不能容纳的控制字符"
                f" U+{ord(bad.group()):04X}",
                '这类字符多由转义写法（如 "\\x01"、"\\u0000"）或复制粘贴带入；删除它',
                field,
            )
            return None
        if len(value) > MAX_CELL_CHARS:
            self.error(
                node,
                "E-TEXT-TOO-LONG",
                f"这段文字有 {len(value)} 个字符，超过了 Excel 单元格 {MAX_CELL_CHARS} 个字符的上限",
                "精简这段文字；申报表中的一格不宜写这么长",
                field,
            )
            return None
        return value


# Pieces of a value: ordinary text, comment marks, quotes, colons, escapes (read in double
# quotes only: elsewhere they are text), line breaks of every kind, and the characters
# XML cannot carry, which the parser refuses unless an escape makes them.
VALUE_PIECES = (
    "文字",
    "x",
    " ",
    "  ",
    "#",
    " #",
    " #2",
    "  # 注",
    ":",
    "：",
    "'",
    "''",
    '\\"',
    "\\x01",
    "\\r",
    "\\r\\n",
    "\\x85",
    "\\ufffe",
    "\\uffff",
    "\\u0000",
    "\\x0b",
    "\\t",
    "\\n",
    "\\",
    "\n",
    "\n  ",
    "\n项目名称: 甲\n",
    "\r\n",
    "\r",
    "\x85",
    "\u2028",
    "\x0b",
    "\ufffe",
    "~",
    "null",
)
_values = st.lists(st.sampled_from(VALUE_PIECES), max_size=6).map("".join)
_styled = st.one_of(
    _values,  # plain, or whatever the pieces make of it
    _values.map(lambda v: "'" + v.replace("'", "''") + "'"),
    _values.map(lambda v: '"' + v.replace('"', "") + '"'),
    st.tuples(st.sampled_from(("|", ">", "|-", ">+", "|2")), _values).map(
        lambda p: p[0] + "\n  " + p[1].replace("\n", "\n  ")
    ),
    st.sampled_from(
        ("|", ">", "|\n", "''", '""', "!!null x", "!!str", "!!null '文字'", "!x 文字", "!!binary x")
    ),
    st.sampled_from(("[文字, x]", "{文字: x}", "!!seq [x]", "!x [x]", "!!map {a: b}", "\n  - x")),
)
_documents = st.lists(st.tuples(st.sampled_from(("项目名称", "三级指标", "x")), _styled)).map(
    lambda entries: "".join(f"{key}{i}: {value}\n" for i, (key, value) in enumerate(entries))
)


def _scalars(node: Node):
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, SequenceNode):
        for child in node.value:
            yield from _scalars(child)
    else:
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def _read_every_text(reader: Reader, root: Node) -> list:
    results = []
    for i, node in enumerate(_scalars(root)):
        for prose in (True, False):
            results.append(reader.text(node, f"f{i}", prose))
    return [results, reader.problems, reader.notes, reader.positions]


def _same_texts(text: str) -> None:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return  # the loader reports it before any text is read
    if root is None:
        return
    assert _read_every_text(Reader("x.yaml", text), root) == _read_every_text(
        _PlainReader("x.yaml", text), root
    ), text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_a_text_reads_as_before(text):
    _same_texts(text)


def test_texts_read_as_before_in_the_bundled_declarations_and_with_comments():
    for path in sorted(DECLARATIONS.glob("*.yaml")):
        text = path.read_text("utf-8")
        for variant in (text, text.replace(": ", ": #", 3), text.replace("\n", "  # 注\n", 9)):
            _same_texts(variant)


def test_the_parser_refuses_what_xml_cannot_carry_unless_an_escape_makes_it():
    """Why only double-quoted texts are searched for such characters (and for a CR): written
    in the file itself, in any style, the parser refuses them, or reads a CR as a line break."""
    refused = [c for c in map(chr, range(0x20)) if _NOT_XML.match(c)] + ["\ufffe", "\uffff"]
    for char in refused:
        for value in (
            f"a{char}b",
            f"'a{char}b'",
            f'"a{char}b"',
            f"|\n  a{char}b",
            f">\n  a{char}b",
        ):
            with pytest.raises(yaml.YAMLError):
                yaml.compose(f"k: {value}\n", Loader=_Loader)
    for value in ("a\r b", "'a\r b'", "|\n  a\r  b", ">\n  a\r  b", "'a\r\n b'"):
        assert "\r" not in yaml.compose(f"k: {value}\n", Loader=_Loader).value[0][1].value
    escaped = yaml.compose('k: "a\\x01\\rb"\n', Loader=_Loader).value[0][1]
    assert escaped.value == "a\x01\rb" and escaped.style == '"'


def test_a_comment_only_in_the_unit_file_is_still_shown():
    """The declaration has no "#": the unit file's text that lost one is still warned about."""
    declaration = "\n".join(
        [
            "年度: 2022",
            "项目名称: 网络安全",
            "总体目标:",
            "  中期目标: 中期要做的事",
            "  年度目标: 年度要做的事",
            "绩效指标:",
            "  产出指标:",
            "    数量指标:",
            "      - 三级指标: 开展培训",
            "        年度指标值: ≥10次",
        ]
    )
    unit = "实施单位: 某县教育局 #2 分局\n"
    decl = loads(declaration.encode(), "a.yaml", unit=(unit.encode(), "_unit.yaml"))
    assert decl.unit == "某县教育局"
    (note,) = decl.notes
    # "实施单位: 某县教育局 " is 12 characters: the # is column 13
    assert (note.file, note.line, note.column, note.rule) == ("_unit.yaml", 1, 13, "W-TEXT-COMMENT")
    assert "“#2 分局”" in note.message
