"""Result objects of the inverse analysis (:mod:`detente.conflict.inverse`): the condition
each move puts on an actor's preference, the smallest change, and their words and JSON.

The conditions and the measure are defined in the docstring of :mod:`detente.conflict.inverse`
(Kinsara, Kilgour and Hipel 2015).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import concept_name
from detente.conflict.result import ConflictResult
from detente.display import dataframe
from detente.scenario.model import Preference

IntArray = NDArray[np.int64]

#: Sanction states listed in full per move (beyond this only the count and the closest).
MAX_LISTED = 12
#: Closest sanctions reported per move.
N_CLOSEST = 3
#: Above this many feasible states the JSON omits the full new ranking.
MAX_RANKING_IN_JSON = 256


@dataclass(frozen=True)
class Sanction:
    """One way to answer a move: a sanction state and what must rank at or below the target.

    Attributes
    ----------
    state
        The sanction state ``s2`` (code).
    group
        Every state that must rank at or below the target for ``s2`` to work: ``s2`` (GMR,
        SEQ), or ``s2`` and the actor's moves from it (SMR).
    needs
        The members of ``group`` that now rank above the target (empty: the sanction works).
    gap
        How many preference classes the highest member of ``group`` lies above the target
        (``≤ 0``: already at or below it).
    swaps
        Pairwise changes needed to satisfy this move by this sanction alone (0 if it works).
    """

    state: int
    group: tuple[int, ...]
    needs: tuple[int, ...]
    gap: int
    swaps: int

    def to_dict(self, text: Any) -> dict[str, Any]:
        """JSON form; ``text`` turns a code into its Y/N text."""
        return {"state": text(self.state), "group": [text(c) for c in self.group],
                "needs": [text(c) for c in self.needs], "gap": self.gap, "swaps": self.swaps}


@dataclass(frozen=True)
class MoveCondition:
    """The condition one unilateral move ``t`` of the actor puts on its preference.

    ``t ≼ target``, or (GMR, SMR, SEQ) one of the sanction groups entirely ``≼ target``.

    Attributes
    ----------
    move
        The state ``t`` the actor can move to from the target (code).
    improvement
        Whether ``t`` is now an improvement for the actor (ranked above the target).
    met
        Whether the current preference satisfies the condition.
    n_sanctions
        Number of sanction states ``s2`` (0 for Nash).
    sanctions
        All sanction states when there are at most :data:`MAX_LISTED`, else empty.
    closest
        The sanctions the current preference comes closest to satisfying (smallest gap, then
        fewest pairwise changes).
    """

    move: int
    improvement: bool
    met: bool
    n_sanctions: int
    sanctions: tuple[int, ...]
    closest: tuple[Sanction, ...]


@dataclass(frozen=True)
class PreferenceChange:
    """The smallest change (in pairwise comparisons) to the actor's preference.

    Attributes
    ----------
    swaps
        Number of pairs of states whose comparison changes (Kendall tau on strict rankings).
    exact
        Whether ``swaps`` is proven minimal (see the module docstring).
    raised_above
        States the target now ranks strictly above that it ranked below or tied with
        (those it ranked below first).
    lowered
        States moved to just below the target (they ranked above it).
    ranks
        The new preference as ranks over the feasible states (higher preferred), ready for
        ``analyse(..., payoffs=...)``.
    codes
        The feasible state codes, aligned with ``ranks``.
    raised_was_tied
        For each of ``raised_above``, whether it was tied with the target.
    """

    swaps: int
    exact: bool
    raised_above: tuple[int, ...]
    lowered: tuple[int, ...]
    ranks: NDArray[np.unsignedinteger]
    codes: IntArray = field(repr=False)
    raised_was_tied: tuple[bool, ...] = ()

    def ranking(self) -> tuple[tuple[int, ...], ...]:
        """The new preference as tie groups of state codes, most preferred first."""
        order = np.argsort(-self.ranks.astype(np.int64), kind="stable")
        r = self.ranks[order]
        cuts = np.flatnonzero(np.diff(r.astype(np.int64))) + 1
        return tuple(tuple(int(c) for c in self.codes[g]) for g in np.split(order, cuts))

    def preference(self) -> Preference:
        """The new preference as an explicit ranking (``analyse(preferences=...)``)."""
        return Preference(kind="ranking", ranking=self.ranking(),
                          why="suggested by detente inverse analysis")


@dataclass(frozen=True)
class ActorInverse:
    """Inverse analysis of one actor at the target.

    Attributes
    ----------
    actor
        Actor id.
    stable
        Whether the target is stable for the actor under its current preference.
    conditions
        One :class:`MoveCondition` per unilateral move from the target (answer a).
    must_block
        The moves that are now unsanctioned improvements (the conditions not met).
    change
        The smallest preference change making the target stable (answer b); ``None`` when
        the actor is already stable.
    """

    actor: str
    stable: bool
    conditions: tuple[MoveCondition, ...]
    must_block: tuple[int, ...]
    change: PreferenceChange | None


@dataclass(frozen=True)
class InverseResult(ConflictResult):
    """What the preferences must satisfy for a target state to be stable, per actor.

    Attributes
    ----------
    scenario, digest, variant, options, parameters, version
        Provenance (:class:`~detente.conflict.result.ConflictResult`); ``parameters`` holds
        the layout, the state count and timings.
    target
        The target state code.
    concept
        ``nash``, ``gmr``, ``smr`` or ``seq``.
    sanctions
        ``legal`` or ``distinct``.
    actors
        One :class:`ActorInverse` per analysed actor.
    after
        Engine verdict, per analysed actor, on the target's stability once every suggested
        change is applied together (``None`` when not verified).
    """

    target: int
    concept: str
    sanctions: str
    actors: tuple[ActorInverse, ...]
    after: Mapping[str, bool] | None

    # -- helpers ----------------------------------------------------------------------------
    def actor(self, actor_id: str) -> ActorInverse:
        """The analysis of one actor."""
        for a in self.actors:
            if a.actor == actor_id:
                return a
        raise KeyError(actor_id)

    @property
    def stable_now(self) -> bool:
        """Whether the target is stable for every analysed actor today."""
        return all(a.stable for a in self.actors)

    @property
    def concept_name(self) -> str:
        """Display name of the concept."""
        return concept_name(self.concept)

    def changes(self) -> dict[str, PreferenceChange]:
        """The suggested changes by actor (actors already stable are absent)."""
        return {a.actor: a.change for a in self.actors if a.change is not None}

    def payoffs_after(self, payoffs: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
        """``payoffs`` with every suggested change applied."""
        out = dict(payoffs)
        out.update({k: v.ranks for k, v in self.changes().items()})
        return out

    # -- words --------------------------------------------------------------------------------
    def _list(self, codes: Sequence[int], limit: int = 5) -> str:
        names = [self.code_text(c) for c in codes[:limit]]
        if len(codes) > limit:
            return ", ".join(names) + f" and {len(codes) - limit} more"
        if len(names) > 1:
            return ", ".join(names[:-1]) + " and " + names[-1]
        return names[0] if names else ""

    def changes_from_target(self, code: int) -> str:
        """The options that differ from the target, e.g. ``NK.freeze Y→N``."""
        diff = int(code) ^ int(self.target)
        parts = [f"{ref} {'N→Y' if (int(code) >> k) & 1 else 'Y→N'}"
                 for k, ref in enumerate(self.options) if (diff >> k) & 1]
        return ", ".join(parts) or "no change"

    def describe_condition(self, actor: ActorInverse, cond: MoveCondition) -> str:
        """The condition one move puts on the actor's preference, in words."""
        T, t = self.code_text(self.target), self.code_text(cond.move)
        head = f"{t} ranked at or below {T}"
        if self.concept == "nash":
            return head
        where = ("the others can reach by their own improvements from" if self.concept == "seq"
                 else "the others can reach from")
        if cond.n_sanctions == 0:
            return f"{head} (there is no state {where} {t})"
        if self.concept == "smr":
            what = f"ranked at or below {T} together with every move of {actor.actor} from it"
        else:
            what = f"ranked at or below {T}"
        if cond.n_sanctions == 1 and cond.sanctions:
            return (f"{head}, or {self.code_text(cond.sanctions[0])} (the only state {where} "
                    f"{t}) {what}")
        return f"{head}, or one of the {cond.n_sanctions} states {where} {t} {what}"

    def describe_change(self, actor: ActorInverse) -> list[str]:
        """The suggested change in words (empty when the actor is already stable)."""
        ch = actor.change
        if ch is None:
            return []
        T = self.code_text(self.target)
        out = []
        tied = [c for c, w in zip(ch.raised_above, ch.raised_was_tied, strict=True) if w]
        over = [c for c, w in zip(ch.raised_above, ch.raised_was_tied, strict=True) if not w]
        if over:
            out.append(f"rank {T} above {self._list(over)}")
        if tied:
            what = "the state" if len(tied) == 1 else f"the {len(tied)} states"
            out.append(f"rank {T} strictly above {what} it was tied with "
                       f"({self._list(tied, 3)})")
        if ch.lowered:
            out.append(f"rank {self._list(ch.lowered)} below {T}")
        return out

    # -- conversions ------------------------------------------------------------------------
    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per (actor, stability condition). Needs pandas."""
        rows = [{"actor": a, **c} for a, d in self.to_dict()["actors"].items()
                for c in d["conditions"]]
        return dataframe(rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able structure (``detente inverse --json``)."""
        text = self.code_text
        actors: dict[str, Any] = {}
        for a in self.actors:
            conds = []
            for c in a.conditions:
                conds.append({
                    "move": text(c.move),
                    "improvement": c.improvement,
                    "met": c.met,
                    "condition": self.describe_condition(a, c),
                    "n_sanctions": c.n_sanctions,
                    "sanctions": [text(x) for x in c.sanctions],
                    "closest": [s.to_dict(text) for s in c.closest],
                })
            change: dict[str, Any] | None = None
            if a.change is not None:
                ch = a.change
                change = {
                    "swaps": ch.swaps,
                    "exact": ch.exact,
                    "raised_above": [text(x) for x in ch.raised_above],
                    "raised_was_tied": list(ch.raised_was_tied),
                    "lowered": [text(x) for x in ch.lowered],
                    "describe": self.describe_change(a),
                }
                if ch.codes.shape[0] <= MAX_RANKING_IN_JSON:
                    change["ranking"] = [[text(x) for x in g] for g in ch.ranking()]
            actors[a.actor] = {
                "stable": a.stable,
                "must_block": [text(x) for x in a.must_block],
                "conditions": conds,
                "change": change,
            }
        return {
            "scenario": self.scenario,
            "target": text(self.target),
            "concept": self.concept,
            "sanctions": self.sanctions,
            "options": list(self.options),
            "stable_now": self.stable_now,
            "actors": actors,
            "after": None if self.after is None else dict(self.after),
            "provenance": self.provenance(),
        }

    def _provenance_items(self) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "sanctions": self.sanctions,
            "target": self.code_text(self.target),
            "measure": "pairs of states whose comparison changes (Kendall tau on strict "
                       "rankings)",
            "opponents": ("held at their current preferences (SEQ sanctions depend on them)"
                          if self.concept == "seq" else "irrelevant to the conditions"),
        }


__all__ = [
    "MAX_LISTED",
    "MAX_RANKING_IN_JSON",
    "N_CLOSEST",
    "ActorInverse",
    "InverseResult",
    "MoveCondition",
    "PreferenceChange",
    "Sanction",
]
