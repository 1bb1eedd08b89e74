"""The bounded load test (benchmarks/web_load.py): 50 concurrent results pages and 10
concurrent runs finish with no error and no lost run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.regression

BENCH = Path(__file__).parents[2] / "benchmarks" / "web_load.py"


@pytest.mark.slow
def test_load(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("uvicorn")
    spec = importlib.util.spec_from_file_location("web_load", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--pages", "50", "--runs", "10", "--timeout", "240"]) == 0
    out = capsys.readouterr().out
    assert "runs done: 10 of 10; errors: 0" in out
