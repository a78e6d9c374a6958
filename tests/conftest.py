from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run the same cases every time by default, so that CI is deterministic;
# HYPOTHESIS_PROFILE=explore draws new cases each run (for a developer hunting bugs).
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
DECLARATIONS = ROOT / "declarations"
EXPECTED = Path(__file__).resolve().parent / "expected"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """All bundled declarations built once, through the command line's own code path."""
    from formgen.build import build

    out = tmp_path_factory.mktemp("output")
    results = build([DECLARATIONS], out).results
    assert results and all(r.ok for r in results), [p.format() for r in results for p in r.problems]
    return out


@pytest.fixture()
def project(tmp_path) -> Path:
    """A scratch project folder with a copy of the bundled declarations."""
    shutil.copytree(DECLARATIONS, tmp_path / "declarations")
    return tmp_path


def formgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The `formgen` command run as a user runs it: a new process, in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "formgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def invoke(*args: str, cwd: Path):
    """The `formgen` command run in this process (click's runner), from `cwd`."""
    from click.testing import CliRunner

    from formgen.cli import cli

    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
