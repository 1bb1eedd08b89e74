"""The inverse analysis itself (:func:`inverse`): per actor, the condition each move puts on its
preference (answer a) and the smallest change that meets them all (answer b).

The definitions, the measure and the algorithm are in the docstring of
:mod:`detente.conflict.inverse` (Kinsara, Kilgour and Hipel 2015; Kinsara 2015, §5.2). This
module walks one actor at a time through four short steps: the sanction groups of its moves
(:class:`_Groups`), the condition of every move, the set of states that must rank at or below
the target (one witness per unmet move, or the SMR search), and the change that puts them
there.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import INVERSE_CONCEPTS, check_sanctions, parse_concept
from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.inverse_measure import Ranking, cheapest_union, pair_changes
from detente.conflict.inverse_result import (
    MAX_LISTED,
    N_CLOSEST,
    ActorInverse,
    InverseResult,
    MoveCondition,
    PreferenceChange,
    Sanction,
)
from detente.conflict.inverse_sanctions import Moves, sanction_sets, target_index
from detente.errors import InputError
from detente.scenario.model import Preference, Scenario

IntArray = NDArray[np.int64]

#: Groups per move kept in the SMR search (the cheapest first); beyond this: not exact.
MAX_ALTERNATIVES = 64
#: Cost evaluations allowed in the SMR search before it stops (then: not exact).
SEARCH_BUDGET = 4000


# -- the sanction groups of one actor ----------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    """One actor's moves from the target and the sanction groups answering each.

    ``reached[g]`` is the sanction state of group ``g``, ``owner[g]`` the move it answers;
    groups are sorted by move, then by the actor's rank of the sanction state, and
    ``reached[bounds[m]:bounds[m + 1]]`` are those of move ``m``. ``group_max[g]`` is the
    highest rank in the group; for SMR the members of group ``g`` ranked above the target
    are ``members_x[mbounds[g]:mbounds[g + 1]]``.
    """

    actor: int
    concept: str
    moves: IntArray
    reached: IntArray
    owner: IntArray
    group_max: IntArray
    members_x: IntArray
    bounds: IntArray
    mbounds: IntArray

    def span(self, m: int) -> tuple[int, int]:
        """The groups of move ``m`` as ``(lo, hi)``."""
        return int(self.bounds[m]), int(self.bounds[m + 1])


def _groups(ops: Moves, P_all: Sequence[NDArray[Any]], rk: Ranking, i: int, s: int,
            concept: str, sanctions: str) -> _Groups:
    """The moves of actor ``i`` from ``s`` and their sanction groups (see :class:`_Groups`)."""
    P, rs = rk.P, rk.rs
    moves, reached, owner = sanction_sets(ops.space, P_all, i, s, concept, sanctions, ops)
    empty = np.zeros(0, np.int64)
    group_max, members_g, members_x = empty, empty, empty
    if concept != "nash" and moves.shape[0]:
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
    bounds = np.searchsorted(owner, np.arange(moves.shape[0] + 1))
    mbounds = np.searchsorted(members_g, np.arange(reached.shape[0] + 1))
    return _Groups(i, concept, moves, reached, owner, group_max, members_x, bounds, mbounds)


def _needs(gr: _Groups, rk: Ranking, g: int) -> IntArray:
    """The members of group ``g`` ranked above the target."""
    if gr.concept == "smr":
        return gr.members_x[gr.mbounds[g]: gr.mbounds[g + 1]]
    x = gr.reached[g]
    return np.array([x] if rk.P[x] > rk.rs else [], dtype=np.int64)


def _group_codes(gr: _Groups, ops: Moves, g: int) -> tuple[int, ...]:
    """Group ``g`` as state codes: the sanction state, then (SMR) the actor's moves from it."""
    codes = ops.space.codes
    x = int(gr.reached[g])
    if gr.concept != "smr":
        return (int(codes[x]),)
    _, d = ops.neighbours(gr.actor, np.array([x], dtype=np.int64))
    return (int(codes[x]), *sorted(int(c) for c in codes[d]))


# -- answer a: the condition of each move -------------------------------------------------------


def _closest(gr: _Groups, rk: Ranking, ops: Moves, m: int) -> tuple[Sanction, ...]:
    """The sanctions of move ``m`` the current preference comes closest to satisfying."""
    codes = ops.space.codes
    t = int(gr.moves[m])
    lo, hi = gr.span(m)
    if hi <= lo:
        return ()
    gaps = gr.group_max[lo:hi] - rk.rs
    first = np.argsort(gaps, kind="stable")[: 4 * N_CLOSEST + 1] + lo
    cands = []
    for g in first[gr.reached[first] != t]:  # s2 = t repeats the first disjunct
        need = _needs(gr, rk, int(g))
        swaps = rk.cost(need)[0] if need.size else 0
        cands.append((int(gr.group_max[g] - rk.rs), swaps, int(codes[gr.reached[g]]), int(g),
                      need))
    cands.sort(key=lambda c: (max(c[0], 0), c[1], c[2]))
    return tuple(Sanction(code, _group_codes(gr, ops, g),
                          tuple(sorted(int(c) for c in codes[need])), gap, swaps)
                 for gap, swaps, code, g, need in cands[:N_CLOSEST])


def _condition(gr: _Groups, rk: Ranking, ops: Moves, m: int) -> MoveCondition:
    """The condition move ``m`` puts on the actor's preference, and whether it is met."""
    codes = ops.space.codes
    t = int(gr.moves[m])
    lo, hi = gr.span(m)
    met = bool(rk.P[t] <= rk.rs or (gr.group_max[lo:hi] - rk.rs <= 0).any())
    listed = tuple(int(c) for c in codes[gr.reached[lo:hi]]) if hi - lo <= MAX_LISTED else ()
    return MoveCondition(int(codes[t]), bool(rk.P[t] > rk.rs), met, hi - lo, listed,
                         _closest(gr, rk, ops, m))


# -- answer b: what must rank at or below the target, and the change ----------------------------


def _lowest_witnesses(gr: _Groups, rk: Ranking, unmet: Sequence[int]) -> IntArray:
    """Nash: every improvement; GMR and SEQ: per unmet move, the lowest-ranked of the move
    and its sanction states (groups of one state, disjoint between moves)."""
    picks = []
    for m in unmet:
        t = int(gr.moves[m])
        lo, hi = gr.span(m)
        if hi > lo and rk.P[gr.reached[lo]] < rk.P[t]:  # sorted by rank within a move
            picks.append(int(gr.reached[lo]))
        else:
            picks.append(t)
    return np.unique(np.array(picks, dtype=np.int64))


def _alternatives(gr: _Groups, rk: Ranking, m: int) -> tuple[list[frozenset[int]], int | None]:
    """SMR: the groups of move ``m`` worth searching (supersets of another dropped, at most
    :data:`MAX_ALTERNATIVES`), and the least cost of any group left out (``None``: none)."""
    t = int(gr.moves[m])
    lo, hi = gr.span(m)
    floor: int | None = None
    alts: dict[frozenset[int], None] = {frozenset([t]): None}
    if hi > lo:
        # groups by their highest member, then size; a group costs at least as much as its
        # highest member alone, which grows with that member's rank
        sizes = gr.mbounds[lo + 1: hi + 1] - gr.mbounds[lo:hi]
        order = np.lexsort((sizes, gr.group_max[lo:hi])) + lo
        for n_seen, g in enumerate(order, start=1):
            alts.setdefault(frozenset(int(x) for x in _needs(gr, rk, int(g))), None)
            if len(alts) >= 2 * MAX_ALTERNATIVES and n_seen < order.shape[0]:
                floor = rk.cost_of_ranks(gr.group_max[order[n_seen:n_seen + 1]])[0]
                break
    kept: list[frozenset[int]] = []
    for a in sorted(alts, key=lambda a: (len(a), sorted(a))):
        if not any(b <= a for b in kept):  # drop supersets of a kept group (dominated)
            kept.append(a)
    if len(kept) > MAX_ALTERNATIVES:
        kept.sort(key=lambda a: (rk.cost(np.fromiter(a, np.int64))[0], len(a), sorted(a)))
        cut = rk.cost(np.fromiter(kept[MAX_ALTERNATIVES], np.int64))[0]
        floor = cut if floor is None else min(floor, cut)
        kept = kept[:MAX_ALTERNATIVES]
    return kept, floor


def _smr_witnesses(gr: _Groups, rk: Ranking, unmet: Sequence[int]) -> tuple[IntArray, bool]:
    """SMR: one group per unmet move, chosen by branch and bound; whether proven cheapest."""
    alternatives: list[list[frozenset[int]]] = []
    floors: list[int] = []
    for m in unmet:
        kept, floor = _alternatives(gr, rk, m)
        alternatives.append(kept)
        if floor is not None:
            floors.append(floor)
    chosen, exact = cheapest_union(rk, alternatives, SEARCH_BUDGET)
    if floors and rk.cost(np.fromiter(chosen, np.int64))[0] > min(floors):
        exact = False  # a group left out might have given a cheaper change
    return np.array(sorted(chosen), dtype=np.int64), exact


def _change(rk: Ranking, A: IntArray, exact: bool, codes: IntArray) -> PreferenceChange:
    """The cheapest change after which every state of ``A`` ranks at or below the target."""
    P, s, rs = rk.P, rk.s, rk.rs
    cost, level = rk.cost(A)
    ranks, M = rk.apply(A, level)
    swaps = pair_changes(P, ranks, [s, *M.tolist()])
    if swaps != cost:  # pragma: no cover - the construction and the formula must agree
        raise AssertionError(f"inverse: change costs {swaps} pairs, formula says {cost}")
    below = ranks.astype(np.int64) < int(ranks[s])
    below[M] = False
    raised = np.flatnonzero((P >= rs) & below)
    raised = raised[np.argsort(-P[raised], kind="stable")]
    return PreferenceChange(
        swaps=swaps,
        exact=exact,
        raised_above=tuple(int(c) for c in codes[raised]),
        lowered=tuple(int(c) for c in codes[M[np.argsort(-P[M], kind="stable")]]),
        ranks=ranks,
        codes=codes,
        raised_was_tied=tuple(bool(x) for x in P[raised] == rs),
    )


def _analyse_actor(
    model: ConflictModel,
    P_all: Sequence[NDArray[Any]],
    i: int,
    s: int,
    concept: str,
    sanctions: str,
    moves_ops: Moves | None = None,
) -> ActorInverse:
    """Answers a and b for actor ``i`` at the target index ``s``."""
    ops = Moves(model.space, model.moves.blocked) if moves_ops is None else moves_ops
    actor = model.scenario.actors[i].id
    rk = Ranking(P_all[i], s)
    gr = _groups(ops, P_all, rk, i, s, concept, sanctions)
    conditions = tuple(_condition(gr, rk, ops, m) for m in range(gr.moves.shape[0]))
    unmet = [m for m, c in enumerate(conditions) if not c.met]
    if not unmet:
        return ActorInverse(actor, True, conditions, (), None)
    must_block = tuple(int(model.space.codes[gr.moves[m]]) for m in unmet)
    if concept == "smr":
        A, exact = _smr_witnesses(gr, rk, unmet)
    else:
        A, exact = _lowest_witnesses(gr, rk, unmet), True
    return ActorInverse(actor, False, conditions, must_block,
                        _change(rk, A, exact, model.space.codes))


# -- the entry point ----------------------------------------------------------------------------


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

    Raises
    ------
    ValueError
        For an unknown concept or actor, or a target of the wrong length, with other letters
        or infeasible.

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
    conc = parse_concept(concept, INVERSE_CONCEPTS)
    check_sanctions(sanctions)
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=max_states)
    space = model.space
    ids = scenario.actor_ids
    chosen = list(ids) if actors is None else list(dict.fromkeys(actors))
    for a in chosen:
        if a not in ids:
            raise InputError(f"unknown actor {a!r}; choose from {', '.join(ids)}")
    code, s = target_index(scenario, space, target)
    pay = dict(payoffs) if payoffs is not None else model.payoffs(preferences, scenario)
    P_all = [np.asarray(pay[a]) for a in ids]
    ops = Moves(space, model.moves.blocked)
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


__all__ = ["MAX_ALTERNATIVES", "SEARCH_BUDGET", "inverse"]
