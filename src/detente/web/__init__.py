"""The browser workbench (``detente serve``): edit a scenario, run it, read the results.

Server-rendered pages and a JSON API under ``/api/`` (FastAPI; OpenAPI at
``/openapi.json``), an SQLite database of scenarios and runs, and runs computed in
background processes. It only calls detente's public API. Needs ``pip install detente[web]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.web.settings import Settings, default_data_dir

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["Settings", "create_app", "default_data_dir"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the workbench app (see :func:`detente.web.app.create_app`)."""
    from detente.web.app import create_app as _create

    return _create(settings)

