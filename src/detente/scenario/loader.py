"""Read, validate and resolve scenario files (YAML or JSON, format version 1).

All validation lives here, so every face reports bad input the same way: one line naming the
file, the line (when the parser knows it), the field and what to fix, raised as
:class:`~detente.errors.ScenarioError`.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from detente.errors import ScenarioError
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
)
from detente.scenario.schema import ConditionSpec, PreferenceSpec, ScenarioSpec

KEYWORDS = frozenset({"not", "and", "or", "if", "iff", "true", "false"})
#: Largest number of options for which a ranking can be checked against every state.
RANKING_MAX_OPTIONS = 22
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Refuse YAML whose anchors and aliases expand to more nodes than this ("billion laughs").
MAX_YAML_NODES = 200_000

Path_ = tuple[str | int, ...]


def load_scenario(path: str | os.PathLike[str], variant: str | None = None) -> Scenario:
    """Load and validate a scenario file.

    Parameters
    ----------
    path
        A ``.yaml``/``.yml`` or ``.json`` detente scenario, or a GMCR+ save file
        (``.gmcr``/``.json`` with GMCR+'s structure).
    variant
        Apply this named variant overlay from the file's ``variants:`` section.

    Returns
    -------
    Scenario
        The frozen, validated scenario.

    Raises
    ------
    ScenarioError
        One line naming the file, line, field and the fix.
    """
    p = Path(path)
    if not p.exists():
        raise ScenarioError("no such file; check the path", source=str(path))
    if p.is_dir():
        raise ScenarioError("is a directory; give a scenario file", source=str(path))
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; is it a scenario?",
            source=str(path),
        )
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text; save it as UTF-8", source=str(path)) from None
    return loads_scenario(text, source=str(path), variant=variant)


def loads_scenario(text: str, source: str = "<string>", variant: str | None = None) -> Scenario:
    """Parse scenario text (YAML, or JSON which YAML also reads) and validate it."""
    data, lines = parse_text(text, source)
    if isinstance(data, dict) and "decisionMakers" in data and "detente" not in data:
        from detente.scenario.gmcrplus import gmcr_to_data

        data = gmcr_to_data(data, source=source)
        lines = {}
    scenario = from_data(data, source=source, variant=variant, lines=lines)
    if variant is None and scenario.uncertainties is not None:
        # validated here so that every face reports a bad `uncertainties:` section the same way
        from detente.strategy.explore.spec import parse_uncertainties

        parse_uncertainties(scenario)
    return scenario


def parse_text(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML/JSON text; return the data and a map from field path to 1-based line."""
    stripped = text.lstrip()
    alias_line = yaml_alias_expansion(text, MAX_YAML_NODES)
    if alias_line is not None:
        raise ScenarioError(
            f"YAML anchors and aliases expand to more than {MAX_YAML_NODES:,} nodes; write the "
            "data out without aliases", source=source, line=alias_line,
        )
    if stripped.startswith("{"):
        try:
            return json.loads(text), _json_lines(text)
        except RecursionError:
            raise ScenarioError("JSON nested too deeply; is it a scenario?", source=source) \
                from None
        except json.JSONDecodeError as exc:
            # fall through to YAML only if it is not JSON-looking at all
            raise ScenarioError(
                f"invalid JSON: {exc.msg}; fix the syntax", source=source, line=exc.lineno
            ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (exc.problem or exc.context or "syntax error").strip()
        raise ScenarioError(
            f"YAML syntax error: {what}; check indentation, colons and quotes",
            source=source,
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {exc}".splitlines()[0], source=source) from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise ScenarioError(f"cannot read the file: {exc}", source=source) from None
    lines: dict[Path_, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return data, lines


def yaml_alias_expansion(text: str, limit: int = 200_000) -> int | None:
    """Number of YAML nodes ``text`` expands to through aliases, when that exceeds ``limit``.

    A few hundred bytes of nested aliases ("billion laughs") expand to billions of nodes; the
    loader would spend minutes and gigabytes on them. Returns ``None`` when the text is within
    the limit (or is not YAML that the composer reads: the loader reports that itself), else
    the 1-based line of the first alias.
    """
    if "&" not in text or "*" not in text:
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    if root is None:
        return None
    sizes: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    first_line: int | None = None
    seen: set[int] = set()
    while stack:  # iterative post-order walk; shared (aliased) nodes are visited once
        node, done = stack.pop()
        key = id(node)
        if done:
            total = 1
            for child in _children(node):
                total += sizes[id(child)]
                if total > limit:
                    break
            sizes[key] = total
            order.append(node)
            if total > limit:
                return first_line or node.start_mark.line + 1
            continue
        if key in seen:
            if first_line is None:
                first_line = node.start_mark.line + 1
            if key not in sizes:  # a cycle (recursive alias)
                return first_line
            continue
        seen.add(key)
        stack.append((node, True))
        for child in _children(node):
            stack.append((child, False))
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []



def _index_lines(node: yaml.Node, path: Path_, out: dict[Path_, int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            out[(*path, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*path, i), out)


def _json_lines(text: str) -> dict[Path_, int]:
    # JSON is valid YAML flow syntax (nearly always); reuse the YAML indexer for lines.
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[Path_, int] = {}
    if node is not None:
        _index_lines(node, (), out)
    return out


def _field(path: Path_) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


class ErrorContext:
    """Turns a field path into a one-line :class:`ScenarioError` with the file's line."""
    def __init__(self, source: str, lines: Mapping[Path_, int], prefix: Path_ = ()) -> None:
        self.source = source
        self.lines = lines
        self.prefix = prefix

    def error(self, path: Path_, message: str) -> ScenarioError:
        full = (*self.prefix, *path)
        line = None
        for k in range(len(full), -1, -1):
            if full[:k] in self.lines:
                line = self.lines[full[:k]]
                break
        return ScenarioError(message, source=self.source, field=_field(full) or None, line=line)


def pydantic_error(exc: ValidationError, data: Any, ctx: ErrorContext) -> ScenarioError:
    errors = exc.errors()
    # Prefer the error whose location goes deepest into the data (most specific).
    best: tuple[int, Path_, dict[str, Any]] | None = None
    for err in errors:
        path: list[str | int] = []
        cur = data
        for part in err["loc"]:
            if isinstance(cur, Mapping) and part in cur:
                path.append(part)
                cur = cur[part]
            elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
                path.append(part)
                cur = cur[part]
            elif err["type"] in {"missing", "extra_forbidden"} and part == err["loc"][-1]:
                path.append(part)
        if best is None or len(path) > best[0]:
            best = (len(path), tuple(path), dict(err))
    assert best is not None
    return ctx.error(best[1], _friendly(best[2]))


def _friendly(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    loc = err.get("loc", ())
    last = loc[-1] if loc else ""
    if kind == "missing":
        return "required field is missing; add it"
    if kind == "extra_forbidden":
        return f"unknown field {last!r}; remove it or check its spelling"
    if kind == "literal_error" and last == "detente":
        return "format version must be `detente: 1`"
    if kind == "string_pattern_mismatch":
        return (
            "ids must start with a letter or _ and contain only letters, digits, _ and -; "
            f"got {err.get('input')!r}"
        )
    if kind == "too_short":
        return "must not be empty; add at least one entry"
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    msg = str(err.get("msg", "invalid value"))
    inp = err.get("input")
    if isinstance(inp, str | int | float | bool) or inp is None:
        msg += f"; got {inp!r}"
    return msg


def from_data(
    data: Any,
    source: str = "<data>",
    variant: str | None = None,
    lines: Mapping[Path_, int] | None = None,
) -> Scenario:
    """Validate already-parsed scenario data (a dict) and build a :class:`Scenario`."""
    ctx = ErrorContext(source, lines or {})
    if not isinstance(data, Mapping):
        raise ctx.error((), "a scenario file must be a mapping with `detente: 1`, `name`, `actors`")
    if "detente" not in data:
        raise ctx.error((), "missing `detente: 1` at the top; add the format version")
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise pydantic_error(exc, data, ctx) from None
    base = _build(spec, dict(data), ctx)
    # Validate every variant eagerly so errors surface at load time.
    for i, v in enumerate(spec.variants):
        vdata = apply_variant_data(dict(data), v.id)
        vctx = ErrorContext(source, ctx.lines, ("variants", i))
        try:
            vspec = ScenarioSpec.model_validate(vdata)
        except ValidationError as exc:  # pragma: no cover - overlay shapes are validated above
            raise pydantic_error(exc, vdata, vctx) from None
        built = _build(vspec, vdata, _VariantCtx(source, ctx.lines, i, v.id))
        if variant == v.id:
            return _replace_variant(built, v.id, base)
    if variant is not None:
        names = ", ".join(v.id for v in spec.variants) or "none defined"
        raise ScenarioError(
            f"unknown variant {variant!r}; choose one of: {names}", source=source, field="variants"
        )
    return base


class _VariantCtx(ErrorContext):
    """Errors inside a variant overlay point at the variant's own field when it has one."""

    def __init__(self, source: str, lines: Mapping[Path_, int], index: int, vid: str) -> None:
        super().__init__(source, lines)
        self.index = index
        self.vid = vid

    def error(self, path: Path_, message: str) -> ScenarioError:
        vpath: Path_ = ("variants", self.index, *path)
        if any(vpath[: k + 1] in self.lines for k in range(3, len(vpath))):
            return super().error(vpath, message)
        return super().error(path, f"{message} (in variant {self.vid!r})")


def _replace_variant(built: Scenario, vid: str, base: Scenario) -> Scenario:
    from dataclasses import replace

    return replace(built, variant=vid, variants=base.variants)


def variant_of(base: Scenario, variant: str) -> Scenario:
    """The scenario with variant ``variant`` of ``base`` applied (``"base"`` gives ``base``).

    Built from the base's validated data, so no file is read again.
    """
    if variant == "base":
        return base
    known = [v.id for v in base.variants]
    if variant not in known:
        raise ScenarioError(
            f"unknown variant {variant!r}; choose one of: {', '.join(known) or 'none defined'}",
            source=base.source, field="variants",
        )
    from dataclasses import replace

    from detente.scenario.model import plain_data

    data = apply_variant_data(plain_data(base.raw), variant)
    return replace(from_data(data, source=base.source), variant=variant, variants=base.variants)


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
    # Actors and options
    actors: list[Actor] = []
    options: list[Option] = []
    seen_actor: set[str] = set()
    for ai, a in enumerate(spec.actors):
        if a.id in seen_actor:
            raise ctx.error(
                ("actors", ai, "id"), f"duplicate actor id {a.id!r}; ids must be unique"
            )
        if a.id.lower() in KEYWORDS:
            raise ctx.error(("actors", ai, "id"), f"{a.id!r} is a reserved word; rename the actor")
        seen_actor.add(a.id)
        seen_opt: set[str] = set()
        opts: list[Option] = []
        for oi, o in enumerate(a.options):
            if o.id in seen_opt:
                raise ctx.error(
                    ("actors", ai, "options", oi, "id"),
                    f"duplicate option id {o.id!r} for actor {a.id}; ids must be unique per actor",
                )
            if o.id.lower() in KEYWORDS:
                raise ctx.error(
                    ("actors", ai, "options", oi, "id"), f"{o.id!r} is a reserved word; rename it"
                )
            seen_opt.add(o.id)
            opt = Option(len(options), a.id, o.id, o.name or o.id, o.reversible, o.why)
            opts.append(opt)
            options.append(opt)
        actors.append(Actor(ai, a.id, a.name or a.id, tuple(opts), a.why))
    if len(actors) < 2:
        raise ctx.error(("actors",), "a conflict needs at least two actors; add another")
    n_opt = len(options)

    resolve: dict[str, int] = {}
    counts: dict[str, int] = {}
    for opt in options:
        resolve[opt.ref] = opt.index
        counts[opt.id] = counts.get(opt.id, 0) + 1
    for opt in options:
        if opt.id not in resolve:
            resolve[opt.id] = opt.index if counts[opt.id] == 1 else -1

    infeasible = tuple(
        _cond(c, resolve, ctx, ("infeasible", i)) for i, c in enumerate(spec.infeasible)
    )
    partial = Scenario(
        name=spec.name,
        description=spec.description,
        sources=tuple(spec.sources),
        actors=tuple(actors),
        options=tuple(options),
        infeasible=infeasible,
        preferences=MappingProxyType({}),
        status_quo=None,
        coalitions=None,
        source=ctx.source,
    )

    feasible_cache: list[np.ndarray] = []

    def feasible_codes() -> np.ndarray:
        if not feasible_cache:
            codes = np.arange(1 << n_opt, dtype=np.int64)
            feasible_cache.append(codes[~partial.infeasible_mask(codes)])
        return feasible_cache[0]

    def parse_state(text: Any, path: Path_) -> int:
        if isinstance(text, list):
            code = 0
            for j, ref in enumerate(text):
                if not isinstance(ref, str) or ref not in resolve or resolve[ref] < 0:
                    raise ctx.error(
                        (*path, j),
                        f"unknown option {ref!r}; list taken options as ACTOR.OPTION",
                    )
                code |= 1 << resolve[ref]
            return code
        if not isinstance(text, str):
            raise ctx.error(path, f"a state is a code of Y/N characters; got {text!r}")
        try:
            return partial.parse_code(text)
        except ValueError as exc:
            raise ctx.error(path, str(exc)) from None

    # Preferences
    prefs: dict[str, Preference] = {}
    for actor_id in spec.preferences:
        if actor_id not in seen_actor:
            raise ctx.error(
                ("preferences", actor_id),
                f"unknown actor {actor_id!r}; preferences are keyed by actor ids "
                f"({', '.join(a.id for a in actors)})",
            )
    for actor in actors:
        if actor.id not in spec.preferences:
            raise ctx.error(
                ("preferences",),
                f"no preferences for actor {actor.id!r}; add `{actor.id}: {{statements: [...]}}` "
                "or a ranking",
            )
        prefs[actor.id] = _preference(
            spec.preferences[actor.id], actor.id, resolve, ctx, feasible_codes, parse_state, n_opt
        )

    status_quo = None
    if spec.status_quo is not None:
        status_quo = parse_state(spec.status_quo, ("status_quo",))
        if not partial.is_feasible(status_quo):
            raise ctx.error(
                ("status_quo",),
                f"status quo {partial.code_text(status_quo)} is infeasible under `infeasible`; "
                "give a feasible state",
            )

    coalitions = None
    if spec.coalitions is not None:
        cl: list[tuple[str, ...]] = []
        for ci, c in enumerate(spec.coalitions):
            if not c:
                raise ctx.error(("coalitions", ci), "empty coalition; list actor ids")
            for j, m in enumerate(c):
                if m not in seen_actor:
                    raise ctx.error(("coalitions", ci, j), f"unknown actor {m!r} in coalition")
            if len(set(c)) != len(c):
                raise ctx.error(("coalitions", ci), "an actor appears twice in this coalition")
            cl.append(tuple(c))
        coalitions = tuple(cl)

    interests: list[Interest] = []
    seen_int: set[str] = set()
    for ii, it in enumerate(spec.interests):
        if it.id in seen_int:
            raise ctx.error(("interests", ii, "id"), f"duplicate interest id {it.id!r}")
        seen_int.add(it.id)
        if it.actor is not None and it.actor not in seen_actor:
            raise ctx.error(("interests", ii, "actor"), f"unknown actor {it.actor!r}")
        rules = tuple(
            ScoreRule(_cond(r.when, resolve, ctx, ("interests", ii, "score", ri, "when")), r.points)
            for ri, r in enumerate(it.score)
        )
        interests.append(Interest(it.id, it.name or it.id, it.actor, it.weight, rules, it.why))

    variants: list[VariantInfo] = []
    seen_var: set[str] = set()
    for vi, v in enumerate(spec.variants):
        if v.id in seen_var:
            raise ctx.error(("variants", vi, "id"), f"duplicate variant id {v.id!r}")
        seen_var.add(v.id)
        variants.append(VariantInfo(v.id, v.name or v.id, v.description or "", v.why))

    verification = _section_verification(spec.verification, ctx)
    issues = _section_issues(spec.issues, ctx, seen_actor)

    from dataclasses import replace

    return replace(
        partial,
        preferences=MappingProxyType(prefs),
        status_quo=status_quo,
        coalitions=coalitions,
        interests=tuple(interests),
        variants=tuple(variants),
        verification=verification,
        issues=issues,
        uncertainties=spec.uncertainties,
        outcomes=_plain_entries(spec.outcomes),
        questions=_plain_entries(spec.questions),
        raw=MappingProxyType(raw),
    )


def _plain_entries(section: list[dict[str, Any]] | None) -> tuple[Any, ...]:
    # `outcomes:` and `questions:` are kept as data; detente.strategy.spec validates them
    return tuple(MappingProxyType(copy.deepcopy(dict(e))) for e in section or ())


def _preference(
    p: PreferenceSpec,
    actor_id: str,
    resolve: Mapping[str, int],
    ctx: ErrorContext,
    feasible_codes: Any,
    parse_state: Any,
    n_opt: int,
) -> Preference:
    base: Path_ = ("preferences", actor_id)
    if (p.statements is None) == (p.ranking is None):
        raise ctx.error(base, "give exactly one of `statements` or `ranking`")
    if p.statements is not None:
        if not p.statements:
            raise ctx.error((*base, "statements"), "no statements; add at least one")
        stm = tuple(
            _cond(s, resolve, ctx, (*base, "statements", k)) for k, s in enumerate(p.statements)
        )
        return Preference("statements", statements=stm, why=p.why)
    assert p.ranking is not None
    if n_opt > RANKING_MAX_OPTIONS:
        raise ctx.error(
            (*base, "ranking"),
            f"explicit rankings need at most {RANKING_MAX_OPTIONS} options; use statements",
        )
    feas = feasible_codes()
    feas_set = set(int(c) for c in feas)
    seen: dict[int, Path_] = {}
    groups: list[tuple[int, ...]] = []
    for gi, g in enumerate(p.ranking):
        items = g if isinstance(g, list) else [g]
        if not items:
            raise ctx.error((*base, "ranking", gi), "empty tie group; remove it")
        codes = []
        for j, t in enumerate(items):
            path: Path_ = (*base, "ranking", gi)
            if isinstance(g, list):
                path = (*path, j)
            code = parse_state(t, path)
            if code not in feas_set:
                raise ctx.error(path, f"state {t} is infeasible; remove it from the ranking")
            if code in seen:
                raise ctx.error(path, f"state {t} appears twice in the ranking; keep one")
            seen[code] = path
            codes.append(code)
        groups.append(tuple(codes))
    missing = [int(c) for c in feas if int(c) not in seen]
    if missing:
        text = "".join("Y" if (missing[0] >> k) & 1 else "N" for k in range(n_opt))
        raise ctx.error(
            (*base, "ranking"),
            f"ranking misses {len(missing)} feasible state(s), e.g. {text}; "
            "list every feasible state exactly once",
        )
    return Preference("ranking", ranking=tuple(groups), why=p.why)


def _section_verification(section: Any, ctx: ErrorContext) -> Any:
    if section is None:
        return None
    try:
        from detente.verify.spec import VerificationSpec
    except ImportError:  # pragma: no cover - verify package not installed
        return section
    try:
        return VerificationSpec.model_validate(section)
    except ValidationError as exc:
        sub = ErrorContext(ctx.source, ctx.lines, (*ctx.prefix, "verification"))
        raise pydantic_error(exc, section, sub) from None


def _section_issues(section: Any, ctx: ErrorContext, actors: set[str]) -> tuple[Any, ...]:
    if not section:
        return ()
    try:
        from detente.bargain.spec import IssueSpec
    except ImportError:  # pragma: no cover
        return tuple(section)
    out = []
    for i, item in enumerate(section):
        try:
            issue = IssueSpec.model_validate(item)
        except ValidationError as exc:
            sub = ErrorContext(ctx.source, ctx.lines, (*ctx.prefix, "issues", i))
            raise pydantic_error(exc, item, sub) from None
        for actor_id in getattr(issue, "positions", {}) or {}:
            if actor_id not in actors:
                raise ctx.error(("issues", i, "positions", actor_id), f"unknown actor {actor_id!r}")
        out.append(issue)
    return tuple(out)
