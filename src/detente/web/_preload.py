"""Imported once by the run processes' fork server: loads the analysis stack and reads one
bundled scenario (which imports the verification and bargaining models) and Matplotlib, so
that every run forked from it starts warm."""

from __future__ import annotations

import detente.web.work  # the analysis stack, imported for its side effect

try:

    from detente.web.scenarios import builtin_scenario

    builtin_scenario(detente.DEFAULT_SCENARIO)
except Exception:  # pragma: no cover - warming up is an optimisation only
    pass
