"""Tests for detente.verify.enrichment (check values from shared/reference/verify.md §3)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.verify import (
    NATURAL_ASSAY,
    enrichment,
    separative_potential,
    u_mass_fraction_uf6,
    u_to_uf6,
    uf6_to_u,
    uranium_molar_mass,
)

pytestmark = pytest.mark.published


def sig(x: float, digits: int) -> float:
    """Round to ``digits`` significant figures."""
    return float(f"{x:.{digits - 1}e}")


def test_pyne_case() -> None:
    # pyne/pyne tests/test_enrichment.py
    r = enrichment(1.5, 0.05, 0.0072, 0.0025)
    assert sig(r.feed_kg, 6) == 15.1596
    assert sig(r.tails_kg, 6) == 13.6596
    assert sig(r.swu, 5) == 11.765
    assert sig(r.swu, 4) == sig(11.765, 4)
    assert (r.product_kg, r.product_assay, r.feed_assay, r.tails_assay) == (
        1.5,
        0.05,
        0.0072,
        0.0025,
    )


@pytest.mark.parametrize(("x", "expected"), [(0.00711, 4.8689), (0.003, 5.7713), (0.9, 1.7578)])
def test_value_function(x: float, expected: float) -> None:
    assert round(separative_potential(x), 4) == expected


def test_value_function_symmetry() -> None:
    assert separative_potential(0.5) == 0.0
    assert separative_potential(0.2) == pytest.approx(separative_potential(0.8))


def test_uf6_fraction() -> None:
    assert round(u_mass_fraction_uf6(), 4) == 0.6762  # verify.md §3
    assert round(u_mass_fraction_uf6(NATURAL_ASSAY), 3) == 0.676
    assert uranium_molar_mass() == pytest.approx(238.029, abs=5e-4)
    # Enriched uranium is lighter, so UF6 holds slightly less U by mass.
    assert u_mass_fraction_uf6(0.9) < u_mass_fraction_uf6(0.0367) < u_mass_fraction_uf6()
    assert uf6_to_u(300, 0.0367) == pytest.approx(202.83, abs=0.01)


@given(
    kg=st.floats(0, 1e6, allow_nan=False),
    x=st.floats(0.001, 0.99),
)
def test_uf6_roundtrip(kg: float, x: float) -> None:
    assert u_to_uf6(uf6_to_u(kg, x), x) == pytest.approx(kg, rel=1e-12, abs=1e-12)


assays = st.floats(1e-4, 0.9999, allow_nan=False)


@given(p=st.floats(0, 1e4), a=assays, b=assays, c=assays)
def test_swu_nonnegative_and_mass_balance(p: float, a: float, b: float, c: float) -> None:
    xt, xf, xp = sorted((a, b, c))
    if not xt < xf:
        return
    r = enrichment(p, xp, xf, xt)
    assert r.swu >= 0.0
    assert r.feed_kg == pytest.approx(r.product_kg + r.tails_kg)
    assert r.feed_kg * xf == pytest.approx(p * xp + r.tails_kg * xt, rel=1e-9, abs=1e-9)


@given(p=st.floats(0.001, 1e4), xf=st.floats(0.002, 0.9), frac=st.floats(0.01, 0.99))
def test_swu_zero_when_product_equals_feed(p: float, xf: float, frac: float) -> None:
    r = enrichment(p, xf, xf, xf * frac)
    assert r.swu == pytest.approx(0.0, abs=1e-9 * p)
    assert r.feed_kg == pytest.approx(p)
    assert r.tails_kg == pytest.approx(0.0, abs=1e-9 * p)


def test_swu_grows_with_product_assay() -> None:
    swus = [enrichment(1.0, x).swu for x in (0.02, 0.05, 0.2, 0.9)]
    assert swus == sorted(swus)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"product_kg": 1, "product_assay": 1.2}, "product_assay"),
        ({"product_kg": 1, "product_assay": 0.0}, "product_assay"),
        ({"product_kg": -1, "product_assay": 0.05}, "product_kg"),
        ({"product_kg": 1, "product_assay": 0.05, "feed_assay": 1.5}, "feed_assay"),
        ({"product_kg": 1, "product_assay": 0.05, "tails_assay": -0.1}, "tails_assay"),
        ({"product_kg": 1, "product_assay": 0.05, "tails_assay": 0.008}, "tails_assay"),
        ({"product_kg": 1, "product_assay": 0.005}, "product_assay"),
        ({"product_kg": math.nan, "product_assay": 0.05}, "product_kg"),
    ],
)
def test_invalid_physics(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        enrichment(**kwargs)


def test_error_message_is_helpful() -> None:
    with pytest.raises(ValueError, match=r"product_assay must lie in \(0, 1\); got 1.2"):
        enrichment(1.0, 1.2)


def test_conversion_rejects_negative_mass() -> None:
    with pytest.raises(ValueError, match="kg_uf6"):
        uf6_to_u(-1.0)
    with pytest.raises(ValueError, match="kg_u"):
        u_to_uf6(-1.0)
