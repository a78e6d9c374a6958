"""The command's way out: `formgen` (console script, `python -m formgen`) exits without the
interpreter's teardown. What it printed must all arrive, and its exit status must be the
one the command chose."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DECLARATIONS, ROOT, formgen, invoke

# Output larger than a pipe's buffer (64 KB on Linux), so that the command blocks on the
# pipe while it prints. (click.echo flushes each line; run() flushes again before it exits,
# for any output written otherwise. Either way, none may be missing.)
# Each copy of this bundled declaration gives one warning of ~420 bytes (a 二级指标 that is
# not the standard name): 240 copies print ~100 KB.
WARNED = "网络内容建设工作经费及网络综合治理"
COPIES = 240


def _many_declarations(tmp_path: Path) -> Path:
    folder = tmp_path / "declarations"
    folder.mkdir()
    text = (DECLARATIONS / f"{WARNED}.yaml").read_text(encoding="utf-8")
    for i in range(COPIES):
        (folder / f"{WARNED}_{i:03d}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_all_of_a_long_output_arrives_through_a_pipe(tmp_path: Path):
    _many_declarations(tmp_path)
    run = formgen("check", "declarations", cwd=tmp_path)
    inside = invoke("check", "declarations", cwd=tmp_path)
    assert len(run.stdout.encode("utf-8")) > 64 * 1024  # more than a pipe holds
    assert run.stdout == inside.stdout
    assert run.stdout.count(" W-INDICATOR-L2 ") == COPIES
    assert run.stdout.splitlines()[-1] == f"检查了 {COPIES} 份申报：0 个错误，{COPIES} 个警告。"
    assert run.returncode == inside.exit_code == 0


def test_the_exit_status_is_the_commands(tmp_path: Path):
    usage = formgen("build", "没有这个文件夹", cwd=tmp_path)
    assert usage.returncode == 2 and "没有这个文件夹" in usage.stderr
    (tmp_path / "declarations").mkdir()
    (tmp_path / "declarations" / "坏.yaml").write_text("项目名称：缺空格\n", encoding="utf-8")
    failed = formgen("build", "declarations", cwd=tmp_path)
    assert failed.returncode == 1
    assert "未生成" in failed.stderr and "失败 1 份" in failed.stdout
    assert formgen("--version", cwd=tmp_path).returncode == 0


def test_the_command_skips_the_teardown_and_main_does_not(tmp_path: Path):
    """An exit handler shows whether the interpreter was torn down: the console script's
    run() leaves it out; main(), for callers that catch SystemExit, keeps Python's exit."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown', flush=True))\n"
        "from formgen import cli\n"
        "sys.argv = ['formgen', '--version']\n"
        "cli.{}()\n"
    )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    # after worker processes (-j 2 and more) run() keeps Python's exit: its handlers see
    # that the workers are gone
    pooled = "import concurrent.futures.process\n" + code.format("run")
    for program, torn_down in (
        (code.format("run"), False),
        (code.format("main"), True),
        (pooled, True),
    ):
        done = subprocess.run(
            [sys.executable, "-c", program],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 0 and "formgen" in done.stdout
        assert ("teardown" in done.stdout) is torn_down, program


def test_the_console_script_is_run():
    """The `formgen` script pip installs calls run(), as `python -m formgen` does."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '\n[project.scripts]\nformgen = "formgen.cli:run"\n' in pyproject
    assert (
        (ROOT / "src" / "formgen" / "__main__.py").read_text(encoding="utf-8").endswith("run()\n")
    )
    script = shutil.which("formgen", path=os.path.dirname(sys.executable))
    if script is None:
        pytest.skip("no `formgen` script beside this Python: formgen is not installed with pip")
    text = Path(script).read_text(encoding="utf-8", errors="replace")
    if "from formgen.cli import main" in text:
        pytest.skip("the installed `formgen` script predates run(): pip install -e . again")
    assert "from formgen.cli import run" in text
