"""``detente serve``: options, loopback default, and the app it starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from detente.cli import serve as serve_cli

pytestmark = pytest.mark.regression


def _app() -> typer.Typer:
    app = typer.Typer()
    serve_cli.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command, so `serve` stays a sub-command
        """Nothing."""

    return app


def test_is_loopback() -> None:
    assert serve_cli.is_loopback("127.0.0.1") and serve_cli.is_loopback("::1")
    assert serve_cli.is_loopback("localhost") and serve_cli.is_loopback("[::1]")
    assert not serve_cli.is_loopback("0.0.0.0") and not serve_cli.is_loopback("example.org")


def test_serve_starts_uvicorn_on_loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, host: str, port: int, **kwargs: Any) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(_app(), ["serve", "--data", str(tmp_path / "db"), "--port",
                                         "9999", "--run-timeout", "12", "--max-runs", "3"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:9999/" in result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 9999
    settings = seen["app"].state.settings
    assert settings.run_timeout == 12 and settings.max_runs == 3
    assert settings.allowed_hosts == serve_cli.LOOPBACK_NAMES
    assert (tmp_path / "db" / "workbench.sqlite3").exists()
    seen["app"].state.workbench.close()

    result = CliRunner().invoke(_app(), ["serve", "--host", "0.0.0.0", "--data",
                                         str(tmp_path / "db2")])
    assert result.exit_code == 0 and "beyond this computer" in result.output
    assert seen["app"].state.settings.allowed_hosts is None
    seen["app"].state.workbench.close()


def test_serve_rejects_a_file_as_data_folder(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    result = CliRunner().invoke(_app(), ["serve", "--data", str(f)])
    assert result.exit_code != 0 and "is a file" in str(result.exception)


def test_serve_help() -> None:
    result = CliRunner().invoke(_app(), ["serve", "--help"])
    assert result.exit_code == 0
    for opt in ("--host", "--port", "--data", "--run-timeout", "--max-runs", "--max-body"):
        assert opt in result.output


def test_default_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from detente.web.settings import default_data_dir

    monkeypatch.setenv("DETENTE_DATA", str(tmp_path / "x"))
    assert default_data_dir() == tmp_path / "x"
    monkeypatch.delenv("DETENTE_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "detente"


def test_serve_on_a_busy_port_says_so_before_any_address(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from detente.cli.main import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--port", str(port), "--data", str(tmp_path / "db")])
    out = capsys.readouterr()
    assert code == 2 and "http://" not in out.out
    assert f"--port {port}: cannot listen on 127.0.0.1:{port}" in out.err
    assert "\n" not in out.err.strip()
