"""Misperceptions: states an actor misperceives, and so cannot move to or from.

GMCR+ (Kinsara, Petersons, Hipel and Kilgour 2015, "Advanced decision support for the graph
model for conflict resolution", J. Decision Systems 24(2)) lets each decision maker carry a
list of *misperception conditions*. The feasible states that meet any of them are the states
that decision maker misperceives: it does not see them as outcomes it can reach or leave, so
in its unilateral-move graph they have no arcs at all. Its ranking, and every other actor's
moves, are unchanged. Formally, with ``M_i`` the states actor ``i`` misperceives,

``R_i'(s) = {}`` for ``s in M_i``, and ``R_i'(s) = R_i(s) - M_i`` otherwise,

and every stability concept is then evaluated as usual with ``R_i'`` in place of ``R_i``
(so ``R_i^+`` and the opponents' sanction sets ``R_H``/``R_H^+`` shrink accordingly). Two
consequences: a state ``i`` misperceives is Nash-stable for ``i`` (it has no move from it), and
an opponent cannot sanction through a state it misperceives. This is a simple hypergame: it
changes what an actor believes it can do, not what it believes the others want. See
docs/discussion/misperceptions.md.

The ``misperceptions:`` section of a scenario file maps actor ids to lists of conditions, in
the same language as ``infeasible:``::

    misperceptions:
      Syria: ["Syria.release and not Syria.escalate"]
      Iraq: ["not Syria.release and not Syria.escalate"]

The engine applies it as per-actor Boolean masks over the state space
(:func:`misperceived_masks`): :class:`detente.conflict.moves.MoveOps` removes the masked states
as sources and targets of that actor's moves, vectorised (no per-state loop).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.scenario.expr import ConditionSyntaxError, parse_condition
from detente.scenario.model import Condition, Scenario

if TYPE_CHECKING:  # pragma: no cover
    from detente.conflict.statespace import StateSpace
    from detente.scenario.context import ErrorContext

__all__ = [
    "Misperceptions",
    "misperceived_masks",
    "misperceptions_of",
    "misperceptions_section",
]


@dataclass(frozen=True)
class Misperceptions:
    """Each actor's misperception conditions (actor id -> conditions; actors without any are
    left out).

    Attributes
    ----------
    conditions
        Actor id -> the conditions whose states that actor misperceives.
    """

    conditions: Mapping[str, tuple[Condition, ...]]

    def mask(self, actor_id: str, codes: NDArray[np.integer]) -> NDArray[np.bool_]:
        """True where ``actor_id`` misperceives the state code (any of its conditions holds)."""
        out = np.zeros(np.shape(codes), dtype=bool)
        for c in self.conditions.get(actor_id, ()):
            out |= c.holds(codes)
        return out

    def texts(self) -> dict[str, list[str]]:
        """Actor id -> condition texts (the scenario-file form; used for hashing and JSON)."""
        return {a: [c.text for c in cs] for a, cs in self.conditions.items()}

    def __bool__(self) -> bool:
        return any(self.conditions.values())


def misperceptions_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> Misperceptions:
    """The ``misperceptions:`` section parser that :data:`detente.loading.SECTIONS` registers.

    Parameters
    ----------
    data
        ``{ACTOR: [condition, ...]}``; a condition is text in the ``infeasible:`` language.
    scenario
        The scenario built so far (its actors and options resolve the names).
    ctx
        The loader's error context (prefix ``misperceptions``).

    Raises
    ------
    ScenarioError
        One line naming the file, line and field: not a mapping, an unknown actor, a condition
        that is not text or does not parse.
    """
    from detente.scenario.loader import option_resolver

    if data is None:
        return Misperceptions({})
    if not isinstance(data, Mapping):
        raise ctx.error((), "`misperceptions` maps actor ids to lists of conditions, e.g. "
                            "{A: ['A.x and not B.y']}")
    resolve = option_resolver(scenario.options)
    ids = scenario.actor_ids
    out: dict[str, tuple[Condition, ...]] = {}
    for actor, conds in data.items():
        if actor not in ids:
            raise ctx.error((str(actor),), f"unknown actor {actor!r}; choose from "
                                           f"{', '.join(ids)}")
        if isinstance(conds, str):
            conds = [conds]
        if not isinstance(conds, list):
            raise ctx.error((actor,), "give a list of conditions (text, as under `infeasible`)")
        parsed: list[Condition] = []
        for k, text in enumerate(conds):
            if not isinstance(text, str) or not text.strip():
                raise ctx.error((actor, k), "a misperception is a condition written as text, "
                                            "e.g. 'A.x and not B.y'")
            try:
                expr = parse_condition(text, resolve)
            except ConditionSyntaxError as exc:
                raise ctx.error((actor, k), str(exc)) from None
            parsed.append(Condition(text=text, expr=expr))
        if parsed:
            out[actor] = tuple(parsed)
    return Misperceptions(out)


def misperceptions_of(scenario: Scenario) -> Misperceptions | None:
    """The scenario's misperceptions, or ``None`` when it has none."""
    mis = scenario.sections.get("misperceptions")
    return mis if isinstance(mis, Misperceptions) and mis else None


def misperceived_masks(scenario: Scenario, space: StateSpace) -> dict[int, NDArray[np.bool_]]:
    """Actor index -> Boolean mask over the engine domain of the states it misperceives.

    Only actors with at least one misperceived feasible state appear. The masks are laid out
    like every engine array (all ``2**m`` codes in the dense layout, the feasible states in
    the sparse one); infeasible positions are ``False``.
    """
    mis = misperceptions_of(scenario)
    if mis is None:
        return {}
    out: dict[int, NDArray[np.bool_]] = {}
    for k, actor in enumerate(scenario.actor_ids):
        m = mis.mask(actor, space.codes)
        if m.any():
            out[k] = np.asarray(space.to_domain(m, False), dtype=bool)
    return out
