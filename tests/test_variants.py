"""Layout cases the six forms do not show: the 主管部门 row, uneven sides, a side with no lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from formgen.docx_writer import write_docx
from formgen.kinds.shenbao import layout
from formgen.loader import loads
from formgen.xlsx_writer import sheet_name, write_xlsx
from gridio import read_docx, read_xlsx, unbroken_labels

VARIANT = """\
年度: 2023
项目名称: "某项目[2023]: 测试/试点*经费？以及一个很长很长很长的名字"
主管部门: 中共宿州市委办公室（101001）
实施单位: 某某办公室
项目属性: 新增项目
项目期: 三年
项目资金:
  中期:
    资金总额: 12.50
    财政拨款: 10
    其他资金: 2.5
  年度:
    资金总额: 4.5
    财政拨款: 4
    其他资金: 0.5
总体目标:
  中期年度: 2023-2025
  中期目标: |
    第一条
    第二条
  年度目标: 年度
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 甲
        中期指标值: ≥3次
        年度指标值: ≥1次
      - 三级指标: 乙
        中期指标值: ≥2次
      - 三级指标: 丙
        中期指标值: ≥1次
    质量指标:
      - 三级指标: 只有年度
        年度指标值: 100%
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 满意度
        中期指标值: ≥90%
        年度指标值: ≥90%
"""

# Written down from FORM.md for the declaration above (rows 1–2: title and year line).
EXPECTED = {
    "A1:H1": "项目支出绩效目标申报表",
    "A2:H2": "（2023年度）",
    "A3:B3": "项目名称",
    "C3:H3": "某项目[2023]: 测试/试点*经费？以及一个很长很长很长的名字",
    "A4:B4": "主管部门及代码",
    "C4:E4": "中共宿州市委办公室（101001）",
    "F4": "实施单位",
    "G4:H4": "某某办公室",
    "A5:B5": "项目属性",
    "C5:E5": "新增项目",
    "F5": "项目期",
    "G5:H5": "三年",
    "A6:B8": "项目资金（万元）",
    "C6": "中期资金总额：",
    "D6:E6": "12.50",
    "F6": "年度资金总额：",
    "G6:H6": "4.5",
    "C7": "其中：财政拨款",
    "D7:E7": "10",
    "F7": "其中：财政拨款",
    "G7:H7": "4",
    "C8": "其他资金",
    "D8:E8": "2.5",
    "F8": "其他资金",
    "G8:H8": "0.5",
    "A9:B10": "总体目标",
    "C9:E9": "中期目标（2023年—2025年）",
    "F9:H9": "年度目标",
    "C10:E10": "第一条\n第二条",
    "F10:H10": "年度",
    "A11:A16": "绩效指标",
    "B11": "一级指标",
    "C11": "二级指标",
    "D11": "三级指标",
    "E11": "指标值",
    "F11": "二级指标",
    "G11": "三级指标",
    "H11": "指标值",
    # 数量指标: three mid-term lines, one annual line; F is merged over the block all the same
    "B12:B15": "产出指标",
    "C12:C14": "数量指标",
    "D12": "甲",
    "E12": "≥3次",
    "F12:F14": "数量指标",
    "G12": "甲",
    "H12": "≥1次",
    "D13": "乙",
    "E13": "≥2次",
    "G13": "",
    "H13": "",
    "D14": "丙",
    "E14": "≥1次",
    "G14": "",
    "H14": "",
    # 质量指标: no mid-term line; C is an empty single cell, one-row blocks are not merged
    "C15": "",
    "D15": "",
    "E15": "",
    "F15": "质量指标",
    "G15": "只有年度",
    "H15": "100%",
    "B16": "满意度指标",
    "C16": "服务对象满意度指标",
    "D16": "满意度",
    "E16": "≥90%",
    "F16": "服务对象满意度指标",
    "G16": "满意度",
    "H16": "≥90%",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("variant")
    grid = layout(loads(VARIANT.encode(), "variant.yaml"))
    write_docx(grid, out / "v.docx")
    write_xlsx(grid, out / "v.xlsx")
    return out / "v.docx", out / "v.xlsx"


def test_variant_docx(files):
    assert unbroken_labels(read_docx(files[0])) == EXPECTED


def test_variant_xlsx(files):
    assert unbroken_labels(read_xlsx(files[1])) == EXPECTED


def test_amounts_are_number_cells_shown_as_written(files):
    import openpyxl

    ws = openpyxl.load_workbook(files[1]).worksheets[0]
    assert ws["D6"].value == 12.5 and ws["D6"].number_format == "0.00"
    assert ws["D7"].value == 10 and isinstance(ws["D7"].value, int)
    assert ws["G8"].value == 0.5 and ws["G8"].number_format == "0.0"


def test_sheet_named_after_project_within_excel_rules(files):
    import openpyxl

    name = openpyxl.load_workbook(files[1]).sheetnames[0]
    assert name == "某项目_2023__ 测试_试点_经费？以及一个很长很长很长的"
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert sheet_name("'引号'") == "引号"
    assert sheet_name("???") == "___"
    assert sheet_name("History") == "Sheet1"
