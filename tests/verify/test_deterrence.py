"""Tests for detente.verify.deterrence.

* Theory: the inspectee's condition β < (B − A·F)/(B + D) of the non-zero-sum inspection game
  (Avenhaus & Canty 1996; Avenhaus, von Stengel & Zamir 2002, ch. 51 §3), and the issue's
  boundary rule: the inequality is strict, so (1 − P)^n equal to the threshold does not deter.
* Agreement with a reference written from the definition (exact fractions, linear search).
* Properties (hypothesis): more inspections never raise non-detection; a higher penalty needs
  no more inspections; a larger gain needs no fewer.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.verify import (
    detection_by_inspections,
    deterrence,
    inspections_to_deter,
    max_nondetection,
)


def reference_needed(p: Fraction, t: Fraction, limit: int = 10_000) -> int | None:
    """Smallest n with (1 − p)^n < t by linear search (None if none up to ``limit``)."""
    for n in range(limit + 1):
        if (1 - p) ** n < t:
            return n
    return None


def test_threshold_is_b_over_b_plus_d() -> None:
    assert max_nondetection(3, 1) == Fraction(1, 4)
    assert max_nondetection(1, 1, 0.05) == Fraction(19, 40)  # (1 − 0.05·1)/2
    assert max_nondetection(1, 1, 0.5, 0.0) == Fraction(1, 2)  # false alarms cost nothing


@pytest.mark.parametrize(
    ("gain", "penalty", "p", "needed"),
    [
        (3, 1, 0.5, 3),      # (1/2)^2 = 1/4 equals B/(B+D): not deterred; n = 3
        (1, 1, 0.5, 2),      # (1/2)^1 = 1/2 equals 1/2: n = 2
        (19, 81, 0.1, 3),    # 0.9^2 = 0.81 = 81/100 exactly, in decimal
        (1, 3, 0.5, 1),      # 1/2 < 3/4
        (1, 1, 1.0, 1),      # certain detection: one inspection
    ],
)
def test_boundary_is_strict(gain: float, penalty: float, p: float, needed: int) -> None:
    d = deterrence(gain, penalty, p)
    assert d.inspections_needed == needed
    assert d.nondetection_at_needed is not None
    t = d.max_nondetection
    q = 1 - Fraction(repr(float(p)))
    assert q**needed < t <= q ** (needed - 1)


def test_cannot_deter() -> None:
    assert deterrence(1, 0, 0.9).inspections_needed is None  # no penalty
    assert deterrence(1, 1, 0.0).inspections_needed is None  # inspections see nothing
    assert deterrence(1, 1, 0.9, false_alarm=1.0).inspections_needed is None  # F·A = B
    assert not deterrence(1, 0, 0.9).deterrable


def test_to_dict_keys() -> None:
    out = deterrence(3, 1, 0.5).to_dict()
    assert out["max_nondetection"] == 0.25 and out["max_nondetection_exact"] == "1/4"
    assert out["inspections_needed"] == 3
    assert "Avenhaus" in out["model"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"gain": 0, "penalty": 1, "detection_per_inspection": 0.5}, "gain"),
        ({"gain": 1, "penalty": -1, "detection_per_inspection": 0.5}, "penalty"),
        ({"gain": 1, "penalty": 1, "detection_per_inspection": 1.5}, "detection_per_inspection"),
        ({"gain": 1, "penalty": 1, "detection_per_inspection": 0.5, "false_alarm": -0.1},
         "false_alarm"),
        ({"gain": 1, "penalty": 1, "detection_per_inspection": float("nan")}, "finite"),
    ],
)
def test_bad_input(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        deterrence(**kwargs)  # type: ignore[arg-type]


probs = st.integers(1, 99).map(lambda k: k / 100)
payoffs = st.integers(1, 50).map(float)


@given(probs, payoffs, payoffs)
def test_agrees_with_reference(p: float, gain: float, penalty: float) -> None:
    t = max_nondetection(gain, penalty)
    assert inspections_to_deter(p, t) == reference_needed(Fraction(repr(p)), t)


@given(probs, payoffs, payoffs, payoffs)
def test_higher_penalty_needs_no_more(p: float, gain: float, b1: float, b2: float) -> None:
    lo, hi = sorted((b1, b2))
    n_lo = deterrence(gain, lo, p).inspections_needed
    n_hi = deterrence(gain, hi, p).inspections_needed
    assert n_lo is not None and n_hi is not None and n_hi <= n_lo


@given(probs, payoffs, payoffs, payoffs)
def test_larger_gain_needs_no_fewer(p: float, penalty: float, d1: float, d2: float) -> None:
    lo, hi = sorted((d1, d2))
    n_lo = deterrence(lo, penalty, p).inspections_needed
    n_hi = deterrence(hi, penalty, p).inspections_needed
    assert n_lo is not None and n_hi is not None and n_lo <= n_hi


@given(st.floats(0, 1), st.floats(0, 100), st.floats(0, 100))
def test_more_inspections_never_raise_nondetection(p: float, n1: float, n2: float) -> None:
    lo, hi = sorted((n1, n2))
    assert detection_by_inspections(lo, p) <= detection_by_inspections(hi, p)


def test_detection_by_inspections_values() -> None:
    assert detection_by_inspections(2, 0.5) == pytest.approx(0.75)
    assert detection_by_inspections(0, 0.9) == 0.0
    assert detection_by_inspections(3, 1.0) == 1.0


def test_tiny_detection_probability_is_fast() -> None:
    n = inspections_to_deter(1e-6, Fraction(1, 2))
    assert n is not None and abs(n - 693147) <= 1
