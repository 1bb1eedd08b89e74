"""The optional ``uncertainties:`` section of a scenario file, validated into a parameter space.

A scenario states one set of judgements; the ``uncertainties:`` section lists which of them an
analyst doubts and how. Every entry becomes one *parameter*, one dimension of the unit
hypercube that :mod:`detente.strategy.explore.sampling` samples; a sample (a point of the
cube) is therefore one concrete scenario. Exploratory modelling in the sense of Bankes (1993)
and Kwakkel (2017, the EMA Workbench): the model is run over an ensemble of plausible
assumptions instead of one best guess.

The section::

    uncertainties:
      statements:                 # alternative preference statements, with probabilities
        - actor: NK
          statement: not NK.cap   # the text of a statement in NK's list (base or a variant)
          alternatives:
            - {when: not NK.cap, p: 0.6}
            - {when: NK.cap if US.negotiate, p: 0.3}
            - {drop: true, p: 0.1}       # the statement is removed
          variants: [freeze-then-cap]    # optional: only in these variants
      swaps:                      # a statement that may swap places with the next one
        - {actor: CN, statement: not NK.provoke, p: 0.5}
      weights:                    # interest weights as ranges
        homeland: [0.2, 0.4]
      bargaining:                 # positions, saliences, capabilities of an issue as ranges
        near_term_demand:
          NK: {position: [0, 20], salience: [0.8, 1.0]}
      verification:               # numeric fields of the verification section as ranges
        capacity.machines: [3000, 6000]
        freeze.restart_months: [0.5, 6]
      outcomes:                   # optional outcome classes, the first that holds wins
        - {id: war, when: US.strike}   # (default: the scenario's top-level `outcomes:`,
        - {id: freeze, when: NK.freeze}  # see detente.strategy.spec)

A statement is named by its text (compared with runs of blanks collapsed), so one entry
applies to every variant whose list for that actor contains the statement; variants that
replace the actor's statements with others are left alone. Alternatives of one statement are
applied first, then swaps, both at the statement's original position. Ranges are sampled
uniformly (integers uniformly over ``low..high`` for integer fields such as a machine count).

Every error is a :class:`~detente.errors.ScenarioError` with one line naming the file, the
line when known, the field (``uncertainties.statements[0].alternatives[1].p``) and the fix.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from detente.errors import InputError, ScenarioError
from detente.scenario.context import ErrorContext, pydantic_error
from detente.scenario.expr import ConditionSyntaxError, parse_condition
from detente.scenario.loader import option_resolver, variant_of
from detente.scenario.model import Condition, Scenario
from detente.scenario.text import parse_text

#: Probabilities of one statement's alternatives must sum to 1 within this tolerance.
PROBABILITY_TOLERANCE = 1e-6

Kind = Literal["choice", "swap", "range"]
Target = Literal["statement", "swap", "weight", "bargain", "verify"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _range(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) <= {"low", "high"}:
        value = [value.get("low"), value.get("high")]
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise InputError(f"a range is [low, high] with two numbers; got {value!r}")
    low, high = float(value[0]), float(value[1])
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError(f"range ends must be finite numbers; got {value!r}")
    if low > high:
        raise InputError(f"range [{low:g}, {high:g}] has low above high; swap them")
    return (low, high)


class AlternativeSpec(_Strict):
    """One alternative to a statement: a new condition (``when``) or ``drop: true``."""

    when: str | None = None
    drop: bool = False
    p: float
    why: str | None = None


class StatementSpec(_Strict):
    """Alternatives, with probabilities, to one of an actor's preference statements."""

    id: str | None = None
    actor: str
    statement: str
    alternatives: list[AlternativeSpec] = Field(min_length=1)
    variants: list[str] | None = None
    why: str | None = None


class SwapSpec(_Strict):
    """A statement that swaps with the next one with probability ``p`` (default 0.5)."""

    id: str | None = None
    actor: str
    statement: str
    p: float = 0.5
    variants: list[str] | None = None
    why: str | None = None


class StanceRangeSpec(_Strict):
    """Ranges for an actor's stance on an issue (any of the three)."""

    position: tuple[float, float] | None = None
    salience: tuple[float, float] | None = None
    capability: tuple[float, float] | None = None
    why: str | None = None

    @field_validator("position", "salience", "capability", mode="before")
    @classmethod
    def _ranges(cls, value: Any) -> Any:
        return None if value is None else _range(value)


class OutcomeSpec(_Strict):
    """A named outcome class: the best reachable equilibrium is in it when ``when`` holds."""

    id: str = Field(min_length=1)
    when: str
    why: str | None = None


class UncertaintiesSpec(_Strict):
    """The whole ``uncertainties:`` section."""

    statements: list[StatementSpec] = Field(default_factory=list)
    swaps: list[SwapSpec] = Field(default_factory=list)
    weights: dict[str, tuple[float, float]] = Field(default_factory=dict)
    bargaining: dict[str, dict[str, StanceRangeSpec]] = Field(default_factory=dict)
    verification: dict[str, tuple[float, float]] = Field(default_factory=dict)
    outcomes: list[OutcomeSpec] = Field(default_factory=list)
    why: str | None = None

    @field_validator("weights", "verification", mode="before")
    @classmethod
    def _range_maps(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        out = {}
        for k, v in value.items():
            try:
                out[k] = _range(v)
            except ValueError as exc:
                raise InputError(f"{k}: {exc}") from None
        return out


@dataclass(frozen=True)
class Parameter:
    """One uncertain input: a dimension of the sampled unit hypercube.

    Attributes
    ----------
    name
        Column name of the input in the results (without the ``in.`` prefix).
    kind
        ``"choice"`` (one of ``labels`` with ``probs``), ``"swap"`` (swapped with
        probability ``probs[1]``) or ``"range"`` (uniform on ``[low, high]``).
    target
        What it changes: ``statement``, ``swap``, ``weight``, ``bargain`` or ``verify``.
    actor, statement
        For statements and swaps: the actor and the (blank-normalised) statement text.
    labels
        Choice: the alternatives' texts (``"drop"`` for a removal); swap: kept/swapped.
    probs
        Choice: the alternatives' probabilities; swap: ``(1 - p, p)``.
    low, high, integer
        Range bounds; ``integer`` draws whole numbers uniformly over ``low..high``.
    path
        Weight: ``(interest,)``; bargain: ``(issue, actor, field)``; verify: the field path.
    variants
        Variants the parameter applies to (``None``: every variant).
    alternatives
        Choice: the parsed conditions (``None`` for a drop), in the order of ``labels``.
    """

    name: str
    kind: Kind
    target: Target
    actor: str | None = None
    statement: str | None = None
    labels: tuple[str, ...] = ()
    probs: tuple[float, ...] = ()
    low: float = 0.0
    high: float = 1.0
    integer: bool = False
    path: tuple[str | int, ...] = ()
    variants: tuple[str, ...] | None = None
    alternatives: tuple[Condition | None, ...] = ()

    @property
    def categorical(self) -> bool:
        """Whether the input is a category (choice or swap) rather than a number."""
        return self.kind != "range"

    def value(self, u: float) -> int | bool | float:
        """Map a point ``u`` of ``[0, 1)`` to the parameter's value (inverse-CDF sampling)."""
        if self.kind == "choice":
            cum = np.cumsum(self.probs)
            cum[-1] = 1.0
            return int(min(int(np.searchsorted(cum, u, side="right")), len(self.probs) - 1))
        if self.kind == "swap":
            return bool(u < self.probs[1])
        if self.integer:
            lo, hi = round(self.low), round(self.high)
            return int(min(hi, math.floor(lo + u * (hi - lo + 1))))
        return float(self.low + u * (self.high - self.low))

    def applies_to(self, variant: str) -> bool:
        """Whether the parameter applies in ``variant`` (``"base"`` for the base model)."""
        return self.variants is None or variant in self.variants

    def describe(self) -> dict[str, Any]:
        """Plain description (stored in the results' metadata)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "target": self.target,
            "actor": self.actor,
            "statement": self.statement,
            "labels": list(self.labels),
            "probs": list(self.probs),
            "low": self.low,
            "high": self.high,
            "integer": self.integer,
            "path": list(self.path),
            "variants": None if self.variants is None else list(self.variants),
        }


@dataclass(frozen=True)
class UncertaintySpace:
    """The validated ``uncertainties:`` section: parameters and outcome classes."""

    parameters: tuple[Parameter, ...]
    outcomes: tuple[tuple[str, Condition], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in order."""
        return tuple(p.name for p in self.parameters)

    @property
    def dimension(self) -> int:
        """Number of sampled dimensions."""
        return len(self.parameters)

    def values(self, unit: Sequence[float]) -> tuple[int | bool | float, ...]:
        """The parameter values at a point ``unit`` of the unit hypercube."""
        return tuple(p.value(float(u)) for p, u in zip(self.parameters, unit, strict=True))


def normalise(text: str) -> str:
    """A statement text with runs of blanks collapsed (how statements are matched)."""
    return " ".join(str(text).split())


def resolver(scenario: Scenario) -> dict[str, int]:
    """The reference map used to parse conditions (``ACTOR.OPTION`` and unique bare ids)."""
    return option_resolver(scenario.options)


def variant_scenarios(base: Scenario, variants: Sequence[str] | None = None) -> dict[str, Scenario]:
    """The base model (``"base"``) and each named variant, built from the base's data."""
    ids = [v.id for v in base.variants] if variants is None else list(variants)
    return {vid: variant_of(base, vid) for vid in ids}


# -- validation --------------------------------------------------------------------------------


def _file_context(scenario: Scenario) -> ErrorContext:
    """Errors under ``uncertainties`` with the file's line numbers when the file can be read."""
    lines: Mapping[tuple[str | int, ...], int] = {}
    try:
        path = Path(scenario.source)
        if path.is_file():
            lines = parse_text(path.read_text(encoding="utf-8"), scenario.source)[1]
    except Exception:  # line numbers are a courtesy
        lines = {}
    return ErrorContext(scenario.source, lines, ("uncertainties",))


def uncertainties_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> Any:
    """Check the ``uncertainties:`` section at load time (the strategy family's parser).

    Registered in :data:`detente.loading.SECTIONS`. The section is kept as written (plain
    data), since the parameters depend on the variant set being explored;
    :func:`parse_uncertainties` turns it into an :class:`UncertaintySpace`.
    """
    _space(data, scenario, None, ctx)
    return data


def parse_uncertainties(
    scenario: Scenario, variants: Mapping[str, Scenario] | None = None
) -> UncertaintySpace:
    """Validate ``scenario.uncertainties`` against the scenario and return its parameters.

    Parameters
    ----------
    scenario
        The base scenario (its ``uncertainties`` holds the raw section, or ``None``).
    variants
        The scenarios of the variants (``"base"`` and variant ids); built from the base when
        not given. Statements are looked up in the base and in every variant.

    Returns
    -------
    UncertaintySpace
        One :class:`Parameter` per uncertain input, in file order (statements, swaps,
        weights, bargaining, verification), and the outcome classes.

    Raises
    ------
    ScenarioError
        One line: an unknown actor, statement, interest, issue, variant or verification
        field; a probability outside [0, 1]; alternatives whose probabilities do not sum to 1;
        an empty or reversed range; a condition that does not parse.
    """
    if scenario.uncertainties is None:
        return UncertaintySpace(())
    return _space(scenario.uncertainties, scenario, variants, _file_context(scenario))


def _space(raw: Any, scenario: Scenario, variants: Mapping[str, Scenario] | None,
           ctx: ErrorContext) -> UncertaintySpace:
    if raw is None:
        return UncertaintySpace(())
    if not isinstance(raw, Mapping):
        raise ctx.error((), "must be a mapping with statements, swaps, weights, bargaining, "
                            "verification or outcomes")
    try:
        spec = UncertaintiesSpec.model_validate(raw)
    except ValidationError as exc:
        raise pydantic_error(exc, raw, ctx) from None
    chk = _Checker(scenario, variants, ctx)
    params = [
        *_statement_parameters(spec, chk),
        *_swap_parameters(spec, chk),
        *_weight_parameters(spec, chk),
        *_bargain_parameters(spec, scenario, chk),
        *_verify_parameters(spec, scenario, chk),
    ]
    outcomes = _outcomes(spec, chk)
    names = [p.name for p in params]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ctx.error((), f"two uncertainties share the name {dup[0]!r}; give one an `id:`")
    return UncertaintySpace(tuple(params), tuple(outcomes))


class _Checker:
    """References in the section checked against the scenario and its variants."""

    def __init__(self, scenario: Scenario, variants: Mapping[str, Scenario] | None,
                 ctx: ErrorContext) -> None:
        self.ctx = ctx
        self.scenario = scenario
        self.known_variants = ["base", *[v.id for v in scenario.variants]]
        self.scen = dict(variants) if variants is not None else variant_scenarios(
            scenario, self.known_variants)
        self.scen.setdefault("base", scenario)
        self.resolve = resolver(scenario)

    def error(self, path: Sequence[str | int], message: str) -> ScenarioError:
        return self.ctx.error(tuple(path), message)

    def actor(self, actor: str, path: Sequence[str | int]) -> None:
        ids = self.scenario.actor_ids
        if actor not in ids:
            raise self.error(path, f"unknown actor {actor!r}; use one of {', '.join(ids)}")

    def variants(self, vs: list[str] | None, path: Sequence[str | int]) \
            -> tuple[str, ...] | None:
        if vs is None:
            return None
        for j, v in enumerate(vs):
            if v not in self.known_variants:
                raise self.error((*path, j), f"unknown variant {v!r}; use one of "
                                             f"{', '.join(self.known_variants)}")
        return tuple(vs)

    def statement(self, actor: str, text: str, vs: tuple[str, ...] | None,
                  path: Sequence[str | int], swap: bool) -> str:
        want = normalise(text)
        for vid, s in self.scen.items():
            if vs is not None and vid not in vs:
                continue
            pref = s.preferences.get(actor)
            if pref is None or pref.kind != "statements":
                continue
            texts = [normalise(c.text) for c in pref.statements]
            if want in texts and (not swap or texts.index(want) < len(texts) - 1):
                return want
        where = "" if vs is None else f" (variants {', '.join(vs)})"
        extra = " that has a statement after it" if swap else ""
        raise self.error(path, f"no statement {want!r}{extra} in {actor}'s preference "
                               f"statements{where}; copy a statement's text exactly from "
                               "`preferences`")

    def condition(self, text: str, path: Sequence[str | int]) -> Condition:
        try:
            return Condition(text=text, expr=parse_condition(text, self.resolve))
        except ConditionSyntaxError as exc:
            raise self.error(path, str(exc)) from None

    def probability(self, p: float, path: Sequence[str | int]) -> float:
        if not (isinstance(p, int | float) and math.isfinite(p) and 0.0 <= p <= 1.0):
            raise self.error(path, f"probability {p!r} is outside [0, 1]; give a number "
                                   "from 0 to 1")
        return float(p)


def _statement_parameters(spec: UncertaintiesSpec, chk: _Checker) -> list[Parameter]:
    params = []
    for i, st in enumerate(spec.statements):
        base_path: tuple[str | int, ...] = ("statements", i)
        chk.actor(st.actor, (*base_path, "actor"))
        vs = chk.variants(st.variants, (*base_path, "variants"))
        text = chk.statement(st.actor, st.statement, vs, (*base_path, "statement"), False)
        labels: list[str] = []
        probs: list[float] = []
        alts: list[Condition | None] = []
        for j, alt in enumerate(st.alternatives):
            apath = (*base_path, "alternatives", j)
            if alt.drop == (alt.when is not None):
                raise chk.error(apath, "give exactly one of `when: CONDITION` or `drop: true`")
            probs.append(chk.probability(alt.p, (*apath, "p")))
            labels.append("drop" if alt.when is None else normalise(alt.when))
            alts.append(None if alt.when is None else chk.condition(alt.when, (*apath, "when")))
        total = math.fsum(probs)
        if abs(total - 1.0) > PROBABILITY_TOLERANCE:
            raise chk.error((*base_path, "alternatives"),
                            f"probabilities sum to {total:g}, not 1; make them add up to 1")
        params.append(Parameter(
            name=st.id or f"stmt:{st.actor}:{text}", kind="choice", target="statement",
            actor=st.actor, statement=text, labels=tuple(labels), probs=tuple(probs),
            variants=vs, alternatives=tuple(alts),
        ))
    return params


def _swap_parameters(spec: UncertaintiesSpec, chk: _Checker) -> list[Parameter]:
    params = []
    for i, sw in enumerate(spec.swaps):
        base_path: tuple[str | int, ...] = ("swaps", i)
        chk.actor(sw.actor, (*base_path, "actor"))
        vs = chk.variants(sw.variants, (*base_path, "variants"))
        text = chk.statement(sw.actor, sw.statement, vs, (*base_path, "statement"), True)
        p = chk.probability(sw.p, (*base_path, "p"))
        params.append(Parameter(
            name=sw.id or f"swap:{sw.actor}:{text}", kind="swap", target="swap",
            actor=sw.actor, statement=text, labels=("kept", "swapped"), probs=(1.0 - p, p),
            variants=vs,
        ))
    return params


def _weight_parameters(spec: UncertaintiesSpec, chk: _Checker) -> list[Parameter]:
    params = []
    interests = {it.id for it in chk.scenario.interests}
    for interest, (lo, hi) in spec.weights.items():
        if interest not in interests:
            raise chk.error(("weights", interest),
                            f"unknown interest {interest!r}; use one of "
                            f"{', '.join(sorted(interests)) or 'none defined'}")
        if lo < 0:
            raise chk.error(("weights", interest), f"weights must be >= 0; got low {lo:g}")
        params.append(Parameter(name=f"weight:{interest}", kind="range", target="weight",
                                low=lo, high=hi, path=(interest,)))
    return params


def _bargain_parameters(spec: UncertaintiesSpec, scenario: Scenario, chk: _Checker) \
        -> list[Parameter]:
    params = []
    issues = {getattr(i, "id", None): i for i in scenario.issues}
    for issue_id, stances in spec.bargaining.items():
        issue = issues.get(issue_id)
        if issue is None:
            known = ", ".join(str(k) for k in issues) or "none (add an issues: section)"
            raise chk.error(("bargaining", issue_id),
                            f"unknown issue {issue_id!r}; use one of {known}")
        bounds = {
            "position": (issue.scale.lower, issue.scale.upper),
            "salience": (0.0, 1.0),
            "capability": (0.0, math.inf),
        }
        for actor, stance in stances.items():
            path = ("bargaining", issue_id, actor)
            if actor not in issue.positions:
                raise chk.error(path, f"unknown actor {actor!r} on issue {issue_id!r}; use one "
                                      f"of {', '.join(issue.positions)}")
            for fld, (blo, bhi) in bounds.items():
                rng = getattr(stance, fld)
                if rng is None:
                    continue
                if rng[0] < blo or rng[1] > bhi:
                    raise chk.error((*path, fld), f"{fld} range [{rng[0]:g}, {rng[1]:g}] leaves "
                                                  f"[{blo:g}, {bhi:g}]; keep it inside")
                params.append(Parameter(name=f"bargain:{issue_id}:{actor}:{fld}", kind="range",
                                        target="bargain", low=rng[0], high=rng[1],
                                        path=(issue_id, actor, fld)))
    return params


def _verify_parameters(spec: UncertaintiesSpec, scenario: Scenario, chk: _Checker) \
        -> list[Parameter]:
    if not spec.verification:
        return []
    section = scenario.verification
    if section is None or not hasattr(section, "model_dump"):
        raise chk.error(("verification",), "the scenario has no `verification:` section to "
                                           "vary; add one or remove these ranges")
    dump = section.model_dump()
    params = []
    for key, (lo, hi) in spec.verification.items():
        path_parts = _field_path(key)
        integer = _check_verify_field(section, dump, path_parts, lo, hi,
                                      lambda m, key=key: chk.error(("verification", key), m))
        params.append(Parameter(name=f"verify:{key}", kind="range", target="verify",
                                low=lo, high=hi, integer=integer, path=path_parts))
    return params


def _outcomes(spec: UncertaintiesSpec, chk: _Checker) -> list[tuple[str, Condition]]:
    outcomes: list[tuple[str, Condition]] = []
    seen: set[str] = set()
    for i, oc in enumerate(spec.outcomes):
        if oc.id in seen:
            raise chk.error(("outcomes", i, "id"), f"duplicate outcome id {oc.id!r}")
        seen.add(oc.id)
        outcomes.append((oc.id, chk.condition(oc.when, ("outcomes", i, "when"))))
    return outcomes


def _field_path(key: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for part in key.replace("[", ".").replace("]", "").split("."):
        if part == "":
            continue
        parts.append(int(part) if part.isdigit() else part)
    return tuple(parts)


def _check_verify_field(spec: BaseModel, dump: Any, path: tuple[str | int, ...], lo: float,
                        hi: float, error: Any) -> bool:
    """Check that ``path`` names a numeric field of the verification section and that both
    ends of the range validate; return whether the field holds integers."""
    cur: Any = dump
    model: Any = type(spec)
    integer = False
    for k, part in enumerate(path):
        last = k == len(path) - 1
        if isinstance(part, int):
            if not isinstance(cur, list) or not 0 <= part < len(cur):
                raise error(f"no item {part} at {'.'.join(map(str, path[:k])) or 'top'}; "
                            "check the index")
            cur = cur[part]
            continue
        if not isinstance(cur, Mapping) or part not in cur:
            raise error(f"no field {part!r} in the verification section; name a numeric "
                        "field such as capacity.machines or freeze.restart_months")
        ann = None
        if isinstance(model, type) and issubclass(model, BaseModel) and part in model.model_fields:
            ann = model.model_fields[part].annotation
        if cur[part] is None and not last:
            raise error(f"{part!r} is not set in the verification section; set it first")
        cur = cur[part]
        inner = [a for a in _flatten(ann) if a is not type(None)]
        if last:
            integer = any(a is int for a in inner) and not any(a is float for a in inner)
            if not any(a in (int, float) for a in inner) and not isinstance(cur, int | float):
                raise error(f"{'.'.join(map(str, path))} is not a number; vary numeric fields")
        else:
            model = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)),
                         None)
            if model is None:
                sub = [a for a in inner if typing.get_origin(a) is list]
                model = typing.get_args(sub[0])[0] if sub else None
    for end in (lo, hi):
        data = set_path(dump, path, round(end) if integer else end)
        try:
            type(spec).model_validate(data)
        except ValidationError as exc:
            msg = str(exc.errors()[0].get("msg", "invalid")).removeprefix("Value error, ")
            raise error(f"value {end:g} is not accepted: {msg}; narrow the range") from None
    return integer


def _flatten(ann: Any) -> list[Any]:
    if ann is None:
        return []
    args = typing.get_args(ann)
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        return [x for a in args for x in _flatten(a)]
    return [ann]


def set_path(data: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path`` (only the containers on the path copied)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, list):
        out_list = list(data)
        assert isinstance(head, int)
        out_list[head] = set_path(out_list[head], rest, value)
        return out_list
    out = dict(data)
    out[head] = set_path(out[head], rest, value)
    return out


