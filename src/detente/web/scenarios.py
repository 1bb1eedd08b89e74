"""Reading scenario text for the workbench: validation, GMCR+ import and the structured view.

Everything here calls detente's scenario loader; the only checks of its own are the limits a
server needs and a command-line tool does not (the size of the text, and how far YAML
anchors and aliases would expand it). Uploaded text is only ever parsed by the safe YAML/JSON
loaders: never evaluated, never used as a file path.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import detente
from detente.errors import DetenteError, ScenarioError
from detente.loading import loads_scenario
from detente.scenario import Scenario
from detente.scenario.text import yaml_alias_expansion

log = logging.getLogger("detente.web")

#: Scenario ids of user scenarios are decimal numbers of at most this many digits.
_USER_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_LABEL_BAD = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a scenario text.

    ``scenario`` is set when the text is valid; otherwise ``error`` is the loader's one-line
    message (``label:line: field: message``) with ``line`` and ``field`` when known.
    """

    text: str
    scenario: Scenario | None = None
    error: str | None = None
    line: int | None = None
    field: str | None = None
    notes: tuple[str, ...] = ()
    converted_from: str | None = None

    @property
    def valid(self) -> bool:
        """Whether the text is a valid scenario."""
        return self.scenario is not None


def builtin_names() -> list[str]:
    """Names of the bundled scenarios."""
    return list(detente.bundled_scenarios())


def user_id(sid: str) -> int | None:
    """The integer id of a user scenario id string (``None`` when it is not one)."""
    return int(sid) if _USER_ID.match(sid) else None


@functools.lru_cache(maxsize=64)
def builtin_text(name: str) -> str:
    """Text of a bundled scenario; ``name`` must be one of :func:`builtin_names`.

    Raises
    ------
    KeyError
        When ``name`` is not a bundled scenario (no path is ever built from other names).
    """
    if name not in builtin_names():
        raise KeyError(name)
    return Path(detente.scenario_path(name)).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=64)
def builtin_scenario(name: str) -> Scenario:
    """The loaded bundled scenario ``name`` (cached)."""
    return loads_scenario(builtin_text(name), source=f"{name}.yaml")


def clean_label(name: str | None, default: str) -> str:
    """A display label from an uploaded file name (letters, digits, ``._-``; at most 80)."""
    if not name:
        return default
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    label = _LABEL_BAD.sub("-", base).strip(".-")[:80]
    return label or default


@functools.lru_cache(maxsize=32)
def check_text(text: str, label: str, max_nodes: int = 200_000) -> Checked:
    """Validate scenario text exactly as ``detente`` does for a file named ``label``.

    A GMCR+ save file (JSON with ``decisionMakers``) is converted to detente YAML first (as
    ``detente import`` does); the returned :attr:`Checked.text` is then the YAML. Results are
    cached (the same text is checked by the editor, the run form and the run request).

    Parameters
    ----------
    text
        The YAML, JSON or GMCR+ text.
    label
        Name used in messages (``label:line: field: message``); only a label.
    max_nodes
        Refuse YAML whose anchors and aliases expand to more nodes than this.
    """
    alias_line = yaml_alias_expansion(text, max_nodes)
    if alias_line is not None:
        msg = ScenarioError(
            f"YAML anchors and aliases expand to more than {max_nodes:,} nodes; write the "
            "data out without aliases", source=label, line=alias_line,
        )
        return Checked(text, error=str(msg), line=alias_line)
    converted_from = None
    notes: tuple[str, ...] = ()
    try:
        gmcr = _gmcr_data(text, label)
        if gmcr is not None:
            text, notes = _convert_gmcr(gmcr, label)
            converted_from = "GMCR+"
            label = re.sub(r"\.(gmcr|json)$", "", label) + ".yaml"
        scenario = loads_scenario(text, source=label)
    except ScenarioError as exc:
        return Checked(text, error=str(exc), line=exc.line, field=exc.field, notes=notes,
                       converted_from=converted_from)
    except (DetenteError, ValueError, TypeError, KeyError, RecursionError) as exc:
        return Checked(text, error=_one_line(label, exc), notes=notes,
                       converted_from=converted_from)
    except Exception as exc:  # a loader bug must not become a server error
        log.exception("unexpected error while reading scenario %s", label)
        return Checked(text, error=_one_line(label, exc), notes=notes,
                       converted_from=converted_from)
    return Checked(text, scenario=scenario, notes=notes, converted_from=converted_from)


def _one_line(label: str, exc: BaseException) -> str:
    what = str(exc).replace("\n", " ").strip() or type(exc).__name__
    return f"{label}: cannot read the scenario: {what}"


def _gmcr_data(text: str, label: str) -> dict[str, Any] | None:
    """The parsed GMCR+ data when ``text`` is a GMCR+ save file (JSON), else ``None``."""
    if not text.lstrip().startswith("{") or "decisionMakers" not in text:
        return None
    from detente.formats.gmcrplus import is_gmcr_data
    from detente.scenario.text import parse_text

    data, _ = parse_text(text, label)
    return data if is_gmcr_data(data) else None


def _convert_gmcr(data: dict[str, Any], label: str) -> tuple[str, tuple[str, ...]]:
    from detente.formats.gmcrplus import GMCRPlusWarning, gmcr_to_data

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GMCRPlusWarning)
        scenario_data = gmcr_to_data(data, source=label)
    notes = tuple(str(w.message) for w in caught if issubclass(w.category, GMCRPlusWarning))
    header = (f"# Imported from the GMCR+ save file {label} by the detente workbench.\n"
              "# Options are grouped by actor; each option is one bit of a state code, in "
              "order.\n")
    body = yaml.safe_dump(scenario_data, sort_keys=False, allow_unicode=True, width=100)
    return header + body, notes


def structure(s: Scenario) -> dict[str, Any]:
    """The structured view of a scenario: actors, options, preferences, variants, interests.

    Returns
    -------
    dict
        Plain JSON-able data (the editor shows it beside the text).
    """
    prefs = []
    for a in s.actors:
        p = s.preferences.get(a.id)
        if p is None:
            prefs.append({"actor": a.id, "kind": "none", "statements": [], "groups": 0})
        elif p.kind == "statements":
            prefs.append({"actor": a.id, "kind": "statements",
                          "statements": [c.text for c in p.statements], "groups": 0})
        else:
            prefs.append({"actor": a.id, "kind": "ranking", "statements": [],
                          "groups": len(p.ranking)})
    return {
        "name": s.name,
        "description": s.description,
        "n_options": s.n_options,
        "status_quo": None if s.status_quo is None else s.code_text(s.status_quo),
        "actors": [
            {"id": a.id, "name": a.name,
             "options": [{"id": o.id, "name": o.name, "reversible": o.reversible}
                         for o in a.options]}
            for a in s.actors
        ],
        "infeasible": [c.text for c in s.infeasible],
        "preferences": prefs,
        "variants": [{"id": v.id, "name": v.name, "description": v.description}
                     for v in s.variants],
        "interests": [{"id": i.id, "name": i.name, "weight": i.weight} for i in s.interests],
        "coalitions": [list(c) for c in (s.coalitions or ())],
        "verification": s.verification is not None,
        "issues": [getattr(i, "name", str(i)) for i in s.issues],
    }


def state_space_error(s: Scenario, limit: int) -> str | None:
    """The state-space guard, before a run: the refusal message, or ``None`` when it fits.

    The guard is detente's own (:func:`detente.conflict.build_state_space` with ``limit``,
    then :func:`detente.conflict.statespace.check_move_tables` on every actor's move table),
    applied to the base model: the analysis builds it whatever the variants, and variants only
    add infeasibility conditions. Code spaces too large to enumerate quickly here (over 2**24
    codes, with infeasibility conditions) are left to the run, which applies the same guard
    and fails with the same message.
    """
    from detente.conflict import build_state_space
    from detente.conflict.statespace import (
        MAX_ENUMERATED_CODES,
        check_move_tables,
        check_some_feasible,
        max_moves_limit,
    )
    from detente.errors import ScenarioError, StateSpaceTooLarge

    try:
        check_some_feasible(s)
    except ScenarioError as exc:
        return str(exc)
    total = 1 << s.n_options
    widest = max(((1 << len(a.options)) - 1 for a in s.actors), default=0)
    if total <= limit and total * widest <= max_moves_limit():
        return None
    if s.infeasible and total <= MAX_ENUMERATED_CODES and total > 1 << 24:
        return None
    try:
        check_move_tables(build_state_space(s, max_states=limit))
    except StateSpaceTooLarge as exc:
        return str(exc)
    except MemoryError:
        return f"{s.source}: the state space does not fit in memory; reduce the options"
    return None
