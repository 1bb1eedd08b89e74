"""First-level hypergames (Wang, Hipel and Fraser 1988): each actor in its own perceived game.

Labels: reference (each actor's row against tests/conflict/reference.py run on that actor's
perceived game), theory (Nash, GMR and SMR use only the focal actor's preferences, so
perceptions leave them unchanged; without perceptions the hypergame is the game), regression
(the section's errors, the CLI flag).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.conflict.hypergame import analyse_hypergame
from detente.errors import ScenarioError
from detente.loading import from_data
from tests.conflict.reference import RefConflict, stable
from tests.conflict.strategies import conflicts

pytestmark = pytest.mark.reference

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")


@st.composite
def with_perceptions(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(conflicts(max_actors=3, max_options=5))
    refs = [f"{a['id']}.{o['id']}" for a in data["actors"] for o in a["options"]]
    lit = st.sampled_from(refs).flatmap(lambda r: st.sampled_from([r, f"not {r}"]))
    ids = [a["id"] for a in data["actors"]]
    per: dict[str, dict[str, Any]] = {}
    for i in ids:
        row = {j: {"statements": draw(st.lists(lit, min_size=1, max_size=3))}
               for j in ids if j != i and draw(st.booleans())}
        if row:
            per[i] = row
    return {**data, "perceptions": per}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_perceptions(), st.sampled_from(["legal", "distinct"]))
def test_each_row_matches_the_reference_in_its_own_game(data: dict[str, Any],
                                                        sanctions: str) -> None:
    scenario = from_data(data)
    model = build_model(scenario)
    if model.space.n_states == 0:
        return
    result = analyse_hypergame(scenario, CONCEPTS, sanctions, model=model)
    codes = [int(c) for c in model.space.codes]
    for i, actor in enumerate(scenario.actor_ids):
        seen = {j: {"statements": data["perceptions"][actor][j]["statements"]}
                for j in data["perceptions"].get(actor, {})}
        own = from_data({**data, "perceptions": None,
                         "preferences": {**data["preferences"], **seen}})
        pay = build_model(own).payoffs()
        ref = RefConflict(
            actor_bits=tuple(tuple(o.index for o in a.options) for a in scenario.actors),
            directions=tuple(o.reversible for o in scenario.options),
            feasible=frozenset(codes),
            payoff=tuple({c: int(v) for c, v in zip(codes, pay[a], strict=True)}
                         for a in scenario.actor_ids),
        )
        for concept in CONCEPTS:
            for j, code in enumerate(codes):
                want = stable(ref, i, code, concept, distinct=sanctions == "distinct")
                assert bool(result.stable[concept][i, j]) == want, (
                    f"{concept} {actor} {scenario.code_text(code)} {sanctions}")


@pytest.mark.published
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_perceptions(), st.sampled_from(["legal", "distinct"]))
def test_nash_gmr_smr_ignore_perceptions(data: dict[str, Any], sanctions: str) -> None:
    scenario = from_data(data)
    truth = analyse(scenario, ["nash", "gmr", "smr"], sanctions)
    hyper = analyse_hypergame(scenario, ["nash", "gmr", "smr"], sanctions)
    for c in ("nash", "gmr", "smr"):
        assert np.array_equal(truth.stable[c], hyper.stable[c])


@pytest.mark.published
def test_without_perceptions_the_hypergame_is_the_game() -> None:
    s = from_data(_two_by_two())
    assert np.array_equal(analyse_hypergame(s).stable["seq"], analyse(s).stable["seq"])
    assert analyse_hypergame(s).parameters["hypergame"] == []


def _two_by_two(**extra: Any) -> dict[str, Any]:
    return {"detente": 1, "name": "t",
            "actors": [{"id": "A", "options": [{"id": "x"}]},
                       {"id": "B", "options": [{"id": "y"}]}],
            "preferences": {"A": {"statements": ["A.x"]}, "B": {"statements": ["B.y"]}},
            **extra}


@pytest.mark.regression
@pytest.mark.parametrize(("section", "field", "words"), [
    ({"C": {"A": {"statements": ["A.x"]}}}, "perceptions.C", "unknown actor 'C'"),
    ({"A": {"C": {"statements": ["A.x"]}}}, "perceptions.A.C", "unknown actor 'C'"),
    ({"A": {"A": {"statements": ["A.x"]}}}, "perceptions.A.A", "own preferences"),
    ({"A": {"B": {"statements": ["B.z"]}}}, "perceptions.A", "B.z"),
])
def test_section_errors_name_the_field(section: Any, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        from_data(_two_by_two(perceptions=section))
    assert err.value.field == field
    assert words in str(err.value)


@pytest.mark.regression
def test_cli_flag(tmp_path: Any) -> None:
    import json

    import yaml
    from typer.testing import CliRunner

    from detente.cli.main import app

    path = tmp_path / "h.yaml"
    path.write_text(yaml.safe_dump(_two_by_two(
        perceptions={"A": {"B": {"statements": ["not B.y"]}}})), encoding="utf-8")
    res = CliRunner().invoke(app, ["stability", str(path), "-c", "seq", "--hypergame",
                                   "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["concepts"]["seq"]["equilibria"] == ["YY"]


@pytest.mark.published
def test_by_hand_a_misread_opponent_changes_seq() -> None:
    """A ranks YN > NN > YY > NY. At NN its move to YN is answered by B taking y (B wants y),
    which leaves A at YY, worse than NN: SEQ-stable for A in the true game. If A believes B
    does not want y, B would not answer, and NN is not SEQ-stable in A's game."""
    data = _two_by_two(perceptions={"A": {"B": {"statements": ["not B.y"]}}})
    data["preferences"]["A"] = {"ranking": ["YN", "NN", "YY", "NY"]}
    s = from_data(data)
    assert analyse(s, ["seq"]).stable["seq"][0, 0]
    assert not analyse_hypergame(s, ["seq"]).stable["seq"][0, 0]
