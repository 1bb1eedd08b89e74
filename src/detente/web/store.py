"""The workbench's SQLite database: user scenarios (every saved version) and runs.

Every write is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``); the database runs in WAL
mode so result pages are read while a run is being stored. Each operation opens its own
connection, so the store is safe to use from the server's threads and from run supervisors.
Large results are stored zlib-compressed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenarios (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    origin TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    deleted REAL
);
CREATE TABLE IF NOT EXISTS versions (
    scenario_id INTEGER NOT NULL REFERENCES scenarios(id),
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (scenario_id, version)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario TEXT NOT NULL,
    version INTEGER,
    scenario_name TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    created REAL NOT NULL,
    started REAL,
    finished REAL
);
CREATE INDEX IF NOT EXISTS runs_status ON runs(status);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id),
    view TEXT NOT NULL,
    report_json BLOB NOT NULL,
    report_html BLOB NOT NULL,
    figures BLOB NOT NULL
);
"""

#: Run states; the last five are final.
ACTIVE = ("queued", "running")
FINAL = ("done", "failed", "timeout", "cancelled", "interrupted")


@dataclass(frozen=True)
class VersionRow:
    """One saved version of a user scenario."""

    scenario_id: int
    version: int
    name: str
    description: str
    text: str
    sha256: str
    created: float


@dataclass(frozen=True)
class ScenarioRow:
    """A user scenario with its latest version."""

    id: int
    label: str
    origin: str
    created: float
    updated: float
    n_versions: int
    latest: VersionRow


@dataclass(frozen=True)
class RunRow:
    """One run (its parameters and state; the results are stored apart)."""

    id: int
    scenario: str
    version: int | None
    scenario_name: str
    params: dict[str, Any]
    status: str
    stage: str | None
    progress: float
    error: str | None
    created: float
    started: float | None
    finished: float | None

    @property
    def active(self) -> bool:
        """Whether the run is waiting or computing."""
        return self.status in ACTIVE

    def elapsed(self, now: float | None = None) -> float | None:
        """Seconds computed so far (or in all, once finished)."""
        if self.started is None:
            return None
        end = self.finished if self.finished is not None else (now or time.time())
        return max(0.0, end - self.started)


@dataclass(frozen=True)
class ResultData:
    """The stored result of a finished run."""

    view: dict[str, Any]
    report_json: str
    report_html: str
    figures: dict[str, Any]


def _create_private(path: Path) -> None:
    """Create the database owner-only: a missing folder 0700, a missing file 0600.

    An existing folder keeps its mode (it may be shared on purpose); SQLite gives its ``-wal``
    and ``-shm`` files the database file's permissions.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # mkdir's mode is filtered by the umask
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


class Store:
    """The workbench database.

    Parameters
    ----------
    path
        The SQLite file (its folder is created when missing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _create_private(self.path)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)",
                (str(SCHEMA_VERSION),),
            )
            conn.commit()

    # -- connections ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (rolled back on any error)."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    # -- scenarios -----------------------------------------------------------------------------
    def create_scenario(self, label: str, origin: str, name: str, description: str,
                        text: str) -> ScenarioRow:
        """Store a new user scenario with its first version.

        Parameters
        ----------
        label
            The name shown in error messages (``label:line: …``); never used as a path.
        origin
            How it came (``upload``, ``GMCR+ import``, ``copy of korea-2017``).
        name, description
            From the scenario file, for the lists.
        text
            The scenario text (YAML).
        """
        now = time.time()
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO scenarios(label, origin, created, updated) VALUES (?, ?, ?, ?)",
                (label, origin, now, now),
            )
            sid = int(cur.lastrowid or 0)
            self._insert_version(conn, sid, 1, name, description, text, now)
        row = self.get_scenario(sid)
        assert row is not None
        return row

    def add_version(self, sid: int, name: str, description: str, text: str,
                    expected: int | None = None) -> ScenarioRow | None:
        """Save a new version of scenario ``sid``.

        Returns ``None`` when the scenario does not exist (or was deleted).

        Raises
        ------
        VersionConflict
            When ``expected`` is given and is not the latest version.
        """
        now = time.time()
        with self._tx() as conn:
            row = conn.execute(
                "SELECT MAX(v.version) FROM scenarios s JOIN versions v ON v.scenario_id = s.id"
                " WHERE s.id = ? AND s.deleted IS NULL", (sid,)
            ).fetchone()
            if row is None or row[0] is None:
                return None
            latest = int(row[0])
            if expected is not None and expected != latest:
                raise VersionConflict(latest)
            self._insert_version(conn, sid, latest + 1, name, description, text, now)
            conn.execute("UPDATE scenarios SET updated = ? WHERE id = ?", (now, sid))
        return self.get_scenario(sid)

    @staticmethod
    def _insert_version(conn: sqlite3.Connection, sid: int, version: int, name: str,
                        description: str, text: str, now: float) -> None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        conn.execute(
            "INSERT INTO versions(scenario_id, version, name, description, text, sha256, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (sid, version, name, description, text, digest, now),
        )

    def get_scenario(self, sid: int) -> ScenarioRow | None:
        """The scenario with its latest version (``None`` if missing or deleted)."""
        with self._read() as conn:
            s = conn.execute(
                "SELECT * FROM scenarios WHERE id = ? AND deleted IS NULL", (sid,)
            ).fetchone()
            if s is None:
                return None
            v = conn.execute(
                "SELECT * FROM versions WHERE scenario_id = ? ORDER BY version DESC LIMIT 1",
                (sid,),
            ).fetchone()
            n = conn.execute(
                "SELECT COUNT(*) FROM versions WHERE scenario_id = ?", (sid,)
            ).fetchone()[0]
        return _scenario_row(s, v, int(n))

    def list_scenarios(self) -> list[ScenarioRow]:
        """User scenarios, most recently changed first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.*, v.scenario_id AS v_sid, v.version AS v_version, v.name AS v_name,"
                " v.description AS v_description, v.text AS v_text, v.sha256 AS v_sha256,"
                " v.created AS v_created,"
                " (SELECT COUNT(*) FROM versions c WHERE c.scenario_id = s.id) AS n"
                " FROM scenarios s JOIN versions v ON v.scenario_id = s.id"
                " AND v.version = (SELECT MAX(version) FROM versions WHERE scenario_id = s.id)"
                " WHERE s.deleted IS NULL ORDER BY s.updated DESC, s.id DESC"
            ).fetchall()
        out = []
        for r in rows:
            latest = VersionRow(int(r["v_sid"]), int(r["v_version"]), r["v_name"],
                                r["v_description"], r["v_text"], r["v_sha256"],
                                float(r["v_created"]))
            out.append(ScenarioRow(int(r["id"]), r["label"], r["origin"], float(r["created"]),
                                   float(r["updated"]), int(r["n"]), latest))
        return out

    def get_version(self, sid: int, version: int) -> VersionRow | None:
        """One version of a (not deleted) scenario."""
        with self._read() as conn:
            v = conn.execute(
                "SELECT v.* FROM versions v JOIN scenarios s ON s.id = v.scenario_id"
                " WHERE v.scenario_id = ? AND v.version = ? AND s.deleted IS NULL",
                (sid, version),
            ).fetchone()
        return None if v is None else _version_row(v)

    def list_versions(self, sid: int) -> list[VersionRow]:
        """Every saved version of a scenario, newest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM versions WHERE scenario_id = ? ORDER BY version DESC", (sid,)
            ).fetchall()
        return [_version_row(v) for v in rows]

    def delete_scenario(self, sid: int) -> bool:
        """Delete a scenario from the lists (its versions stay for the runs that used them).

        Returns whether there was such a scenario.
        """
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE scenarios SET deleted = ? WHERE id = ? AND deleted IS NULL",
                (time.time(), sid),
            )
            return cur.rowcount > 0

    def scenario_text_any(self, sid: int, version: int) -> str | None:
        """The text of a version even when its scenario was deleted (for runs)."""
        with self._read() as conn:
            v = conn.execute(
                "SELECT text FROM versions WHERE scenario_id = ? AND version = ?", (sid, version)
            ).fetchone()
        return None if v is None else str(v[0])

    # -- runs ----------------------------------------------------------------------------------
    def create_run(self, scenario: str, version: int | None, scenario_name: str,
                   params: dict[str, Any]) -> RunRow:
        """Store a new run as ``queued``."""
        now = time.time()
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO runs(scenario, version, scenario_name, params, status, stage,"
                " progress, created) VALUES (?, ?, ?, ?, 'queued', 'waiting for a worker', 0, ?)",
                (scenario, version, scenario_name, json.dumps(params), now),
            )
            rid = int(cur.lastrowid or 0)
        run = self.get_run(rid)
        assert run is not None
        return run

    def get_run(self, rid: int) -> RunRow | None:
        """One run (``None`` when there is no such run)."""
        with self._read() as conn:
            r = conn.execute("SELECT * FROM runs WHERE id = ?", (rid,)).fetchone()
        return None if r is None else _run_row(r)

    def list_runs(self, limit: int = 50, scenario: str | None = None) -> list[RunRow]:
        """The most recent runs (of one scenario when given)."""
        with self._read() as conn:
            if scenario is None:
                rows = conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?",
                                    (limit,)).fetchall()
            else:
                rows = conn.execute(
                    "SELECT * FROM runs WHERE scenario = ? ORDER BY id DESC LIMIT ?",
                    (scenario, limit),
                ).fetchall()
        return [_run_row(r) for r in rows]

    def count_runs(self, status: str | None = None) -> int:
        """Number of runs (with the given status)."""
        with self._read() as conn:
            if status is None:
                return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
            return int(conn.execute("SELECT COUNT(*) FROM runs WHERE status = ?",
                                    (status,)).fetchone()[0])

    def mark_running(self, rid: int) -> None:
        """The run has started computing."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE runs SET status = 'running', started = ?, stage = 'starting'"
                " WHERE id = ? AND status = 'queued'", (time.time(), rid),
            )

    def set_progress(self, rid: int, progress: float, stage: str) -> None:
        """Record how far a running run has come."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE runs SET progress = ?, stage = ? WHERE id = ? AND status = 'running'",
                (max(0.0, min(1.0, progress)), stage[:200], rid),
            )

    def finish_run(self, rid: int, status: str, error: str | None = None,
                   result: ResultData | None = None) -> None:
        """Store the end of a run (and its result, in the same transaction)."""
        if status not in FINAL:
            raise ValueError(f"not a final run status: {status!r}")
        now = time.time()
        with self._tx() as conn:
            if result is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO results(run_id, view, report_json, report_html,"
                    " figures) VALUES (?, ?, ?, ?, ?)",
                    (rid, json.dumps(result.view), _pack(result.report_json),
                     _pack(result.report_html), _pack(json.dumps(result.figures))),
                )
            conn.execute(
                "UPDATE runs SET status = ?, error = ?, finished = ?, started = COALESCE("
                "started, ?), progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END,"
                " stage = ? WHERE id = ?",
                (status, error, now, now, status, _FINAL_STAGE[status], rid),
            )

    def interrupt_active(self) -> int:
        """Mark every run left waiting or running (by a stopped server) ``interrupted``.

        Returns the number of runs marked.
        """
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE runs SET status = 'interrupted', finished = ?, stage = 'interrupted',"
                " error = 'the server stopped before this run finished; start it again'"
                " WHERE status IN ('queued', 'running')", (time.time(),),
            )
            return cur.rowcount

    def get_view(self, rid: int) -> dict[str, Any] | None:
        """The results-page data of a finished run."""
        with self._read() as conn:
            r = conn.execute("SELECT view FROM results WHERE run_id = ?", (rid,)).fetchone()
        return None if r is None else dict(json.loads(r[0]))

    def get_blob(self, rid: int, what: str) -> str | None:
        """``report_json``, ``report_html`` or ``figures`` of a finished run, decompressed."""
        if what not in ("report_json", "report_html", "figures"):
            raise ValueError(what)
        with self._read() as conn:
            r = conn.execute(f"SELECT {what} FROM results WHERE run_id = ?", (rid,)).fetchone()
        return None if r is None else _unpack(r[0])


_FINAL_STAGE = {
    "done": "finished",
    "failed": "failed",
    "timeout": "stopped at the time limit",
    "cancelled": "cancelled",
    "interrupted": "interrupted",
}


class VersionConflict(Exception):  # noqa: N818 - reads as a condition, like StateSpaceTooLarge
    """A save was based on a version that is no longer the latest."""

    def __init__(self, latest: int) -> None:
        super().__init__(f"the latest version is {latest}")
        self.latest = latest


def _version_row(v: sqlite3.Row) -> VersionRow:
    return VersionRow(int(v["scenario_id"]), int(v["version"]), v["name"], v["description"],
                      v["text"], v["sha256"], float(v["created"]))


def _scenario_row(s: sqlite3.Row, v: sqlite3.Row, n: int) -> ScenarioRow:
    return ScenarioRow(int(s["id"]), s["label"], s["origin"], float(s["created"]),
                       float(s["updated"]), n, _version_row(v))


def _run_row(r: sqlite3.Row) -> RunRow:
    return RunRow(
        id=int(r["id"]), scenario=r["scenario"],
        version=None if r["version"] is None else int(r["version"]),
        scenario_name=r["scenario_name"], params=dict(json.loads(r["params"])),
        status=r["status"], stage=r["stage"], progress=float(r["progress"]), error=r["error"],
        created=float(r["created"]),
        started=None if r["started"] is None else float(r["started"]),
        finished=None if r["finished"] is None else float(r["finished"]),
    )
