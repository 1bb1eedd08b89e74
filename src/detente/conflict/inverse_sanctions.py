"""Moves and sanction sets of the inverse analyses (:mod:`detente.conflict.inverse`,
:mod:`detente.conflict.edits`): an actor's unilateral moves from a target and the states its
opponents can answer each with.

``R_{N-i}(t)`` (GMR, SMR) and ``R^+_{N-i}(t)`` (SEQ) by legal sequences (Fang, Hipel and
Kilgour 1993) or, with ``sanctions="distinct"``, each opponent at most once (GMCR+; Kinsara et
al. 2015); see the docstring of :mod:`detente.conflict.inverse`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.statespace import StateSpace, check_move_table
from detente.errors import InputError
from detente.scenario.codes import to_code
from detente.scenario.model import Scenario

IntArray = NDArray[np.int64]


class Moves:
    """Unilateral moves over feasible-state indices (a code-to-index table in dense layouts)."""

    def __init__(self, space: StateSpace,
                 blocked: Mapping[int, NDArray[np.bool_]] | None = None) -> None:
        self.space = space
        #: actor index -> feasible-state mask of the states it misperceives (no move from or
        #: to them; :mod:`detente.conflict.misperception`), from a domain mask of ``MoveOps``
        self.blocked = {k: np.asarray(space.from_domain(m), dtype=bool)
                        for k, m in (blocked or {}).items()}
        self.table: NDArray[np.int32] | None = None
        if space.dense:
            table = np.full(1 << space.n_options, -1, dtype=np.int32)
            table[space.codes] = np.arange(space.n_states, dtype=np.int32)
            self.table = table

    def index(self, codes: IntArray) -> IntArray:
        """Feasible-state index of each code (``-1`` where infeasible)."""
        if self.space.all_feasible:
            return codes
        if self.table is not None:
            return self.table[codes].astype(np.int64)
        return self.space.position(codes)

    def neighbours(self, k: int, idx: IntArray, P: NDArray[Any] | None = None
                   ) -> tuple[IntArray, IntArray]:
        """Actor ``k``'s unilateral moves (improvements when ``P``, its payoff, is given) from
        the feasible states ``idx``: ``(position in idx, destination index)`` pairs."""
        space = self.space
        block = space.blocks[k]
        check_move_table(block.actor, block.width, int(np.size(idx)), block.size - 1,
                         "its move lists")
        codes = space.codes[idx]
        width_mask = np.int64((block.size - 1) << block.offset)
        sub = (codes >> block.offset) & (block.size - 1)
        base = codes & ~width_mask
        pos_parts: list[IntArray] = []
        dst_parts: list[IntArray] = []
        free = block.unrestricted
        Ps = None if P is None else P[idx]
        for b in range(block.size):  # the actor's sub-states: a structural loop, not per state
            allowed = sub != b if free else block.allowed(sub, b)
            src = np.flatnonzero(allowed)
            if not src.size:
                continue
            dst = self.index(base[src] | np.int64(b << block.offset))
            if not space.all_feasible:
                ok = dst >= 0
                src, dst = src[ok], dst[ok]
            if k in self.blocked:
                blk = self.blocked[k]
                keep = ~blk[np.asarray(idx)[src]] & ~blk[dst]
                src, dst = src[keep], dst[keep]
            if P is not None:
                assert Ps is not None
                keep = P[dst] > Ps[src]
                src, dst = src[keep], dst[keep]
            pos_parts.append(src)
            dst_parts.append(dst)
        if not pos_parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(pos_parts), np.concatenate(dst_parts)


def reachable(
    space: StateSpace,
    movers: Sequence[int],
    starts: IntArray,
    *,
    payoffs: Sequence[NDArray[Any]] | None = None,
    distinct: bool = False,
    moves: Moves | None = None,
) -> NDArray[np.bool_]:
    """States reachable from any of ``starts`` by a sequence of at least one move of ``movers``.

    Legal sequences (no mover twice in succession; Fang et al. 1993) or, with ``distinct``,
    each mover at most once (GMCR+). With ``payoffs`` (all actors', indexed by actor) every
    step must be a unilateral improvement of its mover (``R_H^+``). Breadth-first search over
    ``(state, last mover)`` (or ``(state, movers used)``) nodes, vectorised per level.

    Returns
    -------
    Boolean mask over the feasible states.
    """
    ops = moves if moves is not None else Moves(space)
    n = space.n_states
    h = len(movers)
    ncol = (1 << h) if distinct else h + 1
    seen = np.zeros((ncol, n), dtype=bool)
    f_state = np.asarray(starts, dtype=np.int64)
    f_col = np.full(f_state.shape[0], 0 if distinct else h, dtype=np.int64)
    while f_state.size:
        new = np.zeros((ncol, n), dtype=bool)
        for j, k in enumerate(movers):
            sel = (f_col & (1 << j)) == 0 if distinct else f_col != j
            if not sel.any():
                continue
            fs, fc = f_state[sel], f_col[sel]
            if not distinct:  # the next node depends only on the state: one row per state
                mark = np.zeros(n, dtype=bool)
                mark[fs] = True
                fs = np.flatnonzero(mark)
            pos, dst = ops.neighbours(k, fs, None if payoffs is None else payoffs[k])
            if not dst.size:
                continue
            if distinct:
                new[fc[pos] | (1 << j), dst] = True
            else:
                new[j, dst] = True
        new &= ~seen
        seen |= new
        c, d = np.nonzero(new)
        f_state, f_col = d.astype(np.int64), c.astype(np.int64)
    return np.asarray(seen.any(axis=0))


def target_index(scenario: Scenario, space: StateSpace, target: str | int) -> tuple[int, int]:
    """The code of ``target`` and its feasible-state index; a one-line error for a code of
    the wrong length or letters, out of range, or infeasible."""
    code = to_code(target, scenario.n_options, scenario.option_refs, what="target state")
    pos = int(space.position(np.array([code], dtype=np.int64))[0])
    if pos < 0:
        raise InputError(f"target {scenario.code_text(code)} is not a feasible state of "
                         f"{scenario.name!r}; choose a feasible state")
    return code, pos


def sanction_sets(
    space: StateSpace,
    P_all: Sequence[NDArray[Any]],
    i: int,
    s: int,
    concept: str,
    sanctions: str,
    ops: Moves | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """Actor ``i``'s unilateral moves from the target ``s`` and the states that can answer
    each: ``R_{N-i}(t)`` (GMR, SMR) or ``R^+_{N-i}(t)`` (SEQ, from the opponents' payoffs in
    ``P_all``), by legal sequences (``sanctions="distinct"``: each opponent at most once).

    Opponents never change ``i``'s options, so the sets of different moves are disjoint; all
    are found by one breadth-first search.

    Returns
    -------
    moves, reached, owner
        The moves (feasible indices, increasing); every sanction state; the position in
        ``moves`` of the move each sanction state answers. Empty ``reached`` for Nash.
    """
    ops = Moves(space) if ops is None else ops
    codes = space.codes
    _, moves = ops.neighbours(i, np.array([s], dtype=np.int64))
    moves = np.unique(moves)
    n_moves = moves.shape[0]
    if concept == "nash" or not n_moves:
        return moves, np.zeros(0, np.int64), np.zeros(0, np.int64)
    others = [k for k in range(len(P_all)) if k != i]
    mask = reachable(space, others, moves,
                     payoffs=list(P_all) if concept == "seq" else None,
                     distinct=sanctions == "distinct", moves=ops)
    reached = np.flatnonzero(mask)
    block = space.blocks[i]
    slot = np.full(block.size, -1, dtype=np.int64)
    slot[(codes[moves] >> block.offset) & (block.size - 1)] = np.arange(n_moves)
    owner = slot[(codes[reached] >> block.offset) & (block.size - 1)]
    return moves, reached, owner


#: The old private name, kept for callers that imported it.
_Moves = Moves

__all__ = ["Moves", "reachable", "sanction_sets", "target_index"]
