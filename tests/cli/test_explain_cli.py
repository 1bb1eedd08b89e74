"""Tests for ``detente explain`` through :func:`detente.cli.main.main`.

Hand-worked values (theory): Chicken at YY (codes D1.swerve D2.swerve; D1 ranks NY > YY > YN >
NN): D1's improvement to NY is deterred under GMR by D2 also driving straight (NN, D1's
worst) but not under SEQ, where that move is not an improvement for D2. Elmira at the
status quo NYNNN: LG's insistence (-> NYNNY) is deterred under GMR by Uniroyal abandoning
the plant (-> NNNYY).
"""

from __future__ import annotations

import json

import pytest

from detente.cli.main import main


def test_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "elmira", "NYNNN", "--concept", "gmr"]) == 0
    out = capsys.readouterr().out
    assert "state NYNNN (the status quo) under GMR (sanctions: legal) is an equilibrium" in out
    assert "LG -> NYNNY: takes LG.insist 'Insist on the original control order'" in out
    assert ("deterred by: U moves to NNNYY (takes U.abandon 'Abandon the Elmira plant'; "
            "drops U.delay 'Delay by appealing')") in out
    assert "MoE: stable — no improvement from NYNNN." in out


def test_text_not_deterred(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "chicken", "yy"]) == 0  # SEQ by default; lower case accepted
    out = capsys.readouterr().out
    assert "is NOT an equilibrium" in out
    assert "NOT deterred: no opponent has an improving move from NY" in out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "chicken", "YY", "-c", "gmr", "--sanctions", "distinct",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "YY" and data["concept"] == "gmr"
    d1 = data["actors"]["D1"]
    assert d1["stable"] is True
    assert d1["improvements"][0]["to"] == "NY"
    assert d1["improvements"][0]["deterred"] is True
    assert d1["improvements"][0]["sanction"] == ["NN"]
    assert data["provenance"]["sanctions"] == "distinct"
    assert data["provenance"]["variant"] is None and data["provenance"]["digest"]


def test_coalition_and_variant(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "elmira", "NYNNY", "-c", "nash", "--coalition", "MoE,U",
                 "--variant", "gmcrplus-uniroyal", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    joint = data["coalitions"]["MoE+U"]
    assert joint["stable"] is False
    assert "YNYNY" in [x["to"] for x in joint["improvements"]]
    assert data["provenance"]["variant"] == "gmcrplus-uniroyal"


@pytest.mark.parametrize("args, message", [
    (["elmira", "NYN"], "must have exactly 5 characters Y or N"),
    (["elmira", "NYNNX"], "must have exactly 5 characters Y or N"),
    (["elmira", "NYYNN"], "is not a feasible state"),
    (["elmira", "NYNNN", "-c", "foo"], "-c foo: unknown stability concept 'foo'; choose from"),
    (["elmira", "NYNNN", "--sanctions", "some"],
     "--sanctions some: sanctions must be 'legal' or 'distinct'"),
    (["elmira", "NYNNN", "--variant", "nope"], "unknown variant"),
])
def test_bad_input_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str],
                                   message: str) -> None:
    assert main(["explain", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
