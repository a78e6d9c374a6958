"""OOXML packages as deterministic zip files, written atomically.

Both writers hand over (part name, bytes) pairs; this module owns the container:
a fixed entry time and order (same declaration → same bytes) and a temporary
file renamed into place (a failed build never leaves a half-written file).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import itertools
import os
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, Problem

# The zip format cannot store times before 1980; a fixed time keeps builds reproducible.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


CORE_PART = "docProps/core.xml"
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
WORKSHEET_REL = OFFICE_REL + "worksheet"


# A part's content: text, bytes, or text in pieces (deflated as they come, see member)
PartData = str | bytes | Iterable[str]


@dataclass(frozen=True)
class Part:
    """A package part that carries its own content type and its relationship from the main part,
    so that [Content_Types].xml and the main part's relationships are derived, never listed twice."""

    name: str  # e.g. "word/styles.xml"
    data: PartData
    content_type: str
    rel: str = ""  # relationship type from the main part; "" for the main part itself
    static: bool = False  # the same for many forms: compressed once per process

    @property
    def target(self) -> str:
        """The part's name relative to the main part's folder."""
        return self.name.split("/", 1)[1]


def _rel_order(part: Part) -> int:
    # Sheets first: the workbook refers to sheet i as rId{i}.
    return 0 if part.rel == WORKSHEET_REL else 1


def content_types(main: Part, parts: list[Part]) -> str:
    """[Content_Types].xml: the shared defaults, then each part's own type, core properties last."""
    overrides = [(main.name, main.content_type)]
    overrides += [(p.name, p.content_type) for p in sorted(parts, key=_rel_order)]
    overrides.append((CORE_PART, CORE_TYPE))
    return (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides
        )
        + "</Types>"
    )


def relationships(targets: list[tuple[str, str]]) -> str:
    """A .rels part: (relationship type, target) in order, numbered rId1, rId2, …"""
    return (
        XML_HEAD
        + f'<Relationships xmlns="{RELS_NS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
            for i, (kind, target) in enumerate(targets, start=1)
        )
        + "</Relationships>"
    )


def root_relationships(main_part: str) -> str:
    return relationships(
        [
            (OFFICE_REL + "officeDocument", main_part),
            (
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                CORE_PART,
            ),
        ]
    )


def package_members(
    main: Part, parts: list[Part], title: str, year: int
) -> list[Member | tuple[str, PartData]]:
    """Zip members in a fixed order: content types, root relationships, core properties,
    the main part, its relationships, then the other parts in the order given."""
    types, root_rels, main_rels = _frame(
        main.name, main.content_type, tuple((p.name, p.content_type, p.rel) for p in parts)
    )
    members: list[Member | tuple[str, PartData]] = [
        types,
        root_rels,
        # the same for a form's .docx and .xlsx: compressed once for both
        static_member(CORE_PART, core_properties(title, year)),
        (main.name, main.data),
        main_rels,
    ]
    members += [_entry(p) for p in parts]
    return members


def _entry(part: Part) -> Member | tuple[str, PartData]:
    if part.static and isinstance(part.data, (str, bytes)):  # static parts are never pieces
        return static_member(part.name, part.data)
    return (part.name, part.data)


@functools.lru_cache(maxsize=64)
def _frame(
    main_name: str, main_type: str, parts: tuple[tuple[str, str, str], ...]
) -> tuple[Member, Member, Member]:
    """The content types, root relationships and main part's relationships of a package
    with these parts (name, content type, relationship). Cached: every form of a kind
    has the same parts."""
    main = Part(main_name, "", main_type)
    others = [Part(name, "", kind, rel) for name, kind, rel in parts]
    folder, name = main_name.split("/", 1)
    rels = relationships([(p.rel, p.target) for p in sorted(others, key=_rel_order)])
    return (
        static_member("[Content_Types].xml", content_types(main, others)),
        static_member("_rels/.rels", root_relationships(main_name)),
        static_member(f"{folder}/_rels/{name}.rels", rels),
    )


# Cell XML is cached by text in both writers: labels and common values recur in every
# form. Longer texts (goals, descriptions) are a form's own: caching them would only take
# memory and push the others out.
CACHED_TEXT = 50  # characters


def escape(text: str) -> str:
    """Escape text for XML element content and attribute values."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


@dataclass(frozen=True)
class Member:
    """One zip entry, already deflated, with its headers but for its offset in the archive:
    static parts are compressed and framed once per process."""

    local_header: bytes  # the local file header, its name included
    central_header: bytes  # the central directory entry up to its offset field
    name: bytes
    data: bytes  # raw deflate stream


_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # ZIP_TIME as a DOS date; the DOS time is 0


def member(name: str, data: PartData) -> Member:
    if isinstance(data, (str, bytes)):
        raw = data.encode("utf-8") if isinstance(data, str) else data
        deflated = zlib.compress(raw, 6, wbits=-15)  # raw deflate, as zip stores it
        crc, size = zlib.crc32(raw), len(raw)
    else:
        deflated, crc, size = _deflate_pieces(data)
    encoded = name.encode("ascii")
    # What both headers say, from the flags to the extra field's length: no flags,
    # deflate, ZIP_TIME, the CRC and sizes, the name's length, no extra field.
    shared = struct.pack(
        "<HHHHIIIHH", 0, 8, 0, _DOS_DATE, crc, len(deflated), size, len(encoded), 0
    )
    local = struct.pack("<IH", 0x04034B50, 20) + shared  # needs version 2.0
    # made by and needs 2.0; after the shared fields: no comment, disk 0, no attributes
    central = struct.pack("<IHH", 0x02014B50, 20, 20) + shared + struct.pack("<HHHI", 0, 0, 0, 0)
    return Member(local + encoded, central, encoded, deflated)


def _deflate_pieces(pieces: Iterable[str]) -> tuple[bytes, int, int]:
    """The raw deflate, CRC and size of the UTF-8 of the pieces one after another: the same
    bytes as zlib.compress of them whole (deflate's output does not depend on how its input
    is handed to it), without ever holding the whole text or its bytes."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    out: list[bytes] = []
    crc = size = 0
    for piece in pieces:
        raw = piece.encode("utf-8")
        crc = zlib.crc32(raw, crc)
        size += len(raw)
        out.append(compressor.compress(raw))
    out.append(compressor.flush())
    return b"".join(out), crc, size


@functools.lru_cache(maxsize=256)
def static_member(name: str, data: str | bytes) -> Member:
    """A part that is the same in many packages (content types, styles, rels; a form's
    core properties, in both its .docx and its .xlsx)."""
    return member(name, data)


def zip_bytes(parts: Sequence[Member | tuple[str, PartData]]) -> bytes:
    """A zip archive of the parts, in order, with fixed times: the same parts give the same bytes.

    Written by hand rather than with zipfile: for a handful of small parts its
    per-member cost was half of a form's writing time, and it cannot reuse
    compressed static parts.
    """
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for part in parts:
        m = part if isinstance(part, Member) else member(*part)
        central += (m.central_header, struct.pack("<I", offset), m.name)
        out += (m.local_header, m.data)
        offset += len(m.local_header) + len(m.data)
    directory = b"".join(central)
    count = len(parts)
    out += (
        directory,
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), offset, 0),
    )
    return b"".join(out)


def _write_all(fd: int, data: bytes) -> None:
    """All the bytes, however many each write() takes, straight to the descriptor: a file
    object would ask the system three more things per file (fstat, isatty, lseek)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


# Files are compared as bytes, also on Windows, where os.open defaults to text mode.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def holds(path: Path, data: bytes) -> bool | None:
    """Does the file at `path` already hold exactly these bytes? None when there is no
    file there. Its size first (a file of another size is not read); then one read of
    one byte more than `data`: a file that grew in between compares unequal. (A short
    read would too: the file is then written again, with the same bytes.)"""
    try:
        if os.stat(path).st_size != len(data):
            return False
        fd = os.open(path, _READ_FLAGS)
        try:
            return os.read(fd, len(data) + 1) == data
        finally:
            os.close(fd)
    except FileNotFoundError:
        return None
    except OSError:
        return False


# A new file, never one that exists (nor a link to one), closed in child processes.
_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOINHERIT", 0)  # Windows' O_CLOEXEC, as mkstemp opened it
)
_temporaries = itertools.count()


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new file beside `path`, named after it, this process and a counter, so that two
    builds never share one. Created with the permissions open() gives (0666 less the
    umask): what a user's other files get, which mkstemp's 0600 would not, without a chmod.
    A name left by a process that was killed is skipped, never reused."""
    for _ in range(1000):
        name = os.path.join(path.parent, f".{path.name}.{os.getpid()}.{next(_temporaries)}.tmp")
        try:
            return os.open(name, _CREATE_FLAGS, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "临时文件名均已被占用", str(path.parent))


def write_atomic(path: str | Path, data: bytes) -> str:
    """Write bytes to `path` completely or not at all (see put); return their SHA-256."""
    return put_hashed(path, data)[0]


def put_hashed(path: str | Path, data: bytes) -> tuple[str, bool]:
    """put(), and the bytes' SHA-256: what the build manifest records of each file it
    writes, with whether the file was written (False: it already held these bytes)."""
    return hashlib.sha256(data).hexdigest(), put(path, data)


def put(path: str | Path, data: bytes) -> bool:
    """Write bytes to `path` so that it is never seen half written; False when the file
    already held exactly these bytes and was left as it is.

    Left as it is, its time stamp too: a rebuild (`--force` included) does not touch
    what did not change, so file sync and backup tools see no change, and creating a
    file costs more than reading one. A new file is written unnamed and then named
    (_link_new) where the system can; otherwise, and to replace a file, it is written
    to a temporary file beside `path` and renamed into place. The folder is made when
    it is missing."""
    path = Path(path)
    held = holds(path, data)
    if held:
        return False
    try:
        try:
            _write(path, data, held is None)
        except FileNotFoundError:  # no folder yet (or it went meanwhile): make it, again
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(path, data, held is None)
        return True
    except OSError as exc:
        raise OutputError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"无法写入输出文件：{exc.strerror or exc}",
                    "检查输出文件夹是否可写、磁盘是否已满、文件是否正被 Word/Excel 打开",
                )
            ]
        ) from None


def _write(path: Path, data: bytes, new: bool) -> None:
    """A `new` file unnamed and then named, where the system can; any other through a
    temporary file renamed over it."""
    if new and _link_new(path, data):
        return
    with _ctrl_c_held():
        fd, tmp_name = _create_temporary(path)
        try:
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp_name, path)
        except BaseException:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
            raise


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) or a SIGTERM (a build stopping its workers) back while a
    temporary file exists, and take it once the file is renamed into place, a fraction
    of a millisecond later: raised between creating the temporary and the `try` that
    removes it, it would leave the temporary behind. Where signals cannot be held
    (Windows, a thread other than the main one), nothing is done."""
    import signal  # here: only a file replaced needs them, and they take start-up time
    import threading

    hold = getattr(signal, "pthread_sigmask", None)
    if hold is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = hold(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        hold(signal.SIG_SETMASK, before)


# Linux's unnamed files (open(2), O_TMPFILE): none on Windows and macOS.
_UNNAMED_FLAGS = (
    os.O_TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) if hasattr(os, "O_TMPFILE") else None
)
# What open() says where a file system or kernel has no unnamed files.
_NO_UNNAMED = frozenset((errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL))


def _create_unnamed(folder: int) -> int | None:
    """A new unnamed file in the folder (open by its descriptor), with the permissions
    open() gives; None where the file system has no unnamed files."""
    assert _UNNAMED_FLAGS is not None
    try:
        return os.open(".", _UNNAMED_FLAGS, 0o666, dir_fd=folder)
    except OSError as exc:
        if exc.errno in _NO_UNNAMED:
            return None
        raise


def _link_new(path: Path, data: bytes) -> bool:
    """Write a new file as an unnamed file in its folder, and give it its name once it is
    complete (linkat(2) of /proc/self/fd/N, as open(2) describes): it appears whole or
    not at all, as a renamed temporary does, and a build killed midway leaves nothing
    behind. Without a temporary's name and rename, 400 new files took 22 ms instead of
    40 (ext4). False, leaving nothing, where there are no unnamed files or no /proc,
    or if a file took the name meanwhile: the caller then writes through a temporary."""
    if _UNNAMED_FLAGS is None:
        return False
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fd = _create_unnamed(folder)
        if fd is None:
            return False
        try:
            _write_all(fd, data)
            # a directory descriptor for the name makes Python call linkat(), which
            # follows the /proc link to the file (link() would not)
            os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=folder)
        except (FileExistsError, FileNotFoundError):  # a name taken meanwhile; no /proc
            return False
        finally:
            os.close(fd)
    finally:
        os.close(folder)
    return True


def document_time(year: int) -> str:
    """Created/modified time: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else 1 January
    of the declaration's year; never the clock, so the same declaration gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        import datetime

        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{year:04d}-01-01T00:00:00Z"


def core_properties(title: str, year: int) -> str:
    """docProps/core.xml; see document_time."""
    stamp = document_time(year)
    return (
        XML_HEAD
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>formgen</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
