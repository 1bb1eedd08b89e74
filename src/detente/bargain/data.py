"""Input tables for the bargaining models and the CSV readers behind ``detente forecast``.

Two layouts are read (header names are matched case-insensitively, surrounding spaces
ignored, unknown columns ignored):

* one issue: ``actor,capability,position,salience`` (the layout of jmckib's and dmasad's
  BDM codes);
* several issues: ``actor,issue,position,salience,power[,issue_lower,issue_upper]`` (the
  Decide framework's ``#D`` rows, one row per actor and issue; ``issue_lower`` and
  ``issue_upper`` give the issue's scale and come together).

Every problem raises :class:`detente.errors.ScenarioError` with the file, the 1-based line
(the header is line 1) and the column, e.g.
``data.csv:4: salience: 1.4 is outside [0, 1]; give a salience between 0 and 1``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from detente.bargain.results import frozen_array
from detente.errors import ScenarioError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

ONE_ISSUE_COLUMNS = ("actor", "capability", "position", "salience")
ISSUES_COLUMNS = ("actor", "issue", "position", "salience", "power")
BOUND_COLUMNS = ("issue_lower", "issue_upper")


@dataclass(frozen=True, eq=False)
class ActorTable:
    """Actors on one issue.

    Attributes
    ----------
    name
        Issue name.
    actors
        Actor names (unique, input order).
    capability, salience, position
        One value per actor; saliences in ``[0, 1]``.
    lower, upper
        The issue's scale, when known.
    source
        File the table came from, if any.
    """

    name: str
    actors: tuple[str, ...]
    capability: FloatArray
    salience: FloatArray
    position: FloatArray
    lower: float | None = None
    upper: float | None = None
    source: str | None = None


@dataclass(frozen=True, eq=False)
class IssueTable:
    """Actors on several issues (the exchange model's input).

    Attributes
    ----------
    issues
        Issue names, input order.
    actors
        Every actor that appears on some issue, in order of first appearance.
    position, salience, power
        ``(actors, issues)`` arrays; NaN where ``present`` is false.
    present
        Whether the actor has a position on the issue.
    lower, upper
        The scale of each issue (from ``issue_lower``/``issue_upper``, else the range of
        the positions).
    source
        File the table came from, if any.
    """

    issues: tuple[str, ...]
    actors: tuple[str, ...]
    position: FloatArray
    salience: FloatArray
    power: FloatArray
    present: BoolArray
    lower: FloatArray
    upper: FloatArray
    source: str | None = None

    def issue(self, name: str) -> ActorTable:
        """Return the actors on one issue as an :class:`ActorTable`."""
        d = self.issues.index(name)
        rows = np.flatnonzero(self.present[:, d])
        return ActorTable(
            name=name,
            actors=tuple(self.actors[i] for i in rows),
            capability=frozen_array(self.power[rows, d]),
            salience=frozen_array(self.salience[rows, d]),
            position=frozen_array(self.position[rows, d]),
            lower=float(self.lower[d]),
            upper=float(self.upper[d]),
            source=self.source,
        )


def build_issue_table(
    rows: Sequence[tuple[str, str, float, float, float]],
    bounds: dict[str, tuple[float, float]] | None = None,
    *,
    source: str | None = None,
) -> IssueTable:
    """Build an :class:`IssueTable` from ``(actor, issue, position, salience, power)`` rows.

    Parameters
    ----------
    rows
        One row per actor and issue (already validated).
    bounds
        Scale ``(lower, upper)`` per issue; issues without one use the range of positions.
    source
        Recorded on the table.

    Returns
    -------
    IssueTable
        The table.
    """
    issues: list[str] = []
    actors: list[str] = []
    for actor, issue, *_ in rows:
        if issue not in issues:
            issues.append(issue)
        if actor not in actors:
            actors.append(actor)
    n, m = len(actors), len(issues)
    pos = np.full((n, m), np.nan)
    sal = np.full((n, m), np.nan)
    pwr = np.full((n, m), np.nan)
    present = np.zeros((n, m), dtype=bool)
    a_index = {a: i for i, a in enumerate(actors)}
    i_index = {p: d for d, p in enumerate(issues)}
    for actor, issue, x, s, c in rows:
        i, d = a_index[actor], i_index[issue]
        pos[i, d], sal[i, d], pwr[i, d], present[i, d] = x, s, c, True
    lower = np.empty(m)
    upper = np.empty(m)
    for d, issue in enumerate(issues):
        if bounds and issue in bounds:
            lower[d], upper[d] = bounds[issue]
        else:
            col = pos[present[:, d], d]
            lower[d], upper[d] = float(col.min()), float(col.max())
    for arr in (pos, sal, pwr):
        arr.flags.writeable = False
    present.flags.writeable = False
    return IssueTable(
        issues=tuple(issues),
        actors=tuple(actors),
        position=pos,
        salience=sal,
        power=pwr,
        present=present,
        lower=frozen_array(lower),
        upper=frozen_array(upper),
        source=source,
    )


# ---------------------------------------------------------------------------- CSV


def _number(
    text: str | None, *, source: str, line: int, field: str, what: str = "a number"
) -> float:
    raw = (text or "").strip()
    if not raw:
        raise ScenarioError(f"empty cell; give {what}", source=source, line=line, field=field)
    try:
        value = float(raw)
    except ValueError:
        raise ScenarioError(
            f"{raw!r} is not a number; give {what}", source=source, line=line, field=field
        ) from None
    if not math.isfinite(value):
        raise ScenarioError(
            f"{raw!r} is not a finite number; give {what}", source=source, line=line, field=field
        )
    return value


def _salience(text: str | None, *, source: str, line: int) -> float:
    value = _number(text, source=source, line=line, field="salience", what="a salience in [0, 1]")
    if not 0.0 <= value <= 1.0:
        raise ScenarioError(
            f"{value:g} is outside [0, 1]; give a salience between 0 and 1",
            source=source,
            line=line,
            field="salience",
        )
    return value


def _weight(text: str | None, *, source: str, line: int, field: str) -> float:
    value = _number(text, source=source, line=line, field=field, what=f"a {field} >= 0")
    if value < 0:
        raise ScenarioError(
            f"{value:g} is negative; give a {field} >= 0", source=source, line=line, field=field
        )
    return value


def _name(text: str | None, *, source: str, line: int, field: str) -> str:
    value = (text or "").strip()
    if not value:
        raise ScenarioError(f"empty cell; give the {field} name", source=source, line=line,
                            field=field)
    return value


def _read_rows(path: Path) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    source = str(path)
    if not path.exists():
        raise ScenarioError("no such file; check the path", source=source)
    if path.is_dir():
        raise ScenarioError("is a directory; give a CSV file", source=source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text; save the CSV as UTF-8", source=source) from None
    except OSError as exc:
        raise ScenarioError(f"cannot be read ({exc.strerror})", source=source) from None
    reader = csv.reader(text.splitlines())
    header: dict[str, int] | None = None
    rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = {}
            for k, cell in enumerate(cells):
                key = cell.strip().lower()
                if key in header:
                    raise ScenarioError(
                        "column appears twice in the header; keep one",
                        source=source, line=line, field=key,
                    )
                header[key] = k
            continue
        rows.append((line, cells))
    if header is None:
        raise ScenarioError(
            "the file is empty; give a header row such as "
            "'actor,capability,position,salience'",
            source=source,
            line=1,
        )
    return header, rows


def _cell(cells: list[str], header: dict[str, int], column: str) -> str | None:
    k = header.get(column)
    if k is None or k >= len(cells):
        return None
    return cells[k]


def _require(header: dict[str, int], columns: Sequence[str], source: str, layout: str) -> None:
    for column in columns:
        if column not in header:
            raise ScenarioError(
                f"missing column; the header must have {layout}",
                source=source,
                line=1,
                field=column,
            )


def read_one_issue_csv(path: str | Path, *, name: str | None = None) -> ActorTable:
    """Read an ``actor,capability,position,salience`` CSV file.

    Parameters
    ----------
    path
        The file.
    name
        Issue name; defaults to the file's stem.

    Returns
    -------
    ActorTable
        The actors.

    Raises
    ------
    ScenarioError
        For a missing file or column, an empty or non-numeric cell, a salience outside
        ``[0, 1]``, a negative capability, fewer than two actors, or a zero total weight.
        A name used on several rows names several actors; the later ones become
        ``"NAME (2)"``, ``"NAME (3)"``, ...
    """
    p = Path(path)
    source = str(path)
    header, rows = _read_rows(p)
    _require(header, ONE_ISSUE_COLUMNS, source, "'" + ",".join(ONE_ISSUE_COLUMNS) + "'")
    return _one_issue_from_rows(header, rows, source, name or p.stem)


def _one_issue_from_rows(
    header: dict[str, int], rows: list[tuple[int, list[str]]], source: str, name: str
) -> ActorTable:
    actors: list[str] = []
    cap: list[float] = []
    sal: list[float] = []
    pos: list[float] = []
    seen: dict[str, int] = {}
    given = {(_cell(cells, header, "actor") or "").strip() for _, cells in rows}
    for line, cells in rows:
        actor = _name(_cell(cells, header, "actor"), source=source, line=line, field="actor")
        if actor in seen:
            # Distinct rows that share a label (e.g. three "Attorney" rows in the litigation
            # data set) are distinct actors, as in the original BDM codes: number them.
            k = 2
            while f"{actor} ({k})" in seen or f"{actor} ({k})" in given:
                k += 1
            actor = f"{actor} ({k})"
        seen[actor] = line
        cap.append(_weight(_cell(cells, header, "capability"), source=source, line=line,
                           field="capability"))
        pos.append(_number(_cell(cells, header, "position"), source=source, line=line,
                           field="position"))
        sal.append(_salience(_cell(cells, header, "salience"), source=source, line=line))
        actors.append(actor)
    if len(actors) < 2:
        raise ScenarioError(
            f"found {len(actors)} actor(s); a forecast needs at least two",
            source=source, line=rows[-1][0] if rows else 1, field="actor",
        )
    c, s = np.array(cap), np.array(sal)
    if not (c * s).sum() > 0:
        raise ScenarioError(
            "every actor has capability x salience = 0; give some actor weight",
            source=source, field="capability",
        )
    return ActorTable(
        name=name,
        actors=tuple(actors),
        capability=frozen_array(c),
        salience=frozen_array(s),
        position=frozen_array(pos),
        source=source,
    )


def read_issues_csv(path: str | Path) -> IssueTable:
    """Read an ``actor,issue,position,salience,power[,issue_lower,issue_upper]`` CSV file.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    IssueTable
        The actors and issues.

    Raises
    ------
    ScenarioError
        For a missing file or column, an empty or non-numeric cell, a salience outside
        ``[0, 1]``, a negative power, a repeated actor on an issue, inconsistent or empty
        issue bounds, a position outside its issue's bounds, an issue with only one actor,
        fewer than two actors, or an issue whose total weight is zero.
    """
    p = Path(path)
    source = str(path)
    header, rows = _read_rows(p)
    _require(header, ISSUES_COLUMNS, source, "'" + ",".join(ISSUES_COLUMNS) + "'")
    return _issues_from_rows(header, rows, source)


def _issues_from_rows(
    header: dict[str, int], rows: list[tuple[int, list[str]]], source: str
) -> IssueTable:
    has_lower, has_upper = "issue_lower" in header, "issue_upper" in header
    if has_lower != has_upper:
        missing = "issue_upper" if has_lower else "issue_lower"
        raise ScenarioError(
            "issue_lower and issue_upper come together; add the missing one",
            source=source, line=1, field=missing,
        )
    records: list[tuple[str, str, float, float, float]] = []
    bounds: dict[str, tuple[float, float]] = {}
    bound_line: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    issue_lines: dict[str, list[int]] = {}
    for line, cells in rows:
        actor = _name(_cell(cells, header, "actor"), source=source, line=line, field="actor")
        issue = _name(_cell(cells, header, "issue"), source=source, line=line, field="issue")
        key = (actor, issue)
        if key in seen:
            raise ScenarioError(
                f"actor {actor!r} already has a row for issue {issue!r} on line {seen[key]}; "
                "give one row per actor and issue",
                source=source, line=line, field="actor",
            )
        seen[key] = line
        x = _number(_cell(cells, header, "position"), source=source, line=line, field="position")
        s = _salience(_cell(cells, header, "salience"), source=source, line=line)
        c = _weight(_cell(cells, header, "power"), source=source, line=line, field="power")
        if has_lower:
            lo = _number(_cell(cells, header, "issue_lower"), source=source, line=line,
                         field="issue_lower")
            hi = _number(_cell(cells, header, "issue_upper"), source=source, line=line,
                         field="issue_upper")
            if not lo < hi:
                raise ScenarioError(
                    f"issue_lower {lo:g} is not below issue_upper {hi:g}; fix the scale",
                    source=source, line=line, field="issue_upper",
                )
            if issue in bounds and bounds[issue] != (lo, hi):
                old = bounds[issue]
                raise ScenarioError(
                    f"scale [{lo:g}, {hi:g}] of issue {issue!r} differs from "
                    f"[{old[0]:g}, {old[1]:g}] on line {bound_line[issue]}; use one scale",
                    source=source, line=line, field="issue_lower",
                )
            bounds.setdefault(issue, (lo, hi))
            bound_line.setdefault(issue, line)
            if not lo <= x <= hi:
                raise ScenarioError(
                    f"{x:g} is outside the issue's scale [{lo:g}, {hi:g}]",
                    source=source, line=line, field="position",
                )
        issue_lines.setdefault(issue, []).append(line)
        records.append((actor, issue, x, s, c))
    if not records:
        raise ScenarioError("no data rows; a forecast needs at least two actors",
                            source=source, line=1, field="actor")
    for issue, lines in issue_lines.items():
        if len(lines) < 2:
            raise ScenarioError(
                f"issue {issue!r} has only one actor; give at least two actors per issue",
                source=source, line=lines[0], field="issue",
            )
        weight = sum(c * s for a, i, x, s, c in records if i == issue)
        if not weight > 0:
            raise ScenarioError(
                f"every actor on issue {issue!r} has power x salience = 0; give some weight",
                source=source, line=lines[0], field="power",
            )
    return build_issue_table(records, bounds, source=source)


def read_csv(path: str | Path) -> ActorTable | IssueTable:
    """Read either layout: an ``issue`` column selects the several-issue layout.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    ActorTable or IssueTable
        The parsed table.

    Raises
    ------
    ScenarioError
        As for :func:`read_one_issue_csv` and :func:`read_issues_csv`.
    """
    p = Path(path)
    source = str(path)
    header, rows = _read_rows(p)
    if "issue" in header:
        _require(header, ISSUES_COLUMNS, source, "'" + ",".join(ISSUES_COLUMNS) + "'")
        return _issues_from_rows(header, rows, source)
    _require(header, ONE_ISSUE_COLUMNS, source, "'" + ",".join(ONE_ISSUE_COLUMNS) + "'")
    return _one_issue_from_rows(header, rows, source, p.stem)
