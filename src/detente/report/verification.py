"""The report's verification section: every regime's numbers with their assumptions beside them.

Presentation only: the numbers come from ``extras["verification"]``, the JSON of
:func:`detente.verify.assess_regimes` (plus the accountancy summary) built by
:func:`detente.strategy.analysis.supporting_models`. Formulas: ``docs/discussion/verification.md``.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["regime_rows", "render_verification_text"]


def _num(x: Any, fmt: str, none: str = "—") -> str:
    return none if x is None else format(x, fmt)


def regime_rows(ver: dict[str, Any]) -> list[dict[str, str]]:
    """One row of display strings per regime (shared by the text and HTML reports)."""
    rows = []
    for r in ver.get("regimes", []):
        det = r.get("deterrence")
        hidden = r.get("hidden") or []
        hidden_text = "; ".join(
            f"{h['fraction_hidden']:.0%} hidden: {h['detection']:.2f} "
            f"({_num(h['months_to_sq'], '.1f', '∞')} mo, {h['route']})"
            for h in hidden if h["fraction_hidden"] > 0
        )
        if r["heu_production"]:
            deter = "n/a (production permitted)"
        elif det is None:
            deter = "—"
        elif det["inspections_needed"] is None:
            deter = f"none suffices (β must be < {det['max_nondetection']:.3f})"
        else:
            deter = (f"{det['inspections_needed']} at P = {det['detection_per_inspection']:g} "
                     f"(β < {det['max_nondetection']:.3f})")
            if r.get("inspections_during_breakout") is not None:
                deter += f"; plan gives {r['inspections_during_breakout']:.1f} in a breakout"
        restart = f" (incl. {r['restart_months']:g} mo restart)" if r["restart_months"] else ""
        stocks = ", ".join(f"{s['kg_u']:,.0f} kg U at {s['assay']:.3g}" for s in r["stocks"])
        rows.append({
            "label": r["label"],
            "description": r.get("description", ""),
            "why": r.get("why", ""),
            "heu": (f"{r['heu_sq_per_year']:.2f} SQ ({r['heu_kg_per_year']:.0f} kg)"
                    if r["heu_production"] else
                    f"0 permitted ({r['heu_sq_per_year_if_broken']:.2f} SQ if broken)"),
            "pu": ("—" if r.get("pu_sq_per_year") is None else
                   f"{r['pu_sq_per_year']:.2f} SQ ({r['pu_kg_per_year']:.1f} kg)"
                   if r["reactor_operating"] else "0 (reactor shut down)"),
            "capacity": f"{r['machines']:,} machines, {r['capacity_swu_per_year']:,.0f} SWU/yr",
            "breakout": (f"{_num(r['breakout_months'], '.1f', '∞')} mo{restart}"
                         + (f" from {stocks}" if stocks else " from natural U")),
            "detection": ("production permitted" if r["detection_declared"] is None else
                          f"{r['detection_declared']:.2f} ({r['inspections_per_year']:g} "
                          "inspections/yr)"),
            "hidden": hidden_text or "—",
            "deterrence": deter,
        })
    return rows


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
    for col in ("regime", "HEU per year", "Pu per year", "capacity", "breakout to 1 SQ",
                "detected (declared)", "with hidden capacity", "inspections to deter"):
        t.add_column(col)
    rows = regime_rows(ver)
    for row in rows:
        t.add_row(row["label"], row["heu"], row["pu"], row["capacity"], row["breakout"],
                  row["detection"], row["hidden"], row["deterrence"])
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
