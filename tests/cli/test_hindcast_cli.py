"""Tests for ``detente hindcast`` through :func:`detente.cli.main.main` (regressions).

The Cuban missile crisis record (quarantine, withdrawal, quarantine lifted) is consistent with
Fraser and Hipel's preferences: each recorded move improves its mover.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli.main import main

GAME = """\
detente: 1
name: two-by-two
actors:
  - {id: A, options: [{id: go, name: Go ahead}]}
  - {id: B, options: [{id: go}]}
preferences:
  A: {statements: [not B.go, A.go]}
  B: {statements: [not A.go, B.go]}
history:
  - {date: 2000-01-01, state: [A.go], source: first}
  - {date: 2000-02, state: YY, source: second, event: B goes}
  - {date: 2000-03, state: [B.go], source: third, event: A stops, note: hand-made}
"""


def test_text_cuba(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hindcast", "cuban-missile-crisis", "-c", "nash,seq"]) == 0
    out = capsys.readouterr().out
    assert "hindcast against 4 recorded states (3 steps)" in out
    assert "Step 2 · 1962-10-22 → 1962-10-28 · Soviet withdrawal announced" in out
    assert "USSR moved alone: takes «Withdraw the missiles» (USSR.withdraw)" in out
    assert "✓ an improvement for USSR" in out
    assert "Consistent with the record" in out
    assert "source: Chairman Khrushchev's message" in out
    assert "GMR" not in out  # only the concepts asked for


def test_text_edits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "game.yaml"
    f.write_text(GAME)
    assert main(["hindcast", str(f)]) == 0
    out = capsys.readouterr().out
    assert "A moved alone: drops «Go ahead» (A.go)" in out
    assert "✗ not an improvement for A" in out
    assert "Not consistent with the record: step 2 is not" in out
    assert "Fewest statement edits that make the record consistent: 1 edit" in out
    assert "A: add «not A.go» as statement #1 of the new list" in out
    assert "checked: with these edits every recorded move improves its movers" in out
    assert "note: hand-made" in out


def test_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "game.yaml"
    f.write_text(GAME)
    assert main(["hindcast", str(f), "--json", "--edits", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(s["from"], s["to"], s["movers"], s["improvement"]) for s in data["steps"]] == [
        ("YN", "YY", ["B"], True), ("YY", "NY", ["A"], False)]
    assert data["steps"][1]["stable"]["nash"] == {"A": False, "B": True}
    assert data["steps"][1]["date"] == "2000-03" and data["steps"][1]["source"] == "third"
    assert data["edits"]["status"] == "found" and data["edits"]["total"] == 1
    assert data["edits"]["actors"]["A"]["requirements"] == [
        {"step": 2, "better": "NY", "worse": "YY"}]
    assert data["consistent"] is False and data["provenance"]["analysis"] == "hindcast"


def test_no_history_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hindcast", "elmira"]) == 0
    out = capsys.readouterr().out
    assert "no history recorded" in out and len(out.strip().splitlines()) == 1
    assert main(["hindcast", "elmira", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recorded"] is False and data["steps"] == []


def test_errors_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(GAME.replace("state: YY, source: second", "state: YY"))
    assert main(["hindcast", str(f)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:11: history[1].source: required field is missing" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["hindcast", "cuban-missile-crisis", "--sanctions", "x"]) == 2
    assert "--sanctions" in capsys.readouterr().err
    assert main(["hindcast", "cuban-missile-crisis", "--coalitions", "some"]) == 2
    assert "--coalitions" in capsys.readouterr().err
    assert main(["hindcast", "cuban-missile-crisis", "-c", "best"]) == 2
    assert "unknown stability concept" in capsys.readouterr().err
    assert main(["hindcast", "cuban-missile-crisis", "--variant", "nope"]) == 2
    assert "unknown variant" in capsys.readouterr().err


def test_single_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "one.yaml"
    f.write_text(GAME.split("  - {date: 2000-02")[0])
    assert main(["hindcast", str(f)]) == 0
    assert "One recorded state only" in capsys.readouterr().out


def test_default_concepts_match_the_model() -> None:
    from detente.cli.hindcast import DEFAULT_CONCEPTS
    from detente.conflict.hindcast import DEFAULT_CONCEPTS as MODEL

    assert DEFAULT_CONCEPTS == MODEL
