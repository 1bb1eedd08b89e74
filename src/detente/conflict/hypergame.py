"""First-level hypergames: each actor analyses the conflict as it believes the others rank it.

Wang, M., Hipel, K. W. and Fraser, N. M. (1988), "Modeling misperceptions in games",
*Behavioral Science* 33(3): 207-223, and Wang, Hipel and Fraser (1989), "Solution concepts in
hypergames", *Applied Mathematics and Computation* 34: 147-171: in a *first-level hypergame*
every decision maker ``i`` plays its own game ``G_i``, the true conflict with the other actors'
preferences replaced by ``i``'s perception of them. A state is stable for ``i`` when it is
stable for ``i`` in ``G_i``; a *hypergame equilibrium* is a state stable for every actor in its
own game. Nash, GMR and SMR use only the focal actor's own preferences, so misperceiving the
others changes nothing for them; SEQ and SIM depend on which moves the others would make, so
they do. See docs/discussion/hypergames.md.

The ``perceptions:`` section gives, for a perceiving actor, the preferences it attributes to
other actors, in the ``preferences:`` format::

    perceptions:
      US:
        NK: {statements: ["NK.freeze", "not NK.provoke"]}

Actors without an entry perceive the others correctly. (Misperceptions of the *moves*, GMCR+'s
kind, are the ``misperceptions:`` section: :mod:`detente.conflict.misperception`.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.errors import ScenarioError
from detente.scenario.model import Preference, Scenario, plain_data

if TYPE_CHECKING:  # pragma: no cover
    from detente.conflict.result import StabilityResult
    from detente.scenario.context import ErrorContext

__all__ = ["Perceptions", "analyse_hypergame", "perceptions_of", "perceptions_section"]


@dataclass(frozen=True)
class Perceptions:
    """Perceiving actor id -> (perceived actor id -> the preference it attributes to it)."""

    perceived: Mapping[str, Mapping[str, Preference]]
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return any(self.perceived.values())


def perceptions_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> Perceptions:
    """The ``perceptions:`` section parser (registered in :data:`detente.loading.SECTIONS`).

    Each perceived preference is validated like an entry of ``preferences:``.

    Raises
    ------
    ScenarioError
        One line naming the file and field: an unknown actor, an actor "perceiving" itself, a
        preference that would be refused under ``preferences:``.
    """
    from detente.scenario.loader import CORE_KEYS
    from detente.scenario.loader import from_data as core_from_data

    if data is None:
        return Perceptions({})
    if not isinstance(data, Mapping):
        raise ctx.error((), "`perceptions` maps each perceiving actor to the preferences it "
                            "attributes to others, e.g. {A: {B: {statements: [...]}}}")
    ids = scenario.actor_ids
    base = {k: v for k, v in plain_data(scenario.raw).items()
            if k in CORE_KEYS and k != "variants"}
    out: dict[str, dict[str, Preference]] = {}
    for i, row in data.items():
        if i not in ids:
            raise ctx.error((str(i),), f"unknown actor {i!r}; choose from {', '.join(ids)}")
        if not isinstance(row, Mapping):
            raise ctx.error((i,), "give the preferences this actor attributes to others, "
                                  "e.g. {B: {statements: [...]}}")
        for j in row:
            if j not in ids:
                raise ctx.error((i, str(j)), f"unknown actor {j!r}; choose from "
                                             f"{', '.join(ids)}")
            if j == i:
                raise ctx.error((i, j), "an actor's own preferences are under `preferences`; "
                                        "list only the others here")
        prefs = {**dict(base.get("preferences") or {}), **dict(row)}
        try:
            seen = core_from_data({**base, "preferences": prefs}, source=ctx.source)
        except ScenarioError as exc:
            where = f" ({exc.field})" if getattr(exc, "field", None) else ""
            raise ctx.error((i,), f"{getattr(exc, 'message', str(exc))}{where}") from None
        if row:
            out[i] = {j: seen.preferences[j] for j in row}
    return Perceptions(out, dict(data))


def perceptions_of(scenario: Scenario) -> Perceptions | None:
    """The scenario's perceptions, or ``None`` when it has none."""
    p = scenario.sections.get("perceptions")
    return p if isinstance(p, Perceptions) and p else None


def analyse_hypergame(
    scenario: Scenario,
    concepts: Iterable[str] | str | None = None,
    sanctions: str = "legal",
    **kwargs: Any,
) -> StabilityResult:
    """Stability in the first-level hypergame: actor ``i``'s row is computed in ``G_i``.

    Parameters
    ----------
    scenario
        The scenario; its ``perceptions:`` section defines each actor's game.
    concepts, sanctions, kwargs
        As for :func:`detente.conflict.analyse` (``model``, ``max_states``, ``workers``).

    Returns
    -------
    StabilityResult
        ``stable[c][i]`` is actor ``i``'s stability in its own game; equilibria are the
        hypergame equilibria. ``parameters["hypergame"]`` lists the perceiving actors.
    """
    import numpy as np

    from detente.conflict.engine import analyse, build_model, structure_key

    model = kwargs.pop("model", None)
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=kwargs.pop("max_states", None))
    truth = analyse(scenario, concepts, sanctions, model=model, **kwargs)
    per = perceptions_of(scenario)
    if per is None:
        return dataclasses.replace(truth, parameters={**truth.parameters, "hypergame": []})
    stable = {c: np.array(m, copy=True) for c, m in truth.stable.items()}
    ids = scenario.actor_ids
    for who, prefs in per.perceived.items():
        pay = model.payoffs(prefs, scenario)
        own = analyse(scenario, list(truth.stable), sanctions, model=model, payoffs=pay,
                      **kwargs)
        i = ids.index(who)
        for c in stable:
            stable[c][i] = own.stable[c][i]
    return dataclasses.replace(truth, stable=stable,
                               parameters={**truth.parameters,
                                           "hypergame": sorted(per.perceived)})
