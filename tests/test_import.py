"""`formgen import`: bundled forms round-trip through both formats; forms made elsewhere import
field by field; cells nobody recognised are reported, never lost."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from conftest import DECLARATIONS
from formgen.build import build
from formgen.importer import import_file, to_yaml
from formgen.loader import load, loads
from gridio import read_xlsx

STEMS = sorted(p.stem for p in DECLARATIONS.glob("*.yaml"))


def same(a, b):
    return dataclasses.replace(a, source="") == dataclasses.replace(b, source="")


def imported_declaration(path: Path):
    (form,) = import_file(path)
    return loads(to_yaml(form, path.name).encode("utf-8"), "imported.yaml"), form


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("stem", STEMS)
def test_bundled_forms_round_trip(built: Path, stem: str, fmt: str):
    original = load(DECLARATIONS / f"{stem}.yaml")
    decl, form = imported_declaration(built / f"{stem}.{fmt}")
    assert form.unused == []
    assert same(decl, original)


# -- forms made elsewhere ------------------------------------------------------------------

# The declaration every foreign fixture below is made from (what the import must give back).
EXPECTED = """\
年度: 2023
项目名称: 外来项目
实施单位: 某县某局
项目属性: 新增项目
项目期: 三年
项目资金:
  中期:
    资金总额: 80
    财政拨款: 70
    其他资金: 10
  年度:
    资金总额: 30
    财政拨款: 30
总体目标:
  中期年度: 2023—2025
  中期目标: 三年内完成某项工作。
  年度目标:
    - 目标1：完成第一阶段。
    - 目标2：开展培训。
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 培训人次
        中期指标值: ≥300人次
        年度指标值: ≥100人次
      - 三级指标: 检查次数
        中期指标值: ≥6次
        年度指标值: ≥2次
    质量指标:
      - 三级指标: 合格率
        中期指标值: 100%
        年度指标值: 100%
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 满意度
        中期指标值: ≥90%
        年度指标值: ≥90%
"""

LINES = [  # (一级, 二级, 三级, mid value, annual value)
    ("产出指标", "数量指标", "培训人次", "≥300人次", "≥100人次"),
    ("产出指标", "数量指标", "检查次数", "≥6次", "≥2次"),
    ("产出指标", "质量指标", "合格率", "100%", "100%"),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "≥90%"),
]


def expected(text: str = EXPECTED):
    return loads(text.encode("utf-8"), "expected.yaml")


def foreign_xlsx(
    path: Path,
    *,
    amounts=("80", "70", "10", "30", "30", ""),
    stray: str | None = None,
    annual_missing: bool = False,
) -> Path:
    """Ten columns instead of eight, labels spanning three, half-width punctuation, the title
    inside the sheet, an empty row, amounts as text with units, 一级/二级 repeated on every row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    ws.append(["项目支出绩效目标申报表"])
    ws.append(["(2023年度)"])
    ws.append([])  # an extra empty row
    ws.append(["项目名称", None, None, "外来项目"])
    ws.append(["实施单位 ", None, None, "某县某局"])
    ws.append(["项目属性", None, None, "新增项目", None, None, "项目期", None, "三年"])
    ws.append(
        [
            "项目资金(万元)",
            None,
            None,
            "中期资金总额:",
            None,
            amounts[0],
            "年度资金总额:",
            None,
            amounts[3],
        ]
    )
    ws.append(
        [None, None, None, "其中: 财政拨款", None, amounts[1], "其中: 财政拨款", None, amounts[4]]
    )
    ws.append([None, None, None, "其他资金", None, amounts[2], "其他资金", None, amounts[5]])
    ws.append(["总体目标", None, None, "中期目标(2023年-2025年)", None, None, "年度目标"])
    ws.append(
        [
            None,
            None,
            None,
            "三年内完成某项工作。",
            None,
            None,
            "目标1：完成第一阶段。\n目标2：开展培训。",
        ]
    )
    ws.append(
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            None,
            "二级指标",
            "三级指标",
            "指标值",
        ]
    )
    for l1, l2, l3, mid, annual in LINES:
        if annual_missing and l2 == "质量指标":
            ws.append([None, l1, l2, l3, mid, None])
        else:
            ws.append([None, l1, l2, l3, mid, None, l2, l3, annual])
    for rng in (
        "A1:J1",
        "A2:J2",
        "A4:C4",
        "D4:J4",
        "A5:C5",
        "D5:J5",
        "A6:C6",
        "D6:F6",
        "G6:H6",
        "I6:J6",
        "A7:C9",
        "A10:C11",
        "D10:F10",
        "G10:J10",
        "D11:F11",
        "G11:J11",
    ):
        ws.merge_cells(rng)
    if stray:
        ws["J14"] = stray
    wb.save(path)
    return path


def foreign_docx(
    path: Path, *, title_in_table: bool = False, department: bool = False, widths_only: bool = False
) -> Path:
    """A Word table built row by row with python-docx: rows of different cell counts (gridSpan),
    vertical merges, the title as paragraphs or as the table's first row."""
    doc = Document()
    rows = []
    if title_in_table:
        rows += [[("项目支出绩效目标申报表", 8)], [("（2023年度）", 8)]]
    else:
        doc.add_paragraph("项目支出绩效目标申报表")
        doc.add_paragraph("（2023年度）")
    rows.append([("项目名称", 2), ("外来项目", 6)])
    if department:
        rows.append(
            [("主管部门及代码", 2), ("某县政府（100200）", 3), ("实施单位", 1), ("某县某局", 2)]
        )
    else:
        rows.append([("实施单位", 2), ("某县某局", 6)])
    rows += [
        [("项目属性", 2), ("新增项目", 3), ("项目期", 1), ("三年", 2)],
        [
            ("项目资金（万元）", 2, "restart"),
            ("中期资金总额：", 1),
            ("80万元", 2),
            ("年度资金总额：", 1),
            ("30", 2),
        ],
        [("", 2, "continue"), ("其中：财政拨款", 1), ("70", 2), ("其中：财政拨款", 1), ("30", 2)],
        [("", 2, "continue"), ("其他资金", 1), ("10", 2), ("其他资金", 1), ("", 2)],
        [("总体目标", 2, "restart"), ("中期目标（2023年—2025年）", 3), ("年度目标", 3)],
        [
            ("", 2, "continue"),
            ("三年内完成某项工作。", 3),
            ("目标1：完成第一阶段。\n目标2：开展培训。", 3),
        ],
        [
            ("绩效指标", 1, "restart"),
            ("一级指标", 1),
            ("二级指标", 1),
            ("三级指标", 1),
            ("指标值", 1),
            ("二级指标", 1),
            ("三级指标", 1),
            ("指标值", 1),
        ],
    ]
    previous = (None, None)
    for l1, l2, l3, mid, annual in LINES:
        b = ("", 1, "continue") if l1 == previous[0] else (l1, 1, "restart")
        c = ("", 1, "continue") if (l1, l2) == previous else (l2, 1, "restart")
        rows.append([("", 1, "continue"), b, c, (l3, 1), (mid, 1), c, (l3, 1), (annual, 1)])
        previous = (l1, l2)
    table = doc.add_table(rows=0, cols=8)
    grid_width = 1000
    tbl = table._tbl
    for gc in tbl.tblGrid.findall(qn("w:gridCol")):
        gc.set(qn("w:w"), str(grid_width))
    for spec in rows:
        tr = OxmlElement("w:tr")
        tbl.append(tr)
        for text, span, *merge in spec:
            tc = OxmlElement("w:tc")
            pr = OxmlElement("w:tcPr")
            width = OxmlElement("w:tcW")
            width.set(qn("w:w"), str(grid_width * span))
            width.set(qn("w:type"), "dxa")
            pr.append(width)
            if span > 1 and not widths_only:
                gs = OxmlElement("w:gridSpan")
                gs.set(qn("w:val"), str(span))
                pr.append(gs)
            if merge:
                vm = OxmlElement("w:vMerge")
                if merge[0] == "restart":
                    vm.set(qn("w:val"), "restart")
                pr.append(vm)
            tc.append(pr)
            for line in text.split("\n"):
                p = OxmlElement("w:p")
                r = OxmlElement("w:r")
                t = OxmlElement("w:t")
                t.text = line
                r.append(t)
                p.append(r)
                tc.append(p)
            tr.append(tc)
    doc.save(path)
    return path


def test_xlsx_other_geometry_punctuation_and_units(tmp_path: Path):
    path = foreign_xlsx(
        tmp_path / "外来.xlsx", amounts=("80万元", "70 万元", "１０", "30万元", "30", "")
    )
    decl, form = imported_declaration(path)
    assert form.unused == []
    assert same(decl, expected())


def test_xlsx_with_one_side_missing(tmp_path: Path):
    decl, _ = imported_declaration(foreign_xlsx(tmp_path / "缺.xlsx", annual_missing=True))
    text = EXPECTED.replace(
        """      - 三级指标: 合格率
        中期指标值: 100%
        年度指标值: 100%""",
        """      - 三级指标: 合格率
        中期指标值: 100%""",
    )
    assert same(decl, expected(text))
    quality = decl.indicators[0].blocks[1]
    assert quality.annual_lines == () and quality.mid_lines[0].value == "100%"


def test_docx_ragged_rows_with_title_above(tmp_path: Path):
    decl, form = imported_declaration(foreign_docx(tmp_path / "外来.docx"))
    assert form.unused == []
    assert same(decl, expected())


def test_docx_title_inside_the_table_and_department(tmp_path: Path):
    decl, form = imported_declaration(
        foreign_docx(tmp_path / "外来.docx", title_in_table=True, department=True)
    )
    assert form.unused == []
    assert same(
        decl,
        expected(
            EXPECTED.replace(
                "实施单位: 某县某局", "主管部门: 某县政府（100200）\n实施单位: 某县某局"
            )
        ),
    )


def test_docx_cells_placed_by_width_without_gridspan(tmp_path: Path):
    decl, form = imported_declaration(foreign_docx(tmp_path / "宽.docx", widths_only=True))
    assert form.unused == []
    assert same(decl, expected())


def test_build_of_import_carries_every_text_into_the_form_grid(tmp_path: Path):
    path = foreign_xlsx(tmp_path / "外来.xlsx", amounts=("80万元", "70", "10", "30", "30", ""))
    (form,) = import_file(path)
    decls = tmp_path / "declarations"
    decls.mkdir()
    (decls / "外来.yaml").write_text(to_yaml(form, path.name), encoding="utf-8")
    report = build([decls], tmp_path / "out")
    assert not report.failed, [p.format() for r in report.failed for p in r.problems]
    grid = read_xlsx(tmp_path / "out" / "外来.xlsx")
    assert grid["C3:H3"] == "外来项目" and grid["C4:H4"] == "某县某局"
    assert (grid["C5:E5"], grid["G5:H5"]) == ("新增项目", "三年")
    assert (
        grid["D6:E6"],
        grid["D7:E7"],
        grid["D8:E8"],
        grid["G6:H6"],
        grid["G7:H7"],
        grid["G8:H8"],
    ) == ("80", "70", "10", "30", "30", "")
    assert grid["C9:E9"] == "中期目标（2023年—2025年）"
    assert grid["F10:H10"] == "目标1：完成第一阶段。\n目标2：开展培训。"
    assert (grid["B12:B14"], grid["C12:C13"], grid["D12"], grid["E12"], grid["H13"]) == (
        "产出指标",
        "数量指标",
        "培训人次",
        "≥300人次",
        "≥2次",
    )
    assert (grid["B15"], grid["F15"], grid["G15"], grid["H15"]) == (
        "满意度指标",
        "服务对象满意度指标",
        "满意度",
        "≥90%",
    )


def test_unused_cells_are_reported_and_fail_the_command(tmp_path: Path):
    path = foreign_xlsx(tmp_path / "多.xlsx", stray="备注：此表仅供参考")
    (form,) = import_file(path)
    assert [(c.where, c.text) for c in form.unused] == [("申报表!J14", "备注：此表仅供参考")]

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "formgen", "import", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    first = run("多.xlsx", "-o", "decl")
    assert first.returncode == 1
    assert "未用上的单元格：多.xlsx 申报表!J14：“备注：此表仅供参考”" in first.stdout
    assert "未写入任何申报文件" in first.stderr and "--allow-unused" in first.stderr
    assert not (tmp_path / "decl").exists()  # nothing written

    dry = run("多.xlsx", "-o", "decl", "--dry-run")
    assert dry.returncode == 1 and not (tmp_path / "decl").exists()
    assert dry.stdout.startswith("# ===== decl/多.yaml =====\n# 由 formgen import 从“多.xlsx”导入")

    again = run("多.xlsx", "-o", "decl", "--allow-unused")
    assert again.returncode == 0, again.stderr
    written = (tmp_path / "decl" / "多.yaml").read_text(encoding="utf-8")
    assert written == dry.stdout.split("\n", 1)[1].rstrip("\n") + "\n"
    assert list(yaml.safe_load(written))[:3] == ["年度", "项目名称", "实施单位"]

    rerun = run("多.xlsx", "-o", "decl", "--allow-unused")
    assert rerun.returncode == 0 and "已存在且内容相同" in rerun.stdout
    (tmp_path / "decl" / "多.yaml").write_text("# 改过\n" + written, encoding="utf-8")
    changed = run("多.xlsx", "-o", "decl", "--allow-unused")
    assert changed.returncode == 1 and "文件已存在且内容不同，未覆盖" in changed.stderr
    forced = run("多.xlsx", "-o", "decl", "--allow-unused", "--force")
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "decl" / "多.yaml").read_text(encoding="utf-8") == written


def test_not_a_form(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便一张表"
    wb.save(tmp_path / "别的.xlsx")
    (tmp_path / "坏.docx").write_bytes(b"not a zip")
    run = subprocess.run(
        [sys.executable, "-m", "formgen", "import", "别的.xlsx", "坏.docx", "-o", "d"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "别的.xlsx: 错误：找不到“项目名称”" in run.stderr
    assert "坏.docx: 错误：无法读取 坏.docx" in run.stderr
