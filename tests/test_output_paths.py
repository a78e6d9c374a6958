"""Where build writes, what a second build still says, and answers that stay machine-readable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import DECLARATIONS, formgen
from formgen.build import MANIFEST, build

ONE = "劳务派遣人员经费"
WARNED = "网络内容建设工作经费及网络综合治理"  # has one W-INDICATOR-L2 (see docs/rules.md)


def written(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith("项目汇总表.xlsx")
    )


def two_units(tmp_path: Path) -> Path:
    """declarations/A/x.yaml and declarations/B/x.yaml: one name in two unit folders."""
    for unit in ("A", "B"):
        folder = tmp_path / "declarations" / unit
        folder.mkdir(parents=True)
        shutil.copy(DECLARATIONS / f"{ONE}.yaml", folder / "x.yaml")
    return tmp_path


def test_same_paths_however_the_build_is_called(tmp_path: Path):
    project = two_units(tmp_path)
    expected = ["A/x.docx", "A/x.xlsx", "B/x.docx", "B/x.xlsx"]
    build([project / "declarations"], project / "tree")
    assert written(project / "tree") == expected
    report = build([project / "declarations" / "A", project / "declarations" / "B"], project / "ab")
    assert not report.failed and written(project / "ab") == expected
    build([project / "declarations" / "A" / "x.yaml"], project / "one")
    assert written(project / "one") == ["A/x.docx", "A/x.xlsx"]
    # from inside the unit folder, with a relative path: still A/x
    run = formgen(
        "build", "x.yaml", "-o", str(project / "inside"), cwd=project / "declarations" / "A"
    )
    assert run.returncode == 0, run.stderr
    assert written(project / "inside") == ["A/x.docx", "A/x.xlsx"]


def test_two_unit_folders_on_the_command_line_are_no_collision(tmp_path: Path):
    project = two_units(tmp_path)
    run = formgen("build", "declarations/A/", "declarations/B/", cwd=project)
    assert run.returncode == 0, run.stderr
    assert "同名" not in run.stderr and "失败 0 份" in run.stdout
    assert written(project / "output") == ["A/x.docx", "A/x.xlsx", "B/x.docx", "B/x.xlsx"]


def test_a_subfolder_build_then_a_tree_build_leaves_one_copy(tmp_path: Path):
    project = two_units(tmp_path)
    assert formgen("build", "declarations/A", cwd=project).returncode == 0
    run = formgen("build", cwd=project)
    assert run.returncode == 0 and "未改动跳过 1 份" in run.stdout
    assert written(project / "output") == ["A/x.docx", "A/x.xlsx", "B/x.docx", "B/x.xlsx"]


def test_root_named_in_formgen_toml_and_the_stale_copy_of_the_old_layout(tmp_path: Path):
    """申报/ is not called declarations/: without a root, paths follow the command line (the
    old behaviour); once formgen.toml names the root they do not, and the old copy goes."""
    folder = tmp_path / "申报" / "A"
    folder.mkdir(parents=True)
    shutil.copy(DECLARATIONS / f"{ONE}.yaml", folder / "x.yaml")
    out = tmp_path / "output"
    build([folder], out)
    assert written(out) == ["x.docx", "x.xlsx"]
    (tmp_path / "formgen.toml").write_text('declarations = "申报"\n', encoding="utf-8")
    report = build([folder], out)
    assert written(out) == ["A/x.docx", "A/x.xlsx"]
    # the old folder's summary goes with its only form
    assert sorted(p.name for p in report.removed) == [
        "x.docx",
        "x.xlsx",
        "中共宿州市委网络安全和信息化委员会办公室项目汇总表.xlsx",
    ]
    assert list(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["forms"]) == ["A/x"]
    assert written(tmp_path / "申报") == ["A/x.yaml"]


def test_a_skipped_form_reports_its_warnings_again(project: Path):
    first = formgen("build", cwd=project)
    second = formgen("build", cwd=project)
    assert first.returncode == second.returncode == 0
    assert "未改动跳过 6 份" in second.stdout
    line = f"declarations/{WARNED}.yaml:"
    warned = [ln for ln in first.stderr.splitlines() if ln.startswith(line)]
    assert len(warned) == 1 and "W-INDICATOR-L2" in warned[0]
    assert [ln for ln in second.stderr.splitlines() if ln.startswith(line)] == warned
    assert "警告 1 条" in first.stdout and "警告 1 条" in second.stdout
    # found by a fresh-eyes trial: a warning printed again looked like a new finding
    note = f"（declarations/{WARNED}.yaml 未改动，这次跳过；以上 1 条警告是上次生成时的检查结果）"
    assert note not in first.stderr
    after = second.stderr.splitlines()
    assert after[after.index(warned[0]) + 2] == f"  {note}"  # after the warning and its hint
    assert second.stderr.count("上次生成时的检查结果") == 1  # only the form that has warnings
    # named another way on the command line, the warning names the file that way
    third = formgen("build", str(project / "declarations" / f"{WARNED}.yaml"), cwd=project)
    assert "未改动跳过 1 份" in third.stdout
    assert f"{project / 'declarations' / WARNED}.yaml:" in third.stderr
    # quiet: the count and where to see them
    quiet = formgen("build", "-q", cwd=project)
    assert "警告 1 条" in quiet.stdout and "formgen check" in quiet.stdout
    assert "W-INDICATOR-L2" not in quiet.stderr


def test_an_error_in_the_unit_file_is_printed_once_without_a_cascade(tmp_path: Path):
    folder = tmp_path / "declarations" / "某单位"
    folder.mkdir(parents=True)
    for name in (ONE, WARNED):
        text = (DECLARATIONS / f"{name}.yaml").read_text(encoding="utf-8")
        text = text.replace("年度: 2022\n", "").replace(
            "实施单位: 中共宿州市委网络安全和信息化委员会办公室\n", ""
        )
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "_unit.yaml").write_text("年度: 2022\n实施单位: 甲\n错键: 1\n", encoding="utf-8")
    run = formgen("build", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.count("declarations/某单位/_unit.yaml:3:1: 错误：不认识的键“错键”") == 1
    assert run.stderr.count("未生成：") == 2
    check = formgen("check", "--format", "json", cwd=tmp_path)
    found = json.loads(check.stdout)["findings"]
    assert [f["message"] for f in found if f["file"].endswith("_unit.yaml")] == ["不认识的键“错键”"]


def test_check_json_answers_in_json_on_every_path(project: Path):
    cases = [
        (("check", "--format", "json", "不存在.yaml"), 2, "E-USAGE", "不存在"),
        (("check", "--format", "json", "--no-such"), 2, "E-USAGE", "--no-such"),
        (("check", "--format=json", "--strict", "-z"), 2, "E-USAGE", "-z"),
        (("check", "--format", "json", "empty"), 1, "E-NOT-FOUND", "没有找到"),
    ]
    (project / "empty").mkdir()
    for args, status, rule, words in cases:
        run = formgen(*args, cwd=project)
        assert run.returncode == status, (args, run.stdout, run.stderr)
        answer = json.loads(run.stdout)
        (finding,) = answer["findings"]
        assert answer["errors"] == 1 and finding["rule"] == rule and words in finding["message"]
    run = formgen("check", "--format", "json", cwd=project / "empty")  # no declarations/ here
    assert run.returncode == 2 and json.loads(run.stdout)["findings"][0]["rule"] == "E-USAGE"
    run = formgen("check", "--no-such", cwd=project)  # text asked for: click's Chinese text
    assert run.returncode == 2 and "没有选项" in run.stderr and not run.stdout
