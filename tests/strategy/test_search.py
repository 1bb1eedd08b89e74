"""The status-quo search behind analyze and explore (with coalition moves) agrees with a
brute-force closure."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import build_model
from detente.loading import from_data
from detente.strategy.analysis import analyze_variant, best_reachable, reachable_outcomes
from tests.conflict.strategies import conflicts

pytestmark = pytest.mark.reference


def move_adjacency(model: Any, k: int) -> sp.csr_matrix:
    """Boolean adjacency of actor k's unilateral moves (from the engine's CSR)."""
    n = model.space.n_states
    csr = model.moves.csr(k)
    return sp.csr_matrix((np.ones(csr.indices.shape[0], dtype=bool), csr.indices, csr.indptr),
                         shape=(n, n))


def brute_force(model: Any, payoffs: dict[str, np.ndarray], start: int,
                coalition: list[str]) -> set[int]:
    scen = model.scenario
    n = model.space.n_states
    idx = [scen.actor_ids.index(m) for m in coalition]
    adj = sum((move_adjacency(model, k).astype(int) for k in idx), sp.csr_matrix((n, n)))
    reach = []
    for s in range(n):  # closure by repeated squaring, small n only
        seen = {s}
        todo = [s]
        out = set()
        while todo:
            u = todo.pop()
            for v in adj[u].indices:
                out.add(int(v))
                if v not in seen:
                    seen.add(int(v))
                    todo.append(int(v))
        reach.append(out)
    P = [payoffs[a] for a in scen.actor_ids]
    found = {start}
    todo = [start]
    while todo:
        u = todo.pop()
        nxt = set()
        for k in range(len(scen.actors)):
            csr = model.moves.csr(k)
            for v in csr.indices[csr.indptr[u]:csr.indptr[u + 1]]:
                if P[k][v] > P[k][u]:
                    nxt.add(int(v))
        for v in reach[u]:
            if all(P[k][v] > P[k][u] for k in idx):
                nxt.add(v)
        for v in nxt - found:
            found.add(v)
            todo.append(v)
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(min_actors=3, max_actors=4, max_options=7), st.data())
def test_coalition_search_matches_brute_force(data: dict[str, Any], draw: Any) -> None:
    scen = from_data(data)
    model = build_model(scen)
    n = model.space.n_states
    if n == 0:
        return
    start = draw.draw(st.integers(0, n - 1))
    coalition = draw.draw(st.lists(st.sampled_from(scen.actor_ids), min_size=2, unique=True))
    payoffs = model.payoffs()
    codes = model.space.codes
    scen = replace(scen, status_quo=int(codes[start]))
    eq = np.zeros(n, dtype=bool)
    sq = reachable_outcomes(scen, model, payoffs, eq, "nash", [coalition])
    assert sq is not None
    got = set(int(x) for x in np.flatnonzero(sq.reachable))
    assert got == brute_force(model, payoffs, start, coalition)
    # every step on a shortest evolution is an improvement for its mover
    pos = {int(c): i for i, c in enumerate(codes)}
    for t in got - {start}:
        for step in sq.path(int(codes[t])):
            a, b = pos[step.source], pos[step.target]
            assert all(payoffs[m][b] > payoffs[m][a] for m in step.members)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(min_actors=2, max_actors=4, max_options=7), st.data(),
       st.sampled_from(["nash", "seq"]))
def test_best_reachable_matches_full_analysis(data: dict[str, Any], draw: Any,
                                              concept: str) -> None:
    """The sensitivity pass's shortcut (stability of the reachable states only) picks the
    same best outcome as analyze_variant."""
    scen = from_data(data)
    model = build_model(scen)
    n = model.space.n_states
    if n == 0:
        return
    codes = model.space.codes
    coalition = draw.draw(st.lists(st.sampled_from(scen.actor_ids), max_size=3, unique=True))
    scen = replace(scen, status_quo=int(codes[draw.draw(st.integers(0, n - 1))]),
                   coalitions=(tuple(coalition),) if len(coalition) > 1 else ())
    va = analyze_variant(scen, model, (concept,), concept, max_outcomes=1)
    got = best_reachable(scen, model, model.payoffs(), concept)
    if va.top is None:  # the first reachable outcome (a best one only when scores differ)
        assert got is None
    else:
        assert got is not None and scen.code_text(int(codes[got[0]])) == va.top.state
        assert got[1] == va.top.total
