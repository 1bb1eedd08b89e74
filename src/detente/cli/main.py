"""Entry point of the ``detente`` command.

Each sub-module registers its commands on :data:`app`. Errors a user can fix are printed as
one line on stderr with exit code 2 and no traceback.
"""

from __future__ import annotations

import sys

import typer

from detente.errors import DetenteError

try:  # typer >= 0.29 ships its own copy of click
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - older typer uses the click package
    from click import exceptions as _cx  # type: ignore[no-redef]

app = typer.Typer(
    name="detente",
    help="Analysis of multi-party strategic diplomacy (GMCR, bargaining, verification, strategy).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from detente.cli import (
        analyze,
        bargain,
        coalitions,
        conflict,
        explain,
        explore,
        gmcr,
        hindcast,
        inverse,
        paths,
        schema,
        serve,
        verify,
    )

    for module in (conflict, analyze, verify, bargain, gmcr, paths, coalitions, inverse, explain,
                   hindcast, explore, serve, schema):
        module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    _register()
    args = sys.argv[1:] if argv is None else argv
    try:
        result = app(args=args, prog_name="detente", standalone_mode=False)
    except _cx.NoArgsIsHelpError:
        return 0  # typer has printed the help already
    except _cx.UsageError as exc:
        exc.show()
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        return 130
    except (DetenteError, ValueError, FileNotFoundError, IsADirectoryError) as exc:
        typer.echo(f"error: {_one_line(exc)}", err=True)
        return 2
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
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
