"""Scenario-file models for an optional ``issues:`` section, and forecasts from them.

A scenario may describe the issues under negotiation, each on a numeric scale with labelled
anchor points, and every actor's position, capability and salience with a reason::

    issues:
      - id: nuclear
        name: North Korean nuclear programme
        scale:
          lower: 0
          upper: 100
          anchors: {0: "accept the arsenal as it is", 100: "CVID now"}
        positions:
          US:  {position: 100, capability: 0.9, salience: 0.9, why: "..."}
          DPRK: {position: 10, capability: 0.3, salience: 1.0, why: "..."}

:func:`forecast_issue` runs the expected-utility model on one issue (optionally moving some
actors, e.g. the US to freeze-then-cap); :func:`forecast_package` runs the exchange model
over two or more issues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from detente.bargain.data import IssueTable, build_issue_table
from detente.bargain.eu import EUOptions, run_eu, variant_options
from detente.bargain.exchange import ExchangeOptions
from detente.bargain.forecast import ModelName, forecast_table
from detente.bargain.results import Forecast, PackageForecast
from detente.errors import InputError
from detente.scenario.context import ErrorContext, pydantic_error
from detente.scenario.model import Scenario


class ScaleSpec(BaseModel):
    """The numeric scale of an issue.

    Attributes
    ----------
    lower, upper
        Ends of the scale (``lower < upper``).
    anchors
        Labelled points on the scale, e.g. ``{0: "accept the arsenal as it is"}``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lower: float
    upper: float
    anchors: dict[float, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> ScaleSpec:
        if not self.lower < self.upper:
            raise InputError(f"lower ({self.lower:g}) must be below upper ({self.upper:g})")
        for point in self.anchors:
            if not self.lower <= point <= self.upper:
                raise InputError(
                    f"anchor {point:g} lies outside the scale [{self.lower:g}, {self.upper:g}]"
                )
        return self


class ActorPositionSpec(BaseModel):
    """One actor's stance on an issue.

    Attributes
    ----------
    position
        Position on the issue's scale.
    capability
        Capability (power) ``>= 0``.
    salience
        Salience in ``[0, 1]``.
    why
        The evidence or reasoning behind the numbers.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    position: float
    capability: float = Field(ge=0)
    salience: float = Field(ge=0, le=1)
    why: str = ""


class IssueSpec(BaseModel):
    """An issue under negotiation.

    Attributes
    ----------
    id
        Identifier used in the CLI and in results.
    name
        Human-readable name.
    scale
        The issue's scale.
    positions
        Stance per actor id; at least two actors.
    package
        Part of a multi-issue package deal (forecast together with the exchange model).
    why
        What the scale stands for and where the positions come from.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    name: str
    scale: ScaleSpec
    positions: dict[str, ActorPositionSpec]
    package: bool = False
    why: str = ""

    @model_validator(mode="after")
    def _check(self) -> IssueSpec:
        if len(self.positions) < 2:
            raise InputError(
                f"issue {self.id!r} has {len(self.positions)} actor(s); give at least two"
            )
        for actor, stance in self.positions.items():
            if not self.scale.lower <= stance.position <= self.scale.upper:
                raise InputError(
                    f"position {stance.position:g} of {actor!r} lies outside the scale "
                    f"[{self.scale.lower:g}, {self.scale.upper:g}]"
                )
        if not any(s.capability * s.salience > 0 for s in self.positions.values()):
            raise InputError(f"every actor on issue {self.id!r} has capability x salience = 0")
        return self


def _unique_ids(issues: list[IssueSpec]) -> list[IssueSpec]:
    seen: set[str] = set()
    for issue in issues:
        if issue.id in seen:
            raise InputError(f"issue id {issue.id!r} appears twice; ids must be unique")
        seen.add(issue.id)
    return issues


#: The type of a scenario's ``issues:`` section (unique ids).
IssueList = Annotated[list[IssueSpec], AfterValidator(_unique_ids)]

_ISSUE_LIST: TypeAdapter[list[IssueSpec]] = TypeAdapter(IssueList)


def parse_issues(data: Any) -> tuple[IssueSpec, ...]:
    """Validate the raw ``issues:`` section of a scenario.

    Parameters
    ----------
    data
        The parsed YAML/JSON list.

    Returns
    -------
    tuple of IssueSpec
        The issues, in file order.

    Raises
    ------
    pydantic.ValidationError
        When the section is invalid.
    """
    return tuple(_ISSUE_LIST.validate_python(data))


def issues_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> tuple[IssueSpec, ...]:
    """The ``issues:`` section of a scenario file, validated (the bargain family's parser).

    Registered in :data:`detente.loading.SECTIONS`; each issue must be valid, ids unique and
    every actor with a position an actor of the scenario.

    Raises
    ------
    ScenarioError
        One line naming the file, line and field (``issues[1].positions.US.salience``).
    """
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ctx.error((), "must be a list of issues (id, name, scale, positions)")
    out: list[IssueSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        try:
            issue = IssueSpec.model_validate(item)
        except ValidationError as exc:
            raise pydantic_error(exc, item, ctx.sub(i)) from None
        if issue.id in seen:
            raise ctx.error((i, "id"), f"issue id {issue.id!r} appears twice; ids must be unique")
        seen.add(issue.id)
        for actor_id in issue.positions:
            if actor_id not in scenario.actor_ids:
                raise ctx.error((i, "positions", actor_id), f"unknown actor {actor_id!r}; use one "
                                f"of {', '.join(scenario.actor_ids)}")
        out.append(issue)
    return tuple(out)


def _apply_overrides(issue: IssueSpec, overrides: Mapping[str, float] | None) -> list[float]:
    positions = {a: s.position for a, s in issue.positions.items()}
    for actor, value in (overrides or {}).items():
        if actor not in positions:
            raise InputError(
                f"override for {actor!r}, who has no position on issue {issue.id!r}; "
                f"known actors: {', '.join(positions)}"
            )
        if not np.isfinite(value) or not issue.scale.lower <= value <= issue.scale.upper:
            raise InputError(
                f"override {value!r} for {actor!r} lies outside the scale "
                f"[{issue.scale.lower:g}, {issue.scale.upper:g}] of issue {issue.id!r}"
            )
        positions[actor] = float(value)
    return list(positions.values())


def forecast_issue(
    issue_spec: IssueSpec,
    model: ModelName = "eu",
    variant: str = "textbook",
    rounds: int = 10,
    overrides: dict[str, float] | None = None,
    *,
    options: EUOptions | None = None,
) -> Forecast:
    """Forecast one issue with the expected-utility model.

    Parameters
    ----------
    issue_spec
        The issue.
    model
        Must be ``"eu"``: the exchange model needs two or more issues
        (:func:`forecast_package`).
    variant
        ``"textbook"`` (default) or ``"scholz"``.
    rounds
        Maximum number of rounds.
    overrides
        New positions for some actors (e.g. the US moving to freeze-then-cap); recorded in
        the result's parameters.
    options
        Replace the variant's options.

    Returns
    -------
    Forecast
        The round-by-round forecast; ``to_dict()`` gives the CLI's JSON.

    Raises
    ------
    ValueError
        For ``model="exchange"``, an unknown variant, or an override for an unknown actor
        or outside the scale.
    """
    if model != "eu":
        raise InputError(
            "forecast_issue runs the eu model; the exchange model needs two or more issues "
            "(use forecast_package)"
        )
    positions = _apply_overrides(issue_spec, overrides)
    stances = list(issue_spec.positions.values())
    return run_eu(
        list(issue_spec.positions),
        [s.capability for s in stances],
        [s.salience for s in stances],
        positions,
        variant=variant,
        rounds=rounds,
        options=options if options is not None else variant_options(variant),
        issue=issue_spec.id,
        extra_parameters={
            "issue_name": issue_spec.name,
            "overrides": dict(overrides or {}),
        },
    )


def issue_table(
    issue_specs: Sequence[IssueSpec],
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> IssueTable:
    """Build the exchange model's input from issue specs.

    Parameters
    ----------
    issue_specs
        The issues.
    overrides
        ``{issue id: {actor: position}}``.

    Returns
    -------
    IssueTable
        The table, with each issue's scale as its bounds.
    """
    rows: list[tuple[str, str, float, float, float]] = []
    bounds: dict[str, tuple[float, float]] = {}
    known = {i.id for i in issue_specs}
    for issue_id in overrides or {}:
        if issue_id not in known:
            raise InputError(f"override for unknown issue {issue_id!r}")
    for issue in issue_specs:
        positions = _apply_overrides(issue, (overrides or {}).get(issue.id))
        for (actor, stance), x in zip(issue.positions.items(), positions, strict=True):
            rows.append((actor, issue.id, x, stance.salience, stance.capability))
        bounds[issue.id] = (issue.scale.lower, issue.scale.upper)
    return build_issue_table(rows, bounds)


def forecast_package(
    issue_specs: Sequence[IssueSpec],
    model: ModelName = "exchange",
    variant: str | None = None,
    rounds: int = 10,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
    *,
    seed: int | None = None,
    exchange_options: ExchangeOptions | None = None,
    eu_options: EUOptions | None = None,
) -> PackageForecast:
    """Forecast two or more issues as a package (exchange model), or each with EU.

    Parameters
    ----------
    issue_specs
        The issues (two or more for the exchange model).
    model
        ``"exchange"`` (default) or ``"eu"`` (one independent EU run per issue).
    variant
        Exchange: ``None`` or ``"equal_gain"``; EU: ``"textbook"`` (default) or
        ``"scholz"``.
    rounds
        Maximum number of rounds.
    overrides
        ``{issue id: {actor: position}}``.
    seed
        Seeds a random tie-break between equal gains (exchange model).
    exchange_options, eu_options
        Replace the default options.

    Returns
    -------
    PackageForecast
        The forecast; ``to_dict()`` gives the CLI's JSON with ``"issues"``.

    Raises
    ------
    ValueError
        For fewer than two issues with the exchange model, or invalid overrides.
    """
    table = issue_table(issue_specs, overrides)
    result = forecast_table(
        table,
        model=model,
        variant=variant,
        rounds=rounds,
        seed=seed,
        eu_options=eu_options,
        exchange_options=exchange_options,
        extra_parameters={"overrides": {k: dict(v) for k, v in (overrides or {}).items()}},
    )
    if not isinstance(result, PackageForecast):  # pragma: no cover - tables are multi-issue
        raise TypeError("expected a package forecast")
    return result
