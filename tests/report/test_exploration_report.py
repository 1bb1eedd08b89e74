"""The report with an exploration (regressions): the summary says how robust the answer is,
the exploration section shows the robustness table, the PRIM boxes with their quasi-p values
and the figures with captions; ``detente analyze --explore N`` wires it in.

The sweep runs on the small scenario of tests/strategy/test_explore.py (3 actors, 6 options),
30 Monte Carlo samples, in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main as cli_main
from detente.loading import loads_scenario
from detente.report import render_html
from detente.report.summary import robustness
from detente.strategy.analysis import StrategyReport, analyze_scenario
from detente.strategy.explore import ExploreSummary, explore, summarize
from tests.report.test_summary import _visible
from tests.strategy.test_explore import SMALL

pytestmark = pytest.mark.regression


@pytest.fixture(scope="module")
def explored(tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[StrategyReport, ExploreSummary]:
    scenario = loads_scenario(SMALL, "small.yaml")
    out = tmp_path_factory.mktemp("explore") / "r.csv"
    explore(scenario, out, 30, method="mc", workers=1, progress=False)
    s = summarize(out, failure="missed:freeze")
    return analyze_scenario(scenario, with_sensitivity=False), s


def test_summary_says_how_robust(explored: tuple[StrategyReport, ExploreSummary]) -> None:
    report, s = explored
    text = robustness(report, s).text
    first = {r.variant: r for r in s.variants}[s.ranking()[0]]
    name = report.variant(first.variant).name
    assert text.startswith(f"Across 30 sampled sets of the uncertain assumptions, {name} is "
                           "the most robust (the smallest average shortfall")
    assert f"does best or ties for best in {100 * first.best_share:.0f}% of the samples" in text
    assert s.prim is not None
    assert f"falls short in {s.prim.n_cases} of 30 samples" in text


def test_html_includes_the_exploration(explored: tuple[StrategyReport, ExploreSummary]
                                       ) -> None:
    report, s = explored
    html = render_html(report, s)
    seen = _visible(html)
    assert "How robust the answer is" in seen
    assert "30 samples of the scenario's uncertain assumptions (Monte Carlo sampling" in seen
    assert s.prim is not None and s.prim.boxes
    box = s.prim.boxes[0]
    assert f"{100 * box.coverage:.0f}%" in seen and "quasi-p" in seen
    for r in box.restrictions:
        assert f"{r.describe(s.labels.get(r.name))} (" in seen
    # three exploration figures (shares, trade-off, trajectory) and the report's own, each
    # with a caption
    assert html.count("<figure>") == html.count("<figcaption>") >= 3
    assert "The peeling trajectory of the first box" in seen


def test_analyze_explore_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    html = tmp_path / "r.html"
    assert cli_main.main(["analyze", str(path), "--no-sensitivity", "--explore", "4",
                          "--html", str(html)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "How robust it is. Across 4 sampled sets" in out
    assert "How robust the answer is" in html.read_text()
    assert cli_main.main(["analyze", str(path), "--no-sensitivity"]) == 0
    assert "No exploration of the scenario's uncertainties was run" in \
        " ".join(capsys.readouterr().out.split())
