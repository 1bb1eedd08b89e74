"""Entry point of the ``detente`` command.

Each sub-module registers its commands on :data:`app`. Errors a user can fix are printed as
one line on stderr with exit code 2 and no traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup, TyperOption

from detente.errors import DetenteError

try:  # typer >= 0.29 ships its own copy of click
    from typer._click import core as _cx_core
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - older typer uses the click package
    from click import core as _cx_core  # type: ignore[no-redef]
    from click import exceptions as _cx  # type: ignore[no-redef]

#: typer's own label for an option's value type (newer typer only; older ones print no
#: ``<bool>`` for flags, so there is nothing to mend)
_display_type_rich = getattr(TyperOption, "display_type_rich", None)


def _flag_takes_no_value(self: TyperOption, ctx: _cx_core.Context) -> str | None:
    """Help shows a value type only for options that take a value (typer labels an on/off
    flag ``<bool>``, which reads as if ``--json true`` were expected)."""
    if self.is_flag or _display_type_rich is None:
        return None
    return _display_type_rich(self, ctx)


#: Every command: name -> (module under ``detente.cli`` that registers it, one-line help).
#: The help line is what ``detente --help`` lists without importing the module (so start-up
#: stays fast); ``tests/cli/test_startup.py`` checks it against the command's own docstring.
#: To add a command: write ``detente/cli/<module>.py`` with ``register(app)``, add a row here.
COMMANDS: dict[str, tuple[str, str]] = {
    "stability": ("conflict", "Stability of every state for every actor (Nash, GMR, SMR, SEQ, "
                              "SIM) and the equilibria."),
    "scenarios": ("conflict", "List the scenarios bundled with detente."),
    "analyze": ("analyze", "Run every analysis that applies to the scenario and report the "
                           "comparison."),
    "forecast": ("bargain", "Forecast the outcome of a negotiation round by round (median, mean, "
                            "positions)."),
    "import": ("gmcr", "Convert a GMCR+ save file into a detente scenario (YAML)."),
    "export": ("gmcr", "Write a scenario in another program's format (GMCR+ save file)."),
    "paths": ("paths", "Status-quo analysis: where the conflict can go from the status quo."),
    "coalitions": ("coalitions", "Coalition analysis: which equilibria survive when actors can "
                                 "move jointly."),
    "inverse": ("inverse", "Inverse analysis: what each actor's preferences must be for TARGET "
                           "to be stable."),
    "serve": ("serve", "Start the browser workbench: edit scenarios, run the analyses, read the "
                       "results."),
    "verify": ("verify", "Verification arithmetic: production, breakout, deterrence, inspection "
                         "games, material accountancy."),
    "explore": ("explore", "Explore the variants of a scenario over its uncertainties (run, "
                           "summary)."),
    "explain": ("explain", "Explain a state: each actor's improvements, and what deters them "
                           "(or why nothing does)."),
    "hindcast": ("hindcast", "Hindcast: is the recorded course of the conflict consistent with "
                             "the model?"),
    "schema": ("schema", "Print the JSON Schema of the scenario file format (for editors and "
                         "validators)."),
}


def load_command(name: str) -> _cx_core.Command | None:
    """The click command ``name``, importing (once) the module that registers it."""
    if name not in COMMANDS:
        return None
    if name not in _loaded:
        module = importlib.import_module(f"detente.cli.{COMMANDS[name][0]}")
        sub = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        module.register(sub)
        group = typer.main.get_group(sub)
        for cmd_name, cmd in group.commands.items():
            _loaded[cmd_name] = cmd
    return _loaded.get(name)


_loaded: dict[str, _cx_core.Command] = {}


class _LazyGroup(TyperGroup):
    """The top-level group: lists :data:`COMMANDS` from the table and imports a command's
    module only when that command runs (or shows its own help)."""

    _listing = False

    def list_commands(self, ctx: _cx_core.Context) -> list[str]:
        return [*COMMANDS, *(n for n in self.commands if n not in COMMANDS)]

    def get_command(self, ctx: _cx_core.Context, cmd_name: str) -> _cx_core.Command | None:
        if cmd_name in self.commands:  # registered on ``app`` directly (tests, plug-ins)
            return self.commands[cmd_name]
        if self._listing and cmd_name in COMMANDS and cmd_name not in _loaded:
            return TyperCommand(cmd_name, short_help=COMMANDS[cmd_name][1])
        return load_command(cmd_name)

    def format_help(self, ctx: _cx_core.Context, formatter: _cx_core.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


if _display_type_rich is not None:
    TyperOption.display_type_rich = _flag_takes_no_value  # type: ignore[method-assign]

app = typer.Typer(
    name="detente",
    cls=_LazyGroup,
    help="Analysis of multi-party strategic diplomacy (GMCR, bargaining, verification, strategy).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        import detente

        typer.echo(f"detente {detente.__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Analysis of multi-party strategic diplomacy (GMCR, bargaining, verification, strategy)."""


def _register() -> None:
    """Load every command (for tools that inspect the whole command tree)."""
    for name in COMMANDS:
        load_command(name)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
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
    except (DetenteError, FileNotFoundError, IsADirectoryError) as exc:
        # detente's own errors (and a missing file) are the user's to fix: one line, exit 2;
        # anything else is a bug and keeps its traceback (exit 1)
        typer.echo(f"error: {flag_named(_one_line(exc), args)}", err=True)
        return 2
    except MemoryError as exc:
        typer.echo(f"error: {out_of_memory_message(exc)}", err=True)
        return 2
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        return 130
    if isinstance(result, int):
        return result
    return 0


def flag_named(message: str, args: list[str]) -> str:
    """``message`` prefixed with the option the user gave, when the message quotes that
    option's value but does not name the option (``--from NY: state code 'NY' must ...``)."""
    for k, arg in enumerate(args):
        if not arg.startswith("-") or arg == "-":
            continue
        flag, eq, value = arg.partition("=")
        if not eq:
            if k + 1 >= len(args) or args[k + 1].startswith("-"):
                continue
            value = args[k + 1]
        if repr(value) in message and flag not in message:
            return f"{flag} {value}: {message}"
    return message


def out_of_memory_message(exc: MemoryError) -> str:
    """One line for an analysis that ran out of memory (numpy says how much it wanted)."""
    detail = str(exc).split("\n")[0].strip()
    detail = f" ({detail})" if detail else ""
    return (f"out of memory{detail}: the conflict is too large for this analysis; split one "
            "actor's many options among more actors, add infeasibility conditions, drop "
            "options, or use fewer concepts")


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{exc.filename}: no such file; check the path"
    if isinstance(exc, IsADirectoryError) and exc.filename:
        return f"{exc.filename}: is a directory; give a file"
    return str(exc).replace("\n", " ")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
