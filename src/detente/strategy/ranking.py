"""Ranking with ties: equal scores share a rank ("standard competition ranking", 1, 1, 3).

Scores are compared to 9 decimals, so two totals that differ only by floating-point noise tie.
A variant that reaches no equilibrium has no score and ranks after every scored one (all such
variants share that last rank). See ``docs/discussion/strategy-comparison.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Decimals to which scores are compared (ties below this are noise).
DECIMALS = 9


@dataclass(frozen=True)
class RankEntry:
    """One variant's place: ``rank`` is 1 + the number of variants with a higher score."""

    variant: str
    rank: int
    score: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"variant", "rank", "score"}``; the score to the :data:`DECIMALS` the
        ranking compares (no float noise such as 4.449999999999999)."""
        score = None if self.score is None else round(self.score, DECIMALS)
        return {"variant": self.variant, "rank": self.rank, "score": score}


def _key(score: float | None) -> float:
    return float("-inf") if score is None else round(score, DECIMALS)


def competition_ranking(scores: Iterable[tuple[str, float | None]]) -> tuple[RankEntry, ...]:
    """Entries ordered best first (ties by id), with standard competition ranks.

    Examples
    --------
    >>> [(e.variant, e.rank) for e in competition_ranking([("a", 2.0), ("b", 3.0), ("c", 2.0)])]
    [('b', 1), ('a', 2), ('c', 2)]
    """
    items = sorted(scores, key=lambda vs: (-_key(vs[1]), vs[0]))
    out: list[RankEntry] = []
    for k, (vid, score) in enumerate(items):
        if k and _key(items[k - 1][1]) == _key(score):
            rank = out[-1].rank
        else:
            rank = k + 1
        out.append(RankEntry(vid, rank, score))
    return tuple(out)


def top(ranking: Sequence[RankEntry]) -> tuple[str, ...]:
    """The variants ranked first, when that means something: empty when no variant has a
    score, or when every variant shares the first rank (then nothing ranks above anything)."""
    scored = [e for e in ranking if e.score is not None]
    if not scored:
        return ()
    first = tuple(e.variant for e in ranking if e.rank == 1)
    if len(first) == len(ranking) and len(ranking) > 1:
        return ()
    return first


def ranks(ranking: Sequence[RankEntry]) -> Mapping[str, int]:
    """Variant id -> rank."""
    return {e.variant: e.rank for e in ranking}


def describe(ranking: Sequence[RankEntry]) -> str:
    """``a > b = c > d``: ``=`` joins variants that share a rank."""
    parts: list[str] = []
    for k, e in enumerate(ranking):
        if k:
            parts.append(" = " if e.rank == ranking[k - 1].rank else " > ")
        parts.append(e.variant)
    return "".join(parts)
