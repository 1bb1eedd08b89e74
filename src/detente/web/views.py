"""The data of the results page, taken from a finished analysis (presentation only).

The full result (``detente analyze --json``) of a large scenario runs to megabytes; the page
needs a small part of it: the comparison table, counts, the best reachable equilibria of each
variant with their option tables, the answers and the supporting sections. That part is
extracted once, when the run finishes, and stored beside the full result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from detente.report.accountability import sections
from detente.report.summary import summary
from detente.report.tables import sensitivity_rows
from detente.report.text import tracked_text
from detente.report.verification import COLUMNS, regime_rows, verification_notes

#: Most states shown in one option table (the JSON download has all of them).
MAX_STATES_SHOWN = 10
#: Most changing sensitivity perturbations listed.
MAX_PERTURBATIONS = 60


def build_view(data: Mapping[str, Any], report: Any, paths: Mapping[str, Any]) -> dict[str, Any]:
    """The results-page data.

    Parameters
    ----------
    data
        ``report.to_dict()`` (what ``detente analyze --json`` prints).
    report
        The :class:`~detente.strategy.analysis.StrategyReport` itself (for names and weights).
    paths
        Per variant: ``{"reachable": int, "equilibria": [...], "reachable_equilibria": [...],
        "note": str | None}`` from the status-quo analysis, or an entry with only a note.

    Returns
    -------
    dict
        JSON-able data for ``results.html``.
    """
    concept = str(data["concept"])
    options = [{"ref": ref, "actor": ref.split(".", 1)[0], "name": name, "reversible": rev}
               for ref, name, rev in report.options]
    tracked = list(data.get("outcomes") or [])
    comparison = []
    for entry in data["ranking"]:
        vid = entry["variant"]
        v = data["variants"][vid]
        best = v["best"]
        top = v["reachable"][0] if v["reachable"] else None
        comparison.append({
            "rank": entry["rank"],
            "variant": vid,
            "name": v["name"],
            "score": entry["score"],
            "no_best": v.get("no_best"),
            "top_state": None if top is None else top["state"],
            "best": None if best is None else {
                "state": best["state"],
                "options": best["options"],
                "interests": best["interests"],
                "total": best["total"],
                "steps": len(best["path"]),
            },
            "tracked": {t["id"]: tracked_text(v.get("tracked", {}).get(t["id"]), concept)
                        for t in tracked},
        })
    variants = []
    for vid, v in data["variants"].items():
        eq = v["equilibria"]
        listed = v["reachable"]  # already in the report's one order (best first)
        shown = [{"state": o["state"], "total": o["total"], "concepts": o["concepts"],
                  "steps": len(o["path"])} for o in listed[:MAX_STATES_SHOWN]]
        n_all = int(v.get("reachable_equilibria", len(listed)))
        n_listed = len(listed)
        if data["status_quo"] is None:
            shown = [{"state": s, "total": None, "concepts": [concept], "steps": None}
                     for s in eq.get(concept, [])[:MAX_STATES_SHOWN]]
            n_all = n_listed = len(eq.get(concept, []))
        best = v["best"]
        variants.append({
            "variant": vid,
            "name": v["name"],
            "description": v["description"],
            "counts": {c: len(states) for c, states in eq.items()},
            "reachable_states": v.get("reachable_states", 0),
            "n_reachable": int(v.get("reachable_equilibria", len(v["reachable"]))),
            "shown": shown,
            "more": max(0, n_listed - len(shown)),  # listed in the JSON, not on the page
            "unlisted": max(0, n_all - n_listed),  # counted, listed nowhere
            "best_path": [] if best is None else [
                {"mover": s["mover"], "before": s["before"], "after": s["after"],
                 "taken": s["taken"], "withdrawn": s["withdrawn"]} for s in best["path"]],
            "paths": dict(paths.get(vid, {})),
        })
    order = {e["variant"]: k for k, e in enumerate(data["ranking"])}
    variants.sort(key=lambda x: order.get(x["variant"], len(order)))
    sens = [p for p in data.get("sensitivity", [])
            if p.get("changes_ranking") or p.get("changes_outcome")]
    extras = data.get("extras") or {}
    return {
        "scenario": data["scenario"],
        "description": report.description,
        "digest": data["digest"],
        "status_quo": data["status_quo"],
        "n_states": data["n_states"],
        "concept": concept,
        "concepts": list(data["provenance"].get("concepts", [])),
        "seconds": data["provenance"].get("seconds"),
        "version": data["provenance"].get("detente"),
        "actors": [{"id": a, "name": n} for a, n in report.actors],
        "options": options,
        "interests": [{"id": i, "name": n, "weight": w} for i, n, w in report.interests],
        "tracked": tracked,
        "ranking": list(data["ranking"]),
        "conclusion": data.get("conclusion"),
        "rules": data.get("rules") or [],
        "structure": [s for s in data.get("structure") or [] if s.get("describe")],
        "comparison": comparison,
        "variants": variants,
        "answers": data.get("answers", []),
        "sensitivity": {"total": len(data.get("sensitivity", [])), "changing": len(sens),
                        "shown": sens[:MAX_PERTURBATIONS]},
        "verification": extras.get("verification"),
        "verification_view": _verification_view(extras.get("verification")),
        "summary": [{"heading": p.heading, "text": p.text} for p in summary(report)],
        "sensitivity_view": sensitivity_rows(report, MAX_PERTURBATIONS),
        "bargaining": extras.get("bargaining"),
        "sources": list(report.sources),
        "accountability": sections(report),
    }


def _verification_view(ver: Any) -> dict[str, Any] | None:
    """The verification section in words (the HTML report's table and sentences), or
    ``None`` when the scenario has no per-regime verification."""
    if not isinstance(ver, Mapping) or not ver.get("regimes"):
        return None
    plain = dict(ver)
    return {"columns": [list(c) for c in COLUMNS], "rows": regime_rows(plain),
            "notes": verification_notes(plain), "sources": list(ver.get("sources") or []),
            "history": ver.get("history")}
