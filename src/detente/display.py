"""Notebook displays and DataFrames of results: the one place that caps and draws them.

Every result object shows itself in Jupyter through ``_repr_html_``. The displays here are
capped as pandas caps its tables (``display.max_rows``): a table of more than
:data:`MAX_ROWS` rows shows its first and last halves around one ellipsis row saying how
many are hidden, a long list shows its first and last items, and the whole display is kept
under :data:`MAX_BYTES` (deeper levels are folded first). A one-line summary header opens
each display. ``to_dataframe()`` on a result gives every row; pandas is imported on use
(the ``detente[notebook]`` extra).

This module is a bottom layer: it imports no other part of detente except the JSON
converter, so results of every family can use it.
"""

from __future__ import annotations

import contextlib
import html
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "DisplayMixin",
    "NotebookProgress",
    "capped_positions",
    "dataframe",
    "html_summary",
    "html_table",
    "in_notebook",
    "progress",
    "repr_html",
]

#: Rows (or list items, or mapping entries) one table shows, like pandas' ``max_rows``.
MAX_ROWS = 20
#: Size above which a display folds its deeper levels (issue 17: keep each under ~50 KB).
MAX_BYTES = 48_000
#: Characters of one text value shown before it is cut with an ellipsis.
MAX_TEXT = 240

_STYLE = "font-size:90%"


def capped_positions(n: int, max_rows: int = MAX_ROWS) -> list[int | None]:
    """Positions ``0..n-1`` to show: all of them, or the first and last ``max_rows // 2``
    around one ``None`` standing for the hidden middle (as pandas does)."""
    if n <= max_rows:
        return list(range(n))
    half = max(1, max_rows // 2)
    return [*range(half), None, *range(n - half, n)]


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    s = str(value)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return html.escape(s)


def _plain(value: Any) -> Any:
    """A value as plain data without converting more of a large array than is shown."""
    if isinstance(value, np.ndarray):
        return value if value.ndim else value.item()
    if isinstance(value, np.generic):
        return value.item()
    if is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            try:
                return to_dict()
            except TypeError:  # a to_dict that needs arguments
                pass
        return {f.name: getattr(value, f.name) for f in fields(value) if not f.name.startswith("_")}
    return value


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | np.generic)


def _cell(value: Any, depth: int, max_rows: int) -> str:
    """HTML of one value: scalars as text, containers folded beyond ``depth``."""
    value = _plain(value)
    if _is_scalar(value):
        if isinstance(value, bool):
            return "✓" if value else "✗"
        if isinstance(value, float):
            return f"{value:.4g}"
        return "" if value is None else _text(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        if depth <= 0:
            return f"<i>{{{len(value)} entries}}</i>"
        keys = list(value)
        rows = []
        for pos in capped_positions(len(keys), max_rows):
            if pos is None:
                rows.append(f"<tr><td colspan='2'>… {len(keys) - 2 * (max_rows // 2)} more "
                            "entries</td></tr>")
                continue
            k = keys[pos]
            rows.append(f"<tr><th style='text-align:left'>{_text(k, 80)}</th>"
                        f"<td style='text-align:left'>{_cell(value[k], depth - 1, max_rows)}"
                        "</td></tr>")
        return f"<table style='{_STYLE}'>{''.join(rows)}</table>"
    if isinstance(value, np.ndarray | Sequence | set | frozenset):
        items: Any = value if isinstance(value, np.ndarray | Sequence) else sorted(value, key=str)
        n = len(items)
        if not n:
            return "[]"
        if depth <= 0:
            return f"<i>[{n} items]</i>"
        first = _plain(items[0])
        if isinstance(first, Mapping) and all(
            isinstance(_plain(items[p]), Mapping) for p in capped_positions(n, max_rows)
            if p is not None
        ):
            return _records_table(items, depth - 1, max_rows)
        parts = []
        for pos in capped_positions(n, max_rows):
            if pos is None:
                parts.append(f"… ({n} in all)")
            else:
                parts.append(_cell(items[pos], depth - 1, max_rows))
        return ", ".join(parts)
    return _text(value)


def _records_table(items: Any, depth: int, max_rows: int) -> str:
    shown = capped_positions(len(items), max_rows)
    columns: list[str] = []
    for pos in shown:
        if pos is not None:
            columns.extend(str(k) for k in _plain(items[pos]) if str(k) not in columns)
    rows = [None if p is None else [_plain(items[p]).get(c) for c in columns] for p in shown]
    return _table_html(columns, rows, len(items), depth, max_rows)


def _table_html(columns: Sequence[str], rows: Sequence[Sequence[Any] | None], total: int,
                depth: int, max_rows: int) -> str:
    head = "".join(f"<th>{_text(c, 80)}</th>" for c in columns)
    body = []
    for row in rows:
        if row is None:
            hidden = total - sum(r is not None for r in rows)
            body.append(f"<tr><td colspan='{max(1, len(columns))}'>… {hidden:,} more rows "
                        "(to_dataframe() has them all)</td></tr>")
        else:
            body.append("<tr>" + "".join(f"<td>{_cell(v, depth, max_rows)}</td>" for v in row)
                        + "</tr>")
    return f"<table style='{_STYLE}'><tr>{head}</tr>{''.join(body)}</table>"


def html_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
               max_rows: int = MAX_ROWS, depth: int = 1) -> str:
    """A capped HTML table: at most ``max_rows`` of ``rows`` (the first and last halves, with
    an ellipsis row counting the hidden ones). Only the shown rows are read, so ``rows`` may
    be a lazy sequence of any length."""
    shown = [None if p is None else rows[p] for p in capped_positions(len(rows), max_rows)]
    return _table_html(columns, shown, len(rows), depth, max_rows)


def html_summary(title: str, facts: Mapping[str, Any] | None = None) -> str:
    """The one-line header of a display: a bold title and ``key=value`` facts."""
    bits = "; ".join(f"{_text(k, 60)}: {_cell(v, 0, MAX_ROWS)}"
                     for k, v in (facts or {}).items() if v is not None)
    return f"<p><b>{_text(title, 200)}</b>{' — ' + bits if bits else ''}</p>"


def repr_html(title: str, data: Any, facts: Mapping[str, Any] | None = None, *,
              max_bytes: int = MAX_BYTES) -> str:
    """A result's whole display: :func:`html_summary` then ``data`` (usually its
    ``to_dict()``) as nested capped tables, folded until it fits in ``max_bytes``."""
    head = html_summary(title, facts)
    for depth, rows in ((4, MAX_ROWS), (3, MAX_ROWS // 2), (2, 6), (1, 4)):
        body = _cell(data, depth, rows)
        if len(head) + len(body) <= max_bytes:
            return head + body
    return head + f"<p><i>{_text(type(data).__name__)} too large to show; use to_dict() or "\
        "to_dataframe()</i></p>"


class DisplayMixin:
    """Gives a result with ``to_dict()`` a capped notebook display (``_repr_html_``).

    A class may override :meth:`_html_title` and :meth:`_html_facts` for its header.
    """

    def _html_title(self) -> str:
        name = type(self).__name__
        scenario = getattr(self, "scenario", None)
        return f"{name}: {scenario}" if isinstance(scenario, str) else name

    def _html_facts(self) -> dict[str, Any]:
        return {}

    def _html_data(self) -> Any:
        to_dict = getattr(self, "to_dict", None)
        return to_dict() if callable(to_dict) else _plain(self)

    def _repr_html_(self) -> str:
        return repr_html(self._html_title(), self._html_data(), self._html_facts())


def dataframe(data: Any, index: str | None = None) -> Any:
    """A pandas DataFrame of ``data`` (records or columns), with ``index`` as its index.

    Raises
    ------
    ImportError
        When pandas is not installed (one line naming the ``detente[notebook]`` extra).
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_dataframe() needs pandas: pip install 'detente[notebook]'"
                          ) from None
    frame = pd.DataFrame(data)
    if index is not None and index in frame.columns:
        frame = frame.set_index(index)
    return frame


# -- progress in notebooks --------------------------------------------------------------------


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython's ZMQ shell), without importing
    IPython when it is not already loaded."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    shell = get() if callable(get) else None
    return shell is not None and (type(shell).__name__ == "ZMQInteractiveShell"
                                  or hasattr(shell, "kernel"))


class NotebookProgress:
    """A progress bar in a notebook cell, drawn with IPython's display handles (an HTML
    ``<progress>`` element updated in place at most :attr:`interval` times a second; no
    widget library needed), like ``tqdm.auto``'s notebook bar.

    Parameters
    ----------
    label
        Text before the bar.
    total
        The amount that completes the bar.
    completed
        The amount already done.
    """

    interval = 0.2

    def __init__(self, label: str, total: float = 1.0, completed: float = 0.0) -> None:
        import IPython.display as ipd

        self._ipd = ipd
        self.label, self.total, self.completed = label, float(total), float(completed)
        self.stage = ""
        self.t0 = time.perf_counter()
        self._last = 0.0
        self.handle = ipd.display(ipd.HTML(self._html()), display_id=True)

    def _html(self) -> str:
        frac = self.completed / self.total if self.total > 0 else 1.0
        elapsed = time.perf_counter() - self.t0
        done = (f"{self.completed:,.0f}/{self.total:,.0f}" if self.total > 1
                else f"{100 * frac:.0f}%")
        return (f"<div>{_text(self.label, 80)} <progress value='{frac:.4f}' max='1' "
                f"style='width:40%'></progress> {done} · {elapsed:.0f} s "
                f"{_text(self.stage, 120)}</div>")

    def update(self, completed: float | None = None, stage: str | None = None, *,
               advance: float = 0.0, force: bool = False) -> None:
        """Set (or advance) the amount done and the stage text; redraw when due."""
        if completed is not None:
            self.completed = float(completed)
        self.completed += advance
        if stage is not None:
            self.stage = stage
        now = time.perf_counter()
        if force or now - self._last >= self.interval:
            self._last = now
            if self.handle is not None:
                self.handle.update(self._ipd.HTML(self._html()))

    def close(self) -> None:
        """Draw the final state."""
        self.update(force=True)


@contextlib.contextmanager
def progress(label: str) -> Iterator[Callable[[float, str], None]]:
    """A ``(fraction done, stage)`` callback for the analyses' ``progress=`` argument: a bar
    in a notebook, silent elsewhere (the CLI draws its own on a terminal)."""
    if not in_notebook():
        yield lambda fraction, stage: None
        return
    bar = NotebookProgress(label)
    try:
        yield lambda fraction, stage: bar.update(fraction, stage)
    finally:
        bar.close()
