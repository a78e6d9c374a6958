"""Form kinds: each form of the project's yearly cycle is one module here, one template, one test file.

A kind brings its key, its title, its template, what it reads of a declaration,
its layout (the one place its merges are decided), its own check rules and the
values it computes. `build`, `check` and `import` go through this registry, so
the shared machinery never names a kind's rows or columns.
"""

from __future__ import annotations

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


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import (
            shenbao,  # noqa: F401  (registers itself)
            zipingbiao,  # noqa: F401  (registers itself)
        )
