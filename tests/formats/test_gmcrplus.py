"""GMCR+ save files: import, export, round trips, bad input and the CLI commands."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import detente
from detente.cli import gmcr as gmcr_cli
from detente.conflict import analyse, build_state_space
from detente.conflict.preferences import payoff_ranks
from detente.errors import ScenarioError
from detente.formats.gmcrplus import GMCRPlusWarning, data_to_gmcr, gmcr_to_data
from detente.loading import load_scenario, loads_scenario
from detente.scenario import Scenario

pytestmark = pytest.mark.regression

DATA = Path(__file__).parent / "data"
EXAMPLES = ["Prisoners.gmcr", "Cuban.gmcr", "Elmira.gmcr", "SI_misp.gmcr"]
CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")


def read(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_gmcr(data: dict[str, Any] | str, source: str = "test.gmcr") -> Scenario:
    text = data if isinstance(data, str) else json.dumps(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GMCRPlusWarning)
        return loads_scenario(text, source=source)


def export(scenario: Scenario) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GMCRPlusWarning)
        return data_to_gmcr(scenario)


def distinct(scenario: Scenario) -> dict[str, Any]:
    return analyse(scenario, sanctions="distinct").to_dict()


def equilibria(scenario: Scenario) -> dict[str, list[str]]:
    result = analyse(scenario, sanctions="distinct")
    return {c: result.equilibria(c) for c in CONCEPTS}


def bundled(name: str, variant: str | None = None) -> Scenario:
    return load_scenario(detente.scenario_path(name), variant=variant)


def bad(data: Any, source: str = "bad.gmcr") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_gmcr(data if isinstance(data, str) else json.dumps(data), source)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(source)
    return info.value


TWO_BY_TWO: dict[str, Any] = {
    "options": [
        {"name": "A one", "permittedDirection": "both"},
        {"name": "B one", "permittedDirection": "both"},
    ],
    "decisionMakers": [
        {"name": "Alpha", "options": [0], "preferences": [[[1, "Y"]], [[0, "N"]]]},
        {"name": "Beta", "options": [1], "preferences": [[[0, "Y"]], [[1, "N"]]]},
    ],
    "infeasibles": [],
    "useManualPreferenceRanking": False,
}


# -- import ---------------------------------------------------------------------------------------
def test_cuban_structure() -> None:
    data = gmcr_to_data(read("Cuban.gmcr"), source="Cuban.gmcr")
    assert data["detente"] == 1
    assert data["name"] == "Cuban"
    us = data["actors"][0]
    assert [o["id"] for o in us["options"]] == ["Air_Strike", "Blockade"]
    assert us["options"][0]["reversible"] == "forward"
    assert "reversible" not in us["options"][1]
    assert data["infeasible"] == ["USSR.Withdraw and USSR.Escalate"]
    statements = data["preferences"]["US"]["statements"]
    assert statements[0] == "USSR.Withdraw"
    assert statements[1] == "not USSR.Escalate"  # "N" is negation
    assert statements[2] == "not US.Air_Strike and USSR.Withdraw"  # one-member compound
    assert statements[6] == (
        "(US.Air_Strike and not USSR.Withdraw) or (US.Blockade and not USSR.Escalate) or "
        "(US.Air_Strike and not USSR.Escalate) or (US.Blockade and not USSR.Withdraw)"
    )


def test_cuban_statements_give_the_published_vectors() -> None:
    scenario = load_gmcr(read("Cuban.gmcr"))
    space = build_state_space(scenario)
    ranks = payoff_ranks(scenario, space)
    decimals = [int(c) for c in space.codes]
    us = [d for _, d in sorted(zip(ranks["US"].tolist(), decimals, strict=True), reverse=True)]
    ussr = [d for _, d in sorted(zip(ranks["USSR"].tolist(), decimals, strict=True), reverse=True)]
    assert us == [4, 6, 5, 7, 2, 1, 3, 0, 11, 9, 10, 8]
    assert ussr == [0, 4, 6, 2, 5, 1, 7, 3, 11, 9, 10, 8]


@pytest.mark.parametrize(
    ("example", "name", "variant"),
    [
        ("Prisoners.gmcr", "prisoners-dilemma", None),
        ("Cuban.gmcr", "cuban-missile-crisis", None),
        ("Elmira.gmcr", "elmira", "gmcrplus-uniroyal"),
    ],
)
def test_public_examples_match_bundled_scenarios(
    example: str, name: str, variant: str | None
) -> None:
    imported = load_gmcr(read(example), example)
    reference = bundled(name, variant)
    assert imported.n_options == reference.n_options
    assert equilibria(imported) == equilibria(reference)


def test_elmira_manual_ranking_is_decoded_by_ordered_number() -> None:
    data = gmcr_to_data(read("Elmira.gmcr"), source="Elmira.gmcr")
    reference = bundled("elmira", "gmcrplus-uniroyal").raw["preferences"]["U"]["ranking"]

    def groups(ranking: list[Any]) -> list[set[str]]:
        return [set(g) if isinstance(g, list) else {g} for g in ranking]

    assert groups(data["preferences"]["Uniroyal"]["ranking"]) == groups(reference)
    # the prioritised statements are superseded by the ranking, as in GMCR+
    assert "statements" not in data["preferences"]["MoE"]
    assert "manual preference ranking" in data["notes"]


def test_misperceptions_are_imported_per_decision_maker() -> None:
    """Each decision maker's ``misperceptions`` (conditions in the ``infeasibles`` shape)
    becomes the ``misperceptions:`` section, with no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", GMCRPlusWarning)
        data = gmcr_to_data(read("SI_misp.gmcr"), source="SI_misp.gmcr")
        scenario = loads_scenario((DATA / "SI_misp.gmcr").read_text(), source="SI_misp.gmcr")
    assert data["misperceptions"] == {
        "Syria": ["Syria.Release_Water and not Syria.Escalate"],
        "Iraq": ["not Syria.Release_Water and not Syria.Escalate"],
    }
    assert scenario.misperceptions.texts() == data["misperceptions"]


def test_misperceptions_round_trip_through_export() -> None:
    scenario = loads_scenario((DATA / "SI_misp.gmcr").read_text(), source="SI_misp.gmcr")
    out = data_to_gmcr(scenario)
    raw = read("SI_misp.gmcr")
    assert [dm.get("misperceptions") for dm in out["decisionMakers"]] == [
        dm["misperceptions"] for dm in raw["decisionMakers"]
    ]
    again = loads_scenario(json.dumps(out), source="again.gmcr")
    assert again.misperceptions.texts() == scenario.misperceptions.texts()


def test_misperceptions_of_a_decision_maker_without_options_are_dropped() -> None:
    raw = read("SI_misp.gmcr")
    raw["decisionMakers"].append({"name": "Turkey", "options": [], "preferences": [],
                                  "misperceptions": [[[0, "Y"]]]})
    with pytest.warns(GMCRPlusWarning) as record:
        data = gmcr_to_data(raw, source="x.gmcr")
    assert any("misperceptions of decision maker 'Turkey'" in str(w.message) for w in record)
    assert set(data["misperceptions"]) == {"Syria", "Iraq"}


def test_interleaved_options_are_regrouped_and_the_ranking_follows_gmcr() -> None:
    # GMCR+ regroups options by decision maker before numbering the feasible states, so
    # ordered numbers refer to the grouped order a, c, b (bits 0, 1, 2).
    data = {
        "options": [
            {"name": "a", "permittedDirection": "fwd"},
            {"name": "b", "permittedDirection": "both"},
            {"name": "c", "permittedDirection": "back"},
        ],
        "decisionMakers": [
            {
                "name": "X",
                "options": [0, 2],
                "preferences": [],
                "preferenceRanking": [6, 5, [1, 2], 4, 3],
            },
            {
                "name": "Y",
                "options": [1],
                "preferences": [],
                "preferenceRanking": [1, 2, 3, 4, 5, 6],
            },
        ],
        "infeasibles": [[[0, "Y"], [2, "Y"]]],
        "useManualPreferenceRanking": True,
    }
    out = gmcr_to_data(data, source="mixed.gmcr")
    x = out["actors"][0]
    assert [o["id"] for o in x["options"]] == ["a", "c"]
    assert [o.get("reversible", "both") for o in x["options"]] == ["forward", "backward"]
    assert out["infeasible"] == ["X.a and X.c"]
    # feasible codes in the grouped order: 0 NNN, 1 YNN, 2 NYN, 4 NNY, 5 YNY, 6 NYY
    assert out["preferences"]["X"]["ranking"] == ["NYY", "YNY", ["NNN", "YNN"], "NNY", "NYN"]
    assert "0 -> X.a, 1 -> Y.b, 2 -> X.c" in out["notes"]
    scenario = load_gmcr(data)
    assert scenario.option_refs == ["X.a", "X.c", "Y.b"]


def test_interleaved_statements_analyse_like_the_grouped_file() -> None:
    interleaved = {
        "options": [{"name": n, "permittedDirection": "both"} for n in ("a", "b", "c", "d")],
        "decisionMakers": [
            {
                "name": "P",
                "options": [2, 0],
                "preferences": [
                    [[1, "N"]],
                    {"compound": True, "members": [[[0, "Y"]], [[3, "N"]]]},
                ],
            },
            {
                "name": "Q",
                "options": [3, 1],
                "preferences": [[[2, "Y"], [0, "N"]], [[1, "Y"]], [[3, "N"]]],
            },
        ],
        "infeasibles": [[[0, "Y"], [2, "Y"], [3, "Y"]]],
    }
    # the same conflict written with grouped options c, a, d, b (renumbered references)
    new = {2: 0, 0: 1, 3: 2, 1: 3}

    def renumber(obj: Any) -> Any:
        if isinstance(obj, list) and len(obj) == 2 and obj[1] in ("Y", "N"):
            return [new[obj[0]], obj[1]]
        if isinstance(obj, list):
            return [renumber(x) for x in obj]
        if isinstance(obj, dict):
            return {k: renumber(v) for k, v in obj.items()}
        return obj

    grouped = copy.deepcopy(interleaved)
    grouped["options"] = [{"name": n, "permittedDirection": "both"} for n in "cadb"]
    grouped["decisionMakers"][0]["options"] = [0, 1]
    grouped["decisionMakers"][1]["options"] = [2, 3]
    for dm in grouped["decisionMakers"]:
        dm["preferences"] = renumber(dm["preferences"])
    grouped["infeasibles"] = renumber(grouped["infeasibles"])
    a, b = load_gmcr(interleaved, "x.gmcr"), load_gmcr(grouped, "x.gmcr")
    assert a.option_refs == b.option_refs == ["P.c", "P.a", "Q.d", "Q.b"]
    assert distinct(a) == distinct(b)


def test_legacy_preference_vector_keys() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    del data["useManualPreferenceRanking"]
    data["useManualPreferenceVectors"] = True
    data["decisionMakers"][0]["preferenceVector"] = [3, 4, 1, 2]
    data["decisionMakers"][1]["preferenceVector"] = [2, 4, 1, 3]
    out = gmcr_to_data(data, source="old.gmcr")
    assert out["preferences"]["Alpha"]["ranking"] == ["NY", "YY", "NN", "YN"]
    assert equilibria(load_gmcr(data)) == equilibria(bundled("prisoners-dilemma"))


def test_ids_are_sanitised_and_unique() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    data["options"] = [
        {"name": "2nd strike!", "permittedDirection": "both"},
        {"name": "not", "permittedDirection": "both"},
        {"name": "Séparé deals", "permittedDirection": "both"},
        {"name": "séparé-deals", "permittedDirection": "both"},
    ]
    data["decisionMakers"][0]["name"] = "U.S. & allies"
    data["decisionMakers"][0]["options"] = [0, 2, 3]
    data["decisionMakers"][1]["name"] = "U.S. - allies"
    data["decisionMakers"][1]["options"] = [1]
    out = gmcr_to_data(data, source="names.gmcr")
    assert [a["id"] for a in out["actors"]] == ["U_S_allies", "U_S_allies_2"]
    ids = [o["id"] for a in out["actors"] for o in a["options"]]
    assert ids == ["_2nd_strike", "Separe_deals", "separe_deals_2", "not_"]
    load_gmcr(data)  # and the loader accepts them


def test_empty_preferences_tie_every_state() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    data["decisionMakers"][1]["preferences"] = []
    out = gmcr_to_data(data, source="t.gmcr")
    assert out["preferences"]["Beta"] == {"statements": ["true"]}
    scenario = load_gmcr(data)
    ranks = payoff_ranks(scenario, build_state_space(scenario))
    assert set(ranks["Beta"].tolist()) == {1}


def test_dropped_parts_warn() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    data["options"].append({"name": "spare", "permittedDirection": "both"})
    data["decisionMakers"].append({"name": "Idle", "options": [], "preferences": []})
    data["decisionMakers"][0]["options"] = [0, 2]
    data["coalitions"] = [[0, 1], 2]
    data["colour"] = "blue"
    with pytest.warns(GMCRPlusWarning) as record:
        out = gmcr_to_data(data, source="w.gmcr")
    messages = " | ".join(str(w.message) for w in record)
    assert "'colour'" in messages
    assert "'Idle' controls no options" in messages
    assert "coalitions (Alpha+Beta)" in messages
    assert [a["id"] for a in out["actors"]] == ["Alpha", "Beta"]
    for word in ("colour", "Idle", "coalitions"):
        assert word in out["notes"]


def test_trivial_coalitions_and_derived_fields_are_silent() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    data["coalitions"] = [0, 1]
    data["coalitionsFull"] = [{"name": "Alpha", "options": [0]}]
    data["decisionMakers"][0]["payoffs"] = [1, 2, 3, 4]
    data["program"], data["version"] = "gmcr-py", "0.3.12"
    with warnings.catch_warnings():
        warnings.simplefilter("error", GMCRPlusWarning)
        out = gmcr_to_data(data, source="quiet.gmcr")
    assert "notes" not in out
    assert out["sources"] == ["GMCR+ save file quiet.gmcr (written by gmcr-py 0.3.12)"]


# -- bad input ------------------------------------------------------------------------------------
def test_invalid_json_is_one_line() -> None:
    err = bad('{"decisionMakers": [}')
    assert "invalid JSON" in str(err)


def test_missing_option_reference() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    data["decisionMakers"][0]["preferences"] = [[[7, "Y"]]]
    err = bad(data)
    assert err.field == "decisionMakers[0].preferences[0][0][0]"
    assert "refers to option 7, which does not exist" in str(err)
    data = copy.deepcopy(TWO_BY_TWO)
    data["infeasibles"] = [[[0, "Y"], [-1, "N"]]]
    assert bad(data).field == "infeasibles[0][1][0]"
    data = copy.deepcopy(TWO_BY_TWO)
    data["decisionMakers"][1]["options"] = [1, 5]
    assert bad(data).field == "decisionMakers[1].options[1]"


def test_ranking_that_misses_feasible_states() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    data["useManualPreferenceRanking"] = True
    data["decisionMakers"][0]["preferenceRanking"] = [3, 4, 1, 2]
    data["decisionMakers"][1]["preferenceRanking"] = [2, [4, 1]]
    err = bad(data)
    assert err.field == "decisionMakers[1].preferenceRanking"
    assert "misses 1 of the 4 feasible states, e.g. state 3 (NY)" in str(err)


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        (
            lambda d: d["decisionMakers"][0]["preferences"].append([[0, "X"]]),
            "decisionMakers[0].preferences[2][0][1]",
            '"Y" (taken) or "N"',
        ),
        (
            lambda d: d["decisionMakers"][0]["preferences"].append([[0]]),
            "decisionMakers[0].preferences[2][0]",
            "must be a pair",
        ),
        (
            lambda d: d["decisionMakers"][0]["preferences"].append([[0, "Y"], [0, "N"]]),
            "decisionMakers[0].preferences[2]",
            "both taken and not taken",
        ),
        (
            lambda d: d["decisionMakers"][0]["preferences"].append({"compound": True}),
            "decisionMakers[0].preferences[2].members",
            "list of `members`",
        ),
        (lambda d: d.update(decisionMakers={}), "decisionMakers", "non-empty list"),
        (lambda d: d.update(options=[]), "options", "non-empty list"),
        (
            lambda d: d["options"][0].update(permittedDirection="up"),
            "options[0].permittedDirection",
            "'both', 'fwd' or 'back'",
        ),
        (
            lambda d: d["decisionMakers"][1]["options"].append(0),
            "decisionMakers[1].options[1]",
            "already controlled by decision maker 0",
        ),
        (
            lambda d: d["options"].append({"name": "orphan", "permittedDirection": "both"}),
            "options",
            "not controlled by any decision maker",
        ),
        (
            lambda d: d.update(useManualPreferenceRanking=True),
            "decisionMakers[0]",
            "no `preferenceRanking`",
        ),
        (
            lambda d: d["decisionMakers"][0].pop("preferences"),
            "decisionMakers[0].preferences",
            "must be a list",
        ),
        (lambda d: d.update(infeasibles=[[]]), "infeasibles[0]", "remove every state"),
        (lambda d: d["options"][0].pop("name"), "options[0].name", "required"),
        (lambda d: d.update(statusQuo="YYY"), "statusQuo", "one character per option"),
    ],
)
def test_wrong_structure(change: Any, field: str, text: str) -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    change(data)
    err = bad(data)
    assert err.field == field
    assert text in str(err)


def test_ranking_with_unknown_or_repeated_states() -> None:
    data = copy.deepcopy(TWO_BY_TWO)
    data["useManualPreferenceRanking"] = True
    data["decisionMakers"][0]["preferenceRanking"] = [3, 4, 1, 2]
    data["decisionMakers"][1]["preferenceRanking"] = [2, 4, 1, 5]
    assert "not the ordered number of a feasible state (1..4)" in str(bad(data))
    data["decisionMakers"][1]["preferenceRanking"] = [2, [4, 2], 1, 3]
    assert bad(data).field == "decisionMakers[1].preferenceRanking[1][1]"


# -- export and round trips -----------------------------------------------------------------------
@pytest.mark.parametrize("example", EXAMPLES)
def test_round_trip_gives_identical_analysis(example: str) -> None:
    first = load_gmcr(read(example), example)
    exported = export(first)
    json.dumps(exported)  # plain JSON
    second = load_gmcr(exported, "out.gmcr")
    assert second.name == first.name
    assert second.option_refs == first.option_refs
    assert distinct(second) == distinct(first)
    # and once more: the export of the re-import is the same file
    assert export(second) == exported


def test_exported_cuban_file_has_gmcr_structure() -> None:
    out = export(load_gmcr(read("Cuban.gmcr"), "Cuban.gmcr"))
    original = read("Cuban.gmcr")
    assert [o["permittedDirection"] for o in out["options"]] == ["fwd", "both", "both", "both"]
    assert out["infeasibles"] == original["infeasibles"]
    assert out["useManualPreferenceRanking"] is False
    assert out["program"] == "detente"
    assert out["version"] == detente.__version__
    for ours, theirs in zip(out["decisionMakers"], original["decisionMakers"], strict=True):
        assert ours["options"] == theirs["options"]
        # one-member compounds become plain conditions; everything else is as in the file
        expected = [
            p["members"][0] if isinstance(p, dict) and len(p["members"]) == 1 else p
            for p in theirs["preferences"]
        ]
        assert ours["preferences"] == json.loads(json.dumps(expected))


@pytest.mark.parametrize("name", detente.bundled_scenarios())
def test_bundled_scenarios_survive_export(name: str) -> None:
    scenario = bundled(name)
    exported = export(scenario)
    again = load_gmcr(exported, f"{name}.gmcr")
    assert again.option_refs == scenario.option_refs  # ids are kept
    assert [o.reversible for o in again.options] == [o.reversible for o in scenario.options]
    assert again.name == scenario.name
    assert again.status_quo == scenario.status_quo
    # same states, moves and payoffs give the same analysis; run it where it is quick
    space_a, space_b = build_state_space(scenario), build_state_space(again)
    assert np.array_equal(space_a.codes, space_b.codes)
    ra, rb = payoff_ranks(scenario, space_a), payoff_ranks(again, space_b)
    for actor in scenario.actor_ids:
        assert np.array_equal(ra[actor], rb[actor])
    if space_a.n_states <= 4096:
        assert distinct(again) == distinct(scenario)


def test_bundled_rankings_are_exported_by_ordered_number() -> None:
    out = export(bundled("cuban-missile-crisis"))
    assert out["useManualPreferenceRanking"] is True
    # decimal vector 4 6 5 7 2 1 3 0 11 9 10 8; no infeasible state below 12, so +1
    assert out["decisionMakers"][0]["preferenceRanking"] == [5, 7, 6, 8, 3, 2, 4, 1, 12, 10, 11, 9]
    elmira = export(bundled("elmira", "gmcrplus-uniroyal"))
    assert elmira["decisionMakers"][1]["preferenceRanking"][:4] == [1, 4, 10, 7]
    assert sorted(elmira["decisionMakers"][1]["preferenceRanking"][4]) == [5, 6, 11, 12]


STATEMENTS_YAML = """\
detente: 1
name: Statements of every shape
actors:
  - id: A
    options: [{id: a}, {id: b, reversible: forward}]
  - id: B
    options: [{id: c}, {id: d, reversible: backward}]
infeasible:
  - "A.a iff B.c"
  - "not (A.b or B.d) and A.a"
preferences:
  A:
    statements:
      - "A.a if B.c"
      - "(A.a or A.b) and not (B.c and B.d)"
      - "B.c iff not B.d"
      - "true"
      - "not not A.b"
      - "(A.a if A.b) if (B.c iff B.d)"
  B:
    statements:
      - "false"
      - "(A.a and B.c) or (A.b and B.d) or (not A.a and not B.d)"
      - "not (A.a or B.c)"
      - "A.b"
"""


def test_statements_of_every_shape_are_exported_exactly() -> None:
    scenario = loads_scenario(STATEMENTS_YAML, source="shapes.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error", GMCRPlusWarning)
        out = data_to_gmcr(scenario)
    assert out["useManualPreferenceRanking"] is False
    assert len(out["decisionMakers"][0]["preferences"]) == 5  # `true` is left out
    assert out["decisionMakers"][0]["preferences"][0] == {
        "compound": True,
        "members": [[[2, "N"]], [[0, "Y"]]],
    }
    again = load_gmcr(out, "shapes.gmcr")
    space_a, space_b = build_state_space(scenario), build_state_space(again)
    assert np.array_equal(space_a.codes, space_b.codes)
    ra, rb = payoff_ranks(scenario, space_a), payoff_ranks(again, space_b)
    for actor in ("A", "B"):
        assert np.array_equal(ra[actor], rb[actor])
    assert distinct(again) == distinct(scenario)


def test_statement_without_compact_form_falls_back_to_a_ranking() -> None:
    n = 10
    text = "\n".join(
        [
            "detente: 1",
            "name: parity",
            "actors:",
            "  - id: A",
            f"    options: [{', '.join(f'{{id: a{k}}}' for k in range(n - 1))}]",
            "  - id: B",
            "    options: [{id: b}]",
            "preferences:",
            "  A:",
            "    statements:",
            '      - "' + " iff ".join(f"A.a{k}" for k in range(n - 1)) + ' iff B.b"',
            "      - A.a0",
            "  B:",
            '    statements: [B.b, "A.a0 or A.a1"]',
        ]
    )
    scenario = loads_scenario(text, source="parity.yaml")
    with pytest.warns(GMCRPlusWarning, match="needs more than 256 GMCR\\+ conditions"):
        out = data_to_gmcr(scenario)
    assert out["useManualPreferenceRanking"] is True
    assert out["decisionMakers"][0]["preferences"] == []
    assert out["decisionMakers"][1]["preferences"] == [
        [[9, "Y"]],
        {"compound": True, "members": [[[0, "Y"]], [[1, "Y"]]]},
    ]
    again = load_gmcr(out, "parity.gmcr")
    space = build_state_space(scenario)
    ra, rb = payoff_ranks(scenario, space), payoff_ranks(again, build_state_space(again))
    for actor in ("A", "B"):
        assert np.array_equal(ra[actor], rb[actor])


def test_export_warns_about_sections_gmcr_cannot_hold() -> None:
    scenario = bundled("elmira")
    with pytest.warns(GMCRPlusWarning, match="cannot hold variants"):
        data_to_gmcr(scenario)


# Random statements: the exported (disjunctive) form must rank every state as the original.
_REFS = ["A.a", "A.b", "B.c", "B.d", "B.e"]


def _exprs() -> st.SearchStrategy[str]:
    leaves = st.sampled_from([*_REFS, "true", "false"])
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(lambda x: f"not ({x})"),
            st.tuples(inner, st.sampled_from(["and", "or", "if", "iff"]), inner).map(
                lambda t: f"({t[0]}) {t[1]} ({t[2]})"
            ),
        ),
        max_leaves=7,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=st.lists(_exprs(), min_size=1, max_size=4),
    b=st.lists(_exprs(), min_size=1, max_size=3),
    inf=st.lists(_exprs(), max_size=2),
)
def test_random_conditions_round_trip_exactly(a: list[str], b: list[str], inf: list[str]) -> None:
    doc = {
        "detente": 1,
        "name": "random",
        "actors": [
            {"id": "A", "options": [{"id": "a"}, {"id": "b", "reversible": "forward"}]},
            {"id": "B", "options": [{"id": "c"}, {"id": "d"}, {"id": "e"}]},
        ],
        "infeasible": [*inf, "A.a and A.b and B.c and B.d and B.e"],
        "preferences": {"A": {"statements": a}, "B": {"statements": b}},
    }
    scenario = loads_scenario(json.dumps(doc), source="random.json")
    codes = np.arange(1 << scenario.n_options, dtype=np.int64)
    if scenario.infeasible_mask(codes).all():
        return  # nothing feasible: not a conflict
    again = load_gmcr(export(scenario), "random.gmcr")
    assert np.array_equal(scenario.infeasible_mask(codes), again.infeasible_mask(codes))
    space = build_state_space(scenario)
    ra, rb = payoff_ranks(scenario, space), payoff_ranks(again, build_state_space(again))
    for actor in ("A", "B"):
        assert np.array_equal(ra[actor], rb[actor])


# -- CLI ------------------------------------------------------------------------------------------
@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    gmcr_cli.register(app)
    return app


def test_cli_import_export_round_trip(app: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    yaml_path, out_path = tmp_path / "cuban.yaml", tmp_path / "out.gmcr"
    res = runner.invoke(app, ["import", str(DATA / "Cuban.gmcr"), "-o", str(yaml_path)])
    assert res.exit_code == 0, res.output
    first = load_scenario(yaml_path)
    assert yaml_path.read_text().startswith("# Imported from the GMCR+ save file Cuban.gmcr")
    res = runner.invoke(app, ["export", str(yaml_path), "--format", "gmcr", "-o", str(out_path)])
    assert res.exit_code == 0, res.output
    second = load_scenario(out_path)
    assert distinct(second) == distinct(first) == distinct(load_gmcr(read("Cuban.gmcr"), "Cuban"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cuban.yaml", "out.gmcr"]  # no temps


def test_cli_stdout_and_warnings(app: typer.Typer) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["import", str(DATA / "SI_misp.gmcr")])
    assert res.exit_code == 0
    assert "warning: " not in res.output and "misperceptions:" in res.output
    assert "detente: 1" in res.output
    res = runner.invoke(app, ["export", "prisoners-dilemma", "--format", "gmcr"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["decisionMakers"][0]["name"] == "Prisoner 1"


def test_cli_errors_through_main(
    app: typer.Typer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from detente.cli import main as main_mod

    monkeypatch.setattr(main_mod, "app", app)
    monkeypatch.setattr(main_mod, "_register", lambda: None)
    broken = tmp_path / "broken.gmcr"
    broken.write_text('{"decisionMakers": [')
    assert main_mod.main(["import", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "invalid JSON" in err and err.count("\n") == 1

    missing = copy.deepcopy(TWO_BY_TWO)
    missing["decisionMakers"][0]["preferences"] = [[[4, "N"]]]
    path = tmp_path / "missing.gmcr"
    path.write_text(json.dumps(missing))
    target = tmp_path / "never.yaml"
    assert main_mod.main(["import", str(path), "-o", str(target)]) == 2
    assert "refers to option 4" in capsys.readouterr().err
    assert not target.exists()

    not_gmcr = tmp_path / "plain.json"
    not_gmcr.write_text('{"detente": 1}')
    assert main_mod.main(["import", str(not_gmcr)]) == 2
    assert "not a GMCR+ save file" in capsys.readouterr().err

    assert main_mod.main(["export", "chicken", "--format", "xml"]) == 2
    assert "--format must be one of: gmcr" in capsys.readouterr().err

    assert main_mod.main(["import", str(tmp_path / "nope.gmcr")]) == 2
    assert "no such file" in capsys.readouterr().err
