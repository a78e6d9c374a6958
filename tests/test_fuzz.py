"""Generated declarations: a clean formgen error, or files that read back to the grid the
declaration implies (an oracle written here from FORM.md, not formgen's layout)."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from formgen.docx_writer import write_docx
from formgen.errors import DeclarationError
from formgen.kinds.shenbao import layout
from formgen.loader import loads
from formgen.xlsx_writer import write_xlsx
from gridio import read_docx, read_xlsx, ref, unbroken_labels

CJK = re.compile(r"[\u4e00-\u9fff]")

plain = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=12)
wild = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
controls = st.text(st.characters(codec="utf-8", categories=("Cc",)), min_size=1, max_size=3)
long_text = st.text(st.sampled_from("测试文字长句，。"), min_size=500, max_size=3000)
texts = st.one_of(plain, plain, plain, plain, wild, long_text)
required = st.one_of(plain.filter(bool), plain.filter(bool), plain.filter(bool), texts)
# An empty 三级指标 is refused (E-NAME-EMPTY, tested on its own in test_typing_slips):
# with dozens of lines a form, even a rare empty name would refuse most forms here.
line_names = st.one_of(plain.filter(str.strip), long_text)
amounts = st.one_of(
    st.none(),
    st.integers(0, 10**9).map(str),
    st.decimals(0, 10**6, places=2, allow_nan=False).map(str),
)


def line_entry(mid, annual) -> tuple[dict, tuple | None, tuple | None]:
    line: dict = {}
    if mid and annual and mid[0] == annual[0]:
        line["三级指标"] = mid[0]
    else:
        if mid:
            line["中期三级指标"] = mid[0]
        if annual:
            line["年度三级指标"] = annual[0]
    if mid:
        line["中期指标值"] = mid[1]
    if annual:
        line["年度指标值"] = annual[1]
    return line, mid, annual


@st.composite
def blocks(draw):
    """A block's lines as the format allows them: on each side the lines run without a gap,
    so lines with both sides come first, then lines of one side only (the longer side)."""
    side = st.tuples(line_names, texts)  # (三级指标, 指标值)
    both = draw(st.lists(st.tuples(side, side), max_size=4))
    longer = draw(st.sampled_from(("中期", "年度")))
    extra = draw(st.lists(side, min_size=0 if both else 1, max_size=3))
    lines = [line_entry(m, a) for m, a in both]
    lines += [line_entry(e, None) if longer == "中期" else line_entry(None, e) for e in extra]
    return lines


names = st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=8)


@st.composite
def declarations(draw):
    groups = draw(
        st.dictionaries(
            names,
            st.dictionaries(names, blocks(), min_size=1, max_size=4),
            min_size=1,
            max_size=4,
        )
    )
    data = {
        "年度": draw(st.integers(2000, 2100)),
        "项目名称": draw(required),
        "实施单位": draw(required),
        "项目属性": draw(st.one_of(st.none(), texts)),
        "项目期": draw(st.one_of(texts, texts, texts, controls)),  # sometimes what XML cannot carry
        "项目资金": {
            side: {k: draw(amounts) for k in ("资金总额", "财政拨款", "其他资金")}
            for side in ("中期", "年度")
        },
        "总体目标": {
            "中期年度": "2022—2024",
            "中期目标": draw(texts),
            "年度目标": draw(st.lists(texts, max_size=4)),
        },
        "绩效指标": {
            l1: {l2: [ln[0] for ln in block] for l2, block in l2s.items()}
            for l1, l2s in groups.items()
        },
    }
    if draw(st.booleans()):
        data["主管部门"] = draw(texts)
    if draw(st.integers(0, 9)) == 9:  # not 0: hypothesis favours the small end
        data.pop(
            draw(st.sampled_from(["项目名称", "实施单位", "总体目标", "年度"]))
        )  # a missing part
    return data, groups


def expected_grid(data: dict, groups: dict) -> dict[str, str]:
    """FORM.md, cell by cell, for the generated data (a CR is a line break, as in YAML)."""
    g = {
        ref(1, 1, 1, 8): "项目支出绩效目标申报表",
        ref(2, 1, 1, 8): f"（{data['年度']}年度）",
        "A3:B3": "项目名称",
        "C3:H3": data["项目名称"],
    }
    if data.get("主管部门"):
        g.update(
            {
                "A4:B4": "主管部门及代码",
                "C4:E4": data["主管部门"],
                "F4": "实施单位",
                "G4:H4": data["实施单位"],
            }
        )
    else:
        g.update({"A4:B4": "实施单位", "C4:H4": data["实施单位"]})
    g.update(
        {
            "A5:B5": "项目属性",
            "C5:E5": data["项目属性"] or "",
            "F5": "项目期",
            "G5:H5": data["项目期"],
            "A6:B8": "项目资金（万元）",
        }
    )
    labels = (
        ("中期资金总额：", "年度资金总额："),
        ("其中：财政拨款", "其中：财政拨款"),
        ("其他资金", "其他资金"),
    )
    for i, (key, (mid_label, annual_label)) in enumerate(
        zip(("资金总额", "财政拨款", "其他资金"), labels, strict=True)
    ):
        r = 6 + i
        g.update(
            {
                f"C{r}": mid_label,
                f"D{r}:E{r}": data["项目资金"]["中期"][key] or "",
                f"F{r}": annual_label,
                f"G{r}:H{r}": data["项目资金"]["年度"][key] or "",
            }
        )
    goals = data["总体目标"]
    g.update(
        {
            "A9:B10": "总体目标",
            "C9:E9": "中期目标（2022年—2024年）",
            "F9:H9": "年度目标",
            "C10:E10": goals["中期目标"],
            "F10:H10": "\n".join(goals["年度目标"]),
        }
    )
    row = 12
    for l1, l2s in groups.items():
        top = row
        for l2, block in l2s.items():
            mid = [m for _, m, _ in block if m]
            annual = [a for _, _, a in block if a]
            n = max(len(mid), len(annual))
            g[ref(row, 3, n, 1)] = l2 if mid else ""
            g[ref(row, 6, n, 1)] = l2 if annual else ""
            for i in range(n):
                for col, side in ((4, mid), (7, annual)):
                    g[ref(row + i, col)] = side[i][0] if i < len(side) else ""
                    g[ref(row + i, col + 1)] = side[i][1] if i < len(side) else ""
            row += n
        g[ref(top, 2, row - top, 1)] = l1
    g[ref(11, 1, row - 11, 1)] = "绩效指标"
    g.update(
        {
            "B11": "一级指标",
            "C11": "二级指标",
            "D11": "三级指标",
            "E11": "指标值",
            "F11": "二级指标",
            "G11": "三级指标",
            "H11": "指标值",
        }
    )
    return g


OUTCOMES: Counter[str] = Counter()
MIN_BUILT_SHARE = 0.5  # most cases must reach the writers, or the test tests little


def test_generated_declarations():
    OUTCOMES.clear()
    generated_declaration()
    built, total = OUTCOMES["built"], sum(OUTCOMES.values())  # refusals are counted by code
    assert total >= 30 and built >= MIN_BUILT_SHARE * total, dict(OUTCOMES)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same cases every run: the built share is a fact, not a chance
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(declarations())
def generated_declaration(case):
    data, groups = case
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        decl = loads(text.encode("utf-8"), "fuzz.yaml")
    except DeclarationError as exc:
        event("refused: " + exc.problems[0].message[:12])
        OUTCOMES["refused: " + exc.problems[0].code] += 1
        n_lines = text.count("\n") + 1
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml" and CJK.search(problem.message)
            assert problem.line is None or 1 <= problem.line <= n_lines
        return
    event("built")
    OUTCOMES["built"] += 1
    grid = layout(decl)
    with tempfile.TemporaryDirectory() as tmp:
        write_docx(grid, Path(tmp) / "f.docx")
        write_xlsx(grid, Path(tmp) / "f.xlsx")
        expected = expected_grid(data, groups)
        expected = {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in expected.items()}
        assert unbroken_labels(read_docx(Path(tmp) / "f.docx")) == expected
        assert unbroken_labels(read_xlsx(Path(tmp) / "f.xlsx")) == expected
