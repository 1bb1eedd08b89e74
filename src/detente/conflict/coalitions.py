"""Coalition analysis of a graph model: can a group of actors upset an equilibrium together?

Sources
-------
Kilgour, D.M., Hipel, K.W., Fang, L., Peng, X. (2001). "Coalition analysis in group decision
support". *Group Decision and Negotiation* 10(2), 159-175: coalition moves and coalition
improvements; Elmira, where the Ministry and Uniroyal jointly leave the individual equilibrium 5
for 8.
Inohara, T., Hipel, K.W. (2008). "Coalition analysis in the graph model for conflict
resolution". *Systems Engineering* 11(4), 343-359: coalition Nash, GMR, SMR and SEQ stability,
with sanctions by the other decision makers acting alone or in coalitions ("joint sanctions").
Fang, Hipel and Kilgour (1993), ch. 3, for the individual concepts these generalise.

The texts of the two coalition papers could not be opened while this module was written; the
definitions below are the literal generalisations of the individual ones with the coalition
preference ``≻_H`` and were checked against a set-based reference written from them
(``tests/conflict/reference_coalitions.py``), not against the papers' equations. Equation
numbers are therefore not quoted.

Definitions
-----------
N is the set of actors, H ⊆ N a coalition, ``s`` a state.

(C1) *Coalition moves.* ``R_H(s)``: the states reachable from ``s`` by a legal sequence (at least
one move) of unilateral moves of members of ``H``: no member moves twice in succession (Fang et
al. 1993, §3.2; for ``H = {i}`` this is ``R_i(s)``).

(C2) *Coalition preference.* ``t ≻_H s`` iff ``t ≻_j s`` for every ``j ∈ H``; its negation
``t ⋡_H s`` ("not a gain for the coalition") holds iff some member ``j`` has ``t ≼_j s``.

(C3) *Coalition improvements* (Kilgour et al. 2001). ``R_H^{++}(s) = {t ∈ R_H(s): t ≻_H s}``.
For ``H = {i}``, ``R_H^{++}(s) = R_i^+(s)``.

(C4) *Class of coalitions.* A class ``𝒞`` of coalitions: the scenario's ``coalitions:``, a
list given by the caller, or every non-empty subset of N. Every single actor is always added
(an actor can always act alone), so ``𝒞`` covers N.

(C5) *Joint sanctions.* Against ``H``, the *sanctioning units* are the single actors of
``N - H`` and the coalitions of ``𝒞`` disjoint from ``H``. ``R^{+}_{𝒰}(s1)``: the states
reachable from ``s1`` by a legal sequence (at least one step) of unit improvements: a single
actor's unilateral improvement or a coalition improvement (C3) of a coalition unit, no unit
acting twice in succession.

Stability of ``s`` for coalition ``H ∈ 𝒞``:

* **CNash**: ``R_H^{++}(s) = ∅``.
* **CGMR**: for every ``s1 ∈ R_H^{++}(s)`` there is ``s2 ∈ R_{N-H}(s1)`` with ``s2 ⋡_H s``.
* **CSMR**: for every ``s1 ∈ R_H^{++}(s)`` there is ``s2 ∈ R_{N-H}(s1)`` with ``s2 ⋡_H s`` and
  ``s3 ⋡_H s`` for every ``s3 ∈ R_H(s2)`` (the coalition cannot escape the sanction jointly).
* **CSEQ**: for every ``s1 ∈ R_H^{++}(s)`` there is ``s2 ∈ R^{+}_{𝒰}(s1)`` (C5) with
  ``s2 ⋡_H s`` (only credible sanctions, by single actors or coalitions of the others).

With ``H = N`` nobody can sanction: ``s`` is stable iff ``R_N^{++}(s) = ∅``. When every coalition
of the class is a single actor, each concept is the individual one (Nash, GMR, SMR, SEQ). An
actor is coalition-stable at ``s`` when ``s`` is stable for every coalition of the class that
contains it; a *coalition equilibrium* is stable for every coalition of the class.

Algorithm
---------
One Python loop over coalitions; no loop over states. Unilateral moves are CSR pair sets over
the feasible states. ``R_H`` from a block of source states is a Boolean fixed point over the
last mover (the relaxation of :func:`~detente.conflict.stability.sanction_minimum` with "or" in
place of "min"), with the sources packed 64 to a machine word so that one gather-and-reduce
serves 64 sources. Because ``∃ s2 ∃ j ∈ H`` is ``∃ j ∃ s2``, CGMR and CSEQ need only each
member's minimum payoff over the sanctions: ``M_j = sanction_minimum(P_j, N - H)`` (CSEQ with
coalition units uses the same relaxation with coalition-improvement steps), and ``s1`` is
unsanctioned iff ``M_j(s1) > P_j(s)`` for every member. CSMR is not separable by member; it is
computed only for the states that pass CGMR and have a coalition improvement, by two backward
fixed points per block of such states (the states from which ``H`` can reach a gain over
``s``; then those from which ``N - H`` can reach a state that is neither a gain nor an escape to
one). Coalition improvements are pairs of states, so time and output grow like ``N^2`` for
large coalitions: a few seconds for every coalition of a 4,096-state conflict.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import detente
from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.reach import coalition_improvements, group_reach
from detente.conflict.result import JsonResult
from detente.conflict.stability import (
    exclusive_reduce,
    pack_columns,
    relax_last_mover,
    sanction_minimum,
)
from detente.conflict.statespace import env_limit
from detente.errors import StateSpaceTooLarge
from detente.scenario.model import Preference, Scenario

#: Concepts defined for coalitions (SIM has no coalition form here).
COALITION_CONCEPTS = ("nash", "gmr", "smr", "seq")
#: Most actors for which "every coalition" (2**n - 1 of them) is enumerated.
MAX_ACTORS_ALL = 10
#: Bits (states x sources) of one block in the fixed points (4 MiB).
BLOCK_CELLS = 1 << 25
INF = np.iinfo(np.int64).max

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Bits = NDArray[np.uint64]
Successors = Callable[[IntArray], tuple[IntArray, IntArray]]


#: Default most coalition improvements held for one coalition (DETENTE_MAX_PAIRS overrides).
DEFAULT_MAX_PAIRS = 1 << 26


def max_pairs() -> int:
    """The limit on stored coalition improvements per coalition (``DETENTE_MAX_PAIRS`` or
    :data:`DEFAULT_MAX_PAIRS`, 2^26 pairs: 1 GiB as two int64 arrays, more while they are
    sorted)."""
    return env_limit("DETENTE_MAX_PAIRS", DEFAULT_MAX_PAIRS)


# -- sparse helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pairs:
    """A set of pairs ``(source, target)`` over feasible-state indices, in CSR form."""

    indptr: IntArray
    indices: IntArray

    @property
    def n(self) -> int:
        """Number of source states."""
        return int(self.indptr.shape[0] - 1)

    @property
    def nnz(self) -> int:
        """Number of pairs."""
        return int(self.indices.shape[0])

    @classmethod
    def from_pairs(cls, n: int, src: IntArray, dst: IntArray) -> Pairs:
        """Build from unsorted pair arrays (duplicates removed)."""
        if src.size:
            key = np.sort(src.astype(np.int64) * n + dst.astype(np.int64))
            keep = np.ones(key.shape[0], dtype=bool)
            keep[1:] = key[1:] != key[:-1]
            key = key[keep]
            src, dst = key // n, key % n
        counts = np.bincount(src.astype(np.int64), minlength=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(indptr, np.asarray(dst, dtype=np.int64))

    def select(self, keep: BoolArray) -> Pairs:
        """The pairs where ``keep`` (one flag per pair, in CSR order) is true."""
        counts = np.bincount(self.sources()[keep], minlength=self.n)
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return Pairs(indptr, self.indices[keep])

    def sources(self) -> IntArray:
        """The source index of every pair."""
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))

    def rows(self, states: IntArray) -> tuple[IntArray, IntArray]:
        """Pairs leaving ``states``: (position in ``states``, target), vectorised."""
        states = np.asarray(states, dtype=np.int64)
        starts = self.indptr[states]
        counts = self.indptr[states + 1] - starts
        total = int(counts.sum())
        pos = np.repeat(np.arange(states.shape[0], dtype=np.int64), counts)
        if total == 0:
            return pos, np.zeros(0, dtype=np.int64)
        first = np.cumsum(counts) - counts
        idx = (np.arange(total, dtype=np.int64) - np.repeat(first, counts)
               + np.repeat(starts, counts))
        return pos, self.indices[idx]

    def transpose(self) -> Pairs:
        """The pairs reversed (target, source)."""
        return Pairs.from_pairs(self.n, self.indices, self.sources())

    def or_over(self, X: Bits) -> Bits:
        """For every source, the bitwise "or" of the rows of ``X`` at its targets."""
        out = np.zeros_like(X)
        if self.nnz == 0:
            return out
        nonempty = np.flatnonzero(np.diff(self.indptr) > 0)
        out[nonempty] = np.bitwise_or.reduceat(X[self.indices], self.indptr[nonempty], axis=0)
        return out

    def min_over(self, X: IntArray, inf: int = INF) -> IntArray:
        """For every source, the minimum of ``X`` over its targets (``inf`` if none)."""
        out = np.full(self.n, inf, dtype=np.int64)
        if self.nnz == 0:
            return out
        vals = X[self.indices]
        nonempty = np.flatnonzero(np.diff(self.indptr) > 0)
        out[nonempty] = np.minimum.reduceat(vals, self.indptr[nonempty])
        return out

    def max_over(self, X: IntArray, fill: int = 0) -> IntArray:
        """For every source, the maximum of ``X`` over its targets (``fill`` if none)."""
        out = np.full(self.n, fill, dtype=np.int64)
        if self.nnz == 0:
            return out
        vals = X[self.indices]
        nonempty = np.flatnonzero(np.diff(self.indptr) > 0)
        out[nonempty] = np.maximum.reduceat(vals, self.indptr[nonempty])
        return out


def unpack_columns(x: Bits, K: int) -> BoolArray:
    """Inverse of :func:`pack_columns` (the first ``K`` columns)."""
    return np.unpackbits(x.view(np.uint8), axis=1, count=K, bitorder="little").astype(bool)


def legal_closure(steps: Sequence[Pairs], seed: Bits) -> Bits:
    """Reachability by legal sequences (at least one move), for many seed sets at once.

    ``X_j = A_j(seed ∨ ⋁_{k ≠ j} X_k)`` iterated to its least fixed point, then ``⋁_j X_j``:
    the last-mover relaxation of :func:`~detente.conflict.stability.sanction_minimum` over the
    Boolean semiring (Fang et al. 1993: no mover twice in succession). Seed sets are the bit
    columns of ``seed`` (64 per word), so one pass serves many sources.

    Parameters
    ----------
    steps
        One :class:`Pairs` per mover, read as ``A_j(X)[r] = ⋁ X[c]`` over the pairs
        ``(r, c)``: the moves themselves for a *backward* closure (which states can reach a
        seed), their transposes (:meth:`Pairs.transpose`) for a *forward* one (which states
        the seeds reach).
    seed
        ``(n_states, words)`` packed bits.

    Returns
    -------
    numpy.ndarray
        ``(n_states, words)`` packed bits.
    """
    if not steps:
        return np.zeros_like(seed)
    X = [np.zeros_like(seed) for _ in steps]
    while True:
        excl = exclusive_reduce(X, np.bitwise_or, 0)
        new = [st.or_over(seed | e) for st, e in zip(steps, excl, strict=True)]
        if all(np.array_equal(a, b) for a, b in zip(new, X, strict=True)):
            break
        X = new
    out = X[0].copy()
    for x in X[1:]:
        out |= x
    return out


def _blocks(n_rows: int, n_states: int) -> Iterable[slice]:
    """Blocks of source rows: a multiple of 64 columns, about ``BLOCK_CELLS`` cells each."""
    step = max(64, (BLOCK_CELLS // max(1, n_states)) // 64 * 64)
    for start in range(0, n_rows, step):
        yield slice(start, min(n_rows, start + step))


# -- the move graph of one scenario -----------------------------------------------------------


class MoveGraph:
    """Unilateral moves, improvements and coalition improvements over the feasible states.

    Parameters
    ----------
    model
        The scenario's :class:`~detente.conflict.engine.ConflictModel`.
    payoffs
        Payoff ranks per actor id over the feasible states.
    """

    def __init__(self, model: ConflictModel,
                 payoffs: Mapping[str, NDArray[np.unsignedinteger]]) -> None:
        self.model = model
        self.space = model.space
        self.scenario = model.scenario
        self.n = model.space.n_states
        self.actor_ids = tuple(model.scenario.actor_ids)
        self.P = [np.asarray(payoffs[a], dtype=np.int64) for a in self.actor_ids]
        self.profile = model.profile(payoffs)
        self._moves_t: dict[int, Pairs] = {}
        self._moves: dict[int, Pairs] = {}
        self._imp: dict[int, Pairs] = {}
        self._ci: dict[tuple[int, ...], Pairs] = {}
        self._ci_partial: dict[tuple[int, ...], tuple[BoolArray, list[IntArray], list[IntArray]]]
        self._ci_partial = {}
        self._mmin: dict[tuple[int, tuple[int, ...], bool], IntArray] = {}

    # unilateral moves ----------------------------------------------------------------------
    def moves(self, k: int) -> Pairs:
        """``R_k``: actor ``k``'s unilateral moves (the engine's CSR over feasible indices)."""
        if k not in self._moves:
            csr = self.model.moves.csr(k)
            self._moves[k] = Pairs(csr.indptr, csr.indices)
        return self._moves[k]

    def moves_to(self, k: int) -> Pairs:
        """Actor ``k``'s moves reversed (row = target), for forward closures."""
        if k not in self._moves_t:
            self._moves_t[k] = self.moves(k).transpose()
        return self._moves_t[k]

    def improvements(self, k: int) -> Pairs:
        """``R_k^+``: actor ``k``'s unilateral improvements."""
        if k not in self._imp:
            mv = self.moves(k)
            self._imp[k] = mv.select(self.P[k][mv.indices] > self.P[k][mv.sources()])
        return self._imp[k]

    def improvements_from(self, k: int, states: IntArray) -> tuple[IntArray, IntArray]:
        """``R_k^+`` from ``states`` only: (position in ``states``, target), computed from
        the moves without building the whole improvement table (for searches that visit a
        small part of a large graph)."""
        if k in self._imp:
            return self._imp[k].rows(states)
        states = np.asarray(states, dtype=np.int64)
        pos, dst = self.moves(k).rows(states)
        P = self.P[k]
        keep = P[dst] > P[states[pos]]
        return pos[keep], dst[keep]

    # coalition moves -----------------------------------------------------------------------
    def _ci_block(self, H: tuple[int, ...], rows: IntArray) -> tuple[IntArray, IntArray]:
        """Coalition improvements (C3) of ``H`` from the states ``rows``: (source, target).

        The states ``H`` can reach come from the engine's structure-only reach table
        (:func:`~detente.conflict.reach.group_reach`: legal sequences reach exactly the
        descendants in the members' move graph); a target is an improvement when every
        member strictly prefers it.
        """
        return coalition_improvements(self.model.moves, self.P, H, rows)

    def coalition_improvements(self, H: Sequence[int]) -> Pairs:
        """``R_H^{++}`` (C3) from every feasible state (cached)."""
        key = tuple(sorted(H))
        if key not in self._ci:
            if len(key) == 1:
                self._ci[key] = self.improvements(key[0])
            else:
                srcs: list[IntArray] = []
                dsts: list[IntArray] = []
                allrows = np.arange(self.n, dtype=np.int64)
                limit = max_pairs()
                kept = 0
                for blk in _blocks(self.n, self.n):
                    s, t = self._ci_block(key, allrows[blk])
                    kept += int(s.shape[0])
                    if kept > limit:
                        names = "+".join(self.actor_ids[k] for k in key)
                        raise StateSpaceTooLarge(
                            f"{self.scenario.source}: coalition {names} has more than "
                            f"{limit:,} joint improvements over {self.n:,} states (memory "
                            "grows with their number); list fewer or smaller coalitions "
                            "under `coalitions:`, or raise DETENTE_MAX_PAIRS")
                    srcs.append(s)
                    dsts.append(t)
                src = np.concatenate(srcs) if srcs else np.zeros(0, np.int64)
                dst = np.concatenate(dsts) if dsts else np.zeros(0, np.int64)
                self._ci[key] = Pairs.from_pairs(self.n, src, dst)
        return self._ci[key]

    def kept_pairs(self, H: Sequence[int]) -> int:
        """Coalition improvements of ``H`` kept so far by :meth:`coalition_improvements_from`."""
        key = tuple(sorted(H))
        if key in self._ci:
            return self._ci[key].nnz
        part = self._ci_partial.get(key)
        return 0 if part is None else sum(int(x.shape[0]) for x in part[1])

    def known_improvable(self, H: Sequence[int], states: IntArray
                         ) -> tuple[BoolArray, BoolArray]:
        """For ``states``: whether the kept pairs cover them, and whether ``H`` has an
        improvement from them (meaningful where covered)."""
        key = tuple(sorted(H))
        states = np.asarray(states, dtype=np.int64)
        if key in self._ci:
            ci = self._ci[key]
            return (np.ones(states.shape[0], dtype=bool),
                    ci.indptr[states + 1] > ci.indptr[states])
        part = self._ci_partial.get(key)
        if part is None:
            return np.zeros(states.shape[0], dtype=bool), np.zeros(states.shape[0], dtype=bool)
        done, src_store, _ = part
        src = np.concatenate(src_store) if src_store else np.zeros(0, np.int64)
        return done[states], np.isin(states, src)

    def coalition_improvements_from(self, H: Sequence[int], states: IntArray
                                    ) -> tuple[IntArray, IntArray]:
        """``R_H^{++}`` from ``states`` only (computed lazily, for large graphs).

        Returns (position in ``states``, target), like :meth:`Pairs.rows`.
        """
        key = tuple(sorted(H))
        if key in self._ci or len(key) == 1:
            return self.coalition_improvements(key).rows(states)
        done, src_store, dst_store = self._ci_partial.setdefault(
            key, (np.zeros(self.n, dtype=bool), [], []))
        states = np.asarray(states, dtype=np.int64)
        missing = np.unique(states[~done[states]])
        for blk in _blocks(missing.shape[0], self.n):
            s, t = self._ci_block(key, missing[blk])
            src_store.append(s)
            dst_store.append(t)
        done[missing] = True
        if not src_store:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        src = np.concatenate(src_store)
        dst = np.concatenate(dst_store)
        if len(src_store) > 1:
            src_store[:] = [src]
            dst_store[:] = [dst]
        # positions of each queried state (states may repeat)
        order = np.argsort(src, kind="stable")
        src, dst = src[order], dst[order]
        lo = np.searchsorted(src, states, side="left")
        hi = np.searchsorted(src, states, side="right")
        counts = hi - lo
        total = int(counts.sum())
        pos = np.repeat(np.arange(states.shape[0], dtype=np.int64), counts)
        if total == 0:
            return pos, np.zeros(0, np.int64)
        first = np.cumsum(counts) - counts
        idx = np.arange(total, dtype=np.int64) - np.repeat(first, counts) + np.repeat(lo, counts)
        return pos, dst[idx]

    # sanctions -----------------------------------------------------------------------------
    def move_minimum(self, j: int, movers: Sequence[int], improving: bool) -> IntArray:
        """``min`` of ``P_j`` over ``R_movers(s1)`` (or ``R^+``) for every ``s1``, via the
        engine's :func:`~detente.conflict.stability.sanction_minimum` (INF if none)."""
        if not movers:
            return np.full(self.n, INF, dtype=np.int64)
        key = (j, tuple(movers), improving)
        if key in self._mmin:
            return self._mmin[key]
        prof = self.profile
        M = sanction_minimum(prof, prof.P[j], list(movers), improving=improving)
        out = np.asarray(self.space.from_domain(M), dtype=np.int64)
        out[out == np.iinfo(M.dtype).max] = INF
        self._mmin[key] = out
        return out

    def unit_minimum(self, v: IntArray, units: Sequence[Pairs]) -> IntArray:
        """``min`` of ``v`` over the states reachable by legal sequences of unit steps (C5).

        The relaxation of :func:`~detente.conflict.stability.sanction_minimum` with each
        unit's step given as a set of pairs (a single actor's improvements or a coalition's
        coalition improvements).
        """
        if not units:
            return np.full(self.n, INF, dtype=np.int64)
        return relax_last_mover(v, [u.min_over for u in units], INF)


# -- results ---------------------------------------------------------------------------------


def _changes(options: Sequence[str], source: int, target: int) -> tuple[tuple[str, bool], ...]:
    diff = int(source) ^ int(target)
    return tuple((ref, bool((int(target) >> k) & 1))
                 for k, ref in enumerate(options) if (diff >> k) & 1)


def code_text(code: int, n_options: int) -> str:
    """``Y``/``N`` text of a state code (option 1 = first character)."""
    return "".join("Y" if (int(code) >> k) & 1 else "N" for k in range(n_options))


@dataclass(frozen=True)
class Move:
    """One step of an evolution: a unilateral move of an actor or a joint move of a coalition.

    Attributes
    ----------
    mover
        The actor id, or the coalition's members joined by ``+``.
    members
        The actors who move.
    source, target
        State codes before and after.
    source_state, target_state
        Their ``Y``/``N`` text codes.
    changes
        ``(option reference, taken at the target)`` for every option that changes.
    via
        For a coalition move: the legal sequence of its members' unilateral moves.
    """

    mover: str
    members: tuple[str, ...]
    source: int
    target: int
    source_state: str
    target_state: str
    changes: tuple[tuple[str, bool], ...]
    via: tuple[Move, ...] = ()

    def describe(self) -> str:
        """``mover: OPTION N→Y, ...`` (the options changed)."""
        parts = [f"{ref} {'N→Y' if taken else 'Y→N'}" for ref, taken in self.changes]
        return f"{self.mover}: {', '.join(parts) or 'no change'}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {
            "mover": self.mover,
            "members": list(self.members),
            "from": self.source_state,
            "to": self.target_state,
            "changes": [{"option": ref, "to": "Y" if taken else "N"}
                        for ref, taken in self.changes],
        }
        if self.via:
            out["via"] = [m.to_dict() for m in self.via]
        return out


def make_move(options: Sequence[str], members: Sequence[str], source: int, target: int,
              via: Sequence[Move] = ()) -> Move:
    """Build a :class:`Move` between two state codes."""
    m = len(options)
    return Move("+".join(members), tuple(members), int(source), int(target),
                code_text(source, m), code_text(target, m), _changes(options, source, target),
                tuple(via))


@dataclass(frozen=True)
class CoalitionBreak:
    """An equilibrium of the individual analysis that a coalition can upset.

    Attributes
    ----------
    concept
        The stability concept.
    state
        The equilibrium (text code).
    coalitions
        Every coalition of the class for which the state is not stable.
    coalition
        The coalition whose move is shown (the first of ``coalitions``).
    target
        The state it moves to (a coalition improvement that is not sanctioned).
    moves
        The members' unilateral moves from ``state`` to ``target`` (a shortest legal sequence).
    """

    concept: str
    state: str
    coalitions: tuple[tuple[str, ...], ...]
    coalition: tuple[str, ...]
    target: str
    moves: tuple[Move, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "state": self.state,
            "coalitions": [list(c) for c in self.coalitions],
            "coalition": list(self.coalition),
            "target": self.target,
            "moves": [m.to_dict() for m in self.moves],
        }


@dataclass(frozen=True)
class CoalitionResult(JsonResult):
    """Coalition stability of every feasible state, and what it does to the equilibria.

    Attributes
    ----------
    scenario, digest, variant
        Which input produced this (name, SHA-256 of the data, applied variant).
    actors, options
        Actor ids; ``ACTOR.OPTION`` references in code order.
    codes
        Feasible state codes, increasing.
    status_quo
        Status-quo code or ``None``.
    coalitions
        The class of coalitions analysed (C4), singletons included, smallest first.
    stable
        ``concept -> bool array (coalitions × states)``: stability for each coalition.
    individual
        ``concept -> bool array (actors × states)``: the individual analysis (engine).
    breaks
        ``concept ->`` the individual equilibria that are not coalition equilibria, each with
        a coalition move that upsets it.
    parameters
        Anything else that shaped the result.
    """

    scenario: str
    digest: str
    variant: str | None
    actors: tuple[str, ...]
    options: tuple[str, ...]
    codes: IntArray
    status_quo: int | None
    coalitions: tuple[tuple[str, ...], ...]
    stable: Mapping[str, BoolArray]
    individual: Mapping[str, BoolArray]
    breaks: Mapping[str, tuple[CoalitionBreak, ...]]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = detente.__version__

    @property
    def concepts(self) -> tuple[str, ...]:
        """The concepts analysed."""
        return tuple(self.stable)

    @property
    def labels(self) -> tuple[str, ...]:
        """Coalition labels (members joined by ``+``)."""
        return tuple("+".join(c) for c in self.coalitions)

    def code_text(self, code: int) -> str:
        """``Y``/``N`` text of a state code."""
        return code_text(code, len(self.options))

    @property
    def states(self) -> list[str]:
        """Feasible states as text codes."""
        return [self.code_text(c) for c in self.codes]

    def _coalition_index(self, coalition: str | Sequence[str]) -> int:
        members = coalition.split("+") if isinstance(coalition, str) else list(coalition)
        key = tuple(a for a in self.actors if a in set(members))
        if len(key) != len(set(members)) or key not in self.coalitions:
            raise ValueError(f"coalition {coalition!r} is not in the class analysed: "
                             f"{', '.join(self.labels)}")
        return self.coalitions.index(key)

    def stable_for(self, concept: str, coalition: str | Sequence[str]) -> list[str]:
        """States stable for ``coalition`` (``"A+B"`` or a list of ids) under ``concept``."""
        row = self.stable[concept][self._coalition_index(coalition)]
        return [self.code_text(c) for c in self.codes[row]]

    def actor_stable(self, concept: str) -> BoolArray:
        """``actors × states``: stable for every coalition of the class containing the actor."""
        out = np.ones((len(self.actors), self.codes.shape[0]), dtype=bool)
        for h, members in enumerate(self.coalitions):
            for a in members:
                out[self.actors.index(a)] &= self.stable[concept][h]
        return out

    def equilibrium_mask(self, concept: str) -> BoolArray:
        """Coalition equilibria: stable for every coalition of the class."""
        return np.asarray(self.stable[concept].all(axis=0))

    def equilibria(self, concept: str) -> list[str]:
        """Coalition equilibria (text codes)."""
        return [self.code_text(c) for c in self.codes[self.equilibrium_mask(concept)]]

    def individual_equilibria(self, concept: str) -> list[str]:
        """Equilibria of the individual analysis (text codes)."""
        mask = self.individual[concept].all(axis=0)
        return [self.code_text(c) for c in self.codes[mask]]

    def survivors(self, concept: str) -> list[str]:
        """Individual equilibria that are also coalition equilibria."""
        mask = self.individual[concept].all(axis=0) & self.equilibrium_mask(concept)
        return [self.code_text(c) for c in self.codes[mask]]

    def broken(self, concept: str) -> list[str]:
        """Individual equilibria that some coalition upsets."""
        return [b.state for b in self.breaks[concept]]

    def is_stable(self, concept: str, state: str | int,
                  coalition: str | Sequence[str] | None = None) -> bool:
        """Stability of ``state`` for ``coalition`` (a coalition equilibrium if ``None``)."""
        code = state if isinstance(state, int) else _parse(state)
        pos = int(np.searchsorted(self.codes, code))
        if pos >= self.codes.shape[0] or int(self.codes[pos]) != code:
            raise ValueError(f"state {state!r} is not a feasible state of {self.scenario!r}")
        col = self.stable[concept][:, pos]
        if coalition is None:
            return bool(col.all())
        return bool(col[self._coalition_index(coalition)])

    def report(self) -> str:
        """Plain text: which individual equilibria survive and which coalition move breaks
        the others."""
        lines = [f"{self.scenario}: coalition analysis over {len(self.coalitions)} coalitions "
                 f"({', '.join(self.labels)})"]
        for c in self.concepts:
            name = c.upper() if c != "nash" else "Nash"
            ind = ", ".join(self.individual_equilibria(c)) or "none"
            surv = ", ".join(self.survivors(c)) or "none"
            lines.append(f"{name}: individual equilibria {ind}; survive: {surv}")
            for b in self.breaks[c]:
                steps = "; ".join(m.describe() for m in b.moves)
                lines.append(f"  {b.state} broken by {'+'.join(b.coalition)} -> {b.target} "
                             f"({steps})")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON structure."""
        concepts: dict[str, Any] = {}
        for c in self.concepts:
            concepts[c] = {
                "stable": {lab: self.stable_for(c, lab) for lab in self.labels},
                "equilibria": self.equilibria(c),
                "individual_equilibria": self.individual_equilibria(c),
                "survive": self.survivors(c),
                "broken": [b.to_dict() for b in self.breaks[c]],
            }
        return {
            "scenario": self.scenario,
            "options": list(self.options),
            "states": self.states,
            "status_quo": None if self.status_quo is None else self.code_text(self.status_quo),
            "coalitions": [list(c) for c in self.coalitions],
            "concepts": concepts,
            "provenance": self.provenance(),
        }

    def provenance(self) -> dict[str, Any]:
        """What produced this result."""
        return {
            "scenario": self.scenario,
            "digest": self.digest,
            "variant": self.variant,
            "analysis": "coalition",
            "concepts": list(self.concepts),
            "coalitions": [list(c) for c in self.coalitions],
            "detente": self.version,
            **dict(self.parameters),
        }


def _parse(text: str) -> int:
    t = text.strip().upper()
    if not t or any(ch not in "YN" for ch in t):
        raise ValueError(f"state code {text!r} must consist of Y and N")
    return sum(1 << k for k, ch in enumerate(t) if ch == "Y")


# -- the class of coalitions -----------------------------------------------------------------


def coalition_class(
    scenario: Scenario,
    coalitions: str | Iterable[Iterable[str]] | None = None,
    *,
    singletons: bool = True,
) -> tuple[tuple[int, ...], ...]:
    """Resolve a class of coalitions (C4) to sorted tuples of actor indices.

    Parameters
    ----------
    scenario
        The scenario (actor order).
    coalitions
        ``None``: the scenario's ``coalitions:`` if it has any, else every coalition;
        ``"all"``: every non-empty subset of the actors; or a list of lists of actor ids.
    singletons
        Add every single actor (default).

    Returns
    -------
    tuple
        Coalitions as increasing actor-index tuples, smallest first, without repeats.
    """
    ids = scenario.actor_ids
    n = len(ids)
    if coalitions is None:
        coalitions = scenario.coalitions if scenario.coalitions else "all"
    out: set[tuple[int, ...]] = set()
    if isinstance(coalitions, str):
        if coalitions != "all":
            raise ValueError(f"coalitions must be 'all' or a list of lists of actor ids; "
                             f"got {coalitions!r}")
        if n > MAX_ACTORS_ALL:
            raise ValueError(f"{n} actors give {2 ** n - 1} coalitions, more than detente "
                             f"enumerates (actors <= {MAX_ACTORS_ALL}); list the coalitions")
        for size in range(1, n + 1):
            out.update(itertools.combinations(range(n), size))
    else:
        for c in coalitions:
            members = [c] if isinstance(c, str) else list(c)
            if not members:
                raise ValueError("empty coalition; list actor ids")
            unknown = [m for m in members if m not in ids]
            if unknown:
                raise ValueError(f"unknown actor {unknown[0]!r} in coalition {members}; "
                                 f"actors are {', '.join(ids)}")
            if len(set(members)) != len(members):
                raise ValueError(f"an actor appears twice in coalition {members}")
            out.add(tuple(sorted(ids.index(m) for m in members)))
    if singletons:
        out.update((i,) for i in range(n))
    return tuple(sorted(out, key=lambda c: (len(c), c)))


# -- stability -------------------------------------------------------------------------------


def _first_per_source(src: IntArray, dst: IntArray, n: int) -> IntArray:
    """For each source, the smallest target among the pairs (``-1`` if none)."""
    out = np.full(n, -1, dtype=np.int64)
    if src.size:
        order = np.lexsort((dst, src))
        s, d = src[order], dst[order]
        first = np.ones(s.shape[0], dtype=bool)
        first[1:] = s[1:] != s[:-1]
        out[s[first]] = d[first]
    return out


def _smr_unsanctioned(g: MoveGraph, H: tuple[int, ...], others: list[int], ci: Pairs,
                      rows: IntArray) -> IntArray:
    """CSMR (set-wise): for the states ``rows``, the first unsanctioned coalition improvement
    (``-1`` if every one is sanctioned)."""
    n = g.n
    out = np.full(rows.shape[0], -1, dtype=np.int64)
    back_h = [g.moves(j) for j in H]
    back_o = [g.moves(j) for j in others]
    for blk in _blocks(rows.shape[0], n):
        r = rows[blk]
        K = r.shape[0]
        gain = np.ones((n, K), dtype=bool)  # gain[x, k]: x ≻_H r[k]
        for j in H:
            gain &= g.P[j][:, None] > g.P[j][r][None, :]
        gain_b = pack_columns(gain)
        good = ~(gain_b | legal_closure(back_h, gain_b))  # no joint escape to a gain
        sanctioned = unpack_columns(legal_closure(back_o, good), K)  # sanctioned[s1, k]
        pos, dst = ci.rows(r)
        uns = ~sanctioned[dst, pos]
        first = _first_per_source(pos[uns], dst[uns], K)
        out[blk] = first
    return out


def member_path(g: MoveGraph, members: Sequence[int], source: int, target: int
                ) -> list[tuple[int, int, int]]:
    """Shortest legal sequence of the members' unilateral moves from ``source`` to
    ``target``: ``(from, to, index in members)`` per step.

    Each member whose options differ must move at least once, so a sequence in which each of
    them moves once, straight to its options at ``target``, is shortest; the orders are
    tried with the highest-indexed member first (as the breadth-first search would report
    them). When no order keeps every intermediate state feasible, a breadth-first search
    over the states the members can reach finds the path.
    """
    space = g.space
    codes = space.codes
    cs, ct = int(codes[source]), int(codes[target])
    movers: list[tuple[int, int]] = []  # (actor, index in members) of those that change
    for i, k in enumerate(members):
        b = space.blocks[k]
        a_sub, b_sub = (cs >> b.offset) & (b.size - 1), (ct >> b.offset) & (b.size - 1)
        if a_sub != b_sub:
            if not b.allowed(a_sub, b_sub):
                return _searched_path(g, members, source, target)
            movers.append((k, i))
    for order in itertools.islice(itertools.permutations(movers[::-1]), 720):
        at, cur, steps = source, cs, []
        for k, i in order:
            b = space.blocks[k]
            mask = (b.size - 1) << b.offset
            cur = (cur & ~mask) | (ct & mask)
            nxt = int(space.position(np.array([cur]))[0])
            if nxt < 0:  # an intermediate state is infeasible: try another order
                break
            steps.append((at, nxt, i))
            at = nxt
        else:
            return steps
    return _searched_path(g, members, source, target)


def _searched_path(g: MoveGraph, members: Sequence[int], source: int, target: int
                   ) -> list[tuple[int, int, int]]:
    """:func:`member_path` by breadth-first search over the states the members can reach."""
    from detente.conflict.paths import legal_bfs  # late import: paths imports this module

    reach = group_reach(g.model.moves, tuple(sorted(members)))
    local = np.union1d(reach.reachable_states(int(reach.label[source])),
                       np.array([source], dtype=np.int64))

    def on_local(j: int) -> Successors:
        def succ(states: IntArray) -> tuple[IntArray, IntArray]:
            pos, dst = g.moves(j).rows(local[states])
            return pos, np.searchsorted(local, dst)

        return succ

    start = int(np.searchsorted(local, source))
    goal = int(np.searchsorted(local, target))
    tree = legal_bfs(local.shape[0], [on_local(j) for j in members], start, stop_at=goal)
    return [(int(local[a]), int(local[b]), mv) for a, b, mv in tree.path_to(goal)]


def analyse_coalitions(
    scenario: Scenario,
    concepts: Iterable[str] | str | None = None,
    coalitions: str | Iterable[Iterable[str]] | None = None,
    *,
    model: ConflictModel | None = None,
    preferences: Mapping[str, Preference] | None = None,
    payoffs: Mapping[str, NDArray[np.unsignedinteger]] | None = None,
    max_states: int | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> CoalitionResult:
    """Coalition stability (CNash, CGMR, CSMR, CSEQ) of every state for a class of coalitions.

    Parameters
    ----------
    scenario
        A validated scenario.
    concepts
        Any of ``nash``, ``gmr``, ``smr``, ``seq`` (default: all four), as a list or a
        comma-separated string.
    coalitions
        The class (C4): ``None`` for the scenario's ``coalitions:`` (every coalition if it
        has none), ``"all"``, or a list of lists of actor ids. Single actors are always added.
    model, preferences, payoffs, max_states
        As for :func:`~detente.conflict.engine.analyse`.
    progress
        Called as ``progress(fraction done, stage)`` before each coalition.

    Returns
    -------
    CoalitionResult
        Stability per coalition, the individual analysis, and the individual equilibria that
        coalitions upset with the move that does it.

    Examples
    --------
    >>> import detente
    >>> from detente.conflict.coalitions import analyse_coalitions
    >>> elmira = detente.load_scenario(detente.scenario_path("elmira"))
    >>> r = analyse_coalitions(elmira, "nash")
    >>> r.broken("nash"), r.breaks["nash"][0].coalition, r.breaks["nash"][0].target
    (['NYNNY'], ('MoE', 'U'), 'YNYNY')
    """
    conc = _coalition_concepts(concepts)
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=max_states)
    pay = payoffs if payoffs is not None else model.payoffs(preferences, scenario)
    cls = coalition_class(scenario, coalitions)
    g = MoveGraph(model, pay)
    ids = g.actor_ids
    n_actors = len(ids)
    N = g.n
    individual = analyse(scenario, conc, model=model, payoffs=pay)

    stable: dict[str, BoolArray] = {c: np.ones((len(cls), N), dtype=bool) for c in conc}
    witness: dict[str, IntArray] = {c: np.full((len(cls), N), -1, dtype=np.int64) for c in conc}
    coalition_units = [c for c in cls if len(c) > 1]
    for h, H in enumerate(cls):
        if progress is not None:
            progress(h / len(cls), "coalition " + "+".join(ids[k] for k in H))
        ci = g.coalition_improvements(H)
        src = ci.sources()
        dst = ci.indices
        others = [k for k in range(n_actors) if k not in H]
        if "nash" in conc:
            stable["nash"][h] = np.diff(ci.indptr) == 0
            witness["nash"][h] = _first_per_source(src, dst, N)
        gmr_ok: BoolArray | None = None
        if "gmr" in conc or "smr" in conc:
            uns = np.ones(src.shape[0], dtype=bool)
            for j in H:
                uns &= g.move_minimum(j, others, improving=False)[dst] > g.P[j][src]
            first = _first_per_source(src[uns], dst[uns], N)
            gmr_ok = first < 0
            if "gmr" in conc:
                stable["gmr"][h] = gmr_ok
                witness["gmr"][h] = first
            if "smr" in conc:
                stable["smr"][h] = gmr_ok
                witness["smr"][h] = first
                rows = np.flatnonzero(gmr_ok & (np.diff(ci.indptr) > 0)).astype(np.int64)
                if rows.size:
                    w = _smr_unsanctioned(g, H, others, ci, rows)
                    stable["smr"][h][rows] = w < 0
                    witness["smr"][h][rows] = w
        if "seq" in conc:
            joint = [G for G in coalition_units if not set(G) & set(H)]
            units = [g.improvements(k) for k in others]
            units += [g.coalition_improvements(G) for G in joint]
            uns = np.ones(src.shape[0], dtype=bool)
            for j in H:
                if joint:
                    M = g.unit_minimum(g.P[j], units)
                else:
                    M = g.move_minimum(j, others, improving=True)
                uns &= M[dst] > g.P[j][src]
            first = _first_per_source(src[uns], dst[uns], N)
            stable["seq"][h] = first < 0
            witness["seq"][h] = first

    labels = tuple(tuple(ids[k] for k in H) for H in cls)
    options = tuple(scenario.option_refs)
    codes = model.space.codes
    breaks: dict[str, tuple[CoalitionBreak, ...]] = {}
    witness_moves: dict[tuple[int, int, int], tuple[Move, ...]] = {}
    for c in conc:
        ind_eq = individual.stable[c].all(axis=0)
        broken = np.flatnonzero(ind_eq & ~stable[c].all(axis=0))
        out: list[CoalitionBreak] = []
        for s in broken:  # a loop over the (few) broken equilibria
            failing = np.flatnonzero(~stable[c][:, s])
            h = int(failing[0])
            t = int(witness[c][h, s])
            members = cls[h]
            key = (h, int(s), t)
            if key not in witness_moves:  # the same move often breaks several concepts
                witness_moves[key] = tuple(
                    make_move(options, (ids[members[mv]],), int(codes[a]), int(codes[b]))
                    for a, b, mv in member_path(g, members, int(s), t)
                )
            moves = witness_moves[key]
            out.append(CoalitionBreak(
                concept=c,
                state=code_text(int(codes[s]), len(options)),
                coalitions=tuple(labels[int(f)] for f in failing),
                coalition=labels[h],
                target=code_text(int(codes[t]), len(options)),
                moves=moves,
            ))
        breaks[c] = tuple(out)

    if progress is not None:
        progress(1.0, "done")
    return CoalitionResult(
        scenario=scenario.name,
        digest=scenario.digest,
        variant=scenario.variant,
        actors=ids,
        options=options,
        codes=codes,
        status_quo=scenario.status_quo,
        coalitions=labels,
        stable=stable,
        individual={c: individual.stable[c] for c in conc},
        breaks=breaks,
        parameters={
            "n_states": N,
            "layout": "dense" if model.space.dense else "sparse",
            "sanctions": "legal",
            "coalition_class": "given" if (coalitions is not None and coalitions != "all")
            or (coalitions is None and scenario.coalitions) else "all",
        },
    )


def _coalition_concepts(concepts: Iterable[str] | str | None) -> tuple[str, ...]:
    if concepts is None:
        return COALITION_CONCEPTS
    if isinstance(concepts, str):
        concepts = [c for c in concepts.split(",") if c.strip()]
    out: list[str] = []
    for c in concepts:
        c = c.strip().lower()
        if c == "r":
            c = "nash"
        if c not in COALITION_CONCEPTS:
            raise ValueError(f"unknown coalition stability concept {c!r}; choose from "
                             f"{', '.join(COALITION_CONCEPTS)} (SIM has no coalition form)")
        if c not in out:
            out.append(c)
    if not out:
        raise ValueError(f"no concept given; choose from {', '.join(COALITION_CONCEPTS)}")
    return tuple(out)
