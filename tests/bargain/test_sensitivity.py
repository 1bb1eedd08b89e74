"""The bargaining forecast's one-at-a-time sensitivity (detente.bargain.sensitivity).

Checks: regressions on the bundled korea-2017 issue (the knife-edge the issue reports: 100
moves to 45), properties from the definition (every entry is one rerun with one input
changed; shifts are differences from the unperturbed forecast; the smallest moving change is
the smallest step whose shift exceeds the threshold), and bad input.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.bargain.eu import run_eu
from detente.bargain.sensitivity import FIELDS, forecast_sensitivity
from detente.loading import load_scenario

pytestmark = pytest.mark.regression


def _korea_demand() -> tuple[list[str], list[float], list[float], list[float]]:
    k = load_scenario(detente.scenario_path("korea-2017"))
    issue = next(i for i in k.issues if i.id == "near_term_demand")
    st_ = list(issue.positions.values())
    return (list(issue.positions), [x.capability for x in st_], [x.salience for x in st_],
            [x.position for x in st_])


def test_korea_forecast_is_knife_edge() -> None:
    """A 5 % rise in China's salience moves the forecast from 100 (CVID now) to 45 (a
    freeze): the report must say the forecast is knife-edge."""
    actors, cap, sal, pos = _korea_demand()
    r = forecast_sensitivity(actors, cap, sal, pos, lower=0, upper=100,
                             steps=(-0.1, -0.05, 0.05, 0.1), issue="near_term_demand")
    assert r.forecast == pytest.approx(100.0)
    assert r.knife_edge() and r.knife_edge(0.05)
    tip = r.tipping
    assert tip is not None and abs(tip.step) == pytest.approx(0.05)
    cn = r.smallest("CN", "salience")
    assert cn is not None and cn.step == pytest.approx(0.05)
    assert cn.forecast == pytest.approx(45.0) and cn.shift == pytest.approx(-55.0)
    d = r.to_dict()
    assert d["knife_edge"] is True and d["smallest"]["CN"]["salience"]["forecast"] == 45.0
    assert len(d["entries"]) == 6 * 3 * 4


def test_entries_are_single_reruns() -> None:
    """Each entry equals a direct rerun of the model with that one input changed."""
    actors, cap, sal, pos = _korea_demand()
    r = forecast_sensitivity(actors, cap, sal, pos, lower=0, upper=100, steps=(0.1,))
    base = float(run_eu(actors, cap, sal, pos, rounds=10).rounds[-1].median)
    assert r.forecast == pytest.approx(base)
    e = next(e for e in r.entries if e.actor == "US" and e.field == "capability")
    cap2 = list(cap)
    cap2[0] = cap[0] * 1.1
    direct = float(run_eu(actors, cap2, sal, pos, rounds=10).rounds[-1].median)
    assert e.forecast == pytest.approx(direct) and e.shift == pytest.approx(direct - base)


def test_dominant_actor_is_robust() -> None:
    """One actor with nearly all the weight: no 10 % change moves the forecast."""
    r = forecast_sensitivity(["A", "B", "C"], [100, 1, 1], [1.0, 0.5, 0.5], [80, 0, 20],
                             lower=0, upper=100, steps=(-0.1, 0.1))
    assert r.forecast == pytest.approx(80.0)
    assert r.tipping is None and not r.knife_edge()
    assert r.range_at("B", "salience")[0] <= r.forecast <= r.range_at("B", "salience")[1]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 100), st.floats(0.05, 1), st.floats(0, 100)),
                min_size=2, max_size=4),
       st.sampled_from([(0.1,), (-0.2, 0.2), (-0.05, 0.05, 0.3)]))
def test_properties(rows: list[tuple[float, float, float]], steps: tuple[float, ...]) -> None:
    actors = [f"a{k}" for k in range(len(rows))]
    cap, sal, pos = ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    r = forecast_sensitivity(actors, cap, sal, pos, lower=0, upper=100, steps=steps)
    assert len(r.entries) == len(actors) * len(FIELDS) * len(steps)
    for e in r.entries:
        assert e.shift == pytest.approx(e.forecast - r.forecast)
        if e.field == "salience":
            assert 0.0 <= e.value <= 1.0
        if e.field == "position":
            assert 0.0 <= e.value <= 100.0
    for a in actors:
        for f in FIELDS:
            s = r.smallest(a, f)
            moving = [e for e in r.entries if e.actor == a and e.field == f
                      and abs(e.shift) > r.threshold]
            assert (s is None) == (not moving)
            if s is not None:
                assert abs(s.step) == min(abs(e.step) for e in moving)


@pytest.mark.parametrize(("steps", "lower", "upper", "message"), [
    ((), 0, 100, "non-empty"), ((0.0,), 0, 100, "non-zero"), ((0.1,), 50, 50, "scale is empty"),
])
def test_bad_input(steps: tuple[float, ...], lower: float, upper: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        forecast_sensitivity(["A", "B"], [1, 1], [1, 1], [0, 100], lower=lower, upper=upper,
                             steps=steps)
