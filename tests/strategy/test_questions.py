"""Tracked outcomes, questions and the same move rules for every variant, on hand-made
scenarios (hand-worked results; regressions of the generic analysis).

The two-actor cooperation dilemma below is worked by hand. Each actor has one option,
``coop``; A states [B.coop, not A.coop] (B symmetric), so with codes (A.coop, B.coop)
A scores NN 1, YN 0, NY 3, YY 2. From the status quo NN no unilateral move is an improvement
(NN is Nash), so alone the conflict stays at NN. Jointly, A and B both gain by NN -> YY
(2 > 1 each), and YY is SEQ-stable (A's move to NY is sanctioned by B's return to NN, which
A ranks below YY; symmetrically for B) and no joint move improves it. So the variant that
declares the coalition reaches the deal, the other does not: the ranking rests on that
structural difference alone, which the headline must say.
"""

from __future__ import annotations

import pytest

import detente
from detente.errors import ScenarioError
from detente.loading import loads_scenario
from detente.strategy.analysis import analyze_scenario
from detente.strategy.rules import UNILATERAL, Rules

DILEMMA = """\
detente: 1
name: Cooperation dilemma
actors:
  - {id: A, options: [{id: coop}]}
  - {id: B, options: [{id: coop}]}
preferences:
  A: {statements: [B.coop, not A.coop]}
  B: {statements: [A.coop, not B.coop]}
status_quo: []
interests:
  - id: cooperation
    score: [{when: A.coop, points: 1}, {when: B.coop, points: 1}]
variants:
  - id: talks
    coalitions: [[A, B]]
  - id: alone
    description: Nothing changes.
outcomes:
  - {id: deal, name: Both cooperate, when: A.coop and B.coop}
  - {id: defect, when: not A.coop and not B.coop}
questions:
  - id: anywhere
    text: Is a deal stable anywhere?
    kind: stable_anywhere
    outcome: deal
  - {id: alone-deal, text: Does a deal come alone, kind: reachable, outcome: deal,
     variants: [alone]}
  - {id: where, text: Where does alone settle, kind: best, variant: alone}
  - {id: versus, text: Talks or not, kind: compare, variants: [talks, alone]}
  - {id: needs, text: What would A need, kind: requires, outcome: deal, variant: alone,
     actors: [A]}
"""


@pytest.fixture(scope="module")
def dilemma():  # type: ignore[no-untyped-def]
    return analyze_scenario(loads_scenario(DILEMMA, "dilemma.yaml"), with_sensitivity=True)


def test_ranking_and_tracked(dilemma) -> None:  # type: ignore[no-untyped-def]
    assert [(e.variant, e.rank, e.score) for e in dilemma.ranking] == [
        ("talks", 1, 2.0), ("alone", 2, 0.0)]
    assert dilemma.variant("talks").tracked["deal"]["reachable"]
    assert not dilemma.variant("alone").tracked["deal"]["reachable"]
    assert dilemma.variant("alone").tracked["defect"]["reachable"]


def test_conclusion_only_with_the_coalition(dilemma) -> None:  # type: ignore[no-untyped-def]
    c = dilemma.conclusion
    assert c.top == ("talks",)
    assert c.survives == {"unilateral": False, "coalition A+B": False}
    assert c.top_under == {"declared": ("talks",), "unilateral": (), "coalition A+B": ()}
    assert any(s.startswith("The ranking holds only because talks alone declares "
                            "coalitions") for s in c.structure_only)
    assert any("deal is reachable only under talks because of their coalitions" in s
               for s in c.structure_only)
    assert "Under each variant's declared coalitions, talks ranks first" in c.headline
    assert "The conclusion does not survive unilateral moves only and the coalition A+B " \
           "for every variant." in c.headline
    # dropping «B.coop» leaves A wanting only to defect: the joint move no longer helps A
    assert c.decided_by is not None
    assert c.decided_by["A"][0] == "drop «B.coop» in talks"
    assert "Which statements decide it — single edits that change what ranks first: A: " \
        "drop «B.coop» in talks" in c.headline
    structure = {s.variant: s for s in dilemma.structure}
    assert structure["talks"].extra_coalitions == (("A", "B"),)
    assert not structure["alone"].differs


def test_questions_answered(dilemma) -> None:  # type: ignore[no-untyped-def]
    a = {x.id: x for x in dilemma.answers}
    assert list(a) == ["anywhere", "alone-deal", "where", "versus", "needs"]
    assert a["anywhere"].answer.startswith("Yes") and "under talks" in a["anywhere"].answer
    assert a["alone-deal"].answer.startswith("No: under alone")
    assert "with the coalition A+B for every variant: reachable under alone" in \
        a["alone-deal"].evidence
    assert a["where"].answer.startswith("Under alone the conflict can settle at 1 reachable "
                                        "SEQ equilibrium; the best by the interest scores is NN")
    assert a["versus"].answer == "By the best reachable outcome's score: talks > alone."
    assert "with the coalition A+B for every variant: alone = talks" in a["versus"].evidence
    # SEQ: YY is already stable for A (a defection is punished), so nothing must change
    assert "YY" in a["needs"].answer and "already SEQ-stable for A" in a["needs"].answer


def test_requires_under_nash_names_the_edit() -> None:
    """Under Nash, A leaves YY for NY (3 > 2); dropping «not A.coop» makes YY and NY equal
    for A, so one edit suffices."""
    rep = analyze_scenario(loads_scenario(DILEMMA, "dilemma.yaml"), concept="nash",
                           with_sensitivity=False)
    needs = next(x for x in rep.answers if x.id == "needs")
    assert "not Nash-stable for A" in needs.answer
    assert "drop statement #2 «not A.coop»" in needs.answer


def test_common_rules_change_the_main_analysis() -> None:
    s = loads_scenario(DILEMMA, "dilemma.yaml")
    uni = analyze_scenario(s, with_sensitivity=False, rules=UNILATERAL)
    assert [e.rank for e in uni.ranking] == [1, 1]
    assert uni.conclusion.top == ()
    assert uni.conclusion.unranked == "every variant scores 0.00"
    both = analyze_scenario(s, with_sensitivity=False, rules=Rules("coalition", (("A", "B"),)))
    assert [e.score for e in both.ranking] == [2.0, 2.0]
    assert both.variant("alone").tracked["deal"]["reachable"]


NO_INTERESTS = """\
detente: 1
name: No interests
actors:
  - {id: A, options: [{id: coop}]}
  - {id: B, options: [{id: coop}]}
preferences:
  A: {statements: [B.coop, not A.coop]}
  B: {statements: [A.coop, not B.coop]}
status_quo: []
variants:
  - {id: one}
  - {id: two, coalitions: [[A, B]]}
"""


def test_no_interests_no_best_and_no_questions() -> None:
    rep = analyze_scenario(loads_scenario(NO_INTERESTS, "n.yaml"), with_sensitivity=False)
    assert [e.rank for e in rep.ranking] == [1, 1]
    assert all(v.best is None for v in rep.variants)
    assert all("defines no interests" in v.no_best for v in rep.variants)
    assert rep.conclusion.top == ()
    assert "no variant ranks first: the scenario defines no interests" in rep.conclusion.headline
    assert rep.answers == () and rep.tracked == ()
    assert rep.to_dict()["ranking"] == [{"variant": "one", "rank": 1, "score": 0.0},
                                        {"variant": "two", "rank": 1, "score": 0.0}]


def test_all_equal_scores_no_best() -> None:
    """Every reachable equilibrium scores the same: no best outcome, and the reason says so."""
    text = DILEMMA.replace("score: [{when: A.coop, points: 1}, {when: B.coop, points: 1}]",
                           "score: [{when: A.coop or not A.coop, points: 1}]")
    rep = analyze_scenario(loads_scenario(text, "d.yaml"), with_sensitivity=False,
                           rules=Rules("coalition", (("A", "B"),)))
    assert [e.rank for e in rep.ranking] == [1, 1]
    assert rep.conclusion.unranked == "every variant scores 1.00"
    talks = rep.variant("talks")
    assert talks.n_reachable_equilibria == 1 and talks.best is not None  # one: it is the best


@pytest.mark.parametrize(("edit", "field", "message"), [
    ({"outcomes": [{"id": "x", "when": "A.coop and"}]}, "outcomes[0].when", "A.coop and"),
    ({"outcomes": [{"id": "x", "when": "A.nope"}]}, "outcomes[0].when", "A.nope"),
    ({"questions": [{"id": "q", "text": "?", "kind": "guess", "outcome": "deal"}]},
     "questions[0].kind", "choose one of: stable_anywhere"),
    ({"questions": [{"id": "q", "text": "?", "kind": "reachable"}]},
     "questions[0].outcome", "needs `outcome:`"),
    ({"questions": [{"id": "q", "text": "?", "kind": "reachable", "outcome": "peace"}]},
     "questions[0].outcome", "unknown outcome 'peace'"),
    ({"questions": [{"id": "q", "text": "?", "kind": "best", "variant": "nope"}]},
     "questions[0].variant", "unknown variant 'nope'"),
    ({"questions": [{"id": "q", "text": "?", "kind": "compare", "variants": ["talks"]}]},
     "questions[0].variants", "at least two variants"),
    ({"questions": [{"id": "q", "text": "?", "kind": "requires", "outcome": "deal",
                     "actors": ["C"]}]}, "questions[0].actors[0]", "unknown actor 'C'"),
])
def test_bad_sections_one_line(edit: dict[str, object], field: str, message: str) -> None:
    import yaml

    data = yaml.safe_load(DILEMMA)
    data.update(edit)
    with pytest.raises(ScenarioError) as info:  # refused at load, with the line
        loads_scenario(yaml.safe_dump(data), "bad.yaml")
    text = str(info.value)
    assert info.value.line is not None and info.value.field == field
    assert text.startswith(f"bad.yaml:{info.value.line}: {field}: ")
    assert message in text and "\n" not in text


def test_elmira_has_nothing_korean() -> None:
    """A scenario without the strategy sections: no tracked columns, no questions."""
    rep = analyze_scenario(detente.scenario_path("elmira"), with_sensitivity=False)
    assert rep.tracked == () and rep.answers == ()
    data = rep.to_dict()
    assert data["outcomes"] == [] and data["answers"] == []
    assert all(v["tracked"] == {} for v in data["variants"].values())


def test_unscored_scenario_compares_reachable_equilibria() -> None:
    """Elmira scores nothing, so its conclusion is where it settles: with unilateral moves the
    status-quo search stops at NYNNY; with every coalition it reaches YNYNY (the modified
    order accepted, the historical outcome). The headline must say the two differ."""
    from detente.strategy.rules import EVERY

    rep = analyze_scenario(detente.scenario_path("elmira"), with_sensitivity=False,
                           rules=EVERY)
    assert [r.rules.label for r in rep.rules] == ["all", "declared"]
    assert rep.rules[0].states == {"gmcrplus-uniroyal": ("YNYNY",)}
    assert rep.rules[1].states == {"gmcrplus-uniroyal": ("NYNNY",)}
    assert rep.conclusion.survives == {"declared": False}
    assert "under gmcrplus-uniroyal the reachable equilibria are NYNNY instead of YNYNY" in \
        rep.conclusion.headline
