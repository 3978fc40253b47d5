"""Dependencies between the portal's apps point one way (docs/architecture.md).

api → reports → verification → collection → landdata, and demo above them all: an app may import
only the apps below it. Nothing imports demo. Apps may use the project's infrastructure modules in
config (queueing), never its URLconf or pages. The walk reads every module's imports, including
those inside functions, with `ast`; it needs no Django.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["landdata", "collection", "verification", "reports", "api", "demo"]
CONFIG_ALLOWED = {"config.queueing"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def named_strings(path: Path) -> set[str]:
    """String constants that name an app's module, model or URL ("verification.flag", "reports:dashboard")."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.split(".")[0].split(":")[0]
            if head in LAYERS and node.value != head and node.value[len(head)] in ".:":
                found.add(node.value)
    return found


def app_modules(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py"))


def violations(app: str) -> list[str]:
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    problems = []
    for path in app_modules(app):
        for module in sorted(imported_modules(path)):
            top = module.split(".")[0]
            if top in LAYERS and top not in allowed:
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
            if (
                top == "config"
                and module != "config"
                and not any(module == ok or module.startswith(ok + ".") for ok in CONFIG_ALLOWED)
            ):
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
        for text in sorted(named_strings(path)):
            head = text.split(".")[0].split(":")[0]
            if head not in allowed:
                problems.append(f"{path.relative_to(ROOT)} names {text!r}")
    return problems


@pytest.mark.parametrize("app", LAYERS)
def test_app_imports_only_the_apps_below_it(app):
    assert app_modules(app), f"{app}/ has no modules"
    assert violations(app) == []


def test_nothing_outside_demo_and_the_tests_imports_demo():
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {"demo", "tests", "bench", ".venv", "node_modules"}:
            continue
        if any(m == "demo" or m.startswith("demo.") for m in imported_modules(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_walk_sees_an_import_inside_a_function_and_a_name_in_a_string(tmp_path):
    """The walk must not miss the imports hidden in functions (they are where cycles hide), nor a model or
    URL of an upper app named in a string (a lower app knowing an upper one without importing it)."""
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from reports.figures import Figures\n    import api.views\n"
        "PATHS = {'verification.flag': 1}\nURL = 'reports:dashboard'\nWORD = 'demo'\n"
    )
    assert {"reports.figures", "reports.figures.Figures", "api.views"} <= imported_modules(module)
    assert named_strings(module) == {"verification.flag", "reports:dashboard"}
