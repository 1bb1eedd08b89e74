"""Tests for detente.verify.inspection (check values from verify.md §1)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from detente.verify import (
    dresher_detection_probability,
    dresher_stage,
    dresher_table,
    dresher_value,
    dresher_value_closed_form,
    gaussian_inspection_game,
    inspections_for_value,
)

pytestmark = pytest.mark.published

# verify.md §1, rows n = 2..5, columns m = 1..4 (Dresher 1962).
DRESHER_TABLE = {
    2: [Fraction(1, 3), Fraction(0)],
    3: [Fraction(1, 2), Fraction(1, 7), Fraction(0)],
    4: [Fraction(3, 5), Fraction(3, 11), Fraction(1, 15), Fraction(0)],
    5: [Fraction(2, 3), Fraction(3, 8), Fraction(2, 13), Fraction(1, 31)],
}


@pytest.mark.parametrize("n", sorted(DRESHER_TABLE))
def test_dresher_table_exact(n: int) -> None:
    for m, expected in enumerate(DRESHER_TABLE[n], start=1):
        value = dresher_value(n, m)
        assert isinstance(value, Fraction)
        assert value == expected
        assert dresher_value_closed_form(n, m) == expected
    assert dresher_table(5)[n][1 : len(DRESHER_TABLE[n]) + 1] == DRESHER_TABLE[n]


def test_boundary_values() -> None:
    assert dresher_value(0, 0) == 0
    assert all(dresher_value(n, 0) == 1 for n in range(1, 10))
    assert all(dresher_value(n, n) == 0 for n in range(10))


@pytest.mark.parametrize(
    ("n", "m", "p", "q"),
    [
        (2, 1, Fraction(1, 3), Fraction(1, 3)),
        (3, 1, Fraction(1, 4), Fraction(1, 4)),
        (4, 2, Fraction(4, 11), Fraction(5, 33)),
    ],
)
def test_stage_strategies(n: int, m: int, p: Fraction, q: Fraction) -> None:
    stage = dresher_stage(n, m)
    assert (stage.inspect_probability, stage.violate_probability) == (p, q)
    assert stage.value == dresher_value(n, m)


def test_stage_is_an_equilibrium() -> None:
    """Each player's stage mix makes the other indifferent (exact arithmetic)."""
    for b in (Fraction(1), Fraction(2), Fraction(1, 2)):
        for n in range(2, 8):
            for m in range(1, n):
                s = dresher_stage(n, m, b)
                x, y = dresher_value(n - 1, m - 1, b), dresher_value(n - 1, m, b)
                p, q = s.inspect_probability, s.violate_probability
                assert -b * p + (1 - p) == s.value == x * p + y * (1 - p)
                assert -b * q + x * (1 - q) == q + y * (1 - q) == s.value


def test_stage_edge_cases() -> None:
    assert dresher_stage(3, 0).violate_probability == 1
    assert dresher_stage(3, 3).inspect_probability == 1
    assert dresher_stage(3, 3).violate_probability == 0


bs = st.fractions(min_value=0, max_value=10, max_denominator=20)


@given(n=st.integers(0, 14), data=st.data(), b=bs)
def test_closed_form_equals_recursion(n: int, data: st.DataObject, b: Fraction) -> None:
    m = data.draw(st.integers(0, n))
    assert dresher_value(n, m, b) == dresher_value_closed_form(n, m, b)


@given(n=st.integers(1, 14), data=st.data(), b=bs)
def test_value_decreasing_in_m_increasing_in_n(n: int, data: st.DataObject, b: Fraction) -> None:
    m = data.draw(st.integers(0, n - 1))
    assert dresher_value(n, m + 1, b) < dresher_value(n, m, b)
    assert dresher_value(n + 1, m, b) >= dresher_value(n, m, b)
    if m > 0:
        assert dresher_value(n + 1, m, b) > dresher_value(n, m, b)


@given(n=st.integers(1, 12), data=st.data())
def test_value_decreasing_in_caught_cost(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(1, n))
    assert dresher_value(n, m, 2) <= dresher_value(n, m, 1) <= dresher_value(n, m, Fraction(1, 2))


def test_caught_cost_variant_values() -> None:
    # b = 2: v(2,1) = (2*0 + 1) / (2 + 1 + 1 - 0) = 1/4
    assert dresher_value(2, 1, 2) == Fraction(1, 4)
    assert dresher_value(3, 1, "3/2") == dresher_value_closed_form(3, 1, Fraction(3, 2))
    assert dresher_value(3, 1, 0.5) == dresher_value(3, 1, Fraction(1, 2))


def test_detection_probability() -> None:
    assert dresher_detection_probability(2, 1) == Fraction(1, 3)
    assert dresher_detection_probability(4, 2) == dresher_stage(4, 2).inspect_probability
    assert dresher_detection_probability(3, 3) == 1


def test_inspections_for_value() -> None:
    assert inspections_for_value(5, 0.2) == 3  # v(5,3) = 2/13 <= 0.2 < 3/8
    assert inspections_for_value(5, 0.0) == 5
    assert inspections_for_value(5, 1.0) == 0


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((2, 3), "m \\(inspections\\) must not exceed n"),
        ((-1, 0), "n \\(periods\\)"),
        ((3, -1), "m \\(inspections\\)"),
        ((2.5, 1), "n \\(periods\\)"),
        ((3, 1, -1), "b \\(caught cost\\)"),
        ((3, 1, "abc"), "b \\(caught cost\\)"),
    ],
)
def test_invalid_arguments(args: tuple[Any, ...], name: str) -> None:
    for fn in (dresher_value, dresher_value_closed_form, dresher_stage):
        with pytest.raises(ValueError, match=name):
            fn(*args)


# --- game with a statistical test ----------------------------------------------------------


def test_gaussian_game_check_values() -> None:
    g = gaussian_inspection_game(2.0)
    assert round(g.false_alarm, 6) == 0.022750
    assert round(g.non_detection, 6) == 0.5
    assert round(g.beta_slope, 3) == 7.389
    assert round(g.violation, 6) == 0.119203
    assert round(g.inspector_payoff, 6) == -0.198843
    assert round(g.leader_inspector_payoff, 6) == -0.022750
    assert g.leader_inspector_payoff > g.inspector_payoff
    assert g.inspectee_payoff == 0.0
    assert g.detection == pytest.approx(0.5)


def test_gaussian_game_is_an_equilibrium() -> None:
    """α* is the inspector's best reply to t*, and the inspectee is indifferent at α*."""
    ms, a, b, c, d, e, f = 1.5, 0.5, 2.0, 3.0, 1.0, 1.0, 0.4
    g = gaussian_inspection_game(ms, a=a, b=b, c=c, d=d, e=e, f=f)

    def beta(alpha: np.ndarray) -> np.ndarray:
        return np.asarray(norm.cdf(norm.isf(alpha) - ms))

    grid = np.linspace(1e-4, 0.9, 20001)
    payoff = -(1 - g.violation) * e * grid - g.violation * (a * (1 - beta(grid)) + c * beta(grid))
    assert grid[np.argmax(payoff)] == pytest.approx(g.false_alarm, abs=1e-3)
    assert g.non_detection == pytest.approx((b - f * g.false_alarm) / (b + d), rel=1e-9)
    legal = -f * g.false_alarm
    violate = -b * (1 - g.non_detection) + d * g.non_detection
    assert legal == pytest.approx(violate, abs=1e-12)
    assert g.inspectee_payoff == pytest.approx(legal)


@given(ms=st.floats(0.0, 5.0), f=st.floats(0.0, 0.9))
def test_gaussian_game_ranges(ms: float, f: float) -> None:
    g = gaussian_inspection_game(ms, f=f)
    assert 0 < g.false_alarm < 1
    assert 0 < g.violation < 1
    assert g.leader_inspector_payoff >= g.inspector_payoff


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"c": 0.5}, "c \\(undetected"),
        ({"f": 1.0}, "f \\(false alarm"),
        ({"b": 0.0}, "b must be > 0"),
        ({"e": -1.0}, "e must be > 0"),
    ],
)
def test_gaussian_game_invalid(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        gaussian_inspection_game(2.0, **kwargs)
    with pytest.raises(ValueError, match="loss_over_sigma"):
        gaussian_inspection_game(-1.0)


@given(n=st.integers(0, 12), threshold=st.floats(0, 1), b=bs)
def test_inspections_for_value_is_the_smallest(n: int, threshold: float, b: Fraction) -> None:
    m = inspections_for_value(n, threshold, b)
    assert dresher_value(n, m, b) <= threshold
    assert all(dresher_value(n, j, b) > threshold for j in range(m))
