"""Bueno de Mesquita's expected-utility (EU) model of group decisions on one issue.

The model follows Bueno de Mesquita (1994, "Political forecasting: an expected utility
method", in *European Community Decision Making*, Yale UP; 2009, *The
Predictioneer's Game*) as formalised by Scholz, Calbert & Smith (2011, "Unravelling Bueno
De Mesquita's group decision model", Journal of Theoretical Politics; cited "SCS").

Notation: actor ``i`` has position ``x_i``, capability ``c_i``, salience ``s_i`` and weight
``w_i = c_i s_i``; ``R`` is the position range and ``delta_ab = |x_a - x_b| / R``.

One round (SCS; BDM 1994; the equations as explained in
``docs/discussion/expected-utility.md``):

1. **Votes** (BDM 1994; SCS): voter ``k`` gives
   ``v_k(a, b) = w_k (delta_kb^r_k - delta_ka^r_k)`` to ``a`` against ``b``.
2. **Probability that a beats b** (BDM 1994; SCS): the votes for ``a`` over a denominator, see
   ``probability`` below.
3. **Utilities** from the perspective of actor ``p`` with risk exponent ``r = r_p``
   (BDM 1994; SCS):
   ``U^s = 2 - 4 (1/2 - delta_ab / 2)^r``, ``U^f = 2 - 4 (1/2 + delta_ab / 2)^r``,
   ``U^sq = 2 - 4 (1/2)^r``, and
   ``U^b, U^w = 2 - 4 (1/2 -/+ (|x_a - mu| + |x_a - x_b|) / (4R))^r`` (``mu`` the median).
4. **Expected utility of a challenging b** (BDM 1994; SCS):
   ``EU = s_b [P U^s + (1-P) U^f] + (1-s_b) U^s - Q U^sq - (1-Q)[T U^b + (1-T) U^w]``.
   All open codes use ``Q = 1``, which removes the last term (default here too).
5. **Risk** (BDM 1994; SCS): with ``r = 1`` for everyone,
   ``danger_i = sum_{k != i} EU_{k -> i}`` (from ``i``'s view),
   ``R_i = (2 danger_i - max - min) / (max - min)`` over all actors and
   ``r_i = (1 - R_i / 3) / (1 + R_i / 3)`` in ``[1/2, 2]``. When every danger is equal
   (``max == min``) the ratio is ``0/0``; we then set every ``r_i = 1`` (risk neutral).
6. **Offers** (BDM 1994; SCS), in receiver ``i``'s view with its own
   exponent ``r_i`` for both ``E_ij = EU_{i -> j}`` and ``E_ji = EU_{j -> i}``:
   *confrontation* ``E_ji > E_ij > 0`` (``x_i <- x_j``); *compromise* ``E_ji > 0 > E_ij``
   and ``E_ji > |E_ij|`` (``x_i <- x_i + (x_j - x_i) |E_ij / E_ji|``); *capitulation*
   ``E_ji > 0 > E_ij`` and ``E_ji < |E_ij|`` (``x_i <- x_j``). Each actor accepts at most
   one offer; all moves happen at once (simultaneous update).

Variants (the points where the open implementations disagree, see ``EUOptions``):

``scholz`` reproduces Scholz et al.'s code as ported in the GitHub repository
jmckib/bdm-scholz-expected-utility-model (``bdm_scholz_model.py``, commit e9d86fe,
"Perfect replication of bdm-scholz results up to 10 rounds"), quirks included:

* ``probability="global"``: ``P(a beats b) = sum_k max(0, v_k(a, b)) /
  sum_k sum_a' sum_b' |v_k(a', b')|``, one denominator over every pair of actors, which
  makes every ``P`` small;
* ``capitulation=False``: the code's test ``E_ji < |E_ji|`` is never true, so
  capitulation never fires;
* ``selection="scholz"``: any confrontation beats any compromise; among confrontations
  (and capitulations) the smallest move wins; among compromises the smallest
  ``(|E_ij| x_i + |E_ji| x_j) / (|E_ij| + |E_ji|)`` wins (a position, so low positions are
  favoured);
* ``range_mode="initial"``: ``R`` is frozen at the range of the input positions;
* ``settle_tol=None``: always run the requested number of rounds.

``textbook`` fixes these as the published model describes them:

* ``probability="pairwise"``: ``P(a beats b) = sum_k max(0, v_k(a, b)) / sum_k |v_k(a, b)|``,
  the share of the votes cast on this contest, per pair as in BDM (1994) and SCS (the
  port's own comments say the global denominator follows Scholz's code, not BDM);
* ``capitulation=True``: the capitulation test ``E_ji < |E_ij|`` as printed;
* ``selection="nearest"``: each actor accepts the offer that moves it least, whatever its
  kind, which is how SCS and BDM describe the choice (the port's comments note that its
  special compromise key departs from both); exact ties go to confrontation, then
  compromise, then capitulation, then the proposer listed first;
* ``range_mode="current"``: ``R`` is the range of the positions at the start of each
  round, so each round applies the model afresh to the current configuration. This is our
  choice where the codes disagree (frozen in jmckib's port, recomputed each round in
  minimalgeek's eum2, typed by hand in dmasad's GroupDecisionModel);
* ``settle_tol=1e-6``: stop early once no position moves by more than ``1e-6 * R0``
  (``R0`` the input range) in a round. This rule is ours too: BDM's own (stop when the
  median's predicted shift is small given a discount rate) is in none of the open codes.

The ``textbook`` set is therefore a reading of the published model, not a published
implementation; it cannot be checked against reference output.

Ties in ``scholz`` go to the proposer listed first in the input, as in the port. The
median reported each round is the weighted median (lower median on an exact half split,
see :func:`detente.bargain.baselines.weighted_median`), which equals the port's sequential
pairwise scan whenever the median is unique.

Everything is vectorised over actor pairs. Votes summed over voters (``O(n^3)``) are
computed either directly in chunks of ``chunk_bytes`` (``method="direct"``) or in
``O(n^2 log n)`` from prefix sums over voters sorted by position (``method="sorted"``): a
voter prefers ``a`` to ``b`` exactly when it lies on ``a``'s side of their midpoint,
whatever its exponent, so the voters with a positive vote form a prefix or suffix of the
sorted order. ``method="auto"`` uses ``direct`` up to 256 actors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from detente.bargain.baselines import weighted_mean, weighted_median
from detente.bargain.results import (
    Forecast,
    Move,
    RoundRecord,
    frozen_array,
    frozen_mapping,
)
from detente.errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

ProbabilityRule = Literal["global", "pairwise"]
SelectionRule = Literal["scholz", "nearest"]
RangeMode = Literal["initial", "current"]
Method = Literal["auto", "direct", "sorted"]

#: Offer kinds, indexed by the codes used in :class:`RoundOffers`.
OFFER_KINDS = ("confrontation", "compromise", "capitulation")
NO_OFFER = -1
CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2

#: Up to this many actors ``method="auto"`` sums votes directly.
DIRECT_MAX_ACTORS = 256

#: Dangers closer than this (relative to their magnitude) count as all equal.
DANGER_TOLERANCE = 1e-12


@dataclass(frozen=True)
class EUOptions:
    """Choices on which the open implementations of the EU model disagree.

    Attributes
    ----------
    probability
        ``"global"`` (Scholz's code: one denominator summed over every pair of actors) or
        ``"pairwise"`` (the share of the votes cast on the contest, BDM 1994; SCS).
    capitulation
        Whether capitulation offers can fire (``False`` in Scholz's code, a typo).
    selection
        ``"scholz"`` (confrontation first, compromise keyed by a weighted position) or
        ``"nearest"`` (the offer that moves the receiver least).
    range_mode
        ``"initial"`` (``R`` frozen at the input range) or ``"current"`` (recomputed each
        round).
    q, t
        ``Q`` (probability that the status quo persists when no challenge is made) and
        ``T`` (probability that things get better if it does not) of BDM (1994); with
        ``q == 1`` (every open code) ``t`` has no effect. Scholz's code has only the
        ``Q U^sq`` term; here the ``(1 - Q)`` term of BDM (1994) is included.
    settle_tol
        Stop early after a round in which no position moved by more than
        ``settle_tol * R0`` (``R0`` the input range); ``None`` runs every round.
    method
        How votes are summed over voters: ``"direct"``, ``"sorted"`` or ``"auto"``.
    chunk_bytes
        Memory budget of one chunk of the direct method's ``voters x pairs`` array.
    """

    probability: ProbabilityRule = "pairwise"
    capitulation: bool = True
    selection: SelectionRule = "nearest"
    range_mode: RangeMode = "current"
    q: float = 1.0
    t: float = 1.0
    settle_tol: float | None = 1e-6
    method: Method = "auto"
    chunk_bytes: int = 256 * 2**20

    def __post_init__(self) -> None:
        if self.probability not in ("global", "pairwise"):
            raise InputError(f"probability must be 'global' or 'pairwise': {self.probability!r}")
        if self.selection not in ("scholz", "nearest"):
            raise InputError(f"selection must be 'scholz' or 'nearest': {self.selection!r}")
        if self.range_mode not in ("initial", "current"):
            raise InputError(f"range_mode must be 'initial' or 'current': {self.range_mode!r}")
        if self.method not in ("auto", "direct", "sorted"):
            raise InputError(f"method must be 'auto', 'direct' or 'sorted': {self.method!r}")
        if not (0.0 <= self.q <= 1.0 and 0.0 <= self.t <= 1.0):
            raise InputError("q and t are probabilities and must lie in [0, 1]")
        if self.settle_tol is not None and not self.settle_tol >= 0:
            raise InputError("settle_tol must be non-negative or None")
        if self.chunk_bytes < 1:
            raise InputError("chunk_bytes must be positive")

    def as_dict(self) -> dict[str, Any]:
        """Return the options as a plain dict."""
        return asdict(self)


#: The named variants. ``scholz`` reproduces Scholz et al. (2011) exactly; ``textbook``
#: fixes its quirks as the published model describes (see the module docstring).
VARIANTS: Mapping[str, EUOptions] = {
    "scholz": EUOptions(
        probability="global",
        capitulation=False,
        selection="scholz",
        range_mode="initial",
        settle_tol=None,
    ),
    "textbook": EUOptions(),
}


def variant_options(variant: str, **changes: Any) -> EUOptions:
    """Return the options of a named variant, with ``changes`` applied.

    Parameters
    ----------
    variant
        ``"scholz"`` or ``"textbook"``.
    **changes
        Fields of :class:`EUOptions` to override.

    Returns
    -------
    EUOptions
        The options.

    Raises
    ------
    ValueError
        For an unknown variant or option.
    """
    try:
        base = VARIANTS[variant]
    except KeyError:
        raise InputError(
            f"unknown EU variant {variant!r}; choose one of {', '.join(VARIANTS)}"
        ) from None
    return replace(base, **changes) if changes else base


# --------------------------------------------------------------------------- votes


def distance_powers(x: FloatArray, r: FloatArray, position_range: float) -> FloatArray:
    """Return ``y[k, a] = (|x_k - x_a| / R) ** r_k`` (the votes of BDM 1994; SCS).

    Parameters
    ----------
    x
        Positions, shape ``(n,)``.
    r
        Risk exponents of the voters ``k``, shape ``(n,)``.
    position_range
        ``R > 0``.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` array, voters along axis 0.
    """
    d = np.abs(x[:, None] - x[None, :]) / position_range
    if np.all(r == 1.0):
        return d
    return np.power(d, r[:, None])


def _support_direct(y: FloatArray, w: FloatArray, chunk_bytes: int) -> FloatArray:
    n = w.size
    out = np.empty((n, n))
    rows = max(1, chunk_bytes // (8 * n * n))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        # diff[k, a, b] = y[k, b] - y[k, a]: voter k's vote for a over b, before weighting.
        diff = y[:, None, :] - y[:, start:stop, None]
        np.maximum(diff, 0.0, out=diff)
        out[start:stop] = np.tensordot(w, diff, axes=(0, 0))
    return out


def _support_sorted(x: FloatArray, y: FloatArray, w: FloatArray) -> FloatArray:
    n = w.size
    # Work in position order: voters, a and b all sorted, so that the midpoints along a row
    # increase and the binary searches below run on sorted keys.
    order = np.argsort(x, kind="stable")
    xs = x[order]
    ys = y[np.ix_(order, order)]
    # prefix[t, c] = sum of w_k y[k, c] over the first t voters in position order.
    prefix = np.zeros((n + 1, n))
    np.cumsum(w[order, None] * ys, axis=0, out=prefix[1:])
    mid = (xs[:, None] + xs[None, :]) / 2.0
    below = np.searchsorted(xs, mid.ravel(), side="left").reshape(n, n)  # voters x_k < mid
    above = np.searchsorted(xs, mid.ravel(), side="right").reshape(n, n)  # voters x_k <= mid
    cols = np.arange(n)
    low_part = prefix[below, cols[None, :]] - prefix[below, cols[:, None]]
    high_part = (prefix[n][None, :] - prefix[above, cols[None, :]]) - (
        prefix[n][:, None] - prefix[above, cols[:, None]]
    )
    # a left of b: the voters left of the midpoint prefer a; a right of b: those right of it.
    sorted_out = np.where(
        xs[:, None] < xs[None, :],
        low_part,
        np.where(xs[:, None] > xs[None, :], high_part, 0.0),
    )
    np.maximum(sorted_out, 0.0, out=sorted_out)
    out = np.empty_like(sorted_out)
    out[np.ix_(order, order)] = sorted_out
    return out


def support_matrix(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    position_range: float,
    *,
    method: Method = "auto",
    chunk_bytes: int = 256 * 2**20,
) -> FloatArray:
    """Return ``N[a, b] = sum_k max(0, v_k(a, b))``, the votes for ``a`` against ``b``.

    ``v_k(a, b) = w_k (delta_kb^r_k - delta_ka^r_k)`` (BDM 1994; SCS).

    Parameters
    ----------
    x
        Positions, shape ``(n,)``.
    w
        Voter weights ``c_k s_k``.
    r
        Voter risk exponents.
    position_range
        ``R > 0``.
    method
        ``"direct"`` (chunked ``O(n^3)``), ``"sorted"`` (``O(n^2 log n)``) or ``"auto"``.
    chunk_bytes
        Memory budget for one chunk of the direct method.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` non-negative array with a zero diagonal.
    """
    y = distance_powers(x, r, position_range)
    use_direct = method == "direct" or (method == "auto" and x.size <= DIRECT_MAX_ACTORS)
    if use_direct:
        return _support_direct(y, w, chunk_bytes)
    return _support_sorted(x, y, w)


def win_probabilities(
    x: FloatArray,
    w: FloatArray,
    r: FloatArray,
    position_range: float,
    *,
    rule: ProbabilityRule,
    method: Method = "auto",
    chunk_bytes: int = 256 * 2**20,
) -> FloatArray:
    """Return ``P[a, b]``, the probability that ``a``'s position beats ``b``'s.

    ``rule="pairwise"``: ``P = N[a, b] / (N[a, b] + N[b, a])`` (BDM 1994; SCS).
    ``rule="global"``: ``P = N[a, b] / sum_k sum_a' sum_b' |v_k(a', b')|``, Scholz's code,
    whose denominator equals ``2 * sum(N)``. ``P[a, b] = 0`` when ``x_a == x_b`` or the
    denominator is zero.

    Parameters
    ----------
    x, w, r, position_range
        As for :func:`support_matrix`.
    rule
        ``"pairwise"`` or ``"global"``.
    method, chunk_bytes
        As for :func:`support_matrix`.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` array of probabilities.
    """
    support = support_matrix(x, w, r, position_range, method=method, chunk_bytes=chunk_bytes)
    if rule == "global":
        denominator = 2.0 * float(support.sum())
        if denominator <= 0.0:
            return np.zeros_like(support)
        p = support / denominator
    else:
        total = support + support.T
        p = np.divide(support, total, out=np.zeros_like(support), where=total > 0)
    p[x[:, None] == x[None, :]] = 0.0
    return p


# ----------------------------------------------------------------------- utilities


def challenge_eu(
    p_win: npt.ArrayLike,
    delta: npt.ArrayLike,
    s_target: npt.ArrayLike,
    r: npt.ArrayLike,
    *,
    q: float = 1.0,
    t: float = 1.0,
    median_term: npt.ArrayLike | None = None,
) -> FloatArray:
    """Return the expected utility of a challenge (BDM 1994; SCS), broadcast.

    ``EU = s_b [P U^s + (1-P) U^f] + (1-s_b) U^s - Q U^sq - (1-Q)[T U^b + (1-T) U^w]``
    with the utilities of BDM (1994) and SCS in the perspective actor's exponent ``r``.

    Parameters
    ----------
    p_win
        Probability that the challenger ``a`` beats the target ``b``.
    delta
        ``|x_a - x_b| / R``.
    s_target
        Salience of the target ``b`` (the chance that it resists).
    r
        Risk exponent of the actor whose view this is.
    q, t
        ``Q`` and ``T``; with ``q == 1`` the last term vanishes.
    median_term
        ``(|x_a - mu| + |x_a - x_b|) / R`` for ``U^b`` and ``U^w``; needed when ``q < 1``.

    Returns
    -------
    numpy.ndarray
        The expected utilities, broadcast over the inputs.
    """
    p = np.asarray(p_win, dtype=np.float64)
    d = np.asarray(delta, dtype=np.float64)
    s = np.asarray(s_target, dtype=np.float64)
    rr = np.asarray(r, dtype=np.float64)
    u_success = 2.0 - 4.0 * (0.5 - 0.5 * d) ** rr
    u_failure = 2.0 - 4.0 * (0.5 + 0.5 * d) ** rr
    u_status_quo = 2.0 - 4.0 * 0.5**rr
    resist = s * (p * u_success + (1.0 - p) * u_failure)
    no_resist = (1.0 - s) * u_success
    eu: FloatArray = resist + no_resist - q * u_status_quo
    if q < 1.0:
        if median_term is None:
            raise InputError("median_term is needed when q < 1")
        m = np.asarray(median_term, dtype=np.float64)
        u_better = 2.0 - 4.0 * np.clip(0.5 - 0.25 * m, 0.0, None) ** rr
        u_worse = 2.0 - 4.0 * (0.5 + 0.25 * m) ** rr
        eu = eu - (1.0 - q) * (t * u_better + (1.0 - t) * u_worse)
    return eu


def _median_terms(
    x: FloatArray, w: FloatArray, position_range: float, opts: EUOptions
) -> FloatArray | None:
    if opts.q >= 1.0:
        return None
    mu = weighted_median(x, w)
    # term[a, b] = (|x_a - mu| + |x_a - x_b|) / R
    return (np.abs(x - mu)[:, None] + np.abs(x[:, None] - x[None, :])) / position_range


def risk_exponents(
    x: FloatArray,
    salience: FloatArray,
    w: FloatArray,
    position_range: float,
    opts: EUOptions,
) -> tuple[FloatArray, FloatArray]:
    """Return the risk exponents ``r_i`` and the dangers they come from.

    With ``r = 1`` for everyone, ``danger_i = sum_{k != i} EU_{k -> i}`` from ``i``'s view,
    ``R_i = (2 danger_i - max - min) / (max - min)`` and ``r_i = (1 - R_i/3) / (1 + R_i/3)``
    (BDM 1994; SCS). If all dangers are equal (``max - min`` at most
    ``1e-12`` of their magnitude) the ratio is undefined and every ``r_i`` is 1.

    Parameters
    ----------
    x, salience, w
        Positions, saliences and weights.
    position_range
        ``R > 0``.
    opts
        Model options (probability rule, ``q``, ``t``, method).

    Returns
    -------
    tuple of numpy.ndarray
        ``(r, danger)``.
    """
    n = x.size
    ones = np.ones(n)
    p1 = win_probabilities(
        x, w, ones, position_range, rule=opts.probability, method=opts.method,
        chunk_bytes=opts.chunk_bytes,
    )
    delta = np.abs(x[:, None] - x[None, :]) / position_range
    med = _median_terms(x, w, position_range, opts)
    # eu[i, k] = EU of k challenging i, seen by i (r_i = 1): P(k beats i) = p1[k, i].
    eu = challenge_eu(
        p1.T, delta, salience[:, None], 1.0, q=opts.q, t=opts.t,
        median_term=None if med is None else med.T,
    )
    np.fill_diagonal(eu, 0.0)
    danger = eu.sum(axis=1)
    high, low = float(danger.max()), float(danger.min())
    scale = max(1.0, abs(high), abs(low))
    if high - low <= DANGER_TOLERANCE * scale:
        return np.ones(n), danger
    rel = (2.0 * danger - high - low) / (high - low)
    return (1.0 - rel / 3.0) / (1.0 + rel / 3.0), danger


# --------------------------------------------------------------------------- offers


@dataclass(frozen=True, eq=False)
class RoundOffers:
    """The offer each actor accepts in one round (arrays over receivers ``i``).

    Attributes
    ----------
    proposer
        Index ``j`` of the accepted proposer, or -1 for none.
    kind
        0 confrontation, 1 compromise, 2 capitulation, -1 none.
    eu_own, eu_other
        ``E_ij`` and ``E_ji`` of the accepted offer (NaN for none).
    new_positions
        Positions after the simultaneous update.
    """

    proposer: IntArray
    kind: IntArray
    eu_own: FloatArray
    eu_other: FloatArray
    new_positions: FloatArray


def choose_offers(
    x: FloatArray,
    salience: FloatArray,
    w: FloatArray,
    r: FloatArray,
    position_range: float,
    opts: EUOptions,
) -> RoundOffers:
    """Classify every pair's offer and let each actor accept one (BDM 1994; SCS).

    Parameters
    ----------
    x, salience, w
        Positions, saliences and weights.
    r
        Risk exponents of this round.
    position_range
        ``R > 0``.
    opts
        Model options.

    Returns
    -------
    RoundOffers
        The accepted offers and the new positions.
    """
    n = x.size
    p = win_probabilities(
        x, w, r, position_range, rule=opts.probability, method=opts.method,
        chunk_bytes=opts.chunk_bytes,
    )
    delta = np.abs(x[:, None] - x[None, :]) / position_range
    med = _median_terms(x, w, position_range, opts)
    rp = r[:, None]
    # e_ij[i, j]: i challenges j; e_ji[i, j]: j challenges i; both in i's view (r_i).
    e_ij = challenge_eu(
        p, delta, salience[None, :], rp, q=opts.q, t=opts.t, median_term=med
    )
    e_ji = challenge_eu(
        p.T, delta, salience[:, None], rp, q=opts.q, t=opts.t,
        median_term=None if med is None else med.T,
    )
    differ = x[:, None] != x[None, :]
    conf = differ & (e_ji > e_ij) & (e_ij > 0.0)
    comp = differ & (e_ji > 0.0) & (e_ij < 0.0) & (e_ji > np.abs(e_ij))
    if opts.capitulation:
        cap = differ & (e_ji > 0.0) & (e_ij < 0.0) & (e_ji < np.abs(e_ij))
    else:
        cap = np.zeros_like(differ)
    xi = np.broadcast_to(x[:, None], (n, n))
    xj = np.broadcast_to(x[None, :], (n, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        concession = (xj - xi) * np.abs(e_ij / e_ji)
    target = np.where(comp, xi + concession, xj)
    distance = np.abs(xi - xj)

    rows = np.arange(n)
    kind = np.full(n, NO_OFFER, dtype=np.intp)
    proposer = np.full(n, NO_OFFER, dtype=np.intp)
    if opts.selection == "scholz":
        with np.errstate(divide="ignore", invalid="ignore"):
            comp_key = (np.abs(e_ij) * xi + np.abs(e_ji) * xj) / (np.abs(e_ij) + np.abs(e_ji))
        # Fill from the lowest priority up, so higher priorities overwrite.
        for code, mask, key in (
            (CAPITULATION, cap, distance),
            (COMPROMISE, comp, comp_key),
            (CONFRONTATION, conf, distance),
        ):
            has = mask.any(axis=1)
            best = np.argmin(np.where(mask, key, np.inf), axis=1)
            kind = np.where(has, code, kind)
            proposer = np.where(has, best, proposer)
    else:
        offered = conf | comp | cap
        move = np.where(offered, np.abs(target - xi), np.inf)
        least = move.min(axis=1)
        tied = offered & (move == least[:, None])
        rank = np.where(conf, CONFRONTATION, np.where(comp, COMPROMISE, CAPITULATION))
        rank = np.where(tied, rank, 99)
        tied &= rank == rank.min(axis=1)[:, None]
        has = offered.any(axis=1)
        best = np.argmax(tied, axis=1)
        kind = np.where(has, rank[rows, best], NO_OFFER)
        proposer = np.where(has, best, NO_OFFER)

    has = proposer >= 0
    pick = np.where(has, proposer, 0)
    new_positions = np.where(has, target[rows, pick], x)
    eu_own = np.where(has, e_ij[rows, pick], np.nan)
    eu_other = np.where(has, e_ji[rows, pick], np.nan)
    return RoundOffers(
        proposer=proposer,
        kind=kind,
        eu_own=eu_own,
        eu_other=eu_other,
        new_positions=new_positions,
    )


# ----------------------------------------------------------------------------- run


def _range(x: FloatArray) -> float:
    span = float(x.max() - x.min())
    return span if span > 0.0 else 1.0


def _check_inputs(
    actors: Sequence[str],
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    positions: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    c = np.asarray(capability, dtype=np.float64).reshape(-1)
    s = np.asarray(salience, dtype=np.float64).reshape(-1)
    x = np.asarray(positions, dtype=np.float64).reshape(-1)
    n = len(actors)
    if not (c.size == s.size == x.size == n):
        raise InputError("actors, capability, salience and positions differ in length")
    if n < 2:
        raise InputError("the EU model needs at least two actors")
    if len(set(actors)) != n:
        raise InputError("actor names must be unique")
    for name, arr in (("capability", c), ("salience", s), ("position", x)):
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{name} values must be finite numbers")
    if np.any(c < 0):
        raise InputError("capabilities must be non-negative")
    if np.any((s < 0) | (s > 1)):
        raise InputError("saliences must lie in [0, 1]")
    if not (c * s).sum() > 0:
        raise InputError("the total weight (capability x salience) is zero")
    return c, s, x


def run_eu(
    actors: Sequence[str],
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    positions: npt.ArrayLike,
    *,
    variant: str = "textbook",
    rounds: int = 10,
    options: EUOptions | None = None,
    issue: str = "issue",
    extra_parameters: Mapping[str, Any] | None = None,
) -> Forecast:
    """Run the expected-utility model round by round.

    Each round: compute the risk exponents (with ``r = 1``), then every actor's offers with
    the new exponents, then move everyone at once. Stop after ``rounds`` rounds, or earlier
    when ``options.settle_tol`` is set and no position moved by more than
    ``settle_tol * R0`` in the last round (``R0`` the input range).

    Parameters
    ----------
    actors
        Actor names (unique).
    capability, salience, positions
        Inputs, one value per actor; saliences in ``[0, 1]``.
    variant
        ``"scholz"`` or ``"textbook"`` (see the module docstring).
    rounds
        Maximum number of rounds (``>= 0``).
    options
        Overrides the variant's options entirely; ``variant`` is then only a label.
    issue
        Issue name recorded in the result.
    extra_parameters
        Recorded in ``Forecast.parameters`` (e.g. overrides).

    Returns
    -------
    Forecast
        ``rounds[0]`` is the input.

    Raises
    ------
    ValueError
        For invalid inputs, an unknown variant or a negative ``rounds``.
    """
    opts = options if options is not None else variant_options(variant)
    if rounds < 0:
        raise InputError("rounds must be >= 0")
    c, s, x = _check_inputs(actors, capability, salience, positions)
    names = tuple(actors)
    w = c * s
    range0 = _range(x)

    def record(t: int, pos: FloatArray, risk: FloatArray | None, moves: tuple[Move, ...]) -> (
        RoundRecord
    ):
        return RoundRecord(
            round=t,
            positions=frozen_array(pos),
            median=weighted_median(pos, w),
            mean=weighted_mean(pos, w),
            risk=None if risk is None else frozen_array(risk),
            moves=moves,
        )

    history = [record(0, x, None, ())]
    stop_reason = "rounds"
    current = x.copy()
    for t in range(1, rounds + 1):
        position_range = range0 if opts.range_mode == "initial" else _range(current)
        r, _ = risk_exponents(current, s, w, position_range, opts)
        offers = choose_offers(current, s, w, r, position_range, opts)
        moves = tuple(
            Move(
                actor=names[i],
                proposer=names[int(offers.proposer[i])],
                kind=OFFER_KINDS[int(offers.kind[i])],
                eu_own=float(offers.eu_own[i]),
                eu_other=float(offers.eu_other[i]),
                old=float(current[i]),
                new=float(offers.new_positions[i]),
            )
            for i in np.flatnonzero(offers.proposer >= 0)
        )
        shift = float(np.max(np.abs(offers.new_positions - current)))
        current = offers.new_positions.astype(np.float64, copy=True)
        history.append(record(t, current, r, moves))
        if opts.settle_tol is not None and shift <= opts.settle_tol * range0:
            stop_reason = "settled"
            break

    parameters: dict[str, Any] = {"rounds": rounds, **opts.as_dict()}
    parameters.update(extra_parameters or {})
    return Forecast(
        model="eu",
        variant=variant,
        issue=issue,
        actors=names,
        capability=frozen_array(c),
        salience=frozen_array(s),
        initial_positions=frozen_array(x),
        parameters=frozen_mapping(parameters),
        rounds=tuple(history),
        stop_reason=stop_reason,
    )
