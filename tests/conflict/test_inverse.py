"""Inverse analysis: hand-worked examples, agreement with the engine and with a set-based
reference, and minimality against brute force over every preference on tiny conflicts.

Sources and trust (tags as in ``published/EXPECTED.md``)
--------------------------------------------------------
Kinsara, Kilgour and Hipel (2015), "Inverse approach to the graph model for conflict
resolution", IEEE Trans. SMC: Systems 45(5), and Kinsara's thesis (Waterloo 2015, §5.2). Only
the definitions of the inverse preference structures (thesis Definitions 5.2.6-5.2.7, read in a
stored excerpt) could be read; the paper's and the thesis's worked examples (the Euphrates
conflict of Syria, Iraq and Turkey) could not be opened, and GMCR+'s inverse output is not a
trustworthy oracle (gmcr.md). No published inverse example with its numbers was accessible, so
the examples below are worked by hand from the definitions (COMP in EXPECTED.md's terms).

Hand-worked examples
--------------------
*Prisoner's Dilemma* (codes ``P1.cooperate P2.cooperate``; P1 ranks NY > YY > NN > YN). Target
YY, mutual cooperation. P1's only move from YY is to NY (it defects). Nash asks ``NY ≼_P1 YY``,
false today: P1 must come to rank NY below YY, one swap of two adjacent states, giving
YY > NY > NN > YN. GMR asks ``NY ≼ YY`` or some state P2 can reach from NY is ``≼ YY``: P2 can
move NY → NN, and P1 ranks NN below YY, so YY is already GMR-stable for P1: no change.

*Chicken* (``D1.swerve D2.swerve``; D1 ranks NY > YY > YN > NN). Target YY. D1's move is to NY.
Under SEQ the sanction must be an improvement of D2 from NY: D2's only move is to NN, its worst
state, so there is no credible sanction and the condition is ``NY ≼_D1 YY``: one swap ("rank NY
below YY"). Under GMR the sanction NN counts (D1 ranks it last): already stable.

*Cuban missile crisis* (``US.strike US.blockade USSR.withdraw USSR.escalate``; US ranking by
decimal 4 6 5 7 2 1 3 0 11 9 10 8). Target 0 = NNNN. The US moves to 1 (YNNN), 2 (NYNN) and
3 (YYNN); all three rank just above 0 (…, 2, 1, 3, 0, …). Nash needs all three at or below 0:
three swaps, either way (0 up past them or them down past 0); the change keeps the target and
lowers the three.

*Garrison Diversion Unit*, state NNYNYYNNN for Canadian Opposition (gmcr.md): GMR-stable by the
definition because of the sanction USS → USO → USS, a legal sequence in which USS moves twice;
with each opponent moving at most once (GMCR+, ``sanctions="distinct"``) it is not, so the
distinct inverse analysis must ask for a change while the legal one must not.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np
import pytest
import typer
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import detente
from detente.cli import inverse as inverse_cli
from detente.conflict import analyse, build_model, inverse_measure
from detente.conflict.inverse import inverse, pair_changes
from detente.conflict.preferences import compress_ranks
from detente.loading import from_data, load_scenario
from tests.conflict.reference import RefConflict, moves, reach, stable
from tests.conflict.strategies import conflicts
from tests.conflict.test_engine_vs_reference import to_reference

CONCEPTS = ("nash", "gmr", "smr", "seq")
FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def bundled(name: str) -> Any:
    return load_scenario(detente.scenario_path(name))


# -- hand-worked examples ------------------------------------------------------------------------


@pytest.mark.published
def test_prisoners_dilemma_nash_and_gmr() -> None:
    pd = bundled("prisoners-dilemma")
    r = inverse(pd, "YY", "nash")
    p1 = r.actor("P1")
    assert not p1.stable and [r.code_text(c) for c in p1.must_block] == ["NY"]
    (cond,) = p1.conditions
    assert (r.code_text(cond.move), cond.improvement, cond.met) == ("NY", True, False)
    assert r.describe_condition(p1, cond) == "NY ranked at or below YY"
    assert p1.change is not None and p1.change.swaps == 1 and p1.change.exact
    assert r.describe_change(p1) == ["rank NY below YY"]
    ranking = [[r.code_text(c) for c in g] for g in p1.change.ranking()]
    assert ranking == [["YY"], ["NY"], ["NN"], ["YN"]]
    assert r.after == {"P1": True, "P2": True}
    # the new preference, applied as a ranking, makes YY stable for P1 in the engine
    new = analyse(pd, "nash", preferences={"P1": p1.change.preference()})
    assert new.is_stable("nash", "YY", "P1")
    g = inverse(pd, "YY", "gmr")
    assert g.stable_now and all(a.change is None for a in g.actors)
    (gc,) = g.actor("P1").conditions
    assert gc.met and gc.n_sanctions == 1 and [g.code_text(c) for c in gc.sanctions] == ["NN"]


@pytest.mark.published
def test_chicken_seq_has_no_credible_sanction() -> None:
    ch = bundled("chicken")
    r = inverse(ch, "YY", "seq")
    d1 = r.actor("D1")
    (cond,) = d1.conditions
    assert cond.n_sanctions == 0 and not cond.met
    assert d1.change is not None and d1.change.swaps == 1
    assert r.describe_change(d1) == ["rank NY below YY"]
    assert r.after == {"D1": True, "D2": True}
    g = inverse(ch, "YY", "gmr")
    (gc,) = g.actor("D1").conditions
    assert gc.met and [g.code_text(c) for c in gc.sanctions] == ["NN"]
    assert g.actor("D1").change is None


@pytest.mark.published
def test_cuban_missile_crisis_nash_at_status_quo() -> None:
    cmc = bundled("cuban-missile-crisis")
    r = inverse(cmc, "NNNN", "nash", actors=["US"])
    us = r.actor("US")
    assert sorted(r.code_text(c) for c in us.must_block) == ["NYNN", "YNNN", "YYNN"]
    assert us.change is not None and us.change.swaps == 3 and us.change.exact
    assert sorted(r.code_text(c) for c in us.change.lowered) == ["NYNN", "YNNN", "YYNN"]
    assert [a.actor for a in r.actors] == ["US"]


@pytest.mark.published
def test_garrison_legal_versus_distinct() -> None:
    gdu = bundled("garrison")
    state = "NNYNYYNNN"
    legal = inverse(gdu, state, "gmr", actors=["CO"])
    assert legal.actor("CO").stable and legal.actor("CO").change is None
    distinct = inverse(gdu, state, "gmr", actors=["CO"], sanctions="distinct")
    co = distinct.actor("CO")
    assert not co.stable and co.change is not None
    assert distinct.after == {"CO": True}
    model = build_model(gdu)
    pay = model.payoffs()
    pay["CO"] = co.change.ranks
    assert analyse(gdu, "gmr", "distinct", model=model, payoffs=pay).is_stable("gmr", state, "CO")


@pytest.mark.regression
def test_bad_input() -> None:
    pd = bundled("prisoners-dilemma")
    with pytest.raises(ValueError, match="unknown stability concept"):
        inverse(pd, "YY", "sim")
    with pytest.raises(ValueError, match="exactly 2 characters"):
        inverse(pd, "YYY")
    with pytest.raises(ValueError, match="unknown actor"):
        inverse(pd, "YY", actors=["P3"])
    with pytest.raises(ValueError, match="sanctions"):
        inverse(pd, "YY", sanctions="some")
    gdu = bundled("garrison")
    with pytest.raises(ValueError, match="not a feasible state"):
        inverse(gdu, "NNNNNNNNN")


@pytest.mark.published
def test_pair_changes() -> None:
    P = np.array([3, 2, 2, 1])
    Q = np.array([1, 2, 3, 3])
    assert pair_changes(P, Q) == 6  # every pair changes
    assert pair_changes(P, P) == 0
    assert pair_changes(P, np.array([3, 3, 2, 1])) == 2  # (0,1): ≻→~, (1,2): ~→≻
    assert pair_changes(P, np.array([3, 3, 2, 1]), moved=[1]) == 2


def _pair_changes_ref(P: list[int], Q: list[int], moved: list[int] | None) -> int:
    """Set-based reference: every unordered pair with a moved state (or all pairs)."""
    n = len(P)
    sel = set(range(n)) if moved is None else set(moved)
    sign = lambda x: (x > 0) - (x < 0)  # noqa: E731
    return sum(
        sign(P[i] - P[j]) != sign(Q[i] - Q[j])
        for i in range(n) for j in range(i + 1, n) if i in sel or j in sel
    )


@pytest.mark.reference
@settings(max_examples=60, deadline=None)
@given(st.data())
def test_pair_changes_in_blocks_agrees_with_reference(data: st.DataObject) -> None:
    """Regression for the 8 GiB comparison array (one actor, 15 options): the count is made
    in bounded blocks of rows, and agrees with the all-pairs reference for any block size."""
    n = data.draw(st.integers(1, 9))
    P = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    Q = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    moved = data.draw(st.none() | st.lists(st.integers(0, n - 1), max_size=n))
    block = data.draw(st.integers(1, 40))
    expected = _pair_changes_ref(P, Q, moved)
    old = inverse_measure.PAIR_BLOCK
    try:
        inverse_measure.PAIR_BLOCK = block
        assert pair_changes(np.array(P), np.array(Q), moved) == expected
    finally:
        inverse_measure.PAIR_BLOCK = old


# -- property tests against the engine and the reference --------------------------------------


def _payoffs(model: Any, scenario: Any, seed: int | None) -> dict[str, np.ndarray]:
    if seed is None:
        return model.payoffs()
    rng = np.random.default_rng(seed)
    return {a: compress_ranks(rng.integers(0, 5, model.space.n_states))[0]
            for a in scenario.actor_ids}


@pytest.mark.reference
@FAST
@given(conflicts(max_actors=4, max_options=7), st.sampled_from(CONCEPTS),
       st.sampled_from(["legal", "distinct"]), st.one_of(st.none(), st.integers(0, 2**16)),
       st.integers(0, 2**16))
def test_change_makes_target_stable(data: dict[str, Any], concept: str, sanctions: str,
                                    seed: int | None, pick: int) -> None:
    """Conditions agree with the engine; applying an actor's change makes the target stable
    for it in the engine; an actor already stable gets no change; the reported number of
    swaps is the number of pairs whose comparison changes; the sanction sets are the
    reference's reachable sets."""
    scenario = from_data(data)
    model = build_model(scenario)
    n = model.space.n_states
    assume(n > 0)
    pay = _payoffs(model, scenario, seed)
    code = int(model.space.codes[pick % n])
    r = inverse(scenario, code, concept, sanctions=sanctions, model=model, payoffs=pay)
    now = analyse(scenario, concept, sanctions, model=model, payoffs=pay)
    ref = to_reference(scenario, model, pay)
    distinct = sanctions == "distinct"
    for i, a in enumerate(r.actors):
        assert a.stable == now.is_stable(concept, code, a.actor)
        assert a.stable == all(c.met for c in a.conditions)
        assert sorted(c.move for c in a.conditions) == sorted(moves(ref, i, code))
        if concept in ("gmr", "smr", "seq"):
            H = [k for k in range(ref.n) if k != i]
            for c in a.conditions:
                expected = reach(ref, H, c.move, concept == "seq", distinct)
                assert c.n_sanctions == len(expected)
                if c.sanctions:
                    assert set(c.sanctions) == expected
        if a.stable:
            assert a.change is None and a.must_block == ()
            continue
        ch = a.change
        assert ch is not None and ch.swaps > 0
        assert ch.swaps == pair_changes(pay[a.actor], ch.ranks)
        alone = dict(pay)
        alone[a.actor] = ch.ranks
        after = analyse(scenario, concept, sanctions, model=model, payoffs=alone)
        assert after.is_stable(concept, code, a.actor)
        assert stable(to_reference(scenario, model, alone), i, code, concept, distinct)
    assert r.after is not None
    if concept != "seq":  # SEQ: one actor's change can alter the others' credible sanctions
        assert all(r.after.values())


@functools.cache
def weak_orders(n: int) -> np.ndarray:
    """Every weak order (ranking with ties) of n items, as rank rows (higher preferred)."""
    out: list[list[int]] = []

    def rec(k: int, blocks: list[list[int]]) -> None:
        if k == n:
            row = [0] * n
            for b, blk in enumerate(blocks):
                for x in blk:
                    row[x] = len(blocks) - b
            out.append(row)
            return
        for b in range(len(blocks)):
            blocks[b].append(k)
            rec(k + 1, blocks)
            blocks[b].pop()
        for b in range(len(blocks) + 1):
            blocks.insert(b, [k])
            rec(k + 1, blocks)
            blocks.pop(b)

    rec(0, [])
    return np.array(out, dtype=np.int64)


def stable_under_all(ref: RefConflict, i: int, s: int, concept: str, distinct: bool,
                     states: list[int], W: np.ndarray) -> np.ndarray:
    """Stability of ``s`` for ``i`` under every row of ``W`` (i's preference), others fixed,
    from the reference's reachable sets (the definitions), vectorised over the rows."""
    col = {c: k for k, c in enumerate(states)}
    ws = W[:, col[s]][:, None]
    ok = np.ones(W.shape[0], dtype=bool)
    H = [k for k in range(ref.n) if k != i]
    for t in moves(ref, i, s):
        good = W[:, col[t]] <= ws[:, 0]
        if concept != "nash":
            for s2 in reach(ref, H, t, concept == "seq", distinct):
                g = W[:, col[s2]] <= ws[:, 0]
                if concept == "smr":
                    for s3 in moves(ref, i, s2):
                        g &= W[:, col[s3]] <= ws[:, 0]
                good |= g
        ok &= good
    return ok


@pytest.mark.reference
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(conflicts(max_actors=3, max_options=3), st.sampled_from(CONCEPTS),
       st.sampled_from(["legal", "distinct"]), st.one_of(st.none(), st.integers(0, 2**16)),
       st.integers(0, 2**16))
def test_change_is_minimal_by_brute_force(data: dict[str, Any], concept: str, sanctions: str,
                                          seed: int | None, pick: int) -> None:
    """On conflicts of at most 7 states, the suggested change has the fewest pairwise changes
    among *all* preferences (every weak order) that make the target stable for the actor."""
    scenario = from_data(data)
    model = build_model(scenario)
    n = model.space.n_states
    assume(2 <= n <= 7)
    pay = _payoffs(model, scenario, seed)
    code = int(model.space.codes[pick % n])
    r = inverse(scenario, code, concept, sanctions=sanctions, model=model, payoffs=pay,
                verify=False)
    ref = to_reference(scenario, model, pay)
    states = [int(c) for c in model.space.codes]
    W = weak_orders(n)
    iu = np.triu_indices(n, 1)
    SW = signs(n)
    distinct = sanctions == "distinct"
    for i, a in enumerate(r.actors):
        ok = stable_under_all(ref, i, code, concept, distinct, states, W)
        # spot-check the vectorised check against the reference itself
        for row in (0, len(W) // 2, len(W) - 1):
            alt = RefConflict(ref.actor_bits, ref.directions, ref.feasible,
                              tuple({c: int(W[row, k]) for k, c in enumerate(states)} if j == i
                                    else ref.payoff[j] for j in range(ref.n)))
            assert bool(ok[row]) == stable(alt, i, code, concept, distinct)
        P = np.asarray(pay[a.actor], dtype=np.int64)
        d = (SW != np.sign(P[iu[0]] - P[iu[1]]).astype(np.int8)).sum(axis=1)
        best = int(d[ok].min())
        got = 0 if a.change is None else a.change.swaps
        assert got == best, f"{a.actor}: suggested {got} swaps, brute force {best}"
        if a.change is not None:
            assert a.change.exact


@st.composite
def eight_states(draw: st.DrawFn) -> tuple[dict[str, Any], int, int]:
    """Three one-option actors, or two actors with one and two options: 8 states, so legal
    sequences of several opponents' moves matter; random ties in the payoffs."""
    shape = draw(st.sampled_from([(1, 1, 1), (1, 1, 1), (1, 2), (2, 1)]))
    actors = [{"id": f"A{i}", "options": [
        {"id": f"o{j}", "reversible": draw(st.sampled_from(["both", "both", "forward",
                                                            "backward"]))}
        for j in range(k)]} for i, k in enumerate(shape)]
    data = {"detente": 1, "name": "eight", "actors": actors,
            "preferences": {a["id"]: {"statements": [f"{a['id']}.o0"]} for a in actors}}
    return data, draw(st.integers(0, 2**16)), draw(st.integers(0, 7))


@pytest.mark.reference
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eight_states(), st.sampled_from(CONCEPTS), st.sampled_from(["legal", "distinct"]),
       st.sampled_from([3, 5, 8]))
def test_change_is_minimal_on_eight_states(case: tuple[dict[str, Any], int, int], concept: str,
                                           sanctions: str, levels: int) -> None:
    """As above on 8-state conflicts with up to three actors (545,835 weak orders each)."""
    data, seed, pick = case
    scenario = from_data(data)
    model = build_model(scenario)
    rng = np.random.default_rng(seed)
    pay = {a: compress_ranks(rng.integers(0, levels, 8))[0] for a in scenario.actor_ids}
    code = int(model.space.codes[pick])
    r = inverse(scenario, code, concept, sanctions=sanctions, model=model, payoffs=pay,
                verify=False)
    ref = to_reference(scenario, model, pay)
    states = [int(c) for c in model.space.codes]
    W = weak_orders(8)
    SW = signs(8)
    iu = np.triu_indices(8, 1)
    for i, a in enumerate(r.actors):
        ok = stable_under_all(ref, i, code, concept, sanctions == "distinct", states, W)
        P = np.asarray(pay[a.actor], dtype=np.int64)
        d = (SW != np.sign(P[iu[0]] - P[iu[1]]).astype(np.int8)).sum(axis=1)
        got = 0 if a.change is None else a.change.swaps
        assert got == int(d[ok].min())


@functools.cache
def signs(n: int) -> np.ndarray:
    """Pairwise comparison signs of every weak order of n items (rows of :func:`weak_orders`)."""
    W = weak_orders(n)
    iu = np.triu_indices(n, 1)
    return np.sign(W[:, iu[0]] - W[:, iu[1]]).astype(np.int8)


# -- CLI -------------------------------------------------------------------------------------------


@pytest.fixture
def runner_app() -> typer.Typer:
    app = typer.Typer()
    inverse_cli.register(app)

    @app.callback()
    def _root() -> None:  # keep "inverse" as a sub-command
        pass

    return app


@pytest.mark.regression
def test_cli_text_and_json(runner_app: typer.Typer) -> None:
    runner = CliRunner()
    out = runner.invoke(runner_app, ["inverse", "prisoners-dilemma", "--target", "YY",
                                     "--concept", "nash"])
    assert out.exit_code == 0, out.output
    assert "rank NY below YY" in out.output
    assert "P1: not Nash-stable at YY" in out.output
    js = runner.invoke(runner_app, ["inverse", "prisoners-dilemma", "--target", "YY",
                                    "--concept", "gmr", "--json"])
    assert js.exit_code == 0, js.output
    data = json.loads(js.output)
    assert data["stable_now"] is True and data["concept"] == "gmr"
    assert data["actors"]["P1"]["change"] is None
    assert data["actors"]["P1"]["conditions"][0]["sanctions"] == ["NN"]
    assert data["provenance"]["target"] == "YY"
    js = runner.invoke(runner_app, ["inverse", "chicken", "-t", "YY", "-c", "seq", "--json",
                                    "--actor", "D1"])
    d1 = json.loads(js.output)["actors"]["D1"]
    assert d1["change"]["swaps"] == 1 and d1["change"]["ranking"][0] == ["YY"]
    assert list(json.loads(js.output)["actors"]) == ["D1"]
    # statement edits for actors whose preferences are statements (korea-2017)
    frozen = "NYNNNNYYNNYNYY"
    out = runner.invoke(runner_app, ["inverse", "korea-2017", "-t", frozen, "-c", "seq",
                                     "--actor", "NK"])
    assert out.exit_code == 0, out.output
    assert "In statements (fewest, 2 edits): drop statement #7" in out.output
    assert "(NK.freeze Y→N)" in out.output
    js = runner.invoke(runner_app, ["inverse", "korea-2017", "-t", frozen, "-c", "seq",
                                    "--actor", "NK", "--json"])
    nk = json.loads(js.output)["statement_edits"]["NK"]
    assert [e["old_position"] for e in nk["edits"]] == [7, 9] and nk["verified"] is True
    js = runner.invoke(runner_app, ["inverse", "korea-2017", "-t", frozen, "-c", "seq",
                                    "--actor", "NK", "--json", "--edits", "0"])
    assert json.loads(js.output)["statement_edits"] == {}


@pytest.mark.regression
def test_cli_errors_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    from detente.cli import main as cli_main

    original = cli_main._register

    def register_all() -> None:
        original()
        inverse_cli.register(cli_main.app)

    monkeypatch.setattr(cli_main, "_register", register_all)
    assert cli_main.main(["inverse", "prisoners-dilemma", "--target", "YYY"]) == 2
    assert "exactly 2 characters" in capsys.readouterr().err
    assert cli_main.main(["inverse", "prisoners-dilemma", "--target", "YY", "-c", "sim"]) == 2
    assert cli_main.main(["inverse", "prisoners-dilemma", "--target", "YY"]) == 0
