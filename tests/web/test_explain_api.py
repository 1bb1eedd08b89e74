"""``/api/explain`` and the explain page (FastAPI's TestClient).

Agreement with the model: the API answers exactly what
:func:`detente.conflict.explain.explain_state` gives (the JSON of ``detente explain``).
Hand-worked (theory): Elmira at the status quo NYNNN under GMR, LG's insistence (-> NYNNY) is
deterred by Uniroyal abandoning the plant (-> NNNYY).
"""

from __future__ import annotations

from fastapi.testclient import TestClient

import detente
from detente.conflict.explain import explain_state
from detente.jsonutil import plain
from tests.web.conftest import SMALL


def test_get_matches_the_model(client: TestClient) -> None:
    r = client.get("/api/explain", params={"scenario": "elmira", "state": "NYNNN",
                                           "concept": "gmr"})
    assert r.status_code == 200
    data = r.json()
    want = plain(explain_state(detente.load_scenario(detente.scenario_path("elmira")),
                               "NYNNN", "gmr").to_dict())
    links = data.pop("links")
    assert data == want
    assert links["page"] == "/scenarios/elmira/explain?state=NYNNN&concept=gmr&sanctions=legal"
    lg = data["actors"]["LG"]["improvements"][0]
    assert (lg["to"], lg["deterred"], lg["sanction"]) == ("NYNNY", True, ["NNNYY"])


def test_post_with_variant_and_sanctions(client: TestClient) -> None:
    r = client.post("/api/explain", json={"scenario": "elmira", "state": "nynnn",
                                          "concept": "seq", "sanctions": "distinct",
                                          "variant": "gmcrplus-uniroyal"})
    assert r.status_code == 200
    data = r.json()
    assert data["state"] == "NYNNN" and data["provenance"]["variant"] == "gmcrplus-uniroyal"
    assert data["provenance"]["sanctions"] == "distinct"
    assert data["actors"]["LG"]["stable"] is False


def test_user_scenario(client: TestClient) -> None:
    created = client.post("/api/scenarios?label=small.yaml", content=SMALL,
                          headers={"Content-Type": "application/yaml"}).json()
    r = client.get("/api/explain", params={"scenario": created["id"], "state": "NN",
                                           "concept": "nash"})
    assert r.status_code == 200 and set(r.json()["actors"]) == {"A", "B"}


def test_errors(client: TestClient) -> None:
    cases = [
        ({"scenario": "chicken", "state": "YYY"}, 422, "bad_state"),
        ({"scenario": "chicken", "state": "YQ"}, 422, "bad_state"),
        ({"scenario": "elmira", "state": "NYYNN"}, 422, "bad_state"),
        ({"scenario": "elmira", "state": "NYNNN", "variant": "zzz"}, 422, "unknown_variant"),
        ({"scenario": "nope", "state": "YY"}, 404, "not_found"),
    ]
    for body, status, code in cases:
        r = client.post("/api/explain", json=body)
        assert r.status_code == status, body
        assert r.json()["code"] == code and "\n" not in r.json()["detail"]
    assert client.get("/api/explain", params={"scenario": "chicken", "state": "YY",
                                              "concept": "x"}).status_code == 422
    assert client.post("/api/explain", json={"scenario": "chicken", "state": "YY",
                                             "extra": 1}).status_code == 422


def test_page_shows_the_explanation_and_links(client: TestClient) -> None:
    r = client.get("/scenarios/elmira/explain", params={"state": "NYNNN", "concept": "gmr"})
    assert r.status_code == 200
    page = r.text
    assert 'id="explain-verdict"' in page and "an equilibrium" in page
    assert 'data-mover="LG" data-stable="true"' in page
    assert 'class="improvement" data-to="NYNNY" data-deterred="true"' in page
    # states are links to their own explanation
    assert 'href="/scenarios/elmira/explain?concept=gmr&amp;sanctions=legal&amp;state=NNNYY"' \
        in page
    bad = client.get("/scenarios/elmira/explain", params={"state": "NYYNN"})
    assert bad.status_code == 422 and 'id="explain-error"' in bad.text
    listing = client.get("/scenarios/elmira/explain", params={"concept": "seq"}).text
    assert 'id="explain-listing"' in listing and "NYNNY" in listing
    assert 'id="explain-link"' in client.get("/scenarios/elmira").text
