"""``detente stability`` through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import detente
from detente.cli.main import main

pytestmark = pytest.mark.regression


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stability", detente.scenario_path("prisoners-dilemma"), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[1:-1] == ["scenario", "options", "states", "status_quo", "concepts"]
    assert data["options"] == ["P1.cooperate", "P2.cooperate"]
    assert data["states"] == ["NN", "YN", "NY", "YY"]
    assert list(data["concepts"]) == ["nash", "gmr", "smr", "seq", "sim"]
    assert data["concepts"]["nash"] == {"stable": {"P1": ["NN", "NY"], "P2": ["NN", "YN"]},
                                        "equilibria": ["NN"]}


def test_concept_subset_and_distinct(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stability", "garrison", "--concept", "gmr,smr", "--sanctions", "distinct",
                 "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["concepts"]) == ["gmr", "smr"]


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", "elmira"]) == 0
    out = capsys.readouterr().out
    assert "Equilibria" in out and "SEQ" in out and "options taken" in out


def test_bad_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("detente: 1\nname: x\nactors: [{id: A, options: [{id: o}]}]\n")
    assert main(["stability", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_bad_concept_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", "chicken", "--concept", "nash,foo"]) == 2
    assert "unknown stability concept 'foo'" in capsys.readouterr().err


def test_state_space_guard(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_MAX_STATES", "8")
    assert main(["stability", "elmira"]) == 2
    err = capsys.readouterr().err
    assert "more than 8 feasible states" in err and "DETENTE_MAX_STATES" in err
    assert err.count("\n") == 1
