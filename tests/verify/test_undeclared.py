"""Tests for detente.verify.undeclared (model of docs/discussion/verification.md).

* Theory: hidden capacity H = C·f/(1 − f); covert time 12·SWU_SQ/H; detection
  1 − (1 − q)^(T/12); the inspectee takes the less detectable route.
* Properties (hypothesis): more hidden capacity never raises detection or the covert time.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.verify import hidden_capacity, hidden_capacity_sweep, swu_per_significant_quantity

SWU = swu_per_significant_quantity()


def test_no_hidden_capacity_means_declared_route() -> None:
    r = hidden_capacity(0.0, 14000, SWU, 0.5, 5.6, 12, 0.5)
    assert r.route == "declared" and math.isinf(r.covert_months)
    assert r.detection == pytest.approx(1 - 0.5 ** (12 * 5.6 / 12))


def test_half_hidden_matches_formula() -> None:
    r = hidden_capacity(0.5, 14000, SWU, 0.5, 5.6, 12, 0.9)
    assert r.hidden_capacity_swu_per_year == pytest.approx(14000)
    assert r.covert_months == pytest.approx(12 * SWU / 14000)
    assert r.covert_detection == pytest.approx(1 - 0.5 ** (r.covert_months / 12))
    assert r.route == "covert" and r.detection == r.covert_detection
    assert r.to_dict()["route"] == "covert"


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((1.0, 1000, SWU, 0.5, 1, 1, 0.5), "fraction_hidden"),
        ((0.1, -1, SWU, 0.5, 1, 1, 0.5), "declared_capacity"),
        ((0.1, 1000, SWU, 1.5, 1, 1, 0.5), "discovery_per_year"),
        ((0.1, 1000, SWU, 0.5, -1, 1, 0.5), "declared_months"),
        ((0.1, 1000, SWU, 0.5, 1, 1, -0.5), "detection_per_inspection"),
    ],
)
def test_bad_input(args: tuple[float, ...], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        hidden_capacity(*args)


@given(st.lists(st.floats(0, 0.95), min_size=2, max_size=6),
       st.floats(0, 1), st.floats(0.1, 24), st.floats(0, 24), st.floats(0, 1))
def test_more_hidden_capacity_lowers_detection(fs: list[float], q: float, months: float,
                                              n: float, p: float) -> None:
    rows = hidden_capacity_sweep(sorted(fs), 14000, SWU, q, months, n, p)
    for a, b in itertools.pairwise(rows):
        assert b.detection <= a.detection + 1e-12
        assert b.covert_months <= a.covert_months
