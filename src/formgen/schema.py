"""A JSON Schema of the declaration format, for editors that speak the YAML language server.

Built from vocabulary.py (keys, help texts, indicator trees), so a key added there is
completed and described in editors without touching this file. The schema says what the
loader refuses for a structural reason (a wrong type, an unknown key, a missing required
key); value rules (sums, names, measurable values) stay with `formgen check`.

It declares draft 2020-12 but uses only keywords draft-07 validators also know, because
the YAML language server (VS Code's YAML extension) implements draft-07.
"""

from __future__ import annotations

import json
from pathlib import Path

from .kinds import extra_keys, import_all
from .template import default_template, templates_dir
from .vocabulary import (
    BLOCK_KEYS,
    EVAL_FUND_ROWS,
    FUND_KEYS,
    FUND_SIDES,
    GOAL_KEYS,
    KEY_TYPE,
    LINE_KEYS,
    SIDES,
    TOP_KEYS,
    TOP_REQUIRED,
    UNIT_FILE,
    UNIT_KEYS,
    VOCABULARY,
    key_help,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES = {"declaration": "declaration.schema.json", "unit": "unit.schema.json"}
MAX_TEXT = 32767  # Excel's limit for one cell; the loader refuses longer texts

# Scalars the loader reads as text (it reads every scalar from its source text).
_SCALAR = ["string", "number", "boolean"]
_AMOUNT = r"^\s*(\d+(\.\d+)?)?\s*$"  # loader.PLAIN_NUMBER, or empty
_YEAR = r"^\s*(19|2[0-9])[0-9]{2}\s*$"
_SPAN_YEAR = r"^\s*[0-9]{4}\s*年?\s*$"
_SPAN = r"^\s*([0-9]{4})\s*年?\s*(—|–|-|~|～|至|到)+\s*([0-9]{4})\s*年?\s*$"  # vocabulary.SPAN


def _described(schema: dict, key: str, parent: str = "") -> dict:
    title, description = key_help(key, parent)
    return {"title": title, "description": description, **schema}


def _text(optional: bool = True) -> dict:
    """A text as the loader takes it: any scalar, at most one Excel cell long; a required
    text may not be empty."""
    if optional:
        return {"type": [*_SCALAR, "null"], "maxLength": MAX_TEXT}
    return {"type": _SCALAR, "minLength": 1, "maxLength": MAX_TEXT}


def _name() -> dict:
    """An indicator name: the loader refuses an empty one at every level."""
    return {"type": _SCALAR, "minLength": 1, "pattern": r"\S", "maxLength": MAX_TEXT}


def _amount() -> dict:
    return {
        "type": ["number", "string", "null"],
        "minimum": 0,
        "pattern": _AMOUNT,
        "examples": [120, 12.5],
    }


def _year() -> dict:
    return {
        "type": ["integer", "string"],
        "minimum": 1900,
        "maximum": 2999,
        "pattern": _YEAR,
        "examples": [2025],
    }


def _texts() -> dict:
    """A text, or a list of texts (each a line in the cell)."""
    return {"type": [*_SCALAR, "null", "array"], "maxLength": MAX_TEXT, "items": _text()}


def _fund_rows() -> dict:
    """A table of the 自评表's fund rows, each an amount (its 全年预算数, say)."""
    return {
        "type": ["object", "null"],
        "properties": {k: _described(_amount(), k) for k in EVAL_FUND_ROWS},
        "additionalProperties": False,
    }


def _extras(level: str) -> dict:
    """Keys other form kinds read at a level (kinds.LEVELS), typed by vocabulary.KEY_TYPE."""
    import_all()  # a kind's module types and describes its keys (KEY_TYPE, KEY_HELP)
    values = {"amount": _amount, "texts": _texts, "year": _year, "fund_rows": _fund_rows}
    return {k: _described(values.get(KEY_TYPE.get(k, ""), _text)(), k) for k in extra_keys(level)}


def _funds() -> dict:
    side_schema = {
        "type": ["object", "null"],
        "properties": {k: _described(_amount(), k) for k in FUND_KEYS} | _extras("funds_side"),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {s: _described(side_schema, s, "项目资金") for s in FUND_SIDES},
        "additionalProperties": False,
    }


def _goals() -> dict:
    span = {
        "type": ["string", "array"],
        "pattern": _SPAN,
        "minItems": 2,
        "maxItems": 2,
        "items": {
            "type": ["integer", "string"],
            "pattern": _SPAN_YEAR,
            "minimum": 1000,
            "maximum": 9999,
        },
        "examples": ["2025—2027"],
    }
    properties = {"中期年度": span} | {k: _texts() for k in GOAL_KEYS if k != "中期年度"}
    return {
        "type": "object",
        "properties": {k: _described(v, k) for k, v in properties.items()} | _extras("goals"),
        "additionalProperties": False,
    }


def _line() -> dict:
    """One indicator line: at least one side, and 三级指标 not shadowed on both sides."""
    properties = {}
    for key in LINE_KEYS:
        schema = _name() if key.endswith("三级指标") else _text()
        if key.endswith("指标值"):
            schema = {**schema, "examples": ["≥150家", "100%", "≤6小时", "全年", "不适用"]}
        properties[key] = _described(schema, key)
    properties |= _extras("line")
    side_keys = [f"{side}{what}" for side in SIDES for what in ("三级指标", "指标值")]
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "anyOf": [{"required": [k]} for k in side_keys if k in LINE_KEYS],
        "not": {"required": ["三级指标", *(f"{side}三级指标" for side in SIDES)]},
    }


def _block() -> dict:
    """A 二级指标: its lines, or {年度二级指标, 指标} when the annual side names it otherwise."""
    lines = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/指标行"}}
    properties = {"年度二级指标": _name(), "指标": lines}
    return {
        "type": ["array", "object"],
        "minItems": 1,
        "items": {"$ref": "#/$defs/指标行"},
        "properties": {k: _described(properties[k], k) for k in BLOCK_KEYS},
        "required": ["指标"],
        "additionalProperties": False,
    }


def _where(level1: str, level2: str | None = None) -> str:
    """Which vocabularies use a name, for its description."""
    names = {"2015": "2015 年规则", "2021": "2021 年指引"}
    used = [
        names[v]
        for v, tree in VOCABULARY.items()
        if level1 in tree and (level2 is None or level2 in tree[level1])
    ]
    return "、".join(used)


def _indicators() -> dict:
    """Standard names are offered (as properties) but not enforced: a variant name is
    allowed by the loader and warned about by `formgen check`."""
    level1_names: dict[str, list[str]] = {}
    for tree in VOCABULARY.values():
        for level1, level2s in tree.items():
            known = level1_names.setdefault(level1, [])
            known += [n for n in level2s if n not in known]
    groups = {}
    for level1, names in level1_names.items():
        groups[level1] = {
            "title": level1,
            "description": f"一级指标（{_where(level1)}）",
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": r"\S"},
            "properties": {
                n: {
                    "title": n,
                    "description": f"二级指标（{_where(level1, n)}）",
                    "$ref": "#/$defs/二级指标",
                }
                for n in names
            },
            "additionalProperties": {"$ref": "#/$defs/二级指标"},
        }
    return {
        "type": "object",
        "minProperties": 1,
        "properties": groups,
        "propertyNames": {"pattern": r"\S", "examples": list(level1_names)},
        "additionalProperties": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": r"\S"},
            "additionalProperties": {"$ref": "#/$defs/二级指标"},
        },
    }


def _labels() -> dict:
    labels = default_template().labels
    return {
        "type": "object",
        "properties": {
            label_id: {
                "title": label_id,
                "description": f"表中原来的字样：{text}",
                **_text(optional=False),
            }
            for label_id, text in sorted(labels.items())
        },
        "additionalProperties": False,
    }


def _top_properties() -> dict:
    """Every key a declaration (or its unit file) may have, by key."""
    parts = {
        "年度": _year(),
        "项目名称": _text(optional=False),
        "实施单位": _text(optional=False),
        "项目资金": _funds(),
        "总体目标": _goals(),
        "绩效指标": _indicators(),
        "标签": _labels(),
    }
    return {key: _described(parts.get(key, _text()), key) for key in TOP_KEYS} | _extras("top")


def declaration_schema() -> dict:
    """The schema of one declaration. Keys a `_unit.yaml` may give are not required here:
    the editor cannot see the unit file, and the loader checks them after merging."""
    return {
        "$schema": DRAFT,
        "title": "formgen 申报文件（项目支出绩效目标申报表）",
        "description": "每个预算项目一份；键名就是表上的栏目名。说明见 README。",
        "type": "object",
        "properties": _top_properties(),
        "required": [k for k in TOP_REQUIRED if k not in UNIT_KEYS],
        "additionalProperties": False,
        "$defs": {"二级指标": _block(), "指标行": _line()},
    }


def unit_schema() -> dict:
    """The schema of a unit folder's `_unit.yaml`: what its declarations share."""
    properties = _top_properties()
    return {
        "$schema": DRAFT,
        "title": f"formgen 单位文件（{UNIT_FILE}）",
        "description": "同一文件夹中各申报共用的内容；申报文件自己写了的以申报文件为准。",
        "type": "object",
        "properties": {k: properties[k] for k in UNIT_KEYS},
        "additionalProperties": False,
    }


def schema_text(kind: str = "declaration") -> str:
    """The schema as the bytes we ship and print: stable key order, Chinese kept readable."""
    schema = declaration_schema() if kind == "declaration" else unit_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def shipped_schema(kind: str = "declaration") -> Path:
    """The generated copy shipped with the package (templates/schema/)."""
    return templates_dir() / "schema" / SCHEMA_FILES[kind]
