"""Size of every result's notebook display on korea-2017 (issue 17: each under ~50 KB).

Run with ``.venv/bin/python benchmarks/notebook_display.py [--explore RESULTS]``. Prints one
line per result type: the bytes of its ``_repr_html_`` (or, when it has none, of the
``repr`` a notebook would show instead).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import detente

ROOT = Path(__file__).resolve().parents[1]


def results() -> dict[str, Callable[[], Any]]:
    """Builders of one result of each type, on korea-2017 where the type allows."""
    from detente.bargain.data import read_csv
    from detente.bargain.forecast import forecast_table
    from detente.conflict import analyse
    from detente.conflict.coalitions import analyse_coalitions
    from detente.conflict.explain import explain_state
    from detente.conflict.hindcast import hindcast
    from detente.conflict.inverse import inverse
    from detente.conflict.paths import status_quo_paths
    from detente.strategy.analysis import analyze_scenario
    from detente.verify import assess_regimes

    k = detente.load_scenario(detente.scenario_path("korea-2017"))
    sq = analyse(k, "seq").status_quo
    csv = ROOT / "tests" / "bargain" / "data" / "ww1_bdm_minimalgeek.csv"

    def explored() -> Any:
        from detente.strategy.explore import explore, read_results, summarize

        out = Path(tempfile.mkdtemp()) / "r.parquet"
        run = explore(k, str(out), 20, seed=1, workers=1)
        return {"RunReport": run, "ExploreSummary": summarize(str(out)),
                "Results": read_results(str(out))}

    return {
        "StabilityResult": lambda: analyse(k, ["nash", "gmr", "smr", "seq"]),
        "CoalitionResult": lambda: analyse_coalitions(k, "seq"),
        "PathsResult": lambda: status_quo_paths(k, "seq"),
        "InverseResult": lambda: inverse(k, sq if sq is not None else 0, "gmr"),
        "Explanation": lambda: explain_state(k, sq if sq is not None else 0, "seq"),
        "HindcastResult": lambda: hindcast(k),
        "StrategyReport": lambda: analyze_scenario(k, None, concept="seq"),
        "Forecast (eu)": lambda: forecast_table(read_csv(str(csv)), model="eu", seed=1),
        "PackageForecast": lambda: forecast_table(
            read_csv(str(ROOT / "tests" / "bargain" / "data" / "decide_cop21_paris2015.csv")),
            model="exchange", seed=1),
        "RegimesAssessment": lambda: assess_regimes(k.verification),
        "explore": explored,
    }


def size(obj: Any) -> tuple[int, str]:
    """Bytes a notebook would receive for ``obj`` and which representation gave them."""
    fn = getattr(obj, "_repr_html_", None)
    if callable(fn):
        return len(fn().encode()), "html"
    return len(repr(obj).encode()), "repr"


def main() -> None:
    for name, build in results().items():
        try:
            made = build()
        except Exception as exc:
            print(f"{name:<20} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        items = made.items() if isinstance(made, dict) else [(name, made)]
        for label, obj in items:
            n, how = size(obj)
            print(f"{label:<20} {n:>12,} bytes ({how})")


if __name__ == "__main__":
    main()
