"""The words of the declaration format, in one place: keys, patterns, indicator names.

The loader, the rules, the importer, the layout and the editor schema all speak
this vocabulary; defining it once keeps them from drifting apart.
"""

from __future__ import annotations

import functools
import re

# -- the declaration's keys, in the order the form shows them -----------------

TOP_KEYS = (
    "年度",
    "项目名称",
    "主管部门",
    "实施单位",
    "项目属性",
    "项目期",
    "项目资金",
    "总体目标",
    "绩效指标",
    "标签",
)
TOP_REQUIRED = ("年度", "项目名称", "实施单位", "总体目标", "绩效指标")
FUND_SIDES = ("中期", "年度")
FUND_KEYS = ("资金总额", "财政拨款", "其他资金")
GOAL_KEYS = ("中期年度", "中期目标", "年度目标")
BLOCK_KEYS = ("年度二级指标", "指标")
LINE_KEYS = ("三级指标", "中期三级指标", "中期指标值", "年度三级指标", "年度指标值")
SIDES = ("中期", "年度")  # the two sides of an indicator line

UNIT_FILE = "_unit.yaml"
# What a unit file may give its folder's declarations; a declaration's own value wins.
UNIT_KEYS = ("年度", "主管部门", "实施单位", "项目属性", "项目期", "标签")

# -- value patterns -------------------------------------------------------------

NUMBER = r"\d+(?:\.\d+)?"
PLAIN_NUMBER = re.compile(NUMBER)  # an amount as typed: no sign, unit or digit groups
SPAN = re.compile(r"^\s*(\d{4})\s*年?\s*(?:—|–|-|~|～|至|到)+\s*(\d{4})\s*年?\s*$")
YEAR = re.compile(r"\s*\d{4}\s*")


def line_field(block_path: str, index: int) -> str:
    """Field path of an indicator line: `绩效指标.产出指标.数量指标[2]`."""
    return f"{block_path}[{index}]"


def side_field(line_path: str, side: str, what: str) -> str:
    """Field path of one side of a line: `…[2].年度指标值` (what: 三级指标 or 指标值)."""
    return f"{line_path}.{side}{what}"


# -- indicator vocabularies -------------------------------------------------------

# 一级 → its standard 二级 names.
VOCABULARY = {
    "2015": {  # 财政部 2015 年《中央部门预算绩效目标管理办法》
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
    "2021": {  # 2021 年绩效指标体系指引：成本指标成为一级指标
        "产出指标": ("数量指标", "质量指标", "时效指标"),
        "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
}
VOCABULARIES = tuple(VOCABULARY)
REQUIRED_L1 = ("产出指标", "效益指标", "满意度指标")
NOT_APPLICABLE = "不适用"


# -- did you mean ---------------------------------------------------------------------


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@functools.lru_cache(maxsize=4096)
def _closest(name: str, candidates: tuple[str, ...]) -> str | None:
    best = min(candidates, key=lambda c: (edit_distance(name, c), c), default=None)
    if best is not None and edit_distance(name, best) <= max(2, len(best) // 2):
        return best
    return None


def closest(name: str, candidates) -> str | None:
    """The candidate nearest by edit distance, if near enough to be a slip (names repeat
    across a unit's forms, so the answers are cached). Keys typed with a full-width colon
    or space are compared without it."""
    return _closest(name.strip(" :：\u3000"), tuple(candidates))
