"""Fixtures of the workbench tests: an app on a temporary database, and run helpers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install detente[web])")

from fastapi.testclient import TestClient

from detente.web import Settings, create_app

SMALL = """\
detente: 1
name: Small test conflict
description: Two actors, one option each.
actors:
  - id: A
    options: [{id: move}]
  - id: B
    options: [{id: move}]
preferences:
  A: {statements: [not B.move, A.move]}
  B: {statements: [not A.move, B.move]}
status_quo: NN
variants:
  - id: calm
    name: Calm
    preferences:
      A: {statements: [not A.move]}
"""


def make_settings(tmp_path: Path, **kwargs: Any) -> Settings:
    """Settings on a fresh database under ``tmp_path``."""
    base: dict[str, Any] = {"data_dir": tmp_path / "data", "run_timeout": 60.0, "workers": 2}
    base.update(kwargs)
    return Settings(**base)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def wait_run(client: TestClient, rid: int, timeout: float = 60.0) -> dict[str, Any]:
    """Poll a run until it has finished; return its final description."""
    end = time.monotonic() + timeout
    while True:
        info: dict[str, Any] = client.get(f"/api/runs/{rid}").json()
        if info["status"] not in ("queued", "running"):
            return info
        if time.monotonic() > end:
            raise AssertionError(f"run {rid} still {info['status']} after {timeout} s: {info}")
        time.sleep(0.1)
