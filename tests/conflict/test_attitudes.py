"""Attitudes and relational stability (Inohara, Hipel and Walker 2007).

Labels: reference (the engine against tests/conflict/reference_attitudes.py, a set-based
implementation of the definitions in docs/discussion/attitudes.md), published (the
equivalences proved by Inohara and Hipel 2009: with attitudes "+" toward oneself and "0"
toward others and strict preferences the relational concepts are the ordinary ones; with all
attitudes neutral RNash = RSMR and RGMR = RSEQ), regression (the section's errors).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.conflict.attitudes import attitudes_of
from detente.errors import ScenarioError
from detente.loading import from_data
from tests.conflict.reference import RefConflict
from tests.conflict.reference_attitudes import stable as ref_stable
from tests.conflict.strategies import conflicts

pytestmark = pytest.mark.reference

RELATIONAL = ("rnash", "rgmr", "rsmr", "rseq")


@st.composite
def with_attitudes(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(conflicts(max_actors=3, max_options=5))
    ids = [a["id"] for a in data["actors"]]
    sign = st.sampled_from(["+", "0", "-"])
    att = {a: {b: draw(sign) for b in ids if draw(st.booleans())} for a in ids}
    return {**data, "attitudes": att}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_attitudes(), st.sampled_from(["legal", "distinct"]))
def test_engine_matches_reference(data: dict[str, Any], sanctions: str) -> None:
    scenario = from_data(data)
    model = build_model(scenario)
    if model.space.n_states == 0:
        return
    result = analyse(scenario, RELATIONAL, sanctions, model=model)
    codes = [int(c) for c in model.space.codes]
    pay = model.payoffs()
    ref = RefConflict(
        actor_bits=tuple(tuple(o.index for o in a.options) for a in scenario.actors),
        directions=tuple(o.reversible for o in scenario.options),
        feasible=frozenset(codes),
        payoff=tuple({c: int(v) for c, v in zip(codes, pay[a], strict=True)}
                     for a in scenario.actor_ids),
    )
    e = attitudes_of(scenario).e
    for concept in RELATIONAL:
        for i, actor in enumerate(scenario.actor_ids):
            for j, code in enumerate(codes):
                want = ref_stable(ref, e, i, code, concept, sanctions == "distinct")
                got = bool(result.stable[concept][i, j])
                assert got == want, (f"{concept} {actor} {scenario.code_text(code)} "
                                     f"{sanctions} {data['attitudes']}: engine {got}, "
                                     f"reference {want}")


def _strict_payoffs(scenario: Any, seed: int) -> tuple[Any, dict[str, np.ndarray]]:
    model = build_model(scenario)
    rng = np.random.default_rng(seed)
    n = model.space.n_states
    return model, {a: (rng.permutation(n) + 1).astype(np.uint16) for a in scenario.actor_ids}


@pytest.mark.published
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_actors=3, max_options=6), st.integers(0, 2**16),
       st.sampled_from(["legal", "distinct"]))
def test_selfish_attitudes_and_strict_preferences_give_the_ordinary_concepts(
        data: dict[str, Any], seed: int, sanctions: str) -> None:
    scenario = from_data(data)  # no attitudes: + toward oneself, 0 toward the others
    model, pay = _strict_payoffs(scenario, seed)
    if model.space.n_states == 0:
        return
    r = analyse(scenario, ["nash", "gmr", "smr", "seq", *RELATIONAL], sanctions, model=model,
                payoffs=pay)
    for c in ("nash", "gmr", "smr", "seq"):
        assert np.array_equal(r.stable[f"r{c}"], r.stable[c]), c


@pytest.mark.published
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_actors=3, max_options=6), st.sampled_from(["legal", "distinct"]))
def test_neutral_attitudes_rnash_is_rsmr_and_rgmr_is_rseq(data: dict[str, Any],
                                                         sanctions: str) -> None:
    ids = [a["id"] for a in data["actors"]]
    scenario = from_data({**data, "attitudes": {a: {b: "0" for b in ids} for a in ids}})
    r = analyse(scenario, RELATIONAL, sanctions)
    assert np.array_equal(r.stable["rgmr"], r.stable["rseq"])
    # RNash = RSMR needs every sanction to be escapable: true when all options are reversible
    if all(o.reversible == "both" for o in scenario.options):
        assert np.array_equal(r.stable["rnash"], r.stable["rsmr"])


def _two_by_two(**extra: Any) -> dict[str, Any]:
    return {"detente": 1, "name": "t",
            "actors": [{"id": "A", "options": [{"id": "x"}]},
                       {"id": "B", "options": [{"id": "y"}]}],
            "preferences": {"A": {"statements": ["A.x", "B.y"]},
                            "B": {"statements": ["B.y", "A.x"]}},
            **extra}


@pytest.mark.published
def test_by_hand_a_negative_attitude_keeps_a_from_helping_b() -> None:
    """A gains from taking x, and so does B. Negative toward B, A no longer sees NN -> YN as
    a relational reply (B would like it), so NN is RNash-stable for A; it is not Nash-stable."""
    s = from_data(_two_by_two(attitudes={"A": {"B": "-"}}))
    r = analyse(s, ["nash", "rnash"])
    assert not r.stable["nash"][0, 0] and r.stable["rnash"][0, 0]


@pytest.mark.regression
@pytest.mark.parametrize(("section", "field", "words"), [
    ({"C": {"A": "+"}}, "attitudes.C", "unknown actor 'C'"),
    ({"A": {"C": "+"}}, "attitudes.A.C", "unknown actor 'C'"),
    ({"A": {"B": "friendly"}}, "attitudes.A.B", "must be +, 0 or -"),
    ({"A": "+"}, "attitudes.A", "attitudes toward actors"),
])
def test_section_errors_name_the_field(section: Any, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as err:
        from_data(_two_by_two(attitudes=section))
    assert err.value.field == field
    assert words in str(err.value)


@pytest.mark.regression
def test_words_and_numbers_are_read() -> None:
    s = from_data(_two_by_two(attitudes={"A": {"B": "negative", "A": 0}, "B": {"A": 1}}))
    assert attitudes_of(s).to_dict() == {"A": {"A": "0", "B": "-"}, "B": {"A": "+", "B": "+"}}
