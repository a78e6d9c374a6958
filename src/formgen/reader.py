"""The generic reader of declaration files: decoding, limits, compose, value helpers, positions.

It knows YAML nodes and the value types of the format (text, amount, year,
span), not the keys of any one form: each form kind's walk builds on it. We compose the YAML into nodes (libyaml when available, for speed) and build the
model ourselves instead of using yaml.safe_load, because only the nodes carry
line and column, and because safe_load silently keeps the last of two duplicate
keys. Scalars are read from their source text, so `12.50` and `1.0` stay as typed.
"""

from __future__ import annotations

import functools
import io
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DeclarationError, Problem
from .vocabulary import PLAIN_NUMBER, SPAN, UNIT_FILE, YEAR, closest

try:  # libyaml: several times faster than the pure-Python parser
    # Its parser alone: nodes are all we compose, nothing is constructed from them, so the
    # constructor and resolver that a Loader also sets up for each file are left out.
    from yaml._yaml import CParser as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """Resolves only `null` (and empty values): every other scalar is read from its text, so
    `1.0`, `yes` and `0x10` stay as typed, and the resolver's regexes are not run for them."""

    def resolve(self, kind, value, implicit):
        # What PyYAML's resolver does with only its null pattern left, without its per-node
        # lookups and regular expressions (a tenth of the loading time).
        # Module constants, not the class's DEFAULT_*_TAG: called once per node.
        if kind is ScalarNode:
            return _NULL if implicit[0] and value in _NULLS else _STR
        return _SEQ if kind is SequenceNode else _MAP

    # No path resolvers are ever added, so the composer's two calls per node have nothing to
    # do. Built-in functions that take the same arguments and change nothing answer them: a
    # method of ours, even an empty one, costs a Python call per node (3 % of the loading).
    descend_resolver = staticmethod(operator.is_)  # (parent node, index): the result is unused
    ascend_resolver = staticmethod(tuple)  # (): the result is unused


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # YAML 1.1's plain nulls


_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NULL, _STR, _MAP, _SEQ = _STD + "null", _STD + "str", _STD + "map", _STD + "seq"
_COMMENT_AFTER = re.compile(r"(\s+)#(.?)")  # what YAML takes for a comment after a plain text
# What YAML (and XML) cannot carry; PyYAML refuses these while reading.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# What XML 1.0 cannot carry even when YAML escapes let it through ("\x01", "\ud800", "\uffff").
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark, which Notepad writes
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
MAX_FILE_BYTES = 2 * 1024 * 1024  # a real declaration is about 10 KB
MAX_DEPTH = 16  # the format needs 6 levels; deeper is a mistake or an attack
_DEEP_FLOW = re.compile(rf"(?:[\[{{][^\]}}\[{{]*){{{MAX_DEPTH + 1},}}")
# Written to start with a literal "-": the regex engine then jumps from dash to dash.
_DEEP_DASHES = re.compile(rf"-[ \t]+(?:-[ \t]+){{{MAX_DEPTH},}}")
_DEEP_INDENT = re.compile(rf"^[ ]{{{MAX_DEPTH * 8},}}(?=\S)", re.M)
_TAB_INDENT = re.compile(r"^[ ]*\t", re.M)

_YAML_PROBLEMS = (
    (
        "mapping values are not allowed",
        "这里不能出现“: ”（英文冒号加空格）",
        "如果文字本身含有英文冒号，请把整段文字用引号括起来；若是缩进错了，请对齐上一行的键",
    ),
    (
        "could not find expected ':'",
        "缺少英文冒号“:”",
        "键和值之间要用英文冒号加一个空格分开，例如“项目名称: 某某经费”",
    ),
    (
        "cannot start any token",
        "这里有不能作为开头的字符（如 Tab、@、`）",
        "缩进请只用空格，不要用 Tab；以 @ 或 ` 开头的文字请用引号括起来",
    ),
    (
        "did not find expected key",
        "缩进不一致",
        "同一层的键必须左对齐；列表项“- ”之后的内容也要对齐",
    ),
    ("did not find expected '-' indicator", "列表项缩进不一致", "同一列表的每一项“- ”必须左对齐"),
    ("found unexpected end of stream", "引号或括号没有配对", "检查这段文字的引号是否成对"),
    (
        "found unknown escape character",
        "双引号中的反斜杠“\\”不合法",
        "双引号里的“\\”要写成“\\\\”，或改用单引号",
    ),
    (
        "found invalid Unicode character escape",
        "双引号中的“\\u”或“\\U”转义不是有效的字符",
        "删除这个转义，或直接写出要用的字",
    ),
    (
        "but found another document",
        "一个文件里只能有一份申报",
        "不要用“---”在同一文件中分隔多份申报，每个项目单独一个文件",
    ),
    (
        "expected a single document",
        "一个文件里只能有一份申报",
        "不要用“---”在同一文件中分隔多份申报，每个项目单独一个文件",
    ),
    (
        "found undefined alias",
        "用了未定义的别名（*）",
        "申报文件不支持锚点与别名（& 和 *），请把内容直接写出来",
    ),
    ("expected <block end>", "缩进不一致", "同一层的键必须左对齐"),
    ("found duplicate anchor", "锚点（&）重复", "申报文件不支持锚点与别名（& 和 *）"),
)


# Parser problems with a code of their own; the rest are E-YAML-SYNTAX.
_YAML_CODES = {
    "could not find expected ':'": "COLON",
    "mapping values are not allowed": "COLON",
    "did not find expected key": "INDENT",
    "did not find expected '-' indicator": "INDENT",
    "expected <block end>": "INDENT",
    "but found another document": "DOCUMENTS",
    "expected a single document": "DOCUMENTS",
    "found undefined alias": "ALIAS",
    "found duplicate anchor": "ALIAS",
}


def unit_file_for(path: str | Path) -> Path | None:
    """The `_unit.yaml` beside a declaration, if there is one."""
    candidate = Path(path).parent / UNIT_FILE
    return candidate if candidate.is_file() else None


def read_bytes(path: str | Path) -> bytes:
    file = Path(path)  # made once, not twice: a fifth of the time this takes for a small file
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DeclarationError([_too_large(str(path), size)])
        return file.read_bytes()
    except OSError as exc:
        raise DeclarationError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"无法读取文件：{exc.strerror}",
                    "检查文件是否存在、是否有读取权限",
                    code="E-FILE-READ",
                )
            ]
        ) from None


@dataclass(frozen=True)
class Document:
    """A declaration file composed into nodes, with its unit file's if there is one."""

    source: str
    text: str
    root: Node
    unit_root: Node | None = None
    unit_text: str = ""


def read_document(
    data: bytes | str, source: str, unit: tuple[bytes | str, str] | None = None
) -> Document:
    """Decode and compose a declaration (and its unit file): every limit is checked here."""
    if len(data) > MAX_FILE_BYTES:
        raise DeclarationError([_too_large(source, len(data))])
    text = decode(data, source) if isinstance(data, bytes) else data.lstrip("\ufeff")
    # The parser reads UTF-8: given the text, it would encode it back into these very bytes.
    utf8 = data if isinstance(data, bytes) and not data.startswith(_BOM) else None
    root = _compose(text, source, utf8=utf8)
    refuse_yaml_features(text, source)
    unit_root, unit_text = None, ""
    if unit is not None:
        unit_bytes, unit_source = unit
        unit_text = decode(unit_bytes, unit_source) if isinstance(unit_bytes, bytes) else unit_bytes
        unit_root = _compose(unit_text, unit_source, named=True)
        refuse_yaml_features(unit_text, unit_source)
    return Document(source, text, root, unit_root, unit_text)


def read_file(path: str | Path, unit: str | Path | None | bool = True) -> Document:
    """read_document of a file; unit=True uses the folder's `_unit.yaml` if present."""
    if unit is True:
        unit = unit_file_for(path)
    unit_data = (read_bytes(unit), str(unit)) if unit else None
    return read_document(read_bytes(path), str(path), unit_data)


def line_col(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset (in bytes or characters)."""
    if isinstance(text, bytes):
        start = text.rfind(b"\n", 0, offset) + 1
        column = len(text[start:offset].decode("utf-8", "replace"))
        return text.count(b"\n", 0, offset) + 1, column + 1
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


def _too_large(source: str, size: int) -> Problem:
    return Problem(
        source,
        None,
        None,
        f"文件有 {size / 1024 / 1024:.1f} MB，超过了申报文件 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限",
        "一份申报通常只有几十 KB；检查是否选错了文件",
        code="E-FILE-TOO-LARGE",
    )


def decode(data: bytes, source: str) -> str:
    """UTF-8 with or without BOM; anything else is refused with a way out, never guessed."""
    if data.startswith(_BOM):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DeclarationError(
            [
                Problem(
                    source,
                    1,
                    1,
                    "文件是 UTF-16 编码，formgen 只读 UTF-8",
                    "用记事本打开后“另存为”，编码选“UTF-8”，再重新运行",
                    code="E-ENCODING",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_col(data, exc.start)
        try:
            data.decode("gb18030")
            guess = "看起来是 GBK/GB2312 编码（记事本中叫“ANSI”）。"
        except UnicodeDecodeError:
            guess = ""
        raise DeclarationError(
            [
                Problem(
                    source,
                    line,
                    column,
                    f"文件不是 UTF-8 编码：第 {line} 行第 {column} 列的字节 0x{data[exc.start]:02X} 无法按 UTF-8 读取",
                    guess
                    + "请用记事本打开后“另存为”，编码选“UTF-8”，再重新运行；formgen 不会猜测编码，以免输出乱码",
                    code="E-ENCODING",
                )
            ]
        ) from None


class _NamedText(io.StringIO):
    """A stream whose marks carry the file's name, so problems in a unit file point there."""

    def __init__(self, text: str, name: str):
        super().__init__(text)
        self.name = name


def _too_deep(text: str) -> int | None:
    """Offset where nesting gets deeper than any declaration needs, checked before parsing:
    the parser recurses once per level, so a hostile file could exhaust the stack."""
    match = None
    if text.count("[") + text.count("{") > MAX_DEPTH:  # fewer brackets cannot nest too deep
        match = _DEEP_FLOW.search(text)
    match = match or _DEEP_DASHES.search(text)
    if match:
        return match.start()
    if " " * (MAX_DEPTH * 8) not in text:  # a quick look for the spaces it needs
        return None
    indent = _DEEP_INDENT.search(text)
    return indent.start() if indent else None


# -- what a Chinese typist slips into, found in the text itself --------------------------
#
# The parser reports these where it gives up, often a line or two later and in words
# about YAML; the text shows the character itself.

_QUOTED_KEY = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ ]*:(?:[ ]|$)""")
# Every line of a text, one match each: its indent, then the rest of it (`body`): a list
# item's dashes, and a key, its separator and what follows, when the line has them, with
# the first character of the value (`lead`: what `rest.strip()[:1]` is, without copying it).
# One findall splits a whole file: the pre-scan runs on every line of every file.
# Every part is taken possessively (`*+`, `++`: never given back), as the rest of the
# pattern matches whatever is left: the engine keeps no places to go back to. A key cannot
# hold a colon, so it is all of the characters before the first one.
_LINES = re.compile(
    r"""^(?P<indent>[ ]*+)
    (?P<body>
        (?P<dash>(?:-[ ]++)++|-$)?
        (?:(?P<key>[^\s:：#'"][^\s:：]*+)(?P<sep>：|:)(?P<rest>[^\S\n]*+(?P<lead>.?).*))?
        .*
    )$""",
    re.M | re.X,
)
_BLOCK_START = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?$")
_LEADING_SYMBOLS = ">|*&!%@`[{'\""
_SYMBOL_MEANING = {
    ">": "折叠文字的标记",
    "|": "多行文字的标记",
    "*": "别名",
    "&": "锚点",
    "!": "标签",
    "%": "指令",
    "@": "保留字符",
    "`": "保留字符",
    "[": "列表的开头",
    "{": "键值的开头",
    "'": "引号",
    '"': "引号",
}


@functools.cache
def _known_keys() -> tuple[frozenset[str], frozenset[str]]:
    """(every key of the format and every standard indicator name, the keys of a line)."""
    from . import kinds
    from .vocabulary import (
        BLOCK_KEYS,
        FUND_KEYS,
        FUND_SIDES,
        GOAL_KEYS,
        LINE_KEYS,
        TOP_KEYS,
        UNIT_KEYS,
        VOCABULARY,
    )

    names = {n for vocab in VOCABULARY.values() for l1, l2s in vocab.items() for n in (l1, *l2s)}
    extra = {k for level in kinds.LEVELS for k in kinds.extra_keys(level)}
    line = frozenset(LINE_KEYS) | {k for k in kinds.extra_keys("line")}
    every = {*TOP_KEYS, *UNIT_KEYS, *FUND_SIDES, *FUND_KEYS, *GOAL_KEYS, *BLOCK_KEYS, *line}
    return frozenset(every | names | extra), line


def _missing_dash(source: str, line: int, column: int) -> Problem:
    return Problem(
        source,
        line,
        column,
        "这一行缺少列表项开头的“-”",
        "列表的每一项都以“- ”（减号加空格）开头，与同一列表其他项的“- ”左对齐",
        code="E-YAML-DASH",
    )


def _full_width_space(source: str, line: int, column: int) -> Problem:
    return Problem(
        source,
        line,
        column,
        "这一行用全角空格“　”缩进",
        "缩进只能用半角空格（英文输入法下的空格）；把行首的全角空格换成半角空格，同一层的键左对齐",
        code="E-YAML-FULLWIDTH-SPACE",
    )


def _full_width_colon(source: str, line: int, column: int, key: str) -> Problem:
    return Problem(
        source,
        line,
        column,
        f"“{key}”后面用了全角冒号“：”",
        f"键和值之间要用英文冒号加一个空格：把“{key}：”改为“{key}: ”",
        code="E-YAML-FULLWIDTH-COLON",
    )


def _no_space_after_colon(source: str, line: int, column: int, key: str, rest: str) -> Problem:
    return Problem(
        source,
        line,
        column,
        f"“{key}:”的英文冒号后面缺少空格",
        f"冒号后要加一个空格：写成“{key}: {rest.strip()}”",
        code="E-YAML-COLON-SPACE",
    )


def _is_key(body: str, sep: str, rest: str) -> bool:
    """Whether a line without dashes is a key (`键: 值`, `键:`, a quoted key): asked only
    of the lines where it matters, the first under a key and those at a list's column."""
    return (sep == ":" and rest[:1] in ("", " ")) or bool(_QUOTED_KEY.match(body))


def _sep_at(column: int, key: str) -> int:
    """1-based column of the separator after a key at a 0-based column."""
    return column + len(key) + 1


# The lines of a file where find_slips can find nothing, whatever comes before them: blank
# lines, comments, list items and `键: 值` lines (a key, a colon, then a space or the end).
# One fullmatch of a whole file then stands for the scan, line by line, that most files
# need not have (a fifth of the loading). What could still be a slip is refused, more than
# strictly needed (tests/test_load_slips.py): a full-width space or a text line, where a dash
# may be missing; `- 三级指标：` or `- 三级指标:x`; a key with nothing after it whose next line,
# not a list item, is indented 3 or more beyond the key's line, as when the first item under
# it was typed without its "-" (see _missing_dash).
_CLEAN = r"""(?:
    (?P<indent>[ ]*+)
    (?:
        \#[^\n]*+                                       # a comment
    |   (?:-[ ]++)++(?:{key})?+                         # a list item, with a key or not,
        (?:
            :[ ]++[^\s\#]                               # and a value,
        |   (?![:：])                                   # or no key,
        |   {not_line_key}(?:：|:(?![ \n]|\Z))          # or not a line's key: `- 目标1：…`
        |   :(?=[ \n]|\Z)(?!{deeper})                   # or nothing after its ":"
        )
        [^\n]*+
    |   -                                               # an empty list item
    |   {key}:                                          # a key,
        (?:
            [ ]++[^\s\#]                                # and a value,
        |   (?=[ \n]|\Z)(?!{deeper})                    # or nothing after its ":"
        )
        [^\n]*+
    |                                                   # a blank line
    )
    (?:\n|\Z)
)*+"""
_KEY = r"""[^\s:：#'"][^\s:：]*+"""  # as _LINES reads a key
# After a key's colon: nothing (or a comment) till the end of the line, then, after blank
# lines and comments, a line indented 3 or more beyond the key's line, not a list item.
_DEEPER = r"""[^\S\n]*+(?:\#[^\n]*+)?\n(?:[ ]*+(?:\#[^\n]*+)?\n)*+
    (?P=indent)[ ]{3}(?![ ]*+-(?:[ ]|\n|\Z))"""


@functools.cache
def _clean_lines() -> re.Pattern[str]:
    """_CLEAN with the keys of a line, which are known once the form kinds are."""
    # `- 三级指标：` is a slip, `- 年度三级指标：` and `- 目标1：` are not: a list item's key is
    # one of a line's when that key, whole, follows the space of the item's "- ".
    not_line_key = "".join(f"(?<![ ]{re.escape(k)})" for k in sorted(_known_keys()[1]))
    pattern = _CLEAN.format(key=_KEY, not_line_key=not_line_key, deeper=_DEEPER)
    return re.compile(pattern, re.X)


def find_slips(text: str, source: str) -> list[Problem]:
    """Full-width colons and spaces, a colon with no space after it, and a list item
    without its "-": each at its own character. Text inside block, quoted and continued
    values is the user's and is not judged."""
    if _clean_lines().fullmatch(text):  # most files: none of their lines can be a slip
        return []
    return _scan_slips(text, source)


def _scan_slips(text: str, source: str) -> list[Problem]:
    """find_slips line by line, following which lines are values and lists."""
    keys, line_keys = _known_keys()
    problems: list[Problem] = []
    block = None  # a block value (| or >) is open under a key at this column
    quote = None  # a quoted value is open, closed by this character
    continued = None  # a plain value may continue on deeper lines than this column
    opener = None  # column of the last key whose value is the lines below it
    first_child = None  # (column, line, has a dash) of the first line under that key
    items_at = None  # column of the "-" of the list being read
    for number, (spaces, body, dash, key, sep, rest, lead) in enumerate(_LINES.findall(text), 1):
        indent = len(spaces)
        if not body.strip():
            continue
        first = body[0]
        if block is not None:
            if indent > block:
                continue
            block = None
        if quote is not None:
            if quote in body:
                quote = None
            continue
        if first == "#":
            continue
        if continued is not None and indent > continued and first != "-":
            continue
        continued = None
        if first == "\u3000":
            problems.append(_full_width_space(source, number, indent + 1))
            continue
        column = indent + len(dash)
        if items_at is not None and indent < items_at:
            items_at = None
        if opener is not None and first_child is None:
            kind = "dash" if dash else "key" if _is_key(body, sep, rest) else "text"
            first_child = (indent, number, kind)
        if dash:
            if (
                first_child is not None
                and first_child[1] < number
                and opener is not None  # always, once first_child is set
                and opener < indent
                and (first_child[0], first_child[2]) in ((indent, "text"), (indent + 2, "key"))
            ):  # the first item under a key was written without its "-"
                problems.append(_missing_dash(source, first_child[1], indent + 1))
                first_child = (first_child[0], first_child[1], "dash")
            items_at = indent
        elif indent == items_at and not _is_key(body, sep, rest):
            problems.append(_missing_dash(source, number, indent + 1))
            continue
        if not sep:  # no key on this line
            if dash:
                continued = indent  # a list item's text
            continue
        if sep == "：":
            if key in (line_keys if dash else keys) or (not dash and rest.strip() in ("", "#")):
                problems.append(_full_width_colon(source, number, _sep_at(column, key), key))
        elif rest and rest[0] != " ":  # nothing or a space must follow ":"
            if rest[0].isspace() or key not in (line_keys if dash else keys):
                continue  # a colon inside a text, such as 9:30
            at = _sep_at(column, key)
            problems.append(_no_space_after_colon(source, number, at, key, rest))
        # The value itself (rest.strip()) is copied only for the rare block and quote marks.
        if lead in ("", "#"):
            if sep == ":":
                opener, first_child = column, None
        elif lead in ("|", ">") and sep == ":" and _BLOCK_START.match(rest.strip()):
            block = column
        elif lead in ("'", '"') and lead not in rest.strip()[1:]:
            quote = lead
        else:
            continued = column
        if len(problems) >= 20:
            break
    return problems


def _leading_symbol(text: str, source: str, marks, parser_words: str) -> Problem | None:
    """A value starting with a character YAML reserves (`>=800人次`, `*重点`): say to quote it,
    at that character, on the line where the parser stopped (or where the value began)."""
    lines = text.split("\n")
    for mark in marks:
        if mark is None or mark.line >= len(lines):
            continue
        line = lines[mark.line]
        match = re.match(
            r"(?P<pre>[ ]*(?:-[ ]+)*(?:[^\s#'\"\[{][^#]*?:[ ]+)?)(?P<value>[>|*&!%@`\[{'\"].*)$",
            line,
        )
        if not match:
            continue
        value = match.group("value").rstrip()
        symbol = value[0]
        if not _misread(value):
            continue
        key = match.group("pre").strip().lstrip("- ").strip()
        # a comment written the usual way (two spaces, #, a space) stays a comment, outside
        comment = re.search(r"[ ]{2,}#(?:[ \t]|$)", value)
        content, after = (
            (value[: comment.start()], value[comment.start() :]) if comment else (value, "")
        )
        if '"' not in content:
            quoted = f'"{content}"'
        else:  # single quotes keep double ones; a single quote inside is written twice
            quoted = "'" + content.replace("'", "''") + "'"
        fixed = (f"{key} {quoted}" if key else f"- {quoted}") + after
        return Problem(
            source,
            mark.line + 1,
            len(match.group("pre")) + 1,
            f"以“{symbol}”开头的文字要用引号括起来：YAML 把开头的“{symbol}”当作{_SYMBOL_MEANING[symbol]}"
            f"（解析器原文：{parser_words}）",
            f"把整段文字用引号括起来，例如 {fixed}",
            code="E-YAML-QUOTE",
        )
    return None


def _misread(value: str) -> bool:
    """Whether a value starting with a reserved character is text YAML could not read, rather
    than YAML used on purpose (a block value, a quoted text, a list) failing for another reason."""
    symbol = value[0]
    if symbol in "|>":
        return not _BLOCK_START.match(value)
    if symbol in "'\"":
        end = re.match(r'"(?:[^"\\]|\\.)*"' if symbol == '"' else r"'(?:[^']|'')*'", value)
        rest = value[end.end() :] if end else ""
        return bool(rest.strip()) and not re.match(r"\s+#", rest)
    if symbol in "[{":
        return not value.split(" #")[0].rstrip().endswith("]" if symbol == "[" else "}")
    return True


def refuse_yaml_features(text: str, source: str) -> None:
    """Anchors, aliases and tags change or drop what was typed (`&A 级` shows as `级`);
    each is an error at its character, with the fix."""
    if not any(c in text for c in "&*!"):  # every anchor, alias and tag starts so
        return
    problems = []
    aliases = 0
    lines = text.split("\n")
    try:
        for token in yaml.scan(text, Loader=_Loader):  # type: ignore[arg-type]  # a parser is enough
            if isinstance(token, yaml.AliasToken) and aliases:
                continue  # its anchor is reported; once is enough (a "billion laughs" has many)
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
                aliases += isinstance(token, yaml.AliasToken)
                mark = token.start_mark
                value = lines[mark.line][mark.column :].split(" #")[0].strip()
                what = {
                    yaml.AnchorToken: "锚点（&）",
                    yaml.AliasToken: "别名（*）",
                    yaml.TagToken: "标签（!）",
                }[type(token)]
                problems.append(
                    Problem(
                        source,
                        mark.line + 1,
                        mark.column + 1,
                        f"“{value}”的开头被 YAML 当作{what}，不会原样写入表格",
                        "申报文件不支持锚点、别名和标签；这段文字若是内容，请用英文双引号括起来，"
                        f'例如 "{value}"；要重复的内容请直接再写一遍',
                        code="E-YAML-TAG" if isinstance(token, yaml.TagToken) else "E-YAML-ALIAS",
                    )
                )
                if len(problems) >= 20:
                    break
    except yaml.YAMLError:  # pragma: no cover - the text composed, so it scans
        pass
    if problems:
        raise DeclarationError(problems)


def _compose(text: str, source: str, named: bool = False, utf8: bytes | None = None) -> Node:
    """The text's nodes; `utf8`: the text's own UTF-8 bytes, which the parser reads as they
    are (given the text, it encodes it first); `named`: marks carry the source's name."""
    tab = _TAB_INDENT.search(text) if "\t" in text else None
    if tab:
        line, column = line_col(text, tab.end() - 1)
        raise DeclarationError(
            [
                Problem(
                    source,
                    line,
                    column,
                    "这一行用了 Tab 键缩进",
                    "缩进请只用空格，不要用 Tab：把这一行开头的 Tab 换成空格，使它与同一层的其他行左对齐",
                    code="E-YAML-TAB",
                )
            ]
        )
    deep = _too_deep(text)
    if deep is not None:
        line, column = line_col(text, deep)
        raise DeclarationError(
            [
                Problem(
                    source,
                    line,
                    column,
                    f"嵌套层数过深（超过 {MAX_DEPTH} 层）",
                    "申报文件最多只有几层缩进；检查这里的括号或缩进",
                    code="E-YAML-DEPTH",
                )
            ]
        )
    slips = find_slips(text, source)
    if slips:
        raise DeclarationError(slips)
    try:
        stream = _NamedText(text, source) if named else text if utf8 is None else utf8
        root = yaml.compose(stream, Loader=_Loader)  # type: ignore[arg-type]  # a parser is enough
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or ""
        symbol = _leading_symbol(text, source, (exc.problem_mark, exc.context_mark), problem)
        if symbol is not None:
            raise DeclarationError([symbol]) from None
        message, hint, code = "YAML 格式错误", "检查这一行的缩进、冒号和引号", "E-YAML-SYNTAX"
        for needle, msg, tip in _YAML_PROBLEMS:
            if needle in problem:
                message, hint, code = msg, tip, "E-YAML-" + _YAML_CODES.get(needle, "SYNTAX")
                break
        else:
            message += f"（解析器原文：{problem}）"
        at_line = mark.line + 1 if mark else None
        at_column = mark.column + 1 if mark else None
        raise DeclarationError(
            [Problem(source, at_line, at_column, message, hint, code=code)]
        ) from None
    except yaml.reader.ReaderError:
        # libyaml reports a byte offset; find the character ourselves.
        bad = _NON_PRINTABLE.search(text)
        line, column = line_col(text, bad.start() if bad else 0)
        code = f"U+{ord(bad.group()):04X}" if bad else "?"
        raise DeclarationError(
            [
                Problem(
                    source,
                    line,
                    column,
                    f"文件含有不能写入表格的控制字符 {code}",
                    "这类不可见字符常随复制粘贴带入；删除该位置的字符后重试",
                    code="E-TEXT-CONTROL",
                )
            ]
        ) from None
    except RecursionError:
        raise DeclarationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    f"嵌套层数过深（超过 {MAX_DEPTH} 层）",
                    "申报文件最多只有几层缩进；检查文件中的括号和缩进",
                    code="E-YAML-DEPTH",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        raise DeclarationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    f"YAML 格式错误：{exc}",
                    "检查文件的缩进、冒号和引号",
                    code="E-YAML-SYNTAX",
                )
            ]
        ) from None
    if root is None:
        raise DeclarationError(
            [
                Problem(
                    source,
                    1,
                    1,
                    "文件是空的",
                    "参照 README 中的示例写出一份申报",
                    code="E-EMPTY-FILE",
                )
            ]
        )
    return root


def _suggest(key: str, allowed: tuple[str, ...] | list[str]) -> str:
    close = closest(key, allowed)
    if close:
        return f"是否应为“{close}”？可用的键：{'、'.join(allowed)}"
    return f"可用的键：{'、'.join(allowed)}"


class Reader:
    """Reads composed nodes into values, collecting every problem before raising.

    Generic: it knows YAML nodes, texts, amounts, years, spans and unit files, not the
    keys of any one form. A form kind's walk subclasses it."""

    def __init__(self, source: str, text: str = ""):
        self.source = source
        self.unit_source: str | None = None
        self.from_unit: set[str] = set()
        self.text_source = text
        self.unit_text = ""
        self.unit_broken = False  # the unit file had problems: its keys are not "missing"
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []  # warnings found while reading (W-TEXT-COMMENT)
        self._lines: dict[bool, list[str]] = {}  # the text's lines, of the unit file (True)
        # Whether a "#" is anywhere in the files read: most have none, and then no text
        # can have lost a comment (see _dropped_comment), so no line need be looked at.
        self._has_hash = "#" in text
        self.positions: dict[str, tuple[int, int]] = {}
        self.key_positions: dict[str, tuple[int, int]] = {}

    # -- reporting ---------------------------------------------------------

    def error(
        self, node: Node | None, code: str, message: str, hint: str = "", field: str = ""
    ) -> None:
        line: int | None = None
        column: int | None = None
        source = self.source
        if node is not None:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            if self.unit_source and node.start_mark.name == self.unit_source:
                source = self.unit_source
        self.problems.append(Problem(source, line, column, message, hint, field, code=code))

    def _source_of(self, node: Node) -> tuple[str, list[str]]:
        """(file, lines) a node was read from: the declaration or its unit file."""
        unit_source = self.unit_source
        unit = unit_source is not None and node.start_mark.name == unit_source
        if unit not in self._lines:
            self._lines[unit] = (self.unit_text if unit else self.text_source).split("\n")
        return (unit_source if unit_source is not None and unit else self.source), self._lines[unit]

    def _dropped_comment(self, node: ScalarNode, field: str) -> None:
        """A ` #` after a plain text ends it: YAML drops the rest of the line as a comment.
        Say what was dropped, unless it is written the way comments are (two spaces or
        more before the #, a space after it: `项目期: 长期   # 可不写`), which the README,
        `formgen new` and the bundled declarations use. `完成实验楼 #2 单元改造` and
        `三级指标: #1 培训` are warned about. Whole-line comments are silent."""
        source, lines = self._source_of(node)
        empty = not node.value
        mark = node.start_mark if empty else node.end_mark
        if mark.line >= len(lines) or "#" not in lines[mark.line]:  # most lines have none
            return
        rest = lines[mark.line][mark.column :]
        match = _COMMENT_AFTER.match(rest)
        if not match or (len(match.group(1)) >= 2 and match.group(2) in ("", " ", "\t")):
            return
        dropped = rest[match.end(1) :].rstrip()
        kept = f"{node.value} " if node.value else ""
        from .errors import WARNING

        self.notes.append(
            Problem(
                source,
                mark.line + 1,
                mark.column + match.end(1) + 1,
                f"“{dropped}”被当作注释，没有写入表格（YAML 中“空格加 #”之后是注释）"
                + ("，这一项是空的" if empty else ""),
                f'若它是内容的一部分，请把整段文字用引号括起来："{kept}{dropped}"；'
                "若是注释，请把它单独写在一行，或在 # 前空两格、# 后空一格",
                field,
                WARNING,
                "W-TEXT-COMMENT",
            )
        )

    def _check_node(self, node: Node, field: str) -> bool:
        """Refuse explicit tags (declarations are plain data) and note where the value is.
        Aliases and anchors never get here: refuse_yaml_features turned them away."""
        tag = node.tag
        if isinstance(node, ScalarNode):
            plain = tag in _SCALAR_TAGS
        elif isinstance(node, MappingNode):
            plain = tag == _MAP
        else:
            plain = not isinstance(node, SequenceNode) or tag == _SEQ
        if not plain:
            self.error(
                node,
                "E-YAML-TAG",
                f"不支持的 YAML 标签“{tag}”",
                "申报文件只能包含文字、数字、列表和键值；删除以“!”开头的标签",
                field,
            )
            return False
        mark = node.start_mark
        self.positions[field] = (mark.line + 1, mark.column + 1)
        return True

    # -- node kinds ----------------------------------------------------------

    def mapping(
        self,
        node: Node,
        field: str,
        allowed: tuple[str, ...] | None = None,
        required: tuple[str, ...] = (),
        item: bool = False,
    ) -> dict[str, tuple[Node, Node]] | None:
        """A mapping's entries by key text; duplicates and unknown keys are problems.

        item=True: the mapping is one item of a list, so a key written again at the item's
        column starts the next item whose "- " was forgotten; that is said once, there."""
        if not self._check_node(node, field):
            return None
        if not isinstance(node, MappingNode):
            hint = "这里应写成若干行“键: 值”"
            if isinstance(node, ScalarNode) and "：" in node.value:
                hint += "；注意键后面要用英文冒号“:”加空格，不能用中文冒号“：”"
            self.error(node, "E-NOT-MAPPING", f"“{field or '文件'}”应为若干“键: 值”", hint, field)
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        suggested: set[str] = set()
        key_positions = self.key_positions
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(
                    key_node, "E-KEY-NOT-TEXT", "键必须是一段文字", "检查这一行的缩进和冒号", field
                )
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self.error(
                    key_node,
                    "E-YAML-TAG",
                    f"不支持的 YAML 标签“{key_node.tag}”",
                    "申报文件只能包含文字、数字、列表和键值；删除以“!”开头的标签",
                    field,
                )
                continue
            key = key_node.value
            sub = f"{field}.{key}" if field else key
            if key in entries:
                if item:
                    self.error(
                        key_node,
                        "E-YAML-DASH",
                        f"“{key}”这一行缺少“-”：它又写了一遍本项已有的键，应是新的一项",
                        f"新的一项要以“- ”开头：在“{key}”前加上“- ”，与上一项的“- ”左对齐",
                        sub,
                    )
                    break  # the rest of this mapping belongs to the item without its dash
                first = entries[key][0].start_mark.line + 1
                self.error(
                    key_node,
                    "E-KEY-DUPLICATE",
                    f"键“{key}”重复出现（第一次在第 {first} 行）",
                    "同一层里每个键只能写一次；删除或合并其中一处",
                    sub,
                )
                continue
            if allowed is not None and key not in allowed:
                self.error(
                    key_node, "E-KEY-UNKNOWN", f"不认识的键“{key}”", _suggest(key, allowed), sub
                )
                guess = closest(key, allowed)
                if guess:
                    suggested.add(guess)
                continue
            mark = key_node.start_mark
            key_positions[sub] = (mark.line + 1, mark.column + 1)
            entries[key] = (key_node, value_node)
        for key in required:
            if key not in entries and key not in suggested:
                sub = f"{field}.{key}" if field else key
                self.error(
                    node, "E-KEY-MISSING", f"缺少必填项“{key}”", f"在这一层加上一行“{key}: ……”", sub
                )
        return entries

    def plain_texts(
        self, node: Node, field: str, keys: frozenset[str]
    ) -> tuple[dict[str, tuple[Node, Node]], dict[str, str | None]] | None:
        """(entries, texts) of the usual mapping, read in one pass: each key one of `keys` and
        written once, each value a plain text or nothing (None), no "#" in the files. Then
        mapping() and text() would find nothing wrong and give the same, positions alike;
        for any other mapping this gives None and they read it. Every indicator line is
        usually such a mapping, and lines are most of a declaration."""
        if self._has_hash or not isinstance(node, MappingNode) or node.tag != _MAP:
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        texts: dict[str, str | None] = {}
        positions, key_positions = self.positions, self.key_positions
        mark = node.start_mark
        positions[field] = (mark.line + 1, mark.column + 1)
        for key_node, value_node in node.value:
            if not (isinstance(key_node, ScalarNode) and isinstance(value_node, ScalarNode)):
                return None
            key, value = key_node.value, value_node.value
            if (
                key not in keys
                or key in entries
                or key_node.tag not in _SCALAR_TAGS
                or value_node.tag not in _SCALAR_TAGS
                or value_node.style  # quoted or a block: text() has more to look at
                or len(value) > MAX_CELL_CHARS
            ):
                # What was noted so far, the general reading notes again, alike and in order.
                return None
            entries[key] = (key_node, value_node)
            texts[key] = None if value_node.tag == _NULL else value
            sub = f"{field}.{key}" if field else key
            mark = key_node.start_mark
            key_positions[sub] = (mark.line + 1, mark.column + 1)
            mark = value_node.start_mark
            positions[sub] = (mark.line + 1, mark.column + 1)
        return entries, texts

    @staticmethod
    def _swallowed_key(value: str) -> str | None:
        """A key of the format that a quoted text running over several lines took in."""
        every, _line = _known_keys()
        for match in re.finditer(r"(?:^|\s)-?\s*([^\s:：]+)[:：](?:\s|$)", value):
            if match.group(1) in every:
                return match.group(1)
        return None

    def items(self, node: Node, field: str) -> tuple[str, ...]:
        """A text (its lines are items) or a list of items: one item per line in the cell
        (总体目标's goals, the 自评表's 实际完成情况)."""
        if isinstance(node, SequenceNode):
            if not self._check_node(node, field):
                return ()
            items = (self.text(n, f"{field}[{i}]") for i, n in enumerate(node.value))
            return tuple(i for i in items if i is not None)
        value = self.text(node, field)
        return tuple(value.split("\n")) if value else ()

    def text(self, node: Node | None, field: str, prose: bool = True) -> str | None:
        """A scalar's text as typed; None when empty. `prose`: a text shown in the form
        (not a number or a year), whose dropped ` #` comment is worth a warning."""
        if isinstance(node, ScalarNode) and node.tag in _SCALAR_TAGS:
            # _check_node's work for the usual case, without the call: texts are most nodes
            mark = node.start_mark
            self.positions[field] = (mark.line + 1, mark.column + 1)
        elif node is None or not self._check_node(node, field):
            return None
        else:
            self.not_text(node, field)
            return None
        style = node.style
        if not style:  # plain (libyaml says "", PyYAML None): most texts, and the simplest
            if prose and self._has_hash:
                self._dropped_comment(node, field)
            if node.tag == _NULL:
                return None
            value = node.value
        else:
            if node.tag == _NULL:  # `!!null "x"`
                return None
            styled = self._styled_text(node, style, field)
            if styled is None:
                return None
            value = styled
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

    def _styled_text(self, node: ScalarNode, style: str, field: str) -> str | None:
        """A block or quoted text's value, None after a problem: a block mark with nothing
        under it, a quote that ran over the next key, a character XML cannot carry. Only
        a double-quoted text's escapes make a CR or such a character: the parser turns a
        CR in the file into a line break and refuses the others written in the file."""
        value = node.value
        if style in ("|", ">"):
            value = value.rstrip("\n")
            if not value.strip():  # `年度指标值: >` with nothing under it: the ">" is gone
                self.error(
                    node,
                    "E-YAML-QUOTE",
                    f"单独的“{style}”被 YAML 当作多行文字的标记，它下面却没有文字，这一项成了空的",
                    f'若“{style}”就是要填的内容，请用引号括起来："{style}"；'
                    f"若要写多行文字，把文字写在下一行并比键多缩进两个空格",
                    field,
                )
                return None
            return value
        if node.end_mark.line > node.start_mark.line:
            swallowed = self._swallowed_key(value)
            if swallowed:  # an unpaired quote ran on over the next key: that entry is gone
                other = f'"{style}"' if style == "'" else f"'{style}'"
                self.error(
                    node,
                    "E-YAML-QUOTE-RUN",
                    f"这里的引号{style}没有在本行配对，引号一直延续到第 {node.end_mark.line + 1} 行，"
                    f"把下面“{swallowed}”那一行也当成了这段文字的一部分",
                    f"若{style}是内容的一部分，把整段文字用另一种引号括起来，例如 {other}；"
                    "否则补上配对的引号",
                    field,
                )
                return None
        if style != '"':
            return value
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
        return value

    def not_text(self, node: Node, field: str) -> None:
        """A list or a mapping where a text belongs: most often a text YAML read as something
        else (`- 目标1: 承办…`, `[重点]工作`), so say how to keep it as text."""
        if getattr(node, "flow_style", False):
            symbol = "[" if isinstance(node, SequenceNode) else "{"
            _, lines = self._source_of(node)
            start, end = node.start_mark, node.end_mark
            typed = (
                lines[start.line][start.column : end.column]
                if start.line == end.line and start.line < len(lines)
                else symbol + "…"
            )
            self.error(
                node,
                "E-YAML-QUOTE",
                f"“{field}”应为一段文字：以“{symbol}”开头的文字要用引号括起来，"
                + ("否则 YAML 把它读成列表" if symbol == "[" else "否则 YAML 把它读成键值"),
                f'把整段文字用英文双引号括起来，例如 "{typed}"',
                field,
            )
        elif (
            isinstance(node, MappingNode)
            and len(node.value) == 1
            and isinstance(node.value[0][0], ScalarNode)
            and isinstance(node.value[0][1], ScalarNode)
        ):
            key, value = node.value[0][0].value, node.value[0][1].value
            self.error(
                node,
                "E-NOT-TEXT",
                f"“{key}: {value}”被读成了“键: 值”，因为文字中有“英文冒号加空格”",
                f'请把整段文字用引号括起来："{key}: {value}"；或改用中文冒号：“{key}：{value}”',
                field,
            )
        else:
            self.error(
                node,
                "E-NOT-TEXT",
                f"“{field}”应为一段文字，而不是列表或键值",
                "文字直接写在冒号后面；多段内容只在总体目标中可写成列表；"
                "文字中有“英文冒号加空格”时请用引号括起来",
                field,
            )

    def required_text(self, entries: dict, key: str, field: str) -> str:
        node = entries.get(key, (None, None))[1]
        value = self.text(node, field) if node is not None else None
        if isinstance(node, ScalarNode) and value in (None, ""):
            self.error(node, "E-EMPTY", f"“{key}”不能为空", f"在“{key}:”后面填写内容", field)
        return value or ""

    def amount(self, node: Node | None, field: str) -> Decimal | None:
        """A plain decimal as typed (`360`, `12.5`): no units, signs, exponents or digit groups."""
        raw = self.text(node, field, prose=False)
        if raw is None or raw.strip() == "":
            return None
        cleaned = raw.strip()
        if cleaned.startswith("-") and PLAIN_NUMBER.fullmatch(cleaned[1:]):
            self.error(
                node,
                "E-AMOUNT-NEGATIVE",
                f"金额“{raw}”是负数",
                "金额不能为负；没有的金额请留空",
                field,
            )
            return None
        if not PLAIN_NUMBER.fullmatch(cleaned):
            number = re.search(r"\d+(?:\.\d+)?", cleaned.replace(",", "").replace("，", ""))
            hint = "只写数字，单位“万元”已在表头中"
            if number:
                hint += f"，例如“{number.group()}”"
            self.error(node, "E-AMOUNT", f"金额“{raw}”不是数字", hint, field)
            return None
        if len(cleaned.replace(".", "").lstrip("0")) > 15:
            self.error(
                node,
                "E-AMOUNT-DIGITS",
                f"金额“{raw}”的有效数字超过 15 位，Excel 无法准确保存",
                "核对金额（单位是万元）",
                field,
            )
            return None
        return Decimal(cleaned)

    def year(self, node: Node | None, field: str) -> int | None:
        raw = self.text(node, field, prose=False)
        if raw is None:
            self.error(node, "E-YEAR", "“年度”不能为空", "写四位数的年份，例如“年度: 2022”", field)
            return None
        if not YEAR.fullmatch(raw) or not 1900 <= int(raw) <= 2999:
            self.error(
                node, "E-YEAR", f"年度“{raw}”不是四位数的年份", "写成例如“年度: 2022”", field
            )
            return None
        return int(raw)

    # -- the declaration -----------------------------------------------------

    def start(
        self,
        root: Node,
        unit_root: Node | None,
        unit_keys: tuple[str, ...],
        unit_text: str = "",
    ) -> Node:
        """Merge in the unit file's entries: the root to walk. (Anchors and aliases were
        refused when the text was read, see refuse_yaml_features.)"""
        if unit_root is None:
            return root
        self.unit_source = unit_root.start_mark.name
        self.unit_text = unit_text
        self._has_hash = self._has_hash or "#" in unit_text
        before = len(self.problems)
        shared = self.mapping(unit_root, "", unit_keys) or {}
        self.unit_broken = len(self.problems) > before
        return self._merge(root, shared)

    def _merge(self, root: Node, shared: dict[str, tuple[Node, Node]]) -> Node:
        """The declaration with the unit file's entries it does not give itself (labels key by key)."""
        if not isinstance(root, MappingNode) or not shared:
            return root
        own = {k.value: (k, v) for k, v in root.value if isinstance(k, ScalarNode)}
        pairs = list(root.value)
        for key, (key_node, value_node) in shared.items():
            if key not in own:
                pairs.append((key_node, value_node))
                self.from_unit.add(key)
            elif (
                key == "标签"
                and isinstance(own[key][1], MappingNode)
                and isinstance(value_node, MappingNode)
            ):
                mine = {k.value for k, _ in own[key][1].value if isinstance(k, ScalarNode)}
                extra = [(k, v) for k, v in value_node.value if k.value not in mine]
                merged = MappingNode(
                    own[key][1].tag,
                    own[key][1].value + extra,
                    own[key][1].start_mark,
                    own[key][1].end_mark,
                )
                pairs[pairs.index(own[key])] = (own[key][0], merged)
        return MappingNode(root.tag, pairs, root.start_mark, root.end_mark)

    @staticmethod
    def _is_null(node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == _NULL

    def span(self, node: Node, field: str) -> tuple[int, int]:
        hint = "写成“中期年度: 2022—2024”（起止年份，中间用“—”或“-”）"
        if isinstance(node, SequenceNode):
            if not self._check_node(node, field):
                return (0, 0)
            items = [self.text(n, f"{field}[{i}]", prose=False) for i, n in enumerate(node.value)]
            raw = "—".join(i or "" for i in items) if len(items) == 2 else None
        else:
            raw = self.text(node, field, prose=False)
        match = SPAN.match(raw or "")
        if not match:
            self.error(node, "E-SPAN", f"中期年度“{raw or ''}”不是“起始年—结束年”", hint, field)
            return (0, 0)
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            self.error(node, "E-SPAN", f"中期年度的起始年 {first} 晚于结束年 {last}", hint, field)
        return first, last
