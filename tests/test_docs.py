"""The documentation: generated pages are current, the tutorials run, the site builds.

Regression tests. The tutorial notebooks are executed here with nbclient (they use only the
public API); the site is then built from a copy of ``docs/`` holding the executed notebooks,
with ``mkdocs build --strict`` so that any warning (a broken link, a page missing from the
navigation, a docstring mkdocstrings cannot read) fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TUTORIALS = sorted((DOCS / "tutorials").glob("*.ipynb"))


def test_generated_pages_are_current() -> None:
    # in a fresh process: tests that register commands on the CLI app for themselves must
    # not leak them into the generated command reference
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr + "run `python scripts/gen_docs.py` and commit"


def test_the_command_reference_lists_every_command() -> None:
    from detente.cli.main import COMMANDS

    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"## `detente {name}`" in page, name


KERNEL = "detente-tests"


def _kernel_here(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the notebooks on this interpreter, whatever kernels the machine has installed."""
    pytest.importorskip("ipykernel")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "detente tests", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(folder))


def _execute(notebook: Path, target: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(target.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, on the first failure
    nbformat.write(nb, target)


def test_tutorials_run_and_the_site_builds(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    pytest.importorskip("mkdocs_jupyter")
    root = tmp_path / "repo"
    shutil.copytree(DOCS, root / "docs", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "src").symlink_to(ROOT / "src", target_is_directory=True)
    _kernel_here(tmp_path / "jupyter", monkeypatch)
    for notebook in TUTORIALS:
        _execute(notebook, root / "docs" / "tutorials" / notebook.name)
    env = {**os.environ, "DETENTE_DOCS_EXECUTE": "false", "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=root, env=env, capture_output=True, text=True, timeout=240)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    assert "WARNING" not in log, log[-4000:]
    site = tmp_path / "site"
    for page in ("index.html", "reference/cli.html", "reference/api/conflict.html",
                 "tutorials/elmira.html", "discussion/stability.html"):
        assert (site / page).is_file(), page
    assert "equilibria" in (site / "tutorials" / "elmira.html").read_text(encoding="utf-8")
