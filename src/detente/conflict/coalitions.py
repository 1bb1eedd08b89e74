"""Coalition analysis of a graph model: can a group of actors upset an equilibrium together?

Sources
-------
Kilgour, D.M., Hipel, K.W., Fang, L., Peng, X. (2001). "Coalition analysis in group decision
support". *Group Decision and Negotiation* 10(2), 159-175: coalition moves and coalition
improvements; Elmira, where the Ministry and Uniroyal jointly leave the individual equilibrium 5
for 8.
Inohara, T., Hipel, K.W. (2008). "Coalition analysis in the graph model for conflict
resolution". *Systems Engineering* 11(4), 343-359: coalition Nash, GMR, SMR and SEQ stability,
with sanctions by the other decision makers acting alone or in coalitions ("joint sanctions").
Fang, Hipel and Kilgour (1993), ch. 3, for the individual concepts these generalise.

The texts of the two coalition papers could not be opened while this module was written; the
definitions below are the literal generalisations of the individual ones with the coalition
preference ``≻_H`` and were checked against a set-based reference written from them
(``tests/conflict/reference_coalitions.py``), not against the papers' equations. Equation
numbers are therefore not quoted.

Definitions
-----------
N is the set of actors, H ⊆ N a coalition, ``s`` a state.

(C1) *Coalition moves.* ``R_H(s)``: the states reachable from ``s`` by a legal sequence (at least
one move) of unilateral moves of members of ``H``: no member moves twice in succession (Fang et
al. 1993, §3.2; for ``H = {i}`` this is ``R_i(s)``).

(C2) *Coalition preference.* ``t ≻_H s`` iff ``t ≻_j s`` for every ``j ∈ H``; its negation
``t ⋡_H s`` ("not a gain for the coalition") holds iff some member ``j`` has ``t ≼_j s``.

(C3) *Coalition improvements* (Kilgour et al. 2001). ``R_H^{++}(s) = {t ∈ R_H(s): t ≻_H s}``.
For ``H = {i}``, ``R_H^{++}(s) = R_i^+(s)``.

(C4) *Class of coalitions.* A class ``𝒞`` of coalitions: the scenario's ``coalitions:``, a
list given by the caller, or every non-empty subset of N. Every single actor is always added
(an actor can always act alone), so ``𝒞`` covers N.

(C5) *Joint sanctions.* Against ``H``, the *sanctioning units* are the single actors of
``N - H`` and the coalitions of ``𝒞`` disjoint from ``H``. ``R^{+}_{𝒰}(s1)``: the states
reachable from ``s1`` by a legal sequence (at least one step) of unit improvements: a single
actor's unilateral improvement or a coalition improvement (C3) of a coalition unit, no unit
acting twice in succession.

Stability of ``s`` for coalition ``H ∈ 𝒞``:

* **CNash**: ``R_H^{++}(s) = ∅``.
* **CGMR**: for every ``s1 ∈ R_H^{++}(s)`` there is ``s2 ∈ R_{N-H}(s1)`` with ``s2 ⋡_H s``.
* **CSMR**: for every ``s1 ∈ R_H^{++}(s)`` there is ``s2 ∈ R_{N-H}(s1)`` with ``s2 ⋡_H s`` and
  ``s3 ⋡_H s`` for every ``s3 ∈ R_H(s2)`` (the coalition cannot escape the sanction jointly).
* **CSEQ**: for every ``s1 ∈ R_H^{++}(s)`` there is ``s2 ∈ R^{+}_{𝒰}(s1)`` (C5) with
  ``s2 ⋡_H s`` (only credible sanctions, by single actors or coalitions of the others).

With ``H = N`` nobody can sanction: ``s`` is stable iff ``R_N^{++}(s) = ∅``. When every coalition
of the class is a single actor, each concept is the individual one (Nash, GMR, SMR, SEQ). An
actor is coalition-stable at ``s`` when ``s`` is stable for every coalition of the class that
contains it; a *coalition equilibrium* is stable for every coalition of the class.

Algorithm
---------
One Python loop over coalitions; no loop over states. Unilateral moves are CSR pair sets over
the feasible states. ``R_H`` from a block of source states is a Boolean fixed point over the
last mover (the relaxation of :func:`~detente.conflict.stability.sanction_minimum` with "or" in
place of "min"), with the sources packed 64 to a machine word so that one gather-and-reduce
serves 64 sources. Because ``∃ s2 ∃ j ∈ H`` is ``∃ j ∃ s2``, CGMR and CSEQ need only each
member's minimum payoff over the sanctions: ``M_j = sanction_minimum(P_j, N - H)`` (CSEQ with
coalition units uses the same relaxation with coalition-improvement steps), and ``s1`` is
unsanctioned iff ``M_j(s1) > P_j(s)`` for every member. CSMR is not separable by member; it is
computed only for the states that pass CGMR and have a coalition improvement, by two backward
fixed points per block of such states (the states from which ``H`` can reach a gain over
``s``; then those from which ``N - H`` can reach a state that is neither a gain nor an escape to
one). Coalition improvements are pairs of states, so time and output grow like ``N^2`` for
large coalitions: a few seconds for every coalition of a 4,096-state conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import COALITION_CONCEPTS, parse_concept, parse_concepts
from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.graph import (
    BoolArray,
    IntArray,
    Move,
    MoveGraph,
    Pairs,
    _blocks,
    coalition_class,
    legal_closure,
    make_move,
    member_path,
    unpack_columns,
)
from detente.conflict.result import ConflictResult
from detente.conflict.stability import pack_columns
from detente.display import dataframe
from detente.errors import InputError
from detente.scenario.codes import code_text
from detente.scenario.model import Preference, Scenario

# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoalitionBreak:
    """An equilibrium of the individual analysis that a coalition can upset.

    Attributes
    ----------
    concept
        The stability concept.
    state
        The equilibrium (text code).
    coalitions
        Every coalition of the class for which the state is not stable.
    coalition
        The coalition whose move is shown (the first of ``coalitions``).
    target
        The state it moves to (a coalition improvement that is not sanctioned).
    moves
        The members' unilateral moves from ``state`` to ``target`` (a shortest legal sequence).
    """

    concept: str
    state: str
    coalitions: tuple[tuple[str, ...], ...]
    coalition: tuple[str, ...]
    target: str
    moves: tuple[Move, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "state": self.state,
            "coalitions": [list(c) for c in self.coalitions],
            "coalition": list(self.coalition),
            "target": self.target,
            "moves": [m.to_dict() for m in self.moves],
        }


@dataclass(frozen=True)
class CoalitionResult(ConflictResult):
    """Coalition stability of every feasible state, and what it does to the equilibria.

    Attributes
    ----------
    scenario, digest, variant, options, parameters, version
        Provenance (:class:`~detente.conflict.result.ConflictResult`).
    actors
        Actor ids.
    codes
        Feasible state codes, increasing.
    status_quo
        Status-quo code or ``None``.
    coalitions
        The class of coalitions analysed (C4), singletons included, smallest first.
    stable
        ``concept -> bool array (coalitions × states)``: stability for each coalition.
    individual
        ``concept -> bool array (actors × states)``: the individual analysis (engine).
    breaks
        ``concept ->`` the individual equilibria that are not coalition equilibria, each with
        a coalition move that upsets it.
    """

    actors: tuple[str, ...]
    codes: IntArray
    status_quo: int | None
    coalitions: tuple[tuple[str, ...], ...]
    stable: Mapping[str, BoolArray]
    individual: Mapping[str, BoolArray]
    breaks: Mapping[str, tuple[CoalitionBreak, ...]]

    @property
    def concepts(self) -> tuple[str, ...]:
        """The concepts analysed."""
        return tuple(self.stable)

    @property
    def labels(self) -> tuple[str, ...]:
        """Coalition labels (members joined by ``+``)."""
        return tuple("+".join(c) for c in self.coalitions)

    @property
    def states(self) -> list[str]:
        """Feasible states as text codes."""
        return [self.code_text(c) for c in self.codes]

    def _coalition_index(self, coalition: str | Sequence[str]) -> int:
        members = coalition.split("+") if isinstance(coalition, str) else list(coalition)
        key = tuple(a for a in self.actors if a in set(members))
        if len(key) != len(set(members)) or key not in self.coalitions:
            raise InputError(f"coalition {coalition!r} is not in the class analysed: "
                             f"{', '.join(self.labels)}")
        return self.coalitions.index(key)

    def stable_for(self, concept: str, coalition: str | Sequence[str]) -> list[str]:
        """States stable for ``coalition`` (``"A+B"`` or a list of ids) under ``concept``."""
        row = self.stable[concept][self._coalition_index(coalition)]
        return [self.code_text(c) for c in self.codes[row]]

    def actor_stable(self, concept: str) -> BoolArray:
        """``actors × states``: stable for every coalition of the class containing the actor."""
        out = np.ones((len(self.actors), self.codes.shape[0]), dtype=bool)
        for h, members in enumerate(self.coalitions):
            for a in members:
                out[self.actors.index(a)] &= self.stable[concept][h]
        return out

    def equilibrium_mask(self, concept: str) -> BoolArray:
        """Coalition equilibria: stable for every coalition of the class."""
        return np.asarray(self.stable[concept].all(axis=0))

    def equilibria(self, concept: str) -> list[str]:
        """Coalition equilibria (text codes)."""
        return [self.code_text(c) for c in self.codes[self.equilibrium_mask(concept)]]

    def individual_equilibria(self, concept: str) -> list[str]:
        """Equilibria of the individual analysis (text codes)."""
        mask = self.individual[concept].all(axis=0)
        return [self.code_text(c) for c in self.codes[mask]]

    def survivors(self, concept: str) -> list[str]:
        """Individual equilibria that are also coalition equilibria."""
        mask = self.individual[concept].all(axis=0) & self.equilibrium_mask(concept)
        return [self.code_text(c) for c in self.codes[mask]]

    def broken(self, concept: str) -> list[str]:
        """Individual equilibria that some coalition upsets."""
        return [b.state for b in self.breaks[concept]]

    def is_stable(self, concept: str, state: str | int,
                  coalition: str | Sequence[str] | None = None) -> bool:
        """Stability of ``state`` for ``coalition`` (a coalition equilibrium if ``None``)."""
        concept = parse_concept(concept, self.concepts)
        col = self.stable[concept][:, self._feasible_position(self.codes, state)]
        if coalition is None:
            return bool(col.all())
        return bool(col[self._coalition_index(coalition)])

    def report(self) -> str:
        """Plain text: which individual equilibria survive and which coalition move breaks
        the others."""
        lines = [f"{self.scenario}: coalition analysis over {len(self.coalitions)} coalitions "
                 f"({', '.join(self.labels)})"]
        for c in self.concepts:
            name = c.upper() if c != "nash" else "Nash"
            ind = ", ".join(self.individual_equilibria(c)) or "none"
            surv = ", ".join(self.survivors(c)) or "none"
            lines.append(f"{name}: individual equilibria {ind}; survive: {surv}")
            for b in self.breaks[c]:
                steps = "; ".join(m.describe() for m in b.moves)
                lines.append(f"  {b.state} broken by {'+'.join(b.coalition)} -> {b.target} "
                             f"({steps})")
        return "\n".join(lines)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame: one row per state, one boolean column per (concept,
        coalition) and per concept for coalition equilibria. Needs pandas."""
        data: dict[str, Any] = {"state": [self.code_text(int(c)) for c in self.codes]}
        for c, table in self.stable.items():
            for j, members in enumerate(self.coalitions):
                data[f"{c}:{'+'.join(members)}"] = table[j]
            data[f"{c}:equilibrium"] = np.asarray(table).all(axis=0)
        return dataframe(data, index="state")

    def to_dict(self) -> dict[str, Any]:
        """JSON structure."""
        concepts: dict[str, Any] = {}
        for c in self.concepts:
            concepts[c] = {
                "stable": {lab: self.stable_for(c, lab) for lab in self.labels},
                "equilibria": self.equilibria(c),
                "individual_equilibria": self.individual_equilibria(c),
                "survive": self.survivors(c),
                "broken": [b.to_dict() for b in self.breaks[c]],
            }
        return {
            "scenario": self.scenario,
            "options": list(self.options),
            "states": self.states,
            "status_quo": None if self.status_quo is None else self.code_text(self.status_quo),
            "coalitions": [list(c) for c in self.coalitions],
            "concepts": concepts,
            "provenance": self.provenance(),
        }

    def _provenance_items(self) -> dict[str, Any]:
        return {"analysis": "coalition", "concepts": list(self.concepts),
                "coalitions": [list(c) for c in self.coalitions]}


# -- stability -------------------------------------------------------------------------------


def _first_per_source(src: IntArray, dst: IntArray, n: int) -> IntArray:
    """For each source, the smallest target among the pairs (``-1`` if none)."""
    out = np.full(n, -1, dtype=np.int64)
    if src.size:
        order = np.lexsort((dst, src))
        s, d = src[order], dst[order]
        first = np.ones(s.shape[0], dtype=bool)
        first[1:] = s[1:] != s[:-1]
        out[s[first]] = d[first]
    return out


def _smr_unsanctioned(g: MoveGraph, H: tuple[int, ...], others: list[int], ci: Pairs,
                      rows: IntArray) -> IntArray:
    """CSMR (set-wise): for the states ``rows``, the first unsanctioned coalition improvement
    (``-1`` if every one is sanctioned)."""
    n = g.n
    out = np.full(rows.shape[0], -1, dtype=np.int64)
    back_h = [g.moves(j) for j in H]
    back_o = [g.moves(j) for j in others]
    for blk in _blocks(rows.shape[0], n):
        r = rows[blk]
        K = r.shape[0]
        gain = np.ones((n, K), dtype=bool)  # gain[x, k]: x ≻_H r[k]
        for j in H:
            gain &= g.P[j][:, None] > g.P[j][r][None, :]
        gain_b = pack_columns(gain)
        good = ~(gain_b | legal_closure(back_h, gain_b))  # no joint escape to a gain
        sanctioned = unpack_columns(legal_closure(back_o, good), K)  # sanctioned[s1, k]
        pos, dst = ci.rows(r)
        uns = ~sanctioned[dst, pos]
        first = _first_per_source(pos[uns], dst[uns], K)
        out[blk] = first
    return out


def analyse_coalitions(
    scenario: Scenario,
    concepts: Iterable[str] | str | None = None,
    coalitions: str | Iterable[Iterable[str]] | None = None,
    *,
    model: ConflictModel | None = None,
    preferences: Mapping[str, Preference] | None = None,
    payoffs: Mapping[str, NDArray[np.unsignedinteger]] | None = None,
    max_states: int | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> CoalitionResult:
    """Coalition stability (CNash, CGMR, CSMR, CSEQ) of every state for a class of coalitions.

    Parameters
    ----------
    scenario
        A validated scenario.
    concepts
        Any of ``nash``, ``gmr``, ``smr``, ``seq`` (default: all four), as a list or a
        comma-separated string.
    coalitions
        The class (C4): ``None`` for the scenario's ``coalitions:`` (every coalition if it
        has none), ``"all"``, or a list of lists of actor ids. Single actors are always added.
    model, preferences, payoffs, max_states
        As for :func:`~detente.conflict.engine.analyse`.
    progress
        Called as ``progress(fraction done, stage)`` before each coalition.

    Returns
    -------
    CoalitionResult
        Stability per coalition, the individual analysis, and the individual equilibria that
        coalitions upset with the move that does it.

    Examples
    --------
    >>> import detente
    >>> from detente.conflict.coalitions import analyse_coalitions
    >>> elmira = detente.load_scenario(detente.scenario_path("elmira"))
    >>> r = analyse_coalitions(elmira, "nash")
    >>> r.broken("nash"), r.breaks["nash"][0].coalition, r.breaks["nash"][0].target
    (['NYNNY'], ('MoE', 'U'), 'YNYNY')
    """
    conc = parse_concepts(concepts, COALITION_CONCEPTS, note=" (SIM has no coalition form)")
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=max_states)
    pay = payoffs if payoffs is not None else model.payoffs(preferences, scenario)
    cls = coalition_class(scenario, coalitions)
    g = MoveGraph(model, pay)
    ids = g.actor_ids
    individual = analyse(scenario, conc, model=model, payoffs=pay)
    stable: dict[str, BoolArray] = {c: np.ones((len(cls), g.n), dtype=bool) for c in conc}
    witness: dict[str, IntArray] = {c: np.full((len(cls), g.n), -1, dtype=np.int64)
                                    for c in conc}
    coalition_units = [c for c in cls if len(c) > 1]
    for h, H in enumerate(cls):
        if progress is not None:
            progress(h / len(cls), "coalition " + "+".join(ids[k] for k in H))
        for c, (ok, first) in _coalition_stability(g, H, conc, coalition_units).items():
            stable[c][h], witness[c][h] = ok, first
    labels = tuple(tuple(ids[k] for k in H) for H in cls)
    breaks = _breaks(g, cls, labels, individual.stable, stable, witness)
    if progress is not None:
        progress(1.0, "done")
    return CoalitionResult(
        scenario=scenario.name,
        digest=scenario.digest,
        variant=scenario.variant,
        actors=ids,
        options=tuple(scenario.option_refs),
        codes=model.space.codes,
        status_quo=scenario.status_quo,
        coalitions=labels,
        stable=stable,
        individual={c: individual.stable[c] for c in conc},
        breaks=breaks,
        parameters={
            "n_states": g.n,
            "layout": "dense" if model.space.dense else "sparse",
            "sanctions": "legal",
            "coalition_class": "given" if (coalitions is not None and coalitions != "all")
            or (coalitions is None and scenario.coalitions) else "all",
        },
    )


def _unsanctioned(g: MoveGraph, H: tuple[int, ...], ci: Pairs,
                  minimum: Callable[[int], IntArray]) -> IntArray:
    """Per state, the first coalition improvement of ``H`` that no sanction answers
    (``-1``: every one is answered): ``s1`` is unsanctioned when every member's least payoff
    over the sanctions from it, ``minimum(j)``, exceeds its payoff at the source."""
    src, dst = ci.sources(), ci.indices
    uns = np.ones(src.shape[0], dtype=bool)
    for j in H:
        uns &= minimum(j)[dst] > g.P[j][src]
    return _first_per_source(src[uns], dst[uns], g.n)


def _coalition_stability(g: MoveGraph, H: tuple[int, ...], conc: Sequence[str],
                         coalition_units: Sequence[tuple[int, ...]]
                         ) -> dict[str, tuple[BoolArray, IntArray]]:
    """CNash, CGMR, CSMR and CSEQ of every state for coalition ``H``: per concept, the
    stable states and, where unstable, an unsanctioned coalition improvement (the
    witness; ``-1`` where stable)."""
    ci = g.coalition_improvements(H)
    others = [k for k in range(len(g.actor_ids)) if k not in H]
    out: dict[str, tuple[BoolArray, IntArray]] = {}
    if "nash" in conc:
        out["nash"] = (np.diff(ci.indptr) == 0, _first_per_source(ci.sources(), ci.indices, g.n))
    if "gmr" in conc or "smr" in conc:
        first = _unsanctioned(g, H, ci, lambda j: g.move_minimum(j, others, improving=False))
        gmr_ok = first < 0
        if "gmr" in conc:
            out["gmr"] = (gmr_ok, first)
        if "smr" in conc:
            smr_ok, smr_first = gmr_ok.copy(), first.copy()
            rows = np.flatnonzero(gmr_ok & (np.diff(ci.indptr) > 0)).astype(np.int64)
            if rows.size:
                w = _smr_unsanctioned(g, H, others, ci, rows)
                smr_ok[rows] = w < 0
                smr_first[rows] = w
            out["smr"] = (smr_ok, smr_first)
    if "seq" in conc:
        joint = [G for G in coalition_units if not set(G) & set(H)]
        units = [g.improvements(k) for k in others]
        units += [g.coalition_improvements(G) for G in joint]

        def credible(j: int) -> IntArray:
            if joint:
                return g.unit_minimum(g.P[j], units)
            return g.move_minimum(j, others, improving=True)

        first = _unsanctioned(g, H, ci, credible)
        out["seq"] = (first < 0, first)
    return out


def _breaks(g: MoveGraph, cls: Sequence[tuple[int, ...]],
            labels: Sequence[tuple[str, ...]], individual: Mapping[str, BoolArray],
            stable: Mapping[str, BoolArray], witness: Mapping[str, IntArray]
            ) -> dict[str, tuple[CoalitionBreak, ...]]:
    """Per concept, the individual equilibria some coalition upsets, each with the first
    failing coalition's move (its members' unilateral moves, shortest legal sequence)."""
    ids, codes = g.actor_ids, g.space.codes
    options = tuple(g.scenario.option_refs)
    m = len(options)
    witness_moves: dict[tuple[int, int, int], tuple[Move, ...]] = {}
    breaks: dict[str, tuple[CoalitionBreak, ...]] = {}
    for c in stable:
        broken = np.flatnonzero(individual[c].all(axis=0) & ~stable[c].all(axis=0))
        out: list[CoalitionBreak] = []
        for s in broken:  # a loop over the (few) broken equilibria
            failing = np.flatnonzero(~stable[c][:, s])
            h = int(failing[0])
            t = int(witness[c][h, s])
            members = cls[h]
            key = (h, int(s), t)
            if key not in witness_moves:  # the same move often breaks several concepts
                witness_moves[key] = tuple(
                    make_move(options, (ids[members[mv]],), int(codes[a]), int(codes[b]))
                    for a, b, mv in member_path(g, members, int(s), t)
                )
            out.append(CoalitionBreak(
                concept=c,
                state=code_text(int(codes[s]), m),
                coalitions=tuple(labels[int(f)] for f in failing),
                coalition=labels[h],
                target=code_text(int(codes[t]), m),
                moves=witness_moves[key],
            ))
        breaks[c] = tuple(out)
    return breaks


__all__ = [
    "COALITION_CONCEPTS",
    "CoalitionBreak",
    "CoalitionResult",
    "Move",
    "MoveGraph",
    "analyse_coalitions",
    "coalition_class",
    "member_path",
]
