"""`formgen new`: skeletons that build, whose `__` placeholders `check` lists, and that never
overwrite anything."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from test_schema import schema_errors

from conftest import invoke as run
from formgen.build import build, check_paths
from formgen.loader import load
from gridio import read_xlsx

# The 三级 names each type must hold, copied from issue 14 (the published 共性指标 libraries).
TYPES = {
    "培训类": ["组织培训班次", "培训参加人数", "培训出勤率", "培训合格率", "培训计划按期完成率",
               "人均培训成本", "受训学员满意度"],
    "会议类": ["组织召开会议次数", "与会人数", "会议出勤率", "会议计划按期完成率", "人均会议成本",
               "与会人员满意度"],
    "购置类": ["购置数量", "验收合格率", "采购/验收完成时间", "单位购置成本", "政府采购率",
               "业务保障能力提升情况", "使用人员满意度"],
    "信息化建设运维类": ["系统/模块数量", "巡检次数", "系统可用率", "重大安全事件", "运维响应时间",
                        "上线时间", "总成本", "服务效率提升", "使用人员满意度"],
    "课题研究类": ["完成调研报告数量", "评审合格率", "按时完成率", "研究成果被采纳/应用", "委托方满意度"],
}  # fmt: skip
# The trees, written out from docs/rules.md's table rather than taken from vocabulary.py.
TREES = {
    "2015": {
        "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
        "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
        "满意度指标": ["服务对象满意度指标"],
    },
    "2021": {
        "产出指标": ["数量指标", "质量指标", "时效指标"],
        "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
        "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
        "满意度指标": ["服务对象满意度指标"],
    },
}


def placeholders(text: str) -> int:
    """Values marked `__`, counted from the text (comments cut off), one per key line."""
    count = 0
    for line in text.splitlines():
        code = line.split("#", 1)[0]
        if "__" in code and ":" in code:
            count += 1
    return count


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "declarations").mkdir()
    return tmp_path


@pytest.mark.parametrize("vocabulary", ["2015", "2021"])
@pytest.mark.parametrize("kind", [*TYPES, None])
def test_new_writes_a_declaration_that_builds_with_its_placeholders_listed(
    project: Path, kind, vocabulary
):
    if vocabulary == "2021":
        (project / "formgen.toml").write_text('vocabulary = "2021"\n', encoding="utf-8")
    args = ["new", "测试项目", "--year", "2025"] + (["--type", kind] if kind else [])
    result = run(*args, cwd=project)
    assert result.exit_code == 0, result.output
    path = project / "declarations" / "测试项目.yaml"
    text = path.read_text(encoding="utf-8")

    # the editor line points at a schema file that exists, relative to the declaration
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../templates/schema/declaration.schema.json"
    assert (path.parent / first.split("=", 1)[1]).is_file()
    assert schema_errors(text) == []

    decl = load(path)
    assert (decl.year, decl.name, decl.span) == (2025, "测试项目", (2025, 2027))
    tree = {g.name: [b.name for b in g.blocks] for g in decl.indicators}
    assert tree == TREES[vocabulary]
    names = [s.name for g in decl.indicators for b in g.blocks for s in b.mid_lines]
    for name in TYPES.get(kind, []):
        assert name in names
    if kind == "培训类":
        cost = "成本指标" if vocabulary == "2021" else "产出指标"
        block = "经济成本指标" if vocabulary == "2021" else "成本指标"
        group = next(g for g in decl.indicators if g.name == cost)
        assert [s.name for s in next(b for b in group.blocks if b.name == block).mid_lines] == [
            "人均培训成本"
        ]

    # check: placeholders are warnings, one per `__` value, no crash
    (result_check,) = check_paths([path])
    assert result_check.problems == []
    # and the empty amounts (资金总额), which the skeleton leaves for the user to fill
    assert {w.rule for w in result_check.warnings} == {"W-TO-FILL", "W-FUNDS-MISSING"}
    to_fill = [w for w in result_check.warnings if w.rule == "W-TO-FILL"]
    assert len(to_fill) == placeholders(text)
    empty_funds = [w.field for w in result_check.warnings if w.rule == "W-FUNDS-MISSING"]
    assert empty_funds == ["项目资金.中期.资金总额", "项目资金.年度.资金总额"]
    for warning in to_fill:  # each points at a line holding a `__`
        assert "__" in text.splitlines()[warning.line - 1].split("#")[0]

    # build: the draft form is written, placeholders and all
    report = build([project / "declarations"], project / "output")
    assert [r.ok for r in report.results] == [True]
    grid = read_xlsx(project / "output" / "测试项目.xlsx")
    cells = set(grid.values())
    assert "测试项目" in cells and "（2025年度）" in cells
    for name in TYPES.get(kind, []):
        assert name in cells


def test_every_key_is_explained_once(project: Path):
    run("new", "甲", "--year", "2025", cwd=project)
    text = (project / "declarations" / "甲.yaml").read_text(encoding="utf-8")
    explained, keys = set(), set()
    for line in text.splitlines():
        match = re.match(r"\s*(?:- )?([^#:\s]+):", line)
        if match:
            keys.add(match.group(1))
            if "#" in line:
                explained.add(match.group(1))
    expected = {"年度", "项目名称", "主管部门", "实施单位", "项目属性", "项目期", "项目资金", "中期",
                "资金总额", "财政拨款", "其他资金", "总体目标", "中期年度", "中期目标",
                "年度目标", "绩效指标", "三级指标", "中期指标值", "年度指标值"}  # fmt: skip
    assert expected <= keys
    assert expected <= explained


def test_new_never_overwrites(project: Path):
    path = project / "declarations" / "甲.yaml"
    path.write_text("年度: 2022\n# 我的内容\n", encoding="utf-8")
    result = run("new", "甲", "--type", "培训类", cwd=project)
    assert result.exit_code == 1
    assert "已存在" in result.output and "没有覆盖" in result.output
    assert path.read_text(encoding="utf-8") == "年度: 2022\n# 我的内容\n"


def test_unit_file_values_are_left_out(project: Path):
    unit = project / "declarations" / "市委网信办"
    unit.mkdir()
    (unit / "_unit.yaml").write_text(
        "年度: 2024\n实施单位: 中共宿州市委网络安全和信息化委员会办公室\n", encoding="utf-8"
    )
    assert run("new", "乙", "--dir", str(unit), cwd=project).exit_code == 0
    text = (unit / "乙.yaml").read_text(encoding="utf-8")
    top = yaml.safe_load(text)
    assert "年度" not in top and "实施单位" not in top
    assert "年度、实施单位 写在同一文件夹的 _unit.yaml 中" in text
    decl = load(unit / "乙.yaml")
    assert (decl.year, decl.unit, decl.span) == (2024, "中共宿州市委网络安全和信息化委员会办公室", (2024, 2026))  # fmt: skip
    # a different year given explicitly is written into the declaration itself
    assert run("new", "丙", "--dir", str(unit), "--year", "2025", cwd=project).exit_code == 0
    assert load(unit / "丙.yaml").year == 2025


def test_new_unit_folder_gets_a_unit_file_once(project: Path):
    folder = project / "declarations" / "2026" / "新单位"
    assert run("new", "甲", "--dir", str(folder), "--new-unit", cwd=project).exit_code == 0
    unit = folder / "_unit.yaml"
    unit_text = unit.read_text(encoding="utf-8")
    assert unit_text.startswith(
        "# yaml-language-server: $schema=../../../templates/schema/unit.schema.json\n"
    )
    assert (folder / "../../../templates/schema/unit.schema.json").resolve().is_file()
    assert yaml.safe_load(unit_text) == {"年度": 2026, "主管部门": None, "实施单位": "__"}
    top = yaml.safe_load((folder / "甲.yaml").read_text(encoding="utf-8"))
    assert not {"年度", "主管部门", "实施单位"} & set(top)
    assert load(folder / "甲.yaml").year == 2026  # from the folder name, through the unit file
    unit.write_text(unit_text.replace("实施单位: __", "实施单位: 某单位"), encoding="utf-8")
    result = run("new", "乙", "--dir", str(folder), "--new-unit", cwd=project)
    assert result.exit_code == 0 and "已存在，沿用" in result.output
    assert "实施单位: 某单位" in unit.read_text(encoding="utf-8")
    (result_check,) = check_paths([folder / "乙.yaml"])
    assert not any(w.field == "实施单位" for w in result_check.warnings)


def test_project_skeletons_come_first(project: Path):
    own = project / "templates" / "skeletons"
    own.mkdir(parents=True)
    (own / "培训类.yaml").write_text(
        "说明: 本单位的培训\n指标:\n  数量指标:\n    - 三级指标: 本单位培训期数\n      指标值: ≥ __ 期\n",
        encoding="utf-8",
    )
    (own / "宣传类.yaml").write_text(
        "说明: 宣传活动\n指标:\n  社会效益指标:\n    - 三级指标: 受众覆盖面\n      指标值: __\n",
        encoding="utf-8",
    )
    listing = run("new", "--list-types", cwd=project).output
    assert "宣传类：宣传活动" in listing and "培训类：本单位的培训" in listing
    assert "会议类" in listing  # the bundled ones are still offered
    assert run("new", "甲", "--type", "培训类", cwd=project).exit_code == 0
    text = (project / "declarations" / "甲.yaml").read_text(encoding="utf-8")
    assert "本单位培训期数" in text and "组织培训班次" not in text


def test_bad_skeleton_is_reported_not_crashed(project: Path):
    own = project / "templates" / "skeletons"
    own.mkdir(parents=True)
    (own / "坏.yaml").write_text("指标:\n  数量指针:\n    - 三级指标: 甲\n", encoding="utf-8")
    result = run("new", "甲", "--type", "坏", cwd=project)
    assert result.exit_code == 1
    assert "“数量指针”不是标准的二级指标" in result.output
    assert not (project / "declarations" / "甲.yaml").exists()


def test_year_from_a_year_folder(project: Path):
    folder = project / "declarations" / "2024"
    assert run("new", "甲", "--dir", str(folder), cwd=project).exit_code == 0
    assert load(folder / "甲.yaml").span == (2024, 2026)


def test_unsafe_name_refused(project: Path):
    result = run("new", "a/b", cwd=project)
    assert result.exit_code == 1 and "不能用作文件名" in result.output
    assert list((project / "declarations").iterdir()) == []


def test_readme_shows_the_line_new_writes_and_the_vscode_setting(project: Path):
    from conftest import ROOT
    from conftest import invoke as run

    run("new", "甲", "--year", "2025", cwd=project)
    first = (project / "declarations" / "甲.yaml").read_text(encoding="utf-8").splitlines()[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```yaml\n{first}\n```" in readme
    assert '"./templates/schema/declaration.schema.json": "declarations/**/*.yaml"' in readme
    assert (ROOT / "templates" / "schema" / "declaration.schema.json").is_file()


def test_run_from_inside_the_declarations_folder(project: Path):
    """The project is found upwards (its templates/): the editor line points there and no
    stray templates/ appears among the declarations."""
    own = project / "templates" / "skeletons"
    own.mkdir(parents=True)
    (own / "宣传类.yaml").write_text(
        "说明: 宣传活动\n指标:\n  社会效益指标:\n    - 三级指标: 受众覆盖面\n      指标值: __\n",
        encoding="utf-8",
    )
    inside = project / "declarations"
    assert run("new", "甲", "--dir", ".", "--type", "宣传类", cwd=inside).exit_code == 0
    text = (inside / "甲.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../templates/schema/declaration.schema.json\n"
    )
    assert (project / "templates" / "schema" / "declaration.schema.json").is_file()
    assert sorted(p.name for p in inside.iterdir()) == ["甲.yaml"]
