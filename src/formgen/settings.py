"""Project settings for `formgen check`: which vocabulary applies, which rules are off.

Read from `formgen.toml` or `[tool.formgen]` in `pyproject.toml`, in the
declaration's folder or the nearest folder above it that has one. `declarations`
names the folder output paths are taken relative to, when it is not called
`declarations/`.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import DeclarationError, Problem

VOCABULARIES = ("2015", "2021")


@dataclass(frozen=True)
class Settings:
    """A project's formgen.toml: the indicator vocabulary, the rules turned off, where it is."""

    vocabulary: str = "2015"
    disabled: frozenset[str] = frozenset()
    source: str = ""
    root: str = ""  # the declarations root, absolute; "" when the settings do not name one


def settings_for(declaration: str | Path) -> Settings:
    return _settings_beside(os.path.dirname(declaration) or ".")


# Asked several times per declaration; resolving a path costs a stat per part. Keyed on the
# folder's name as a string: a Path is slower to make and to hash than the lookup it saves.
@functools.cache
def _settings_beside(folder: str) -> Settings:
    return _settings_in(Path(folder).resolve())


def settings_in(folder: str | Path) -> Settings:
    """The settings that apply in a folder (for `formgen build` without arguments)."""
    return _settings_in(Path(folder).resolve())


def forget_settings() -> None:
    """Read project files afresh (at the start of each build or check)."""
    _settings_in.cache_clear()
    _settings_beside.cache_clear()


@functools.cache
def _settings_in(folder: Path) -> Settings:
    for candidate in (folder, *folder.parents):
        toml = candidate / "formgen.toml"
        if toml.is_file():
            return _parse(toml, _read(toml))
        project = candidate / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("formgen")
            if table is not None:
                return _parse(project, table)
    return Settings()


def _read(path: Path) -> dict:
    # Imported only when a project has a settings file: most builds have none (~2 ms a start).
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DeclarationError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"项目设置文件格式错误：{exc}",
                    "参照 docs/rules.md 中的示例检查 TOML 格式",
                    code="E-SETTINGS",
                )
            ]
        ) from None


def _parse(path: Path, table: dict) -> Settings:
    vocabulary = str(table.get("vocabulary", "2015"))
    problems = []
    if vocabulary not in VOCABULARIES:
        problems.append(
            Problem(
                str(path),
                None,
                None,
                f"vocabulary 的值“{vocabulary}”无效",
                '只能是 "2015"（2015 年规则）或 "2021"（2021 年指引）',
                code="E-SETTINGS",
            )
        )
    disabled = table.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(d, str) for d in disabled):
        problems.append(
            Problem(
                str(path),
                None,
                None,
                "disable 应为规则编号的列表",
                '例如 disable = ["W-VALUE-NO-UNIT"]',
                code="E-SETTINGS",
            )
        )
        disabled = []
    root = table.get("declarations", "")
    if not isinstance(root, str):
        problems.append(
            Problem(
                str(path),
                None,
                None,
                "declarations 应为申报文件夹的路径（文字）",
                '例如 declarations = "申报"（相对于本文件所在的文件夹）',
                code="E-SETTINGS",
            )
        )
        root = ""
    if problems:
        raise DeclarationError(problems)
    root = str((path.parent / root).resolve()) if root else ""
    return Settings(vocabulary, frozenset(disabled), str(path), root)
