"""Conditions over options: the small expression language used by scenario files.

Grammar (lowest precedence first)::

    cond    := iff
    iff     := implies ("iff" implies)*
    implies := or ("if" or)*          # "A if B" means B implies A
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | atom
    atom    := REF | "true" | "false" | "(" cond ")"
    REF     := ACTOR "." OPTION | OPTION      # a bare option id when it is unique

The text is parsed with a real parser (``lark``); nothing a user writes is evaluated as
Python. Parsed conditions are small frozen trees that evaluate to numpy boolean arrays over
integer state codes (bit ``k`` set when option ``k`` is taken), so one call evaluates a
condition for every state at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

import numpy as np
from lark import Lark, Token, Transformer, UnexpectedInput
from numpy.typing import NDArray

_GRAMMAR = r"""
?start: iff
?iff: implies (IFF implies)*
?implies: disj (IF disj)*
?disj: conj (OR conj)*
?conj: neg (AND neg)*
?neg: NOT neg -> negate
    | atom
?atom: TRUE -> true
     | FALSE -> false
     | REF -> ref
     | "(" iff ")"
IFF.2: /iff\b/i
IF.2: /if\b/i
OR.2: /or\b/i
AND.2: /and\b/i
NOT.2: /not\b/i
TRUE.2: /true\b/i
FALSE.2: /false\b/i
REF: /[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)?/
%import common.WS
%ignore WS
"""


@dataclass(frozen=True)
class Lit:
    """An option reference: true when option ``index`` is taken."""

    index: int


@dataclass(frozen=True)
class Const:
    """A constant truth value."""

    value: bool


@dataclass(frozen=True)
class Not:
    """Negation."""

    arg: Expr


@dataclass(frozen=True)
class And:
    """Conjunction of two or more terms."""

    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    """Disjunction of two or more terms."""

    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Implies:
    """``premise`` implies ``conclusion`` (written ``conclusion if premise``)."""

    premise: Expr
    conclusion: Expr


@dataclass(frozen=True)
class Iff:
    """Both sides hold or neither does."""

    left: Expr
    right: Expr


Expr = Union[Lit, Const, Not, And, Or, Implies, Iff]  # noqa: UP007


class ConditionSyntaxError(ValueError):
    """A condition could not be parsed; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(message)


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


class _Build(Transformer[Token, Expr]):
    def __init__(self, resolve: Mapping[str, int]) -> None:
        super().__init__()
        self._resolve = resolve

    def ref(self, items: list[Token]) -> Expr:
        name = str(items[0])
        if name not in self._resolve:
            raise ConditionSyntaxError(
                f"unknown option {name!r}; use ACTOR.OPTION with an option declared in `actors`",
                column=items[0].column,
            )
        idx = self._resolve[name]
        if idx < 0:
            raise ConditionSyntaxError(
                f"option id {name!r} is ambiguous (several actors have it); write ACTOR.{name}",
                column=items[0].column,
            )
        return Lit(idx)

    def true(self, _: list[Token]) -> Expr:
        return Const(True)

    def false(self, _: list[Token]) -> Expr:
        return Const(False)

    def negate(self, items: list[Expr | Token]) -> Expr:
        arg = items[-1]
        assert not isinstance(arg, Token)
        return Not(arg)

    @staticmethod
    def _operands(items: list[Expr | Token]) -> list[Expr]:
        return [x for x in items if not isinstance(x, Token)]

    def conj(self, items: list[Expr | Token]) -> Expr:
        return And(tuple(self._operands(items)))

    def disj(self, items: list[Expr | Token]) -> Expr:
        return Or(tuple(self._operands(items)))

    def implies(self, items: list[Expr | Token]) -> Expr:
        ops = self._operands(items)
        # "A if B if C" groups to the left: (A if B) if C.
        expr = ops[0]
        for premise in ops[1:]:
            expr = Implies(premise=premise, conclusion=expr)
        return expr

    def iff(self, items: list[Expr | Token]) -> Expr:
        ops = self._operands(items)
        expr = ops[0]
        for other in ops[1:]:
            expr = Iff(expr, other)
        return expr


def parse_condition(text: str, resolve: Mapping[str, int]) -> Expr:
    """Parse ``text`` into a condition tree.

    Parameters
    ----------
    text
        The condition, e.g. ``"US.strike and not USSR.withdraw"``.
    resolve
        Maps every accepted reference (``ACTOR.OPTION`` and unique bare option ids) to the
        option index; ambiguous bare ids map to ``-1``.

    Raises
    ------
    ConditionSyntaxError
        With a message that says what is wrong and where (column).
    """
    if not isinstance(text, str) or not text.strip():
        raise ConditionSyntaxError("empty condition; write e.g. `US.strike and not USSR.withdraw`")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        col = getattr(exc, "column", None)
        snippet = text if len(text) <= 60 else text[:57] + "..."
        raise ConditionSyntaxError(
            f"cannot parse condition {snippet!r} at column {col}; use ACTOR.OPTION joined by "
            "not/and/or/if/iff and parentheses",
            column=col if isinstance(col, int) else None,
        ) from None
    try:
        built = _Build(resolve).transform(tree)
    except Exception as exc:  # lark wraps transformer errors in VisitError
        inner = getattr(exc, "orig_exc", exc)
        if isinstance(inner, ConditionSyntaxError):
            raise inner from None
        raise
    if isinstance(built, Token):  # a lone reference collapses to its token in some grammars
        return _Build(resolve).ref([built])
    return built


def evaluate(expr: Expr, codes: NDArray[np.integer]) -> NDArray[np.bool_]:
    """Evaluate ``expr`` at every state code in ``codes`` (vectorised)."""
    if isinstance(expr, Lit):
        return ((codes >> expr.index) & 1).astype(bool)
    if isinstance(expr, Const):
        return np.full(codes.shape, expr.value, dtype=bool)
    if isinstance(expr, Not):
        return ~evaluate(expr.arg, codes)
    if isinstance(expr, And):
        out = evaluate(expr.args[0], codes)
        for a in expr.args[1:]:
            out &= evaluate(a, codes)
        return out
    if isinstance(expr, Or):
        out = evaluate(expr.args[0], codes)
        for a in expr.args[1:]:
            out |= evaluate(a, codes)
        return out
    if isinstance(expr, Implies):
        return ~evaluate(expr.premise, codes) | evaluate(expr.conclusion, codes)
    if isinstance(expr, Iff):
        return evaluate(expr.left, codes) == evaluate(expr.right, codes)
    raise TypeError(f"not a condition: {expr!r}")  # pragma: no cover


def options_used(expr: Expr) -> frozenset[int]:
    """Return the option indices that ``expr`` refers to."""
    if isinstance(expr, Lit):
        return frozenset({expr.index})
    if isinstance(expr, Const):
        return frozenset()
    if isinstance(expr, Not):
        return options_used(expr.arg)
    if isinstance(expr, And | Or):
        out: frozenset[int] = frozenset()
        for a in expr.args:
            out |= options_used(a)
        return out
    if isinstance(expr, Implies):
        return options_used(expr.premise) | options_used(expr.conclusion)
    return options_used(expr.left) | options_used(expr.right)


def to_text(expr: Expr, names: list[str]) -> str:
    """Write ``expr`` back as text using option ``names`` (fully parenthesised where needed)."""
    if isinstance(expr, Lit):
        return names[expr.index]
    if isinstance(expr, Const):
        return "true" if expr.value else "false"
    if isinstance(expr, Not):
        inner = to_text(expr.arg, names)
        return f"not {inner}" if isinstance(expr.arg, Lit | Const | Not) else f"not ({inner})"
    if isinstance(expr, And | Or):
        word = " and " if isinstance(expr, And) else " or "
        parts = []
        for a in expr.args:
            t = to_text(a, names)
            parts.append(t if isinstance(a, Lit | Const | Not) else f"({t})")
        return word.join(parts)
    if isinstance(expr, Implies):
        c, p = to_text(expr.conclusion, names), to_text(expr.premise, names)
        return f"({c}) if ({p})"
    return f"({to_text(expr.left, names)}) iff ({to_text(expr.right, names)})"
