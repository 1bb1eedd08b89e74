"""A set-based reference for relational stability under attitudes, written from the
definitions of Inohara, Hipel and Walker (2007) as docs/discussion/attitudes.md states them.
Sets are built explicitly; use only on small conflicts."""

from __future__ import annotations

from collections.abc import Sequence

from tests.conflict.reference import RefConflict, legal_reach, moves


def relationally_at_least(c: RefConflict, e: Sequence[Sequence[int]], i: int, s: int,
                          t: int) -> bool:
    """t ∈ TRP_i(s): for every j, t RP_ij s."""
    for j in range(c.n):
        if e[i][j] > 0 and not c.payoff[j][t] >= c.payoff[j][s]:
            return False
        if e[i][j] < 0 and not c.payoff[j][s] >= c.payoff[j][t]:
            return False
    return True


def replies(c: RefConflict, e: Sequence[Sequence[int]], i: int, s: int) -> set[int]:
    """TRR_i(s) = R_i(s) ∩ TRP_i(s)."""
    return {t for t in moves(c, i, s) if relationally_at_least(c, e, i, s, t)}


def reach(c: RefConflict, e: Sequence[Sequence[int]], H: Sequence[int], s1: int,
          credible: bool, distinct: bool) -> set[int]:
    """R_H(s1), or with ``credible`` the legal sequences of the movers' own replies."""
    def step(k: int, s: int) -> set[int]:
        return replies(c, e, k, s) if credible else moves(c, k, s)

    return legal_reach(step, H, s1, distinct)


def stable(c: RefConflict, e: Sequence[Sequence[int]], i: int, s: int, concept: str,
           distinct: bool = False) -> bool:
    """Whether s is stable for i under rnash, rgmr, rsmr or rseq."""
    H = [k for k in range(c.n) if k != i]
    focal = replies(c, e, i, s)
    if concept == "rnash":
        return not focal

    def deters(t: int) -> bool:
        return not relationally_at_least(c, e, i, s, t)

    for s1 in focal:
        sanctions = reach(c, e, H, s1, concept == "rseq", distinct)
        if concept == "rsmr":
            ok = any(deters(s2) and all(deters(s3) for s3 in moves(c, i, s2))
                     for s2 in sanctions)
        else:
            ok = any(deters(s2) for s2 in sanctions)
        if not ok:
            return False
    return True
