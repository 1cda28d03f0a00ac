"""The shape of the code: no import circles, a sandbox service without Flask."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import grimp
import pytest

from helpdesk.settings import PROJECT_ROOT

#: The sandbox back end: it runs without an app (the web shell builds it).
NO_APP = ("service", "store", "errors")


@cache
def graph() -> grimp.ImportGraph:
    # Imports inside functions count too: a lazy import is still a circle.
    return grimp.build_graph("helpdesk", "simulator", include_external_packages=True)


def test_no_module_of_the_web_shell_is_part_of_an_import_circle() -> None:
    imports = graph()
    circles = []
    for module in sorted(imports.modules):
        if not module.startswith("helpdesk"):
            continue
        for imported in sorted(imports.find_modules_directly_imported_by(module)):
            if not imported.startswith("helpdesk") or imported == module:
                continue
            back = imports.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                circles.append((module, *back))
    assert circles == []


def test_the_check_finds_a_circle_when_there_is_one(tmp_path: Path) -> None:
    package = tmp_path / "circular_example"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circular_example import b\n")
    (package / "b.py").write_text("def f():\n    from circular_example import a\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        example = grimp.build_graph("circular_example", cache_dir=None)
    finally:
        sys.path.remove(str(tmp_path))
    chain = example.find_shortest_chain(
        importer="circular_example.b", imported="circular_example.a"
    )
    assert chain == ("circular_example.b", "circular_example.a")


@pytest.mark.parametrize("name", NO_APP)
def test_the_sandbox_service_never_imports_flask(name: str) -> None:
    module = f"helpdesk.sandbox.{name}"
    assert graph().find_shortest_chain(importer=module, imported="flask") is None
    assert graph().find_shortest_chain(importer=module, imported="flask_babel") is None


def test_nothing_in_the_sandbox_package_reaches_for_the_app_or_the_request() -> None:
    found = []
    for path in sorted((PROJECT_ROOT / "helpdesk" / "sandbox").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                for alias in node.names:
                    if alias.name in ("current_app", "g", "session", "request"):
                        found.append((path.name, alias.name))
            if isinstance(node, ast.Attribute) and node.attr == "current_app":
                found.append((path.name, "flask.current_app"))
    assert found == []
