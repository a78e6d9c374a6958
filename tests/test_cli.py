"""`formgen build` as a user runs it: what it writes, what it prints, its exit status."""

from __future__ import annotations

from pathlib import Path

from conftest import DECLARATIONS, formgen
from gridio import read_xlsx

BAD = "年度: 2022\n项目名称: 坏的\n实施单位: 某单位\n项目资金:\n  年度:\n    资金总额: 八十\n"


def test_build_without_arguments_builds_every_declaration(project: Path):
    run = formgen("build", cwd=project)
    assert run.returncode == 0, run.stderr
    outputs = sorted(p.name for p in (project / "output").iterdir() if not p.name.startswith("."))
    assert len(outputs) == 13  # six forms in two formats, and the unit's summary workbook
    assert outputs == sorted(
        [f"{p.stem}.{ext}" for p in DECLARATIONS.glob("*.yaml") for ext in ("docx", "xlsx")]
        + ["中共宿州市委网络安全和信息化委员会办公室项目汇总表.xlsx"]
    )
    assert run.stdout.count("已生成：") == 6
    assert "完成：共 6 份申报，生成 6 份（12 个文件），未改动跳过 0 份，失败 0 份" in run.stdout


def test_force_says_which_files_came_out_the_same_and_were_not_written(project: Path):
    assert formgen("build", cwd=project).returncode == 0
    run = formgen("build", "--force", cwd=project)
    assert run.returncode == 0, run.stderr
    assert "生成 6 份（12 个文件，其中 12 个与原文件相同、未改写）" in run.stdout
    assert run.stdout.count("（与原文件相同，未改写）") == 7  # the six forms and the summary
    summary = "已生成（单位汇总）：output/中共宿州市委网络安全和信息化委员会办公室项目汇总表.xlsx"
    assert f"{summary}（与原文件相同，未改写）\n" in run.stdout
    assert "警告 1 条，单位汇总 1 个文件（与原文件相同、未改写），用时" in run.stdout
    path = project / "declarations" / "劳务派遣人员经费.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("项目期: 长期") == 1
    path.write_text(text.replace("项目期: 长期", "项目期: 2022—2024年"), encoding="utf-8")
    run = formgen("build", "--force", cwd=project)
    assert "生成 6 份（12 个文件，其中 10 个与原文件相同、未改写）" in run.stdout
    changed = "已生成：declarations/劳务派遣人员经费.yaml → output/劳务派遣人员经费.docx、output/劳务派遣人员经费.xlsx\n"
    assert changed in run.stdout
    assert f"{summary}\n" in run.stdout  # its 项目期 column changed: written again
    assert "警告 1 条，单位汇总 1 个文件，用时" in run.stdout


def test_bad_declaration_beside_good_ones(project: Path):
    (project / "declarations" / "坏的.yaml").write_text(BAD, encoding="utf-8")
    run = formgen("build", cwd=project)
    assert run.returncode == 1
    assert "declarations/坏的.yaml:6:11: 错误：金额“八十”不是数字" in run.stderr
    assert "declarations/坏的.yaml:1:1: 错误：缺少必填项“总体目标”" in run.stderr
    assert "未生成：declarations/坏的.yaml" in run.stderr
    assert "失败 1 份" in run.stdout
    names = sorted(p.name for p in (project / "output").iterdir())
    assert ".formgen-manifest.json" in names
    names.remove(".formgen-manifest.json")
    assert len(names) == 13 and not any(  # with the summary, which lists 坏的 and its errors
        n.startswith(("坏的", ".")) or n.endswith(".tmp") for n in names
    )


def test_subfolders_are_mirrored_and_format_selects(project: Path):
    unit = project / "declarations" / "某单位"
    unit.mkdir()
    (project / "declarations" / "劳务派遣人员经费.yaml").rename(unit / "劳务派遣人员经费.yaml")
    run = formgen("build", "declarations", "--format", "xlsx", "-o", "out", cwd=project)
    assert run.returncode == 0, run.stderr
    assert (project / "out" / "某单位" / "劳务派遣人员经费.xlsx").exists()
    assert not list((project / "out").rglob("*.docx"))
    forms = [p for p in (project / "out").rglob("*.xlsx") if not p.name.endswith("项目汇总表.xlsx")]
    assert len(forms) == 6  # and one summary per unit folder: out/ and out/某单位/


def test_single_file_argument(project: Path):
    run = formgen("build", "declarations/宿州发布运营经费.yaml", "--format", "docx", cwd=project)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (project / "output").iterdir() if not p.name.startswith(".")) == [
        "中共宿州市委网络安全和信息化委员会办公室项目汇总表.xlsx",
        "宿州发布运营经费.docx",
    ]


def test_no_declarations_found(tmp_path: Path):
    (tmp_path / "declarations").mkdir()
    run = formgen("build", cwd=tmp_path)
    assert run.returncode == 1 and "没有找到 .yaml 申报文件" in run.stderr


def test_help_and_usage_errors_are_chinese(tmp_path: Path):
    run = formgen("build", "--help", cwd=tmp_path)
    assert run.returncode == 0
    assert (
        "用法：" in run.stdout and "输出文件夹" in run.stdout and "显示本帮助并退出" in run.stdout
    )
    assert "Usage" not in run.stdout and "Show this message" not in run.stdout
    run = formgen("build", "--format", "docx,odt", cwd=tmp_path)
    assert run.returncode == 2
    assert (
        "的值无效" in run.stderr
        and "“odt”不是可用的格式；可用：docx、xlsx、html、pdf、all" in run.stderr
    )
    run = formgen("build", "不存在.yaml", cwd=tmp_path)
    assert run.returncode == 2 and "不存在" in run.stderr


def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(project: Path, monkeypatch):
    import os

    from formgen import package
    from formgen.build import build

    build([project / "declarations"], project / "output")
    target = project / "output" / "宿州发布运营经费.xlsx"
    before = target.read_bytes()
    (project / "declarations" / "宿州发布运营经费.yaml").write_text(
        (project / "declarations" / "宿州发布运营经费.yaml")
        .read_text(encoding="utf-8")
        .replace("项目期: 2022年度", "项目期: 已修改"),
        encoding="utf-8",
    )

    def broken(fd, data):
        os.write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(package, "_write_all", broken)
    results = build(
        [project / "declarations" / "宿州发布运营经费.yaml"], project / "output"
    ).results
    assert not results[0].ok
    message = results[0].problems[0].format()
    assert "宿州发布运营经费.docx" in message and "无法写入输出文件" in message
    assert target.read_bytes() == before
    assert not [p for p in (project / "output").iterdir() if p.name.endswith(".tmp")]
    assert read_xlsx(target)["G5:H5"] == "2022年度"


def test_readme_example_builds_with_no_warning_and_every_text_in_the_form(tmp_path: Path):
    """The complete example in the README, built as a user would: no warning, nothing lost."""
    import re

    from formgen.build import build

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (example,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "绩效指标" in b]
    (tmp_path / "declarations").mkdir()
    (tmp_path / "declarations" / "示例.yaml").write_text(example, encoding="utf-8")
    report = build([tmp_path / "declarations"], tmp_path / "output")
    (result,) = report.results
    assert result.ok and result.warnings == [], [
        p.format() for p in result.problems + result.warnings
    ]
    grid = read_xlsx(tmp_path / "output" / "示例.xlsx")
    cells = "\n".join(grid.values())
    # every value written after "key: " in the example (comments removed) is in a cell
    values = re.findall(r"^\s*(?:- )?[^\s:#]+: ([^\s#][^#\n]*?)\s*(?:#.*)?$", example, re.M)
    assert len(values) > 25
    for value in values:
        if value not in ("项目日期", "2022—2024"):  # a label and the span: checked below
            assert value in cells, value
    assert grid["F5"] == "项目日期" and "中期目标（2022年—2024年）" in cells


def test_readme_starts_with_the_two_commands_ci_runs():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    import re

    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.S)[:2]
    assert "formgen build" in commands[0]
    assert "pytest" in commands[1] and commands[1] in ci.splitlines()


def test_readme_links_only_to_files_the_repository_has():
    import re

    root = Path(__file__).resolve().parent.parent
    for doc in (root / "README.md", *(root / "docs").glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not target.startswith(("http://", "https://")):
                assert (doc.parent / target).exists(), f"{doc.name} links {target}"
        assert "FORM.md" not in text and "../shared" not in text.replace("`../shared/ooxml/`", "")


def test_readme_gives_windows_commands_beside_linux_ones():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "py -m venv .venv" in readme and ".venv\\Scripts\\formgen build" in readme
    assert "output/某单位/甲.docx" in readme  # where build writes
