"""Attitudes and relational stability (Inohara, Hipel and Walker 2007).

Inohara, T., Hipel, K. W. and Walker, S. (2007), "Conflict analysis approaches for
investigating attitudes and misperceptions in the War of 1812", *Journal of Systems Science
and Systems Engineering* 16(2): 181-201; the interrelationships with the ordinary concepts are
in Inohara and Hipel (2009), "Interrelationships among attitude-based and conventional
stability concepts within the graph model for conflict resolution", IEEE SMC 2009. See
docs/discussion/attitudes.md, which states the definitions as implemented.

Each actor ``i`` holds an attitude ``e_ij`` in ``{+, 0, -}`` toward every actor ``j``, itself
included: ``+`` (it wants what ``j`` wants), ``0`` (``j``'s preferences do not matter to it),
``-`` (it wants what ``j`` does not). With ``≿_j`` actor ``j``'s preference:

* ``t RP_ij s`` (``t`` is relationally at least as good as ``s`` for ``i`` regarding ``j``):
  ``t ≿_j s`` when ``e_ij = +``, ``s ≿_j t`` when ``e_ij = -``, always when ``e_ij = 0``;
* total relational preference ``TRP_i(s) = {t : t RP_ij s for every j}``;
* total relational reply ``TRR_i(s) = R_i(s) ∩ TRP_i(s)``;
* **RNash**: ``TRR_i(s)`` is empty;
* **RGMR**: every ``s1 ∈ TRR_i(s)`` has some ``s2 ∈ R_{N-i}(s1)`` with ``s2 ∉ TRP_i(s)``;
* **RSMR**: as RGMR, and every ``s3 ∈ R_i(s2)`` has ``s3 ∉ TRP_i(s)``;
* **RSEQ**: as RGMR with ``s2`` reached by a legal sequence of the opponents' own total
  relational replies.

Unspecified attitudes are ``+`` toward oneself and ``0`` toward the others, under which (with
strict preferences) the relational concepts are the ordinary ones.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import check_sanctions
from detente.conflict.uncertainty import (
    MAX_UNCERTAIN_STATES,
    move_matrices,
    reach_relation,
    stable_from_relations,
)
from detente.errors import StateSpaceTooLarge
from detente.scenario.model import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from detente.conflict.moves import MoveOps
    from detente.scenario.context import ErrorContext

__all__ = [
    "ATTITUDE_WORDS",
    "RELATIONAL_CONCEPTS",
    "Attitudes",
    "attitudes_of",
    "attitudes_section",
    "relational_stability",
]

#: The relational concepts and the ordinary concept each one extends.
RELATIONAL_CONCEPTS = {"rnash": "nash", "rgmr": "gmr", "rsmr": "smr", "rseq": "seq"}
#: Accepted spellings of an attitude -> +1, 0, -1.
ATTITUDE_WORDS: dict[str, int] = {
    "+": 1, "positive": 1, "0": 0, "neutral": 0, "-": -1, "negative": -1,
}

Bool2 = NDArray[np.bool_]


@dataclass(frozen=True)
class Attitudes:
    """``e[i][j]`` for actors in scenario order: +1, 0 or -1."""

    actors: tuple[str, ...]
    e: tuple[tuple[int, ...], ...]

    @classmethod
    def default(cls, actors: Sequence[str]) -> Attitudes:
        """``+`` toward oneself, ``0`` toward the others."""
        n = len(actors)
        return cls(tuple(actors), tuple(tuple(int(i == j) for j in range(n)) for i in range(n)))

    def to_dict(self) -> dict[str, dict[str, str]]:
        """``{i: {j: "+"|"0"|"-"}}`` (the scenario-file form)."""
        sign = {1: "+", 0: "0", -1: "-"}
        return {a: {b: sign[v] for b, v in zip(self.actors, row, strict=True)}
                for a, row in zip(self.actors, self.e, strict=True)}


def attitudes_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> Attitudes:
    """The ``attitudes:`` section parser (registered in :data:`detente.loading.SECTIONS`):
    ``{ACTOR: {ACTOR: +|0|-}}``; a missing entry is ``+`` toward oneself, ``0`` otherwise.

    Raises
    ------
    ScenarioError
        One line naming the file, line and field: an unknown actor, an unknown attitude.
    """
    ids = scenario.actor_ids
    base = Attitudes.default(ids)
    if data is None:
        return base
    if not isinstance(data, Mapping):
        raise ctx.error((), "`attitudes` maps each actor to its attitudes toward actors, "
                            "e.g. {A: {B: '-'}}; attitudes are +, 0 or -")
    e = [list(row) for row in base.e]
    for a, row in data.items():
        if a not in ids:
            raise ctx.error((str(a),), f"unknown actor {a!r}; choose from {', '.join(ids)}")
        if not isinstance(row, Mapping):
            raise ctx.error((a,), "give the attitudes toward actors, e.g. {B: '-'}")
        for b, value in row.items():
            if b not in ids:
                raise ctx.error((a, str(b)), f"unknown actor {b!r}; choose from "
                                             f"{', '.join(ids)}")
            word = str(value).strip().lower() if not isinstance(value, bool) else ""
            if isinstance(value, int) and not isinstance(value, bool) and value in (-1, 0, 1):
                word = {1: "+", 0: "0", -1: "-"}[value]
            if word not in ATTITUDE_WORDS:
                raise ctx.error((a, b), f"attitude {value!r} must be +, 0 or - (positive, "
                                        "neutral, negative)")
            e[ids.index(a)][ids.index(b)] = ATTITUDE_WORDS[word]
    return Attitudes(tuple(ids), tuple(tuple(r) for r in e))


def attitudes_of(scenario: Scenario) -> Attitudes:
    """The scenario's attitudes (the defaults when it has no ``attitudes:`` section)."""
    att = scenario.sections.get("attitudes")
    return att if isinstance(att, Attitudes) else Attitudes.default(scenario.actor_ids)


def total_relational_preference(payoffs: Sequence[NDArray[Any]], row: Sequence[int]) -> Bool2:
    """``TRP[s, t]``: ``t`` is relationally at least as good as ``s`` for the actor whose
    attitudes are ``row`` (one entry per actor)."""
    n = int(np.shape(payoffs[0])[0]) if payoffs else 0
    out = np.ones((n, n), dtype=bool)
    for p, e in zip(payoffs, row, strict=True):
        p = np.asarray(p, dtype=np.int64)
        if e > 0:
            out &= p[None, :] >= p[:, None]
        elif e < 0:
            out &= p[None, :] <= p[:, None]
    return out


def relational_stability(
    moves: MoveOps,
    payoffs: Sequence[NDArray[Any]],
    attitudes: Attitudes,
    concepts: Sequence[str],
    sanctions: str = "legal",
) -> dict[str, NDArray[np.bool_]]:
    """Stability (actors × feasible states) under ``rnash``, ``rgmr``, ``rsmr``, ``rseq``.

    Parameters
    ----------
    moves
        The conflict's move operators (``ConflictModel.moves``; misperceptions apply).
    payoffs
        Each actor's payoff ranks over the feasible states (higher preferred).
    attitudes
        Each actor's attitude toward every actor.
    concepts
        Relational concept names.
    sanctions
        ``legal`` or ``distinct`` (each opponent moves at most once).

    Raises
    ------
    StateSpaceTooLarge
        Beyond :data:`detente.conflict.uncertainty.MAX_UNCERTAIN_STATES` feasible states.
    """
    check_sanctions(sanctions)
    n = moves.space.n_states
    if n > MAX_UNCERTAIN_STATES:
        raise StateSpaceTooLarge(
            f"relational stability is analysed on at most {MAX_UNCERTAIN_STATES} feasible "
            f"states (state-by-state relations); this conflict has {n}")
    m = len(payoffs)
    A = move_matrices(moves)
    trp = [total_relational_preference(payoffs, attitudes.e[i]) for i in range(m)]
    trr = [a & t for a, t in zip(A, trp, strict=True)]
    cache: dict[tuple[int, bool], Bool2] = {}

    def reach(i: int, credible: bool) -> Bool2:
        if (i, credible) not in cache:
            src = trr if credible else A
            cache[(i, credible)] = reach_relation([src[k] for k in range(m) if k != i],
                                                  sanctions == "distinct")
        return cache[(i, credible)]

    out: dict[str, NDArray[np.bool_]] = {}
    for concept in concepts:
        base = RELATIONAL_CONCEPTS[concept]
        rows = [stable_from_relations(
            base, trr[i], ~trp[i], A[i],
            functools.partial(reach, i, base == "seq") if base != "nash" else None)
            for i in range(m)]
        out[concept] = np.vstack(rows) if rows else np.zeros((0, n), dtype=bool)
    return out
