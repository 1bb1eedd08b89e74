"""Feasible states and the unilateral-move structure of a graph model.

Sources
-------
Fang, Hipel and Kilgour (1993), *Interactive Decision Making: The Graph Model for Conflict
Resolution*, ch. 2-3: a state is a choice of every actor's options; infeasible states are
removed; actor i's unilateral moves R_i(s) change only i's options. GMCR II (Fang et al. 2003)
and GMCR+ (Kinsara et al. 2015) add irreversible options ("permitted direction").

Representation
--------------
Option ``k`` is bit ``k`` of a state code. Each actor's options are contiguous bits, so a state
is a tuple of per-actor *sub-states* ``a_i`` in ``[0, 2**m_i)``. Two layouts are used:

* **dense** (``2**m`` codes, infeasible ones masked): arrays are indexed by the code itself and
  reshape to one axis per actor, so "a move of actor i" is an operation along one axis;
* **sparse** (only feasible states, in increasing code order): each actor's moves are a CSR
  adjacency over state indices.

The dense layout is used when most codes are feasible; the sparse one when infeasibility
removes most of them (or ``2**m`` is too large to allocate).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError, ScenarioError, StateSpaceTooLarge
from detente.scenario.model import Scenario

#: Default refusal limit on the number of feasible states (override with DETENTE_MAX_STATES).
DEFAULT_MAX_STATES = 1 << 22
#: Largest code space (``2**m``) that is enumerated to find the feasible states.
MAX_ENUMERATED_CODES = 1 << 28
#: Largest code space laid out densely.
MAX_DENSE_CODES = 1 << 25
#: Default refusal limit on one actor's move table (override with DETENTE_MAX_MOVES).
DEFAULT_MAX_MOVES = 1 << 25


def env_limit(name: str, default: int) -> int:
    """A positive integer limit from the environment variable ``name`` (``default`` when it
    is unset or not a number)."""
    env = os.environ.get(name)
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    return default


def max_states_limit() -> int:
    """The state-space refusal limit (``DETENTE_MAX_STATES`` or the default, 2**22)."""
    return env_limit("DETENTE_MAX_STATES", DEFAULT_MAX_STATES)


@dataclass(frozen=True)
class ActorBlock:
    """The bits one actor controls: options ``offset .. offset + width - 1``.

    ``forward`` and ``backward`` are bit masks (within the block) of the options that can only
    be taken or only be withdrawn; every other option is reversible. Which sub-state moves are
    permitted follows from them (:meth:`allowed`), so no ``2**width × 2**width`` table is
    needed unless :attr:`transitions` is asked for.
    """

    offset: int
    width: int
    forward: int = 0
    backward: int = 0
    actor: str = ""

    @property
    def size(self) -> int:
        """Number of sub-states ``2**width``."""
        return 1 << self.width

    @property
    def unrestricted(self) -> bool:
        """True when every sub-state can move to every other one (all options reversible)."""
        return self.forward == 0 and self.backward == 0

    def allowed(self, a: Any, b: Any) -> Any:
        """Whether the actor may move its sub-state from ``a`` to ``b`` (vectorised; numpy
        arrays or ints broadcast). A move is permitted when ``a != b``, no forward option is
        withdrawn and no backward option is taken (Fang et al. 1993, §2.2)."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        ok = a != b
        if self.forward:
            ok = ok & ((a & self.forward & ~b) == 0)
        if self.backward:
            ok = ok & ((b & self.backward & ~a) == 0)
        return ok

    @cached_property
    def transitions(self) -> NDArray[np.bool_]:
        """``transitions[a, b]``: the actor may move its sub-state from ``a`` to ``b``.

        A ``2**width × 2**width`` table, refused (:class:`StateSpaceTooLarge`) beyond
        :func:`max_moves_limit` entries; prefer :meth:`allowed`.
        """
        check_move_table(self.actor, self.width, self.size, self.size, "the move table")
        sub = np.arange(self.size, dtype=np.int64)
        return np.asarray(self.allowed(sub[:, None], sub[None, :]), dtype=bool)


@dataclass(frozen=True)
class StateSpace:
    """The feasible states of a scenario and each actor's move structure.

    Attributes
    ----------
    n_options
        Bits per state code.
    blocks
        One :class:`ActorBlock` per actor, in actor order.
    codes
        Feasible state codes, increasing (the public state order).
    dense
        Whether arrays are laid out over all ``2**n_options`` codes.
    feasible
        Dense layout only: boolean mask over all codes.
    """

    n_options: int
    blocks: tuple[ActorBlock, ...]
    codes: NDArray[np.int64]
    dense: bool
    feasible: NDArray[np.bool_] | None

    @property
    def n_states(self) -> int:
        """Number of feasible states."""
        return int(self.codes.shape[0])

    @property
    def domain_size(self) -> int:
        """Length of the engine's per-state arrays (``2**m`` dense, else ``n_states``)."""
        return (1 << self.n_options) if self.dense else self.n_states

    @property
    def all_feasible(self) -> bool:
        """True when no code is infeasible."""
        return self.n_states == (1 << self.n_options)

    def domain_codes(self) -> NDArray[np.int64]:
        """The state code of each position of an engine array."""
        if self.dense:
            return np.arange(1 << self.n_options, dtype=np.int64)
        return self.codes

    def to_domain(self, values: NDArray[Any], fill: float = 0) -> NDArray[Any]:
        """Spread per-feasible-state ``values`` over the engine's domain (``fill`` elsewhere)."""
        if not self.dense or self.all_feasible:
            return values
        out = np.full(1 << self.n_options, fill, dtype=values.dtype)
        out[self.codes] = values
        return out

    def from_domain(self, values: NDArray[Any]) -> NDArray[Any]:
        """Restrict an engine array to the feasible states (in code order)."""
        if not self.dense or self.all_feasible:
            return values
        return values[self.codes]

    def index_of(self, codes: NDArray[np.integer]) -> NDArray[np.int64]:
        """Positions of ``codes`` in the engine's domain; ``-1`` where infeasible."""
        codes = np.asarray(codes, dtype=np.int64)
        if self.dense:
            assert self.feasible is not None
            return np.where(self.feasible[codes], codes, -1)
        return self.position(codes)


    def position(self, codes: NDArray[np.integer]) -> NDArray[np.int64]:
        """Positions of ``codes`` in :attr:`codes` (the feasible list); ``-1`` if infeasible."""
        codes = np.asarray(codes, dtype=np.int64)
        if self.n_states == 0:
            return np.full(codes.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.codes, codes), self.n_states - 1)
        return np.where(self.codes[pos] == codes, pos, -1)


def transition_matrix(directions: Sequence[str]) -> NDArray[np.bool_]:
    """Permitted sub-state moves for options with the given directions.

    A move from sub-state ``a`` to ``b != a`` is permitted when no ``forward`` option (can
    only be taken) is withdrawn and no ``backward`` option (can only be withdrawn) is taken.
    Any combination of the actor's options may change in one move (Fang et al. 1993, §2.2).
    """
    return actor_block(0, directions).transitions


def actor_block(offset: int, directions: Sequence[str], actor: str = "") -> ActorBlock:
    """The :class:`ActorBlock` of options with the given permitted directions."""
    fwd = sum(1 << k for k, d in enumerate(directions) if d == "forward")
    bwd = sum(1 << k for k, d in enumerate(directions) if d == "backward")
    return ActorBlock(offset, len(directions), fwd, bwd, actor)


def max_moves_limit() -> int:
    """The refusal limit on one actor's move table (``DETENTE_MAX_MOVES`` or 2**25 entries)."""
    return env_limit("DETENTE_MAX_MOVES", DEFAULT_MAX_MOVES)


def check_move_table(actor: str, width: int, rows: int, cols: int, what: str) -> None:
    """Refuse (:class:`StateSpaceTooLarge`, one line) a per-actor table of ``rows × cols``
    entries beyond :func:`max_moves_limit`: memory then stays bounded however the options are
    split among the actors (one actor with many options has ``2**width`` moves per state)."""
    limit = max_moves_limit()
    if rows * cols > limit:
        who = f"actor {actor!r}" if actor else "one actor"
        raise StateSpaceTooLarge(
            f"{who} has {width} options, so {what} would hold {rows:,} × {cols:,} entries, "
            f"more than the limit of {limit:,}; split its options among more actors, make "
            "some irrelevant options infeasible or drop them, or raise DETENTE_MAX_MOVES"
        )


def check_move_tables(space: StateSpace) -> None:
    """Refuse a state space whose per-actor move tables (each feasible state × the actor's
    other sub-states) pass :func:`max_moves_limit`: the guard a front end runs before any
    analysis, so that a scenario it accepts cannot exhaust memory in the move tables."""
    for b in space.blocks:
        check_move_table(b.actor, b.width, space.n_states, b.size - 1, "its move table")


def check_some_feasible(scenario: Scenario, chunk: int = 1 << 16) -> None:
    """Refuse (:class:`~detente.errors.ScenarioError` on the ``infeasible:`` section) a
    scenario whose infeasibility conditions remove every state: there is nothing to analyse.

    Scans the codes in chunks and stops at the first feasible one, so a front end can run it
    on every file it reads (the engine itself accepts an empty state space).
    """
    if not scenario.infeasible:
        return
    total = 1 << scenario.n_options
    for start in range(0, min(total, MAX_ENUMERATED_CODES), chunk):
        codes = np.arange(start, min(total, start + chunk), dtype=np.int64)
        if not scenario.infeasible_mask(codes).all():
            return
    if total > MAX_ENUMERATED_CODES:
        return  # too many codes to scan here; build_state_space refuses the size anyway
    raise ScenarioError(
        f"every one of the 2^{scenario.n_options} states is infeasible, so there is nothing "
        "to analyse; remove or loosen a condition (one that holds in every state, or several "
        "that together cover every state)",
        source=scenario.source, field="infeasible",
    )


def build_state_space(
    scenario: Scenario,
    *,
    max_states: int | None = None,
    layout: str = "auto",
) -> StateSpace:
    """Enumerate the feasible states of ``scenario``.

    Parameters
    ----------
    scenario
        The validated scenario.
    max_states
        Refuse (``StateSpaceTooLarge``) when there are more feasible states than this;
        default :func:`max_states_limit`.
    layout
        ``"auto"`` (dense when at least a quarter of the codes are feasible), ``"dense"`` or
        ``"sparse"``.
    """
    limit = max_states_limit() if max_states is None else max_states
    m = scenario.n_options
    blocks = []
    for actor in scenario.actors:
        dirs = [o.reversible for o in actor.options]
        blocks.append(actor_block(actor.options[0].index, dirs, actor.id))
    total = 1 << m
    if total > MAX_ENUMERATED_CODES:
        raise StateSpaceTooLarge(
            f"{scenario.source}: {m} options give 2^{m} possible states, more than detente "
            f"enumerates (2^{MAX_ENUMERATED_CODES.bit_length() - 1}); merge or drop options, or "
            "split the conflict into sub-models"
        )
    if not scenario.infeasible and total > limit:
        raise StateSpaceTooLarge(
            f"{scenario.source}: {total:,} feasible states exceed the limit of {limit:,}; reduce "
            "the options, add infeasibility conditions, or raise DETENTE_MAX_STATES"
        )
    chunk = 1 << 22
    feasible_parts = []
    count = 0
    for start in range(0, total, chunk):
        codes = np.arange(start, min(total, start + chunk), dtype=np.int64)
        bad = scenario.infeasible_mask(codes) if scenario.infeasible else None
        part = codes if bad is None else codes[~bad]
        count += part.shape[0]
        if count > limit:
            raise StateSpaceTooLarge(
                f"{scenario.source}: more than {limit:,} feasible states (limit); reduce the "
                "options, add infeasibility conditions, or raise DETENTE_MAX_STATES"
            )
        feasible_parts.append(part)
    codes = np.concatenate(feasible_parts) if feasible_parts else np.zeros(0, np.int64)
    if layout == "auto":
        dense = total <= MAX_DENSE_CODES and codes.shape[0] * 4 >= total
    elif layout == "dense":
        if total > MAX_DENSE_CODES:
            raise StateSpaceTooLarge(f"dense layout needs 2^{m} codes; use layout='sparse'")
        dense = True
    elif layout == "sparse":
        dense = False
    else:
        raise InputError(f"layout must be 'auto', 'dense' or 'sparse'; got {layout!r}")
    feasible = None
    if dense:
        feasible = np.zeros(total, dtype=bool)
        feasible[codes] = True
    return StateSpace(m, tuple(blocks), codes, dense, feasible)
