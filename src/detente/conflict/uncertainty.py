"""Preference uncertainty in the graph model (Li, Hipel, Kilgour and Fang 2004).

Li, K. W., Hipel, K. W., Kilgour, D. M. and Fang, L. (2004), "Preference uncertainty in the
graph model for conflict resolution", *IEEE Transactions on Systems, Man, and Cybernetics,
Part A* 34(4): 507-520. Each decision maker ``i`` compares two states in one of four ways:
strictly prefers one, equally prefers them, or is *uncertain* (``s U_i t``, symmetric). The
paper extends Nash, GMR, SMR and SEQ in four ways, according to (1) whether ``i`` is willing to
move to a state whose preference is uncertain and (2) whether a sanction that ends at a state
of uncertain preference deters ``i``: sixteen definitions. See
docs/discussion/preference-uncertainty.md, which states each one (and what is our reading).

With ``R_i(s)`` the unilateral moves, ``≻_i`` strict preference outside ``U_i``:

* ``R_i^{+,U}(s) = {t in R_i(s) : t ≻_i s or t U_i s}`` (improvements and uncertain moves);
* ``Φ_i^≃(s) = {t : s ≻_i t or s ~_i t}`` (not preferred, certainly);
  ``Φ_i^{≃,U}(s) = Φ_i^≃(s) ∪ {t : t U_i s}``;
* extension ``a``: focal moves ``R_i^{+,U}``, sanctions into ``Φ_i^≃``;
  ``b``: ``R_i^{+,U}`` and ``Φ_i^{≃,U}``; ``c``: ``R_i^+`` and ``Φ_i^≃``;
  ``d``: ``R_i^+`` and ``Φ_i^{≃,U}`` (so ``Nash_a = Nash_b`` and ``Nash_c = Nash_d``);
* ``Nash_x``: no focal move from ``s``;
* ``GMR_x``: every focal move ``s1`` has some ``s2 ∈ R_{N-i}(s1)`` in the sanction set;
* ``SMR_x``: as GMR, and every ``s3 ∈ R_i(s2)`` is in the sanction set too;
* ``SEQ_x``: as GMR with ``s2 ∈ R_{N-i}^{+,U}(s1)``: the opponents' sanctions are legal
  sequences in which each move is an improvement or an uncertain move of its mover.

Without uncertain pairs every extension reduces to the ordinary concept.

Algorithm: Boolean ``N × N`` matrices over the feasible states (a reachability relation per
actor, bit-parallel products), since an uncertain pair is a relation between two states and
the ordinary engine's "minimum rank over the reachable set" shortcut no longer applies. The
opponents' reachability ``R_{N-i}`` is the fixed point of "last mover" relations, as in
:func:`detente.conflict.stability.relax_last_mover`; with ``sanctions="distinct"`` each
opponent moves at most once. Conflicts of more than :data:`MAX_UNCERTAIN_STATES` states are
refused.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import check_sanctions
from detente.errors import InputError, StateSpaceTooLarge
from detente.scenario.expr import ConditionSyntaxError, parse_condition
from detente.scenario.model import Condition, Scenario

if TYPE_CHECKING:  # pragma: no cover
    from detente.conflict.moves import MoveOps
    from detente.scenario.context import ErrorContext

__all__ = [
    "EXTENSIONS",
    "MAX_UNCERTAIN_STATES",
    "UNCERTAIN_BASES",
    "UncertainPreferences",
    "split_concept",
    "stable_from_relations",
    "uncertain_preferences_of",
    "uncertain_preferences_section",
    "uncertain_stability",
]

#: The four extensions: (focal actor moves to uncertain states, uncertain sanctions deter).
EXTENSIONS: dict[str, tuple[bool, bool]] = {
    "a": (True, False),
    "b": (True, True),
    "c": (False, False),
    "d": (False, True),
}
#: The concepts that have extensions.
UNCERTAIN_BASES = ("nash", "gmr", "smr", "seq")
#: Largest number of feasible states analysed with uncertain preferences (dense N x N
#: relations).
MAX_UNCERTAIN_STATES = 2048

Bool2 = NDArray[np.bool_]


@dataclass(frozen=True)
class UncertainPreferences:
    """Each actor's uncertain pairs: ``(X, Y)`` makes every state meeting ``X`` and every
    other state meeting ``Y`` a pair whose preference the actor is uncertain about."""

    pairs: Mapping[str, tuple[tuple[Condition, Condition], ...]]

    def matrix(self, actor_id: str, codes: NDArray[np.integer]) -> Bool2:
        """``U[s, t]`` over ``codes`` (symmetric, ``False`` on the diagonal)."""
        n = int(np.shape(codes)[0])
        out = np.zeros((n, n), dtype=bool)
        for x, y in self.pairs.get(actor_id, ()):
            hx, hy = x.holds(codes), y.holds(codes)
            out |= hx[:, None] & hy[None, :]
        out |= out.T
        np.fill_diagonal(out, False)
        return out

    def texts(self) -> dict[str, list[list[str]]]:
        """Actor id -> ``[[X, Y], ...]`` as written."""
        return {a: [[x.text, y.text] for x, y in ps] for a, ps in self.pairs.items()}

    def __bool__(self) -> bool:
        return any(self.pairs.values())


def uncertain_preferences_section(data: Any, scenario: Scenario, ctx: ErrorContext
                                  ) -> UncertainPreferences:
    """The ``uncertain_preferences:`` section parser (registered in
    :data:`detente.loading.SECTIONS`): ``{ACTOR: [[X, Y], ...]}`` with ``X``, ``Y``
    conditions in the ``infeasible:`` language.

    Raises
    ------
    ScenarioError
        One line naming the file, line and field: not a mapping, an unknown actor, an item that
        is not a pair of conditions, a condition that does not parse.
    """
    from detente.scenario.loader import option_resolver

    if data is None:
        return UncertainPreferences({})
    if not isinstance(data, Mapping):
        raise ctx.error((), "`uncertain_preferences` maps actor ids to lists of [X, Y] "
                            "condition pairs, e.g. {A: [['A.x', 'B.y']]}")
    resolve = option_resolver(scenario.options)
    ids = scenario.actor_ids
    out: dict[str, tuple[tuple[Condition, Condition], ...]] = {}
    for actor, items in data.items():
        if actor not in ids:
            raise ctx.error((str(actor),), f"unknown actor {actor!r}; choose from "
                                           f"{', '.join(ids)}")
        if not isinstance(items, list):
            raise ctx.error((actor,), "give a list of [X, Y] condition pairs")
        pairs: list[tuple[Condition, Condition]] = []
        for k, item in enumerate(items):
            if (not isinstance(item, list) or len(item) != 2
                    or not all(isinstance(t, str) and t.strip() for t in item)):
                raise ctx.error((actor, k), "each item is a pair [X, Y] of conditions (text): "
                                            "the actor is uncertain how it ranks a state "
                                            "meeting X against one meeting Y")
            conds = []
            for j, text in enumerate(item):
                try:
                    conds.append(Condition(text=text, expr=parse_condition(text, resolve)))
                except ConditionSyntaxError as exc:
                    raise ctx.error((actor, k, j), str(exc)) from None
            pairs.append((conds[0], conds[1]))
        if pairs:
            out[actor] = tuple(pairs)
    return UncertainPreferences(out)


def uncertain_preferences_of(scenario: Scenario) -> UncertainPreferences | None:
    """The scenario's uncertain pairs, or ``None`` when it has none."""
    u = scenario.sections.get("uncertain_preferences")
    return u if isinstance(u, UncertainPreferences) and u else None


def split_concept(concept: str) -> tuple[str, str]:
    """``"gmr_b"`` -> ``("gmr", "b")``; ``ValueError`` when it is not an extended concept."""
    base, _, ext = concept.rpartition("_")
    if base not in UNCERTAIN_BASES or ext not in EXTENSIONS:
        raise InputError(f"{concept!r} is not an extended concept (nash_a ... seq_d)")
    return base, ext


def bmm(x: Bool2, y: Bool2) -> Bool2:
    """Boolean matrix product (exact: float32 counts stay below 2**24 here)."""
    return (x.astype(np.float32) @ y.astype(np.float32)) > 0


def move_matrices(moves: MoveOps) -> list[Bool2]:
    """Each actor's unilateral moves as an ``N × N`` relation (misperceptions included)."""
    n = moves.space.n_states
    out = []
    for k in range(len(moves.space.blocks)):
        csr = moves.csr(k)
        a = np.zeros((n, n), dtype=bool)
        src = np.repeat(np.arange(n), np.diff(csr.indptr))
        a[src, csr.indices] = True
        out.append(a)
    return out


def reach_relation(moves: Sequence[Bool2], distinct: bool) -> Bool2:
    """``R[s1, s2]``: ``s2`` is reachable from ``s1`` by at least one move of ``moves``' actors,
    in a legal sequence (no actor twice in a row) or, ``distinct``, each actor at most once."""
    n = moves[0].shape[0] if moves else 0
    if not moves:
        return np.zeros((n, n), dtype=bool)
    eye = np.eye(n, dtype=bool)
    if distinct:
        memo: dict[frozenset[int], Bool2] = {frozenset(): np.zeros((n, n), dtype=bool)}
        idx = range(len(moves))
        for size in range(1, len(moves) + 1):
            for subset in itertools.combinations(idx, size):
                s = frozenset(subset)
                acc = np.zeros((n, n), dtype=bool)
                for k in s:
                    acc |= bmm(eye | memo[s - {k}], moves[k])
                memo[s] = acc
        return memo[frozenset(idx)]
    last = [m.copy() for m in moves]  # last[k]: reachable with k the last mover
    while True:
        changed = False
        for k, m in enumerate(moves):
            others = np.zeros((n, n), dtype=bool)
            for j, r in enumerate(last):
                if j != k:
                    others |= r
            new = last[k] | bmm(others, m)
            if not np.array_equal(new, last[k]):
                last[k], changed = new, True
        if not changed:
            break
    out = last[0].copy()
    for r in last[1:]:
        out |= r
    return out


def uncertain_stability(
    moves: MoveOps,
    payoffs: Sequence[NDArray[Any]],
    uncertain: Sequence[Bool2],
    concepts: Sequence[str],
    sanctions: str = "legal",
) -> dict[str, NDArray[np.bool_]]:
    """Stability (actors × feasible states) under extended concepts such as ``gmr_a``.

    Parameters
    ----------
    moves
        The conflict's move operators (``ConflictModel.moves``; misperceptions apply).
    payoffs
        Each actor's payoff ranks over the feasible states (higher preferred).
    uncertain
        Each actor's symmetric ``N × N`` relation of uncertain pairs.
    concepts
        Extended concept names ``{nash,gmr,smr,seq}_{a,b,c,d}``.
    sanctions
        ``legal`` or ``distinct`` (each opponent moves at most once).

    Raises
    ------
    StateSpaceTooLarge
        Beyond :data:`MAX_UNCERTAIN_STATES` feasible states.
    """
    check_sanctions(sanctions)
    n = moves.space.n_states
    if n > MAX_UNCERTAIN_STATES:
        raise StateSpaceTooLarge(
            f"preference uncertainty is analysed on at most {MAX_UNCERTAIN_STATES} feasible "
            f"states (state-by-state relations); this conflict has {n}")
    m = len(payoffs)
    P = [np.asarray(p, dtype=np.int64) for p in payoffs]
    A = move_matrices(moves)
    better = [(p[None, :] > p[:, None]) & ~u for p, u in zip(P, uncertain, strict=True)]
    up_or_u = [a & (b | u) for a, b, u in zip(A, better, uncertain, strict=True)]
    up = [a & b for a, b in zip(A, better, strict=True)]
    reach_cache: dict[tuple[int, bool], Bool2] = {}

    def reach(i: int, credible: bool) -> Bool2:
        key = (i, credible)
        if key not in reach_cache:
            src = up_or_u if credible else A
            reach_cache[key] = reach_relation([src[k] for k in range(m) if k != i],
                                      sanctions == "distinct")
        return reach_cache[key]

    out: dict[str, NDArray[np.bool_]] = {}
    for concept in concepts:
        base, ext = split_concept(concept)
        to_uncertain, uncertain_deters = EXTENSIONS[ext]
        rows = []
        for i in range(m):
            focal = up_or_u[i] if to_uncertain else up[i]
            le = (P[i][None, :] <= P[i][:, None]) & ~uncertain[i]  # Φ^≃[s, t]
            target = le | uncertain[i] if uncertain_deters else le
            rows.append(stable_from_relations(
                base, focal, target, A[i],
                functools.partial(reach, i, base == "seq") if base != "nash" else None))
        out[concept] = np.vstack(rows) if rows else np.zeros((0, n), dtype=bool)
    return out


def stable_from_relations(base: str, focal: Bool2, deter: Bool2, own_moves: Bool2,
                          sanctions: Callable[[], Bool2] | None) -> NDArray[np.bool_]:
    """Stability of every state for one actor from state-by-state relations.

    Parameters
    ----------
    base
        ``nash``, ``gmr``, ``smr`` or ``seq`` (the shape of the definition).
    focal
        ``focal[s, s1]``: the actor's moves from ``s`` that the concept considers.
    deter
        ``deter[s, s2]``: ending at ``s2`` deters the actor from leaving ``s``.
    own_moves
        The actor's unilateral moves (SMR: it must not escape a sanction).
    sanctions
        Gives ``R[s1, s2]``, the opponents' reach used by the concept (``None`` for Nash).
    """
    if base == "nash" or sanctions is None:
        return np.asarray(~focal.any(axis=1))
    target = deter
    if base == "smr":  # the sanction holds whatever the actor does next
        target = deter & ~bmm(~deter, own_moves.T)
    hit = bmm(target, sanctions().T)  # hit[s, s1]: some sanction from s1 deters at s
    return np.asarray(~(focal & ~hit).any(axis=1))
