"""A small, obviously-correct reference for ``explain``: sanctions as explicit sets.

Written from the definitions (Fang, Hipel and Kilgour 1993, ch. 3; the coalition forms of
:mod:`detente.conflict.coalitions`, C1-C5; docs/discussion/explain.md) with Python sets and a
plain breadth-first search. Use only on small conflicts.

A *sanction* against an improvement ``s -> s1`` is a sequence of moves by sanctioning units
starting at ``s1`` (at least one move), each a unilateral move of a single opponent (for SEQ
a unilateral improvement; for coalitions under SEQ also a coalition improvement of a
coalition of the class disjoint from the mover's), no unit twice in succession (legal) or
no unit twice at all (distinct), ending at a state that satisfies the concept's goal.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from tests.conflict.reference import RefConflict, improvements, moves
from tests.conflict.reference_coalitions import (
    Coalition,
    coalition_moves,
    gains,
    sanctioning_units,
    unit_improvements,
)

Goal = Callable[[int], bool]
Unit = Coalition


def actor_goal(c: RefConflict, i: int, s: int, concept: str) -> Goal:
    """Where a sanction against actor ``i`` may end (GMR/SEQ: no better than s; SMR: and no
    move of ``i`` from there is better than s)."""
    P = c.payoff[i]
    if concept == "smr":
        return lambda x: P[x] <= P[s] and all(P[y] <= P[s] for y in moves(c, i, x))
    return lambda x: P[x] <= P[s]


def coalition_goal(c: RefConflict, H: Coalition, s: int, concept: str) -> Goal:
    """Where a sanction against coalition ``H`` may end (not a gain for ``H``; SMR: and no
    joint move of ``H`` from there reaches a gain)."""
    if concept == "smr":
        return lambda x: not gains(c, H, x, s) and all(
            not gains(c, H, y, s) for y in coalition_moves(c, H, x))
    return lambda x: not gains(c, H, x, s)


def unit_steps(c: RefConflict, unit: Unit, x: int, improving: bool) -> set[int]:
    """One step of a sanctioning unit from ``x``."""
    if improving:
        return unit_improvements(c, unit, x)
    (j,) = unit
    return moves(c, j, x)


def shortest_length(c: RefConflict, units: Sequence[Unit], s1: int, goal: Goal,
                    improving: bool, distinct: bool) -> int | None:
    """Fewest unit steps from ``s1`` to a goal state (``None`` if no sanction exists)."""
    level: set[tuple[int, object]] = {(s1, frozenset() if distinct else None)}
    seen = set(level)
    depth = 0
    while level:
        depth += 1
        nxt: set[tuple[int, object]] = set()
        for x, tag in level:
            for u, unit in enumerate(units):
                if distinct:
                    assert isinstance(tag, frozenset)
                    if u in tag:
                        continue
                    new: object = tag | {u}
                elif tag == u:
                    continue
                else:
                    new = u
                for y in unit_steps(c, unit, x, improving):
                    if goal(y):
                        return depth
                    if (y, new) not in seen:
                        seen.add((y, new))
                        nxt.add((y, new))
        level = nxt
    return None


def is_sanction(c: RefConflict, units: Sequence[Unit], s1: int, states: Sequence[int],
                movers: Sequence[Unit], goal: Goal, improving: bool, distinct: bool) -> bool:
    """Whether ``states`` (after ``s1``), moved to by ``movers``, is a sanction."""
    if not states or len(states) != len(movers):
        return False
    x = s1
    used: list[Unit] = []
    for y, unit in zip(states, movers, strict=True):
        if unit not in units:
            return False
        if distinct and unit in used:
            return False
        if not distinct and used and used[-1] == unit:
            return False
        if y not in unit_steps(c, unit, x, improving):
            return False
        used.append(unit)
        x = y
    return goal(x)


def actor_units(c: RefConflict, i: int) -> list[Unit]:
    """The opponents of ``i`` as single-actor units."""
    return [frozenset({k}) for k in range(c.n) if k != i]


def coalition_units(c: RefConflict, H: Coalition, cls: Sequence[Coalition], concept: str
                    ) -> list[Unit]:
    """Who may sanction ``H``: single outsiders; under SEQ also disjoint coalitions."""
    if concept == "seq":
        return sanctioning_units(c, H, cls)
    return [frozenset({k}) for k in range(c.n) if k not in H]


def sim_fewest(c: RefConflict, i: int, s: int, s1: int) -> int | None:
    """SIM: the fewest opponents whose simultaneous improvements from ``s``, combined with
    ``i``'s options at ``s1``, give a feasible state no better for ``i`` than ``s``."""
    P = c.payoff[i]
    H = [k for k in range(c.n) if k != i]
    best: int | None = None
    choices = [[None, *sorted(improvements(c, j, s))] for j in H]
    for combo in itertools.product(*choices):
        t = s1
        for j, choice in zip(H, combo, strict=True):
            if choice is None:
                continue
            for b in c.actor_bits[j]:
                t = (t & ~(1 << b)) | (choice & (1 << b))
        if t in c.feasible and P[t] <= P[s]:
            k = sum(x is not None for x in combo)
            best = k if best is None else min(best, k)
    return best


def sim_combined(c: RefConflict, i: int, s: int, s1: int, responders: Sequence[int],
                 target: int) -> bool:
    """Whether ``target`` is ``s1`` with each responder's options replaced by one of its
    improvements from ``s`` (and the others' options as at ``s``)."""
    t = s1
    for j in range(c.n):
        if j == i:
            continue
        bits = c.actor_bits[j]
        mask = sum(1 << b for b in bits)
        if j in responders:
            if not any((x & mask) == (target & mask) for x in improvements(c, j, s)):
                return False
        elif (target & mask) != (s & mask):
            return False
        t = (t & ~mask) | (target & mask)
    return t == target and target in c.feasible
