"""`detente stability --numbers`: states numbered as GMCR+ numbers them (1..N in increasing
code among the feasible states). Label: regression (checked against the payoffs GMCR+ stores
by ordered number in its own example file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.main import app

pytestmark = pytest.mark.regression

SI = Path(__file__).parents[1] / "formats" / "data" / "SI_misp.gmcr"


def test_numbers_follow_gmcr_ordered_numbers() -> None:
    res = CliRunner().invoke(app, ["stability", str(SI), "-c", "nash", "--numbers", "--all"])
    assert res.exit_code == 0, res.output
    rows = [line for line in res.output.splitlines() if "│" in line]
    table = [[c.strip() for c in r.strip("│ ").split("│")] for r in rows]
    numbered = {r[1]: int(r[0]) for r in table if r[0].isdigit() and len(r) == 3}
    # GMCR+'s stored payoffs are by ordered number: state 1 is NNN, 6 is NYY
    assert numbered == {"NNN": 1, "YNN": 2, "NYN": 3, "NNY": 4, "YNY": 5, "NYY": 6}
    states = json.loads(CliRunner().invoke(app, ["stability", str(SI), "-c", "nash",
                                                 "--json"]).output)["states"]
    assert [states.index(s) + 1 for s in numbered] == list(numbered.values())
