"""The analyses the workbench computes in the request (FastAPI's TestClient):
``/api/scenarios/{sid}/stability``, ``/coalitions``, ``/paths`` (and ``/paths.svg``),
``/inverse``, and their pages.

Agreement with the command line: each answer carries the same result keys, with the same
values, as the matching ``detente <command> --json`` (the CLI's entry point run in the test
process); bad input answers 422 with one line, never 500 (regression).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.cli.main import main
from detente.web import create_app
from tests.web.conftest import SMALL, make_settings

pytestmark = pytest.mark.regression


def _cli(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*args, "--json"]) == 0
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _same_result(api: dict[str, Any], cli: dict[str, Any]) -> None:
    """Every key of the CLI's envelope but ``schema`` is in the API's answer, with the same
    value (the provenance: the result's own entries)."""
    for key, value in cli.items():
        if key == "schema":
            continue
        if key == "provenance":
            own = {k: v for k, v in value.items()
                   if k not in ("command", "parameters") and not k.endswith("seconds")}
            assert {k: api["provenance"].get(k) for k in own} == own
            continue
        assert api[key] == value, key


@pytest.mark.parametrize(("url", "args"), [
    ("/api/scenarios/elmira/stability", ["stability", "elmira"]),
    ("/api/scenarios/elmira/stability?concept=nash,sim&sanctions=distinct",
     ["stability", "elmira", "-c", "nash,sim", "--sanctions", "distinct"]),
    ("/api/scenarios/elmira/stability?concept=gmr&concept=seq&variant=gmcrplus-uniroyal",
     ["stability", "elmira", "-c", "gmr,seq", "-v", "gmcrplus-uniroyal"]),
    ("/api/scenarios/elmira/coalitions", ["coalitions", "elmira"]),
    ("/api/scenarios/elmira/coalitions?coalition=MoE,U&concept=gmr",
     ["coalitions", "elmira", "--coalition", "MoE,U", "-c", "gmr"]),
    ("/api/scenarios/elmira/paths?coalitions=true", ["paths", "elmira", "--coalitions"]),
    ("/api/scenarios/elmira/paths?concept=nash&from=YNYNY&to=NNNYY",
     ["paths", "elmira", "-c", "nash", "--from", "YNYNY", "--to", "NNNYY"]),
    ("/api/scenarios/elmira/inverse?target=YNYNN&edits=1",
     ["inverse", "elmira", "--target", "YNYNN", "--edits", "1"]),
    ("/api/scenarios/elmira/inverse?target=NYNNY&concept=seq&sanctions=distinct",
     ["inverse", "elmira", "--target", "NYNNY", "-c", "seq", "--sanctions", "distinct"]),
])
def test_the_api_answers_what_the_cli_prints(client: TestClient, url: str,
                                             args: list[str]) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    _same_result(r.json(), _cli(*args))


def test_inverse_finds_statement_edits(client: TestClient) -> None:
    # hand-worked: at NN each actor gains by moving; dropping its own statement stops that
    sid = client.post("/api/scenarios", content=SMALL, params={"label": "small.yaml"}).json()["id"]
    data = client.get(f"/api/scenarios/{sid}/inverse", params={"target": "NN",
                                                               "concept": "nash"}).json()
    assert data["stable_now"] is False
    edits = data["statement_edits"]
    assert set(edits) == {"A", "B"}
    assert all(e["found"] and len(e["edits"]) == 1 for e in edits.values())
    page = client.get(f"/scenarios/{sid}/inverse", params={"target": "NN", "concept": "nash"})
    assert page.text.count('class="statement-edits"') == 2


def test_the_paths_figure_is_the_plot(client: TestClient) -> None:
    r = client.get("/api/scenarios/elmira/paths.svg", params={"coalitions": "true"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in r.text and "NYNNN" in r.text


@pytest.mark.parametrize(("url", "code"), [
    ("/api/scenarios/elmira/stability?concept=foo", "bad_concept"),
    ("/api/scenarios/elmira/stability?variant=nope", "unknown_variant"),
    ("/api/scenarios/elmira/coalitions?concept=sim", "bad_concept"),
    ("/api/scenarios/elmira/coalitions?coalition=MoE,X", "invalid_request"),
    ("/api/scenarios/elmira/coalitions?coalition=MoE,U&all=true", "invalid_request"),
    ("/api/scenarios/elmira/paths?to=YYY", "bad_state"),
    ("/api/scenarios/elmira/paths?concept=xyz", "bad_concept"),
    ("/api/scenarios/elmira/paths.svg?from=QQQQQ", "bad_state"),
    ("/api/scenarios/prisoners-dilemma/paths", "no_status_quo"),
    ("/api/scenarios/elmira/inverse?target=YN", "bad_state"),
    ("/api/scenarios/elmira/inverse?target=YNYNN&concept=sim", "bad_concept"),
])
def test_bad_input_is_one_line_422(client: TestClient, url: str, code: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == code
    assert "\n" not in body["detail"] and body["detail"]


def test_missing_scenario_is_404(client: TestClient) -> None:
    for what in ("stability", "coalitions", "paths", "inverse?target=Y"):
        assert client.get(f"/api/scenarios/nope/{what}").status_code == 404


def test_the_state_space_guard_applies(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, max_states=4))) as c:
        for what in ("stability", "coalitions", "paths", "paths.svg", "inverse?target=NYNNN"):
            r = c.get(f"/api/scenarios/elmira/{what}")
            assert r.status_code == 422, what
            assert r.json()["code"] == "state_space_too_large"
        page = c.get("/scenarios/elmira/stability")
        assert page.status_code == 422 and "limit" in page.text


def test_a_user_scenario_and_its_variant(client: TestClient) -> None:
    sid = client.post("/api/scenarios", content=SMALL, params={"label": "small.yaml"}).json()["id"]
    base = client.get(f"/api/scenarios/{sid}/stability", params={"concept": "nash"}).json()
    calm = client.get(f"/api/scenarios/{sid}/stability",
                      params={"concept": "nash", "variant": "calm"}).json()
    assert base["concepts"]["nash"]["equilibria"] != calm["concepts"]["nash"]["equilibria"]


def test_the_pages_link_every_state_to_explain(client: TestClient) -> None:
    for url in ("/scenarios/elmira/stability?concept=gmr",
                "/scenarios/elmira/coalitions",
                "/scenarios/elmira/paths?coalitions=true",
                "/scenarios/elmira/inverse?target=NYNNY&concept=seq"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "/scenarios/elmira/explain?state=" in r.text, url
        assert 'id="analyses-nav"' in r.text


def test_the_stability_table_is_paged(client: TestClient) -> None:
    import detente
    from detente.conflict import analyse

    n = len(analyse(detente.load_scenario(detente.scenario_path("korea-2017")), "nash").codes)
    r = client.get("/scenarios/korea-2017/stability",
                   params={"concept": "nash", "page": "2"})
    assert r.status_code == 200
    assert r.text.count('<tr data-state="') == 50
    assert f"page 2 of {-(-n // 50)}" in r.text
    assert 'id="page-prev"' in r.text and 'id="page-next"' in r.text


def test_the_pages_show_refusals(client: TestClient) -> None:
    r = client.get("/scenarios/elmira/inverse", params={"target": "NN"})
    assert r.status_code == 422 and 'id="analysis-error"' in r.text
    assert client.get("/scenarios/elmira/inverse").status_code == 200  # the empty form


def test_scenario_and_results_pages_link_the_analyses(client: TestClient) -> None:
    page = client.get("/scenarios/elmira").text
    for key in ("stability", "coalitions", "paths", "inverse", "hindcast", "explain"):
        assert f'id="{key}-link"' in page, key


def test_the_diagram_reuses_the_page_analysis(client: TestClient) -> None:
    w = client.app.state.workbench  # type: ignore[attr-defined]
    first = w.paths_result("elmira", "seq", True)
    assert w.paths_result("elmira", "seq", True, variant="base") is first
    assert w.paths_result("elmira", "seq", False) is not first
