"""Validate the core of a scenario (format version 1) and resolve its variants.

The core is what every model family reads: actors and options, infeasible states,
preferences, the status quo, coalitions, interests and variants. A model family's own section
(``verification:``, ``issues:``, ...) is not known here: :func:`from_data` takes a mapping
``sections`` from section name to a :data:`SectionParser`, keeps the top-level keys it names
out of the core schema, runs each parser on its section (in the mapping's order, each seeing
the scenario with the sections before it) and stores what it returns in
:attr:`Scenario.sections <detente.scenario.model.Scenario.sections>`. A top-level key that is
neither core nor a given section is refused as unknown. The composition of the families'
parsers lives above the families, in :mod:`detente.loading`.

All core validation lives here, so every face reports bad input the same way: one line naming
the file, the line (when the parser knows it), the field and what to fix, raised as
:class:`~detente.errors.ScenarioError`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np
from pydantic import ValidationError

from detente.errors import ScenarioError
from detente.scenario.context import ErrorContext, VariantErrorContext, pydantic_error
from detente.scenario.expr import ConditionSyntaxError, parse_condition
from detente.scenario.model import (
    Actor,
    Condition,
    Interest,
    Option,
    Preference,
    Scenario,
    ScoreRule,
    VariantInfo,
    plain_data,
)
from detente.scenario.schema import ConditionSpec, PreferenceSpec, ScenarioSpec
from detente.scenario.text import (
    MAX_FILE_BYTES,
    MAX_YAML_NODES,
    Path_,
    check_values,
    parse_text,
    yaml_alias_expansion,
)

__all__ = [
    "CORE_KEYS",
    "MAX_FILE_BYTES",
    "MAX_YAML_NODES",
    "RANKING_MAX_OPTIONS",
    "ErrorContext",
    "SectionParser",
    "apply_variant_data",
    "from_data",
    "parse_text",
    "pydantic_error",
    "variant_of",
    "yaml_alias_expansion",
]

KEYWORDS = frozenset({"not", "and", "or", "if", "iff", "true", "false"})
#: Largest number of options for which a ranking can be checked against every state.
RANKING_MAX_OPTIONS = 22
#: Top-level keys of the core format.
CORE_KEYS = frozenset(ScenarioSpec.model_fields)

#: A model family's parser of its own top-level section: ``parse(data, scenario, ctx)``
#: gets the section's raw data, the scenario built so far and an :class:`ErrorContext`
#: whose prefix is the section's name; it raises a one-line ``ScenarioError`` (use
#: ``ctx.error(path, message)``) or returns the value kept in ``Scenario.sections[name]``.
SectionParser = Callable[[Any, Scenario, ErrorContext], Any]


def from_data(
    data: Any,
    source: str = "<data>",
    variant: str | None = None,
    lines: Mapping[Path_, int] | None = None,
    sections: Mapping[str, SectionParser] | None = None,
) -> Scenario:
    """Validate already-parsed scenario data (a dict) and build a :class:`Scenario`.

    Parameters
    ----------
    data
        The parsed file.
    source
        File name for error messages.
    variant
        Apply this variant overlay (every variant is validated up to it).
    lines
        Field path -> line, for error messages.
    sections
        Parsers of the model families' sections, by top-level key (see the module
        docstring). Without them only the core format is accepted;
        :func:`detente.loading.from_data` passes every family's.
    """
    ctx = ErrorContext(source, lines or {})
    parsers = dict(sections or {})
    if not isinstance(data, Mapping):
        raise ctx.error((), "a scenario file must be a mapping with `detente: 1`, `name`, `actors`")
    if "detente" not in data:
        raise ctx.error((), "missing `detente: 1` at the top; add the format version")
    check_values(data, source, ctx.lines)
    spec = _core_spec(data, ctx, parsers)
    base = _parse_sections(_build(spec, dict(data), ctx), data, parsers, ctx)
    # Validate every variant eagerly so errors surface at load time.
    for i, v in enumerate(spec.variants):
        vdata = apply_variant_data(dict(data), v.id)
        vspec = _core_spec(vdata, ErrorContext(source, ctx.lines, ("variants", i)), parsers)
        built = _build(vspec, vdata, VariantErrorContext(source, ctx.lines, i, v.id))
        if variant == v.id:
            return replace(built, variant=v.id, variants=base.variants, sections=base.sections)
    if variant is not None:
        names = ", ".join(v.id for v in spec.variants) or "none defined"
        raise ScenarioError(
            f"unknown variant {variant!r}; choose one of: {names}", source=source, field="variants"
        )
    return base


def _core_spec(data: Mapping[str, Any], ctx: ErrorContext, sections: Mapping[str, Any]) \
        -> ScenarioSpec:
    """The core schema of ``data``, the keys named by ``sections`` left out."""
    core = {k: v for k, v in data.items() if k not in sections or k in CORE_KEYS}
    try:
        return ScenarioSpec.model_validate(core)
    except ValidationError as exc:
        raise pydantic_error(exc, core, ctx) from None


def _parse_sections(base: Scenario, data: Mapping[str, Any],
                    parsers: Mapping[str, SectionParser], ctx: ErrorContext) -> Scenario:
    """``base`` with every family section present in ``data`` parsed, in registry order."""
    for name, parse in parsers.items():
        if name in CORE_KEYS or name not in data:
            continue
        value = parse(data[name], base, ctx.sub(name))
        base = replace(base, sections=MappingProxyType({**base.sections, name: value}))
    return base


def variant_of(base: Scenario, variant: str) -> Scenario:
    """The scenario with variant ``variant`` of ``base`` applied (``"base"`` gives ``base``).

    Built from the base's validated data, so no file is read again; the model families'
    sections are the base's (a variant overlay does not change them).
    """
    if variant == "base":
        return base
    known = [v.id for v in base.variants]
    if variant not in known:
        raise ScenarioError(
            f"unknown variant {variant!r}; choose one of: {', '.join(known) or 'none defined'}",
            source=base.source, field="variants",
        )
    data = apply_variant_data(plain_data(base.raw), variant)
    ctx = ErrorContext(base.source, {})
    keep = {k: None for k in data if k not in CORE_KEYS}  # validated with the base
    built = _build(_core_spec(data, ctx, keep), data, ctx)
    return replace(built, variant=variant, variants=base.variants, sections=base.sections)


def apply_variant_data(data: Mapping[str, Any], variant: str) -> dict[str, Any]:
    """Return a copy of raw scenario data with the named variant's overlay applied.

    Overlay rules: ``infeasible`` entries are added; ``preferences`` replace those of the
    actors named; ``coalitions`` and ``status_quo`` replace the base values. The result has no
    ``variants`` section.
    """
    out = copy.deepcopy(dict(data))
    variants = out.pop("variants", []) or []
    for v in variants:
        if isinstance(v, Mapping) and v.get("id") == variant:
            if v.get("infeasible"):
                out["infeasible"] = list(out.get("infeasible") or []) + list(v["infeasible"])
            if v.get("preferences"):
                prefs = dict(out.get("preferences") or {})
                prefs.update(v["preferences"])
                out["preferences"] = prefs
            if v.get("coalitions") is not None:
                out["coalitions"] = v["coalitions"]
            if v.get("status_quo") is not None:
                out["status_quo"] = v["status_quo"]
            return out
    raise KeyError(variant)


# -- building the core ---------------------------------------------------------------------------


def _cond(
    spec: str | ConditionSpec, resolve: Mapping[str, int], ctx: ErrorContext, path: Path_
) -> Condition:
    text, why = (spec, None) if isinstance(spec, str) else (spec.when, spec.why)
    try:
        expr = parse_condition(text, resolve)
    except ConditionSyntaxError as exc:
        raise ctx.error(path, str(exc)) from None
    return Condition(text=text, expr=expr, why=why)


def _build(spec: ScenarioSpec, raw: dict[str, Any], ctx: ErrorContext) -> Scenario:
    """The core scenario of ``spec`` (``raw``: the file's data, kept for hashing/export)."""
    actors, options = _actors(spec, ctx)
    resolve = option_resolver(options)
    partial = Scenario(
        name=spec.name,
        description=spec.description,
        sources=tuple(spec.sources),
        actors=actors,
        options=options,
        infeasible=tuple(
            _cond(c, resolve, ctx, ("infeasible", i)) for i, c in enumerate(spec.infeasible)
        ),
        preferences=MappingProxyType({}),
        status_quo=None,
        coalitions=None,
        source=ctx.source,
    )
    states = _States(partial, resolve, ctx)
    return replace(
        partial,
        preferences=MappingProxyType(_preferences(spec, states)),
        status_quo=_status_quo(spec, states),
        coalitions=_coalitions(spec, partial, ctx),
        interests=_interests(spec, partial, resolve, ctx),
        variants=_variant_infos(spec, ctx),
        raw=MappingProxyType(raw),
    )


def _actors(spec: ScenarioSpec, ctx: ErrorContext) -> tuple[tuple[Actor, ...], tuple[Option, ...]]:
    """Actors in file order and options in global order (unique, non-reserved ids)."""
    actors: list[Actor] = []
    options: list[Option] = []
    seen_actor: set[str] = set()
    for ai, a in enumerate(spec.actors):
        path: Path_ = ("actors", ai, "id")
        if a.id in seen_actor:
            raise ctx.error(path, f"duplicate actor id {a.id!r}; ids must be unique")
        if a.id.lower() in KEYWORDS:
            raise ctx.error(path, f"{a.id!r} is a reserved word; rename the actor")
        seen_actor.add(a.id)
        seen_opt: set[str] = set()
        opts: list[Option] = []
        for oi, o in enumerate(a.options):
            opath: Path_ = ("actors", ai, "options", oi, "id")
            if o.id in seen_opt:
                raise ctx.error(
                    opath,
                    f"duplicate option id {o.id!r} for actor {a.id}; ids must be unique per actor",
                )
            if o.id.lower() in KEYWORDS:
                raise ctx.error(opath, f"{o.id!r} is a reserved word; rename it")
            seen_opt.add(o.id)
            opt = Option(len(options), a.id, o.id, o.name or o.id, o.reversible, o.why)
            opts.append(opt)
            options.append(opt)
        actors.append(Actor(ai, a.id, a.name or a.id, tuple(opts), a.why))
    if len(actors) < 2:
        raise ctx.error(("actors",), "a conflict needs at least two actors; add another")
    return tuple(actors), tuple(options)


def option_resolver(options: tuple[Option, ...]) -> dict[str, int]:
    """Reference -> option index: ``ACTOR.OPTION`` always, a bare id when it is unique
    (``-1`` marks an ambiguous bare id)."""
    resolve: dict[str, int] = {}
    counts: dict[str, int] = {}
    for opt in options:
        resolve[opt.ref] = opt.index
        counts[opt.id] = counts.get(opt.id, 0) + 1
    for opt in options:
        if opt.id not in resolve:
            resolve[opt.id] = opt.index if counts[opt.id] == 1 else -1
    return resolve


class _States:
    """States of the partial scenario: parsing state texts, and the feasible codes."""

    def __init__(self, partial: Scenario, resolve: Mapping[str, int], ctx: ErrorContext) -> None:
        self.partial = partial
        self.resolve = resolve
        self.ctx = ctx
        self._feasible: np.ndarray | None = None

    def feasible_codes(self) -> np.ndarray:
        """Every feasible state code, increasing (computed once)."""
        if self._feasible is None:
            codes = np.arange(1 << self.partial.n_options, dtype=np.int64)
            self._feasible = codes[~self.partial.infeasible_mask(codes)]
        return self._feasible

    def parse(self, text: Any, path: Path_) -> int:
        """The code of a state given as a Y/N code or a list of taken ``ACTOR.OPTION``."""
        if isinstance(text, list):
            code = 0
            for j, ref in enumerate(text):
                if not isinstance(ref, str) or self.resolve.get(ref, -1) < 0:
                    raise self.ctx.error(
                        (*path, j), f"unknown option {ref!r}; list taken options as ACTOR.OPTION"
                    )
                code |= 1 << self.resolve[ref]
            return code
        if not isinstance(text, str):
            raise self.ctx.error(path, f"a state is a code of Y/N characters; got {text!r}")
        try:
            return self.partial.parse_code(text)
        except ValueError as exc:
            raise self.ctx.error(path, str(exc)) from None


def _preferences(spec: ScenarioSpec, states: _States) -> dict[str, Preference]:
    ctx, actor_ids = states.ctx, states.partial.actor_ids
    for actor_id in spec.preferences:
        if actor_id not in actor_ids:
            raise ctx.error(
                ("preferences", actor_id),
                f"unknown actor {actor_id!r}; preferences are keyed by actor ids "
                f"({', '.join(actor_ids)})",
            )
    prefs: dict[str, Preference] = {}
    for actor_id in actor_ids:
        if actor_id not in spec.preferences:
            raise ctx.error(
                ("preferences",),
                f"no preferences for actor {actor_id!r}; add `{actor_id}: {{statements: [...]}}` "
                "or a ranking",
            )
        prefs[actor_id] = _preference(spec.preferences[actor_id], actor_id, states)
    return prefs


def _preference(p: PreferenceSpec, actor_id: str, states: _States) -> Preference:
    ctx = states.ctx
    base: Path_ = ("preferences", actor_id)
    if (p.statements is None) == (p.ranking is None):
        raise ctx.error(base, "give exactly one of `statements` or `ranking`")
    if p.statements is not None:
        if not p.statements:
            raise ctx.error((*base, "statements"), "no statements; add at least one")
        stm = tuple(
            _cond(s, states.resolve, ctx, (*base, "statements", k))
            for k, s in enumerate(p.statements)
        )
        return Preference("statements", statements=stm, why=p.why)
    assert p.ranking is not None
    return Preference("ranking", ranking=_ranking(p.ranking, base, states), why=p.why)


def _ranking(ranking: list[str | list[str]], base: Path_, states: _States) \
        -> tuple[tuple[int, ...], ...]:
    """Tie groups of state codes; every feasible state exactly once."""
    ctx, n_opt = states.ctx, states.partial.n_options
    if n_opt > RANKING_MAX_OPTIONS:
        raise ctx.error(
            (*base, "ranking"),
            f"explicit rankings need at most {RANKING_MAX_OPTIONS} options; use statements",
        )
    feas = states.feasible_codes()
    feas_set = set(int(c) for c in feas)
    seen: set[int] = set()
    groups: list[tuple[int, ...]] = []
    for gi, g in enumerate(ranking):
        items = g if isinstance(g, list) else [g]
        if not items:
            raise ctx.error((*base, "ranking", gi), "empty tie group; remove it")
        codes = []
        for j, t in enumerate(items):
            path: Path_ = (*base, "ranking", gi, j) if isinstance(g, list) else \
                (*base, "ranking", gi)
            code = states.parse(t, path)
            if code not in feas_set:
                raise ctx.error(path, f"state {t} is infeasible; remove it from the ranking")
            if code in seen:
                raise ctx.error(path, f"state {t} appears twice in the ranking; keep one")
            seen.add(code)
            codes.append(code)
        groups.append(tuple(codes))
    missing = [int(c) for c in feas if int(c) not in seen]
    if missing:
        raise ctx.error(
            (*base, "ranking"),
            f"ranking misses {len(missing)} feasible state(s), e.g. "
            f"{states.partial.code_text(missing[0])}; list every feasible state exactly once",
        )
    return tuple(groups)


def _status_quo(spec: ScenarioSpec, states: _States) -> int | None:
    if spec.status_quo is None:
        return None
    status_quo = states.parse(spec.status_quo, ("status_quo",))
    if not states.partial.is_feasible(status_quo):
        raise states.ctx.error(
            ("status_quo",),
            f"status quo {states.partial.code_text(status_quo)} is infeasible under "
            "`infeasible`; give a feasible state",
        )
    return status_quo


def _coalitions(spec: ScenarioSpec, partial: Scenario, ctx: ErrorContext) \
        -> tuple[tuple[str, ...], ...] | None:
    if spec.coalitions is None:
        return None
    actor_ids = set(partial.actor_ids)
    out: list[tuple[str, ...]] = []
    for ci, c in enumerate(spec.coalitions):
        if not c:
            raise ctx.error(("coalitions", ci), "empty coalition; list actor ids")
        for j, m in enumerate(c):
            if m not in actor_ids:
                raise ctx.error(("coalitions", ci, j), f"unknown actor {m!r} in coalition")
        if len(set(c)) != len(c):
            raise ctx.error(("coalitions", ci), "an actor appears twice in this coalition")
        out.append(tuple(c))
    return tuple(out)


def _interests(spec: ScenarioSpec, partial: Scenario, resolve: Mapping[str, int],
               ctx: ErrorContext) -> tuple[Interest, ...]:
    interests: list[Interest] = []
    seen: set[str] = set()
    for ii, it in enumerate(spec.interests):
        if it.id in seen:
            raise ctx.error(("interests", ii, "id"), f"duplicate interest id {it.id!r}")
        seen.add(it.id)
        if it.actor is not None and it.actor not in partial.actor_ids:
            raise ctx.error(("interests", ii, "actor"), f"unknown actor {it.actor!r}")
        rules = tuple(
            ScoreRule(_cond(r.when, resolve, ctx, ("interests", ii, "score", ri, "when")), r.points)
            for ri, r in enumerate(it.score)
        )
        interests.append(Interest(it.id, it.name or it.id, it.actor, it.weight, rules, it.why))
    return tuple(interests)


def _variant_infos(spec: ScenarioSpec, ctx: ErrorContext) -> tuple[VariantInfo, ...]:
    variants: list[VariantInfo] = []
    seen: set[str] = set()
    for vi, v in enumerate(spec.variants):
        if v.id in seen:
            raise ctx.error(("variants", vi, "id"), f"duplicate variant id {v.id!r}")
        seen.add(v.id)
        variants.append(VariantInfo(v.id, v.name or v.id, v.description or "", v.why))
    return tuple(variants)
