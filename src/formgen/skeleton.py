"""`formgen new`: a new declaration that already holds every key and the standard indicator tree.

The text is written by hand rather than dumped, so that every key carries a comment
saying what to write, and values still to fill are marked `__` (rule W-TO-FILL lists
them). Typed skeletons (培训类, 会议类, …) are data files, one per type, listing 三级
indicators by their 二级 slot; the project's vocabulary decides where each slot goes.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .build import output_name_problem
from .errors import DeclarationError, Problem
from .schema import SCHEMA_FILES, schema_text
from .settings import settings_for
from .template import templates_dir
from .vocabulary import (
    NOT_APPLICABLE,
    UNIT_FILE,
    UNIT_KEYS,
    VOCABULARY,
    home_of,
    key_help,
)

TODO = "__"
SKELETON_DIR = Path("templates") / "skeletons"  # in the project first, then in the package
SCHEMA_DIR = Path("templates") / "schema"
COMMENT_COLUMN = 32  # display columns (a Chinese character takes two)


@dataclass(frozen=True)
class SkeletonLine:
    name: str
    mid: str
    annual: str
    note: str = ""


@dataclass(frozen=True)
class Skeleton:
    name: str  # the type, e.g. 培训类
    description: str
    lines: dict[str, tuple[SkeletonLine, ...]] = field(default_factory=dict)  # 二级 → lines
    source: str = ""


# -- finding and reading skeletons ---------------------------------------------------


def project_root(folder: Path) -> Path:
    """The project a folder belongs to: the nearest folder at or above it that has a
    `templates/` folder (where its own skeletons and the editor schema live), else the
    current folder."""
    for candidate in (folder.resolve(), *folder.resolve().parents):
        if (candidate / "templates").is_dir():
            return candidate
    return Path.cwd()


def skeleton_dirs(project: Path) -> list[Path]:
    """Where typed skeletons are looked for: the project's own templates/ first."""
    dirs = [project / SKELETON_DIR, templates_dir() / "skeletons"]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in (d.resolve() for d in unique):
            unique.append(folder)
    return unique


def find_skeletons(project: Path) -> dict[str, Path]:
    """Type name → its file; a project's file hides a bundled one of the same name."""
    found: dict[str, Path] = {}
    for folder in skeleton_dirs(project):
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


def _problem(path: Path, message: str, hint: str, code: str = "E-SKELETON") -> DeclarationError:
    return DeclarationError([Problem(str(path), None, None, message, hint, code=code)])


def load_skeleton(path: Path) -> Skeleton:
    """A typed skeleton file: `说明` and `指标` (二级 → lines of 三级指标 and 指标值)."""
    hint = "参照 formgen 自带的 templates/skeletons/培训类.yaml 的写法"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _problem(path, f"无法读取指标模板：{exc}", hint) from None
    if not isinstance(data, dict) or not isinstance(data.get("指标"), dict):
        raise _problem(path, "指标模板应有“指标:”，其下按二级指标列出各行", hint)
    unknown = set(data) - {"说明", "指标"}
    if unknown:
        raise _problem(path, f"指标模板中不认识的键：{'、'.join(sorted(unknown))}", hint)
    lines: dict[str, tuple[SkeletonLine, ...]] = {}
    for level2, items in data["指标"].items():
        if home_of(str(level2), "2015") is None:
            names = sorted({n for tree in VOCABULARY.values() for ns in tree.values() for n in ns})
            raise _problem(
                path, f"“{level2}”不是标准的二级指标", f"可用的二级指标：{'、'.join(names)}"
            )
        if not isinstance(items, list) or not items:
            raise _problem(path, f"“{level2}”下应为指标行的列表", hint)
        parsed = []
        for item in items:
            allowed = {"三级指标", "指标值", "中期指标值", "年度指标值", "说明"}
            if not isinstance(item, dict) or "三级指标" not in item or set(item) - allowed:
                raise _problem(
                    path,
                    f"“{level2}”下的指标行应写“三级指标”和“指标值”（或中期、年度指标值）",
                    hint,
                )
            value = str(item.get("指标值", TODO))
            parsed.append(
                SkeletonLine(
                    str(item["三级指标"]),
                    str(item.get("中期指标值", value)),
                    str(item.get("年度指标值", value)),
                    str(item.get("说明", "")),
                )
            )
        lines[str(level2)] = tuple(parsed)
    return Skeleton(path.stem, str(data.get("说明") or ""), lines, str(path))


# -- writing ------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _scalar(text: str | int) -> str:
    """A value as YAML text: plain when it reads back unchanged, else double-quoted."""
    if isinstance(text, int):
        return str(text)
    if text == "":
        return ""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


class _Writer:
    """Lines of YAML with comments aligned in one column."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, text: str, indent: int = 0) -> None:
        self.lines.append(" " * indent + f"# {text}")

    def blank(self) -> None:
        self.lines.append("")

    def entry(
        self, indent: int, key: str, value: str | int = "", note: str = "", item=False
    ) -> None:
        lead = " " * indent + ("- " if item else "")
        text = f"{lead}{key}:" + (f" {_scalar(value)}" if value != "" else "")
        if note:
            # two spaces at least: the way comments are told from text (see W-TEXT-COMMENT)
            text += " " * max(2, COMMENT_COLUMN - _width(text)) + f"# {note}"
        self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _help(key: str, parent: str = "") -> str:
    return key_help(key, parent)[1]


def _tree(vocabulary: str, skeleton: Skeleton | None) -> dict[str, dict[str, list[SkeletonLine]]]:
    """一级 → 二级 → lines: the full standard tree, typed lines in their slots, and one line
    to fill where the type has none."""
    tree: dict[str, dict[str, list[SkeletonLine]]] = {
        l1: {l2: [] for l2 in l2s} for l1, l2s in VOCABULARY[vocabulary].items()
    }
    for slot, lines in (skeleton.lines if skeleton else {}).items():
        home = home_of(slot, vocabulary)
        assert home is not None  # load_skeleton takes 2015 二级 names: each has a home in both
        level1, level2 = home
        tree[level1][level2] += lines
    for level2s in tree.values():
        for slot_lines in level2s.values():
            if not slot_lines:
                slot_lines.append(SkeletonLine(TODO, TODO, TODO))
    return tree


def declaration_text(
    name: str,
    year: int,
    vocabulary: str = "2015",
    skeleton: Skeleton | None = None,
    schema_ref: str = "",
    from_unit: frozenset[str] = frozenset(),
) -> str:
    """The new declaration; keys in `from_unit` are left to the folder's `_unit.yaml`."""
    w = _Writer()
    if schema_ref:
        w.comment(f"yaml-language-server: $schema={schema_ref}")
    w.comment(f"项目支出绩效目标申报表 — {name}（{year} 年度）")
    kind = f"（{skeleton.name}：{skeleton.description}）" if skeleton else ""
    w.comment(f"由 formgen new 生成{kind}。")
    w.comment("“__”是还要填写的地方，formgen check 会逐一列出（W-TO-FILL）；# 后面的说明可以删去。")
    if from_unit:
        shared = "、".join(k for k in UNIT_KEYS if k in from_unit)
        w.comment(f"{shared} 写在同一文件夹的 {UNIT_FILE} 中。")
    w.blank()
    top: dict[str, str | int] = {"年度": year, "项目名称": name, "实施单位": TODO}
    for key in ("年度", "项目名称", "主管部门", "实施单位", "项目属性", "项目期"):
        if key not in from_unit:
            w.entry(0, key, top.get(key, ""), _help(key))
    w.blank()
    w.entry(0, "项目资金", note=_help("项目资金"))
    for side in ("中期", "年度"):
        w.entry(2, side, note=_help(side, "项目资金"))
        for key in ("资金总额", "财政拨款", "其他资金"):
            w.entry(4, key, note=_help(key) if side == "中期" else "")
    w.blank()
    w.entry(0, "总体目标", note=_help("总体目标"))
    w.entry(2, "中期年度", f"{year}—{year + 2}", _help("中期年度"))
    w.entry(2, "中期目标", TODO, _help("中期目标"))
    w.entry(2, "年度目标", TODO, _help("年度目标"))
    w.blank()
    w.entry(0, "绩效指标", note=_help("绩效指标"))
    first = True
    for level1, level2s in _tree(vocabulary, skeleton).items():
        note = f"一级指标；不适用的二级指标，三级指标和指标值都写“{NOT_APPLICABLE}”"
        w.entry(2, level1, note=note if level1 == "效益指标" else "一级指标" if first else "")
        for level2, lines in level2s.items():
            w.entry(4, level2, note="二级指标" if first else "")
            for line in lines:
                w.entry(6, "三级指标", line.name, _help("三级指标") if first else "", item=True)
                w.entry(
                    8, "中期指标值", line.mid, line.note or (_help("中期指标值") if first else "")
                )
                w.entry(8, "年度指标值", line.annual, _help("年度指标值") if first else "")
                first = False
    return w.text()


def unit_text(year: int, schema_ref: str = "") -> str:
    """A new unit folder's `_unit.yaml`: what its declarations share."""
    w = _Writer()
    if schema_ref:
        w.comment(f"yaml-language-server: $schema={schema_ref}")
    w.comment(
        f"本单位各项目共用的内容；申报文件自己写了的以申报文件为准。可写的键：{'、'.join(UNIT_KEYS)}"
    )
    w.blank()
    w.entry(0, "年度", year, _help("年度"))
    w.entry(0, "主管部门", "", _help("主管部门"))
    w.entry(0, "实施单位", TODO, _help("实施单位"))
    return w.text()


# -- the command ----------------------------------------------------------------------------


@dataclass
class NewResult:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _year_from_folder(folder: Path) -> int | None:
    """`declarations/2025/某单位/` → 2025: folders laid out by year give the year."""
    for part in reversed(folder.parts):
        if re.fullmatch(r"(19|2\d)\d\d", part):
            return int(part)
    return None


def _unit_values(unit: Path) -> dict:
    try:
        data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise _problem(
            unit,
            "无法读取这个单位文件",
            f"先用 formgen check 检查并改正 {UNIT_FILE}",
            "E-FILE-READ",
        ) from None
    return {k: v for k, v in (data if isinstance(data, dict) else {}).items() if k in UNIT_KEYS}


def schema_ref(target_dir: Path, project: Path, kind: str, result: NewResult) -> str:
    """Relative path from a new file to the project's copy of the schema, written if missing."""
    schema = project / SCHEMA_DIR / SCHEMA_FILES[kind]
    if not schema.exists():
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_text(schema_text(kind), encoding="utf-8", newline="\n")
        result.written.append(schema)
        result.notes.append(f"已写出编辑器用的 Schema：{schema}")
    try:
        return Path(os.path.relpath(schema.resolve(), target_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return schema.resolve().as_uri()


def new_declaration(
    name: str,
    folder: Path,
    *,
    kind: str | None = None,
    year: int | None = None,
    new_unit: bool = False,
    project: Path | None = None,
) -> NewResult:
    """Write `folder/name.yaml` (and `_unit.yaml` with new_unit); never overwrite anything."""
    project = project or project_root(folder)
    result = NewResult()
    bad = output_name_problem(Path(name)) if name.strip() else "名称是空的"
    if "/" in name or "\\" in name:
        bad = "含有 / 或 \\"
    if bad:
        raise DeclarationError(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"项目名称不能用作文件名：{bad}",
                    "去掉这些字符；文件名不必与项目名称完全一致，可在文件中改“项目名称”",
                    code="E-NEW-NAME",
                )
            ]
        )
    target = folder / f"{name}.yaml"
    if target.exists():
        raise _problem(
            target, "文件已存在，没有覆盖", "换一个名称，或先把旧文件改名、移走", "E-NEW-EXISTS"
        )
    skeleton = None
    if kind:
        skeletons = find_skeletons(project)
        if kind not in skeletons:
            raise _problem(
                Path(f"--type {kind}"),
                f"没有“{kind}”这种指标模板",
                f"可用的类型：{'、'.join(skeletons)}（formgen new --list-types 查看说明）",
                "E-NEW-TYPE",
            )
        skeleton = load_skeleton(skeletons[kind])
    unit = folder / UNIT_FILE
    shared: dict = _unit_values(unit) if unit.is_file() else {}
    if new_unit and unit.is_file():
        result.notes.append(f"{unit} 已存在，沿用其中的内容（没有改动它）")
    year = year or _int(shared.get("年度")) or _year_from_folder(folder)
    if year is None:
        year = datetime.date.today().year + 1
        result.notes.append(f"年度取 {year}（明年）；可用 --year 指定")
    folder.mkdir(parents=True, exist_ok=True)
    if new_unit and not unit.is_file():
        unit.write_text(
            unit_text(year, schema_ref(folder, project, "unit", result)),
            encoding="utf-8",
            newline="\n",
        )
        result.written.append(unit)
        shared = {"年度": year, "主管部门": None, "实施单位": TODO}
    from_unit = {k for k in shared if k != "年度" or _int(shared[k]) == year}
    vocabulary = settings_for(target).vocabulary
    text = declaration_text(
        name,
        year,
        vocabulary,
        skeleton,
        schema_ref(folder, project, "declaration", result),
        frozenset(from_unit),
    )
    with open(target, "x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
        out.write(text)
    result.written.append(target)
    return result


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None
