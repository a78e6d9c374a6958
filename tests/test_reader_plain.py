"""Reader.plain_texts, the one-pass reading of the usual mapping, gives what the general
reading (mapping() and text()) gives, and declines every mapping that reading would find
something wrong with: the general reading is the oracle, over generated mappings and over
whole declarations, with the fast path and without it.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, SequenceNode

from formgen.errors import DeclarationError
from formgen.kinds import shenbao
from formgen.reader import MAX_CELL_CHARS, Reader, _Loader, read_document
from formgen.vocabulary import LINE_KEYS

DECLARATIONS = Path(__file__).parent.parent / "declarations"
KEYS = frozenset(LINE_KEYS)

# Values in every style, and the things the general reading has something to say about.
VALUES = (
    "≥10件",
    "合格",
    "",
    "~",
    "null",
    "''",
    '"文字"',
    "'文字'",
    '"a\\x01b"',
    "|\n    多行\n    文字",
    ">\n    折叠",
    "|",
    "[a, b]",
    "{a: b}",
    "\n    - x",
    "\n    a: b",
    "文字 #2 注",
    "文字  # 注",
    "!!str 1",
    "!!null x",
    "!x 文字",
    "x" * (MAX_CELL_CHARS + 1),
)
_keys = st.sampled_from((*LINE_KEYS, "实际完成值", "键", "? [k]", "'三级指标'", "!!str 三级指标"))
_mapping = st.lists(st.tuples(_keys, st.sampled_from(VALUES)), min_size=1, max_size=5)
_documents = st.lists(_mapping, min_size=1, max_size=3).map(
    lambda items: "".join("- " + "  ".join(f"{k}: {v}\n" for k, v in pairs) for pairs in items)
)


def _general(reader: Reader, node: Node, field: str):
    entries = reader.mapping(node, field, (*LINE_KEYS, "实际完成值"), item=True)
    if entries is None:
        return None
    texts = {k: reader.text(v, f"{field}.{k}") for k, (_, v) in entries.items() if k in KEYS}
    return entries, texts


def _state(reader: Reader) -> list:
    return [
        list(reader.positions.items()),
        list(reader.key_positions.items()),
        reader.problems,
        reader.notes,
    ]


def _same_as_the_general_reading(text: str) -> int:
    """How many mappings of `text` the one pass read; each as the general reading does."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return 0
    if not isinstance(root, SequenceNode):
        return 0
    read = 0
    for i, node in enumerate(root.value):
        fast, general = Reader("x.yaml", text), Reader("x.yaml", text)
        result = fast.plain_texts(node, f"f[{i}]", KEYS)
        if result is None:  # declined: what it noted, the general reading notes alike
            assert _general(fast, node, f"f[{i}]") == _general(general, node, f"f[{i}]")
            assert _state(fast) == _state(general), text
            continue
        read += 1
        assert isinstance(node, MappingNode)
        assert result == _general(general, node, f"f[{i}]"), text
        assert _state(fast) == _state(general), text
        assert general.problems == [] and general.notes == []
    return read


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_the_one_pass_reads_what_the_general_reading_reads(text):
    _same_as_the_general_reading(text)


def test_the_one_pass_reads_the_usual_lines_and_declines_the_rest():
    usual = "- 三级指标: 培训\n  中期指标值: ≥10次\n  年度指标值:\n"
    assert _same_as_the_general_reading(usual) == 1
    for unusual in (
        "- 三级指标: 培训\n  三级指标: 又一次\n",  # a key written twice
        "- 三级指标: 培训\n  实际完成值: 9\n",  # another kind's key
        "- 三级指标: '培训'\n",  # quoted
        "- 三级指标: 培训 #2\n",  # a "#" in the file
        "- 三级指标: [培训]\n",  # a list
        "- 三级指标: !x 培训\n",  # a tag of no scalar
    ):
        assert _same_as_the_general_reading(unusual) == 0, unusual


class _GeneralWalk(shenbao.Walk):
    """The 申报 walk without the one pass: every line read by mapping() and text()."""

    def plain_texts(self, node, field, keys):
        return None


def _walked(walk_class: type[shenbao.Walk], text: str, unit: str | None) -> object:
    try:
        doc = read_document(text, "x.yaml", (unit, "_unit.yaml") if unit else None)
        walk = walk_class(doc.source, doc.text, frozenset(("项目期", "项目名称")))
        decl = walk.declaration(doc)
    except DeclarationError as exc:
        return ("problems", exc.problems)
    return (repr(decl), list(decl.positions.items()), list(decl.key_positions.items()))


def test_declarations_walk_alike_with_and_without_the_one_pass():
    """The bundled declarations, with lines broken in the ways that take the general
    reading (quotes, comments, repeated and unknown keys, lists, tags, empty values)."""
    edits = (
        (": ≥", ": '≥"),
        ("指标值: ", "指标值: #"),
        ("指标值: ", "指标值:  # 注\n        中期指标值: "),
        ("  年度指标值: ", "  实际完成值: 1\n        年度指标值: "),
        ("  年度指标值: ", "  年度指标值: [x]\n        x: "),
        ("三级指标: ", "三级指标: !!str "),
        ("三级指标: ", "三级指标:\n        三级指标: "),
        ("指标值: ", "指标值:\n        x: "),
        ("中期指标值: ", "中期指标值: ~\n        y: "),
    )
    rng = random.Random(9)
    unit = "实施单位: 某局 #2 分局\n"
    for path in sorted(DECLARATIONS.glob("*.yaml")):
        text = path.read_text("utf-8")
        variants = [text] + [
            text.replace(old, new, count) for old, new in edits for count in (1, 3, -1)
        ]
        for variant in variants:
            for with_unit in (None, unit) if rng.random() < 0.3 else (None,):
                assert _walked(shenbao.Walk, variant, with_unit) == _walked(
                    _GeneralWalk, variant, with_unit
                ), variant
