"""The optional ``verification:`` section of a scenario file, and what a freeze buys.

A scenario may describe the material and capacity an agreement is meant to limit. The models
here validate that section (pydantic v2, unknown keys rejected, immutable) and
:func:`assess_freeze` turns it into numbers:

* breakout time (months) now, under a freeze and under a cap
  (:func:`detente.verify.breakout.breakout`: ideal cascade, a lower bound);
* the fewest inspections over the inspection periods that hold the inspectee's value of
  Dresher's zero-sum game to at most ``deterrence_value`` (:func:`inspections_for_value`) —
  a reference only; the non-zero-sum deterrence condition is in
  :func:`detente.verify.assess_regimes`;
* the probability that the CUMUF test over a year of balance periods detects the
  diversion of one significant quantity (:func:`cumuf_detection_probability`), and the
  largest σ_MUF per period that would still meet the detection goal.

Units: kg U and U-235 weight fractions for stocks; kg-SWU per machine-year for capacity;
σ_MUF in the same unit as ``significant_quantity_kg`` (kg U-235 for HEU, kg Pu for Pu).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify.accountancy import (
    SIGNIFICANT_QUANTITIES,
    cumuf_detection_probability,
    cumuf_sigma,
    largest_sigma_muf,
    muf_covariance,
)
from detente.verify.breakout import HEU_SIGNIFICANT_QUANTITY_KG, breakout
from detente.verify.enrichment import NATURAL_ASSAY
from detente.verify.inspection import (
    dresher_detection_probability,
    dresher_value,
    inspections_for_value,
)

__all__ = [
    "AccountancySpec",
    "CapacitySpec",
    "FreezeAssessment",
    "HoldingAssessment",
    "HoldingSpec",
    "InspectionSpec",
    "RegimeBreakout",
    "RegimeSpec",
    "StockLotSpec",
    "VerificationSpec",
    "assess_freeze",
]

_CONFIG = ConfigDict(extra="forbid", frozen=True)


class StockLotSpec(BaseModel):
    """A lot of uranium that could feed a breakout (kg U at a U-235 weight fraction)."""

    model_config = _CONFIG

    name: str
    kg_u: float = Field(ge=0, description="kg of uranium (not UF6)")
    assay: float = Field(gt=0, lt=1, description="U-235 weight fraction")
    why: str = ""


class CapacitySpec(BaseModel):
    """Installed enrichment capacity: machines × kg-SWU per machine-year."""

    model_config = _CONFIG

    machines: int = Field(ge=0)
    swu_per_machine_year: float = Field(gt=0)
    why: str = ""


class RegimeSpec(BaseModel):
    """What an agreement (or its absence) leaves a state: capacity, stocks, production, checks.

    ``machines`` and ``stocks`` left out mean "unchanged from now" (the section's
    ``capacity`` and ``stocks``). ``capacity_factor`` scales the remaining capacity (e.g. 0.5
    if half the cascades must first be re-assembled); ``restart_months`` is added to the
    breakout time (e.g. to break seals and restart). ``heu_production`` and
    ``reactor_operating`` say whether the regime lets the declared plant make weapons-grade
    uranium and the reactor make plutonium (both no for a freeze or a cap).
    ``inspections_per_year`` and ``detection_per_inspection`` describe the checks at the
    declared sites (the latter defaults to ``deterrence.detection_per_inspection``).
    """

    model_config = _CONFIG

    label: str = ""
    description: str = ""
    machines: int | None = Field(default=None, ge=0)
    capacity_factor: float = Field(default=1.0, gt=0, le=1)
    stocks: list[StockLotSpec] | None = None
    restart_months: float = Field(default=0.0, ge=0)
    heu_production: bool = False
    reactor_operating: bool = False
    inspections_per_year: float = Field(default=0.0, ge=0)
    detection_per_inspection: float | None = Field(default=None, ge=0, le=1)
    why: str = ""


class ReactorSpec(BaseModel):
    """A plutonium production reactor: thermal power, capacity factor, g Pu per MWt-day."""

    model_config = _CONFIG

    name: str = "reactor"
    thermal_mw: float = Field(ge=0)
    capacity_factor: float = Field(default=1.0, ge=0, le=1)
    grams_pu_per_mwt_day: float = Field(default=1.0, gt=0)
    why: str = ""


class DeterrenceSpec(BaseModel):
    """Payoffs of the non-zero-sum inspection game (gain D, penalty B, detection P, alarm A)."""

    model_config = _CONFIG

    gain: float = Field(gt=0)
    penalty: float = Field(ge=0)
    detection_per_inspection: float = Field(ge=0, le=1)
    false_alarm: float = Field(default=0.0, ge=0, le=1)
    false_alarm_cost: float | None = Field(default=None, ge=0)
    why: str = ""


class UndeclaredSpec(BaseModel):
    """Hidden fractions of capacity to assess and the yearly chance a hidden plant is found."""

    model_config = _CONFIG

    fractions: list[float] = Field(default_factory=lambda: [0.0, 0.1, 0.25, 0.5])
    discovery_per_year: float = Field(ge=0, le=1)
    why: str = ""

    @model_validator(mode="after")
    def _fractions_in_range(self) -> Self:
        for i, f in enumerate(self.fractions):
            if not 0.0 <= f < 1.0:
                raise InputError(f"fractions[{i}] must lie in [0, 1); got {f:g}")
        return self


class InspectionSpec(BaseModel):
    """Dresher-game inspections (zero-sum reference): ``inspections`` over ``periods`` periods.

    ``deterrence_value`` is a threshold on the equilibrium value of Dresher's zero-sum game
    to the inspectee, in units of the gain from an undetected violation. It is kept as a
    reference only: in a zero-sum game the inspectee still violates with positive probability,
    so this is not a deterrence criterion (that is :class:`DeterrenceSpec`, non-zero-sum).
    """

    model_config = _CONFIG

    periods: int = Field(ge=1, le=5000)
    inspections: int = Field(ge=0)
    caught_cost: float = Field(default=1.0, ge=0)
    deterrence_value: float = Field(default=0.1, ge=0, le=1)
    why: str = ""

    @model_validator(mode="after")
    def _inspections_within_periods(self) -> Self:
        if self.inspections > self.periods:
            raise InputError(
                f"inspections must not exceed periods; got inspections={self.inspections} > "
                f"periods={self.periods}"
            )
        return self


class AccountancySpec(BaseModel):
    """Material accountancy over a year of balance periods.

    Either ``sigma_muf_kg`` (σ_MUF per period, periods independent) or both
    ``sigma_inventory_kg`` and ``sigma_throughput_kg`` (the MUF covariance of
    :func:`detente.verify.accountancy.muf_covariance`) must be given.
    """

    model_config = _CONFIG

    sigma_muf_kg: float | None = Field(default=None, gt=0)
    sigma_inventory_kg: float | None = Field(default=None, ge=0)
    sigma_throughput_kg: float | None = Field(default=None, ge=0)
    false_alarm: float = Field(default=0.05, gt=0, lt=1)
    periods: int = Field(default=12, ge=1, le=2000, description="balance periods per year")
    detection_goal: float = Field(default=0.9, gt=0, lt=1)
    why: str = ""

    @model_validator(mode="after")
    def _one_sigma_model(self) -> Self:
        structured = self.sigma_inventory_kg is not None or self.sigma_throughput_kg is not None
        if structured and (self.sigma_inventory_kg is None or self.sigma_throughput_kg is None):
            raise InputError("give both sigma_inventory_kg and sigma_throughput_kg, or neither")
        if not structured and self.sigma_muf_kg is None:
            raise InputError("give sigma_muf_kg, or sigma_inventory_kg and sigma_throughput_kg")
        if structured and self.sigma_muf_kg is not None:
            raise InputError(
                "give sigma_muf_kg or sigma_inventory_kg/sigma_throughput_kg, not both"
            )
        if structured and self.sigma_inventory_kg == 0 and self.sigma_throughput_kg == 0:
            raise InputError("sigma_inventory_kg and sigma_throughput_kg cannot both be 0")
        return self


class HoldingSpec(BaseModel):
    """An estimate of material already held (informational; converted to SQ)."""

    model_config = _CONFIG

    name: str
    material: Literal["HEU", "Pu", "U-233"]
    kg_low: float = Field(ge=0)
    kg_high: float = Field(ge=0)
    assay: float | None = Field(
        default=None, gt=0, lt=1, description="U-235 fraction for HEU; default 0.9"
    )
    why: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.kg_high < self.kg_low:
            raise InputError(f"kg_high must be >= kg_low; got {self.kg_high} < {self.kg_low}")
        return self


class VerificationSpec(BaseModel):
    """The ``verification:`` section of a scenario file.

    Regimes are data: ``regimes`` maps an id to a :class:`RegimeSpec`, in the order they are
    reported. The older keys ``freeze`` and ``cap`` still work and mean ``regimes.freeze``
    and ``regimes.cap``; giving both forms of one regime is an error.
    """

    model_config = _CONFIG

    sources: list[str] = Field(default_factory=list)
    significant_quantity_kg: float = Field(default=HEU_SIGNIFICANT_QUANTITY_KG, gt=0)
    target_assay: float = Field(default=0.9, gt=NATURAL_ASSAY, lt=1)
    tails_assay: float = Field(default=0.003, gt=0, lt=NATURAL_ASSAY)
    stocks: list[StockLotSpec] = Field(default_factory=list)
    capacity: CapacitySpec
    reactor: ReactorSpec | None = None
    regimes: dict[str, RegimeSpec] = Field(default_factory=dict)
    freeze: RegimeSpec | None = None
    cap: RegimeSpec | None = None
    inspections: InspectionSpec | None = None
    deterrence: DeterrenceSpec | None = None
    undeclared: UndeclaredSpec | None = None
    accountancy: AccountancySpec | None = None
    holdings: list[HoldingSpec] = Field(default_factory=list)
    history: str = ""

    @model_validator(mode="after")
    def _regimes_once(self) -> Self:
        for key in ("freeze", "cap"):
            if getattr(self, key) is not None and key in self.regimes:
                raise InputError(
                    f"regime {key!r} is given twice; keep regimes.{key} and remove the "
                    f"top-level {key}:"
                )
        for key in self.regimes:
            if not key or not key.replace("-", "").replace("_", "").isalnum():
                raise InputError(
                    f"regime id {key!r} must be letters, digits, '-' or '_'; rename it"
                )
        return self

    def regime(self, regime_id: str) -> RegimeSpec | None:
        """The regime with this id (from ``regimes`` or the older top-level key), or None."""
        if regime_id in self.regimes:
            return self.regimes[regime_id]
        if regime_id in ("freeze", "cap"):
            out: RegimeSpec | None = getattr(self, regime_id)
            return out
        return None

    def all_regimes(self) -> dict[str, RegimeSpec]:
        """Every regime in report order; a ``now`` regime (no limits) first if none is given."""
        out: dict[str, RegimeSpec] = {}
        if "now" not in self.regimes:
            out["now"] = RegimeSpec(
                label="now",
                description="no agreement: the declared plant and reactor run unlimited",
                heu_production=True,
                reactor_operating=True,
            )
        out.update(self.regimes)
        for key in ("freeze", "cap"):
            legacy = getattr(self, key)
            if legacy is not None:
                out[key] = legacy
        return out


@dataclass(frozen=True)
class RegimeBreakout:
    """Breakout under one regime ("now", "freeze" or "cap").

    Attributes
    ----------
    label
        Regime name.
    machines
        Machines available for the breakout.
    capacity_swu_per_year
        Their capacity after ``capacity_factor``, kg-SWU per year.
    swu
        Separative work for one significant quantity, kg-SWU.
    restart_months
        Time added before enrichment can start, months.
    months
        restart_months + 12·SWU/capacity (``inf`` with no capacity).
    """

    label: str
    machines: int
    capacity_swu_per_year: float
    swu: float
    restart_months: float
    months: float


@dataclass(frozen=True)
class HoldingAssessment:
    """A holding expressed in IAEA significant quantities (SQ)."""

    name: str
    material: str
    sq_low: float
    sq_high: float


@dataclass(frozen=True)
class FreezeAssessment(DisplayMixin):
    """What a verified freeze or cap buys, computed by :func:`assess_freeze`.

    Attributes
    ----------
    now, freeze, cap
        Breakout now and under each regime (``None`` when the regime is not specified).
    inspections_needed
        Zero-sum reference only (not deterrence): fewest inspections over
        ``inspections.periods`` with Dresher value <= ``deterrence_value`` (``None`` without an
        ``inspections`` section). For deterrence see :func:`detente.verify.assess_regimes`.
    inspection_value
        Dresher value v(n, m; b) at the planned number of inspections.
    inspection_detection
        Equilibrium probability that a violation is caught at the planned inspections.
    cumuf_detection
        Probability that the CUMUF test over ``accountancy.periods`` detects one SQ.
    sigma_cumuf_kg
        σ of the CUMUF over those periods.
    largest_sigma_muf_kg
        Largest σ_MUF per period meeting the detection goal for one SQ (independent periods).
    holdings
        Holdings in SQ.
    """

    now: RegimeBreakout
    freeze: RegimeBreakout | None
    cap: RegimeBreakout | None
    inspections_needed: int | None
    inspection_value: Fraction | None
    inspection_detection: Fraction | None
    cumuf_detection: float | None
    sigma_cumuf_kg: float | None
    largest_sigma_muf_kg: float | None
    holdings: tuple[HoldingAssessment, ...]


def _regime_breakout(
    spec: VerificationSpec,
    label: str,
    machines: int,
    capacity_factor: float,
    stocks: list[StockLotSpec],
    restart_months: float,
) -> RegimeBreakout:
    capacity = machines * spec.capacity.swu_per_machine_year * capacity_factor
    lots = [(lot.kg_u, lot.assay) for lot in stocks]
    # SWU does not depend on capacity; use 1 SWU/yr when none is left.
    result = breakout(
        lots,
        capacity if capacity > 0 else 1.0,
        target_kg=spec.significant_quantity_kg,
        target_assay=spec.target_assay,
        tails_assay=spec.tails_assay,
    )
    if result.swu == 0.0:
        months = restart_months
    elif capacity > 0:
        months = restart_months + result.months
    else:
        months = math.inf
    return RegimeBreakout(label, machines, capacity, result.swu, restart_months, months)


def _holding(h: HoldingSpec) -> HoldingAssessment:
    sq = SIGNIFICANT_QUANTITIES[h.material].kg
    factor = (h.assay if h.assay is not None else 0.9) if h.material == "HEU" else 1.0
    return HoldingAssessment(h.name, h.material, h.kg_low * factor / sq, h.kg_high * factor / sq)


def assess_freeze(spec: VerificationSpec) -> FreezeAssessment:
    """Breakout times, inspections needed and detection probability for a verification spec.

    * Breakout: :func:`detente.verify.breakout.breakout` (ideal cascade, Benedict, Pigford &
      Levi 1981 ch. 12; docs/discussion/enrichment.md) for one ``significant_quantity_kg`` at
      ``target_assay``, with the capacity and stocks of each regime, plus its
      ``restart_months``.
    * Inspections: smallest m with Dresher value v(n, m; b) <= ``deterrence_value``
      (Dresher 1962; docs/discussion/verification.md) — the inspectee's expected gain from the
      violation game is
      held below that fraction of the gain from an undetected violation.
    * Accountancy: CUMUF detection probability of one SQ over ``periods`` balance periods,
      Φ(SQ/√(e′Σe) − U_{1−α}) (docs/discussion/verification.md), and the largest σ_MUF per period
      meeting
      ``detection_goal`` (independent periods).

    Parameters
    ----------
    spec
        A validated :class:`VerificationSpec`.

    Returns
    -------
    FreezeAssessment
        The numbers above; parts whose section is missing are ``None``.
    """
    now = _regime_breakout(spec, "now", spec.capacity.machines, 1.0, spec.stocks, 0.0)

    def regime(label: str, r: RegimeSpec | None) -> RegimeBreakout | None:
        if r is None:
            return None
        return _regime_breakout(
            spec,
            label,
            spec.capacity.machines if r.machines is None else r.machines,
            r.capacity_factor,
            spec.stocks if r.stocks is None else r.stocks,
            r.restart_months,
        )

    needed = value = detect = None
    if spec.inspections is not None:
        ins = spec.inspections
        needed = inspections_for_value(ins.periods, ins.deterrence_value, ins.caught_cost)
        value = dresher_value(ins.periods, ins.inspections, ins.caught_cost)
        detect = dresher_detection_probability(ins.periods, ins.inspections, ins.caught_cost)

    pd = sigma_c = sigma_max = None
    if spec.accountancy is not None:
        acc = spec.accountancy
        if acc.sigma_muf_kg is not None:
            cov = muf_covariance(acc.periods, 0.0, acc.sigma_muf_kg)
        else:
            assert acc.sigma_inventory_kg is not None and acc.sigma_throughput_kg is not None
            cov = muf_covariance(acc.periods, acc.sigma_inventory_kg, acc.sigma_throughput_kg)
        sigma_c = cumuf_sigma(cov)
        pd = cumuf_detection_probability(spec.significant_quantity_kg, cov, acc.false_alarm)
        sigma_max = largest_sigma_muf(
            spec.significant_quantity_kg, acc.detection_goal, acc.false_alarm, acc.periods
        )

    return FreezeAssessment(
        now=now,
        freeze=regime("freeze", spec.regime("freeze")),
        cap=regime("cap", spec.regime("cap")),
        inspections_needed=needed,
        inspection_value=value,
        inspection_detection=detect,
        cumuf_detection=pd,
        sigma_cumuf_kg=sigma_c,
        largest_sigma_muf_kg=sigma_max,
        holdings=tuple(_holding(h) for h in spec.holdings),
    )
