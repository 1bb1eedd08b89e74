"""Tests for ``detente verify`` through :func:`detente.cli.main.main`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest


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
    return json.loads(out)["result"]


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
