"""Pydantic models of the scenario file format, version 1 (``detente: 1``).

These models only check the *shape* of the core of a file (the model families' sections,
such as ``verification:`` or ``issues:``, have their own schemas in their families);
:mod:`detente.scenario.loader` resolves references (option ids in conditions, actor ids in
preferences) and builds the frozen
:class:`~detente.scenario.model.Scenario`. Format changes are additive: new sections are
optional, so every version-1 file stays valid.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from detente.errors import InputError

_ID = r"^[A-Za-z_][A-Za-z0-9_\-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class OptionSpec(_Strict):
    """One binary option of an actor."""

    id: str = Field(pattern=_ID)
    name: str | None = None
    reversible: Literal["both", "forward", "backward"] = "both"
    why: str | None = None

    @field_validator("reversible", mode="before")
    @classmethod
    def _reversible(cls, value: Any) -> Any:
        if value is True:
            return "both"
        if value is False:
            return "forward"
        if isinstance(value, str) and value.strip().lower() in {"both", "forward", "backward"}:
            return value.strip().lower()
        raise InputError(
            "must be `both` (default), `forward` (can only be taken) or `backward` "
            f"(can only be withdrawn), or true/false; got {value!r}"
        )


class ActorSpec(_Strict):
    """An actor (decision maker) and the options it controls."""

    id: str = Field(pattern=_ID)
    name: str | None = None
    why: str | None = None
    options: list[OptionSpec] = Field(min_length=1)


class ConditionSpec(_Strict):
    """A condition with an optional justification."""

    when: str
    why: str | None = None


class PreferenceSpec(_Strict):
    """An actor's preferences: option-prioritisation ``statements`` or an explicit ``ranking``."""

    statements: list[str | ConditionSpec] | None = None
    ranking: list[str | list[str]] | None = None
    why: str | None = None


class ScoreRule(_Strict):
    """Points an interest earns in every state where ``when`` holds."""

    when: str
    points: float
    why: str | None = None


class InterestSpec(_Strict):
    """A named criterion on which states are scored (e.g. a national interest)."""

    id: str = Field(pattern=_ID)
    name: str | None = None
    actor: str | None = None
    weight: float = Field(default=1.0, ge=0)
    why: str | None = None
    score: list[ScoreRule] = Field(min_length=1)


class VariantSpec(_Strict):
    """A named overlay on the base scenario (a policy or assumption to compare)."""

    id: str = Field(pattern=_ID)
    name: str | None = None
    description: str | None = None
    why: str | None = None
    infeasible: list[str | ConditionSpec] = Field(default_factory=list)
    preferences: dict[str, PreferenceSpec] = Field(default_factory=dict)
    coalitions: list[list[str]] | None = None
    status_quo: str | list[str] | None = None


class ScenarioSpec(_Strict):
    """A whole scenario file."""

    detente: Literal[1]
    name: str
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    actors: list[ActorSpec] = Field(min_length=1)
    infeasible: list[str | ConditionSpec] = Field(default_factory=list)
    preferences: dict[str, PreferenceSpec] = Field(default_factory=dict)
    status_quo: str | list[str] | None = None
    coalitions: list[list[str]] | None = None
    interests: list[InterestSpec] = Field(default_factory=list)
    variants: list[VariantSpec] = Field(default_factory=list)
    notes: str | None = None
