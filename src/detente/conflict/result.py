"""Result objects of the conflict analyses (frozen, with provenance, JSON and DataFrames)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import detente

CONCEPT_NAMES = {
    "nash": "Nash",
    "gmr": "GMR",
    "smr": "SMR",
    "seq": "SEQ",
    "sim": "SIM",
}


#: States shown by a result's notebook display (like pandas' ``display.max_rows``).
HTML_MAX_ROWS = 20


class JsonResult:
    """Adds :meth:`to_json` to a result that has ``to_dict()``."""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def to_json(self, **kwargs: Any) -> str:
        """JSON text of :meth:`to_dict` (numpy values and fractions converted)."""
        from detente.jsonutil import json_default

        kwargs.setdefault("default", json_default)
        return json.dumps(self.to_dict(), **kwargs)


@dataclass(frozen=True)
class StabilityResult(JsonResult):
    """Stability of every feasible state for every actor under each concept.

    Attributes
    ----------
    scenario
        Scenario name.
    digest
        SHA-256 of the scenario data (which input produced this).
    variant
        The applied variant, if any.
    actors
        Actor ids in order.
    options
        ``ACTOR.OPTION`` references in code order.
    codes
        Feasible state codes in increasing binary order (option 1 = lowest bit).
    status_quo
        Status-quo code or ``None``.
    stable
        ``concept -> bool array (actors × states)``.
    sanctions
        ``"legal"`` or ``"distinct"``.
    parameters
        Anything else that shaped the result (layout, limits, version).
    """

    scenario: str
    digest: str
    variant: str | None
    actors: tuple[str, ...]
    options: tuple[str, ...]
    codes: NDArray[np.int64]
    status_quo: int | None
    stable: Mapping[str, NDArray[np.bool_]]
    sanctions: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    version: str = detente.__version__

    # -- helpers --------------------------------------------------------------------------------
    @property
    def concepts(self) -> tuple[str, ...]:
        """The concepts analysed, in order."""
        return tuple(self.stable)

    def code_text(self, code: int) -> str:
        """Y/N text of a state code."""
        return "".join("Y" if (int(code) >> k) & 1 else "N" for k in range(len(self.options)))

    @property
    def states(self) -> list[str]:
        """Feasible states as text codes, in increasing binary order."""
        return [self.code_text(c) for c in self.codes]

    def equilibrium_mask(self, concept: str) -> NDArray[np.bool_]:
        """States stable for every actor under ``concept``."""
        return np.asarray(self.stable[concept].all(axis=0))

    def equilibria(self, concept: str) -> list[str]:
        """Equilibria (text codes, increasing binary order) under ``concept``."""
        return [self.code_text(c) for c in self.codes[self.equilibrium_mask(concept)]]

    def stable_for(self, concept: str, actor: str) -> list[str]:
        """States stable for ``actor`` under ``concept``."""
        row = self.stable[concept][self.actors.index(actor)]
        return [self.code_text(c) for c in self.codes[row]]

    def is_stable(self, concept: str, state: str | int, actor: str | None = None) -> bool:
        """Whether ``state`` is stable for ``actor`` (or an equilibrium when ``actor`` is None)."""
        code = state if isinstance(state, int) else _parse(state)
        pos = int(np.searchsorted(self.codes, code))
        if pos >= self.codes.shape[0] or int(self.codes[pos]) != code:
            raise ValueError(f"state {state!r} is not a feasible state of {self.scenario!r}")
        col = self.stable[concept][:, pos]
        if actor is None:
            return bool(col.all())
        return bool(col[self.actors.index(actor)])

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

    def provenance(self) -> dict[str, Any]:
        """What produced this result."""
        return {
            "scenario": self.scenario,
            "digest": self.digest,
            "variant": self.variant,
            "sanctions": self.sanctions,
            "concepts": list(self.concepts),
            "detente": self.version,
            **dict(self.parameters),
        }

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per state, options as columns, then one boolean column
        per (concept, actor) and per concept for equilibria. Needs pandas."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover
            raise ImportError("to_dataframe() needs pandas: pip install pandas") from exc
        data: dict[str, Any] = {"state": self.states}
        for k, ref in enumerate(self.options):
            data[ref] = ((self.codes >> k) & 1).astype(bool)
        for c in self.stable:
            for j, a in enumerate(self.actors):
                data[f"{c}:{a}"] = self.stable[c][j]
            data[f"{c}:equilibrium"] = self.equilibrium_mask(c)
        return pd.DataFrame(data).set_index("state")

    def _repr_html_(self) -> str:
        """Notebook display: at most :data:`HTML_MAX_ROWS` states (the first and last halves,
        as pandas does), then how many more; ``to_dataframe()`` has them all."""
        n = len(self.codes)
        if n > HTML_MAX_ROWS:
            half = HTML_MAX_ROWS // 2
            shown = [*range(half), -1, *range(n - half, n)]
        else:
            shown = list(range(n))
        head = "".join(f"<th>{html.escape(o)}</th>" for o in self.options)
        head += "".join(f"<th>{CONCEPT_NAMES.get(c, c)} eq.</th>" for c in self.stable)
        width = 1 + len(self.options) + len(self.stable)
        eq = {c: self.equilibrium_mask(c) for c in self.stable}
        rows = []
        for j in shown:
            if j < 0:
                rows.append(f"<tr><td colspan='{width}'>… {n - 2 * (HTML_MAX_ROWS // 2)} more "
                            "states (to_dataframe() has them all)</td></tr>")
                continue
            code = int(self.codes[j])
            cells = "".join(
                f"<td>{'✓' if (code >> k) & 1 else ''}</td>" for k in range(len(self.options))
            )
            cells += "".join(f"<td>{'★' if eq[c][j] else ''}</td>" for c in self.stable)
            rows.append(f"<tr><td>{self.code_text(code)}</td>{cells}</tr>")
        return (
            f"<p><b>{html.escape(self.scenario)}</b>: {n} feasible states, "
            f"sanctions={self.sanctions}</p><table><tr><th>state</th>{head}</tr>"
            + "".join(rows)
            + "</table>"
        )


def _parse(text: str) -> int:
    t = text.strip().upper()
    if any(ch not in "YN" for ch in t):
        raise ValueError(f"state code {text!r} must consist of Y and N")
    return sum(1 << k for k, ch in enumerate(t) if ch == "Y")
