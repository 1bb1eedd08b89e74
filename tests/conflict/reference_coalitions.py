"""A small, obviously-correct reference for coalition stability and status-quo reachability.

Written from the definitions in the docstring of :mod:`detente.conflict.coalitions` (C1-C5,
CNash, CGMR, CSMR, CSEQ; after Kilgour, Hipel, Fang and Peng 2001 and Inohara and Hipel 2008)
with explicit Python sets. Use only on small conflicts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from tests.conflict.reference import RefConflict, improvements, moves, reach

Coalition = frozenset[int]


def coalition_moves(c: RefConflict, H: Coalition, s: int) -> set[int]:
    """R_H(s) (C1): legal sequences (>= 1 move) of unilateral moves by members of H."""
    return reach(c, sorted(H), s, improving=False, distinct=False)


def gains(c: RefConflict, H: Coalition, t: int, s: int) -> bool:
    """t ≻_H s (C2): every member strictly prefers t to s."""
    return all(c.payoff[j][t] > c.payoff[j][s] for j in H)


def coalition_improvements(c: RefConflict, H: Coalition, s: int) -> set[int]:
    """R_H^{++}(s) (C3)."""
    return {t for t in coalition_moves(c, H, s) if gains(c, H, t, s)}


def unit_improvements(c: RefConflict, unit: Coalition, s: int) -> set[int]:
    """A unit's improvement step: an actor's UI, or a coalition's coalition improvement."""
    if len(unit) == 1:
        (j,) = unit
        return improvements(c, j, s)
    return coalition_improvements(c, unit, s)


def unit_reach(c: RefConflict, units: Sequence[Coalition], s1: int) -> set[int]:
    """R^+_U(s1) (C5): legal sequences (>= 1 step) of unit improvements, no unit twice in a
    row."""
    reached: set[int] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[int, int]] = [(s1, -1)]
    while stack:
        s, last = stack.pop()
        for u, unit in enumerate(units):
            if u == last:
                continue
            for t in unit_improvements(c, unit, s):
                reached.add(t)
                if (t, u) not in seen:
                    seen.add((t, u))
                    stack.append((t, u))
    return reached


def sanctioning_units(c: RefConflict, H: Coalition, cls: Sequence[Coalition]) -> list[Coalition]:
    """Single actors outside H and coalitions of the class disjoint from H."""
    units = [frozenset({j}) for j in range(c.n) if j not in H]
    units += [G for G in cls if len(G) > 1 and not G & H]
    return units


def coalition_stable(c: RefConflict, H: Coalition, s: int, concept: str,
                     cls: Sequence[Coalition]) -> bool:
    """Whether s is stable for coalition H under concept (nash, gmr, smr, seq)."""
    others = frozenset(range(c.n)) - H
    imps = coalition_improvements(c, H, s)
    if concept == "nash":
        return not imps
    for s1 in imps:
        if concept == "gmr":
            pool = coalition_moves(c, others, s1) if others else set()
            ok = any(not gains(c, H, s2, s) for s2 in pool)
        elif concept == "smr":
            pool = coalition_moves(c, others, s1) if others else set()
            ok = any(
                not gains(c, H, s2, s)
                and all(not gains(c, H, s3, s) for s3 in coalition_moves(c, H, s2))
                for s2 in pool
            )
        elif concept == "seq":
            pool = unit_reach(c, sanctioning_units(c, H, cls), s1)
            ok = any(not gains(c, H, s2, s) for s2 in pool)
        else:
            raise ValueError(concept)
        if not ok:
            return False
    return True


def reachable_by_improvements(c: RefConflict, start: int, units: Sequence[Coalition],
                              legal: bool = True) -> dict[int, int]:
    """Status quo analysis: shortest number of unit-improvement steps to each reachable state
    (no unit twice in a row when ``legal``), by plain BFS over (state, last unit)."""
    best: dict[int, int] = {start: 0}
    seen = {(start, -1)}
    queue = deque([(start, -1, 0)])
    while queue:
        s, last, d = queue.popleft()
        for u, unit in enumerate(units):
            if legal and u == last:
                continue
            for t in unit_improvements(c, unit, s):
                node = (t, u if legal else -1)
                if node in seen:
                    continue
                seen.add(node)
                best.setdefault(t, d + 1)
                queue.append((t, node[1], d + 1))
    return best


__all__ = [
    "coalition_improvements",
    "coalition_moves",
    "coalition_stable",
    "moves",
    "reachable_by_improvements",
    "unit_reach",
]
