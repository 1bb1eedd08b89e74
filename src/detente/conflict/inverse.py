"""Inverse analysis: what an actor's preferences must satisfy for a target state to be stable.

Sources
-------
Kinsara, R.A., Kilgour, D.M., Hipel, K.W. (2015). "Inverse approach to the graph model for
conflict resolution". *IEEE Transactions on Systems, Man, and Cybernetics: Systems* 45(5),
734-742. Kinsara, R.A. (2015). *Negotiation Support System with Third Party Intervention*, PhD
thesis, University of Waterloo, §5.2: the inverse preference structures (IPS) "Nash IPS",
"GMR IPS", "SMR IPS" and "SEQ IPS" of a desired equilibrium ``s_E``, e.g. Definition 5.2.6: a
GMR IPS is a preference profile such that for each ``q ∈ R_i^+(s_E)`` some ``k ∈ R_{N-i}(q)``
has ``P_i(k) ≤ P_i(s_E)``. Kinsara, Petersons, Hipel and Kilgour (2015), "Advanced decision
support for the graph model for conflict resolution", *Journal of Decision Systems* 24(2): the
inverse component of GMCR+, which enumerates rankings (``(m!)^n`` profiles; its flaws are listed
in docs/discussion/inverse.md#gmcr-plus). Stability definitions: Fang, Hipel and Kilgour
(1993), *Interactive Decision Making*, ch. 3; Fang, Hipel, Kilgour and Peng (2003), GMCR II
part 1 (see :mod:`.stability`).

The conditions (answer a)
-------------------------
Fix actor ``i``, the target ``s`` and ``H = N - {i}``. Any of ``i``'s unilateral moves ``t ∈
R_i(s)`` becomes an improvement under *some* preference, so the inverse question ranges over
all of ``R_i(s)``. Writing ``x ≼ s`` for "``i`` ranks ``x`` at or below ``s``", ``s`` is stable
for ``i`` exactly when every move ``t`` satisfies

* **Nash**: ``t ≼ s``;
* **GMR**: ``t ≼ s`` or some ``s2 ∈ R_H(t)`` has ``s2 ≼ s``;
* **SMR**: ``t ≼ s`` or some ``s2 ∈ R_H(t)`` has ``s2 ≼ s`` and ``s3 ≼ s`` for all
  ``s3 ∈ R_i(s2)``;
* **SEQ**: ``t ≼ s`` or some ``s2 ∈ R_H^+(t)`` has ``s2 ≼ s``. ``R_H^+`` is built from the
  opponents' unilateral improvements, so it depends on *their* preferences: they are held at
  their current values (only ``i``'s preference varies).

Each condition is a disjunction of *groups*: a group is a set of states that must all rank at
or below ``s`` (``{t}``; ``{s2}``; for SMR ``{s2} ∪ R_i(s2)``). ``R_H(t)`` and ``R_H^+(t)`` are
reached by legal sequences (no opponent twice in succession; ``sanctions="distinct"``: each
opponent at most once, as GMCR+). Opponents never change ``i``'s options, so the sanction
states of different moves lie in disjoint sub-spaces; they are found for all moves at once by
one breadth-first search over ``(state, last mover)`` nodes, vectorised per level.

The smallest change (answer b)
------------------------------
**Measure.** The number of pairs of states whose comparison (``≻``, ``~``, ``≺``) differs
between the actor's current and new preference: on strict rankings this is Kendall's tau
distance, the number of swaps of adjacent states. It was chosen over counting statements
added, removed or reordered because (i) it reads as concrete advice ("rank YNNY below NNYN";
"rank the target above NNYY"), whatever way the preference was entered; (ii) it can be
minimised exactly and fast, while a statement edit moves thousands of states at once, many
rankings cannot be written as statements at all, and the space of possible new statements is
unbounded, so "fewest statement edits" has no well-posed exact answer. The change is returned
as an explicit ranking of the feasible states.

**Algorithm.** For a set ``A`` of states that must rank at or below ``s``, an optimal new
preference has this form: ``s`` either stays in its tie class or rises to just above some
class ``v``; the states of ``A`` still above it move to just below ``s`` (keeping their order);
nothing else moves. For strict rankings this follows from an exchange argument (if a state
kept above ``s`` lies below one that moves down, moving the first down as well or ``s`` up
past the second is cheaper); for rankings with ties it was checked against brute force over
every weak order on random instances of up to 8 states (not proven). With ``c_w`` the number
of other states in class ``w``, ``a_w`` the members of ``A`` in it and ``N`` the running count
of non-members from ``s``'s class upwards, the cost of level ``v`` is
``Σ_{P(s) ≤ w ≤ v} c_w + Σ_{w > v} a_w (1 + N(w) - N(v))``; every level is evaluated at once
with cumulative sums. For Nash, ``A`` is the set of improvements. For GMR and SEQ every group
is one state and the groups of different moves are disjoint; the lowest-ranked state of each
move's set (the move itself or a sanction) is an optimal witness (exchange argument on strict
rankings; brute force as above with ties), so no search is needed. For SMR the groups overlap:
one group per move is chosen by branch and bound, with the cost of the union so far (monotone
in ``A``) as bound, after dropping groups that contain another group of the same move. The
SMR result is exact unless a move has more than :data:`MAX_ALTERNATIVES` candidate groups
cheaper than the change found, or the search needs more than :data:`SEARCH_BUDGET` cost
evaluations; it then says ``exact = False`` (the change is still verified to make the target
stable).

The minimum is per actor, with the others' preferences unchanged. For Nash, GMR and SMR an
actor's stability depends only on its own preference, so applying every actor's change
together makes the target an equilibrium; for SEQ it may not (an actor's new preference
changes which sanctions are credible for the others): :attr:`InverseResult.after` reports the
engine's verdict with all changes applied.

Modules
-------
This module is a facade that only re-exports (as Nashpy does): the results are in
:mod:`~detente.conflict.inverse_result`, the moves and sanction sets in
:mod:`~detente.conflict.inverse_sanctions`, the measure and the SMR search in
:mod:`~detente.conflict.inverse_measure`, and the analysis in
:mod:`~detente.conflict.inverse_analysis`.
"""

from detente.conflict.concepts import INVERSE_CONCEPTS
from detente.conflict.inverse_analysis import MAX_ALTERNATIVES, SEARCH_BUDGET, inverse
from detente.conflict.inverse_measure import pair_changes
from detente.conflict.inverse_result import (
    MAX_LISTED,
    MAX_RANKING_IN_JSON,
    N_CLOSEST,
    ActorInverse,
    InverseResult,
    MoveCondition,
    PreferenceChange,
    Sanction,
)
from detente.conflict.inverse_sanctions import reachable, sanction_sets

__all__ = [
    "INVERSE_CONCEPTS",
    "MAX_ALTERNATIVES",
    "MAX_LISTED",
    "MAX_RANKING_IN_JSON",
    "N_CLOSEST",
    "SEARCH_BUDGET",
    "ActorInverse",
    "InverseResult",
    "MoveCondition",
    "PreferenceChange",
    "Sanction",
    "inverse",
    "pair_changes",
    "reachable",
    "sanction_sets",
]
