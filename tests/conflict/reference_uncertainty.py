"""A set-based reference for stability with uncertain preferences, written from the
definitions of Li, Hipel, Kilgour and Fang (2004) as docs/discussion/preference-uncertainty.md
states them. Reachable sets are built explicitly; use only on small conflicts."""

from __future__ import annotations

from collections.abc import Sequence

from tests.conflict.reference import RefConflict, legal_reach, moves

#: extension -> (focal actor moves to uncertain states, uncertain sanctions deter)
EXTENSIONS = {"a": (True, False), "b": (True, True), "c": (False, False), "d": (False, True)}


def uncertain(u: Sequence[frozenset[tuple[int, int]]], i: int, s: int, t: int) -> bool:
    """s U_i t (the pairs are stored both ways)."""
    return (s, t) in u[i]


def better(c: RefConflict, u: Sequence[frozenset[tuple[int, int]]], i: int, s: int,
           t: int) -> bool:
    """t ≻_i s: ranked higher and not an uncertain pair."""
    return c.payoff[i][t] > c.payoff[i][s] and not uncertain(u, i, s, t)


def not_preferred(c: RefConflict, u: Sequence[frozenset[tuple[int, int]]], i: int, s: int,
                  t: int) -> bool:
    """t ∈ Φ_i^≃(s): s ≻_i t or s ~_i t."""
    return c.payoff[i][t] <= c.payoff[i][s] and not uncertain(u, i, s, t)


def up_or_uncertain(c: RefConflict, u: Sequence[frozenset[tuple[int, int]]], i: int,
                    s: int) -> set[int]:
    """R_i^{+,U}(s)."""
    return {t for t in moves(c, i, s) if better(c, u, i, s, t) or uncertain(u, i, s, t)}


def reach(c: RefConflict, u: Sequence[frozenset[tuple[int, int]]], H: Sequence[int], s1: int,
          credible: bool, distinct: bool) -> set[int]:
    """R_H(s1) (or R_H^{+,U}(s1) when ``credible``): at least one move, legal sequences or,
    ``distinct``, each mover at most once."""
    def step(k: int, s: int) -> set[int]:
        return up_or_uncertain(c, u, k, s) if credible else moves(c, k, s)

    return legal_reach(step, H, s1, distinct)


def stable(c: RefConflict, u: Sequence[frozenset[tuple[int, int]]], i: int, s: int,
           concept: str, distinct: bool = False) -> bool:
    """Whether s is stable for i under ``concept`` (``nash_a`` ... ``seq_d``)."""
    base, _, ext = concept.partition("_")
    to_unc, unc_deters = EXTENSIONS[ext]
    H = [k for k in range(c.n) if k != i]
    focal = up_or_uncertain(c, u, i, s) if to_unc else {
        t for t in moves(c, i, s) if better(c, u, i, s, t)}

    def deters(t: int) -> bool:
        return not_preferred(c, u, i, s, t) or (unc_deters and uncertain(u, i, s, t))

    if base == "nash":
        return not focal
    for s1 in focal:
        sanctions = reach(c, u, H, s1, base == "seq", distinct)
        if base == "smr":
            ok = any(deters(s2) and all(deters(s3) for s3 in moves(c, i, s2))
                     for s2 in sanctions)
        else:
            ok = any(deters(s2) for s2 in sanctions)
        if not ok:
            return False
    return True
