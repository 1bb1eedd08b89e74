"""Weapons-material production per year: HEU from separative capacity, Pu from a reactor.

HEU
---
One IAEA significant quantity (SQ) of HEU is 25 kg of U-235 contained in uranium enriched to
20 % or more. At product assay x_p it is P = 25 / x_p kg U (27.8 kg at 90 %). The separative
work to make it from feed at x_f with tails at x_t follows from the mass balance and the value
function V(x) = (2x − 1) ln(x / (1 − x)):

    F = P (x_p − x_t) / (x_f − x_t),   T = F − P,
    SWU per SQ = P V(x_p) + T V(x_t) − F V(x_f)

(Benedict, Pigford & Levi 1981, *Nuclear Chemical Engineering*, 2nd ed., ch. 12; see
``docs/discussion/enrichment.md``). A plant with capacity C kg-SWU per year therefore makes
C / (SWU per SQ) significant quantities a year: 2.61 SQ (65 kg U-235, 72.6 kg of 90 % HEU) for
4,000 machines at 3.5 SWU each, from natural feed with 0.3 % tails.

Plutonium
---------
A reactor of thermal power W (MWt) running a fraction c of the year makes
W · c · 365.25 · g grams of plutonium, with g the grams of Pu per MWt-day of fission energy.
The rule of thumb g ≈ 1 for low-burnup (weapon-grade) fuel is from the US Congress Office of
Technology Assessment (1993), *Technologies Underlying Weapons of Mass Destruction*,
OTA-BP-ISC-115, ch. 4; one SQ of Pu is 8 kg (IAEA Safeguards Glossary 2001, Table II).
See ``docs/discussion/verification.md``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify._checks import check_fraction_open, check_nonnegative, check_positive
from detente.verify.enrichment import NATURAL_ASSAY, enrichment

__all__ = [
    "DAYS_PER_YEAR",
    "PU_SIGNIFICANT_QUANTITY_KG",
    "HeuProduction",
    "PlutoniumProduction",
    "heu_production",
    "plutonium_production",
    "swu_per_significant_quantity",
]

#: One IAEA significant quantity of plutonium, kg (IAEA Safeguards Glossary 2001, Table II).
PU_SIGNIFICANT_QUANTITY_KG: float = 8.0
#: Days in a year (Julian year) used to turn MWt-days into a yearly figure.
DAYS_PER_YEAR: float = 365.25
_HEU_SQ_KG = 25.0  # kg U-235 in HEU; same constant as breakout.HEU_SIGNIFICANT_QUANTITY_KG


def swu_per_significant_quantity(
    feed_assay: float = NATURAL_ASSAY,
    tails_assay: float = 0.003,
    product_assay: float = 0.9,
    sq_kg: float = _HEU_SQ_KG,
) -> float:
    """Separative work (kg-SWU) to make one significant quantity of HEU.

    One SQ is ``sq_kg`` of U-235 (25 kg, IAEA Safeguards Glossary 2001, Table II), i.e.
    P = sq_kg / product_assay kg U; SWU = P V(x_p) + T V(x_t) − F V(x_f) with the mass balance
    F = P (x_p − x_t)/(x_f − x_t) (Benedict, Pigford & Levi 1981, ch. 12;
    ``docs/discussion/enrichment.md``). From natural uranium (0.711 %) to 90 % with 0.3 %
    tails this is 5,359 kg-SWU; from 3.5 % LEU, 1,980 kg-SWU.

    Parameters
    ----------
    feed_assay, tails_assay, product_assay
        U-235 weight fractions, each in (0, 1), with tails < feed <= product.
    sq_kg
        kg U-235 per significant quantity (> 0).

    Returns
    -------
    float
        kg-SWU per significant quantity.

    Raises
    ------
    ValueError
        If the assays are out of range or out of order.
    """
    sq = check_positive("sq_kg", sq_kg)
    xp = check_fraction_open("product_assay", product_assay)
    return enrichment(sq / xp, xp, feed_assay, tails_assay).swu


@dataclass(frozen=True)
class HeuProduction(DisplayMixin):
    """HEU a plant makes in a year (:func:`heu_production`).

    Attributes
    ----------
    capacity_swu_per_year
        Separative capacity, kg-SWU per year.
    feed_assay, tails_assay, product_assay
        U-235 weight fractions.
    swu_per_sq
        kg-SWU per significant quantity (25 kg U-235 at ``product_assay``).
    swu_per_kg_product
        kg-SWU per kg of product.
    feed_kg_per_sq
        kg U of feed per significant quantity.
    sq_per_year
        Significant quantities of HEU per year.
    kg_per_year
        kg of product (uranium at ``product_assay``) per year.
    u235_kg_per_year
        kg U-235 contained in that product per year.
    feed_kg_per_year
        kg U of feed consumed per year.
    """

    capacity_swu_per_year: float
    feed_assay: float
    tails_assay: float
    product_assay: float
    swu_per_sq: float
    swu_per_kg_product: float
    feed_kg_per_sq: float
    sq_per_year: float
    kg_per_year: float
    u235_kg_per_year: float
    feed_kg_per_year: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary of the fields."""
        return asdict(self)


def heu_production(
    capacity_swu_per_year: float,
    feed_assay: float = NATURAL_ASSAY,
    tails_assay: float = 0.003,
    product_assay: float = 0.9,
    sq_kg: float = _HEU_SQ_KG,
) -> HeuProduction:
    """HEU per year, in kg and in significant quantities, from separative capacity.

    sq_per_year = capacity / SWU per SQ, with SWU per SQ from
    :func:`swu_per_significant_quantity` (Benedict, Pigford & Levi 1981, ch. 12; IAEA
    Safeguards Glossary 2001 for the SQ; ``docs/discussion/enrichment.md``). The plant is
    an ideal cascade running all year at its rated capacity, so this is an upper bound.

    Parameters
    ----------
    capacity_swu_per_year
        kg-SWU per year (>= 0), e.g. machines × SWU per machine-year.
    feed_assay, tails_assay, product_assay
        U-235 weight fractions in (0, 1) with tails < feed <= product; defaults natural
        uranium (0.711 %), 0.3 % and 90 %.
    sq_kg
        kg U-235 per significant quantity; default 25.

    Returns
    -------
    HeuProduction
        Yearly production and the per-SQ figures.

    Examples
    --------
    >>> round(heu_production(4000 * 3.5).sq_per_year, 3)
    2.612
    """
    capacity = check_nonnegative("capacity_swu_per_year", capacity_swu_per_year)
    sq = check_positive("sq_kg", sq_kg)
    xp = check_fraction_open("product_assay", product_assay)
    per_sq = enrichment(sq / xp, xp, feed_assay, tails_assay)
    if per_sq.swu <= 0.0:
        raise InputError(
            f"product_assay must be above feed_assay to need separative work; got "
            f"product_assay={xp:g}, feed_assay={per_sq.feed_assay:g}"
        )
    sq_year = capacity / per_sq.swu
    kg_year = sq_year * per_sq.product_kg
    return HeuProduction(
        capacity_swu_per_year=capacity,
        feed_assay=per_sq.feed_assay,
        tails_assay=per_sq.tails_assay,
        product_assay=xp,
        swu_per_sq=per_sq.swu,
        swu_per_kg_product=per_sq.swu_per_kg_product,
        feed_kg_per_sq=per_sq.feed_kg,
        sq_per_year=sq_year,
        kg_per_year=kg_year,
        u235_kg_per_year=kg_year * xp,
        feed_kg_per_year=sq_year * per_sq.feed_kg,
    )


@dataclass(frozen=True)
class PlutoniumProduction(DisplayMixin):
    """Plutonium a reactor makes in a year (:func:`plutonium_production`).

    Attributes
    ----------
    thermal_mw
        Thermal power, MWt.
    capacity_factor
        Fraction of the year at full power.
    grams_per_mwt_day
        g Pu per MWt-day.
    kg_per_year
        kg Pu per year.
    sq_per_year
        Significant quantities (8 kg) per year.
    """

    thermal_mw: float
    capacity_factor: float
    grams_per_mwt_day: float
    kg_per_year: float
    sq_per_year: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary of the fields."""
        return asdict(self)


def plutonium_production(
    thermal_mw: float,
    capacity_factor: float = 1.0,
    grams_per_mwt_day: float = 1.0,
    sq_kg: float = PU_SIGNIFICANT_QUANTITY_KG,
) -> PlutoniumProduction:
    """Plutonium per year from reactor power: MWt × capacity factor × 365.25 d × g/MWt-day.

    Rule of thumb about 1 g Pu per MWt-day for low-burnup fuel: US Congress OTA (1993),
    *Technologies Underlying Weapons of Mass Destruction*, OTA-BP-ISC-115, ch. 4; one SQ of
    Pu = 8 kg (IAEA Safeguards Glossary 2001, Table II); ``docs/discussion/verification.md``.
    Example: 25 MWt at a 0.7 capacity factor and 1 g/MWt-day gives 6.4 kg (0.8 SQ) a year.

    Parameters
    ----------
    thermal_mw
        Thermal power, MWt (>= 0).
    capacity_factor
        Fraction of the year at full power, in [0, 1].
    grams_per_mwt_day
        g Pu per MWt-day (> 0).
    sq_kg
        kg Pu per significant quantity; default 8.

    Returns
    -------
    PlutoniumProduction
        kg and SQ per year.
    """
    power = check_nonnegative("thermal_mw", thermal_mw)
    cf = check_nonnegative("capacity_factor", capacity_factor)
    if cf > 1.0:
        raise InputError(f"capacity_factor must lie in [0, 1]; got {cf:g}")
    g = check_positive("grams_per_mwt_day", grams_per_mwt_day)
    sq = check_positive("sq_kg", sq_kg)
    kg = power * cf * DAYS_PER_YEAR * g / 1000.0
    if not math.isfinite(kg):
        raise InputError("thermal_mw × grams_per_mwt_day overflows; give realistic values")
    return PlutoniumProduction(power, cf, g, kg, kg / sq)
