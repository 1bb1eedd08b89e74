"""Preference uncertainty (Li, Hipel, Kilgour and Fang 2004): the sixteen extended concepts.

Labels: reference (the engine against tests/conflict/reference_uncertainty.py, a set-based
implementation of the definitions in docs/discussion/preference-uncertainty.md), theory
(without uncertain pairs every extension is the ordinary concept; the inclusions between
extensions that follow from the definitions; a two-state case worked by hand), regression
(the section's errors, the state limit, the CLI).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.conflict.concepts import UNCERTAIN_CONCEPTS
from detente.conflict.uncertainty import uncertain_preferences_of
from detente.errors import ScenarioError
from detente.loading import from_data
from tests.conflict.reference import RefConflict
from tests.conflict.reference_uncertainty import stable as ref_stable
from tests.conflict.strategies import conflicts

pytestmark = pytest.mark.reference


@st.composite
def with_uncertainty(draw: st.DrawFn, max_options: int = 5) -> dict[str, Any]:
    data = draw(conflicts(max_actors=3, max_options=max_options))
    refs = [f"{a['id']}.{o['id']}" for a in data["actors"] for o in a["options"]]
    lit = st.sampled_from(refs).flatmap(lambda r: st.sampled_from([r, f"not {r}"]))
    clause = st.lists(lit, min_size=1, max_size=2).map(" and ".join)
    unc: dict[str, list[list[str]]] = {}
    for a in data["actors"]:
        pairs = draw(st.lists(st.tuples(clause, clause).map(list), max_size=2))
        if pairs:
            unc[a["id"]] = pairs
    return {**data, "uncertain_preferences": unc}


def _reference(scenario: Any, model: Any) -> tuple[RefConflict, list[frozenset[tuple[int, int]]]]:
    codes = [int(c) for c in model.space.codes]
    pay = model.payoffs()
    ref = RefConflict(
        actor_bits=tuple(tuple(o.index for o in a.options) for a in scenario.actors),
        directions=tuple(o.reversible for o in scenario.options),
        feasible=frozenset(codes),
        payoff=tuple({c: int(v) for c, v in zip(codes, pay[a], strict=True)}
                     for a in scenario.actor_ids),
    )
    unc = uncertain_preferences_of(scenario)
    pairs = []
    for a in scenario.actor_ids:
        m = unc.matrix(a, model.space.codes) if unc is not None else np.zeros((0, 0), bool)
        pairs.append(frozenset((codes[s], codes[t]) for s, t in zip(*np.nonzero(m),
                                                                    strict=True)))
    return ref, pairs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_uncertainty(), st.sampled_from(["legal", "distinct"]))
def test_engine_matches_reference(data: dict[str, Any], sanctions: str) -> None:
    scenario = from_data(data)
    model = build_model(scenario)
    if model.space.n_states == 0:
        return
    result = analyse(scenario, UNCERTAIN_CONCEPTS, sanctions, model=model)
    ref, pairs = _reference(scenario, model)
    for concept in UNCERTAIN_CONCEPTS:
        for i, actor in enumerate(scenario.actor_ids):
            for j, code in enumerate(model.space.codes):
                want = ref_stable(ref, pairs, i, int(code), concept, sanctions == "distinct")
                got = bool(result.stable[concept][i, j])
                assert got == want, (f"{concept} {actor} {scenario.code_text(int(code))} "
                                     f"{sanctions}: engine {got}, reference {want}")


@pytest.mark.published
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_actors=3, max_options=6), st.sampled_from(["legal", "distinct"]))
def test_without_uncertainty_every_extension_is_the_ordinary_concept(
        data: dict[str, Any], sanctions: str) -> None:
    scenario = from_data(data)
    plain = analyse(scenario, ["nash", "gmr", "smr", "seq"], sanctions)
    ext = analyse(scenario, UNCERTAIN_CONCEPTS, sanctions)
    for concept in UNCERTAIN_CONCEPTS:
        base = concept.split("_")[0]
        assert np.array_equal(ext.stable[concept], plain.stable[base]), concept


@pytest.mark.published
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_uncertainty(max_options=6), st.sampled_from(["legal", "distinct"]))
def test_inclusions_between_extensions(data: dict[str, Any], sanctions: str) -> None:
    """a ⊆ b and c ⊆ d (more sanctions deter), a ⊆ c and b ⊆ d (fewer moves to block),
    Nash ⊆ SEQ ⊆ GMR and Nash ⊆ SMR ⊆ GMR within each extension."""
    r = analyse(from_data(data), UNCERTAIN_CONCEPTS, sanctions)

    def sub(x: str, y: str) -> None:
        assert not (r.stable[x] & ~r.stable[y]).any(), f"{x} not within {y}"

    for base in ("nash", "gmr", "smr", "seq"):
        sub(f"{base}_a", f"{base}_b")
        sub(f"{base}_c", f"{base}_d")
        sub(f"{base}_a", f"{base}_c")
        sub(f"{base}_b", f"{base}_d")
    for x in "abcd":
        sub(f"nash_{x}", f"seq_{x}")
        sub(f"seq_{x}", f"gmr_{x}")
        sub(f"nash_{x}", f"smr_{x}")
        sub(f"smr_{x}", f"gmr_{x}")


def _two_by_two(**extra: Any) -> dict[str, Any]:
    return {"detente": 1, "name": "t",
            "actors": [{"id": "A", "options": [{"id": "x"}]},
                       {"id": "B", "options": [{"id": "y"}]}],
            "preferences": {"A": {"statements": ["A.x"]}, "B": {"statements": ["B.y"]}},
            **extra}


@pytest.mark.published
def test_by_hand_an_uncertain_move_counts_only_in_a_and_b() -> None:
    """A ranks YN above NN but is uncertain between them. From NN, A's move to YN is an
    uncertain move: NN is not Nash_a (or Nash_b) stable for A, but it is Nash_c and Nash_d
    stable (A has no strict improvement). B's moves are unaffected."""
    s = from_data(_two_by_two(uncertain_preferences={"A": [["not A.x and not B.y",
                                                            "A.x and not B.y"]]}))
    r = analyse(s, ["nash_a", "nash_b", "nash_c", "nash_d", "nash"])
    nn = 0
    assert not r.stable["nash_a"][0, nn] and not r.stable["nash_b"][0, nn]
    assert r.stable["nash_c"][0, nn] and r.stable["nash_d"][0, nn]
    assert not r.stable["nash"][0, nn]  # the ordinary analysis reads the ranking
    assert np.array_equal(r.stable["nash_a"][1], r.stable["nash"][1])


@pytest.mark.regression
@pytest.mark.parametrize(("section", "field", "words"), [
    ({"C": [["A.x", "B.y"]]}, "uncertain_preferences.C", "unknown actor 'C'"),
    ({"A": [["A.x"]]}, "uncertain_preferences.A[0]", "pair [X, Y]"),
    ({"A": [["A.x", "A.z"]]}, "uncertain_preferences.A[0][1]", "A.z"),
    ({"A": "A.x"}, "uncertain_preferences.A", "list of [X, Y]"),
])
def test_section_errors_name_the_field(section: Any, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        from_data(_two_by_two(uncertain_preferences=section))
    assert err.value.field == field
    assert words in str(err.value)


@pytest.mark.regression
def test_unknown_extended_concept_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown stability concept 'gmr_e'"):
        analyse(from_data(_two_by_two()), "gmr_e")


@pytest.mark.regression
def test_state_limit_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente.conflict.attitudes as attitudes_mod
    import detente.conflict.uncertainty as unc_mod
    from detente.errors import StateSpaceTooLarge

    monkeypatch.setattr(unc_mod, "MAX_UNCERTAIN_STATES", 3)
    monkeypatch.setattr(attitudes_mod, "MAX_UNCERTAIN_STATES", 3)
    s = from_data(_two_by_two())
    with pytest.raises(StateSpaceTooLarge, match="at most 3 feasible states"):
        analyse(s, "gmr_a")
    with pytest.raises(StateSpaceTooLarge, match="at most 3 feasible states"):
        analyse(s, "rgmr")
