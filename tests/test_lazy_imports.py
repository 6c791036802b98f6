"""``healthgap``, ``healthgap.analyses`` and ``healthgap.data`` import a public name's module
only when it is first used, and the CLI imports only the modules of the command it runs: a
fresh process (a command, a report) does not pay for every domain's dependencies."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys

import pytest
import typer.main

from healthgap.cli import _COMMAND_MODULES, _register_commands, app

LAZY_PACKAGES = ["healthgap", "healthgap.analyses", "healthgap.data"]
HEAVY = ("sqlalchemy", "polars", "healthgap.store", "healthgap.insight", "healthgap.engage")


def _imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    script = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def _declared_imports(package: str) -> dict[str, tuple[str, str]]:
    """Each name the package imports, eagerly or for type checkers: (module, attribute)."""
    tree = ast.parse(inspect.getsource(importlib.import_module(package)))
    nodes = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
    for node in tree.body:
        nodes += node.body if isinstance(node, ast.If) else []  # if TYPE_CHECKING:
    found = {}
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module.startswith("healthgap"):
            found.update({a.asname or a.name: (node.module, a.name) for a in node.names})
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            found[node.targets[0].id] = found.pop(node.value.id)  # under another name
    return found


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_the_lazy_names_are_those_the_type_checkers_see(package: str) -> None:
    module = importlib.import_module(package)
    typed = _declared_imports(package)
    assert set(typed) == set(module.__all__) - {"__version__"}
    for name, (source, attribute) in typed.items():
        assert getattr(module, name) is getattr(importlib.import_module(source), attribute)


def test_importing_the_packages_imports_none_of_their_domains() -> None:
    imported = _imported_after("import healthgap.analyses")
    assert {"healthgap.data", "healthgap.measures", "pandas", *HEAVY}.isdisjoint(imported)
    assert "pandera" not in _imported_after("from healthgap.data import open_workspace")


def test_a_use_case_named_as_its_module_stays_the_use_case() -> None:
    code = (
        "import healthgap.analyses.data_templates, healthgap.analyses.assessment_summary\n"
        "from healthgap.analyses import TABLE_PURPOSES, assessment_summary, data_templates\n"
        "assert callable(data_templates) and callable(assessment_summary)"
    )
    assert "healthgap.analyses.data_templates" in _imported_after(code)


def test_each_command_is_registered_by_the_modules_imported_for_it() -> None:
    _register_commands()
    root = typer.main.get_command(app)
    assert set(root.commands) == {"version", *_COMMAND_MODULES}
    for name, modules in _COMMAND_MODULES.items():
        command = root.commands[name]
        callbacks = [sub.callback for sub in getattr(command, "commands", {}).values()]
        defined_in = {c.__module__ for c in callbacks or [command.callback]}
        assert defined_in <= {f"healthgap.cli.{module}" for module in modules}, name


def test_a_report_command_imports_no_unrelated_domain() -> None:
    imported = _imported_after("from healthgap.cli import _register_commands as r; r(['report'])")
    assert "healthgap.cli.report" in imported
    assert {"healthgap.cli.assess", "healthgap.cli.data", *HEAVY}.isdisjoint(imported)
