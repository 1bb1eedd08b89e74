"""Stability results of published conflicts (bundled scenarios).

Where a value was computed from the definitions rather than read in the source, the test says
so; see ``tests/conflict/published/EXPECTED.md`` for the provenance of every number.
"""

from __future__ import annotations

import pytest

import detente
from detente.conflict import analyse

pytestmark = pytest.mark.published


def result(name: str, sanctions: str = "legal", variant: str | None = None):  # type: ignore[no-untyped-def]
    return analyse(detente.load_scenario(detente.scenario_path(name), variant=variant),
                   sanctions=sanctions)


def test_prisoners_dilemma() -> None:
    """Textbook graph-model result (Fang, Hipel and Kilgour 1993, ch. 3): mutual defection is
    the only Nash equilibrium; mutual cooperation is GMR, SMR and SEQ stable because a
    defection can be answered credibly by the other's defection."""
    r = result("prisoners-dilemma")
    assert r.equilibria("nash") == ["NN"]
    for c in ("gmr", "smr", "seq"):
        assert r.equilibria(c) == ["NN", "YY"]
    assert r.stable_for("nash", "P1") == ["NN", "NY"]


def test_chicken() -> None:
    """Textbook result: one driver swerving is Nash; both swerving is GMR/SMR but not SEQ,
    because the only sanction (both holding course) is not an improvement for the sanctioner."""
    r = result("chicken")
    assert r.equilibria("nash") == ["YN", "NY"]
    assert r.equilibria("seq") == ["YN", "NY"]
    assert r.equilibria("gmr") == ["YN", "NY", "YY"]
    assert r.equilibria("smr") == ["YN", "NY", "YY"]


ELMIRA_9 = {  # published state numbers (Hipel et al. 1993) -> codes; 9 is four tied states
    1: ["NYNNN"], 4: ["YNYNN"], 5: ["NYNNY"], 8: ["YNYNY"],
    9: ["NNNYN", "YNNYN", "NNNYY", "YNNYY"],
}


def _elmira(states: list[int]) -> list[str]:
    codes = [c for s in states for c in ELMIRA_9[s]]
    return sorted(codes, key=lambda t: sum(1 << k for k, ch in enumerate(t) if ch == "Y"))


@pytest.mark.parametrize("variant", [None, "gmcrplus-uniroyal"])
def test_elmira(variant: str | None) -> None:
    """Elmira groundwater contamination (Hipel, Fang, Kilgour and Haight 1993; Fang, Hipel and
    Kilgour 1993): Nash and SEQ equilibria are states 5, 8, 9; GMR and SMR add 1 and 4.
    (The values in our codes were also computed from the definitions by an independent solver.)"""
    r = result("elmira", variant=variant)
    assert r.equilibria("nash") == _elmira([5, 8, 9])
    assert r.equilibria("seq") == _elmira([5, 8, 9])
    assert r.equilibria("gmr") == _elmira([1, 4, 5, 8, 9])
    assert r.equilibria("smr") == _elmira([1, 4, 5, 8, 9])
    assert r.equilibria("sim") == _elmira([5, 8, 9])


def test_cuban_missile_crisis() -> None:
    """Fraser and Hipel (1984) model as encoded in the GMCR+ example (air strike irreversible).
    Computed from the definitions (EXPECTED.md): the historical outcome NYYN (blockade,
    withdrawal) and NNYN are SEQ equilibria; YNYN is the only Nash equilibrium."""
    r = result("cuban-missile-crisis")
    assert r.equilibria("nash") == ["YNYN"]
    assert r.equilibria("seq") == ["NNYN", "YNYN", "NYYN"]
    assert r.equilibria("gmr") == ["NNNN", "YNNN", "NYNN", "NNYN", "YNYN", "NYYN", "YYYN"]
    assert r.is_stable("seq", "NYYN")


def test_garrison_legal_vs_distinct() -> None:
    """gmcr.md: on the Garrison Diversion Unit one state is GMR- and SMR-stable by the
    definition (sanction USS -> USO -> USS) but not when each opponent moves at most once, as in
    GMCR+. That state is NNYNYYNNN (GMCR+ ordered state 6), for Canadian Opposition."""
    legal = result("garrison")
    distinct = result("garrison", sanctions="distinct")
    state = "NNYNYYNNN"
    for c in ("gmr", "smr"):
        assert legal.is_stable(c, state, "CO")
        assert not distinct.is_stable(c, state, "CO")
    assert legal.equilibria("nash") == distinct.equilibria("nash")
    # ordered numbers 2, 3, 11, 17, 18, 21, 22 are the Nash equilibria (computed, EXPECTED.md)
    numbers = [legal.states.index(s) + 1 for s in legal.equilibria("nash")]
    assert numbers == [2, 3, 11, 17, 18, 21, 22]


def test_every_bundled_scenario_analyses() -> None:
    for name in detente.bundled_scenarios():
        r = analyse(detente.load_scenario(detente.scenario_path(name)), "nash,gmr,seq")
        assert len(r.states) > 0
