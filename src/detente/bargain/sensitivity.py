"""How far a bargaining forecast moves when one actor's input changes.

The expected-utility model's forecast can be knife-edge: the weighted median that it settles
on jumps from one actor's position to another's when one capability or salience crosses a
threshold. :func:`forecast_sensitivity` varies one input of one actor at a time (position,
salience or capability) by a list of relative steps, reruns the forecast, and reports

* the forecast (the weighted median after the last round, as :mod:`detente.bargain.eu`
  computes it) after each change, and its shift from the unperturbed forecast;
* for each actor and input, the smallest step that moves the forecast by more than a
  threshold (default: 10 % of the scale), or none within the steps tried.

Steps are relative: a capability ``c`` becomes ``c * (1 + step)``; a salience ``s`` becomes
``s * (1 + step)``, clipped to ``[0, 1]``; a position ``x`` moves by ``step`` times the width
of the scale (a relative change of the value itself would leave a position at 0 unmoved),
clipped to the scale. One-at-a-time sensitivity in the sense of Saltelli et al. (2008),
*Global Sensitivity Analysis: The Primer*, ch. 1 (local, one factor at a time); the
forecast model is Bueno de Mesquita's expected-utility model as in
``docs/discussion/expected-utility.md``. The page ``docs/discussion/forecast-sensitivity.md``
explains the table and how to read a knife-edge forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.bargain.eu import run_eu, variant_options
from detente.errors import InputError

FIELDS = ("position", "salience", "capability")

#: The default steps: -20 %, -10 %, -5 %, +5 %, +10 %, +20 %.
DEFAULT_STEPS = (-0.2, -0.1, -0.05, 0.05, 0.1, 0.2)


@dataclass(frozen=True)
class SensitivityEntry:
    """The forecast after one change of one actor's input.

    Attributes
    ----------
    actor, field
        Whose input changed, and which (``position``, ``salience`` or ``capability``).
    step
        The relative change (``0.1`` is +10 %; for a position, of the scale's width).
    value
        The input's new value.
    forecast
        The forecast (weighted median after the last round) with the change.
    shift
        ``forecast`` minus the unperturbed forecast.
    """

    actor: str
    field: str
    step: float
    value: float
    forecast: float
    shift: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {"actor": self.actor, "field": self.field, "step": self.step,
                "value": self.value, "forecast": self.forecast, "shift": self.shift}


@dataclass(frozen=True)
class ForecastSensitivity:
    """One issue's forecast under one-at-a-time changes of every actor's inputs.

    Attributes
    ----------
    issue, variant
        The issue and the expected-utility variant (``textbook`` or ``scholz``).
    forecast
        The unperturbed forecast (weighted median after the last round).
    threshold
        A shift larger than this (in scale points) counts as moving the forecast.
    steps
        The relative steps tried.
    entries
        One entry per actor, input and step.
    """

    issue: str
    variant: str
    forecast: float
    threshold: float
    steps: tuple[float, ...]
    entries: tuple[SensitivityEntry, ...]

    def smallest(self, actor: str, field: str) -> SensitivityEntry | None:
        """The smallest step (by size; on a tie, the larger shift) of ``actor``'s ``field``
        that moves the forecast by more than the threshold, or ``None``."""
        hits = [e for e in self.entries if e.actor == actor and e.field == field
                and abs(e.shift) > self.threshold]
        if not hits:
            return None
        return min(hits, key=lambda e: (abs(e.step), -abs(e.shift)))

    @property
    def tipping(self) -> SensitivityEntry | None:
        """The smallest change of any input that moves the forecast by more than the
        threshold (``None``: the forecast is robust to every step tried)."""
        hits = [e for e in self.entries if abs(e.shift) > self.threshold]
        if not hits:
            return None
        return min(hits, key=lambda e: (abs(e.step), -abs(e.shift)))

    def knife_edge(self, step: float = 0.1) -> bool:
        """Whether a change of at most ``step`` in one input moves the forecast by more
        than the threshold."""
        t = self.tipping
        return t is not None and abs(t.step) <= step + 1e-12

    def range_at(self, actor: str, field: str) -> tuple[float, float]:
        """The lowest and highest forecast over the steps tried for ``actor``'s ``field``
        (the unperturbed forecast included)."""
        vals = [self.forecast] + [e.forecast for e in self.entries
                                  if e.actor == actor and e.field == field]
        return min(vals), max(vals)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the forecast, threshold, steps, every entry, the smallest moving
        change per actor and input, and the overall tipping change."""
        actors = list(dict.fromkeys(e.actor for e in self.entries))
        smallest: dict[str, dict[str, Any]] = {}
        for a in actors:
            smallest[a] = {}
            for f in FIELDS:
                s = self.smallest(a, f)
                smallest[a][f] = None if s is None else s.to_dict()
        tip = self.tipping
        return {
            "issue": self.issue, "variant": self.variant, "forecast": self.forecast,
            "threshold": self.threshold, "steps": list(self.steps),
            "knife_edge": self.knife_edge(),
            "tipping": None if tip is None else tip.to_dict(),
            "smallest": smallest,
            "entries": [e.to_dict() for e in self.entries],
        }


def _final_median(actors: Sequence[str], cap: npt.NDArray[np.float64],
                  sal: npt.NDArray[np.float64], pos: npt.NDArray[np.float64],
                  variant: str, rounds: int, issue: str) -> float:
    f = run_eu(actors, cap, sal, pos, variant=variant, rounds=rounds,
               options=variant_options(variant), issue=issue)
    return float(f.rounds[-1].median)


def forecast_sensitivity(
    actors: Sequence[str],
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    positions: npt.ArrayLike,
    *,
    lower: float | None = None,
    upper: float | None = None,
    variant: str = "textbook",
    rounds: int = 10,
    steps: Sequence[float] = DEFAULT_STEPS,
    threshold: float | None = None,
    issue: str = "issue",
) -> ForecastSensitivity:
    """Rerun the expected-utility forecast with one input of one actor changed at a time.

    Parameters
    ----------
    actors, capability, salience, positions
        The inputs of :func:`detente.bargain.eu.run_eu`.
    lower, upper
        The scale (default: the range of the positions); positions are clipped to it and
        position steps are fractions of its width.
    variant, rounds
        As for :func:`~detente.bargain.eu.run_eu`.
    steps
        Relative changes to try (non-zero).
    threshold
        Shifts larger than this count as moving the forecast (default: 10 % of the scale).
    issue
        Recorded in the result.

    Returns
    -------
    ForecastSensitivity

    Raises
    ------
    ValueError
        For an empty list of steps, a zero step, or an empty scale.
    """
    steps = tuple(float(s) for s in steps)
    if not steps or any(s == 0 for s in steps):
        raise InputError("steps must be a non-empty list of non-zero relative changes")
    cap = np.asarray(capability, dtype=float)
    sal = np.asarray(salience, dtype=float)
    pos = np.asarray(positions, dtype=float)
    lo = float(pos.min()) if lower is None else float(lower)
    hi = float(pos.max()) if upper is None else float(upper)
    if not hi > lo:
        raise InputError(f"the scale is empty ({lo:g} to {hi:g}); give lower < upper")
    width = hi - lo
    limit = 0.1 * width if threshold is None else float(threshold)
    base = _final_median(actors, cap, sal, pos, variant, rounds, issue)
    entries = []
    for k, actor in enumerate(actors):
        for field in FIELDS:
            for step in steps:
                c, s, p = cap.copy(), sal.copy(), pos.copy()
                if field == "capability":
                    c[k] = max(0.0, c[k] * (1 + step))
                    value = float(c[k])
                elif field == "salience":
                    s[k] = min(1.0, max(0.0, s[k] * (1 + step)))
                    value = float(s[k])
                else:
                    p[k] = min(hi, max(lo, p[k] + step * width))
                    value = float(p[k])
                f = _final_median(actors, c, s, p, variant, rounds, issue)
                entries.append(SensitivityEntry(actor, field, step, value, f, f - base))
    return ForecastSensitivity(issue, variant, base, limit, steps, tuple(entries))
