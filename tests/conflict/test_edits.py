"""Inverse analysis in statements: the fewest statement edits, checked against brute force
with the engine (every edit list of at most two edits re-analysed from scratch)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.conflict import analyse, build_model
from detente.conflict.edits import statement_edits
from detente.scenario import from_data
from detente.scenario.expr import parse_condition
from detente.scenario.model import Condition, Scenario
from tests.conflict.strategies import conflicts

CONCEPTS = ["nash", "gmr", "smr", "seq"]


def _lists(stmts: list[str], extra: list[str], edits: int, add: bool) -> set[tuple[str, ...]]:
    """Every statement list reachable by exactly ``edits`` edits (remove, move, add one of
    ``extra``), written from the definitions with plain lists."""
    out = {tuple(stmts)}
    for _ in range(edits):
        nxt = set()
        for lst in out:
            m = len(lst)
            for k in range(m):
                nxt.add(lst[:k] + lst[k + 1:])
                for j in range(m):
                    if j != k:
                        rest = list(lst[:k] + lst[k + 1:])
                        rest.insert(j, lst[k])
                        nxt.add(tuple(rest))
            if add:
                for x in extra:
                    if x not in lst:
                        for j in range(m + 1):
                            nxt.add((*lst[:j], x, *lst[j:]))
        out = nxt
    return out


def _stable(scen: Scenario, model: Any, actor: str, stmts: tuple[str, ...], concept: str,
            target: int) -> bool:
    refs = {r: k for k, r in enumerate(scen.option_refs)}
    conds = tuple(Condition(t, parse_condition(t, refs)) for t in stmts)
    pref = replace(scen.preferences[actor], statements=conds)
    res = analyse(scen, concept, model=model, preferences={actor: pref})
    return res.is_stable(concept, target, actor)


@pytest.mark.reference
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_actors=3, max_options=4), st.sampled_from(CONCEPTS), st.data())
def test_fewest_edits_by_brute_force(data: dict[str, Any], concept: str, draw: Any) -> None:
    scen = from_data(data)
    model = build_model(scen)
    if model.space.n_states == 0:
        return
    target = int(model.space.codes[draw.draw(st.integers(0, model.space.n_states - 1))])
    actor = draw.draw(st.sampled_from(scen.actor_ids))
    got = statement_edits(scen, target, concept, actors=[actor], max_edits=2, model=model)[actor]
    stmts = [c.text for c in scen.preferences[actor].statements]
    extra = [x for r in scen.option_refs for x in (r, f"not {r}")]
    if _stable(scen, model, actor, tuple(stmts), concept, target):
        assert got.stable and not got.edits
        return
    assert not got.stable

    def best(add: bool) -> int | None:
        seen: set[tuple[str, ...]] = {tuple(stmts)}
        for k in (1, 2):
            lists = _lists(stmts, extra, k, add) - seen
            if any(_stable(scen, model, actor, lst, concept, target) for lst in lists):
                return k
            seen |= lists
        return None

    own = best(False)
    expected = own if own is not None else best(True)
    if expected is None:
        assert not got.found
        return
    assert got.found and len(got.edits) == expected and got.verified
    assert _stable(scen, model, actor, got.statements, concept, target)
    if own is not None:
        assert all(e.kind != "add" for e in got.edits)


@pytest.mark.regression
def test_korea_freeze_needs_north_korea_to_drop_two_statements() -> None:
    """The late-2017 situation with North Korea frozen (tests stopped, production frozen
    under inspection) while pressure and China's enforcement stay: under SEQ, North Korea
    leaves unless it stops valuing its tests and stops objecting to inspections, since
    nothing it values more comes with the freeze (checked by reasoning)."""
    k = detente.load_scenario(detente.scenario_path())
    target = k.status_quo | (1 << k.option_refs.index("NK.freeze"))
    target &= ~(1 << k.option_refs.index("NK.test"))
    r = statement_edits(k, target, "seq", actors=["NK", "CN"])
    assert r["CN"].stable
    nk = r["NK"]
    assert nk.found and nk.verified and nk.exact
    assert [(e.kind, e.old_position) for e in nk.edits] == [("remove", 7), ("remove", 9)]
    assert nk.describe().startswith("drop statement #7 «NK.test»")
    d = nk.to_dict()
    assert d["edits"][1]["statement"] == "not NK.freeze" and d["verified"] is True


@pytest.mark.regression
def test_positions_read_independently_of_order() -> None:
    data = {
        "detente": 1, "name": "t",
        "actors": [{"id": "A", "options": [{"id": "x"}]}, {"id": "B", "options": [{"id": "y"}]}],
        "preferences": {"A": {"statements": ["B.y", "A.x", "not B.y"]},
                        "B": {"statements": ["B.y"]}},
    }
    scen = from_data(data)
    # target NN: A's move to YN must not be an improvement: A.x must not dominate
    r = statement_edits(scen, "NN", "nash", actors=["A"])["A"]
    assert r.found and r.edits[0].describe() == "drop statement #2 «A.x»"
    assert r.statements == ("B.y", "not B.y")


@pytest.mark.regression
def test_bad_input() -> None:
    pd = detente.load_scenario(detente.scenario_path("prisoners-dilemma"))
    with pytest.raises(ValueError, match="explicit ranking"):
        statement_edits(pd, "YY", "nash", actors=["P1"])
    k = detente.load_scenario(detente.scenario_path("north-korea-2017"))
    with pytest.raises(ValueError, match="unknown actor"):
        statement_edits(k, 0, "gmr", actors=["XX"])
    assert statement_edits(pd, "YY", "nash") == {}  # no actor uses statements


@pytest.mark.regression
def test_budget_runs_out_clearly() -> None:
    k = detente.load_scenario(detente.scenario_path())
    r = statement_edits(k, "NYNNNNYYNNYNYY", "seq", actors=["NK"], budget=1)["NK"]
    assert not r.found and not r.exact and r.evaluated == 1
    assert "search budget" in r.describe()
