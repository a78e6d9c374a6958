"""Form kinds: each form of the project's yearly cycle is one module here, one template, one test file.

A kind brings its key, its title, its template, what it reads of a declaration,
its layout (the one place its merges are decided), its own check rules and the
values it computes. `build`, `check` and `import` go through this registry, so
the shared machinery never names a kind's rows or columns. The 自评表 is declared
at the bottom of this file, its module imported on demand (see `deferred`).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..grid import Grid
    from ..model import Declaration
    from ..reader import Reader
    from ..template import Template

# The levels of a declaration where a kind may read keys of its own, next to the 申报's.
LEVELS = ("top", "funds_side", "goals", "line")


@dataclass(frozen=True)
class FormKind:
    """One form of the yearly cycle, as the registry, the reader and the rules know it."""

    key: str  # e.g. "申报表"; also the registry key
    title: str  # the form's name, for messages and the README
    template: str  # file name in templates/
    layout: Callable[[Declaration, Template], Grid]
    suffix: str = ""  # output name: <declaration><suffix>.docx; "" for the default kind
    applies: Callable[[Declaration], bool] = lambda decl: True  # does it produce this form?
    # Keys it reads at each level (see LEVELS), and the function that reads them:
    # read_extra(reader, level, {key: (key node, value node)}, field path) → value kept in
    # Declaration.extras[kind key][field path].
    extra_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    read_extra: Callable[[Reader, str, dict, str], Any] | None = None
    derive: Callable[[Declaration], Any] | None = None  # computed values, for kinds with them
    rules: tuple[str, ...] = ()  # ids of its own check rules (registered in formgen.rules)


_REGISTRY: dict[str, FormKind] = {}
DEFAULT_KIND = "申报表"


def register(kind: FormKind) -> FormKind:
    if kind.key in _REGISTRY and _REGISTRY[kind.key] is not kind:
        raise ValueError(f"form kind {kind.key!r} registered twice")
    _REGISTRY[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    """Remove a kind (tests register toy kinds)."""
    _REGISTRY.pop(key, None)


def all_kinds() -> list[FormKind]:
    """Every registered kind, the default first, then in registration order."""
    _load_builtin()
    return list(_REGISTRY.values())


def get(key: str) -> FormKind:
    _load_builtin()
    return _REGISTRY[key]


def extra_keys(level: str) -> tuple[str, ...]:
    """Keys that registered kinds read at a level, in registration order."""
    return tuple(k for kind in all_kinds() for k in kind.extra_keys.get(level, ()))


# -- kinds imported on demand ------------------------------------------------------------------
# A kind other than the default may be declared here and implemented in its module, which
# is then imported only when a declaration has keys of the kind or its layout is asked for:
# the registry, the reader (the keys it accepts) and formgen.rules (the rule ids a
# formgen.toml may name) know it from its fields. Most builds make no 自评表, and importing
# kinds.zipingbiao (its dataclasses, formgen.scoring) cost ~4 ms a start.


def _call(module: str, name: str, *args: Any) -> Any:
    """`module.name(*args)`, the module imported on the first call."""
    return getattr(importlib.import_module(module), name)(*args)


def _has_own_keys(key: str, decl: Declaration) -> bool:
    """A deferred kind's form is made for the declarations that give keys of the kind."""
    return bool(decl.extras.get(key))


def deferred(module: str, **fields: Any) -> FormKind:
    """A kind implemented in `module` (its layout, read_extra and derive), imported on
    first use; `fields` are the FormKind's other fields."""
    return FormKind(
        layout=functools.partial(_call, module, "layout"),
        applies=functools.partial(_has_own_keys, fields["key"]),
        read_extra=functools.partial(_call, module, "read_extra"),
        derive=functools.partial(_call, module, "derive"),
        **fields,
    )


def _run_rule(module: str, rule_id: str, ctx: Any) -> Any:
    """Stands in for a deferred kind's rule until its module, imported here, registers the
    rule itself in its place (same id, same position in formgen.rules.RULES)."""
    importlib.import_module(module)
    from ..rules import RULES

    return RULES[rule_id][1](ctx)


def _stand_in_rules(kind: FormKind, module: str) -> None:
    """Register a deferred kind's rules by id, in its module's order, before it is imported.
    The severity is the id's: E- an error, W- a warning."""
    from ..errors import ERROR, WARNING
    from ..rules import RULES, rule

    for rule_id in kind.rules:
        if rule_id not in RULES:
            severity = ERROR if rule_id.startswith("E-") else WARNING
            rule(rule_id, severity, kind=kind.key)(functools.partial(_run_rule, module, rule_id))


ZIPINGBIAO_MODULE = f"{__name__}.zipingbiao"
ZIPINGBIAO = deferred(
    ZIPINGBIAO_MODULE,
    key="自评表",
    title="项目支出绩效自评表",
    template="自评表.yaml",
    suffix="-自评表",
    extra_keys={
        "top": ("评价年度",),
        "funds_side": ("全年预算数", "全年执行数", "年初预算数", "执行说明"),
        "goals": ("实际完成情况",),
        "line": ("实际完成值", "分值", "得分", "评价等级", "偏差原因分析及改进措施"),
    },
    rules=(  # in the order kinds.zipingbiao registers them
        "E-EVAL-WEIGHTS",
        "E-EVAL-SCORE-OVER",
        "E-EVAL-QUALITATIVE",
        "E-EVAL-NO-REASON",
        "E-EVAL-OVERSPENT",
        "W-EVAL-UNITS",
        "W-EVAL-HIGH",
        "W-EVAL-NO-TARGET",
        "W-EVAL-FUNDS-SUM",
        "W-EVAL-INCOMPLETE",
    ),
)
_DEFERRED = {ZIPINGBIAO_MODULE: ZIPINGBIAO}

_loaded = False


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import shenbao  # noqa: F401  (registers itself)

        for module, kind in _DEFERRED.items():
            register(kind)
            _stand_in_rules(kind, module)


def import_all() -> None:
    """Import every deferred kind's module, for what it sets there beyond its FormKind:
    the descriptions of its keys (vocabulary.KEY_HELP, KEY_TYPE) that the schema shows."""
    for module in _DEFERRED:
        importlib.import_module(module)
