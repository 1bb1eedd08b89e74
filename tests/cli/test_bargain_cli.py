"""``detente forecast`` through ``detente.cli.main.main``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from detente.cli.main import main

pytestmark = pytest.mark.regression

DATA = Path(__file__).parents[1] / "bargain" / "data"
AUTO = DATA / "ec_auto_emissions_bdm1994_scholz2011.csv"
TOLL = DATA / "decide_sample_data_municipal_toll.csv"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["forecast", *args, "--json"]) == 0
    out = capsys.readouterr().out
    data: dict = json.loads(out)
    return data


def test_json_scholz_matches_reference(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, str(AUTO), "--model", "eu", "--variant", "scholz", "--rounds", "10")
    assert list(data) == ["schema", "model", "variant", "rounds", "provenance"]
    assert (data["model"], data["variant"]) == ("eu", "scholz")
    with (DATA / "ec_auto_emissions_scholz_reference_rounds.csv").open(newline="") as fh:
        reference = list(csv.DictReader(fh))
    assert [r["round"] for r in data["rounds"]] == list(range(11))
    for got, row in zip(data["rounds"], reference, strict=True):
        assert list(got) == ["round", "median", "mean", "positions"]
        assert got["median"] == pytest.approx(float(row["median_seqpairwise"]), abs=1e-9)
        assert got["mean"] == pytest.approx(float(row["mean_cs_weighted"]), abs=1e-9)
        for actor, x in got["positions"].items():
            assert x == pytest.approx(float(row[actor]), abs=1e-9)


def test_json_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, str(AUTO), "--rounds", "2")
    assert (data["model"], data["variant"]) == ("eu", "textbook")
    assert data["rounds"][0]["positions"]["Belgium"] == 7.0
    assert len(data["rounds"]) == 3


def test_json_several_issues(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, str(TOLL), "--rounds", "2")
    assert list(data) == ["schema", "model", "variant", "issues", "provenance"]
    assert data["model"] == "exchange"
    assert len(data["issues"]) == 6
    rounds = data["issues"]["tolheffing-binnenstad"]
    assert [r["round"] for r in rounds] == [0, 1, 2]
    assert rounds[0]["mean"] == pytest.approx(49.353233830845774)
    eu = _json(capsys, str(TOLL), "--model", "eu", "--variant", "scholz", "--rounds", "1")
    assert (eu["model"], eu["variant"]) == ("eu", "scholz")
    assert set(eu["issues"]) == set(data["issues"])


def test_tables_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    svg = tmp_path / "out.svg"
    assert main(["forecast", str(AUTO), "--variant", "scholz", "--plot", str(svg)]) == 0
    out = capsys.readouterr().out
    assert "median and mean by round" in out
    assert "8.4159" in out  # round-1 median
    assert "Belgium" in out and "4.2915" in out  # final position
    assert svg.read_text().lstrip().startswith("<?xml")
    svg2 = tmp_path / "toll.svg"
    assert main(["forecast", str(TOLL), "--rounds", "2", "--plot", str(svg2)]) == 0
    out = capsys.readouterr().out
    assert "realised exchanges per round" in out
    assert "<svg" in svg2.read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actor,capability,position\nA,1,2\nB,1,3\n", ":1: salience: missing column"),
        ("actor,capability,position,salience\nA,1,2,0.5\nB,one,3,0.5\n",
         ":3: capability: 'one' is not a number"),
        ("actor,capability,position,salience\nA,1,2,0.5\nB,1,3,2\n",
         ":3: salience: 2 is outside [0, 1]"),
        ("actor,capability,position,salience\nA,1,2,0.5\n", ":2: actor: found 1 actor(s)"),
        ("actor,issue,position,salience,power\nA,p,1,0.5,1\nB,p,2,0.5,1\nA,q,1,0.5,1\n",
         ":4: issue: issue 'q' has only one actor"),
    ],
)
def test_bad_input_is_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    assert main(["forecast", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}{expected}")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    assert main(["forecast", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {missing}: no such file; check the path"


def test_exchange_needs_two_issues(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", str(AUTO), "--model", "exchange"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"error: {AUTO}: issue: the exchange model needs two or more")


@pytest.mark.parametrize(
    "args",
    [
        ["--variant", "bdm"],
        ["--model", "nash"],
    ],
)
def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert main(["forecast", str(AUTO), *args]) == 2
    assert "Invalid value" in capsys.readouterr().err


def test_variant_does_not_apply_to_exchange(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", str(TOLL), "--variant", "scholz"]) == 2
    assert "applies to --model eu" in capsys.readouterr().err
