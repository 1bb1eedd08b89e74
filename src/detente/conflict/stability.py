"""Stability analysis of a graph model for any number of actors.

Definitions (Fang, Hipel and Kilgour 1993, *Interactive Decision Making*, ch. 3; for n
decision makers as in Fang, Hipel, Kilgour and Peng 2003, GMCR II part 1, §III). For actor
``i`` at state ``s``, with ``H = N - {i}`` and ``≼_i`` "less or equally preferred":

* **Nash** (R): ``R_i^+(s)`` is empty.
* **GMR**: every ``s1 ∈ R_i^+(s)`` has some ``s2 ∈ R_H(s1)`` with ``s2 ≼_i s``.
* **SMR**: every ``s1 ∈ R_i^+(s)`` has some ``s2 ∈ R_H(s1)`` with ``s2 ≼_i s`` and
  ``s3 ≼_i s`` for all ``s3 ∈ R_i(s2)``.
* **SEQ**: every ``s1 ∈ R_i^+(s)`` has some ``s2 ∈ R_H^+(s1)`` with ``s2 ≼_i s``.
* **SIM** (simultaneous sanctioning; Fang et al. 1993, §3.2.5, extended to n actors): every
  ``s1 ∈ R_i^+(s)`` can be answered by the opponents moving *at the same time* as ``i``: some
  opponents each pick one of their own unilateral improvements from ``s`` (the others stay)
  and the state combining ``i``'s options from ``s1`` with those choices is feasible and
  ``≼_i s``.

``R_H(s1)`` holds the states reachable from ``s1`` by a *legal sequence* of unilateral moves
by members of ``H`` (no member moves twice in succession; it may move again after another
has); ``R_H^+`` uses unilateral improvements. With ``sanctions="distinct"`` each member of
``H`` moves at most once, as GMCR+ computes it (Kinsara et al. 2015).

Algorithm (no reachable set is stored). Each of GMR, SMR and SEQ asks whether
``M(s1) = min over R_H(s1) of v`` is at most ``P_i(s)``, with ``v = P_i`` (GMR, SEQ) or
``v(s2) = max(P_i(s2), max over R_i(s2) of P_i)`` (SMR). ``M`` is computed for all states at
once by relaxing over the last mover: ``F_k = min(v, min over k' ≠ k of G_k')`` and
``G_k = min over R_k of F_k`` until nothing changes; then ``M = min_k G_k``. Finally ``s`` is
unstable iff ``max over s1 ∈ R_i(s) of min(P_i(s1), M(s1)) > P_i(s)``.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import CONCEPTS as CONCEPTS  # re-exported for old imports
from detente.conflict.concepts import SANCTIONS as SANCTIONS
from detente.conflict.concepts import check_sanctions, parse_concept
from detente.conflict.moves import Array, MoveOps, inf_of
from detente.conflict.statespace import ActorBlock, StateSpace, check_move_table


class _Profile:
    """Payoff arrays on the engine domain plus cached improvement indices."""

    def __init__(self, space: StateSpace, moves: MoveOps, payoffs: Sequence[Array]) -> None:
        self.P: list[Array]
        self.space = space
        self.moves = moves
        self.P = [space.to_domain(p, 0) for p in payoffs]
        self.feasible_ranks = list(payoffs)
        self._imp: dict[int, object] = {}
        self.sim_cache: dict[Any, Any] = {}

    def improvement(self, k: int) -> object:
        if k not in self._imp:
            self._imp[k] = self.moves.improvement_index(k, self.P[k])
        return self._imp[k]


def sanction_minimum(
    prof: _Profile,
    v: Array,
    movers: Sequence[int],
    *,
    improving: bool,
    sanctions: str = "legal",
) -> Array:
    """``M(s1)``: the minimum of ``v`` over the states the ``movers`` can reach from ``s1``.

    Reachability is by legal sequences of unilateral moves (``improving=False``) or
    unilateral improvements (``improving=True``) of at least one move; ``INF`` where no
    move exists. With ``sanctions="distinct"`` each mover moves at most once.
    """
    ops = prof.moves
    inf = inf_of(v.dtype)
    movers = list(movers)

    def step(k: int, X: Array) -> Array:
        return ops.min_moves(k, X, prof.improvement(k) if improving else None)

    if sanctions == "distinct":
        # E[S] = min of v over states reachable using each mover in S at most once.
        full = frozenset(movers)
        memo: dict[frozenset[int], Array] = {frozenset(): v}
        for size in range(1, len(movers)):
            for subset in itertools.combinations(movers, size):
                S = frozenset(subset)
                acc = v.copy()
                for k in S:
                    np.minimum(acc, step(k, memo[S - {k}]), out=acc)
                memo[S] = acc
        out = np.full_like(v, inf)
        for k in movers:
            np.minimum(out, step(k, memo[full - {k}]), out=out)
        return out
    check_sanctions(sanctions)

    return relax_last_mover(v, [functools.partial(step, k) for k in movers], inf)


def relax_last_mover(v: Array, steps: Sequence[Callable[[Array], Array]], inf: int) -> Array:
    """Minimum of ``v`` over everything reachable by legal sequences of the movers' steps.

    ``steps[j](X)`` gives, for every state, the minimum of ``X`` over mover ``j``'s moves from
    it. With ``F_j`` the minimum reachable once mover ``j`` has moved last (``v`` included),
    ``F_j = min(v, min over j' != j of steps[j'](F_j'))``; iterate to the fixed point (values
    only decrease, so it terminates) and return ``min_j steps[j](F_j)`` (at least one move).
    """
    F = [v for _ in steps]
    while True:
        G = [step(F[j]) for j, step in enumerate(steps)]
        excl = exclusive_reduce(G, np.minimum, inf)
        newF = [np.minimum(v, e) for e in excl]
        if all(np.array_equal(a, b) for a, b in zip(newF, F, strict=True)):
            break
        F = newF
    M = G[0].copy()
    for g in G[1:]:
        np.minimum(M, g, out=M)
    return M


def exclusive_reduce(arrays: Sequence[Array], op: np.ufunc, fill: int) -> list[Array]:
    """For each position j, ``op`` reduced over all arrays except the j-th (``fill`` when there
    is no other array): prefix and suffix scans, ``2n`` elementwise operations in all."""
    n = len(arrays)
    if n == 1:
        return [np.full_like(arrays[0], fill)]
    pre = [arrays[0]]
    for a in arrays[1:]:
        pre.append(op(pre[-1], a))
    suf = [arrays[-1]]
    for a in reversed(arrays[:-1]):
        suf.append(op(suf[-1], a))
    suf.reverse()
    out = [suf[1]]
    for j in range(1, n - 1):
        out.append(op(pre[j - 1], suf[j + 1]))
    out.append(pre[n - 2])
    return out


def pack_columns(b: NDArray[np.bool_]) -> NDArray[np.uint64]:
    """Pack the columns of an ``(n, K)`` Boolean array into ``(n, ceil(K/64))`` uint64 words
    (column ``c`` is bit ``c % 64`` of word ``c // 64``)."""
    n, K = b.shape
    words = max(1, -(-K // 64))
    packed = np.packbits(b, axis=1, bitorder="little")
    out = np.zeros((n, words * 8), dtype=np.uint8)
    out[:, : packed.shape[1]] = packed
    return out.view(np.uint64)


def _unstable_given(prof: _Profile, i: int, M: Array | None) -> NDArray[Any]:
    """States where ``i`` has an improvement ``s1`` with ``M(s1) > P_i(s)`` (no sanction)."""
    P = prof.P[i]
    W = P if M is None else np.minimum(P, M)
    Z = prof.moves.max_moves(i, W)
    return Z > P


def stable_states(
    prof: _Profile,
    i: int,
    concept: str,
    sanctions: str = "legal",
) -> NDArray[Any]:
    """Boolean stability of every domain position for actor ``i`` under ``concept``."""
    concept = parse_concept(concept)
    n = len(prof.P)
    others = [k for k in range(n) if k != i]
    P = prof.P[i]
    if concept == "nash":
        unstable = _unstable_given(prof, i, None)
    elif concept == "gmr":
        M = sanction_minimum(prof, P, others, improving=False, sanctions=sanctions)
        unstable = _unstable_given(prof, i, M)
    elif concept == "seq":
        M = sanction_minimum(prof, P, others, improving=True, sanctions=sanctions)
        unstable = _unstable_given(prof, i, M)
    elif concept == "smr":
        escape = np.maximum(P, prof.moves.max_moves(i, P))
        M = sanction_minimum(prof, escape, others, improving=False, sanctions=sanctions)
        unstable = _unstable_given(prof, i, M)
    elif concept == "sim":
        return sim_stable(prof, i)
    else:  # pragma: no cover - parse_concept admits only the five concepts
        raise AssertionError(concept)
    return ~unstable


# -- SIM ------------------------------------------------------------------------------------


def _replace(codes: NDArray[np.int64], offset: int, width: int, sub: int | NDArray[np.int64]
             ) -> NDArray[np.int64]:
    mask = np.int64(((1 << width) - 1) << offset)
    return (codes & ~mask) | (np.asarray(sub, dtype=np.int64) << offset)


class _Sim:
    """What the SIM stages share for one focal actor ``i``: the feasible codes, every actor's
    ranks, a code lookup, the pairs ``(state, sub-state)`` of ``i``'s improvements and the
    opponents' improvement tables (see :func:`sim_stable`)."""

    def __init__(self, prof: _Profile, i: int) -> None:
        space = prof.space
        self.prof, self.space, self.i = prof, space, i
        self.codes = space.codes
        self.N = self.codes.shape[0]
        self.P = [prof.feasible_ranks[k] for k in range(len(prof.P))]
        self.blocks = space.blocks
        for b in self.blocks:  # the response tables below hold N × 2**width entries per actor
            check_move_table(b.actor, b.width, self.N, b.size,
                             "SIM's table of responses (analyse without SIM)")
        self.slot: NDArray[np.int64] | None = None
        if space.dense:
            self.slot = np.full(1 << space.n_options, -1, dtype=np.int64)
            self.slot[self.codes] = np.arange(self.N, dtype=np.int64)
        self.bi = self.blocks[i]
        Pi = self.P[i]
        self.inf_i = inf_of(Pi.dtype)
        # dense layout: the focal actor's payoff by state code, INF where infeasible
        self.p_by_code: NDArray[Any] | None = None
        if space.dense and space.feasible is not None:
            self.p_by_code = np.where(space.feasible, prof.P[i], self.inf_i).astype(Pi.dtype)
        self.n_rank = int(Pi.max()) + 1 if Pi.size else 1
        self.pair_s, self.pair_a = np.nonzero(self.improvements(i))
        self.theta = Pi[self.pair_s]
        self.base = _replace(self.codes[self.pair_s], self.bi.offset, self.bi.width,
                             self.pair_a.astype(np.int64))
        self.opp = [k for k in range(len(self.blocks)) if k != i]

    def lookup(self, c: NDArray[np.int64]) -> NDArray[np.int64]:
        """Feasible index of each code (``-1`` where infeasible)."""
        if self.slot is not None:
            return self.slot[c]
        return self.space.position(c)

    def improvements(self, k: int) -> NDArray[np.bool_]:
        """Which sub-states of actor k are unilateral improvements from each state (cached:
        the same for every focal actor)."""
        cache = self.prof.sim_cache
        if k in cache:
            return cache[k]
        b, codes, P = self.blocks[k], self.codes, self.P
        sub = (codes >> b.offset) & (b.size - 1)
        out = np.zeros((self.N, b.size), dtype=bool)
        for a in range(b.size):
            allowed = b.allowed(sub, a)
            pos = self.lookup(_replace(codes, b.offset, b.width, a))
            ok = allowed & (pos >= 0)
            if k in self.prof.moves.blocked:  # no move from or to a misperceived state
                blocked = self.space.from_domain(self.prof.moves.blocked[k])
                ok &= ~blocked
                ok[ok] = ~blocked[pos[ok]]
            out[ok, a] = P[k][pos[ok]] > P[k][ok]
        cache[k] = out
        return out

    def box_members(self, k: int, states: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Opponent ``k``'s possible sub-states at ``states``: its improvements or staying."""
        b = self.blocks[k]
        opts = self.improvements(k)[states].copy()
        own = (self.codes[states] >> b.offset) & (b.size - 1)
        opts[np.arange(states.shape[0]), own] = True
        return opts


def _answer_alone(sim: _Sim) -> NDArray[np.bool_]:
    """Stage 1: the improvements one opponent answers alone (with a state ``<= theta``)."""
    answered = np.zeros(sim.pair_s.shape[0], dtype=bool)
    Pi, theta, pair_s, base = sim.P[sim.i], sim.theta, sim.pair_s, sim.base
    for k in sim.opp:
        b = sim.blocks[k]
        S = sim.improvements(k)
        table = _payoff_bits(sim.p_by_code, b, sim.n_rank)
        if table is not None:
            # bit-parallel: all of k's responses tested in one lookup per pair
            live = np.flatnonzero(~answered)
            resp = _as_bits(S, sim.prof.sim_cache, ("bits", k))[pair_s[live]]
            row = _row_without(base[live], b)
            hit = table.reshape(-1)[row * (sim.n_rank + 1) + theta[live].astype(np.int64)] & resp
            answered[live[hit != 0]] = True
            continue
        for c in range(b.size):
            live_mask = ~answered & S[pair_s, c]
            if not live_mask.any():
                continue
            idx = np.flatnonzero(live_mask)
            pos = sim.lookup(_replace(base[idx], b.offset, b.width, c))
            ok = pos >= 0
            found1 = np.zeros(idx.shape[0], dtype=bool)
            found1[ok] = Pi[pos[ok]] <= theta[idx][ok]
            answered[idx[found1]] = True
    return answered


def _hopeless(sim: _Sim, answered: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Stage 2, lower bounds: constrain one opponent to its responses and let the others
    take any sub-state; if even that cannot reach a state ``<= theta``, nothing can."""
    hopeless = np.zeros(sim.pair_s.shape[0], dtype=bool)
    if len(sim.opp) <= 1:
        return hopeless
    codes, bi, Pi, theta, n_rank = sim.codes, sim.bi, sim.P[sim.i], sim.theta, sim.n_rank
    sub_i_all = (codes >> bi.offset) & (bi.size - 1)
    for k in sim.opp:
        b = sim.blocks[k]
        sub_k_all = (codes >> b.offset) & (b.size - 1)
        table = np.full((bi.size, b.size), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(table, (sub_i_all, sub_k_all), Pi.astype(np.int64))
        live = np.flatnonzero(~answered & ~hopeless)
        if not live.size:
            break
        s_live = sim.pair_s[live]
        if b.size <= 63:
            # bits of the sub-states c whose best case table[a', c] is <= theta
            own = (codes[s_live] >> b.offset) & (b.size - 1)
            levels = np.arange(n_rank + 1)
            lb_bits = _as_bits(
                (table[:, :, None] <= levels[None, None, :]).transpose(0, 2, 1)
                .reshape(-1, b.size))
            resp = _as_bits(sim.improvements(k), sim.prof.sim_cache, ("bits", k))[s_live] | (
                np.uint64(1) << own.astype(np.uint64))
            reachable = lb_bits[sim.pair_a[live] * (n_rank + 1)
                                + theta[live].astype(np.int64)] & resp
            hopeless[live[reachable == 0]] = True
            continue
        opts = sim.box_members(k, s_live)
        vals = np.where(opts, table[sim.pair_a[live]], np.iinfo(np.int64).max)
        hopeless[live[vals.min(axis=1) > theta[live]]] = True
    return hopeless


class _Box:
    """Stage 3's enumeration of the opponents' joint responses for the pairs ``rest``.

    In the dense layout the last opponent's responses become a bit mask, tested against a
    precomputed "payoff <= theta" mask per row of the code space, so the enumerated grid
    shrinks by that opponent's sub-state count.
    """

    def __init__(self, sim: _Sim, rest: NDArray[np.int64]) -> None:
        self.sim, self.rest = sim, rest
        members = [sim.box_members(k, sim.pair_s[rest]) for k in sim.opp]
        self.bb = sim.blocks[sim.opp[-1]]
        self.bits_table = _payoff_bits(sim.p_by_code, self.bb, sim.n_rank)
        if self.bits_table is not None:
            self.last_bits = _as_bits(members[-1])
            self.grid_opp, self.grid_members = sim.opp[:-1], members[:-1]
        else:
            self.grid_opp, self.grid_members = sim.opp, members
        self.counts = [opts.sum(axis=1) for opts in self.grid_members]
        box = np.ones(rest.size, dtype=np.int64)
        for cnt_j in self.counts:
            box *= cnt_j
        self.box = box
        self.order = np.argsort(box, kind="stable")
        self.clear = np.int64(sum((sim.blocks[k].size - 1) << sim.blocks[k].offset
                                  for k in sim.opp))

    def padded(self, rows: NDArray[np.int64]) -> int:
        """Grid cells of a chunk of rows, each padded to the largest box in it."""
        width = 1
        for cnt_j in self.counts:
            width *= int(cnt_j[rows].max())
        return width * rows.shape[0]

    def chunks(self, chunk: int) -> Iterator[NDArray[np.int64]]:
        """Positions (into ``rest``) of consecutive chunks of bounded padded work."""
        start, n = 0, self.rest.size
        while start < n:
            budget = max(1, chunk // max(int(self.box[self.order[start]]), 1))
            stop = min(n, start + budget)
            while stop > start + 1 and self.padded(self.order[start:stop]) > chunk:
                stop = start + max(1, (stop - start) // 2)
            yield self.order[start:stop]
            start = stop

    def grid(self, sel: NDArray[np.int64]) -> NDArray[np.int64]:
        """Every joint response (codes, or rows without the last opponent) for ``sel``."""
        sim, bb = self.sim, self.bb
        idx = self.rest[sel]
        grid = sim.base[idx] & ~self.clear
        if self.bits_table is not None:  # work in row space: the last opponent's bits removed
            grid = _row_without(grid, bb)
        grid = grid[:, None]
        for col, k in enumerate(self.grid_opp):
            b = sim.blocks[k]
            shift = b.offset
            if self.bits_table is not None and b.offset > bb.offset:
                shift -= bb.width
            opts = self.grid_members[col][sel]
            kmax = int(opts.sum(axis=1).max())
            # member sub-states, padded by repeating the first member
            ranked = np.argsort(~opts, axis=1, kind="stable")[:, :kmax]
            cnt = opts.sum(axis=1)
            pad = np.arange(kmax)[None, :] >= cnt[:, None]
            ranked = np.where(pad, ranked[:, :1], ranked).astype(np.int64)
            grid = (grid[:, :, None] | (ranked[:, None, :] << shift)).reshape(idx.size, -1)
        return grid

    def found(self, sel: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether some joint response reaches a state ``<= theta`` (per row of ``sel``)."""
        sim = self.sim
        idx = self.rest[sel]
        grid = self.grid(sel)
        theta = sim.theta[idx, None]
        if self.bits_table is not None:
            flat = grid * (sim.n_rank + 1) + theta.astype(np.int64)
            hit = self.bits_table.reshape(-1)[flat] & self.last_bits[sel, None]
            return np.asarray((hit != 0).any(axis=1))
        if sim.p_by_code is not None:
            return np.asarray((sim.p_by_code[grid] <= theta).any(axis=1))
        pos = sim.lookup(grid.reshape(-1)).reshape(grid.shape)
        Pi = sim.P[sim.i]
        pv = np.where(pos >= 0, Pi[np.where(pos >= 0, pos, 0)], sim.inf_i)
        return np.asarray((pv <= theta).any(axis=1))


def _answer_jointly(sim: _Sim, answered: NDArray[np.bool_], hopeless: NDArray[np.bool_],
                    chunk: int) -> None:
    """Stage 3: the rest against every combination of responses (box members only, padded
    per chunk); marks ``answered`` in place."""
    rest = np.flatnonzero(~answered & ~hopeless)
    if not rest.size or len(sim.opp) <= 1:
        return
    box = _Box(sim, rest)
    for sel in box.chunks(chunk):
        answered[rest[sel][box.found(sel)]] = True


def sim_stable(prof: _Profile, i: int, chunk: int = 1 << 22) -> NDArray[Any]:
    """SIM stability for actor ``i`` on the engine domain (see the module docstring).

    For each state, the opponents' simultaneous responses form a box: opponent ``j`` keeps
    its sub-state or picks one of its unilateral improvements from ``s``. Responses by a
    single opponent are tested first (vectorised over states); bounds then discard the
    improvements no response can answer, and only those left are tested against the whole
    box, in chunks.
    """
    sim = _Sim(prof, i)
    stable = np.ones(sim.N, dtype=bool)
    if sim.pair_s.size:
        answered = _answer_alone(sim)
        hopeless = _hopeless(sim, answered)
        _answer_jointly(sim, answered, hopeless, chunk)
        stable[sim.pair_s[~answered]] = False
    return prof.space.to_domain(stable, True) if prof.space.dense else stable


def _as_bits(mask: NDArray[np.bool_], cache: dict[Any, Any] | None = None,
             key: Any = None) -> NDArray[np.uint64]:
    """One uint64 per row of a boolean ``(n, L)`` matrix (``L <= 64``), bit ``c`` for column
    ``c`` (cached under ``key`` when a cache is given)."""
    if cache is not None and key in cache:
        return cache[key]
    out: NDArray[np.uint64] = np.ascontiguousarray(pack_columns(mask)[:, 0])
    if cache is not None:
        cache[key] = out
    return out


def _row_without(codes: NDArray[np.int64], block: ActorBlock) -> NDArray[np.int64]:
    """Index of each code with ``block``'s bits removed (rows of :func:`_payoff_bits`)."""
    return ((codes >> (block.offset + block.width)) << block.offset) | (
        codes & ((1 << block.offset) - 1))


def _payoff_bits(p_by_code: NDArray[Any] | None, block: ActorBlock, n_rank: int,
                 limit: int = 1 << 25) -> NDArray[np.uint64] | None:
    """``table[row, theta]``: bit ``c`` set when the state with ``block``'s sub-state ``c`` in
    that row is feasible and has payoff ``<= theta`` (dense layout; None when too large)."""
    if p_by_code is None or block.size > 63:
        return None
    rows = p_by_code.shape[0] // block.size
    if rows * (n_rank + 1) > limit:
        return None
    p3 = p_by_code.reshape(-1, block.size, 1 << block.offset)
    table = np.zeros((rows, n_rank + 1), dtype=np.uint64)
    row_ids = np.arange(rows)
    for c in range(block.size):
        v = p3[:, c, :].reshape(-1).astype(np.int64)
        ok = v <= n_rank  # INF (infeasible) never qualifies
        # set bit c at theta = v, then carry it to every larger theta
        table[row_ids[ok], v[ok]] |= np.uint64(1) << np.uint64(c)
    np.bitwise_or.accumulate(table, axis=1, out=table)
    return table


def analyse_profile(
    prof: _Profile,
    concepts: Iterable[str],
    sanctions: str = "legal",
    workers: int | None = None,
) -> dict[str, NDArray[np.bool_]]:
    """Stability matrices (actors × feasible states) for each concept.

    The (concept, actor) analyses are independent; large conflicts run them on a thread pool
    (numpy releases the GIL in the array work), ``workers`` threads (default: the CPU count,
    or ``DETENTE_THREADS``). Results do not depend on the number of threads.
    """
    concepts = list(concepts)
    n = len(prof.P)
    space = prof.space
    jobs = [(c, i) for c in concepts for i in range(n)]
    if workers is None:
        workers = int(os.environ.get("DETENTE_THREADS", "0")) or (os.cpu_count() or 1)
        if space.domain_size < (1 << 16):
            workers = 1  # small conflicts: threads cost more than they save

    def one(job: tuple[str, int]) -> NDArray[np.bool_]:
        concept, i = job
        st = stable_states(prof, i, concept, sanctions)
        return np.asarray(space.from_domain(st), dtype=bool)

    if workers > 1:
        # improvement indices are shared across actors: build them before the threads start
        if any(c in ("seq",) for c in concepts):
            for k in range(n):
                prof.improvement(k)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, jobs))
    else:
        results = [one(j) for j in jobs]
    out: dict[str, NDArray[np.bool_]] = {}
    for c in concepts:
        rows = [results[jobs.index((c, i))] for i in range(n)]
        out[c] = np.vstack(rows) if rows else np.zeros((0, space.n_states), bool)
    return out
