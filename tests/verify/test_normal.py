"""The verification models' standard normal agrees bit for bit with scipy.stats.norm."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm as scipy_norm

from detente.verify import _normal

pytestmark = pytest.mark.reference

FUNCTIONS = ("cdf", "sf", "ppf", "isf", "pdf")
EDGES = (-40.0, -8.5, -1.0, -0.0, 0.0, 1e-300, 0.05, 0.5, 0.95, 1.0, 1.6448536269514722, 38.0,
         2.0, math.inf, -math.inf, math.nan)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("x", EDGES)
def test_edges_match_scipy(name: str, x: float) -> None:
    ours = getattr(_normal, name)(x)
    theirs = float(getattr(scipy_norm, name)(x))
    assert _same(ours, theirs), (name, x, ours, theirs)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-60, max_value=60))
def test_cdf_sf_pdf_match_scipy(x: float) -> None:
    for name in ("cdf", "sf", "pdf"):
        assert _same(getattr(_normal, name)(x), float(getattr(scipy_norm, name)(x))), name


@given(st.floats(min_value=0.0, max_value=1.0))
def test_quantiles_match_scipy(q: float) -> None:
    assert _same(_normal.ppf(q), float(scipy_norm.ppf(q)))
    assert _same(_normal.isf(q), float(scipy_norm.isf(q)))


def test_known_quantiles() -> None:
    """U_{0.95} = 1.6449 and U_{0.9} = 1.2816 (the material-accountancy docs' example)."""
    assert round(_normal.isf(0.05), 4) == 1.6449
    assert round(_normal.ppf(0.9), 4) == 1.2816
