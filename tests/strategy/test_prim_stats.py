"""PRIM box statistics: coverage, density, mass, quasi-p values and the peeling trajectory.

Published values / theory: the one-sided binomial tail against hand-computed values
(P(X >= k) for X ~ Binomial(n, p)); a one-dimensional case whose peeling trajectory and
statistics are computed by hand. Reference: the quasi-p value of every restriction of a
two-dimensional box recomputed from its definition (Bryant and Lempert 2010; EMA Workbench,
Kwakkel and Jaxa-Rozen 2016) with plain loops.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.strategy.explore import binomial_upper_tail, prim

pytestmark = pytest.mark.published


def test_binomial_tail_by_hand() -> None:
    assert binomial_upper_tail(3, 3, 0.3) == pytest.approx(0.027)
    assert binomial_upper_tail(2, 4, 0.5) == pytest.approx(11 / 16)
    assert binomial_upper_tail(0, 5, 0.1) == 1.0
    assert binomial_upper_tail(5, 5, 1.0) == pytest.approx(1.0)


def test_one_dimension_by_hand() -> None:
    # ten samples a = 0..9; the cases are a >= 7. Peeling one sample (alpha 0.1) off the
    # low end each time, the trajectory is [k, 9] for k = 0..7 (min mass 0.3 = 3 samples).
    X = {"a": np.arange(10)}
    y = X["a"] >= 7
    res = prim(X, y, alpha=0.1, min_mass=0.3)
    assert res.base_rate == pytest.approx(0.3) and res.n == 10 and res.n_cases == 3
    (box,) = res.boxes
    (r,) = box.restrictions
    assert (r.name, r.low, r.high) == ("a", 7, 9)
    assert (box.coverage, box.density, box.mass, box.n, box.n_cases) == (1.0, 1.0, 0.3, 3, 3)
    # without the restriction the density is 0.3: P(3 of 3 | 0.3) = 0.3 ** 3
    assert box.quasi_p["a"] == pytest.approx(0.027)
    assert [t.step for t in box.trajectory] == list(range(8))
    for t in box.trajectory:
        assert t.n == 10 - t.step and t.n_cases == 3
        assert t.density == pytest.approx(3 / (10 - t.step))
        assert t.mass == pytest.approx((10 - t.step) / 10) and t.coverage == 1.0
    assert box.trajectory[0].restrictions == () and box.trajectory[0].quasi_p == {}
    assert box.trajectory[3].quasi_p["a"] == pytest.approx(binomial_upper_tail(3, 7, 0.3))
    assert box.selected == 7
    d = box.to_dict()
    assert d["restrictions"] == [{"input": "a", "text": "a in [7, 9]",
                                  "quasi_p": pytest.approx(0.027)}]
    assert len(d["trajectory"]) == 8 and d["selected_step"] == 7


def _reference_quasi_p(X: dict[str, np.ndarray], y: np.ndarray,
                       limits: dict[str, tuple[float, float]]) -> dict[str, float]:
    n = len(y)

    def inside(i: int, skip: str | None) -> bool:
        return all(lo <= X[k][i] <= hi for k, (lo, hi) in limits.items() if k != skip)

    box = [i for i in range(n) if inside(i, None)]
    cases = sum(bool(y[i]) for i in box)
    out = {}
    for name in limits:
        wider = [i for i in range(n) if inside(i, name)]
        p = sum(bool(y[i]) for i in wider) / len(wider)
        out[name] = sum(math.comb(len(box), k) * p ** k * (1 - p) ** (len(box) - k)
                        for k in range(cases, len(box) + 1))
    return out


@pytest.mark.reference
def test_quasi_p_matches_definition() -> None:
    rng = np.random.default_rng(3)
    X = {"a": rng.random(300), "b": rng.random(300), "c": rng.random(300)}
    y = (X["a"] > 0.6) & (X["b"] < 0.5) & (rng.random(300) < 0.9)
    res = prim(X, y, max_boxes=1)
    (box,) = res.boxes
    limits = {r.name: (r.low, r.high) for r in box.restrictions}
    assert {"a", "b"} <= set(limits)
    ref = _reference_quasi_p(X, y, limits)
    assert box.quasi_p == pytest.approx(ref, rel=1e-6)
    assert all(p < 0.01 for p in box.quasi_p.values())
