"""The generic reader of declaration files: decoding, limits, compose, value helpers, positions.

It knows YAML nodes and the value types of the format (text, amount, year,
span), not the keys of any one form: each form kind's walk builds on it. We compose the YAML into nodes (libyaml when available, for speed) and build the
model ourselves instead of using yaml.safe_load, because only the nodes carry
line and column, and because safe_load silently keeps the last of two duplicate
keys. Scalars are read from their source text, so `12.50` and `1.0` stay as typed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DeclarationError, Problem
from .vocabulary import PLAIN_NUMBER, SPAN, UNIT_FILE, YEAR, closest

try:  # libyaml: several times faster than the pure-Python parser
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """Resolves only `null` (and empty values): every other scalar is read from its text, so
    `1.0`, `yes` and `0x10` stay as typed, and the resolver's regexes are not run for them."""

    def resolve(self, kind, value, implicit):
        # What PyYAML's resolver does with only its null pattern left, without its per-node
        # lookups and regular expressions (a tenth of the loading time).
        if kind is ScalarNode:
            if implicit[0] and value in _NULLS:
                return _STD + "null"
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # YAML 1.1's plain nulls


_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
# What YAML (and XML) cannot carry; PyYAML refuses these while reading.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# What XML 1.0 cannot carry even when YAML escapes let it through ("\x01", "\ud800", "\uffff").
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
MAX_FILE_BYTES = 2 * 1024 * 1024  # a real declaration is about 10 KB
MAX_DEPTH = 16  # the format needs 6 levels; deeper is a mistake or an attack
_DEEP_FLOW = re.compile(rf"(?:[\[{{][^\]}}\[{{]*){{{MAX_DEPTH + 1},}}")
_DEEP_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_DEPTH + 1},}}")
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
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise DeclarationError([_too_large(str(path), size)])
        return Path(path).read_bytes()
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


def read_document(
    data: bytes | str, source: str, unit: tuple[bytes | str, str] | None = None
) -> Document:
    """Decode and compose a declaration (and its unit file): every limit is checked here."""
    if len(data) > MAX_FILE_BYTES:
        raise DeclarationError([_too_large(source, len(data))])
    text = decode(data, source) if isinstance(data, bytes) else data.lstrip("\ufeff")
    root = _compose(text, source)
    unit_root = None
    if unit is not None:
        unit_bytes, unit_source = unit
        unit_text = decode(unit_bytes, unit_source) if isinstance(unit_bytes, bytes) else unit_bytes
        unit_root = _compose(unit_text, unit_source, named=True)
    return Document(source, text, root, unit_root)


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
    if data.startswith(b"\xef\xbb\xbf"):
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
    for pattern in (_DEEP_FLOW, _DEEP_DASHES):
        match = pattern.search(text)
        if match:
            return match.start()
    indent = _DEEP_INDENT.search(text)
    return indent.start() if indent else None


def _compose(text: str, source: str, named: bool = False) -> Node:
    tab = _TAB_INDENT.search(text)
    if tab:
        line, column = line_col(text, tab.end() - 1)
        raise DeclarationError(
            [
                Problem(
                    source,
                    line,
                    column,
                    "这一行用了 Tab 键缩进",
                    "缩进请只用空格，不要用 Tab（可在编辑器中把 Tab 替换为两个空格）",
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
    try:
        root = yaml.compose(_NamedText(text, source) if named else text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or ""
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
        self.problems: list[Problem] = []
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

    def _check_node(self, node: Node, field: str) -> bool:
        """Refuse explicit tags (declarations are plain data) and note where the value is.
        Aliases never get here: `refuse_aliases` turned them away before the walk."""
        tag = node.tag
        if (
            isinstance(node, ScalarNode)
            and tag not in _SCALAR_TAGS
            or (
                isinstance(node, MappingNode)
                and tag != _STD + "map"
                or isinstance(node, SequenceNode)
                and tag != _STD + "seq"
            )
        ):
            self.error(
                node,
                "E-YAML-TAG",
                f"不支持的 YAML 标签“{tag}”",
                "申报文件只能包含文字、数字、列表和键值；删除以“!”开头的标签",
                field,
            )
            return False
        self.positions[field] = (node.start_mark.line + 1, node.start_mark.column + 1)
        return True

    def _first_alias(self):
        """Composed aliases are the anchored node itself; the tokens know where the `*` was."""
        try:
            for token in yaml.scan(self.text_source, Loader=_Loader):
                if isinstance(token, yaml.AliasToken):
                    return token
        except yaml.YAMLError:
            pass
        return None

    # -- node kinds ----------------------------------------------------------

    def mapping(
        self,
        node: Node,
        field: str,
        allowed: tuple[str, ...] | None = None,
        required: tuple[str, ...] = (),
    ) -> dict[str, tuple[Node, Node]] | None:
        """A mapping's entries by key text; duplicates and unknown keys are problems."""
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
            self.key_positions[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            entries[key] = (key_node, value_node)
        for key in required:
            if key not in entries and key not in suggested:
                sub = f"{field}.{key}" if field else key
                self.error(
                    node, "E-KEY-MISSING", f"缺少必填项“{key}”", f"在这一层加上一行“{key}: ……”", sub
                )
        return entries

    def text(self, node: Node | None, field: str) -> str | None:
        """A scalar's text as typed; None when empty."""
        if node is None or not self._check_node(node, field):
            return None
        if not isinstance(node, ScalarNode):
            self.error(
                node,
                "E-NOT-TEXT",
                f"“{field}”应为一段文字，而不是列表或键值",
                "文字直接写在冒号后面；多段内容只在总体目标中可写成列表",
                field,
            )
            return None
        if node.tag == _STD + "null":
            return None
        value = node.value
        if node.style in ("|", ">"):
            value = value.rstrip("\n")
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

    def required_text(self, entries: dict, key: str, field: str) -> str:
        node = entries.get(key, (None, None))[1]
        value = self.text(node, field) if node is not None else None
        if isinstance(node, ScalarNode) and value in (None, ""):
            self.error(node, "E-EMPTY", f"“{key}”不能为空", f"在“{key}:”后面填写内容", field)
        return value or ""

    def amount(self, node: Node | None, field: str) -> Decimal | None:
        """A plain decimal as typed (`360`, `12.5`): no units, signs, exponents or digit groups."""
        raw = self.text(node, field)
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
        raw = self.text(node, field)
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

    def refuse_aliases(self, root: Node) -> None:
        """Aliases compose to shared nodes; refuse the first one before reading anything,
        whatever key it is under (a "billion laughs" file is a few shared nodes)."""
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                self.error(
                    self._first_alias() or node,
                    "E-YAML-ALIAS",
                    "申报文件不支持锚点与别名（& 和 *）",
                    "把要重复的内容直接再写一遍",
                )
                raise DeclarationError(self.problems)
            seen.add(id(node))
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    stack += (value, key)
            elif isinstance(node, SequenceNode):
                stack += node.value

    def start(self, root: Node, unit_root: Node | None, unit_keys: tuple[str, ...]) -> Node:
        """Refuse aliases, then merge in the unit file's entries: the root to walk."""
        if "*" in self.text_source:  # every alias starts with "*": no star, no alias
            self.refuse_aliases(root)
        if unit_root is None:
            return root
        self.refuse_aliases(unit_root)
        self.unit_source = unit_root.start_mark.name
        shared = self.mapping(unit_root, "", unit_keys) or {}
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
        return isinstance(node, ScalarNode) and node.tag == _STD + "null"

    def span(self, node: Node, field: str) -> tuple[int, int]:
        hint = "写成“中期年度: 2022—2024”（起止年份，中间用“—”或“-”）"
        if isinstance(node, SequenceNode):
            if not self._check_node(node, field):
                return (0, 0)
            items = [self.text(n, f"{field}[{i}]") for i, n in enumerate(node.value)]
            raw = "—".join(i or "" for i in items) if len(items) == 2 else None
        else:
            raw = self.text(node, field)
        match = SPAN.match(raw or "")
        if not match:
            self.error(node, "E-SPAN", f"中期年度“{raw or ''}”不是“起始年—结束年”", hint, field)
            return (0, 0)
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            self.error(node, "E-SPAN", f"中期年度的起始年 {first} 晚于结束年 {last}", hint, field)
        return first, last
