"""Tests for ``detente verify`` through :func:`detente.cli.main.main`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.regression


@pytest.fixture
def main() -> Callable[[list[str]], int]:
    from detente.cli.main import main as entry

    return entry


def run_json(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str], args: list[str]
) -> dict[str, Any]:
    code = main(["verify", *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_inspections_json(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(main, capsys, ["inspections", "--periods", "4", "--inspections", "2"])
    assert data["value"] == "3/11"
    assert data["inspect_probability"] == "4/11"
    assert data["violate_probability"] == "5/33"
    assert data["value_float"] == pytest.approx(3 / 11)
    assert data["values_by_inspections"] == ["1", "3/5", "3/11", "1/15", "0"]


def test_inspections_caught_cost(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(
        main,
        capsys,
        [
            "inspections",
            "--periods",
            "2",
            "--inspections",
            "1",
            "--caught-cost",
            "2",
            "--deterrence-value",
            "0.3",
        ],
    )
    assert data["value"] == "1/4"
    assert data["inspections_needed"] == 1


def test_inspections_table(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "inspections", "--periods", "4", "--inspections", "2"]) == 0
    out = capsys.readouterr().out
    assert "3/11" in out and "4/11" in out and "5/33" in out


def test_breakout_jcpoa_json(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(main, capsys, ["breakout", "--jcpoa"])
    assert data["months"] == pytest.approx(10.47, abs=0.01)
    assert data["capacity_swu_per_year"] == pytest.approx(5060.0)


def test_breakout_stock_options(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    via_uf6 = run_json(
        main,
        capsys,
        ["breakout", "--stock-uf6", "300:0.0367", "--machines", "5060", "--swu-per-machine", "1.0"],
    )
    via_u = run_json(main, capsys, ["breakout", "--stock", "202.8296:0.0367", "--capacity", "5060"])
    assert via_uf6["swu"] == pytest.approx(via_u["swu"], rel=1e-6)
    assert main(["verify", "breakout", "--capacity", "14000"]) == 0
    assert "months" in capsys.readouterr().out


def test_muf_json(main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]) -> None:
    one = run_json(main, capsys, ["muf", "--sigma", "12.5", "--loss", "25"])
    assert one["detection_probability_one_period"] == pytest.approx(0.6388, abs=1e-4)
    comp = run_json(
        main,
        capsys,
        [
            "muf",
            "--sigma-component",
            "10",
            "--sigma-component",
            "5",
            "--sigma-component",
            "3",
            "--sigma-component",
            "12",
        ],
    )
    assert comp["sigma_muf_kg"] == pytest.approx(16.673, abs=1e-3)
    seq = run_json(
        main,
        capsys,
        [
            "muf",
            "--sigma-inventory",
            "2",
            "--sigma-throughput",
            "1",
            "--periods",
            "4",
            "--loss",
            "10",
        ],
    )
    assert seq["sigma_cumuf_kg"] == pytest.approx(12**0.5)
    assert sum(seq["worst_case_loss_pattern_kg"]) == pytest.approx(10.0)


def test_game_json(main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(main, capsys, ["game", "--loss-over-sigma", "2"])
    assert data["false_alarm"] == pytest.approx(0.022750, abs=1e-6)
    assert data["violation"] == pytest.approx(0.119203, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["inspections", "--periods", "2", "--inspections", "3"], "m (inspections)"),
        (["breakout", "--stock", "x:1", "--capacity", "100"], "--stock must look like"),
        (["breakout", "--stock", "10:1.2", "--capacity", "100"], "assay must lie in (0, 1)"),
        (["breakout"], "--capacity"),
        (["breakout", "--capacity", "100", "--tails", "0.9"], "tails_assay"),
        (["muf"], "exactly one of"),
        (["game", "--loss-over-sigma", "2", "--f", "3"], "f (false alarm"),
        (["production", "--machines", "-5", "--swu-per-machine", "3"], "--machines"),
        (["production", "--capacity", "-1"], "--capacity"),
        (["production", "--capacity", "100", "--tails", "0.01"], "tails_assay must be below"),
        (["production", "--capacity", "100", "--feed-assay", "0.95"], "product_assay"),
        (["production", "--thermal-mw", "20", "--capacity-factor", "1.5"], "capacity_factor"),
        (["production"], "--capacity"),
        (["deterrence", "--gain", "1", "--penalty", "1", "--detection-per-inspection", "1.5"],
         "detection_per_inspection"),
        (["deterrence", "--gain", "1", "--penalty", "1", "--detection-per-inspection", "0.5",
          "--false-alarm", "2"], "false_alarm"),
        (["deterrence", "--gain", "-1", "--penalty", "1", "--detection-per-inspection", "0.5"],
         "gain"),
        (["undeclared", "--capacity", "100", "--fraction", "1.0"], "fraction_hidden"),
        (["undeclared", "--capacity", "100", "--discovery-per-year", "-0.1"],
         "discovery_per_year"),
        (["inspections", "--periods", "6000", "--inspections", "3"], "--periods must be"),
        (["muf", "--sigma", "1", "--periods", "100000"], "--periods must lie in"),
    ],
)
def test_errors_are_one_line(
    main: Callable[[list[str]], int],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    needle: str,
) -> None:
    assert main(["verify", *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert needle in lines[0]


def test_production_json_issue_14(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    from detente.verify import enrichment

    data = run_json(main, capsys, ["production", "--machines", "4000", "--swu-per-machine", "3.5"])
    swu_per_sq = enrichment(25 / 0.9, 0.9, 0.00711, 0.003).swu
    assert data["sq_per_year"] == pytest.approx(4000 * 3.5 / swu_per_sq, rel=1e-12)
    assert data["swu_per_sq"] == pytest.approx(swu_per_sq)
    assert data["kg_per_year"] == pytest.approx(data["sq_per_year"] * 25 / 0.9)
    assert data["pu_kg_per_year"] is None


def test_production_plutonium_json(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(main, capsys, ["production", "--thermal-mw", "25", "--capacity-factor",
                                   "0.7"])
    assert data["pu_kg_per_year"] == pytest.approx(25 * 0.7 * 365.25 / 1000)
    assert data["pu_sq_per_year"] == pytest.approx(data["pu_kg_per_year"] / 8)
    assert data["sq_per_year"] is None


def test_production_table(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "production", "--capacity", "14000"]) == 0
    out = capsys.readouterr().out
    assert "2.612" in out and "SQ/yr" in out


def test_deterrence_json_boundary(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(main, capsys, ["deterrence", "--gain", "3", "--penalty", "1",
                                   "--detection-per-inspection", "0.5"])
    assert data["max_nondetection"] == 0.25
    assert data["inspections_needed"] == 3  # (1/2)^2 = 1/4 is not strictly below 1/4
    data = run_json(main, capsys, ["deterrence", "--gain", "1", "--penalty", "1",
                                   "--detection-per-inspection", "0.5", "--false-alarm", "0.05"])
    assert data["max_nondetection"] == pytest.approx(0.475)
    assert data["false_alarm_cost"] == 1.0


def test_deterrence_table(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "deterrence", "--gain", "1", "--penalty", "0",
                 "--detection-per-inspection", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "none suffices" in out and "non-zero-sum" in out


def test_breakout_cap_stock_issue_14(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(main, capsys, ["breakout", "--stock", "1000:0.035", "--machines", "2000",
                                   "--swu-per-machine", "3.5"])
    assert data["months"] == pytest.approx(3.40, abs=0.005)


def test_undeclared_json(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(main, capsys, ["undeclared", "--machines", "4000", "--swu-per-machine",
                                   "3.5", "--fraction", "0", "--fraction", "0.5"])
    first, half = data["cases"]
    assert first["route"] == "declared" and first["covert_months"] is None
    assert half["detection"] <= first["detection"]


def test_regimes_json(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(main, capsys, ["regimes", "korea-2017"])
    assert [r["id"] for r in data["regimes"]] == ["now", "moratorium", "freeze", "cap"]


def test_inspections_labelled_zero_sum_and_fast(
    main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    t0 = time.perf_counter()
    data = run_json(main, capsys, ["inspections", "--periods", "300", "--inspections", "150"])
    assert time.perf_counter() - t0 < 10
    assert "zero-sum" in data["model"]
    assert len(data["values_by_inspections"]) == 301
