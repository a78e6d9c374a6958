"""`formgen import` on forms as units keep them: typed by hand in each style (names merged,
repeated or written once; footers; several sheets; Word rows cut at their own positions),
field by field against the declaration each fixture was made from."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
import yaml
from formstyles import FOOTER, NOTE, Style, write_docx, write_workbook, write_xlsx

from formgen.import_batch import import_paths
from formgen.importer import import_book, import_file, to_yaml
from formgen.loader import loads

# A declaration with what hand-typed forms hold: several 二级 under one 一级 with several lines
# each (the case that lost 4 of 8 数量指标 lines), one-sided lines, a 二级 named differently
# per side, a department, amounts with decimals.
D = {
    "年度": 2023,
    "项目名称": "乡村道路养护经费",
    "主管部门": "某县交通运输局（301001）",
    "实施单位": "某县公路事业发展中心",
    "项目属性": "延续项目",
    "项目期": "2023—2025年",
    "项目资金": {
        "中期": {"资金总额": "360", "财政拨款": "300", "其他资金": "60"},
        "年度": {"资金总额": "120.50", "财政拨款": "100", "其他资金": "20.50"},
    },
    "总体目标": {
        "中期年度": "2023—2025",
        "中期目标": "完成全县农村公路日常养护，路况优良率逐年提高。",
        "年度目标": ["目标1：养护农村公路 860 公里。", "目标2：完成危桥改造 3 座。"],
    },
    "绩效指标": {
        "产出指标": {
            "数量指标": [
                {"三级指标": "养护里程", "中期指标值": "≥2580公里", "年度指标值": "≥860公里"},
                {"三级指标": "危桥改造", "中期指标值": "9座", "年度指标值": "3座"},
                {"三级指标": "安全设施", "中期指标值": "≥300处", "年度指标值": "≥100处"},
                {"三级指标": "巡查次数", "中期指标值": "≥144次"},
            ],
            "质量指标": [
                {"三级指标": "优良路率", "中期指标值": "≥85%", "年度指标值": "≥80%"},
                {"三级指标": "验收合格率", "中期指标值": "100%", "年度指标值": "100%"},
            ],
            "时效指标": {
                "年度二级指标": "时效性指标",
                "指标": [
                    {"三级指标": "完成时间", "中期指标值": "2025年底", "年度指标值": "2023年底"},
                    {"年度三级指标": "季度报送", "年度指标值": "每季度"},
                ],
            },
        },
        "效益指标": {
            "社会效益指标": [
                {"三级指标": "群众出行条件", "中期指标值": "明显改善", "年度指标值": "有所改善"},
                {
                    "中期三级指标": "事故率",
                    "中期指标值": "下降",
                    "年度三级指标": "事故起数",
                    "年度指标值": "≤5起",
                },
            ],
        },
        "满意度指标": {
            "服务对象满意度指标": [
                {"三级指标": "沿线群众满意度", "中期指标值": "≥90%", "年度指标值": "≥90%"},
            ],
        },
    },
}

STYLES = {
    "merged": Style(),
    "sparse": Style(group_names="sparse", block_names="sparse", labels_vmerge=False),
    "repeated": Style(group_names="repeated", block_names="repeated"),
    "sparse-unmerged-wide": Style(
        group_names="sparse",
        block_names="sparse",
        labels_vmerge=False,
        hmerge=False,
        widths=(1, 2, 1, 3, 2, 1, 3, 2),
        offset=1,
        top_blank=1,
        title_in_table=False,
        half_width=True,
        split_labels=True,
        amounts_as_text=True,
    ),
    "footer": Style(block_names="sparse", footer=FOOTER + (NOTE,)),
    "footer-no-gap": Style(group_names="repeated", footer=FOOTER, footer_gap=False),
    "footer-paragraphs": Style(footer=FOOTER, footer_as_paragraphs=True),
    "docx-widths": Style(block_names="sparse", docx_grid="widths"),
    "docx-ragged": Style(block_names="sparse", docx_grid="ragged", seed=7, footer=FOOTER[:2]),
    "docx-ragged-merged": Style(docx_grid="ragged", seed=3, title_in_table=False),
}


def declaration(d: dict):
    return loads(
        yaml.safe_dump(d, allow_unicode=True, sort_keys=False).encode("utf-8"), "expected.yaml"
    )


def differences(got, want) -> list[str]:
    """Field by field: what differs between two Declarations (empty when they agree)."""
    out = []
    for f in dataclasses.fields(want):
        if f.name in ("source", "positions", "key_positions", "indicators"):
            continue
        if getattr(got, f.name) != getattr(want, f.name):
            out.append(f"{f.name}: {getattr(got, f.name)!r} != {getattr(want, f.name)!r}")
    groups = [
        (g.name, [(b.name, b.annual_name, b.lines) for b in g.blocks]) for g in got.indicators
    ]
    wanted = [
        (g.name, [(b.name, b.annual_name, b.lines) for b in g.blocks]) for g in want.indicators
    ]
    if [g[0] for g in groups] != [g[0] for g in wanted]:
        out.append(f"一级: {[g[0] for g in groups]} != {[g[0] for g in wanted]}")
    for (gname, blocks), (_, wblocks) in zip(groups, wanted, strict=False):
        if [b[:2] for b in blocks] != [b[:2] for b in wblocks]:
            out.append(f"{gname} 二级: {[b[:2] for b in blocks]} != {[b[:2] for b in wblocks]}")
        for (bname, _, lines), (_, _, wlines) in zip(blocks, wblocks, strict=False):
            if len(lines) != len(wlines):
                out.append(f"{gname}.{bname}: {len(lines)} 行 != {len(wlines)} 行")
            for i, (line, wline) in enumerate(zip(lines, wlines, strict=False)):
                if (line.mid, line.annual) != (wline.mid, wline.annual):
                    out.append(f"{gname}.{bname}[{i}]: {line} != {wline}")
    return out


def imported(path: Path):
    (form,) = import_file(path)
    return loads(to_yaml(form, path.name).encode("utf-8"), "imported.yaml"), form


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize("name", sorted(STYLES))
def test_each_style_imports_field_by_field(tmp_path: Path, name: str, fmt: str):
    style = STYLES[name]
    path = (write_xlsx if fmt == "xlsx" else write_docx)(D, style, tmp_path / f"表.{fmt}")
    decl, form = imported(path)
    assert differences(decl, declaration(D)) == []
    # 11 lines, every one of them (the sparse 二级 case lost 4 of 8 数量指标 lines)
    assert sum(len(b.lines) for g in decl.indicators for b in g.blocks) == 11
    assert [c.text for c in form.unused] == list(style.footer)
    assert form.notes == []


def test_sparse_names_make_no_empty_or_complex_keys(tmp_path: Path):
    path = write_xlsx(D, STYLES["sparse"], tmp_path / "稀.xlsx")
    (form,) = import_file(path)
    text = to_yaml(form, path.name)
    assert "? " not in text and "''" not in text and '""' not in text
    quantity = yaml.safe_load(text)["绩效指标"]["产出指标"]["数量指标"]
    assert [ln.get("三级指标") for ln in quantity] == [
        "养护里程",
        "危桥改造",
        "安全设施",
        "巡查次数",
    ]
    assert quantity[3] == {"三级指标": "巡查次数", "中期指标值": "≥144次"}


def test_footer_rows_are_reported_with_their_cells_never_imported(tmp_path: Path):
    style = Style(group_names="sparse", block_names="sparse", footer=FOOTER + (NOTE,), offset=1)
    path = write_xlsx(D, style, tmp_path / "尾.xlsx")
    (form,) = import_file(path)
    # worked out by hand: title, year, name, unit, attribute, 3 fund rows, 2 goal rows, the
    # header, 11 lines = rows 1-22; a blank row 23; the footer from row 24, in B and F
    assert [(c.where, c.text) for c in form.unused] == [
        ("申报表!B24", "填报人：张三"),
        ("申报表!F25", "联系电话：0557-1234567"),
        ("申报表!B26", "单位（盖章）"),
        ("申报表!F27", "填报日期：2023年1月5日"),
        ("申报表!B28", NOTE),
    ]
    names = str(form.data["绩效指标"])
    assert not any(word in names for word in ("张三", "盖章", "填报", "说明"))


def test_footer_typed_in_the_indicator_columns_ends_the_table(tmp_path: Path):
    path = write_xlsx(D, Style(block_names="sparse"), tmp_path / "尾.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    last = ws.max_row
    ws.cell(last + 1, 4, "填报人：李四")  # D: the mid 三级指标 column, no empty row between
    ws.cell(last + 1, 7, "审核人：王五")
    ws.cell(last + 2, 1, "单位负责人：赵六")
    wb.save(path)
    decl, form = imported(path)
    assert differences(decl, declaration(D)) == []
    assert [c.text for c in form.unused] == ["填报人：李四", "审核人：王五", "单位负责人：赵六"]


def test_a_name_that_comes_back_joins_its_block_and_is_reported(tmp_path: Path):
    path = write_xlsx(D, Style(block_names="sparse"), tmp_path / "重.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "质量指标":
                cell.value = (
                    "数量指标"  # 数量, 数量 (again, after 质量 in the source: now 数量 twice)
                )
            elif cell.value == "时效指标":
                cell.value = "质量指标"
    wb.save(path)
    decl, form = imported(path)
    output = decl.indicators[0]
    assert [b.name for b in output.blocks] == ["数量指标", "质量指标"]
    assert len(output.blocks[0].lines) == 6  # 4 + 2: nothing dropped
    assert [ln.mid.name for ln in output.blocks[0].lines if ln.mid][4:] == [
        "优良路率",
        "验收合格率",
    ]


def test_the_repeated_name_case_is_not_merged_silently_note_says_where(tmp_path: Path):
    d = {**D, "绩效指标": {"产出指标": {"数量指标": D["绩效指标"]["产出指标"]["数量指标"]}}}
    d["绩效指标"]["满意度指标"] = D["绩效指标"]["满意度指标"]
    path = write_xlsx(d, Style(group_names="sparse"), tmp_path / "回.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    last = ws.max_row
    for col, text in (
        (2, "产出指标"),
        (3, "数量指标"),
        (4, "第五行"),
        (5, "5"),
        (6, "数量指标"),
        (7, "第五行"),
        (8, "5"),
    ):
        ws.cell(last + 1, col, text)
    wb.save(path)
    (form,) = import_file(path)
    assert len(form.data["绩效指标"]["产出指标"]["数量指标"]) == 5
    assert len(form.notes) == 2 and all("已并入前面" in n for n in form.notes)
    assert form.notes[0].startswith(f"申报表!B{last + 1}：一级指标“产出指标”")


# -- several forms in one workbook --------------------------------------------------------


def other(name: str, **changes) -> dict:
    return {**D, "项目名称": name, **changes}


def test_workbook_of_a_whole_unit(tmp_path: Path):
    forms = [
        ("1", other("乡村道路养护经费"), STYLES["sparse"]),
        ("2", other("危桥改造/加固经费"), STYLES["footer"]),
        ("说明", None, None),
        ("3", other("乡村道路养护经费", 年度=2024), STYLES["repeated"]),
        ("4", other("CON"), STYLES["merged"]),
    ]
    path = write_workbook(
        [(t, d, s) for t, d, s in forms if d is not None],
        tmp_path / "全局.xlsx",
        extra_sheets=[("说明", {"A1": "本工作簿为 2023 年全部项目"}), ("空白", {})],
    )
    book = import_book(path)
    assert [f.sheet for f in book.forms] == ["1", "2", "3", "4"]
    assert [s for s, _ in book.skipped] == ["说明", "空白"]
    assert "找不到“项目名称”" in book.skipped[0][1] and book.skipped[1][1] == "是空白的"

    out = tmp_path / "decl"
    report = import_paths([path], out, allow_unused=True)
    assert report.failed == 0 and report.written == 4
    assert sorted(p.name for p in out.iterdir()) == [
        "_CON.yaml",
        "乡村道路养护经费-1.yaml",
        "乡村道路养护经费-2.yaml",
        "危桥改造_加固经费.yaml",
    ]
    text = "\n".join(report.lines)
    assert "已跳过：" + str(path) + " 说明：找不到“项目名称”" in text
    assert "已跳过：" + str(path) + " 空白：是空白的" in text
    assert (
        f"提示：{path} 1、{path} 3 会得到同一个文件名“乡村道路养护经费.yaml”，"
        "已分别写为 乡村道路养护经费-1.yaml、乡村道路养护经费-2.yaml" in text
    )
    second = loads((out / "乡村道路养护经费-2.yaml").read_bytes(), "x.yaml")
    assert differences(second, declaration(other("乡村道路养护经费", 年度=2024))) == []
    # the footer of sheet 2 and nothing else: 11 lines end at row 22, a blank row, then the
    # footer from row 24 alternating between columns A and E
    assert [ln for ln in report.lines if ln.startswith("未用上")] == [
        f"未用上的单元格：{path} 2!{ref}：“{t}”"
        for ref, t in zip(("A24", "E25", "A26", "E27", "A28"), FOOTER + (NOTE,), strict=True)
    ]


def test_random_styles_round_trip(tmp_path: Path):
    rng = random.Random(11)
    from formstyles import random_style

    for i in range(12):
        style = random_style(rng)
        for fmt, write in (("xlsx", write_xlsx), ("docx", write_docx)):
            path = write(D, style, tmp_path / f"{i}.{fmt}")
            decl, form = imported(path)
            assert differences(decl, declaration(D)) == [], (style, fmt)
            assert [c.text for c in form.unused] == list(style.footer), (style, fmt)


# -- import checks itself -------------------------------------------------------------------


def test_a_lost_line_is_refused_and_nothing_is_written(tmp_path: Path, monkeypatch):
    """Simulate the old bug (a block dropped while assembling): the self-check must find the
    lost cells by position and refuse the file."""
    from formgen import importer

    real = importer._assemble

    def drop_quality(chunks, line_ids):
        kept = [c for c in chunks if c.mid is None or c.mid.text != "质量指标"]
        return real(kept, line_ids)

    monkeypatch.setattr(importer, "_assemble", drop_quality)
    path = write_xlsx(D, Style(block_names="sparse"), tmp_path / "丢.xlsx")
    out = tmp_path / "decl"
    report = import_paths([path], out, allow_unused=True)
    assert report.failed == 1 and report.written == 0 and not out.exists()
    lost = [e for e in report.errors if e.code == "E-IMPORT-LOST"]
    # 质量指标 is in C16 (rows: 11 header, 12-15 数量指标); its two lines in D-E and G-H
    assert [e.file for e in lost] == [
        f"{path} 申报表!{ref}"
        for ref in ("C16", "D16", "E16", "F16", "G16", "H16", "D17", "E17", "G17", "H17")
    ]
    assert lost[1].format() == (
        f"{path} 申报表!D16: 错误：这个单元格的内容“优良路率”在导入结果中找不到，"
        "为免丢失，这张表没有写入\n  提示：这是 formgen 的缺陷，请把这个文件报告给维护人员；"
        "在此之前请手工录入这份申报"
    )


def test_a_form_with_a_defect_is_an_error_not_a_skipped_sheet(tmp_path: Path):
    d = other("缺一级")
    path = write_workbook(
        [("好", D, Style()), ("缺", d, Style(group_names="sparse"))], tmp_path / "两.xlsx"
    )
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["缺"]["B12"] = None  # the first 一级 name, written once (sparse): B12 is now empty
    wb.save(path)
    report = import_paths([path], tmp_path / "decl")
    assert report.failed == 1 and report.written == 1
    (error,) = report.errors
    assert error.code == "E-IMPORT-INCOMPLETE" and error.file == f"{path} 缺"
    assert error.message.startswith("缺!C12 起的指标行没有一级指标")  # its row, from C


def test_the_check_refuses_empty_and_complex_keys():
    from formgen.import_check import check
    from formgen.importer import Imported

    form = Imported({})
    empty = "年度: 2023\n项目名称: x\n实施单位: y\n总体目标:\n  中期年度: 2023—2025\n  中期目标: a\n  年度目标: b\n绩效指标:\n  '':\n    '':\n      - 三级指标: c\n        中期指标值: d\n"
    assert not check(form, empty, "x").ok
    complex_key = empty.replace("  '':\n    '':", "  ? |-\n      a\n      b\n  :\n    e:")
    result = check(form, complex_key, "x")
    assert not result.ok and "复杂键" in result.problems[0].message


def test_a_docx_with_two_forms_a_table_that_is_not_one_and_notes_after(tmp_path: Path):
    from docx import Document
    from docx.enum.text import WD_BREAK

    first = write_docx(D, Style(title_in_table=False), tmp_path / "a.docx")
    second = write_docx(other("危桥改造经费"), Style(title_in_table=False), tmp_path / "b.docx")
    doc = Document(first)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    small = doc.add_table(rows=1, cols=2)
    small.cell(0, 0).text, small.cell(0, 1).text = "附件", "无"
    end = doc.element.body[-1]  # w:sectPr: the body's content goes before it
    for element in list(Document(second).element.body):
        if element.tag.endswith(("}p", "}tbl")):
            end.addprevious(element)
    doc.add_paragraph("填表说明：以上两表由财务股汇总。")
    path = tmp_path / "两表.docx"
    doc.save(path)
    book = import_book(path)
    assert [f.name for f in book.forms] == ["乡村道路养护经费", "危桥改造经费"]
    assert book.skipped == [
        (
            "表格2",
            "找不到“项目名称”或绩效指标的表头（一级指标、二级指标……），这不像一张项目支出绩效目标申报表",
        )
    ]
    assert (
        differences(
            loads(to_yaml(book.forms[1], "x").encode(), "x"), declaration(other("危桥改造经费"))
        )
        == []
    )
    assert [(c.where, c.text) for c in book.forms[1].unused] == [
        ("表格后第 1 段", "填表说明：以上两表由财务股汇总。")
    ]


def test_a_self_evaluation_sheet_is_skipped_with_its_reason(tmp_path: Path):
    path = write_workbook(
        [("申报", D, Style())],
        tmp_path / "簿.xlsx",
        extra_sheets=[
            ("自评", {"A1": "项目支出绩效自评表", "A3": "项目名称", "B12": "一级指标"}),
        ],
    )
    book = import_book(path)
    assert [f.sheet for f in book.forms] == ["申报"] and book.defects == []
    assert book.skipped == [
        (
            "自评",
            "这是一张绩效自评表，不是申报表；自评结果用“formgen import 自评表文件 --into 申报文件.yaml”导入",
        )
    ]


def test_percent_and_date_cells_read_as_shown(tmp_path: Path):
    import datetime

    import openpyxl

    path = write_xlsx(D, Style(), tmp_path / "数.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "100%":  # 验收合格率, both sides
                cell.value, cell.number_format = 1, "0%"
            elif cell.value == "≥85%":
                cell.value, cell.number_format = 0.855, "0.0%"
            elif cell.value == "2023年底":
                cell.value, cell.number_format = (
                    datetime.datetime(2023, 12, 31),
                    'yyyy"年"m"月"d"日"',
                )
            elif cell.value == "2025年底":
                cell.value, cell.number_format = datetime.date(2025, 12, 1), "yyyy-mm-dd"
    wb.save(path)
    decl, form = imported(path)
    lines = {
        ln.mid.name: (ln.mid.value, ln.annual.value) for ln in decl.indicators[0].blocks[1].lines
    }
    assert lines == {"优良路率": ("85.5%", "≥80%"), "验收合格率": ("100%", "100%")}
    timing = decl.indicators[0].blocks[2].lines[0]
    assert (timing.mid.value, timing.annual.value) == ("2025-12-01", "2023年12月31日")
    assert form.unused == []


def test_a_written_grid_span_wins_over_stale_cell_widths(tmp_path: Path):
    """Word lays a table out by its grid and w:gridSpan; w:tcW is only a preferred width,
    often stale after editing. Widths made nonsense must not move any cell."""
    import zipfile

    path = write_docx(D, Style(), tmp_path / "宽.docx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    import re as _re

    stale = iter([300, 2500, 900, 4000, 150] * 1000)
    parts["word/document.xml"] = _re.sub(
        rb'<w:tcW w:w="\d+"',
        lambda _: f'<w:tcW w:w="{next(stale)}"'.encode(),
        parts["word/document.xml"],
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    decl, form = imported(path)
    assert differences(decl, declaration(D)) == [] and form.unused == []


def test_a_grid_without_widths_still_places_cells(tmp_path: Path):
    import re as _re
    import zipfile

    path = write_docx(D, Style(block_names="sparse"), tmp_path / "零.docx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = _re.sub(rb'<w:gridCol w:w="\d+"/>', b"<w:gridCol/>", parts["word/document.xml"])
    parts["word/document.xml"] = _re.sub(rb'<w:tcW w:w="\d+" w:type="dxa"/>', b"", xml)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    decl, form = imported(path)
    assert differences(decl, declaration(D)) == [] and form.unused == []


def test_two_forms_one_per_page_on_the_same_columns_stay_two(tmp_path: Path):
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document(write_docx(D, Style(), tmp_path / "a.docx"))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    end = doc.element.body[-1]
    second = Document(write_docx(other("危桥改造经费"), Style(), tmp_path / "b.docx"))
    for element in list(second.element.body):
        if element.tag.endswith(("}p", "}tbl")):
            end.addprevious(element)
    doc.save(tmp_path / "两页.docx")
    book = import_book(tmp_path / "两页.docx")
    assert [f.name for f in book.forms] == ["乡村道路养护经费", "危桥改造经费"]
    assert [f.unused for f in book.forms] == [[], []]


def test_names_that_begin_like_a_footer_word_are_lines_and_a_lone_text_ends_the_table(
    tmp_path: Path,
):
    d = other("回访")
    d["绩效指标"] = {
        "产出指标": {
            "数量指标": [
                {"三级指标": "电话回访率", "中期指标值": "≥95%", "年度指标值": "≥95%"},
                {"三级指标": "手机客户端下载量", "中期指标值": "≥3万次", "年度指标值": "≥1万次"},
                {"三级指标": "审核通过率", "中期指标值": "100%", "年度指标值": "100%"},
                {"三级指标": "注册用户", "中期指标值": "≥1万人", "年度指标值": "≥5000人"},
            ]
        },
        "满意度指标": D["绩效指标"]["满意度指标"],
    }
    path = write_xlsx(d, Style(block_names="sparse"), tmp_path / "回.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    last = ws.max_row
    ws.cell(last + 1, 4, "张三")  # a name alone under the table, in the 三级指标 column
    ws.cell(last + 2, 7, "2023年1月5日")  # a date alone, in the annual 三级指标 column
    ws.cell(last + 4, 4, "市民热线")  # a line-like row after an empty row: past the end
    ws.cell(last + 4, 5, "≥1条")
    wb.save(path)
    decl, form = imported(path)
    assert differences(decl, declaration(d)) == []
    assert [c.text for c in form.unused] == ["张三", "2023年1月5日", "市民热线", "≥1条"]


def test_a_line_with_a_blank_value_inside_the_table_is_a_line(tmp_path: Path):
    d = other("空值")
    d["绩效指标"] = {
        "产出指标": {
            "数量指标": [
                {"三级指标": "培训人次", "中期指标值": "≥300人次", "年度指标值": "≥100人次"},
                {"三级指标": "待定指标", "中期指标值": ""},  # one text in its row
                {"三级指标": "检查次数", "中期指标值": "≥6次"},
            ]
        },
        "满意度指标": D["绩效指标"]["满意度指标"],
    }
    path = write_xlsx(d, Style(block_names="sparse", group_names="sparse"), tmp_path / "空.xlsx")
    decl, form = imported(path)
    assert differences(decl, declaration(d)) == [] and form.unused == []


def test_held_back_run_says_which_form_waits_for_what(tmp_path: Path):
    clean = write_xlsx(D, Style(), tmp_path / "净.xlsx")
    noisy = write_xlsx(other("另一项目"), Style(footer=FOOTER[:1]), tmp_path / "杂.xlsx")
    out = tmp_path / "decl"
    report = import_paths([clean, noisy], out)
    assert report.held_back and report.failed == 0 and not out.exists()
    assert report.lines == [
        f"待写入（别的表有未用上的单元格，本次都没有写入）：{clean} 申报表 → {out / '净.yaml'}",
        f"待写入（核对下面列出的单元格后加 --allow-unused）：{noisy} 申报表 → {out / '杂.yaml'}",
        f"未用上的单元格：{noisy} 申报表!A24：“{FOOTER[0]}”",
    ]
    again = import_paths([clean, noisy], out, allow_unused=True)
    assert again.written == 2 and sorted(p.name for p in out.iterdir()) == sorted(
        ["杂.yaml", "净.yaml"]
    )
