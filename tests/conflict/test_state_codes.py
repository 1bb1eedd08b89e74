"""Regression tests: every public entry point that takes a state code or a concept name refuses
a bad one with a one-line error naming what is expected (issue 16: ``is_stable("gmr", "NY")``
on Elmira used to answer for NYNNN).

Label: regression.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import detente
from detente.conflict import analyse, analyse_coalitions, inverse, statement_edits
from detente.conflict.concepts import parse_concept, parse_concepts
from detente.conflict.paths import status_quo_paths
from detente.scenario import Scenario
from detente.scenario.codes import check_code, code_text, parse_code, to_code

pytestmark = pytest.mark.regression

# Elmira: 5 options, 9 feasible states; NYNNN is feasible, YYYYY is not.
SHORT, LONG, LETTERS, INFEASIBLE = "NY", "NYNNNN", "NYNXN", "YYYYY"


@pytest.fixture(scope="module")
def elmira() -> Scenario:
    return detente.load_scenario(detente.scenario_path("elmira"))


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_codes_module() -> None:
    assert code_text(5, 4) == "YNYN"
    assert parse_code(" yNyN ", 4) == 5
    assert to_code("YNYN", 4) == 5 and to_code(5, 4) == 5
    for bad in ("YNY", "YNYNY", "YNZN", ""):
        with pytest.raises(ValueError, match="exactly 4 characters Y or N") as exc:
            parse_code(bad, 4)
        _one_line(exc)
    with pytest.raises(ValueError, match=r"one per option: A\.x, A\.y"):
        parse_code("Y", 2, ["A.x", "A.y"])
    for bad_int in (-1, 16):
        with pytest.raises(ValueError, match="out of range for 4 options"):
            check_code(bad_int, 4)
    with pytest.raises(ValueError, match="not a state"):
        to_code(True, 4)
    with pytest.raises(ValueError, match="not a state"):
        to_code(1.5, 4)  # type: ignore[arg-type]


def test_concept_parser() -> None:
    assert parse_concept(" R ") == "nash"
    assert parse_concepts("gmr, seq,gmr") == ("gmr", "seq")
    with pytest.raises(ValueError, match="unknown stability concept 'xyz'; choose from nash, "
                                         "gmr, smr, seq, sim"):
        parse_concept("xyz")
    with pytest.raises(ValueError, match="no stability concept given"):
        parse_concepts(" , ")


def test_scenario_parse_code(elmira: Scenario) -> None:
    assert elmira.parse_code("NYNNN") == 2
    for bad in (SHORT, LONG, LETTERS):
        with pytest.raises(ValueError, match="exactly 5 characters Y or N") as exc:
            elmira.parse_code(bad)
        _one_line(exc)


def test_stability_is_stable(elmira: Scenario) -> None:
    r = analyse(elmira)
    assert r.is_stable("gmr", "NYNNY") is True
    for bad in (SHORT, LONG, LETTERS):  # "NY" used to answer for NYNNN
        with pytest.raises(ValueError, match="exactly 5 characters Y or N"):
            r.is_stable("gmr", bad)
    with pytest.raises(ValueError, match="out of range for 5 options"):
        r.is_stable("gmr", 32)
    with pytest.raises(ValueError, match="not a feasible state"):
        r.is_stable("gmr", INFEASIBLE)
    with pytest.raises(ValueError, match="unknown stability concept"):
        r.is_stable("bogus", "NYNNY")
    with pytest.raises(ValueError, match="unknown actor"):
        r.is_stable("gmr", "NYNNY", "nobody")


def test_coalition_is_stable(elmira: Scenario) -> None:
    r = analyse_coalitions(elmira, "nash")
    for bad in (SHORT, LONG, LETTERS):
        with pytest.raises(ValueError, match="exactly 5 characters Y or N"):
            r.is_stable("nash", bad)
    with pytest.raises(ValueError, match="not a feasible state"):
        r.is_stable("nash", INFEASIBLE)
    with pytest.raises(ValueError, match="unknown stability concept"):
        r.is_stable("sim", "NYNNY")


def test_paths_entry_points(elmira: Scenario) -> None:
    r = status_quo_paths(elmira)
    for call in (r.is_reachable, r.path):
        for bad in (SHORT, LONG, LETTERS):
            with pytest.raises(ValueError, match="exactly 5 characters Y or N"):
                call(bad)
        with pytest.raises(ValueError, match="not a feasible state"):
            call(INFEASIBLE)
    for kw in ("target", "start"):
        with pytest.raises(ValueError, match="exactly 5 characters Y or N"):
            status_quo_paths(elmira, **{kw: SHORT})
        with pytest.raises(ValueError, match="out of range for 5 options"):
            status_quo_paths(elmira, **{kw: 99})
        with pytest.raises(ValueError, match="not a feasible state"):
            status_quo_paths(elmira, **{kw: INFEASIBLE})


@pytest.mark.parametrize("entry", [inverse, statement_edits])
def test_inverse_targets(elmira: Scenario, entry: Callable[..., Any]) -> None:
    for bad in (SHORT, LONG, LETTERS):
        with pytest.raises(ValueError, match=r"target state .* exactly 5 characters Y or N"):
            entry(elmira, bad, "gmr")
    with pytest.raises(ValueError, match="out of range for 5 options"):
        entry(elmira, -3, "gmr")
    with pytest.raises(ValueError, match="not a feasible state"):
        entry(elmira, INFEASIBLE, "gmr")
    with pytest.raises(ValueError, match="unknown stability concept 'sim'"):
        entry(elmira, "NYNNY", "sim")


def test_analyses_refuse_unknown_concepts(elmira: Scenario) -> None:
    with pytest.raises(ValueError, match="unknown stability concept 'x'; choose from"):
        analyse(elmira, "nash,x")
    with pytest.raises(ValueError, match=r"choose from nash, gmr, smr, seq \(SIM has no"):
        analyse_coalitions(elmira, "sim")
    with pytest.raises(ValueError, match="unknown stability concept"):
        status_quo_paths(elmira, "best")
    with pytest.raises(ValueError, match="sanctions must be 'legal' or 'distinct'"):
        analyse(elmira, "gmr", "some")


@pytest.mark.parametrize("argv", [
    ["paths", "elmira", "--to", SHORT],
    ["paths", "elmira", "--to", INFEASIBLE],
    ["paths", "elmira", "--concept", "bogus"],
    ["inverse", "elmira", "-t", SHORT],
    ["inverse", "elmira", "-t", LETTERS],
    ["inverse", "elmira", "-t", "NYNNY", "--concept", "sim"],
])
def test_cli_refuses_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli.main import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
