"""Tests for detente.verify.cusum: Page's test, Siegmund's ARL, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.verify import (
    page_alarm,
    page_statistic,
    siegmund_arl,
    siegmund_decision_limit,
    simulate_arl,
)

pytestmark = [pytest.mark.published, pytest.mark.reference]


def loop_cusum(x: list[float], k: float) -> list[float]:
    s, out = 0.0, []
    for v in x:
        s = max(0.0, s + v - k)
        out.append(s)
    return out


@given(
    x=st.lists(st.floats(-10, 10), min_size=0, max_size=60),
    k=st.floats(0, 2),
)
def test_page_statistic_matches_loop(x: list[float], k: float) -> None:
    assert page_statistic(x, k) == pytest.approx(loop_cusum(x, k), abs=1e-9)


def test_page_alarm() -> None:
    assert page_alarm([0.0, 3.0, 3.0, 3.0], k=0.5, h=4.0) == 3
    assert page_alarm([0.0] * 10, k=0.5, h=4.0) is None


def test_siegmund_values() -> None:
    # k = 0.5, h = 4: b = 5.166; (e^5.166 - 5.166 - 1)/0.5 = 338.06 (tabulated exact about 336)
    assert siegmund_arl(0.0, 0.5, 4.0) == pytest.approx(338.09, abs=0.05)
    assert siegmund_arl(0.5, 0.5, 4.0) == pytest.approx(5.166**2)
    assert siegmund_arl(1.0, 0.5, 4.0) == pytest.approx(8.343, abs=1e-3)
    assert siegmund_decision_limit(siegmund_arl(0.0, 0.5, 4.0)) == pytest.approx(4.0, abs=1e-9)


@given(h1=st.floats(0.5, 8), h2=st.floats(0.5, 8), mu=st.floats(-1, 3))
def test_siegmund_increasing_in_h(h1: float, h2: float, mu: float) -> None:
    lo, hi = sorted((h1, h2))
    assert siegmund_arl(mu, 0.5, lo) <= siegmund_arl(mu, 0.5, hi) * (1 + 1e-12)


# Cases where Siegmund's approximation is within about 1 % of the exact ARL
# (k = 0.5; h = 4 or 5): the MC's standard error is larger than that bias.
@pytest.mark.parametrize(
    ("mean", "h", "runs", "seed"),
    [(0.0, 4.0, 1500, 11), (0.5, 4.0, 2000, 12), (1.0, 4.0, 1000, 13), (1.0, 5.0, 1000, 14)],
)
def test_monte_carlo_agrees_with_siegmund(mean: float, h: float, runs: int, seed: int) -> None:
    est = simulate_arl(mean, 0.5, h, runs=runs, seed=seed)
    assert est.censored == 0
    assert abs(est.mean - siegmund_arl(mean, 0.5, h)) < 4 * est.standard_error


def test_monte_carlo_is_reproducible() -> None:
    a = simulate_arl(1.0, 0.5, 4.0, runs=200, seed=7)
    b = simulate_arl(1.0, 0.5, 4.0, runs=200, seed=np.random.default_rng(7))
    assert a == b


def test_monte_carlo_censoring() -> None:
    est = simulate_arl(0.0, 0.5, 4.0, runs=200, seed=1, max_steps=100)
    assert est.censored > 0
    with pytest.raises(ValueError, match="max_steps"):
        simulate_arl(0.0, 0.5, 20.0, runs=10, seed=1, max_steps=5)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: siegmund_arl(0.0, -0.5, 4.0), "k"),
        (lambda: siegmund_arl(0.0, 0.5, 0.0), "h"),
        (lambda: simulate_arl(0.0, 0.5, 4.0, runs=1), "runs"),
        (lambda: page_statistic(np.zeros((2, 2))), "x must be one-dimensional"),
        (lambda: siegmund_decision_limit(0.5), "arl0"),
    ],
)
def test_invalid(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]
