"""``detente verify``: production, breakout, deterrence, inspection games and accountancy.

Each command prints a table with units, or JSON only with ``--json``. Bad input raises
``ValueError``; :func:`detente.cli.main.main` prints it as one ``error:`` line, exit code 2.
Formulas and sources: :mod:`detente.verify`, ``docs/discussion/verification.md`` and
``docs/discussion/enrichment.md``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from detente.cli._common import emit_json
from detente.errors import InputError
from detente.verify import (
    JCPOA_MACHINES,
    JCPOA_STOCK_ASSAY,
    JCPOA_STOCK_KG_UF6,
    NATURAL_ASSAY,
    assess_regimes,
    breakout,
    cascade_capacity,
    cumuf_detection_probability,
    cumuf_sigma,
    detection_probability,
    deterrence,
    dresher_detection_probability,
    dresher_row,
    dresher_stage,
    gaussian_inspection_game,
    heu_production,
    hidden_capacity_sweep,
    inspections_for_value,
    largest_sigma_muf,
    loss_for_detection,
    muf_covariance,
    plutonium_production,
    sigma_muf,
    swu_per_significant_quantity,
    uf6_to_u,
    worst_case_loss_pattern,
)

__all__ = ["register"]

_DRESHER_LABEL = "Dresher (1962) zero-sum inspection game (reference, not deterrence)"
_MAX_PERIODS = 5000
_MAX_BALANCE_PERIODS = 2000


def _parse_lot(option: str, text: str) -> tuple[float, float]:
    """Parse ``KG:ASSAY`` (e.g. ``300:0.0367``) into two floats."""
    parts = text.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        kg, assay = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(
            f"{option} must look like KG:ASSAY, e.g. 300:0.0367; got {text!r}"
        ) from None
    if not 0.0 < assay < 1.0:
        raise InputError(f"{option} assay must lie in (0, 1); got {assay:g} in {text!r}")
    if kg < 0 or not math.isfinite(kg):
        raise InputError(f"{option} kg must be >= 0; got {kg:g} in {text!r}")
    return kg, assay


def _emit(as_json: bool, payload: dict[str, Any], table: Table, notes: list[str],
          command: str) -> None:
    if as_json:
        emit_json(command, payload)
        return
    console = Console()
    console.print(table)
    for note in notes:
        console.print(note)


def _table(title: str) -> Table:
    table = Table(title=title)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    return table


def breakout_command(
    stock: Annotated[
        list[str] | None,
        typer.Option("--stock", help="Feed lot KG:ASSAY in kg U (repeatable), e.g. 200:0.0367."),
    ] = None,
    stock_uf6: Annotated[
        list[str] | None,
        typer.Option("--stock-uf6", help="Feed lot KG:ASSAY in kg UF6 (repeatable)."),
    ] = None,
    machines: Annotated[int | None, typer.Option(help="Number of centrifuges.")] = None,
    swu_per_machine: Annotated[
        float | None, typer.Option(help="kg-SWU per machine-year (IR-1: 0.75-1.0).")
    ] = None,
    capacity: Annotated[
        float | None, typer.Option(help="Total capacity, kg-SWU per year (instead of machines).")
    ] = None,
    target_kg: Annotated[
        float, typer.Option(help="kg U-235 wanted (one IAEA SQ of HEU = 25).")
    ] = 25.0,
    target_assay: Annotated[float, typer.Option(help="Product U-235 fraction.")] = 0.9,
    tails: Annotated[float, typer.Option(help="Tails U-235 fraction.")] = 0.003,
    jcpoa: Annotated[
        bool,
        typer.Option(
            "--jcpoa",
            help="Add the JCPOA stock (300 kg UF6 at 3.67 %) and default to 5,060 IR-1 "
            "at 1.0 SWU/yr.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Ideal-cascade breakout time to one significant quantity of HEU (a lower bound)."""
    lots = [_parse_lot("--stock", s) for s in stock or []]
    for s in stock_uf6 or []:
        kg, assay = _parse_lot("--stock-uf6", s)
        lots.append((uf6_to_u(kg, assay), assay))
    if jcpoa:
        lots.append((uf6_to_u(JCPOA_STOCK_KG_UF6, JCPOA_STOCK_ASSAY), JCPOA_STOCK_ASSAY))
        if capacity is None:
            machines = JCPOA_MACHINES if machines is None else machines
            swu_per_machine = 1.0 if swu_per_machine is None else swu_per_machine
    if capacity is not None and (machines is not None or swu_per_machine is not None):
        raise InputError("give either --capacity or --machines with --swu-per-machine, not both")
    if capacity is None:
        if machines is None or swu_per_machine is None:
            raise InputError("give --capacity SWU, or both --machines N and --swu-per-machine X")
        capacity = cascade_capacity(machines, swu_per_machine)
    r = breakout(lots, capacity, target_kg=target_kg, target_assay=target_assay, tails_assay=tails)
    payload: dict[str, Any] = {
        "swu": r.swu,
        "months": r.months,
        "capacity_swu_per_year": r.capacity_swu_per_year,
        "machines": machines,
        "swu_per_machine_year": swu_per_machine,
        "target_kg": r.target_kg,
        "target_assay": r.target_assay,
        "tails_assay": r.tails_assay,
        "product_kg": r.product_kg,
        "stocks": [
            {"kg_u": kg, "assay": x, "drawn_kg_u": d}
            for kg, x, d in zip(r.stock_kg, r.stock_assays, r.feed_kg_by_lot, strict=True)
        ],
        "finished_kg": r.finished_kg,
        "natural_feed_kg": r.natural_feed_kg,
        "tails_kg": r.tails_kg,
    }
    table = _table("Breakout to one significant quantity (ideal cascade, lower bound)")
    table.add_row("breakout time", f"{r.months:.2f}", "months")
    table.add_row("separative work", f"{r.swu:,.0f}", "kg-SWU")
    table.add_row("capacity", f"{r.capacity_swu_per_year:,.0f}", "kg-SWU/yr")
    table.add_row("product", f"{r.product_kg:.2f}", f"kg U at {r.target_assay:.3g}")
    for i, (kg, x, d) in enumerate(zip(r.stock_kg, r.stock_assays, r.feed_kg_by_lot, strict=True)):
        table.add_row(f"stock lot {i + 1} drawn", f"{d:,.1f} of {kg:,.1f}", f"kg U at {x:.4g}")
    table.add_row("natural uranium feed", f"{r.natural_feed_kg:,.0f}", "kg U at 0.00711")
    table.add_row("tails", f"{r.tails_kg:,.0f}", f"kg U at {r.tails_assay:.4g}")
    notes = [
        "Lower bound: ideal cascade, no set-up or re-configuration, no losses, "
        "weaponisation not included."
    ]
    _emit(as_json, payload, table, notes, "verify breakout")


def inspections_command(
    periods: Annotated[int, typer.Option(help="Number of periods n.")],
    inspections: Annotated[int, typer.Option(help="Number of inspections m (<= n).")],
    caught_cost: Annotated[
        str, typer.Option(help="Inspectee's loss when caught, b (e.g. 1, 2, 3/2).")
    ] = "1",
    deterrence_value: Annotated[
        float | None,
        typer.Option(
            help="Also report the fewest inspections with value <= this threshold (zero-sum "
            "reference, not deterrence)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Dresher's sequential inspection game (zero-sum reference): value and stage strategies.

    Zero-sum: the inspectee still violates with positive probability at every m < n, so the
    fewest inspections with value <= a threshold is not a deterrence criterion; for that use
    ``detente verify deterrence`` (non-zero-sum, Avenhaus & Canty 1996).
    """
    if periods > _MAX_PERIODS:
        raise InputError(
            f"--periods must be <= {_MAX_PERIODS:,} (exact fractions grow with n); got {periods}"
        )
    stage = dresher_stage(periods, inspections, caught_cost)
    detect = dresher_detection_probability(periods, inspections, caught_cost)
    row = dresher_row(periods, caught_cost)
    needed = (
        inspections_for_value(periods, deterrence_value, caught_cost)
        if deterrence_value is not None
        else None
    )
    payload: dict[str, Any] = {
        "model": _DRESHER_LABEL,
        "periods": periods,
        "inspections": inspections,
        "caught_cost": str(stage.b),
        "value": str(stage.value),
        "value_float": float(stage.value),
        "inspect_probability": str(stage.inspect_probability),
        "inspect_probability_float": float(stage.inspect_probability),
        "violate_probability": str(stage.violate_probability),
        "violate_probability_float": float(stage.violate_probability),
        "detection_probability": str(detect),
        "detection_probability_float": float(detect),
        "values_by_inspections": [str(v) for v in row],
    }
    if needed is not None:
        payload["deterrence_value"] = deterrence_value
        payload["inspections_needed"] = needed
    table = _table(
        f"Dresher's inspection game (zero-sum reference): n={periods} periods, "
        f"m={inspections} inspections"
    )
    table.add_row(
        "value to inspectee v(n, m)",
        f"{stage.value} = {float(stage.value):.6f}",
        "x gain of undetected violation",
    )
    table.add_row(
        "inspect now, p",
        f"{stage.inspect_probability} = {float(stage.inspect_probability):.6f}",
        "probability",
    )
    table.add_row(
        "violate now, q",
        f"{stage.violate_probability} = {float(stage.violate_probability):.6f}",
        "probability",
    )
    table.add_row("violation caught", f"{detect} = {float(detect):.6f}", "probability")
    table.add_row("caught cost b", str(stage.b), "x gain of undetected violation")
    if needed is not None:
        table.add_row(
            f"inspections for v <= {deterrence_value:g} (zero-sum reference)",
            str(needed),
            "inspections",
        )
    notes = [
        "Zero-sum reference (Dresher 1962): not a deterrence criterion; see "
        "`detente verify deterrence`."
    ]
    if periods <= 30:
        notes.append("v(n, m) for m = 0..n: " + ", ".join(str(v) for v in row))
    _emit(as_json, payload, table, notes, "verify inspections")


def muf_command(
    sigma: Annotated[float | None, typer.Option(help="sigma_MUF per balance period, kg.")] = None,
    sigma_component: Annotated[
        list[float] | None,
        typer.Option(
            "--sigma-component",
            help="Independent error of one balance term, kg (repeatable; added in quadrature).",
        ),
    ] = None,
    sigma_inventory: Annotated[
        float | None, typer.Option(help="sigma of each inventory, kg (with --sigma-throughput).")
    ] = None,
    sigma_throughput: Annotated[
        float | None, typer.Option(help="sigma of each period's net flow, kg.")
    ] = None,
    loss: Annotated[float, typer.Option(help="Diversion to detect, kg (HEU SQ = 25).")] = 25.0,
    false_alarm: Annotated[float, typer.Option(help="False-alarm probability alpha.")] = 0.05,
    detection: Annotated[float, typer.Option(help="Detection goal 1 - beta.")] = 0.9,
    periods: Annotated[int, typer.Option(help="Balance periods for the CUMUF test.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Material accountancy: detection probability of a loss by the MUF and CUMUF tests."""
    structured = sigma_inventory is not None or sigma_throughput is not None
    given = sum([sigma is not None, bool(sigma_component), structured])
    if given != 1:
        raise InputError(
            "give exactly one of --sigma, --sigma-component (repeatable), or "
            "--sigma-inventory with --sigma-throughput"
        )
    if not 1 <= periods <= _MAX_BALANCE_PERIODS:
        raise InputError(
            f"--periods must lie in 1..{_MAX_BALANCE_PERIODS:,} (the MUF covariance is "
            f"periods x periods); got {periods}"
        )
    if structured:
        if sigma_inventory is None or sigma_throughput is None:
            raise InputError("give both --sigma-inventory and --sigma-throughput")
        cov = muf_covariance(periods, sigma_inventory, sigma_throughput)
    else:
        s = sigma_muf(sigma_component) if sigma_component else sigma
        assert s is not None
        if s <= 0:
            raise InputError(f"sigma_MUF must be > 0; got {s:g}")
        cov = muf_covariance(periods, 0.0, s)
    sigma_period = math.sqrt(float(cov[0, 0]))
    sigma_c = cumuf_sigma(cov)
    pd_one = detection_probability(loss / sigma_period, false_alarm) if loss >= 0 else math.nan
    pd_cumuf = cumuf_detection_probability(loss, cov, false_alarm)
    k = loss_for_detection(detection, false_alarm)
    pattern = worst_case_loss_pattern(loss, cov)
    payload: dict[str, Any] = {
        "sigma_muf_kg": sigma_period,
        "sigma_cumuf_kg": sigma_c,
        "periods": periods,
        "loss_kg": loss,
        "false_alarm": false_alarm,
        "loss_over_sigma": loss / sigma_period,
        "detection_probability_one_period": pd_one,
        "detection_probability_cumuf": pd_cumuf,
        "detection_goal": detection,
        "loss_for_detection_sigma": k,
        "loss_for_detection_kg": k * sigma_c,
        "largest_sigma_muf_kg": largest_sigma_muf(loss, detection, false_alarm, periods)
        if not structured and loss > 0
        else None,
        "worst_case_loss_pattern_kg": pattern.tolist(),
    }
    table = _table("Material accountancy (normal MUF, Neyman-Pearson / CUMUF tests)")
    table.add_row("sigma_MUF per period", f"{sigma_period:.4g}", "kg")
    table.add_row(f"sigma_CUMUF over {periods} period(s)", f"{sigma_c:.4g}", "kg")
    table.add_row("loss M", f"{loss:.4g}", "kg")
    table.add_row("PD, whole loss in one period", f"{pd_one:.4f}", f"alpha = {false_alarm:g}")
    table.add_row(
        f"PD, CUMUF over {periods} period(s)", f"{pd_cumuf:.4f}", f"alpha = {false_alarm:g}"
    )
    table.add_row(
        f"loss detected with PD = {detection:g}", f"{k * sigma_c:.4g}", f"kg ({k:.4f} sigma_CUMUF)"
    )
    if payload["largest_sigma_muf_kg"] is not None:
        table.add_row(
            f"largest sigma_MUF for PD = {detection:g}",
            f"{payload['largest_sigma_muf_kg']:.4g}",
            "kg per period",
        )
    notes = []
    if periods > 1:
        notes.append(
            "diverter's worst-case pattern (kg per period): "
            + ", ".join(f"{x:.3g}" for x in pattern)
        )
    _emit(as_json, payload, table, notes, "verify muf")


def game_command(
    loss_over_sigma: Annotated[float, typer.Option(help="Diversion M in units of sigma_MUF.")],
    a: Annotated[float, typer.Option(help="Inspector's loss, detected violation.")] = 1.0,
    b: Annotated[float, typer.Option(help="Inspectee's loss when caught.")] = 1.0,
    c: Annotated[float, typer.Option(help="Inspector's loss, undetected violation.")] = 2.0,
    d: Annotated[float, typer.Option(help="Inspectee's gain, undetected violation.")] = 1.0,
    e: Annotated[float, typer.Option(help="Inspector's loss, false alarm.")] = 1.0,
    f: Annotated[float, typer.Option(help="Inspectee's loss, false alarm.")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Inspection game with a Gaussian MUF test: equilibrium alpha, beta, t and payoffs."""
    g = gaussian_inspection_game(loss_over_sigma, a=a, b=b, c=c, d=d, e=e, f=f)
    payload: dict[str, Any] = {
        "loss_over_sigma": g.loss_over_sigma,
        "false_alarm": g.false_alarm,
        "non_detection": g.non_detection,
        "violation": g.violation,
        "beta_slope": g.beta_slope,
        "inspector_payoff": g.inspector_payoff,
        "inspectee_payoff": g.inspectee_payoff,
        "leader_inspector_payoff": g.leader_inspector_payoff,
        "leader_inspectee_payoff": g.leader_inspectee_payoff,
    }
    table = _table(f"Inspection game with a MUF test (M/sigma = {g.loss_over_sigma:g})")
    table.add_row("false-alarm probability alpha*", f"{g.false_alarm:.6f}", "probability")
    table.add_row("non-detection beta*", f"{g.non_detection:.6f}", "probability")
    table.add_row("violation probability t*", f"{g.violation:.6f}", "probability")
    table.add_row("inspector payoff (Nash)", f"{g.inspector_payoff:.6f}", "payoff units")
    table.add_row("inspector payoff (leader)", f"{g.leader_inspector_payoff:.6f}", "payoff units")
    table.add_row("inspectee payoff", f"{g.inspectee_payoff:.6f}", "payoff units")
    _emit(as_json, payload, table, [], "verify game")


def _capacity(machines: int | None, swu_per_machine: float | None,
              capacity: float | None, required: bool = True) -> float | None:
    if capacity is not None and (machines is not None or swu_per_machine is not None):
        raise InputError("give either --capacity or --machines with --swu-per-machine, not both")
    if capacity is not None:
        if capacity < 0 or not math.isfinite(capacity):
            raise InputError(f"--capacity must be a number >= 0; got {capacity:g}")
        return capacity
    if machines is None and swu_per_machine is None and not required:
        return None
    if machines is None or swu_per_machine is None:
        raise InputError("give --capacity SWU, or both --machines N and --swu-per-machine X")
    if machines < 0:
        raise InputError(f"--machines must be >= 0; got {machines}")
    return cascade_capacity(machines, swu_per_machine)


def production_command(
    machines: Annotated[int | None, typer.Option(help="Number of centrifuges.")] = None,
    swu_per_machine: Annotated[
        float | None, typer.Option(help="kg-SWU per machine-year.")
    ] = None,
    capacity: Annotated[
        float | None, typer.Option(help="Total capacity, kg-SWU per year (instead of machines).")
    ] = None,
    feed_assay: Annotated[
        float, typer.Option(help="Feed U-235 fraction (natural uranium 0.00711).")
    ] = NATURAL_ASSAY,
    tails: Annotated[float, typer.Option(help="Tails U-235 fraction.")] = 0.003,
    product_assay: Annotated[float, typer.Option(help="Product U-235 fraction.")] = 0.9,
    thermal_mw: Annotated[
        float | None, typer.Option(help="Reactor thermal power, MWt (for plutonium).")
    ] = None,
    capacity_factor: Annotated[
        float, typer.Option(help="Reactor's fraction of the year at full power.")
    ] = 1.0,
    grams_per_mwt_day: Annotated[
        float, typer.Option(help="g Pu per MWt-day (about 1 for low burnup, OTA 1993).")
    ] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Weapons material per year: HEU from enrichment capacity, Pu from reactor power."""
    cap = _capacity(machines, swu_per_machine, capacity, required=thermal_mw is None)
    heu = None
    if cap is not None:
        heu = heu_production(cap, feed_assay, tails, product_assay)
    pu = None
    if thermal_mw is not None:
        pu = plutonium_production(thermal_mw, capacity_factor, grams_per_mwt_day)
    payload: dict[str, Any] = {
        "sq_per_year": None if heu is None else heu.sq_per_year,
        "kg_per_year": None if heu is None else heu.kg_per_year,
        "u235_kg_per_year": None if heu is None else heu.u235_kg_per_year,
        "swu_per_sq": None if heu is None else heu.swu_per_sq,
        "capacity_swu_per_year": cap,
        "machines": machines,
        "swu_per_machine_year": swu_per_machine,
        "feed_assay": feed_assay,
        "tails_assay": tails,
        "product_assay": product_assay,
        "heu": None if heu is None else heu.to_dict(),
        "pu_kg_per_year": None if pu is None else pu.kg_per_year,
        "pu_sq_per_year": None if pu is None else pu.sq_per_year,
        "plutonium": None if pu is None else pu.to_dict(),
        "significant_quantity_kg": {"HEU": 25.0, "Pu": 8.0},
    }
    table = _table("Weapons material per year (significant quantities: HEU 25 kg U-235, Pu 8 kg)")
    if heu is not None:
        table.add_row("HEU", f"{heu.sq_per_year:.3f}", "SQ/yr")
        table.add_row("HEU product", f"{heu.kg_per_year:,.1f}", f"kg U/yr at {product_assay:g}")
        table.add_row("U-235 in it", f"{heu.u235_kg_per_year:,.1f}", "kg/yr")
        table.add_row("separative work per SQ", f"{heu.swu_per_sq:,.0f}", "kg-SWU")
        table.add_row("feed per SQ", f"{heu.feed_kg_per_sq:,.0f}", f"kg U at {feed_assay:g}")
        table.add_row("capacity", f"{heu.capacity_swu_per_year:,.0f}", "kg-SWU/yr")
    if pu is not None:
        table.add_row("plutonium", f"{pu.kg_per_year:.2f}", "kg/yr")
        table.add_row("plutonium", f"{pu.sq_per_year:.3f}", "SQ/yr")
    notes = [
        "Upper bounds: ideal cascade at rated capacity all year; "
        f"tails {tails:g}; reactor {capacity_factor:g} of the year at full power."
    ]
    _emit(as_json, payload, table, notes, "verify production")


def deterrence_command(
    gain: Annotated[float, typer.Option(help="D: inspectee's gain from an undetected violation.")],
    penalty: Annotated[float, typer.Option(help="B: inspectee's loss when a violation is caught.")],
    detection_per_inspection: Annotated[
        float, typer.Option(help="P: probability that one inspection detects a violation.")
    ],
    false_alarm: Annotated[
        float, typer.Option(help="A: probability of a false alarm on a compliant inspectee.")
    ] = 0.0,
    false_alarm_cost: Annotated[
        float | None, typer.Option(help="F: inspectee's loss from a false alarm (default B).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Non-zero-sum deterrence: violation deterred when non-detection < (B − A·F)/(B + D)."""
    d = deterrence(gain, penalty, detection_per_inspection, false_alarm, false_alarm_cost)
    payload = d.to_dict()
    table = _table("Deterrence (non-zero-sum inspection game, Avenhaus & Canty 1996)")
    table.add_row(
        "largest non-detection that deters",
        f"{d.max_nondetection} = {float(d.max_nondetection):.6f}",
        "(B − A·F)/(B + D)",
    )
    needed = "none suffices" if d.inspections_needed is None else str(d.inspections_needed)
    table.add_row("inspections needed", needed, f"independent, P = {d.detection_per_inspection:g}")
    if d.nondetection_at_needed is not None:
        table.add_row("non-detection then", f"{d.nondetection_at_needed:.6f}", "(1 − P)^n")
    table.add_row("gain D / penalty B", f"{d.gain:g} / {d.penalty:g}", "payoff units")
    table.add_row(
        "false alarm A / its cost F", f"{d.false_alarm:g} / {d.false_alarm_cost:g}", ""
    )
    notes = ["Deterred only if non-detection is strictly below the threshold."]
    if d.inspections_needed is None:
        notes.append(
            "No number of inspections deters: the threshold is <= 0 or P = 0; raise the "
            "penalty, lower the false-alarm cost, or improve detection."
        )
    _emit(as_json, payload, table, notes, "verify deterrence")


def undeclared_command(
    fraction: Annotated[
        list[float] | None,
        typer.Option("--fraction", help="Share of total capacity hidden (repeatable)."),
    ] = None,
    machines: Annotated[int | None, typer.Option(help="Declared centrifuges.")] = None,
    swu_per_machine: Annotated[
        float | None, typer.Option(help="kg-SWU per machine-year.")
    ] = None,
    capacity: Annotated[
        float | None, typer.Option(help="Declared capacity, kg-SWU per year.")
    ] = None,
    discovery_per_year: Annotated[
        float, typer.Option(help="q: yearly probability that a hidden plant is found.")
    ] = 0.5,
    inspections_per_year: Annotated[
        float, typer.Option(help="n: inspections a year at declared sites.")
    ] = 12.0,
    detection_per_inspection: Annotated[
        float, typer.Option(help="P: probability one inspection sees a declared breakout.")
    ] = 0.5,
    stock: Annotated[
        list[str] | None,
        typer.Option("--stock", help="Declared feed lot KG:ASSAY in kg U (repeatable)."),
    ] = None,
    restart_months: Annotated[
        float, typer.Option(help="Months before the declared plant can break out.")
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Undeclared capacity: detection and time to one SQ as the hidden share grows."""
    cap = _capacity(machines, swu_per_machine, capacity)
    assert cap is not None
    if restart_months < 0 or not math.isfinite(restart_months):
        raise InputError(f"--restart-months must be >= 0; got {restart_months:g}")
    lots = [_parse_lot("--stock", s) for s in stock or []]
    fractions = fraction or [0.0, 0.1, 0.25, 0.5]
    swu_sq = swu_per_significant_quantity()
    declared = (
        math.inf if cap <= 0 else restart_months + breakout(lots, cap).months
    )
    rows = hidden_capacity_sweep(fractions, cap, swu_sq, discovery_per_year, declared,
                                 inspections_per_year, detection_per_inspection)
    payload: dict[str, Any] = {
        "declared_capacity_swu_per_year": cap,
        "declared_months": None if math.isinf(declared) else declared,
        "swu_per_sq": swu_sq,
        "discovery_per_year": discovery_per_year,
        "inspections_per_year": inspections_per_year,
        "detection_per_inspection": detection_per_inspection,
        "cases": [r.to_dict() for r in rows],
    }
    table = Table(title="Undeclared capacity: the inspectee takes the less detectable route")
    for col in ("hidden share", "hidden SWU/yr", "route", "months to 1 SQ", "detection"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(f"{r.fraction_hidden:g}", f"{r.hidden_capacity_swu_per_year:,.0f}",
                      r.route, f"{r.months_to_sq:.1f}", f"{r.detection:.3f}")
    notes = [
        f"Declared route: breakout {declared:.1f} months, {inspections_per_year:g} inspections "
        f"a year at P = {detection_per_inspection:g}. Covert route: natural feed, found with "
        f"probability {discovery_per_year:g} a year (constant hazard)."
    ]
    _emit(as_json, payload, table, notes, "verify undeclared")


def regimes_command(
    file: Annotated[
        str | None,
        typer.Argument(help="Scenario file or bundled name (default korea-2017)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Every regime of a scenario's verification section: production, breakout, deterrence."""
    from detente.cli._common import resolve_scenario

    scenario = resolve_scenario(file)
    spec = scenario.verification
    if spec is None or not hasattr(spec, "capacity"):
        raise InputError(f"{file or 'the scenario'} has no verification: section; add one")
    result = assess_regimes(spec)
    if as_json:
        emit_json("verify regimes", result, scenario=scenario)
        return
    console = Console()
    table = Table(title="Verification by regime (ideal-cascade lower bounds)")
    for col in ("regime", "HEU SQ/yr", "Pu SQ/yr", "capacity SWU/yr", "restart",
                "breakout", "detected", "inspections to deter"):
        table.add_column(col, justify="right")
    for r in result.regimes:
        pu = "—" if r.pu_sq_per_year is None else f"{r.pu_sq_per_year:.2f}"
        det = "n/a" if r.detection_declared is None else f"{r.detection_declared:.2f}"
        need = "n/a" if r.heu_production or r.deterrence is None else (
            "none" if r.deterrence.inspections_needed is None
            else str(r.deterrence.inspections_needed))
        table.add_row(r.label, f"{r.heu_sq_per_year:.2f}", pu,
                      f"{r.capacity_swu_per_year:,.0f}", f"{r.restart_months:g} mo",
                      f"{r.breakout_months:.1f} mo", det, need)
    console.print(table)
    for r in result.regimes:
        console.print(f"{r.label}: {r.why}")
    for key, why in result.assumptions.items():
        console.print(f"{key}: {why}")


def register(app: typer.Typer) -> None:
    """Register the ``verify`` sub-command group on ``app``."""
    sub = typer.Typer(
        name="verify",
        help="Verification arithmetic: production, breakout, deterrence, inspection games, "
        "material accountancy.",
        no_args_is_help=True,
    )
    sub.command("production")(production_command)
    sub.command("breakout")(breakout_command)
    sub.command("deterrence")(deterrence_command)
    sub.command("undeclared")(undeclared_command)
    sub.command("regimes")(regimes_command)
    sub.command("inspections")(inspections_command)
    sub.command("muf")(muf_command)
    sub.command("game")(game_command)
    app.add_typer(sub, name="verify")
