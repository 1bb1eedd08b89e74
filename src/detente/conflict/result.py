"""Result objects of the conflict analyses (frozen, with provenance, JSON and DataFrames).

:class:`ConflictResult` is the one base of every conflict result (as pygambit has one result
type for every solver): provenance fields and the reading and writing of state codes live
there once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import detente
from detente.conflict.concepts import CONCEPT_NAMES, parse_concept
from detente.display import DisplayMixin, dataframe, html_summary, html_table
from detente.errors import InputError
from detente.scenario.codes import code_text, to_code


class JsonResult(DisplayMixin):
    """Adds :meth:`to_json` and a capped notebook display to a result that has
    ``to_dict()``."""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def to_json(self, **kwargs: Any) -> str:
        """JSON text of :meth:`to_dict` (numpy values and fractions converted)."""
        from detente.jsonutil import json_default

        kwargs.setdefault("default", json_default)
        return json.dumps(self.to_dict(), **kwargs)


@dataclass(frozen=True, kw_only=True)
class ConflictResult(JsonResult):
    """What every conflict result shares: its provenance and the reading of state codes.

    The analyses (stability, coalitions, status-quo paths, inverse) each return a frozen
    subclass; the fields here say which input produced it, and the methods turn state codes
    into text and back, refusing a code of the wrong length, with other letters or outside
    the feasible states with a one-line error.

    Attributes
    ----------
    scenario
        Scenario name.
    digest
        SHA-256 of the scenario data (which input produced this).
    variant
        The applied variant, if any.
    options
        ``ACTOR.OPTION`` references in code order.
    parameters
        Anything else that shaped the result (layout, limits, timings).
    version
        The detente version that computed it.
    """

    scenario: str
    digest: str
    variant: str | None
    options: tuple[str, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = detente.__version__

    # -- state codes ------------------------------------------------------------------------
    def code_text(self, code: int) -> str:
        """``Y``/``N`` text of a state code."""
        return code_text(code, len(self.options))

    def parse_state(self, state: str | int, what: str = "state code") -> int:
        """The integer code of ``state`` (text or code), checked against the option count."""
        return to_code(state, len(self.options), self.options, what=what)

    def _feasible_position(self, codes: NDArray[np.int64], state: str | int) -> int:
        """Position of ``state`` among the feasible ``codes`` (increasing)."""
        code = self.parse_state(state)
        pos = int(np.searchsorted(codes, code))
        if pos >= codes.shape[0] or int(codes[pos]) != code:
            raise InputError(f"state {self.code_text(code)} is not a feasible state of "
                             f"{self.scenario!r}; choose one of its {codes.shape[0]} feasible "
                             "states")
        return pos

    # -- provenance -------------------------------------------------------------------------
    def _provenance_items(self) -> dict[str, Any]:
        """The analysis-specific entries of :meth:`provenance` (concept, sanctions, ...)."""
        return {}

    def provenance(self) -> dict[str, Any]:
        """What produced this result: the input, the analysis's settings, the version and
        :attr:`parameters`."""
        return {
            "scenario": self.scenario,
            "digest": self.digest,
            "variant": self.variant,
            **self._provenance_items(),
            "detente": self.version,
            **dict(self.parameters),
        }


@dataclass(frozen=True)
class StabilityResult(ConflictResult):
    """Stability of every feasible state for every actor under each concept.

    Attributes
    ----------
    scenario, digest, variant, options, parameters, version
        Provenance (:class:`ConflictResult`).
    actors
        Actor ids in order.
    codes
        Feasible state codes in increasing binary order (option 1 = lowest bit).
    status_quo
        Status-quo code or ``None``.
    stable
        ``concept -> bool array (actors × states)``.
    sanctions
        ``"legal"`` or ``"distinct"``.
    """

    actors: tuple[str, ...]
    codes: NDArray[np.int64]
    status_quo: int | None
    stable: Mapping[str, NDArray[np.bool_]]
    sanctions: str

    # -- helpers --------------------------------------------------------------------------------
    @property
    def concepts(self) -> tuple[str, ...]:
        """The concepts analysed, in order."""
        return tuple(self.stable)

    @property
    def states(self) -> list[str]:
        """Feasible states as text codes, in increasing binary order."""
        return [self.code_text(c) for c in self.codes]

    def _stable(self, concept: str) -> NDArray[np.bool_]:
        return self.stable[parse_concept(concept, self.concepts)]

    def _actor(self, actor: str) -> int:
        if actor not in self.actors:
            raise InputError(f"unknown actor {actor!r}; choose from {', '.join(self.actors)}")
        return self.actors.index(actor)

    def equilibrium_mask(self, concept: str) -> NDArray[np.bool_]:
        """States stable for every actor under ``concept``."""
        return np.asarray(self._stable(concept).all(axis=0))

    def equilibria(self, concept: str) -> list[str]:
        """Equilibria (text codes, increasing binary order) under ``concept``."""
        return [self.code_text(c) for c in self.codes[self.equilibrium_mask(concept)]]

    def stable_for(self, concept: str, actor: str) -> list[str]:
        """States stable for ``actor`` under ``concept``."""
        row = self._stable(concept)[self._actor(actor)]
        return [self.code_text(c) for c in self.codes[row]]

    def is_stable(self, concept: str, state: str | int, actor: str | None = None) -> bool:
        """Whether ``state`` is stable for ``actor`` (or an equilibrium when ``actor`` is None).

        Raises
        ------
        ValueError
            For a state code of the wrong length or letters, an infeasible state, a concept
            not analysed or an unknown actor.
        """
        col = self._stable(concept)[:, self._feasible_position(self.codes, state)]
        if actor is None:
            return bool(col.all())
        return bool(col[self._actor(actor)])

    # -- conversions -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON structure printed by ``detente stability --json``."""
        concepts: dict[str, Any] = {}
        for c in self.stable:
            concepts[c] = {
                "stable": {a: self.stable_for(c, a) for a in self.actors},
                "equilibria": self.equilibria(c),
            }
        return {
            "scenario": self.scenario,
            "options": list(self.options),
            "states": self.states,
            "status_quo": None if self.status_quo is None else self.code_text(self.status_quo),
            "concepts": concepts,
        }

    def _provenance_items(self) -> dict[str, Any]:
        return {"sanctions": self.sanctions, "concepts": list(self.concepts)}

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per state, options as columns, then one boolean column
        per (concept, actor) and per concept for equilibria. Needs pandas
        (``detente[notebook]``)."""
        data: dict[str, Any] = {"state": self.states}
        for k, ref in enumerate(self.options):
            data[ref] = ((self.codes >> k) & 1).astype(bool)
        for c in self.stable:
            for j, a in enumerate(self.actors):
                data[f"{c}:{a}"] = self.stable[c][j]
            data[f"{c}:equilibrium"] = self.equilibrium_mask(c)
        return dataframe(data, index="state")

    def _repr_html_(self) -> str:
        """Notebook display: the counts of equilibria, then at most
        :data:`detente.display.MAX_ROWS` states (the first and last halves, as pandas does);
        ``to_dataframe()`` has them all."""
        eq = {c: self.equilibrium_mask(c) for c in self.stable}
        codes = self.codes
        options = self.options

        class _Rows(Sequence[list[str]]):
            def __len__(self) -> int:
                return len(codes)

            def __getitem__(self, j: Any) -> Any:
                code = int(codes[j])
                return [code_text(code, len(options)),
                        *("✓" if (code >> k) & 1 else "" for k in range(len(options))),
                        *("★" if eq[c][j] else "" for c in eq)]

        columns = ["state", *options, *(f"{CONCEPT_NAMES.get(c, c)} eq." for c in eq)]
        facts = {"feasible states": f"{len(codes):,}", "sanctions": self.sanctions,
                 **{f"{CONCEPT_NAMES.get(c, c)} equilibria": f"{int(m.sum()):,}"
                    for c, m in eq.items()}}
        return html_summary(self.scenario, facts) + html_table(columns, _Rows())

