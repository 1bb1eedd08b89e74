"""Why a state is (or is not) stable: each improvement, and the shortest sanction against it.

For one state ``s`` and one stability concept, :func:`explain_state` lists for every actor
``i`` each unilateral improvement ``s1 ∈ R_i^+(s)``, whether the concept's sanction condition
deters it, and one *shortest sanction* (or why none exists). Where the scenario declares
coalitions of two or more actors it does the same for each coalition's joint improvements.
The page ``docs/discussion/explain.md`` explains sanctions under each concept and rule.

Sources
-------
Fang, L., Hipel, K.W., Kilgour, D.M. (1993). *Interactive Decision Making: The Graph Model for
Conflict Resolution*. Wiley, ch. 3: unilateral improvements, legal sequences of moves, and
the sanction conditions of GMR, SMR and SEQ; §3.2.5 simultaneous sanctioning (SIM).
Kilgour, D.M., Hipel, K.W., Fang, L., Peng, X. (2001), *Group Decision and Negotiation*
10(2); Inohara, T., Hipel, K.W. (2008), *Systems Engineering* 11(4): coalition improvements
and coalition stability, as :mod:`detente.conflict.coalitions` implements them.
Kinsara, R.A., Petersons, O., Hipel, K.W., Kilgour, D.M. (2015), "Advanced decision support
for the graph model for conflict resolution", *J. Decision Systems* (GMCR+): the "distinct"
rule, where each opponent moves at most once.

Definitions
-----------
A **sanction** against an improvement ``s -> s1`` of actor ``i`` is the list of states
``[x_1, ..., x_k]`` (``k >= 1``) reached by the opponents' successive moves after the
improvement: ``x_1`` is reached from ``s1`` by one opponent's unilateral move, each ``x_{t+1}``
from ``x_t`` by another, such that

* GMR: the moves form a legal sequence (no opponent twice in succession; with
  ``sanctions="distinct"`` no opponent twice at all) and ``P_i(x_k) <= P_i(s)``;
* SEQ: as GMR, and every move is a unilateral *improvement* for the opponent who makes it;
* SMR: as GMR, and moreover every state ``i`` can reach from ``x_k`` in one move is no better
  for ``i`` than ``s``; ``counter`` reports ``i``'s best reply from ``x_k`` and why it fails;
* SIM: one state ``[x]``: the opponents' unilateral improvements *from s*, made at the same
  time as ``i``'s move (each opponent keeps its options or takes one of them), combined with
  ``i``'s options at ``s1``; ``x`` must be feasible and ``P_i(x) <= P_i(s)``;
* Nash: no sanction is considered; every improvement makes ``s`` unstable.

An improvement is *deterred* when a sanction exists. ``s`` is stable for ``i`` exactly when
every improvement is deterred; this is the engine's verdict (:func:`~detente.conflict.analyse`).
The sanction reported is a **shortest** one (fewest opponents' moves; for SIM, fewest
opponents responding), found by breadth-first search over the nodes ``(state, last mover)``
(``(state, movers used)`` under the distinct rule) of the move graph restricted as the concept
requires; among the shortest, the one ending at the state ``i`` likes least, then the lowest
state code. Each BFS level is expanded for all frontier nodes at once (CSR gathers).

For a coalition ``H`` (``|H| >= 2``) the same is done with its coalition improvements
``R_H^{++}(s)`` and the coalition conditions of :mod:`detente.conflict.coalitions`: a sanction
ends at a state that is not a gain for ``H`` (some member likes it no better than ``s``), is
made by single actors outside ``H`` (for SEQ also by the class's coalitions disjoint from
``H``, each step one unit's improvement), and for SMR leaves ``H`` no joint escape to a
gain. Coalition sanctions always follow the legal rule, as the coalition analysis does; SIM
has no coalition form.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import detente
from detente.conflict.coalitions import (
    MoveGraph,
    coalition_class,
    legal_closure,
    make_move,
    member_path,
    unpack_columns,
)
from detente.conflict.concepts import CONCEPT_NAMES, check_sanctions, parse_concept
from detente.conflict.engine import ConflictModel, build_model, structure_key
from detente.conflict.result import JsonResult
from detente.conflict.stability import pack_columns
from detente.errors import InputError
from detente.scenario import Scenario, variant_of
from detente.scenario.model import Preference

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Step = Callable[[IntArray], tuple[IntArray, IntArray]]

#: Largest number of simultaneous-response combinations built in one array (SIM).
SIM_CHUNK = 1 << 20


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SanctionStep:
    """One move of a sanction: who moves, from which state to which, and what changes."""

    mover: str
    source: str
    target: str
    changes: tuple[tuple[str, bool], ...]

    def describe(self) -> str:
        """``MOVER moves to TARGET (OPTION N→Y, ...)``."""
        parts = ", ".join(f"{ref} {'N→Y' if taken else 'Y→N'}" for ref, taken in self.changes)
        return f"{self.mover} moves to {self.target} ({parts})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"mover": self.mover, "from": self.source, "to": self.target,
                "changes": [{"option": ref, "to": "Y" if taken else "N"}
                            for ref, taken in self.changes]}


@dataclass(frozen=True)
class ImprovementExplanation:
    """One improvement from the explained state and whether the concept deters it.

    Attributes
    ----------
    to
        The state the improvement reaches (``Y``/``N`` code).
    changes
        ``(option reference, taken at `to`)`` for every option that changes.
    deterred
        Whether a sanction exists (see the module docstring).
    sanction
        A shortest sanction: the states after the improvement (``None`` when not deterred).
    steps
        The moves of the sanction (one per state of ``sanction``; for SIM one combined step).
    counter
        SMR only: the actor's (or coalition's) best reply from the sanction's last state and
        why it fails, or, for an undeterred improvement, the escape that defeats a sanction.
    why
        One sentence saying why the improvement is deterred or not.
    via
        Joint improvements: the members' unilateral moves from the state to ``to``.
    """

    to: str
    changes: tuple[tuple[str, bool], ...]
    deterred: bool
    sanction: tuple[str, ...] | None
    steps: tuple[SanctionStep, ...]
    why: str
    counter: Mapping[str, Any] | None = None
    via: tuple[SanctionStep, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {
            "to": self.to,
            "changes": [{"option": ref, "to": "Y" if taken else "N"}
                        for ref, taken in self.changes],
            "deterred": self.deterred,
            "sanction": None if self.sanction is None else list(self.sanction),
            "sanction_moves": None if self.sanction is None
            else [s.to_dict() for s in self.steps],
            "why": self.why,
        }
        if self.counter is not None:
            out["counter"] = dict(self.counter)
        if self.via:
            out["moves"] = [s.to_dict() for s in self.via]
        return out


@dataclass(frozen=True)
class MoverExplanation:
    """An actor (or a coalition) at the explained state.

    ``stable`` is true exactly when every improvement is deterred.
    """

    mover: str
    members: tuple[str, ...]
    stable: bool
    improvements: tuple[ImprovementExplanation, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"members": list(self.members), "stable": self.stable,
                "improvements": [m.to_dict() for m in self.improvements]}


@dataclass(frozen=True)
class Explanation(JsonResult):
    """Why one state is stable or not, actor by actor (and coalition by coalition).

    Attributes
    ----------
    scenario, digest, variant
        Which input produced this (name, SHA-256 of the data, applied variant).
    state
        The explained state (``Y``/``N`` code).
    concept
        ``nash``, ``gmr``, ``smr``, ``seq`` or ``sim``.
    sanctions
        ``legal`` or ``distinct`` (individual sanctions; coalition sanctions are legal).
    options
        ``ACTOR.OPTION`` references in code order.
    actors
        One :class:`MoverExplanation` per actor, in actor order.
    coalitions
        One per coalition of two or more actors in the class (empty when none).
    status_quo
        The scenario's status quo (code) or ``None``.
    notes
        Anything the reader should know (e.g. SIM has no coalition form).
    """

    scenario: str
    digest: str
    variant: str | None
    state: str
    concept: str
    sanctions: str
    options: tuple[str, ...]
    actors: tuple[MoverExplanation, ...]
    coalitions: tuple[MoverExplanation, ...] = ()
    status_quo: str | None = None
    notes: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = detente.__version__

    @property
    def stable(self) -> bool:
        """Whether the state is stable for every actor (an equilibrium under the concept)."""
        return all(a.stable for a in self.actors)

    def actor(self, actor_id: str) -> MoverExplanation:
        """The explanation for one actor."""
        for a in self.actors:
            if a.mover == actor_id:
                return a
        raise KeyError(actor_id)

    def provenance(self) -> dict[str, Any]:
        """What produced this result."""
        return {"scenario": self.scenario, "digest": self.digest, "variant": self.variant,
                "concept": self.concept, "sanctions": self.sanctions,
                "coalition_sanctions": "legal", "detente": self.version,
                **dict(self.parameters)}

    def to_dict(self) -> dict[str, Any]:
        """The JSON printed by ``detente explain --json``."""
        return {
            "scenario": self.scenario,
            "state": self.state,
            "concept": self.concept,
            "sanctions": self.sanctions,
            "status_quo": self.status_quo,
            "options": list(self.options),
            "equilibrium": self.stable,
            "actors": {a.mover: {"stable": a.stable,
                                 "improvements": [m.to_dict() for m in a.improvements]}
                       for a in self.actors},
            "coalitions": {c.mover: c.to_dict() for c in self.coalitions},
            "notes": list(self.notes),
            "provenance": self.provenance(),
        }

    def report(self) -> str:
        """Plain text, actor by actor (what ``detente explain`` prints)."""
        name = CONCEPT_NAMES.get(self.concept, self.concept)
        sq = " (status quo)" if self.state == self.status_quo else ""
        verdict = "an equilibrium" if self.stable else "not an equilibrium"
        lines = [f"{self.scenario}{f' [{self.variant}]' if self.variant else ''}: state "
                 f"{self.state}{sq} under {name} (sanctions: {self.sanctions}) is {verdict}."]
        for m in (*self.actors, *self.coalitions):
            lines.extend(_mover_lines(m, self.state))
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)


def _changes_text(changes: Sequence[tuple[str, bool]]) -> str:
    return ", ".join(f"{ref} {'N→Y' if taken else 'Y→N'}" for ref, taken in changes)


def _mover_lines(m: MoverExplanation, state: str) -> list[str]:
    kind = "coalition " if len(m.members) > 1 else ""
    n = len(m.improvements)
    if not n:
        return [f"{kind}{m.mover}: stable (no improvement from {state})"]
    undeterred = sum(not x.deterred for x in m.improvements)
    head = (f"{kind}{m.mover}: {'stable' if m.stable else 'NOT stable'} ({n} improvement"
            f"{'s' if n != 1 else ''}, {undeterred} not deterred)")
    lines = [head]
    for x in m.improvements:
        lines.append(f"  -> {x.to} ({_changes_text(x.changes)})")
        if x.sanction is not None:
            lines.append("     deterred by: " + ", then ".join(s.describe() for s in x.steps))
        lines.append(f"     {'' if x.deterred else 'not deterred: '}{x.why}")
    return lines


# -- breadth-first search for a shortest sanction --------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A BFS outcome: the path ``[(state, mover index), ...]`` to a goal, or ``None``; and
    how many distinct states the search reached."""

    path: list[tuple[int, int]] | None
    reached: int


def _shortest(n_states: int, steps: Sequence[Step], start: int, goal: BoolArray,
              rank: IntArray, distinct: bool) -> _Found:
    """Breadth-first search from ``start`` (at least one step) for a ``goal`` state.

    Nodes are ``(state, tag)``: the last mover (legal rule: no mover twice in succession) or
    the set of movers used (distinct rule: none twice). Each level is expanded for the whole
    frontier at once, one call per mover. Among the goal nodes of the first level that has
    any, the one with the lowest ``rank`` (then lowest state index) is returned.
    """
    m = len(steps)
    width = (1 << m) if distinct else m + 1
    frontier = np.array([start], dtype=np.int64)
    tags = np.array([0 if distinct else m], dtype=np.int64)
    visited = frontier * width + tags
    reached = np.zeros(n_states, dtype=bool)
    levels: list[tuple[IntArray, IntArray, IntArray]] = []  # (state, parent pos, mover)
    while frontier.size:
        parts: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
        for j, step in enumerate(steps):
            allowed = ((tags >> j) & 1) == 0 if distinct else tags != j
            idx = np.flatnonzero(allowed)
            if not idx.size:
                continue
            pos, dst = step(frontier[idx])
            if not dst.size:
                continue
            parent = idx[pos]
            new_tag = tags[parent] | (1 << j) if distinct else np.full(dst.shape[0], j)
            parts.append((dst, new_tag.astype(np.int64), parent,
                          np.full(dst.shape[0], j, dtype=np.int64)))
        if not parts:
            break
        dst, tag, parent, mover = (np.concatenate(x) for x in zip(*parts, strict=True))
        keys = dst * width + tag
        fresh = ~np.isin(keys, visited)
        dst, tag, parent, mover, keys = (a[fresh] for a in (dst, tag, parent, mover, keys))
        if not dst.size:
            break
        _, first = np.unique(keys, return_index=True)
        first.sort()
        dst, tag, parent, mover, keys = (a[first] for a in (dst, tag, parent, mover, keys))
        visited = np.union1d(visited, keys)
        reached[dst] = True
        levels.append((dst, parent, mover))
        hits = np.flatnonzero(goal[dst])
        if hits.size:
            best = hits[np.lexsort((dst[hits], rank[dst[hits]]))[0]]
            path: list[tuple[int, int]] = []
            p = int(best)
            for lvl in range(len(levels) - 1, -1, -1):
                s_, par, mv = levels[lvl]
                path.append((int(s_[p]), int(mv[p])))
                p = int(par[p])
            path.reverse()
            return _Found(path, int(reached.sum()))
        frontier, tags = dst, tag
    return _Found(None, int(reached.sum()))


# -- the explanation -------------------------------------------------------------------------


class _Context:
    """Shared state of one explanation: move graph, codes, names."""

    def __init__(self, scenario: Scenario, model: ConflictModel,
                 payoffs: Mapping[str, NDArray[np.unsignedinteger]]) -> None:
        self.scenario = scenario
        self.g = MoveGraph(model, payoffs)
        self.codes = model.space.codes
        self.options = tuple(scenario.option_refs)
        self.ids = tuple(scenario.actor_ids)
        self.n = self.g.n

    def text(self, idx: int) -> str:
        return self.scenario.code_text(int(self.codes[idx]))

    def step(self, mover: str, a: int, b: int) -> SanctionStep:
        mv = make_move(self.options, (mover,), int(self.codes[a]), int(self.codes[b]))
        return SanctionStep(mover, self.text(a), self.text(b), mv.changes)

    def changes(self, a: int, b: int) -> tuple[tuple[str, bool], ...]:
        return make_move(self.options, ("",), int(self.codes[a]), int(self.codes[b])).changes

    def steps_of(self, path: list[tuple[int, int]], start: int, names: Sequence[str]
                 ) -> tuple[SanctionStep, ...]:
        out = []
        prev = start
        for state, mv in path:
            out.append(self.step(names[mv], prev, state))
            prev = state
        return tuple(out)


def _parse_state(scenario: Scenario, model: ConflictModel, state: str | int) -> int:
    """Feasible-state index of ``state`` (a ``Y``/``N`` code or an integer code)."""
    if isinstance(state, str):
        code = scenario.parse_code(state)
        label = state.strip().upper()
    else:
        code = int(state)
        if code < 0 or code >= (1 << scenario.n_options):
            raise InputError(f"state code {code} is out of range for {scenario.n_options} options")
        label = scenario.code_text(code)
    pos = int(model.space.position(np.array([code], dtype=np.int64))[0])
    if pos < 0:
        broken = [c.text for c in scenario.infeasible
                  if bool(c.holds(np.array([code], dtype=np.int64))[0])]
        because = f" (it meets the infeasibility condition {broken[0]!r})" if broken else ""
        raise InputError(f"{scenario.source}: state {label} is not a feasible state{because}; "
                         "give a feasible state (`detente stability` lists them)")
    return pos


def explain_state(
    scenario: Scenario,
    state: str | int,
    concept: str = "seq",
    sanctions: str = "legal",
    *,
    variant: str | None = None,
    coalitions: str | Iterable[Iterable[str]] | None = None,
    model: ConflictModel | None = None,
    preferences: Mapping[str, Preference] | None = None,
    payoffs: Mapping[str, NDArray[np.unsignedinteger]] | None = None,
) -> Explanation:
    """Explain why ``state`` is stable or not for each actor (and coalition) under ``concept``.

    Parameters
    ----------
    scenario
        A validated scenario (see :func:`detente.load_scenario`).
    state
        The state: its ``Y``/``N`` code (one letter per option, in order) or integer code.
    concept
        ``nash``, ``gmr``, ``smr``, ``seq`` (default) or ``sim``.
    sanctions
        ``legal`` (default: any legal sequence of opponents' moves) or ``distinct`` (each
        opponent moves at most once, as GMCR+), as for :func:`~detente.conflict.analyse`.
    variant
        Apply this variant of ``scenario`` first (``None`` or ``"base"``: as given).
    coalitions
        The class of coalitions whose joint improvements are explained: ``None`` for the
        scenario's ``coalitions:`` (none if it has none), ``"all"``, or lists of actor ids.
        Only coalitions of two or more actors are explained.
    model, preferences, payoffs
        As for :func:`~detente.conflict.analyse` (reuse a built model; override preferences).

    Returns
    -------
    Explanation
        Per actor: stability, every unilateral improvement, whether it is deterred, a
        shortest sanction or why there is none (see the module docstring for the exact
        definitions); the same per coalition; ``to_dict()`` gives the CLI's JSON.

    Raises
    ------
    ValueError
        Unknown concept or sanction rule, or a malformed or infeasible state.

    Examples
    --------
    >>> import detente
    >>> from detente.conflict.explain import explain_state
    >>> pd = detente.load_scenario(detente.scenario_path("prisoners-dilemma"))
    >>> e = explain_state(pd, "YY", "gmr")
    >>> imp = e.actor("P1").improvements[0]
    >>> imp.to, imp.deterred, imp.sanction  # P1 defects; P2 answers by defecting too
    ('NY', True, ('NN',))
    """
    c = parse_concept(concept)
    check_sanctions(sanctions)
    if variant is not None and variant != "base" and scenario.variant != variant:
        scenario = variant_of(scenario, variant)
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario)
    pay = payoffs if payoffs is not None else model.payoffs(preferences, scenario)
    ctx = _Context(scenario, model, pay)
    s = _parse_state(scenario, model, state)
    distinct = sanctions == "distinct"
    actors = tuple(_explain_actor(ctx, i, s, c, distinct) for i in range(len(ctx.ids)))
    notes: list[str] = []
    joint: tuple[MoverExplanation, ...] = ()
    if coalitions is not None or scenario.coalitions:
        cls = coalition_class(scenario, coalitions)
        big = [H for H in cls if len(H) > 1]
        if big and c == "sim":
            notes.append("SIM has no coalition form; joint improvements are not explained")
        elif big:
            joint = tuple(_explain_coalition(ctx, H, cls, s, c) for H in big)
    sq = None if scenario.status_quo is None else scenario.code_text(scenario.status_quo)
    return Explanation(
        scenario=scenario.name, digest=scenario.digest, variant=scenario.variant,
        state=ctx.text(s), concept=c, sanctions=sanctions, options=ctx.options,
        actors=actors, coalitions=joint, status_quo=sq, notes=tuple(notes),
        parameters={"n_states": ctx.n,
                    "layout": "dense" if model.space.dense else "sparse"},
    )


def _explain_actor(ctx: _Context, i: int, s: int, concept: str, distinct: bool
                   ) -> MoverExplanation:
    g = ctx.g
    me = ctx.ids[i]
    P = g.P[i]
    _, targets = g.improvements(i).rows(np.array([s], dtype=np.int64))
    targets = np.unique(targets)
    others = [k for k in range(len(ctx.ids)) if k != i]
    names = [ctx.ids[k] for k in others]
    rule = " (each opponent moving at most once)" if distinct else ""
    base_goal = P <= P[s]
    escape = g.moves(i).max_over(P)  # i's best payoff one move away (0 if none)
    out: list[ImprovementExplanation] = []
    for t in targets:  # a loop over the (few) improvements of one actor
        s1 = int(t)
        ch = ctx.changes(s, s1)
        if concept == "nash":
            out.append(ImprovementExplanation(
                ctx.text(s1), ch, False, None, (),
                f"Nash stability counts no sanction: {me} prefers {ctx.text(s1)} to "
                f"{ctx.text(s)} and can move there"))
            continue
        if concept == "sim":
            out.append(_explain_sim(ctx, i, s, s1, others))
            continue
        if not others:
            out.append(ImprovementExplanation(ctx.text(s1), ch, False, None, (),
                                              f"{me} has no opponents to sanction it"))
            continue
        moves_steps = [g.moves(k).rows for k in others]
        imp_steps = [g.improvements(k).rows for k in others]
        if concept == "smr":
            goal = base_goal & (escape <= P[s])
        else:
            goal = base_goal
        steps = imp_steps if concept == "seq" else moves_steps
        found = _shortest(ctx.n, steps, s1, goal, P, distinct)
        if found.path is not None:
            seq = ctx.steps_of(found.path, s1, names)
            last = found.path[-1][0]
            counter = _counter(ctx, i, s, last) if concept == "smr" else None
            why = (f"{me} likes {ctx.text(last)} no better than {ctx.text(s)}"
                   + (f"; {counter['why']}" if counter else ""))
            out.append(ImprovementExplanation(ctx.text(s1), ch, True,
                                              tuple(st.target for st in seq), seq, why,
                                              counter))
            continue
        # not deterred: say why
        counter = None
        if found.reached == 0:
            what = "has an improving move" if concept == "seq" else "can move"
            why = f"no opponent {what} from {ctx.text(s1)}{rule}"
        elif concept == "gmr":
            why = (f"every state the opponents can reach from {ctx.text(s1)}{rule} "
                   f"({found.reached}) leaves {me} better off than at {ctx.text(s)}")
        else:
            plain = _shortest(ctx.n, moves_steps, s1, base_goal, P, distinct)
            if plain.path is None:
                why = (f"every state the opponents can reach from {ctx.text(s1)}{rule} "
                       f"({plain.reached}) leaves {me} better off than at {ctx.text(s)}")
            elif concept == "seq":
                seq = ctx.steps_of(plain.path, s1, names)
                bad = next((st for st in seq if not _improves(ctx, st)), seq[0])
                why = (f"SEQ: the opponents' moves that would hurt {me} are not improvements "
                       f"for them (e.g. {bad.mover} would not gain by moving from "
                       f"{bad.source} to {bad.target}); their credible moves{rule} reach "
                       f"{found.reached} state{'s' if found.reached != 1 else ''}, each "
                       f"better for {me} than {ctx.text(s)}")
            else:  # smr
                seq = ctx.steps_of(plain.path, s1, names)
                last = plain.path[-1][0]
                counter = _counter(ctx, i, s, last)
                why = (f"SMR: every sanction leaves {me} an escape; e.g. after "
                       f"{', then '.join(st.describe() for st in seq)}, {counter['why']}")
        out.append(ImprovementExplanation(ctx.text(s1), ch, False, None, (), why, counter))
    stable = all(x.deterred for x in out)
    return MoverExplanation(me, (me,), stable, tuple(out))


def _improves(ctx: _Context, st: SanctionStep) -> bool:
    k = ctx.ids.index(st.mover)
    a = int(ctx.g.space.position(np.array([ctx.scenario.parse_code(st.source)]))[0])
    b = int(ctx.g.space.position(np.array([ctx.scenario.parse_code(st.target)]))[0])
    return bool(ctx.g.P[k][b] > ctx.g.P[k][a])


def _counter(ctx: _Context, i: int, s: int, last: int) -> dict[str, Any]:
    """SMR: actor ``i``'s best one-move reply from ``last`` and whether it beats ``s``."""
    g = ctx.g
    me = ctx.ids[i]
    P = g.P[i]
    _, replies = g.moves(i).rows(np.array([last], dtype=np.int64))
    if not replies.size:
        return {"state": None, "escapes": False,
                "why": f"{me} cannot move from {ctx.text(last)}"}
    best = int(replies[np.lexsort((replies, -P[replies]))[0]])
    escapes = bool(P[best] > P[s])
    if escapes:
        why = (f"{me} can move on to {ctx.text(best)}, which it prefers to {ctx.text(s)}")
    else:
        why = (f"{me}'s best reply from {ctx.text(last)} is {ctx.text(best)}, no better for "
               f"it than {ctx.text(s)}")
    return {"state": ctx.text(best), "escapes": escapes, "why": why}


def _explain_sim(ctx: _Context, i: int, s: int, s1: int, others: Sequence[int]
                 ) -> ImprovementExplanation:
    """SIM: the fewest opponents whose simultaneous improvements from ``s``, combined with
    ``i``'s move to ``s1``, give a feasible state no better for ``i`` than ``s``."""
    g = ctx.g
    space = g.space
    me = ctx.ids[i]
    P = g.P[i]
    code1 = int(ctx.codes[s1])
    subs: dict[int, IntArray] = {}
    for k in others:
        b = space.blocks[k]
        _, t = g.improvements(k).rows(np.array([s], dtype=np.int64))
        subs[k] = np.unique((ctx.codes[t] >> b.offset) & (b.size - 1))
    responders = [k for k in others if subs[k].size]
    ch = ctx.changes(s, s1)
    if not responders:
        return ImprovementExplanation(
            ctx.text(s1), ch, False, None, (),
            f"SIM: no opponent has an improvement from {ctx.text(s)} to make at the same time")
    for size in range(1, len(responders) + 1):
        best: tuple[int, int, tuple[int, ...]] | None = None
        for combo in itertools.combinations(responders, size):
            for codes in _combined(code1, [space.blocks[k] for k in combo],
                                   [subs[k] for k in combo]):
                pos = space.position(codes)
                ok = pos >= 0
                ok[ok] = P[pos[ok]] <= P[s]
                if ok.any():
                    cand = pos[ok]
                    x = int(cand[np.lexsort((cand, P[cand]))[0]])
                    key = (int(P[x]), x, combo)
                    if best is None or key[:2] < best[:2]:
                        best = key
        if best is not None:
            x, combo = best[1], best[2]
            mover = "+".join(ctx.ids[k] for k in combo)
            step = SanctionStep(mover, ctx.text(s1), ctx.text(x), ctx.changes(s1, x))
            return ImprovementExplanation(
                ctx.text(s1), ch, True, (ctx.text(x),), (step,),
                f"SIM: while {me} moves, {mover} improve{'s' if size == 1 else ''} from "
                f"{ctx.text(s)} at the same time, giving {ctx.text(x)}, which {me} likes no "
                f"better than {ctx.text(s)}")
    return ImprovementExplanation(
        ctx.text(s1), ch, False, None, (),
        f"SIM: no combination of the opponents' simultaneous improvements from {ctx.text(s)} "
        f"({', '.join(ctx.ids[k] for k in responders)} can respond), made while {me} moves, "
        f"gives a feasible state {me} likes no better than {ctx.text(s)}")


def _combined(base: int, blocks: Sequence[Any], subs: Sequence[IntArray]) -> Iterator[IntArray]:
    """Codes of ``base`` with each block replaced by one of its sub-states (every
    combination), in chunks of at most :data:`SIM_CHUNK` codes."""
    total = 1
    for x in subs:
        total *= int(x.shape[0])
    if total <= SIM_CHUNK or len(blocks) == 1:
        codes = np.array([base], dtype=np.int64)
        for b, x in zip(blocks, subs, strict=True):
            mask = np.int64((b.size - 1) << b.offset)
            codes = ((codes[:, None] & ~mask) | (x[None, :] << b.offset)).reshape(-1)
        yield codes
        return
    b0 = blocks[0]
    mask0 = (b0.size - 1) << b0.offset
    for v in subs[0]:  # split on the first responder's choices (bounded memory)
        yield from _combined((base & ~mask0) | (int(v) << b0.offset), blocks[1:], subs[1:])


def _explain_coalition(ctx: _Context, H: tuple[int, ...], cls: Sequence[tuple[int, ...]],
                       s: int, concept: str) -> MoverExplanation:
    """Joint improvements of coalition ``H`` and the coalition sanctions against them."""
    g = ctx.g
    label = "+".join(ctx.ids[k] for k in H)
    members = tuple(ctx.ids[k] for k in H)
    _, targets = g.coalition_improvements_from(H, np.array([s], dtype=np.int64))
    targets = np.unique(targets)
    others = [k for k in range(len(ctx.ids)) if k not in H]
    # not a gain for H: some member likes the state no better than s
    not_gain = np.zeros(ctx.n, dtype=bool)
    for j in H:
        not_gain |= g.P[j] <= g.P[j][s]
    rank = np.min(np.stack([g.P[j] - g.P[j][s] for j in H]), axis=0)
    escape: BoolArray | None = None
    if concept == "smr":
        gain = ~not_gain
        back = legal_closure([g.moves(j) for j in H], pack_columns(gain[:, None]))
        escape = unpack_columns(back, 1)[:, 0]
    out: list[ImprovementExplanation] = []
    for t in targets:
        s1 = int(t)
        via = tuple(ctx.step(ctx.ids[H[mv]], a, b) for a, b, mv in member_path(g, H, s, s1))
        ch = ctx.changes(s, s1)
        if concept == "nash":
            out.append(ImprovementExplanation(
                ctx.text(s1), ch, False, None, (),
                f"Nash stability counts no sanction: every member of {label} prefers "
                f"{ctx.text(s1)} to {ctx.text(s)}", via=via))
            continue
        if concept == "seq":
            units: list[Step] = [g.improvements(k).rows for k in others]
            unit_names = [ctx.ids[k] for k in others]
            for G in cls:
                if len(G) > 1 and not set(G) & set(H):
                    units.append(_joint_step(g, G))
                    unit_names.append("+".join(ctx.ids[k] for k in G))
        else:
            units = [g.moves(k).rows for k in others]
            unit_names = [ctx.ids[k] for k in others]
        goal = not_gain if escape is None else not_gain & ~escape
        found = _shortest(ctx.n, units, s1, goal, rank, False) if units else _Found(None, 0)
        counter: dict[str, Any] | None = None
        if found.path is not None:
            seq = ctx.steps_of(found.path, s1, unit_names)
            last = found.path[-1][0]
            who = [ctx.ids[j] for j in H if g.P[j][last] <= g.P[j][s]]
            why = f"{', '.join(who)} like{'s' if len(who) == 1 else ''} {ctx.text(last)} no " \
                  f"better than {ctx.text(s)}"
            if escape is not None:
                no_escape = (f"no joint move of {label} from {ctx.text(last)} reaches a "
                             f"state every member prefers to {ctx.text(s)}")
                counter = {"state": None, "escapes": False, "why": no_escape}
                why += "; " + no_escape
            out.append(ImprovementExplanation(ctx.text(s1), ch, True,
                                              tuple(x.target for x in seq), seq, why, counter,
                                              via))
            continue
        if not units:
            why = f"no actor outside {label} can sanction"
        elif found.reached == 0:
            what = "has an improving move" if concept == "seq" else "can move"
            why = f"no actor or coalition outside {label} {what} from {ctx.text(s1)}"
        else:
            why = (f"every state the others can reach from {ctx.text(s1)}"
                   f"{' by credible (improving) moves' if concept == 'seq' else ''} "
                   f"({found.reached}) is better for every member of {label} than "
                   f"{ctx.text(s)}")
            if escape is not None:
                why = (f"every sanction the others can impose from {ctx.text(s1)} is either "
                       f"a gain for {label} or leaves it a joint escape to one")
        out.append(ImprovementExplanation(ctx.text(s1), ch, False, None, (), why, counter, via))
    return MoverExplanation(label, members, all(x.deterred for x in out), tuple(out))


def _joint_step(g: MoveGraph, G: tuple[int, ...]) -> Step:
    def step(states: IntArray) -> tuple[IntArray, IntArray]:
        return g.coalition_improvements_from(G, states)

    return step
