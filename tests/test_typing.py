"""The public API is typed for users of ``mypy --strict`` (issue 17; regression)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.regression

USER_CODE = '''
import detente
from detente.conflict import analyse
from detente.scenario import Scenario

s: Scenario = detente.load_scenario(detente.scenario_path("elmira"))
t: Scenario = detente.loads_scenario("detente: 1", source="x.yaml")
equilibria: list[str] = analyse(s, concepts="nash").equilibria("nash")
'''


def test_load_scenario_is_typed_for_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    user = tmp_path / "user.py"
    user.write_text(USER_CODE)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", str(tmp_path / "cache"), str(user)],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
