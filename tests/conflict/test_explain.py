"""Tests of :func:`detente.conflict.explain.explain_state`.

* Theory, worked by hand from the bundled scenarios' rankings (each case says how): Prisoner's
  Dilemma, Chicken and Elmira.
* Agreement with the engine and with an independent set-based reference
  (``tests/conflict/reference_explain.py``) on random conflicts (hypothesis): stability per
  actor and coalition; deterred flags; every sanction a legal sequence of opponents' moves
  ending no better for the actor; no shorter sanction exists.
* Regressions: every bundled scenario can be explained at its status quo (or first state).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.conflict import analyse, analyse_coalitions, build_model
from detente.conflict.explain import explain_state
from detente.conflict.preferences import compress_ranks
from detente.scenario import from_data
from tests.conflict.reference import improvements
from tests.conflict.reference_coalitions import coalition_improvements
from tests.conflict.reference_explain import (
    actor_goal,
    actor_units,
    coalition_goal,
    coalition_units,
    is_sanction,
    shortest_length,
    sim_combined,
    sim_fewest,
)
from tests.conflict.strategies import conflicts
from tests.conflict.test_engine_vs_reference import to_reference

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")


def load(name: str) -> Any:
    return detente.load_scenario(detente.scenario_path(name))


# -- hand-worked cases -----------------------------------------------------------------------
# Prisoner's Dilemma, codes P1.cooperate P2.cooperate. P1: NY > YY > NN > YN;
# P2: YN > YY > NN > NY.


def test_pd_mutual_cooperation_gmr() -> None:
    """At YY, P1's only improvement is to defect (YY -> NY, its best state). P2 answers by
    defecting too (NY -> NN), and P1 ranks NN below YY: deterred in one move."""
    e = explain_state(load("prisoners-dilemma"), "YY", "gmr")
    (imp,) = e.actor("P1").improvements
    assert (imp.to, imp.deterred, imp.sanction) == ("NY", True, ("NN",))
    assert imp.changes == (("P1.cooperate", False),)
    assert [s.mover for s in imp.steps] == ["P2"]
    (imp2,) = e.actor("P2").improvements
    assert (imp2.to, imp2.sanction) == ("YN", ("NN",))
    assert e.stable and e.actor("P1").stable


def test_pd_seq_and_smr() -> None:
    """SEQ: P2's NY -> NN is an improvement for P2 (NY is its worst state), so the sanction is
    credible. SMR: from NN P1's only move is back to YN, its worst state: no escape."""
    pd = load("prisoners-dilemma")
    seq = explain_state(pd, "YY", "seq").actor("P1").improvements[0]
    assert seq.deterred and seq.sanction == ("NN",)
    smr = explain_state(pd, "YY", "smr").actor("P1").improvements[0]
    assert smr.deterred and smr.sanction == ("NN",)
    assert smr.counter == {"state": "YN", "escapes": False,
                           "why": "P1's best reply from NN is YN, no better for it than YY"}


def test_pd_nash() -> None:
    """Nash counts no sanction: YY is unstable for both; NN has no improvement at all (each
    prisoner's only move from NN, to cooperate, is to its worst state)."""
    pd = load("prisoners-dilemma")
    e = explain_state(pd, "YY", "nash")
    assert not e.stable
    assert [(x.to, x.deterred, x.sanction) for x in e.actor("P1").improvements] == [
        ("NY", False, None)]
    nn = explain_state(pd, "NN", "nash")
    assert nn.stable and all(not a.improvements for a in nn.actors)


# Chicken, codes D1.swerve D2.swerve. D1: NY > YY > YN > NN; D2: YN > YY > NY > NN.


def test_chicken_gmr_deters_but_seq_does_not() -> None:
    """At YY, D1 improves by driving straight (-> NY). D2 can answer by driving straight too
    (NY -> NN, a crash, D1's worst): a GMR sanction. But D2 ranks NN below NY, so the
    sanction is not an improvement for D2: under SEQ nothing deters D1."""
    ch = load("chicken")
    gmr = explain_state(ch, "YY", "gmr").actor("D1").improvements[0]
    assert (gmr.to, gmr.deterred, gmr.sanction) == ("NY", True, ("NN",))
    seq = explain_state(ch, "YY", "seq")
    imp = seq.actor("D1").improvements[0]
    assert (imp.to, imp.deterred, imp.sanction) == ("NY", False, None)
    assert imp.why == "no opponent has an improving move from NY"
    assert not seq.actor("D1").stable and not seq.stable


def test_chicken_smr_counter() -> None:
    """SMR at YY: after the crash NN, D1's only move is to swerve (-> YN), which it ranks
    below YY: the sanction holds."""
    imp = explain_state(load("chicken"), "YY", "smr").actor("D1").improvements[0]
    assert imp.deterred and imp.sanction == ("NN",)
    assert imp.counter is not None and imp.counter["state"] == "YN"
    assert imp.counter["escapes"] is False


def test_chicken_sim() -> None:
    """SIM at YY: D2's own improvement from YY is to drive straight (YY -> YN); made at the
    same time as D1's, it gives NN, D1's worst state."""
    imp = explain_state(load("chicken"), "YY", "sim").actor("D1").improvements[0]
    assert imp.deterred and imp.sanction == ("NN",) and imp.steps[0].mover == "D2"


# Elmira, codes MoE.modify U.delay U.accept U.abandon LG.insist; status quo NYNNN.
# LG ranks NNYNY > NNYNN > NYNNY > NYNNN > ... > the four abandonment states (last, tied).


def test_elmira_status_quo_lg_insists() -> None:
    """At the status quo only LG can improve: it insists on the original order (NYNNN ->
    NYNNY). Uniroyal can answer by abandoning Elmira (-> NNNYY), LG's worst state: a GMR
    sanction of one move. Under SEQ it is not credible: from NYNNY Uniroyal can only accept
    (NNYNY, its 7th state) or abandon (5th, tied), both below NYNNY (its 4th), and the
    Ministry's only move (modify -> YYNNY) is its 8th state against NYNNY's 5th."""
    el = load("elmira")
    gmr = explain_state(el, "NYNNN", "gmr")
    assert not gmr.actor("MoE").improvements and not gmr.actor("U").improvements
    (imp,) = gmr.actor("LG").improvements
    assert (imp.to, imp.deterred, imp.sanction) == ("NYNNY", True, ("NNNYY",))
    assert imp.steps[0].mover == "U"
    assert imp.steps[0].changes == (("U.delay", False), ("U.abandon", True))
    seq = explain_state(el, "NYNNN", "seq").actor("LG").improvements[0]
    assert (seq.deterred, seq.sanction) == (False, None)
    assert seq.why == "no opponent has an improving move from NYNNY"


def test_elmira_joint_improvement_of_moe_and_uniroyal() -> None:
    """At NYNNY (state 5) the Ministry and Uniroyal jointly improve to YNYNY (state 8: the
    order modified and accepted; Kilgour et al. 2001). Under Nash nothing deters it."""
    e = explain_state(load("elmira"), "NYNNY", "nash", coalitions=[["MoE", "U"]])
    (coal,) = e.coalitions
    assert coal.members == ("MoE", "U") and not coal.stable
    targets = {x.to: x for x in coal.improvements}
    assert "YNYNY" in targets and not targets["YNYNY"].deterred
    assert targets["YNYNY"].via[-1].target == "YNYNY"
    assert {s.mover for s in targets["YNYNY"].via} == {"MoE", "U"}


def test_json_shape() -> None:
    e = explain_state(load("prisoners-dilemma"), "YY", "gmr", "distinct")
    d = e.to_dict()
    assert d["state"] == "YY" and d["concept"] == "gmr" and d["sanctions"] == "distinct"
    imp = d["actors"]["P1"]["improvements"][0]
    assert imp["to"] == "NY" and imp["deterred"] is True and imp["sanction"] == ["NN"]
    assert imp["sanction_moves"][0]["mover"] == "P2"
    assert d["provenance"]["digest"] == load("prisoners-dilemma").digest
    assert d["provenance"]["detente"] == detente.__version__
    assert d["coalitions"] == {}
    assert e.to_json()


def test_bad_input() -> None:
    pd = load("prisoners-dilemma")
    with pytest.raises(ValueError, match="exactly 2 characters"):
        explain_state(pd, "YYY")
    with pytest.raises(ValueError, match="Y or N"):
        explain_state(pd, "YX")
    with pytest.raises(ValueError, match="unknown stability concept"):
        explain_state(pd, "YY", "foo")
    with pytest.raises(ValueError, match="sanctions"):
        explain_state(pd, "YY", "gmr", "some")
    with pytest.raises(ValueError, match=r"not a feasible state.*U\.delay and U\.accept"):
        explain_state(load("elmira"), "NYYNN")


def test_variant_is_applied() -> None:
    el = load("elmira")
    e = explain_state(el, "NYNNN", "gmr", variant="gmcrplus-uniroyal")
    assert e.variant == "gmcrplus-uniroyal"
    assert e.digest == detente.load_scenario(detente.scenario_path("elmira"),
                                             variant="gmcrplus-uniroyal").digest


# -- every bundled scenario ------------------------------------------------------------------


@pytest.mark.parametrize("name", detente.bundled_scenarios())
def test_every_bundled_scenario(name: str) -> None:
    """Explain runs on every bundled scenario at its status quo (or first feasible state),
    and agrees with the engine's verdict actor by actor."""
    s = load(name)
    model = build_model(s)
    code = s.status_quo if s.status_quo is not None else int(model.space.codes[0])
    small = model.space.n_states <= 1000  # every concept and rule; the large one: SEQ
    for concept in CONCEPTS if small else ("seq",):
        for rule in ("legal", "distinct") if small else ("legal",):
            e = explain_state(s, s.code_text(code), concept, rule, model=model)
            r = analyse(s, concept, rule, model=model)
            for a in e.actors:
                assert a.stable == r.is_stable(concept, code, a.mover), (concept, a.mover)
                assert a.stable == all(x.deterred for x in a.improvements)


# -- properties against the reference --------------------------------------------------------


def _payoffs(model: Any, scenario: Any, seed: int | None) -> dict[str, np.ndarray]:
    if seed is None:
        return model.payoffs()
    rng = np.random.default_rng(seed)
    return {a: compress_ranks(rng.integers(0, 5, model.space.n_states))[0]
            for a in scenario.actor_ids}


def check(data: dict[str, Any], concept: str, sanctions: str, seed: int | None,
          pick: int, with_coalitions: bool) -> None:
    scenario = from_data(data)
    model = build_model(scenario)
    n = model.space.n_states
    if n == 0:
        return
    pay = _payoffs(model, scenario, seed)
    ref = to_reference(scenario, model, pay)
    ids = scenario.actor_ids
    s = int(model.space.codes[pick % n])
    distinct = sanctions == "distinct"
    coal: Any = "all" if with_coalitions and concept != "sim" and len(ids) <= 3 else None
    e = explain_state(scenario, s, concept, sanctions, model=model, payoffs=pay,
                      coalitions=coal)
    engine = analyse(scenario, concept, sanctions, model=model, payoffs=pay)
    code = scenario.parse_code
    for i, a in enumerate(e.actors):
        assert a.stable == engine.is_stable(concept, s, a.mover)
        assert a.stable == all(x.deterred for x in a.improvements)
        assert {code(x.to) for x in a.improvements} == improvements(ref, i, s)
        units = actor_units(ref, i)
        for x in a.improvements:
            s1 = code(x.to)
            if concept == "nash":
                assert not x.deterred and x.sanction is None
                continue
            if concept == "sim":
                want = sim_fewest(ref, i, s, s1)
                assert x.deterred == (want is not None)
                if x.sanction is not None:
                    (t,) = x.sanction
                    responders = [ids.index(m) for m in x.steps[0].mover.split("+")]
                    assert len(responders) == want
                    assert sim_combined(ref, i, s, s1, responders, code(t))
                    assert ref.payoff[i][code(t)] <= ref.payoff[i][s]
                continue
            goal = actor_goal(ref, i, s, concept)
            want = shortest_length(ref, units, s1, goal, concept == "seq", distinct)
            assert x.deterred == (want is not None), (x, want)
            if x.sanction is not None:
                states = [code(t) for t in x.sanction]
                movers = [frozenset({ids.index(st.mover)}) for st in x.steps]
                assert is_sanction(ref, units, s1, states, movers, goal, concept == "seq",
                                   distinct)
                assert len(states) == want
    if coal is None:
        assert e.coalitions == ()
        return
    cr = analyse_coalitions(scenario, concept, coal, model=model, payoffs=pay)
    cls = [frozenset(ids.index(m) for m in c) for c in cr.coalitions]
    for c in e.coalitions:
        H = frozenset(ids.index(m) for m in c.members)
        assert c.stable == cr.is_stable(concept, s, list(c.members))
        assert {code(x.to) for x in c.improvements} == coalition_improvements(ref, H, s)
        units = coalition_units(ref, H, cls, concept)
        goal = coalition_goal(ref, H, s, concept)
        for x in c.improvements:
            s1 = code(x.to)
            if concept == "nash":
                assert not x.deterred
                continue
            want = shortest_length(ref, units, s1, goal, concept == "seq", False)
            assert x.deterred == (want is not None)
            if x.sanction is not None:
                states = [code(t) for t in x.sanction]
                movers = [frozenset(ids.index(m) for m in st.mover.split("+"))
                          for st in x.steps]
                assert is_sanction(ref, units, s1, states, movers, goal, concept == "seq",
                                   False)
                assert len(states) == want


CASE = (conflicts(max_actors=4, max_options=6), st.sampled_from(CONCEPTS),
        st.sampled_from(["legal", "distinct"]), st.one_of(st.none(), st.integers(0, 2**16)),
        st.integers(0, 2**16), st.booleans())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*CASE)
def test_matches_reference(data: dict[str, Any], concept: str, sanctions: str,
                           seed: int | None, pick: int, with_coalitions: bool) -> None:
    check(data, concept, sanctions, seed, pick, with_coalitions)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*CASE)
def test_matches_reference_many(data: dict[str, Any], concept: str, sanctions: str,
                                seed: int | None, pick: int, with_coalitions: bool) -> None:
    check(data, concept, sanctions, seed, pick, with_coalitions)
