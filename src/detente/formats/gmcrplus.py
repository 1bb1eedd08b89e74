"""GMCR+ save files (``.gmcr``): import into and export from detente's scenario format.

Only the file *format* of GMCR+ (Kinsara, Petersons, Hipel and Kilgour 2015; the public
``gmcr-py`` program) is used here; none of its code. A save file is JSON:

``options``
    ``[{"name": ..., "permittedDirection": "both" | "fwd" | "back"}, ...]``; ``fwd`` options can
    only be taken (N to Y), ``back`` options only withdrawn (Y to N).
``decisionMakers``
    ``[{"name": ..., "options": [option indices], "preferences": [...],
    "preferenceRanking": [...]}, ...]``.
``infeasibles``
    A list of *conditions*; every state that satisfies one is removed.
``useManualPreferenceRanking``
    When true, every decision maker's ``preferenceRanking`` replaces its prioritised
    ``preferences``. (Older files: ``useManualPreferenceVectors`` / ``preferenceVector``.)
``decisionMakers[j].misperceptions``
    A list of conditions (the ``infeasibles`` shape): the states that decision maker
    misperceives, so cannot move to or from. Imported as detente's ``misperceptions:``
    section (:mod:`detente.conflict.misperception`) and exported from it.
``coalitions``, ``coalitionsFull``, ``payoffs``, ``program``, ``version``
    Coalitions (decision-maker indices) and derived data.

A *condition* is a list of ``[option index, "Y" | "N"]`` pairs that must all hold: ``"N"`` is
the only form of negation in the format. A *compound* preference statement
``{"compound": true, "members": [condition, ...]}`` holds when any member holds. The file
format has no "if"/"iff" statements (GMCR II's conditional statements): GMCR+ users express
them as compound conditions, e.g. "A if B" as the members ``[[B, "N"]]`` and ``[[A, "Y"]]``.
Prioritised statements are scored as in detente (statement ``k`` of ``m`` is worth
``2**(m-k)``), so they map one to one onto detente ``statements``.

A ``preferenceRanking`` lists *ordered numbers* (1-based positions of the feasible states in
increasing decimal code, where option ``k`` is worth ``2**k``), most preferred first; a nested
list is a tie. GMCR+ regroups the options by decision maker (in decision-maker order, each
decision maker's options in its listed order) when it loads a file, *before* it numbers the
states, so ordered numbers always refer to that grouped order. Files that GMCR+ saves are
already grouped; detente uses the same grouped order for its own option (bit) order, so the
numbers are decoded exactly as GMCR+ decodes them.

What detente cannot represent is dropped with a :class:`GMCRPlusWarning` that names it, and is
listed in the scenario's ``notes``: GMCR+ coalitions (GMCR+ merges a
coalition into one decision maker), decision makers without options, unknown fields.

Export writes the same format. Conditions of any shape are rewritten exactly as a disjunction
of conjunctions of literals (``iff``, ``if`` and nested ``and``/``or`` included), which is what
GMCR+ can store; when that form would need more than :data:`MAX_DNF_TERMS` terms, or an actor
has an explicit ``ranking``, every decision maker gets a ``preferenceRanking`` computed with
:func:`detente.conflict.preferences.payoff_ranks` and ``useManualPreferenceRanking`` is set
(GMCR+ has one switch for all decision makers). A few detente-only keys (``name``,
``description``, ``sources``, ``statusQuo`` and option/decision-maker ``id``) are added; GMCR+
ignores keys it does not know, and :func:`gmcr_to_data` reads them back.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import PurePath
from typing import Any

import numpy as np

from detente.errors import InputError, ScenarioError
from detente.scenario.codes import code_text
from detente.scenario.expr import And, Const, Expr, Iff, Implies, Lit, Not, Or, options_used
from detente.scenario.model import Scenario

__all__ = [
    "DIRECTIONS",
    "MAX_DNF_TERMS",
    "GMCRPlusWarning",
    "data_to_gmcr",
    "gmcr_to_data",
    "is_gmcr_data",
]

#: GMCR+ ``permittedDirection`` -> detente ``reversible``.
DIRECTIONS: dict[str, str] = {"both": "both", "fwd": "forward", "back": "backward"}
_TO_GMCR_DIRECTION = {v: k for k, v in DIRECTIONS.items()}
#: Largest number of conjunctions one exported condition may have before export falls back
#: (preferences: to a manual ranking; infeasibility: to the condition's infeasible patterns).
MAX_DNF_TERMS = 256
#: Largest number of options a preference ranking may be read or written for.
MAX_RANKING_OPTIONS = 22
#: Largest number of options one infeasibility condition may use for the pattern fallback.
_MAX_PATTERN_OPTIONS = 16

#: The families' sections a GMCR+ file holds (per decision maker).
_EXPORTED_SECTIONS = frozenset({"misperceptions"})
_KEYWORDS = frozenset({"not", "and", "or", "if", "iff", "true", "false"})
_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_TOP_KEYS = frozenset(
    {
        "options",
        "decisionMakers",
        "infeasibles",
        "useManualPreferenceRanking",
        "useManualPreferenceVectors",
        "coalitions",
        "coalitionsFull",
        "misperceptions",
        "program",
        "version",
        # detente's own additions (written by data_to_gmcr, ignored by GMCR+)
        "name",
        "description",
        "sources",
        "statusQuo",
    }
)
_DM_KEYS = frozenset(
    {
        "name",
        "id",
        "options",
        "preferences",
        "preferenceRanking",
        "preferenceVector",
        "payoffs",
        "misperceptions",
    }
)

Literal_ = tuple[int, bool]  # (option index, taken)
Term = tuple[Literal_, ...]  # conjunction, literals in first-seen order


class GMCRPlusWarning(UserWarning):
    """Part of a GMCR+ file (or of a scenario being exported) that was dropped."""


def is_gmcr_data(data: Any) -> bool:
    """Whether parsed file data looks like a GMCR+ save file rather than a detente scenario."""
    return isinstance(data, Mapping) and "decisionMakers" in data and "detente" not in data


# =============================================================================================
# Import
# =============================================================================================


class _Reader:
    """Conversion state: the source name for errors, and the dropped parts for warnings."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.notes: list[str] = []

    def error(self, field: str | None, message: str) -> ScenarioError:
        return ScenarioError(message, source=self.source, field=field)

    def drop(self, message: str) -> None:
        """Warn that ``message`` was dropped, and note it in the scenario."""
        self.notes.append(message)
        warnings.warn(f"{self.source}: {message}", GMCRPlusWarning, stacklevel=3)


def gmcr_to_data(data: dict[str, Any], source: str = "<gmcr>") -> dict[str, Any]:
    """Convert a parsed GMCR+ save file into detente scenario data (format version 1).

    Parameters
    ----------
    data
        The parsed JSON of a ``.gmcr`` file.
    source
        File name used in error messages and warnings.

    Returns
    -------
    dict
        Scenario data for :func:`detente.loading.from_data` (``detente: 1``, ``actors`` with
        contiguous options, ``infeasible``, ``preferences`` and ``notes`` on what was dropped).
        Options are regrouped by decision maker (decision-maker order, each one's options in
        its listed order), which is also how GMCR+ orders them once loaded.

    Raises
    ------
    ScenarioError
        One line naming the file, the field and the problem: wrong structure, a reference to a
        missing option, an option nobody controls, a ranking that does not list every feasible
        state exactly once.

    Warns
    -----
    GMCRPlusWarning
        For every part detente cannot model (GMCR+ coalitions, decision makers
        without options, unknown fields); each is also listed in the returned ``notes``.
    """
    rd = _Reader(source)
    if not isinstance(data, Mapping):
        raise rd.error(
            None, "a GMCR+ file must be a JSON object with `options` and `decisionMakers`"
        )
    for key in data:
        if key not in _TOP_KEYS:
            rd.drop(f"unknown GMCR+ field {key!r} ignored")
    lay = _layout(rd, data)
    if list(lay.pos) != list(range(lay.n)):
        rd.notes.append(
            "Options regrouped by decision maker (GMCR+ index -> detente option): "
            + ", ".join(f"{gi} -> {ref}" for gi, ref in lay.refs.items())
            + "."
        )
    infeasible, inf_terms = _infeasibles(rd, data, lay)
    preferences = _preferences(rd, data, lay, inf_terms)
    misperceptions = _misperceptions(rd, lay)
    _drop_unmodelled(rd, data, lay)
    out = _assemble(rd, data, lay, infeasible, preferences)
    if misperceptions:
        out["misperceptions"] = misperceptions
    return out


@dataclass
class _Layout:
    """Options and decision makers of a GMCR+ file, and their detente ids and order."""

    raw_dms: list[Any]
    opt_names: list[str]
    directions: list[str]
    owner: dict[int, int]  # GMCR+ option index -> decision maker index
    dm_opts: list[list[int]]  # each decision maker's option indices
    kept: list[int]  # decision makers with options
    dm_names: list[str]
    actor_of: dict[int, str]  # decision maker index -> actor id
    opt_ids: dict[int, str]  # GMCR+ option index -> option id

    @property
    def n(self) -> int:
        return len(self.opt_names)

    @property
    def pos(self) -> dict[int, int]:
        """GMCR+ option index -> detente option index (grouped by decision maker)."""
        order = [gi for j in self.kept for gi in self.dm_opts[j]]
        return {gi: k for k, gi in enumerate(order)}

    @property
    def refs(self) -> dict[int, str]:
        """GMCR+ option index -> ``ACTOR.OPTION``."""
        return {gi: f"{self.actor_of[self.owner[gi]]}.{self.opt_ids[gi]}" for gi in range(self.n)}


def _layout(rd: _Reader, data: Mapping[str, Any]) -> _Layout:
    opt_names, directions, opt_hint = _options(rd, data)
    raw_dms = data.get("decisionMakers")
    if not isinstance(raw_dms, list) or not raw_dms:
        raise rd.error("decisionMakers", "must be a non-empty list of decision makers")
    owner, dm_opts = _ownership(rd, raw_dms, opt_names)
    kept = [j for j in range(len(raw_dms)) if dm_opts[j]]
    dm_names = [_name(rd, raw_dms[j], f"decisionMakers[{j}]") for j in range(len(raw_dms))]
    for j in range(len(raw_dms)):
        if not dm_opts[j]:
            rd.drop(
                f"decision maker {dm_names[j]!r} controls no options and was left out (it can "
                "never move, so it is stable everywhere and cannot sanction)"
            )
    actor_ids = _unique_ids([(raw_dms[j].get("id"), dm_names[j]) for j in kept], fallback="DM")
    opt_ids: dict[int, str] = {}
    for j in kept:
        ids = _unique_ids([(opt_hint[gi], opt_names[gi]) for gi in dm_opts[j]], fallback="option")
        for gi, oid in zip(dm_opts[j], ids, strict=True):
            opt_ids[gi] = oid
    return _Layout(raw_dms, opt_names, directions, owner, dm_opts, kept, dm_names,
                   {j: actor_ids[k] for k, j in enumerate(kept)}, opt_ids)


def _options(rd: _Reader, data: Mapping[str, Any]) -> tuple[list[str], list[str], list[Any]]:
    """Names, detente directions and id hints of the file's options."""
    raw_opts = data.get("options")
    if not isinstance(raw_opts, list) or not raw_opts:
        raise rd.error("options", "must be a non-empty list of {name, permittedDirection}")
    names: list[str] = []
    directions: list[str] = []
    hints: list[Any] = []
    for i, o in enumerate(raw_opts):
        if not isinstance(o, Mapping):
            raise rd.error(f"options[{i}]", "each option must be an object with `name`")
        names.append(_name(rd, o, f"options[{i}]"))
        d = o.get("permittedDirection", "both")
        if d not in DIRECTIONS:
            raise rd.error(
                f"options[{i}].permittedDirection",
                f"must be 'both', 'fwd' or 'back'; got {d!r}",
            )
        directions.append(DIRECTIONS[d])
        hints.append(o.get("id"))
    return names, directions, hints


def _ownership(rd: _Reader, raw_dms: list[Any], opt_names: list[str]) \
        -> tuple[dict[int, int], list[list[int]]]:
    """Which decision maker controls each option; each one's options in its listed order."""
    n = len(opt_names)
    owner: dict[int, int] = {}
    dm_opts: list[list[int]] = []
    for j, dm in enumerate(raw_dms):
        path = f"decisionMakers[{j}]"
        if not isinstance(dm, Mapping):
            raise rd.error(path, "each decision maker must be an object with `name` and `options`")
        for key in dm:
            if key not in _DM_KEYS:
                rd.drop(f"unknown field {key!r} of decision maker {j} ignored")
        opts_j = dm.get("options")
        if not isinstance(opts_j, list):
            raise rd.error(f"{path}.options", "must be a list of option indices")
        mine: list[int] = []
        for k, idx in enumerate(opts_j):
            gi = _option_index(rd, idx, n, f"{path}.options[{k}]")
            if gi in mine:
                continue  # GMCR+ ignores a repeated option too
            if gi in owner:
                raise rd.error(
                    f"{path}.options[{k}]",
                    f"option {gi} ({opt_names[gi]!r}) is already controlled by decision maker "
                    f"{owner[gi]}; each option belongs to one decision maker",
                )
            owner[gi] = j
            mine.append(gi)
        dm_opts.append(mine)
    for gi in range(n):
        if gi not in owner:
            raise rd.error(
                "options",
                f"option {gi} ({opt_names[gi]!r}) is not controlled by any decision maker; "
                "list it in one decision maker's `options`",
            )
    return owner, dm_opts


def _actors(lay: _Layout) -> list[dict[str, Any]]:
    actors = []
    for j in lay.kept:
        options = []
        for gi in lay.dm_opts[j]:
            spec: dict[str, Any] = {"id": lay.opt_ids[gi], "name": lay.opt_names[gi]}
            if lay.directions[gi] != "both":
                spec["reversible"] = lay.directions[gi]
            options.append(spec)
        actors.append({"id": lay.actor_of[j], "name": lay.dm_names[j], "options": options})
    return actors


def _infeasibles(rd: _Reader, data: Mapping[str, Any], lay: _Layout) \
        -> tuple[list[str], list[Term]]:
    """The infeasibility conditions as detente text, and as terms over GMCR+ indices."""
    raw_inf = data.get("infeasibles", [])
    if not isinstance(raw_inf, list):
        raise rd.error("infeasibles", "must be a list of conditions")
    refs = lay.refs
    terms: list[Term] = []
    texts: list[str] = []
    for i, cond in enumerate(raw_inf):
        term = _condition(rd, cond, lay.n, f"infeasibles[{i}]")
        if not term:
            raise rd.error(
                f"infeasibles[{i}]", "an empty condition would remove every state; remove it"
            )
        terms.append(term)
        texts.append(_term_text(term, refs))
    return texts, terms


def _preferences(rd: _Reader, data: Mapping[str, Any], lay: _Layout,
                 inf_terms: Sequence[Term]) -> dict[str, Any]:
    """Each actor's ``statements``, or its ``ranking`` when the file uses manual rankings."""
    manual = data.get("useManualPreferenceRanking", data.get("useManualPreferenceVectors", False))
    if not isinstance(manual, bool):
        raise rd.error("useManualPreferenceRanking", f"must be true or false; got {manual!r}")
    if not manual:
        return {lay.actor_of[j]: {"statements": _statements(rd, lay, j)} for j in lay.kept}
    if lay.n > MAX_RANKING_OPTIONS:
        raise rd.error(
            "useManualPreferenceRanking",
            f"manual preference rankings are supported for at most {MAX_RANKING_OPTIONS} "
            f"options; this file has {lay.n}",
        )
    feasible = _feasible_codes(inf_terms, lay.pos, lay.n)
    preferences: dict[str, Any] = {}
    for j in lay.kept:
        dm = lay.raw_dms[j]
        path = f"decisionMakers[{j}]"
        key = "preferenceRanking" if "preferenceRanking" in dm else "preferenceVector"
        if key not in dm:
            raise rd.error(
                path,
                "useManualPreferenceRanking is true but this decision maker has no "
                "`preferenceRanking`; add one or set useManualPreferenceRanking to false",
            )
        ranking = _ranking(rd, dm[key], feasible, lay.n, f"{path}.{key}")
        preferences[lay.actor_of[j]] = {"ranking": ranking}
        if dm.get("preferences"):
            rd.notes.append(
                f"Prioritised preferences of {lay.dm_names[j]!r} not imported: the file uses "
                "its manual preference ranking (useManualPreferenceRanking), as GMCR+ does."
            )
    return preferences


def _statements(rd: _Reader, lay: _Layout, j: int) -> list[str]:
    path = f"decisionMakers[{j}]"
    raw_pref = lay.raw_dms[j].get("preferences")
    if not isinstance(raw_pref, list):
        raise rd.error(
            f"{path}.preferences", "must be a list of conditions or compound conditions"
        )
    refs = lay.refs
    statements = [
        _statement(rd, s, lay.n, refs, f"{path}.preferences[{k}]") for k, s in enumerate(raw_pref)
    ]
    if not statements:
        rd.notes.append(f"{lay.dm_names[j]!r} has no preference statements: all states tie for it.")
        return ["true"]
    return statements


def _misperceptions(rd: _Reader, lay: _Layout) -> dict[str, list[str]]:
    """Each decision maker's misperception conditions as detente condition texts.

    A decision maker's ``misperceptions`` is a list of conditions in the ``infeasibles``
    shape; the states meeting any of them are the states it misperceives (it cannot move to
    or from them; see :mod:`detente.conflict.misperception`)."""
    out: dict[str, list[str]] = {}
    refs = lay.refs
    for j, dm in enumerate(lay.raw_dms):
        mis = dm.get("misperceptions")
        if not mis:
            continue
        path = f"decisionMakers[{j}].misperceptions"
        if not isinstance(mis, list):
            raise rd.error(path, "must be a list of conditions, as `infeasibles`")
        if j not in lay.kept:
            rd.drop(f"misperceptions of decision maker {lay.dm_names[j]!r} dropped with it "
                    "(it controls no options, so it never moves)")
            continue
        out[lay.actor_of[j]] = [
            _term_text(_condition(rd, cond, lay.n, f"{path}[{k}]"), refs)
            for k, cond in enumerate(mis)
        ]
    return out


def _drop_unmodelled(rd: _Reader, data: Mapping[str, Any], lay: _Layout) -> None:
    """Warn about (and note) what detente does not model: GMCR+ coalitions, a top-level
    ``misperceptions`` field (GMCR+ keeps them per decision maker)."""
    if data.get("misperceptions"):
        rd.drop("top-level `misperceptions` dropped: GMCR+ files keep misperceptions per "
                "decision maker (decisionMakers[j].misperceptions), and so does detente")
    _coalitions(rd, data.get("coalitions"), lay.dm_names)


def _assemble(rd: _Reader, data: Mapping[str, Any], lay: _Layout, infeasible: list[str],
              preferences: dict[str, Any]) -> dict[str, Any]:
    """The scenario data, with its name, sources and the notes on what was dropped."""
    source = rd.source
    program = str(data.get("program", "GMCR+"))
    version = data.get("version")
    stem = PurePath(source).stem if source and not source.startswith("<") else ""
    name = data.get("name") if isinstance(data.get("name"), str) and data["name"].strip() else None
    out: dict[str, Any] = {
        "detente": 1,
        "name": name or stem or "GMCR+ conflict",
        "description": (
            data["description"]
            if isinstance(data.get("description"), str)
            else "Imported from a GMCR+ save file."
        ),
    }
    sources = data.get("sources")
    if isinstance(sources, list) and all(isinstance(s, str) for s in sources):
        out["sources"] = list(sources)
    else:
        where = f" {PurePath(source).name}" if stem else ""
        ver = f" {version}" if isinstance(version, str | int | float) else ""
        out["sources"] = [f"GMCR+ save file{where} (written by {program}{ver})"]
    out["actors"] = _actors(lay)
    if infeasible:
        out["infeasible"] = infeasible
    out["preferences"] = preferences
    sq = data.get("statusQuo")
    if sq is not None:
        out["status_quo"] = _status_quo(rd, sq, lay.pos, lay.n)
    if rd.notes:
        out["notes"] = "Imported from GMCR+. " + " ".join(
            note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".") for note in rd.notes
        )
    return out


def _name(rd: _Reader, obj: Mapping[str, Any], path: str) -> str:
    name = obj.get("name")
    if isinstance(name, bool) or not isinstance(name, str | int | float):
        raise rd.error(f"{path}.name", "required: give a name (text)")
    text = str(name).strip()
    if not text:
        raise rd.error(f"{path}.name", "must not be empty")
    return text


def _option_index(rd: _Reader, idx: Any, n: int, path: str) -> int:
    if isinstance(idx, bool) or not isinstance(idx, int):
        raise rd.error(
            path, f"an option reference must be an option index (0..{n - 1}); got {idx!r}"
        )
    if not 0 <= idx < n:
        raise rd.error(
            path, f"refers to option {idx}, which does not exist (options are 0..{n - 1})"
        )
    return idx


def _condition(rd: _Reader, cond: Any, n: int, path: str) -> Term:
    """A GMCR+ condition (``[[index, "Y"|"N"], ...]``) as a tuple of literals."""
    if not isinstance(cond, list):
        raise rd.error(path, 'a condition must be a list of [option index, "Y" or "N"] pairs')
    seen: dict[int, bool] = {}
    for k, pair in enumerate(cond):
        if not isinstance(pair, list) or len(pair) != 2:
            raise rd.error(
                f"{path}[{k}]", f'must be a pair [option index, "Y" or "N"]; got {pair!r}'
            )
        gi = _option_index(rd, pair[0], n, f"{path}[{k}][0]")
        if pair[1] not in ("Y", "N"):
            raise rd.error(
                f"{path}[{k}][1]", f'must be "Y" (taken) or "N" (not taken); got {pair[1]!r}'
            )
        taken = pair[1] == "Y"
        if gi in seen and seen[gi] != taken:
            raise rd.error(path, f"option {gi} is required both taken and not taken; give it once")
        seen[gi] = taken
    return tuple(seen.items())


def _statement(rd: _Reader, item: Any, n: int, refs: Mapping[int, str], path: str) -> str:
    if isinstance(item, Mapping):
        members = item.get("members")
        if not isinstance(members, list):
            raise rd.error(f"{path}.members", "a compound statement needs a list of `members`")
        terms = [_condition(rd, m, n, f"{path}.members[{k}]") for k, m in enumerate(members)]
        return _dnf_text(terms, refs)
    return _term_text(_condition(rd, item, n, path), refs)


def _term_text(term: Term, refs: Mapping[int, str]) -> str:
    if not term:
        return "true"
    return " and ".join(refs[i] if taken else f"not {refs[i]}" for i, taken in term)


def _dnf_text(terms: Sequence[Term], refs: Mapping[int, str]) -> str:
    if not terms:
        return "false"
    if len(terms) == 1:
        return _term_text(terms[0], refs)
    return " or ".join(
        _term_text(t, refs) if len(t) <= 1 else f"({_term_text(t, refs)})" for t in terms
    )


def _unique_ids(items: Iterable[tuple[Any, str]], fallback: str) -> list[str]:
    """Ids from preferred ids (detente's own ``id`` key) or names, made valid and unique."""
    out: list[str] = []
    used: set[str] = set()
    for hint, name in items:
        if (
            isinstance(hint, str)
            and _ID_RE.match(hint)
            and "-" not in hint
            and hint.lower() not in _KEYWORDS
            and hint.lower() not in used
        ):
            base = hint
        else:
            base = _sanitise(name, fallback)
        cand, k = base, 2
        while cand.lower() in used:
            cand, k = f"{base}_{k}", k + 1
        used.add(cand.lower())
        out.append(cand)
    return out


def _sanitise(name: str, fallback: str) -> str:
    """An id matching ``^[A-Za-z_][A-Za-z0-9_]*$`` that reads like ``name``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
    if not text:
        text = fallback
    if text[0].isdigit():
        text = "_" + text
    if text.lower() in _KEYWORDS:
        text += "_"
    return text


def _feasible_codes(inf_terms: Sequence[Term], pos: Mapping[int, int], n: int) -> list[int]:
    """Feasible state codes (detente option order), increasing."""
    codes = np.arange(1 << n, dtype=np.int64)
    bad = np.zeros(codes.shape, dtype=bool)
    for term in inf_terms:
        hit = np.ones(codes.shape, dtype=bool)
        for gi, taken in term:
            bit = ((codes >> pos[gi]) & 1).astype(bool)
            hit &= bit if taken else ~bit
        bad |= hit
    return [int(c) for c in codes[~bad]]


def _code_text(code: int, n: int) -> str:
    return code_text(code, n)


def _ranking(rd: _Reader, raw: Any, feasible: Sequence[int], n: int, path: str) -> list[Any]:
    if not isinstance(raw, list):
        raise rd.error(path, "must be a list of ordered state numbers, most preferred first")
    size = len(feasible)
    seen: set[int] = set()
    out: list[Any] = []
    for g, group in enumerate(raw):
        items = group if isinstance(group, list) else [group]
        texts = []
        for k, num in enumerate(items):
            where = f"{path}[{g}][{k}]" if isinstance(group, list) else f"{path}[{g}]"
            if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= size:
                raise rd.error(
                    where,
                    f"{num!r} is not the ordered number of a feasible state (1..{size})",
                )
            if num in seen:
                raise rd.error(where, f"state {num} appears twice; list each state once")
            seen.add(num)
            texts.append(_code_text(feasible[num - 1], n))
        if not texts:
            continue  # an empty tie group changes nothing
        out.append(texts if isinstance(group, list) and len(texts) > 1 else texts[0])
    missing = [k for k in range(1, size + 1) if k not in seen]
    if missing:
        raise rd.error(
            path,
            f"ranking misses {len(missing)} of the {size} feasible states, e.g. state "
            f"{missing[0]} ({_code_text(feasible[missing[0] - 1], n)}); list every feasible "
            "state exactly once",
        )
    return out


def _status_quo(rd: _Reader, raw: Any, pos: Mapping[int, int], n: int) -> str:
    if not isinstance(raw, str) or len(raw) != n or any(ch not in "YN" for ch in raw):
        raise rd.error("statusQuo", f"must be a Y/N code with one character per option ({n})")
    code = sum(1 << pos[gi] for gi, ch in enumerate(raw) if ch == "Y")
    return _code_text(code, n)


def _coalitions(rd: _Reader, raw: Any, dm_names: Sequence[str]) -> None:
    if raw is None:
        return
    if not isinstance(raw, list):
        rd.drop("malformed `coalitions` ignored")
        return
    groups = [g for g in raw if isinstance(g, list) and len(g) > 1]
    if groups:
        shown = "; ".join(
            "+".join(
                dm_names[m] if isinstance(m, int) and 0 <= m < len(dm_names) else str(m) for m in g
            )
            for g in groups
        )
        rd.drop(
            f"GMCR+ coalitions ({shown}) dropped: GMCR+ merges a coalition into one decision "
            "maker, which detente does not do; every decision maker is analysed separately"
        )


# =============================================================================================
# Export
# =============================================================================================


class _TooBigError(Exception):
    """A condition's disjunctive form exceeds the term limit."""


def data_to_gmcr(scenario: Scenario) -> dict[str, Any]:
    """Export a detente scenario as GMCR+ save-file data (JSON-serialisable).

    Parameters
    ----------
    scenario
        A validated scenario (with its variant applied, if any).

    Returns
    -------
    dict
        GMCR+ data: ``options`` (with ``permittedDirection``), ``decisionMakers`` (option
        indices, prioritised ``preferences`` and, when needed, ``preferenceRanking``),
        ``infeasibles``, ``coalitions``, ``useManualPreferenceRanking``, ``program`` and
        ``version``, plus detente's ``name``, ``description``, ``sources``, ``statusQuo`` and
        ``id`` keys (ignored by GMCR+).

    Notes
    -----
    Each condition is rewritten exactly as a disjunction of conjunctions of literals (negation
    becomes ``"N"``; ``a if b`` becomes ``not b or a``; ``iff`` and nested ``and``/``or`` are
    expanded): a conjunction is a plain GMCR+ condition, a disjunction a compound one. A
    statement that is constant (``true``/``false``) is left out, which changes no comparison.
    When an actor's preferences are an explicit ranking, or a statement would need more than
    :data:`MAX_DNF_TERMS` conjunctions, all decision makers get a ``preferenceRanking`` from
    :func:`detente.conflict.preferences.payoff_ranks` and ``useManualPreferenceRanking`` is
    true (statements that could be written are still included, so they are not lost).
    An infeasibility condition that is too large is written as its infeasible patterns over the
    options it uses.

    Raises
    ------
    ValueError
        If a ranking is needed for more than :data:`MAX_RANKING_OPTIONS` options, or an
        infeasibility condition uses more than 16 options and has no compact form.

    Warns
    -----
    GMCRPlusWarning
        For sections GMCR+ cannot hold (interests, variants, coalitions, verification, issues,
        uncertainties) and when preferences are exported as a ranking.
    """
    from detente import __version__

    n = scenario.n_options
    options = [
        {
            "name": o.name,
            "permittedDirection": _TO_GMCR_DIRECTION[o.reversible],
            "id": o.id,
        }
        for o in scenario.options
    ]

    infeasibles = _export_infeasibles(scenario)
    reasons: list[str] = []  # why a ranking is needed
    too_big: list[str] = []  # statements with no compact GMCR+ form
    dms = [
        {
            "name": a.name,
            "id": a.id,
            "options": [o.index for o in a.options],
            "preferences": _export_statements(scenario, a.id, reasons, too_big),
        }
        for a in scenario.actors
    ]
    for dm, mis in zip(dms, _export_misperceptions(scenario), strict=True):
        if mis:
            dm["misperceptions"] = mis
    manual = bool(reasons)
    if manual:
        if n > MAX_RANKING_OPTIONS:
            raise InputError(
                f"cannot export to GMCR+: {reasons[0]}, and a preference ranking needs at most "
                f"{MAX_RANKING_OPTIONS} options (this scenario has {n})"
            )
        for dm, ranking in zip(dms, _rankings(scenario), strict=True):
            dm["preferenceRanking"] = ranking
        if too_big:
            warnings.warn(
                "GMCR+ export: preferences written as manual preference rankings for every "
                f"decision maker because {'; '.join(too_big)}",
                GMCRPlusWarning,
                stacklevel=2,
            )

    dropped = _unexportable(scenario)
    if dropped:
        warnings.warn(
            "GMCR+ export: GMCR+ files cannot hold " + ", ".join(dropped) + "; left out",
            GMCRPlusWarning,
            stacklevel=2,
        )

    out: dict[str, Any] = {
        "name": scenario.name,
        "description": scenario.description,
        "sources": list(scenario.sources),
        "options": options,
        "decisionMakers": dms,
        "infeasibles": infeasibles,
        "coalitions": list(range(len(dms))),
        "useManualPreferenceRanking": manual,
        "program": "detente",
        "version": __version__,
    }
    if scenario.status_quo is not None:
        out["statusQuo"] = scenario.code_text(scenario.status_quo)
    return out


def _export_infeasibles(scenario: Scenario) -> list[list[list[Any]]]:
    """The infeasibility conditions as GMCR+ conditions (one per conjunction)."""
    infeasibles: list[list[list[Any]]] = []
    for k, c in enumerate(scenario.infeasible):
        for term in _condition_terms(c.expr, f"infeasible[{k}] ({c.text!r})"):
            if not term:
                raise InputError(
                    f"infeasible[{k}] ({c.text!r}) holds in every state; nothing would be feasible"
                )
            infeasibles.append(_gmcr_condition(term))
    return infeasibles


def _condition_terms(expr: Expr, what: str) -> list[Term]:
    """``expr`` as conjunctions (its disjunctive form, or its patterns when that is too big)."""
    try:
        return _dnf(expr)
    except _TooBigError:
        return _patterns(expr, what)


def _export_misperceptions(scenario: Scenario) -> list[list[list[list[Any]]]]:
    """Each actor's misperception conditions as GMCR+ conditions (one per conjunction; an
    empty condition, which every state meets, when a condition always holds)."""
    section = scenario.sections.get("misperceptions")
    conditions = getattr(section, "conditions", None) or {}
    return [
        [
            _gmcr_condition(term)
            for k, c in enumerate(conditions.get(a.id, ()))
            for term in _condition_terms(c.expr, f"misperceptions.{a.id}[{k}] ({c.text!r})")
        ]
        for a in scenario.actors
    ]


def _export_statements(scenario: Scenario, actor_id: str, reasons: list[str],
                       too_big: list[str]) -> list[Any]:
    """An actor's statements as GMCR+ (compound) conditions; appends to ``reasons`` (and
    ``too_big``) when the actor's preferences need a ranking instead."""
    pref = scenario.preferences[actor_id]
    if pref.kind == "ranking":
        reasons.append(f"actor {actor_id!r} has an explicit ranking")
        return []
    statements: list[Any] = []
    for k, s in enumerate(pref.statements, start=1):
        try:
            terms = _dnf(s.expr)
        except _TooBigError:
            too_big.append(
                f"statement {k} of {actor_id!r} ({s.text!r}) needs more than "
                f"{MAX_DNF_TERMS} GMCR+ conditions"
            )
            reasons.append(too_big[-1])
            return []
        if terms == [] or terms == [()]:
            continue  # constant: the same for every state, so it decides nothing
        if len(terms) == 1:
            statements.append(_gmcr_condition(terms[0]))
        else:
            statements.append({"compound": True, "members": [_gmcr_condition(t) for t in terms]})
    return statements


def _unexportable(scenario: Scenario) -> list[str]:
    """The parts of ``scenario`` a GMCR+ file cannot hold."""
    dropped = []
    if scenario.interests:
        dropped.append("interests")
    if scenario.variants:
        dropped.append(
            "variants (exported: "
            + (f"variant {scenario.variant!r})" if scenario.variant else "the base scenario)")
        )
    if scenario.coalitions:
        dropped.append("coalitions")
    # the model families' sections, in the order they are parsed
    dropped.extend(k for k, v in scenario.sections.items()
                   if v is not None and v != () and k not in _EXPORTED_SECTIONS)
    return dropped


def _gmcr_condition(term: Term) -> list[list[Any]]:
    return [[i, "Y" if taken else "N"] for i, taken in term]


def _dnf(expr: Expr, positive: bool = True) -> list[Term]:
    """``expr`` (or its negation) as a disjunction of conjunctions of literals (exact)."""
    if isinstance(expr, Lit):
        return [((expr.index, positive),)]
    if isinstance(expr, Const):
        return [()] if expr.value == positive else []
    if isinstance(expr, Not):
        return _dnf(expr.arg, not positive)
    if isinstance(expr, And | Or):
        parts = [_dnf(a, positive) for a in expr.args]
        conj = isinstance(expr, And) == positive  # De Morgan swaps and/or under negation
        return _conjoin(parts) if conj else _disjoin(parts)
    if isinstance(expr, Implies):  # premise -> conclusion  ==  not premise or conclusion
        if positive:
            return _disjoin([_dnf(expr.premise, False), _dnf(expr.conclusion, True)])
        return _conjoin([_dnf(expr.premise, True), _dnf(expr.conclusion, False)])
    if isinstance(expr, Iff):
        same = positive
        left_t, left_f = _dnf(expr.left, True), _dnf(expr.left, False)
        right_t, right_f = _dnf(expr.right, True), _dnf(expr.right, False)
        if same:
            return _disjoin([_conjoin([left_t, right_t]), _conjoin([left_f, right_f])])
        return _disjoin([_conjoin([left_t, right_f]), _conjoin([left_f, right_t])])
    raise TypeError(f"not a condition: {expr!r}")  # pragma: no cover


def _disjoin(parts: Sequence[list[Term]]) -> list[Term]:
    return _simplify([t for p in parts for t in p])


def _conjoin(parts: Sequence[list[Term]]) -> list[Term]:
    acc: list[Term] = [()]
    for p in parts:
        nxt: list[Term] = []
        for a in acc:
            for b in p:
                merged = _merge(a, b)
                if merged is not None:
                    nxt.append(merged)
        acc = _simplify(nxt)
    return acc


def _merge(a: Term, b: Term) -> Term | None:
    """Conjunction of two terms, or ``None`` when they contradict."""
    lits = dict(a)
    for i, v in b:
        if lits.get(i, v) != v:
            return None
        lits[i] = v
    return tuple(lits.items())


def _simplify(terms: list[Term]) -> list[Term]:
    """Drop repeated terms and terms absorbed by a weaker one; keep first-seen order."""
    if len(terms) > 4 * MAX_DNF_TERMS:
        raise _TooBigError
    sets = [frozenset(t) for t in terms]
    out: list[Term] = []
    kept: list[frozenset[Literal_]] = []
    for k, (t, s) in enumerate(zip(terms, sets, strict=True)):
        absorbed = any(o < s or (o == s and j < k) for j, o in enumerate(sets) if j != k)
        if not absorbed and s not in kept:
            out.append(t)
            kept.append(s)
    if len(out) > MAX_DNF_TERMS:
        raise _TooBigError
    return out


def _patterns(expr: Expr, what: str) -> list[Term]:
    """The assignments of the options ``expr`` uses that make it true (exact fallback)."""
    used = sorted(options_used(expr))
    if len(used) > _MAX_PATTERN_OPTIONS:
        raise InputError(
            f"cannot export {what} to GMCR+: it has no compact form and uses {len(used)} "
            f"options (at most {_MAX_PATTERN_OPTIONS}); simplify it"
        )
    from detente.scenario.expr import evaluate

    out: list[Term] = []
    for values in product((False, True), repeat=len(used)):
        code = sum(1 << i for i, v in zip(used, values, strict=True) if v)
        if bool(evaluate(expr, np.array([code], dtype=np.int64))[0]):
            out.append(tuple(zip(used, values, strict=True)))
    return out


def _rankings(scenario: Scenario) -> list[list[Any]]:
    """Each actor's GMCR+ preference ranking (ordered numbers, most preferred first)."""
    from detente.conflict.preferences import payoff_ranks
    from detente.conflict.statespace import build_state_space

    space = build_state_space(scenario)
    ranks = payoff_ranks(scenario, space)
    out: list[list[Any]] = []
    for a in scenario.actors:
        r = np.asarray(ranks[a.id], dtype=np.int64)
        ranking: list[Any] = []
        for value in sorted(set(r.tolist()), reverse=True):
            ordered = [int(k) + 1 for k in np.flatnonzero(r == value)]
            ranking.append(ordered if len(ordered) > 1 else ordered[0])
        out.append(ranking)
    return out
