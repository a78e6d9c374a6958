"""Units, reproducible bytes, incremental and parallel builds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DECLARATIONS
from formgen.build import MANIFEST, build
from formgen.errors import DeclarationError
from formgen.loader import load
from gridio import read_xlsx

UNIT = "年度: 2022\n实施单位: 共享的实施单位\n主管部门: 共享的主管部门（100001）\n标签:\n  项目期: 项目日期\n"


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture()
def unit_project(project: Path) -> Path:
    """declarations/ with two forms in a unit folder that shares 实施单位 and more."""
    unit = project / "declarations" / "某单位"
    unit.mkdir()
    for name in ("劳务派遣人员经费", "宿州发布运营经费"):
        text = (project / "declarations" / f"{name}.yaml").read_text(encoding="utf-8")
        text = text.replace("实施单位: 中共宿州市委网络安全和信息化委员会办公室\n", "").replace(
            "年度: 2022\n", ""
        )
        (unit / f"{name}.yaml").write_text(text, encoding="utf-8")
        (project / "declarations" / f"{name}.yaml").unlink()
    (unit / "_unit.yaml").write_text(UNIT, encoding="utf-8")
    return project


# -- units -------------------------------------------------------------------------


def test_unit_file_gives_shared_fields_and_own_values_win(unit_project: Path):
    decls = unit_project / "declarations" / "某单位"
    decl = load(decls / "劳务派遣人员经费.yaml")
    assert (decl.unit, decl.department, decl.year, decl.labels) == (
        "共享的实施单位",
        "共享的主管部门（100001）",
        2022,
        {"项目期": "项目日期"},
    )
    (decls / "宿州发布运营经费.yaml").write_text(
        "实施单位: 自己的单位\n标签:\n  项目名称: 名称\n"
        + (decls / "宿州发布运营经费.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    decl = load(decls / "宿州发布运营经费.yaml")
    assert decl.unit == "自己的单位" and decl.labels == {"项目名称": "名称", "项目期": "项目日期"}
    report = build([unit_project / "declarations" / "某单位"], unit_project / "output")
    assert [r.stem for r in report.built] == ["某单位/劳务派遣人员经费", "某单位/宿州发布运营经费"]
    grid = read_xlsx(unit_project / "output" / "某单位" / "劳务派遣人员经费.xlsx")
    assert (
        grid["A4:B4"] == "主管部门及代码"
        and grid["G4:H4"] == "共享的实施单位"
        and grid["F5"] == "项目日期"
    )


def test_errors_in_the_unit_file_point_at_it(unit_project: Path):
    unit = unit_project / "declarations" / "某单位" / "_unit.yaml"
    unit.write_text("年度: 2022\n实施单位: 甲\n项目名称: 不能共享\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load(unit.parent / "劳务派遣人员经费.yaml")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(unit), 3, 1)
    unit.write_text("年度: 二〇二二\n实施单位: 甲\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load(unit.parent / "劳务派遣人员经费.yaml")
    assert [(p.file, p.line, p.column) for p in info.value.problems] == [(str(unit), 1, 5)]


def test_rule_findings_on_unit_fields_name_the_unit_file(unit_project: Path):
    from formgen.rules import check_declaration

    unit = unit_project / "declarations" / "某单位" / "_unit.yaml"
    unit.write_text(UNIT.replace("年度: 2022", "年度: 2030"), encoding="utf-8")
    findings = [
        p
        for p in check_declaration(load(unit.parent / "劳务派遣人员经费.yaml"))
        if p.rule == "E-YEAR-SPAN"
    ]
    assert [(p.file, p.line, p.column) for p in findings] == [(str(unit), 1, 5)]


# -- reproducible -------------------------------------------------------------------------


def _build_in_subprocess(project: Path, out: str, tz: str, moment: str, jobs: int = 1) -> None:
    """Build under another time zone and a clock really set to `moment` by libfaketime
    (the whole process sees it: time, datetime, file times); the child prints the year it
    sees, so a clock that did not move fails the test instead of passing silently."""
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip(
            "faketime (Debian package faketime) is not installed: the clock cannot be moved"
        )
    code = (
        "import datetime, sys\n"
        "print(datetime.datetime.now().year, flush=True)\n"
        "from formgen.cli import main\n"
        f"sys.argv = ['formgen', 'build', '-o', '{out}', '-j', '{jobs}', '-q']\n"
        "main()\n"
    )
    # worker pools wait on the monotonic clock: moving it too would hang them
    env = {**os.environ, "TZ": tz, "DONT_FAKE_MONOTONIC": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    run = subprocess.run(
        [faketime, "-f", moment, sys.executable, "-c", code],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == moment[:4], f"the clock did not move: {run.stdout!r}"


def test_byte_identical_whatever_the_clock_time_zone_and_order(unit_project: Path):
    _build_in_subprocess(unit_project, "a", "UTC", "2001-09-09 01:46:40")
    _build_in_subprocess(unit_project, "b", "Asia/Shanghai", "2033-05-18 03:33:20", jobs=2)
    first, second = outputs(unit_project / "a"), outputs(unit_project / "b")
    assert len(first) == 14 and first == second  # 6 forms × 2, a summary per unit folder
    # building one form on its own gives the same bytes as building it among all
    build([unit_project / "declarations" / "某单位" / "宿州发布运营经费.yaml"], unit_project / "c")
    assert (unit_project / "c" / "某单位" / "宿州发布运营经费.docx").read_bytes() == first[
        "某单位/宿州发布运营经费.docx"
    ]


def test_source_date_epoch_sets_document_times(tmp_path: Path, monkeypatch):
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build([DECLARATIONS / "劳务派遣人员经费.yaml"], tmp_path, ("docx",))
    core = zipfile.ZipFile(tmp_path / "劳务派遣人员经费.docx").read("docProps/core.xml").decode()
    assert "2023-11-14T22:13:20Z" in core
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build([DECLARATIONS / "劳务派遣人员经费.yaml"], tmp_path, ("docx",))
    core = zipfile.ZipFile(tmp_path / "劳务派遣人员经费.docx").read("docProps/core.xml").decode()
    assert "2022-01-01T00:00:00Z" in core  # changed environment → rebuilt, not skipped


# -- incremental -----------------------------------------------------------------------------


def test_noop_rebuild_builds_nothing(project: Path):
    out = project / "output"
    assert len(build([project / "declarations"], out).built) == 6
    before = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    report = build([project / "declarations"], out)
    assert (len(report.built), len(report.skipped), len(report.failed)) == (0, 6, 0)
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert len(build([project / "declarations"], out, force=True).built) == 6


def test_force_rewrites_only_the_files_whose_bytes_change(project: Path):
    """--force rebuilds every form, but a file that would get the same bytes keeps its
    time stamp; one that differs (here: damaged by hand) is written again."""
    out = project / "output"
    build([project / "declarations"], out)
    damaged = out / "劳务派遣人员经费.xlsx"
    good = damaged.read_bytes()
    damaged.write_bytes(good[:-10])
    os.utime(damaged, ns=(1, 1))
    untouched = out / "劳务派遣人员经费.docx"
    os.utime(untouched, ns=(1, 1))
    report = build([project / "declarations"], out, force=True)
    assert len(report.built) == 6 and not report.failed
    assert untouched.stat().st_mtime_ns == 1
    assert damaged.read_bytes() == good and damaged.stat().st_mtime_ns != 1
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_manifest_changes_by_the_line_of_the_form_that_changed(project: Path):
    """Users keep output/ in git: the manifest holds one line per form (and per folder),
    so editing one declaration changes its line and its folder's (the summary), no more."""
    out = project / "output"
    build([project / "declarations"], out)
    before = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    path = project / "declarations" / "宿州发布运营经费.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("项目期: 2022年度", "项目期: 一年"),
        encoding="utf-8",
    )
    build([project / "declarations"], out)
    after = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    # "{", the folders (3 lines), the version, "forms": { and its 6 lines and "}", "}"
    assert len(after) == len(before) == 1 + 3 + 1 + (1 + 6 + 1) + 1
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 2
    assert changed[0][1].startswith('  ".": ') and changed[1][1].startswith(
        '  "宿州发布运营经费": '
    )
    assert json.loads("\n".join(after))["forms"]["宿州发布运营经费"]["summary"]["period"] == "一年"


def test_edited_declaration_rebuilds_exactly_that_form(project: Path):
    out = project / "output"
    build([project / "declarations"], out)
    path = project / "declarations" / "宿州发布运营经费.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("项目期: 2022年度", "项目期: 一年"),
        encoding="utf-8",
    )
    report = build([project / "declarations"], out)
    assert [r.stem for r in report.built] == ["宿州发布运营经费"] and len(report.skipped) == 5
    assert read_xlsx(out / "宿州发布运营经费.xlsx")["G5:H5"] == "一年"


def test_edited_unit_file_rebuilds_exactly_its_forms(unit_project: Path):
    out = unit_project / "output"
    build([unit_project / "declarations"], out)
    unit = unit_project / "declarations" / "某单位" / "_unit.yaml"
    unit.write_text(UNIT.replace("共享的实施单位", "改名后的实施单位"), encoding="utf-8")
    report = build([unit_project / "declarations"], out)
    assert [r.stem for r in report.built] == ["某单位/劳务派遣人员经费", "某单位/宿州发布运营经费"]
    assert len(report.skipped) == 4
    assert read_xlsx(out / "某单位" / "宿州发布运营经费.xlsx")["G4:H4"] == "改名后的实施单位"


def test_deleted_output_is_rebuilt_and_an_edited_one_survives(project: Path):
    out = project / "output"
    build([project / "declarations"], out)
    edited = out / "劳务派遣人员经费.docx"
    edited.write_bytes(b"edited by hand")
    (out / "宿州发布运营经费.xlsx").unlink()
    report = build([project / "declarations"], out)
    assert [r.stem for r in report.built] == ["宿州发布运营经费"]
    assert (out / "宿州发布运营经费.xlsx").exists()
    (refused,) = report.failed
    (problem,) = refused.problems
    assert refused.stem == "劳务派遣人员经费" and problem.file == str(edited)
    text = problem.format()
    assert "被改动过" in text and "没有覆盖" in text and "--force" in text and "移到别处" in text
    assert edited.read_bytes() == b"edited by hand"
    # the declaration changes too: still not overwritten, the xlsx (not edited) is left alone too
    path = project / "declarations" / "劳务派遣人员经费.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("项目期: 长期", "项目期: 一年"),
        encoding="utf-8",
    )
    report = build([project / "declarations"], out)
    assert [r.stem for r in report.failed] == ["劳务派遣人员经费"] and len(report.skipped) == 5
    assert edited.read_bytes() == b"edited by hand"
    assert read_xlsx(out / "劳务派遣人员经费.xlsx")["G5:H5"] == "长期"
    # moved away: built again; or --force: overwritten
    edited.rename(out / "我改过的.docx")
    assert [r.stem for r in build([project / "declarations"], out).built] == ["劳务派遣人员经费"]
    edited.write_bytes(b"edited again")
    assert build([project / "declarations"], out).failed
    report = build([project / "declarations"], out, force=True)
    assert len(report.built) == 6 and edited.read_bytes().startswith(b"PK")


def test_a_form_built_in_one_format_keeps_the_other_protected(project: Path):
    out = project / "output"
    source = project / "declarations" / "劳务派遣人员经费.yaml"
    build([source], out)
    (out / "劳务派遣人员经费.xlsx").write_bytes(b"edited by hand")
    assert build([source], out, ("docx",)).built  # the docx alone may be rebuilt
    report = build([source], out)
    assert report.failed and (out / "劳务派遣人员经费.xlsx").read_bytes() == b"edited by hand"


def test_template_or_settings_change_rebuilds(project: Path):
    out = project / "output"
    build([project / "declarations"], out)
    (project / "formgen.toml").write_text('disable = ["W-EMPTY-GOAL"]\n', encoding="utf-8")
    assert len(build([project / "declarations"], out).built) == 6


def test_deleted_declaration_removes_its_outputs_unless_kept(project: Path):
    out = project / "output"
    build([project / "declarations"], out)
    (project / "declarations" / "劳务派遣人员经费.yaml").unlink()
    report = build([project / "declarations"], out, keep_orphans=True)
    assert report.removed == [] and (out / "劳务派遣人员经费.docx").exists()
    report = build([project / "declarations"], out)
    assert sorted(p.name for p in report.removed) == [
        "劳务派遣人员经费.docx",
        "劳务派遣人员经费.xlsx",
    ]
    assert not (out / "劳务派遣人员经费.docx").exists() and len(list(out.glob("*.docx"))) == 5
    assert "劳务派遣人员经费" not in (out / MANIFEST).read_text(encoding="utf-8")


# -- parallel --------------------------------------------------------------------------------


def test_parallel_equals_serial_and_a_failure_stays_local(project: Path):
    bad = project / "declarations" / "坏.yaml"
    bad.write_text("年度: 2022\n项目名称: x\n", encoding="utf-8")
    serial = build([project / "declarations"], project / "j1", jobs=1)
    parallel = build([project / "declarations"], project / "j2", jobs=2)
    assert outputs(project / "j1") == outputs(project / "j2") and len(outputs(project / "j1")) == 13
    assert [r.stem for r in parallel.failed] == ["坏"] == [r.stem for r in serial.failed]
    assert [p.format() for p in parallel.failed[0].problems] == [
        p.format() for p in serial.failed[0].problems
    ]


def test_cli_summary_and_quiet(project: Path):
    run = subprocess.run(
        [sys.executable, "-m", "formgen", "build", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and "已生成" not in run.stdout
    assert "生成 6 份（12 个文件），未改动跳过 0 份，失败 0 份" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "formgen", "build", "-j", "2"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "生成 0 份（0 个文件），未改动跳过 6 份，失败 0 份" in run.stdout
    shutil.rmtree(project / "output")
