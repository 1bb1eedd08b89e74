"""Limits: body size, state-space guard, concurrent runs, time limit; same-origin writes and
host names; nothing uploaded is used as a path."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.web import create_app
from tests.web.conftest import SMALL, make_settings, wait_run

pytestmark = pytest.mark.regression


def _client(tmp_path: Path, **kwargs: object) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path, **kwargs)))


def test_body_limit_by_length_and_by_stream(tmp_path: Path) -> None:
    with _client(tmp_path, max_body_bytes=2048) as client:
        big = "# " + "x" * 4000 + "\n" + SMALL
        r = client.post("/api/scenarios", content=big)
        assert r.status_code == 413 and r.json()["code"] == "too_large"
        assert "2,048 bytes" in r.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            for _ in range(10):
                yield b"#" * 500 + b"\n"

        r = client.post("/api/validate", content=chunks())
        assert r.status_code == 413 and r.json()["code"] == "too_large"
        r = client.post("/scenarios/upload", files={"file": ("big.yaml", big.encode())})
        assert r.status_code == 413
        assert client.post("/api/validate", content=SMALL).status_code == 200


def test_state_space_guard(tmp_path: Path) -> None:
    with _client(tmp_path, max_states=1000) as client:
        r = client.post("/api/runs", json={"scenario": "korea-2017",
                                           "variants": ["max-pressure"]})
        assert r.status_code == 422 and r.json()["code"] == "state_space_too_large"
        assert "1,000" in r.json()["detail"]
        assert r.json()["limit"] == 1000
        assert client.post("/api/runs", json={"scenario": "elmira"}).status_code == 202
    lines = ["detente: 1", "name: wide", "actors:"]
    for a in range(6):
        lines += [f"  - id: P{a}", "    options:"] + [f"      - id: o{k}" for k in range(4)]
    lines.append("preferences:")
    lines += [f"  P{a}: {{statements: [P{a}.o0]}}" for a in range(6)]
    with _client(tmp_path / "b", max_states=1 << 20) as client:
        sid = client.post("/api/scenarios", content="\n".join(lines) + "\n").json()["id"]
        r = client.post("/api/runs", json={"scenario": sid})
        assert r.status_code == 422 and "DETENTE_MAX_STATES" in r.json()["detail"]


def test_too_many_runs(tmp_path: Path) -> None:
    with _client(tmp_path, max_runs=1, workers=1) as client:
        first = client.post("/api/runs", json={"scenario": "korea-2017",
                                               "variants": ["max-pressure"]})
        assert first.status_code == 202
        r = client.post("/api/runs", json={"scenario": "prisoners-dilemma"})
        assert r.status_code == 429 and r.json()["code"] == "too_many_runs"
        assert r.headers["retry-after"] == "5" and "limit" in r.json()["detail"]
        client.post(f"/api/runs/{first.json()['id']}/cancel")
        wait_run(client, first.json()["id"])
        deadline = time.monotonic() + 10
        while client.app.state.workbench.runs.active and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.05)
        r = client.post("/api/runs", json={"scenario": "prisoners-dilemma"})
        assert r.status_code == 202
        assert wait_run(client, r.json()["id"])["status"] == "done"


def test_time_limit_stops_the_run(tmp_path: Path) -> None:
    with _client(tmp_path, run_timeout=1.0) as client:
        r = client.post("/api/runs", json={"scenario": "korea-2017",
                                           "variants": ["freeze-then-cap", "max-pressure"]})
        info = wait_run(client, r.json()["id"], timeout=30)
        assert info["status"] == "timeout"
        assert "time limit of 1 s" in info["error"] and "--run-timeout" in info["error"]
        page = client.get(f"/runs/{info['id']}")
        assert page.status_code == 200 and "time limit of 1 s" in page.text


def test_a_killed_run_process_is_reported(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        rid = client.post("/api/runs", json={"scenario": "korea-2017",
                                             "variants": ["max-pressure"]}).json()["id"]
        manager = client.app.state.workbench.runs  # type: ignore[attr-defined]
        deadline = time.monotonic() + 20
        proc = None
        while proc is None and time.monotonic() < deadline:
            with manager._lock:
                a = manager._active.get(rid)
                proc = None if a is None else a.process
            time.sleep(0.02)
        assert proc is not None
        proc.kill()
        info = wait_run(client, rid)
        assert info["status"] == "failed" and "killed by signal" in info["error"]


def test_cross_origin_writes_are_refused(client: TestClient) -> None:
    r = client.post("/api/validate", content=SMALL, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["code"] == "cross_origin"
    r = client.post("/scenarios/korea-2017/duplicate", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    r = client.post("/api/validate", content=SMALL, headers={"Origin": "http://testserver"})
    assert r.status_code == 200
    assert client.get("/api/scenarios", headers={"Origin": "https://evil.example"}).status_code \
        == 200


def test_unknown_host_names_are_refused(tmp_path: Path) -> None:
    with _client(tmp_path, allowed_hosts=("127.0.0.1", "localhost")) as client:
        r = client.get("/api/scenarios", headers={"Host": "attacker.example"})
        assert r.status_code == 400 and r.json()["code"] == "unknown_host"
        assert client.get("/api/scenarios", headers={"Host": "127.0.0.1:8765"}).status_code == 200
        assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_labels_and_ids_are_never_paths(client: TestClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(SMALL)
    r = client.post(f"/api/scenarios?label={secret}", content=SMALL)
    assert r.status_code == 201 and r.json()["label"] == "secret.yaml"
    for sid in ("..%2F..%2Fetc%2Fpasswd", str(secret).replace("/", "%2F"), "korea-2017.yaml"):
        assert client.get(f"/api/scenarios/{sid}").status_code == 404
    r = client.post("/api/runs", json={"scenario": str(secret)})
    assert r.status_code == 404


def test_security_headers(client: TestClient) -> None:
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/api/scenarios").headers


def test_null_origin_writes_are_refused(client: TestClient) -> None:
    r = client.post("/api/validate", content=SMALL, headers={"Origin": "null"})
    assert r.status_code == 403


def _one_actor(width: int) -> str:
    """One actor with ``width`` options and a second with one: 2**(width + 1) states."""
    opts = "".join(f"\n      - id: o{k}" for k in range(width))
    return (f"detente: 1\nname: one actor {width}\nactors:\n  - id: A\n    options:{opts}\n"
            "  - id: B\n    options:\n      - id: x\npreferences:\n"
            "  A: {statements: [A.o0, not B.x]}\n  B: {statements: [B.x, A.o1]}\n")


def test_move_table_guard_in_validator_and_runs(tmp_path: Path) -> None:
    """Regression: one actor with many options was called valid, then the run answered 500.
    The validator now applies the run's guard, and the run request answers 422."""
    with _client(tmp_path) as client:
        for width in (15, 22):
            text = _one_actor(width)
            v = client.post("/api/validate", content=text)
            assert v.status_code == 200
            assert v.json()["valid"] is False
            assert ("DETENTE_MAX_MOVES" in v.json()["error"]
                    or "DETENTE_MAX_STATES" in v.json()["error"])
            sid = client.post("/api/scenarios", content=text).json()["id"]
            r = client.post("/api/runs", json={"scenario": sid})
            assert r.status_code == 422 and r.json()["code"] == "state_space_too_large"
        assert client.post("/api/validate", content=_one_actor(4)).json()["valid"] is True


def test_no_feasible_state_is_invalid(tmp_path: Path) -> None:
    text = ("detente: 1\nname: none\nactors:\n  - id: A\n    options: [{id: a}]\n"
            "  - id: B\n    options: [{id: b}]\ninfeasible:\n  - A.a\n  - not A.a\n"
            "preferences:\n  A: {statements: [A.a]}\n  B: {statements: [B.b]}\n")
    with _client(tmp_path) as client:
        v = client.post("/api/validate", content=text).json()
        assert v["valid"] is False and "infeasible" in v["error"]
        sid = client.post("/api/scenarios", content=text).json()["id"]
        r = client.post("/api/runs", json={"scenario": sid})
        assert r.status_code == 422 and "loosen a condition" in r.json()["detail"]
