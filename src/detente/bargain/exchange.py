"""Stokman & Van Oosten's exchange model with the equal-gain rule of the Decide framework.

Sources: Stokman & Van Oosten (1994, "The exchange of voting positions: an object-oriented
model of policy networks", in *European Community Decision Making*, Yale UP;
"SvO"); Stokman & Thomson / the Decide framework (J. Draaijer, F. Stokman, GitHub
foarsitter/decide-exchange-model, ``decide/model/{base,calculations,equalgain}.py``).

Notation: actor ``i`` on issue ``d`` has position ``x_id``, salience ``s_id`` and power
``c_id``; ``w_id = c_id s_id``. Positions are rescaled to ``0..100`` by the issue's scale
(Decide's normalisation); results are reported back in the issue's own units.

One round:

1. **Outcome** ``O_d = sum_i w_id x_id / sum_i w_id`` (SvO; Decide's Nash bargaining
   solution, ``calculations.nash_bargaining_solution``).
2. **Who can trade** (SvO; Decide ``determine_groups``): for each pair of issues
   ``(p, q)`` an actor is *left* on an issue when ``x_id < O_d``. Two actors can trade
   when they are on opposite sides of the outcome on both issues (Decide's groups a-d and
   b-c).
3. **Who gives in on what** (SvO; Decide ``AbstractExchange``): actor ``A`` demands
   the issue that is relatively more salient to it; with ``s_ip / s_iq >= s_jp / s_jq``
   actor ``i`` demands ``p`` and supplies ``q``. The supplier of ``p`` (``B``) moves its
   voting position on ``p`` toward ``A``'s position, and ``A`` moves on ``q`` toward
   ``B``'s.
4. **Equal gain** (Decide ``calculations.by_exchange_ratio``): ``B``'s move shifts ``O_p``
   by ``dO_p = |move_B| w_Bp / sum w_p``; ``A``'s shifts ``O_q`` by ``dO_q``. Each actor's
   gain is ``s_dem dO_dem - s_sup dO_sup``; equal gains need
   ``dO_q = dO_p (s_Ap + s_Bp) / (s_Aq + s_Bq)``, and the common gain is
   ``dO_p (s_Ap s_Bq - s_Aq s_Bp) / (s_Aq + s_Bq)``.
5. **Caps**: the exchange is as large as possible such that neither actor moves past the
   other's position (Decide ``EqualGainExchange.calculate``) and, with ``nbs_cap``, no
   outcome moves past the demander's position (Decide ``check_nbs``).
6. **Realisation** (SvO; Decide ``ModelLoop.loop``): the valid exchange with the
   largest gain is realised, then the remaining exchanges it affects are re-sized from the
   new voting positions and outcomes, and those that became invalid are dropped; repeat
   until none is left. With ``recompute="actor"`` (default, Decide's rule) the affected
   exchanges are those in which one of the two actors supplies or demands the same issue
   as in the realised one; the others keep their earlier size and gain. With
   ``recompute="issue"`` every exchange on either issue is re-sized, since both outcomes
   moved. A valid exchange has a gain above ``gain_tol``, both moves above ``1e-10``, and
   never asks an actor to move back on an issue it already moved on this round (Decide
   ``is_move_valid``).
7. **Next round** (Decide ``calculations.new_start_position``): an actor that moved on an
   issue starts the next round at ``(1 - l) x + l y`` with ``l = (1 - s) * 0.4 + 0.1``
   (``y`` its final voting position, ``s`` its salience on the issue); others keep ``x``.

The positions reported for round ``t`` are these next start positions; the voting
positions are kept on each :class:`~detente.bargain.results.RoundRecord`.

Departures from Decide (documented on purpose):

* Ties between equal gains (within ``tie_tol``) go to the first exchange in a fixed order
  (issue pair in input order, groups a-d before b-c, then the actors' input order), or,
  with ``tie_break="random"``, to a seeded random choice; Decide uses an unseeded
  ``random.random()``.
* The demanders' target positions are their start-of-round positions, as in Decide, but
  outcomes are always computed from every current voting position; Decide sizes each
  exchange against its own partial record of earlier moves. When the outcome cap binds,
  Decide's ``check_nbs`` uses the supplier's required *position* as the size of its move;
  here the move is the distance to that position.
* The run stops early (``stop_reason="settled"``) after a round in which no exchange was
  realised, since every later round would repeat it.

Check against Decide: on the municipal-toll sample the 240 candidate exchanges and the two
largest gains (1.9736842105, 1.7926363088) equal those asserted in Decide's
``test_model.py``; on the CoP21 data the first 40 realised exchanges of round 1 equal, in
order, actors, issues and gain (to 1e-5), the 2016 reference list shipped with Decide
(``data/input/CoP21.compare.csv``), and 114 of its 128 exchanges appear with the same gain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from detente.bargain.baselines import weighted_mean, weighted_median
from detente.bargain.data import IssueTable
from detente.bargain.results import (
    ExchangeRecord,
    Forecast,
    PackageForecast,
    RoundRecord,
    frozen_array,
    frozen_mapping,
)
from detente.errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

TieBreak = Literal["order", "random"]
Recompute = Literal["issue", "actor"]

#: Smallest move that counts (Decide ``is_move_valid``).
MIN_MOVE = 1e-10


@dataclass(frozen=True)
class ExchangeOptions:
    """Options of the equal-gain exchange model.

    Attributes
    ----------
    salience_weight, fixed_weight
        Weights of the next start position ``l = (1 - s) * salience_weight +
        fixed_weight`` (Decide's ``SALIENCE_WEIGHT = 0.4`` and ``FIXED_WEIGHT = 0.1``).
    nbs_cap
        Whether an exchange may not push an outcome past the demander's position.
    tie_break
        ``"order"`` (first in the fixed order) or ``"random"`` (seeded choice).
    seed
        Seed of the random tie-break (``numpy.random.default_rng``).
    gain_tol
        Gains at or below this are not worth an exchange (Decide: ``1e-10``).
    tie_tol
        Gains within ``tie_tol * max(1, gain)`` of the best one tie.
    recompute
        Which exchanges are re-sized after one is realised: ``"issue"`` (every exchange
        on either of its issues, since their outcomes moved) or ``"actor"`` (Decide: only
        exchanges in which one of the two actors supplies or demands the same issue as in
        the realised exchange; the others keep their earlier size and gain).
    """

    salience_weight: float = 0.4
    fixed_weight: float = 0.1
    nbs_cap: bool = True
    tie_break: TieBreak = "order"
    seed: int | None = None
    gain_tol: float = 1e-10
    tie_tol: float = 1e-12
    recompute: Recompute = "actor"

    def __post_init__(self) -> None:
        if self.tie_break not in ("order", "random"):
            raise InputError(f"tie_break must be 'order' or 'random': {self.tie_break!r}")
        if not (0 <= self.fixed_weight and 0 <= self.salience_weight
                and self.salience_weight + self.fixed_weight <= 1):
            raise InputError("salience_weight and fixed_weight must be >= 0 and sum to <= 1")
        if self.recompute not in ("issue", "actor"):
            raise InputError(f"recompute must be 'issue' or 'actor': {self.recompute!r}")
        if self.gain_tol < 0 or self.tie_tol < 0:
            raise InputError("gain_tol and tie_tol must be non-negative")

    def as_dict(self) -> dict[str, Any]:
        """Return the options as a plain dict."""
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Candidates:
    """All candidate exchanges of a round (arrays over candidates).

    Attributes
    ----------
    p, q
        Issue indices: ``demander`` gains on ``p`` and gives in on ``q``.
    demander, supplier
        Actor indices: ``demander`` demands ``p``; ``supplier`` supplies ``p`` (and
        demands ``q``).
    """

    p: IntArray
    q: IntArray
    demander: IntArray
    supplier: IntArray

    @property
    def size(self) -> int:
        """Number of candidates."""
        return int(self.p.size)


def candidate_exchanges(x: FloatArray, salience: FloatArray, w: FloatArray,
                        present: BoolArray) -> Candidates:
    """Return every pair of actors that may trade on every pair of issues.

    Parameters
    ----------
    x
        ``(actors, issues)`` start positions on the 0-100 scale.
    salience
        ``(actors, issues)`` saliences.
    w
        ``(actors, issues)`` weights ``power * salience`` (0 where absent).
    present
        ``(actors, issues)`` presence mask.

    Returns
    -------
    Candidates
        In the fixed order: issue pairs in input order, groups a-d before b-c, then actor
        ``i`` then ``j`` in input order (Decide ``determine_groups``).
    """
    m = x.shape[1]
    outcome = (w * np.where(present, x, 0.0)).sum(axis=0) / w.sum(axis=0)
    left = present & (x < outcome[None, :])
    ps: list[IntArray] = []
    qs: list[IntArray] = []
    dem: list[IntArray] = []
    sup: list[IntArray] = []
    for p, q in combinations(range(m), 2):
        both = present[:, p] & present[:, q]
        group = left[:, p].astype(np.intp) + 2 * left[:, q].astype(np.intp)
        for g_i, g_j in ((0, 3), (1, 2)):
            members_i = np.flatnonzero(both & (group == g_i))
            members_j = np.flatnonzero(both & (group == g_j))
            if members_i.size == 0 or members_j.size == 0:
                continue
            i, j = (a.ravel() for a in np.meshgrid(members_i, members_j, indexing="ij"))
            # i demands p unless s_ip / s_iq < s_jp / s_jq (cross-multiplied: s >= 0).
            j_demands = salience[i, p] * salience[j, q] < salience[j, p] * salience[i, q]
            dem.append(np.where(j_demands, j, i))
            sup.append(np.where(j_demands, i, j))
            ps.append(np.full(i.size, p, dtype=np.intp))
            qs.append(np.full(i.size, q, dtype=np.intp))
    if not ps:
        empty = np.zeros(0, dtype=np.intp)
        return Candidates(p=empty, q=empty, demander=empty, supplier=empty)
    return Candidates(
        p=np.concatenate(ps),
        q=np.concatenate(qs),
        demander=np.concatenate(dem),
        supplier=np.concatenate(sup),
    )


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Sizes and gains of a set of candidate exchanges.

    Attributes
    ----------
    gain
        Equal gain of each actor (``-inf`` where invalid).
    move_supplier
        Signed move of the supplier on ``p`` (0-100 scale).
    move_demander
        Signed move of the demander on ``q`` (0-100 scale).
    valid
        Whether the exchange may be realised.
    """

    gain: FloatArray
    move_supplier: FloatArray
    move_demander: FloatArray
    valid: BoolArray


def evaluate_exchanges(
    cand: Candidates,
    idx: IntArray,
    x: FloatArray,
    y: FloatArray,
    salience: FloatArray,
    w: FloatArray,
    outcome: FloatArray,
    direction: npt.NDArray[np.int8],
    *,
    nbs_cap: bool = True,
    gain_tol: float = 1e-10,
) -> Evaluation:
    """Size the candidate exchanges ``idx`` given the current voting positions.

    Parameters
    ----------
    cand
        All candidates.
    idx
        Which candidates to evaluate.
    x
        Start positions (the demanders' targets), 0-100 scale.
    y
        Current voting positions, 0-100 scale.
    salience, w
        Saliences and weights, ``(actors, issues)``.
    outcome
        Current outcome (weighted mean of ``y``) per issue.
    direction
        ``(actors, issues)`` direction already moved this round (-1, 0, +1).
    nbs_cap
        Whether an outcome may not pass the demander's position.
    gain_tol
        Minimum gain.

    Returns
    -------
    Evaluation
        Gains, moves and validity for ``idx``.
    """
    p, q = cand.p[idx], cand.q[idx]
    a, b = cand.demander[idx], cand.supplier[idx]
    total = w.sum(axis=0)
    s_ap, s_aq = salience[a, p], salience[a, q]
    s_bp, s_bq = salience[b, p], salience[b, q]
    w_bp, w_aq = w[b, p], w[a, q]
    gap_p = x[a, p] - y[b, p]  # the supplier of p moves toward the demander's position
    gap_q = x[b, q] - y[a, q]  # the demander moves on q toward the supplier's position
    dir_b = np.sign(gap_p)
    dir_a = np.sign(gap_q)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (s_ap + s_bp) / (s_aq + s_bq)  # dO_q = ratio * dO_p
        cap = np.minimum(np.abs(gap_p) * w_bp / total[p], np.abs(gap_q) * w_aq / total[q] / ratio)
        if nbs_cap:
            cap = np.minimum(cap, dir_b * (x[a, p] - outcome[p]))
            cap = np.minimum(cap, dir_a * (x[b, q] - outcome[q]) / ratio)
        gain = cap * (s_ap - s_aq * ratio)
        move_b = dir_b * cap * total[p] / w_bp
        move_a = dir_a * ratio * cap * total[q] / w_aq
    d_b = direction[b, p]
    d_a = direction[a, q]
    valid = (
        np.isfinite(gain)
        & np.isfinite(move_a)
        & np.isfinite(move_b)
        & (cap > 0)
        & (gain > gain_tol)
        & (np.abs(move_b) > MIN_MOVE)
        & (np.abs(move_a) > MIN_MOVE)
        & ((d_b == 0) | (d_b == dir_b))
        & ((d_a == 0) | (d_a == dir_a))
        & (w_bp > 0)
        & (w_aq > 0)
    )
    return Evaluation(
        gain=np.where(valid, gain, -np.inf),
        move_supplier=np.where(valid, move_b, 0.0),
        move_demander=np.where(valid, move_a, 0.0),
        valid=valid,
    )


@dataclass(frozen=True, eq=False)
class RoundOutcome:
    """What one round of the exchange model did (0-100 scale).

    Attributes
    ----------
    voting
        Voting positions at the end of the round.
    next_start
        Start positions of the next round.
    realised
        ``(candidate index, supplier move, demander move, gain, supplier's new position on
        p, demander's new position on q)`` in order of realisation.
    candidates
        Number of candidate exchanges at the start of the round.
    """

    voting: FloatArray
    next_start: FloatArray
    realised: tuple[tuple[int, float, float, float, float, float], ...]
    candidates: Candidates


def exchange_round(
    x: FloatArray,
    salience: FloatArray,
    w: FloatArray,
    present: BoolArray,
    opts: ExchangeOptions,
    rng: np.random.Generator | None = None,
) -> RoundOutcome:
    """Run one round: find, size and greedily realise exchanges (see the module docstring).

    Parameters
    ----------
    x
        ``(actors, issues)`` start positions, 0-100 scale (any value where absent).
    salience, w, present
        Saliences, weights (0 where absent) and presence.
    opts
        Model options.
    rng
        Generator for ``tie_break="random"``.

    Returns
    -------
    RoundOutcome
        Voting positions, next start positions and the realised exchanges.
    """
    cand = candidate_exchanges(x, salience, w, present)
    y = x.copy()
    total = w.sum(axis=0)
    outcome = (w * np.where(present, y, 0.0)).sum(axis=0) / total
    direction = np.zeros(x.shape, dtype=np.int8)
    k = cand.size
    gains = np.full(k, -np.inf)
    move_b = np.zeros(k)
    move_a = np.zeros(k)
    alive = np.zeros(k, dtype=bool)

    def update(idx: IntArray) -> None:
        ev = evaluate_exchanges(cand, idx, x, y, salience, w, outcome, direction,
                                nbs_cap=opts.nbs_cap, gain_tol=opts.gain_tol)
        gains[idx] = ev.gain
        move_b[idx] = ev.move_supplier
        move_a[idx] = ev.move_demander
        alive[idx] &= ev.valid

    alive[:] = True
    update(np.arange(k))
    realised: list[tuple[int, float, float, float, float, float]] = []
    while alive.any():
        best_gain = float(gains[alive].max())
        tied = np.flatnonzero(alive & (gains >= best_gain - opts.tie_tol * max(1.0, best_gain)))
        if opts.tie_break == "random" and tied.size > 1:
            gen = rng if rng is not None else np.random.default_rng(opts.seed)
            best = int(gen.choice(tied))
        else:
            best = int(tied[0])
        p, q = int(cand.p[best]), int(cand.q[best])
        a, b = int(cand.demander[best]), int(cand.supplier[best])
        mb, ma, g = float(move_b[best]), float(move_a[best]), float(gains[best])
        y[b, p] += mb
        y[a, q] += ma
        direction[b, p] = np.sign(mb)
        direction[a, q] = np.sign(ma)
        outcome[p] += mb * w[b, p] / total[p]
        outcome[q] += ma * w[a, q] / total[q]
        realised.append((best, mb, ma, g, float(y[b, p]), float(y[a, q])))
        alive[best] = False
        if opts.recompute == "issue":
            hit = (cand.p == p) | (cand.q == p) | (cand.p == q) | (cand.q == q)
        else:
            # Decide: only exchanges in which one of the two actors supplies or demands
            # the same issue as in the realised exchange.
            hit = (
                ((cand.supplier == b) & (cand.p == p))
                | ((cand.demander == b) & (cand.q == p))
                | ((cand.supplier == a) & (cand.p == q))
                | ((cand.demander == a) & (cand.q == q))
                | ((cand.demander == a) & (cand.p == p))
                | ((cand.supplier == a) & (cand.q == p))
                | ((cand.demander == b) & (cand.p == q))
                | ((cand.supplier == b) & (cand.q == q))
            )
        touched = np.flatnonzero(alive & hit)
        if touched.size:
            update(touched)
    moved = direction != 0
    lam = (1.0 - salience) * opts.salience_weight + opts.fixed_weight
    next_start = np.where(moved, (1.0 - lam) * x + lam * y, x)
    return RoundOutcome(voting=y, next_start=next_start, realised=tuple(realised),
                        candidates=cand)


def run_exchange(
    table: IssueTable,
    *,
    rounds: int = 10,
    options: ExchangeOptions | None = None,
    extra_parameters: Mapping[str, Any] | None = None,
) -> PackageForecast:
    """Run the equal-gain exchange model on two or more issues.

    Parameters
    ----------
    table
        Actors and issues; every issue needs at least two actors.
    rounds
        Maximum number of rounds (``>= 0``); the run stops early after a round without
        exchanges.
    options
        Model options (defaults: Decide's weights, outcome cap, ordered tie-break).
    extra_parameters
        Recorded in the result's ``parameters``.

    Returns
    -------
    PackageForecast
        One :class:`~detente.bargain.results.Forecast` per issue (in issue units) and the
        realised exchanges of every round.

    Raises
    ------
    ValueError
        With fewer than two issues, or an issue with fewer than two actors, or a negative
        ``rounds``.
    """
    opts = options if options is not None else ExchangeOptions()
    if rounds < 0:
        raise InputError("rounds must be >= 0")
    m = len(table.issues)
    if m < 2:
        raise InputError("the exchange model needs two or more issues")
    present = np.asarray(table.present, dtype=bool)
    counts = present.sum(axis=0)
    for d, name in enumerate(table.issues):
        if counts[d] < 2:
            raise InputError(f"issue {name!r} has fewer than two actors")
    lower = np.asarray(table.lower, dtype=np.float64)
    span = np.asarray(table.upper, dtype=np.float64) - lower
    span = np.where(span > 0, span, 1.0)
    salience = np.where(present, table.salience, 0.0)
    w = np.where(present, table.power * table.salience, 0.0)
    if np.any(w.sum(axis=0) <= 0):
        raise InputError("every issue needs some actor with power x salience > 0")
    x = np.where(present, (np.asarray(table.position) - lower) * 100.0 / span, 0.0)

    def to_units(values: FloatArray) -> FloatArray:
        out: FloatArray = values * span / 100.0 + lower
        return out

    rng = np.random.default_rng(opts.seed)
    starts = [x]
    votings: list[FloatArray] = []
    exchanges: list[tuple[ExchangeRecord, ...]] = []
    candidates: list[int] = []
    stop_reason = "rounds"
    for _ in range(rounds):
        outcome = exchange_round(starts[-1], salience, w, present, opts, rng)
        cand = outcome.candidates
        records = []
        for order, (c, mb, ma, g, y_bp, y_aq) in enumerate(outcome.realised, start=1):
            p, q = int(cand.p[c]), int(cand.q[c])
            a, b = int(cand.demander[c]), int(cand.supplier[c])
            records.append(ExchangeRecord(
                order=order,
                issue_p=table.issues[p],
                issue_q=table.issues[q],
                demander_p=table.actors[a],
                supplier_p=table.actors[b],
                move_p=float(mb * span[p] / 100.0),
                move_q=float(ma * span[q] / 100.0),
                position_p=float(y_bp * span[p] / 100.0 + lower[p]),
                position_q=float(y_aq * span[q] / 100.0 + lower[q]),
                gain=g,
            ))
        exchanges.append(tuple(records))
        candidates.append(cand.size)
        starts.append(outcome.next_start)
        votings.append(outcome.voting)
        if not records:
            stop_reason = "settled"
            break

    forecasts: dict[str, Forecast] = {}
    parameters: dict[str, Any] = {"rounds": rounds, **opts.as_dict()}
    parameters.update(extra_parameters or {})
    for d, name in enumerate(table.issues):
        rows = np.flatnonzero(present[:, d])
        wd = w[rows, d]
        history = []
        for t, start in enumerate(starts):
            pos = to_units(start)[rows, d]
            voting = None if t == 0 else frozen_array(to_units(votings[t - 1])[rows, d])
            history.append(RoundRecord(
                round=t,
                positions=frozen_array(pos),
                median=weighted_median(pos, wd),
                mean=weighted_mean(pos, wd),
                voting_positions=voting,
            ))
        forecasts[name] = Forecast(
            model="exchange",
            variant="equal_gain",
            issue=name,
            actors=tuple(table.actors[i] for i in rows),
            capability=frozen_array(table.power[rows, d]),
            salience=frozen_array(table.salience[rows, d]),
            initial_positions=frozen_array(table.position[rows, d]),
            parameters=frozen_mapping(parameters),
            rounds=tuple(history),
            stop_reason=stop_reason,
        )
    return PackageForecast(
        model="exchange",
        variant="equal_gain",
        issues=table.issues,
        forecasts=frozen_mapping(forecasts),
        parameters=frozen_mapping(parameters),
        exchanges=tuple(exchanges),
        candidates=tuple(candidates),
    )
