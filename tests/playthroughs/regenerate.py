"""Regenerate the saved reference outputs ("playthroughs") of the bundled scenarios.

Run ``.venv/bin/python -m tests.playthroughs.regenerate`` after an *intended* change of
results, review the diff, and commit it. The test in this folder compares new runs against
these files, so any unintended change to a result shows up as a failing test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import detente
from detente.conflict import analyse
from detente.strategy.analysis import analyze_scenario

HERE = Path(__file__).parent


def stability(name: str) -> dict[str, Any]:
    scenario = detente.load_scenario(detente.scenario_path(name))
    return analyse(scenario, "nash,gmr,smr,seq,sim" if name != "korea-2017" else "nash")\
        .to_dict()


def korea() -> dict[str, Any]:
    data = analyze_scenario(None, with_sensitivity=False).to_dict()
    data.pop("provenance", None)
    data.pop("digest", None)
    for v in data["variants"].values():  # thousands of states: keep a count and a digest
        v["equilibria"] = {
            c: {"count": len(states),
                "sha256": hashlib.sha256(",".join(states).encode()).hexdigest()}
            for c, states in v["equilibria"].items()
        }
    return data


def outputs() -> dict[str, Any]:
    out = {f"stability-{n}": stability(n) for n in detente.bundled_scenarios()
           if n != "korea-2017"}
    out["analyze-korea-2017"] = korea()
    return out


def main() -> None:
    for name, data in outputs().items():
        (HERE / f"{name}.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
