"""Scenario loading: valid files, and one clear line for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.errors import ScenarioError
from detente.loading import load_scenario, loads_scenario

pytestmark = pytest.mark.regression

GOOD = """\
detente: 1
name: Cuban missile crisis
description: test
sources: [Fraser and Hipel 1984]
actors:
  - id: US
    name: United States
    options:
      - {id: strike, name: Air strike, reversible: forward}
      - {id: blockade, name: Blockade}
  - id: USSR
    options:
      - {id: withdraw}
      - {id: escalate}
infeasible:
  - "US.strike and USSR.withdraw"
preferences:
  US:
    statements:
      - "USSR.withdraw"
      - "not US.strike"
      - "US.blockade if USSR.escalate"
  USSR:
    statements: [not escalate, not strike]
status_quo: NNNN
"""


def test_good_file_loads(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(GOOD)
    s = load_scenario(p)
    assert s.option_refs == ["US.strike", "US.blockade", "USSR.withdraw", "USSR.escalate"]
    assert s.options[0].reversible == "forward"
    assert s.status_quo == 0
    assert s.code_text(0b0110) == "NYYN"
    assert s.parse_code("NYYN") == 6
    assert not s.is_feasible(0b0101)


def test_json_accepted() -> None:
    import json

    data = yaml.safe_load(GOOD)
    s = loads_scenario(json.dumps(data), source="c.json")
    assert s.name == "Cuban missile crisis"


def test_status_quo_as_option_list() -> None:
    s = loads_scenario(GOOD.replace("status_quo: NNNN", "status_quo: [US.blockade]"))
    assert s.status_quo == 2


def test_statement_scoring_rule() -> None:
    """Option prioritisation (Fang et al. 2003): score = sum 2^(m-k) over true statements."""
    from detente.conflict import build_model

    s = loads_scenario(GOOD)
    m = build_model(s)
    from detente.conflict.preferences import statement_scores

    scores = dict(zip(m.space.codes.tolist(),
                      statement_scores(s.preferences["US"], m.space.codes).tolist(), strict=True))
    # NYYN: withdraw (4) + not strike (2) + blockade-if-escalate vacuously (1) = 7
    assert scores[s.parse_code("NYYN")] == 7
    # YNNY: nothing holds except ... strike, escalate without blockade -> 0
    assert scores[s.parse_code("YNNY")] == 0


BAD = [
    ("unknown option", GOOD.replace('"US.strike and USSR.withdraw"', '"US.nuke and USSR.withdraw"'),
     "unknown option 'US.nuke'", 16),
    ("duplicate actor", GOOD.replace("id: USSR", "id: US"), "duplicate actor id", 11),
    ("duplicate option", GOOD.replace("{id: escalate}", "{id: withdraw}"), "duplicate option", 14),
    ("bad code", GOOD.replace("status_quo: NNNN", "status_quo: NNXN"), "must have exactly 4", 25),
    ("short code", GOOD.replace("status_quo: NNNN", "status_quo: NNN"), "exactly 4", 25),
    ("reversible", GOOD.replace("reversible: forward", "reversible: sideways"), "reversible", 9),
    ("reversible number", GOOD.replace("reversible: forward", "reversible: 3"), "reversible", 9),
    ("empty actor", GOOD.replace("""  - id: USSR
    options:
      - {id: withdraw}
      - {id: escalate}""", """  - id: USSR
    options: []"""), "must not be empty", 12),
    ("yaml syntax", GOOD.replace("name: Cuban missile crisis", "name: [Cuban"), "YAML syntax",
     None),
    ("missing prefs", GOOD.replace("""  USSR:
    statements: [not escalate, not strike]
""", ""), "no preferences for actor 'USSR'", 17),
    ("parse error", GOOD.replace('"not US.strike"', '"not and US.strike"'), "cannot parse", 21),
    ("version", GOOD.replace("detente: 1", "detente: 2"), "detente: 1", 1),
    ("unknown field", GOOD.replace("description: test", "descripton: test"), "unknown field", 3),
    ("infeasible sq", GOOD.replace("status_quo: NNNN", "status_quo: YNYN"), "infeasible", 25),
]


@pytest.mark.parametrize(("label", "text", "fragment", "line"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_one_line(label: str, text: str, fragment: str, line: int | None) -> None:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, source="bad.yaml")
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("bad.yaml")
    assert fragment in msg, msg
    if line is not None:
        assert info.value.line == line, msg


RANKED = """\
detente: 1
name: ranked
actors:
  - id: A
    options: [{id: x}]
  - id: B
    options: [{id: y}]
preferences:
  A: {ranking: [YY, [NY, YN], NN]}
  B: {ranking: [NN, YY, NY, YN]}
"""


def test_ranking_ok() -> None:
    s = loads_scenario(RANKED)
    assert s.preferences["A"].ranking == ((3,), (2, 1), (0,))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (RANKED.replace("B: {ranking: [NN, YY, NY, YN]}", "B: {ranking: [NN, YY, NY]}"),
         "misses 1 feasible"),
        (RANKED.replace("B: {ranking: [NN, YY, NY, YN]}", "B: {ranking: [NN, YY, NY, NY, YN]}"),
         "appears twice"),
        (RANKED.replace("B: {ranking: [NN, YY, NY, YN]}", "B: {ranking: [NN, YY, NY, Y]}"),
         "exactly 2"),
    ],
)
def test_ranking_errors(text: str, fragment: str) -> None:
    with pytest.raises(ScenarioError, match=fragment):
        loads_scenario(text, source="r.yaml")


def test_missing_file() -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario("/nonexistent/x.yaml")


def test_bundled_scenarios_load() -> None:
    for name in detente.bundled_scenarios():
        s = load_scenario(detente.scenario_path(name))
        assert s.sources, f"{name} cites no source"
        for v in s.variants:
            load_scenario(detente.scenario_path(name), variant=v.id)


def _clean(exc: BaseException) -> bool:
    return isinstance(exc, ScenarioError) and "\n" not in str(exc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_fuzz_random_bytes(blob: bytes) -> None:
    text = blob.decode("utf-8", errors="replace")
    try:
        loads_scenario(text, source="fuzz.yaml")
    except Exception as exc:
        assert _clean(exc), repr(exc)


def _mutations() -> st.SearchStrategy[str]:
    lines = GOOD.splitlines()

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 3))):
            k = draw(st.integers(0, len(out) - 1))
            op = draw(st.sampled_from(["drop", "dup", "garble", "swap"]))
            if op == "drop":
                out.pop(k)
            elif op == "dup":
                out.insert(k, out[k])
            elif op == "garble":
                s = out[k]
                j = draw(st.integers(0, max(0, len(s) - 1)))
                ch = draw(st.sampled_from(list(":-[]{}\"' ,#YNx1")))
                out[k] = s[:j] + ch + s[j + 1:]
            elif len(out) > 1:
                j = draw(st.integers(0, len(out) - 1))
                out[k], out[j] = out[j], out[k]
            if not out:
                break
        return "\n".join(out)

    return mutate()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_fuzz_near_valid_yaml(text: str) -> None:
    try:
        s = loads_scenario(text, source="fuzz.yaml")
    except Exception as exc:
        assert _clean(exc), repr(exc)
    else:
        assert len(s.actors) >= 2
