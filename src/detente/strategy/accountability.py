"""Two checks the strategy report makes on every variant: what happens if an actor reneges on
the variant's outcome, and how the model reads the recorded course of events.

*Reneging* is the explanation of the variant's first-ranked reachable outcome
(:func:`detente.conflict.explain.explain_state`): every move an actor (or a coalition the
rules allow) would gain by, and the opponents' responses that deter it, or why nothing does.
That is the commentary-style question "which coercive steps follow if a party reneges",
answered from the model's preferences rather than asserted. Definitions:
``docs/discussion/explain.md``.

*The record* is the hindcast of the scenario's ``history:``
(:func:`detente.conflict.hindcast.hindcast`) under the base model and under each variant:
whether each recorded step was an improvement for the actors who moved, whether the
status-quo search reaches each recorded state, and the fewest statement edits that make the
record consistent. Definitions: ``docs/discussion/hindcast.md``.

Both are computed under the same rules for every variant (the concept of the comparison,
legal sanctions, each variant's declared coalitions), so differences between variants come
from the variants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from detente.conflict.engine import ConflictModel
from detente.conflict.explain import ImprovementExplanation, explain_state
from detente.conflict.hindcast import HindcastResult, hindcast
from detente.scenario import Scenario

#: Statement edits searched per actor when the report hindcasts the base model (the
#: ``detente hindcast`` default); variants are searched with :data:`VARIANT_EDITS`.
BASE_EDITS = 2
VARIANT_EDITS = 1


def changes_text(changes: Sequence[tuple[str, bool]],
                 label: Callable[[str], str] | None = None) -> str:
    """``takes A.x, B.y; drops C.z`` for a list of ``(option, taken)`` changes (each option
    written by ``label``, default its reference)."""
    name = label or str
    taken = [name(ref) for ref, on in changes if on]
    dropped = [name(ref) for ref, on in changes if not on]
    parts = []
    if taken:
        parts.append("takes " + ", ".join(taken))
    if dropped:
        parts.append("drops " + ", ".join(dropped))
    return "; ".join(parts) or "changes nothing"


@dataclass(frozen=True)
class Renege:
    """One move away from a variant's outcome that its mover(s) would gain by.

    Attributes
    ----------
    mover
        The actor, or coalition label ``A+B``, that reneges.
    to
        The state it moves to (``Y``/``N`` code).
    move
        The move in words (options taken and dropped).
    deterred
        Whether the opponents' responses deter it under the concept.
    responses
        The responses of the shortest sanction, in order: ``(responder, what it does)``
        (empty when nothing deters the move).
    why
        Why the move is deterred, or why no response deters it.
    """

    mover: str
    to: str
    move: str
    deterred: bool
    responses: tuple[tuple[str, str], ...]
    why: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"mover": self.mover, "to": self.to, "move": self.move,
                "deterred": self.deterred,
                "responses": [{"responder": r, "does": d} for r, d in self.responses],
                "why": self.why}


@dataclass(frozen=True)
class Reneging:
    """What happens if each actor reneges on one variant's first-ranked outcome."""

    variant: str
    state: str
    concept: str
    stable: bool
    moves: tuple[Renege, ...]

    @property
    def undeterred(self) -> tuple[Renege, ...]:
        """The moves nothing deters (why the outcome would not hold)."""
        return tuple(m for m in self.moves if not m.deterred)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"variant": self.variant, "state": self.state, "concept": self.concept,
                "stable": self.stable, "moves": [m.to_dict() for m in self.moves]}


def _renege(mover: str, imp: ImprovementExplanation) -> Renege:
    responses = tuple((s.mover, changes_text(s.changes)) for s in imp.steps)
    return Renege(mover, imp.to, changes_text(imp.changes), imp.deterred,
                  responses if imp.deterred else (), imp.why)


def reneging(scenario: Scenario, state: str, concept: str,
             model: ConflictModel | None = None) -> Reneging:
    """Every profitable move away from ``state`` in ``scenario`` and how it is answered.

    Parameters
    ----------
    scenario
        The variant's scenario (its declared coalitions are explained too).
    state
        The outcome (``Y``/``N`` code), normally the variant's first-ranked reachable one.
    concept
        The stability concept of the comparison.
    model
        The variant's built model, reused.

    Returns
    -------
    Reneging
        One :class:`Renege` per unilateral or joint improvement from ``state``.
    """
    e = explain_state(scenario, state, concept, model=model)
    moves = [_renege(a.mover, imp) for a in e.actors for imp in a.improvements]
    moves += [_renege(c.mover, imp) for c in e.coalitions for imp in c.improvements]
    return Reneging(scenario.variant or "base", e.state, e.concept, e.stable, tuple(moves))


@dataclass(frozen=True)
class RecordCheck:
    """The model held against the recorded history: the base model in full, and each variant
    summarised (steps consistent, recorded states reached, edits needed)."""

    base: HindcastResult
    variants: Mapping[str, HindcastResult]

    def summary(self, result: HindcastResult) -> dict[str, Any]:
        """Counts for one model: steps with movers, consistent steps, recorded states the
        status-quo search reaches, and the edits that make the record consistent."""
        moved = [s for s in result.steps if s.movers]
        return {
            "steps": len(moved),
            "consistent_steps": sum(1 for s in moved if s.consistent),
            "states": len(result.record),
            "reached": sum(1 for r in result.record if r.reachable),
            "consistent": result.consistent,
            "edits": None if result.edits is None else result.edits.describe(),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the base model's whole hindcast and each variant's summary."""
        return {"base": self.base.to_dict(),
                "summary": {"base": self.summary(self.base),
                            **{v: self.summary(h) for v, h in self.variants.items()}}}


def record_check(base: Scenario, variants: Sequence[str], concept: str) -> RecordCheck | None:
    """Hindcast ``base`` (every default concept, :data:`BASE_EDITS` edits) and each variant
    (the comparison's concept, :data:`VARIANT_EDITS` edit); ``None`` without a history."""
    if not base.history:
        return None
    whole = hindcast(base, max_edits=BASE_EDITS)
    each = {v: hindcast(base, variant=v, concepts=(concept,), max_edits=VARIANT_EDITS)
            for v in variants}
    return RecordCheck(whole, each)


__all__ = ["RecordCheck", "Renege", "Reneging", "changes_text", "record_check", "reneging"]
