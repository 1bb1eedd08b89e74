"""``detente serve``: the browser workbench (needs ``pip install detente[web]``)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from detente.errors import DetenteError, InputError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    """Register ``serve`` on ``app``."""
    app.command("serve")(serve)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def port_in_use(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (``None`` when it can): checked before the
    workbench starts, so a busy port is reported before any address is printed."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; loopback by default. "
                                      "Another address exposes the workbench to the network.")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
    data: Annotated[
        str | None,
        typer.Option("--data", help="Folder of the workbench database (default: a per-user "
                     "folder, e.g. ~/.local/share/detente).", show_default=False),
    ] = None,
    run_timeout: Annotated[
        float, typer.Option("--run-timeout", help="Seconds a run may compute before it is "
                            "stopped.", min=1.0)] = 300.0,
    max_runs: Annotated[
        int, typer.Option("--max-runs", help="Runs that may wait or compute at once; more are "
                          "refused.", min=1)] = 16,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Runs computed at the same time (default: "
                                 "the CPUs, at most 4).", min=1, show_default=False)] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body, in bytes.", min=1024)
    ] = 1 << 20,
) -> None:
    """Start the browser workbench: edit scenarios, run the analyses, read the results."""
    try:
        import uvicorn

        from detente.web import Settings, create_app
        from detente.web.settings import default_data_dir
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise InputError(f"the workbench needs the web extra ({exc.name} is missing); "
                         "install it with: pip install 'detente[web]'") from None
    folder = Path(data).expanduser() if data else default_data_dir()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--data {folder}: is a file; give a folder for the database")
    kwargs = {} if workers is None else {"workers": workers}
    settings = Settings(
        data_dir=folder, run_timeout=run_timeout, max_runs=max_runs, max_body_bytes=max_body,
        allowed_hosts=LOOPBACK_NAMES if is_loopback(host) else None, **kwargs,
    )
    busy = port_in_use(host, port)
    if busy is not None:
        raise DetenteError(f"--port {port}: cannot listen on {host}:{port} ({busy}); stop what "
                           "uses it or choose another port with --port")
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"detente workbench on http://{shown}:{port}/  (data: {folder}; Ctrl+C stops)")
    if not is_loopback(host):
        typer.echo("warning: listening beyond this computer; anyone who can reach it can "
                   "use the workbench", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
