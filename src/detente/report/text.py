"""Terminal rendering of a :class:`~detente.strategy.analysis.StrategyReport` (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from detente.strategy.analysis import StrategyReport


def _fmt_path(path: Any) -> str:
    if not path:
        return "already there (the status quo)"
    return " → ".join(
        f"{s.mover}: " + ", ".join([f"+{t}" for t in s.taken] + [f"−{w}" for w in s.withdrawn])
        for s in path
    )


def render_text(report: StrategyReport, console: Console) -> None:
    """Print the report for a policy reader."""
    c = console
    c.rule(f"[bold]{report.scenario}")
    c.print(report.description)
    c.print(
        f"\n[bold]At a glance[/bold]: {len(report.actors)} actors, {len(report.options)} options, "
        f"{report.n_states:,} feasible states; status quo {report.status_quo}. "
        f"Outcomes are judged by {report.concept.upper()} stability (only credible sanctions)."
    )
    t = Table(title="Actors and options")
    t.add_column("actor")
    t.add_column("options")
    for aid, name in report.actors:
        opts = [o[1] + (" (irreversible)" if o[2] != "both" else "") for o in report.options
                if o[0].startswith(aid + ".")]
        t.add_row(f"{name} ({aid})", "; ".join(opts))
    c.print(t)

    c.rule("Strategy comparison")
    t = Table(title="Variants ranked by the best outcome they can reach")
    t.add_column("#")
    t.add_column("variant")
    t.add_column("best reachable outcome")
    for iid, _name, w in report.interests:
        t.add_column(f"{iid} (w={w:g})", justify="right")
    t.add_column("total", justify="right")
    t.add_column("freeze / cap / CVID stable & reachable")
    for rank, vid in enumerate(report.ranking, 1):
        v = report.variant(vid)
        best = v.best
        flags = v.flags
        fl = " / ".join(
            ("yes" if flags.get(k, {}).get("reachable") else
             ("stable" if flags.get(k, {}).get(report.concept) else "no"))
            for k in ("freeze", "cap", "cvid")
        )
        if best is None:
            t.add_row(str(rank), v.name, "none reachable", *[""] * len(report.interests), "", fl)
            continue
        desc = "; ".join(f"{a}: {', '.join(o) or '—'}" for a, o in best.options.items())
        t.add_row(str(rank), v.name, desc,
                  *[f"{best.interests.get(i[0], 0):g}" for i in report.interests],
                  f"{best.total:.2f}", fl)
    c.print(t)

    for v in report.variants:
        c.rule(f"Variant: {v.name}")
        c.print(v.description)
        eqs = ", ".join(f"{k.upper()} {len(v.stability.equilibria(k)):,}"
                        for k in v.stability.concepts)
        c.print(f"Equilibria: {eqs}. States reachable from the status quo: "
                f"{v.n_reachable_states:,}; reachable {v.concept.upper()} equilibria: "
                f"{v.n_reachable_equilibria:,}.")
        if v.best is not None:
            c.print(f"Best reachable outcome {v.best.state} (score {v.best.total:.2f}), path: "
                    f"{_fmt_path(v.best.path)}")

    c.rule("The questions")
    for a in report.answers:
        c.print(f"[bold]{a.question}[/bold]")
        c.print(f"  {a.answer}")
        for e in a.evidence[:6]:
            c.print(f"    · {e}")

    if report.sensitivity:
        c.rule("Which assumptions decide the ranking")
        decisive = [p for p in report.sensitivity if p.changes_ranking or p.changes_outcome]
        c.print(f"{len(report.sensitivity)} perturbations of preference statements; "
                f"{sum(p.changes_ranking for p in report.sensitivity)} change the ranking, "
                f"{sum(p.changes_outcome for p in report.sensitivity)} change a variant's best "
                "outcome.")
        t = Table()
        for col in ("variant", "actor", "change", "ranking changes", "new ranking"):
            t.add_column(col)
        for p in decisive[:30]:
            t.add_row(p.variant, p.actor, p.change, "yes" if p.changes_ranking else "no",
                      " > ".join(p.ranking))
        c.print(t)

    ver = report.extras.get("verification")
    if ver and "regimes" in ver:
        from detente.report.verification import render_verification_text

        render_verification_text(ver, c)
    barg = report.extras.get("bargaining")
    if barg:
        c.rule("Where bargaining converges")
        for _, e in barg.items():
            now = e["now"]
            line = (f"{e['name']}: weighted median {now['median_start']:.1f} → "
                    f"{now['median_end']:.1f}, mean {now['mean_start']:.1f} → "
                    f"{now['mean_end']:.1f} after {now['rounds']} rounds")
            if "us_freeze_then_cap" in e:
                m = e["us_freeze_then_cap"]
                line += (f"; with the US at {e['us_position']:g}: median {m['median_end']:.1f}, "
                         f"mean {m['mean_end']:.1f}")
            c.print(line)
    pkg = report.extras.get("package")
    if pkg:
        c.print(f"Package deal (exchange model, {pkg['exchanges']} exchanges over "
                f"{pkg['rounds']} rounds) — where the issues settle:")
        for _, e in pkg["issues"].items():
            c.print(f"  {e['name']}: mean {e['mean_start']:.1f} → {e['mean_end']:.1f}; "
                    f"North Korea ends at {e['positions_end'].get('NK', float('nan')):.1f}")
    c.print(f"\n[dim]detente {report.version}; scenario digest {report.digest[:12]}; "
            f"{report.parameters.get('seconds')} s[/dim]")
