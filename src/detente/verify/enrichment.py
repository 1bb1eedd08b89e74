"""Separative work arithmetic for uranium enrichment.

All assays are **weight fractions of U-235** (natural uranium: 0.00711, i.e. 0.720 atom-%)
and all masses are **kg of uranium (U)** unless a name says UF6.

Sources
-------
* Value function and SWU balance: Benedict, Pigford & Levi, *Nuclear Chemical Engineering*,
  2nd ed. (McGraw-Hill 1981), ch. 12 (eqs. for the value function and separative work);
  restated in ``docs/discussion/verification.md`` §3 ("SWU arithmetic").
* Check values: pyne/pyne ``tests/test_enrichment.py`` (x_f=0.0072, x_p=0.05, x_t=0.0025,
  P=1.5 -> F=15.1596, T=13.6596, SWU=11.765) and V(0.00711)=4.8689, V(0.003)=5.7713,
  V(0.9)=1.7578 (docs/discussion/enrichment.md).
* Atomic masses: NIST "Atomic Weights and Isotopic Compositions" (AME2016 values) for U-235
  and U-238; standard atomic weight of fluorine (CIAAW 2013).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify._checks import check_fraction_open, check_nonnegative

__all__ = [
    "F19_MASS",
    "NATURAL_ASSAY",
    "U235_MASS",
    "U238_MASS",
    "EnrichmentResult",
    "enrichment",
    "separative_potential",
    "u_mass_fraction_uf6",
    "u_to_uf6",
    "uf6_to_u",
    "uranium_molar_mass",
]

#: Weight fraction of U-235 in natural uranium (0.720 atom-%), docs/discussion/enrichment.md.
NATURAL_ASSAY: float = 0.00711
#: Atomic mass of U-235 in g/mol (NIST, AME2016).
U235_MASS: float = 235.0439299
#: Atomic mass of U-238 in g/mol (NIST, AME2016).
U238_MASS: float = 238.0507882
#: Standard atomic weight of fluorine in g/mol (CIAAW 2013).
F19_MASS: float = 18.998403163


def separative_potential(x: float) -> float:
    """Value (separative potential) function V(x) = (2x − 1)·ln(x / (1 − x)).

    Source: Benedict, Pigford & Levi (1981), *Nuclear Chemical Engineering*, ch. 12;
    docs/discussion/verification.md
    §3. Check values: V(0.00711) = 4.8689, V(0.003) = 5.7713, V(0.9) = 1.7578.

    Parameters
    ----------
    x
        U-235 weight fraction, in (0, 1).

    Returns
    -------
    float
        V(x), dimensionless (SWU per kg U).
    """
    xv = check_fraction_open("assay", x)
    return (2.0 * xv - 1.0) * math.log(xv / (1.0 - xv))


@dataclass(frozen=True)
class EnrichmentResult(DisplayMixin):
    """Mass balance and separative work of one enrichment step (kg U, kg-SWU).

    Attributes
    ----------
    product_kg, product_assay, feed_assay, tails_assay
        The inputs (kg U and U-235 weight fractions).
    feed_kg
        Feed needed, kg U: F = P (x_p − x_t) / (x_f − x_t).
    tails_kg
        Tails produced, kg U: T = F − P.
    swu
        Separative work, kg-SWU: P·V(x_p) + T·V(x_t) − F·V(x_f).
    """

    product_kg: float
    product_assay: float
    feed_assay: float
    tails_assay: float
    feed_kg: float
    tails_kg: float
    swu: float

    @property
    def swu_per_kg_product(self) -> float:
        """Separative work per kg of product (kg-SWU/kg U); NaN for zero product."""
        return self.swu / self.product_kg if self.product_kg > 0 else math.nan


def _check_assays(product_assay: float, feed_assay: float, tails_assay: float) -> None:
    if not tails_assay < feed_assay:
        raise InputError(
            f"tails_assay must be below feed_assay; got tails_assay={tails_assay:g} >= "
            f"feed_assay={feed_assay:g}"
        )
    if product_assay < feed_assay:
        raise InputError(
            f"product_assay must not be below feed_assay; got product_assay={product_assay:g} "
            f"< feed_assay={feed_assay:g}"
        )


def enrichment(
    product_kg: float,
    product_assay: float,
    feed_assay: float = NATURAL_ASSAY,
    tails_assay: float = 0.003,
) -> EnrichmentResult:
    """Feed, tails and separative work to make ``product_kg`` of enriched uranium.

    Mass balances F = P + T and F·x_f = P·x_p + T·x_t give F = P (x_p − x_t)/(x_f − x_t);
    the separative work is SWU = P·V(x_p) + T·V(x_t) − F·V(x_f), with V from
    :func:`separative_potential`. Source: Benedict, Pigford & Levi (1981), ch. 12;
    docs/discussion/enrichment.md; checked against pyne's ``tests/test_enrichment.py`` case
    (x_f=0.0072,
    x_p=0.05, x_t=0.0025, P=1.5 → F=15.1596, T=13.6596, SWU=11.765).

    Because V is convex and x_f is the mass-weighted mean of x_p and x_t, SWU ≥ 0, with
    equality when x_p = x_f.

    Parameters
    ----------
    product_kg
        Product mass, kg U (>= 0).
    product_assay
        Product U-235 weight fraction, in (0, 1) and >= ``feed_assay``.
    feed_assay
        Feed U-235 weight fraction, in (0, 1); default natural uranium 0.00711.
    tails_assay
        Tails U-235 weight fraction, in (0, 1) and < ``feed_assay``; default 0.003.

    Returns
    -------
    EnrichmentResult
        Inputs plus ``feed_kg``, ``tails_kg`` (kg U) and ``swu`` (kg-SWU).

    Raises
    ------
    ValueError
        If an assay lies outside (0, 1), the tails are not below the feed, the product is
        below the feed, or the product mass is negative.

    Examples
    --------
    1.5 kg of 5 % product from natural feed with 0.25 % tails (the case in PyNE's tests):

    >>> r = enrichment(1.5, 0.05, 0.0072, 0.0025)
    >>> round(r.feed_kg, 3), round(r.tails_kg, 3), round(r.swu, 2)
    (15.16, 13.66, 11.77)
    """
    p = check_nonnegative("product_kg", product_kg)
    xp = check_fraction_open("product_assay", product_assay)
    xf = check_fraction_open("feed_assay", feed_assay)
    xt = check_fraction_open("tails_assay", tails_assay)
    _check_assays(xp, xf, xt)
    feed = p * (xp - xt) / (xf - xt)
    tails = feed - p
    swu = p * separative_potential(xp) + tails * separative_potential(xt)
    swu -= feed * separative_potential(xf)
    # Rounding can leave a tiny negative number when x_p == x_f; SWU is >= 0 in exact terms.
    swu = max(swu, 0.0)
    return EnrichmentResult(
        product_kg=p,
        product_assay=xp,
        feed_assay=xf,
        tails_assay=xt,
        feed_kg=feed,
        tails_kg=tails,
        swu=swu,
    )


def uranium_molar_mass(assay: float = NATURAL_ASSAY) -> float:
    """Molar mass of uranium (g/mol) with U-235 weight fraction ``assay``.

    Source: NIST "Atomic Weights and Isotopic Compositions" (AME 2016 masses). Two-isotope
    approximation (U-234, ~0.005 %, is neglected):
    1/M = w/M(U-235) + (1 − w)/M(U-238), with NIST (AME2016) isotope masses. For natural
    uranium this gives 238.029 g/mol, the IUPAC standard atomic weight 238.02891 to 5 digits.

    Parameters
    ----------
    assay
        U-235 weight fraction in (0, 1).

    Returns
    -------
    float
        Molar mass in g/mol.
    """
    w = check_fraction_open("assay", assay)
    return 1.0 / (w / U235_MASS + (1.0 - w) / U238_MASS)


def u_mass_fraction_uf6(assay: float = NATURAL_ASSAY) -> float:
    """Mass fraction of uranium in UF6, M(U) / (M(U) + 6·M(F)).

    Computed from the atomic masses (NIST AME2016 for U-235/U-238, CIAAW for F); about
    0.6762 for natural uranium and 0.6761 at 3.67 % (docs/discussion/enrichment.md quotes 0.6762).
    The weak
    dependence on assay comes from the lighter U-235.

    Parameters
    ----------
    assay
        U-235 weight fraction in (0, 1); default natural uranium.

    Returns
    -------
    float
        kg U per kg UF6.
    """
    m_u = uranium_molar_mass(assay)
    return m_u / (m_u + 6.0 * F19_MASS)


def uf6_to_u(kg_uf6: float, assay: float = NATURAL_ASSAY) -> float:
    """Convert kg UF6 to kg U using :func:`u_mass_fraction_uf6`.

    Source: the UF6 mass fraction from NIST (AME2016) uranium isotope masses and the CIAAW
    atomic weight of fluorine; docs/discussion/enrichment.md ("mind the mass fraction of U in UF6
    (0.6762)").

    Parameters
    ----------
    kg_uf6
        Mass of UF6 in kg (>= 0).
    assay
        U-235 weight fraction of the uranium, in (0, 1).

    Returns
    -------
    float
        Mass of uranium in kg.
    """
    m = check_nonnegative("kg_uf6", kg_uf6)
    return m * u_mass_fraction_uf6(assay)


def u_to_uf6(kg_u: float, assay: float = NATURAL_ASSAY) -> float:
    """Convert kg U to kg UF6 using :func:`u_mass_fraction_uf6`.

    Source: the UF6 mass fraction from NIST (AME2016) uranium isotope masses and the CIAAW
    atomic weight of fluorine; docs/discussion/enrichment.md.

    Parameters
    ----------
    kg_u
        Mass of uranium in kg (>= 0).
    assay
        U-235 weight fraction of the uranium, in (0, 1).

    Returns
    -------
    float
        Mass of UF6 in kg.
    """
    m = check_nonnegative("kg_u", kg_u)
    return m / u_mass_fraction_uf6(assay)
