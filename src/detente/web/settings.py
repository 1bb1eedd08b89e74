"""Settings of the workbench (limits, where the database lives)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Concepts a run may report or judge outcomes by (as ``detente analyze --concept``).
RUN_CONCEPTS = ("nash", "gmr", "smr", "seq")


def default_data_dir() -> Path:
    """The per-user folder for the workbench database.

    ``$DETENTE_DATA`` when set; otherwise ``%LOCALAPPDATA%\\detente`` on Windows,
    ``~/Library/Application Support/detente`` on macOS and ``$XDG_DATA_HOME/detente``
    (default ``~/.local/share/detente``) elsewhere.

    Returns
    -------
    Path
        The folder (not created here).
    """
    env = os.environ.get("DETENTE_DATA")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "detente"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "detente"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "detente"


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    """Configuration of one workbench app.

    Attributes
    ----------
    data_dir
        Folder of the SQLite database ``workbench.sqlite3`` (created when missing).
    max_body_bytes
        Largest request body accepted (413 beyond it).
    max_runs
        Most runs waiting or running at once; one more gets 429.
    workers
        Runs computed at the same time (each in its own process); the others wait.
    run_timeout
        Seconds a run may compute before it is stopped.
    max_states
        State-space guard: most feasible states a run may have (``None``: detente's limit,
        ``DETENTE_MAX_STATES`` or 2**22).
    max_yaml_nodes
        Most YAML nodes a scenario may expand to through anchors and aliases.
    allowed_hosts
        Host names the server answers to (``None``: any); ``detente serve`` on a loopback
        address allows only loopback names, which defeats DNS rebinding.
    """

    data_dir: Path = field(default_factory=default_data_dir)
    max_body_bytes: int = 1 << 20
    max_runs: int = 16
    workers: int = field(default_factory=_default_workers)
    run_timeout: float = 300.0
    max_states: int | None = None
    max_yaml_nodes: int = 200_000
    allowed_hosts: tuple[str, ...] | None = None

    @property
    def database(self) -> Path:
        """Path of the SQLite database file."""
        return Path(self.data_dir) / "workbench.sqlite3"

    def state_limit(self) -> int:
        """The state-space guard in force (explicit setting, else detente's limit)."""
        if self.max_states is not None:
            return self.max_states
        from detente.conflict.statespace import max_states_limit

        return max_states_limit()
