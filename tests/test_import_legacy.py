"""Legacy and WPS formats (.xls .doc .et .wps) import through LibreOffice, one process per
target format for the whole batch; without LibreOffice each such file gets its own error."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from formstyles import FOOTER, Style, write_docx, write_xlsx
from test_import_styles import D, declaration, differences, other

from formgen.import_batch import import_paths
from formgen.loader import loads

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _soffice_convert(files: list[Path], to: str, outdir: Path) -> None:
    """The fixtures' own conversion (not formgen's): plain soffice, a throw-away profile."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                str(outdir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )


@pytest.fixture(scope="module")
def legacy(tmp_path_factory) -> Path:
    """Four legacy files made by LibreOffice from forms written here, and what each holds."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: legacy formats are not tested")
    made = tmp_path_factory.mktemp("made")
    folder = tmp_path_factory.mktemp("legacy")
    write_xlsx(
        other("道路养护"), Style(block_names="sparse", footer=FOOTER[:2]), made / "道路.xlsx"
    )
    write_xlsx(other("桥梁检测"), Style(group_names="repeated"), made / "桥梁.xlsx")
    write_docx(
        other("路灯维护"), Style(block_names="sparse", title_in_table=False), made / "路灯.docx"
    )
    write_docx(other("公交补贴"), Style(), made / "公交.docx")
    _soffice_convert([made / "道路.xlsx", made / "桥梁.xlsx"], "xls", folder)
    # LibreOffice 7.4 drops python-docx's tables going straight to .doc; through .odt they stay
    _soffice_convert([made / "路灯.docx", made / "公交.docx"], "odt", made)
    _soffice_convert([made / "路灯.odt", made / "公交.odt"], "doc", folder)
    (folder / "桥梁.xls").rename(folder / "桥梁.et")  # WPS's own names for the same formats
    (folder / "公交.doc").rename(folder / "公交.wps")
    return folder


def test_legacy_and_wps_files_import_field_by_field(legacy: Path, tmp_path: Path):
    out = tmp_path / "decl"
    report = import_paths([legacy], out, allow_unused=True)
    assert report.failed == 0, report.errors
    for stem, name in (
        ("道路", "道路养护"),
        ("桥梁", "桥梁检测"),
        ("路灯", "路灯维护"),
        ("公交", "公交补贴"),
    ):
        decl = loads((out / f"{stem}.yaml").read_bytes(), f"{stem}.yaml")
        assert differences(decl, declaration(other(name))) == [], stem
    text = "\n".join(report.lines)
    assert f"已写入：{legacy / '桥梁.et'} 申报表 → {out / '桥梁.yaml'}" in text
    assert f"已写入：{legacy / '公交.wps'} 表格1 → {out / '公交.yaml'}" in text
    # the report names the original file and its cells, never the converted copy
    assert [ln for ln in report.lines if ln.startswith("未用上")] == [
        f"未用上的单元格：{legacy / '道路.xls'} 申报表!A24：“{FOOTER[0]}”",
        f"未用上的单元格：{legacy / '道路.xls'} 申报表!E25：“{FOOTER[1]}”",
    ]
    assert (
        (out / "道路.yaml")
        .read_text(encoding="utf-8")
        .startswith("# 由 formgen import 从“道路.xls”导入")
    )


def test_without_libreoffice_each_legacy_file_says_what_to_do(tmp_path: Path):
    (tmp_path / "旧表").mkdir()
    for name in ("a.xls", "b.doc", "c.et", "d.wps"):
        (tmp_path / "旧表" / name).write_bytes(b"\xd0\xcf\x11\xe0 not really")
    write_xlsx(D, Style(), tmp_path / "旧表" / "新.xlsx")
    (tmp_path / "旧表" / "说明.txt").write_text("x", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "formgen", "import", "旧表", "-o", "decl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "FORMGEN_SOFFICE": str(tmp_path / "没有这个程序")},
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    for name, to in (("a.xls", "xlsx"), ("b.doc", "docx"), ("c.et", "xlsx"), ("d.wps", "docx")):
        assert (
            f"旧表/{name}: 错误：导入 .{name.split('.')[1]} 文件需要 LibreOffice（soffice）把它转换为 .{to}，本机没有找到"
            in run.stderr
        )
    assert run.stderr.count("另存为 .xlsx 或 .docx 后再导入") == 4
    assert "已忽略：旧表/说明.txt（不是 Word/Excel/WPS 表格文件" in run.stdout
    assert "已写入：旧表/新.xlsx 申报表 → decl/新.yaml" in run.stdout
    assert "失败 4 个" in run.stdout and "忽略的文件 1 个" in run.stdout
    assert (tmp_path / "decl" / "新.yaml").is_file()
