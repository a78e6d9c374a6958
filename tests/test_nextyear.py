"""`formgen next-year`: the new files build, keep every byte but the years, and nothing is
ever overwritten. Diffs are taken on the text, as `git diff` would show them."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from conftest import DECLARATIONS
from conftest import invoke as run
from formgen.build import build, check_paths
from formgen.loader import load
from gridio import read_xlsx


def changed_lines(old: str, new: str) -> dict[int, tuple[str, str]]:
    """1-based line number → (old line, new line), for files with the same number of lines."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    assert len(old_lines) == len(new_lines), "".join(difflib.unified_diff(old_lines, new_lines))
    return {
        i: (a, b) for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True), 1) if a != b
    }


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_bundled_declarations_roll_over_with_only_the_years_changed(project: Path):
    before = digest(project / "declarations")
    result = run("next-year", cwd=project)
    assert result.exit_code == 0, result.output
    assert digest(project / "declarations" / "2023") and before == {
        k: v for k, v in digest(project / "declarations").items() if not k.startswith("2023")
    }  # the originals are untouched
    new_folder = project / "declarations" / "2023"
    originals = sorted(DECLARATIONS.glob("*.yaml"))
    assert sorted(p.name for p in new_folder.iterdir()) == [p.name for p in originals]
    for original in originals:
        old = original.read_text(encoding="utf-8")
        new = (new_folder / original.name).read_text(encoding="utf-8")
        # the two lines, found by hand: `年度: 2022` and `  中期年度: 2022—2024`
        year_line = old.split("\n").index("年度: 2022") + 1
        span_line = old.split("\n").index("  中期年度: 2022—2024") + 1
        assert changed_lines(old, new) == {
            year_line: ("年度: 2022", "年度: 2023"),
            span_line: ("  中期年度: 2022—2024", "  中期年度: 2023—2025"),
        }
        comments = [ln for ln in old.split("\n") if "#" in ln]
        assert comments and comments == [ln for ln in new.split("\n") if "#" in ln]
        # the checklist names every other place that still says 2022
        for number, line in enumerate(old.split("\n"), 1):
            if "2022" in line and number not in (year_line, span_line):
                assert f"{original.name}:{number}: 仍写着 2022：{line.strip()}" in result.output

    assert "网络媒体协会运行经费.yaml:28: 仍写着 2022：" in result.output  # 承办2022年新媒体之夜
    report = build([new_folder], project / "output")
    assert len(report.results) == 6 and all(r.ok for r in report.results)
    grid = set(read_xlsx(project / "output" / "2023" / "劳务派遣人员经费.xlsx").values())
    assert "（2023年度）" in grid and "中期目标（2023年—2025年）" in grid
    assert all(not r.problems for r in check_paths([new_folder]))


def test_never_overwrites_and_writes_nothing_when_refused(project: Path):
    assert run("next-year", cwd=project).exit_code == 0
    target = project / "declarations" / "2023"
    (target / "劳务派遣人员经费.yaml").write_text("我改过的\n", encoding="utf-8")
    (target / "网络媒体协会运行经费.yaml").unlink()
    state = digest(target)
    again = run("next-year", cwd=project)
    assert again.exit_code == 1
    assert "目标文件已存在，没有覆盖" in again.output and "没有写出任何文件" in again.output
    assert digest(target) == state  # the deleted one was not written back either


def test_span_that_is_not_the_rolling_default_stays_and_is_listed(tmp_path: Path):
    folder = tmp_path / "2022"
    folder.mkdir()
    text = (DECLARATIONS / "劳务派遣人员经费.yaml").read_text(encoding="utf-8")
    (folder / "甲.yaml").write_text(text.replace("2022—2024", "2021—2023"), encoding="utf-8")
    (folder / "乙.yaml").write_text(text.replace("2022—2024", "2020—2022"), encoding="utf-8")
    result = run("next-year", str(folder), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    new = tmp_path / "2023"
    assert load(new / "甲.yaml").span == (2021, 2023) and load(new / "甲.yaml").year == 2023
    assert "甲.yaml:22: 中期年度 2021—2023 不是从年度 2022 起的三年，没有改动" in result.output
    (checked,) = check_paths([new / "乙.yaml"])
    assert [p.id for p in checked.problems] == ["E-YEAR-SPAN"]  # 2023 is outside 2020—2022


def test_unit_files_roll_too(tmp_path: Path):
    unit = tmp_path / "declarations" / "2024" / "某单位"
    unit.mkdir(parents=True)
    (unit / "_unit.yaml").write_text("年度: 2024   # 本单位\n实施单位: 某单位\n", encoding="utf-8")
    text = (DECLARATIONS / "劳务派遣人员经费.yaml").read_text(encoding="utf-8")
    text = text.replace("年度: 2022\n", "").replace(
        "实施单位: 中共宿州市委网络安全和信息化委员会办公室\n", ""
    )
    (unit / "甲.yaml").write_text(text.replace("2022—2024", "2024—2026"), encoding="utf-8")
    (unit.parent / "formgen.toml").write_text('vocabulary = "2015"\n', encoding="utf-8")
    result = run("next-year", str(tmp_path / "declarations" / "2024"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    new = tmp_path / "declarations" / "2025" / "某单位"
    assert (new / "_unit.yaml").read_text(
        encoding="utf-8"
    ) == "年度: 2025   # 本单位\n实施单位: 某单位\n"
    decl = load(new / "甲.yaml")
    assert (decl.year, decl.span, decl.unit) == (2025, (2025, 2027), "某单位")
    assert (new.parent / "formgen.toml").read_text(encoding="utf-8") == 'vocabulary = "2015"\n'
    assert "formgen.toml（原样复制的项目设置）" in result.output


def test_clear_values_keeps_every_name(project: Path):
    result = run("next-year", "--clear-values", "--to", "2025", cwd=project)
    assert result.exit_code == 0, result.output
    for original in sorted(DECLARATIONS.glob("*.yaml")):
        new_path = project / "declarations" / "2025" / original.name
        old = load(original)
        new_text = new_path.read_text(encoding="utf-8")
        new = load(new_path)  # it loads; `check` lists the emptied values as E-LINE-INCOMPLETE
        assert (new.year, new.span) == (2025, (2025, 2027))
        assert new.funds_mid.total is None and new.funds_annual.total is None
        old_sides = [
            (ln.mid, ln.annual) for g in old.indicators for b in g.blocks for ln in b.lines
        ]
        new_sides = [
            (ln.mid, ln.annual) for g in new.indicators for b in g.blocks for ln in b.lines
        ]
        assert len(old_sides) == len(new_sides)
        for (old_mid, old_annual), (new_mid, new_annual) in zip(old_sides, new_sides, strict=True):
            for a, b in ((old_mid, new_mid), (old_annual, new_annual)):
                assert (a is None) == (b is None)
                if a is not None:
                    assert b.name == a.name
                    assert b.value == ("不适用" if a.value == "不适用" else "")
        assert new_text.count("#") == original.read_text(encoding="utf-8").count("#")
    assert "清空了 4 个金额、12 个指标值" in result.output  # 劳务派遣: 2+2 amounts, 6 lines × 2


def test_style_of_the_file_is_kept_byte_for_byte(tmp_path: Path):
    folder = tmp_path / "2022"
    folder.mkdir()
    text = (
        '年度:   "2022"        # 带引号、多空格\r\n'
        "项目名称: 甲\r\n"
        "实施单位: 某单位\r\n"
        "总体目标:\r\n"
        "  中期年度: [2022, 2024]\r\n"
        "  中期目标: 一段很长的目标文字，\r\n"
        "    在第二行继续写，2022年起。\r\n"
        "绩效指标:\r\n"
        "  产出指标:\r\n"
        "    数量指标: [{三级指标: 甲, 年度指标值: ≥1次}]\r\n"
    )
    (folder / "甲.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = run("next-year", str(folder), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    data = (tmp_path / "2023" / "甲.yaml").read_bytes()
    expected = text.replace('"2022"', '"2023"').replace("[2022, 2024]", "[2023, 2025]")
    assert data == b"\xef\xbb\xbf" + expected.encode("utf-8")
    assert "甲.yaml:7: 仍写着 2022：在第二行继续写，2022年起。" in result.output


def test_mixed_years_refused(tmp_path: Path):
    folder = tmp_path / "declarations"
    folder.mkdir()
    text = (DECLARATIONS / "劳务派遣人员经费.yaml").read_text(encoding="utf-8")
    (folder / "甲.yaml").write_text(text, encoding="utf-8")
    (folder / "乙.yaml").write_text(
        text.replace("年度: 2022", "年度: 2023").replace("2022—2024", "2023—2025"), encoding="utf-8"
    )
    result = run("next-year", cwd=tmp_path)
    assert result.exit_code == 1 and "不同年度" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["乙.yaml", "甲.yaml"]


def test_editor_line_follows_the_new_folder(tmp_path: Path):
    (tmp_path / "declarations").mkdir()
    assert run("new", "甲", "--year", "2024", cwd=tmp_path).exit_code == 0
    result = run("next-year", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    old = (tmp_path / "declarations" / "甲.yaml").read_text(encoding="utf-8")
    new_path = tmp_path / "declarations" / "2025" / "甲.yaml"
    new = new_path.read_text(encoding="utf-8")
    first = "# yaml-language-server: $schema=../../templates/schema/declaration.schema.json"
    assert new.split("\n")[0] == first
    assert (new_path.parent / first.split("=", 1)[1]).is_file()
    lines = old.split("\n")
    year, span = (
        lines.index(next(ln for ln in lines if ln.startswith("年度: 2024"))),
        next(i for i, ln in enumerate(lines) if ln.startswith("  中期年度: 2024—2026")),
    )
    assert set(changed_lines(old, new)) == {1, year + 1, span + 1}  # editor line, 年度, 中期年度


def test_the_read_back_guard_catches_any_other_change():
    import dataclasses

    from formgen.nextyear import verify

    before = load(DECLARATIONS / "劳务派遣人员经费.yaml")
    after = dataclasses.replace(before, year=2023, span=(2023, 2025))
    assert verify(before, after, 1, clear_values=False)
    assert not verify(before, dataclasses.replace(after, name="别的名称"), 1, clear_values=False)
    assert not verify(before, dataclasses.replace(after, span=(2022, 2024)), 1, clear_values=False)
    assert not verify(before, after, 1, clear_values=True)  # values were not emptied


# The 自评表's results keys, written out from the README's 自评 section.
RESULTS = ("评价年度", "全年预算数", "全年执行数", "年初预算数", "执行说明", "实际完成情况",
           "实际完成值", "分值", "得分", "评价等级", "偏差原因分析及改进措施")  # fmt: skip


def test_last_years_results_stay_behind(tmp_path: Path):
    from conftest import ROOT

    example = ROOT / "examples" / "网络媒体协会运行经费.yaml"
    folder = tmp_path / "2022"
    folder.mkdir()
    (folder / example.name).write_bytes(example.read_bytes())
    result = run("next-year", str(folder), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    old = example.read_text(encoding="utf-8").split("\n")
    new = (tmp_path / "2023" / example.name).read_text(encoding="utf-8").split("\n")
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    replaced, deleted = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            replaced += list(zip(old[i1:i2], new[j1:j2], strict=True))
        elif tag == "delete":
            deleted += old[i1:i2]
        else:
            assert tag == "equal", (tag, old[i1:i2], new[j1:j2])
    assert replaced == [
        ("年度: 2022", "年度: 2023"),
        ("  中期年度: 2022—2024", "  中期年度: 2023—2025"),
    ]
    # every deleted line is a results key, or a line inside the value of one
    indent_of_key = None
    for line in deleted:
        indent = len(line) - len(line.lstrip())
        key = line.strip().split(":")[0]
        if key in RESULTS:
            indent_of_key = indent
        else:
            assert indent_of_key is not None and indent > indent_of_key, line
    assert sum(line.strip().startswith("实际完成值:") for line in deleted) == 14
    decl = load(tmp_path / "2023" / example.name)
    assert decl.extras == {} and decl.year == 2023
    assert "删去了上一年度的自评结果" in result.output and "实际完成值（14 处）" in result.output


def test_a_folder_laid_out_by_year_rolls_its_latest_year(tmp_path: Path):
    text = (DECLARATIONS / "劳务派遣人员经费.yaml").read_text(encoding="utf-8")
    for year in (2024, 2025):
        unit = tmp_path / "declarations" / str(year) / "某单位"
        unit.mkdir(parents=True)
        rolled = text.replace("2022—2024", f"{year}—{year + 2}")
        rolled = rolled.replace("\n年度: 2022", f"\n年度: {year}")
        (unit / "甲.yaml").write_text(rolled, encoding="utf-8")
    result = run("next-year", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "已把 declarations/2025 中的 1 份申报复制到 declarations/2026" in result.output
    decl = load(tmp_path / "declarations" / "2026" / "某单位" / "甲.yaml")
    assert (decl.year, decl.span) == (2026, (2026, 2028))
