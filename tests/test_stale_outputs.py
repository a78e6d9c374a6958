"""A rebuilt form never leaves files that no longer match its declaration.

Found by a fresh-eyes trial: after `--format docx,xlsx,pdf,html`, an edit and a plain
`formgen build`, the old PDF and preview still showed the old text, ready to be printed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DECLARATIONS, formgen
from formgen.build import build

NAME = "劳务派遣人员经费"


def _project(tmp_path: Path) -> Path:
    decls = tmp_path / "declarations"
    decls.mkdir()
    shutil.copy(DECLARATIONS / f"{NAME}.yaml", decls)
    return decls


def test_a_preview_of_the_old_text_is_removed_when_the_form_is_rebuilt(tmp_path):
    decls, out = _project(tmp_path), tmp_path / "output"
    first = build([decls], out, ("docx", "xlsx", "html"))
    assert [r.ok for r in first.results] == [True] and (out / f"{NAME}.html").exists()
    source = decls / f"{NAME}.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("项目名称: ", "项目名称: 新"), "utf-8"
    )
    second = build([decls], out, ("docx", "xlsx"))
    assert [r.ok for r in second.results] == [True]
    assert not (out / f"{NAME}.html").exists()
    # the index of the old previews goes too (it would link to what is gone)
    assert second.stale == [out / f"{NAME}.html", out / "index.html"]
    assert (out / f"{NAME}.docx").exists() and (out / f"{NAME}.xlsx").exists()


def test_an_edited_old_preview_is_kept_with_a_warning(tmp_path):
    decls, out = _project(tmp_path), tmp_path / "output"
    build([decls], out, ("docx", "xlsx", "html"))
    preview = out / f"{NAME}.html"
    preview.write_text(preview.read_text(encoding="utf-8") + "<!-- 我的批注 -->", "utf-8")
    source = decls / f"{NAME}.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "\n", "utf-8")
    report = build([decls], out, ("docx", "xlsx"))
    assert preview.exists() and "我的批注" in preview.read_text(encoding="utf-8")
    assert report.stale == [out / "index.html"]
    (warning,) = [p for p in report.problems if p.code == "W-OUTPUT-STALE"]
    assert warning.file == str(preview) and "没有删除" in warning.message


def test_asking_for_other_formats_keeps_what_still_matches(tmp_path):
    """Found by a fresh-eyes trial: `--format html` after a plain build deleted every .docx
    and .xlsx, though no declaration had changed. Files of formats not asked for are taken
    away only when the declaration changed."""
    decls, out = _project(tmp_path), tmp_path / "output"
    build([decls], out, ("docx", "xlsx"))
    before = {p.name: p.read_bytes() for p in out.glob(f"{NAME}.*")}
    report = build([decls], out, ("html",))
    assert report.stale == [] and (out / f"{NAME}.html").exists()
    assert {n: (out / n).read_bytes() for n in before} == before
    report = build([decls], out, ("docx", "xlsx"))  # and back: the preview still matches
    assert report.stale == [] and (out / f"{NAME}.html").exists()


def test_a_form_that_fails_now_says_its_old_files_are_old(tmp_path):
    """Found by a fresh-eyes trial: after an error the last good .docx/.xlsx stayed and
    looked current."""
    decls, out = _project(tmp_path), tmp_path / "output"
    build([decls], out)
    source = decls / f"{NAME}.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("年度: 2022", "年度: 二〇二二"), "utf-8"
    )
    report = build([decls], out)
    assert [r.ok for r in report.results] == [False]
    (note,) = [p for p in report.problems if p.code == "W-OUTPUT-OLD"]
    assert note.file == str(source) and f"{NAME}.docx" in note.message and "旧版本" in note.message


def test_the_last_line_counts_the_builds_own_warnings(tmp_path):
    """Found by a fresh-eyes trial: the note that old files are still there was printed as
    a warning, but the last line said 警告 0 条."""
    decls = _project(tmp_path)
    assert formgen("build", str(decls), "-o", "output", cwd=tmp_path).returncode == 0
    source = decls / f"{NAME}.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("年度: 2022", "年度: 二〇二二"), "utf-8"
    )
    run = formgen("build", str(decls), "-o", "output", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.count("警告 W-OUTPUT-OLD 这份申报这次没有生成") == 1  # with its code
    assert "失败 1 份，警告 1 条" in run.stdout


def test_a_form_held_back_by_an_edited_output_says_how_to_go_on(tmp_path):
    """Found by a fresh-eyes trial: the note said 'correct the error above' when the cause
    was an output edited by hand, which no change to the declaration corrects."""
    decls, out = _project(tmp_path), tmp_path / "output"
    build([decls], out)
    with (out / f"{NAME}.xlsx").open("ab") as fh:
        fh.write(b"\0")
    source = decls / f"{NAME}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("≥1200条次", "≥1300条次"), "utf-8")
    report = build([decls], out)
    (refused,) = report.failed
    assert [p.code for p in refused.problems] == ["E-OUTPUT-EDITED"]
    (note,) = [p for p in report.problems if p.code == "W-OUTPUT-OLD"]
    assert "--force" in note.hint and "改正上面的错误" not in note.hint
    assert "不要打印或报送" in note.hint


def test_an_edited_output_of_an_unchanged_declaration_calls_no_file_old(tmp_path):
    """Found by a fresh-eyes trial: with only the .xlsx edited by hand, the build called
    the untouched .docx "the old version, do not print it", though it is what the
    unchanged declaration makes."""
    decls, out = _project(tmp_path), tmp_path / "output"
    build([decls], out)
    docx = (out / f"{NAME}.docx").read_bytes()
    with (out / f"{NAME}.xlsx").open("ab") as fh:
        fh.write(b"\0")
    report = build([decls], out)
    (refused,) = report.failed
    assert [p.code for p in refused.problems] == ["E-OUTPUT-EDITED"]
    assert refused.problems[0].file == str(out / f"{NAME}.xlsx")
    assert [p.code for p in report.problems] == []
    assert (out / f"{NAME}.docx").read_bytes() == docx
