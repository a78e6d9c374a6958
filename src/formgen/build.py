"""Declarations on disk → forms on disk: discovery, incremental skipping, parallel workers.

A bad declaration is reported and skipped; the others are still built. A form
whose inputs (declaration, unit file, project settings, template, formgen
version, formats) and outputs are unchanged since the last build is skipped,
by content hashes kept in a small manifest in the output folder.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .docx_writer import docx_bytes
from .errors import ERROR, WARNING, FormgenError, OutputError, Problem
from .grid import Grid
from .kinds import DEFAULT_KIND, FormKind, all_kinds
from .loader import load, loads
from .package import holds, put_hashed, write_atomic
from .reader import MAX_FILE_BYTES, unit_file_for
from .rules import Context, check
from .settings import forget_settings, settings_for
from .summary import ProjectRow, project_row, row_from_record, row_record
from .template import Template, default_template, shipped_template, template_path
from .vocabulary import UNIT_FILE
from .xlsx_writer import xlsx_bytes

FORMATS = ("docx", "xlsx")  # the default
ALL_FORMATS = ("docx", "xlsx", "html", "pdf")


def _html_bytes(grid: Grid) -> bytes:
    from .html_writer import html_bytes  # only when asked for: ~3 ms at every start

    return html_bytes(grid)


# What each format writes, as the file's bytes (pdf: converted from the .docx)
FILE_BYTES = {"docx": docx_bytes, "xlsx": xlsx_bytes, "html": _html_bytes}
SUFFIXES = (".yaml", ".yml")
MANIFEST = ".formgen-manifest.json"
OUTPUT_SUFFIXES = (".docx", ".xlsx", ".html", ".pdf")  # the only files formgen ever deletes


@dataclass
class FormResult:
    source: Path
    stem: str = ""  # output path relative to the output folder, without suffix (posix)
    outputs: list[Path] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # output file name → SHA-256
    problems: list[Problem] = field(default_factory=list)  # errors: the form was not built
    warnings: list[Problem] = field(default_factory=list)  # printed; the form was built
    kept: list[Path] = field(default_factory=list)  # outputs that already held their bytes
    skipped: bool = False  # unchanged since the last build
    inputs: str = ""  # hash of everything the form is made from
    content: str = ""  # the same without the formats: whether what the form shows changed
    row: ProjectRow | None = None  # its line in the unit's summary, when it could be loaded

    @property
    def ok(self) -> bool:
        return not self.problems

    def split_findings(self, findings: list[Problem]) -> None:
        """Errors stop the form; warnings are printed and it is built."""
        self.problems = [f for f in findings if f.severity == ERROR]
        self.warnings = [f for f in findings if f.severity != ERROR]

    @classmethod
    def refused(cls, source: Path, stem: Path, message: str, hint: str) -> FormResult:
        """A form that was not built, for a reason not tied to a line of its declaration."""
        return cls(
            source, stem.as_posix(), problems=[Problem(str(source), None, None, message, hint)]
        )


@dataclass
class BuildReport:
    results: list[FormResult]
    removed: list[Path] = field(default_factory=list)  # outputs of deleted declarations
    # outputs a rebuilt form (or folder) no longer makes: PDFs and previews of an older version,
    # a 自评表 whose results were taken out; deleted when they are as formgen wrote them
    stale: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)  # not tied to one form (manifest)
    folder_outputs: list[Path] = field(default_factory=list)  # summaries, indexes, bundles written
    folder_kept: list[Path] = field(default_factory=list)  # …of which already held their bytes

    @property
    def built(self) -> list[FormResult]:
        return [r for r in self.results if r.ok and not r.skipped]

    @property
    def skipped(self) -> list[FormResult]:
        return [r for r in self.results if r.skipped]

    @property
    def failed(self) -> list[FormResult]:
        return [r for r in self.results if not r.ok]


ROOT_NAME = "declarations"


def rooted_stem(file: Path) -> Path | None:
    """A declaration's output path (no suffix) under its declarations root, whatever the
    command line named: the root given by `declarations = "…"` in formgen.toml when the
    file is inside it, else the nearest enclosing folder called `declarations`; None when
    there is neither."""
    try:
        named = settings_for(file).root
    except FormgenError:  # reported when the form is built
        named = ""
    if named and _inside(file, Path(named)):
        return file.resolve().relative_to(named).with_suffix("")
    absolute = file.absolute()
    if ROOT_NAME not in absolute.parts[:-1]:  # most files: no Path made per parent
        return None
    for folder in absolute.parents:
        if folder.name == ROOT_NAME:
            return absolute.relative_to(folder).with_suffix("")
    return None


def find_declarations(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(declaration, its path relative to the output folder without suffix), sorted.
    See _declarations."""
    return [(file, stem) for file, stem, _ in _declarations(paths)]


def _declarations(paths: Iterable[Path]) -> list[tuple[Path, Path, Path]]:
    """(declaration, its output path without suffix, its real path), sorted.

    The output path is the declaration's path under its declarations root (see
    rooted_stem), so building a sub-folder or one file writes exactly where
    building the whole tree does. Outside any root, a folder's sub-folders are mirrored
    and a file given by itself lands at the top. Files starting with `_` (unit files)
    or `.` are not declarations.
    """
    found: dict[Path, tuple[Path, Path, Path]] = {}
    for path in paths:
        if path.is_dir():
            files = [
                (file, path)
                for file in sorted(path.rglob("*"))
                if file.suffix.lower() in SUFFIXES
                and not file.name.startswith(("_", "."))
                and file.is_file()
            ]
        elif path.name != UNIT_FILE:
            files = [(path, path.parent)]
        else:
            files = []
        for file, base in files:
            key = file.resolve()
            if key not in found:
                stem = rooted_stem(file) or file.relative_to(base).with_suffix("")
                found[key] = (file, stem, key)
    return sorted(found.values(), key=lambda item: str(item[1]))


_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_UNSAFE_NAME = re.compile(r'[\x00-\x1f<>:"|?*\\]')


def output_name_problem(stem: Path) -> str | None:
    """Why a declaration's file name cannot name its outputs on every system users have."""
    for part in stem.parts:
        if part in ("", ".", "..") or _UNSAFE_NAME.search(part):
            return f'“{part}”含有 Windows 文件名中不能用的字符（如 \\ : * ? " < > |）'
        if part.split(".")[0].upper() in _WINDOWS_RESERVED:
            return f"“{part}”是 Windows 保留的设备名，Word/Excel 文件不能以它命名"
        if part.endswith((" ", ".")):
            return f"“{part}”以空格或句点结尾，Windows 上无法用作文件名"
    return None


def _file_bytes(path: Path | None) -> bytes:
    """A file's bytes for hashing; an oversized one is not read (the loader refuses it)."""
    return _read_for_hash(path)[0]


def _read_for_hash(path: Path | None) -> tuple[bytes, bool]:
    """What a file adds to a hash, and whether that is the whole file as read: b"" for an
    absent or unreadable one, a note of its size for an oversized one."""
    try:
        if path is None:
            return b"", False
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"oversized:{size}".encode(), False
        return path.read_bytes(), True
    except OSError:
        return b"", False


# A declaration's bytes and its unit file's (bytes, name), as the loader takes them
Preread = tuple[bytes, tuple[bytes, str] | None]


def _own_inputs(source: Path) -> tuple[tuple[bytes, bytes, bytes], Preread | None]:
    """The files one form is made from: its declaration, unit file and project settings.
    Hashed with common_inputs, they are everything a form is made from: equal hashes give
    byte-identical outputs. When the declaration and its unit file are read whole, they
    are also returned to be loaded: the form is made from the bytes hashed, read once."""
    try:
        settings = settings_for(source).source
    except FormgenError:  # reported when the form is built
        settings = ""
    unit = unit_file_for(source)
    (data, whole), (unit_data, unit_whole) = _read_for_hash(source), _read_for_hash(unit)
    hashed = (data, unit_data, _file_bytes(Path(settings) if settings else None))
    if not whole or (unit is not None and not unit_whole):
        return hashed, None  # loading reads them again and says what is wrong
    return hashed, (data, None if unit is None else (unit_data, str(unit)))


def common_inputs(formats: tuple[str, ...], template: Template) -> str:
    """formgen's version, the formats, the templates and SOURCE_DATE_EPOCH, hashed once per build."""
    others = [_file_bytes(template_path(k.template)) for k in all_kinds() if k.key != DEFAULT_KIND]
    return _digest(
        __version__.encode(),
        ",".join(formats).encode(),
        _file_bytes(Path(template.source)),
        os.environ.get("SOURCE_DATE_EPOCH", "").encode(),
        *others,
    )


def _digest(*parts: bytes) -> str:
    """SHA-256 of the parts, each length-prefixed so that no two lists of parts collide."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def build_one(
    source: Path,
    stem: Path,
    output: Path,
    formats: tuple[str, ...] = FORMATS,
    template: Template | None = None,
    preread: Preread | None = None,
    suspects: tuple[Path, ...] = (),
) -> FormResult:
    """Load, check, lay out and write every form a declaration makes (its 申报表, and the
    forms of other kinds that apply to it); errors are returned, never raised. `preread`:
    the declaration's and unit file's bytes, when the caller has read them. `suspects`:
    outputs that differ from what formgen last recorded writing (see _edited); if one also
    differs from what it would write now, it was edited, and nothing is written."""
    result = FormResult(source, stem.as_posix())
    template = template or default_template()
    try:
        if preread is None:
            decl = load(source, template=template)
        else:
            decl = loads(preread[0], str(source), template=template, unit=preread[1])
        context = Context(decl, settings_for(source))
        kinds = context.kinds()
        for kind in kinds:  # the grids the rules see are the ones written
            kind_template = (
                template if kind.key == DEFAULT_KIND else shipped_template(kind.template)
            )
            context.grids[kind.key] = kind.layout(decl, kind_template)
        findings = check(context)
        result.split_findings(findings)
        result.row = project_row(source.name, decl, findings)
        if result.problems:
            return result
        files = [
            (
                output / stem.parent / _output_name(stem, kind, fmt),
                FILE_BYTES[fmt](context.grids[kind.key]),
            )
            for kind in kinds
            for fmt in formats
            if fmt in FILE_BYTES
        ]
        # a suspect that holds what this build makes was written by an interrupted build
        edited = [t for t, data in files if t in suspects and not holds(t, data)]
        if edited:
            return _edited_refusal(source, stem, edited)
        for target, data in files:
            result.hashes[target.name], written = put_hashed(target, data)
            if not written:
                result.kept.append(target)  # it held these bytes: left as it was
            result.outputs.append(target)
    except FormgenError as exc:
        result.problems = exc.problems
    return result


def _save_manifest(output: Path, manifest: dict) -> list[Problem]:
    """Write the manifest, stamped with this formgen's version; what kept it from being written."""
    manifest["formgen"] = __version__
    try:
        write_manifest(output, manifest)
    except OutputError as exc:
        return exc.problems
    return []


def _record_interrupted(manifest: dict, output: Path, pending: list, formats) -> None:
    """Record, for a build that is stopping (Ctrl-C), what it wrote of the forms it had
    not finished or not heard back from (a worker's): else the next build would take those
    files for files edited by hand. A form's file that differs from its record and was not
    already a suspect (see _edited) when the build began was written by this build. Such a
    form is recorded with no inputs, so the next build makes it again. The forms it
    finished were recorded as they came."""
    forms = manifest["forms"]
    for task in pending:
        stem, suspects = task[1], task[-1]
        entry = forms.get(stem.as_posix())
        outputs = entry.get("outputs") if isinstance(entry, dict) else None
        if not isinstance(outputs, dict):
            continue  # never recorded: its files are not judged
        for name in _output_names(stem, formats):
            target = output / stem.parent / name
            digest = None if target in suspects else _sha256(target)
            if digest is not None and digest != outputs.get(name):
                outputs[name] = digest
                entry["inputs"] = ""  # its files match no declaration: make it again
    _save_manifest(output, manifest)  # its problems: the next build says what it finds


def _output_names(stem: Path, formats) -> list[str]:
    """The names of the files a form may make (every kind, every format written here)."""
    return [
        _output_name(stem, kind, fmt)
        for kind in all_kinds()
        for fmt in formats
        if fmt in FILE_BYTES
    ]


def _output_name(stem: Path, kind: FormKind, fmt: str) -> str:
    """The name of a form's file of this kind and format, e.g. 项目.docx, 项目-自评表.xlsx."""
    return f"{stem.name}{kind.suffix}.{fmt}"


def _build_task(task: tuple) -> FormResult:
    """Build one form, its inputs hashed from the very bytes it is loaded from. They are
    read here, not when the forms are found: a build of many forms would otherwise hold
    every declaration's bytes until its turn."""
    source, stem, output, formats, template, base, content_base, suspects = task
    own, preread = _own_inputs(source)
    try:
        result = build_one(source, stem, output, formats, template, preread, suspects)
    except Exception as exc:  # a bug must not take the other forms down
        if os.environ.get("FORMGEN_DEBUG"):
            raise
        result = FormResult.refused(
            source,
            stem,
            f"内部错误：{type(exc).__name__}: {exc}",
            "在命令名前加 --debug 重新运行（如“formgen --debug build”）可看到详细信息；请连同申报文件报告给维护人员",
        )
    result.inputs = _digest(base.encode(), *own)
    result.content = _digest(content_base.encode(), *own)
    return result


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_manifest(output: Path) -> dict:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        return (
            data
            if isinstance(data, dict) and isinstance(data.get("forms"), dict)
            else {"forms": {}}
        )
    except (OSError, ValueError):
        return {"forms": {}}


def write_manifest(output: Path, manifest: dict) -> None:
    write_atomic(output / MANIFEST, manifest_bytes(manifest))


def manifest_bytes(manifest: dict) -> bytes:
    """The manifest as JSON with one line per form and per folder, in name order: a rebuild
    changes the lines of the forms it changed, which reads well in `git diff`; and each
    line is encoded by json's C encoder (indented JSON is encoded in Python, 5x slower).
    Lines are encoded one by one and joined once, so a large manifest is not copied whole
    several times over."""

    def encode(value) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True).encode()

    pieces = [b"{"]
    for i, (key, value) in enumerate(sorted(manifest.items())):
        pieces += [b",\n " if i else b"\n ", encode(key), b": "]
        if isinstance(value, dict) and value:
            pieces.append(b"{")
            for j, (name, entry) in enumerate(sorted(value.items())):
                pieces += [b",\n  " if j else b"\n  ", encode(name), b": ", encode(entry)]
            pieces.append(b"\n }")
        else:
            pieces.append(encode(value))
    pieces.append(b"\n}\n")
    return b"".join(pieces)


def _recorded(entry: dict | None, output: Path, stem: Path, formats=None) -> dict[Path, str]:
    """The outputs the manifest says formgen wrote for a form (in `formats` only, if given),
    with their hashes. Which kinds apply is known only after loading, so the record says."""
    outputs = (entry or {}).get("outputs") or {}
    return {
        output / stem.parent / name: digest
        for name, digest in sorted(outputs.items())
        if formats is None or name.rsplit(".", 1)[-1] in formats
    }


def _unchanged(entry: dict | None, inputs: str, output: Path, stem: Path) -> bool:
    if not entry or entry.get("inputs") != inputs:
        return False
    recorded = _recorded(entry, output, stem)
    return bool(recorded) and all(_sha256(t) == digest for t, digest in recorded.items())


def _edited(entry: dict | None, output: Path, stem: Path, formats) -> list[Path]:
    """Outputs this build would write that differ from what formgen wrote last (edited by
    hand): never overwritten without --force. A file formgen has no record of is not judged."""
    return [
        target
        for target, digest in _recorded(entry, output, stem, formats).items()
        if _sha256(target) not in (None, digest)
    ]


def _edited_refusal(source: Path, stem: Path, edited: list[Path]) -> FormResult:
    names = "、".join(str(t) for t in edited)
    result = FormResult(source, stem.as_posix())
    result.problems = [
        Problem(
            str(t),
            None,
            None,
            f"{t} 在上次生成之后被改动过（可能是手工编辑的），这次没有覆盖它，{source} 未生成",
            f"要保留改动：先把 {names} 移到别处或改名，再重新生成；"
            "要放弃改动、按申报重新生成：加 --force",
            code="E-OUTPUT-EDITED",
        )
        for t in edited
    ]
    return result


@functools.lru_cache(maxsize=4096)
def _source_key(source: Path, output: Path) -> str:
    """A file's path relative to the output folder (asked once per warning: cached)."""
    return _real_key(source.resolve(), output)


def _real_key(real: Path, output: Path) -> str:
    """_source_key of a file whose real path is known (a declaration's, from _declarations)."""
    return Path(os.path.relpath(real, _resolved(output))).as_posix()


@functools.lru_cache(maxsize=64)
def _resolved(folder: Path) -> Path:
    """The output folder's real path, worked out once per build, not once per form. (Not
    the declarations': a cache of a path per form would grow with the build.)"""
    return folder.resolve()


def _forget_paths() -> None:
    """Resolve paths afresh (at the start of each build: links may have changed)."""
    _resolved.cache_clear()
    _source_key.cache_clear()


def _stored_warnings(result: FormResult, output: Path, source_key: str) -> list[dict]:
    """A form's warnings for the manifest, with file names relative to the output folder,
    so a skipped form can print them again however the build is called. A form's warnings
    name one or two files (its own, whose key is given, and its unit file): each is made
    relative once."""
    keys = {"": "", str(result.source): source_key}
    stored = []
    for w in result.warnings:
        if w.file not in keys:
            keys[w.file] = _source_key(Path(w.file), output)
        stored.append({**vars(w), "file": keys[w.file]})
    return stored


def _restored_warnings(entry: dict, source: Path, output: Path) -> list[Problem]:
    """The warnings a skipped form had when it was built, named as this build names its files."""
    names = {source.resolve(): str(source)}
    unit = unit_file_for(source)
    if unit is not None:
        names[unit.resolve()] = str(unit)
    fields = {f.name for f in dataclasses.fields(Problem)}
    warnings = []
    for stored in entry.get("warnings") or []:
        if not isinstance(stored, dict) or not fields >= set(stored):
            continue  # a manifest edited by hand or written by another version
        file = stored.get("file") or ""
        if file:
            path = (output / file).resolve()
            file = names.get(path, os.path.relpath(path))
        warnings.append(Problem(**{**stored, "file": file}))
    return warnings


def build(
    paths: Iterable[str | Path],
    output: str | Path = "output",
    formats: tuple[str, ...] = FORMATS,
    template: Template | None = None,
    *,
    jobs: int = 1,
    force: bool = False,
    keep_orphans: bool = False,
    progress: Callable[[FormResult], None] | None = None,
) -> BuildReport:
    """Build every declaration found under `paths` into `output`; never stops at a bad one.

    An output edited since formgen wrote it is not overwritten (that form is refused)
    unless `force`; a skipped form reports the warnings it had when it was built."""
    started = time.perf_counter()
    forget_settings()
    _forget_paths()
    output = Path(output)
    formats = with_sources(formats)
    template = template or default_template()
    manifest = read_manifest(output)
    forms: dict = manifest["forms"]
    results: list[FormResult] = []
    tasks = []
    base = common_inputs(formats, template)
    # the same without the formats: whether the form's content changed, whatever was asked for
    content_base = common_inputs((), template)
    claimed: dict[str, Path] = {}  # output stem, case-folded → the declaration that writes it
    current: dict[str, str] = {}  # source key → its output stem in this build

    def report(result: FormResult) -> None:
        results.append(result)
        if progress:
            progress(result)

    source_keys: dict[Path, str] = {}  # declaration → its path relative to the output folder
    for source, stem, real in _declarations(Path(p) for p in paths):
        refusal = output_name_problem(stem)
        other = claimed.setdefault(stem.as_posix().casefold(), source)
        if refusal is None and other != source:
            refusal = (
                f"与 {other} 会写出同名的输出文件 {stem.as_posix()}.docx/.xlsx"
                "（Windows 上不分大小写）"
            )
        if refusal:
            report(
                FormResult.refused(
                    source,
                    stem,
                    f"不能用这个文件名生成表：{refusal}",
                    "给申报文件改个名字（输出文件与申报文件同名）",
                )
            )
            continue
        key = stem.as_posix()
        source_keys[source] = _real_key(real, output)
        current[source_keys[source]] = key
        entry = forms.get(key)
        inputs = ""
        if not force and entry is not None:
            # unchanged since the last build? (else its inputs are hashed when it is built)
            inputs = _digest(base.encode(), *_own_inputs(source)[0])
            if _unchanged(entry, inputs, output, stem):
                outputs = list(_recorded(entry, output, stem, formats))
                result = FormResult(source, key, skipped=True, inputs=inputs, outputs=outputs)
                result.warnings = _restored_warnings(entry, source, output)
                result.row = row_from_record(entry.get("summary"), source.name, result.warnings)
                report(result)
                continue
        # Outputs that differ from what formgen last recorded: edited by hand, or written
        # by a build that was interrupted before it recorded them. build_one tells which
        # (the latter hold what it makes now) and refuses the form for an edited one.
        suspects = () if force else tuple(_edited(entry, output, stem, formats))
        tasks.append((source, stem, output, formats, template, base, content_base, suspects))
    built_stale: list[Path] = []
    edited_stale: list[Path] = []
    content_changed: set[str] = set()  # forms whose declaration (or template…) changed
    finished: set[str] = set()  # forms whose result is in (recorded, if it was written)
    try:
        for result in _run(tasks, jobs):
            report(result)
            if result.ok:
                previous = forms.get(result.stem) or {}
                old = previous.get("outputs") or {}
                content = result.content
                # a record without "content" comes from an older formgen: keep its other files
                changed = previous.get("content", content) != content
                if changed:
                    content_changed.add(result.stem)
                stale = {
                    n: h
                    for n, h in old.items()
                    if n not in result.hashes
                    and not (n.endswith(".pdf") and "pdf" in formats)  # converted after the forms
                    and (changed or n.rsplit(".", 1)[-1] in formats)
                }
                looked = _remove_stale(stale, output / Path(result.stem).parent)
                built_stale.extend(p for p in looked if not p.exists())
                edited_stale.extend(p for p in looked if p.exists())
                kept = {
                    n: h
                    for n, h in old.items()
                    if n not in result.hashes and (output / Path(result.stem).parent / n).exists()
                }
                source_key = source_keys[result.source]
                forms[result.stem] = {
                    "source": source_key,
                    "inputs": result.inputs,
                    "content": result.content,
                    "outputs": {**kept, **result.hashes},
                    "warnings": _stored_warnings(result, output, source_key),
                    "summary": row_record(result.row) if result.row else None,
                }
            finished.add(result.stem)
        built = BuildReport(sorted(results, key=lambda r: r.stem), stale=built_stale)
        for failed in built.failed:  # its files from an earlier build are still there: say so
            held_back = any(p.code == "E-OUTPUT-EDITED" for p in failed.problems)
            if held_back and failed.inputs == (forms.get(failed.stem) or {}).get("inputs"):
                continue  # nothing changed but the edited file, which the error names: the rest is current
            folder = output / Path(failed.stem).parent
            old = [
                folder / n
                for n in ((forms.get(failed.stem) or {}).get("outputs") or {})
                if (folder / n).exists()
            ]
            if old:
                fix = (
                    "先处理上面所说改动过的文件（移到别处或改名后重新生成，或加 --force 按申报重新生成）"
                    if held_back
                    else "改正上面的错误后重新生成"
                )
                built.problems.append(
                    Problem(
                        str(failed.source),
                        None,
                        None,
                        f"这份申报这次没有生成；{'、'.join(str(p) for p in old)} 仍是上一次生成的旧版本",
                        f"{fix}；在此之前不要打印或报送这些旧文件",
                        severity=WARNING,
                        code="W-OUTPUT-OLD",
                    )
                )
        built.problems += [
            Problem(
                str(path),
                None,
                None,
                "这个文件是这份申报上一次生成的，申报改动后没有重新生成它，它也被改动过，所以没有删除",
                "它已与申报不符：不再需要就删掉它；要重新生成，加上相应的 --format",
                severity=WARNING,
                code="W-OUTPUT-STALE",
            )
            for path in edited_stale
        ]
        if "pdf" in formats:
            built.problems += _convert_pdfs(built.results, forms, output)
        if not keep_orphans:
            built.removed = _remove_orphans(forms, output, current)
        folders_changed = _unit_folders(
            built, manifest, output, formats, template, base, force, content_changed
        )
        if not keep_orphans:
            built.removed += _remove_folder_orphans(manifest, output)
    except BaseException:  # Ctrl-C: record what was written, or the next build would
        pending = [t for t in tasks if t[1].as_posix() not in finished]
        _record_interrupted(manifest, output, pending, formats)  # take them for edited ones
        raise
    if tasks or built.removed or folders_changed:
        built.problems += _save_manifest(output, manifest)
    built.seconds = time.perf_counter() - started
    return built


def with_sources(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats in a fixed order, with the .docx a PDF is converted from."""
    wanted = set(formats)
    if "pdf" in wanted:
        wanted.add("docx")
    return tuple(f for f in ALL_FORMATS if f in wanted)


def _convert_pdfs(results: list[FormResult], forms: dict, output: Path) -> list[Problem]:
    """The PDFs of the forms written in this build, in one LibreOffice process. A form whose
    PDF is missing is recorded as out of date, so that the next build tries again."""
    from .unit_outputs import convert_pdfs, pdf_jobs

    jobs = {}
    for result in results:
        if result.ok and not result.skipped and result.row is not None:
            docx = [n for n in result.hashes if n.endswith(".docx")]
            for job in pdf_jobs(output, result.stem, docx, result.row):
                jobs[job] = result
    written, problems = convert_pdfs(list(jobs), output)
    for job, result in jobs.items():
        if job.target in written:
            result.hashes[job.target.name] = written[job.target]
            result.outputs.append(job.target)
            forms[result.stem]["outputs"][job.target.name] = written[job.target]
        else:
            forms[result.stem]["inputs"] = ""
    return problems


def _folder_file_format(name: str) -> str:
    """Which format made a unit folder's file: the summary comes with every build."""
    return {"html": "html", "pdf": "pdf"}.get(name.rsplit(".", 1)[-1], "summary")


def _unit_folders(
    report: BuildReport,
    manifest: dict,
    output: Path,
    formats: tuple[str, ...],
    template: Template,
    base: str,
    force: bool,
    content_changed: set[str],
) -> bool:
    """Write the summary (and index, bundle) of every unit folder this build touched whose
    forms changed; return whether anything was written."""
    from .unit_outputs import Member, folder_inputs, write_folder

    forms = manifest["forms"]
    state = manifest.get("folders")
    if not isinstance(state, dict):
        state = manifest["folders"] = {}
    by_folder: dict[str, dict[str, Member]] = {}
    for r in report.results:
        entry = forms.get(r.stem) if r.ok else None
        by_folder.setdefault(Path(r.stem).parent.as_posix(), {})[r.stem] = Member(
            r.stem,
            r.source,
            r.inputs,
            dict((entry or {}).get("outputs") or {}),
            r.row,
            [] if r.ok else list(r.problems),
        )
    for key, entry in forms.items():  # forms of these folders built before, not named now
        folder = Path(key).parent.as_posix()
        source = Path(os.path.normpath(output / str(entry.get("source", ""))))
        if folder in by_folder and key not in by_folder[folder] and source.is_file():
            outputs = dict(entry.get("outputs") or {})
            warnings = _restored_warnings(entry, source, output)
            row = row_from_record(entry.get("summary"), source.name, warnings)
            by_folder[folder][key] = Member(key, source, str(entry.get("inputs", "")), outputs, row)
    changed = False
    for folder in sorted(by_folder):
        if output_name_problem(Path(folder)) and folder != ".":
            continue  # its forms were refused for this name; nothing is written there
        members = [by_folder[folder][k] for k in sorted(by_folder[folder])]
        inputs = folder_inputs(base, members)
        found = state.get(folder)
        record = found if isinstance(found, dict) else {}
        recorded = {n: d for n, d in (record.get("outputs") or {}).items() if isinstance(d, str)}
        here = output / folder
        if (
            not force
            and record.get("inputs") == inputs
            and recorded
            and all(_sha256(here / n) == d for n, d in recorded.items())
        ):
            continue
        produced = {"summary", *formats}
        edited = [
            here / n
            for n, d in recorded.items()
            if _folder_file_format(n) in produced and _sha256(here / n) not in (None, d)
        ]
        if edited and not force:
            report.problems += [
                Problem(
                    str(t),
                    None,
                    None,
                    f"{t} 在上次生成之后被改动过（可能是手工编辑的），这次没有覆盖它",
                    f"要保留改动：先把 {t} 移到别处或改名，再重新生成；要放弃改动：加 --force",
                    code="E-OUTPUT-EDITED",
                )
                for t in edited
            ]
            continue
        result = write_folder(output, folder, members, formats, template)
        report.problems += result.problems
        kept = {n: d for n, d in recorded.items() if _folder_file_format(n) not in produced}
        if any(m.stem in content_changed for m in members):  # a bundle or index of old forms
            for name, digest in list(kept.items()):
                if _delete_as_written(here / name, digest):
                    report.stale.append(here / name)
                    del kept[name]
        for name, digest in recorded.items():  # renamed (the unit's name changed): old one goes
            target = here / name
            if name not in result.written and name not in kept:
                if _delete_as_written(target, digest):
                    report.removed.append(target)
        state[folder] = {
            "inputs": inputs if result.complete else "",
            "outputs": {**kept, **result.written},
        }
        report.folder_outputs += [here / n for n in result.written]
        report.folder_kept += [here / n for n in sorted(result.kept)]
        changed = True
    return changed


def _remove_folder_orphans(manifest: dict, output: Path) -> list[Path]:
    """A unit folder none of whose forms are left loses its summary, index and bundle."""
    state = manifest.get("folders")
    if not isinstance(state, dict):
        return []
    alive = {Path(key).parent.as_posix() for key in manifest["forms"]}
    removed = []
    for folder in sorted(set(state) - alive):
        record = state.pop(folder)
        outputs = record.get("outputs") if isinstance(record, dict) else None
        for name, digest in (outputs or {}).items():
            target = output / folder / name
            if _inside(target, output) and target.suffix in (".xlsx", ".html", ".pdf"):
                if _delete_as_written(target, digest):
                    removed.append(target)
    return removed


def _remove_stale(stale: dict[str, str], folder: Path) -> list[Path]:
    """Delete files a form's previous build wrote that no longer match it (a PDF or preview
    of text since changed, a 自评表 whose results were taken out), when they are as formgen
    wrote them. Returns the paths looked at; an edited one is kept."""
    looked = []
    for name, digest in stale.items():
        target = folder / name
        if not _inside(target, folder):
            continue
        looked.append(target)
        _delete_as_written(target, digest)
    return looked


def _delete_as_written(target: Path, digest: str) -> bool:
    """Delete a file formgen wrote, only if it is still as written (its SHA-256 is the one
    recorded): a file someone edited is never deleted. Returns whether it was."""
    if _sha256(target) != digest:
        return False
    target.unlink()
    return True


def _run(tasks: list, jobs: int):
    """Results in completion order; worker processes only when they pay for themselves."""
    if jobs <= 1 or len(tasks) < 4:
        for task in tasks:
            yield _build_task(task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    workers = min(jobs, len(tasks))
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method), initializer=_worker_start
    )
    try:
        yield from pool.map(
            _build_task, tasks, chunksize=max(1, min(16, len(tasks) // (workers * 4)))
        )
    except BaseException:  # Ctrl-C (or the caller stopped): stop the workers now
        _stop_workers(pool)
        raise
    pool.shutdown()


def _worker_start() -> None:
    """A worker leaves Ctrl-C (which a terminal sends to every process of the command) to
    the command, which stops the workers itself: no worker prints a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool) -> None:
    """End a pool's workers at once and wait until they are gone: waiting for them to finish
    their queued forms after a Ctrl-C could hang in the pool's shutdown (the parent alone
    had the signal). A worker is ended with SIGTERM, which package.put holds back while
    a temporary file exists, so no file is left half written."""
    import multiprocessing

    pool.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(10)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _remove_orphans(forms: dict, output: Path, current: dict[str, str]) -> list[Path]:
    """Delete the outputs of declarations that no longer exist, or that this build writes
    elsewhere (an older formgen named outputs after the command line), when they are as
    formgen wrote them; an edited one is kept."""
    removed = []
    for key in sorted(forms):
        entry = forms[key]
        source = entry.get("source", "")
        if (output / source).exists() and current.get(source, key) == key:
            continue
        for name, digest in (entry.get("outputs") or {}).items():
            target = output / Path(key).parent / name
            if not _inside(target, output) or target.suffix not in OUTPUT_SUFFIXES:
                continue  # a manifest edited by hand never makes formgen delete other files
            if _delete_as_written(target, digest):
                removed.append(target)
        del forms[key]
    return removed


def check_paths(paths: Iterable[str | Path]) -> list[FormResult]:
    """Load and check every declaration under `paths`; nothing is written."""
    forget_settings()
    _forget_paths()
    results = []
    for source, stem in find_declarations(Path(p) for p in paths):
        result = FormResult(source, stem.as_posix())
        try:
            result.split_findings(check(Context(load(source), settings_for(source))))
        except FormgenError as exc:
            result.split_findings(exc.problems)
        results.append(result)
    return results
