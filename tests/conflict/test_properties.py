"""Invariants of the stability concepts (hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.scenario import from_data
from tests.conflict.strategies import conflicts

pytestmark = pytest.mark.published

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(conflicts())
def test_inclusions(data: dict[str, Any]) -> None:
    """For every actor: Nash ⊆ SEQ ⊆ GMR and Nash ⊆ SMR ⊆ GMR (Fang et al. 1993, §3.3)."""
    r = analyse(from_data(data), "nash,gmr,smr,seq,sim")
    s = r.stable
    assert not (s["nash"] & ~s["seq"]).any()
    assert not (s["seq"] & ~s["gmr"]).any()
    assert not (s["nash"] & ~s["smr"]).any()
    assert not (s["smr"] & ~s["gmr"]).any()
    assert not (s["nash"] & ~s["sim"]).any()


@FAST
@given(conflicts(), st.randoms(use_true_random=False))
def test_actor_order_does_not_matter(data: dict[str, Any], rnd: Any) -> None:
    """Reordering the actors relabels the states but changes no stability result."""
    scenario = from_data(data)
    base = analyse(scenario)
    actors = list(data["actors"])
    rnd.shuffle(actors)
    shuffled = from_data({**data, "actors": actors})
    other = analyse(shuffled)
    # map each state of the shuffled scenario to the base scenario's code via option refs
    pos = {ref: k for k, ref in enumerate(scenario.option_refs)}
    perm = np.array([pos[ref] for ref in shuffled.option_refs])
    codes = other.codes
    mapped = np.zeros_like(codes)
    for k, target in enumerate(perm):
        mapped |= ((codes >> k) & 1) << target
    order = np.searchsorted(base.codes, mapped)
    assert np.array_equal(base.codes[order], mapped)
    for c in base.concepts:
        for a in scenario.actor_ids:
            i_base = base.actors.index(a)
            i_other = other.actors.index(a)
            assert np.array_equal(base.stable[c][i_base][order], other.stable[c][i_other])


@FAST
@given(conflicts(), st.sampled_from(["legal", "distinct"]))
def test_dense_and_sparse_layouts_agree(data: dict[str, Any], sanctions: str) -> None:
    scenario = from_data(data)
    dense = analyse(scenario, sanctions=sanctions, model=build_model(scenario, layout="dense"))
    sparse = analyse(scenario, sanctions=sanctions, model=build_model(scenario, layout="sparse"))
    for c in dense.concepts:
        assert np.array_equal(dense.stable[c], sparse.stable[c])


def test_two_actor_legal_equals_distinct() -> None:
    """With two actors a legal sequence of one opponent is a single move: both modes agree."""
    data = {
        "detente": 1, "name": "t",
        "actors": [{"id": "A", "options": [{"id": "x"}, {"id": "y"}]},
                   {"id": "B", "options": [{"id": "z"}]}],
        "preferences": {"A": {"statements": ["B.z", "not A.x"]},
                        "B": {"statements": ["not A.y", "B.z if A.x"]}},
    }
    s = from_data(data)
    a, b = analyse(s), analyse(s, sanctions="distinct")
    for c in a.concepts:
        assert np.array_equal(a.stable[c], b.stable[c])


@FAST
@given(conflicts(), st.sampled_from(["legal", "distinct"]))
def test_threads_do_not_change_results(data: dict[str, Any], sanctions: str) -> None:
    scenario = from_data(data)
    one = analyse(scenario, sanctions=sanctions, workers=1)
    many = analyse(scenario, sanctions=sanctions, workers=4)
    for c in one.concepts:
        assert np.array_equal(one.stable[c], many.stable[c])
