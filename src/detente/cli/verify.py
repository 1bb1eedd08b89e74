"""CLI commands (placeholder until the feature lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Register this module's commands on ``app``."""
