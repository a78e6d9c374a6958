"""Template labels: the `{{ name }}` labels formgen fills in itself read exactly as
Jinja2 renders them, and every other label is Jinja2's."""

from __future__ import annotations

import jinja2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from formgen.template import Template, load_template, templates_dir

JINJA = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)


def _template(labels: dict[str, str]) -> Template:
    base = load_template(templates_dir() / "form.yaml")
    return Template(**{**base.__dict__, "labels": labels, "_compiled": {}})


@pytest.mark.parametrize("name", ["form.yaml", "自评表.yaml"])
def test_every_shipped_label_reads_as_jinja2_renders_it(name):
    t = load_template(templates_dir() / name)
    variables = {"年度": 2023, "起": 2023, "止": 2025, "一级": "产出指标", "分值": "50"}
    for label_id, text in t.labels.items():
        assert t.label(label_id, **variables) == JINJA.from_string(text).render(**variables)
    assert "{" in t.labels["年度行"] and t.label("年度行", 年度=2023) == "（2023年度）"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="年度（）—－ abc{}%#\n", max_size=6),
            st.sampled_from(["{{ 年度 }}", "{{年度}}", "{{  起\t}}", "{{ 止 }}", "{{ 年度 + 1 }}"]),
            st.sampled_from(["{{ 年度 | string }}", "{% if 年度 %}有{% endif %}", "{# 注 #}"]),
        ),
        max_size=6,
    ),
    st.one_of(st.integers(-5, 3000), st.text(max_size=4)),
)
@example(["（", "{{ 年度 }}", "年度）\n"], 2023)  # Jinja2 drops one trailing newline
@example(["{{ 年度 }}", "\n\n"], 2023)
@example(["{{年度}}"], " 2023 ")  # a value's own spaces stay
@example(["{{ 年度 }}}"], 2023)  # a stray brace: Jinja2's
def test_any_label_reads_as_jinja2_renders_it(parts, year):
    """Plain variables, expressions, filters, tags, comments, stray braces, newlines:
    the label formgen gives is Jinja2's rendering, or Jinja2's own error (a label with
    no brace at all is taken as written)."""
    text = "".join(parts)
    variables = {"年度": year, "起": 2023, "止": 2025}
    if "{" not in text:
        assert _template({"x": text}).label("x", **variables) == text
        return
    try:
        expected: str | type[Exception] = JINJA.from_string(text).render(**variables)
    except jinja2.TemplateError as exc:
        expected = type(exc)
    except TypeError:  # 年度 + 1 with a text year
        expected = TypeError
    t = _template({"x": text})
    if isinstance(expected, str):
        assert t.label("x", **variables) == expected
    else:
        with pytest.raises(expected):
            t.label("x", **variables)


def test_a_missing_variable_is_jinja2s_error():
    t = _template({"x": "（{{ 年度 }}年度）"})
    with pytest.raises(jinja2.UndefinedError):
        t.label("x")


def test_a_build_of_plain_variable_labels_does_not_import_jinja2():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from formgen.template import load_template, templates_dir\n"
        "t = load_template(templates_dir() / 'form.yaml')\n"
        "print(t.label('年度行', 年度=2024), t.label('中期目标', 起=2024, 止=2026))\n"
        "print('jinja2' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["（2024年度） 中期目标（2024年—2026年）", "False"]
