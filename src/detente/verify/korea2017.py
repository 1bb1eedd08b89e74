"""The bundled ``korea-2017`` scenario's ``verification:`` section, read through the loader.

The numbers live in one place only, ``src/detente/scenarios/korea-2017.yaml`` (its
``verification:`` section, with a ``why`` and a source dated 2017 or earlier for each). These
helpers load that file with :func:`detente.scenario.load_scenario` and hand back the section;
they keep the names older code and tests use. Sources: Hecker (2010; c. 2017), Albright/ISIS
(2011; 2013; 2017), 38 North (Jan 2017) and OTA (1993), as listed in the YAML; explanation in
``docs/discussion/verification.md``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from detente.verify.spec import VerificationSpec

__all__ = ["KOREA_2017_SCENARIO", "korea_2017_spec", "korea_2017_verification", "korea_2017_yaml"]

#: Name of the bundled scenario whose ``verification:`` section these helpers return.
KOREA_2017_SCENARIO: str = "korea-2017"


@lru_cache(maxsize=1)
def korea_2017_spec() -> VerificationSpec:
    """The validated ``verification:`` section of the bundled ``korea-2017`` scenario.

    Loaded with :func:`detente.scenario.load_scenario` (sources as listed in the YAML:
    Hecker 2010 and c. 2017; Albright/ISIS 2011, 2013 and 2017; 38 North 2017; OTA 1993).

    Returns
    -------
    VerificationSpec
        The section (immutable; cached).

    Raises
    ------
    ValueError
        If the bundled scenario has no verification section.
    """
    from detente import scenario_path
    from detente.scenario import load_scenario

    spec = load_scenario(scenario_path(KOREA_2017_SCENARIO)).verification
    if not isinstance(spec, VerificationSpec):
        raise ValueError(f"scenario {KOREA_2017_SCENARIO!r} has no verification: section")
    return spec


def korea_2017_verification() -> dict[str, Any]:
    """The section as plain data (a fresh dict each call, safe to modify).

    Sources: as :func:`korea_2017_spec` (the bundled YAML, sources dated 2017 or earlier).

    Returns
    -------
    dict
        ``korea_2017_spec().model_dump(exclude_defaults=True)``.
    """
    return korea_2017_spec().model_dump(exclude_defaults=True)


def korea_2017_yaml() -> str:
    """The section as a YAML ``verification:`` block for another scenario file.

    Sources: as :func:`korea_2017_spec` (the bundled YAML, sources dated 2017 or earlier).

    Returns
    -------
    str
        YAML text whose top-level key is ``verification``.
    """
    return yaml.safe_dump(
        {"verification": korea_2017_verification()}, sort_keys=False, allow_unicode=True
    )
