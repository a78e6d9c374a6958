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


# -- what to write under each key ------------------------------------------------------
# One place for the help a user sees: the editor schema's titles and descriptions and the
# comments `formgen new` writes. Keyed by key, or by `parent.key` where a key means
# different things in different places (年度 at the top vs 项目资金.年度).

KEY_HELP: dict[str, tuple[str, str]] = {
    "年度": (
        "年度",
        "必填（一个单位的各项目共用时可写在 _unit.yaml 中）。四位数的年份，如 2025；表头显示为“（2025年度）”",
    ),
    "项目名称": ("项目名称", "必填。项目的全称，与文件名一致为宜"),
    "主管部门": (
        "主管部门及代码",
        "可不写。如“中共宿州市委办公室（101001）”；写了则表中第二行为“主管部门及代码 | … | 实施单位 | …”",
    ),
    "实施单位": ("实施单位", "必填（可写在 _unit.yaml 中）。实施项目的单位全称"),
    "项目属性": ("项目属性", "可不写（表中留空）。如“新增项目”或“延续项目”"),
    "项目期": ("项目期", "可不写。如“长期”或“2025—2027年”"),
    "项目资金": (
        "项目资金（万元）",
        "单位：万元（已在表头），只写数字，如 360、12.5；没有的金额留空",
    ),
    "项目资金.中期": ("中期资金", "中期（三年）资金；没有中期资金时整段不写，表中留空"),
    "项目资金.年度": ("年度资金", "本年度资金"),
    "资金总额": ("资金总额", "只写数字（万元），如 120；应等于财政拨款与其他资金之和"),
    "财政拨款": ("其中：财政拨款", "只写数字（万元）；没有时留空"),
    "其他资金": ("其他资金", "只写数字（万元）；没有时留空"),
    "总体目标": ("总体目标", "必填。中期年度、中期目标和年度目标"),
    "中期年度": (
        "中期年度",
        "必填。起止年份，如“2025—2027”；表中显示为“中期目标（2025年—2027年）”",
    ),
    "中期目标": ("中期目标", "一段文字，或写成列表（每项在表中单独占一行）：做什么、做到什么程度"),
    "年度目标": (
        "年度目标",
        "一段文字，或写成列表（每项在表中单独占一行）：本年度做什么、做到什么程度",
    ),
    "绩效指标": ("绩效指标", "必填。一级指标 → 二级指标 → 各行三级指标，按表中顺序书写"),
    "年度二级指标": ("年度二级指标", "年度一侧的二级指标写法与中期不同时才写；各行放在“指标:”下"),
    "指标": ("指标", "本二级指标下的各行三级指标"),
    "三级指标": ("三级指标", "三级指标名称（中期、年度两侧同名时只写一次）；不适用时写“不适用”"),
    "中期三级指标": ("中期三级指标", "两侧名称不同时，中期一侧的三级指标名称"),
    "中期指标值": (
        "中期指标值",
        "可衡量的目标值，如“≥150家”“100%”“≤6小时”；没有中期一侧时连键也不写",
    ),
    "年度三级指标": ("年度三级指标", "两侧名称不同时，年度一侧的三级指标名称"),
    "年度指标值": ("年度指标值", "可衡量的目标值，如“≥50家”“100%”；没有年度一侧时连键也不写"),
    "标签": ("标签", "可不写。改动表中某个栏目的字样（格子不变），如“项目期: 项目日期”"),
}


def key_help(key: str, parent: str = "") -> tuple[str, str]:
    """(title, what to write) of a key; `parent` picks the meaning where a key has two."""
    return KEY_HELP.get(f"{parent}.{key}") or KEY_HELP.get(key) or (key, "")


# The 二级 slot a 2015-rules 成本指标 moves to under the 2021 guide, and back: typed skeletons
# list their lines by 二级 name, and a project's vocabulary decides where they go.
COST_SLOT = {"2015": ("产出指标", "成本指标"), "2021": ("成本指标", "经济成本指标")}


def home_of(level2: str, vocabulary: str) -> tuple[str, str] | None:
    """(一级, 二级) of a 二级 name in a vocabulary; a cost slot of the other one is mapped."""
    if level2 in (slot[1] for slot in COST_SLOT.values()):
        return COST_SLOT[vocabulary]
    for level1, names in VOCABULARY[vocabulary].items():
        if level2 in names:
            return level1, level2
    return None


# A value still to fill: `≥ __ 次`, `__`. Two or more underscores (or full-width ＿).
PLACEHOLDER = re.compile(r"_{2,}|＿+")

# What value a key takes where its place does not say (keys other form kinds read next to
# the 申报's, e.g. the 自评表's results): "amount" (万元, a number), "texts" (a text or a
# list of texts); any other key is one text. The editor schema follows this table.
KEY_TYPE: dict[str, str] = {}

# The fund rows of the 自评表 (年度资金总额, 其中：本年财政拨款, 上年结转资金, 其他资金), the keys
# of its 全年预算数 / 全年执行数 / 年初预算数 tables (KEY_TYPE "fund_rows").
EVAL_FUND_ROWS = ("资金总额", "本年财政拨款", "上年结转资金", "其他资金")
