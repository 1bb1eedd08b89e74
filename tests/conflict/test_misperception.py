"""Misperceptions (GMCR+): an actor cannot move to or from a state it misperceives.

Labels: theory (the Syria-Iraq GMCR+ example worked by hand from the definition; see
docs/discussion/misperceptions.md), reference (the engine against tests/conflict/reference.py
with the same misperceived states removed from each actor's moves, every concept, both
sanction rules and both layouts), regression (the section's errors, the model cache key, the
inverse analysis).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.conflict.engine import structure_key
from detente.conflict.preferences import compress_ranks
from detente.errors import ScenarioError
from detente.loading import from_data, load_scenario
from tests.conflict.reference import RefConflict
from tests.conflict.strategies import conflicts
from tests.conflict.test_engine_vs_reference import compare

pytestmark = pytest.mark.reference

DATA = Path(__file__).parents[1] / "formats" / "data"


@pytest.mark.published
def test_syria_iraq_by_hand() -> None:
    """SI_misp.gmcr (GMCR+'s own example file): Syria misperceives the states where it
    releases water without escalating, Iraq those where Syria does neither. Worked by hand
    (states NNN, YNN, NYN, NNY, YNY, NYY; the payoffs the file itself stores: Syria 6 3 5 2 1
    4, Iraq 3 6 1 5 2 4): Syria's only moves from NNN go to NYN (YNN is misperceived), which
    it likes less, so NNN is Nash-stable for it; YNN and YNY are misperceived, so stable;
    NYN -> NNN and NNY -> NYY improve; from NYY its only move, to NNY, is worse. Iraq
    cannot move from NNN or NNY; YNY -> YNN and NYN -> NYY improve; YNN and NYY it keeps."""
    s = load_scenario(DATA / "SI_misp.gmcr")
    r = analyse(s, ["nash", "gmr", "smr", "seq"], "distinct")
    assert s.codes_text(r.codes) == ["NNN", "YNN", "NYN", "NNY", "YNY", "NYY"]
    ranks = build_model(s).payoffs()
    assert ranks["Syria"].tolist() == [6, 3, 5, 2, 1, 4]  # the file's stored payoffs
    assert ranks["Iraq"].tolist() == [3, 6, 1, 5, 2, 4]
    for concept in ("nash", "gmr", "smr", "seq"):
        assert r.stable[concept].astype(int).tolist() == [[1, 1, 0, 0, 1, 1],
                                                           [1, 1, 0, 1, 0, 1]]
        assert r.equilibria(concept) == ["NNN", "YNN", "NYY"]
    # without misperceptions Iraq moves NNN -> NNY (5 > 3): the misperceptions are what make
    # NNN an equilibrium
    plain = from_data({**_data(s), "misperceptions": None})
    assert "NNN" not in analyse(plain, ["nash"]).equilibria("nash")


def _data(s: Any) -> dict[str, Any]:
    from detente.scenario.model import plain_data

    return dict(plain_data(s.raw))


@st.composite
def with_misperceptions(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(conflicts(max_actors=4, max_options=7))
    refs = [f"{a['id']}.{o['id']}" for a in data["actors"] for o in a["options"]]
    lit = st.sampled_from(refs).flatmap(lambda r: st.sampled_from([r, f"not {r}"]))
    clause = st.lists(lit, min_size=1, max_size=3).map(" and ".join)
    mis: dict[str, list[str]] = {}
    for a in data["actors"]:
        conds = draw(st.lists(clause, max_size=2))
        if conds:
            mis[a["id"]] = conds
    return {**data, "misperceptions": mis}


def _reference(scenario: Any, model: Any, payoffs: dict[str, np.ndarray]) -> RefConflict:
    codes = [int(c) for c in model.space.codes]
    arr = np.asarray(model.space.codes)
    mis = scenario.misperceptions
    return RefConflict(
        actor_bits=tuple(tuple(o.index for o in a.options) for a in scenario.actors),
        directions=tuple(o.reversible for o in scenario.options),
        feasible=frozenset(codes),
        payoff=tuple({c: int(v) for c, v in zip(codes, payoffs[a], strict=True)}
                     for a in scenario.actor_ids),
        blocked=tuple(frozenset(int(c) for c in arr[mis.mask(a, arr)])
                      for a in scenario.actor_ids),
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_misperceptions(), st.sampled_from(["dense", "sparse"]),
       st.sampled_from(["legal", "distinct"]), st.one_of(st.none(), st.integers(0, 2**16)))
def test_engine_matches_reference_with_misperceptions(data: dict[str, Any], layout: str,
                                                      sanctions: str, seed: int | None) -> None:
    scenario = from_data(data)
    model = build_model(scenario, layout=layout)
    if model.space.n_states == 0:
        return
    if seed is None:
        payoffs = model.payoffs()
    else:
        rng = np.random.default_rng(seed)
        payoffs = {a: compress_ranks(rng.integers(0, 6, model.space.n_states))[0]
                   for a in scenario.actor_ids}
    result = analyse(scenario, None, sanctions, model=model, payoffs=payoffs)
    compare(scenario, model, result, _reference(scenario, model, payoffs),
            f"layout={layout} sanctions={sanctions} misperceptions={data['misperceptions']}")


def _two_by_two(**extra: Any) -> dict[str, Any]:
    return {"detente": 1, "name": "t",
            "actors": [{"id": "A", "options": [{"id": "x"}]},
                       {"id": "B", "options": [{"id": "y"}]}],
            "preferences": {"A": {"statements": ["A.x"]}, "B": {"statements": ["B.y"]}},
            **extra}


@pytest.mark.regression
def test_a_misperceived_state_is_stable_for_its_actor_only() -> None:
    s = from_data(_two_by_two(misperceptions={"A": ["not A.x and not B.y"]}))
    r = analyse(s, ["nash"])
    assert r.stable["nash"][0].tolist() == [True, True, False, True]  # A stays at NN
    assert r.stable["nash"][1].tolist() == [False, False, True, True]  # B unchanged


@pytest.mark.regression
def test_misperceptions_change_the_model_key() -> None:
    plain = from_data(_two_by_two())
    mis = from_data(_two_by_two(misperceptions={"A": ["A.x"]}))
    assert structure_key(plain) != structure_key(mis)
    assert structure_key(from_data(_two_by_two(misperceptions={}))) == structure_key(plain)


@pytest.mark.regression
@pytest.mark.parametrize(("section", "field", "words"), [
    ({"C": ["A.x"]}, "misperceptions.C", "unknown actor 'C'"),
    ({"A": ["A.z"]}, "misperceptions.A[0]", "A.z"),
    ({"A": [3]}, "misperceptions.A[0]", "condition written as text"),
    (["A.x"], "misperceptions", "maps actor ids"),
])
def test_section_errors_name_the_field(section: Any, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        from_data(_two_by_two(misperceptions=section))
    assert err.value.field == field
    assert words in str(err.value)


@pytest.mark.regression
def test_inverse_respects_misperceptions() -> None:
    """The inverse analysis builds its moves from the same model: A cannot leave a state it
    misperceives, so that state is already Nash-stable for A and needs no change."""
    from detente.conflict.inverse import inverse

    plain = inverse(from_data(_two_by_two()), "NN", "nash", actors=["A"]).to_dict()
    assert plain["actors"]["A"]["must_block"] == ["YN"]
    mis = from_data(_two_by_two(misperceptions={"A": ["not A.x"]}))
    res = inverse(mis, "NN", "nash", actors=["A"]).to_dict()
    assert res["stable_now"] and res["actors"]["A"]["must_block"] == []
