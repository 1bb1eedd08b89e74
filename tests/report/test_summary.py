"""What the report says (regressions, with the numbers worked out by hand for the small
scenarios): the summary's four parts, the sensitivity table's new rankings and top-rank marks,
figure captions and one-state sentences, percentages in the verification rows, and no
internal field names (snake_case keys of the JSON) anywhere on the page.

The cooperation dilemma (tests/strategy/test_questions.py): two actors, one option each, the
interest scores one point per cooperator (weight 1 by default), so a deal scores 2.00 and
no deal 0.00; ``talks`` declares the coalition A+B and reaches the deal, ``alone`` does not.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from rich.console import Console

import detente
from detente.loading import loads_scenario
from detente.report import render_html, render_text
from detente.report.html import paths_caption, paths_sentence
from detente.report.summary import summary
from detente.report.tables import ranking_words, sensitivity_rows
from detente.report.verification import regime_rows, verification_notes
from detente.strategy.analysis import StrategyReport, analyze_scenario
from detente.strategy.ranking import RankEntry
from tests.strategy.test_questions import DILEMMA

pytestmark = pytest.mark.regression


@pytest.fixture(scope="module")
def dilemma() -> StrategyReport:
    return analyze_scenario(loads_scenario(DILEMMA, "dilemma.yaml"))


@pytest.fixture(scope="module")
def cuba() -> StrategyReport:
    return analyze_scenario(detente.scenario_path("cuban-missile-crisis"),
                            with_sensitivity=False)


def _words(text: str) -> str:
    return " ".join(text.split())


class _Visible(HTMLParser):
    """The text a reader sees (no tags, no style, no SVG internals)."""

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("style", "svg", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(data)


def _visible(html: str) -> str:
    p = _Visible()
    p.feed(html)
    return _words(" ".join(p.out))


def _json_keys(obj: Any) -> set[str]:
    keys: set[str] = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            keys.add(str(k))
            keys |= _json_keys(v)
    elif isinstance(obj, list):
        for v in obj:
            keys |= _json_keys(v)
    return keys


def test_summary_of_the_dilemma(dilemma: StrategyReport) -> None:
    parts = summary(dilemma)
    assert [p.heading for p in parts] == ["The answer", "What it hinges on",
                                          "How robust it is", "What the record says"]
    answer, hinges, robust, record = (p.text for p in parts)
    assert answer.startswith("talks comes out best under each variant's declared "
                             "coalitions: 2.00 points, against 0.00 for the next best")
    assert "the score is the weighted sum of 1 interest score." in answer
    assert "Under it the model can reach Both cooperate, but not defect." in answer
    assert "It changes with unilateral moves only: then no variant comes out best." in hinges
    assert hinges.count("depends on who may act together") == 1
    assert ("4 single edit(s) of an actor's preference statements change what comes out best"
            in hinges)
    assert "A: drop «B.coop» in talks" in hinges
    assert robust.startswith("No exploration of the scenario's uncertainties was run")
    assert "detente analyze --explore 200" in robust
    assert record == ("The scenario records no history, so the model has not been held "
                      "against what actually happened.")


def test_summary_of_the_record(cuba: StrategyReport) -> None:
    record = summary(cuba)[3].text
    # three recorded moves, each an improvement for its mover; four states, all reached
    assert ("Held against 4 recorded states from 1962-10-16 to 1962-11-20, 3 of the 3 "
            "recorded moves were improvements") in record
    assert "reaches 4 of the 4: the model's preferences explain most of what happened" in record
    assert "The record is consistent with the model." in record


def test_sensitivity_shows_the_new_ranking(dilemma: StrategyReport) -> None:
    sens = sensitivity_rows(dilemma)
    assert sens["base"] == "1. talks; 2. alone"
    assert (sens["total"], sens["changing"], sens["top"]) == (12, 6, 4)
    tops = [r for r in sens["rows"] if r["top"]]
    assert len(tops) == 4 and sens["rows"][:4] == tops  # top-rank changes first
    # dropping A's wish that B cooperates: talks no longer reaches a better outcome
    assert {"actor": "A", "change": "drop «B.coop»", "ranking": "1. alone = talks"}.items() \
        <= tops[0].items()
    out = _words(_text(dilemma).replace("│", " "))
    assert "★ talks A drop «B.coop» 1. alone = talks" in out
    html = render_html(dilemma)
    assert '<tr class="top"><td>talks</td><td>A</td><td>drop «B.coop»</td>' \
           '<td>1. alone = talks</td>' in html


def test_ranking_words() -> None:
    ranking = (RankEntry("a", 1, 3.0), RankEntry("b", 2, 2.0), RankEntry("c", 2, 2.0),
               RankEntry("d", 4, 1.0))
    assert ranking_words(ranking, {"a": "Plan A"}) == "1. Plan A; 2. b = c; 4. d"


def _text(report: StrategyReport) -> str:
    c = Console(file=io.StringIO(), width=300, color_system=None)
    render_text(report, c)
    assert isinstance(c.file, io.StringIO)
    return c.file.getvalue()


def test_text_starts_with_the_summary(dilemma: StrategyReport) -> None:
    out = _text(dilemma)
    assert out.index("Summary") < out.index("At a glance") < out.index("Headline")
    assert "The answer. talks comes out best" in _words(out)


def test_html_summary_captions_and_print(dilemma: StrategyReport) -> None:
    html = render_html(dilemma)
    seen = _visible(html)
    assert seen.index("Summary") < seen.index("At a glance")
    assert "talks comes out best under each variant's declared coalitions: 2.00 points" in seen
    # every figure has a caption; the interest weights are percentages
    assert html.count("<figure>") == html.count("<figcaption>") >= 1
    assert "The total score in the comparison table weights the interests: cooperation 100%" \
        in seen
    # one-state graph: 'alone' cannot move from the status quo, so a sentence, not a figure
    alone = dilemma.variant("alone")
    assert paths_sentence(alone) == (
        "Under alone the status quo is the only reachable state: no actor or coalition has a "
        "move from it that leaves it better off, so the conflict stays where it is.")
    assert paths_sentence(alone) in seen
    talks = dilemma.variant("talks")
    assert paths_sentence(talks) is None
    assert paths_caption(talks).startswith("How talks gets from the status quo (blue)")
    # self-contained and printable
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "@media print" in html and "break-before:page" in html


def test_library_code_leaves_the_matplotlib_backend_alone() -> None:
    """Plot functions return Figures; only an application (the web server's preload) may
    choose a backend."""
    from pathlib import Path

    root = Path(detente.__file__).parent
    callers = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if "matplotlib.use(" in p.read_text() and p.parts[-2] != "web"]
    assert callers == []


def test_no_internal_field_names_on_the_page(dilemma: StrategyReport,
                                             cuba: StrategyReport) -> None:
    for report in (dilemma, cuba):
        seen = _visible(render_html(report))
        keys = {k for k in _json_keys(report.to_dict()) if "_" in k}
        assert keys, "the JSON has snake_case keys to look for"
        found = sorted(k for k in keys if re.search(rf"\b{re.escape(k)}\b", seen))
        assert found == []


def test_figure_text_is_large_enough(dilemma: StrategyReport) -> None:
    from detente.report.html import MAX_WIDTH_IN, MIN_FONT_PT, interest_figure, paths_figure

    for fig in (interest_figure(dilemma), paths_figure(dilemma.variant("talks"))):
        assert fig.get_figwidth() <= MAX_WIDTH_IN  # never scaled down on a 1,100 px page
        sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))
                 if getattr(t, "get_text", lambda: "")()]
        assert sizes and min(sizes) >= MIN_FONT_PT  # 8 pt = 10.7 px


VER = {
    "regimes": [{
        "label": "freeze", "description": "Plant halted under seals.", "why": "Assumed.",
        "heu_production": False, "heu_sq_per_year": 0.0, "heu_kg_per_year": 0.0,
        "heu_sq_per_year_if_broken": 2.61, "pu_sq_per_year": 0.0, "pu_kg_per_year": 0.0,
        "reactor_operating": False, "machines": 4000, "capacity_swu_per_year": 14000.0,
        "breakout_months": 5.6, "restart_months": 1.0, "stocks": [],
        "detection_declared": 0.999, "inspections_per_year": 12,
        "hidden": [{"fraction_hidden": 0.25, "detection": 0.55, "months_to_sq": 13.8,
                    "route": "covert"}],
        "deterrence": {"inspections_needed": 1, "detection_per_inspection": 0.9,
                       "max_nondetection": 0.475},
        "inspections_during_breakout": 5.6,
    }],
    "heu": {"capacity_swu_per_year": 14000.0, "swu_per_sq": 5359.0, "sq_per_year": 2.61,
            "kg_per_year": 73.0},
    "capacity_machines": 4000, "swu_per_machine_year": 3.5,
    "assumptions": {"capacity": "Estimate.", "deterrence": "B = D."},
    "accountancy": {"periods": 12, "cumuf_detection": 0.975, "false_alarm": 0.05,
                    "why": "sigma of 2 kg a balance."},
}


def test_verification_rows_state_their_assumptions() -> None:
    (row,) = regime_rows(VER)
    # the restart assumption beside the breakout time it lengthens
    assert row["breakout"] == ("5.6 months: 1 month to restart the plant (assumed) + 4.6 "
                               "months of enrichment, starting from natural uranium")
    assert row["detection"] == ("100% chance of detection at the declared plant with 12 "
                                "inspections a year (assumed)")
    assert row["hidden"].startswith("with 25% of capacity hidden: 55% chance of detection")
    assert row["deterrence"].startswith("1 inspection, each detecting a violation 90% of the "
                                        "time (assumed), keep the chance of going undetected "
                                        "below 48%")
    notes = " ".join(verification_notes(VER))
    assert "with a 98% chance, at a 5% false-alarm rate" in notes
    for text in [*row.values(), notes]:
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text


def test_sources_cite_only_files_in_the_repository() -> None:
    """A source that names a file names one the repository holds (docs pages, data files)."""
    from pathlib import Path

    from detente.loading import load_scenario

    root = Path(__file__).parents[2]
    for name in ("korea-2017", "cuban-missile-crisis", "elmira"):
        scenario = load_scenario(detente.scenario_path(name))
        for source in scenario.sources:
            for ref in re.findall(r"[\w./-]+\.(?:md|txt|yaml|csv|py)\b", source):
                assert (root / ref.split("#")[0]).is_file(), f"{name}: {ref}"
            assert "/work/" not in source and "shared/" not in source
