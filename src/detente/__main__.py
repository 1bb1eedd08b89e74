"""``python -m detente``: the same as the ``detente`` command."""

from __future__ import annotations

from detente.cli.main import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in tests
    raise SystemExit(main())
