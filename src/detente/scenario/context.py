"""One-line errors that point into a scenario file: field path to file, line and field.

:class:`ErrorContext` is what every section parser (the core's and each model family's)
receives, so that a mistake anywhere in a file is reported the same way:
``file:line: field: what is wrong; the fix``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from detente.errors import ScenarioError
from detente.scenario.text import Path_, field_text, line_of

__all__ = ["ErrorContext", "VariantErrorContext", "pydantic_error", "pydantic_section"]


class ErrorContext:
    """Turns a field path into a one-line :class:`ScenarioError` with the file's line.

    Parameters
    ----------
    source
        The file name (or ``"<string>"``).
    lines
        Field path -> 1-based line, from :func:`detente.scenario.text.parse_text`.
    prefix
        Prepended to every path (a section parser's context has its section's name).
    """

    def __init__(self, source: str, lines: Mapping[Path_, int], prefix: Path_ = ()) -> None:
        self.source = source
        self.lines = lines
        self.prefix = prefix

    def error(self, path: Path_, message: str) -> ScenarioError:
        """The error for ``message`` at ``path`` (relative to :attr:`prefix`)."""
        full = (*self.prefix, *path)
        return ScenarioError(message, source=self.source, field=field_text(full) or None,
                             line=line_of(self.lines, full))

    def sub(self, *path: str | int) -> ErrorContext:
        """The context of a part of this one (e.g. ``ctx.sub("issues", 2)``)."""
        return ErrorContext(self.source, self.lines, (*self.prefix, *path))


class VariantErrorContext(ErrorContext):
    """Errors inside a variant overlay point at the variant's own field when it has one."""

    def __init__(self, source: str, lines: Mapping[Path_, int], index: int, vid: str) -> None:
        super().__init__(source, lines)
        self.index = index
        self.vid = vid

    def error(self, path: Path_, message: str) -> ScenarioError:
        """The error at the variant's own field, or at the base's naming the variant."""
        vpath: Path_ = ("variants", self.index, *path)
        if any(vpath[: k + 1] in self.lines for k in range(3, len(vpath))):
            return super().error(vpath, message)
        return super().error(path, f"{message} (in variant {self.vid!r})")


def pydantic_error(exc: ValidationError, data: Any, ctx: ErrorContext) -> ScenarioError:
    """The one-line error for pydantic's most specific complaint about ``data``."""
    best: tuple[int, Path_, dict[str, Any]] | None = None
    for err in exc.errors():
        path = _data_path(err, data)
        if best is None or len(path) > best[0]:
            best = (len(path), path, dict(err))
    assert best is not None
    return ctx.error(best[1], friendly_message(best[2]))


def _data_path(err: Mapping[str, Any], data: Any) -> Path_:
    """The part of pydantic's location that exists in ``data`` (plus a missing/extra key)."""
    path: list[str | int] = []
    cur = data
    for part in err["loc"]:
        if isinstance(cur, Mapping) and part in cur:
            path.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            path.append(part)
            cur = cur[part]
        elif err["type"] in {"missing", "extra_forbidden"} and part == err["loc"][-1]:
            path.append(part)
    return tuple(path)


_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "above"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "below"),
}


def friendly_message(err: Mapping[str, Any]) -> str:
    """pydantic's message for one error, rephrased to say what to fix."""
    kind = err.get("type", "")
    loc = err.get("loc", ())
    last = loc[-1] if loc else ""
    inp = err.get("input")
    if kind == "missing":
        return "required field is missing; add it"
    if kind == "extra_forbidden":
        return f"unknown field {last!r}; remove it or check its spelling"
    if kind == "literal_error" and last == "detente":
        return "format version must be `detente: 1`"
    if kind == "string_pattern_mismatch":
        return (
            "ids must start with a letter or _ and contain only letters, digits, _ and -; "
            f"got {inp!r}"
        )
    if kind == "too_short":
        return "must not be empty; add at least one entry"
    if kind == "string_too_long":
        limit = (err.get("ctx") or {}).get("max_length")
        return f"text of {len(str(inp)):,} characters is too long; shorten it to at most {limit}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        bound = (err.get("ctx") or {}).get(key)
        return f"must be {words} {bound}; got {inp!r}, give a number in range"
    if kind == "finite_number":
        return f"must be a finite number; got {inp!r}"
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    msg = str(err.get("msg", "invalid value"))
    if isinstance(inp, str | int | float | bool) or inp is None:
        msg += f"; got {inp!r}"
    return msg


def pydantic_section(model: type[BaseModel]) -> Callable[[Any, Any, ErrorContext], Any]:
    """A section parser that validates a section against the pydantic ``model``.

    For a family whose section needs no check beyond its schema: the parser returns the
    validated model and reports the first error as one line pointing into the file.
    """

    def parse(data: Any, scenario: Any, ctx: ErrorContext) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise pydantic_error(exc, data, ctx) from None

    parse.__doc__ = f"Validate the section against :class:`{model.__name__}`."
    return parse
