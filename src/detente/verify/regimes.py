"""Verification of an armed state, regime by regime: production, breakout, detection, deterrence.

:func:`assess_regimes` takes a validated ``verification:`` section
(:class:`~detente.verify.spec.VerificationSpec`) and, for every regime it lists (``regimes:``,
plus a ``now`` regime without limits unless one is given), reports

* **weapons-worth per year** the regime permits: HEU from the declared plant when
  ``heu_production`` is allowed (:func:`~detente.verify.production.heu_production`), Pu from
  the reactor when ``reactor_operating`` (:func:`~detente.verify.production.plutonium_production`),
  and the HEU rate the plant would reach if the regime were broken;
* **breakout** from the stocks the regime allows, at the capacity it leaves, after its restart
  time (:func:`~detente.verify.breakout.breakout`, ideal cascade, a lower bound);
* **detection** of that breakout by the regime's inspections, and with a share of capacity
  hidden at an undeclared plant (:func:`~detente.verify.undeclared.hidden_capacity`);
* **deterrence**: the largest non-detection probability that deters and the fewest
  independent inspections that reach it (:func:`~detente.verify.deterrence.deterrence`,
  Avenhaus & Canty 1996), with Dresher's zero-sum game kept as a labelled reference.

Nothing here knows a country or a regime by name: the regimes are data. Every number is
returned beside the assumption (``why``) it rests on. Explanation:
``docs/discussion/verification.md``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from detente.display import DisplayMixin, dataframe
from detente.verify.breakout import breakout
from detente.verify.deterrence import Deterrence, detection_by_inspections, deterrence
from detente.verify.inspection import dresher_value, inspections_for_value
from detente.verify.production import (
    HeuProduction,
    PlutoniumProduction,
    heu_production,
    plutonium_production,
)
from detente.verify.spec import HoldingAssessment, RegimeSpec, VerificationSpec, _holding
from detente.verify.undeclared import HiddenCapacity, hidden_capacity_sweep

__all__ = ["RegimeAssessment", "RegimesAssessment", "assess_regimes"]


def _finite(x: float) -> float | None:
    return None if math.isinf(x) or math.isnan(x) else x


@dataclass(frozen=True)
class RegimeAssessment(DisplayMixin):
    """One regime's numbers (see :func:`assess_regimes`).

    Attributes
    ----------
    id, label, description, why
        The regime as the scenario names and justifies it.
    machines, capacity_swu_per_year, restart_months
        Declared capacity the regime leaves and the time to restart it.
    stocks
        ``(name, kg U, assay)`` of the stocks the regime allows as breakout feed.
    heu_production, reactor_operating
        Whether the regime permits HEU production at the declared plant / Pu production.
    heu_sq_per_year, heu_kg_per_year
        HEU the regime permits per year (0 if not permitted), SQ and kg of product.
    heu_sq_per_year_if_broken
        HEU rate of the regime's declared capacity if the regime is broken (natural feed).
    pu_kg_per_year, pu_sq_per_year
        Plutonium the regime permits per year (``None`` without a reactor).
    breakout_swu, breakout_months
        Separative work and time (restart + enrichment) to one SQ from the allowed stocks.
    inspections_per_year, detection_per_inspection
        The checks at declared sites.
    inspections_during_breakout
        inspections_per_year × breakout_months / 12.
    detection_declared
        Probability those inspections catch the breakout (``None`` when production is
        permitted: there is no violation to detect).
    hidden
        Detection and time to one SQ for each hidden fraction (empty when production is
        permitted or the section has no ``undeclared``).
    deterrence
        The non-zero-sum deterrence condition at this regime's detection per inspection.
    deterred_by_plan
        Whether the planned inspections during a breakout meet the deterrence condition.
    """

    id: str
    label: str
    description: str
    why: str
    machines: int
    capacity_swu_per_year: float
    restart_months: float
    stocks: tuple[tuple[str, float, float], ...]
    heu_production: bool
    reactor_operating: bool
    heu_sq_per_year: float
    heu_kg_per_year: float
    heu_sq_per_year_if_broken: float
    pu_kg_per_year: float | None
    pu_sq_per_year: float | None
    breakout_swu: float
    breakout_months: float
    inspections_per_year: float
    detection_per_inspection: float | None
    inspections_during_breakout: float | None
    detection_declared: float | None
    hidden: tuple[HiddenCapacity, ...]
    deterrence: Deterrence | None
    deterred_by_plan: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (infinite months as ``None``)."""
        out: dict[str, Any] = {
            k: getattr(self, k) for k in self.__dataclass_fields__
            if k not in ("hidden", "deterrence", "stocks")
        }
        out["breakout_months"] = _finite(self.breakout_months)
        out["inspections_during_breakout"] = (
            None if self.inspections_during_breakout is None
            else _finite(self.inspections_during_breakout)
        )
        out["stocks"] = [{"name": n, "kg_u": kg, "assay": x} for n, kg, x in self.stocks]
        out["hidden"] = [h.to_dict() for h in self.hidden]
        out["deterrence"] = None if self.deterrence is None else self.deterrence.to_dict()
        return out


@dataclass(frozen=True)
class RegimesAssessment(DisplayMixin):
    """Every regime of a verification section, with the shared inputs and their reasons.

    Attributes
    ----------
    regimes
        One :class:`RegimeAssessment` per regime, in report order.
    heu
        HEU production of the full declared capacity (natural feed).
    plutonium
        Plutonium production of the reactor at its stated capacity factor, or ``None``.
    capacity_machines, swu_per_machine_year
        The declared plant.
    assumptions
        ``why`` of each input (capacity, reactor, deterrence, undeclared, inspections).
    zero_sum_reference
        Dresher's zero-sum game (the older criterion), labelled as such, or ``None``.
    holdings
        Material already held, in SQ.
    sources
        The section's sources.
    history
        The section's note on later information (not used as input).
    """

    regimes: tuple[RegimeAssessment, ...]
    heu: HeuProduction
    plutonium: PlutoniumProduction | None
    capacity_machines: int
    swu_per_machine_year: float
    assumptions: dict[str, str]
    zero_sum_reference: dict[str, Any] | None
    holdings: tuple[HoldingAssessment, ...]
    sources: tuple[str, ...]
    history: str

    def regime(self, regime_id: str) -> RegimeAssessment:
        """The assessment of regime ``regime_id`` (``KeyError`` if absent)."""
        for r in self.regimes:
            if r.id == regime_id:
                return r
        raise KeyError(regime_id)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per regime. Needs pandas."""
        return dataframe(self.to_dict()["regimes"], index="id")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of everything above."""
        return {
            "regimes": [r.to_dict() for r in self.regimes],
            "heu": self.heu.to_dict(),
            "plutonium": None if self.plutonium is None else self.plutonium.to_dict(),
            "capacity_machines": self.capacity_machines,
            "swu_per_machine_year": self.swu_per_machine_year,
            "assumptions": dict(self.assumptions),
            "zero_sum_reference": self.zero_sum_reference,
            "holdings": [asdict(h) for h in self.holdings],
            "sources": list(self.sources),
            "history": self.history,
        }


def _assess_one(spec: VerificationSpec, rid: str, r: RegimeSpec,
                heu_full: HeuProduction, pu: PlutoniumProduction | None) -> RegimeAssessment:
    machines = spec.capacity.machines if r.machines is None else r.machines
    capacity = machines * spec.capacity.swu_per_machine_year * r.capacity_factor
    lots = spec.stocks if r.stocks is None else r.stocks
    result = breakout(
        [(lot.kg_u, lot.assay) for lot in lots],
        capacity if capacity > 0 else 1.0,
        target_kg=spec.significant_quantity_kg,
        target_assay=spec.target_assay,
        tails_assay=spec.tails_assay,
    )
    if result.swu == 0.0:
        months = r.restart_months
    elif capacity > 0:
        months = r.restart_months + result.months
    else:
        months = math.inf
    broken = capacity / heu_full.swu_per_sq
    heu_sq = broken if r.heu_production else 0.0
    pu_kg = None if pu is None else (pu.kg_per_year if r.reactor_operating else 0.0)
    pu_sq = None if pu is None else (pu.sq_per_year if r.reactor_operating else 0.0)
    det_spec = spec.deterrence
    p = r.detection_per_inspection
    if p is None and det_spec is not None:
        p = det_spec.detection_per_inspection
    permitted = r.heu_production
    during = None if permitted else r.inspections_per_year * months / 12.0
    detect = None
    if not permitted:
        detect = 1.0 if math.isinf(months) else detection_by_inspections(during or 0.0, p or 0.0)
    hidden: tuple[HiddenCapacity, ...] = ()
    if spec.undeclared is not None and not permitted:
        hidden = hidden_capacity_sweep(
            spec.undeclared.fractions,
            spec.capacity.machines * spec.capacity.swu_per_machine_year,
            heu_full.swu_per_sq,
            spec.undeclared.discovery_per_year,
            months,
            r.inspections_per_year,
            p or 0.0,
        )
    det = None
    planned_ok = None
    if det_spec is not None and p is not None:
        det = deterrence(det_spec.gain, det_spec.penalty, p, det_spec.false_alarm,
                         det_spec.false_alarm_cost)
        if during is not None and det.inspections_needed is not None:
            planned_ok = during >= det.inspections_needed
        elif during is not None:
            planned_ok = False
    return RegimeAssessment(
        id=rid,
        label=r.label or rid,
        description=r.description,
        why=r.why,
        machines=machines,
        capacity_swu_per_year=capacity,
        restart_months=r.restart_months,
        stocks=tuple((lot.name, lot.kg_u, lot.assay) for lot in lots),
        heu_production=r.heu_production,
        reactor_operating=r.reactor_operating,
        heu_sq_per_year=heu_sq,
        heu_kg_per_year=heu_sq * heu_full.kg_per_year / heu_full.sq_per_year
        if heu_full.sq_per_year > 0 else 0.0,
        heu_sq_per_year_if_broken=broken,
        pu_kg_per_year=pu_kg,
        pu_sq_per_year=pu_sq,
        breakout_swu=result.swu,
        breakout_months=months,
        inspections_per_year=r.inspections_per_year,
        detection_per_inspection=p,
        inspections_during_breakout=during,
        detection_declared=detect,
        hidden=hidden,
        deterrence=det,
        deterred_by_plan=planned_ok,
    )


def assess_regimes(spec: VerificationSpec) -> RegimesAssessment:
    """Production, breakout, detection and deterrence for every regime of ``spec``.

    * HEU per year: capacity / SWU per SQ from natural uranium (Benedict, Pigford & Levi
      1981, ch. 12; ``docs/discussion/enrichment.md``); Pu per year: MWt × capacity factor ×
      365.25 × g/MWt-day (OTA 1993).
    * Breakout: ideal multi-feed cascade from the allowed stocks, richest first, topped up
      with natural uranium, plus the regime's restart time (a lower bound).
    * Detection: 1 − (1 − P)^(n·T/12) for n inspections a year during a breakout of T
      months; with hidden capacity, the less detectable of the declared and covert routes
      (:mod:`detente.verify.undeclared`).
    * Deterrence: β < (B − A·F)/(B + D) (Avenhaus & Canty 1996, *Compliance Quantified*;
      Avenhaus, von Stengel & Zamir 2002, ch. 51 §3); Dresher (1962) as the zero-sum
      reference. See ``docs/discussion/verification.md``.

    Parameters
    ----------
    spec
        A validated :class:`~detente.verify.spec.VerificationSpec`.

    Returns
    -------
    RegimesAssessment
        Frozen; ``to_dict()`` gives JSON.
    """
    capacity = spec.capacity.machines * spec.capacity.swu_per_machine_year
    heu_full = heu_production(capacity, tails_assay=spec.tails_assay,
                              product_assay=spec.target_assay,
                              sq_kg=spec.significant_quantity_kg)
    pu = None
    if spec.reactor is not None:
        rx = spec.reactor
        pu = plutonium_production(rx.thermal_mw, rx.capacity_factor, rx.grams_pu_per_mwt_day)
    regimes = tuple(_assess_one(spec, rid, r, heu_full, pu)
                    for rid, r in spec.all_regimes().items())
    assumptions = {"capacity": spec.capacity.why}
    if spec.reactor is not None:
        assumptions["reactor"] = spec.reactor.why
    if spec.deterrence is not None:
        assumptions["deterrence"] = spec.deterrence.why
    if spec.undeclared is not None:
        assumptions["undeclared"] = spec.undeclared.why
    zero_sum = None
    if spec.inspections is not None:
        ins = spec.inspections
        zero_sum = {
            "model": "Dresher (1962) zero-sum inspection game (reference only, not deterrence)",
            "periods": ins.periods,
            "inspections": ins.inspections,
            "caught_cost": ins.caught_cost,
            "value_threshold": ins.deterrence_value,
            "inspections_for_value": inspections_for_value(
                ins.periods, ins.deterrence_value, ins.caught_cost),
            "value_at_planned": float(dresher_value(ins.periods, ins.inspections,
                                                    ins.caught_cost)),
            "why": ins.why,
        }
        assumptions["zero_sum_reference"] = ins.why
    return RegimesAssessment(
        regimes=regimes,
        heu=heu_full,
        plutonium=pu,
        capacity_machines=spec.capacity.machines,
        swu_per_machine_year=spec.capacity.swu_per_machine_year,
        assumptions=assumptions,
        zero_sum_reference=zero_sum,
        holdings=tuple(_holding(h) for h in spec.holdings),
        sources=tuple(spec.sources),
        history=spec.history,
    )
