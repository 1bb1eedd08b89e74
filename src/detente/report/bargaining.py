"""Words and table rows for the bargaining forecast's sensitivity, shared by the text and
HTML reports (the numbers come from :mod:`detente.bargain.sensitivity`; the reading is
explained in ``docs/discussion/forecast-sensitivity.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELDS = ("position", "salience", "capability")


def _pct(step: float) -> str:
    return f"{step * 100:+.0f} %"


def sensitivity_sentence(sens: Mapping[str, Any]) -> str:
    """One sentence: the forecast, and the smallest one-input change that moves it by more
    than the threshold (or that none of the changes tried does)."""
    head = (f"{sens['variant']} variant: forecast {sens['forecast']:.1f}")
    tip = sens.get("tipping")
    if tip is None:
        return (f"{head}; no change of one actor's input by up to "
                f"{max(abs(s) for s in sens['steps']) * 100:.0f} % moves it by more than "
                f"{sens['threshold']:.0f} points.")
    edge = " — a knife-edge forecast" if sens.get("knife_edge") else ""
    return (f"{head}; {tip['actor']}'s {tip['field']} changed by {_pct(tip['step'])} "
            f"(to {tip['value']:.3g}) moves it to {tip['forecast']:.1f} "
            f"({tip['shift']:+.1f} points){edge}.")


def sensitivity_table(sens: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: per actor, the forecast after each step of each input (a cell is
    starred when the shift exceeds the threshold)."""
    steps = list(sens["steps"])
    header = ["actor"] + [f"{f} {_pct(s)}" for f in FIELDS for s in steps]
    cells: dict[tuple[str, str, float], dict[str, Any]] = {
        (e["actor"], e["field"], e["step"]): e for e in sens["entries"]}
    actors = list(dict.fromkeys(e["actor"] for e in sens["entries"]))
    rows = []
    for a in actors:
        row = [a]
        for f in FIELDS:
            for s in steps:
                e = cells.get((a, f, s))
                if e is None:
                    row.append("")
                    continue
                mark = "*" if abs(e["shift"]) > sens["threshold"] else ""
                row.append(f"{e['forecast']:.0f}{mark}")
        rows.append(row)
    return header, rows
