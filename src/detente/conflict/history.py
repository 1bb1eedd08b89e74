"""The ``history:`` section of a scenario file: the recorded course of a conflict.

A history is a list of dated states, oldest first; the first entry is where the record starts.
Each entry names the options taken at that date, as ``status_quo:`` does (a list of
``ACTOR.OPTION`` references, or a ``Y``/``N`` code with one letter per option), and the public
source that documents it::

    history:
      - date: 2017-11-29
        event: ICBM test
        state: [US.pressure, NK.provoke]
        source: "Government statement, 29 Nov 2017"
      - date: 2018-04
        state: [US.pressure]
        source: "..."
        note: What the options cannot express.

Fields: ``date`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), ``state`` and ``source`` are
required; ``event`` (a short name), ``why`` (why the state is coded so) and ``note`` (what the
options cannot express) are optional. Dates must not decrease; a partial date counts as its
first day, and equal dates are events of one day listed in order.

This module owns the schema (:class:`HistoryEntrySpec`) and the parser
(:func:`parse_history`); the scenario loader calls the parser and stores the entries on
``Scenario.history``. Variants inherit the base history. Whether a recorded state is
feasible is checked against the base scenario only (:func:`check_feasible`): a variant that
rules out a recorded state is a finding of :func:`detente.conflict.hindcast.hindcast`, not an
error in the file. See docs/discussion/hindcast.md.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from detente.errors import InputError, ScenarioError
from detente.scenario.codes import code_text

if TYPE_CHECKING:  # pragma: no cover
    from detente.scenario.context import ErrorContext
    from detente.scenario.model import Scenario

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class HistoryEntrySpec(BaseModel):
    """One recorded state (the shape only; :func:`parse_history` resolves it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    date: str | int | _dt.date
    state: str | list[str]
    source: str
    event: str | None = None
    why: str | None = None
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        if not value.strip():
            raise InputError("source is empty; cite the public record of this entry")
        return value


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded state of the conflict.

    Attributes
    ----------
    date
        ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as written.
    state
        Integer state code (option ``k`` is bit ``k``).
    source
        The public source documenting the entry.
    event, why, note
        Optional: a short name, why the state is coded so, what the options cannot express.
    line
        1-based line of the entry in the file, when known.
    """

    date: str
    state: int
    source: str
    event: str | None = None
    why: str | None = None
    note: str | None = None
    line: int | None = None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """``(year, month, day)``, a missing month or day counting as 1."""
        return date_key(self.date)

    def to_dict(self, n_options: int) -> dict[str, Any]:
        """JSON form (the state as a ``Y``/``N`` code)."""
        return {"date": self.date,
                "state": code_text(self.state, n_options),
                "source": self.source, "event": self.event, "why": self.why, "note": self.note}


def date_key(text: str) -> tuple[int, int, int]:
    """``(year, month, day)`` of a ``YYYY[-MM[-DD]]`` date, missing parts counting as 1."""
    m = _DATE.match(text)
    if m is None:
        raise InputError(f"date {text!r} must be YYYY-MM-DD, YYYY-MM or YYYY")
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    _dt.date(y, mo, d)  # raises ValueError for a month or day out of range
    return y, mo, d


def _date_text(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = _DATE.match(text)
    if m is None:
        raise InputError(f"date {text!r} must be YYYY-MM-DD, YYYY-MM or YYYY; write it so")
    try:
        date_key(text)
    except ValueError:
        raise InputError(f"date {text!r} is not a calendar date; check the month and day") \
            from None
    y, mo, d = m.groups()
    return y + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if d else "")


def _resolve(scenario: Scenario) -> dict[str, int]:
    out = {o.ref: o.index for o in scenario.options}
    counts: dict[str, int] = {}
    for o in scenario.options:
        counts[o.id] = counts.get(o.id, 0) + 1
    for o in scenario.options:
        if counts[o.id] == 1:
            out.setdefault(o.id, o.index)
    return out


def parse_history(section: Any, scenario: Scenario, ctx: ErrorContext) -> tuple[HistoryEntry, ...]:
    """Validate a ``history:`` section against a scenario's options.

    Parameters
    ----------
    section
        The section's data (a list of mappings), or ``None``.
    scenario
        The scenario (its options resolve the states; feasibility is not checked here: see
        :func:`check_feasible`).
    ctx
        The loader's error context (turns a field path into a one-line error with the line).

    Returns
    -------
    tuple of HistoryEntry
        Oldest first (``()`` when there is no section).

    Raises
    ------
    ScenarioError
        One line naming the file, line, field and fix: not a list, empty, a missing or
        unknown field, a malformed date, dates out of order, an unknown option or a malformed
        code, a missing source.
    """
    from detente.scenario.context import ErrorContext, pydantic_error

    if section is None:
        return ()
    if not isinstance(section, list):
        raise ctx.error(("history",), "`history` must be a list of {date, state, source} "
                                      "entries, oldest first")
    if not section:
        raise ctx.error(("history",), "history is empty; add {date, state, source} entries or "
                                      "remove the section")
    refs = _resolve(scenario)
    out: list[HistoryEntry] = []
    for i, item in enumerate(section):
        path: tuple[str | int, ...] = ("history", i)
        if not isinstance(item, Mapping):
            raise ctx.error(path, "each history entry is a mapping with `date`, `state` and "
                                  "`source`")
        try:
            spec = HistoryEntrySpec.model_validate(item)
        except ValidationError as exc:
            sub = ErrorContext(ctx.source, ctx.lines, (*ctx.prefix, *path))
            raise pydantic_error(exc, item, sub) from None
        try:
            date = _date_text(spec.date)
        except ValueError as exc:
            raise ctx.error((*path, "date"), str(exc)) from None
        if isinstance(spec.state, list):
            code = 0
            for j, ref in enumerate(spec.state):
                if ref not in refs:
                    raise ctx.error((*path, "state", j),
                                    f"unknown option {ref!r}; list taken options as "
                                    f"ACTOR.OPTION ({', '.join(scenario.option_refs[:3])}, ...)")
                code |= 1 << refs[ref]
        else:
            try:
                code = scenario.parse_code(spec.state)
            except ValueError as exc:
                raise ctx.error((*path, "state"), str(exc)) from None
        line = ctx.lines.get((*ctx.prefix, *path))
        entry = HistoryEntry(date, code, spec.source, spec.event, spec.why, spec.note, line)
        if out and entry.sort_key < out[-1].sort_key:
            raise ctx.error((*path, "date"),
                            f"date {date} is before the previous entry's {out[-1].date}; list "
                            "the record oldest first")
        out.append(entry)
    return tuple(out)


def history_section(data: Any, scenario: Scenario, ctx: ErrorContext) -> tuple[HistoryEntry, ...]:
    """The ``history:`` section parser that :data:`detente.loading.SECTIONS` registers.

    Parses the entries (:func:`parse_history`) and checks that each recorded state is feasible
    in ``scenario``, the base the loader has built (variants inherit the base's history; a
    variant that rules a recorded state out is a finding of the hindcast, not a file error).
    """
    from detente.scenario.context import ErrorContext as _Root

    entries = parse_history(data, scenario, _Root(ctx.source, ctx.lines))
    check_feasible(scenario, entries)
    return entries


def check_feasible(scenario: Scenario, entries: tuple[Any, ...] | None = None) -> None:
    """Raise when a recorded state is infeasible in ``scenario`` (call it on the base).

    ``entries`` defaults to ``scenario.history``.

    Raises
    ------
    ScenarioError
        Naming the entry, its line and the infeasibility condition that removes the state.
    """
    import numpy as np

    for i, e in enumerate(scenario.history if entries is None else entries):
        if not isinstance(e, HistoryEntry):  # pragma: no cover - the loader builds entries
            continue
        codes = np.array([e.state], dtype=np.int64)
        for c in scenario.infeasible:
            if bool(c.holds(codes)[0]):
                raise ScenarioError(
                    f"recorded state {scenario.code_text(e.state)} is infeasible (it meets "
                    f"`{c.text}` under `infeasible`); record what the options allow, or relax "
                    "the condition", source=scenario.source, field=f"history[{i}].state",
                    line=e.line)


__all__ = [
    "HistoryEntry",
    "HistoryEntrySpec",
    "check_feasible",
    "date_key",
    "history_section",
    "parse_history",
]
