"""A build interrupted after writing some outputs and before recording them (Ctrl-C, a
closed terminal): the next build must take those files for formgen's own, not for files
edited by hand, and must still refuse to overwrite a file that really was edited."""

from __future__ import annotations

from pathlib import Path

import pytest

from formgen import build as build_module
from formgen.build import build
from gridio import read_xlsx

FORM = "宿州发布运营经费"


def _change_every_form(project: Path) -> None:
    """Every declaration's 项目期 changes (a text every form shows)."""
    for path in (project / "declarations").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        changed = text.replace("\n项目期: ", "\n项目期: 改为", 1)
        assert changed != text, path
        path.write_text(changed, encoding="utf-8")


def _interrupt(monkeypatch, after_files: int | None = None) -> None:
    """Ctrl-C after `after_files` outputs are written, or (None) once every form's are,
    before the build writes the unit summary and records them."""
    if after_files is None:

        def stop(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(build_module, "_unit_folders", stop)
        return
    real = build_module.put_hashed
    count = iter(range(after_files))

    def put_then_stop(target, data):
        if next(count, None) is None:
            raise KeyboardInterrupt
        return real(target, data)

    monkeypatch.setattr(build_module, "put_hashed", put_then_stop)


@pytest.mark.parametrize("after_files", [None, 1, 5])
def test_outputs_of_an_interrupted_build_are_taken_for_formgens_own(
    project: Path, monkeypatch, after_files: int | None
):
    out = project / "output"
    assert all(r.ok for r in build([project / "declarations"], out).results)
    _change_every_form(project)
    with monkeypatch.context() as m:
        _interrupt(m, after_files)
        with pytest.raises(KeyboardInterrupt):
            build([project / "declarations"], out, jobs=1)
    report = build([project / "declarations"], out, jobs=1)
    codes = [p.code for r in report.results for p in r.problems] + [p.code for p in report.problems]
    assert "E-OUTPUT-EDITED" not in codes and "W-OUTPUT-OLD" not in codes
    assert all(r.ok for r in report.results)
    assert read_xlsx(out / f"{FORM}.xlsx")["G5:H5"] == "改为2022年度"
    again = build([project / "declarations"], out, jobs=1)  # and now it is all recorded
    assert not again.built and len(again.skipped) == len(again.results)


def test_a_file_edited_after_an_interrupted_build_is_still_refused(project: Path, monkeypatch):
    out = project / "output"
    build([project / "declarations"], out)
    _change_every_form(project)
    with monkeypatch.context() as m:
        _interrupt(m, None)
        with pytest.raises(KeyboardInterrupt):
            build([project / "declarations"], out, jobs=1)
    target = out / f"{FORM}.docx"
    target.write_bytes(target.read_bytes() + b"edited by hand")
    report = build([project / "declarations"], out, jobs=1)
    (refused,) = report.failed
    assert refused.stem == FORM
    assert [p.code for p in refused.problems] == ["E-OUTPUT-EDITED"]
    assert target.read_bytes().endswith(b"edited by hand")  # not overwritten
