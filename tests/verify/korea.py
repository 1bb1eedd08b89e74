"""The bundled ``korea-2017`` scenario's ``verification:`` section, for the tests.

The numbers live only in ``src/detente/scenarios/korea-2017.yaml``; the package itself names
no case (issue 16), so these helpers load the file through the public loader.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

import detente
from detente.verify import VerificationSpec


@lru_cache(maxsize=1)
def korea_2017_spec() -> VerificationSpec:
    """The validated ``verification:`` section of the bundled scenario."""
    spec = detente.load_scenario(detente.scenario_path("korea-2017")).verification
    assert isinstance(spec, VerificationSpec)
    return spec


def korea_2017_verification() -> dict[str, Any]:
    """The section as plain data (a fresh dict each call)."""
    return korea_2017_spec().model_dump(exclude_defaults=True)


def korea_2017_yaml() -> str:
    """The section as a YAML ``verification:`` block."""
    return yaml.safe_dump({"verification": korea_2017_verification()}, sort_keys=False,
                          allow_unicode=True)
