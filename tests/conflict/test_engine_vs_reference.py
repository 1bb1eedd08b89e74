"""The fast engine agrees with the reference implementation state by state, for preferences
given as option statements and as explicit rankings of the states.

Label: reference (agreement with tests/conflict/reference.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.conflict.preferences import compress_ranks
from detente.scenario import from_data
from tests.conflict.reference import RefConflict, stable
from tests.conflict.strategies import conflicts

pytestmark = pytest.mark.reference

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")


def to_reference(scenario: Any, model: Any, payoffs: dict[str, np.ndarray]) -> RefConflict:
    codes = [int(c) for c in model.space.codes]
    return RefConflict(
        actor_bits=tuple(tuple(o.index for o in a.options) for a in scenario.actors),
        directions=tuple(o.reversible for o in scenario.options),
        feasible=frozenset(codes),
        payoff=tuple(
            {c: int(v) for c, v in zip(codes, payoffs[a], strict=True)}
            for a in scenario.actor_ids
        ),
    )


def check(data: dict[str, Any], layout: str, sanctions: str, payoff_seed: int | None) -> None:
    scenario = from_data(data)
    model = build_model(scenario, layout=layout)
    if model.space.n_states == 0:
        return
    if payoff_seed is None:
        payoffs = model.payoffs()
    else:  # arbitrary rankings with ties, not only option prioritisation
        rng = np.random.default_rng(payoff_seed)
        payoffs = {
            a: compress_ranks(rng.integers(0, 6, model.space.n_states))[0]
            for a in scenario.actor_ids
        }
    result = analyse(scenario, CONCEPTS, sanctions, model=model, payoffs=payoffs)
    ref = to_reference(scenario, model, payoffs)
    compare(scenario, model, result, ref, f"layout={layout} sanctions={sanctions}")


def compare(scenario: Any, model: Any, result: Any, ref: RefConflict, where: str) -> None:
    """Every (concept, actor, state) of ``result`` equals the reference's verdict."""
    distinct = result.sanctions == "distinct"
    for concept in CONCEPTS:
        for i, actor in enumerate(scenario.actor_ids):
            for j, code in enumerate(model.space.codes):
                expected = stable(ref, i, int(code), concept, distinct=distinct)
                got = bool(result.stable[concept][i, j])
                assert got == expected, (
                    f"{concept} {actor} state {scenario.code_text(int(code))} "
                    f"{where}: engine {got}, reference {expected}"
                )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    conflicts(),
    st.sampled_from(["dense", "sparse"]),
    st.sampled_from(["legal", "distinct"]),
    st.one_of(st.none(), st.integers(0, 2**16)),
)
def test_engine_matches_reference(data: dict[str, Any], layout: str, sanctions: str,
                                  seed: int | None) -> None:
    check(data, layout, sanctions, seed)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    conflicts(),
    st.sampled_from(["dense", "sparse"]),
    st.sampled_from(["legal", "distinct"]),
    st.one_of(st.none(), st.integers(0, 2**16)),
)
def test_engine_matches_reference_many(data: dict[str, Any], layout: str, sanctions: str,
                                       seed: int | None) -> None:
    check(data, layout, sanctions, seed)


def random_ranking(draw: st.DataObject, codes: list[int]) -> list[list[int]]:
    """A random weak order of ``codes``: tie groups, most preferred first."""
    order = draw.draw(st.permutations(codes))
    breaks = draw.draw(st.lists(st.booleans(), min_size=len(order) - 1,
                                max_size=len(order) - 1))
    groups = [[order[0]]]
    for code, new_group in zip(order[1:], breaks, strict=True):
        if new_group:
            groups.append([code])
        else:
            groups[-1].append(code)
    return groups


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_options=6), st.data(), st.sampled_from(["legal", "distinct"]))
def test_ranking_preferences_match_reference(data: dict[str, Any], draw: st.DataObject,
                                             sanctions: str) -> None:
    """Some actors' preferences become explicit rankings (``ranking:`` in the scenario file,
    with ties); the engine, reading them through the loader, agrees with the reference fed
    the same rankings as plain payoffs."""
    scenario = from_data(data)
    model = build_model(scenario)
    codes = [int(c) for c in model.space.codes]
    assume(codes)
    ranked = draw.draw(st.lists(st.sampled_from(scenario.actor_ids), min_size=1, unique=True))
    prefs = dict(data["preferences"])
    payoffs = model.payoffs()
    for a in ranked:
        groups = random_ranking(draw, codes)
        prefs[a] = {"ranking": [[scenario.code_text(c) for c in g] for g in groups]}
        level = {c: len(groups) - gi for gi, g in enumerate(groups) for c in g}
        payoffs[a] = np.array([level[c] for c in codes])
    with_rankings = from_data({**data, "preferences": prefs})
    assert all(with_rankings.preferences[a].kind == "ranking" for a in ranked)
    result = analyse(with_rankings, CONCEPTS, sanctions)
    compare(with_rankings, model, result, to_reference(scenario, model, payoffs),
            f"rankings for {', '.join(ranked)}, sanctions={sanctions}")
