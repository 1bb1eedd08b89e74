"""Inverse analysis in statements: the fewest edits to an actor's preference statements that
make a target state stable for it.

Sources
-------
Option prioritisation: Fang, L., Hipel, K.W., Kilgour, D.M., Peng, X. (2003). "A decision
support system for interactive decision making, part I: model formulation". *IEEE Transactions
on Systems, Man, and Cybernetics C* 33(1), 42-55, §IV: with ``m`` statements, most important
first, a state scores ``Σ_k [statement k holds]·2^(m-k)``.
Inverse GMCR: Kinsara, R.A., Kilgour, D.M., Hipel, K.W. (2015). "Inverse approach to the graph
model for conflict resolution". *IEEE Transactions on Systems, Man, and Cybernetics: Systems*
45(5), 734-742; the per-move conditions are those of :mod:`detente.conflict.inverse`.

Why statements
--------------
:func:`detente.conflict.inverse.inverse` measures a change in pairs of states (Kendall tau).
With option prioritisation that number is large and hard to act on: one statement orders
thousands of states. Analysts think in statements ("North Korea stops insisting on X"), so this
module answers the same question in that vocabulary.

Edits
-----
* **remove** statement ``k``;
* **move** statement ``k`` to position ``j`` (a change of priority);
* **add** a one-option statement ``A.o`` or ``not A.o`` (any option of any actor) at position
  ``j``.

The cost is the number of edits. The search is breadth-first in that number: every edit list
of length 1 is tried, then every list of length 2, and so on up to ``max_edits`` (lists that
lead to the same statements are tried once). It runs twice: first with removals and moves
only (a change in the weight of what the actor already says it wants, the usual lever of
inducements and mediation), then, only if that fails, with additions as well (new concerns
put in the actor's mouth). The answer is therefore the fewest edits *within this vocabulary*,
preferring the actor's own statements; a preference that needs new compound statements may
have no answer here, and then the pairwise change of :mod:`~detente.conflict.inverse` is the
one to read. Among equally short answers, removals come before moves and moves before
additions, then earlier statements first; up to :data:`MAX_ALTERNATIVES` others are listed.

Check
-----
Only the order of the target, the actor's moves from it and their sanction states matters
(:func:`detente.conflict.inverse.sanction_sets`). For a batch of candidate statement lists the
scores of those states are one matrix product (statement weights × statement truth table);
the target is stable for the actor iff for every move ``t``: ``t ≼ s``, or (GMR, SEQ) some
sanction state ``≼ s``, or (SMR) some sanction state and all the actor's moves from it
``≼ s``. Minima and maxima over each move's states are segment reductions; no loop over states
or candidates.

Goals
-----
The same search serves two goals: the target's stability for the actor
(:func:`statement_edits`), and a set of required strict preferences ``a ≻ b`` of the actor
(:func:`ordering_edits`, used by the hindcast to make a recorded course of events consistent
with the actors' preferences; docs/discussion/hindcast.md).

Check
-----
Only the order of the target, the actor's moves from it and their sanction states matters
(:func:`detente.conflict.inverse.sanction_sets`). For a batch of candidate statement lists the
scores of those states are one matrix product (statement weights × statement truth table);
the target is stable for the actor iff for every move ``t``: ``t ≼ s``, or (GMR, SEQ) some
sanction state ``≼ s``, or (SMR) some sanction state and all the actor's moves from it
``≼ s``. Minima and maxima over each move's states are segment reductions; no loop over states
or candidates.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import INVERSE_CONCEPTS, check_sanctions, parse_concept
from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.inverse_sanctions import Moves, sanction_sets, target_index
from detente.conflict.preferences import MAX_STATEMENTS
from detente.errors import InputError
from detente.scenario.expr import parse_condition
from detente.scenario.model import Condition, Preference, Scenario

#: Default largest number of edits tried.
MAX_EDITS = 2
#: Other answers of the same length that are listed.
MAX_ALTERNATIVES = 4
#: Candidate statement lists evaluated at most (then the answer is not proven minimal).
BUDGET = 200_000
#: Most multiply-adds spent on checking lists per actor (2^34 took 1.7-7 s as one matrix
#: product on the 2-core development machine), so the search stays interactive on large
#: conflicts; at least :data:`MIN_LISTS` lists are checked.
WORK = 1 << 34
MIN_LISTS = 2_000
#: Longest statement list scored exactly in float64 (2^52 needs 53 bits of mantissa).
MAX_EXACT = min(MAX_STATEMENTS, 52)
#: Matrix cells (candidates × relevant states) per batch.
BATCH_CELLS = 1 << 23


@dataclass(frozen=True)
class StatementEdit:
    """One edit of a statement list.

    Attributes
    ----------
    kind
        ``remove``, ``move`` or ``add``.
    statement
        The statement's text.
    old_position
        Its 1-based position in the actor's current list (``None`` for ``add``).
    new_position
        Its 1-based position in the edited list (``None`` for ``remove``).
    """

    kind: Literal["remove", "move", "add"]
    statement: str
    old_position: int | None
    new_position: int | None

    def describe(self) -> str:
        """The edit in words."""
        if self.kind == "remove":
            return f"drop statement #{self.old_position} «{self.statement}»"
        if self.kind == "move":
            return (f"move statement #{self.old_position} «{self.statement}» to "
                    f"#{self.new_position} of the new list")
        return f"add «{self.statement}» as statement #{self.new_position} of the new list"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "statement": self.statement,
                "old_position": self.old_position, "new_position": self.new_position,
                "describe": self.describe()}


@dataclass(frozen=True)
class StatementChange:
    """The fewest statement edits that make the target stable for one actor.

    Attributes
    ----------
    actor
        Actor id.
    stable
        Whether the target is already stable for it (then ``edits`` is empty).
    edits
        The chosen edit list (empty if already stable or none found).
    conditions
        The actor's statements after the edits, most important first.
    alternatives
        Other edit lists of the same length that also work.
    exact
        Whether every shorter edit list was tried (always, unless the budget ran out).
    max_edits
        Longest edit list tried.
    evaluated
        Number of distinct statement lists checked.
    verified
        The engine's verdict on the target for this actor after the edits (``None`` when
        not verified or nothing found).
    """

    actor: str
    stable: bool
    edits: tuple[StatementEdit, ...]
    conditions: tuple[Condition, ...]
    alternatives: tuple[tuple[StatementEdit, ...], ...]
    exact: bool
    max_edits: int
    evaluated: int
    verified: bool | None

    @property
    def found(self) -> bool:
        """Whether an edit list of at most ``max_edits`` edits works (the target was not
        stable, so a working list has at least one edit)."""
        return bool(self.edits)

    @property
    def statements(self) -> tuple[str, ...]:
        """The statements after the edits (texts, most important first)."""
        return tuple(c.text for c in self.conditions)

    def preference(self, base: Preference) -> Preference:
        """``base`` with the edits applied (for ``analyse(preferences=...)``)."""
        return replace(base, statements=self.conditions)

    def describe(self) -> str:
        """The change in words."""
        if self.stable:
            return "nothing: already stable"
        if not self.found and not self.exact:
            return (f"none found among the {self.evaluated:,} statement lists the search "
                    "budget allowed; read the pairwise change instead")
        if not self.found:
            return (f"no list of at most {self.max_edits} statement edits (drop, move, add a "
                    "one-option statement) does it")
        return "; ".join(e.describe() for e in self.edits)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "actor": self.actor,
            "stable": self.stable,
            "found": self.found,
            "edits": [e.to_dict() for e in self.edits],
            "describe": self.describe(),
            "statements": list(self.statements),
            "alternatives": [[e.to_dict() for e in alt] for alt in self.alternatives],
            "exact": self.exact,
            "max_edits": self.max_edits,
            "evaluated": self.evaluated,
            "verified": self.verified,
        }


# -- the vectorised check ------------------------------------------------------------------------


class _Check:
    """Stability of the target for one actor under many candidate statement lists at once."""

    def __init__(self, space: Any, P_all: Sequence[NDArray[Any]], i: int, s: int, concept: str,
                 sanctions: str, ops: Moves) -> None:
        self.space = space
        moves, reached, owner = sanction_sets(space, P_all, i, s, concept, sanctions, ops)
        order = np.argsort(owner, kind="stable")  # sanction states grouped by move
        reached, owner = reached[order], owner[order]
        self.concept = concept
        parts = [np.array([s], dtype=np.int64), moves, reached]
        members = np.zeros(0, np.int64)
        group = np.zeros(0, np.int64)
        if concept == "smr" and reached.size:  # group: s2 and the actor's moves from it
            pos, dst = ops.neighbours(i, reached)
            group = np.concatenate([np.arange(reached.shape[0]), pos])
            members = np.concatenate([reached, dst])
            o = np.argsort(group, kind="stable")
            group, members = group[o], members[o]
            parts.append(members)
        #: The states whose order matters, increasing.
        self.states = np.unique(np.concatenate(parts))
        look = functools.partial(np.searchsorted, self.states)
        self.u_s = int(look(s))
        self.u_moves = look(moves)
        self.u_reached = look(reached)
        self.has = np.unique(owner)  # moves that have sanction states
        self.seg = np.searchsorted(owner, self.has)
        self.u_members = look(members)
        self.g_seg = np.searchsorted(group, np.arange(reached.shape[0]))

    def stable(self, Q: NDArray[Any]) -> NDArray[np.bool_]:
        """``Q``: candidates × :attr:`states` scores. Returns stability per candidate."""
        rs = Q[:, self.u_s][:, None]
        ok = Q[:, self.u_moves] <= rs
        if self.concept != "nash" and self.has.size:
            if self.concept == "smr":
                worst = np.maximum.reduceat(Q[:, self.u_members], self.g_seg, axis=1)
            else:
                worst = Q[:, self.u_reached]
            best = np.minimum.reduceat(worst, self.seg, axis=1)
            ok[:, self.has] |= best <= rs
        return np.asarray(ok.all(axis=1))


# -- candidates ----------------------------------------------------------------------------------

_Op = tuple[str, int, int]  # (kind, a, b): remove k / move k -> j / add pool item p at j


def _apply(stmts: tuple[int, ...], op: _Op) -> tuple[int, ...]:
    kind, a, b = op
    lst = list(stmts)
    if kind == "remove":
        del lst[a]
    elif kind == "move":
        item = lst.pop(a)
        lst.insert(b, item)
    else:
        lst.insert(b, a)
    return tuple(lst)


def _ops(stmts: tuple[int, ...], n_pool: int, n_own: int, add: bool) -> Iterator[_Op]:
    """Every single edit of ``stmts`` (statement ids into the pool), in preference order;
    additions only when ``add``."""
    m = len(stmts)
    for k in range(m):
        yield ("remove", k, 0)
    for k in range(m):
        for j in range(m):
            if j != k:
                yield ("move", k, j)
    if not add:
        return
    present = set(stmts)
    for p in range(n_own, n_pool):
        if p in present:
            continue
        for j in range(m + 1):
            yield ("add", p, j)


def _describe(base: tuple[int, ...], ops: Sequence[_Op], texts: Sequence[str]
              ) -> tuple[StatementEdit, ...]:
    """The edits in words: positions are those in the original list (``old_position``) and
    in the final list (``new_position``), so the edits read independently of their order."""
    cur = base
    touched: list[tuple[str, int]] = []  # (kind, statement id)
    for op in ops:
        kind, a, _ = op
        sid = a if kind == "add" else cur[a]
        if all(sid != t for _, t in touched):
            touched.append((kind, sid))
        cur = _apply(cur, op)
    out = []
    for kind, sid in touched:
        old = base.index(sid) + 1 if sid in base else None
        new = cur.index(sid) + 1 if sid in cur else None
        out.append(StatementEdit(kind, texts[sid], old, new))  # type: ignore[arg-type]
    return tuple(out)


_Found = list[tuple[tuple[int, ...], tuple[_Op, ...]]]


def _search(base: tuple[int, ...], n_pool: int, max_edits: int, limit: int, batch: int,
            stable_many: Callable[[Sequence[tuple[int, ...]]], NDArray[np.bool_]]
            ) -> tuple[_Found, int, bool]:
    """Breadth-first search in the number of edits, first without additions, then with
    them (statement ids ``< len(base)`` are the actor's own). Returns the working lists of
    the first successful length (with their edits, in candidate order), the number of lists
    checked (the base included) and whether the search was complete up to that length."""
    evaluated = 1
    for add in (False, True):
        seen = {base}
        level: _Found = [(base, ())]
        for _depth in range(max_edits):
            nxt: _Found = []
            for lst, path in level:
                for op in _ops(lst, n_pool, len(base), add):
                    new = _apply(lst, op)
                    if new not in seen and len(new) <= MAX_EXACT:
                        seen.add(new)
                        nxt.append((new, (*path, op)))
            exact = evaluated + len(nxt) <= limit
            nxt = nxt[:max(0, limit - evaluated)]
            winners: _Found = []
            for lo in range(0, len(nxt), batch):
                chunk = nxt[lo:lo + batch]
                evaluated += len(chunk)
                winners.extend(itertools.compress(chunk, stable_many([c[0] for c in chunk])))
                if len(winners) > MAX_ALTERNATIVES:
                    break
            if winners or not exact:
                return winners, evaluated, exact
            level = nxt
    return [], evaluated, True


class _Ordering:
    """Required strict preferences ``better[r] ≻ worse[r]`` for one actor, checked for many
    candidate statement lists at once (the same interface as :class:`_Check`)."""

    def __init__(self, better: NDArray[np.int64], worse: NDArray[np.int64]) -> None:
        #: The states whose order matters (feasible-state indices or codes), increasing.
        self.states = np.unique(np.concatenate([better, worse]))
        self.u_better = np.searchsorted(self.states, better)
        self.u_worse = np.searchsorted(self.states, worse)

    def stable(self, Q: NDArray[Any]) -> NDArray[np.bool_]:
        """``Q``: candidates × :attr:`states` scores. Whether every required preference holds
        (named as in :class:`_Check` so that both goals share :func:`_fewest_edits`)."""
        return np.asarray((Q[:, self.u_better] > Q[:, self.u_worse]).all(axis=1))


class _Goal(Protocol):
    states: NDArray[np.int64]

    def stable(self, Q: NDArray[Any]) -> NDArray[np.bool_]: ...


def statement_edits(
    scenario: Scenario,
    target: str | int,
    concept: str = "gmr",
    actors: Sequence[str] | None = None,
    sanctions: str = "legal",
    *,
    max_edits: int = MAX_EDITS,
    model: ConflictModel | None = None,
    verify: bool = True,
    budget: int = BUDGET,
    max_states: int | None = None,
) -> dict[str, StatementChange]:
    """The fewest statement edits that make ``target`` stable, per actor (see the module
    docstring for the edits and the search).

    Parameters
    ----------
    scenario
        A validated scenario.
    target
        The desired state: a Y/N code or an integer code.
    concept
        ``nash``, ``gmr`` (default), ``smr`` or ``seq`` (the opponents' preferences are held
        fixed, as in :func:`~detente.conflict.inverse.inverse`).
    actors
        Actor ids (default: every actor whose preference is given by statements).
    sanctions
        ``legal`` or ``distinct``.
    max_edits
        Longest edit list tried.
    model
        A :class:`ConflictModel` of the same structure, reused.
    verify
        Re-run the engine with the edited statements.
    budget
        Most candidate statement lists evaluated per actor (fewer on large conflicts: see
        :data:`WORK`); when it runs out the answer says ``exact=False``.
    max_states
        State-space refusal limit.

    Returns
    -------
    dict
        Actor id -> :class:`StatementChange`.

    Raises
    ------
    ValueError
        For an unknown actor or concept, an infeasible target, or an actor whose preference
        is an explicit ranking.

    Examples
    --------
    >>> import detente
    >>> k = detente.load_scenario(detente.scenario_path("korea-2017"))
    >>> frozen = "NYNNNNYYNNYNYY"  # late 2017, North Korea frozen instead of testing
    >>> for e in statement_edits(k, frozen, "seq", actors=["NK"])["NK"].edits:
    ...     print(e.kind, e.old_position, e.statement)
    remove 7 NK.test
    remove 9 not NK.freeze
    """
    conc = parse_concept(concept, INVERSE_CONCEPTS)
    check_sanctions(sanctions)
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=max_states)
    chosen = _statement_actors(scenario, actors)
    code, s = target_index(scenario, model.space, target)
    pay = model.payoffs(None, scenario)
    P_all = [np.asarray(pay[a]) for a in scenario.actor_ids]
    ops = Moves(model.space, model.moves.blocked)
    out: dict[str, StatementChange] = {}
    for a in chosen:
        check = _Check(model.space, P_all, scenario.actor_ids.index(a), s, conc, sanctions, ops)
        change = _fewest_edits(scenario, a, check, model.space.codes[check.states],
                               max_edits, budget)
        if verify and change.found:
            res = analyse(scenario, conc, sanctions, model=model,
                          preferences={a: change.preference(scenario.preferences[a])})
            change = replace(change, verified=res.is_stable(conc, code, a))
        out[a] = change
    return out


def _statement_actors(scenario: Scenario, actors: Sequence[str] | None) -> list[str]:
    """The actors analysed (default: every actor whose preference is given by statements);
    an unknown actor or one with an explicit ranking is refused."""
    ids = scenario.actor_ids
    if actors is None:
        return [a for a in ids if scenario.preferences[a].kind == "statements"]
    chosen = list(dict.fromkeys(actors))
    for a in chosen:
        if a not in ids:
            raise InputError(f"unknown actor {a!r}; choose from {', '.join(ids)}")
        if scenario.preferences[a].kind != "statements":
            raise InputError(f"{a}'s preference is an explicit ranking, not statements; use the "
                             "pairwise inverse analysis (detente inverse) for it")
    return chosen


def _pool(scenario: Scenario, own: Sequence[Condition]) -> list[Condition]:
    """The actor's statements, then every one-option statement it does not already make."""
    refs = {r: k for k, r in enumerate(scenario.option_refs)}
    texts = [c.text for c in own]
    pool: list[Condition] = list(own)
    for ref in scenario.option_refs:
        for lit in (ref, f"not {ref}"):
            if lit not in texts:
                pool.append(Condition(lit, parse_condition(lit, refs),
                                      why="added by detente's inverse analysis"))
    return pool


def _fewest_edits(scenario: Scenario, actor: str, goal: _Goal, codes_u: NDArray[np.int64],
                  max_edits: int, budget: int) -> StatementChange:
    """The fewest edits of ``actor``'s statements after which ``goal`` holds (the search of
    the module docstring; ``codes_u`` are the codes of ``goal.states``). Not verified by the
    engine: ``verified`` is ``None``."""
    own = list(scenario.preferences[actor].statements)
    pool = _pool(scenario, own)
    names = [c.text for c in pool]
    truth = np.stack([c.holds(codes_u) for c in pool]).astype(np.float64)  # pool × U
    base = tuple(range(len(own)))

    def stable_many(lists: Sequence[tuple[int, ...]]) -> NDArray[np.bool_]:
        W = np.zeros((len(lists), len(pool)), dtype=np.float64)
        for r, lst in enumerate(lists):  # weights 2^(m-k): at most 62 statements
            m = len(lst)
            if m:
                W[r, list(lst)] = np.ldexp(1.0, np.arange(m - 1, -1, -1))
        return goal.stable(W @ truth)

    if bool(stable_many([base])[0]):
        return StatementChange(actor, True, (), tuple(own), (), True, max_edits, 1, None)
    n_u = max(1, goal.states.shape[0])
    batch = max(1, BATCH_CELLS // n_u)
    # lists checked: at most ``budget``, and at most WORK multiply-adds in the products
    limit = min(budget, max(MIN_LISTS, WORK // max(1, len(pool) * n_u)))
    winners, evaluated, exact = _search(base, len(pool), max_edits, limit, batch, stable_many)
    if not winners:
        return StatementChange(actor, False, (), tuple(own), (), exact, max_edits, evaluated,
                               None)
    best_list, best_ops = winners[0]
    return StatementChange(
        actor=actor, stable=False, edits=_describe(base, best_ops, names),
        conditions=tuple(pool[k] for k in best_list),
        alternatives=tuple(_describe(base, w[1], names) for w in winners[1:1 + MAX_ALTERNATIVES]),
        exact=exact, max_edits=max_edits, evaluated=evaluated, verified=None,
    )


def ordering_edits(
    scenario: Scenario,
    required: Mapping[str, Sequence[tuple[str | int, str | int]]],
    *,
    max_edits: int = MAX_EDITS,
    verify: bool = True,
    budget: int = BUDGET,
) -> dict[str, StatementChange]:
    """The fewest statement edits after which each actor strictly prefers the states it is
    required to prefer (the same edits and search as :func:`statement_edits`, with the goal
    "``better ≻ worse`` for every required pair" in place of stability).

    Used by :func:`detente.conflict.hindcast.hindcast`: a recorded step is consistent with the
    model when each actor that moved prefers the state it moved to (docs/discussion/hindcast.md).
    Scores are computed on the codes themselves, so no state space is built.

    Parameters
    ----------
    scenario
        A validated scenario.
    required
        Actor id -> ``(better, worse)`` pairs of states (Y/N codes or integer codes).
    max_edits, budget
        As for :func:`statement_edits`.
    verify
        Re-check the edited statements with the engine's scoring
        (:func:`detente.conflict.preferences.statement_scores`).

    Returns
    -------
    dict
        Actor id -> :class:`StatementChange`; ``stable`` there means "every required
        preference already holds".

    Raises
    ------
    ValueError
        For an unknown actor, a malformed code, or an actor whose preference is an explicit
        ranking.
    """
    from detente.conflict.preferences import statement_scores

    ids = scenario.actor_ids
    out: dict[str, StatementChange] = {}
    for a, pairs in required.items():
        if a not in ids:
            raise InputError(f"unknown actor {a!r}; choose from {', '.join(ids)}")
        if scenario.preferences[a].kind != "statements":
            raise InputError(f"{a}'s preference is an explicit ranking, not statements; "
                             "statement edits do not apply to it")
        code = [(scenario.parse_code(x) if isinstance(x, str) else int(x),
                 scenario.parse_code(y) if isinstance(y, str) else int(y)) for x, y in pairs]
        if not code:
            continue
        better = np.array([x for x, _ in code], dtype=np.int64)
        worse = np.array([y for _, y in code], dtype=np.int64)
        goal = _Ordering(better, worse)  # here ``states`` are codes
        change = _fewest_edits(scenario, a, goal, goal.states, max_edits, budget)
        if verify and change.found:
            new = change.preference(scenario.preferences[a])
            holds = (statement_scores(new, better) > statement_scores(new, worse)).all()
            change = replace(change, verified=bool(holds))
        out[a] = change
    return out


__all__ = ["StatementChange", "StatementEdit", "ordering_edits", "statement_edits"]
