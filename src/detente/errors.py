"""Exceptions shared by every part of detente.

Every error meant for a user carries one line that says where the problem is and how to
fix it; the faces (CLI, web) print that line and nothing else.
"""

from __future__ import annotations


class DetenteError(Exception):
    """Base class for errors a user can fix (bad input, limits)."""


class InputError(DetenteError, ValueError):
    """A value, name, code or option a user gave is not acceptable (the message says which,
    and the fix). It is a :class:`ValueError` too, for callers that catch those; the CLI maps
    it (like every :class:`DetenteError`) to one line and exit code 2, while any other
    exception is a bug and keeps its traceback."""


class ScenarioError(DetenteError, ValueError):
    """A scenario file (or data file) is invalid.

    Parameters
    ----------
    message
        What is wrong and how to fix it.
    source
        The file name (or ``"<string>"``).
    field
        Dotted path of the offending field, e.g. ``preferences.US.statements[2]``.
    line
        1-based line in the file, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.field = field
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Return ``file:line: field: message`` with the parts that are known."""
        where = ""
        if self.source:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        fld = f"{self.field}: " if self.field else ""
        return f"{where}{fld}{self.message}".replace("\n", " ")


class StateSpaceTooLarge(DetenteError):  # noqa: N818 - a public name fixed by the design
    """The conflict would need more states than the configured limit allows."""
