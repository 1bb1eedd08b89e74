"""Inspection games: Dresher's sequential game and the game with a statistical test.

Dresher's game
--------------
An inspector has ``m`` inspections to spread over ``n`` periods; the inspectee may violate
in at most one period and sees each inspection as it happens. Zero-sum payoffs to the
inspectee: +1 undetected violation, −b caught (b = 1 in Dresher's original), 0 if he stays
legal throughout (Dresher 1962, RAND RM-2972-ARPA; Avenhaus, von Stengel & Zamir 2002,
*Handbook of Game Theory* vol. 3 ch. 51 §2; von Stengel 2016, *Math. Oper. Res.* 41(3):935;
docs/discussion/verification.md). Each stage is the 2×2 game

                     inspect          do not inspect
    violate          −b               +1
    stay legal       v(n−1, m−1)      v(n−1, m)

whose value gives the recursion

    v(n, m) = [b·v(n−1, m) + v(n−1, m−1)] / [b + 1 + v(n−1, m−1) − v(n−1, m)],

with v(n, 0) = 1 for n ≥ 1 and v(n, m) = 0 for m ≥ n (also v(0, 0) = 0: no period, no
violation). Closed form (Dresher 1962 for b = 1; general b as in docs/discussion/verification.md):

    v(n, m) = C(n−1, m) / Σ_{i=0..m} C(n, i)·b^{m−i}.

All values are exact :class:`fractions.Fraction`.

Game with a statistical test
----------------------------
See :func:`gaussian_inspection_game` (docs/discussion/verification.md, "Game with a statistical
test").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from scipy import optimize

from detente.display import DisplayMixin
from detente.errors import InputError
from detente.verify import _normal as norm
from detente.verify._checks import check_int, check_nonnegative, check_positive

__all__ = [
    "DresherStage",
    "StatisticalInspection",
    "dresher_detection_probability",
    "dresher_row",
    "dresher_stage",
    "dresher_table",
    "dresher_value",
    "dresher_value_closed_form",
    "gaussian_inspection_game",
    "inspections_for_value",
]

Number = int | float | str | Fraction


def _as_cost(b: Number) -> Fraction:
    """Return the caught cost ``b`` as an exact Fraction (floats via their decimal repr)."""
    if isinstance(b, bool):
        raise InputError(f"b (caught cost) must be a number >= 0; got {b!r}")
    try:
        out = Fraction(repr(b)) if isinstance(b, float) else Fraction(b)
    except (ValueError, TypeError, ZeroDivisionError):
        raise InputError(
            f"b (caught cost) must be a number >= 0 such as 1 or 3/2; got {b!r}"
        ) from None
    if out < 0:
        raise InputError(f"b (caught cost) must be >= 0; got {out}")
    return out


def _check_nm(n: int, m: int) -> tuple[int, int]:
    nn = check_int("n (periods)", n, minimum=0)
    mm = check_int("m (inspections)", m, minimum=0)
    if mm > nn:
        raise InputError(f"m (inspections) must not exceed n (periods); got m={mm} > n={nn}")
    return nn, mm


@lru_cache(maxsize=64)
def _table(n_max: int, b: Fraction, m_max: int | None = None) -> tuple[tuple[Fraction, ...], ...]:
    """Rows v(n, 0..min(n, m_max)) for n = 0..n_max by the recursion (dynamic programming).

    Column m of row n needs only columns m − 1 and m of row n − 1, so the table can be cut
    at ``m_max`` without changing any value.
    """
    top = n_max if m_max is None else m_max
    rows: list[tuple[Fraction, ...]] = [(Fraction(0),)]
    for n in range(1, n_max + 1):
        prev = rows[n - 1]
        row = [Fraction(1)]
        for m in range(1, min(n - 1, top) + 1):
            x = prev[m - 1]  # v(n-1, m-1): inspected while legal
            y = prev[m]  # v(n-1, m): not inspected while legal
            row.append((b * y + x) / (b + 1 + x - y))
        if n <= top:
            row.append(Fraction(0))
        rows.append(tuple(row))
    return tuple(rows)


def dresher_value(n: int, m: int, b: Number = 1) -> Fraction:
    """Value of Dresher's game to the inspectee (stage recursion; closed form above 60 periods).

    v(n, m) = [b·v(n−1, m) + v(n−1, m−1)] / [b + 1 + v(n−1, m−1) − v(n−1, m)], v(n, 0) = 1
    (n ≥ 1), v(n, m ≥ n) = 0. Source: Dresher (1962), RAND RM-2972-ARPA; Avenhaus, von Stengel
    & Zamir (2002), Handbook of Game Theory vol. 3, ch. 51 §2; the caught-cost ``b`` variant
    as in docs/discussion/verification.md. Check values (b = 1): v(2,1)=1/3, v(3,2)=1/7,
    v(4,2)=3/11,
    v(5,3)=2/13.

    Parameters
    ----------
    n
        Number of periods (integer >= 0).
    m
        Number of inspections (integer, 0 <= m <= n).
    b
        Inspectee's loss when caught (>= 0); an int, Fraction, decimal string or float
        (floats are read through their decimal repr, e.g. 0.1 -> 1/10).

    Returns
    -------
    Fraction
        The exact value, in units of the gain from an undetected violation.

    Raises
    ------
    ValueError
        If n or m is negative or not an integer, m > n, or b < 0.

    Examples
    --------
    Dresher (1962): two inspections in four periods leave the inspectee a value of 3/11.

    >>> dresher_value(4, 2)
    Fraction(3, 11)
    """
    nn, mm = _check_nm(n, m)
    if nn > _RECURSION_LIMIT:
        # Same value (the closed form equals the recursion; tested), in O(m) operations.
        return dresher_value_closed_form(nn, mm, b)
    return _table(nn, _as_cost(b), mm)[nn][mm]


#: Above this many periods :func:`dresher_value` uses the closed form (same exact value).
_RECURSION_LIMIT = 60


def dresher_row(n: int, b: Number = 1) -> list[Fraction]:
    """``[v(n, 0), ..., v(n, n)]`` by the closed form, with the denominators built up in turn.

    S(m) = Σ_{i=0..m} C(n, i)·b^{m−i} satisfies S(m) = b·S(m−1) + C(n, m), so the whole row
    takes O(n) big-integer operations (Dresher 1962 closed form; the general-b form as in
    ``docs/discussion/verification.md``; equal to :func:`dresher_value`, tested).
    300 periods take milliseconds.

    Parameters
    ----------
    n
        Number of periods (integer >= 0).
    b
        Caught cost, see :func:`dresher_value`.

    Returns
    -------
    list of Fraction
        ``row[m] == dresher_value(n, m, b)``.
    """
    nn = check_int("n (periods)", n, minimum=0)
    bb = _as_cost(b)
    if nn == 0:
        return [Fraction(0)]
    out: list[Fraction] = []
    denom = Fraction(0)
    c_n = 1  # C(n, m)
    c_n1 = 1  # C(n - 1, m)
    for m in range(nn + 1):
        if m > 0:
            c_n = c_n * (nn - m + 1) // m
            c_n1 = c_n1 * (nn - m) // m if m <= nn - 1 else 0
        denom = bb * denom + c_n
        out.append(Fraction(c_n1) / denom)
    return out


def dresher_value_closed_form(n: int, m: int, b: Number = 1) -> Fraction:
    """Closed form of Dresher's game value: C(n−1, m) / Σ_{i=0..m} C(n, i)·b^{m−i}.

    Source: Dresher (1962), RAND RM-2972-ARPA (b = 1); the general-b form as stated in
    docs/discussion/verification.md (Avenhaus, von Stengel & Zamir 2002, ch. 51 §2, for the
    setting). Equals
    :func:`dresher_value` exactly (tested).

    Parameters
    ----------
    n, m, b
        As in :func:`dresher_value`.

    Returns
    -------
    Fraction
        The exact value.
    """
    nn, mm = _check_nm(n, m)
    bb = _as_cost(b)
    if nn == 0:
        return Fraction(0)
    denom = sum(math.comb(nn, i) * bb ** (mm - i) for i in range(mm + 1))
    return Fraction(math.comb(nn - 1, mm)) / denom


def dresher_table(n_max: int, b: Number = 1) -> list[list[Fraction]]:
    """Rows ``[v(n, 0), ..., v(n, n)]`` for n = 0..n_max (recursion of :func:`dresher_value`).

    Source: Dresher (1962); docs/discussion/verification.md table (n = 2..5, m = 1..4).

    Parameters
    ----------
    n_max
        Largest number of periods (integer >= 0).
    b
        Caught cost, see :func:`dresher_value`.

    Returns
    -------
    list of list of Fraction
        ``table[n][m] == dresher_value(n, m, b)``.
    """
    nn = check_int("n_max", n_max, minimum=0)
    return [list(row) for row in _table(nn, _as_cost(b))]


@dataclass(frozen=True)
class DresherStage:
    """Equilibrium of the first stage of Dresher's game with ``n`` periods, ``m`` inspections.

    Attributes
    ----------
    n, m, b
        Periods, inspections, caught cost.
    value
        v(n, m), the inspectee's equilibrium payoff.
    inspect_probability
        p: probability that the inspector inspects in this period.
    violate_probability
        q: probability that the inspectee violates in this period.
    """

    n: int
    m: int
    b: Fraction
    value: Fraction
    inspect_probability: Fraction
    violate_probability: Fraction


def dresher_stage(n: int, m: int, b: Number = 1) -> DresherStage:
    """Stage strategies of Dresher's game: inspection and violation probabilities.

    For 0 < m < n the stage game (module docstring) has a completely mixed equilibrium with
    D = b + 1 + v(n−1, m−1) − v(n−1, m):

    * inspect with p = (1 − v(n−1, m)) / D (makes the inspectee indifferent),
    * violate with q = (v(n−1, m−1) − v(n−1, m)) / D (makes the inspector indifferent).

    For m = 0 the inspectee violates at once (p = 0, q = 1); for m >= n every period is
    inspected and the inspectee stays legal (p = 1, q = 0); for n = 0 nothing happens.
    Source: Dresher (1962); Avenhaus, von Stengel & Zamir (2002) ch. 51 §2;
    docs/discussion/verification.md
    (checks: (2,1) p=q=1/3; (3,1) p=q=1/4; (4,2) p=4/11, q=5/33).

    Parameters
    ----------
    n, m, b
        As in :func:`dresher_value`.

    Returns
    -------
    DresherStage
        Value and stage probabilities as exact fractions.
    """
    nn, mm = _check_nm(n, m)
    bb = _as_cost(b)
    value = dresher_value(nn, mm, bb)
    if nn == 0:
        p, q = Fraction(0), Fraction(0)
    elif mm == 0:
        p, q = Fraction(0), Fraction(1)
    elif mm >= nn:
        p, q = Fraction(1), Fraction(0)
    else:
        x = dresher_value(nn - 1, mm - 1, bb)
        y = dresher_value(nn - 1, mm, bb)
        d = bb + 1 + x - y
        p, q = (1 - y) / d, (x - y) / d
    return DresherStage(nn, mm, bb, value, p, q)


def dresher_detection_probability(n: int, m: int, b: Number = 1) -> Fraction:
    """Probability that a violation is caught when both play Dresher's equilibrium.

    In equilibrium the inspectee is indifferent between violating now and waiting, so a
    violation (whenever it comes on the equilibrium path) earns v = 1·(1 − P) − b·P, whence
    P = (1 − v(n, m)) / (1 + b). With m >= n every period is inspected: P = 1 (and the
    inspectee stays legal). Source: stage game of Dresher (1962) as in
    docs/discussion/verification.md; the
    identity follows from the indifference condition of :func:`dresher_stage` (it equals the
    first-stage inspection probability p, e.g. 1/3 for (2, 1)).

    Parameters
    ----------
    n, m, b
        As in :func:`dresher_value`.

    Returns
    -------
    Fraction
        Detection probability of an equilibrium violation.
    """
    nn, mm = _check_nm(n, m)
    bb = _as_cost(b)
    if mm >= nn:
        return Fraction(1)
    return (1 - dresher_value(nn, mm, bb)) / (1 + bb)


def inspections_for_value(n: int, max_value: float, b: Number = 1) -> int:
    """Fewest inspections m with v(n, m; b) <= ``max_value``.

    Zero-sum reference used by :func:`detente.verify.spec.assess_freeze` (not a deterrence
    criterion: in this zero-sum game the inspectee still violates with positive probability
    for every m < n; see :mod:`detente.verify.deterrence`). The inspectee's
    equilibrium payoff v(n, m), in units of the gain from an undetected violation, must not
    exceed ``max_value``. Because v decreases in m (Dresher 1962; tested) and v(n, n) = 0,
    the answer exists for any ``max_value >= 0`` and is at most n. Equivalently the equilibrium
    detection probability (:func:`dresher_detection_probability`) is at least
    (1 − max_value)/(1 + b) when m < n.

    Parameters
    ----------
    n
        Number of periods (integer >= 0).
    max_value
        Largest acceptable inspectee value (>= 0).
    b
        Caught cost, see :func:`dresher_value`.

    Returns
    -------
    int
        The smallest such m.
    """
    nn = check_int("n (periods)", n, minimum=0)
    threshold = check_nonnegative("max_value", max_value)
    bb = _as_cost(b)
    # v decreases in m, so bisect on m; the closed form equals the recursion (tested).
    lo, hi = 0, nn  # v(n, hi) = 0 <= threshold
    while lo < hi:
        mid = (lo + hi) // 2
        if dresher_value_closed_form(nn, mid, bb) <= threshold:
            hi = mid
        else:
            lo = mid + 1
    return lo


@dataclass(frozen=True)
class StatisticalInspection(DisplayMixin):
    """Equilibrium of the inspector–inspectee game with a Gaussian MUF test.

    Attributes
    ----------
    loss_over_sigma
        M/σ: diverted amount in units of σ_MUF.
    a, b, c, d, e, f
        Payoff parameters (see :func:`gaussian_inspection_game`).
    false_alarm
        α*, the inspector's equilibrium false-alarm probability.
    non_detection
        β* = β(α*), the non-detection probability of the test at α*.
    violation
        t*, the inspectee's equilibrium probability of violating.
    beta_slope
        |β′(α*)|, slope of the test's operating characteristic.
    inspector_payoff, inspectee_payoff
        Expected payoffs in the simultaneous (Nash) equilibrium.
    leader_inspector_payoff, leader_inspectee_payoff
        Payoffs under inspector leadership (announce α*, the inspectee then stays legal).
    """

    loss_over_sigma: float
    a: float
    b: float
    c: float
    d: float
    e: float
    f: float
    false_alarm: float
    non_detection: float
    violation: float
    beta_slope: float
    inspector_payoff: float
    inspectee_payoff: float
    leader_inspector_payoff: float
    leader_inspectee_payoff: float

    @property
    def detection(self) -> float:
        """Equilibrium detection probability 1 − β*."""
        return 1.0 - self.non_detection


def gaussian_inspection_game(
    loss_over_sigma: float,
    *,
    a: float = 1.0,
    b: float = 1.0,
    c: float = 2.0,
    d: float = 1.0,
    e: float = 1.0,
    f: float = 0.0,
) -> StatisticalInspection:
    """Solve the inspection game in which the inspector chooses the false-alarm rate of a test.

    Payoffs (all 0 for legal behaviour without alarm; convention of Canty's APADocker
    ``src/apa.py``, docs/discussion/verification.md): inspector −e false alarm, −a detected
    violation,
    −c undetected violation; inspectee −f false alarm, −b caught, +d undetected. The
    inspector picks α; the test's non-detection probability is that of the Gaussian MUF test,
    β(α) = Φ(U_{1−α} − M/σ) (docs/discussion/verification.md). The inspectee violates with
    probability t.

    Equilibrium (docs/discussion/verification.md, "Game with a statistical test"; Avenhaus, von
    Stengel & Zamir
    2002, ch. 51 §3):

    * the inspectee is indifferent at α*: β(α*) = (b − f·α*)/(b + d); solved by Brent's
      method (unique: β is convex, the right side linear);
    * t* = e / (e − (c − a)·β′(α*)), with |β′(α)| = φ(U_{1−α} − M/σ)/φ(U_{1−α});
    * Nash payoffs: inspector −(1 − t*)·e·α* − t*·(a(1 − β*) + c·β*); inspectee −f·α*;
    * inspector leadership: announce α*, the inspectee then stays legal; payoffs −e·α* and
      −f·α* (better for the inspector).

    With f = 0: U_{1−α*} = M/σ + Φ⁻¹(b/(b+d)). Check values (M/σ = 2, a=b=d=e=1, c=2, f=0):
    α* = 0.022750, β* = 0.5, |β′| = e² = 7.389, t* = 0.119203, inspector −0.198843 (Nash),
    −0.022750 (leader).

    Parameters
    ----------
    loss_over_sigma
        M/σ >= 0.
    a, b, c, d, e, f
        Payoff parameters: a >= 0, c > a, b > 0, d > 0, e > 0, 0 <= f < b. The defaults are
        the check-value case of docs/discussion/verification.md.

    Returns
    -------
    StatisticalInspection
        α*, β*, t*, |β′(α*)| and the payoffs.

    Raises
    ------
    ValueError
        If a parameter is outside the ranges above.
    """
    ms = check_nonnegative("loss_over_sigma", loss_over_sigma)
    av = check_nonnegative("a", a)
    bv = check_positive("b", b)
    cv = check_positive("c", c)
    dv = check_positive("d", d)
    ev = check_positive("e", e)
    fv = check_nonnegative("f", f)
    if not cv > av:
        raise InputError(
            f"c (undetected violation) must exceed a (detected); got c={cv:g}, a={av:g}"
        )
    if not fv < bv:
        raise InputError(
            f"f (false alarm to inspectee) must be below b (caught); got f={fv:g}, b={bv:g}"
        )

    def beta(alpha: float) -> float:
        return float(norm.cdf(norm.isf(alpha) - ms))

    if fv == 0.0:
        u = ms + float(norm.ppf(bv / (bv + dv)))
        alpha_star = float(norm.sf(u))
    else:

        def gap(alpha: float) -> float:
            return beta(alpha) - (bv - fv * alpha) / (bv + dv)

        lo, hi = 1e-300, 1.0 - 1e-16
        alpha_star = float(optimize.brentq(gap, lo, hi, xtol=1e-15, rtol=1e-14))
        u = float(norm.isf(alpha_star))
    beta_star = beta(alpha_star)
    slope = float(norm.pdf(u - ms) / norm.pdf(u))
    t_star = ev / (ev + (cv - av) * slope)
    inspector = -(1.0 - t_star) * ev * alpha_star - t_star * (
        av * (1.0 - beta_star) + cv * beta_star
    )
    inspectee = 0.0 - fv * alpha_star
    return StatisticalInspection(
        loss_over_sigma=ms,
        a=av,
        b=bv,
        c=cv,
        d=dv,
        e=ev,
        f=fv,
        false_alarm=alpha_star,
        non_detection=beta_star,
        violation=t_star,
        beta_slope=slope,
        inspector_payoff=inspector,
        inspectee_payoff=inspectee,
        leader_inspector_payoff=-ev * alpha_star,
        leader_inspectee_payoff=0.0 - fv * alpha_star,
    )
