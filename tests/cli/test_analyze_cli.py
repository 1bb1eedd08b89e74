"""``detente analyze`` options for the move rules, and its JSON (regressions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli.main import main
from tests.strategy.test_questions import DILEMMA


@pytest.fixture
def dilemma(tmp_path: Path) -> str:
    path = tmp_path / "dilemma.yaml"
    path.write_text(DILEMMA)
    return str(path)


def test_json_ranking_and_rules(dilemma: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", dilemma, "--no-sensitivity", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ranking"] == [{"variant": "talks", "rank": 1, "score": 2.0},
                               {"variant": "alone", "rank": 2, "score": 0.0}]
    assert [r["rules"]["label"] for r in data["rules"]] == ["declared", "unilateral",
                                                            "coalition A+B"]
    assert data["conclusion"]["top"] == ["talks"]
    assert data["structure"][0]["extra_coalitions"] == [["A", "B"]]


def test_rules_option(dilemma: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", dilemma, "--no-sensitivity", "--json", "--rules", "unilateral"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["rank"] for e in data["ranking"]] == [1, 1]
    assert data["rules"][0]["rules"]["kind"] == "unilateral"
    assert main(["analyze", dilemma, "--no-sensitivity", "--json", "--rules", "coalition",
                 "--coalition", "B,A"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["provenance"]["rules"] == "coalition B+A"
    assert [e["score"] for e in data["ranking"]] == [2.0, 2.0]


@pytest.mark.parametrize(("args", "message"), [
    (["--rules", "some"], "--rules must be one of declared, unilateral, coalition, all"),
    (["--coalition", "A,C"], "--coalition: unknown actor 'C'"),
    (["--coalition", "A"], "--coalition needs at least two actor ids"),
])
def test_bad_rules_one_line(dilemma: str, args: list[str], message: str,
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", dilemma, "--no-sensitivity", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_text_says_the_headline(dilemma: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", dilemma, "--no-sensitivity"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "talks ranks first" in out
    assert "The ranking holds only because talks alone declares coalitions" in out
