"""Actors' preferences as integer payoff ranks.

Option prioritisation (Fang, Hipel, Kilgour and Peng 2003, GMCR II part 1, §IV; Hipel et al.
1997): with ``m`` statements ranked from most to least important, a state scores
``sum(2**(m-k) for each statement k = 1..m that holds)``; a higher score is preferred and equal
scores tie. An explicit ranking lists tie groups, most preferred first.

Scores are compressed to dense ranks ``1 .. R`` (``R`` = number of distinct values among
feasible states), stored in the narrowest unsigned type that leaves room for the sentinels
``0`` (below every state) and ``INF`` (the dtype maximum, above every state).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from detente.conflict.statespace import StateSpace
from detente.errors import InputError
from detente.scenario.model import Preference, Scenario

MAX_STATEMENTS = 62


def statement_scores(pref: Preference, codes: NDArray[np.int64]) -> NDArray[np.int64]:
    """Option-prioritisation score of every state code (GMCR II, Fang et al. 2003)."""
    m = len(pref.statements)
    if m > MAX_STATEMENTS:
        raise InputError(f"at most {MAX_STATEMENTS} preference statements per actor; got {m}")
    score = np.zeros(codes.shape, dtype=np.int64)
    for k, stmt in enumerate(pref.statements, start=1):
        score += stmt.holds(codes).astype(np.int64) << (m - k)
    return score


def ranking_scores(pref: Preference, codes: NDArray[np.int64]) -> NDArray[np.int64]:
    """Score from an explicit ranking: the first tie group scores highest."""
    groups = pref.ranking
    ranked = np.array([c for group in groups for c in group], dtype=np.int64)
    level = np.repeat(np.arange(len(groups), 0, -1, dtype=np.int64),
                      [len(group) for group in groups])
    codes = np.asarray(codes, dtype=np.int64)
    out = np.zeros(codes.shape, dtype=np.int64)  # a state not ranked scores 0
    if ranked.size:
        order = np.argsort(ranked, kind="stable")
        ranked, level = ranked[order], level[order]
        pos = np.minimum(np.searchsorted(ranked, codes), ranked.shape[0] - 1)
        hit = ranked[pos] == codes
        out[hit] = level[pos[hit]]
    return out


def rank_dtype(n_ranks: int) -> np.dtype:
    """Narrowest unsigned dtype holding ranks ``1..n_ranks`` plus the two sentinels."""
    if n_ranks <= 253:
        return np.dtype(np.uint8)
    if n_ranks <= 65533:
        return np.dtype(np.uint16)
    return np.dtype(np.uint32)


def compress_ranks(scores: NDArray[np.int64]) -> tuple[NDArray[np.unsignedinteger], int]:
    """Map scores to dense ranks ``1..R`` preserving order and ties; return ranks and ``R``."""
    if scores.size == 0:
        return scores.astype(np.uint8), 0
    lo, hi = int(scores.min()), int(scores.max())
    if hi - lo < (1 << 24):
        present = np.bincount(scores - lo, minlength=hi - lo + 1) > 0
        rank_of: NDArray[np.int64] = np.cumsum(present, dtype=np.int64)
        ranks = rank_of[scores - lo]
        n = int(rank_of[-1])
    else:
        uniq, inv = np.unique(scores, return_inverse=True)
        ranks = inv + 1
        n = int(uniq.shape[0])
    return ranks.astype(rank_dtype(n)), n


def payoff_ranks(
    scenario: Scenario,
    space: StateSpace,
    preferences: Mapping[str, Preference] | None = None,
) -> dict[str, NDArray[np.unsignedinteger]]:
    """Each actor's payoff ranks over the feasible states (in code order).

    Parameters
    ----------
    scenario
        The scenario (its actors fix the order).
    space
        Its state space.
    preferences
        Replacement preferences per actor id (default: the scenario's).
    """
    prefs = dict(scenario.preferences)
    if preferences:
        prefs.update(preferences)
    out: dict[str, NDArray[np.unsignedinteger]] = {}
    for actor in scenario.actors:
        pref = prefs[actor.id]
        if pref.kind == "statements":
            scores = statement_scores(pref, space.codes)
        else:
            scores = ranking_scores(pref, space.codes)
        out[actor.id] = compress_ranks(scores)[0]
    return out
