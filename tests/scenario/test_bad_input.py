"""Bad input the loader must refuse in one line (regression tests for issue 15's edge cases).

Duplicate keys (which YAML and JSON parsers resolve silently), over-long strings, numbers
out of their ranges and numbers that are not finite: each gives one ``ScenarioError`` line
naming the file, the line or field and the fix, and the CLI exits 2 without a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli.main import main
from detente.errors import ScenarioError
from detente.loading import load_scenario, loads_scenario
from detente.scenario.text import MAX_NAME_CHARS, MAX_TEXT_CHARS

BASE = """\
detente: 1
name: small
actors:
  - id: A
    name: Alpha
    options: [{id: x}]
  - id: B
    options: [{id: y}]
preferences:
  A: {statements: [x]}
  B: {statements: [y]}
interests:
  - id: calm
    weight: 1
    score: [{when: not x, points: 1}]
"""

ISSUES = """\
issues:
  - id: deal
    name: Deal
    scale: {lower: 0, upper: 100}
    positions:
      A: {position: 10, capability: 1, salience: SALIENCE}
      B: {position: 90, capability: 1, salience: 0.5}
"""

CASES = {
    # name: (text, words the one line must contain)
    "duplicate top-level key": (
        BASE.replace("name: small\n", "name: small\nname: other\n"),
        ["bad.yaml:3:", "duplicate key 'name'", "first on line 2"],
    ),
    "duplicate nested key": (
        BASE.replace("    name: Alpha\n", "    name: Alpha\n    name: Beta\n"),
        ["bad.yaml:6:", "actors[0].name", "duplicate key 'name'"],
    ),
    "duplicate key in a family section": (
        BASE + ISSUES.replace("SALIENCE", "0.5").replace(
            "      B: {position: 90", "      A: {position: 20, capability: 1, salience: 1}\n"
            "      B: {position: 90"),
        ["duplicate key 'A'", "issues[0].positions.A"],
    ),
    "over-long name": (
        BASE.replace("name: Alpha", "name: " + "N" * (MAX_NAME_CHARS + 1)),
        ["bad.yaml:5:", "actors[0].name", "shorten it"],
    ),
    "over-long id used as a key": (
        BASE.replace("  A: {statements: [x]}", "  " + "K" * 300 + ": {statements: [x]}"),
        ["preferences", "keys and ids may have at most", "shorten it"],
    ),
    "over-long text": (
        BASE.replace("name: small", "name: small\ndescription: " + "d" * (MAX_TEXT_CHARS + 1)),
        ["bad.yaml:3:", "description", "shorten it"],
    ),
    "negative weight": (
        BASE.replace("weight: 1", "weight: -2"),
        ["bad.yaml:14:", "interests[0].weight", "must be at least 0", "-2"],
    ),
    "weight not a number (.nan)": (
        BASE.replace("weight: 1", "weight: .nan"),
        ["interests[0].weight", "not a finite number"],
    ),
    "infinite points": (
        BASE.replace("points: 1", "points: .inf"),
        ["interests[0].score[0].points", "not a finite number"],
    ),
    "salience above 1": (
        BASE + ISSUES.replace("SALIENCE", "1.5"),
        ["issues[0].positions.A.salience", "must be at most 1", "1.5"],
    ),
    "probability above 1": (
        BASE + "uncertainties:\n  statements:\n    - {actor: A, statement: x, "
        "alternatives: [{when: not x, p: 1.5}]}\n",
        ["uncertainties.statements[0].alternatives[0].p", "outside [0, 1]"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_in_one_line(case: str) -> None:
    text, words = CASES[case]
    with pytest.raises(ScenarioError) as exc:
        loads_scenario(text, source="bad.yaml")
    line = str(exc.value)
    assert "\n" not in line
    for word in words:
        assert word in line, (word, line)


def test_base_is_valid() -> None:
    assert loads_scenario(BASE).n_options == 2
    assert loads_scenario(BASE + ISSUES.replace("SALIENCE", "1")).issues[0].id == "deal"


def test_duplicate_json_key(tmp_path: Path) -> None:
    good = json.dumps({"detente": 1, "name": "j", "actors": []})
    path = tmp_path / "dup.json"
    path.write_text(good.replace('"name": "j"', '"name": "j", "name": "k"'), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"dup\.json:1: name: duplicate key 'name'"):
        load_scenario(path)


@pytest.mark.parametrize("case", ["duplicate top-level key", "over-long name", "salience above 1",
                                  "weight not a number (.nan)"])
def test_cli_exit_2(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(CASES[case][0], encoding="utf-8")
    assert main(["stability", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err
