"""Status-quo analysis: how the conflict can evolve from the status quo to an equilibrium.

Sources
-------
Li, K.W., Kilgour, D.M., Hipel, K.W. (2005). "Status quo analysis in the graph model for
conflict resolution". *Journal of the Operational Research Society* 56(6), 699-707: the
status-quo diagram (states reachable from the status quo by moves and countermoves, with or
without restrictions on moves) and the reachability of equilibria.
Li, K.W., Hipel, K.W., Kilgour, D.M., Noakes, D.J. (2005). "Integrating uncertain preferences
into status quo analysis with applications to an aquatic environmental conflict". *Group
Decision and Negotiation* 14(6), 461-479.
Xu, H., Kilgour, D.M., Hipel, K.W., Kemkes, G. (2010). "Using matrices to link conflict
evolution and resolution in a graph model". *European Journal of Operational Research* 207(1),
192-200: the problem is a shortest *coloured* path (arcs coloured by the mover, no two
consecutive arcs of the same colour) from the status quo to each equilibrium.
The papers' texts could not be opened while this was written; the definitions below follow
their abstracts and the graph-model definitions of Fang, Hipel and Kilgour (1993).

Definitions
-----------
A *step* is a unilateral improvement ``s → t ∈ R_i^+(s)`` of an actor ``i`` (the mover) or,
with ``coalitions``, a coalition improvement ``s → t ∈ R_H^{++}(s)`` of a coalition ``H``
(:mod:`detente.conflict.coalitions`, C3; the mover is the coalition). An *evolution* from the
status quo is a sequence of steps in which, by default, no mover acts twice in succession
(``legal=True``: the coloured paths of Xu et al. 2010; a coalition and its members are different
movers); ``legal=False`` drops that restriction. A state is *reachable* when some evolution
ends at it; the analysis reports which equilibria (under one stability concept of the
individual analysis) are reachable and, for each, a shortest evolution with the mover and the
options changed at every step.

Algorithm
---------
Breadth-first search over the nodes ``(state, last mover)``, one level at a time: every level
expands the whole frontier for each mover at once (CSR row gathers, no loop over states), so
reachability and the shortest-path tree of a large state space cost ``O(levels × edges)``.
Coalition improvements are computed only for the states the search reaches.
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.conflict.concepts import CONCEPTS, concept_name, parse_concept
from detente.conflict.engine import ConflictModel, analyse, build_model, structure_key
from detente.conflict.graph import (
    EDGE_LIMIT,
    BfsTree,
    IntArray,
    Move,
    MoveGraph,
    Successors,
    coalition_class,
    legal_bfs,
    make_move,
    member_path,
)
from detente.conflict.reach import (
    first_coalition_improvements,
    group_reach,
    has_coalition_improvement,
)
from detente.conflict.result import ConflictResult
from detente.display import dataframe
from detente.errors import InputError, ScenarioError
from detente.scenario.codes import to_code
from detente.scenario.model import Preference, Scenario

#: Default largest number of states drawn by :meth:`PathsResult.to_dot` / ``to_svg``.
MAX_DRAWN = 150
#: With more reachable states than ``MAX_DRAWN``, the paths drawn at most (the shortest).
MAX_PATHS_DRAWN = 8


# -- result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathsResult(ConflictResult):
    """Status-quo analysis: reachable states, reachable equilibria and shortest evolutions.

    Attributes
    ----------
    scenario, digest, variant, options, parameters, version
        Provenance (:class:`~detente.conflict.result.ConflictResult`).
    actors
        Actor ids.
    codes
        Feasible state codes, increasing.
    status_quo
        The code the evolutions start from.
    concept
        The stability concept whose equilibria are the destinations.
    movers
        Mover labels: the actors, then any coalitions (members joined by ``+``).
    mover_members
        The actors of each mover.
    legal
        Whether a mover may not act twice in succession.
    depth
        Per feasible state: the fewest steps from the status quo (``-1``: unreachable).
    equilibrium
        Per feasible state: an equilibrium under ``concept``.
    parent, parent_mover
        Shortest-path tree: previous state index and mover index (``-1`` at the root and for
        unreachable states).
    target
        The requested destination (code), if any.
    paths
        Destination code -> the steps of a shortest evolution.
    edges
        ``(from, to, mover)`` index rows of every step leaving a reachable state, or ``None``
        when there are more than :data:`EDGE_LIMIT`.
    improvable
        Per feasible state: some coalition among the movers (two or more actors) has a
        coalition improvement from it (computed for reachable states; all ``False`` without
        coalitions).
    """

    actors: tuple[str, ...]
    codes: IntArray
    status_quo: int
    concept: str
    movers: tuple[str, ...]
    mover_members: tuple[tuple[str, ...], ...]
    legal: bool
    depth: NDArray[np.int32]
    equilibrium: NDArray[np.bool_]
    parent: IntArray
    parent_mover: NDArray[np.int32]
    target: int | None
    paths: Mapping[int, tuple[Move, ...]]
    edges: IntArray | None
    improvable: NDArray[np.bool_] | None = None
    _trace: Any = field(default=None, repr=False, compare=False)

    # -- helpers --------------------------------------------------------------------------
    @property
    def reachable(self) -> NDArray[np.bool_]:
        """Per feasible state: reachable from the status quo."""
        return np.asarray(self.depth >= 0)

    @property
    def n_reachable(self) -> int:
        """Number of reachable states (the status quo included)."""
        return int(self.reachable.sum())

    def _codes_where(self, mask: NDArray[np.bool_]) -> list[str]:
        idx = np.flatnonzero(mask)
        idx = idx[np.lexsort((self.codes[idx], self.depth[idx]))] if idx.size else idx
        return [self.code_text(int(c)) for c in self.codes[idx]]

    def reachable_states(self) -> list[str]:
        """Reachable states, nearest first."""
        return self._codes_where(self.reachable)

    def equilibria(self) -> list[str]:
        """All equilibria under :attr:`concept` (increasing code)."""
        return [self.code_text(int(c)) for c in self.codes[self.equilibrium]]

    def reachable_equilibria(self) -> list[str]:
        """Equilibria reachable from the status quo, nearest first."""
        return self._codes_where(self.equilibrium & self.reachable)

    @property
    def resolution(self) -> NDArray[np.bool_]:
        """Per feasible state: a *resolution*, a reachable equilibrium (under :attr:`concept`)
        that no coalition among the movers can improve on; without coalitions, every
        reachable equilibrium."""
        out = self.equilibrium & self.reachable
        if self.improvable is not None:
            out &= ~self.improvable
        return np.asarray(out)

    def resolutions(self) -> list[str]:
        """Reachable equilibria that no coalition among the movers can improve on, nearest
        first (the same as :meth:`reachable_equilibria` without coalitions)."""
        return self._codes_where(self.resolution)

    def unreachable_equilibria(self) -> list[str]:
        """Equilibria no evolution reaches."""
        return [self.code_text(int(c)) for c in self.codes[self.equilibrium & ~self.reachable]]

    def is_reachable(self, state: str | int) -> bool:
        """Whether ``state`` is reachable from the status quo."""
        return bool(self.depth[self._index(state)] >= 0)

    def path(self, state: str | int) -> tuple[Move, ...]:
        """The shortest evolution to ``state`` (computed if not among :attr:`paths`)."""
        idx = self._index(state)
        code = int(self.codes[idx])
        if code in self.paths:
            return self.paths[code]
        if self.depth[idx] < 0:
            raise InputError(f"state {self.code_text(code)} is not reachable from the status "
                             f"quo {self.code_text(self.status_quo)}")
        if self._trace is None:
            raise InputError(f"no path kept for {self.code_text(code)}; call "
                             f"status_quo_paths with target={self.code_text(code)!r}")
        return self._trace(idx)

    def _index(self, state: str | int) -> int:
        return self._feasible_position(self.codes, state)

    # -- conversions ---------------------------------------------------------------------
    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the reachable states and their depth. Needs pandas."""
        return dataframe(self.to_dict()["reachable"], index="state")

    def to_dict(self) -> dict[str, Any]:
        """JSON structure (``detente paths --json``)."""
        idx = np.flatnonzero(self.reachable)
        idx = idx[np.lexsort((self.codes[idx], self.depth[idx]))]
        return {
            "scenario": self.scenario,
            "options": list(self.options),
            "status_quo": self.code_text(self.status_quo),
            "concept": self.concept,
            "legal": self.legal,
            "movers": [{"mover": m, "members": list(mm)}
                       for m, mm in zip(self.movers, self.mover_members, strict=True)],
            "n_states": int(self.codes.shape[0]),
            "reachable": [{"state": self.code_text(int(self.codes[i])),
                           "depth": int(self.depth[i])} for i in idx],
            "equilibria": self.equilibria(),
            "reachable_equilibria": self.reachable_equilibria(),
            "resolutions": self.resolutions(),
            "unreachable_equilibria": self.unreachable_equilibria(),
            "target": None if self.target is None else self.code_text(self.target),
            "paths": {self.code_text(c): [m.to_dict() for m in steps]
                      for c, steps in self.paths.items()},
            "provenance": self.provenance(),
        }

    def _provenance_items(self) -> dict[str, Any]:
        return {"analysis": "status quo", "concept": self.concept,
                "status_quo": self.code_text(self.status_quo), "movers": list(self.movers),
                "legal": self.legal}

    # -- drawing -------------------------------------------------------------------------
    def _drawn(self, max_nodes: int) -> tuple[list[int], list[tuple[int, int, int]], bool]:
        """States (indices) and edges ``(from, to, mover)`` to draw; whether it is complete."""
        path_edges = self._path_edges()
        sq = int(np.searchsorted(self.codes, self.status_quo))
        reach = np.flatnonzero(self.reachable)
        if reach.shape[0] <= max_nodes:
            nodes = [int(i) for i in reach]
            if self.edges is not None:
                edges = [(int(a), int(b), int(m)) for a, b, m in self.edges]
            else:
                edges = [(int(self.parent[i]), int(i), int(self.parent_mover[i]))
                         for i in reach if self.parent[i] >= 0]
            edges = sorted(set(edges) | path_edges)
            return nodes, edges, True
        path_edges = self._path_edges(MAX_PATHS_DRAWN)
        keep = {sq} | {a for a, _, _ in path_edges} | {b for _, b, _ in path_edges}
        return sorted(keep), sorted(path_edges), False

    def _drawn_paths(self, limit: int | None = None) -> list[int]:
        """Destinations whose paths are drawn: shortest first, then by code; the first
        ``limit`` of them."""
        dest = sorted(self.paths, key=lambda c: (len(self.paths[c]), c))
        return dest if limit is None else dest[:limit]

    def _path_edges(self, limit: int | None = None) -> set[tuple[int, int, int]]:
        out: set[tuple[int, int, int]] = set()
        for dest in self._drawn_paths(limit):
            steps = self.paths[dest]
            for mv in steps:
                a = int(np.searchsorted(self.codes, mv.source))
                b = int(np.searchsorted(self.codes, mv.target))
                out.add((a, b, self.movers.index(mv.mover)))
        return out

    def to_dot(self, max_nodes: int = MAX_DRAWN) -> str:
        """Graphviz DOT text of the status-quo diagram.

        States are nodes labelled by their code; edges are steps labelled by the mover; the
        status quo is a bold blue node, equilibria are gold, and the reported shortest paths
        are drawn in red. With more than ``max_nodes`` reachable states only the reported
        paths are drawn.
        """
        nodes, edges, complete = self._drawn(max_nodes)
        on_path = self._path_edges()
        sq = int(np.searchsorted(self.codes, self.status_quo))
        name = _dot_id(f"{self.scenario}: status quo analysis")
        lines = [f"digraph {name} {{", "  rankdir=LR;",
                 '  node [shape=box, style="rounded,filled", fillcolor=white, '
                 'fontname="Helvetica"];',
                 '  edge [fontname="Helvetica", fontsize=10];']
        concept = concept_name(self.concept)
        if not complete:
            lines.append(f"  // {self.n_reachable} reachable states: only the shortest paths "
                         f"to {len(self._drawn_paths(MAX_PATHS_DRAWN))} of the "
                         f"{len(self.paths)} equilibria reported are drawn")
        for i in nodes:
            text = self.code_text(int(self.codes[i]))
            notes = []
            attrs = []
            if i == sq:
                notes.append("status quo")
                attrs += ["penwidth=3", 'color="#1f4e79"']
            if self.equilibrium[i]:
                notes.append(f"{concept} equilibrium")
                attrs.append('fillcolor="#ffd966"')
            elif i == sq:
                attrs.append('fillcolor="#9fc5e8"')
            label = "\\n".join(_dot_escape(x) for x in [text, *notes])
            attrs.insert(0, f'label="{label}"')
            lines.append(f"  {_dot_id(text)} [{', '.join(attrs)}];")
        for a, b, m in edges:
            ta = self.code_text(int(self.codes[a]))
            tb = self.code_text(int(self.codes[b]))
            attrs = [f'label="{_dot_escape(self.movers[m])}"']
            if (a, b, m) in on_path:
                attrs += ['color="#c0392b"', "penwidth=2", 'fontcolor="#c0392b"']
            lines.append(f"  {_dot_id(ta)} -> {_dot_id(tb)} [{', '.join(attrs)}];")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_svg(self, max_nodes: int = MAX_DRAWN) -> str:
        """SVG text of the status-quo diagram drawn with matplotlib (no system binary).

        States are laid out in columns by their distance from the status quo (breadth-first
        depth); colours and the ``max_nodes`` rule are as in :meth:`to_dot`.
        """
        from matplotlib import rc_context

        fig = self._figure(max_nodes)
        buf = io.StringIO()
        with rc_context({"svg.hashsalt": "detente"}):  # stable element ids
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    def to_png(self, max_nodes: int = MAX_DRAWN, dpi: int = 150) -> bytes:
        """PNG image of the diagram of :meth:`to_svg`."""
        buf = io.BytesIO()
        self._figure(max_nodes).savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    def figure(self, max_nodes: int = MAX_DRAWN) -> Any:
        """The status-quo diagram of :meth:`to_svg` as a matplotlib Figure (shows itself in
        a notebook; no backend is set and pyplot is not used)."""
        return self._figure(max_nodes)

    def _figure(self, max_nodes: int) -> Any:
        """The matplotlib figure of the status-quo diagram."""
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyArrowPatch

        nodes, edges, complete = self._drawn(max_nodes)
        on_path = self._path_edges()
        sq = int(np.searchsorted(self.codes, self.status_quo))
        layers: dict[int, list[int]] = {}
        for i in nodes:
            layers.setdefault(int(self.depth[i]), []).append(i)
        ypos: dict[int, float] = {}
        xpos: dict[int, float] = {}
        for d in sorted(layers):
            members = layers[d]
            members.sort(key=lambda i: (ypos.get(int(self.parent[i]), 0.0),
                                        int(self.codes[i])))
            k = len(members)
            for r, i in enumerate(members):
                ypos[i] = (k - 1) / 2.0 - r
                xpos[i] = float(d)
        n_layers = max(layers) + 1 if layers else 1
        tallest = max((len(v) for v in layers.values()), default=1)
        chars = len(self.options)
        column = max(2.6, 0.11 * chars + 1.6)  # inches per depth column
        width = min(24.0, 1.0 + column * n_layers)
        height = min(24.0, 2.0 + 0.65 * tallest)
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes((0.02, 0.02, 0.96, 0.88))
        ax.set_xlim(-0.6, n_layers - 0.4)
        ax.set_ylim(-(tallest - 1) / 2.0 - 0.7, (tallest - 1) / 2.0 + 0.7)
        ax.axis("off")
        # half the width of a node box, in data units (monospace 8 pt: ~4.8 pt a character)
        half = (4.8 * chars + 8.0) / 2.0 * n_layers / (0.96 * width * 72.0)
        concept = concept_name(self.concept)
        title = (f"{self.scenario}: evolution from the status quo "
                 f"{self.code_text(self.status_quo)} ({concept} equilibria in gold)")
        if not complete:
            title += (f". {self.n_reachable:,} states are reachable: drawn are only the "
                      f"shortest paths to {len(self._drawn_paths(MAX_PATHS_DRAWN))} of the "
                      f"{len(self.paths):,} equilibria reported (all are in --json)")
        fig.suptitle(textwrap.fill(title, max(40, int(width * 72 / 6.5))), fontsize=10)
        grouped: dict[tuple[int, int], list[int]] = {}
        for a, b, m in edges:  # one arrow per pair of states, all its movers on the label
            grouped.setdefault((a, b), []).append(m)
        for (a, b), ms in grouped.items():
            hot = any((a, b, m) in on_path for m in ms)
            colour = "#c0392b" if hot else "#7f7f7f"
            if xpos[b] > xpos[a]:  # forward: right side to left side
                p0, p1, style = (xpos[a] + half, ypos[a]), (xpos[b] - half, ypos[b]), 0.0
            elif xpos[b] < xpos[a]:  # back towards the status quo
                p0, p1, style = (xpos[a] - half, ypos[a]), (xpos[b] + half, ypos[b]), 0.3
            else:  # within one column
                p0, p1, style = (xpos[a] + half, ypos[a]), (xpos[b] + half, ypos[b]), -0.6
            ax.add_patch(FancyArrowPatch(
                p0, p1, arrowstyle="-|>", mutation_scale=10, shrinkA=2, shrinkB=2,
                connectionstyle=f"arc3,rad={style}", color=colour,
                linewidth=1.6 if hot else 0.8, zorder=1,
            ))
            mx, my = (p0[0] + p1[0]) / 2.0, (p0[1] + p1[1]) / 2.0
            if style:
                mx += 0.25 * abs(style) * (1 if style < 0 else 0)
                my += 0.15
            ax.text(mx, my, ", ".join(self.movers[m] for m in ms), fontsize=7, ha="center",
                    va="bottom", color="#c0392b" if hot else "#404040", zorder=3)
        for i in nodes:
            face = "#ffd966" if self.equilibrium[i] else ("#9fc5e8" if i == sq else "white")
            edge = "#1f4e79" if i == sq else "#404040"
            ax.text(xpos[i], ypos[i], self.code_text(int(self.codes[i])), fontsize=8,
                    family="monospace", ha="center", va="center", zorder=4,
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": face, "edgecolor": edge,
                          "linewidth": 2.0 if i == sq else 0.8})
            if i == sq:
                ax.text(xpos[i], ypos[i] - 0.22, "status quo", fontsize=7, ha="center",
                        va="top", color="#1f4e79", zorder=4)
        return fig


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- the analysis ----------------------------------------------------------------------------


def _state_index(scenario: Scenario, model: ConflictModel, state: str | int, what: str) -> int:
    code = to_code(state, scenario.n_options, scenario.option_refs, what=what)
    pos = int(model.space.position(np.array([code], dtype=np.int64))[0])
    if pos < 0:
        raise InputError(f"{what} {scenario.code_text(code)} is not a feasible state")
    return pos


#: Largest number of (origin, target) comparisons in one call for which a coalition's steps
#: are all listed (and kept for reuse); above it, or once :data:`PAIR_BUDGET` pairs are kept,
#: steps are found target-first: one parent per newly reached state (bounded memory).
PAIR_LIMIT = 1 << 26
#: Most coalition improvements kept per coalition during one search.
PAIR_BUDGET = 1 << 24


class _JointSteps:
    """A coalition's steps for :func:`legal_bfs`: every pair (kept, and reused for
    :meth:`improvable`) while that stays small, else one step to each state not yet
    reached."""

    wants_mask = True

    def __init__(self, g: MoveGraph, H: tuple[int, ...]) -> None:
        self.g, self.H = g, H

    def __call__(self, states: IntArray, wanted: NDArray[np.bool_] | None = None
                 ) -> tuple[IntArray, IntArray]:
        g, H = self.g, self.H
        reach = group_reach(g.model.moves, H)
        if wanted is None or (
                g.kept_pairs(H) < PAIR_BUDGET
                and reach.pair_count(reach.label[np.asarray(states)]) <= PAIR_LIMIT):
            return g.coalition_improvements_from(H, states)
        src, dst = first_coalition_improvements(g.model.moves, g.P, H, states, wanted)
        pos = np.searchsorted(states, src)  # states are unique and increasing here
        return pos, dst

    def improvable(self, states: IntArray) -> NDArray[np.bool_]:
        """Per state: the coalition has an improvement from it (from the kept pairs where
        they cover the state)."""
        states = np.asarray(states, dtype=np.int64)
        known, has = self.g.known_improvable(self.H, states)
        out = has.copy()
        todo = ~known
        if todo.any():
            out[todo] = has_coalition_improvement(self.g.model.moves, self.g.P, self.H,
                                                  states[todo])
        return out


def status_quo_paths(
    scenario: Scenario,
    concept: str = "seq",
    coalitions: bool | str | Iterable[Iterable[str]] = False,
    target: str | int | None = None,
    *,
    start: str | int | None = None,
    legal: bool = True,
    sanctions: str = "legal",
    model: ConflictModel | None = None,
    preferences: Mapping[str, Preference] | None = None,
    payoffs: Mapping[str, NDArray[np.unsignedinteger]] | None = None,
    max_states: int | None = None,
    edge_limit: int = EDGE_LIMIT,
    equilibrium: NDArray[np.bool_] | None = None,
    max_paths: int | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> PathsResult:
    """Status-quo analysis (Li, Kilgour and Hipel 2005; Xu et al. 2010).

    Parameters
    ----------
    scenario
        A validated scenario.
    concept
        Stability concept of the equilibria sought (``nash``, ``gmr``, ``smr``, ``seq`` or
        ``sim``; individual analysis).
    coalitions
        ``False``: unilateral improvements only. ``True``: also coalition improvements of the
        scenario's ``coalitions:`` (of every coalition of two or more actors if it has none);
        ``"all"`` or a list of lists of actor ids choose the coalitions.
    target
        A state (code or ``Y``/``N`` text): report the path to it instead of to every
        reachable equilibrium.
    start
        Start here instead of at the scenario's ``status_quo``.
    legal
        No mover twice in succession (default, as in the definitions).
    sanctions
        Passed to the stability analysis that finds the equilibria.
    model, preferences, payoffs, max_states
        As for :func:`~detente.conflict.engine.analyse`.
    edge_limit
        Keep the reachable sub-graph's edges (for drawing) only up to this many (``0``: keep
        none).
    equilibrium
        The equilibria under ``concept`` when already computed (per feasible state); skips
        the stability analysis.
    max_paths
        Compute the shortest evolutions of only the first this many destinations (nearest
        first); :meth:`PathsResult.path` computes any other on request.
    progress
        Called as ``progress(fraction of the states reached, stage)`` during the search.

    Returns
    -------
    PathsResult
        Reachable states with their distance, the reachable equilibria and, for each, a
        shortest evolution (mover and options changed at every step).

    Raises
    ------
    ScenarioError
        When the scenario has no status quo and ``start`` is not given.
    ValueError
        For an unknown concept or an infeasible or malformed state.

    Examples
    --------
    >>> import detente
    >>> from detente.conflict.paths import status_quo_paths
    >>> elmira = detente.load_scenario(detente.scenario_path("elmira"))
    >>> status_quo_paths(elmira).reachable_equilibria()
    ['NYNNY']
    """
    concept = parse_concept(concept, CONCEPTS)
    if model is None or model.key != structure_key(scenario):
        model = build_model(scenario, max_states=max_states)
    s0 = _state_index(scenario, model, _start(scenario, start), "status quo")
    t_idx = None if target is None else _state_index(scenario, model, target, "target state")
    pay = payoffs if payoffs is not None else model.payoffs(preferences, scenario)
    if equilibrium is None:
        eq = analyse(scenario, concept, sanctions, model=model, payoffs=pay
                     ).equilibrium_mask(concept)
    else:
        eq = np.asarray(equilibrium, dtype=bool)
    g = MoveGraph(model, pay)
    movers = _movers(g, scenario, coalitions)
    tree = legal_bfs(g.n, movers.steps, s0, legal=legal, collect_edges=edge_limit > 0,
                     edge_limit=edge_limit, progress=_level_progress(progress, g.n))
    depth = tree.state_depth()
    if progress is not None:
        progress(1.0, f"{int((depth >= 0).sum()):,} states reachable; tracing the paths")
    codes = model.space.codes
    reach = np.flatnonzero(depth >= 0)
    improvable = movers.improvable(reach, g.n)
    trace = _Tracer(g, movers.members, tree)
    dest = _destinations(eq, depth, codes, t_idx, max_paths)
    parent, parent_mover = _parents(tree, reach, g.n)
    ids = g.actor_ids
    return PathsResult(
        scenario=scenario.name,
        digest=scenario.digest,
        variant=scenario.variant,
        actors=ids,
        options=tuple(scenario.option_refs),
        codes=codes,
        status_quo=int(codes[s0]),
        concept=concept,
        movers=tuple(movers.labels),
        mover_members=tuple(tuple(ids[k] for k in H) for H in movers.members),
        legal=legal,
        depth=depth,
        equilibrium=np.asarray(eq, dtype=bool),
        parent=parent,
        parent_mover=parent_mover,
        target=None if t_idx is None else int(codes[t_idx]),
        paths={int(codes[t]): trace(int(t)) for t in dest},
        edges=tree.edges,
        improvable=improvable,
        parameters={
            "n_states": g.n,
            "layout": "dense" if model.space.dense else "sparse",
            "sanctions": sanctions,
            "steps": "unilateral and coalition improvements" if movers.joint
            else "unilateral improvements",
        },
        _trace=trace,
    )


# -- the pieces of the analysis ----------------------------------------------------------------


def _start(scenario: Scenario, start: str | int | None) -> str | int:
    """The start state: ``start``, else the scenario's status quo (refused when absent)."""
    if start is not None:
        return start
    if scenario.status_quo is None:
        raise ScenarioError(
            "the scenario has no status quo; add `status_quo: <state code>` to the file "
            "or give a start state", source=scenario.source, field="status_quo")
    return scenario.status_quo


@dataclass(frozen=True)
class _Movers:
    """The movers of the search: each actor, then each coalition of two or more actors.

    ``labels`` name them (members joined by ``+``), ``members`` give their actor indices and
    ``steps`` their successor functions for :func:`~detente.conflict.graph.legal_bfs`.
    """

    labels: list[str]
    members: list[tuple[int, ...]]
    steps: list[Successors]
    joint: list[_JointSteps]

    def improvable(self, reach: IntArray, n: int) -> NDArray[np.bool_]:
        """Per state: some coalition mover can still improve on it (reachable states)."""
        out = np.zeros(n, dtype=bool)
        for joint in self.joint:
            out[reach] |= joint.improvable(reach)
        return out


def _movers(g: MoveGraph, scenario: Scenario,
            coalitions: bool | str | Iterable[Iterable[str]]) -> _Movers:
    """Every actor, plus the chosen coalitions (``False``: none; ``True``: the scenario's
    or every one)."""
    ids = g.actor_ids
    labels: list[str] = list(ids)
    members: list[tuple[int, ...]] = [(k,) for k in range(len(ids))]
    steps: list[Successors] = [functools.partial(g.improvements_from, k)
                               for k in range(len(ids))]
    joint: list[_JointSteps] = []
    if coalitions is not False:
        chosen = None if coalitions is True else coalitions
        for H in coalition_class(scenario, chosen, singletons=False):
            if len(H) < 2:
                continue
            labels.append("+".join(ids[k] for k in H))
            members.append(H)
            joint.append(_JointSteps(g, H))
            steps.append(joint[-1])
    return _Movers(labels, members, steps, joint)


def _level_progress(progress: Callable[[float, str], None] | None, n: int
                    ) -> Callable[[int, int], None] | None:
    """The search's per-level callback reporting the share of states reached."""
    if progress is None:
        return None

    def level(d: int, reached: int) -> None:
        progress(reached / max(1, n), f"step {d}: {reached:,} states reached")

    return level


class _Tracer:
    """The steps of a shortest evolution to a state index, from the search tree; a coalition
    step lists its members' moves (cached: paths share their first joint steps)."""

    def __init__(self, g: MoveGraph, members: Sequence[tuple[int, ...]], tree: BfsTree) -> None:
        self.g, self.members, self.tree = g, members, tree
        self.options = tuple(g.scenario.option_refs)
        self.vias: dict[tuple[int, int, int], tuple[Move, ...]] = {}

    def _via(self, a: int, b: int, mv: int) -> tuple[Move, ...]:
        H = self.members[mv]
        if len(H) < 2:
            return ()
        if (a, b, mv) not in self.vias:
            codes, ids = self.g.space.codes, self.g.actor_ids
            self.vias[a, b, mv] = tuple(
                make_move(self.options, (ids[H[k]],), int(codes[x]), int(codes[y]))
                for x, y, k in member_path(self.g, H, a, b))
        return self.vias[a, b, mv]

    def __call__(self, t: int) -> tuple[Move, ...]:
        codes, ids = self.g.space.codes, self.g.actor_ids
        return tuple(
            make_move(self.options, tuple(ids[k] for k in self.members[mv]), int(codes[a]),
                      int(codes[b]), self._via(a, b, mv))
            for a, b, mv in self.tree.path_to(int(t)))


def _destinations(eq: NDArray[np.bool_], depth: NDArray[np.int32], codes: IntArray,
                  t_idx: int | None, max_paths: int | None) -> IntArray:
    """The states whose paths are traced: the target if reachable, else the reachable
    equilibria, nearest first (the first ``max_paths`` of them)."""
    if t_idx is not None:
        return np.array([t_idx] if depth[t_idx] >= 0 else [], dtype=np.int64)
    dest = np.flatnonzero(eq & (depth >= 0))
    dest = dest[np.lexsort((codes[dest], depth[dest]))]
    return dest if max_paths is None else dest[:max(0, max_paths)]


def _parents(tree: BfsTree, reach: IntArray, n: int) -> tuple[IntArray, NDArray[np.int32]]:
    """Per state: the previous state and mover on a shortest evolution (``-1``: none)."""
    parent = np.full(n, -1, dtype=np.int64)
    parent_mover = np.full(n, -1, dtype=np.int32)
    if reach.size:
        d = np.where(tree.depth >= 0, tree.depth, np.iinfo(np.int32).max)
        best = np.argmin(d[reach], axis=1)
        parent[reach] = tree.parent_state[reach, best]
        parent_mover[reach] = tree.mover[reach, best]
    return parent, parent_mover


__all__ = ["BfsTree", "PathsResult", "legal_bfs", "status_quo_paths"]
