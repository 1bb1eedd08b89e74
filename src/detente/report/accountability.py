"""Words and rows for two report sections, shared by the text and HTML reports: what happens
if an actor reneges on each variant's outcome, and the model held against the record.

The analyses are :mod:`detente.strategy.accountability`'s; this module only phrases them.
"""

from __future__ import annotations

from typing import Any

from detente.strategy.accountability import RecordCheck, Reneging, changes_text
from detente.strategy.analysis import StrategyReport

#: Moves listed per variant in the report (all of them are in the JSON).
MOVES_SHOWN = 12


def reneging_sentence(r: Reneging) -> str:
    """One sentence: does the outcome hold, and how many moves away from it deter."""
    n = len(r.moves)
    if n == 0:
        return (f"No actor or coalition gains by leaving {r.state}: nobody has a reason to "
                "renege, so no response is needed.")
    bad = len(r.undeterred)
    head = (f"{n} move{'s' if n != 1 else ''} away from {r.state} would gain the actor(s) "
            f"making {'them' if n != 1 else 'it'}")
    if bad == 0:
        return (f"{head}; the others' responses deter every one, so the outcome is "
                f"{r.concept.upper()}-stable.")
    return (f"{head}; {bad} of them nothing deters, so the outcome does not hold "
            f"({r.concept.upper()}).")


def reneging_rows(r: Reneging, limit: int = MOVES_SHOWN) -> list[dict[str, str]]:
    """Rows ``mover, move, deterred, response, why`` for the first ``limit`` moves
    (undeterred moves first)."""
    order = sorted(r.moves, key=lambda m: m.deterred)
    rows = []
    for m in order[:limit]:
        response = " then ".join(f"{who} {does}" for who, does in m.responses) or "none"
        rows.append({"mover": m.mover, "move": m.move, "deterred": "yes" if m.deterred else "NO",
                     "response": response, "why": m.why})
    return rows


def record_sentence(rec: RecordCheck) -> str:
    """What the base model says about the record, in one or two sentences."""
    s = rec.summary(rec.base)
    first, last = rec.base.record[0].entry.date, rec.base.record[-1].entry.date
    out = (f"The scenario records {s['states']} dated states from {first} to {last}. Under the "
           f"base model {s['consistent_steps']} of the {s['steps']} recorded steps are "
           "improvements for the actors who moved, and the status-quo search from the first "
           f"recorded state reaches {s['reached']} of the {s['states']} recorded states.")
    if s["consistent"]:
        return out + " The record is consistent with the model."
    return out + f" Statement edits that would make it consistent: {s['edits']}."


def record_rows(rec: RecordCheck) -> list[dict[str, str]]:
    """One row per recorded step of the base model: date, event, who moved, what changed,
    whether it improved each mover, and whether the search reaches the new state."""
    rows = []
    for step in rec.base.steps:
        entry = rec.base.record[step.index].entry
        reached = rec.base.record[step.index]
        imp = ", ".join(f"{a} {'yes' if v else ('no' if v is not None else '?')}"
                        for a, v in step.improves.items()) or "—"
        rows.append({
            "date": entry.date,
            "event": entry.event or "",
            "movers": "+".join(step.movers) or "nobody",
            "change": changes_text(step.changes),
            "improves": imp,
            "reached": "yes" if reached.reachable else "no",
            "note": entry.note or "",
        })
    return rows


def record_summary_rows(rec: RecordCheck) -> list[dict[str, Any]]:
    """One row per model (the base, then each variant): consistent steps, states reached,
    edits."""
    rows = []
    for name, result in [("base", rec.base), *rec.variants.items()]:
        s = rec.summary(result)
        rows.append({"model": name, "steps": f"{s['consistent_steps']} of {s['steps']}",
                     "reached": f"{s['reached']} of {s['states']}",
                     "edits": "none needed" if s["consistent"] else s["edits"]})
    return rows


def sections(report: StrategyReport) -> dict[str, Any]:
    """Everything the two sections show, for a template."""
    reneging = [{"variant": vid, "sentence": reneging_sentence(r), "rows": reneging_rows(r),
                 "more": max(0, len(r.moves) - MOVES_SHOWN), "state": r.state}
                for vid, r in report.reneging.items()]
    rec = report.record
    record = None if rec is None else {
        "sentence": record_sentence(rec), "rows": record_rows(rec),
        "summary": record_summary_rows(rec)}
    return {"reneging": reneging, "record": record}


__all__ = ["record_rows", "record_sentence", "record_summary_rows", "reneging_rows",
           "reneging_sentence", "sections"]
