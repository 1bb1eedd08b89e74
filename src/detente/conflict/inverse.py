"""Inverse analysis: what an actor's preferences must satisfy for a target state to be stable.

Sources
-------
Kinsara, R.A., Kilgour, D.M., Hipel, K.W. (2015). "Inverse approach to the graph model for
conflict resolution". *IEEE Transactions on Systems, Man, and Cybernetics: Systems* 45(5),
734-742. Kinsara, R.A. (2015). *Negotiation Support System with Third Party Intervention*, PhD
thesis, University of Waterloo, §5.2: the inverse preference structures (IPS) "Nash IPS",
"GMR IPS", "SMR IPS" and "SEQ IPS" of a desired equilibrium ``s_E``, e.g. Definition 5.2.6: a
GMR IPS is a preference profile such that for each ``q ∈ R_i^+(s_E)`` some ``k ∈ R_{N-i}(q)``
has ``P_i(k) ≤ P_i(s_E)``. Kinsara, Petersons, Hipel and Kilgour (2015), "Advanced decision
support for the graph model for conflict resolution", *Journal of Decision Systems* 24(2): the
inverse component of GMCR+, which enumerates rankings (``(m!)^n`` profiles; gmcr.md lists its
flaws). Stability definitions: Fang, Hipel and Kilgour (1993), *Interactive Decision Making*,
ch. 3; Fang, Hipel, Kilgour and Peng (2003), GMCR II part 1 (see :mod:`.stability`).

The conditions (answer a)
-------------------------
Fix actor ``i``, the target ``s`` and ``H = N - {i}``. Any of ``i``'s unilateral moves ``t ∈
R_i(s)`` becomes an improvement under *some* preference, so the inverse question ranges over
all of ``R_i(s)``. Writing ``x ≼ s`` for "``i`` ranks ``x`` at or below ``s``", ``s`` is stable
for ``i`` exactly when every move ``t`` satisfies

* **Nash**: ``t ≼ s``;
* **GMR**: ``t ≼ s`` or some ``s2 ∈ R_H(t)`` has ``s2 ≼ s``;
* **SMR**: ``t ≼ s`` or some ``s2 ∈ R_H(t)`` has ``s2 ≼ s`` and ``s3 ≼ s`` for all
  ``s3 ∈ R_i(s2)``;
* **SEQ**: ``t ≼ s`` or some ``s2 ∈ R_H^+(t)`` has ``s2 ≼ s``. ``R_H^+`` is built from the
  opponents' unilateral improvements, so it depends on *their* preferences: they are held at
  their current values (only ``i``'s preference varies).

Each condition is a disjunction of *groups*: a group is a set of states that must all rank at
or below ``s`` (``{t}``; ``{s2}``; for SMR ``{s2} ∪ R_i(s2)``). ``R_H(t)`` and ``R_H^+(t)`` are
reached by legal sequences (no opponent twice in succession; ``sanctions="distinct"``: each
opponent at most once, as GMCR+). Opponents never change ``i``'s options, so the sanction
states of different moves lie in disjoint sub-spaces; they are found for all moves at once by
one breadth-first search over ``(state, last mover)`` nodes, vectorised per level.

The smallest change (answer b)
------------------------------
**Measure.** The number of pairs of states whose comparison (``≻``, ``~``, ``≺``) differs
between the actor's current and new preference: on strict rankings this is Kendall's tau
distance, the number of swaps of adjacent states. It was chosen over counting statements
added, removed or reordered because (i) it reads as concrete advice ("rank YNNY below NNYN";
"rank the target above NNYY"), whatever way the preference was entered; (ii) it can be
minimised exactly and fast, while a statement edit moves thousands of states at once, many
rankings cannot be written as statements at all, and the space of possible new statements is
unbounded, so "fewest statement edits" has no well-posed exact answer. The change is returned
as an explicit ranking of the feasible states.

**Algorithm.** For a set ``A`` of states that must rank at or below ``s``, an optimal new
preference has this form: ``s`` either stays in its tie class or rises to just above some
class ``v``; the states of ``A`` still above it move to just below ``s`` (keeping their order);
nothing else moves. For strict rankings this follows from an exchange argument (if a state
kept above ``s`` lies below one that moves down, moving the first down as well or ``s`` up
past the second is cheaper); for rankings with ties it was checked against brute force over
every weak order on random instances of up to 8 states (not proven). With ``c_w`` the number
of other states in class ``w``, ``a_w`` the members of ``A`` in it and ``N`` the running count
of non-members from ``s``'s class upwards, the cost of level ``v`` is
``Σ_{P(s) ≤ w ≤ v} c_w + Σ_{w > v} a_w (1 + N(w) - N(v))``; every level is evaluated at once
with cumulative sums. For Nash, ``A`` is the set of improvements. For GMR and SEQ every group
is one state and the groups of different moves are disjoint; the lowest-ranked state of each
move's set (the move itself or a sanction) is an optimal witness (exchange argument on strict
rankings; brute force as above with ties), so no search is needed. For SMR the groups overlap:
one group per move is chosen by branch and bound, with the cost of the union so far (monotone
in ``A``) as bound, after dropping groups that contain another group of the same move. The
SMR result is exact unless a move has more than :data:`MAX_ALTERNATIVES` candidate groups
cheaper than the change found, or the search needs more than :data:`SEARCH_BUDGET` cost
evaluations; it then says ``exact = False`` (the change is still verified to make the target
stable).

The minimum is per actor, with the others' preferences unchanged. For Nash, GMR and SMR an
actor's stability depends only on its own preference, so applying every actor's change
together makes the target an equilibrium; for SEQ it may not (an actor's new preference
changes which sanctions are credible for the others): :attr:`InverseResult.after` reports the
engine's verdict with all changes applied.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import detente
from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.preferences import compress_ranks
from detente.conflict.result import CONCEPT_NAMES
from detente.conflict.stability import SANCTIONS
from detente.conflict.statespace import StateSpace, check_move_table
from detente.scenario.model import Preference, Scenario

IntArray = NDArray[np.int64]

#: Concepts with an inverse analysis (SIM has no pairwise form of this kind).
INVERSE_CONCEPTS = ("nash", "gmr", "smr", "seq")
#: Sanction states listed in full per move (beyond this only the count and the closest).
MAX_LISTED = 12
#: Closest sanctions reported per move.
N_CLOSEST = 3
#: Groups per move kept in the SMR search (the cheapest first); beyond this: not exact.
MAX_ALTERNATIVES = 64
#: Cost evaluations allowed in the SMR search before it stops (then: not exact).
SEARCH_BUDGET = 4000
#: Above this many feasible states the JSON omits the full new ranking.
MAX_RANKING_IN_JSON = 256


# -- result objects ----------------------------------------------------------------------------


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
class InverseResult:
    """What the preferences must satisfy for a target state to be stable, per actor.

    Attributes
    ----------
    scenario, digest, variant
        Which input produced this.
    options
        ``ACTOR.OPTION`` references in code order.
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
    parameters
        Layout, state count, timings.
    """

    scenario: str
    digest: str
    variant: str | None
    options: tuple[str, ...]
    target: int
    concept: str
    sanctions: str
    actors: tuple[ActorInverse, ...]
    after: Mapping[str, bool] | None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = detente.__version__

    # -- helpers ----------------------------------------------------------------------------
    def code_text(self, code: int) -> str:
        """Y/N text of a state code."""
        return "".join("Y" if (int(code) >> k) & 1 else "N" for k in range(len(self.options)))

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
        return CONCEPT_NAMES.get(self.concept, self.concept)

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

    def provenance(self) -> dict[str, Any]:
        """What produced this result."""
        return {
            "scenario": self.scenario,
            "digest": self.digest,
            "variant": self.variant,
            "concept": self.concept,
            "sanctions": self.sanctions,
            "target": self.code_text(self.target),
            "measure": "pairs of states whose comparison changes (Kendall tau on strict "
                       "rankings)",
            "opponents": ("held at their current preferences (SEQ sanctions depend on them)"
                          if self.concept == "seq" else "irrelevant to the conditions"),
            "detente": self.version,
            **dict(self.parameters),
        }


# -- moves and sanctions -------------------------------------------------------------------------


class _Moves:
    """Unilateral moves over feasible-state indices (a code-to-index table in dense layouts)."""

    def __init__(self, space: StateSpace) -> None:
        self.space = space
        self.table: NDArray[np.int32] | None = None
        if space.dense:
            table = np.full(1 << space.n_options, -1, dtype=np.int32)
            table[space.codes] = np.arange(space.n_states, dtype=np.int32)
            self.table = table

    def index(self, codes: IntArray) -> IntArray:
        """Feasible-state index of each code (``-1`` where infeasible)."""
        if self.space.all_feasible:
            return codes
        if self.table is not None:
            return self.table[codes].astype(np.int64)
        return self.space.position(codes)

    def neighbours(self, k: int, idx: IntArray, P: NDArray[Any] | None = None
                   ) -> tuple[IntArray, IntArray]:
        """Actor ``k``'s unilateral moves (improvements when ``P``, its payoff, is given) from
        the feasible states ``idx``: ``(position in idx, destination index)`` pairs."""
        space = self.space
        block = space.blocks[k]
        check_move_table(block.actor, block.width, int(np.size(idx)), block.size - 1,
                         "its move lists")
        codes = space.codes[idx]
        width_mask = np.int64((block.size - 1) << block.offset)
        sub = (codes >> block.offset) & (block.size - 1)
        base = codes & ~width_mask
        pos_parts: list[IntArray] = []
        dst_parts: list[IntArray] = []
        free = block.unrestricted
        Ps = None if P is None else P[idx]
        for b in range(block.size):  # the actor's sub-states: a structural loop, not per state
            allowed = sub != b if free else block.allowed(sub, b)
            src = np.flatnonzero(allowed)
            if not src.size:
                continue
            dst = self.index(base[src] | np.int64(b << block.offset))
            if not space.all_feasible:
                ok = dst >= 0
                src, dst = src[ok], dst[ok]
            if P is not None:
                assert Ps is not None
                keep = P[dst] > Ps[src]
                src, dst = src[keep], dst[keep]
            pos_parts.append(src)
            dst_parts.append(dst)
        if not pos_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(pos_parts), np.concatenate(dst_parts)


def reachable(
    space: StateSpace,
    movers: Sequence[int],
    starts: IntArray,
    *,
    payoffs: Sequence[NDArray[Any]] | None = None,
    distinct: bool = False,
    moves: _Moves | None = None,
) -> NDArray[np.bool_]:
    """States reachable from any of ``starts`` by a sequence of at least one move of ``movers``.

    Legal sequences (no mover twice in succession; Fang et al. 1993) or, with ``distinct``,
    each mover at most once (GMCR+). With ``payoffs`` (all actors', indexed by actor) every
    step must be a unilateral improvement of its mover (``R_H^+``). Breadth-first search over
    ``(state, last mover)`` (or ``(state, movers used)``) nodes, vectorised per level.

    Returns
    -------
    Boolean mask over the feasible states.
    """
    ops = moves if moves is not None else _Moves(space)
    n = space.n_states
    h = len(movers)
    ncol = (1 << h) if distinct else h + 1
    seen = np.zeros((ncol, n), dtype=bool)
    f_state = np.asarray(starts, dtype=np.int64)
    f_col = np.full(f_state.shape[0], 0 if distinct else h, dtype=np.int64)
    while f_state.size:
        new = np.zeros((ncol, n), dtype=bool)
        for j, k in enumerate(movers):
            sel = (f_col & (1 << j)) == 0 if distinct else f_col != j
            if not sel.any():
                continue
            fs, fc = f_state[sel], f_col[sel]
            if not distinct:  # the next node depends only on the state: one row per state
                mark = np.zeros(n, dtype=bool)
                mark[fs] = True
                fs = np.flatnonzero(mark)
            pos, dst = ops.neighbours(k, fs, None if payoffs is None else payoffs[k])
            if not dst.size:
                continue
            if distinct:
                new[fc[pos] | (1 << j), dst] = True
            else:
                new[j, dst] = True
        new &= ~seen
        seen |= new
        c, d = np.nonzero(new)
        f_state, f_col = d.astype(np.int64), c.astype(np.int64)
    return np.asarray(seen.any(axis=0))


# -- the measure ---------------------------------------------------------------------------------


class _Ranking:
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


def pair_changes(P: NDArray[Any], Q: NDArray[Any], moved: Iterable[int] | None = None) -> int:
    """Number of pairs of states whose comparison differs between rankings ``P`` and ``Q``.

    With ``moved``, only pairs involving those states are examined (the others must keep
    their relative order), in ``O(n · |moved|)``; otherwise all pairs, in ``O(n²)``.
    """
    P = np.asarray(P, dtype=np.int64)
    Q = np.asarray(Q, dtype=np.int64)
    if moved is None:
        sp = np.sign(P[:, None] - P[None, :])
        sq = np.sign(Q[:, None] - Q[None, :])
        return int(np.triu(sp != sq, 1).sum())
    idx = np.unique(np.fromiter(moved, dtype=np.int64))
    if not idx.size:
        return 0
    sp = np.sign(P[idx][:, None] - P[None, :])
    sq = np.sign(Q[idx][:, None] - Q[None, :])
    diff = sp != sq
    inside = np.zeros(P.shape[0], dtype=bool)
    inside[idx] = True
    outside_pairs = int(diff[:, ~inside].sum())
    within = diff[:, idx]
    return outside_pairs + int(np.triu(within, 1).sum())


# -- the SMR search ----------------------------------------------------------------------------


def _search(rk: _Ranking, alternatives: list[list[frozenset[int]]], budget: int
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


# -- the analysis --------------------------------------------------------------------------------


def _concept(concept: str) -> str:
    c = concept.strip().lower()
    if c == "r":
        c = "nash"
    if c not in INVERSE_CONCEPTS:
        raise ValueError(f"inverse analysis supports the concepts {', '.join(INVERSE_CONCEPTS)}; "
                         f"got {concept!r}")
    return c


def _target_index(scenario: Scenario, space: StateSpace, target: str | int) -> tuple[int, int]:
    code = scenario.parse_code(target) if isinstance(target, str) else int(target)
    if not 0 <= code < (1 << scenario.n_options):
        raise ValueError(f"target code {target!r} is out of range for {scenario.n_options} "
                         "options")
    pos = int(space.position(np.array([code], dtype=np.int64))[0])
    if pos < 0:
        raise ValueError(f"target {scenario.code_text(code)} is not a feasible state of "
                         f"{scenario.name!r}; choose a feasible state")
    return code, pos


def sanction_sets(
    space: StateSpace,
    P_all: Sequence[NDArray[Any]],
    i: int,
    s: int,
    concept: str,
    sanctions: str,
    ops: _Moves | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """Actor ``i``'s unilateral moves from the target ``s`` and the states that can answer
    each: ``R_{N-i}(t)`` (GMR, SMR) or ``R^+_{N-i}(t)`` (SEQ, from the opponents' payoffs in
    ``P_all``), by legal sequences (``sanctions="distinct"``: each opponent at most once).

    Opponents never change ``i``'s options, so the sets of different moves are disjoint; all
    are found by one breadth-first search.

    Returns
    -------
    moves, reached, owner
        The moves (feasible indices, increasing); every sanction state; the position in
        ``moves`` of the move each sanction state answers. Empty ``reached`` for Nash.
    """
    ops = _Moves(space) if ops is None else ops
    codes = space.codes
    _, moves = ops.neighbours(i, np.array([s], dtype=np.int64))
    moves = np.unique(moves)
    n_moves = moves.shape[0]
    if concept == "nash" or not n_moves:
        return moves, np.zeros(0, np.int64), np.zeros(0, np.int64)
    others = [k for k in range(len(P_all)) if k != i]
    mask = reachable(space, others, moves,
                     payoffs=list(P_all) if concept == "seq" else None,
                     distinct=sanctions == "distinct", moves=ops)
    reached = np.flatnonzero(mask)
    block = space.blocks[i]
    slot = np.full(block.size, -1, dtype=np.int64)
    slot[(codes[moves] >> block.offset) & (block.size - 1)] = np.arange(n_moves)
    owner = slot[(codes[reached] >> block.offset) & (block.size - 1)]
    return moves, reached, owner


def _analyse_actor(
    model: ConflictModel,
    P_all: Sequence[NDArray[Any]],
    i: int,
    s: int,
    concept: str,
    sanctions: str,
    moves_ops: _Moves | None = None,
) -> ActorInverse:
    space = model.space
    codes = space.codes
    actor = model.scenario.actors[i].id
    rk = _Ranking(P_all[i], s)
    P, rs = rk.P, rk.rs
    ops = _Moves(space) if moves_ops is None else moves_ops
    moves, reached, owner = sanction_sets(space, P_all, i, s, concept, sanctions, ops)
    n_moves = moves.shape[0]
    group_max = np.zeros(0, np.int64)
    members_g = np.zeros(0, np.int64)  # (group, member) pairs of SMR groups
    members_x = np.zeros(0, np.int64)
    if concept != "nash" and n_moves:
        order = np.lexsort((P[reached], owner))
        reached, owner = reached[order], owner[order]
        group_max = P[reached].copy()
        if concept == "smr":
            pos, dst = ops.neighbours(i, reached)
            np.maximum.at(group_max, pos, P[dst])
            members_g = np.concatenate([np.arange(reached.shape[0]), pos])
            members_x = np.concatenate([reached, dst])
            keep = P[members_x] > rs
            members_g, members_x = members_g[keep], members_x[keep]
            o = np.argsort(members_g, kind="stable")
            members_g, members_x = members_g[o], members_x[o]
    bounds = np.searchsorted(owner, np.arange(n_moves + 1))
    mbounds = np.searchsorted(members_g, np.arange(reached.shape[0] + 1))

    def needs_of(g: int) -> IntArray:
        if concept == "smr":
            return members_x[mbounds[g]: mbounds[g + 1]]
        x = reached[g]
        return np.array([x] if P[x] > rs else [], dtype=np.int64)

    def group_of(g: int) -> tuple[int, ...]:
        x = int(reached[g])
        if concept != "smr":
            return (int(codes[x]),)
        _, d = ops.neighbours(i, np.array([x], dtype=np.int64))
        return (int(codes[x]), *sorted(int(c) for c in codes[d]))

    conditions: list[MoveCondition] = []
    unmet: list[int] = []
    for m in range(n_moves):  # the target's few moves
        t = int(moves[m])
        lo, hi = int(bounds[m]), int(bounds[m + 1])
        gaps = group_max[lo:hi] - rs
        met = bool(P[t] <= rs or (gaps <= 0).any())
        if not met:
            unmet.append(m)
        listed = tuple(int(c) for c in codes[reached[lo:hi]]) if hi - lo <= MAX_LISTED else ()
        closest: list[Sanction] = []
        if hi > lo:
            first = np.argsort(gaps, kind="stable")[: 4 * N_CLOSEST + 1] + lo
            cands = []
            for g in first[reached[first] != t]:  # s2 = t repeats the first disjunct
                need = needs_of(int(g))
                swaps = rk.cost(need)[0] if need.size else 0
                cands.append((int(group_max[g] - rs), swaps, int(codes[reached[g]]), int(g),
                              need))
            cands.sort(key=lambda c: (max(c[0], 0), c[1], c[2]))
            for gap, swaps, code, g, need in cands[:N_CLOSEST]:
                closest.append(Sanction(code, group_of(g),
                                        tuple(sorted(int(c) for c in codes[need])), gap, swaps))
        conditions.append(MoveCondition(int(codes[t]), bool(P[t] > rs), met, hi - lo, listed,
                                        tuple(closest)))
    must_block = tuple(int(codes[moves[m]]) for m in unmet)
    if not unmet:
        return ActorInverse(actor, True, tuple(conditions), (), None)

    exact = True
    if concept in ("nash", "gmr", "seq"):
        # Nash: every improvement; GMR/SEQ: the lowest-ranked of {t} ∪ sanctions per move
        picks = []
        for m in unmet:
            t = int(moves[m])
            lo, hi = int(bounds[m]), int(bounds[m + 1])
            if hi > lo and P[reached[lo]] < P[t]:  # reached is sorted by rank within a move
                picks.append(int(reached[lo]))
            else:
                picks.append(t)
        A = np.unique(np.array(picks, dtype=np.int64))
    else:
        alternatives: list[list[frozenset[int]]] = []
        floor = None  # least cost of any group left out of the search (None: none left out)

        def lower(value: int) -> None:
            nonlocal floor
            floor = value if floor is None else min(floor, value)

        for m in unmet:
            t = int(moves[m])
            lo, hi = int(bounds[m]), int(bounds[m + 1])
            alts: dict[frozenset[int], None] = {frozenset([t]): None}
            if hi > lo:
                # groups by their highest member, then size; a group costs at least as much
                # as its highest member alone, which grows with that member's rank
                sizes = mbounds[lo + 1: hi + 1] - mbounds[lo:hi]
                order = np.lexsort((sizes, group_max[lo:hi])) + lo
                for n_seen, g in enumerate(order, start=1):
                    alts.setdefault(frozenset(int(x) for x in needs_of(int(g))), None)
                    if len(alts) >= 2 * MAX_ALTERNATIVES and n_seen < order.shape[0]:
                        lower(rk.cost_of_ranks(group_max[order[n_seen:n_seen + 1]])[0])
                        break
            pool = sorted(alts, key=lambda a: (len(a), sorted(a)))
            kept: list[frozenset[int]] = []
            for a in pool:  # drop supersets of a kept group (dominated)
                if not any(b <= a for b in kept):
                    kept.append(a)
            if len(kept) > MAX_ALTERNATIVES:
                kept.sort(key=lambda a: (rk.cost(np.fromiter(a, np.int64))[0], len(a),
                                         sorted(a)))
                lower(rk.cost(np.fromiter(kept[MAX_ALTERNATIVES], np.int64))[0])
                kept = kept[:MAX_ALTERNATIVES]
            alternatives.append(kept)
        chosen, exact = _search(rk, alternatives, SEARCH_BUDGET)
        if floor is not None and rk.cost(np.fromiter(chosen, np.int64))[0] > floor:
            exact = False  # a group left out might have given a cheaper change
        A = np.array(sorted(chosen), dtype=np.int64)

    cost, level = rk.cost(A)
    ranks, M = rk.apply(A, level)
    swaps = pair_changes(P, ranks, [s, *M.tolist()])
    if swaps != cost:  # pragma: no cover - the construction and the formula must agree
        raise AssertionError(f"inverse: change costs {swaps} pairs, formula says {cost}")
    below = ranks.astype(np.int64) < int(ranks[s])
    below[M] = False
    raised = np.flatnonzero((P >= rs) & below)
    raised = raised[np.argsort(-P[raised], kind="stable")]
    change = PreferenceChange(
        swaps=swaps,
        exact=exact,
        raised_above=tuple(int(c) for c in codes[raised]),
        lowered=tuple(int(c) for c in codes[M[np.argsort(-P[M], kind="stable")]]),
        ranks=ranks,
        codes=codes,
        raised_was_tied=tuple(bool(x) for x in P[raised] == rs),
    )
    return ActorInverse(actor, False, tuple(conditions), must_block, change)


def inverse(
    scenario: Scenario,
    target: str | int,
    concept: str = "gmr",
    actors: Sequence[str] | None = None,
    sanctions: str = "legal",
    *,
    model: ConflictModel | None = None,
    preferences: Mapping[str, Preference] | None = None,
    payoffs: Mapping[str, NDArray[np.unsignedinteger]] | None = None,
    verify: bool = True,
    max_states: int | None = None,
) -> InverseResult:
    """Inverse analysis: per actor, the preference conditions that make ``target`` stable
    under ``concept`` and the smallest change to the actor's preference that meets them.

    Parameters
    ----------
    scenario
        A validated scenario.
    target
        The desired state: a Y/N code (one letter per option) or an integer code.
    concept
        ``nash``, ``gmr`` (default), ``smr`` or ``seq``.
    actors
        Actor ids to analyse (default: all).
    sanctions
        ``"legal"`` (default, any legal sequence of opponents' moves) or ``"distinct"``
        (each opponent at most once, as GMCR+).
    model
        A :class:`ConflictModel` of the same structure, reused.
    preferences, payoffs
        Override the scenario's preferences or give payoff ranks directly.
    verify
        Apply every suggested change together and record the engine's verdict on the
        target in :attr:`InverseResult.after`.
    max_states
        State-space refusal limit.

    Returns
    -------
    InverseResult
        Conditions, unsanctioned improvements and suggested changes per actor.

    Examples
    --------
    >>> import detente
    >>> pd = detente.load_scenario(detente.scenario_path("prisoners-dilemma"))
    >>> r = inverse(pd, "YY", "nash")
    >>> [(a.actor, a.change.swaps) for a in r.actors]
    [('P1', 1), ('P2', 1)]
    >>> r.describe_change(r.actor("P1"))
    ['rank NY below YY']
    """
    t0 = time.perf_counter()
    conc = _concept(concept)
    if sanctions not in SANCTIONS:
        raise ValueError(f"sanctions must be 'legal' or 'distinct'; got {sanctions!r}")
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=max_states)
    space = model.space
    ids = scenario.actor_ids
    chosen = list(ids) if actors is None else list(dict.fromkeys(actors))
    for a in chosen:
        if a not in ids:
            raise ValueError(f"unknown actor {a!r}; choose from {', '.join(ids)}")
    code, s = _target_index(scenario, space, target)
    pay = dict(payoffs) if payoffs is not None else model.payoffs(preferences, scenario)
    P_all = [np.asarray(pay[a]) for a in ids]
    ops = _Moves(space)
    results = tuple(_analyse_actor(model, P_all, ids.index(a), s, conc, sanctions, ops)
                    for a in chosen)
    t1 = time.perf_counter()
    after: dict[str, bool] | None = None
    if verify:
        new = dict(pay)
        for r in results:
            if r.change is not None:
                new[r.actor] = r.change.ranks
        res = analyse(scenario, conc, sanctions, model=model, payoffs=new)
        after = {a: res.is_stable(conc, code, a) for a in chosen}
    return InverseResult(
        scenario=scenario.name,
        digest=scenario.digest,
        variant=scenario.variant,
        options=tuple(scenario.option_refs),
        target=code,
        concept=conc,
        sanctions=sanctions,
        actors=results,
        after=after,
        parameters={
            "layout": "dense" if space.dense else "sparse",
            "n_states": space.n_states,
            "seconds": round(time.perf_counter() - t0, 3),
            "inverse_seconds": round(t1 - t0, 3),
        },
    )
