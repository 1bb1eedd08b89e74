"""Tests for detente.verify.spec and the bundled korea-2017 verification section.

Regression tests of the section's parsing and of :func:`assess_freeze`; the cap's breakout
reproduces issue 14's arithmetic (1 t of 3.5 % LEU, 2,000 machines: about 3.4 months).
"""

from __future__ import annotations

import copy
import math
from fractions import Fraction
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from detente.verify import (
    VerificationSpec,
    assess_freeze,
    breakout,
    dresher_value,
)
from tests.verify.korea import korea_2017_spec, korea_2017_verification, korea_2017_yaml

pytestmark = pytest.mark.regression


def korea() -> dict[str, Any]:
    return copy.deepcopy(korea_2017_verification())


def test_korea_parses_and_every_number_has_a_why() -> None:
    spec = korea_2017_spec()
    assert spec.capacity.machines > 0
    assert spec.capacity.why and "ESTIMATE" in spec.capacity.why
    assert list(spec.regimes) == ["now", "moratorium", "freeze", "cap"]
    assert all(r.why for r in spec.regimes.values())
    assert spec.reactor is not None and spec.reactor.why
    assert spec.deterrence is not None and spec.deterrence.why
    assert spec.undeclared is not None and spec.undeclared.why
    assert spec.inspections is not None and spec.inspections.why
    assert spec.accountancy is not None and spec.accountancy.why
    assert all(h.why for h in spec.holdings)
    assert len(spec.sources) >= 3


def test_korea_yaml_round_trip() -> None:
    data = yaml.safe_load(korea_2017_yaml())
    assert VerificationSpec.model_validate(data["verification"]) == korea_2017_spec()


def test_assess_korea_finite_and_ordered() -> None:
    spec = korea_2017_spec()
    a = assess_freeze(spec)
    assert a.freeze is not None and a.cap is not None
    for r in (a.now, a.freeze, a.cap):
        assert math.isfinite(r.months) and r.months > 0
    assert a.freeze.months >= a.now.months
    # The cap allows 1 t of 3.5 % LEU on 2,000 machines: breakout from that stock.
    assert a.cap.months == pytest.approx(breakout([(1000.0, 0.035)], 2000 * 3.5).months)
    assert a.cap.months == pytest.approx(3.4, abs=0.05)
    # 4,000 machines at 3.5 SWU/yr, natural feed: about 4.6 months.
    assert a.now.months == pytest.approx(breakout([], 4000 * 3.5).months, rel=1e-12)
    assert 3.0 < a.now.months < 7.0
    assert a.inspections_needed is not None
    assert spec.inspections is not None
    assert 0 <= a.inspections_needed <= spec.inspections.periods
    needed = a.inspections_needed
    assert dresher_value(12, needed) <= 0.1 < dresher_value(12, needed - 1)
    assert isinstance(a.inspection_value, Fraction)
    assert a.cumuf_detection is not None and 0 < a.cumuf_detection < 1
    assert a.largest_sigma_muf_kg is not None and a.largest_sigma_muf_kg > 0
    heu = [h for h in a.holdings if h.material == "HEU"]
    assert heu and all(h.sq_low <= h.sq_high for h in heu)
    assert heu[0].sq_low == pytest.approx(200 * 0.9 / 25)


def test_structured_accountancy() -> None:
    data = korea()
    data["accountancy"] = {"sigma_inventory_kg": 2.0, "sigma_throughput_kg": 1.0, "periods": 4}
    a = assess_freeze(VerificationSpec.model_validate(data))
    assert a.sigma_cumuf_kg == pytest.approx(math.sqrt(2 * 4 + 4 * 1))


def test_regime_with_no_capacity_is_infinite() -> None:
    data = korea()
    data["regimes"]["cap"] = {"machines": 0}
    a = assess_freeze(VerificationSpec.model_validate(data))
    assert a.cap is not None and a.cap.months == math.inf


def test_stock_and_cap_stocks() -> None:
    data = korea()
    data["stocks"] = [{"name": "LEU", "kg_u": 1000.0, "assay": 0.035, "why": "test"}]
    data["regimes"]["cap"] = {"stocks": [], "why": "stock shipped out"}
    a = assess_freeze(VerificationSpec.model_validate(data))
    assert a.cap is not None and a.cap.months > a.now.months


def test_minimal_spec() -> None:
    spec = VerificationSpec.model_validate(
        {"capacity": {"machines": 10, "swu_per_machine_year": 1}}
    )
    a = assess_freeze(spec)
    assert a.freeze is None and a.cap is None
    assert a.inspections_needed is None and a.cumuf_detection is None


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        (("unknown",), 1, "Extra inputs"),
        (("capacity", "machines"), -1, "machines"),
        (("inspections", "inspections"), 13, "inspections must not exceed periods"),
        (("accountancy", "sigma_muf_kg"), None, "sigma_muf_kg"),
        (("tails_assay",), 0.01, "tails_assay"),
        (("holdings",), [{"name": "x", "material": "HEU", "kg_low": 5, "kg_high": 1}], "kg_high"),
        (("freeze",), {"restart_months": 2.0}, "given twice"),
        (("regimes", "bad id!"), {}, "regime id"),
        (("undeclared", "fractions"), [0.5, 1.0], "fractions"),
        (("deterrence", "detection_per_inspection"), 1.5, "detection_per_inspection"),
        (("reactor", "capacity_factor"), 1.2, "capacity_factor"),
        (("regimes", "cap", "heu_production"), "maybe", "heu_production"),
    ],
)
def test_invalid_specs(path: tuple[str, ...], value: object, match: str) -> None:
    data = korea()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError, match=match):
        VerificationSpec.model_validate(data)


def test_spec_is_frozen() -> None:
    spec = korea_2017_spec()
    with pytest.raises(ValidationError):
        spec.significant_quantity_kg = 8.0


def test_legacy_freeze_and_cap_keys_still_work() -> None:
    spec = VerificationSpec.model_validate({
        "capacity": {"machines": 10, "swu_per_machine_year": 1},
        "freeze": {"restart_months": 2.0},
        "cap": {"machines": 5},
    })
    assert spec.regime("freeze") is spec.freeze
    assert list(spec.all_regimes()) == ["now", "freeze", "cap"]
    a = assess_freeze(spec)
    assert a.freeze is not None and a.freeze.restart_months == 2.0


def test_korea_sources_are_dated_2017_or_earlier() -> None:
    import re

    spec = korea_2017_spec()
    for src in spec.sources:
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", src)]
        assert years and max(years) <= 2017, src
    # later reports appear only in the history note
    assert "2018" in spec.history and "2021" in spec.history
    whys = [spec.capacity.why] + [r.why for r in spec.regimes.values()]
    for why in whys:
        assert not re.search(r"\b20(1[89]|2\d)\b", why), why
