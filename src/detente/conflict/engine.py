"""The public entry points of the conflict engine.

A :class:`ConflictModel` holds what depends only on a scenario's *structure* (options,
infeasibility, irreversibility): the state space and the move operators. It is built once and
reused when only preferences change (variants, sensitivity passes, exploration samples).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import (
    CONCEPTS,
    RELATIONAL_CONCEPTS,
    STABILITY_CONCEPTS,
    check_sanctions,
    parse_concepts,
)
from detente.conflict.misperception import misperceived_masks, misperceptions_of
from detente.conflict.moves import MoveOps, _Csr
from detente.conflict.preferences import payoff_ranks
from detente.conflict.result import StabilityResult
from detente.conflict.stability import _Profile, analyse_profile
from detente.conflict.statespace import StateSpace, build_state_space
from detente.scenario.model import Preference, Scenario


def structure_key(scenario: Scenario) -> str:
    """A hash of what the state space depends on (options, directions, infeasibility)."""
    parts: dict[str, object] = {
        "options": [[o.ref, o.reversible] for o in scenario.options],
        "actors": [[a.id, [o.index for o in a.options]] for a in scenario.actors],
        "infeasible": [c.text for c in scenario.infeasible],
    }
    mis = misperceptions_of(scenario)
    if mis is not None:  # they change the moves (only keyed when present: old keys stay)
        parts["misperceptions"] = mis.texts()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class ConflictModel:
    """State space and move operators of one scenario structure (reusable)."""

    scenario: Scenario
    space: StateSpace
    moves: MoveOps
    key: str = field(default="")

    def payoffs(
        self, preferences: Mapping[str, Preference] | None = None, scenario: Scenario | None = None
    ) -> dict[str, NDArray[np.unsignedinteger]]:
        """Payoff ranks per actor over the feasible states."""
        return payoff_ranks(scenario or self.scenario, self.space, preferences)

    def profile(self, payoffs: Mapping[str, NDArray[np.unsignedinteger]]) -> _Profile:
        """Prepare engine arrays for one preference profile."""
        return _Profile(self.space, self.moves, [payoffs[a] for a in self.scenario.actor_ids])


def build_model(scenario: Scenario, *, max_states: int | None = None, layout: str = "auto"
                ) -> ConflictModel:
    """Build the reusable state space and move structure of ``scenario`` (each actor's moves
    exclude the states it misperceives: :mod:`detente.conflict.misperception`)."""
    space = build_state_space(scenario, max_states=max_states, layout=layout)
    moves = MoveOps(space, blocked=misperceived_masks(scenario, space))
    return ConflictModel(scenario, space, moves, structure_key(scenario))


def submodel(model: ConflictModel, states: NDArray[np.int64]) -> ConflictModel:
    """The model restricted to some feasible states (indices): a sparse layout whose moves
    are the full model's moves between those states.

    Nash and SEQ stability use only unilateral improvements (Fang, Hipel and Kilgour 1993,
    §3.1-3.2: ``R_i^+`` and the opponents' ``R_H^+``). On a set of states closed under every
    actor's improvements -- the states reachable from a status quo by improvements are one --
    the restricted model therefore gives the same Nash and SEQ results for its states as the
    whole model. GMR and SMR use every move, so they do not restrict this way.
    """
    idx = np.unique(np.asarray(states, dtype=np.int64))
    full = model.space
    space = StateSpace(full.n_options, full.blocks, full.codes[idx], False, None)
    moves = MoveOps(space)
    where = np.full(full.n_states, -1, dtype=np.int64)
    where[idx] = np.arange(idx.shape[0])
    for k in range(len(full.blocks)):
        csr = model.moves.csr(k)
        counts = csr.indptr[idx + 1] - csr.indptr[idx]
        rows = np.repeat(np.arange(idx.shape[0]), counts)
        first = np.repeat(csr.indptr[idx] - np.cumsum(counts) + counts, counts)
        targets = where[csr.indices[first + np.arange(rows.shape[0])]]
        keep = targets >= 0
        kept = np.bincount(rows[keep], minlength=idx.shape[0])
        indptr = np.zeros(idx.shape[0] + 1, dtype=np.int64)
        np.cumsum(kept, out=indptr[1:])
        moves._csr[k] = _Csr(indptr, targets[keep])
    return ConflictModel(model.scenario, space, moves, f"{model.key}:sub:{idx.shape[0]}")


def analyse(
    scenario: Scenario,
    concepts: Iterable[str] | str | None = None,
    sanctions: str = "legal",
    *,
    model: ConflictModel | None = None,
    preferences: Mapping[str, Preference] | None = None,
    payoffs: Mapping[str, NDArray[np.unsignedinteger]] | None = None,
    max_states: int | None = None,
    workers: int | None = None,
) -> StabilityResult:
    """Stability of every feasible state for every actor, and the equilibria.

    Parameters
    ----------
    scenario
        A validated scenario (see :func:`detente.load_scenario`).
    concepts
        Any of ``nash``, ``gmr``, ``smr``, ``seq``, ``sim`` (default: all five), as a list or
        a comma-separated string; also their extensions to uncertain preferences,
        ``nash_a`` ... ``seq_d`` (:mod:`detente.conflict.uncertainty`), which read the
        scenario's ``uncertain_preferences:`` section; and relational stability under
        attitudes, ``rnash``, ``rgmr``, ``rsmr``, ``rseq`` (:mod:`detente.conflict.attitudes`,
        the ``attitudes:`` section).
    sanctions
        ``"legal"`` (default): opponents sanction by any legal sequence of unilateral moves
        (Fang et al. 1993). ``"distinct"``: each opponent moves at most once, as GMCR+ does.
    model
        A :class:`ConflictModel` built earlier for the same structure (reused).
    preferences, payoffs
        Override the scenario's preferences (statements/rankings) or give payoff ranks directly.
    max_states
        State-space refusal limit (default 2**22 or ``DETENTE_MAX_STATES``).
    workers
        Threads for the per-actor analyses (default: the CPU count for conflicts of 65,536
        states or more, else 1; ``DETENTE_THREADS`` overrides). Results never depend on it.

    Returns
    -------
    StabilityResult
        Stability per concept, actor and state; ``to_dict()`` gives the CLI's JSON.

    Examples
    --------
    >>> import detente
    >>> from detente.conflict import analyse
    >>> pd = detente.load_scenario(detente.scenario_path("prisoners-dilemma"))
    >>> r = analyse(pd, ["nash", "gmr"])
    >>> r.equilibria("nash")  # both defect (codes: P1.cooperate P2.cooperate)
    ['NN']
    >>> r.equilibria("gmr")  # mutual cooperation is stable once defection can be punished
    ['NN', 'YY']
    """
    conc = CONCEPTS if concepts is None else parse_concepts(concepts, STABILITY_CONCEPTS)
    check_sanctions(sanctions)
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=max_states)
    pay = payoffs if payoffs is not None else model.payoffs(preferences, scenario)
    prof = model.profile(pay)
    plain = [c for c in conc if c in CONCEPTS]
    stable = analyse_profile(prof, plain, sanctions, workers) if plain else {}
    relational = [c for c in conc if c in RELATIONAL_CONCEPTS]
    if relational:  # attitudes (Inohara, Hipel and Walker 2007)
        from detente.conflict.attitudes import attitudes_of, relational_stability

        stable.update(relational_stability(model.moves, [pay[a] for a in scenario.actor_ids],
                                           attitudes_of(scenario), relational, sanctions))
    extended = [c for c in conc if c not in CONCEPTS and c not in RELATIONAL_CONCEPTS]
    if extended:  # preference uncertainty (Li, Hipel, Kilgour and Fang 2004)
        from detente.conflict.uncertainty import uncertain_preferences_of, uncertain_stability

        unc = uncertain_preferences_of(scenario)
        codes = model.space.codes
        n = model.space.n_states
        rel = [unc.matrix(a, codes) if unc is not None else np.zeros((n, n), dtype=bool)
               for a in scenario.actor_ids]
        stable.update(uncertain_stability(model.moves, [pay[a] for a in scenario.actor_ids], rel,
                                          extended, sanctions))
    stable = {c: stable[c] for c in conc}
    return StabilityResult(
        scenario=scenario.name,
        digest=scenario.digest,
        variant=scenario.variant,
        actors=tuple(scenario.actor_ids),
        options=tuple(scenario.option_refs),
        codes=model.space.codes,
        status_quo=scenario.status_quo,
        stable=stable,
        sanctions=sanctions,
        parameters={
            "layout": "dense" if model.space.dense else "sparse",
            "n_states": model.space.n_states,
            **({"misperceptions": mis.texts()}
               if (mis := misperceptions_of(scenario)) is not None else {}),
        },
    )
