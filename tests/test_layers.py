"""The layering of the package, enforced (regression test of the design's import rules).

Reads every module of ``src/detente`` with :mod:`ast` (imports inside functions included)
and fails naming each import that goes the wrong way:

* ``detente.scenario`` is the bottom layer: it imports no model family, format, loader or
  face;
* file formats (``detente.formats``) sit between the scenario and the model families;
* the model families ``conflict``, ``bargain`` and ``verify`` import neither ``strategy``
  nor the composed loader (``detente.loading``) nor a format;
* no model family, and not the loader, imports a face (``cli``, ``report``, ``web``);
* the shared bottom modules (``errors``, ``jsonutil``, ``fileio``) import nothing of detente.

``strategy``, the top model family, may load files through ``detente.loading``; the loader
names strategy's section parser only as a string, imported on use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "detente"
FACES = {"cli", "report", "web"}
FAMILIES = {"conflict", "bargain", "verify", "strategy"}
BOTTOM = {"errors", "jsonutil", "fileio", "display"}
EVERYTHING = FACES | FAMILIES | BOTTOM | {"scenario", "formats", "loading", "scenarios"}

#: Part of detente (first name under ``detente``) -> parts it must not import.
FORBIDDEN: dict[str, set[str]] = {
    "scenario": FACES | FAMILIES | {"formats", "loading"},
    "formats": FACES | {"bargain", "verify", "strategy", "loading"},
    "conflict": FACES | {"strategy", "loading", "formats"},
    "bargain": FACES | {"strategy", "loading", "formats"},
    "verify": FACES | {"strategy", "loading", "formats"},
    "strategy": FACES,
    "loading": FACES,
    **{name: EVERYTHING - {name} for name in BOTTOM},
}

#: Known violations, each with who removes it. Keep this list short; it should be empty.
ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, nested ones included."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            out.append((node.lineno, name))
            # `from detente import loading` names a module, not an attribute
            out.extend((node.lineno, f"{name}.{alias.name}") for alias in node.names
                       if name == "detente")
    return out


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "detente" else None


def layer_violations() -> list[str]:
    """Every import that breaks :data:`FORBIDDEN`, as ``file:line: a imports b``."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        owner = _part(_module_name(path))
        if owner not in FORBIDDEN:
            continue
        for line, name in _imports(path):
            target = _part(name)
            if target in FORBIDDEN[owner] and (_module_name(path), name) not in ALLOWED:
                rel = path.relative_to(SRC.parents[1])
                found.append(f"{rel}:{line}: {_module_name(path)} imports {name} "
                             f"({owner} must not import {target})")
    return found


def test_layers_hold() -> None:
    violations = layer_violations()
    assert not violations, "imports against the layering:\n" + "\n".join(violations)


def test_allow_list_is_not_stale() -> None:
    present = {(_module_name(p), n) for p in SRC.rglob("*.py") for _, n in _imports(p)}
    stale = sorted(ALLOWED - present)
    assert not stale, f"remove these from ALLOWED, they are fixed: {stale}"


@pytest.mark.parametrize(("owner", "source", "bad"), [
    ("scenario", "from detente.conflict import analyse", True),
    ("scenario", "def f():\n    from ..strategy.explore import spec\n", True),
    ("conflict", "import detente.strategy.analysis", True),
    ("verify", "from detente.cli import main", True),
    ("formats", "from detente.conflict.preferences import payoff_ranks", False),
    ("strategy", "from detente.loading import load_scenario", False),
])
def test_checker_sees_imports(tmp_path: Path, owner: str, source: str, bad: bool,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself: nested and relative imports are found (regression)."""
    root = tmp_path / "detente"
    (root / owner).mkdir(parents=True)
    (root / owner / "mod.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", root)
    assert bool(layer_violations()) is bad
