"""The move graph shared by the coalition and status-quo analyses.

Unilateral moves and improvements as sparse pair sets over the feasible states, coalition
improvements (Kilgour, Hipel, Fang and Peng 2001), Boolean closures over legal sequences (Fang,
Hipel and Kilgour 1993: no mover twice in succession), a level-synchronous breadth-first search
over ``(state, last mover)`` nodes (the coloured paths of Xu, Kilgour, Hipel and Kemkes 2010),
the shortest legal sequence of a coalition's members between two states, and the steps
(:class:`Move`) the analyses report. :mod:`detente.conflict.coalitions` and
:mod:`detente.conflict.paths` both build on this module and neither imports the other; the
definitions are stated in the docstrings of those two modules.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from detente.conflict.engine import ConflictModel
from detente.conflict.reach import coalition_improvements, group_reach
from detente.conflict.stability import exclusive_reduce, relax_last_mover, sanction_minimum
from detente.conflict.statespace import env_limit
from detente.errors import InputError, StateSpaceTooLarge
from detente.scenario.codes import code_text
from detente.scenario.model import Scenario

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


#: Above this many edges the reachable sub-graph is not kept (the shortest-path tree is).
EDGE_LIMIT = 200_000


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


# -- steps ------------------------------------------------------------------------------------


def _changes(options: Sequence[str], source: int, target: int) -> tuple[tuple[str, bool], ...]:
    diff = int(source) ^ int(target)
    return tuple((ref, bool((int(target) >> k) & 1))
                 for k, ref in enumerate(options) if (diff >> k) & 1)


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
            raise InputError(f"coalitions must be 'all' or a list of lists of actor ids; "
                             f"got {coalitions!r}")
        if n > MAX_ACTORS_ALL:
            raise InputError(f"{n} actors give {2 ** n - 1} coalitions, more than detente "
                             f"enumerates (actors <= {MAX_ACTORS_ALL}); list the coalitions")
        for size in range(1, n + 1):
            out.update(itertools.combinations(range(n), size))
    else:
        for c in coalitions:
            members = [c] if isinstance(c, str) else list(c)
            if not members:
                raise InputError("empty coalition; list actor ids")
            unknown = [m for m in members if m not in ids]
            if unknown:
                raise InputError(f"unknown actor {unknown[0]!r} in coalition {members}; "
                                 f"actors are {', '.join(ids)}")
            if len(set(members)) != len(members):
                raise InputError(f"an actor appears twice in coalition {members}")
            out.add(tuple(sorted(ids.index(m) for m in members)))
    if singletons:
        out.update((i,) for i in range(n))
    return tuple(sorted(out, key=lambda c: (len(c), c)))


# -- breadth-first search over (state, last mover) --------------------------------------------


@dataclass(frozen=True)
class BfsTree:
    """Shortest-path tree of a level-synchronous BFS over ``(state, last mover)`` nodes.

    Column ``c`` of the node arrays is the last mover (``n_movers`` = none, the start) when
    ``legal``; with ``legal=False`` there is one column.
    """

    start: int
    n_movers: int
    legal: bool
    depth: NDArray[np.int32]
    parent_state: IntArray
    parent_col: NDArray[np.int32]
    mover: NDArray[np.int32]
    edges: IntArray | None

    @property
    def start_col(self) -> int:
        """The column of the start node."""
        return self.n_movers if self.legal else 0

    def state_depth(self) -> NDArray[np.int32]:
        """Shortest number of steps to every state (``-1`` if unreachable)."""
        d = np.where(self.depth >= 0, self.depth, np.iinfo(np.int32).max)
        best = d.min(axis=1)
        return np.where(best == np.iinfo(np.int32).max, -1, best).astype(np.int32)

    def best_col(self, state: int) -> int:
        """The column of a shallowest node of ``state`` (lowest mover on ties)."""
        row = self.depth[state]
        ok = np.flatnonzero(row >= 0)
        if not ok.size:
            raise InputError(f"state index {state} is not reachable")
        return int(ok[np.argmin(row[ok])])

    def path_to(self, state: int) -> list[tuple[int, int, int]]:
        """Steps ``(from, to, mover)`` of a shortest evolution from the start to ``state``."""
        s, c = int(state), self.best_col(state)
        steps: list[tuple[int, int, int]] = []
        while int(self.parent_state[s, c]) >= 0:
            ps, pc = int(self.parent_state[s, c]), int(self.parent_col[s, c])
            steps.append((ps, s, int(self.mover[s, c])))
            s, c = ps, pc
        steps.reverse()
        return steps


def legal_bfs(
    n_states: int,
    successors: Sequence[Successors],
    start: int,
    *,
    legal: bool = True,
    stop_at: int | None = None,
    collect_edges: bool = False,
    edge_limit: int = EDGE_LIMIT,
    progress: Callable[[int, int], None] | None = None,
) -> BfsTree:
    """Breadth-first search from ``start`` by steps of several movers.

    Parameters
    ----------
    n_states
        Number of states (indices ``0 .. n_states - 1``).
    successors
        One function per mover: given an array of states (unique, increasing), it returns
        ``(position, target)`` for every step of that mover leaving them (vectorised). A
        function with a true ``wants_mask`` attribute is also given the mask of states not
        yet reached in that mover's column, and may return only steps to those (one per
        target is enough: the search keeps the first parent).
    start
        Start state index.
    legal
        No mover twice in succession (nodes are ``(state, last mover)``).
    stop_at
        Stop once this state is reached.
    collect_edges
        Keep every step examined as ``(from, to, mover)`` rows (dropped beyond
        ``edge_limit``).
    edge_limit
        Largest number of edges kept.
    progress
        Called as ``progress(level, states reached)`` after each level.

    Returns
    -------
    BfsTree
        Depths and parents of every node reached.
    """
    m = len(successors)
    cols = m + 1 if legal else 1
    c0 = m if legal else 0
    depth = np.full((n_states, cols), -1, dtype=np.int32)
    pstate = np.full((n_states, cols), -1, dtype=np.int64)
    pcol = np.full((n_states, cols), -1, dtype=np.int32)
    mover = np.full((n_states, cols), -1, dtype=np.int32)
    depth[start, c0] = 0
    f_states = np.array([start], dtype=np.int64)
    f_cols = np.array([c0], dtype=np.int32)
    log = _EdgeLog(collect_edges, edge_limit)
    d = 0
    while f_states.size:
        if stop_at is not None and bool((depth[stop_at] >= 0).any()):
            break
        d += 1
        parts = [p for j, succ in enumerate(successors)
                 if (p := _mover_steps(j, succ, f_states, f_cols, depth, legal, log)) is not None]
        if not parts:
            break
        t, col_, mv, ps, pc = _first_parents(parts)
        depth[t, col_] = d
        pstate[t, col_] = ps
        pcol[t, col_] = pc
        mover[t, col_] = mv
        f_states, f_cols = t, col_.astype(np.int32)
        if progress is not None:
            progress(d, int((depth >= 0).any(axis=1).sum()))
    return BfsTree(start, m, legal, depth, pstate, pcol, mover, log.edges())


class _EdgeLog:
    """The steps examined by :func:`legal_bfs` as ``(from, to, mover)`` rows, dropped once
    there are more than ``limit``."""

    def __init__(self, collect: bool, limit: int) -> None:
        self.collect, self.keep, self.limit = collect, collect, limit
        self.parts: list[IntArray] = []
        self.count = 0

    def add(self, src: IntArray, dst: IntArray, j: int) -> None:
        """Record the steps ``src -> dst`` of mover ``j``."""
        if not self.keep:
            return
        self.count += int(dst.shape[0])
        if self.count > self.limit:
            self.keep = False
            self.parts.clear()
        else:
            self.parts.append(np.stack([src, dst, np.full(dst.shape[0], j, dtype=np.int64)],
                                       axis=1))

    def edges(self) -> IntArray | None:
        """The unique rows kept, or ``None`` when not collected or over the limit."""
        if not (self.collect and self.keep):
            return None
        return (np.unique(np.concatenate(self.parts), axis=0) if self.parts
                else np.zeros((0, 3), dtype=np.int64))


_Part = tuple[IntArray, IntArray, IntArray, IntArray, IntArray]


def _mover_steps(j: int, succ: Successors, f_states: IntArray, f_cols: NDArray[np.int32],
                 depth: NDArray[np.int32], legal: bool, log: _EdgeLog) -> _Part | None:
    """Mover ``j``'s steps from the frontier to nodes not yet reached: ``(target, column,
    mover, parent state, parent column)`` arrays, or ``None`` when there are none."""
    sel = f_cols != j if legal else np.ones(f_states.shape[0], dtype=bool)
    fs, fc = f_states[sel], f_cols[sel]
    if not fs.size:
        return None
    fs, first = np.unique(fs, return_index=True)
    fc = fc[first]
    col = j if legal else 0
    if getattr(succ, "wants_mask", False):  # it may skip states already reached
        pos, dst = cast(Any, succ)(fs, depth[:, col] < 0)
    else:
        pos, dst = succ(fs)
    if not dst.size:
        return None
    src = fs[pos]
    log.add(src, dst, j)
    new = depth[dst, col] < 0
    if not new.any():
        return None
    k = int(new.sum())
    return (dst[new], np.full(k, col, dtype=np.int64), np.full(k, j, np.int64), src[new],
            fc[pos][new].astype(np.int64))


def _first_parents(parts: Sequence[_Part]) -> _Part:
    """One parent per new node: the lowest (mover, parent state, parent column)."""
    t, col_, mv, ps, pc = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.lexsort((pc, ps, mv, col_, t))
    t, col_, mv, ps, pc = t[order], col_[order], mv[order], ps[order], pc[order]
    first = np.ones(t.shape[0], dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (col_[1:] != col_[:-1])
    return t[first], col_[first], mv[first], ps[first], pc[first]


# -- the members' path of a coalition move -----------------------------------------------


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
    # states each mover misperceives (it cannot move from or to them): feasible-index masks
    blocked = {k: space.from_domain(m) for k, m in g.model.moves.blocked.items()}
    for order in itertools.islice(itertools.permutations(movers[::-1]), 720):
        at, cur, steps = source, cs, []
        for k, i in order:
            b = space.blocks[k]
            mask = (b.size - 1) << b.offset
            cur = (cur & ~mask) | (ct & mask)
            nxt = int(space.position(np.array([cur]))[0])
            if nxt < 0 or (k in blocked and (blocked[k][at] or blocked[k][nxt])):
                break  # an intermediate state is infeasible or misperceived: another order
            steps.append((at, nxt, i))
            at = nxt
        else:
            return steps
    return _searched_path(g, members, source, target)


def _searched_path(g: MoveGraph, members: Sequence[int], source: int, target: int
                   ) -> list[tuple[int, int, int]]:
    """:func:`member_path` by breadth-first search over the states the members can reach."""
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


__all__ = [
    "EDGE_LIMIT",
    "BfsTree",
    "Move",
    "MoveGraph",
    "Pairs",
    "coalition_class",
    "legal_bfs",
    "legal_closure",
    "make_move",
    "member_path",
]
