"""What a group of actors can reach together, computed once per scenario structure.

A coalition ``C`` moves by a legal sequence of its members' unilateral moves (Kilgour, Hipel,
Fang and Peng 2001). Two consecutive moves by one member can be merged into one move (any
combination of an actor's options may change at once, and a permitted direction stays
permitted), so legal sequences reach exactly the states reachable by *any* sequence of members'
moves: the descendants of ``s`` in the union of the members' move graphs.

That set depends only on the structure (options, infeasibility, irreversibility), not on
preferences, so it is stored as the strongly connected components of the members' move graph
and the condensation DAG, and reused across variants, perturbations and samples.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order, connected_components

from detente.conflict.moves import MoveOps


@dataclass
class GroupReach:
    """Reachability of one group of actors over feasible-state indices."""

    label: NDArray[np.int32]  # component of each state
    members_indptr: NDArray[np.int64]  # states of component c: order[indptr[c]:indptr[c+1]]
    members: NDArray[np.int64]
    dag: sp.csr_matrix  # condensation edges between components
    _cache: dict[int, NDArray[np.int64]] = field(default_factory=dict)

    def reachable_components(self, comp: int) -> NDArray[np.int64]:
        """Components reachable from ``comp`` (itself included)."""
        if comp not in self._cache:
            order = breadth_first_order(self.dag, comp, directed=True,
                                        return_predecessors=False)
            self._cache[comp] = np.asarray(order, dtype=np.int64)
        return self._cache[comp]

    def reachable_count(self, comp: int) -> int:
        """Number of states reachable from component ``comp`` (itself included)."""
        comps = self.reachable_components(comp)
        return int((self.members_indptr[comps + 1] - self.members_indptr[comps]).sum())

    def pair_count(self, labels: NDArray[np.int32]) -> int:
        """Candidate (origin, target) pairs for origins in the components ``labels``."""
        comps, counts = np.unique(labels, return_counts=True)
        return int(sum(int(n) * self.reachable_count(int(c))
                       for c, n in zip(comps, counts, strict=True)))

    def reachable_states(self, comp: int) -> NDArray[np.int64]:
        """All states reachable from any state of component ``comp`` (the component included).
        A state reaches itself only if its component has another state or a cycle; callers that
        need strict improvements exclude the origin by preference anyway."""
        comps = self.reachable_components(comp)
        parts = [self.members[self.members_indptr[c]:self.members_indptr[c + 1]] for c in comps]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def group_reach(moves: MoveOps, actors: tuple[int, ...]) -> GroupReach:
    """Build (or fetch from ``moves``' cache) the reachability structure of ``actors``."""
    key = ("group_reach", tuple(sorted(actors)))
    if key in moves.cache:
        return moves.cache[key]
    n = moves.space.n_states
    rows, cols = [], []
    for k in key[1]:
        csr = moves.csr(k)
        rows.append(np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr)))
        cols.append(csr.indices)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    graph = sp.csr_matrix((np.ones(r.shape[0], dtype=bool), (r, c)), shape=(n, n))
    ncomp, label = connected_components(graph, directed=True, connection="strong")
    label = label.astype(np.int32)
    order = np.argsort(label, kind="stable").astype(np.int64)
    counts = np.bincount(label, minlength=ncomp)
    indptr = np.zeros(ncomp + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    lr, lc = label[r], label[c]
    keep = lr != lc
    dag = sp.csr_matrix((np.ones(int(keep.sum()), dtype=bool), (lr[keep], lc[keep])),
                        shape=(ncomp, ncomp))
    gr = GroupReach(label, indptr, order, dag)
    moves.cache[key] = gr
    return gr


def _improvement_blocks(
    moves: MoveOps,
    payoffs: Sequence[NDArray[Any]],
    members: Sequence[int],
    rows: NDArray[np.int64],
    chunk: int,
    wanted: NDArray[np.bool_] | None = None,
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]]:
    """Blocks ``(positions in rows, targets, ok)`` with ``ok[a, b]``: every member strictly
    prefers ``targets[b]`` to ``rows[positions[a]]``, and ``targets[b]`` is reachable by the
    members' moves from it (the same reach component). At most ``chunk`` cells a block;
    ``wanted`` restricts the targets."""
    reach = group_reach(moves, tuple(members))
    rows = np.asarray(rows, dtype=np.int64)
    labels = reach.label[rows]
    for comp in np.unique(labels):
        where = np.flatnonzero(labels == comp)
        targets = np.sort(reach.reachable_states(int(comp)))
        if wanted is not None:
            targets = targets[wanted[targets]]
        if not targets.size:
            continue
        step = max(1, chunk // targets.shape[0])
        for lo in range(0, where.shape[0], step):
            w = where[lo:lo + step]
            o = rows[w]
            ok = np.ones((w.shape[0], targets.shape[0]), dtype=bool)
            for k in members:
                ok &= payoffs[k][targets][None, :] > payoffs[k][o][:, None]
            yield w, targets, ok


def coalition_improvements(
    moves: MoveOps,
    payoffs: Sequence[NDArray[Any]],
    members: Sequence[int],
    rows: NDArray[np.int64],
    chunk: int = 1 << 22,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Coalition improvements of ``members`` from the states ``rows``: (source, target) pairs.

    A target is reachable by a legal sequence of the members' moves (see the module
    docstring) and strictly preferred by every member (Kilgour, Hipel, Fang and Peng 2001).
    ``payoffs[k]`` is actor ``k``'s payoff over feasible indices. Targets of each source come
    in increasing index order.
    """
    rows = np.asarray(rows, dtype=np.int64)
    srcs: list[NDArray[np.int64]] = []
    dsts: list[NDArray[np.int64]] = []
    for w, targets, ok in _improvement_blocks(moves, payoffs, members, rows, chunk):
        oi, ti = np.nonzero(ok)
        srcs.append(rows[w[oi]])
        dsts.append(targets[ti])
    if not srcs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(srcs), np.concatenate(dsts)


def first_coalition_improvements(
    moves: MoveOps,
    payoffs: Sequence[NDArray[Any]],
    members: Sequence[int],
    rows: NDArray[np.int64],
    wanted: NDArray[np.bool_],
    chunk: int = 1 << 22,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For every state ``t`` with ``wanted[t]`` that is a coalition improvement of
    ``members`` from some state of ``rows``: the pair (smallest such state, ``t``).

    This is what a breadth-first search needs: one parent for each newly reached state, the
    one it would pick among all pairs (the smallest source). The output has at most one pair
    per target and the work is chunked, so memory stays bounded when the full relation
    :func:`coalition_improvements` would hold billions of pairs (a large coalition on a
    large conflict).
    """
    rows = np.asarray(rows, dtype=np.int64)
    none = np.iinfo(np.int64).max
    parent = np.full(wanted.shape[0], none, dtype=np.int64)
    for w, targets, ok in _improvement_blocks(moves, payoffs, members, rows, chunk, wanted):
        hit = ok.any(axis=0)
        if hit.any():  # smallest source per target in this block, then over the blocks
            src = np.where(ok[:, hit], rows[w][:, None], none).min(axis=0)
            np.minimum.at(parent, targets[hit], src)
    dst = np.flatnonzero(parent != none)
    return parent[dst], dst


def has_coalition_improvement(
    moves: MoveOps,
    payoffs: Sequence[NDArray[Any]],
    members: Sequence[int],
    rows: NDArray[np.int64],
    chunk: int = 1 << 22,
) -> NDArray[np.bool_]:
    """Per state of ``rows``: whether ``members`` have a coalition improvement from it
    (chunked; no pairs are stored)."""
    out = np.zeros(np.shape(rows)[0], dtype=bool)
    for w, _targets, ok in _improvement_blocks(moves, payoffs, members, rows, chunk):
        out[w] = ok.any(axis=1)
    return out
