"""A small, obviously-correct reference for GMCR stability, written from the definitions.

Fang, Hipel and Kilgour (1993), ch. 3; n-actor forms as in Fang et al. (2003). Reachable sets
are built explicitly with Python sets; use only on small conflicts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RefConflict:
    """A conflict in plain Python terms."""

    actor_bits: tuple[tuple[int, ...], ...]  # option indices per actor
    directions: tuple[str, ...]  # per option: both / forward / backward
    feasible: frozenset[int]  # feasible state codes
    payoff: tuple[dict[int, int], ...]  # per actor: code -> payoff (higher preferred)
    #: per actor: the states it misperceives (no move from or to them; GMCR+ misperceptions)
    blocked: tuple[frozenset[int], ...] = ()

    @property
    def n(self) -> int:
        return len(self.actor_bits)


def moves(c: RefConflict, i: int, s: int) -> set[int]:
    """R_i(s): feasible states reachable by one unilateral move of actor i (none from or to a
    state i misperceives)."""
    blocked = c.blocked[i] if c.blocked else frozenset()
    if s in blocked:
        return set()
    out = set()
    bits = c.actor_bits[i]
    for combo in itertools.product([0, 1], repeat=len(bits)):
        t = s
        ok = True
        for b, v in zip(bits, combo, strict=True):
            old = (s >> b) & 1
            if v != old:
                if c.directions[b] == "forward" and old == 1:
                    ok = False
                if c.directions[b] == "backward" and old == 0:
                    ok = False
            t = (t | (1 << b)) if v else (t & ~(1 << b))
        if ok and t != s and t in c.feasible and t not in blocked:
            out.add(t)
    return out


def improvements(c: RefConflict, i: int, s: int) -> set[int]:
    """R_i^+(s)."""
    return {t for t in moves(c, i, s) if c.payoff[i][t] > c.payoff[i][s]}


def legal_reach(step: Callable[[int, int], set[int]], H: Sequence[int], s1: int,
                distinct: bool) -> set[int]:
    """States reachable from s1 by legal sequences (>= 1 move) of H's moves, where
    ``step(k, s)`` gives mover k's moves from s: no mover twice in a row, or (``distinct``)
    each mover at most once. The one walk every reference builds on."""
    seen_nodes: set[tuple[int, object]] = set()
    reached: set[int] = set()
    stack: list[tuple[int, object]] = [(s1, None if not distinct else frozenset())]
    while stack:
        s, tag = stack.pop()
        for k in H:
            if distinct:
                assert isinstance(tag, frozenset)
                if k in tag:
                    continue
                new_tag: object = tag | {k}
            else:
                if tag == k:
                    continue
                new_tag = k
            for t in step(k, s):
                node = (t, new_tag)
                reached.add(t)
                if node not in seen_nodes:
                    seen_nodes.add(node)
                    stack.append(node)
    return reached


def reach(c: RefConflict, H: Sequence[int], s1: int, improving: bool, distinct: bool) -> set[int]:
    """States reachable from s1 by legal sequences (>= 1 move) of H's unilateral moves."""
    step = improvements if improving else moves
    return legal_reach(lambda k, s: step(c, k, s), H, s1, distinct)


def stable(c: RefConflict, i: int, s: int, concept: str, distinct: bool = False) -> bool:
    """Whether s is stable for actor i under concept (nash, gmr, smr, seq, sim)."""
    P = c.payoff[i]
    H = [k for k in range(c.n) if k != i]
    imps = improvements(c, i, s)
    if concept == "nash":
        return not imps
    for s1 in imps:
        if concept == "gmr":
            ok = any(P[s2] <= P[s] for s2 in reach(c, H, s1, False, distinct))
        elif concept == "seq":
            ok = any(P[s2] <= P[s] for s2 in reach(c, H, s1, True, distinct))
        elif concept == "smr":
            ok = any(
                P[s2] <= P[s] and all(P[s3] <= P[s] for s3 in moves(c, i, s2))
                for s2 in reach(c, H, s1, False, distinct)
            )
        elif concept == "sim":
            ok = False
            choices = [[None, *sorted(improvements(c, j, s))] for j in H]
            for combo in itertools.product(*choices):
                t = s1
                for j, choice in zip(H, combo, strict=True):
                    if choice is None:
                        continue
                    for b in c.actor_bits[j]:
                        t = (t & ~(1 << b)) | (choice & (1 << b))
                if t in c.feasible and P[t] <= P[s]:
                    ok = True
                    break
        else:
            raise ValueError(concept)
        if not ok:
            return False
    return True
