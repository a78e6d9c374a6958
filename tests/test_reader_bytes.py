"""A declaration read from bytes is parsed from those bytes, not from its text encoded again:
the nodes, the parser's problems and what loading says are the same either way."""

from __future__ import annotations

from pathlib import Path

import yaml
from nodetree import tree

from formgen.errors import DeclarationError
from formgen.loader import loads
from formgen.reader import _Loader

DECLARATIONS = Path(__file__).parent.parent / "declarations"

# Characters the parser refuses or reads specially, typed into a value, after it and first.
CHARS = [chr(c) for c in (*range(0x20), 0x7F, 0x85, 0xA0, 0x2028, 0xFEFF, 0xFFFE, 0xE000)]
SAMPLE = "年度: 2022\n项目名称: 网络{}安全\n实施单位: 某局\n"


def _composed(stream: str | bytes) -> object:
    try:
        root = yaml.compose(stream, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        marks = [(m.line, m.column) if m else None for m in (exc.problem_mark, exc.context_mark)]
        return (type(exc).__name__, exc.problem, exc.context, marks)
    except yaml.YAMLError as exc:
        return type(exc).__name__
    return None if root is None else tree(root)


def _loaded(data: str | bytes) -> object:
    try:
        return repr(loads(data, "x.yaml"))
    except DeclarationError as exc:
        return exc.problems


def _texts() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted(DECLARATIONS.glob("*.yaml"))]
    for char in CHARS:
        texts += [SAMPLE.format(char), SAMPLE + char, char + SAMPLE.format("")]
    return texts + ["", "a: b\r\nc: d\r\n", "a: b\rc: d", "- [x\n", "a: 'b\n"]


def test_the_parser_reads_the_bytes_as_it_reads_the_text():
    for text in _texts():
        assert _composed(text.encode("utf-8")) == _composed(text), repr(text)


def test_loading_bytes_says_what_loading_the_text_says():
    for text in _texts():
        data = text.encode("utf-8")
        assert _loaded(data) == _loaded(text) == _loaded(b"\xef\xbb\xbf" + data), repr(text)
