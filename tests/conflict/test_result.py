"""StabilityResult conversions for notebooks and other tools."""

from __future__ import annotations

import json

import pytest

import detente
from detente.conflict import analyse

pytestmark = pytest.mark.regression


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return analyse(detente.load_scenario(detente.scenario_path("chicken")))


def test_dataframe(result) -> None:  # type: ignore[no-untyped-def]
    pd = pytest.importorskip("pandas")
    df = result.to_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == ["NN", "YN", "NY", "YY"]
    assert bool(df.loc["YY", "gmr:equilibrium"]) and not bool(df.loc["YY", "seq:equilibrium"])
    assert bool(df.loc["YN", "D1.swerve"])


def test_html_and_json(result) -> None:  # type: ignore[no-untyped-def]
    html = result._repr_html_()
    assert "<table" in html and "Chicken" in html
    assert json.loads(result.to_json())["concepts"]["nash"]["equilibria"] == ["YN", "NY"]
    prov = result.provenance()
    assert prov["sanctions"] == "legal" and prov["digest"] == result.digest


def test_is_stable_errors(result) -> None:  # type: ignore[no-untyped-def]
    assert result.is_stable("nash", "YN")
    assert result.is_stable("seq", "YN", "D2")
    with pytest.raises(ValueError, match="Y or N"):
        result.is_stable("nash", "QQ")
