"""Hindcast against a recorded history.

* Theory (hand-worked): a 2x2 game whose improvements, stability and reachability are worked
  out by hand in the comments below; steps that are and are not improvements, a joint step,
  an illegal step, a step into a state a variant rules out, and the edits that mend a record
  (re-run to check they do).
* Agreement with a reference: on random conflicts and random records, every verdict equals
  the set-based reference of tests/conflict/reference*.py written from the definitions.
* Regressions: the korea-2017 record's movers; the history section's loader errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.conflict import build_model
from detente.conflict.edits import ordering_edits
from detente.conflict.hindcast import apply_edits, hindcast
from detente.errors import ScenarioError
from detente.loading import from_data, loads_scenario
from detente.scenario.expr import evaluate, parse_condition
from tests.conflict.reference import moves, stable
from tests.conflict.reference_coalitions import coalition_moves, reachable_by_improvements
from tests.conflict.strategies import conflicts
from tests.conflict.test_edits import _lists
from tests.conflict.test_engine_vs_reference import to_reference

# The 2x2 game. Options A.go (first letter) and B.go (second letter).
# A's statements ["not B.go", "A.go"] score NN 2, YN 3, NY 0, YY 1: A ranks YN > NN > YY > NY.
# B's statements ["not A.go", "B.go"] score NN 2, NY 3, YN 0, YY 1: B ranks NY > NN > YY > YN.
# Going is dominant for each (a prisoner's dilemma).
# Nash: A is stable where its move does not improve: YN (to NN: 2 < 3) and YY (to NY: 0 < 1);
#   B at NY and YY. Nash equilibrium: YY.
# GMR/SMR/SEQ at NN for A: its improvement NN->YN is answered by B's YN->YY (an improvement for
#   B, 0 -> 1, so credible), where A gets 1 <= 2; A cannot escape YY (to NY: 0 <= 2). So NN is
#   stable for A under GMR, SMR and SEQ, likewise for B: NN and YY are GMR/SMR/SEQ equilibria.
#   At YN, B's improvement YN->YY gives B 1 > 0 and A's only answer YY->NY gives B 3 > 0: not
#   sanctioned, so YN is unstable for B under every concept (and stable for A under every one).
# Reachability from NN by unilateral improvements, no mover twice in succession:
#   NN (0); YN by A, NY by B (1); YY by B from YN or A from NY (2). From YY nobody improves alone
#   (A: YY->NY is 1 -> 0), but the coalition {A, B} improves to NN (both 1 -> 2).
GAME: dict[str, Any] = {
    "detente": 1,
    "name": "two-by-two",
    "actors": [{"id": "A", "options": [{"id": "go"}]},
               {"id": "B", "options": [{"id": "go"}]}],
    "preferences": {"A": {"statements": ["not B.go", "A.go"]},
                    "B": {"statements": ["not A.go", "B.go"]}},
    "status_quo": "NN",
}


def _game(history: list[Any], **extra: Any) -> Any:
    data = {**GAME, **extra, "history": history}
    return loads_scenario(yaml.safe_dump(data, sort_keys=False), source="game.yaml")


def _entries(*states: Any) -> list[dict[str, Any]]:
    return [{"date": f"2000-01-{k + 1:02d}", "state": s, "source": f"record {k}"}
            for k, s in enumerate(states)]


def test_hand_worked_record() -> None:
    s = _game(_entries("NN", ["A.go"], "YY", "NN"))
    r = hindcast(s)
    assert [st.movers for st in r.steps] == [("A",), ("B",), ("A", "B")]
    # step 1: A goes, 2 -> 3; step 2: B goes, 0 -> 1; step 3: both stop, A 1 -> 2, B 1 -> 2
    assert [st.improvement for st in r.steps] == [True, True, True]
    assert [st.unilateral for st in r.steps] == [True, True, False]
    joint = r.steps[2]
    assert dict(joint.improves) == {"A": True, "B": True}
    assert joint.legal is True and joint.coalition_improvement is True
    assert joint.declared_coalition is False  # no coalitions in the file
    yn, yy, nn = r.record[1], r.record[2], r.record[3]
    assert yn.stable is not None and yy.equilibrium is not None and nn.equilibrium is not None
    for c in ("nash", "gmr", "smr", "seq"):
        assert yn.stable[c] == {"A": True, "B": False}
        assert yy.equilibrium[c] is True
    assert nn.equilibrium == {"nash": False, "gmr": True, "smr": True, "seq": True}
    assert [e.depth for e in r.record] == [0, 1, 2, 0]
    assert r.consistent and r.edits is not None and r.edits.status == "none needed"
    assert r.edits.total == 0
    d = r.to_dict()
    assert d["steps"][2]["from"] == "YY" and d["steps"][2]["to"] == "NN"
    assert d["steps"][2]["movers"] == ["A", "B"] and d["steps"][2]["improvement"] is True
    assert d["steps"][0]["date"] == "2000-01-02" and d["steps"][0]["source"] == "record 1"
    assert d["edits"]["status"] == "none needed"
    assert d["provenance"]["analysis"] == "hindcast"


def test_coalitions_make_the_joint_step_a_declared_one() -> None:
    s = _game(_entries("YY", "NN"), coalitions=[["A", "B"]])
    r = hindcast(s)
    assert r.steps[0].declared_coalition is True
    assert r.movers == ("A", "B", "A+B")
    assert r.record[1].depth == 1  # the coalition improves YY -> NN in one step
    assert hindcast(s, coalitions=False).record[1].depth is None  # alone, nobody leaves YY


def test_step_that_is_no_improvement_and_its_edits() -> None:
    # YN -> YY: B goes, 0 -> 1 (an improvement). YY -> NY: A stops, 1 -> 0 (not one).
    s = _game(_entries(["A.go"], "YY", ["B.go"]))
    r = hindcast(s)
    assert [st.improvement for st in r.steps] == [True, False]
    assert not r.consistent
    e = r.edits
    assert e is not None and e.status == "found" and e.total == 1 and e.verified is True
    # A must rank NY above YY. Dropping "A.go" only ties them; adding "not A.go" first gives
    # NY 4 > YY 1 (adding it second also works: NY 2 > YY 1; third does not: NY 1 < YY 2).
    edit = e.changes["A"].edits
    assert [(x.kind, x.statement, x.new_position) for x in edit] == [("add", "not A.go", 1)]
    assert "B" not in e.changes
    assert e.requirements["A"] == ((2, 0b10, 0b11),)
    mended = hindcast(apply_edits(s, e))
    assert mended.consistent and all(st.improvement for st in mended.steps)


def test_contradictory_record_has_no_statement_edit() -> None:
    # NN -> YN -> YY -> NY: A goes when B stays (YN > NN) and stops when B goes (NY > YY).
    # One-option statements score A.go and B.go additively, f(A.go) + g(B.go), so no list of
    # them ranks both pairs so: none at any number of edits.
    s = _game(_entries("NN", ["A.go"], "YY", ["B.go"]))
    r = hindcast(s, max_edits=2)
    assert [st.improvement for st in r.steps] == [True, True, False]
    e = r.edits
    assert e is not None and e.status == "not found" and e.total is None
    assert e.changes["A"].found is False and e.changes["A"].exact
    assert "none within 2 edits" in e.describe()
    assert hindcast(s, max_edits=0).edits.status == "not searched"  # type: ignore[union-attr]


def test_illegal_step_and_variant_that_rules_out_a_state() -> None:
    data = {**GAME, "actors": [{"id": "A", "options": [{"id": "go", "reversible": "forward"}]},
                               {"id": "B", "options": [{"id": "go"}]}],
            "variants": [{"id": "no-both", "infeasible": ["A.go and B.go"]}]}
    s = _game(_entries("YY", "NN"), **{k: v for k, v in data.items() if k != "history"})
    r = hindcast(s)
    assert r.steps[0].legal is False  # A.go can only be taken, not dropped
    assert r.edits is not None and r.edits.status == "impossible"
    v = hindcast(s, variant="no-both")
    assert v.variant == "no-both" and len(v.record) == 2  # the variant inherits the history
    assert v.record[0].feasible is False and v.record[0].stable is None
    assert v.steps[0].improvement is None and v.steps[0].legal is None
    assert v.edits is not None and v.edits.status == "impossible"
    assert "rules out" in v.edits.describe()


def test_no_change_step_and_no_history() -> None:
    r = hindcast(_game(_entries("NN", "NN")))
    assert r.steps[0].movers == () and r.steps[0].improvement is None and r.steps[0].consistent
    plain = from_data(GAME)
    n = hindcast(plain)
    assert not n.recorded and n.steps == () and n.edits is None
    assert n.to_dict()["message"] == "no history recorded"


def test_cuban_missile_crisis_record() -> None:
    cuba = detente.load_scenario(detente.scenario_path("cuban-missile-crisis"))
    r = hindcast(cuba)
    assert [st.movers for st in r.steps] == [("US",), ("USSR",), ("US",)]
    assert r.consistent  # each recorded move improves its mover under Fraser and Hipel's ranks
    assert [r.code_text(e.entry.state) for e in r.record] == ["NNNN", "NYNN", "NYYN", "NNYN"]


def test_korea_record() -> None:
    k = detente.load_scenario(detente.scenario_path("korea-2017"))
    assert k.history[0].state == k.status_quo
    r = hindcast(k, concepts="seq", max_edits=0)
    assert [st.movers for st in r.steps] == [("US",), ("US",), ("US",), ("NK",), ("US",), (),
                                             ("NK",)]
    # the April 2018 moratorium: nuclear/ICBM and short-range tests stop together
    assert r.steps[3].changes == (("NK.test", False), ("NK.short_range", False))
    assert r.steps[4].changes == (("US.suspend_drills", True),)
    # May 2019: short-range tests resume while the nuclear/ICBM moratorium holds
    assert r.steps[6].changes == (("NK.short_range", True),)
    # checked by reasoning: North Korea ranks testing above anything the moratorium alone
    # brings, so stopping on its own is no improvement; resuming short-range tests is one
    assert not r.steps[3].improvement and r.steps[6].improvement
    assert all(e.entry.source for e in r.record)
    assert not any((e.entry.state >> k.option_refs.index("NK.freeze")) & 1 for e in r.record)
    # every variant inherits the record, and no variant changes the structure
    v = hindcast(k, variant="max-pressure", concepts="seq", max_edits=0)
    assert len(v.record) == len(r.record) and all(e.feasible for e in v.record)


@pytest.mark.parametrize(("history", "message", "field"), [
    ([{"date": "2000-01", "state": ["A.went"], "source": "x"}], "unknown option", "state[0]"),
    ([{"date": "2000-01", "state": "NNN", "source": "x"}], "exactly 2 characters", "state"),
    ([{"date": "2000-01", "state": "NN"}], "required field is missing", "source"),
    ([{"date": "2000-01", "state": "NN", "source": " "}], "source is empty", "source"),
    ([{"date": "2000-02", "state": "NN", "source": "x"},
      {"date": "2000-01-31", "state": "YN", "source": "y"}], "before the previous", "date"),
    ([{"date": "2000-13", "state": "NN", "source": "x"}], "not a calendar date", "date"),
    ([{"date": "March 2000", "state": "NN", "source": "x"}], "YYYY-MM-DD", "date"),
    ([{"date": "2000", "state": "NN", "source": "x", "when": 1}], "unknown field", "when"),
    ([{"date": "2000", "state": "YY", "source": "x"}], "infeasible", "state"),
    ([], "history is empty", "history"),
])
def test_loader_errors(history: list[Any], message: str, field: str) -> None:
    data = {**GAME, "infeasible": ["A.go and B.go"], "history": history}
    with pytest.raises(ScenarioError) as exc:
        loads_scenario(yaml.safe_dump(data, sort_keys=False), source="game.yaml")
    text = str(exc.value)
    assert message in text and text.startswith("game.yaml:")
    assert exc.value.line is not None and exc.value.field is not None
    assert exc.value.field.endswith(field)


def test_loader_accepts_dates_and_codes() -> None:
    s = _game([{"date": "2000", "state": "NN", "source": "a"},
               {"date": "2000-01", "state": "YN", "source": "b", "event": "e", "note": "n"},
               {"date": "2000-01-01", "state": [], "source": "c", "why": "w"}])
    assert [e.date for e in s.history] == ["2000", "2000-01", "2000-01-01"]
    assert [e.state for e in s.history] == [0, 1, 0]
    assert s.history[1].line is not None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_actors=3, max_options=5), st.data(), st.booleans())
def test_agrees_with_reference(data: dict[str, Any], draw: Any, joint: bool) -> None:
    scen = from_data(data)
    model = build_model(scen)
    codes = [int(c) for c in model.space.codes]
    if not codes:
        return
    states = draw.draw(st.lists(st.sampled_from(codes), min_size=2, max_size=5))
    coalitions = [scen.actor_ids] if joint else None
    hist = [{"date": f"2000-01-{k + 1:02d}", "state": scen.code_text(s), "source": "r"}
            for k, s in enumerate(states)]
    scen = from_data({**data, "history": hist})
    r = hindcast(scen, coalitions=coalitions if joint else False, max_edits=1)
    ref = to_reference(scen, model, model.payoffs())
    ids = scen.actor_ids
    units = [frozenset([i]) for i in range(len(ids))]
    if joint and len(ids) > 1:
        units.append(frozenset(range(len(ids))))
    depth = reachable_by_improvements(ref, states[0], units)
    for k, e in enumerate(r.record):
        assert e.depth == depth.get(states[k])
        assert e.stable is not None
        for c in ("nash", "gmr", "smr", "seq"):
            for i, a in enumerate(ids):
                assert e.stable[c][a] == stable(ref, i, states[k], c)
    for st_ in r.steps:
        s, t = st_.source, st_.target
        who = [i for i, bits in enumerate(ref.actor_bits) if any(((s ^ t) >> b) & 1 for b in bits)]
        assert st_.movers == tuple(ids[i] for i in who)
        for i in who:
            assert st_.improves[ids[i]] == (ref.payoff[i][t] > ref.payoff[i][s])
        if len(who) == 1:
            assert st_.legal == (t in moves(ref, who[0], s))
        elif who:
            assert st_.legal == (t in coalition_moves(ref, frozenset(who), s))
    ed = r.edits
    assert ed is not None
    if ed.status == "found":
        assert ed.verified
        mended = hindcast(apply_edits(scen, ed), coalitions=False, max_edits=0)
        assert all(x.improvement is not False for x in mended.steps)
    assert np.all([x.consistent for x in r.steps]) == (ed.status == "none needed")


def _prefers(scen: Any, actor: str, stmts: tuple[str, ...], pairs: list[tuple[int, int]]) -> bool:
    """Every pair (better, worse) strictly preferred under ``stmts`` (scored from scratch)."""
    refs = {r: k for k, r in enumerate(scen.option_refs)}
    conds = [parse_condition(t, refs) for t in stmts]
    m = len(conds)

    def score(code: int) -> int:
        arr = np.array([code], dtype=np.int64)
        return sum(int(bool(evaluate(c, arr)[0])) << (m - 1 - k) for k, c in enumerate(conds))

    return all(score(b) > score(w) for b, w in pairs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_actors=3, max_options=4), st.data())
def test_ordering_edits_fewest_by_brute_force(data: dict[str, Any], draw: Any) -> None:
    """The required-preference goal of the shared edit search finds the fewest edits: checked
    against every edit list of at most two edits (tests/conflict/test_edits.py's _lists)."""
    scen = from_data(data)
    n = 1 << scen.n_options
    actor = draw.draw(st.sampled_from(scen.actor_ids))
    pairs = draw.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                               min_size=1, max_size=3))
    got = ordering_edits(scen, {actor: pairs}, max_edits=2)[actor]
    stmts = [c.text for c in scen.preferences[actor].statements]
    extra = [x for r in scen.option_refs for x in (r, f"not {r}")]
    if _prefers(scen, actor, tuple(stmts), pairs):
        assert got.stable and not got.edits
        return

    def best(add: bool) -> int | None:
        seen: set[tuple[str, ...]] = {tuple(stmts)}
        for k in (1, 2):
            lists = _lists(stmts, extra, k, add) - seen
            if any(_prefers(scen, actor, lst, pairs) for lst in lists):
                return k
            seen |= lists
        return None

    own = best(False)
    expected = own if own is not None else best(True)
    if expected is None:
        assert not got.found
        return
    assert got.found and len(got.edits) == expected and got.verified
    assert _prefers(scen, actor, got.statements, pairs)


@pytest.mark.parametrize("name", [n for n in detente.bundled_scenarios() if n != "korea-2017"])
def test_every_bundled_scenario(name: str) -> None:
    s = detente.load_scenario(detente.scenario_path(name))
    r = hindcast(s, max_edits=1)
    assert r.recorded == bool(s.history)
    assert r.to_dict()["recorded"] == r.recorded
    if s.variants:
        v = hindcast(s, variant=s.variants[0].id, max_edits=0)
        assert v.variant == s.variants[0].id and len(v.record) == len(r.record)
        with pytest.raises(ValueError, match="already variant"):
            hindcast(detente.load_scenario(detente.scenario_path(name),
                                           variant=s.variants[0].id), variant="other")
