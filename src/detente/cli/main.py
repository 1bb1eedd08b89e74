"""Entry point of the ``detente`` command.

Each sub-module registers its commands on :data:`app`. Errors a user can fix are printed as
one line on stderr with exit code 2 and no traceback.
"""

from __future__ import annotations

import sys

import click
import typer

from detente.errors import DetenteError

app = typer.Typer(
    name="detente",
    help="Analysis of multi-party strategic diplomacy (GMCR, bargaining, verification, strategy).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from detente.cli import analyze, bargain, conflict, verify

    for module in (conflict, analyze, verify, bargain):
        module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    _register()
    args = sys.argv[1:] if argv is None else argv
    try:
        result = app(args=args, prog_name="detente", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except (DetenteError, ValueError, FileNotFoundError, IsADirectoryError) as exc:
        click.echo(f"error: {_one_line(exc)}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    if isinstance(result, int):
        return result
    return 0


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{exc.filename}: no such file; check the path"
    if isinstance(exc, IsADirectoryError) and exc.filename:
        return f"{exc.filename}: is a directory; give a file"
    return str(exc).replace("\n", " ")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
