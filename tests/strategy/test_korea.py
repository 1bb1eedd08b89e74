"""The built-in korea-2017 scenario and `detente analyze` answers computed from the models."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import detente
from detente.cli.main import main
from detente.conflict import analyse
from detente.loading import from_data, load_scenario
from detente.strategy.analysis import analyze_scenario

pytestmark = pytest.mark.regression

SEED_HEADINGS = ("National Interests", "Near-Term Objective", "Joint Efforts", "Bringing Beijing")


def test_scenario_loads_and_cites() -> None:
    s = load_scenario(detente.scenario_path("korea-2017"))
    assert [a.id for a in s.actors] == ["US", "NK", "CN", "RU", "KR", "JP"]
    assert {v.id for v in s.variants} == {"max-pressure", "freeze-then-cap", "dual-freeze",
                                          "moratorium-for-drills", "hard-containment",
                                          "cvid-now"}
    # every variant runs under the same move rules: no variant changes the structure
    raw = yaml.safe_load(Path(detente.scenario_path("korea-2017")).read_text())
    assert all("infeasible" not in v and "coalitions" not in v for v in raw["variants"])
    assert all(o.why for o in s.options)
    assert all(c.why for c in s.infeasible)
    assert {i.id for i in s.interests} == {"homeland", "nonproliferation", "alliances", "peace"}
    text = Path(detente.scenario_path("korea-2017")).read_text()
    assert any(h in text for h in SEED_HEADINGS)


#: The commentary's section headings as the scenario's ``sources:`` lists them. The commentary
#: itself is not in the repository (it may only be paraphrased), so the test checks the
#: scenario against these headings, which the repository carries.
SEED_SECTIONS = ("National Interests", "Near-Term Objective", "Joint Efforts Among Five-Parties",
                 "Bringing Beijing and Moscow on Board")


def test_why_notes_cite_sections_briefly() -> None:
    """Every note rests on a section of the commentary (by heading), a dated source, or says
    it is the modeller's judgement or a variant's premise, as a short paraphrase."""
    text = Path(detente.scenario_path("korea-2017")).read_text()
    assert all(h in yaml.safe_load(text)["sources"][0] for h in SEED_SECTIONS)
    model = text[:text.index("\nverification:")]  # the verification notes are tagged apart
    whys = re.findall(r"^\s*-?\s*why:\s*(.+)$", model, flags=re.MULTILINE)
    heads = (*SEED_SECTIONS, "Mission muddle?", "Opening")
    unsourced = [w for w in whys if not (any(h in w for h in heads)
                                         or re.search(r"\b(19|20)\d\d\b", w)
                                         or "odeller" in w or "premise" in w
                                         or "Inverse analysis" in w)]
    assert unsourced == []
    assert max(len(w) for w in whys) <= 200


def test_late_2017_inputs_cite_no_later_source() -> None:
    """Years after 2017 appear only in `history:` (and the verification section's own
    `history` note), never in the judgements that set up the late-2017 model. (A variant's
    name may say which later policy it stands for; its preferences may not cite it.)"""
    data = yaml.safe_load(Path(detente.scenario_path("korea-2017")).read_text())
    data["variants"] = [v["preferences"] for v in data["variants"]]
    for key in ("actors", "infeasible", "preferences", "interests", "variants", "issues",
                "uncertainties"):
        assert not re.search(r"\b20(1[89]|2\d)\b", json.dumps(data[key])), key


def test_sub_model_hand_worked() -> None:
    """A 2-actor reduction worked by hand: US {negotiate}, NK {freeze}.

    US: [NK.freeze, not US.negotiate]; NK: [NK.freeze iff US.negotiate].
    Scores (US, NK): NN (1, 1); YN (0, 0); NY (3, 0); YY (2, 1).
    Nash: NN (neither gains alone) and YY (US dropping talks -> NY scores 3 > 2? yes, so YY is
    not Nash for the US). So Nash equilibria: NN only. SEQ at YY: the US's improvement to NY is
    sanctioned by NK un-freezing to NN (an improvement for NK, 1 > 0), and NN (1) <= YY (2) for
    the US, so YY is SEQ-stable: the freeze holds only with a credible threat to resume.
    """
    data = {
        "detente": 1, "name": "sub",
        "actors": [{"id": "US", "options": [{"id": "negotiate"}]},
                   {"id": "NK", "options": [{"id": "freeze"}]}],
        "preferences": {"US": {"statements": ["NK.freeze", "not US.negotiate"]},
                        "NK": {"statements": ["NK.freeze iff US.negotiate"]}},
    }
    r = analyse(from_data(data), "nash,seq")
    assert r.equilibria("nash") == ["NN"]
    assert r.equilibria("seq") == ["NN", "YY"]


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return analyze_scenario(None, ["freeze-then-cap", "max-pressure", "hard-containment"],
                            with_sensitivity=False)


def test_progress_reports_advance_to_done() -> None:
    seen: list[tuple[float, str]] = []
    analyze_scenario(None, ["max-pressure"], sensitivity_actors=["CN"],
                     progress=lambda f, stage: seen.append((f, stage)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("sensitivity" in stage for _, stage in seen) and seen[-1][1] == "done"


def test_plan_reaches_freeze_but_does_not_stand_out(report) -> None:  # type: ignore[no-untyped-def]
    """Checked by reasoning. The plan's freeze is reached by an exchange (US+NK: drills
    suspended and relief for a freeze and a cap; North Korea gains relief, ranked 4th, and
    suspended drills, above the freeze it gives up; the plan's US ranks a freeze 2nd, above
    keeping the drills). Every variant whose US ranks "no tests" above its other demands
    makes such exchanges too, so max-pressure also reaches a freeze, and its best outcome
    scores higher on the interests (no drills suspended): the plan does not stand out."""
    ftc = report.variant("freeze-then-cap")
    assert ftc.tracked["freeze"]["reachable"] and ftc.tracked["freeze-and-cap"]["reachable"]
    assert ftc.best is not None and "freeze" in ftc.best.options["NK"]
    assert ftc.best.path[0].mover == "US+NK"
    assert report.variant("max-pressure").tracked["freeze"]["reachable"]
    assert [(e.variant, e.rank) for e in report.ranking] == [
        ("max-pressure", 1), ("freeze-then-cap", 2), ("hard-containment", 3)]


def test_korea_answers_every_question(report) -> None:  # type: ignore[no-untyped-def]
    """The questions live in the file; each is answered, in the file's order."""
    ids = [a.id for a in report.answers]
    assert ids == ["cvid-anywhere", "freeze-anywhere", "plan-freeze", "moratorium-anywhere",
                   "plan-vs-2018", "containment", "freeze-requires"]
    by_id = {a.id: a for a in report.answers}
    assert by_id["plan-freeze"].answer.startswith("Yes")
    assert by_id["moratorium-anywhere"].answer.startswith("Yes")
    assert by_id["containment"].answer.startswith("Under hard-containment")
    assert "fewest edits" in by_id["freeze-requires"].answer


def test_korea_headline_tests_the_coalition(report) -> None:  # type: ignore[no-untyped-def]
    """Checked by reasoning: with unilateral moves only North Korea never stops testing
    (nothing it gains comes with the move), so neither a moratorium nor a freeze is
    reachable in any variant, and the ranking changes: the headline says so."""
    c = report.conclusion
    assert c.top == ("max-pressure",)
    assert c.survives["unilateral"] is False
    assert c.top_under["unilateral"] == ("hard-containment",)
    assert "does not survive unilateral moves only" in c.headline
    uni = next(r for r in report.rules if r.rules.kind == "unilateral")
    assert uni.reaching("freeze") == () and uni.reaching("moratorium") == ()


def test_answers_come_from_results(tmp_path: Path) -> None:
    """Editing one preference changes the answer: if North Korea ranks its nuclear and ICBM
    tests first, no freeze (which excludes them) can be stable, so the plan reaches none."""
    path = Path(detente.scenario_path("korea-2017"))
    data = yaml.safe_load(path.read_text())
    data["preferences"]["NK"]["statements"].insert(0, "NK.test")
    edited = tmp_path / "k.yaml"
    edited.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    rep = analyze_scenario(str(edited), ["freeze-then-cap"], with_sensitivity=False)
    q = next(a for a in rep.answers if a.id == "plan-freeze")
    assert q.answer.startswith("No")


def test_cli_json_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    code = main(["analyze", "--variant", "max-pressure", "--variant", "dual-freeze",
                 "--no-sensitivity", "--json", "--html", str(out)])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["variants"]) == {"max-pressure", "dual-freeze"}
    html = out.read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html


def test_package_deal_section() -> None:
    from detente.strategy.analysis import supporting_models

    extras = supporting_models(load_scenario(detente.scenario_path("korea-2017")))
    pkg = extras["package"]
    assert set(pkg["issues"]) == {"freeze_scope", "sanctions_relief", "assurances"}
    assert pkg["exchanges"] > 0
    # the deal moves North Korea towards a freeze and the US towards relief
    fz = pkg["issues"]["freeze_scope"]["positions_end"]["NK"]
    assert fz > 10
    assert pkg["issues"]["sanctions_relief"]["positions_end"]["US"] > 10
    regimes = {r["id"]: r for r in extras["verification"]["regimes"]}
    # a freeze adds its restart time; the LEU a cap allows shortens breakout (issue 14)
    assert regimes["freeze"]["breakout_months"] > regimes["now"]["breakout_months"]
    assert regimes["cap"]["breakout_months"] < regimes["now"]["breakout_months"]


def _two_by_two(us: str, nk: str, us_stm: list[str], nk_stm: list[str]):  # type: ignore[no-untyped-def]
    data = {
        "detente": 1, "name": "reduction",
        "actors": [{"id": "US", "options": [{"id": us}]}, {"id": "NK", "options": [{"id": nk}]}],
        "preferences": {"US": {"statements": us_stm}, "NK": {"statements": nk_stm}},
    }
    return analyse(from_data(data), "nash,seq")


def test_max_pressure_reduction_by_hand() -> None:
    """max-pressure, reduced to US {pressure} and NK {freeze} (other options held at the status
    quo, so no talks and no five-party push).

    US statements restricted to these options, in the variant's order: [US.pressure, NK.freeze]
    -> scores NN 0, YN 2, NY 1, YY 3. NK: its freeze statement reads "freeze iff talks and
    unity", false without talks, so it becomes [not NK.freeze, not US.pressure]
    -> NN 3, YN 2, NY 1, YY 0 (codes: US.pressure, NK.freeze).
    Nash: YN only (the US gains by adding pressure at NN and NY; NK gains by unfreezing at YY).
    SEQ: NN's improvement to YN has no sanction (NK's move YN->YY is not an improvement); NY's
    improvement to YY is answered by NK unfreezing to YN, which the US prefers (2 > 1), so no
    sanction; YY: NK unfreezes to YN and the US's only move back (NN) is no improvement.
    SEQ = {YN}: pressure and no freeze — the 2017 stalemate.
    """
    r = _two_by_two("pressure", "freeze", ["US.pressure", "NK.freeze"],
                    ["not NK.freeze", "not US.pressure"])
    assert r.equilibria("nash") == ["YN"]
    assert r.equilibria("seq") == ["YN"]


def test_freeze_then_cap_reduction_by_hand() -> None:
    """freeze-then-cap, reduced to US {negotiate} and NK {freeze} with the five united.

    US (variant's order, restricted): [NK.freeze, US.negotiate] -> NN 0, YN 1, NY 2, YY 3.
    NK: [NK.freeze iff US.negotiate] -> NN 1, YN 0, NY 0, YY 1 (codes: US.negotiate,
    NK.freeze). Nash: only YY (at NN the US offers talks; at YN the North freezes; at NY the US
    adds talks; at YY neither gains). SEQ: NN's improvement YN is met by NK freezing to YY,
    which the US prefers to NN, so no sanction -> unstable; YY is Nash hence SEQ.
    SEQ = {YY}: talks and a verified freeze.
    """
    r = _two_by_two("negotiate", "freeze", ["NK.freeze", "US.negotiate"],
                    ["NK.freeze iff US.negotiate"])
    assert r.equilibria("nash") == ["YY"]
    assert r.equilibria("seq") == ["YY"]


def test_unknown_variant_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--variant", "appeasement", "--no-sensitivity"]) == 2
    err = capsys.readouterr().err
    assert "unknown variant 'appeasement'" in err and "freeze-then-cap" in err
    assert err.count("\n") == 1
