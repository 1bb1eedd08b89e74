"""Terminal rendering of a :class:`~detente.strategy.analysis.StrategyReport` (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.report.accountability import sections
from detente.strategy.analysis import StrategyReport
from detente.strategy.rules import cell

#: Evidence lines printed per answer (the JSON has all).
EVIDENCE_SHOWN = 6


def tracked_text(status: Any, concept: str) -> str:
    """One cell of a tracked outcome: reachable, stable but not reached, or no."""
    if not status:
        return ""
    if status.get("reachable"):
        return "reachable"
    if status.get(concept):
        return "stable, not reached"
    return "no"


def ranking_note(report: StrategyReport) -> str:
    """How to read the ranking, and why there is none when there is none."""
    concl = report.conclusion
    note = ("Rank = 1 + the number of variants with a higher score (standard competition "
            "ranking: equal scores share a rank, 1, 1, 3).")
    if concl is not None and concl.unranked:
        note += f" No variant ranks above another: {concl.unranked}."
    return note


def _fmt_path(path: Any) -> str:
    if not path:
        return "already there (the status quo)"
    return " → ".join(
        f"{s.mover}: " + ", ".join([f"+{t}" for t in s.taken] + [f"−{w}" for w in s.withdrawn])
        for s in path
    )


def render_text(report: StrategyReport, console: Console, exploration: Any = None) -> None:
    """Print the report for a policy reader (``exploration``: an optional
    :class:`~detente.strategy.explore.summary.ExploreSummary` to summarise and include)."""
    c = console
    _opening(report, c, exploration)
    _headline(report, c)
    _comparison(report, c)
    _variants(report, c)
    _answers(report, c)
    _reneging_and_record(report, c)
    _sensitivity(report, c)
    if exploration is not None:
        from detente.strategy.explore import render_summary

        c.rule("How robust the answer is")
        render_summary(exploration, c)
    _supporting(report, c)
    c.print(f"\n[dim]detente {report.version}; scenario digest {report.digest[:12]}; "
            f"{report.parameters.get('seconds')} s[/dim]")


def _opening(report: StrategyReport, c: Console, exploration: Any) -> None:
    """Title, description, the summary and the actors and their options."""
    c.rule(f"[bold]{report.scenario}")
    c.print(escape(report.description))
    c.rule("Summary")
    from detente.report.summary import summary

    for point in summary(report, exploration):
        c.print(f"[bold]{escape(point.heading)}.[/bold] {escape(point.text)}")
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


def _headline(report: StrategyReport, c: Console) -> None:
    """The same-rules headline, sentence by sentence."""
    concl = report.conclusion
    if concl is not None:
        c.rule("Headline")
        for sentence in concl.sentences:
            c.print(escape(sentence))


def _comparison(report: StrategyReport, c: Console) -> None:
    """The ranking table, the rules comparison and the structural differences."""
    c.rule("Strategy comparison")
    c.print(escape(ranking_note(report)))
    t = Table(title="Variants ranked by the best outcome they can reach (equal scores share a "
              "rank)")
    t.add_column("rank", justify="right")
    t.add_column("variant")
    t.add_column("best reachable outcome" if report.interests else "reachable equilibria")
    for iid, _name, w in report.interests:
        t.add_column(f"{iid} (w={w:g})", justify="right")
    if report.interests:
        t.add_column("total", justify="right")
    for tid, _name, _when in report.tracked:
        t.add_column(tid)
    for e in report.ranking:
        v = report.variant(e.variant)
        marks = [tracked_text(v.tracked.get(tid, {}), report.concept)
                 for tid, _, _ in report.tracked]
        best = v.best
        if not report.interests:
            shown = ", ".join(o.state for o in v.reachable[:3]) or "none reachable"
            more = v.n_reachable_equilibria - min(3, len(v.reachable))
            t.add_row(str(e.rank), v.name, shown + (f" and {more:,} more" if more > 0 else ""),
                      *marks)
            continue
        if best is None:
            why = "none reachable" if v.top is None else f"no best: {v.no_best}"
            score = "" if v.score is None else f"{v.score:.2f}"
            t.add_row(str(e.rank), v.name, why, *[""] * len(report.interests), score, *marks)
            continue
        desc = "; ".join(f"{a}: {', '.join(o) or '—'}" for a, o in best.options.items())
        t.add_row(str(e.rank), v.name, desc,
                  *[f"{best.interests.get(i[0], 0):g}" for i in report.interests],
                  f"{best.total:.2f}", *marks)
    c.print(t)

    if len(report.rules) > 1:
        what = "rank and top score" if report.interests else "reachable equilibria"
        t = Table(title=f"The same move rules for every variant ({what})")
        t.add_column("variant")
        for run in report.rules:
            t.add_column(run.rules.label)
        for vid in report.order:
            t.add_row(vid, *[cell(run, vid, bool(report.interests)) for run in report.rules])
        c.print(t)
    differs = [s for s in report.structure if s.differs]
    if differs:
        c.print("[bold]Structure[/bold] (what each variant changes besides preferences):")
        for st in differs:
            c.print(escape(f"  {st.variant}: {st.describe()} ({st.n_states:,} feasible states)"))


def _variants(report: StrategyReport, c: Console) -> None:
    """Each variant: equilibria, reachable states, its best outcome and path."""
    for v in report.variants:
        c.rule(f"Variant: {v.name}")
        c.print(escape(v.description))
        eqs = ", ".join(f"{k.upper()} {len(v.stability.equilibria(k)):,}"
                        for k in v.stability.concepts)
        c.print(f"Equilibria: {eqs}. States reachable from the status quo: "
                f"{v.n_reachable_states:,}; reachable {v.concept.upper()} equilibria: "
                f"{v.n_reachable_equilibria:,}.")
        if v.best is not None:
            tied = (f"; {v.n_top - 1:,} other reachable equilibria share this score"
                    if v.n_top > 1 else "")
            c.print(f"Best reachable outcome {v.best.state} (score {v.best.total:.2f}{tied}), "
                    f"path: {_fmt_path(v.best.path)}")
        elif v.top is not None:
            c.print(escape(f"No best outcome: {v.no_best}."))


def _answers(report: StrategyReport, c: Console) -> None:
    """The scenario's questions with their evidence (counts that are true)."""
    if report.answers:
        c.rule("The questions")
        for a in report.answers:
            c.print(f"[bold]{escape(a.question)}[/bold]")
            c.print(escape(f"  {a.answer}"))
            for line in a.evidence[:EVIDENCE_SHOWN]:
                c.print(escape(f"    · {line}"))
            rest = a.evidence_total - min(EVIDENCE_SHOWN, len(a.evidence))
            if rest > 0:
                in_json = len(a.evidence) - min(EVIDENCE_SHOWN, len(a.evidence))
                c.print(f"    · … {rest} more line{'s' if rest > 1 else ''} of evidence"
                        + (" in the JSON" if in_json == rest else
                           f"; the JSON holds {in_json} of them"))


def _sensitivity(report: StrategyReport, c: Console) -> None:
    """Which single statement edits change the ranking."""
    if report.sensitivity:
        from detente.report.tables import sensitivity_rows

        sens = sensitivity_rows(report)
        c.rule("Which assumptions decide the ranking")
        c.print(f"{sens['total']} single edits of the actors' preference statements (dropping "
                f"one, or swapping two neighbours), each analysed on its own; "
                f"{sens['changing']} change the ranking or a variant's best outcome, "
                f"{sens['top']} change what comes out best (marked ★, listed first). Without "
                f"any edit the ranking is: {sens['base']}.")
        t = Table()
        for col in ("", "variant edited", "actor", "edit", "the ranking then",
                    "variant's best outcome changes"):
            t.add_column(col)
        for row in sens["rows"]:
            t.add_row("★" if row["top"] else "", row["variant"], row["actor"], row["change"],
                      row["ranking"], "yes" if row["outcome"] else "no")
        c.print(t)
        if sens["more"]:
            c.print(f"… {sens['more']} more in the JSON.")


def _supporting(report: StrategyReport, c: Console) -> None:
    """Verification per regime, bargaining forecasts and the package deal."""
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
            c.print(escape(line))
            _bargaining_sensitivity(e.get("sensitivity"), c)
    pkg = report.extras.get("package")
    if pkg:
        c.print(f"Package deal (exchange model, {pkg['exchanges']} exchanges over "
                f"{pkg['rounds']} rounds) — where the issues settle:")
        for _, e in pkg["issues"].items():
            ends = ", ".join(f"{a} {x:.0f}" for a, x in e["positions_end"].items())
            c.print(f"  {e['name']}: mean {e['mean_start']:.1f} → {e['mean_end']:.1f}; "
                    f"positions at the end: {ends}")


def _bargaining_sensitivity(sens: Any, c: Console) -> None:
    """Both expected-utility variants' forecasts and how each moves when one actor's input
    changes (words from :mod:`detente.report.bargaining`)."""
    if not sens:
        return
    from detente.report.bargaining import sensitivity_sentence, sensitivity_table

    for _, sv in sens.items():
        c.print(escape("  " + sensitivity_sentence(sv)))
    first = next(iter(sens.values()))
    header, rows = sensitivity_table(first)
    t = Table(title=f"Forecast ({first['variant']}) after one actor's input changes "
                    f"(* moves it by more than {first['threshold']:.0f} points)")
    for col in header:
        t.add_column(col, justify="left" if col == "actor" else "right")
    for row in rows:
        t.add_row(*row)
    c.print(t)


def _reneging_and_record(report: StrategyReport, c: Console) -> None:
    """What happens if an actor reneges on each variant's outcome; the model against the
    record (words from :mod:`detente.report.accountability`)."""
    parts = sections(report)
    if parts["reneging"]:
        c.rule("What happens if an actor reneges")
        c.print("For each variant's first-ranked outcome: every move away from it that would "
                "gain its mover, who responds, and whether that deters the move.")
        for item in parts["reneging"]:
            c.print(f"[bold]{escape(item['variant'])}[/bold] ({item['state']}): "
                    f"{escape(item['sentence'])}")
            if not item["rows"]:
                continue
            t = Table()
            for col in ("reneges", "by", "deterred", "response"):
                t.add_column(col)
            for row in item["rows"]:
                t.add_row(row["mover"], row["move"], row["deterred"], row["response"])
            c.print(t)
            if item["more"]:
                c.print(f"… {item['more']} more moves in the JSON.")
    rec = parts["record"]
    if rec is not None:
        c.rule("The record")
        c.print(escape(rec["sentence"]))
        t = Table(title="The base model, step by step")
        for col in ("date", "event", "moved", "change", "improvement for the movers",
                    "reached"):
            t.add_column(col)
        for row in rec["rows"]:
            t.add_row(row["date"], row["event"], row["movers"], row["change"], row["improves"],
                      row["reached"])
        c.print(t)
        t = Table(title="Every model against the record")
        for col in ("model", "steps that improve for the movers", "recorded states reached",
                    "statement edits that make it consistent"):
            t.add_column(col)
        for row in rec["summary"]:
            t.add_row(row["model"], row["steps"], row["reached"], row["edits"])
        c.print(t)
