"""Print-ready PDFs: each form's .docx through LibreOffice, and one bundle per unit folder.

LibreOffice draws the pages (the forms' own fonts, widths and footers); pypdf
only copies them. LibreOffice stamps every PDF with the clock (/CreationDate)
and a random /ID, so each converted file is rewritten by pypdf with the form's
document time (package.document_time: SOURCE_DATE_EPOCH, else 1 January of the
declaration's year) and without the /ID. The same LibreOffice and fonts then give
the same bytes; another LibreOffice version or other fonts give other pages.
"""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .package import document_time, write_atomic
from .soffice import TIMEOUT_SECONDS, convert


@dataclass(frozen=True)
class PdfJob:
    """One form to convert: its .docx, the PDF to write, and its document properties."""

    source: Path
    target: Path
    title: str
    year: int


@dataclass
class PdfResult:
    written: dict[Path, str] = field(default_factory=dict)  # target → SHA-256
    failed: dict[Path, Problem] = field(default_factory=dict)  # target → why not


def pdf_date(year: int) -> str:
    """document_time as a PDF date string (ISO 32000 7.9.4)."""
    moment = datetime.datetime.strptime(document_time(year), "%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _metadata(writer, title: str, year: int, producer: str) -> None:
    stamp = pdf_date(year)
    writer.metadata = {
        "/Title": title,
        "/Creator": "formgen",
        "/Producer": producer,
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }


def _bytes(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def normalised(data: bytes, title: str, year: int) -> bytes:
    """The converter's PDF, its pages copied as they are, with fixed dates and no /ID."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    metadata = reader.metadata
    producer = str(metadata.get("/Producer", "LibreOffice")) if metadata else "LibreOffice"
    writer = PdfWriter()
    writer.append(reader, import_outline=False)
    _metadata(writer, title, year, f"{producer}; pypdf")
    return _bytes(writer)


def convert_forms(
    jobs: Sequence[PdfJob], *, timeout: float = TIMEOUT_SECONDS, soffice: str | None = None
) -> PdfResult:
    """Convert every job's .docx in one LibreOffice process; write the normalised PDFs.

    The files are copied under numbered names first: LibreOffice writes
    `<stem>.pdf` into one folder, and two unit folders may hold the same stem."""
    result = PdfResult()
    if not jobs:
        return result
    with tempfile.TemporaryDirectory(prefix="formgen-pdf-") as tmp:
        inbox, outbox = Path(tmp) / "in", Path(tmp) / "out"
        inbox.mkdir()
        copies = {}
        for i, job in enumerate(jobs):
            copy = inbox / f"{i:05d}{job.source.suffix}"
            shutil.copyfile(job.source, copy)
            copies[copy] = job
        conversion = convert(list(copies), "pdf", outbox, timeout=timeout, soffice=soffice)
        for copy, job in copies.items():
            if copy in conversion.failed:
                why = conversion.failed[copy]
                result.failed[job.target] = Problem(
                    str(job.source), None, None, why.message, why.hint
                )
                continue
            data = normalised(conversion.converted[copy].read_bytes(), job.title, job.year)
            result.written[job.target] = write_atomic(job.target, data)
    return result


def page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def write_bundle(path: Path, forms: Sequence[tuple[str, Path]], title: str, year: int) -> str:
    """One PDF of the forms' PDFs in the order given, a bookmark per form named `name`.

    The pages are copied unchanged, so each form keeps its own footer and page numbers.
    Return the file's SHA-256."""
    return write_atomic(path, bundle_bytes(forms, title, year))


def bundle_bytes(forms: Sequence[tuple[str, Path]], title: str, year: int) -> bytes:
    """The bundle's PDF (see write_bundle)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for name, pdf in forms:
        writer.append(PdfReader(pdf), outline_item=name, import_outline=False)
    writer.page_mode = "/UseOutlines"  # readers open with the bookmarks shown
    _metadata(writer, title, year, "formgen; pypdf")
    return _bytes(writer)
