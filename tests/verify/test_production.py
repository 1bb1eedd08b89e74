"""Tests for detente.verify.production.

* Published values: V(0.00711) = 4.8689, V(0.003) = 5.7713, V(0.9) = 1.7578 (checked in
  test_enrichment); SQ sizes from the IAEA Safeguards Glossary (HEU 25 kg U-235, Pu 8 kg);
  OTA (1993) rule of thumb of about 1 g Pu per MWt-day.
* Issue 14's number: 4,000 machines × 3.5 SWU is the capacity divided by the SWU per SQ from
  natural uranium (tested exactly against a reference written from the definitions).
* Published consistency: Hecker (2010) about 40 kg HEU/yr from 2,000 machines, ISIS (2013)
  68 kg/yr from 4,000, bracket the 3.5 SWU per machine-year of the bundled scenario.
* Properties (hypothesis): more capacity gives more SQ per year, linearly.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.verify import (
    PU_SIGNIFICANT_QUANTITY_KG,
    heu_production,
    plutonium_production,
    swu_per_significant_quantity,
)


def value(x: float) -> float:
    """Reference value function written from its definition."""
    return (2 * x - 1) * math.log(x / (1 - x))


def swu_per_sq_reference(xf: float, xt: float, xp: float, u235: float = 25.0) -> float:
    p = u235 / xp
    f = p * (xp - xt) / (xf - xt)
    t = f - p
    return p * value(xp) + t * value(xt) - f * value(xf)


def test_issue_14_production_is_capacity_over_swu_per_sq() -> None:
    r = heu_production(4000 * 3.5)
    swu = swu_per_sq_reference(0.00711, 0.003, 0.9)
    assert r.swu_per_sq == pytest.approx(swu, rel=1e-12)
    assert r.sq_per_year == pytest.approx(14000 / swu, rel=1e-12)
    assert r.sq_per_year == pytest.approx(2.6122, abs=1e-4)
    assert r.u235_kg_per_year == pytest.approx(25 * r.sq_per_year)
    assert r.kg_per_year == pytest.approx(25 / 0.9 * r.sq_per_year)


def test_swu_per_sq_values() -> None:
    assert swu_per_significant_quantity() == pytest.approx(5359.378, abs=1e-3)
    # from 3.5 % LEU, as under a cap
    assert swu_per_significant_quantity(0.035) == pytest.approx(
        swu_per_sq_reference(0.035, 0.003, 0.9), rel=1e-12
    )
    assert swu_per_significant_quantity(0.035) == pytest.approx(1980.4, abs=0.1)


@pytest.mark.parametrize(("machines", "kg_heu", "low", "high"),
                         [(2000, 40.0, 3.8, 4.0), (4000, 68.0, 3.2, 3.4)])
def test_published_rates_imply_about_3_5_swu(machines: int, kg_heu: float, low: float,
                                              high: float) -> None:
    per_kg = heu_production(1.0).swu_per_kg_product
    assert low < kg_heu * per_kg / machines < high


def test_plutonium_rule_of_thumb() -> None:
    r = plutonium_production(25.0, 0.7, 1.0)
    assert r.kg_per_year == pytest.approx(25 * 0.7 * 365.25 / 1000)
    assert r.sq_per_year == pytest.approx(r.kg_per_year / 8.0)
    assert PU_SIGNIFICANT_QUANTITY_KG == 8.0
    assert plutonium_production(0.0).kg_per_year == 0.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: heu_production(-1.0), "capacity_swu_per_year"),
        (lambda: heu_production(100.0, tails_assay=0.01), "tails_assay must be below"),
        (lambda: heu_production(100.0, feed_assay=0.95), "product_assay must not be below"),
        (lambda: heu_production(100.0, product_assay=1.0), "product_assay"),
        (lambda: heu_production(100.0, feed_assay=0.9, product_assay=0.9), "above feed_assay"),
        (lambda: plutonium_production(-5.0), "thermal_mw"),
        (lambda: plutonium_production(5.0, 1.5), "capacity_factor"),
        (lambda: plutonium_production(5.0, 0.5, 0.0), "grams_per_mwt_day"),
    ],
)
def test_bad_input(call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()  # type: ignore[operator]


@given(st.floats(0, 1e6), st.floats(0, 1e6),
       st.sampled_from([0.00711, 0.01, 0.035, 0.2]), st.sampled_from([0.002, 0.003, 0.005]))
def test_more_capacity_more_sq(c1: float, c2: float, feed: float, tails: float) -> None:
    lo, hi = sorted((c1, c2))
    a = heu_production(lo, feed, tails)
    b = heu_production(hi, feed, tails)
    assert a.sq_per_year <= b.sq_per_year
    assert b.sq_per_year == pytest.approx(hi / a.swu_per_sq, rel=1e-12)


@given(st.floats(0.0072, 0.8))
def test_richer_feed_needs_less_work(feed: float) -> None:
    assert swu_per_significant_quantity(feed) < swu_per_significant_quantity()
