"""What the text and HTML reports say (regressions): the headline, ranks with ties, the rules
table, tracked outcomes only when the scenario declares them, no empty questions section."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

import detente
from detente.loading import loads_scenario
from detente.report import render_html, render_text
from detente.strategy.analysis import analyze_scenario
from tests.strategy.test_questions import DILEMMA, NO_INTERESTS


def _text(report: object) -> str:
    console = Console(width=400, record=True, color_system=None)
    render_text(report, console)  # type: ignore[arg-type]
    return console.export_text()


@pytest.fixture(scope="module")
def dilemma():  # type: ignore[no-untyped-def]
    return analyze_scenario(loads_scenario(DILEMMA, "dilemma.yaml"), with_sensitivity=False)


@pytest.fixture(scope="module")
def elmira():  # type: ignore[no-untyped-def]
    return analyze_scenario(detente.scenario_path("elmira"), with_sensitivity=False)


def test_text_headline_and_ranks(dilemma) -> None:  # type: ignore[no-untyped-def]
    out = _text(dilemma)
    assert "Under each variant's declared coalitions, talks ranks first" in out
    assert "The ranking holds only because talks alone declares coalitions" in out
    rows = re.findall(r"│\s+(\d+) │ (\w+)", out)
    assert rows[:2] == [("1", "talks"), ("2", "alone")]
    assert "equal scores share a rank, 1, 1, 3" in out
    # the rules table: under the common coalition both variants score 2 and share rank 1
    assert re.search(r"│ talks\s+│ 1 \(2\.00\)\s+│ 1 \(0\.00\)\s+│ 1 \(2\.00\)", out)
    assert re.search(r"│ alone\s+│ 2 \(0\.00\)\s+│ 1 \(0\.00\)\s+│ 1 \(2\.00\)", out)
    assert "talks: adds the coalition A+B" in out
    assert "The questions" in out and "Talks or not" in out


def test_text_ties_without_interests() -> None:
    rep = analyze_scenario(loads_scenario(NO_INTERESTS, "n.yaml"), with_sensitivity=False)
    out = _text(rep)
    assert re.findall(r"│\s+(\d+) │ (\w+)", out)[:2] == [("1", "one"), ("1", "two")]
    assert "No variant ranks above another: the scenario defines no interests" in out
    assert "total" not in out.split("Strategy comparison")[1].split("\n")[4]
    assert "The questions" not in out


def test_text_elmira_is_generic(elmira) -> None:  # type: ignore[no-untyped-def]
    out = _text(elmira)
    for word in ("freeze", "CVID", "cvid", "The questions"):
        assert word not in out
    assert "the scenario defines no interests" in out


def test_html_says_the_same(dilemma, elmira) -> None:  # type: ignore[no-untyped-def]
    html = render_html(dilemma)
    assert "talks ranks first" in html and 'id="rules"' in html
    cells = re.findall(r"<tr><td>(\d+)</td><td><b>([^<]+)</b>", html)
    assert [c[0] for c in cells] == ["1", "2"]
    assert "<th title=\"A.coop and B.coop\">Both cooperate</th>" in html
    assert "<h2>The questions</h2>" in html
    e = render_html(elmira)
    for word in ("freeze", "CVID", "The questions", "<h3>The same move rules"):
        assert word not in e
    assert "reachable equilibria" in e and "<code>NYNNY</code>" in e


def test_json_ranking_shape(dilemma) -> None:  # type: ignore[no-untyped-def]
    data = dilemma.to_dict()
    assert data["ranking"] == [{"variant": "talks", "rank": 1, "score": 2.0},
                               {"variant": "alone", "rank": 2, "score": 0.0}]
    assert data["conclusion"]["survives"] == {"unilateral": False, "coalition A+B": False}
    assert set(data["reneging"]) == {"talks", "alone"} and data["record"] is None  # no history
    assert data["reneging"]["talks"]["state"] == "YY" and data["reneging"]["talks"]["stable"]


def test_text_keeps_bracketed_words(dilemma) -> None:  # type: ignore[no-untyped-def]
    """Regression: the console read ``[war]``-style outcome ids as markup and dropped them."""
    out = " ".join(_text(dilemma).split())
    for sentence in dilemma.conclusion.sentences:
        assert " ".join(sentence.split()) in out
