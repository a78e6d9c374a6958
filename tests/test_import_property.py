"""Property: for generated declarations d and randomly chosen hand-made styles,
import(render_in_style(d)) == d, in .xlsx and in .docx."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import yaml
from formstyles import random_style, write_docx, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_styles import differences

from formgen.importer import import_file, to_yaml
from formgen.loader import loads

# Words as forms use them; none is a label, a footer word or a year line, so that what the
# import must give back is decidable from the declaration alone.
WORDS = "培训人次检查完成率合格覆盖养护里程道路桥梁路灯维护巡查公里座处改善提高群众出行安全"
name = st.text(st.sampled_from(WORDS), min_size=2, max_size=6)
value = st.one_of(
    st.just(""),
    st.builds(
        lambda op, n, u: f"{op}{n}{u}",
        st.sampled_from(["", "≥", "≤"]),
        st.integers(0, 5000),
        st.sampled_from(["", "%", "人次", "公里", "座"]),
    ),
    name,
)
amount = st.one_of(
    st.none(),
    st.integers(0, 10**6).map(str),
    st.decimals(0, 10**5, places=2, allow_nan=False, allow_infinity=False).map(str),
)


@st.composite
def block(draw):
    """Lines whose one-sided ones come last (each side is stacked from the top of the form)."""
    both = draw(st.integers(0, 3))
    one_side = draw(st.integers(0 if both else 1, 2))
    side = draw(st.sampled_from(["中期", "年度"]))
    lines = []
    for _ in range(both):
        mid, annual = draw(name), draw(st.one_of(st.none(), name))
        line = (
            {"三级指标": mid} if annual is None else {"中期三级指标": mid, "年度三级指标": annual}
        )
        line["中期指标值"], line["年度指标值"] = draw(value), draw(value)
        lines.append(line)
    for _ in range(one_side):  # with a value: a name alone in its row may be under the table
        lines.append({"三级指标": draw(name), f"{side}指标值": draw(value.filter(bool))})
    annual_name = draw(st.one_of(st.none(), st.none(), name))
    if annual_name is not None and both:
        return lines, annual_name
    return lines, None


@st.composite
def declarations(draw):
    groups = {}
    for group in draw(st.lists(name, min_size=1, max_size=3, unique=True)):
        blocks = {}
        for block_name in draw(st.lists(name, min_size=1, max_size=3, unique=True)):
            lines, annual_name = draw(block())
            blocks[block_name] = (
                {"年度二级指标": annual_name, "指标": lines} if annual_name else lines
            )
        groups[group] = blocks
    d = {"年度": draw(st.integers(2000, 2099)), "项目名称": draw(name)}
    if draw(st.booleans()):
        d["主管部门"] = draw(name)
    d["实施单位"] = draw(name)
    for key in ("项目属性", "项目期"):
        if draw(st.booleans()):
            d[key] = draw(name)
    funds = {}
    for side in ("中期", "年度"):
        given_ = {k: v for k in ("资金总额", "财政拨款", "其他资金") if (v := draw(amount))}
        if given_:
            funds[side] = given_
    if funds:
        d["项目资金"] = funds
    first = draw(st.integers(2000, 2097))
    d["总体目标"] = {
        "中期年度": f"{first}—{first + draw(st.integers(1, 2))}",
        "中期目标": draw(name),
        "年度目标": draw(st.lists(name, min_size=1, max_size=3)),
    }
    d["绩效指标"] = groups
    return d


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(declarations(), st.integers(0, 10**6), st.sampled_from(["xlsx", "docx"]))
def test_import_of_a_hand_made_rendering_is_the_declaration(d, seed, fmt):
    style = random_style(random.Random(seed))
    want = loads(yaml.safe_dump(d, allow_unicode=True, sort_keys=False).encode(), "d.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        path = (write_xlsx if fmt == "xlsx" else write_docx)(d, style, Path(tmp) / f"f.{fmt}")
        (form,) = import_file(path)
        got = loads(to_yaml(form, path.name).encode("utf-8"), "imported.yaml")
    assert differences(got, want) == [], (style, fmt)
    assert [c.text for c in form.unused] == list(style.footer)
