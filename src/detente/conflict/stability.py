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
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.moves import Array, MoveOps, inf_of
from detente.conflict.statespace import ActorBlock, StateSpace, check_move_table

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
SANCTIONS = ("legal", "distinct")


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
    if sanctions != "legal":
        raise ValueError(f"sanctions must be one of {SANCTIONS}; got {sanctions!r}")

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
    else:
        raise ValueError(f"unknown concept {concept!r}; choose from {', '.join(CONCEPTS)}")
    return ~unstable


# -- SIM ------------------------------------------------------------------------------------


def _replace(codes: NDArray[np.int64], offset: int, width: int, sub: int | NDArray[np.int64]
             ) -> NDArray[np.int64]:
    mask = np.int64(((1 << width) - 1) << offset)
    return (codes & ~mask) | (np.asarray(sub, dtype=np.int64) << offset)


def sim_stable(prof: _Profile, i: int, chunk: int = 1 << 22) -> NDArray[Any]:
    """SIM stability for actor ``i`` on the engine domain (see the module docstring).

    For each state, the opponents' simultaneous responses form a box: opponent ``j`` keeps
    its sub-state or picks one of its unilateral improvements from ``s``. Responses by a
    single opponent are tested first (vectorised over states); only the improvements they
    leave unanswered are tested against the whole box, in chunks.
    """
    space = prof.space
    codes = space.codes
    N = codes.shape[0]
    P = [prof.feasible_ranks[k] for k in range(len(prof.P))]
    blocks = space.blocks
    for b in blocks:  # the response tables below hold N × 2**width entries per actor
        check_move_table(b.actor, b.width, N, b.size,
                         "SIM's table of responses (analyse without SIM)")

    if space.dense:
        slot = np.full(1 << space.n_options, -1, dtype=np.int64)
        slot[codes] = np.arange(N, dtype=np.int64)

        def lookup(c: NDArray[np.int64]) -> NDArray[np.int64]:
            return slot[c]
    else:

        def lookup(c: NDArray[np.int64]) -> NDArray[np.int64]:
            return space.position(c)

    def improvements(k: int) -> NDArray[np.bool_]:
        """Which sub-states of actor k are unilateral improvements from each state (cached:
        the same for every focal actor)."""
        if k in prof.sim_cache:
            return prof.sim_cache[k]
        b = blocks[k]
        sub = (codes >> b.offset) & (b.size - 1)
        out = np.zeros((N, b.size), dtype=bool)
        for a in range(b.size):
            allowed = b.allowed(sub, a)
            pos = lookup(_replace(codes, b.offset, b.width, a))
            ok = allowed & (pos >= 0)
            out[ok, a] = P[k][pos[ok]] > P[k][ok]
        prof.sim_cache[k] = out
        return out

    bi = blocks[i]
    imp_i = improvements(i)
    inf_i = inf_of(P[i].dtype)
    # dense layout: the focal actor's payoff by state code, INF where infeasible
    p_by_code = None
    if space.dense and space.feasible is not None:
        p_by_code = np.where(space.feasible, prof.P[i], inf_i).astype(P[i].dtype)
    pair_s, pair_a = np.nonzero(imp_i)
    stable = np.ones(N, dtype=bool)
    if pair_s.size:
        theta = P[i][pair_s]
        base = _replace(codes[pair_s], bi.offset, bi.width, pair_a.astype(np.int64))
        opp = [k for k in range(len(blocks)) if k != i]
        responses = {}
        for k in opp:
            b = blocks[k]
            S = improvements(k)
            responses[k] = S
        answered = np.zeros(pair_s.shape[0], dtype=bool)
        # 1. one opponent responds alone
        n_rank = int(P[i].max()) + 1 if P[i].size else 1
        for k in opp:
            b = blocks[k]
            S = responses[k]
            table = _payoff_bits(p_by_code, b, n_rank)
            if table is not None:
                # bit-parallel: all of k's responses tested in one lookup per pair
                live = np.flatnonzero(~answered)
                resp = _as_bits(S, prof.sim_cache, ("bits", k))[pair_s[live]]
                row = _row_without(base[live], b)
                hit = table.reshape(-1)[row * (n_rank + 1) + theta[live].astype(np.int64)] & resp
                answered[live[hit != 0]] = True
                continue
            for c in range(b.size):
                live_mask = ~answered & S[pair_s, c]
                if not live_mask.any():
                    continue
                idx = np.flatnonzero(live_mask)
                pos = lookup(_replace(base[idx], b.offset, b.width, c))
                ok = pos >= 0
                found1 = np.zeros(idx.shape[0], dtype=bool)
                found1[ok] = P[i][pos[ok]] <= theta[idx][ok]
                answered[idx[found1]] = True
        # 2. lower bounds: constrain one opponent to its responses, let the others take any
        #    sub-state; if even that cannot reach a state <= theta, nothing can.
        hopeless = np.zeros(pair_s.shape[0], dtype=bool)
        if len(opp) > 1:
            sub_i_all = (codes >> bi.offset) & (bi.size - 1)
            for k in opp:
                b = blocks[k]
                sub_k_all = (codes >> b.offset) & (b.size - 1)
                table = np.full((bi.size, b.size), np.iinfo(np.int64).max, dtype=np.int64)
                np.minimum.at(table, (sub_i_all, sub_k_all), P[i].astype(np.int64))
                live = np.flatnonzero(~answered & ~hopeless)
                if not live.size:
                    break
                s_live = pair_s[live]
                own = (codes[s_live] >> b.offset) & (b.size - 1)
                if b.size <= 63:
                    # bits of the sub-states c whose best case table[a', c] is <= theta
                    levels = np.arange(n_rank + 1)
                    lb_bits = _as_bits(
                        (table[:, :, None] <= levels[None, None, :]).transpose(0, 2, 1)
                        .reshape(-1, b.size))
                    resp = _as_bits(responses[k], prof.sim_cache, ("bits", k))[s_live] | (
                        np.uint64(1) << own.astype(np.uint64))
                    reachable = lb_bits[pair_a[live] * (n_rank + 1)
                                        + theta[live].astype(np.int64)] & resp
                    hopeless[live[reachable == 0]] = True
                    continue
                opts = responses[k][s_live].copy()
                opts[np.arange(live.size), own] = True
                vals = np.where(opts, table[pair_a[live]], np.iinfo(np.int64).max)
                lb = vals.min(axis=1)
                hopeless[live[lb > theta[live]]] = True
        # 3. the rest: every combination of responses (box members only, padded per chunk)
        rest = np.flatnonzero(~answered & ~hopeless)
        if rest.size and len(opp) > 1:
            members = []
            for k in opp:
                b = blocks[k]
                opts = responses[k][pair_s[rest]].copy()
                own = (codes[pair_s[rest]] >> b.offset) & (b.size - 1)
                opts[np.arange(rest.size), own] = True
                members.append(opts)
            # Bit-parallel variant (dense layout): the last opponent's responses become a bit
            # mask, tested against a precomputed "payoff <= theta" mask per row of the code
            # space, so the enumerated grid shrinks by that opponent's sub-state count.
            kb = opp[-1]
            bb = blocks[kb]
            bits_table = _payoff_bits(p_by_code, bb, n_rank)
            if bits_table is not None:
                last_bits = _as_bits(members[-1])
                grid_opp = opp[:-1]
                grid_members = members[:-1]
            else:
                grid_opp = opp
                grid_members = members
            counts = [opts.sum(axis=1) for opts in grid_members]
            box = np.ones(rest.size, dtype=np.int64)
            for cnt_j in counts:
                box *= cnt_j
            order = np.argsort(box, kind="stable")

            def padded(rows: NDArray[np.int64]) -> int:
                width = 1
                for cnt_j in counts:
                    width *= int(cnt_j[rows].max())
                return width * rows.shape[0]

            clear = np.int64(sum((blocks[k].size - 1) << blocks[k].offset for k in opp))
            start = 0
            while start < rest.size:
                # chunk with bounded padded work
                budget = max(1, chunk // max(int(box[order[start]]), 1))
                stop = min(rest.size, start + budget)
                while stop > start + 1 and padded(order[start:stop]) > chunk:
                    stop = start + max(1, (stop - start) // 2)
                sel = order[start:stop]
                idx = rest[sel]
                grid = (base[idx] & ~clear)
                if bits_table is not None:  # work in row space: the last opponent's bits removed
                    grid = _row_without(grid, bb)
                grid = grid[:, None]
                for col, k in enumerate(grid_opp):
                    b = blocks[k]
                    shift = b.offset
                    if bits_table is not None and b.offset > bb.offset:
                        shift -= bb.width
                    opts = grid_members[col][sel]
                    kmax = int(opts.sum(axis=1).max())
                    # member sub-states, padded by repeating the first member
                    ranked = np.argsort(~opts, axis=1, kind="stable")[:, :kmax]
                    cnt = opts.sum(axis=1)
                    pad = np.arange(kmax)[None, :] >= cnt[:, None]
                    ranked = np.where(pad, ranked[:, :1], ranked).astype(np.int64)
                    grid = (grid[:, :, None] | (ranked[:, None, :] << shift)).reshape(
                        idx.size, -1)
                if bits_table is not None:
                    flat = grid * (n_rank + 1) + theta[idx, None].astype(np.int64)
                    hit = bits_table.reshape(-1)[flat] & last_bits[sel, None]
                    found = np.asarray((hit != 0).any(axis=1))
                elif p_by_code is not None:
                    found = np.asarray((p_by_code[grid] <= theta[idx, None]).any(axis=1))
                else:
                    pos = lookup(grid.reshape(-1)).reshape(grid.shape)
                    pv = np.where(pos >= 0, P[i][np.where(pos >= 0, pos, 0)], inf_i)
                    found = np.asarray((pv <= theta[idx, None]).any(axis=1))
                answered[idx[found]] = True
                start = stop
        unanswered = pair_s[~answered]
        stable[unanswered] = False
    return space.to_domain(stable, True) if space.dense else stable


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
