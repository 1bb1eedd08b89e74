"""The report's verification section: every regime's numbers with their assumptions beside them.

Presentation only: the numbers come from ``extras["verification"]``, the JSON of
:func:`detente.verify.assess_regimes` (plus the accountancy summary) built by
:func:`detente.strategy.analysis.supporting_models`. Formulas: ``docs/discussion/verification.md``.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["COLUMNS", "regime_rows", "render_verification_text", "verification_notes"]


def _num(x: Any, fmt: str, none: str = "—") -> str:
    return none if x is None else format(x, fmt)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def regime_rows(ver: dict[str, Any]) -> list[dict[str, str]]:
    """One row of display strings per regime (shared by the text, HTML and workbench
    reports): words and units, probabilities as percentages, and each regime's assumptions
    (restart time, inspections) beside the numbers they drive."""
    rows = []
    for r in ver.get("regimes", []):
        det = r.get("deterrence")
        hidden = r.get("hidden") or []
        hidden_text = "; ".join(
            f"with {_pct(h['fraction_hidden'])} of capacity hidden: {_pct(h['detection'])} "
            f"chance of detection before one significant quantity is made "
            f"({_num(h['months_to_sq'], '.1f', 'never')} months, "
            f"{'at a hidden plant' if h['route'] == 'covert' else 'at the declared plant'})"
            for h in hidden if h["fraction_hidden"] > 0
        )
        if r["heu_production"]:
            deter = "not applicable: production is permitted"
        elif det is None:
            deter = "—"
        elif det["inspections_needed"] is None:
            deter = (f"no number suffices (the chance of going undetected must stay below "
                     f"{_pct(det['max_nondetection'])})")
        else:
            n = det["inspections_needed"]
            deter = (f"{n} inspection{'s' if n != 1 else ''}, each detecting a violation "
                     f"{_pct(det['detection_per_inspection'])} of the time (assumed), keep the "
                     f"chance of going undetected below {_pct(det['max_nondetection'])}")
            if r.get("inspections_during_breakout") is not None:
                deter += (f"; the plan's schedule gives {r['inspections_during_breakout']:.1f} "
                          "during a breakout")
        restart = r["restart_months"]
        months = r["breakout_months"]
        if months is None:
            timing = "never (nothing can be made)"
        elif restart:
            timing = (f"{months:.1f} months: {restart:g} month{'s' if restart != 1 else ''} "
                      f"to restart the plant (assumed) + {months - restart:.1f} months of "
                      "enrichment")
        else:
            timing = f"{months:.1f} months of enrichment (the plant is already running)"
        stocks = ", ".join(f"{s['kg_u']:,.0f} kg of uranium enriched to {100 * s['assay']:.3g}%"
                           for s in r["stocks"])
        rows.append({
            "label": r["label"],
            "description": r.get("description", ""),
            "why": r.get("why", ""),
            "heu": (f"{r['heu_sq_per_year']:.2f} significant quantities "
                    f"({r['heu_kg_per_year']:.0f} kg of highly enriched uranium)"
                    if r["heu_production"] else
                    f"none permitted ({r['heu_sq_per_year_if_broken']:.2f} significant "
                    "quantities if the limit is broken)"),
            "pu": ("—" if r.get("pu_sq_per_year") is None else
                   f"{r['pu_sq_per_year']:.2f} significant quantities "
                   f"({r['pu_kg_per_year']:.1f} kg of plutonium)"
                   if r["reactor_operating"] else "none (reactor shut down)"),
            "capacity": (f"{r['machines']:,} centrifuges, {r['capacity_swu_per_year']:,.0f} "
                         "separative work units (SWU) a year"),
            "breakout": timing + (f", starting from {stocks}" if stocks else
                                  ", starting from natural uranium"),
            "detection": ("not applicable: production is permitted"
                          if r["detection_declared"] is None else
                          f"{_pct(r['detection_declared'])} chance of detection at the "
                          f"declared plant with {r['inspections_per_year']:g} inspections a "
                          "year (assumed)"),
            "hidden": hidden_text or "—",
            "deterrence": deter,
        })
    return rows


#: Column headings of :func:`regime_rows`, in display order.
COLUMNS = (("label", "regime"), ("heu", "highly enriched uranium a year"),
           ("pu", "plutonium a year"), ("capacity", "enrichment capacity left"),
           ("breakout", "time to one significant quantity (breakout)"),
           ("detection", "detection of a breakout at the declared plant"),
           ("hidden", "with hidden capacity"), ("deterrence", "inspections needed to deter"))


def verification_notes(ver: dict[str, Any]) -> list[str]:
    """The section's sentences around the table: plant, reactor, holdings, assumptions, the
    deterrence condition, accountancy (shared by the HTML and workbench reports)."""
    out: list[str] = []
    heu = ver["heu"]
    out.append(
        f"Declared enrichment plant: {ver['capacity_machines']:,} centrifuges × "
        f"{ver['swu_per_machine_year']:g} separative work units (SWU) a year each = "
        f"{heu['capacity_swu_per_year']:,.0f} SWU a year. One significant quantity (25 kg of "
        f"uranium-235 in 90% enriched uranium, the IAEA's amount for one weapon) needs "
        f"{heu['swu_per_sq']:,.0f} SWU from natural uranium, so the plant can make "
        f"{heu['sq_per_year']:.2f} significant quantities ({heu['kg_per_year']:.0f} kg) a year. "
        f"Assumption: {ver['assumptions']['capacity']}")
    pu = ver.get("plutonium")
    if pu:
        out.append(
            f"Reactor: {pu['thermal_mw']:g} MW thermal × {_pct(pu['capacity_factor'])} of the "
            f"time × {pu['grams_per_mwt_day']:g} g of plutonium per MW-day = "
            f"{pu['kg_per_year']:.1f} kg of plutonium ({pu['sq_per_year']:.2f} significant "
            f"quantities of 8 kg) a year. Assumption: {ver['assumptions'].get('reactor', '')}")
    held = ver.get("holdings") or []
    if held:
        out.append("Already held (published estimates, in significant quantities): " + "; ".join(
            f"{h['name']} {h['sq_low']:.1f} to {h['sq_high']:.1f}" for h in held) + ".")
    if "deterrence" in ver["assumptions"]:
        out.append(f"Assumption behind the inspections needed: "
                   f"{ver['assumptions']['deterrence']}")
    if "undeclared" in ver["assumptions"]:
        out.append(f"Assumption behind the hidden-capacity column: "
                   f"{ver['assumptions']['undeclared']}")
    out.append("A violation is deterred when the chance of it going undetected is below "
               "(B − A·F)/(B + D), where B is what the violator gains if undetected, D what "
               "it loses if caught, A the false-alarm probability and F the cost of a false "
               "alarm (the non-zero-sum inspection game of Avenhaus and Canty; see "
               "docs/discussion/inspection-games.md).")
    ref = ver.get("zero_sum_reference")
    if ref:
        out.append(
            f"For reference only (the zero-sum game of Dresher 1962, which measures "
            f"the inspectee's expected gain on a scale where 1 is an assured undetected "
            f"violation, not deterrence): that value falls to {ref['value_threshold']:g} or "
            f"below with {ref['inspections_for_value']} inspections in {ref['periods']} "
            "periods.")
    acc = ver.get("accountancy")
    if acc:
        out.append(
            f"Material accountancy: a year of {acc['periods']} material balances detects the "
            f"diversion of one significant quantity with a {_pct(acc['cumuf_detection'])} "
            f"chance, at a {_pct(acc['false_alarm'])} false-alarm rate. Assumption: "
            f"{acc['why']}")
    return out


def render_verification_text(ver: dict[str, Any], c: Console) -> None:
    """Print the verification section of the text report."""
    c.rule("Verifying a freeze or cap on an armed state")
    heu = ver["heu"]
    c.print(
        f"Declared enrichment plant: {ver['capacity_machines']:,} machines × "
        f"{ver['swu_per_machine_year']:g} SWU/yr = {heu['capacity_swu_per_year']:,.0f} SWU/yr; "
        f"one significant quantity (25 kg U-235 in 90 % HEU) from natural uranium needs "
        f"{heu['swu_per_sq']:,.0f} SWU, so the plant makes {heu['sq_per_year']:.2f} SQ "
        f"({heu['kg_per_year']:.0f} kg HEU) a year. Assumption: {ver['assumptions']['capacity']}"
    )
    pu = ver.get("plutonium")
    if pu:
        c.print(
            f"Reactor: {pu['thermal_mw']:g} MWt × {pu['capacity_factor']:g} × "
            f"{pu['grams_per_mwt_day']:g} g/MWt-day = {pu['kg_per_year']:.1f} kg Pu "
            f"({pu['sq_per_year']:.2f} SQ of 8 kg) a year. Assumption: "
            f"{ver['assumptions'].get('reactor', '')}"
        )
    held = ver.get("holdings") or []
    if held:
        c.print("Already held (estimates): " + "; ".join(
            f"{h['name']} {h['sq_low']:.1f}–{h['sq_high']:.1f} SQ" for h in held))
    t = Table(title="Per regime (ideal-cascade lower bounds on time; upper bounds on output)")
    for _key, col in COLUMNS:
        t.add_column(col)
    rows = regime_rows(ver)
    for row in rows:
        t.add_row(*[row[key] for key, _ in COLUMNS])
    c.print(t)
    for row in rows:
        c.print(f"  {row['label']}: {row['description']} — {row['why']}")
    for key in ("deterrence", "undeclared"):
        if key in ver["assumptions"]:
            c.print(f"Assumption ({key}): {ver['assumptions'][key]}")
    c.print("Deterrence is the non-zero-sum condition (Avenhaus & Canty): a violation is "
            "deterred when its non-detection probability is below (B − A·F)/(B + D).")
    ref = ver.get("zero_sum_reference")
    if ref:
        c.print(f"Zero-sum reference only (Dresher 1962, not deterrence): the inspectee's value "
                f"falls to {ref['value_threshold']:g} or below with "
                f"{ref['inspections_for_value']} inspections in {ref['periods']} periods.")
    acc = ver.get("accountancy")
    if acc:
        c.print(f"Material accountancy: a year of {acc['periods']} balances detects a one-SQ "
                f"diversion with probability {acc['cumuf_detection']:.3f} at "
                f"{acc['false_alarm']:g} false alarms. Assumption: {acc['why']}")
    if ver.get("sources"):
        c.print("Sources (2017 or earlier): " + " | ".join(ver["sources"]))
    if ver.get("history"):
        c.print(f"Later information (not used): {ver['history']}")
