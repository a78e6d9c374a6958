"""What a unit folder gets besides its forms: the summary workbook, the HTML index, the PDFs
and the print bundle.

A unit folder is an output folder that holds forms (the top of the output folder,
or a sub-folder mirroring one under declarations/). Its files depend on every form
in it, so they are rebuilt exactly when one of those forms' inputs or outputs
changes: a hash over the members is kept in the manifest under "folders".
The forms' PDFs are converted here too, after the forms are written, in one
LibreOffice process for the whole build.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import FormgenError, OutputError, Problem
from .kinds import all_kinds
from .loader import load
from .package import put_hashed
from .rules import Context, check
from .settings import settings_for
from .summary import ProjectRow, file_name, project_row, summary_bytes, unit_name, unreadable_row
from .template import Template

if TYPE_CHECKING:
    from .pdf import PdfJob

INDEX = "index.html"
BUNDLE_SUFFIX = "合订本.pdf"
SUMMARY_FONT = ("宋体", 10.5)


def bundle_name(unit: str) -> str:
    """`<单位>合订本.pdf`, as safe a file name as the summary's."""
    return file_name(unit).removesuffix("项目汇总表.xlsx") + BUNDLE_SUFFIX


@dataclass
class Member:
    """A form of the folder, as this build left it."""

    stem: str  # output path without suffix, relative to the output folder (posix)
    source: Path
    inputs: str  # the form's inputs hash ("" when it was refused before hashing)
    outputs: dict[str, str] = field(default_factory=dict)  # file name → SHA-256 (manifest)
    row: ProjectRow | None = None  # known when the form was loaded in this build
    problems: list[Problem] = field(default_factory=list)  # why it was not built


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def folder_inputs(base: str, members: Sequence[Member]) -> str:
    """Everything a folder's files are made from: each form's inputs, outputs and failure."""
    parts = [base]
    for m in members:
        parts += [
            m.stem,
            m.inputs,
            m.source.name,
            *sorted(f"{n}={h}" for n, h in m.outputs.items()),
        ]
        parts += [p.format() for p in m.problems]
    return digest(*parts)


def row_for(member: Member, template: Template) -> ProjectRow:
    """The summary row of a member: loaded and checked again when this build did not."""
    if member.row is not None:
        return member.row
    try:
        decl = load(member.source, template=template)
        row = project_row(
            member.source.name, decl, check(Context(decl, settings_for(member.source)))
        )
    except FormgenError as exc:
        return unreadable_row(member.source.name, member.problems or exc.problems)
    if member.problems:  # refused for a reason outside the declaration (e.g. an edited output)
        row = dataclasses.replace(row, findings=row.findings + tuple(member.problems))
    return row


def _kind_title(stem_name: str, file_stem: str) -> str:
    """The kind a form file belongs to: "" for the default kind, else its title."""
    suffix = file_stem[len(stem_name) :]
    if not suffix:
        return ""
    return next((k.title for k in all_kinds() if k.suffix == suffix), suffix)


def bookmark(row_name: str, stem_name: str, file_stem: str) -> str:
    kind = _kind_title(stem_name, file_stem)
    return f"{row_name}（{kind}）" if kind else row_name


def _form_files(member: Member, ext: str) -> list[str]:
    """The member's files of one format, the default kind first, then in registry order."""
    name = Path(member.stem).name
    files = []
    for kind in all_kinds():
        file = f"{name}{kind.suffix}.{ext}"
        if file in member.outputs:
            files.append(file)
    return files


# -- PDFs of the forms ------------------------------------------------------------------


# The PDF and HTML modules (and subprocess, html) are imported where they are used: a
# build of the default formats needs neither, and they cost ~8 ms at every start.


def pdf_jobs(output: Path, stem: str, docx_names: Sequence[str], row: ProjectRow) -> list[PdfJob]:
    from .pdf import PdfJob

    folder = output / Path(stem).parent
    name = Path(stem).name
    return [
        PdfJob(
            folder / docx,
            folder / (docx.removesuffix(".docx") + ".pdf"),
            bookmark(row.name, name, docx.removesuffix(".docx")),
            row.year or 1980,
        )
        for docx in docx_names
    ]


def convert_pdfs(jobs: Sequence[PdfJob], output: Path) -> tuple[dict[Path, str], list[Problem]]:
    """Convert every job in one LibreOffice process; one message when LibreOffice is absent."""
    if not jobs:
        return {}, []
    from .pdf import convert_forms
    from .soffice import find_soffice, missing_problem

    if find_soffice() is None:
        return {}, [missing_problem(output, "生成 PDF（--format pdf）")]
    result = convert_forms(jobs)
    return result.written, list(result.failed.values())


# -- the folder's own files -----------------------------------------------------------------


@dataclass
class FolderResult:
    folder: str  # posix path relative to the output folder; "." for the top
    written: dict[str, str] = field(default_factory=dict)  # file name → SHA-256
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True  # False: something is missing; try again next build
    kept: set[str] = field(default_factory=set)  # written files that already held their bytes


def _put(result: FolderResult, where: Path, name: str, data: bytes) -> None:
    """Write one of the folder's files (see package.put) and record it."""
    result.written[name], written = put_hashed(where / name, data)
    if not written:
        result.kept.add(name)


def write_folder(
    output: Path,
    folder: str,
    members: Sequence[Member],
    formats: Sequence[str],
    template: Template,
) -> FolderResult:
    """Write the folder's summary (always), index.html (html) and bundle (pdf)."""
    result = FolderResult(folder)
    where = output / folder
    rows = [row_for(m, template) for m in members]
    unit = unit_name(rows, "" if folder == "." else Path(folder).name)
    taken = {name for m in members for name in m.outputs}
    summary = file_name(unit)
    bundle = bundle_name(unit) if "pdf" in formats else ""
    for name in (summary, bundle, INDEX if "html" in formats else ""):
        if name and name in taken:
            result.problems.append(
                Problem(
                    str(where / name),
                    None,
                    None,
                    f"{name} 既是某份申报的输出文件，又是本文件夹的汇总文件，没有写入汇总",
                    "给那份申报文件改个名字",
                    code="E-OUTPUT-CLASH",
                )
            )
            result.complete = False
            return result
    try:
        title = summary.removesuffix(".xlsx")
        _put(result, where, summary, summary_bytes(title, rows, *SUMMARY_FONT))
        years = [r.year for r in rows if r.year is not None]
        year = max(years) if years else 1980
        if bundle:
            forms, missing = [], []
            for member, row in zip(members, rows, strict=True):
                pdfs = _form_files(member, "pdf")
                if not pdfs and not member.problems:
                    missing.append(member.source)
                name = Path(member.stem).name
                forms += [
                    (bookmark(row.name, name, p.removesuffix(".pdf")), where / p) for p in pdfs
                ]
            if missing:  # (when no form has one, the conversion's own message says why)
                result.complete = False
            if missing and forms:
                result.problems.append(
                    Problem(
                        str(where / bundle),
                        None,
                        None,
                        f"{'、'.join(map(str, missing))} 没有 PDF，合订本没有生成",
                        "解决上面 PDF 转换的问题后重新运行 formgen build --format pdf",
                        code="E-BUNDLE-INCOMPLETE",
                    )
                )
            elif forms:
                from .pdf import bundle_bytes

                _put(result, where, bundle, bundle_bytes(forms, bundle[:-4], year))
        if "html" in formats:
            from .html_writer import IndexEntry, IndexLink, index_bytes

            entries = []
            for m, row in zip(members, rows, strict=True):
                pages = _form_files(m, "html")
                first = pages[0] if pages and pages[0] == f"{Path(m.stem).name}.html" else None
                others = tuple(
                    IndexLink(_kind_title(Path(m.stem).name, p.removesuffix(".html")), p)
                    for p in pages
                    if p != first
                )
                # file names only: the page is the same however the build was called
                findings = tuple(
                    dataclasses.replace(f, file=Path(f.file).name) for f in row.findings
                )
                entries.append(IndexEntry(row.name, first, findings, others))
            links = [IndexLink(f"汇总表：{summary}", summary)]
            if bundle in result.written:
                links.append(IndexLink(f"打印合订本：{bundle}", bundle))
            _put(result, where, INDEX, index_bytes(f"{unit or '申报'}：表格预览", entries, links))
    except OutputError as exc:
        result.problems += exc.problems
        result.complete = False
    return result
