"""The server-rendered pages and their forms (they work without JavaScript)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.web import create_app
from tests.web.conftest import SMALL, make_settings, wait_run

pytestmark = pytest.mark.regression

GMCR = Path(__file__).parents[1] / "formats" / "data" / "Elmira.gmcr"


def test_index_lists_scenarios_and_static_files(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'data-id="korea-2017"' in r.text and "Upload a scenario" in r.text
    assert "None yet" in r.text
    assert client.get("/static/app.js").status_code == 200
    assert "text/css" in client.get("/static/style.css").headers["content-type"]


def test_upload_open_save_duplicate_delete(client: TestClient) -> None:
    r = client.post("/scenarios/upload", files={"file": ("mine.yaml", SMALL.encode())},
                    follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    sid = url.rsplit("/", 1)[1]
    page = client.get(url)
    assert page.status_code == 200 and "Small test conflict" in page.text
    assert "Valid scenario." in page.text and "mine.yaml" in page.text
    assert "not B.move" in page.text  # the structured view of the preferences
    r = client.post(f"/scenarios/{sid}/save", data={"text": SMALL.replace("Small", "Saved"),
                                                    "base_version": "1"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("saved=1")
    page = client.get(r.headers["location"])
    assert "Saved as version 2" in page.text and "v1" in page.text
    old = client.get(f"/scenarios/{sid}?version=1")
    assert "You are looking at version 1" in old.text
    bad = client.post(f"/scenarios/{sid}/save", data={"text": "detente: 1\nname: [\n",
                                                      "base_version": "2"})
    assert bad.status_code == 422 and "Not saved: mine.yaml:3: YAML syntax error" in bad.text
    assert "name: [" in bad.text  # the user's text is kept
    stale = client.post(f"/scenarios/{sid}/save", data={"text": SMALL, "base_version": "1"})
    assert stale.status_code == 409 and "not the latest" in stale.text
    r = client.post(f"/scenarios/{sid}/duplicate", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] != url
    r = client.post(f"/scenarios/{sid}/delete", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert client.get(url).status_code == 404


def test_upload_errors_show_on_the_list(client: TestClient) -> None:
    r = client.post("/scenarios/upload", files={"file": ("bad.yaml", b"detente: 1\nname: x\n")})
    assert r.status_code == 422 and 'id="upload-error"' in r.text and "bad.yaml" in r.text
    r = client.post("/scenarios/upload", files={"file": ("bin.yaml", b"\xff\xfe\xfa")})
    assert r.status_code == 422 and "not UTF-8" in r.text
    r = client.post("/scenarios/upload", files={"file": ("Elmira.gmcr", GMCR.read_bytes())},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "GMCR+ import" in client.get("/").text


def test_bundled_scenario_is_saved_as_a_copy(client: TestClient) -> None:
    page = client.get("/scenarios/elmira")
    assert page.status_code == 200 and "A bundled scenario" in page.text
    assert "Save as my scenario" in page.text
    text = client.get("/api/scenarios/elmira").json()["text"]
    r = client.post("/scenarios/elmira/save", data={"text": text.replace("\n", "\r\n")},
                    follow_redirects=False)
    assert r.status_code == 303
    copy = client.get("/api/scenarios/" + r.headers["location"].split("/")[2].split("?")[0])
    assert copy.json()["origin"] == "edited copy of elmira" and "\r" not in copy.json()["text"]
    assert client.post("/scenarios/elmira/delete").status_code == 403


def test_error_pages_are_html(client: TestClient) -> None:
    r = client.get("/scenarios/no-such-thing")
    assert r.status_code == 404 and 'id="error-detail"' in r.text
    assert client.get("/runs/12345").status_code == 404
    assert client.get("/nowhere").status_code == 404
    assert "no such page" in client.get("/nowhere").text
    r = client.get("/scenarios/elmira?version=0")
    assert r.status_code == 422 and "text/html" in r.headers["content-type"]


def test_run_form_start_progress_and_results(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        form = client.get("/scenarios/elmira/run")
        assert form.status_code == 200 and 'value="gmcrplus-uniroyal"' in form.text
        assert "SEQ (sequential stability)" in form.text
        r = client.post("/runs", data={"scenario": "elmira", "variants": ["made-up"]})
        assert r.status_code == 422 and "unknown variant" in r.text
        r = client.post("/runs", data={"scenario": "elmira", "variants": ["base",
                                                                          "gmcrplus-uniroyal"],
                                       "concept": "gmr", "concepts": ["nash", "gmr"]},
                        follow_redirects=False)
        assert r.status_code == 303
        rid = int(r.headers["location"].rsplit("/", 1)[1])
        progress = client.get(f"/runs/{rid}")
        assert progress.status_code == 200
        assert 'id="run-status"' in progress.text or 'id="comparison"' in progress.text
        assert wait_run(client, rid)["status"] == "done"
        page = client.get(f"/runs/{rid}")
        assert 'id="comparison"' in page.text and 'data-variant="gmcrplus-uniroyal"' in page.text
        assert f"/api/runs/{rid}/report" in page.text and "GMR" in page.text
        assert 'class="tableau"' in page.text and "paths-base.svg" in page.text
        # Elmira scores nothing: both variants share rank 1, there is no best outcome, and
        # nothing Korea-specific or empty is shown
        assert page.text.count('data-rank="1"') == 2
        assert "No variant ranks above another: the scenario defines no interests" in page.text
        for word in ("freeze", "CVID", "The scenario's questions"):
            assert word not in page.text
        # what happens if an actor reneges, per variant; Elmira records no history
        assert 'id="reneging"' in page.text and 'id="record"' not in page.text
        assert client.get("/").text.count(f'href="/runs/{rid}"') == 1
        assert client.post("/runs", data={"scenario": "nope"}).status_code == 404
        r = client.post(f"/runs/{rid}/cancel", follow_redirects=False)
        assert r.status_code == 303


def test_run_page_of_a_cancelled_run(client: TestClient) -> None:
    rid = client.post("/api/runs", json={"scenario": "korea-2017",
                                         "variants": ["freeze-then-cap"]}).json()["id"]
    page = client.get(f"/runs/{rid}")
    assert 'id="progress"' in page.text and "Cancel" in page.text
    r = client.post(f"/runs/{rid}/cancel", follow_redirects=False)
    assert r.status_code == 303
    assert wait_run(client, rid)["status"] == "cancelled"
    assert 'id="run-error"' in client.get(f"/runs/{rid}").text


def test_text_from_scenarios_is_escaped(client: TestClient) -> None:
    evil = SMALL.replace("name: Small test conflict", 'name: "<script>alert(1)</script>"')
    sid = client.post("/api/scenarios", content=evil).json()["id"]
    for url in ("/", f"/scenarios/{sid}", f"/scenarios/{sid}/run"):
        text = client.get(url).text
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
