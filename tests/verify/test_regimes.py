"""Tests for detente.verify.regimes.assess_regimes on the bundled korea-2017 section.

* Issue 14's numbers: 4,000 × 3.5 SWU → capacity / SWU per SQ; the cap's 1 t of 3.5 % LEU on
  2,000 machines at 3.5 SWU each, no restart, 0.3 % tails → 3.40 months (checked against a
  reference written from the definitions).
* Regressions: regime order, permitted production, JSON shape, no country names in the code.
* Properties (hypothesis): breakout falls as the stock's assay or the capacity rises.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import detente.verify
from detente.verify import (
    VerificationSpec,
    assess_regimes,
    breakout,
)
from tests.verify.korea import korea_2017_spec, korea_2017_verification


def value(x: float) -> float:
    return (2 * x - 1) * math.log(x / (1 - x))


def cap_months_reference(kg_leu: float, assay: float, capacity: float) -> float:
    """Months to 25 kg U-235 at 90 % from an LEU stock that suffices (single feed)."""
    p = 25 / 0.9
    f = p * (0.9 - 0.003) / (assay - 0.003)
    assert f <= kg_leu
    swu = p * value(0.9) + (f - p) * value(0.003) - f * value(assay)
    return 12 * swu / capacity


@pytest.fixture(scope="module")
def result() -> detente.verify.RegimesAssessment:
    return assess_regimes(korea_2017_spec())


def test_regimes_in_order(result: detente.verify.RegimesAssessment) -> None:
    assert [r.id for r in result.regimes] == ["now", "moratorium", "freeze", "cap"]


def test_issue_14_cap_breakout(result: detente.verify.RegimesAssessment) -> None:
    cap = result.regime("cap")
    assert cap.capacity_swu_per_year == 7000
    assert cap.restart_months == 0
    assert cap.breakout_months == pytest.approx(cap_months_reference(1000, 0.035, 7000))
    assert cap.breakout_months == pytest.approx(3.40, abs=0.005)


def test_production_per_regime(result: detente.verify.RegimesAssessment) -> None:
    now, mor, frz, cap = result.regimes
    assert now.heu_sq_per_year == pytest.approx(14000 / result.heu.swu_per_sq)
    assert mor.heu_sq_per_year == now.heu_sq_per_year  # a test halt leaves production alone
    assert frz.heu_sq_per_year == 0 and cap.heu_sq_per_year == 0
    assert frz.pu_sq_per_year == 0 and now.pu_sq_per_year == pytest.approx(0.799, abs=1e-3)
    assert cap.heu_sq_per_year_if_broken == pytest.approx(now.heu_sq_per_year / 2)
    assert frz.breakout_months == pytest.approx(now.breakout_months + 1.0)
    assert now.detection_declared is None and not now.hidden
    assert frz.detection_declared is not None and 0 < frz.detection_declared <= 1
    assert [h.fraction_hidden for h in frz.hidden] == [0.0, 0.1, 0.25, 0.5]


def test_deterrence_per_regime(result: detente.verify.RegimesAssessment) -> None:
    cap = result.regime("cap")
    assert cap.deterrence is not None
    assert float(cap.deterrence.max_nondetection) == pytest.approx((1 - 0.05) / 2)
    assert cap.deterrence.inspections_needed == 2
    ref = result.zero_sum_reference
    assert ref is not None and "zero-sum" in ref["model"] and ref["inspections_for_value"] == 7


def test_json_shape(result: detente.verify.RegimesAssessment) -> None:
    data = json.loads(json.dumps(result.to_dict()))
    assert {"regimes", "heu", "plutonium", "assumptions", "zero_sum_reference", "sources",
            "history"} <= set(data)
    cap = data["regimes"][3]
    for key in ("heu_sq_per_year", "pu_sq_per_year", "breakout_months", "detection_declared",
                "hidden", "deterrence", "restart_months", "capacity_swu_per_year", "why"):
        assert key in cap
    assert data["heu"]["sq_per_year"] == pytest.approx(2.6122, abs=1e-4)


def test_minimal_section_has_a_now_regime() -> None:
    spec = VerificationSpec.model_validate({"capacity": {"machines": 10,
                                                         "swu_per_machine_year": 1}})
    r = assess_regimes(spec)
    assert [x.id for x in r.regimes] == ["now"] and r.plutonium is None
    assert r.regimes[0].deterrence is None


def test_section_edits_flow_through() -> None:
    data = korea_2017_verification()
    data["regimes"]["cap"]["stocks"][0]["kg_u"] = 500.0  # too little: natural U tops up
    r = assess_regimes(VerificationSpec.model_validate(data)).regime("cap")
    assert r.breakout_months > 3.4


def test_no_country_names_in_generic_code() -> None:
    folder = Path(detente.verify.__file__).parent
    for path in folder.glob("*.py"):
        text = path.read_text()
        for word in ("Korea", "Yongbyon", "Pyongyang", "DPRK"):
            assert word not in text, f"{path.name} names {word}"


@given(st.floats(0.008, 0.85), st.floats(0.008, 0.85), st.floats(100, 1e5))
def test_breakout_falls_with_stock_assay(x1: float, x2: float, cap: float) -> None:
    lo, hi = sorted((x1, x2))
    a = breakout([(1000.0, lo)], cap).months
    b = breakout([(1000.0, hi)], cap).months
    assert b <= a * (1 + 1e-9)


@given(st.floats(0.0072, 0.5), st.floats(1, 1e5), st.floats(1, 1e5))
def test_breakout_falls_with_capacity(x: float, c1: float, c2: float) -> None:
    lo, hi = sorted((c1, c2))
    assert breakout([(500.0, x)], hi).months <= breakout([(500.0, x)], lo).months * (1 + 1e-9)
