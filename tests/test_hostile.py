"""A catalogue of hostile and broken inputs: each gets a clean Chinese error or a correct form.

Nothing crashes, nothing a declaration says is executed, nothing is lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from formgen.build import MANIFEST, build
from formgen.errors import DeclarationError
from formgen.loader import loads
from gridio import read_docx, read_xlsx

GOOD = """\
年度: 2022
项目名称: 测试项目
实施单位: 某某办公室
项目资金:
  中期:
    资金总额: 30
    财政拨款: 30
  年度:
    资金总额: 10
    财政拨款: 10
总体目标:
  中期年度: 2022—2024
  中期目标: 中期
  年度目标: 年度
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 甲
        中期指标值: ≥3次
        年度指标值: ≥1次
  效益指标:
    社会效益指标:
      - 三级指标: 乙
        中期指标值: 持续提升
        年度指标值: 持续提升
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 丙
        中期指标值: 满意率≥90%
        年度指标值: 满意率≥90%
"""


def with_name(value: str) -> str:
    return GOOD.replace("项目名称: 测试项目", f"项目名称: {value}")


def deep_block(levels: int) -> str:
    lines = ["年度: 2022", "项目名称: x", "项目资金:"]
    lines += [" " * (2 * i) + f"k{i}:" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    + "项目名称: *i\n"
)

# (id, declaration bytes or text, line, column, words the message must contain)
ERRORS = [
    ("gbk-encoding", GOOD.encode("gbk"), 1, 1, "不是 UTF-8 编码"),
    ("utf16-bom", GOOD.encode("utf-16"), 1, 1, "UTF-16"),
    ("binary-png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, 1, "不是 UTF-8 编码"),
    ("empty-file", b"", 1, 1, "文件是空的"),
    ("only-comments", "# 只有注释\n# 没有内容\n", 1, 1, "文件是空的"),
    ("raw-nul-byte", with_name("测\x00试"), 2, 8, "控制字符 U+0000"),
    ("raw-bell", with_name("测\x07试"), 2, 8, "控制字符 U+0007"),
    ("escaped-control", with_name('"测\\x01试"'), 2, 7, "控制字符 U+0001"),
    ("escaped-nul", with_name('"\\u0000"'), 2, 7, "U+0000"),
    ("escaped-lone-surrogate", with_name('"\\ud800"'), 2, 10, "转义不是有效的字符"),
    ("escaped-noncharacter", with_name('"\\uffff"'), 2, 7, "U+FFFF"),
    ("escaped-vertical-tab", with_name('"a\\vb"'), 2, 7, "U+000B"),
    ("top-level-list", "- 年度: 2022\n- 项目名称: x\n", 1, 1, "应为若干“键: 值”"),
    ("top-level-scalar", "就一句话\n", 1, 1, "应为若干“键: 值”"),
    ("two-documents", GOOD + "---\n" + GOOD, 31, 1, "只能有一份申报"),
    ("tab-indent", GOOD.replace("  中期年度", "\t中期年度"), 12, 1, "Tab"),
    ("unclosed-quote", with_name('"测试'), 31, 1, "引号"),
    ("duplicate-top-key", GOOD + "年度: 2023\n", 31, 1, "重复出现"),
    (
        "duplicate-level1",
        GOOD + "  产出指标:\n    数量指标:\n      - 三级指标: 丁\n        中期指标值: 1次\n",
        31,
        3,
        "重复出现",
    ),
    (
        "anchor-alias",
        GOOD.replace("  年度目标: 年度", "  年度目标: *g").replace(
            "  中期目标: 中期", "  中期目标: &g 中期"
        ),
        13,
        9,
        "锚点",
    ),
    ("billion-laughs", BILLION_LAUGHS, 1, 4, "锚点"),
    ("python-object-tag", with_name("!!python/object/apply:os.system [echo pwned]"), 2, 7, "标签"),
    ("python-name-key-tag", GOOD + "!!python/name:os.system : x\n", 31, 1, "标签"),
    ("custom-tag", with_name("!secret x"), 2, 7, "标签"),
    ("binary-tag", with_name("!!binary aGVsbG8="), 2, 7, "标签"),
    ("merge-key", GOOD + "<<: {年度: 2023}\n", 31, 1, "标签"),
    ("deep-flow", "项目名称: " + "[" * 5000 + "]" * 5000 + "\n", 1, 7, "嵌套层数过深"),
    ("deep-dashes", "项目名称:\n" + "- " * 5000 + "x\n", 2, 1, "嵌套层数过深"),
    ("deep-indent", deep_block(200), 67, 1, "嵌套层数过深"),
    ("huge-cell", with_name("长" * 100_000), 2, 7, "超过了 Excel 单元格 32767 个字符的上限"),
    ("amount-exponent", GOOD.replace("资金总额: 30", "资金总额: 1e400"), 6, 11, "不是数字"),
    ("amount-nan", GOOD.replace("资金总额: 30", "资金总额: .nan"), 6, 11, "不是数字"),
    ("amount-inf", GOOD.replace("资金总额: 30", "资金总额: .inf"), 6, 11, "不是数字"),
    ("amount-bool", GOOD.replace("资金总额: 30", "资金总额: yes"), 6, 11, "不是数字"),
    (
        "amount-16-digits",
        GOOD.replace("资金总额: 30", "资金总额: 1234567890123456"),
        6,
        11,
        "15 位",
    ),
    ("amount-formula", GOOD.replace("资金总额: 30", "资金总额: '=SUM(A1:A9)'"), 6, 11, "不是数字"),
    ("year-five-digits", GOOD.replace("年度: 2022", "年度: 20222"), 1, 5, "四位数"),
    ("list-as-key", GOOD + "[a, b]: c\n", 31, 1, "键必须是一段文字"),
    ("mapping-as-text", with_name("{a: b}"), 2, 7, "应为一段文字"),
    ("huge-key", GOOD + "键" * 5000 + ": x\n", 31, 5001, "冒号"),
]


@pytest.mark.parametrize(
    "data, line, column, words", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_refused_with_position(data, line, column, words):
    with pytest.raises(DeclarationError) as info:
        loads(data.encode("utf-8") if isinstance(data, str) else data, "h.yaml")
    first = info.value.problems[0]
    assert (first.line, first.column) == (line, column), first.format()
    assert words in first.message + first.hint, first.format()
    assert first.format().startswith(f"h.yaml:{line}:{column}: 错误：")


def test_billion_laughs_is_one_problem():
    with pytest.raises(DeclarationError) as info:
        loads(BILLION_LAUGHS.encode(), "h.yaml")
    assert sum("别名" in p.message for p in info.value.problems) == 1


def test_fifty_megabyte_file_is_refused_unread(tmp_path: Path, monkeypatch):
    path = tmp_path / "大.yaml"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    real_read = Path.read_bytes

    def read_bytes(self):
        assert self != path, "an oversized declaration must be refused before it is read"
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = build([path], tmp_path / "out")
    (problem,) = report.failed[0].problems
    assert "50.0 MB" in problem.message and "上限" in problem.message


# -- text stays text --------------------------------------------------------------------


def _build_one(tmp_path: Path, text: str) -> tuple[dict, dict, Path]:
    source = tmp_path / "d" / "x.yaml"
    source.parent.mkdir(exist_ok=True)
    source.write_text(text, encoding="utf-8")
    report = build([source.parent], tmp_path / "o")
    assert not report.failed, [p.format() for r in report.failed for p in r.problems]
    return (
        read_docx(tmp_path / "o" / "x.docx"),
        read_xlsx(tmp_path / "o" / "x.xlsx"),
        tmp_path / "o" / "x.xlsx",
    )


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1:A2)", '=HYPERLINK("http://x")'])
def test_formula_injection_stays_text(tmp_path: Path, value: str):
    text = with_name(f"'{value}'").replace("中期指标值: ≥3次", f"中期指标值: '{value}'")
    docx, xlsx, path = _build_one(tmp_path, text)
    assert docx["C3:H3"] == xlsx["C3:H3"] == value and xlsx["E12"] == value
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


@pytest.mark.parametrize(
    "value", ["{{ 7*7 }}", "{% for x in range(9) %}x{% endfor %}", "${HOME}", "{# 注释 #}"]
)
def test_template_syntax_is_literal(tmp_path: Path, value: str):
    text = with_name(f"'{value}'") + f"标签:\n  项目期: '{value}'\n"
    docx, xlsx, _ = _build_one(tmp_path, text)
    assert docx["C3:H3"] == xlsx["C3:H3"] == value
    assert docx["F5"] == xlsx["F5"] == value


def test_characters_outside_the_bmp_and_invisible_ones_are_kept(tmp_path: Path):
    value = "𠀀𪚥項目😀\u200b\u202e末"
    docx, xlsx, _ = _build_one(tmp_path, with_name(f'"{value}"'))
    assert docx["C3:H3"] == xlsx["C3:H3"] == value


def test_xml_special_characters_round_trip(tmp_path: Path):
    value = "<w:t>&amp;\"'</w:t> ]]> <!--"
    docx, xlsx, _ = _build_one(tmp_path, with_name(json.dumps(value, ensure_ascii=False)))
    assert docx["C3:H3"] == xlsx["C3:H3"] == value


def test_surrounding_spaces_are_kept(tmp_path: Path):
    docx, xlsx, _ = _build_one(tmp_path, with_name("'  两边有空格  '"))
    assert docx["C3:H3"] == xlsx["C3:H3"] == "  两边有空格  "


def test_mixed_and_old_mac_line_endings_load(tmp_path: Path):
    mixed = GOOD.replace("\n", "\r\n", 10)
    assert loads(mixed.encode(), "m.yaml") == loads(GOOD.encode(), "m.yaml")
    assert loads(GOOD.replace("\n", "\r").encode(), "m.yaml") == loads(GOOD.encode(), "m.yaml")


# -- paths stay inside -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, words",
    [
        ("CON.yaml", "保留的设备名"),
        ("lpt1.yaml", "保留的设备名"),
        ("a:b.yaml", "不能用的字符"),
        ("问号?.yaml", "不能用的字符"),
        ("尾随空格 .yaml", "空格或句点结尾"),
    ],
)
def test_unsafe_output_names_are_refused(tmp_path: Path, name: str, words: str):
    decls = tmp_path / "d"
    decls.mkdir()
    (decls / name).write_text(GOOD, encoding="utf-8")
    (decls / "好.yaml").write_text(GOOD, encoding="utf-8")
    report = build([decls], tmp_path / "o")
    assert [r.stem for r in report.built] == ["好"]
    (problem,) = report.failed[0].problems
    assert words in problem.message and problem.file == str(decls / name)
    forms = (tmp_path / "o").glob("好.*x")  # beside them: the folder's summary, listing all
    assert sorted(p.name for p in forms) == ["好.docx", "好.xlsx"]
    assert not [p for p in (tmp_path / "o").iterdir() if not p.name.startswith(("好", "."))][1:]


@pytest.mark.parametrize("first, second", [("甲.yaml", "甲.yml"), ("Ab.yaml", "aB.yaml")])
def test_two_declarations_for_one_output_is_an_error(tmp_path: Path, first: str, second: str):
    decls = tmp_path / "d"
    decls.mkdir()
    (decls / first).write_text(GOOD, encoding="utf-8")
    (decls / second).write_text(with_name("另一个"), encoding="utf-8")
    report = build([decls], tmp_path / "o")
    assert len(report.built) == 1 and len(report.failed) == 1
    assert "同名的输出文件" in report.failed[0].problems[0].message


def test_tampered_manifest_never_deletes_outside_the_output(tmp_path: Path):
    victim = tmp_path / "victim.docx"
    victim.write_bytes(b"precious")
    out = tmp_path / "o"
    out.mkdir()
    import hashlib

    digest = hashlib.sha256(b"precious").hexdigest()
    (out / MANIFEST).write_text(
        json.dumps({"forms": {"../x": {"source": "gone.yaml", "outputs": {"victim.docx": digest}}}})
    )
    decls = tmp_path / "d"
    decls.mkdir()
    (decls / "好.yaml").write_text(GOOD, encoding="utf-8")
    build([decls], out)
    assert victim.read_bytes() == b"precious"


def test_a_folder_named_like_a_declaration_is_not_read(tmp_path: Path):
    decls = tmp_path / "d"
    (decls / "文件夹.yaml").mkdir(parents=True)
    (decls / "好.yaml").write_text(GOOD, encoding="utf-8")
    report = build([decls], tmp_path / "o")
    assert [r.stem for r in report.results] == ["好"]


# -- nothing lost -------------------------------------------------------------------------------


def test_interrupted_write_leaves_earlier_output_and_no_temporary(tmp_path: Path, monkeypatch):
    from formgen import package

    decls = tmp_path / "d"
    decls.mkdir()
    (decls / "x.yaml").write_text(GOOD, encoding="utf-8")
    build([decls], tmp_path / "o")
    before = (tmp_path / "o" / "x.docx").read_bytes()
    (decls / "x.yaml").write_text(with_name("新名字"), encoding="utf-8")

    def interrupted(fd, data):
        os.write(fd, data[:100])
        raise KeyboardInterrupt

    monkeypatch.setattr(package, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build([decls], tmp_path / "o")
    assert (tmp_path / "o" / "x.docx").read_bytes() == before
    assert not list((tmp_path / "o").glob(".*.tmp"))


def test_a_written_file_gets_the_permissions_open_gives(tmp_path: Path):
    """Temporary files are renamed into place: the form must end up with the mode any
    file the user creates there gets (0666 less the umask), not a private 0600."""
    import os
    import stat

    from formgen.package import put

    (tmp_path / "by_open").write_bytes(b"x")
    assert put(tmp_path / "by_put", b"x") is True
    mode = stat.S_IMODE(os.stat(tmp_path / "by_open").st_mode)
    assert stat.S_IMODE(os.stat(tmp_path / "by_put").st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["by_open", "by_put"]


def test_a_temporary_left_by_a_killed_build_is_not_reused(tmp_path: Path, monkeypatch):
    import itertools
    import os

    from formgen import package

    monkeypatch.setattr(package, "_temporaries", itertools.count(7))
    stale = tmp_path / f".x.docx.{os.getpid()}.7.tmp"
    stale.write_bytes(b"left by a build that was killed")
    (tmp_path / "x.docx").write_bytes(b"old bytes")  # replaced through a temporary file
    assert package.put(tmp_path / "x.docx", b"new bytes") is True
    assert (tmp_path / "x.docx").read_bytes() == b"new bytes"
    assert stale.read_bytes() == b"left by a build that was killed"
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "x.docx"]


def test_unwritable_output_names_the_file_and_the_reason(tmp_path: Path, monkeypatch):
    from formgen import package

    def refuse(path):  # tests run as root, whom a read-only folder does not stop
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(package, "_create_temporary", refuse)
    monkeypatch.setattr(package, "_create_unnamed", refuse)
    decls = tmp_path / "d"
    decls.mkdir()
    (decls / "x.yaml").write_text(GOOD, encoding="utf-8")
    report = build([decls], tmp_path / "o")
    (problem,) = report.failed[0].problems
    assert problem.file == str(tmp_path / "o" / "x.docx")
    assert "无法写入输出文件：Permission denied" in problem.message and "是否可写" in problem.hint


def test_build_never_writes_into_declarations(project: Path):
    def snapshot():
        return {
            p: (p.stat().st_mtime_ns, p.stat().st_size)
            for p in (project / "declarations").rglob("*")
        }

    before = snapshot()
    subprocess.run(
        [sys.executable, "-m", "formgen", "build"], cwd=project, check=True, capture_output=True
    )
    subprocess.run([sys.executable, "-m", "formgen", "check"], cwd=project, capture_output=True)
    assert snapshot() == before


def test_never_a_traceback_from_the_command(tmp_path: Path):
    """Every catalogue entry at once through `formgen build`: Chinese errors, exit 1, no traceback."""
    decls = tmp_path / "declarations"
    decls.mkdir()
    for name, data, *_ in ERRORS:
        (decls / f"{name}.yaml").write_bytes(
            data.encode("utf-8") if isinstance(data, str) else data
        )
    (decls / "好.yaml").write_text(GOOD, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "formgen", "build"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    for name, *_ in ERRORS:
        assert f"未生成：declarations/{name}.yaml" in run.stderr, name
    assert f"失败 {len(ERRORS)} 份" in run.stdout
    assert (tmp_path / "output" / "好.docx").exists()


def test_debug_shows_the_traceback_of_an_internal_error(tmp_path: Path):
    code = (
        "import sys, formgen.build as b\n"
        "def boom(*a, **k):\n    raise RuntimeError('故意的')\n"
        "b.build = boom\n"
        "from formgen.cli import main\nsys.argv = ['formgen'] + sys.argv[1:]\nmain()\n"
    )
    (tmp_path / "declarations").mkdir()
    quiet = subprocess.run(
        [sys.executable, "-c", code, "build"], cwd=tmp_path, capture_output=True, text=True
    )
    assert quiet.returncode == 2 and "内部错误：RuntimeError: 故意的" in quiet.stderr
    assert "Traceback" not in quiet.stderr
    loud = subprocess.run(
        [sys.executable, "-c", code, "--debug", "build"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "Traceback" in loud.stderr
