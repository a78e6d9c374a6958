"""The editor schema and the loader agree on what a declaration may look like.

Three directions: everything we ship validates; every structural mistake (a wrong type,
an unknown key, a missing key) made at every place of a full declaration gets the same
verdict from both; and generated valid declarations are accepted by both.
"""

from __future__ import annotations

import copy
import datetime
import json
import re

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import DECLARATIONS, ROOT
from formgen.errors import DeclarationError
from formgen.loader import loads
from formgen.schema import (
    SCHEMA_FILES,
    declaration_schema,
    schema_text,
    shipped_schema,
    unit_schema,
)
from formgen.vocabulary import LINE_KEYS, TOP_REQUIRED, UNIT_KEYS, VOCABULARY

VALIDATOR = jsonschema.Draft202012Validator(declaration_schema())
UNIT_VALIDATOR = jsonschema.Draft202012Validator(unit_schema())

# What a draft-07 validator (the YAML language server's) understands, plus the 2020-12
# names of the same things; a keyword outside this list would be silently ignored there.
DRAFT7_KEYWORDS = {
    "$schema", "$ref", "$defs", "title", "description", "type", "properties", "required",
    "additionalProperties", "items", "minItems", "maxItems", "minLength", "maxLength",
    "pattern", "minimum", "maximum", "anyOf", "not", "minProperties", "propertyNames",
    "examples",
}  # fmt: skip


def instance(text: str):
    """What an editor validates: the YAML read by a YAML 1.2 parser, as JSON data."""

    def plain(value):
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return value

    return plain(YAML(typ="safe").load(text))


def schema_errors(text: str, validator=VALIDATOR) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(instance(text))]


def loader_problems(text: str) -> list[str]:
    """The loader's refusals as "CODE message"."""
    try:
        loads(text.encode("utf-8"), "x.yaml")
    except DeclarationError as exc:
        return [f"{p.id} {p.format()}" for p in exc.problems]
    return []


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def dump(data) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10_000)


# -- what we ship -------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_shipped_schema_is_the_generated_one(kind):
    unit = " --unit" if kind == "unit" else ""
    assert shipped_schema(kind).read_text(encoding="utf-8") == schema_text(kind), (
        f"the format changed: formgen schema{unit} -o templates/schema/{SCHEMA_FILES[kind]} --force"
    )


@pytest.mark.parametrize("schema", [declaration_schema(), unit_schema()])
def test_schema_is_valid_2020_12_using_draft7_keywords_only(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    used = set()

    def walk(node, in_properties=False):
        if isinstance(node, dict):
            for key, value in node.items():
                if not in_properties:
                    used.add(key)
                walk(value, in_properties=key in ("properties", "$defs") and not in_properties)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    assert used <= DRAFT7_KEYWORDS, used - DRAFT7_KEYWORDS


def test_every_key_has_a_chinese_title_and_description():
    schema = declaration_schema()
    seen = 0

    def walk(node):
        nonlocal seen
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                seen += 1
                assert sub.get("title") and re.search(r"[\u4e00-\u9fff]", sub["description"]), name
            for value in node.values():
                walk(value)

    walk(schema)
    assert seen > 40


def test_standard_names_are_offered_not_enforced():
    indicators = declaration_schema()["properties"]["绩效指标"]
    for vocabulary in VOCABULARY.values():
        for level1, level2s in vocabulary.items():
            assert set(level2s) <= set(indicators["properties"][level1]["properties"])
    variant = {
        "绩效指标": {"产出指标": {"数量指标（自定）": [{"三级指标": "甲", "年度指标值": "1次"}]}}
    }
    doc = {"项目名称": "甲", "总体目标": {"中期年度": "2025—2027"}, **variant}
    assert not schema_errors(dump(doc))


def test_amounts_are_numbers():
    amount = declaration_schema()["properties"]["项目资金"]["properties"]["年度"]["properties"]
    assert "number" in amount["资金总额"]["type"]
    doc = {"项目名称": "甲", "总体目标": {"中期年度": "2025—2027"}, "绩效指标": {}}
    doc["项目资金"] = {"年度": {"资金总额": "80万元"}}
    assert any("项目资金" in e for e in schema_errors(dump(doc)))


@pytest.mark.parametrize(
    "path",
    sorted(DECLARATIONS.glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_bundled_declarations_and_examples_validate(path):
    assert schema_errors(path.read_text(encoding="utf-8")) == []


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 申报文件怎么写", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_readme_example_validates_and_loads():
    text = readme_example()
    assert loader_problems(text) == []
    assert schema_errors(text) == []


def test_unit_file_schema():
    assert UNIT_VALIDATOR.is_valid({"年度": 2025, "实施单位": "某办公室"})
    assert not UNIT_VALIDATOR.is_valid({"年度": 2025, "项目名称": "甲"})  # not a unit key


# -- structural mistakes everywhere: both refuse, or both accept ------------------------

FULL = {  # every key of the format, the 自评表's results included
    "年度": 2025,
    "评价年度": 2025,
    "项目名称": "测试项目",
    "主管部门": "某部门（101001）",
    "实施单位": "某某办公室",
    "项目属性": "延续项目",
    "项目期": "长期",
    "项目资金": {
        "中期": {"资金总额": 300, "财政拨款": 250, "其他资金": 50},
        "年度": {
            "资金总额": "100",
            "财政拨款": 100,
            "其他资金": None,
            "全年预算数": {
                "资金总额": 110,
                "本年财政拨款": 100,
                "上年结转资金": 10,
                "其他资金": None,
            },
            "全年执行数": {"资金总额": 99.5, "本年财政拨款": 95},
            "执行说明": "说明",
        },
    },
    "总体目标": {
        "中期年度": "2025—2027",
        "中期目标": "中期目标的文字",
        "年度目标": ["目标1", "目标2"],
        "实际完成情况": ["完成1", "完成2"],
    },
    "绩效指标": {
        "产出指标": {
            "数量指标": [
                {
                    "三级指标": "甲",
                    "中期指标值": "≥3次",
                    "年度指标值": "≥1次",
                    "实际完成值": "2次",
                    "分值": 10,
                    "得分": 10,
                    "评价等级": "达成年度指标",
                    "偏差原因分析及改进措施": "无",
                },
                {"三级指标": "乙", "中期指标值": "≥6次"},
            ],
            "质量指标": {
                "年度二级指标": "质量",
                "指标": [
                    {
                        "中期三级指标": "丙",
                        "中期指标值": "100%",
                        "年度三级指标": "丁",
                        "年度指标值": "100%",
                    }
                ],
            },
        },
        "满意度指标": {"服务对象满意度指标": [{"三级指标": "满意度", "年度指标值": "≥95%"}]},
    },
    "标签": {"项目期": "项目日期"},
}

# Refusals that are about order or layout, not structure: the schema cannot see them.
NOT_STRUCTURAL = ("E-LINE-ORDER ",)
# Keys the editor cannot require: a `_unit.yaml` beside the declaration may give them.
FROM_UNIT = {("删除", (k,)) for k in TOP_REQUIRED if k in UNIT_KEYS}

ODD_VALUES = {"文字": "文字", "列表": ["文字"], "键值": {"甲": "乙"}, "空": None}


def _paths(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _at(doc, path):
    for step in path:
        doc = doc[step]
    return doc


def mutations():
    """Every place of FULL given a value of another kind, an unknown key, or one key less."""
    for path, node in _paths(FULL):
        if path:
            for kind, odd in ODD_VALUES.items():
                if type(odd) is type(node) and kind != "空":
                    continue
                doc = copy.deepcopy(FULL)
                _at(doc, path[:-1])[path[-1]] = copy.deepcopy(odd)
                yield (kind, path), doc
        if isinstance(node, dict):
            doc = copy.deepcopy(FULL)
            _at(doc, path)["未知键"] = "值"
            yield ("未知键", path), doc
            for key in node:
                doc = copy.deepcopy(FULL)
                del _at(doc, path)[key]
                yield ("删除", (*path, key)), doc
        if isinstance(node, list):
            for i in range(len(node)):
                doc = copy.deepcopy(FULL)
                del _at(doc, path)[i]
                yield ("删除", (*path, i)), doc


def test_full_declaration_is_valid_for_both():
    assert loader_problems(dump(FULL)) == []
    assert schema_errors(dump(FULL)) == []


def test_structural_mistakes_get_the_same_verdict():
    cases = list(mutations())
    disagreements, refused = [], 0
    for name, doc in cases:
        text = dump(doc)
        loader, schema = loader_problems(text), schema_errors(text)
        if loader and all(p.startswith(NOT_STRUCTURAL) for p in loader):
            continue
        refused += bool(loader)
        expected_schema_refuses = bool(loader) and name not in FROM_UNIT
        if expected_schema_refuses != bool(schema):
            disagreements.append((name, loader[:1], schema[:1]))
    assert not disagreements, "\n".join(map(str, disagreements))
    # the corpus is not trivial: most mutations are refused, some are harmless
    assert len(cases) > 250 and refused > 150 and refused < len(cases)


def test_keys_a_unit_file_gives_are_optional_for_the_editor_only():
    for key in ("年度", "实施单位"):
        doc = {k: v for k, v in FULL.items() if k != key}
        assert any(f"缺少必填项“{key}”" in p for p in loader_problems(dump(doc)))
        assert schema_errors(dump(doc)) == []


# -- generated valid declarations: both accept ------------------------------------------

_CHARS = "甲乙丙项目经费培训≥≤%0123456789 :：，。-—#'\"[]{}&*!|>?@`"
texts = st.text(alphabet=_CHARS, min_size=1, max_size=12).filter(lambda s: s.strip())
optional_texts = st.none() | texts
amounts = st.none() | st.integers(0, 10**6) | st.from_regex(r"\A[0-9]{1,6}(\.[0-9]{1,2})?\Z")
names_l1 = st.sampled_from([*{n for v in VOCABULARY.values() for n in v}, "自定一级指标"])
names_l2 = st.sampled_from(
    [*{n for v in VOCABULARY.values() for ns in v.values() for n in ns}, "自定二级"]
)


@st.composite
def lines(draw):
    """A block's lines: both sides first, then lines of one side only (contiguous)."""
    both = draw(st.integers(1, 3))
    tail_side = draw(st.sampled_from(["中期", "年度"]))
    tail = draw(st.integers(0, 2))
    result = []
    for i in range(both + tail):
        sides = ("中期", "年度") if i < both else (tail_side,)
        line = {}
        if draw(st.booleans()) or len(sides) == 1:
            line["三级指标"] = draw(texts)
        else:
            line.update({f"{s}三级指标": draw(texts) for s in sides})
        for side in sides:
            line[f"{side}指标值"] = draw(optional_texts)
        result.append(line)
    return result


@st.composite
def declarations(draw):
    first = draw(st.integers(1900, 2990))
    separator = draw(st.sampled_from(["—", "-", "至", "～"]))
    span = f"{first}{separator}{first + draw(st.integers(0, 5))}"
    if draw(st.booleans()):
        span = span.split(separator)
    goal = draw(optional_texts | st.lists(texts, max_size=3))
    blocks = st.dictionaries(names_l2, lines() | st.builds(lambda n, ls: {"年度二级指标": n, "指标": ls}, names_l2, lines()), min_size=1, max_size=3)  # fmt: skip
    doc = {
        "年度": draw(st.integers(1900, 2999) | st.integers(1900, 2999).map(str)),
        "项目名称": draw(texts),
        "实施单位": draw(texts),
    }
    for key in ("主管部门", "项目属性", "项目期"):
        if draw(st.booleans()):
            doc[key] = draw(optional_texts)
    if draw(st.booleans()):
        doc["项目资金"] = {
            side: draw(
                st.none()
                | st.fixed_dictionaries(
                    {}, optional={"资金总额": amounts, "财政拨款": amounts, "其他资金": amounts}
                )
            )  # fmt: skip
            for side in draw(st.sets(st.sampled_from(["中期", "年度"])))
        }
    doc["总体目标"] = {"中期年度": span, "中期目标": goal, "年度目标": goal}
    doc["绩效指标"] = draw(st.dictionaries(names_l1, blocks, min_size=1, max_size=4))
    if draw(st.booleans()):
        doc["标签"] = {"项目期": draw(texts)}
    return doc


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(declarations())
def test_generated_valid_declarations_are_accepted_by_both(doc):
    text = dump(doc)
    assert loader_problems(text) == []
    assert schema_errors(text) == []


def test_line_keys_all_in_schema():
    from formgen.kinds import extra_keys

    line = declaration_schema()["$defs"]["指标行"]["properties"]
    assert list(line) == list(LINE_KEYS) + list(extra_keys("line"))  # the 申报's, then other kinds'
    assert "实际完成值" in line  # the 自评表's results sit next to the targets
    assert json.dumps(declaration_schema(), ensure_ascii=False).count("三级指标") > 5


def test_keys_of_other_form_kinds_join_the_schema():
    """A kind (the 自评表, say) reading keys of its own at a level: the loader takes them and
    the schema offers them, typed by vocabulary.KEY_TYPE, without editing schema.py."""
    from formgen import kinds
    from formgen.vocabulary import KEY_HELP, KEY_TYPE

    kind = kinds.FormKind(
        key="玩具自评表",
        title="玩具自评表",
        template="form.yaml",
        layout=lambda decl, template: None,
        applies=lambda decl: False,
        extra_keys={"line": ("玩具完成值",), "funds_side": ("玩具执行数",)},
        read_extra=lambda reader, level, entries, field: {
            k: v[1].value for k, v in entries.items()
        },
    )
    kinds.register(kind)
    KEY_TYPE["玩具执行数"] = "amount"
    KEY_HELP["玩具完成值"] = ("玩具完成值", "自评时填写：这一行实际做到了多少")
    try:
        schema = declaration_schema()
        line = schema["$defs"]["指标行"]["properties"]["玩具完成值"]
        assert line["description"] == "自评时填写：这一行实际做到了多少"
        doc = copy.deepcopy(FULL)
        doc["绩效指标"]["产出指标"]["数量指标"][0]["玩具完成值"] = "≥3次"
        doc["项目资金"]["年度"]["玩具执行数"] = 95
        validator = jsonschema.Draft202012Validator(schema)
        assert loader_problems(dump(doc)) == []
        assert list(validator.iter_errors(instance(dump(doc)))) == []
        doc["项目资金"]["年度"]["玩具执行数"] = "九十五"
        assert not validator.is_valid(instance(dump(doc)))
    finally:
        kinds.unregister(kind.key)
        KEY_TYPE.pop("玩具执行数")
        KEY_HELP.pop("玩具完成值")
    assert "玩具完成值" not in json.dumps(declaration_schema(), ensure_ascii=False)


def test_imported_declarations_validate(built):
    """`formgen import` writes declarations too: what it makes of our own forms validates."""
    from formgen.importer import import_file, to_yaml

    forms = [built / f"{p.stem}.xlsx" for p in sorted(DECLARATIONS.glob("*.yaml"))]
    assert len(forms) == 6
    for path in forms:
        for imported in import_file(path):
            text = to_yaml(imported, path.name)
            assert loader_problems(text) == [], path.name
            assert schema_errors(text) == [], path.name


def test_schema_command_prints_and_writes_without_clobbering(tmp_path):
    from click.testing import CliRunner

    from formgen.cli import cli

    runner = CliRunner()
    printed = runner.invoke(cli, ["schema"])
    assert printed.exit_code == 0 and json.loads(printed.output) == declaration_schema()
    assert json.loads(runner.invoke(cli, ["schema", "--unit"]).output) == unit_schema()
    target = tmp_path / "s.json"
    target.write_text("{}\n", encoding="utf-8")
    refused = runner.invoke(cli, ["schema", "-o", str(target)])
    assert refused.exit_code == 1 and "已存在且内容不同" in refused.output
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert runner.invoke(cli, ["schema", "-o", str(target), "--force"]).exit_code == 0
    assert target.read_text(encoding="utf-8") == schema_text("declaration")
