"""The hindcast in the workbench: the JSON API (FastAPI's TestClient) agrees with
``detente hindcast --json`` (regressions), and the page shows it."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from fastapi.testclient import TestClient

from detente.cli.main import main

GAME = """\
detente: 1
name: Two by two with a record
actors:
  - {id: A, options: [{id: go}]}
  - {id: B, options: [{id: go}]}
preferences:
  A: {statements: [not B.go, A.go]}
  B: {statements: [not A.go, B.go]}
variants:
  - {id: apart, name: Never both, infeasible: [A.go and B.go]}
history:
  - {date: 2000-01, state: YN, source: first}
  - {date: 2000-02, state: YY, source: second, event: B goes}
  - {date: 2000-03, state: NY, source: third, event: A stops}
"""


def _cli_json(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["hindcast", "--json", *args]) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _create(client: TestClient, text: str) -> str:
    r = client.post("/api/scenarios?label=game.yaml", content=text,
                    headers={"Content-Type": "application/yaml"})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_api_matches_the_cli(client: TestClient) -> None:
    r = client.get("/api/scenarios/cuban-missile-crisis/hindcast")
    assert r.status_code == 200
    data = r.json()
    expected = _cli_json("cuban-missile-crisis")
    assert data["steps"] == expected["steps"]
    assert data["edits"] == expected["edits"] and data["consistent"] is True
    assert [s["movers"] for s in data["steps"]] == [["US"], ["USSR"], ["US"]]


def test_api_user_scenario_variant_and_edits(client: TestClient) -> None:
    sid = _create(client, GAME)
    data = client.get(f"/api/scenarios/{sid}/hindcast").json()
    assert [(s["from"], s["to"], s["improvement"]) for s in data["steps"]] == [
        ("YN", "YY", True), ("YY", "NY", False)]
    assert data["edits"]["status"] == "found" and data["edits"]["total"] == 1
    assert client.get(f"/api/scenarios/{sid}/hindcast?edits=0").json()["edits"]["status"] \
        == "not searched"
    v = client.get(f"/api/scenarios/{sid}/hindcast?variant=apart").json()
    assert v["variant"] == "apart" and v["record"][1]["feasible"] is False
    assert v["edits"]["status"] == "impossible"
    assert client.get(f"/api/scenarios/{sid}/hindcast?variant=base").json()["variant"] is None


def test_api_no_history_and_errors(client: TestClient) -> None:
    data = client.get("/api/scenarios/elmira/hindcast").json()
    assert data["recorded"] is False and data["message"] == "no history recorded"
    r = client.get("/api/scenarios/elmira/hindcast?variant=nope")
    assert r.status_code == 422 and "unknown variant 'nope'" in r.json()["detail"]
    assert client.get("/api/scenarios/nothing-here/hindcast").status_code == 404
    assert client.get("/api/scenarios/elmira/hindcast?edits=9").status_code == 422
    sid = _create(client, GAME)
    bad = GAME.replace("source: second, ", "")
    r = client.put(f"/api/scenarios/{sid}", content=bad)
    assert r.status_code == 422  # an invalid history is not saved
    assert "history[1].source: required field is missing" in r.json()["detail"]


def test_page(client: TestClient) -> None:
    sid = _create(client, GAME)
    editor = client.get(f"/scenarios/{sid}").text
    assert f'href="/scenarios/{sid}/hindcast"' in editor
    page = client.get(f"/scenarios/{sid}/hindcast").text
    assert 'id="hindcast-steps"' in page and 'data-step="2"' in page
    assert 'data-movers="A" data-improvement="no"' in page
    assert "Not consistent with the record" in page and 'data-status="found"' in page
    assert "add «not A.go» as statement #1 of the new list" in page
    page = client.get(f"/scenarios/{sid}/hindcast?variant=apart").text
    assert "infeasible in this variant" in page and 'data-status="impossible"' in page
    assert 'id="hindcast-none"' in client.get("/scenarios/elmira/hindcast").text
    r = client.get("/scenarios/elmira/hindcast?variant=nope")
    assert r.status_code == 422 and 'id="hindcast-error"' in r.text
