"""The workbench's results page says what the report says (regressions): the summary at the
top, the verification table in words with its assumptions, the ranking each statement edit
produces, and no internal field names (snake_case keys of the JSON)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install detente[web])")

from detente.loading import loads_scenario
from detente.strategy.analysis import analyze_scenario
from detente.web.pages import templates
from detente.web.views import build_view
from tests.report.test_summary import VER, _json_keys, _visible
from tests.strategy.test_questions import DILEMMA

pytestmark = pytest.mark.regression


def test_results_page_in_words() -> None:
    base = analyze_scenario(loads_scenario(DILEMMA, "dilemma.yaml"))
    report = dataclasses.replace(base, extras={"verification": VER})
    data = json.loads(json.dumps(report.to_dict(), default=str))
    view = json.loads(json.dumps(build_view(data, report, {})))  # stored as JSON
    run = {"id": 1, "scenario": "dilemma", "version": None, "elapsed": 0.1}
    html = templates.env.get_template("results.html").render(v=view, run=run)
    seen = _visible(html)
    assert seen.index("Summary") < seen.index("Strategy comparison")
    assert "The answer. talks comes out best" in seen
    assert "5.6 months: 1 month to restart the plant (assumed) + 4.6 months of enrichment" \
        in seen
    assert "1. alone = talks" in seen  # the ranking after an edit that changes the top
    keys = {k for k in _json_keys(data) if "_" in k}
    assert sorted(k for k in keys if re.search(rf"\b{re.escape(k)}\b", seen)) == []
    for raw in ("sigma cumuf", "cumuf detection", "inspection value"):
        assert raw not in seen
