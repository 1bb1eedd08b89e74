"""Scenario ``issues:`` section and forecasts from it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pydantic
import pytest

from detente.bargain.results import Forecast, PackageForecast
from detente.bargain.spec import (
    IssueSpec,
    ScaleSpec,
    forecast_issue,
    forecast_package,
    parse_issues,
)

pytestmark = pytest.mark.regression


def _issues() -> list[dict[str, Any]]:
    return [
        {
            "id": "nuclear",
            "name": "North Korean nuclear programme",
            "scale": {"lower": 0, "upper": 100,
                      "anchors": {0: "accept the arsenal as it is", 100: "CVID now"}},
            "positions": {
                "US": {"position": 100, "capability": 0.9, "salience": 0.9,
                       "why": "declared policy"},
                "DPRK": {"position": 10, "capability": 0.3, "salience": 1.0, "why": "x"},
                "China": {"position": 40, "capability": 0.8, "salience": 0.6, "why": "y"},
                "ROK": {"position": 70, "capability": 0.4, "salience": 0.9, "why": "z"},
            },
        },
        {
            "id": "relief",
            "name": "Sanctions relief",
            "scale": {"lower": 0, "upper": 100, "anchors": {0: "none", 100: "full"}},
            "positions": {
                "US": {"position": 10, "capability": 0.9, "salience": 0.4},
                "DPRK": {"position": 100, "capability": 0.3, "salience": 0.9},
                "China": {"position": 80, "capability": 0.8, "salience": 0.7},
                "ROK": {"position": 50, "capability": 0.4, "salience": 0.5},
            },
        },
    ]


def test_parse_and_freeze() -> None:
    issues = parse_issues(_issues())
    assert [i.id for i in issues] == ["nuclear", "relief"]
    nuclear = issues[0]
    assert nuclear.scale.anchors[100.0] == "CVID now"
    assert nuclear.positions["US"].why == "declared policy"
    with pytest.raises(pydantic.ValidationError):
        nuclear.name = "x"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d[0].update(colour="red"), "Extra inputs"),
        (lambda d: d[0]["positions"]["US"].update(salience=1.5), "less than or equal"),
        (lambda d: d[0]["positions"]["US"].update(capability=-1), "greater than or equal"),
        (lambda d: d[0]["positions"]["US"].update(position=120), "outside the scale"),
        (lambda d: d[0]["scale"].update(lower=100, upper=0), "must be below"),
        (lambda d: d[0]["scale"]["anchors"].update({150: "beyond"}), "outside the scale"),
        (lambda d: d[0].update(positions={"US": d[0]["positions"]["US"]}), "at least two"),
        (lambda d: d[1].update(id="nuclear"), "appears twice"),
    ],
)
def test_invalid_sections(change: Any, words: str) -> None:
    data = _issues()
    change(data)
    with pytest.raises(pydantic.ValidationError, match=words):
        parse_issues(data)


def test_forecast_issue_with_overrides() -> None:
    nuclear = parse_issues(_issues())[0]
    base = forecast_issue(nuclear)
    assert isinstance(base, Forecast)
    assert base.model == "eu" and base.variant == "textbook" and base.issue == "nuclear"
    assert base.rounds[0].positions.tolist() == [100, 10, 40, 70]
    moved = forecast_issue(nuclear, variant="scholz", rounds=5, overrides={"US": 60.0})
    assert moved.variant == "scholz"
    assert moved.rounds[0].positions[0] == 60.0
    assert moved.parameters["overrides"] == {"US": 60.0}
    assert moved.parameters["issue_name"] == "North Korean nuclear programme"
    data = moved.to_dict()
    assert data["rounds"][0]["positions"]["US"] == 60.0
    assert len(data["rounds"]) <= 6
    # The spec itself is unchanged.
    assert nuclear.positions["US"].position == 100


def test_forecast_issue_errors() -> None:
    nuclear = parse_issues(_issues())[0]
    with pytest.raises(ValueError, match="no position"):
        forecast_issue(nuclear, overrides={"Japan": 50.0})
    with pytest.raises(ValueError, match="outside the scale"):
        forecast_issue(nuclear, overrides={"US": 150.0})
    with pytest.raises(ValueError, match="forecast_package"):
        forecast_issue(nuclear, model="exchange")
    with pytest.raises(ValueError, match="variant"):
        forecast_issue(nuclear, variant="bdm")


def test_forecast_package() -> None:
    issues = parse_issues(_issues())
    package = forecast_package(issues, rounds=3)
    assert isinstance(package, PackageForecast)
    assert package.model == "exchange" and package.issues == ("nuclear", "relief")
    data = package.to_dict()
    assert set(data["issues"]) == {"nuclear", "relief"}
    assert data["issues"]["nuclear"][0]["positions"] == {"US": 100, "DPRK": 10, "China": 40,
                                                          "ROK": 70}
    moved = forecast_package(issues, overrides={"nuclear": {"US": 60.0}}, rounds=3)
    assert moved.forecasts["nuclear"].rounds[0].positions[0] == 60.0
    assert moved.parameters["overrides"] == {"nuclear": {"US": 60.0}}
    eu = forecast_package(issues, model="eu", variant="scholz", rounds=2)
    assert eu.model == "eu" and eu.variant == "scholz"
    np.testing.assert_array_equal(
        eu.forecasts["relief"].rounds[0].positions, [10, 100, 80, 50]
    )
    with pytest.raises(ValueError, match="two or more issues"):
        forecast_package(issues[:1])
    with pytest.raises(ValueError, match="unknown issue"):
        forecast_package(issues, overrides={"missiles": {"US": 1.0}})
    assert forecast_package(issues, seed=3).to_dict() == forecast_package(issues, seed=3).to_dict()


def test_models_are_exported_for_the_scenario_loader() -> None:
    spec = IssueSpec(
        id="x", name="X", scale=ScaleSpec(lower=0, upper=1),
        positions={"a": {"position": 0, "capability": 1, "salience": 1},  # type: ignore[dict-item]
                   "b": {"position": 1, "capability": 1, "salience": 1}},  # type: ignore[dict-item]
    )
    assert spec.model_config.get("extra") == "forbid"
    assert spec.model_config.get("frozen") is True
