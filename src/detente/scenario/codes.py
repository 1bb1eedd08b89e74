"""State codes: the one formatter and the one parser of ``Y``/``N`` state text.

A state of a conflict with ``n`` options is an integer code whose bit ``k`` is set when option
``k`` (declaration order) is taken; its text is one letter per option, ``Y`` (taken) or ``N``,
option 1 first. Every module that shows or reads a state goes through these functions, so a
code of the wrong length or with other letters is refused the same way everywhere
(docs/discussion/state-codes.md).

This module sits at the bottom layer: it imports nothing from detente.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from detente.errors import InputError


def code_text(code: int, n_options: int) -> str:
    """``Y``/``N`` text of a state code (option 1 = first character).

    Parameters
    ----------
    code
        The integer state code.
    n_options
        Number of options (the length of the text).

    Returns
    -------
    str
        One ``Y`` or ``N`` per option.

    Examples
    --------
    >>> code_text(5, 4)
    'YNYN'
    """
    c = int(code)
    return "".join("Y" if (c >> k) & 1 else "N" for k in range(n_options))


def _expected(n_options: int, options: Sequence[str] | None) -> str:
    where = f" (one per option: {', '.join(options)})" if options else ""
    return f"exactly {n_options} characters Y or N{where}"


def parse_code(text: str, n_options: int, options: Sequence[str] | None = None, *,
               what: str = "state code") -> int:
    """Integer code of a ``Y``/``N`` text code (case and surrounding blanks ignored).

    Parameters
    ----------
    text
        The text code, one letter per option.
    n_options
        Number of options: a text of another length is refused.
    options
        The option references, named in the error message when given.
    what
        How the error message names the value (e.g. ``"target state"``).

    Returns
    -------
    int
        The state code.

    Raises
    ------
    ValueError
        One line naming the expected length and letters.

    Examples
    --------
    >>> parse_code("yny", 3)
    5
    >>> parse_code("NY", 5)
    Traceback (most recent call last):
    ...
    detente.errors.InputError: state code 'NY' must have exactly 5 characters Y or N
    """
    if not isinstance(text, str):
        raise InputError(f"{what} {text!r} must be a text of {_expected(n_options, options)}")
    t = text.strip().upper()
    if len(t) != n_options or any(ch not in "YN" for ch in t):
        raise InputError(f"{what} {text!r} must have {_expected(n_options, options)}")
    return sum(1 << k for k, ch in enumerate(t) if ch == "Y")


def check_code(code: int, n_options: int, *, what: str = "state code") -> int:
    """An integer state code, refused when it lies outside ``0 .. 2**n_options - 1``.

    Raises
    ------
    ValueError
        One line naming the valid range.
    """
    c = int(code)
    if not 0 <= c < (1 << n_options):
        raise InputError(f"{what} {c} is out of range for {n_options} options "
                         f"(0 to {(1 << n_options) - 1}); give a code of {n_options} "
                         "letters Y or N")
    return c


def to_code(state: str | int, n_options: int, options: Sequence[str] | None = None, *,
            what: str = "state code") -> int:
    """A state given as text or as an integer code, checked, as an integer code.

    Text goes through :func:`parse_code`, integers (NumPy integers included) through
    :func:`check_code`; anything else is refused.
    """
    if isinstance(state, str):
        return parse_code(state, n_options, options, what=what)
    if isinstance(state, bool):
        raise InputError(f"{what} {state!r} is not a state; give {_expected(n_options, options)}")
    try:
        code = operator.index(state)
    except TypeError:
        raise InputError(f"{what} {state!r} is not a state; give "
                         f"{_expected(n_options, options)}") from None
    return check_code(code, n_options, what=what)


__all__ = ["check_code", "code_text", "parse_code", "to_code"]
