"""Breakout time: separative work to one significant quantity of HEU over installed capacity.

The model is an **ideal cascade** with one product stream, one tails stream and several feed
points: every feed lot enters at the stage whose assay matches its own, so there is no
mixing loss and the separative work is additive over the streams,

    SWU = P·V(x_p) + T·V(x_t) − Σ_i F_i·V(x_i),   P + T = Σ_i F_i,
    P·(x_p − x_t) = Σ_i F_i·(x_i − x_t)                                  (1)

(Benedict, Pigford & Levi 1981, ch. 12, value function and ideal cascades;
docs/discussion/enrichment.md
"SWU arithmetic" and "Breakout"). Breakout time = SWU / capacity.

Which stock to feed first
-------------------------
Write E_i = F_i (x_i − x_t), the U-235 "above tails" that lot i brings. Eliminating T with
(1) gives SWU = P·[V(x_p) − V(x_t)] + Σ_i E_i·s(x_i), where
s(x) = (V(x_t) − V(x)) / (x − x_t) is minus the slope of the chord of V from x_t to x.
V is convex, so the chord slope rises with x and s(x) falls: the *higher* a lot's assay,
the less separative work each unit of its U-235 still needs. The SWU-minimal plan at fixed
tails is therefore to draw lots in decreasing order of assay and to top up from natural
uranium (unlimited) only when they run out. Lots at or below natural assay are never
worth feeding while natural uranium is unlimited, and lots at or below the tails assay
cannot contribute at all; both are left untouched. Lots already at or above the target
assay count as finished product: their U-235 counts towards ``target_kg`` directly.

Sources
-------
* IAEA significant quantity for HEU, 25 kg U-235 (IAEA Safeguards Glossary 2001, Table II;
  NSSPI "Significant quantity"; docs/discussion/verification.md).
* JCPOA limits: ≤ 5,060 IR-1 at Natanz, ≤ 300 kg UF6 at ≤ 3.67 % (JCPOA Annex I;
docs/discussion/enrichment.md).
* IR-1 output: ISIS (Oct 2011), 150 kg/month of 3.5 % LEU from 5,860 IR-1, which implies
  0.70–0.76 SWU per machine-year if the kg are UF6 or 1.03–1.12 if they are U
  (docs/discussion/enrichment.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify._checks import (
    check_fraction_open,
    check_int,
    check_nonnegative,
    check_positive,
)
from detente.verify.enrichment import NATURAL_ASSAY, separative_potential, uf6_to_u

__all__ = [
    "HEU_SIGNIFICANT_QUANTITY_KG",
    "IR1_SWU_PER_MACHINE_YEAR",
    "IR1_SWU_PER_MACHINE_YEAR_RANGE",
    "JCPOA_MACHINES",
    "JCPOA_STOCK_ASSAY",
    "JCPOA_STOCK_KG_UF6",
    "BreakoutResult",
    "breakout",
    "cascade_capacity",
    "jcpoa_breakout",
]

#: One IAEA significant quantity of HEU, kg U-235 (IAEA Safeguards Glossary 2001;
#: docs/discussion/verification.md).
HEU_SIGNIFICANT_QUANTITY_KG: float = 25.0
#: IR-1 centrifuges allowed at Natanz under the JCPOA (docs/discussion/enrichment.md).
JCPOA_MACHINES: int = 5060
#: JCPOA cap on the enriched-uranium stock, kg UF6 (docs/discussion/enrichment.md).
JCPOA_STOCK_KG_UF6: float = 300.0
#: JCPOA cap on the enrichment level, U-235 weight fraction (docs/discussion/enrichment.md).
JCPOA_STOCK_ASSAY: float = 0.0367
#: Range of IR-1 output derived from ISIS (Oct 2011), SWU per machine-year
#: (docs/discussion/enrichment.md).
IR1_SWU_PER_MACHINE_YEAR_RANGE: tuple[float, float] = (0.75, 1.0)
#: Upper end of that range, used for the ideal lower bound on breakout time.
IR1_SWU_PER_MACHINE_YEAR: float = 1.0


def cascade_capacity(machines: int, swu_per_machine_year: float) -> float:
    """Installed separative capacity, kg-SWU per year = machines × SWU per machine-year.

    Source: definition of separative capacity (Benedict, Pigford & Levi 1981, ch. 12); the
    per-machine figure for the IR-1 is 0.75–1.0 SWU/yr (ISIS Oct 2011, via
    docs/discussion/enrichment.md).

    Parameters
    ----------
    machines
        Number of operating centrifuges (integer >= 0).
    swu_per_machine_year
        Output of one machine, kg-SWU per year (> 0).

    Returns
    -------
    float
        Capacity in kg-SWU per year.
    """
    n = check_int("machines", machines, minimum=0)
    per = check_positive("swu_per_machine_year", swu_per_machine_year)
    return n * per


@dataclass(frozen=True)
class BreakoutResult(DisplayMixin):
    """Ideal-cascade breakout to ``target_kg`` of U-235 at ``target_assay``.

    Attributes
    ----------
    swu
        Separative work needed, kg-SWU.
    months
        Breakout time, months (12 per year) at the given capacity; 0 when no work is needed.
    capacity_swu_per_year
        Installed capacity, kg-SWU per year.
    target_kg, target_assay, tails_assay
        Inputs: kg U-235 wanted, its U-235 weight fraction, and the tails assay.
    product_kg
        Mass that must come out of the cascade, kg U (after finished stock is counted).
    stock_kg, stock_assays
        The lots offered, kg U and U-235 weight fraction, in the order given.
    feed_kg_by_lot
        kg U drawn from each lot (same order). Lots at or above ``target_assay`` are drawn
        as finished product, not as feed.
    finished_kg
        kg U taken from lots already at or above ``target_assay`` (counted as product).
    natural_feed_kg
        kg of natural uranium (0.00711) fed to top up.
    tails_kg
        kg U of tails.
    """

    swu: float
    months: float
    capacity_swu_per_year: float
    target_kg: float
    target_assay: float
    tails_assay: float
    product_kg: float
    stock_kg: tuple[float, ...]
    stock_assays: tuple[float, ...]
    feed_kg_by_lot: tuple[float, ...]
    finished_kg: float
    natural_feed_kg: float
    tails_kg: float

    @property
    def years(self) -> float:
        """Breakout time in years."""
        return self.months / 12.0

    @property
    def total_feed_kg(self) -> float:
        """All feed, kg U: stock lots drawn as feed plus natural uranium."""
        return sum(self.feed_kg_by_lot) - self.finished_kg + self.natural_feed_kg


def _parse_stocks(stocks: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i, lot in enumerate(stocks):
        try:
            kg, assay = lot
        except (TypeError, ValueError):
            raise InputError(f"stocks[{i}] must be a (kg U, assay) pair; got {lot!r}") from None
        out.append(
            (
                check_nonnegative(f"stocks[{i}] kg", kg),
                check_fraction_open(f"stocks[{i}] assay", assay),
            )
        )
    return out


def breakout(
    stocks: Sequence[tuple[float, float]],
    capacity_swu_per_year: float,
    target_kg: float = HEU_SIGNIFICANT_QUANTITY_KG,
    target_assay: float = 0.9,
    tails_assay: float = 0.003,
) -> BreakoutResult:
    """Ideal lower bound on the time to make one significant quantity of HEU.

    The cascade must deliver ``target_kg`` of U-235 at ``target_assay``, i.e. a product of
    P = target_kg / target_assay kg U. Lots already at or above ``target_assay`` count as
    finished product. The rest is enriched in an ideal multi-feed cascade at fixed
    ``tails_assay``, drawing the lots in decreasing order of assay and topping up from
    natural uranium; this order minimises separative work (derivation in the module
    docstring). SWU follows eq. (1) of the module docstring (Benedict, Pigford & Levi 1981,
    ch. 12; docs/discussion/enrichment.md "Breakout"); months = 12 × SWU / capacity.

    Why this is a lower bound: the cascade is ideal (no mixing at feed points), starts
    instantly (no set-up, no equilibrium time, no hold-up), needs no re-configuration
    between steps, never fails, loses no material, and the clock stops at HEU in UF6 (no
    conversion to metal or weaponisation). Published estimates add these and are longer.

    Parameters
    ----------
    stocks
        Lots of enriched (or other) uranium available as feed: ``(kg U, assay)`` pairs.
    capacity_swu_per_year
        Installed separative capacity, kg-SWU per year (> 0); see :func:`cascade_capacity`.
    target_kg
        U-235 wanted, kg; default one IAEA significant quantity of HEU (25 kg U-235).
    target_assay
        Product assay, U-235 weight fraction; default 0.9 (weapon grade).
    tails_assay
        Tails assay, fixed for every feed; default 0.003. If it is not below natural
        (0.00711), natural uranium cannot top up and the stocks must suffice.

    Returns
    -------
    BreakoutResult
        SWU, months, and the kg drawn from each lot and from natural uranium.

    Raises
    ------
    ValueError
        For negative masses, assays outside (0, 1), a target at or below natural assay,
        tails at or above the target assay,
        non-positive capacity, or stocks too small when tails are at or above natural.

    Examples
    --------
    >>> from detente.verify.breakout import jcpoa_breakout
    >>> round(jcpoa_breakout().months, 1)  # the JCPOA's "about a year" lower bound
    10.5
    """
    lots = _parse_stocks(stocks)
    capacity = check_positive("capacity_swu_per_year", capacity_swu_per_year)
    target = check_nonnegative("target_kg", target_kg)
    xp = check_fraction_open("target_assay", target_assay)
    xt = check_fraction_open("tails_assay", tails_assay)
    if not xp > NATURAL_ASSAY:
        raise InputError(
            f"target_assay must be above the natural assay {NATURAL_ASSAY}; got {xp:g}"
        )
    if not xp > xt:
        raise InputError(
            f"tails_assay must be below target_assay; got tails_assay={xt:g} >= target_assay={xp:g}"
        )

    drawn = [0.0] * len(lots)
    # 1. Finished material: lots at or above the target assay, richest first.
    u235_needed = target
    finished_u = 0.0
    for i in sorted(range(len(lots)), key=lambda j: -lots[j][1]):
        kg, x = lots[i]
        if x < xp or u235_needed <= 0.0:
            continue
        take = min(kg, u235_needed / x)
        drawn[i] = take
        finished_u += take
        u235_needed -= take * x
    u235_needed = max(u235_needed, 0.0)
    product = u235_needed / xp

    # 2. Feed lots between natural and target, richest first; top up from natural.
    excess_needed = product * (xp - xt)  # U-235 above tails the feeds must bring
    swu = product * separative_potential(xp)
    feed_total = 0.0
    for i in sorted(range(len(lots)), key=lambda j: -lots[j][1]):
        kg, x = lots[i]
        if x >= xp or x <= max(NATURAL_ASSAY, xt) or excess_needed <= 0.0:
            continue
        take = min(kg, excess_needed / (x - xt))
        drawn[i] = take
        feed_total += take
        excess_needed -= take * (x - xt)
        swu -= take * separative_potential(x)
    excess_needed = max(excess_needed, 0.0)
    if excess_needed > 1e-12 * max(product, 1.0) and xt >= NATURAL_ASSAY:
        raise InputError(
            f"tails_assay={xt:g} is not below the natural assay {NATURAL_ASSAY}, so natural "
            "uranium cannot top up and the stocks are too small; lower tails_assay or add stock"
        )
    natural = excess_needed / (NATURAL_ASSAY - xt) if xt < NATURAL_ASSAY else 0.0
    feed_total += natural
    swu -= natural * separative_potential(NATURAL_ASSAY)
    tails = feed_total - product
    if tails > 0.0:
        swu += tails * separative_potential(xt)
    swu = max(swu, 0.0)
    return BreakoutResult(
        swu=swu,
        months=12.0 * swu / capacity,
        capacity_swu_per_year=capacity,
        target_kg=target,
        target_assay=xp,
        tails_assay=xt,
        product_kg=product,
        stock_kg=tuple(kg for kg, _ in lots),
        stock_assays=tuple(x for _, x in lots),
        feed_kg_by_lot=tuple(drawn),
        finished_kg=finished_u,
        natural_feed_kg=natural,
        tails_kg=max(tails, 0.0),
    )


def jcpoa_breakout(
    swu_per_machine_year: float = IR1_SWU_PER_MACHINE_YEAR,
    tails_assay: float = 0.003,
    machines: int = JCPOA_MACHINES,
    stock_kg_uf6: float = JCPOA_STOCK_KG_UF6,
) -> BreakoutResult:
    """Ideal lower bound on JCPOA breakout: 5,060 IR-1 and 300 kg UF6 at 3.67 %.

    The 300 kg UF6 are converted to kg U with the UF6 mass fraction (about 0.676; see
    :func:`detente.verify.enrichment.u_mass_fraction_uf6`), giving 202.8 kg U at 3.67 %, which
    is fed first; natural uranium makes up the rest (0.3 % tails by default). Per-machine
    output: 1.0 SWU/yr (upper end of the 0.75–1.0 range derived from ISIS, Oct 2011;
    docs/discussion/verification.md
    §3), so the result is a lower bound. With these defaults the answer is about 4,400 kg-SWU,
    i.e. about 10.5 months at 1.0 SWU/machine-year and 14 months at 0.75.

    How this compares with published figures: the agreement was presented as lengthening
    breakout from 2–3 months to "at least one year" (docs/discussion/enrichment.md). The ideal
    figure here,
    10.5–14 months for 1.0–0.75 SWU per machine-year, is a floor, and published estimates sit
    at or above it because: real IR-1 cascades are not ideal (squared-off cascades of fixed
    shape, feed entering at mismatched assays, higher tails); enriching to 90 % takes several
    re-piped steps (3.5 → 20 → 60 → 90 %) with hold-up and time to reach equilibrium; the
    IR-1 fails often; material is lost to hold-up and sampling; the cascades would first have
    to be reconnected and started; and weaponisation (conversion to metal, machining) comes on
    top. The stock cap matters as much as the machine cap: with only 203 kg U of LEU, about
    three quarters of the U-235 above tails must still come from natural uranium. Higher tails
    shorten the ideal figure (0.5 % tails: 8.5 months at 1.0 SWU/yr) at the cost of far more
    natural feed.

    Parameters
    ----------
    swu_per_machine_year
        IR-1 output, kg-SWU per machine-year (> 0).
    tails_assay
        Tails assay (U-235 weight fraction), default 0.003.
    machines
        Operating IR-1 centrifuges; default 5,060.
    stock_kg_uf6
        LEU stock at 3.67 %, kg UF6; default 300.

    Returns
    -------
    BreakoutResult
        See :func:`breakout`.
    """
    stock_u = uf6_to_u(stock_kg_uf6, JCPOA_STOCK_ASSAY)
    return breakout(
        [(stock_u, JCPOA_STOCK_ASSAY)],
        cascade_capacity(machines, swu_per_machine_year),
        tails_assay=tails_assay,
    )
