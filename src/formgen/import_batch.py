"""`formgen import` over files and folders: find inputs, convert legacy formats, import,
check, name, and write — or, with unused cells, write nothing and say why.

Everything is decided before anything is written, so that a run either writes the
declarations it reports or none of them: with unused cells and no --allow-unused the
report lists the cells and nothing is written; rerunning with --allow-unused writes.
A rerun that would write the same bytes again is not an error.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .import_check import check
from .importer import Imported, NotAForm, import_book, to_yaml
from .package import write_atomic
from .readers import ReadError
from .soffice import INSTALL_HINT, TIMEOUT_SECONDS, convert, find_soffice

READABLE = (".xlsx", ".docx")
LEGACY = {".xls": "xlsx", ".et": "xlsx", ".doc": "docx", ".wps": "docx"}
KNOWN = READABLE + tuple(LEGACY)
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/|?*\\]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
MAX_STEM = 80


@dataclass
class Planned:
    """One form on its way to a declaration file."""

    form: Imported
    origin: Path  # the file as the user has it (not its converted copy)
    text: str  # the YAML
    stem: str  # the file name it asks for, before collisions are settled
    target: Path  # where it goes: `stem`.yaml, numbered when names collide


@dataclass
class ImportReport:
    lines: list[str] = field(default_factory=list)  # progress and findings (stdout)
    errors: list[Problem] = field(default_factory=list)  # errors (stderr)
    yaml: list[tuple[Path, str]] = field(default_factory=list)  # --dry-run: what would be written
    written: int = 0
    unchanged: int = 0
    failed: int = 0
    unused: int = 0
    ignored: int = 0
    files: list[Path] = field(default_factory=list)
    held_back: bool = False  # unused cells and no --allow-unused: nothing was written


def safe_stem(name: str) -> str:
    """A project name as a file name every system accepts (a character Windows refuses
    becomes `_`; the name is cut at MAX_STEM characters)."""
    stem = _UNSAFE.sub("_", " ".join(name.split()))[:MAX_STEM].rstrip(" .")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


def collect(paths) -> tuple[list[Path], list[tuple[Path, str]], list[tuple[Path, str]]]:
    """The files to import; the files ignored, with why; the paths named that cannot be read."""
    files: list[Path] = []
    ignored: list[tuple[Path, str]] = []
    refused: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if not path.is_dir():
            if path.suffix.lower() in KNOWN:
                files.append(path)
            else:
                refused.append((path, _not_a_form_file(path)))
            continue
        for folder, dirs, names in os.walk(path):
            for d in sorted(dirs):
                if d.startswith("."):
                    ignored.append((Path(folder) / d, "隐藏的文件夹，其中的文件没有读取"))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                file = Path(folder) / name
                if name.startswith("~$"):
                    ignored.append((file, "Word/Excel/WPS 打开文件时留下的临时文件"))
                elif name.startswith("."):
                    ignored.append((file, "隐藏文件"))
                elif file.suffix.lower() not in KNOWN:
                    ignored.append((file, _not_a_form_file(file)))
                else:
                    files.append(file)
    return files, ignored, refused


def _not_a_form_file(path: Path) -> str:
    return "不是 Word/Excel/WPS 表格文件（可导入 .xlsx .docx .xls .doc .et .wps）"


def convert_legacy(
    files: list[Path], workdir: Path
) -> tuple[dict[Path, Path], dict[Path, Problem]]:
    """.xls/.et → .xlsx and .doc/.wps → .docx with LibreOffice: one process per target
    format for the whole batch. Files are staged under unique names first, so that `a.xls`
    and `a.et`, or two `a.doc` in different folders, cannot overwrite each other."""

    converted: dict[Path, Path] = {}
    failed: dict[Path, Problem] = {}
    legacy = [f for f in files if f.suffix.lower() in LEGACY]
    if not legacy:
        return converted, failed
    by_hand = "；或用 WPS、Excel 或 Word 打开这个文件，另存为 .xlsx 或 .docx 后再导入"
    if find_soffice() is None:
        for file in legacy:
            failed[file] = Problem(
                str(file),
                None,
                None,
                f"导入 {file.suffix} 文件需要 LibreOffice（soffice）把它转换为 "
                f".{LEGACY[file.suffix.lower()]}，本机没有找到",
                INSTALL_HINT + by_hand,
                code="E-IMPORT-NO-SOFFICE",
            )
        return converted, failed
    for to in ("xlsx", "docx"):
        group = [f for f in legacy if LEGACY[f.suffix.lower()] == to]
        if not group:
            continue
        staged: dict[Path, Path] = {}
        stage = workdir / f"in-{to}"
        stage.mkdir(parents=True, exist_ok=True)
        for i, file in enumerate(group):
            copy = stage / f"{i:05d}{file.suffix.lower()}"
            try:
                shutil.copyfile(file, copy)
            except OSError as exc:
                failed[file] = Problem(
                    str(file), None, None, f"无法读取文件：{exc.strerror}", code="E-IMPORT-READ"
                )
                continue
            staged[copy] = file
        # one process for the group; a large archive gets time in proportion
        timeout = TIMEOUT_SECONDS + 20 * len(staged)
        result = convert(list(staged), to, workdir / f"out-{to}", timeout=timeout)
        for copy, target in result.converted.items():
            converted[staged[copy]] = target
        for copy, problem in result.failed.items():
            failed[staged[copy]] = Problem(
                str(staged[copy]),
                None,
                None,
                problem.message,
                problem.hint or by_hand.lstrip("；或"),
                code="E-IMPORT-CONVERT",
            )
    return converted, failed


def import_paths(
    paths,
    output: str | Path,
    *,
    force: bool = False,
    allow_unused: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import every form under `paths` into declarations in `output` (see the module doc)."""
    output = Path(output)
    report = ImportReport()
    files, ignored, refused = collect(paths)
    for path, why in ignored:
        report.ignored += 1
        report.lines.append(f"已忽略：{path}（{why}）")
    for path, why in refused:
        report.failed += 1
        report.errors.append(Problem(str(path), None, None, why, code="E-IMPORT-FILE-TYPE"))
    planned: list[Planned] = []
    with tempfile.TemporaryDirectory(prefix="formgen-import-") as work:
        converted, conversion_failed = convert_legacy(files, Path(work))
        for path in files:
            if path in conversion_failed:
                report.failed += 1
                report.errors.append(conversion_failed[path])
                continue
            readable = converted.get(path, path)
            try:
                book = import_book(readable)
            except (NotAForm, ReadError) as exc:
                report.failed += 1
                message = str(exc).replace(readable.name, path.name)
                code = "E-IMPORT-READ" if isinstance(exc, ReadError) else "E-IMPORT-NOT-A-FORM"
                report.errors.append(Problem(str(path), None, None, message, code=code))
                continue
            for sheet, why in book.skipped:
                report.lines.append(f"已跳过：{path} {sheet}：{why}")
            for sheet, why in book.defects:
                report.failed += 1
                report.errors.append(
                    Problem(f"{path} {sheet}", None, None, why, code="E-IMPORT-INCOMPLETE")
                )
            for form in book.forms:
                item = _plan(form, path, output, len(book.forms) > 1, report)
                if item is not None:
                    planned.append(item)
    _settle_names(planned, output, report)
    if dry_run:
        report.yaml = [(item.target, item.text) for item in planned]
    report.unused = sum(len(item.form.unused) for item in planned)
    report.held_back = bool(report.unused) and not allow_unused and not dry_run
    for item in planned:
        if dry_run:
            verb = "将写入"
        elif report.held_back and item.form.unused:
            verb = "待写入（核对下面列出的单元格后加 --allow-unused）"
        elif report.held_back:
            verb = "待写入（别的表有未用上的单元格，本次都没有写入）"
        else:
            verb = _write(item, force, report)
        report.lines.append(f"{verb}：{item.origin} {item.form.sheet} → {item.target}")
        for cell in item.form.unused:
            report.lines.append(f"未用上的单元格：{item.origin} {cell.where}：“{cell.text}”")
        for note in item.form.notes:
            report.lines.append(f"提示：{item.origin} {note}")
    return report


def _plan(
    form: Imported, origin: Path, output: Path, several: bool, report: ImportReport
) -> Planned | None:
    """The form's YAML, checked; None (and the reasons reported) when it cannot be written."""
    text = to_yaml(form, origin.name)
    where = f"{origin} {form.sheet}".rstrip()
    result = check(form, text, where)
    if not result.ok:
        report.failed += 1
        for problem in result.problems:
            report.errors.append(
                Problem(
                    where,
                    None,
                    None,
                    f"导入结果不是有效的申报：{problem.message}",
                    "在原表中补上这一栏后重新导入；加 --dry-run 可看到导入结果",
                    field=problem.field,
                    code="E-IMPORT-INVALID",
                )
            )
        for cell in result.lost:
            report.errors.append(
                Problem(
                    f"{origin} {cell.where}",
                    None,
                    None,
                    f"这个单元格的内容“{cell.text}”在导入结果中找不到，为免丢失，这张表没有写入",
                    "这是 formgen 的缺陷，请把这个文件报告给维护人员；在此之前请手工录入这份申报",
                    code="E-IMPORT-LOST",
                )
            )
        return None
    stem = safe_stem(form.name) if several else origin.stem
    stem = stem or safe_stem(form.sheet) or "导入"
    return Planned(form, origin, text, stem, output / f"{stem}.yaml")


def _settle_names(planned: list[Planned], output: Path, report: ImportReport) -> None:
    """Each form its own file: where two would share a name (Windows ignores case), every
    one of them gets a number, and the report says so."""
    by_name: dict[str, list[Planned]] = {}
    for item in planned:
        by_name.setdefault(item.stem.casefold(), []).append(item)
    for items in by_name.values():
        if len(items) == 1:
            continue
        for i, item in enumerate(items, start=1):
            item.target = output / f"{item.stem}-{i}.yaml"
        sources = "、".join(f"{item.origin} {item.form.sheet}".rstrip() for item in items)
        targets = "、".join(item.target.name for item in items)
        report.lines.append(
            f"提示：{sources} 会得到同一个文件名“{items[0].stem}.yaml”，已分别写为 {targets}"
        )


def _write(item: Planned, force: bool, report: ImportReport) -> str:
    """Write one declaration; what happened, as the report's verb."""
    data = item.text.encode("utf-8")
    if item.target.exists() and not force:
        try:
            same = item.target.read_bytes() == data
        except OSError:
            same = False
        if same:
            report.unchanged += 1
            return "已存在且内容相同，未改动"
        report.failed += 1
        report.errors.append(
            Problem(
                str(item.target),
                None,
                None,
                "文件已存在且内容不同，未覆盖",
                "确认要覆盖时加 --force",
                code="E-IMPORT-EXISTS",
            )
        )
        return "未写入（文件已存在）"
    write_atomic(item.target, data)
    report.written += 1
    report.files.append(item.target)
    return "已写入"
