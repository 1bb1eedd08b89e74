"""The JSON API, route by route, with its error answers (FastAPI's TestClient)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import detente
from detente.cli.main import main
from detente.loading import loads_scenario
from detente.web import create_app
from tests.web.conftest import SMALL, make_settings, wait_run

pytestmark = pytest.mark.regression

GMCR = Path(__file__).parents[1] / "formats" / "data" / "Prisoners.gmcr"


def _create(client: TestClient, text: str = SMALL, label: str = "small.yaml") -> dict:
    r = client.post(f"/api/scenarios?label={label}", content=text,
                    headers={"Content-Type": "application/yaml"})
    assert r.status_code == 201, r.text
    return r.json()


# -- scenarios -------------------------------------------------------------------------------


def test_list_has_bundled_and_user_scenarios(client: TestClient) -> None:
    r = client.get("/api/scenarios")
    assert r.status_code == 200
    ids = [s["id"] for s in r.json()]
    assert ids == detente.bundled_scenarios()
    korea = next(s for s in r.json() if s["id"] == "korea-2017")
    assert korea["builtin"] and "freeze-then-cap" in korea["variants"]
    created = _create(client)
    ids = [s["id"] for s in client.get("/api/scenarios").json()]
    assert ids[-1] == created["id"] and created["builtin"] is False


def test_create_get_and_versions(client: TestClient) -> None:
    s = _create(client)
    assert s["name"] == "Small test conflict" and s["version"] == 1 and s["valid"]
    assert s["label"] == "small.yaml"
    assert [a["id"] for a in s["structure"]["actors"]] == ["A", "B"]
    assert s["structure"]["preferences"][0]["statements"] == ["not B.move", "A.move"]
    sid = s["id"]
    r = client.put(f"/api/scenarios/{sid}", content=SMALL.replace("Small test", "Renamed"))
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["name"] == "Renamed "\
        "conflict"
    assert [h["version"] for h in r.json()["history"]] == [2, 1]
    old = client.get(f"/api/scenarios/{sid}?version=1").json()
    assert old["version_shown"] == 1 and old["text"] == SMALL
    latest = client.get(f"/api/scenarios/{sid}").json()
    assert latest["version_shown"] == 2 and "Renamed" in latest["text"]
    assert client.get(f"/api/scenarios/{sid}?version=9").status_code == 404


def test_create_errors(client: TestClient) -> None:
    r = client.post("/api/scenarios?label=bad.yaml", content="detente: 1\nname: [\n")
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_scenario" and body["line"] == 3
    assert body["detail"].startswith("bad.yaml:3: YAML syntax error")
    r = client.post("/api/scenarios", content="   ")
    assert r.status_code == 422 and r.json()["code"] == "empty"
    r = client.post("/api/scenarios", content=b"\xff\xfe\x00bad")
    assert r.status_code == 422 and r.json()["code"] == "not_utf8"
    bad_field = SMALL.replace("status_quo: NN", "status_qo: NN")
    r = client.post("/api/scenarios?label=s.yaml", content=bad_field)
    assert r.status_code == 422
    expected = None
    try:
        loads_scenario(bad_field, source="s.yaml")
    except detente.ScenarioError as exc:
        expected = str(exc)
    assert r.json()["detail"] == expected and r.json()["field"] == "status_qo"


def test_gmcr_upload_is_converted_to_yaml(client: TestClient) -> None:
    r = client.post("/api/scenarios?label=Prisoners.gmcr", content=GMCR.read_text(),
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["origin"] == "GMCR+ import" and s["label"] == "Prisoners.yaml"
    assert s["text"].startswith("# Imported from the GMCR+ save file")
    assert loads_scenario(s["text"]).n_options == 2


def test_put_errors(client: TestClient) -> None:
    sid = _create(client)["id"]
    r = client.put("/api/scenarios/korea-2017", content=SMALL)
    assert r.status_code == 403 and r.json()["code"] == "read_only"
    assert client.put("/api/scenarios/999", content=SMALL).status_code == 404
    assert client.put("/api/scenarios/no-such", content=SMALL).status_code == 404
    r = client.put(f"/api/scenarios/{sid}", content="detente: 2\nname: x\n")
    assert r.status_code == 422 and r.json()["code"] == "invalid_scenario"
    r = client.put(f"/api/scenarios/{sid}?base_version=1", content=SMALL)
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.put(f"/api/scenarios/{sid}?base_version=1", content=SMALL)
    assert r.status_code == 409 and r.json()["latest"] == 2
    r = client.put(f"/api/scenarios/{sid}?base_version=0", content=SMALL)
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"


def test_get_errors(client: TestClient) -> None:
    assert client.get("/api/scenarios/nope").json()["code"] == "not_found"
    assert client.get("/api/scenarios/123456789012345678901234").status_code == 404
    assert client.get("/api/scenarios/korea-2017?version=1").status_code == 404
    assert client.get("/api/scenarios/korea-2017").json()["structure"]["n_options"] == 14
    assert client.get("/api/no-such-route").json()["code"] == "http_404"
    assert client.patch("/api/scenarios/korea-2017").status_code == 405


def test_delete_and_duplicate(client: TestClient) -> None:
    sid = _create(client)["id"]
    r = client.post(f"/api/scenarios/{sid}/duplicate")
    assert r.status_code == 201
    copy = r.json()
    assert copy["id"] != sid and copy["origin"] == f"copy of {sid} v1"
    assert copy["label"] == "small-copy.yaml" and r.headers["location"] == copy["links"]["self"]
    r = client.post("/api/scenarios/korea-2017/duplicate")
    assert r.status_code == 201 and r.json()["origin"] == "copy of korea-2017"
    assert client.post("/api/scenarios/999/duplicate").status_code == 404
    assert client.delete(f"/api/scenarios/{sid}").status_code == 204
    assert client.get(f"/api/scenarios/{sid}").status_code == 404
    assert client.delete(f"/api/scenarios/{sid}").status_code == 404
    r = client.delete("/api/scenarios/korea-2017")
    assert r.status_code == 403 and "bundled" in r.json()["detail"]
    assert sid not in [s["id"] for s in client.get("/api/scenarios").json()]


def test_validate(client: TestClient) -> None:
    r = client.post("/api/validate?label=k.yaml", content=SMALL)
    assert r.status_code == 200 and r.json()["valid"] and r.json()["error"] is None
    assert r.json()["structure"]["variants"][0]["id"] == "calm"
    bad = SMALL.replace("  - id: B\n", "  - id B\n")
    r = client.post("/api/validate?label=k.yaml", content=bad)
    body = r.json()
    assert r.status_code == 200 and not body["valid"] and body["structure"] is None
    with pytest.raises(detente.ScenarioError) as info:
        loads_scenario(bad, source="k.yaml")
    assert body["error"] == str(info.value) and body["line"] == info.value.line


def test_alias_bomb_is_refused_quickly(client: TestClient) -> None:
    lines = ["detente: 1", "name: bomb", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    lines.append("actors: *a8")
    r = client.post("/api/validate?label=bomb.yaml", content="\n".join(lines) + "\n")
    body = r.json()
    assert not body["valid"] and "aliases expand" in body["error"]
    assert body["error"].startswith("bomb.yaml:")


# -- runs ------------------------------------------------------------------------------------


def test_run_lifecycle(client: TestClient) -> None:
    sid = _create(client)["id"]
    r = client.post("/api/runs", json={"scenario": sid, "variants": ["base", "calm"]})
    assert r.status_code == 202, r.text
    run = r.json()
    assert run["status"] in ("queued", "running")
    assert r.headers["location"] == f"/api/runs/{run['id']}"
    assert run["params"]["variants"] == ["base", "calm"] and run["version"] == 1
    done = wait_run(client, run["id"])
    assert done["status"] == "done" and done["progress"] == 1.0 and done["error"] is None
    assert done["elapsed"] > 0 and done["links"]["result"].endswith("/result")
    result = client.get(done["links"]["result"]).json()
    assert set(result["variants"]) == {"base", "calm"}
    ranked = [e["variant"] for e in result["ranking"]]
    assert ranked == sorted(ranked, key=lambda v: (
        -round(result["variants"][v]["score"] if result["variants"][v]["score"] is not None
               else -1e18, 9), v))
    scores = [e["score"] for e in result["ranking"]]
    for e in result["ranking"]:  # ties share a rank (1, 1, 3)
        assert e["rank"] == 1 + sum(s is not None and (e["score"] is None or s > e["score"])
                                    for s in scores)
    assert result["scenario"] == "Small test conflict"
    dl = client.get(done["links"]["result"] + "?download=true")
    assert "attachment" in dl.headers["content-disposition"]
    report = client.get(done["links"]["report"])
    assert report.status_code == 200 and report.text.lstrip().lower().startswith("<!doctype html")
    assert "attachment" in report.headers["content-disposition"]
    svg = client.get(f"/api/runs/{run['id']}/figures/paths-calm.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text
    assert client.get(f"/api/runs/{run['id']}/figures/paths-nope.svg").status_code == 404
    assert client.get(f"/api/runs/{run['id']}/figures/other.svg").status_code == 404
    runs = client.get(f"/api/runs?scenario={sid}").json()
    assert [x["id"] for x in runs] == [run["id"]]
    r = client.post(f"/api/runs/{run['id']}/cancel")
    assert r.status_code == 409 and r.json()["code"] == "finished"


def test_run_of_bundled_scenario_without_status_quo(client: TestClient) -> None:
    r = client.post("/api/runs", json={"scenario": "prisoners-dilemma", "concept": "nash",
                                       "concepts": ["nash"]})
    assert r.status_code == 202
    done = wait_run(client, r.json()["id"])
    assert done["status"] == "done", done
    result = client.get(done["links"]["result"]).json()
    assert result["variants"]["base"]["equilibria"] == {"nash": ["NN"]}
    page = client.get(f"/runs/{done['id']}")
    assert page.status_code == 200 and "no status quo" in page.text


def test_run_errors(client: TestClient) -> None:
    r = client.post("/api/runs", json={"scenario": "nope"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.post("/api/runs", json={"scenario": "korea-2017", "variants": ["made-up"]})
    assert r.status_code == 422 and r.json()["code"] == "unknown_variant"
    assert "freeze-then-cap" in r.json()["detail"]
    r = client.post("/api/runs", json={"scenario": "korea-2017", "concept": "sim"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    r = client.post("/api/runs", json={"scenario": "korea-2017", "extra": 1})
    assert r.status_code == 422
    r = client.post("/api/runs", content="{not json", headers={"Content-Type":
                                                                   "application/json"})
    assert r.status_code == 422
    r = client.post("/api/runs", json={"scenario": "korea-2017", "version": 2})
    assert r.status_code == 404
    assert client.get("/api/runs/999").status_code == 404
    assert client.get("/api/runs/0").status_code == 422
    assert client.get(f"/api/runs/{1 << 63}").status_code == 422
    assert client.post("/api/runs/999/cancel").status_code == 404
    assert client.get("/api/runs/999/result").status_code == 404
    assert client.get("/api/runs/999/report").status_code == 404


def test_result_of_unfinished_run_is_409(client: TestClient) -> None:
    r = client.post("/api/runs", json={"scenario": "korea-2017", "variants": ["max-pressure"]})
    rid = r.json()["id"]
    r = client.get(f"/api/runs/{rid}/result")
    assert r.status_code == 409 and r.json()["code"] == "not_done"
    cancelled = client.post(f"/api/runs/{rid}/cancel")
    assert cancelled.status_code == 200
    info = wait_run(client, rid)
    assert info["status"] == "cancelled" and "cancelled" in info["error"]
    r = client.get(f"/api/runs/{rid}/report")
    assert r.status_code == 409 and "cancelled" in r.json()["detail"]


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/scenarios"])
    assert {"get", "put", "delete"} <= set(paths["/api/scenarios/{sid}"])
    assert "post" in paths["/api/runs"] and "get" in paths["/api/runs/{rid}"]
    assert "application/yaml" in paths["/api/scenarios"]["post"]["requestBody"]["content"]
    assert not any(p.startswith("/scenarios") or p == "/" for p in paths)


def test_web_analysis_matches_the_cli(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The workbench's JSON is what `detente analyze --json` prints (timings aside)."""
    assert main(["analyze", "elmira", "--json", "--no-sensitivity"]) == 0
    expected = json.loads(capsys.readouterr().out)
    with TestClient(create_app(make_settings(tmp_path))) as client:
        rid = client.post("/api/runs", json={"scenario": "elmira"}).json()["id"]
        assert wait_run(client, rid)["status"] == "done"
        got = client.get(f"/api/runs/{rid}/result").json()
    expected.pop("schema")  # the CLI's envelope: the schema, and its provenance keys
    for key in ("command", "scenario", "digest", "parameters"):
        expected["provenance"].pop(key)
    for data in (expected, got):
        data["provenance"].pop("seconds", None)
        data["provenance"].pop("source", None)
    assert got == expected


def test_api_docs_are_served_from_the_package(client: TestClient) -> None:
    """Regression: /api/docs loads Swagger UI from the workbench itself, not from a CDN."""
    page = client.get("/api/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/swagger-ui.css").status_code == 200
