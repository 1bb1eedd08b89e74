"""Vectorised operations over actors' unilateral moves.

Every stability concept of the graph model reduces to two primitive operations, applied to a
per-state array ``X`` for one actor ``k`` (Fang, Hipel and Kilgour 1993, ch. 3):

* ``min_moves(k, X)``: for every state ``s``, the minimum of ``X`` over ``R_k(s)``, the states
  ``k`` can reach in one unilateral move (or over ``R_k^+(s)``, its unilateral improvements);
* ``max_moves(k, X)``: the maximum over ``R_k(s)``.

Empty sets give ``INF`` (the dtype's maximum) for a minimum and ``0`` for a maximum, so values
must be ranks ``1 .. R`` (see :mod:`detente.conflict.preferences`).

The dense implementation works along one axis of the code array (an actor's sub-states):
exclusive minima by prefix/suffix scans when all the actor's options are reversible, sorted
suffix minima for improvements, and a loop over the (few) sub-states otherwise. The sparse
implementation uses CSR adjacency lists and ``ufunc.reduceat``. No Python loop runs per state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.statespace import (
    ActorBlock,
    StateSpace,
    check_move_table,
    max_moves_limit,
)

Array = NDArray[Any]


def inf_of(dtype: np.dtype) -> int:
    """The ``INF`` sentinel of an unsigned value dtype."""
    return int(np.iinfo(dtype).max)


@dataclass
class _DenseImprovement:
    order: NDArray[Any] | None  # sorted order along the axis (full transitions)
    read: NDArray[Any] | None  # padded-cummin index to read, per original position
    values: Array  # P_k reshaped (A, L, B)


@dataclass
class _Csr:
    indptr: NDArray[np.int64]
    indices: NDArray[np.int64]

    def empty_rows(self) -> NDArray[np.bool_]:
        return self.indptr[:-1] == self.indptr[1:]


@dataclass
class MoveOps:
    """Move operations over a :class:`StateSpace` (dense or sparse layout)."""

    space: StateSpace
    _csr: dict[int, _Csr] = field(default_factory=dict)
    #: structure-only caches of other modules (e.g. coalition reach), keyed by their owner
    cache: dict[Any, Any] = field(default_factory=dict)
    #: actor index -> domain mask of the states that actor misperceives: it has no move from
    #: or to them (GMCR+ misperceptions; see :mod:`detente.conflict.misperception`)
    blocked: dict[int, NDArray[np.bool_]] = field(default_factory=dict)

    # -- layout helpers ----------------------------------------------------------------------
    def _shape(self, k: int) -> tuple[int, int, int]:
        b = self.space.blocks[k]
        hi = 1 << (self.space.n_options - b.offset - b.width)
        return hi, b.size, 1 << b.offset

    def _mask_in(self, X: Array, fill: int) -> Array:
        sp = self.space
        if sp.dense and not sp.all_feasible:
            assert sp.feasible is not None
            return np.where(sp.feasible, X, X.dtype.type(fill))
        return X

    # -- sparse adjacency --------------------------------------------------------------------
    def csr(self, k: int) -> _Csr:
        """CSR adjacency of actor ``k``'s unilateral moves over feasible-state indices
        (without the moves from or to the states ``k`` misperceives)."""
        if k not in self._csr:
            csr = _build_csr(self.space, self.space.blocks[k])
            if k in self.blocked:
                csr = _without(csr, self.space.from_domain(self.blocked[k]))
            self._csr[k] = csr
        return self._csr[k]

    def _blocked_in(self, k: int, X: Array, fill: int) -> Array:
        """``X`` with ``fill`` at the states actor ``k`` misperceives (dense layout)."""
        if self.space.dense and k in self.blocked:
            return np.where(self.blocked[k], X.dtype.type(fill), X)
        return X

    def _blocked_out(self, k: int, out: Array, fill: int) -> Array:
        """No move from a misperceived state: ``fill`` there (dense layout)."""
        if self.space.dense and k in self.blocked:
            out[self.blocked[k]] = fill
        return out

    # -- primitives ----------------------------------------------------------------------------
    def min_moves(self, k: int, X: Array, improve: object | None = None) -> Array:
        """Minimum of ``X`` over each state's unilateral moves by actor ``k``.

        Parameters
        ----------
        k
            Actor index.
        X
            Values on the engine domain (unsigned ints; ``INF`` = dtype max).
        improve
            ``None`` for all moves ``R_k``; an improvement index from
            :meth:`improvement_index` to restrict to ``R_k^+``.
        """
        inf = inf_of(X.dtype)
        X = self._blocked_in(k, self._mask_in(X, inf), inf)
        if not self.space.dense:
            csr = improve if isinstance(improve, _Csr) else self.csr(k)
            return _reduce_csr(csr, X, np.minimum, inf)
        block = self.space.blocks[k]
        X3 = X.reshape(self._shape(k))
        if improve is None:
            if block.unrestricted:
                out = _exclusive(X3, np.minimum, inf)
            else:
                _check_restricted(self.space, block)
                out = _restricted(X3, block, np.minimum, inf)
        else:
            assert isinstance(improve, _DenseImprovement)
            if improve.order is not None:
                assert improve.read is not None
                xs = np.take_along_axis(X3, improve.order, axis=1)
                cm = np.minimum.accumulate(xs, axis=1)
                pad = np.concatenate([np.full_like(cm[:, :1], inf), cm], axis=1)
                out = np.take_along_axis(pad, improve.read, axis=1)
            else:
                out = _restricted_improving(X3, block, improve.values, inf)
        return self._blocked_out(k, out.reshape(-1), inf)

    def max_moves(self, k: int, X: Array) -> Array:
        """Maximum of ``X`` over each state's unilateral moves by actor ``k`` (0 if none)."""
        X = self._blocked_in(k, self._mask_in(X, 0), 0)
        if not self.space.dense:
            return _reduce_csr(self.csr(k), X, np.maximum, 0)
        block = self.space.blocks[k]
        X3 = X.reshape(self._shape(k))
        if block.unrestricted:
            out = _exclusive(X3, np.maximum, 0)
        else:
            _check_restricted(self.space, block)
            out = _restricted(X3, block, np.maximum, 0)
        return self._blocked_out(k, out.reshape(-1), 0)

    def improvement_index(self, k: int, P: Array) -> object:
        """Precompute what :meth:`min_moves` needs to restrict ``k``'s moves to improvements.

        ``P`` is actor ``k``'s payoff (rank) array; a move ``s -> t`` is an improvement when
        ``P[t] > P[s]`` (Fang et al. 1993, §3.1: unilateral improvements ``R_k^+``).
        """
        if not self.space.dense:
            csr = self.csr(k)
            src = np.repeat(np.arange(csr.indptr.shape[0] - 1), np.diff(csr.indptr))
            keep = P[csr.indices] > P[src]
            counts = np.bincount(src[keep], minlength=csr.indptr.shape[0] - 1)
            indptr = np.zeros(csr.indptr.shape[0], dtype=np.int64)
            np.cumsum(counts, out=indptr[1:])
            return _Csr(indptr, csr.indices[keep])
        block = self.space.blocks[k]
        P3 = P.reshape(self._shape(k))
        if not block.unrestricted:
            _check_restricted(self.space, block)
            return _DenseImprovement(None, None, P3)
        L = block.size
        idx_dtype = np.uint8 if L <= 256 else np.uint16 if L <= 65536 else np.uint32
        # Stable sort of each fibre by decreasing preference.
        order: NDArray[Any] = np.argsort(-P3.astype(np.int64), axis=1, kind="stable")
        order = order.astype(idx_dtype)
        ps = np.take_along_axis(P3, order, axis=1)
        new = np.ones(ps.shape, dtype=bool)
        new[:, 1:] = ps[:, 1:] != ps[:, :-1]
        pos = np.arange(L, dtype=idx_dtype).reshape(1, L, 1)
        start: NDArray[Any] = np.maximum.accumulate(np.where(new, pos, 0).astype(idx_dtype), axis=1)
        read = np.empty_like(start)
        np.put_along_axis(read, order, start, axis=1)
        return _DenseImprovement(order, read, P3)


def _exclusive(X3: Array, op: np.ufunc, fill: int) -> Array:
    """``out[:, a] = op`` over ``X3[:, b]`` for every ``b != a`` (prefix/suffix scans)."""
    L = X3.shape[1]
    if L == 2:
        return X3[:, ::-1].copy()
    pre = op.accumulate(X3, axis=1)
    suf = op.accumulate(X3[:, ::-1], axis=1)[:, ::-1]
    out = np.empty_like(X3)
    out[:, 0] = suf[:, 1]
    out[:, -1] = pre[:, -2]
    op(pre[:, :-2], suf[:, 2:], out=out[:, 1:-1])
    return out


def _check_restricted(space: StateSpace, block: ActorBlock) -> None:
    """The dense loops over an actor with irreversible options visit every (state, sub-state)
    pair: refuse beyond the move-table limit (see :func:`check_move_table`)."""
    check_move_table(block.actor, block.width, space.domain_size, block.size - 1,
                     "its move table (it has irreversible options)")


def _restricted(X3: Array, block: ActorBlock, op: np.ufunc, fill: int) -> Array:
    """Like :func:`_exclusive` but only over permitted transitions (irreversible options)."""
    out = np.full_like(X3, fill)
    subs = np.arange(block.size, dtype=np.int64)
    for b in range(block.size):
        rows = np.flatnonzero(block.allowed(subs, b))
        if rows.size:
            out[:, rows, :] = op(out[:, rows, :], X3[:, b : b + 1, :])
    return out


def _restricted_improving(X3: Array, block: ActorBlock, P3: Array, inf: int) -> Array:
    out = np.full_like(X3, inf)
    subs = np.arange(block.size, dtype=np.int64)
    for b in range(block.size):
        rows = np.flatnonzero(block.allowed(subs, b))
        if rows.size:
            better = P3[:, b : b + 1, :] > P3[:, rows, :]
            cand = np.where(better, X3[:, b : b + 1, :], X3.dtype.type(inf))
            out[:, rows, :] = np.minimum(out[:, rows, :], cand)
    return out


def _reduce_csr(csr: _Csr, X: Array, op: np.ufunc, fill: int) -> Array:
    n = csr.indptr.shape[0] - 1
    if n == 0:
        return X[:0].copy()
    vals = np.empty(csr.indices.shape[0] + 1, dtype=X.dtype)
    vals[:-1] = X[csr.indices]
    vals[-1] = fill
    out = op.reduceat(vals, csr.indptr[:-1])
    out[csr.empty_rows()] = fill
    return out


def _without(csr: _Csr, blocked: NDArray[np.bool_]) -> _Csr:
    """``csr`` without the arcs from or to a ``blocked`` state (feasible-state indices)."""
    n = csr.indptr.shape[0] - 1
    src = np.repeat(np.arange(n), np.diff(csr.indptr))
    keep = ~blocked[src] & ~blocked[csr.indices]
    counts = np.bincount(src[keep], minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return _Csr(indptr, csr.indices[keep])


def _build_csr(space: StateSpace, block: ActorBlock) -> _Csr:
    codes = space.codes
    n = codes.shape[0]
    shift = block.offset
    sub = (codes >> shift) & (block.size - 1)
    context = codes & ~np.int64((block.size - 1) << shift)
    srcs: list[NDArray[np.int64]] = []
    dsts: list[NDArray[np.int64]] = []
    limit, total = max_moves_limit(), 0
    if block.unrestricted and space.all_feasible:  # exactly n × (size - 1) moves: check first
        check_move_table(block.actor, block.width, n, block.size - 1, "its move lists")
    for b in range(block.size):
        allowed = block.allowed(sub, b)
        if not allowed.any():
            continue
        src = np.flatnonzero(allowed)
        target = context[src] | np.int64(b << shift)
        pos = space.position(target)
        ok = pos >= 0
        srcs.append(src[ok])
        dsts.append(pos[ok])
        total += int(ok.sum())
        if total > limit:  # memory stays bounded: refuse before the lists outgrow the limit
            check_move_table(block.actor, block.width, n, block.size - 1, "its move lists")
    if srcs:
        src_all = np.concatenate(srcs)
        dst_all = np.concatenate(dsts)
        order = np.lexsort((dst_all, src_all))
        src_all, dst_all = src_all[order], dst_all[order]
    else:
        src_all = dst_all = np.zeros(0, np.int64)
    counts = np.bincount(src_all, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return _Csr(indptr, dst_all.astype(np.int64))
