"""Tests for ``detente coalitions`` through :func:`detente.cli.main.main`.

Elmira (RECALL, Kilgour et al. 2001; COMP in tests/conflict/published/EXPECTED.md): the
individual equilibrium 5 (NYNNY) is upset by the Ministry and Uniroyal moving together to 8
(YNYNY); 8 survives.
"""

from __future__ import annotations

import json

import pytest

from detente.cli.main import main


def test_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coalitions", "elmira", "-c", "nash,seq"]) == 0
    out = capsys.readouterr().out
    assert "coalitions that can move jointly: MoE+U, MoE+LG, U+LG, MoE+U+LG" in out
    assert "NYNNY is upset by MoE+U moving to YNYNY" in out
    assert "6 equilibria of the individual analysis; 5 survive coalition analysis." in out


def test_json_and_chosen_coalition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coalitions", "elmira", "-c", "seq", "--coalition", "MoE,U", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["result"]
    assert data["coalitions"] == [["MoE"], ["U"], ["LG"], ["MoE", "U"]]
    seq = data["concepts"]["seq"]
    assert "YNYNY" in seq["survive"] and "NYNNY" not in seq["survive"]
    assert seq["broken"][0]["state"] == "NYNNY" and seq["broken"][0]["target"] == "YNYNY"


def test_errors_one_line_exit_2(capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["coalitions", "elmira", "--coalition", "MoE,XX"]) == 2
    err = capsys.readouterr().err
    assert "unknown actor 'XX'" in err and "Traceback" not in err
    assert main(["coalitions", "elmira", "--coalition", "MoE,U", "--all"]) == 2
    assert "not both" in capsys.readouterr().err
    monkeypatch.setenv("DETENTE_MAX_PAIRS", "1")
    assert main(["coalitions", "elmira", "--all"]) == 2
    err = capsys.readouterr().err
    assert "joint improvements" in err and "DETENTE_MAX_PAIRS" in err
    assert len(err.strip().splitlines()) == 1
