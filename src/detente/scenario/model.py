"""The validated, frozen scenario that every model family reads.

A *state* is the vector of all options, taken (``Y``) or not (``N``). Internally a state is
the integer code ``sum(2**k for each taken option k)``, option 1 being bit 0 (GMCR+'s
decimal code); its text code has one character per option in declaration order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from detente.scenario.codes import code_text, parse_code
from detente.scenario.expr import Expr, evaluate

Direction = Literal["both", "forward", "backward"]


@dataclass(frozen=True)
class Option:
    """A binary option controlled by one actor."""

    index: int
    actor: str
    id: str
    name: str
    reversible: Direction = "both"
    why: str | None = None

    @property
    def ref(self) -> str:
        """The fully qualified reference ``ACTOR.OPTION``."""
        return f"{self.actor}.{self.id}"


@dataclass(frozen=True)
class Actor:
    """A decision maker and its options (contiguous option indices)."""

    index: int
    id: str
    name: str
    options: tuple[Option, ...]
    why: str | None = None

    @property
    def mask(self) -> int:
        """Bit mask of this actor's options in a state code."""
        m = 0
        for o in self.options:
            m |= 1 << o.index
        return m


@dataclass(frozen=True)
class Condition:
    """A parsed condition with its source text and justification."""

    text: str
    expr: Expr
    why: str | None = None

    def holds(self, codes: NDArray[np.integer]) -> NDArray[np.bool_]:
        """Evaluate the condition at every code in ``codes``."""
        return evaluate(self.expr, codes)


@dataclass(frozen=True)
class Preference:
    """An actor's preferences.

    ``kind == "statements"``: option prioritisation (most important first).
    ``kind == "ranking"``: tie groups of state codes, most preferred first.
    """

    kind: Literal["statements", "ranking"]
    statements: tuple[Condition, ...] = ()
    ranking: tuple[tuple[int, ...], ...] = ()
    why: str | None = None


@dataclass(frozen=True)
class ScoreRule:
    """``points`` earned where ``condition`` holds."""

    condition: Condition
    points: float


@dataclass(frozen=True)
class Interest:
    """A named criterion scored on states (sum of the points of the rules that hold)."""

    id: str
    name: str
    actor: str | None
    weight: float
    rules: tuple[ScoreRule, ...]
    why: str | None = None

    def score(self, codes: NDArray[np.integer]) -> NDArray[np.float64]:
        """Score every state code in ``codes`` on this interest."""
        out = np.zeros(np.shape(codes), dtype=np.float64)
        for r in self.rules:
            out += r.points * r.condition.holds(codes)
        return out


@dataclass(frozen=True)
class VariantInfo:
    """Name and description of a variant (the overlay itself stays in the raw file)."""

    id: str
    name: str
    description: str
    why: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A validated conflict scenario (plain, frozen data).

    Attributes
    ----------
    name, description, sources
        Free text from the file.
    actors, options
        Actors in declaration order; options in global order (each actor's contiguous).
    infeasible
        Conditions; a state where any holds is removed.
    preferences
        One :class:`Preference` per actor id.
    status_quo
        The status-quo state code, or ``None``.
    coalitions
        Coalitions to analyse (tuples of actor ids), or ``None``.
    interests, variants
        Optional sections; ``variant`` names the applied overlay (``None`` for the base).
    sections
        The model families' own top-level sections (``verification``, ``issues``,
        ``uncertainties``, ...), each as its family's parser returned it (see
        :mod:`detente.loading`); the core format does not read them.
    raw
        The file's data (after the variant overlay), used for export and hashing.
    """

    name: str
    description: str
    sources: tuple[str, ...]
    actors: tuple[Actor, ...]
    options: tuple[Option, ...]
    infeasible: tuple[Condition, ...]
    preferences: Mapping[str, Preference]
    status_quo: int | None
    coalitions: tuple[tuple[str, ...], ...] | None
    interests: tuple[Interest, ...] = ()
    variants: tuple[VariantInfo, ...] = ()
    variant: str | None = None
    source: str = "<string>"
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    sections: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    # -- the families' sections (shorthands for ``sections[name]``) ---------------------------
    @property
    def verification(self) -> Any:
        """The parsed ``verification:`` section (owned by :mod:`detente.verify`), or ``None``."""
        return self.sections.get("verification")

    @property
    def issues(self) -> tuple[Any, ...]:
        """The parsed ``issues:`` section (owned by :mod:`detente.bargain`), or ``()``."""
        return tuple(self.sections.get("issues") or ())

    @property
    def uncertainties(self) -> Any:
        """The ``uncertainties:`` section (owned by :mod:`detente.strategy.explore`)."""
        return self.sections.get("uncertainties")

    @property
    def history(self) -> tuple[Any, ...]:
        """The ``history:`` section, oldest first (owned by :mod:`detente.conflict.history`;
        ``()`` without one)."""
        return tuple(self.sections.get("history") or ())

    @property
    def misperceptions(self) -> Any:
        """The ``misperceptions:`` section (owned by :mod:`detente.conflict.misperception`),
        or ``None``."""
        return self.sections.get("misperceptions")

    @property
    def uncertain_preferences(self) -> Any:
        """The ``uncertain_preferences:`` section (owned by
        :mod:`detente.conflict.uncertainty`), or ``None``."""
        return self.sections.get("uncertain_preferences")

    @property
    def attitudes(self) -> Any:
        """The ``attitudes:`` section (owned by :mod:`detente.conflict.attitudes`), or
        ``None``."""
        return self.sections.get("attitudes")

    @property
    def perceptions(self) -> Any:
        """The ``perceptions:`` section (owned by :mod:`detente.conflict.hypergame`), or
        ``None``."""
        return self.sections.get("perceptions")

    @property
    def outcomes(self) -> tuple[Any, ...]:
        """The ``outcomes:`` section as data (owned by :mod:`detente.strategy.spec`)."""
        return tuple(self.sections.get("outcomes") or ())

    @property
    def questions(self) -> tuple[Any, ...]:
        """The ``questions:`` section as data (owned by :mod:`detente.strategy.spec`)."""
        return tuple(self.sections.get("questions") or ())

    # -- codes -------------------------------------------------------------------------------
    @property
    def n_options(self) -> int:
        """Total number of options (bits in a state code)."""
        return len(self.options)

    @property
    def option_refs(self) -> list[str]:
        """``ACTOR.OPTION`` for every option in order."""
        return [o.ref for o in self.options]

    @property
    def actor_ids(self) -> list[str]:
        """Actor ids in declaration order."""
        return [a.id for a in self.actors]

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with id ``actor_id``."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def code_text(self, code: int) -> str:
        """Text code (``Y``/``N`` per option in declaration order) of integer ``code``."""
        return code_text(code, self.n_options)

    def codes_text(self, codes: Iterable[int]) -> list[str]:
        """Text codes of several integer codes."""
        return [self.code_text(int(c)) for c in codes]

    def parse_code(self, text: str) -> int:
        """Integer code of a ``Y``/``N`` text code; raises ``ValueError`` if malformed."""
        return parse_code(text, self.n_options, self.option_refs)

    def infeasible_mask(self, codes: NDArray[np.integer]) -> NDArray[np.bool_]:
        """True where a state code is removed by an infeasibility condition."""
        bad = np.zeros(np.shape(codes), dtype=bool)
        for c in self.infeasible:
            bad |= c.holds(codes)
        return bad

    def is_feasible(self, code: int) -> bool:
        """Whether one state code is feasible."""
        return not bool(self.infeasible_mask(np.array([code], dtype=np.int64))[0])

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON of the scenario data (identifies the input).

        Computed once per scenario (the data are frozen): every analysis records it, and an
        exploration analyses one scenario hundreds of times (it was a sixth of the engine's
        time there; issue 15)."""
        blob = json.dumps(plain_data(self.raw), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def describe_state(self, code: int) -> dict[str, list[str]]:
        """Taken options per actor at ``code`` (option names)."""
        return {
            a.id: [o.id for o in a.options if (code >> o.index) & 1] for a in self.actors
        }


def plain_data(obj: Any) -> Any:
    """A deep copy of scenario data as plain dicts and lists (JSON-able, picklable)."""
    if isinstance(obj, Mapping):
        return {str(k): plain_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain_data(v) for v in obj]
    return obj
