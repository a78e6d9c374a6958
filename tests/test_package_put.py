"""package.put: a file is never seen half written, whichever way it is written. A new file
is written unnamed and named when complete (Linux's O_TMPFILE and linkat); elsewhere, and
to replace a file, through a temporary file renamed into place."""

from __future__ import annotations

import errno
import os
import signal
import stat
from pathlib import Path

import pytest

from formgen import package
from formgen.errors import OutputError

UNNAMED = package._UNNAMED_FLAGS is not None


def _refuse(*args):
    raise AssertionError("this way of writing was not to be taken")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _put_new(folder: Path) -> None:
    """A new file put into an empty folder: written, with its bytes, and nothing else there."""
    assert package.put(folder / "表.docx", b"new bytes") is True
    assert (folder / "表.docx").read_bytes() == b"new bytes"
    assert _names(folder) == ["表.docx"]


@pytest.mark.skipif(not UNNAMED, reason="no unnamed files (O_TMPFILE) on this system")
def test_a_new_file_is_written_unnamed_and_named_whole(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(package, "_create_temporary", _refuse)
    _put_new(tmp_path)
    (tmp_path / "by_open").write_bytes(b"x")  # the mode any file created there gets
    assert stat.S_IMODE(os.stat(tmp_path / "表.docx").st_mode) == stat.S_IMODE(
        os.stat(tmp_path / "by_open").st_mode
    )


def test_a_new_file_that_fails_midway_leaves_nothing(tmp_path: Path, monkeypatch):
    def half_then_full_disk(fd, data):
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(package, "_write_all", half_then_full_disk)
    with pytest.raises(OutputError) as raised:
        package.put(tmp_path / "表.docx", b"new bytes" * 1000)
    assert "无法写入输出文件：No space left on device" in raised.value.problems[0].message
    assert _names(tmp_path) == []  # neither the form nor a temporary


def test_an_interrupted_new_file_leaves_nothing(tmp_path: Path, monkeypatch):
    def interrupted(fd, data):
        os.write(fd, data[:100])
        raise KeyboardInterrupt

    monkeypatch.setattr(package, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        package.put(tmp_path / "表.docx", b"new bytes" * 1000)
    assert _names(tmp_path) == []


def test_without_unnamed_files_a_new_file_goes_through_a_temporary(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(package, "_UNNAMED_FLAGS", None)
    monkeypatch.setattr(package, "_create_unnamed", _refuse)
    _put_new(tmp_path)


@pytest.mark.skipif(not UNNAMED, reason="no unnamed files (O_TMPFILE) on this system")
def test_a_file_system_without_unnamed_files_falls_back(tmp_path: Path, monkeypatch):
    real_open = os.open

    def no_tmpfile(path, flags, *args, **kwargs):
        if flags & os.O_TMPFILE == os.O_TMPFILE:
            raise OSError(errno.EOPNOTSUPP, "Operation not supported")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_tmpfile)
    _put_new(tmp_path)


@pytest.mark.skipif(not UNNAMED, reason="no unnamed files (O_TMPFILE) on this system")
def test_a_name_taken_meanwhile_is_replaced_with_the_new_bytes(tmp_path: Path, monkeypatch):
    """Another program creates the file between the check and the naming: the link is
    refused, and the bytes replace that file through a temporary, as any change does."""
    target = tmp_path / "表.docx"
    real_link = os.link

    def taken(src, dst, **kwargs):
        target.write_bytes(b"someone else's")
        return real_link(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", taken)
    assert package.put(target, b"new bytes") is True
    assert target.read_bytes() == b"new bytes"
    assert _names(tmp_path) == ["表.docx"]


def test_a_changed_file_is_replaced_through_a_temporary(tmp_path: Path, monkeypatch):
    target = tmp_path / "表.docx"
    target.write_bytes(b"old bytes")
    monkeypatch.setattr(package, "_create_unnamed", _refuse)
    assert package.put(target, b"new bytes") is True
    assert target.read_bytes() == b"new bytes"
    assert package.put(target, b"new bytes") is False  # the same bytes: left as it is
    assert _names(tmp_path) == ["表.docx"]


@pytest.mark.parametrize("unnamed", [True, False])
def test_missing_folders_are_made(tmp_path: Path, monkeypatch, unnamed: bool):
    if not unnamed:
        monkeypatch.setattr(package, "_UNNAMED_FLAGS", None)
    target = tmp_path / "单位" / "子文件夹" / "表.docx"
    assert package.put(target, b"new bytes") is True
    assert target.read_bytes() == b"new bytes"
    assert _names(target.parent) == ["表.docx"]


@pytest.mark.parametrize("unnamed", [True, False])
def test_every_byte_is_written_when_the_system_takes_a_few_at_a_time(
    tmp_path: Path, monkeypatch, unnamed: bool
):
    if not unnamed:
        monkeypatch.setattr(package, "_UNNAMED_FLAGS", None)
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    data = bytes(range(256)) * 40
    for target in (tmp_path / "new.docx", tmp_path / "changed.docx"):
        if target.name == "changed.docx":
            target.write_bytes(b"old")
        assert package.put(target, data) is True
        assert target.read_bytes() == data


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="signals cannot be held here")
def test_ctrl_c_while_a_file_is_replaced_waits_until_it_is_in_place(tmp_path: Path, monkeypatch):
    """Ctrl-C while the temporary file exists is taken once it is renamed into place: the
    file is whole, with the new bytes, and no temporary is left."""
    target = tmp_path / "表.docx"
    target.write_bytes(b"old bytes")
    real_write_all = package._write_all

    def write_then_ctrl_c(fd, data):
        real_write_all(fd, data)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(package, "_write_all", write_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        package.put(target, b"new bytes")
    assert target.read_bytes() == b"new bytes"
    assert _names(tmp_path) == ["表.docx"]
