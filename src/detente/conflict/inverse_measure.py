"""The measure of a preference change and its minimisation (:mod:`detente.conflict.inverse`,
answer b): the number of pairs of states whose comparison changes (Kendall tau on strict
rankings), the optimal change for a set of states that must rank at or below the target, and
the branch and bound that picks one sanction group per move for SMR.

The measure, the form of an optimal change and the bound are explained in the module docstring
of :mod:`detente.conflict.inverse`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.preferences import compress_ranks

IntArray = NDArray[np.int64]


class Ranking:
    """One actor's ranks and the target, with the cost of making a set of states ``≼`` it."""

    def __init__(self, P: NDArray[Any], s: int) -> None:
        self.P = np.asarray(P, dtype=np.int64)
        self.s = int(s)
        self.rs = int(self.P[s])
        cnt = np.bincount(self.P, minlength=int(self.P.max()) + 1).astype(np.int64)
        cnt[self.rs] -= 1
        self.cnt = cnt
        self.evaluations = 0

    def cost(self, A: IntArray) -> tuple[int, int]:
        """Fewest pairwise changes after which every state of ``A`` ranks at or below the
        target; returns ``(cost, level)``, level ``-1`` when the target keeps its class and
        ``v`` when it rises to just above class ``v`` (module docstring)."""
        return self.cost_of_ranks(self.P[np.asarray(A, dtype=np.int64)])

    def cost_of_ranks(self, ranks: NDArray[Any]) -> tuple[int, int]:
        """:meth:`cost` for states given by their current ranks (one entry per state)."""
        self.evaluations += 1
        r = np.asarray(ranks, dtype=np.int64)
        r = r[r > self.rs] - self.rs
        if not r.size:
            return 0, -1
        H = int(r.max())
        c = self.cnt[self.rs: self.rs + H + 1]
        a = np.bincount(r, minlength=H + 1).astype(np.int64)
        N = np.cumsum(c - a)
        ta = int(a.sum())
        Sa = ta - np.cumsum(a)
        aN = a * N
        T = int(aN.sum()) - np.cumsum(aN)
        above = np.cumsum(c) + Sa + T - N * Sa
        stay = ta + int(aN.sum())
        j = int(np.argmin(above))
        if stay <= int(above[j]):
            return stay, -1
        return int(above[j]), self.rs + j

    def apply(self, A: IntArray, level: int) -> tuple[NDArray[np.unsignedinteger], IntArray]:
        """The new ranks for ``(A, level)`` from :meth:`cost`, and the states moved below."""
        P, s, rs = self.P, self.s, self.rs
        A = np.unique(np.asarray(A, dtype=np.int64))
        A = A[P[A] > rs]
        major = P.copy()
        mid = np.zeros_like(P)
        minor = np.zeros_like(P)
        if level < 0:
            M = A
            major[M] = rs - 1
        else:
            M = A[P[A] > level]
            major[s] = level
            mid[s] = 2
            major[M] = level
        mid[M] = 1
        minor[M] = P[M]
        R = int(P.max()) + 1
        key = (major * 3 + mid) * R + minor
        return compress_ranks(key)[0], M


#: Entries of one block of pair comparisons in :func:`pair_changes` (bounds its memory).
PAIR_BLOCK = 1 << 22


def pair_changes(P: NDArray[Any], Q: NDArray[Any], moved: Iterable[int] | None = None) -> int:
    """Number of pairs of states whose comparison differs between rankings ``P`` and ``Q``.

    With ``moved``, only pairs involving those states are examined (the others must keep
    their relative order), in ``O(n · |moved|)``; otherwise all pairs, in ``O(n²)``.
    """
    P = np.asarray(P, dtype=np.int64)
    Q = np.asarray(Q, dtype=np.int64)
    n = P.shape[0]
    if moved is None:
        idx = np.arange(n, dtype=np.int64)
    else:
        idx = np.unique(np.fromiter(moved, dtype=np.int64))
    if not idx.size:
        return 0
    inside = np.zeros(n, dtype=bool)
    inside[idx] = True
    # Rows of the |moved| × n comparison in blocks of at most PAIR_BLOCK entries, so memory
    # stays bounded (one actor with 15 options once asked for an 8 GiB array here).
    step = max(1, PAIR_BLOCK // max(n, 1))
    total = 0
    for start in range(0, idx.size, step):
        rows = idx[start:start + step]
        diff = np.sign(P[rows][:, None] - P[None, :]) != np.sign(Q[rows][:, None] - Q[None, :])
        total += int(diff[:, ~inside].sum())
        # pairs with both states examined: count each once (the later state's column)
        total += int((diff[:, idx] & (idx[None, :] > rows[:, None])).sum())
    return total


# -- the SMR search ----------------------------------------------------------------------------


def cheapest_union(rk: Ranking, alternatives: list[list[frozenset[int]]], budget: int
            ) -> tuple[frozenset[int], bool]:
    """Union of one group per move with the fewest pairwise changes (branch and bound)."""
    memo: dict[frozenset[int], int] = {}
    exact = True

    def cost(A: frozenset[int]) -> int:
        if A not in memo:
            memo[A] = rk.cost(np.fromiter(A, dtype=np.int64, count=len(A)))[0]
        return memo[A]

    best: list[Any] = [None, frozenset()]

    def dfs(A: frozenset[int]) -> None:
        nonlocal exact
        c = cost(A)
        if best[0] is not None and c >= best[0]:
            return
        open_moves = [alts for alts in alternatives if not any(a <= A for a in alts)]
        if not open_moves:
            best[0], best[1] = c, A
            return
        alts = min(open_moves, key=len)
        ranked = sorted(alts, key=lambda a: (cost(A | a), len(a), sorted(a)))
        for a in ranked:
            if len(memo) > budget:
                exact = False
                return
            if best[0] is not None and cost(A | a) >= best[0]:
                break
            dfs(A | a)

    dfs(frozenset())
    if best[0] is None:  # budget exhausted before any complete choice: take the cheapest
        exact = False
        A: frozenset[int] = frozenset()
        for alts in alternatives:
            if not any(a <= A for a in alts):
                A = A | min(alts, key=lambda a: (cost(A | a), len(a), sorted(a)))
        return A, exact
    return best[1], exact


__all__ = ["Ranking", "cheapest_union", "pair_changes"]
