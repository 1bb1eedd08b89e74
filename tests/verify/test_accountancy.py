"""Tests for detente.verify.accountancy (check values from verify.md §2)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.verify import (
    SIGNIFICANT_QUANTITIES,
    best_test_detection_probability,
    cumuf_detection_probability,
    cumuf_sigma,
    detection_probability,
    largest_sigma_muf,
    linear_test_detection_probability,
    loss_for_detection,
    material_balance,
    muf_covariance,
    sigma_muf,
    sitmuf,
    worst_case_loss_pattern,
)

pytestmark = pytest.mark.published


def test_mufcalc_sigma() -> None:
    assert round(sigma_muf([10, 5, 3, 12]), 3) == 16.673


def test_material_balance() -> None:
    b = material_balance(
        100.0,
        50.0,
        40.0,
        105.0,
        sigma_beginning=10,
        sigma_receipts=5,
        sigma_shipments=3,
        sigma_ending=12,
    )
    assert b.muf == 5.0
    assert round(b.sigma_muf, 3) == 16.673
    assert b.muf_over_sigma == pytest.approx(5.0 / 16.673, rel=1e-4)
    assert material_balance(100.0, 0.0, 10.0, 100.0).muf == -10.0
    with pytest.raises(ValueError, match="ending"):
        material_balance(1.0, 1.0, 1.0, -1.0)


@pytest.mark.parametrize(("ms", "pd"), [(1.0, 0.2595), (2.0, 0.6388)])
def test_detection_probability_check_values(ms: float, pd: float) -> None:
    assert round(detection_probability(ms, 0.05), 4) == pd


def test_loss_for_detection() -> None:
    assert round(loss_for_detection(0.9, 0.05), 4) == 2.9264
    assert round(largest_sigma_muf(8.0), 3) == 2.734  # one SQ of Pu, PD 0.9, alpha 0.05
    assert largest_sigma_muf(25.0, periods=4) == pytest.approx(largest_sigma_muf(25.0) / 2)
    assert largest_sigma_muf(25.0, 0.04, 0.05) == math.inf


@given(pd=st.floats(0.001, 0.999), alpha=st.floats(0.001, 0.5))
def test_loss_for_detection_inverts(pd: float, alpha: float) -> None:
    k = loss_for_detection(pd, alpha)
    if k >= 0:
        assert detection_probability(k, alpha) == pytest.approx(pd, abs=1e-9)


@given(a=st.floats(0, 10), b=st.floats(0, 10), alpha=st.floats(0.001, 0.5))
def test_detection_increases_with_loss(a: float, b: float, alpha: float) -> None:
    lo, hi = sorted((a, b))
    assert detection_probability(lo, alpha) <= detection_probability(hi, alpha)
    assert detection_probability(0.0, alpha) == pytest.approx(alpha)


def test_significant_quantities() -> None:
    assert SIGNIFICANT_QUANTITIES["Pu"].kg == 8
    assert SIGNIFICANT_QUANTITIES["U-233"].kg == 8
    assert SIGNIFICANT_QUANTITIES["HEU"].kg == 25
    assert SIGNIFICANT_QUANTITIES["LEU"].kg == 75
    assert SIGNIFICANT_QUANTITIES["natural U"].kg == 10_000
    assert SIGNIFICANT_QUANTITIES["depleted U"].kg == 20_000
    assert SIGNIFICANT_QUANTITIES["Th"].kg == 20_000


@given(n=st.integers(1, 12), si=st.floats(0.1, 10), sd=st.floats(0.1, 10))
def test_muf_covariance_structure(n: int, si: float, sd: float) -> None:
    cov = muf_covariance(n, si, sd)
    assert cov.shape == (n, n)
    assert np.allclose(cov, cov.T)
    assert cov.sum() == pytest.approx(2 * si**2 + n * sd**2)  # e'Σe, verify.md §2
    if n > 1:
        assert cov[0, 1] == pytest.approx(-(si**2))
        assert cov[0, 0] == pytest.approx(2 * si**2 + sd**2)
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_cumuf_by_hand() -> None:
    cov = muf_covariance(4, 2.0, 1.0)  # e'Σe = 2*4 + 4*1 = 12
    assert cumuf_sigma(cov) == pytest.approx(math.sqrt(12))
    expected = detection_probability(10 / math.sqrt(12), 0.05)
    assert cumuf_detection_probability(10.0, cov, 0.05) == pytest.approx(expected)
    assert cumuf_detection_probability(10.0, cov, 0.05) == pytest.approx(
        linear_test_detection_probability(np.ones(4), [10, 0, 0, 0], cov, 0.05)
    )


def test_worst_case_pattern() -> None:
    cov = muf_covariance(4, 2.0, 1.0)
    w = worst_case_loss_pattern(10.0, cov)
    assert w.sum() == pytest.approx(10.0)
    assert w == pytest.approx(10.0 * cov.sum(axis=1) / cov.sum())
    # Against M* the best test is CUMUF: equal detection probabilities.
    assert best_test_detection_probability(w, cov, 0.05) == pytest.approx(
        cumuf_detection_probability(10.0, cov, 0.05)
    )


@given(
    n=st.integers(2, 8),
    si=st.floats(0.2, 5),
    sd=st.floats(0.2, 5),
    weights=st.lists(st.floats(0, 1), min_size=8, max_size=8),
)
def test_worst_case_pattern_minimises_best_detection(
    n: int, si: float, sd: float, weights: list[float]
) -> None:
    cov = muf_covariance(n, si, sd)
    w = np.asarray(weights[:n])
    if w.sum() <= 1e-6:
        return
    pattern = 10.0 * w / w.sum()
    worst = worst_case_loss_pattern(10.0, cov)
    assert best_test_detection_probability(pattern, cov, 0.05) >= (
        best_test_detection_probability(worst, cov, 0.05) - 1e-9
    )


def test_sitmuf_whitens() -> None:
    cov = muf_covariance(5, 1.5, 0.7)
    rng = np.random.default_rng(1)
    chol = np.linalg.cholesky(cov)
    x = chol @ rng.standard_normal(5)
    assert sitmuf(x, cov) == pytest.approx(np.linalg.solve(chol, x))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: detection_probability(1.0, 0.0), "false_alarm"),
        (lambda: detection_probability(1.0, 1.0), "false_alarm"),
        (lambda: detection_probability(-1.0, 0.05), "loss_over_sigma"),
        (lambda: loss_for_detection(1.0, 0.05), "detection"),
        (lambda: sigma_muf([1.0, -2.0]), r"component_sigmas\[1\]"),
        (lambda: muf_covariance(0, 1.0, 1.0), "periods"),
        (lambda: muf_covariance(3, [1.0, 1.0], 1.0), "sigma_inventory"),
        (lambda: cumuf_sigma(np.ones((2, 3))), "covariance"),
        (lambda: largest_sigma_muf(0.0), "loss_kg"),
    ],
)
def test_invalid(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]
