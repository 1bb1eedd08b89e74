"""The fast engine agrees with the reference implementation state by state."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.conflict.preferences import compress_ranks
from detente.scenario import from_data
from tests.conflict.reference import RefConflict, stable
from tests.conflict.strategies import conflicts

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
    for concept in CONCEPTS:
        if sanctions == "distinct" and concept in ("nash", "sim"):
            pass
        for i, actor in enumerate(scenario.actor_ids):
            for j, code in enumerate(model.space.codes):
                expected = stable(ref, i, int(code), concept, distinct=sanctions == "distinct")
                got = bool(result.stable[concept][i, j])
                assert got == expected, (
                    f"{concept} {actor} state {scenario.code_text(int(code))} "
                    f"layout={layout} sanctions={sanctions}: engine {got}, reference {expected}"
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
