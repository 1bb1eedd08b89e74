"""The sub-model on a set closed under improvements gives the whole model's Nash and SEQ
results for its states (Fang, Hipel and Kilgour 1993: both use improvements only)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.conflict import analyse, build_model
from detente.conflict.engine import submodel
from detente.conflict.paths import status_quo_paths
from detente.conflict.stability import analyse_profile
from detente.scenario import from_data
from tests.conflict.strategies import conflicts

pytestmark = pytest.mark.published


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_actors=4, max_options=7), st.data(), st.sampled_from(["auto", "sparse"]))
def test_reachable_submodel_matches_whole(data: dict[str, Any], draw: Any, layout: str) -> None:
    scen = from_data(data)
    model = build_model(scen, layout=layout)
    n = model.space.n_states
    if n == 0:
        return
    start = int(model.space.codes[draw.draw(st.integers(0, n - 1))])
    pay = model.payoffs()
    full = analyse(scen, ["nash", "seq"], model=model, payoffs=pay)
    sq = status_quo_paths(scen, "nash", start=start, model=model, payoffs=pay,
                          equilibrium=np.zeros(n, dtype=bool), max_paths=0, edge_limit=0)
    idx = np.flatnonzero(sq.reachable)
    sub = submodel(model, idx)
    assert list(sub.space.codes) == list(model.space.codes[idx])
    got = analyse_profile(sub.profile({a: pay[a][idx] for a in scen.actor_ids}),
                          ["nash", "seq"])
    for c in ("nash", "seq"):
        assert (got[c] == full.stable[c][:, idx]).all()
