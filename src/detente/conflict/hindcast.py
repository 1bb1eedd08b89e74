"""Hindcast: hold a graph model against the recorded course of its conflict.

A scenario's ``history:`` (:mod:`detente.conflict.history`) lists dated states, oldest first.
Each pair of consecutive entries is a *step* ``s → t``. For every step the hindcast reports:

* the **movers**: the actors some of whose options differ between ``s`` and ``t``;
* whether the step is an **improvement** for every mover, ``t ≻_i s`` by the actor's payoffs
  (Fang, Hipel and Kilgour 1993, §3.1, unilateral improvements ``R_i^+``); for a joint step,
  per mover;
* whether it is **unilateral** (one mover) and a **legal** move of its movers: ``t ∈ R_i(s)``
  for one mover (option directions respected), ``t ∈ R_M(s)`` for a group ``M`` (a legal
  sequence of its members' moves, Kilgour, Hipel, Fang and Peng 2001); for a joint step,
  whether it is a **coalition improvement** ``t ∈ R_M^{++}(s)`` (legal and an improvement for
  every member, :mod:`detente.conflict.coalitions`, C3) and whether ``M`` is one of the
  coalitions analysed;
* for whom the reached state is **stable** under each concept, and whether it is an
  equilibrium (:func:`detente.conflict.engine.analyse`);
* whether the model's **status-quo search** from the record's first state reaches it, and in
  how many steps (:func:`detente.conflict.paths.status_quo_paths`, Li, Kilgour and Hipel 2005,
  with the scenario's coalitions).

The record is *consistent* with the model when every step with movers is a legal move that
improves every mover. When it is not, the hindcast gives the fewest edits of the actors'
preference statements after which it is: each actor must strictly prefer every state it moved
to over the state it moved from, at every step it took part in. These requirements concern one
actor's preference each, so the fewest edits are found actor by actor with the statement-edit
search (:func:`detente.conflict.edits.ordering_edits`, the search of
:func:`~detente.conflict.edits.statement_edits` with this goal) and add up. A step that is not
a legal move, or that touches a state the model rules out, cannot be mended by preferences;
the answer then says so.

What this can and cannot show, and how to code a record: docs/discussion/hindcast.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

import detente
from detente.conflict.concepts import check_sanctions, parse_concepts
from detente.conflict.edits import MAX_EDITS, StatementChange, ordering_edits
from detente.conflict.engine import analyse, build_model
from detente.conflict.history import HistoryEntry
from detente.conflict.paths import status_quo_paths
from detente.conflict.preferences import ranking_scores, statement_scores
from detente.conflict.reach import group_reach
from detente.conflict.result import JsonResult
from detente.display import dataframe
from detente.errors import InputError
from detente.scenario.codes import code_text
from detente.scenario.model import Preference, Scenario

#: Concepts analysed by default (SIM is left out: its definitions vary in the literature).
DEFAULT_CONCEPTS = ("nash", "gmr", "smr", "seq")


@dataclass(frozen=True)
class RecordedState:
    """One entry of the record with the model's verdicts on it.

    Attributes
    ----------
    entry
        The history entry (date, state, source, ...).
    feasible
        Whether the model (this variant) allows the state.
    depth
        Fewest steps of the status-quo search from the record's first state (``None``:
        not reached, or infeasible).
    stable
        ``concept -> actor -> stable`` (``None`` when infeasible).
    equilibrium
        ``concept -> stable for every actor`` (``None`` when infeasible).
    """

    entry: HistoryEntry
    feasible: bool
    depth: int | None
    stable: Mapping[str, Mapping[str, bool]] | None
    equilibrium: Mapping[str, bool] | None

    @property
    def reachable(self) -> bool:
        """Whether the status-quo search reaches the state."""
        return self.depth is not None

    def to_dict(self, n_options: int) -> dict[str, Any]:
        """JSON form."""
        return {**self.entry.to_dict(n_options), "feasible": self.feasible,
                "reachable": self.reachable, "depth": self.depth,
                "stable": None if self.stable is None else {c: dict(v) for c, v in
                                                            self.stable.items()},
                "equilibrium": None if self.equilibrium is None else dict(self.equilibrium)}


@dataclass(frozen=True)
class HindcastStep:
    """One recorded step ``source → target`` and the model's verdicts on it.

    Attributes
    ----------
    index
        1-based step number (entry ``index - 1`` to entry ``index``).
    source, target
        State codes.
    movers
        Actors whose options changed (declaration order).
    changes
        ``(option reference, taken at the target)`` for every option that changed.
    improves
        Per mover: ``target ≻ source`` for it (``None`` when a state is infeasible).
    legal
        A move the movers may make: ``target ∈ R_i(source)`` (one mover) or
        ``R_M(source)`` (several); ``None`` when there is no mover or a state is infeasible.
    coalition_improvement
        Joint steps: ``target ∈ R_M^{++}(source)`` (``None`` for a unilateral step).
    declared_coalition
        Joint steps: the movers are one of the coalitions analysed.
    """

    index: int
    source: int
    target: int
    movers: tuple[str, ...]
    changes: tuple[tuple[str, bool], ...]
    improves: Mapping[str, bool | None]
    legal: bool | None
    coalition_improvement: bool | None
    declared_coalition: bool | None

    @property
    def unilateral(self) -> bool:
        """Exactly one actor moved."""
        return len(self.movers) == 1

    @property
    def improvement(self) -> bool | None:
        """The step improves every mover (``None``: no mover, or a state is infeasible)."""
        if not self.movers or any(v is None for v in self.improves.values()):
            return None
        return all(bool(v) for v in self.improves.values())

    @property
    def consistent(self) -> bool:
        """No mover, or a legal move that improves every mover."""
        return not self.movers or (self.improvement is True and self.legal is True)


@dataclass(frozen=True)
class RecordEdits:
    """The fewest statement edits that make the record consistent.

    Attributes
    ----------
    status
        ``none needed``, ``found``, ``not searched`` (``max_edits`` was 0), ``not found``
        (no list of at most ``max_edits`` edits for some actor, or the budget ran out) or
        ``impossible`` (a step cannot be mended by
        preferences: an illegal move, an infeasible state, a ranking preference).
    changes
        Actor id -> :class:`~detente.conflict.edits.StatementChange` for every actor some of
        whose recorded moves are not improvements.
    requirements
        Actor id -> ``(step, better, worse)``: every strict preference the record asks of it.
    blocked
        Why statement edits cannot make the record consistent (empty unless ``impossible``).
    max_edits
        Longest edit list tried per actor.
    verified
        With every change applied, every step with movers improves them (``None`` when
        nothing was found).
    """

    status: str
    changes: Mapping[str, StatementChange]
    requirements: Mapping[str, tuple[tuple[int, int, int], ...]]
    blocked: tuple[str, ...]
    max_edits: int
    verified: bool | None

    @property
    def total(self) -> int | None:
        """Number of edits in all (``None`` unless found)."""
        if self.status == "none needed":
            return 0
        if self.status != "found":
            return None
        return sum(len(c.edits) for c in self.changes.values())

    def describe(self) -> str:
        """The answer in one line."""
        if self.status == "none needed":
            return "none needed: every recorded move improves its movers"
        if self.status == "not searched":
            return "not searched (the edit search was skipped)"
        if self.status == "impossible":
            return "no statement edit can do it: " + "; ".join(self.blocked)
        if self.status == "not found":
            who = [a for a, c in self.changes.items() if not c.stable and not c.found]
            found = [f"{a}: {c.describe()}" for a, c in self.changes.items() if c.found]
            return (f"none within {self.max_edits} edit{'s' if self.max_edits != 1 else ''} "
                    f"per actor for {', '.join(who)}"
                    + (f" (found for the others — {'; '.join(found)})" if found else ""))
        n = self.total or 0
        return (f"{n} edit{'s' if n != 1 else ''}: "
                + "; ".join(f"{a}: {c.describe()}" for a, c in self.changes.items() if c.found))

    def to_dict(self, n_options: int) -> dict[str, Any]:
        """JSON form."""
        return {
            "status": self.status,
            "total": self.total,
            "describe": self.describe(),
            "max_edits": self.max_edits,
            "verified": self.verified,
            "blocked": list(self.blocked),
            "actors": {a: {**c.to_dict(),
                           "requirements": [{"step": k, "better": code_text(b, n_options),
                                             "worse": code_text(w, n_options)}
                                            for k, b, w in self.requirements.get(a, ())]}
                       for a, c in self.changes.items()},
        }


@dataclass(frozen=True)
class HindcastResult(JsonResult):
    """The model held against the recorded history (see the module docstring).

    Attributes
    ----------
    scenario, digest, variant
        Which input produced this.
    actors, options
        Actor ids; ``ACTOR.OPTION`` references in code order.
    concepts, sanctions
        Stability concepts and sanction rule of :attr:`RecordedState.stable`.
    movers
        Movers of the status-quo search (actors, then coalitions joined by ``+``).
    record
        The recorded states, oldest first (empty when the scenario has no history).
    steps
        The consecutive steps.
    edits
        The fewest statement edits making the record consistent (``None`` without steps).
    parameters
        Anything else that shaped the result.
    """

    scenario: str
    digest: str
    variant: str | None
    actors: tuple[str, ...]
    options: tuple[str, ...]
    concepts: tuple[str, ...]
    sanctions: str
    movers: tuple[str, ...]
    record: tuple[RecordedState, ...]
    steps: tuple[HindcastStep, ...]
    edits: RecordEdits | None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = detente.__version__

    @property
    def recorded(self) -> bool:
        """Whether the scenario has a history."""
        return bool(self.record)

    @property
    def consistent(self) -> bool:
        """Every step with movers is a legal move that improves every mover."""
        return all(s.consistent for s in self.steps)

    def code_text(self, code: int) -> str:
        """``Y``/``N`` text of a state code."""
        return code_text(code, len(self.options))

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per recorded state. Needs pandas."""
        return dataframe(self.to_dict()["record"])

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``detente hindcast --json``)."""
        n = len(self.options)
        steps = []
        for st in self.steps:
            a, b = self.record[st.index - 1], self.record[st.index]
            steps.append({
                "step": st.index,
                "from": self.code_text(st.source),
                "to": self.code_text(st.target),
                "date_from": a.entry.date,
                "date": b.entry.date,
                "event": b.entry.event,
                "source": b.entry.source,
                "note": b.entry.note,
                "movers": list(st.movers),
                "changes": [{"option": ref, "to": "Y" if taken else "N"}
                            for ref, taken in st.changes],
                "improvement": st.improvement,
                "improves": dict(st.improves),
                "unilateral": st.unilateral,
                "legal": st.legal,
                "coalition_improvement": st.coalition_improvement,
                "declared_coalition": st.declared_coalition,
                "consistent": st.consistent,
                "stable": None if b.stable is None else {c: dict(v) for c, v in
                                                         b.stable.items()},
                "equilibrium": None if b.equilibrium is None else dict(b.equilibrium),
                "reachable": b.reachable,
                "depth": b.depth,
            })
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "recorded": self.recorded,
            "message": None if self.recorded else "no history recorded",
            "actors": list(self.actors),
            "options": list(self.options),
            "concepts": list(self.concepts),
            "record": [r.to_dict(n) for r in self.record],
            "steps": steps,
            "consistent": self.consistent if self.recorded else None,
            "edits": None if self.edits is None else self.edits.to_dict(n),
            "provenance": self.provenance(),
        }

    def provenance(self) -> dict[str, Any]:
        """What produced this result."""
        return {
            "scenario": self.scenario,
            "digest": self.digest,
            "variant": self.variant,
            "analysis": "hindcast",
            "concepts": list(self.concepts),
            "sanctions": self.sanctions,
            "movers": list(self.movers),
            "detente": self.version,
            **dict(self.parameters),
        }


# -- the analysis ------------------------------------------------------------------------------


def _scores(pref: Preference, codes: Sequence[int]) -> list[int]:
    arr = np.asarray(codes, dtype=np.int64)
    fn = statement_scores if pref.kind == "statements" else ranking_scores
    return [int(x) for x in fn(pref, arr)]


def _unilateral_legal(scenario: Scenario, actor: str, s: int, t: int) -> bool:
    """``t ∈ R_i(s)``: only the actor's options change, each in a permitted direction (the
    caller checks feasibility)."""
    diff = s ^ t
    if diff & ~scenario.actor(actor).mask:
        return False
    for o in scenario.actor(actor).options:
        if (diff >> o.index) & 1:
            taken = bool((t >> o.index) & 1)
            if (o.reversible == "forward" and not taken) or (o.reversible == "backward" and taken):
                return False
    return True


def _coalition_arg(scenario: Scenario, coalitions: bool | str | Iterable[Iterable[str]] | None
                   ) -> bool | str | list[list[str]]:
    if coalitions is None:
        return scenario.coalitions is not None
    if isinstance(coalitions, bool | str):
        return coalitions
    return [list(c) for c in coalitions]


def hindcast(
    scenario: Scenario,
    variant: str | None = None,
    concepts: Iterable[str] | str = DEFAULT_CONCEPTS,
    sanctions: str = "legal",
    coalitions: bool | str | Iterable[Iterable[str]] | None = None,
    *,
    max_edits: int = MAX_EDITS,
    max_states: int | None = None,
) -> HindcastResult:
    """Hold the model against the scenario's recorded history.

    Parameters
    ----------
    scenario
        A validated scenario; its ``history`` is the record (a scenario without one gives an
        empty result, ``recorded=False``).
    variant
        Apply this variant of the scenario first (it inherits the base's history).
    concepts
        Stability concepts reported for every recorded state (default Nash, GMR, SMR, SEQ).
    sanctions
        ``legal`` or ``distinct`` (as for :func:`~detente.conflict.engine.analyse`).
    coalitions
        Movers of the status-quo search and the coalitions a joint step is checked against:
        ``None`` (default) the scenario's ``coalitions:`` if it has any, else unilateral
        moves only; ``False``; ``True``; ``"all"``; or a list of lists of actor ids (as for
        :func:`~detente.conflict.paths.status_quo_paths`).
    max_edits
        Longest list of statement edits tried per actor (``0``: skip the edit search).
    max_states
        State-space refusal limit.

    Returns
    -------
    HindcastResult
        Per step: movers, improvement, legality, stability and reachability of the reached
        state; the fewest statement edits making the record consistent. ``to_dict()`` is the
        CLI's JSON.

    Raises
    ------
    ValueError
        For an unknown variant, concept or sanction rule, or a variant asked of a scenario
        that is already another variant.

    Examples
    --------
    >>> import detente
    >>> from detente.conflict.hindcast import hindcast
    >>> cuba = detente.load_scenario(detente.scenario_path("cuban-missile-crisis"))
    >>> r = hindcast(cuba)
    >>> [(s.movers, s.improvement) for s in r.steps]
    [(('US',), True), (('USSR',), True), (('US',), True)]
    """
    if variant is not None and variant != scenario.variant:
        if scenario.variant is not None:
            raise InputError(f"the scenario given is already variant {scenario.variant!r}; "
                             f"pass the base scenario to hindcast variant {variant!r}")
        from detente.scenario.loader import variant_of

        scenario = variant_of(scenario, variant)
    conc = parse_concepts(concepts)
    check_sanctions(sanctions)
    ids = tuple(scenario.actor_ids)
    options = tuple(scenario.option_refs)
    n = len(options)
    entries = tuple(e for e in scenario.history if isinstance(e, HistoryEntry))
    coal = _coalition_arg(scenario, coalitions)
    common: dict[str, Any] = {"scenario": scenario.name, "digest": scenario.digest,
                              "variant": scenario.variant, "actors": ids, "options": options,
                              "concepts": conc, "sanctions": sanctions}
    if not entries:
        return HindcastResult(**common, movers=ids, record=(), steps=(), edits=None,
                              parameters={"history": 0})

    model = build_model(scenario, max_states=max_states)
    space = model.space
    codes = np.array([e.state for e in entries], dtype=np.int64)
    pos = space.position(codes)
    feasible = pos >= 0
    pay = model.payoffs(None, scenario)
    stab = analyse(scenario, conc, sanctions, model=model, payoffs=pay)

    # the status-quo search from the record's first state
    depth = np.full(len(entries), -1, dtype=np.int64)
    movers: tuple[str, ...] = ids
    members: tuple[tuple[str, ...], ...] = tuple((a,) for a in ids)
    steps_kind = "unilateral improvements"
    if bool(feasible[0]):
        paths = status_quo_paths(scenario, "nash", coal, start=int(codes[0]),
                                 sanctions=sanctions, model=model, payoffs=pay, edge_limit=0,
                                 equilibrium=np.zeros(space.n_states, dtype=bool), max_paths=0)
        depth[feasible] = paths.depth[pos[feasible]]
        movers, members = paths.movers, paths.mover_members
        steps_kind = str(paths.parameters.get("steps", steps_kind))

    record = []
    for k, e in enumerate(entries):
        if not feasible[k]:
            record.append(RecordedState(e, False, None, None, None))
            continue
        col = {c: stab.stable[c][:, int(pos[k])] for c in conc}
        record.append(RecordedState(
            e, True, None if depth[k] < 0 else int(depth[k]),
            {c: {a: bool(col[c][j]) for j, a in enumerate(ids)} for c in conc},
            {c: bool(col[c].all()) for c in conc}))

    prefs = scenario.preferences
    groups = {frozenset(m) for m in members if len(m) > 1}
    steps = []
    for k in range(1, len(entries)):
        s, t = int(codes[k - 1]), int(codes[k])
        diff = s ^ t
        who = tuple(a.id for a in scenario.actors if diff & a.mask)
        changes = tuple((options[b], bool((t >> b) & 1)) for b in range(n) if (diff >> b) & 1)
        both = bool(feasible[k - 1] and feasible[k])
        improves: dict[str, bool | None] = {}
        for a in who:
            if both:
                sa, ta = _scores(prefs[a], [s, t])
                improves[a] = ta > sa
            else:
                improves[a] = None
        legal: bool | None = None
        if who and both:
            if len(who) == 1:
                legal = _unilateral_legal(scenario, who[0], s, t)
            else:
                H = tuple(ids.index(a) for a in who)
                reach = group_reach(model.moves, H)
                ps, pt = int(pos[k - 1]), int(pos[k])
                legal = bool(np.isin(pt, reach.reachable_states(int(reach.label[ps]))))
        joint = len(who) > 1
        ci = None
        if joint and legal is not None:
            ci = bool(legal and all(bool(v) for v in improves.values()))
        steps.append(HindcastStep(k, s, t, who, changes, improves, legal, ci,
                                  (frozenset(who) in groups) if joint else None))

    edits = _record_edits(scenario, steps, max_edits) if steps else None
    return HindcastResult(
        **common, movers=movers, record=tuple(record), steps=tuple(steps), edits=edits,
        parameters={"history": len(entries), "n_states": space.n_states,
                    "reachability": f"status-quo search from the record's first state by "
                                    f"{steps_kind}, no mover twice in succession",
                    "max_edits": max_edits})


def _record_edits(scenario: Scenario, steps: Sequence[HindcastStep], max_edits: int
                  ) -> RecordEdits:
    """The fewest statement edits after which every recorded move improves its movers."""
    req: dict[str, list[tuple[int, int, int]]] = {}
    blocked: list[str] = []
    for st in steps:
        if not st.movers:
            continue
        if st.legal is None:
            blocked.append(f"step {st.index} involves a state the model rules out")
            continue
        if not st.legal:
            blocked.append(f"step {st.index} is not a move its movers can make "
                           "(an option changes against its permitted direction, or the "
                           "states cannot be joined by their moves)")
        for a in st.movers:
            req.setdefault(a, []).append((st.index, st.target, st.source))
    if all(st.consistent for st in steps):
        return RecordEdits("none needed", {}, {}, (), max_edits, None)
    if max_edits <= 0:
        return RecordEdits("not searched", {}, {a: tuple(v) for a, v in req.items()},
                           tuple(blocked), max_edits, None)
    unmet = [a for a in req if any(not st.improves.get(a) for st in steps
                                   if a in st.movers and st.legal is not None)]
    for a in unmet:
        if scenario.preferences[a].kind != "statements":
            blocked.append(f"{a}'s preference is an explicit ranking, not statements")
    editable = [a for a in unmet if scenario.preferences[a].kind == "statements"]
    changes: dict[str, StatementChange] = {}
    if max_edits > 0 and editable:
        changes = ordering_edits(scenario, {a: [(b, w) for _, b, w in req[a]] for a in editable},
                                 max_edits=max_edits)
    requirements = {a: tuple(v) for a, v in req.items()}
    if blocked:
        return RecordEdits("impossible", changes, requirements, tuple(blocked), max_edits, None)
    if not changes or any(not c.found and not c.stable for c in changes.values()):
        return RecordEdits("not found", changes, requirements, (), max_edits, None)
    # re-check the whole record with every change applied
    new = {a: c.preference(scenario.preferences[a]) for a, c in changes.items()}
    prefs = {**dict(scenario.preferences), **new}
    ok = True
    for st in steps:
        for a in st.movers:
            sa, ta = _scores(prefs[a], [st.source, st.target])
            ok &= ta > sa
    return RecordEdits("found", changes, requirements, (), max_edits, ok)


def apply_edits(scenario: Scenario, edits: RecordEdits) -> Scenario:
    """``scenario`` with the edited statements of ``edits`` (to re-run the hindcast on)."""
    new = {a: c.preference(scenario.preferences[a]) for a, c in edits.changes.items()
           if c.found}
    return replace(scenario, preferences={**dict(scenario.preferences), **new})


__all__ = ["DEFAULT_CONCEPTS", "HindcastResult", "HindcastStep", "RecordEdits",
           "RecordedState", "apply_edits", "hindcast"]
