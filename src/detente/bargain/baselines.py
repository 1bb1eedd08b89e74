"""Baseline forecasts for one issue: the weighted median and the weighted mean.

Every actor ``i`` has a position ``x_i``, a capability ``c_i`` and a salience ``s_i``; its
weight is ``w_i = c_i * s_i`` (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011).

* The **weighted median** is the one-dimensional Condorcet winner when every actor votes for
  the alternative nearer to its own position with weight ``w_i`` (Black 1948, "On the
  rationale of group decision-making", J. Political Economy 56: the median voter theorem,
  here with weighted votes).
* The **weighted mean** ``sum(w_i x_i) / sum(w_i)`` is what the Decide framework calls the
  Nash bargaining solution or MDS (Stokman & Van Oosten 1994; Stokman & Thomson).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from detente.errors import InputError

FloatArray = npt.NDArray[np.float64]

MedianTie = Literal["lower", "upper", "midpoint"]

#: Relative tolerance used to decide that the cumulative weight hits exactly half the total.
HALF_TOLERANCE = 1e-12


def _as_inputs(positions: npt.ArrayLike, weights: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(positions, dtype=np.float64).reshape(-1)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if x.shape != w.shape:
        raise InputError(f"positions ({x.size}) and weights ({w.size}) differ in length")
    if x.size == 0:
        raise InputError("no actors: positions is empty")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(w))):
        raise InputError("positions and weights must be finite")
    if np.any(w < 0):
        raise InputError("weights must be non-negative")
    if not w.sum() > 0:
        raise InputError("the total weight (capability x salience) is zero")
    return x, w


def weighted_mean(positions: npt.ArrayLike, weights: npt.ArrayLike) -> float:
    """Return the weighted mean position ``sum(w x) / sum(w)``.

    Parameters
    ----------
    positions
        Positions ``x_i`` of the actors.
    weights
        Non-negative weights, normally ``capability * salience``.

    Returns
    -------
    float
        The weighted mean; Decide's Nash bargaining solution ``O_d`` (Stokman & Van Oosten
        1994).

    Raises
    ------
    ValueError
        If the inputs differ in length, are empty, not finite, negative, or sum to zero.
    """
    x, w = _as_inputs(positions, weights)
    return float(np.dot(w, x) / w.sum())


def weighted_median(
    positions: npt.ArrayLike, weights: npt.ArrayLike, *, tie: MedianTie = "lower"
) -> float:
    """Return the weighted median position, the Condorcet winner on one dimension.

    Let ``v_1 < ... < v_m`` be the distinct positions, ``W`` the total weight and ``C_k`` the
    weight of the actors at or below ``v_k``. The median is the smallest ``v_k`` with
    ``C_k >= W / 2``. Under weighted majority voting with linear (or any symmetric,
    single-peaked) loss it beats every other actor position (Black 1948).

    **Ties.** When ``C_k`` equals ``W / 2`` exactly (within a relative ``1e-12`` of ``W``,
    to absorb rounding), every point of ``[v_k, v_{k+1}]`` is a weak Condorcet winner:
    ``v_k`` and ``v_{k+1}`` tie in a pairwise vote. ``tie`` chooses among them:

    * ``"lower"`` (default): ``v_k``;
    * ``"upper"``: ``v_{k+1}``;
    * ``"midpoint"``: ``(v_k + v_{k+1}) / 2``.

    Actors with weight zero do not vote. Actors at the same position pool their weight.

    Parameters
    ----------
    positions
        Positions ``x_i``.
    weights
        Non-negative weights ``w_i = c_i s_i``.
    tie
        Rule for an exact half split, see above.

    Returns
    -------
    float
        The weighted median.

    Raises
    ------
    ValueError
        On invalid inputs or an unknown ``tie`` rule.

    Examples
    --------
    Three actors at 0, 50 and 100 with weights 1, 1 and 3: the heavy actor holds more than
    half the weight, so its position beats every other in a pairwise vote.

    >>> weighted_median([0, 50, 100], [1, 1, 3])
    100.0
    >>> weighted_mean([0, 50, 100], [1, 1, 3])
    70.0
    """
    if tie not in ("lower", "upper", "midpoint"):
        raise InputError(f"tie must be 'lower', 'upper' or 'midpoint', not {tie!r}")
    x, w = _as_inputs(positions, weights)
    keep = w > 0
    x, w = x[keep], w[keep]
    values, inverse = np.unique(x, return_inverse=True)
    pooled = np.bincount(inverse, weights=w, minlength=values.size)
    cumulative = np.cumsum(pooled)
    total = cumulative[-1]
    half = total / 2.0
    tol = HALF_TOLERANCE * total
    k = int(np.searchsorted(cumulative, half - tol, side="left"))
    k = min(k, values.size - 1)
    if abs(cumulative[k] - half) <= tol and k + 1 < values.size:
        if tie == "lower":
            return float(values[k])
        if tie == "upper":
            return float(values[k + 1])
        return float((values[k] + values[k + 1]) / 2.0)
    return float(values[k])


def pairwise_margin(
    a: float, b: float, positions: npt.ArrayLike, weights: npt.ArrayLike
) -> float:
    """Return the weighted vote margin of ``a`` over ``b``.

    Each actor votes with weight ``w_i`` for the alternative strictly nearer to ``x_i``
    (indifferent actors abstain), as in Black (1948). A positive margin means ``a`` beats
    ``b``.

    Parameters
    ----------
    a, b
        The two alternatives.
    positions
        Actor positions.
    weights
        Actor weights.

    Returns
    -------
    float
        ``sum(w_i for x_i nearer a) - sum(w_i for x_i nearer b)``.
    """
    x, w = _as_inputs(positions, weights)
    da = np.abs(x - a)
    db = np.abs(x - b)
    return float(w[da < db].sum() - w[db < da].sum())
