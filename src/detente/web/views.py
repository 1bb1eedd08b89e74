"""The data of the results page, taken from a finished analysis (presentation only).

The full result (``detente analyze --json``) of a large scenario runs to megabytes; the page
needs a small part of it: the comparison table, counts, the best reachable equilibria of each
variant with their option tables, the answers and the supporting sections. That part is
extracted once, when the run finishes, and stored beside the full result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Most states shown in one option table (the JSON download has all of them).
MAX_STATES_SHOWN = 10
#: Most changing sensitivity perturbations listed.
MAX_PERTURBATIONS = 60


def _flag_text(flags: Mapping[str, Any], key: str, concept: str) -> str:
    f = flags.get(key)
    if not f:
        return ""
    if f.get("reachable"):
        return "reachable"
    if f.get(concept):
        return "stable, not reached"
    return "no"


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
    flag_keys = [k for k in ("freeze", "cap", "cvid")
                 if any(k in v.get("flags", {}) for v in data["variants"].values())]
    comparison = []
    for rank, vid in enumerate(data["ranking"], start=1):
        v = data["variants"][vid]
        best = v["best"]
        comparison.append({
            "rank": rank,
            "variant": vid,
            "name": v["name"],
            "best": None if best is None else {
                "state": best["state"],
                "options": best["options"],
                "interests": best["interests"],
                "total": best["total"],
                "steps": len(best["path"]),
            },
            "flags": {k: _flag_text(v.get("flags", {}), k, concept) for k in flag_keys},
        })
    variants = []
    for vid, v in data["variants"].items():
        eq = v["equilibria"]
        reach = sorted(v["reachable"], key=lambda o: (-o["total"], o["state"]))
        shown = [{"state": o["state"], "total": o["total"], "concepts": o["concepts"],
                  "steps": len(o["path"])} for o in reach[:MAX_STATES_SHOWN]]
        if data["status_quo"] is None:
            shown = [{"state": s, "total": None, "concepts": [concept], "steps": None}
                     for s in eq.get(concept, [])[:MAX_STATES_SHOWN]]
        best = v["best"]
        variants.append({
            "variant": vid,
            "name": v["name"],
            "description": v["description"],
            "counts": {c: len(states) for c, states in eq.items()},
            "reachable_states": v.get("reachable_states", 0),
            "n_reachable": int(v.get("reachable_equilibria", len(v["reachable"]))),
            "shown": shown,
            "more": max(0, (int(v.get("reachable_equilibria", len(v["reachable"])))
                            if data["status_quo"] is not None
                            else len(eq.get(concept, []))) - len(shown)),
            "best_path": [] if best is None else [
                {"mover": s["mover"], "before": s["before"], "after": s["after"],
                 "taken": s["taken"], "withdrawn": s["withdrawn"]} for s in best["path"]],
            "paths": dict(paths.get(vid, {})),
        })
    order = {vid: k for k, vid in enumerate(data["ranking"])}
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
        "flag_keys": flag_keys,
        "ranking": list(data["ranking"]),
        "comparison": comparison,
        "variants": variants,
        "answers": data.get("answers", []),
        "sensitivity": {"total": len(data.get("sensitivity", [])), "changing": len(sens),
                        "shown": sens[:MAX_PERTURBATIONS]},
        "verification": extras.get("verification"),
        "bargaining": extras.get("bargaining"),
        "sources": list(report.sources),
    }
