"""New runs of the bundled scenarios reproduce the saved reference outputs exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.playthroughs.regenerate import HERE, korea, stability

pytestmark = pytest.mark.regression

FILES = sorted(HERE.glob("*.json"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_matches_reference(path: Path) -> None:
    saved = json.loads(path.read_text())
    name = path.stem
    new = korea() if name == "analyze-korea-2017" else stability(name.removeprefix("stability-"))
    new = json.loads(json.dumps(new, sort_keys=True))
    assert new == saved, f"{name} changed; if intended, run python -m tests.playthroughs.regenerate"


def test_every_bundled_scenario_has_a_playthrough() -> None:
    import detente

    names = {p.stem for p in FILES}
    for n in detente.bundled_scenarios():
        assert (f"stability-{n}" in names) or n == "korea-2017"
    assert "analyze-korea-2017" in names
