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
    """Ctrl-C after `after_files` + 1 outputs are written, or (None) once every form's are,
    before the build writes the unit summary and records them."""
    if after_files is None:

        def stop(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(build_module, "_unit_folders", stop)
        return
    real = build_module.put_hashed
    count = iter(range(after_files))

    def put_then_stop(target, data):
        result = real(target, data)
        if next(count, None) is None:  # as a signal lands: just after a file is written
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(build_module, "put_hashed", put_then_stop)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("edited_again", [False, True])
@pytest.mark.parametrize("after_files", [None, 1, 5])
def test_outputs_of_an_interrupted_build_are_taken_for_formgens_own(
    project: Path, monkeypatch, after_files: int | None, edited_again: bool, jobs: int
):
    """Also when the declarations change again before the next build: what the
    interrupted build wrote is then neither what was recorded before nor what the next
    build makes, and only the record made as it stopped tells it from an edited file."""
    out = project / "output"
    assert all(r.ok for r in build([project / "declarations"], out).results)
    _change_every_form(project)
    with monkeypatch.context() as m:
        _interrupt(m, after_files)
        with pytest.raises(KeyboardInterrupt):  # with 2 jobs, in a worker (each counts)
            build([project / "declarations"], out, jobs=jobs)
    if edited_again:
        for path in (project / "declarations").glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("\n项目期: 改为", "\n项目期: "), encoding="utf-8")
    report = build([project / "declarations"], out, jobs=1)
    codes = [p.code for r in report.results for p in r.problems] + [p.code for p in report.problems]
    assert "E-OUTPUT-EDITED" not in codes and "W-OUTPUT-OLD" not in codes
    assert all(r.ok for r in report.results)
    shown = "2022年度" if edited_again else "改为2022年度"
    assert read_xlsx(out / f"{FORM}.xlsx")["G5:H5"] == shown
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


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("whole_group", [False, True])
def test_ctrl_c_says_what_is_left_and_the_next_build_finishes(
    tmp_path: Path, jobs: str, whole_group: bool
):
    """The command interrupted (SIGINT, as Ctrl-C sends: a terminal sends it to every
    process of the command, `kill -INT` to the command alone) partway through 300 forms:
    exit status 130, a Chinese note of what was done and what to do, no traceback, no
    file half written, no process left; the same command again finishes the rest."""
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "declarations"
    folder.mkdir()
    text = (Path(__file__).parent.parent / "declarations" / f"{FORM}.yaml").read_text(
        encoding="utf-8"
    )
    for i in range(300):
        (folder / f"项目{i:03d}.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "output"
    command = [sys.executable, "-m", "formgen", "build", "declarations", "-j", jobs, "-q"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    run = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )
    deadline = time.monotonic() + 60
    while (not out.is_dir() or len(os.listdir(out)) < 20) and time.monotonic() < deadline:
        time.sleep(0.01)
    if whole_group:
        os.killpg(run.pid, signal.SIGINT)
    else:
        run.send_signal(signal.SIGINT)
    stdout, stderr = run.communicate(timeout=60)
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(run.pid, 0)
    if run.returncode == 0:
        pytest.skip("the build finished before it could be interrupted")
    assert run.returncode == 130, stderr
    assert "已中断：" in stderr and "再运行一次同样的命令即可接着生成" in stderr
    assert ("已处理完" in stderr) is (jobs == "1")
    assert "Traceback" not in stderr
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "被改动过" not in again.stderr
    assert again.returncode == 0, again.stderr
    assert len(list(out.glob("项目*.docx"))) == len(list(out.glob("项目*.xlsx"))) == 300
