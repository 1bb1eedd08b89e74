"""Regression tests: the command starts fast because it imports lazily.

``detente --help`` and ``detente --version`` must not import the analysis stack (numpy, scipy,
matplotlib, pandas, pydantic, the command modules); checked on ``sys.modules`` in a fresh
process rather than with a timing (timings are in ``benchmarks/startup.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "matplotlib", "pandas", "pydantic", "detente.conflict",
         "detente.scenario", "detente.cli.conflict", "detente.cli.verify", "detente.cli.analyze")

PROBE = """
import json, sys, io, contextlib
from detente.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "out": out.getvalue(), "mods": sorted(sys.modules)}))
"""


def _probe(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--help"], ["--version"], []])
def test_top_level_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    seen = _probe(*args)
    assert seen["rc"] == 0
    heavy = [m for m in seen["mods"] if m.split(".")[0] in HEAVY or m in HEAVY]
    assert heavy == []


def test_version_prints_the_package_version() -> None:
    import detente

    assert _probe("--version")["out"].strip() == f"detente {detente.__version__}"


def test_help_lists_every_command_with_its_own_docstring() -> None:
    """The static table in cli/main.py must say what each command's docstring says."""
    from detente.cli import main as cli_main

    listing = _probe("--help")["out"]
    for name, (_module, short) in cli_main.COMMANDS.items():
        assert name in listing
        cmd = cli_main.load_command(name)
        assert cmd is not None
        own = " ".join((cmd.help or "").split("\n\n")[0].split())
        assert own == short, name


def test_python_dash_m_detente_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "detente", "--version"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("detente ")


def test_every_command_module_is_in_the_table() -> None:
    """A module under detente/cli with ``register(app)`` must have its commands in
    ``COMMANDS`` (else the lazy group would not list or find them)."""
    import importlib
    import pkgutil

    import typer
    import typer.main

    import detente.cli
    from detente.cli import main as cli_main

    for info in pkgutil.iter_modules(detente.cli.__path__):
        if info.name.startswith("_") or info.name == "main":
            continue
        module = importlib.import_module(f"detente.cli.{info.name}")
        if not hasattr(module, "register"):
            continue
        sub = typer.Typer()
        module.register(sub)
        for name in typer.main.get_group(sub).commands:
            assert cli_main.COMMANDS.get(name, ("",))[0] == info.name, name
