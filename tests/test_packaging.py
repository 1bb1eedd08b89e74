"""Packaging: one version, a licence, and an sdist that carries the tests and their data.

Regression tests for issue 17's packaging faults.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

import detente

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert version("detente") == detente.__version__


def test_licence_is_shipped() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 detente developers" in text


@pytest.mark.slow
def test_sdist_carries_the_tests_and_their_data(tmp_path: Path) -> None:
    pytest.importorskip("build")
    run = subprocess.run([sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    (sdist,) = tmp_path.glob("detente-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    expected = {
        "LICENSE",
        "tests/conftest.py" if (ROOT / "tests" / "conftest.py").exists() else "tests/__init__.py",
        "tests/bargain/data/ec_auto_emissions_bdm1994_scholz2011.csv",
        "docs/reference/scenario.schema.json",
        "src/detente/scenarios/korea-2017.yaml",
    }
    assert expected <= names, sorted(expected - names)
    assert not any(n.startswith(("site/", ".cache/")) or "__pycache__" in n for n in names)
