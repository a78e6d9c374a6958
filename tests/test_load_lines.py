"""Walk.line gives what it gave before one Side began to stand for both sides of a line
that says the same on both: the old line() is frozen here as the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest

from formgen.errors import DeclarationError
from formgen.kinds import shenbao
from formgen.model import Line, Side
from formgen.reader import read_document
from formgen.template import default_template

DECLARATIONS = Path(__file__).parent.parent / "declarations"


class _OldWalk(shenbao.Walk):
    def line(self, node, field):  # noqa: C901 - a frozen copy
        read = self.plain_texts(node, field, shenbao._LINE_KEYS) or self._line_texts(node, field)
        if read is None:
            return None
        entries, values = read
        for key in ("三级指标", "中期三级指标", "年度三级指标"):
            if key in entries and not (values.get(key) or "").strip():
                self.error(
                    entries[key][1],
                    "E-NAME-EMPTY",
                    f"“{key}”的名称为空",
                    "写出三级指标的名称；确实没有这项指标时写“不适用”",
                    f"{field}.{key}",
                )
        if "三级指标" in entries and "中期三级指标" in entries and "年度三级指标" in entries:
            self.error(
                entries["三级指标"][0],
                "E-LINE-NAMES",
                "“三级指标”与“中期三级指标”“年度三级指标”同时出现，前者不会被使用",
                "两侧名称不同时只写“中期三级指标”和“年度三级指标”",
                f"{field}.三级指标",
            )
        name = values.get("三级指标")
        mid = annual = None
        if "中期三级指标" in entries or "中期指标值" in entries:
            mid = Side(values.get("中期三级指标", name) or "", values.get("中期指标值") or "")
        if "年度三级指标" in entries or "年度指标值" in entries:
            annual = Side(values.get("年度三级指标", name) or "", values.get("年度指标值") or "")
        if mid is None and annual is None:
            self.error(
                node,
                "E-LINE-EMPTY",
                "这一行既没有中期指标值，也没有年度指标值",
                "写上“中期指标值: ……”和/或“年度指标值: ……”（没有值可留空，但要写出键）",
                field,
            )
            return None
        return Line(mid, annual, path=field)


def _read(walk_class, text: str):
    doc = read_document(text, "x.yaml")
    walk = walk_class(doc.source, doc.text, frozenset(default_template().labels))
    try:
        return walk.declaration(doc), walk.problems
    except DeclarationError as exc:
        return None, exc.problems


LINES = (
    "- 三级指标: 培训\n  中期指标值: 合格\n  年度指标值: 合格\n",
    "- 三级指标: 培训\n  中期指标值: 合格\n  年度指标值: 良好\n",
    "- 中期三级指标: 甲\n  年度三级指标: 乙\n  中期指标值: 1\n  年度指标值: 1\n",
    "- 三级指标: 培训\n  年度指标值: 合格\n",
    "- 三级指标: 培训\n  中期指标值:\n  年度指标值:\n",
    "- 三级指标: 培训\n  中期指标值: 合格\n",
    "- 三级指标:\n  中期指标值: 合格\n  年度指标值: 合格\n",
    "- 三级指标: a\n  中期三级指标: b\n  年度三级指标: c\n  年度指标值: 1\n",
    "- 三级指标: 培训\n",
    "- 三级指标: '培训'\n  中期指标值: 合格\n  年度指标值: '合格'\n",
    "- 三级指标: 培训  # 注\n  中期指标值: 合格\n  年度指标值: 合格\n",
)
HEAD = "年度: 2022\n项目名称: x\n实施单位: y\n绩效指标:\n  产出指标:\n    数量指标:\n"


@pytest.mark.parametrize("lines", LINES)
def test_a_line_reads_as_it_did(lines):
    text = HEAD + "".join("      " + row + "\n" for row in lines.splitlines())
    assert _read(shenbao.Walk, text) == _read(_OldWalk, text)


def test_the_bundled_declarations_read_as_they_did():
    for path in sorted(DECLARATIONS.glob("*.yaml")):
        text = path.read_text("utf-8")
        new, old = _read(shenbao.Walk, text), _read(_OldWalk, text)
        assert new == old and new[0] is not None, path.name
        sides = [
            (line.mid, line.annual) for g in new[0].indicators for b in g.blocks for line in b.lines
        ]
        assert any(mid is annual for mid, annual in sides)  # the shared Side was used
