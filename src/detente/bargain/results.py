"""Frozen result objects returned by the bargaining forecasts.

A result records its inputs, the model, the variant and every parameter, so it can be
re-run or audited (the style of pygambit's result objects). ``to_dict()`` gives the JSON
layout printed by ``detente forecast --json``::

    {"model": "eu", "variant": "scholz",
     "rounds": [{"round": 0, "median": 7.0, "mean": 7.39, "positions": {"Belgium": 7.0}}]}

and, for several issues, ``{"model": ..., "variant": ..., "issues": {"ISSUE": [...]}}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.display import DisplayMixin, dataframe

FloatArray = npt.NDArray[np.float64]


def frozen_array(values: npt.ArrayLike) -> FloatArray:
    """Return a read-only float64 copy of ``values``."""
    arr = np.array(values, dtype=np.float64, copy=True)
    arr.flags.writeable = False
    return arr


def frozen_mapping(values: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Return a read-only view of a copy of ``values``."""
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True, eq=False)
class Move:
    """One accepted offer in a round of the expected-utility model.

    Attributes
    ----------
    actor
        The actor that moves (the receiver of the offer).
    proposer
        The actor whose offer it accepts.
    kind
        ``"confrontation"``, ``"compromise"`` or ``"capitulation"``.
    eu_own
        ``E_ij``: the receiver's expected utility of challenging the proposer.
    eu_other
        ``E_ji``: the proposer's expected utility of challenging the receiver, as the
        receiver perceives it.
    old, new
        Position before and after the move.
    """

    actor: str
    proposer: str
    kind: str
    eu_own: float
    eu_other: float
    old: float
    new: float


@dataclass(frozen=True, eq=False)
class ExchangeRecord:
    """One realised exchange of the equal-gain exchange model.

    Actor ``demander_p`` gets its way on issue ``issue_p``: ``supplier_p`` (the other actor)
    moves its voting position on ``issue_p`` toward it, and in return ``demander_p`` moves
    on ``issue_q`` toward ``supplier_p``.

    Attributes
    ----------
    order
        1-based order of realisation within the round.
    issue_p, issue_q
        The issue ``demander_p`` gains on, and the issue it concedes on.
    demander_p, supplier_p
        The two actors (``supplier_p`` demands ``issue_q``).
    move_p, move_q
        Signed moves in the issue's own units: ``supplier_p`` on ``issue_p`` and
        ``demander_p`` on ``issue_q``.
    position_p, position_q
        The voting positions after the move (issue units).
    gain
        The equal utility gain of each actor (normalised 0-100 scale times salience).
    """

    order: int
    issue_p: str
    issue_q: str
    demander_p: str
    supplier_p: str
    move_p: float
    move_q: float
    position_p: float
    position_q: float
    gain: float


@dataclass(frozen=True, eq=False)
class RoundRecord:
    """The state of one issue after a round (round 0 is the input).

    Attributes
    ----------
    round
        Round number; 0 is the input.
    positions
        Positions of the actors (order of ``Forecast.actors``) after the round.
    median
        Weighted median of ``positions`` (weights capability x salience).
    mean
        Weighted mean of ``positions``.
    risk
        Expected-utility model: the risk exponents ``r_i`` used in this round (``None`` for
        round 0 and for the exchange model).
    moves
        Expected-utility model: the offers accepted in this round.
    voting_positions
        Exchange model: the voting positions at the end of the round, before the partial
        return toward the start positions (``None`` otherwise).
    """

    round: int
    positions: FloatArray
    median: float
    mean: float
    risk: FloatArray | None = None
    moves: tuple[Move, ...] = ()
    voting_positions: FloatArray | None = None

    def to_dict(self, actors: Sequence[str]) -> dict[str, Any]:
        """Return ``{"round", "median", "mean", "positions": {actor: x}}``."""
        return {
            "round": self.round,
            "median": float(self.median),
            "mean": float(self.mean),
            "positions": {a: float(x) for a, x in zip(actors, self.positions, strict=True)},
        }


@dataclass(frozen=True, eq=False)
class Forecast(DisplayMixin):
    """A forecast of one issue, round by round.

    Attributes
    ----------
    model
        ``"eu"`` (expected utility) or ``"exchange"``.
    variant
        The variant name, e.g. ``"scholz"`` or ``"textbook"``.
    issue
        Issue name.
    actors
        Actor names, in input order.
    capability, salience
        The inputs (``capability`` is Decide's power for the exchange model).
    initial_positions
        Input positions (after any overrides).
    parameters
        Every option that shaped the run (rounds, variant options, overrides, ...).
    rounds
        ``rounds[0]`` is the input; ``rounds[t]`` the state after round ``t``.
    stop_reason
        ``"rounds"`` (the round limit was reached) or ``"settled"`` (positions stopped
        moving, see the model's documentation).
    """

    model: str
    variant: str
    issue: str
    actors: tuple[str, ...]
    capability: FloatArray
    salience: FloatArray
    initial_positions: FloatArray
    parameters: Mapping[str, Any]
    rounds: tuple[RoundRecord, ...]
    stop_reason: str = "rounds"

    @property
    def final_positions(self) -> dict[str, float]:
        """Positions after the last round, by actor."""
        last = self.rounds[-1].positions
        return {a: float(x) for a, x in zip(self.actors, last, strict=True)}

    @property
    def medians(self) -> FloatArray:
        """Weighted median for every round (round 0 first)."""
        return frozen_array([r.median for r in self.rounds])

    @property
    def means(self) -> FloatArray:
        """Weighted mean for every round (round 0 first)."""
        return frozen_array([r.mean for r in self.rounds])

    def position_history(self) -> FloatArray:
        """Return a ``(rounds + 1, actors)`` array of positions."""
        return frozen_array(np.vstack([r.positions for r in self.rounds]))

    def rounds_to_list(self) -> list[dict[str, Any]]:
        """Return the JSON list of rounds."""
        return [r.to_dict(self.actors) for r in self.rounds]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per round, one column per actor's position, then the
        weighted median and mean. Needs pandas."""
        rows = [{"round": r["round"], **r["positions"], "median": r["median"],
                 "mean": r["mean"]} for r in self.rounds_to_list()]
        return dataframe(rows, index="round")

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"model", "variant", "rounds": [...]}`` (the ``--json`` layout)."""
        return {"model": self.model, "variant": self.variant, "rounds": self.rounds_to_list()}


@dataclass(frozen=True, eq=False)
class PackageForecast(DisplayMixin):
    """A forecast of several issues (exchange model, or one EU run per issue).

    Attributes
    ----------
    model, variant
        As for :class:`Forecast`.
    issues
        Issue names, in input order.
    forecasts
        One :class:`Forecast` per issue.
    parameters
        Every option that shaped the run.
    exchanges
        Exchange model: the realised exchanges of each round (``exchanges[t - 1]`` for
        round ``t``); empty for the expected-utility model.
    candidates
        Exchange model: the number of candidate exchanges (pairs of actors on opposite
        sides of the mean on both issues of a pair) at the start of each round.
    """

    model: str
    variant: str
    issues: tuple[str, ...]
    forecasts: Mapping[str, Forecast]
    parameters: Mapping[str, Any]
    exchanges: tuple[tuple[ExchangeRecord, ...], ...] = field(default=())
    candidates: tuple[int, ...] = field(default=())

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per (issue, round), positions by actor. Needs pandas."""
        rows = [{"issue": name, "round": r["round"], **r["positions"], "median": r["median"],
                 "mean": r["mean"]}
                for name in self.issues for r in self.forecasts[name].rounds_to_list()]
        return dataframe(rows)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"model", "variant", "issues": {issue: [rounds]}}``."""
        return {
            "model": self.model,
            "variant": self.variant,
            "issues": {name: self.forecasts[name].rounds_to_list() for name in self.issues},
        }
