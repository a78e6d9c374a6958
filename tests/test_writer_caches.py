"""The writers cache pieces of XML across forms (labels and common values recur in every
form). A cached piece must depend on nothing but its key: each form's files are the same
bytes whether it is written first, with empty caches, or after every other form. Fast
paths are checked against the code they replaced."""

from __future__ import annotations

import pytest

from conftest import DECLARATIONS
from formgen import docx_writer, package, summary, xlsx_writer
from formgen.kinds.shenbao import layout
from formgen.loader import load
from formgen.measure import needed_height
from formgen.package import zip_bytes


def _clear_caches() -> None:
    for module in (docx_writer, xlsx_writer, package):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def _write_all(grids) -> list[tuple[bytes, bytes]]:
    return [
        (zip_bytes(docx_writer.docx_parts(g)), zip_bytes(xlsx_writer.xlsx_parts([g])))
        for g in grids
    ]


@pytest.fixture(scope="module")
def grids():
    paths = sorted(DECLARATIONS.glob("*.yaml"))
    assert len(paths) >= 6
    return [layout(load(p)) for p in paths]


def test_each_form_is_the_same_written_first_or_after_the_others(grids):
    alone = []
    for grid in grids:
        _clear_caches()
        alone += _write_all([grid])
    _clear_caches()
    forward = _write_all(grids)
    backward = _write_all(grids[::-1])[::-1]
    assert forward == alone
    assert backward == alone


# -- fast paths against their previous versions (frozen here) ---------------------------


def _paragraphs_before(text, align, rpr="", spacing="", keep_next=False):
    keep = "<w:keepNext/>" if keep_next else ""
    ppr = f'<w:pPr>{keep}{spacing}<w:jc w:val="{align}"/></w:pPr>'
    if not text:
        return f"<w:p>{ppr}</w:p>"
    return "".join(
        f"<w:p>{ppr}{docx_writer._run(line, rpr) if line else ''}</w:p>"
        for line in text.split("\n")
    )


def _tc_before(width, span, vmerge, body):
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    pr += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{body}</w:tc>"


TEXTS = [
    "",
    "项目名称",
    " 前导空格",
    "末尾空格 ",
    "≥95%",
    'A&B <c> "d"',
    "一\n二",
    "\n",
    "甲\n\n乙 ",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("keep_next", [False, True])
def test_paragraphs_one_line_fast_path_is_as_before(text, keep_next):
    for rpr in ("", "<w:rPr><w:b/></w:rPr>"):
        expected = _paragraphs_before(text, "center", rpr, keep_next=keep_next)
        assert docx_writer._paragraphs(text, "center", rpr, keep_next=keep_next) == expected


@pytest.mark.parametrize("vmerge", [None, "restart", "continue"])
@pytest.mark.parametrize("span", [1, 3])
def test_table_cell_is_as_before(vmerge, span):
    body = _paragraphs_before("项目", "left")
    assert docx_writer._tc(1234, span, vmerge, body) == _tc_before(1234, span, vmerge, body)


SUMMARY_TEXTS = [
    *TEXTS,
    "警告 2 个\n第 29 行 W-INDICATOR-L2 二级指标“数量”不是产出指标下的标准名称，是否为“数量指标”？",
    "错误 1 个\n\n第 7 行 E-KEY-UNKNOWN 不认识的键“项目名”，是否为“项目名称”？\n",
    "form_00001.yaml",
    "一个很长的项目名称，长到要换好几行才能写完的那种项目名称" * 3,
]


@pytest.mark.parametrize("text", SUMMARY_TEXTS)
@pytest.mark.parametrize("width_cm", [1.0, 3.2, 5.6])
@pytest.mark.parametrize("size_pt", [10.5, 12.0])
def test_summary_text_height_counted_by_paragraph_is_needed_height(text, width_cm, size_pt):
    assert summary.text_height(text, width_cm, size_pt) == needed_height(text, width_cm, size_pt)


# -- an output that already holds the bytes is left as it is ---------------------------


def test_put_leaves_a_file_with_the_same_bytes_and_rewrites_any_other(tmp_path):
    target = tmp_path / "form.docx"
    data = "表格".encode() * 100
    assert package.put(target, data) is True  # new
    stamp = target.stat().st_mtime_ns
    assert package.put(target, data) is False  # the same bytes: untouched
    assert target.stat().st_mtime_ns == stamp
    for other in (data[:-1], data + b"x", data[:-1] + b"y", b""):
        target.write_bytes(other)
        assert package.put(target, data) is True
        assert target.read_bytes() == data
    folder = tmp_path / "a folder"
    folder.mkdir()
    assert package.holds(folder, data) is False
    assert package.holds(tmp_path / "missing", data) is None  # no file: none to compare
