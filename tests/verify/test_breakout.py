"""Tests for detente.verify.breakout (verify.md §3)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.verify import (
    JCPOA_MACHINES,
    NATURAL_ASSAY,
    breakout,
    cascade_capacity,
    enrichment,
    jcpoa_breakout,
    separative_potential,
    uf6_to_u,
)

pytestmark = pytest.mark.published

P90 = 25.0 / 0.9  # kg U of 90 % HEU holding 25 kg U-235


def plan_swu(draws: list[tuple[float, float]], xp: float, xt: float) -> float:
    """SWU of a multi-feed ideal cascade for the given (kg, assay) feeds (eq. 1)."""
    excess = P90 * (xp - xt) - sum(kg * (x - xt) for kg, x in draws)
    feeds = [*draws, (excess / (NATURAL_ASSAY - xt), NATURAL_ASSAY)]
    total = sum(kg for kg, _ in feeds)
    swu = P90 * separative_potential(xp) + (total - P90) * separative_potential(xt)
    return swu - sum(kg * separative_potential(x) for kg, x in feeds)


def test_natural_feed_matches_enrichment() -> None:
    r = breakout([], 1000.0)
    e = enrichment(P90, 0.9, NATURAL_ASSAY, 0.003)
    assert r.product_kg == pytest.approx(P90)
    assert r.swu == pytest.approx(e.swu)
    assert r.natural_feed_kg == pytest.approx(e.feed_kg)
    assert r.tails_kg == pytest.approx(e.tails_kg)
    assert r.months == pytest.approx(12 * e.swu / 1000.0)
    assert r.years == pytest.approx(r.months / 12)


def test_sufficient_leu_stock_feeds_alone() -> None:
    r = breakout([(10_000.0, 0.2)], 500.0)
    e = enrichment(P90, 0.9, 0.2, 0.003)
    assert r.natural_feed_kg == 0.0
    assert r.feed_kg_by_lot[0] == pytest.approx(e.feed_kg)
    assert r.swu == pytest.approx(e.swu)


def test_jcpoa_lower_bound() -> None:
    # 5,060 IR-1 at 1.0 SWU/yr, 300 kg UF6 at 3.67 % (202.8 kg U), 0.3 % tails.
    r = jcpoa_breakout()
    assert r.capacity_swu_per_year == JCPOA_MACHINES * 1.0
    assert r.feed_kg_by_lot[0] == pytest.approx(uf6_to_u(300, 0.0367))
    assert round(r.swu) == 4415
    assert round(r.months, 1) == 10.5
    slow = jcpoa_breakout(0.75)
    assert round(slow.months, 1) == 14.0
    # The stock shortens breakout compared with natural feed only.
    assert r.swu < breakout([], r.capacity_swu_per_year).swu
    # Mass balance of the multi-feed cascade.
    feed_u235 = r.feed_kg_by_lot[0] * 0.0367 + r.natural_feed_kg * NATURAL_ASSAY
    assert feed_u235 == pytest.approx(r.product_kg * 0.9 + r.tails_kg * 0.003)


def test_finished_material_counts_directly() -> None:
    r = breakout([(30.0, 0.93)], 100.0)
    assert r.swu == 0.0 and r.months == 0.0
    assert r.finished_kg == pytest.approx(25.0 / 0.93)
    part = breakout([(10.0, 0.93)], 100.0)
    assert part.product_kg == pytest.approx((25.0 - 9.3) / 0.9)


def test_lots_below_natural_are_not_used() -> None:
    r = breakout([(1e6, 0.005), (50.0, 0.0367)], 1000.0)
    assert r.feed_kg_by_lot[0] == 0.0
    assert r.feed_kg_by_lot[1] == 50.0


def test_highest_assay_drawn_first() -> None:
    r = breakout([(100.0, 0.0367), (200.0, 0.2)], 1000.0)
    assert r.feed_kg_by_lot[1] == pytest.approx(P90 * (0.9 - 0.003) / (0.2 - 0.003))
    assert r.feed_kg_by_lot[0] == 0.0
    short = breakout([(300.0, 0.0367), (100.0, 0.2)], 1000.0)
    assert short.feed_kg_by_lot[1] == 100.0
    left = P90 * (0.9 - 0.003) - 100.0 * (0.2 - 0.003)
    assert short.feed_kg_by_lot[0] == pytest.approx(left / (0.0367 - 0.003))
    assert short.natural_feed_kg == 0.0


@given(
    kg1=st.floats(0, 500),
    kg2=st.floats(0, 500),
    x1=st.floats(0.01, 0.85),
    x2=st.floats(0.01, 0.85),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
)
def test_draw_order_is_optimal(
    kg1: float, kg2: float, x1: float, x2: float, f1: float, f2: float
) -> None:
    """No other feasible draw of the two lots needs less separative work."""
    r = breakout([(kg1, x1), (kg2, x2)], 1000.0)
    draws = [(f1 * kg1, x1), (f2 * kg2, x2)]
    if sum(kg * (x - 0.003) for kg, x in draws) > P90 * (0.9 - 0.003):
        return  # plan over-supplies U-235; not feasible at fixed product and tails
    assert r.swu <= plan_swu(draws, 0.9, 0.003) + 1e-6 * r.swu


@given(
    cap=st.floats(1.0, 1e6),
    factor=st.floats(1.01, 100.0),
    kg=st.floats(0, 1000),
    x=st.floats(0.008, 0.6),
)
def test_breakout_time_falls_with_capacity(cap: float, factor: float, kg: float, x: float) -> None:
    slow = breakout([(kg, x)], cap)
    fast = breakout([(kg, x)], cap * factor)
    assert fast.swu == pytest.approx(slow.swu)
    assert fast.months < slow.months


@given(kg=st.floats(0, 1000), extra=st.floats(0, 1000), x=st.floats(0.008, 0.85))
def test_more_stock_never_hurts(kg: float, extra: float, x: float) -> None:
    assert breakout([(kg + extra, x)], 1e4).swu <= breakout([(kg, x)], 1e4).swu + 1e-9


def test_capacity_helper() -> None:
    assert cascade_capacity(5060, 0.75) == pytest.approx(3795.0)
    with pytest.raises(ValueError, match="machines"):
        cascade_capacity(-1, 1.0)
    with pytest.raises(ValueError, match="swu_per_machine_year"):
        cascade_capacity(10, 0.0)


@pytest.mark.parametrize(
    ("args", "kwargs", "name"),
    [
        (([(-1.0, 0.03)], 100.0), {}, r"stocks\[0\] kg"),
        (([(1.0, 1.5)], 100.0), {}, r"stocks\[0\] assay"),
        (([(1.0,)], 100.0), {}, r"stocks\[0\]"),
        (([], 0.0), {}, "capacity_swu_per_year"),
        (([], 100.0), {"target_kg": -5.0}, "target_kg"),
        (([], 100.0), {"target_assay": 0.005}, "target_assay"),
        (([], 100.0), {"tails_assay": 0.0}, "tails_assay"),
        (([], 100.0), {"tails_assay": 0.008}, "tails_assay"),
    ],
)
def test_invalid_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        breakout(*args, **kwargs)


def test_tails_above_natural_ok_with_enough_stock() -> None:
    r = breakout([(1e5, 0.2)], 100.0, tails_assay=0.01)
    assert r.natural_feed_kg == 0.0 and r.swu > 0


def test_result_is_frozen() -> None:
    r = breakout([], 100.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.swu = 0.0  # type: ignore[misc]
