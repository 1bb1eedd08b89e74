"""Storage: every version kept, nothing lost on restart, interrupted runs marked as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.web import create_app
from detente.web.store import Store
from tests.web.conftest import SMALL, make_settings, wait_run

pytestmark = pytest.mark.regression


def test_restart_loses_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        sid = client.post("/api/scenarios", content=SMALL).json()["id"]
        client.put(f"/api/scenarios/{sid}", content=SMALL.replace("Small", "Second"))
        rid = client.post("/api/runs", json={"scenario": sid, "version": 1}).json()["id"]
        assert wait_run(client, rid)["status"] == "done"
        result = client.get(f"/api/runs/{rid}/result").text
    with TestClient(create_app(settings)) as client:
        s = client.get(f"/api/scenarios/{sid}").json()
        assert s["version"] == 2 and [h["version"] for h in s["history"]] == [2, 1]
        assert client.get(f"/api/scenarios/{sid}?version=1").json()["text"] == SMALL
        info = client.get(f"/api/runs/{rid}").json()
        assert info["status"] == "done" and info["version"] == 1
        assert client.get(f"/api/runs/{rid}/result").text == result
        assert client.get(f"/runs/{rid}").status_code == 200


def test_unfinished_runs_are_marked_interrupted(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(settings.database)
    waiting = store.create_run("korea-2017", None, "Korea", {"variants": []})
    running = store.create_run("elmira", None, "Elmira", {"variants": []})
    store.mark_running(running.id)
    with TestClient(create_app(settings)) as client:
        for rid in (waiting.id, running.id):
            info = client.get(f"/api/runs/{rid}").json()
            assert info["status"] == "interrupted"
            assert "server stopped" in info["error"]
        page = client.get(f"/runs/{running.id}")
        assert "server stopped" in page.text and "Start it again" in page.text


def test_shutdown_marks_running_runs_interrupted(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        rid = client.post("/api/runs", json={"scenario": "korea-2017",
                                             "variants": ["freeze-then-cap"]}).json()["id"]
    assert Store(settings.database).get_run(rid).status == "interrupted"  # type: ignore[union-attr]


def test_deleted_scenario_keeps_its_runs(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        sid = client.post("/api/scenarios", content=SMALL).json()["id"]
        rid = client.post("/api/runs", json={"scenario": sid}).json()["id"]
        assert wait_run(client, rid)["status"] == "done"
        assert client.delete(f"/api/scenarios/{sid}").status_code == 204
        assert client.get(f"/runs/{rid}").status_code == 200
        assert client.get(f"/api/runs/{rid}/result").status_code == 200


def test_store_versions_and_transactions(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    row = store.create_scenario("a.yaml", "upload", "A", "", "text 1")
    store.add_version(row.id, "A", "", "text 2")
    assert [v.text for v in store.list_versions(row.id)] == ["text 2", "text 1"]
    assert store.add_version(999, "x", "", "t") is None
    try:
        store.finish_run(1, "running")
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a non-final status must be refused")
    assert store.count_runs() == 0


def test_database_is_created_owner_only(tmp_path: Path) -> None:
    """Regression: the database and a folder created for it are private to their owner."""
    import stat

    folder = tmp_path / "new" / "data"
    store = Store(folder / "workbench.sqlite3")
    store.create_scenario("a.yaml", "upload", "A", "", SMALL)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():  # the database and SQLite's -wal/-shm companions
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
