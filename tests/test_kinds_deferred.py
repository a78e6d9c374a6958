"""Kinds imported on demand (kinds.deferred): the 自评表's module is imported only when a
declaration has results, yet the registry, the reader and the rules know it exactly as
when it is imported first. Each case runs in a fresh interpreter, where nothing has
imported the module yet."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import DECLARATIONS, ROOT
from formgen.build import build

MODULE = "formgen.kinds.zipingbiao"
WITH_RESULTS = ROOT / "examples" / "网络媒体协会运行经费.yaml"

# What the registry and formgen.rules hold of every kind, as JSON.
SNAPSHOT = """
import json, sys
from formgen import kinds
from formgen.rules import RULES, RULE_KIND

def snapshot():
    return {
        "kinds": [
            [k.key, k.title, k.template, k.suffix, {l: list(v) for l, v in k.extra_keys.items()},
             sorted(k.rules), k.read_extra is not None, k.derive is not None]
            for k in kinds.all_kinds()
        ],
        "rules": [[rule_id, severity, RULE_KIND.get(rule_id)] for rule_id, (severity, _fn) in RULES.items()],
    }
"""


def _run(code: str, *args: str) -> dict:
    """Run `code` (after SNAPSHOT) in a fresh interpreter; it prints one JSON value."""
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_deferred_kinds_are_the_kinds_registered_eagerly():
    eager = _run(
        f"""
        import {MODULE}  # the module first, as every kind was imported before
        print(json.dumps(snapshot()))
        """
    )
    lazy = _run(
        f"""
        before = snapshot()
        imported = {MODULE!r} in sys.modules
        import {MODULE}
        print(json.dumps({{"before": before, "imported": imported, "after": snapshot()}}))
        """
    )
    assert lazy["imported"] is False
    assert lazy["before"] == eager == lazy["after"]
    keys = [k[0] for k in eager["kinds"]]
    assert keys == ["申报表", "自评表"]
    own = [r for r in eager["rules"] if r[2] == "自评表"]
    assert len(own) == 10 and {r[1] for r in own} == {"error", "warning"}
    assert all(r[1] == ("error" if r[0].startswith("E-") else "warning") for r in own)


def test_the_module_registers_its_own_rules_over_the_stand_ins():
    found = _run(
        f"""
        from formgen.rules import RULES
        kinds.all_kinds()  # registers the kinds, and the deferred ones' rules by id
        stand_ins = {{i: fn for i, (_s, fn) in RULES.items() if RULE_KIND.get(i) == "自评表"}}
        assert len(stand_ins) == 10 and {MODULE!r} not in sys.modules
        import {MODULE} as module
        real = {{i: RULES[i][1] for i in stand_ins}}
        print(json.dumps({{
            "replaced": all(real[i] is not stand_ins[i] for i in real),
            "in_module": sorted({{fn.__module__ for fn in real.values()}}),
            "kind_is_registered": kinds.get("自评表") is module.KIND,
        }}))
        """
    )
    assert found == {"replaced": True, "in_module": [MODULE], "kind_is_registered": True}


def test_a_stand_in_rule_imports_the_module_and_gives_the_real_findings(tmp_path: Path):
    text = (ROOT / "tests" / "data" / "自评表" / "边界-应急保障.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("实际完成值: 2次\n", "实际完成值: 3次\n"),
        ("资金总额: 115\n", "资金总额: 125\n"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    declaration = tmp_path / "x.yaml"
    declaration.write_text(text, encoding="utf-8")
    found = _run(
        f"""
        from formgen.loader import load
        from formgen.rules import RULES, Context
        kinds.all_kinds()  # registers the kinds, and the deferred ones' rules by id
        stand_ins = {{i: fn for i, (_s, fn) in RULES.items() if RULE_KIND.get(i) == "自评表"}}
        assert len(stand_ins) == 10 and {MODULE!r} not in sys.modules
        ctx = Context(load(sys.argv[1]))  # a declaration with results: imports the module
        assert {MODULE!r} in sys.modules
        via_stand_in = {{i: [p.format() for p in fn(ctx)] for i, fn in stand_ins.items()}}
        real = {{i: [p.format() for p in RULES[i][1](ctx)] for i in stand_ins}}
        print(json.dumps([via_stand_in, real]))
        """,
        str(declaration),
    )
    via_stand_in, real = found
    assert via_stand_in == real
    assert len(real) == 10
    # 125 spent of 120, and no longer the sum of its rows; 3次 is 150 % of ≥2次
    fired = ["E-EVAL-OVERSPENT", "W-EVAL-HIGH", "W-EVAL-FUNDS-SUM"]
    assert [i for i, found in real.items() if found] == fired


def test_a_stand_in_rule_run_before_the_module_is_imported():
    found = _run(
        f"""
        from formgen.loader import load
        from formgen.rules import RULES, Context
        ctx = Context(load(sys.argv[1]))  # no results: the module stays unimported
        imported = {MODULE!r} in sys.modules
        stand_in = RULES["W-EVAL-INCOMPLETE"][1]
        via_stand_in = [p.format() for p in stand_in(ctx)]
        real = RULES["W-EVAL-INCOMPLETE"][1]
        print(json.dumps([imported, {MODULE!r} in sys.modules, real is not stand_in,
                          via_stand_in, [p.format() for p in real(ctx)]]))
        """,
        str(DECLARATIONS / "网络媒体协会运行经费.yaml"),
    )
    imported_before, imported_after, replaced, via_stand_in, real = found
    assert (imported_before, imported_after, replaced) == (False, True, True)
    assert via_stand_in == real
    # no 全年预算数 / 全年执行数 at all, and no 实际完成值 on the lines it could score
    assert "没有年度资金总额的全年预算数和全年执行数" in real[0]
    assert len(real) > 1 and all("没有实际完成值" in f for f in real[1:])


def test_a_build_without_results_leaves_the_module_unimported_and_knows_its_rule_ids(
    tmp_path: Path,
):
    project = tmp_path / "p"
    project.mkdir()
    (project / "x.yaml").write_bytes((DECLARATIONS / "网络媒体协会运行经费.yaml").read_bytes())
    # an id of the 自评表 turned off: known, so no W-SETTINGS warning about an unknown id
    (project / "formgen.toml").write_text('disable = ["W-EVAL-HIGH"]\n', encoding="utf-8")
    found = _run(
        f"""
        from pathlib import Path
        from formgen.build import build
        report = build([Path(sys.argv[1])], Path(sys.argv[2]))
        print(json.dumps([
            [r.ok for r in report.results],
            [w.id for r in report.results for w in r.warnings],
            sorted(p.name for p in Path(sys.argv[2]).iterdir()),
            {MODULE!r} in sys.modules,
            "formgen.scoring" in sys.modules,
        ]))
        """,
        str(project),
        str(tmp_path / "out"),
    )
    ok, warnings, outputs, imported, scoring = found
    assert ok == [True] and "W-SETTINGS" not in warnings
    assert "x.docx" in outputs and "x.xlsx" in outputs
    assert not [name for name in outputs if "自评表" in name]
    assert (imported, scoring) == (False, False)


def test_the_command_builds_and_checks_a_self_evaluation_in_a_fresh_process(tmp_path: Path):
    """`formgen build` and `formgen check` of a declaration with results, the 自评表's
    module imported on demand, give what the library gives here, where it is imported."""
    here = tmp_path / "here"
    assert all(r.ok for r in build([WITH_RESULTS], here).results)
    there = tmp_path / "there"
    command = [sys.executable, "-m", "formgen"]
    done = subprocess.run(
        [*command, "build", str(WITH_RESULTS), "-o", str(there), "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    made = sorted(p.name for p in here.iterdir() if p.suffix in (".docx", ".xlsx"))
    assert "网络媒体协会运行经费-自评表.docx" in made and "网络媒体协会运行经费-自评表.xlsx" in made
    for name in made:
        assert (there / name).read_bytes() == (here / name).read_bytes(), name
    checked = subprocess.run(
        [*command, "check", str(WITH_RESULTS)], capture_output=True, text=True, cwd=ROOT
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_schema_describes_the_deferred_kinds_keys_in_a_fresh_process():
    """The descriptions of the 自评表's keys are set by its module (vocabulary.KEY_HELP):
    the schema imports it, so the shipped schema is what a fresh process generates."""
    found = _run(
        """
        from formgen.schema import schema_text, shipped_schema
        print(json.dumps([
            shipped_schema(k).read_text(encoding="utf-8") == schema_text(k)
            for k in ("declaration", "unit")
        ]))
        """
    )
    assert found == [True, True]
