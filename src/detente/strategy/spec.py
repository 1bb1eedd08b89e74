"""The strategy sections of a scenario file: the outcomes to track and the questions to answer.

The scenario loader keeps these two sections as plain data (``Scenario.outcomes`` and
``Scenario.questions``); this module owns their schema and turns them into typed objects. Both
sections are optional; a scenario without them gets no outcome columns and no questions.

Format
------
::

    outcomes:                      # states to track, in the order every table shows them
      - id: deal                   # letters, digits, _ and -
        name: A settlement         # optional label (default: the id)
        when: A.concede and B.accept   # a condition in the scenario's expression language
        regime: monitored          # optional: the verification regime in force there
                                   # (explore's breakout column; `none`: not modelled)
    questions:
      - id: q1
        text: Is a deal stable in some variant?
        kind: stable_anywhere      # is the outcome an equilibrium, and reachable, anywhere?
        outcome: deal
      - {id: q2, text: ..., kind: reachable, outcome: deal, variants: [v1, v2]}
      - {id: q3, text: ..., kind: best, variant: v1}          # where does variant v1 settle?
      - {id: q4, text: ..., kind: compare, variants: [v1, v2]} # v1 against v2
      - {id: q5, text: ..., kind: requires, outcome: deal, variant: base, actors: [A, B]}

The question kinds, and how :mod:`detente.strategy.analysis` answers each, are described in
``docs/discussion/strategy-comparison.md``. Conditions are parsed by
:func:`detente.scenario.expr.parse_condition` (never evaluated as code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detente.errors import ScenarioError
from detente.scenario.context import ErrorContext
from detente.scenario.expr import ConditionSyntaxError, parse_condition
from detente.scenario.model import Condition, Scenario

_ID = r"^[A-Za-z_][A-Za-z0-9_\-]*$"

QuestionKind = Literal["stable_anywhere", "reachable", "best", "compare", "requires"]
#: The question kinds, in the order the docs describe them.
QUESTION_KINDS: tuple[str, ...] = ("stable_anywhere", "reachable", "best", "compare",
                                   "requires")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OutcomeSpec(_Strict):
    """One tracked outcome (file form)."""

    id: str = Field(pattern=_ID)
    name: str | None = None
    when: str
    why: str | None = None
    regime: str | None = None


class QuestionSpec(_Strict):
    """One question (file form); which parameters apply depends on ``kind``."""

    id: str = Field(pattern=_ID)
    text: str
    kind: QuestionKind
    outcome: str | None = None
    variant: str | None = None
    variants: list[str] | None = None
    actors: list[str] | None = None
    why: str | None = None


@dataclass(frozen=True)
class TrackedOutcome:
    """A named set of states whose stability and reachability every table reports."""

    id: str
    name: str
    condition: Condition
    regime: str | None = None
    why: str | None = None


@dataclass(frozen=True)
class Question:
    """A typed question; ``variants`` is empty for "every variant"."""

    id: str
    text: str
    kind: str
    outcome: str | None = None
    variant: str | None = None
    variants: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    why: str | None = None


#: What each kind needs: (outcome required, variant required, at least two variants).
_NEEDS: dict[str, tuple[bool, bool, bool]] = {
    "stable_anywhere": (True, False, False),
    "reachable": (True, False, False),
    "best": (False, True, False),
    "compare": (False, False, True),
    "requires": (True, False, False),
}


def _error(scenario: Scenario, path: Sequence[str | int], message: str) -> ScenarioError:
    field = ""
    for p in path:
        field += f"[{p}]" if isinstance(p, int) else ("." if field else "") + str(p)
    return ScenarioError(message, source=scenario.source, field=field or None)


def _validated(scenario: Scenario, model: type[_Strict], item: Any,
               path: Sequence[str | int]) -> Any:
    if not isinstance(item, Mapping):
        raise _error(scenario, path, "must be a mapping with `id` and the fields of its kind")
    try:
        return model.model_validate(dict(item))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [p for p in err["loc"] if isinstance(p, str | int)]
        kind = err.get("type", "")
        if kind == "missing":
            msg = "required field is missing; add it"
        elif kind == "extra_forbidden":
            msg = f"unknown field {loc[-1]!r}; remove it or check its spelling"
        elif kind == "literal_error":
            msg = f"unknown kind; choose one of: {', '.join(QUESTION_KINDS)}"
        elif kind == "string_pattern_mismatch":
            msg = ("ids must start with a letter or _ and contain only letters, digits, _ "
                   f"and -; got {err.get('input')!r}")
        else:
            msg = str(err.get("msg", "invalid value"))
        raise _error(scenario, [*path, *loc], msg) from None


def tracked_outcomes(scenario: Scenario) -> tuple[TrackedOutcome, ...]:
    """The scenario's ``outcomes:`` section, validated (empty when it has none).

    Raises
    ------
    ScenarioError
        One line naming the file and field: a bad shape, a duplicate id or a condition that
        does not parse.
    """
    resolve = {r: k for k, r in enumerate(scenario.option_refs)}
    out: list[TrackedOutcome] = []
    seen: set[str] = set()
    for i, item in enumerate(scenario.outcomes):
        spec = _validated(scenario, OutcomeSpec, item, ("outcomes", i))
        if spec.id in seen:
            raise _error(scenario, ("outcomes", i, "id"),
                         f"duplicate outcome id {spec.id!r}; give each outcome its own id")
        seen.add(spec.id)
        try:
            expr = parse_condition(spec.when, resolve)
        except ConditionSyntaxError as exc:
            raise _error(scenario, ("outcomes", i, "when"), str(exc)) from None
        out.append(TrackedOutcome(spec.id, spec.name or spec.id,
                                  Condition(spec.when, expr, spec.why), spec.regime, spec.why))
    return tuple(out)


def questions_of(scenario: Scenario,
                 outcomes: Sequence[TrackedOutcome] | None = None) -> tuple[Question, ...]:
    """The scenario's ``questions:`` section, validated against its outcomes, variants and
    actors (empty when it has none).

    Raises
    ------
    ScenarioError
        One line naming the file and field: an unknown kind, outcome, variant or actor, or a
        parameter the kind needs that is missing.
    """
    if outcomes is None:
        outcomes = tracked_outcomes(scenario)
    known_outcomes = [o.id for o in outcomes]
    known_variants = ["base", *[v.id for v in scenario.variants]]
    out: list[Question] = []
    seen: set[str] = set()
    for i, item in enumerate(scenario.questions):
        path: tuple[str | int, ...] = ("questions", i)
        spec = _validated(scenario, QuestionSpec, item, path)
        if spec.id in seen:
            raise _error(scenario, (*path, "id"),
                         f"duplicate question id {spec.id!r}; give each question its own id")
        seen.add(spec.id)
        need_outcome, need_variant, need_two = _NEEDS[spec.kind]
        if need_outcome and spec.outcome is None:
            raise _error(scenario, (*path, "outcome"),
                         f"a `{spec.kind}` question needs `outcome:` (one of: "
                         f"{', '.join(known_outcomes) or 'none declared under outcomes:'})")
        if spec.outcome is not None and spec.outcome not in known_outcomes:
            raise _error(scenario, (*path, "outcome"),
                         f"unknown outcome {spec.outcome!r}; declare it under `outcomes:` or "
                         f"choose one of: {', '.join(known_outcomes) or 'none declared'}")
        if need_variant and spec.variant is None:
            raise _error(scenario, (*path, "variant"),
                         f"a `{spec.kind}` question needs `variant:` (one of: "
                         f"{', '.join(known_variants)})")
        variants = list(spec.variants or [])
        if need_two and len(variants) < 2:
            raise _error(scenario, (*path, "variants"),
                         "a `compare` question needs at least two variants under `variants:`")
        if spec.variant is not None and spec.variant not in known_variants:
            raise _error(scenario, (*path, "variant"),
                         f"unknown variant {spec.variant!r}; choose one of: "
                         f"{', '.join(known_variants)}")
        for j, vid in enumerate(variants):
            if vid not in known_variants:
                raise _error(scenario, (*path, "variants", j),
                             f"unknown variant {vid!r}; choose one of: "
                             f"{', '.join(known_variants)}")
        for j, aid in enumerate(spec.actors or []):
            if aid not in scenario.actor_ids:
                raise _error(scenario, (*path, "actors", j),
                             f"unknown actor {aid!r}; choose one of: "
                             f"{', '.join(scenario.actor_ids)}")
        out.append(Question(spec.id, spec.text, spec.kind, spec.outcome, spec.variant,
                            tuple(variants), tuple(spec.actors or ()), spec.why))
    return tuple(out)

# -- the sections' parsers (registered in detente.loading.SECTIONS) --------------------------------


def _located(exc: ScenarioError, ctx: ErrorContext) -> ScenarioError:
    """``exc`` with the line of its field, looked up in the loader's line index."""
    if exc.line is not None or exc.field is None:
        return exc
    best: tuple[int, int] | None = None  # (length of the field matched, line)
    for path, line in ctx.lines.items():
        text = ""
        for p in path:
            text += f"[{p}]" if isinstance(p, int) else ("." if text else "") + str(p)
        rest = exc.field[len(text):]
        if (text and exc.field.startswith(text) and rest[:1] in ("", ".", "[")
                and (best is None or len(text) > best[0])):
            best = (len(text), line)  # the field itself, or the nearest enclosing one
    if best is None:
        return exc
    return ScenarioError(exc.message, source=exc.source, field=exc.field, line=best[1])


def _section(name: str, data: Any, scenario: Scenario, ctx: ErrorContext,
             check: Callable[[Scenario], Any]) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise ctx.error((), f"`{name}` must be a list of mappings, each with an `id`")
    items = tuple(data)
    probe = replace(scenario, sections={**scenario.sections, name: items})
    try:
        check(probe)
    except ScenarioError as exc:
        raise _located(exc, ctx) from None
    return items


def outcomes_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> tuple[Any, ...]:
    """Parser of the ``outcomes:`` section: validated at load (one-line errors with the
    line), kept as data; :func:`tracked_outcomes` builds the conditions."""
    return _section("outcomes", data, scenario, ctx, tracked_outcomes)


def questions_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> tuple[Any, ...]:
    """Parser of the ``questions:`` section (after ``outcomes:``, which questions name):
    validated at load, kept as data; :func:`questions_of` builds the questions."""
    return _section("questions", data, scenario, ctx, questions_of)
