"""What `pip install .` gives a user is enough to run formgen: every third-party module the
package imports (at the top or inside a function) is a runtime dependency, not a test one.

A fresh-eyes trial found `import --into` crashing on a user install because ruamel.yaml
was listed only among the test extras.
"""

from __future__ import annotations

import ast
import sys

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# import name → distribution name, for the ones that differ
DISTRIBUTION = {"yaml": "pyyaml", "ruamel": "ruamel.yaml", "jinja2": "jinja2"}


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "formgen").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def _requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for req in requirements:
        name = req.split(";")[0]
        for stop in "<>=!~[ ":
            name = name.split(stop)[0]
        names.add(name.strip().lower())
    return names


def test_every_third_party_import_is_a_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _requirement_names(project["dependencies"])
    stdlib = set(sys.stdlib_module_names) | {"formgen", "tomli"}  # tomli: Python 3.10's tomllib
    third_party = {m for m in _imported_modules() if m not in stdlib}
    assert third_party, "the package imports no third-party module: the scan is broken"
    missing = {m for m in third_party if DISTRIBUTION.get(m, m).lower() not in runtime}
    assert not missing, f"imported by formgen but not in [project] dependencies: {missing}"
