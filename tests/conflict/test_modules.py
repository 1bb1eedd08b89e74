"""The conflict package's module structure: no import cycle between its modules (issue 16:
coalitions and paths used to import each other), and ``detente.conflict.inverse`` is a facade
that only re-exports.

Label: regression.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import detente.conflict

pytestmark = pytest.mark.regression

PACKAGE = Path(detente.conflict.__file__).parent


def _imports(path: Path) -> set[str]:
    """Modules of detente.conflict imported anywhere in ``path`` (late imports included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                 else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        out.update(n for n in names if n.startswith("detente.conflict."))
    return out


def test_no_import_cycle() -> None:
    graph = {f"detente.conflict.{p.stem}": _imports(p) for p in PACKAGE.glob("*.py")
             if p.stem != "__init__"}
    done: set[str] = set()

    def visit(mod: str, path: list[str]) -> None:
        for dep in sorted(graph.get(mod, ())):
            assert dep not in path, "import cycle: " + " -> ".join([*path, dep])
            if dep not in done:
                visit(dep, [*path, dep])
        done.add(mod)

    for mod in sorted(graph):
        visit(mod, [mod])


def test_inverse_is_a_facade() -> None:
    tree = ast.parse((PACKAGE / "inverse.py").read_text())
    defined = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert not defined
    facade = importlib.import_module("detente.conflict.inverse")
    for name in facade.__all__:
        assert getattr(facade, name) is not None
