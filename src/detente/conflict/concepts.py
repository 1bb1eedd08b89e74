"""The stability concepts and sanction rules, and the one parser of concept names.

Every analysis (individual, coalition, status quo, inverse, statement edits) reads a concept
name through :func:`parse_concepts` or :func:`parse_concept`, so an unknown name is refused
with the same one-line error listing the valid ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from detente.errors import InputError

#: The five stability concepts of the individual analysis (Fang, Hipel and Kilgour 1993).
CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
#: Display names.
CONCEPT_NAMES = {
    "nash": "Nash",
    "gmr": "GMR",
    "smr": "SMR",
    "seq": "SEQ",
    "sim": "SIM",
}
#: The extensions of Nash, GMR, SMR and SEQ to uncertain preferences (Li, Hipel, Kilgour and
#: Fang 2004): ``a``/``b`` let the focal actor move to states of uncertain preference,
#: ``b``/``d`` let a sanction end at one (docs/discussion/preference-uncertainty.md).
UNCERTAIN_CONCEPTS = tuple(f"{c}_{x}" for x in "abcd" for c in ("nash", "gmr", "smr", "seq"))
CONCEPT_NAMES.update({f"{c}_{x}": f"{CONCEPT_NAMES[c]}_{x}" for c, _, x in
                      (u.partition("_") for u in UNCERTAIN_CONCEPTS)})
#: Relational stability under attitudes (Inohara, Hipel and Walker 2007;
#: docs/discussion/attitudes.md).
RELATIONAL_CONCEPTS = ("rnash", "rgmr", "rsmr", "rseq")
CONCEPT_NAMES.update({"rnash": "RNash", "rgmr": "RGMR", "rsmr": "RSMR", "rseq": "RSEQ"})
#: Everything ``analyse`` accepts.
STABILITY_CONCEPTS = CONCEPTS + UNCERTAIN_CONCEPTS + RELATIONAL_CONCEPTS
#: Concepts defined for coalitions (SIM has no coalition form here).
COALITION_CONCEPTS = ("nash", "gmr", "smr", "seq")
#: Concepts with an inverse analysis (SIM has no pairwise form of this kind).
INVERSE_CONCEPTS = ("nash", "gmr", "smr", "seq")
#: How opponents may sanction: any legal sequence, or each opponent at most once (GMCR+).
SANCTIONS = ("legal", "distinct")
#: Other names accepted for a concept.
ALIASES = {"r": "nash"}


def _unknown(name: object, allowed: Sequence[str], note: str) -> InputError:
    return InputError(f"unknown stability concept {name!r}; choose from "
                      f"{', '.join(allowed)}{note}")


def parse_concept(concept: str, allowed: Sequence[str] = CONCEPTS, *, note: str = "") -> str:
    """One concept name, lower-cased, ``r`` read as ``nash``.

    Parameters
    ----------
    concept
        The name given.
    allowed
        The concepts this analysis supports.
    note
        Appended to the error message (e.g. why a concept is missing).

    Raises
    ------
    ValueError
        ``unknown stability concept 'x'; choose from ...``.
    """
    if not isinstance(concept, str):
        raise _unknown(concept, allowed, note)
    c = concept.strip().lower()
    c = ALIASES.get(c, c)
    if c not in allowed:
        raise _unknown(concept.strip(), allowed, note)
    return c


def parse_concepts(concepts: Iterable[str] | str | None, allowed: Sequence[str] = CONCEPTS,
                   *, note: str = "") -> tuple[str, ...]:
    """Several concept names: a list or a comma-separated string; ``None`` for all of
    ``allowed``. Repeats are dropped, the order kept.

    Raises
    ------
    ValueError
        For an unknown name, or when none is given.
    """
    if concepts is None:
        return tuple(allowed)
    if isinstance(concepts, str):
        concepts = [c for c in concepts.split(",") if c.strip()]
    out: list[str] = []
    for c in concepts:
        c = parse_concept(c, allowed, note=note)
        if c not in out:
            out.append(c)
    if not out:
        raise InputError(f"no stability concept given; choose from {', '.join(allowed)}")
    return tuple(out)


def check_sanctions(sanctions: str) -> str:
    """``sanctions`` when it is ``legal`` or ``distinct``; a one-line error otherwise."""
    if sanctions not in SANCTIONS:
        raise InputError(f"sanctions must be 'legal' or 'distinct'; got {sanctions!r}")
    return sanctions


def concept_name(concept: str) -> str:
    """Display name of a concept (``Nash``, ``GMR``, ...)."""
    return CONCEPT_NAMES.get(concept, concept)


__all__ = [
    "COALITION_CONCEPTS",
    "CONCEPTS",
    "CONCEPT_NAMES",
    "INVERSE_CONCEPTS",
    "RELATIONAL_CONCEPTS",
    "SANCTIONS",
    "STABILITY_CONCEPTS",
    "UNCERTAIN_CONCEPTS",
    "check_sanctions",
    "concept_name",
    "parse_concept",
    "parse_concepts",
]
