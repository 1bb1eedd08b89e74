"""Undeclared capacity: how a hidden share of enrichment capacity changes detection and timing.

A state declares an enrichment plant of capacity C (kg-SWU per year) and hides a further
plant, so that a fraction f of its total capacity is undeclared: hidden capacity
H = C·f/(1 − f). Under an agreement it has two routes to one significant quantity (SQ):

* **declared route** — break out at the declared, inspected plant from the stocks the
  agreement leaves it (:func:`detente.verify.breakout.breakout`); inspections at n per year,
  each detecting the breakout with probability P, catch it before it ends with probability
  1 − (1 − P)^(n·T/12) for a breakout of T months;
* **covert route** — run the hidden plant on undeclared natural uranium. Inspections and
  material accountancy at declared sites see nothing of it (their detection probability for
  this route is 0). It is found only by other means — national technical means, intelligence,
  environmental sampling — modelled as a constant yearly discovery probability q, so it is
  found within T months with probability 1 − (1 − q)^(T/12) (a constant-hazard, i.e.
  exponential, waiting time: the simplest model, and an assumption of this package, not a
  published estimate). Time to one SQ: T = 12·SWU_SQ/H.

The inspectee takes the route that is less likely to be detected; its detection probability
is the smaller of the two and falls (weakly) as f grows, because H grows and the covert
breakout gets shorter. Sources: ideal-cascade separative work, Benedict, Pigford & Levi
(1981), ch. 12; inspection detection, Avenhaus & Canty (1996), *Compliance Quantified*;
IAEA timeliness and detection goals, IAEA Safeguards Glossary (2001). Explanation:
``docs/discussion/verification.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify._checks import check_nonnegative, check_positive, check_real
from detente.verify.deterrence import detection_by_inspections

__all__ = ["HiddenCapacity", "hidden_capacity", "hidden_capacity_sweep"]


def _fraction_hidden(value: float) -> float:
    f = check_real("fraction_hidden", value)
    if not 0.0 <= f < 1.0:
        raise InputError(f"fraction_hidden must lie in [0, 1); got {f:g}")
    return f


def _probability(name: str, value: float) -> float:
    p = check_real(name, value)
    if not 0.0 <= p <= 1.0:
        raise InputError(f"{name} must lie in [0, 1]; got {p:g}")
    return p


@dataclass(frozen=True)
class HiddenCapacity(DisplayMixin):
    """Detection and time to one SQ with a fraction ``fraction_hidden`` of capacity undeclared.

    Attributes
    ----------
    fraction_hidden
        f, share of the total capacity that is undeclared.
    declared_capacity_swu_per_year, hidden_capacity_swu_per_year
        C and H = C·f/(1 − f).
    declared_months, declared_detection
        Breakout time at the declared plant and the probability inspections catch it
        (``inf`` and 0 when the declared route is closed).
    covert_months, covert_detection
        Time to one SQ at the hidden plant (``inf`` for f = 0) and the probability it is
        discovered first (1 for f = 0: there is nothing to run).
    detection
        The smaller of the two detection probabilities (the inspectee's better route).
    months_to_sq
        Time to one SQ on that route.
    route
        ``"declared"`` or ``"covert"``.
    """

    fraction_hidden: float
    declared_capacity_swu_per_year: float
    hidden_capacity_swu_per_year: float
    declared_months: float
    declared_detection: float
    covert_months: float
    covert_detection: float
    detection: float
    months_to_sq: float
    route: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (infinite months as ``None``)."""
        return {k: (None if isinstance(v, float) and math.isinf(v) else v)
                for k, v in asdict(self).items()}


def hidden_capacity(
    fraction_hidden: float,
    declared_capacity_swu_per_year: float,
    swu_per_sq: float,
    discovery_per_year: float,
    declared_months: float,
    inspections_per_year: float,
    detection_per_inspection: float,
) -> HiddenCapacity:
    """Detection probability and time to one SQ when a fraction of capacity is hidden.

    Model of the module docstring (``docs/discussion/verification.md``): hidden capacity
    H = C·f/(1 − f); covert time T_c = 12·SWU_SQ/H, found first with probability
    1 − (1 − q)^(T_c/12); declared breakout of ``declared_months`` caught with probability
    1 − (1 − P)^(n·T/12) (Avenhaus & Canty 1996 for independent inspections; separative work
    from Benedict, Pigford & Levi 1981, ch. 12). The inspectee takes the less detectable route.

    Parameters
    ----------
    fraction_hidden
        f in [0, 1).
    declared_capacity_swu_per_year
        C >= 0, the declared plant before any agreement, kg-SWU/yr.
    swu_per_sq
        kg-SWU for one SQ at the hidden plant (natural feed), > 0.
    discovery_per_year
        q in [0, 1], yearly probability that a hidden plant is discovered.
    declared_months
        Breakout time at the declared plant (>= 0; ``inf`` if it cannot break out).
    inspections_per_year
        n >= 0 at the declared plant.
    detection_per_inspection
        P in [0, 1].

    Returns
    -------
    HiddenCapacity
        Both routes and the inspectee's choice.
    """
    f = _fraction_hidden(fraction_hidden)
    c = check_nonnegative("declared_capacity_swu_per_year", declared_capacity_swu_per_year)
    swu = check_positive("swu_per_sq", swu_per_sq)
    q = _probability("discovery_per_year", discovery_per_year)
    t_decl = float(declared_months)
    if math.isnan(t_decl) or t_decl < 0:
        raise InputError(f"declared_months must be >= 0; got {declared_months!r}")
    n = check_nonnegative("inspections_per_year", inspections_per_year)
    p = _probability("detection_per_inspection", detection_per_inspection)
    hidden = c * f / (1.0 - f)
    covert_months = 12.0 * swu / hidden if hidden > 0 else math.inf
    if math.isinf(covert_months):
        covert_detect = 1.0
    else:
        covert_detect = detection_by_inspections(covert_months / 12.0, q)
    if math.isinf(t_decl):
        decl_detect = 1.0
    else:
        decl_detect = detection_by_inspections(n * t_decl / 12.0, p)
    # The inspectee prefers the less detectable route; on a tie, the faster one.
    covert_better = (covert_detect, covert_months) < (decl_detect, t_decl)
    return HiddenCapacity(
        fraction_hidden=f,
        declared_capacity_swu_per_year=c,
        hidden_capacity_swu_per_year=hidden,
        declared_months=t_decl,
        declared_detection=decl_detect,
        covert_months=covert_months,
        covert_detection=covert_detect,
        detection=covert_detect if covert_better else decl_detect,
        months_to_sq=covert_months if covert_better else t_decl,
        route="covert" if covert_better else "declared",
    )


def hidden_capacity_sweep(
    fractions: Sequence[float],
    declared_capacity_swu_per_year: float,
    swu_per_sq: float,
    discovery_per_year: float,
    declared_months: float,
    inspections_per_year: float,
    detection_per_inspection: float,
) -> tuple[HiddenCapacity, ...]:
    """:func:`hidden_capacity` for each hidden fraction in ``fractions`` (same other inputs).

    Source: the model of :func:`hidden_capacity` (``docs/discussion/verification.md``;
    Avenhaus & Canty 1996; Benedict, Pigford & Levi 1981).

    Parameters
    ----------
    fractions
        Hidden fractions f in [0, 1).
    declared_capacity_swu_per_year, swu_per_sq, discovery_per_year, declared_months,
    inspections_per_year, detection_per_inspection
        As in :func:`hidden_capacity`.

    Returns
    -------
    tuple of HiddenCapacity
        One entry per fraction, in the order given.
    """
    return tuple(
        hidden_capacity(f, declared_capacity_swu_per_year, swu_per_sq, discovery_per_year,
                        declared_months, inspections_per_year, detection_per_inspection)
        for f in fractions
    )
