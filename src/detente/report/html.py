"""One self-contained HTML report (jinja2; figures embedded as SVG drawn with matplotlib)."""

from __future__ import annotations

import io
import textwrap
from typing import Any

import jinja2

from detente.report.accountability import sections
from detente.report.bargaining import sensitivity_sentence, sensitivity_table
from detente.report.summary import summary
from detente.report.tables import prim_rows, sensitivity_rows
from detente.report.text import ranking_note, tracked_text
from detente.report.verification import COLUMNS, regime_rows, verification_notes
from detente.strategy.analysis import StrategyReport
from detente.strategy.rules import cell

#: Smallest font in a figure, in points: an SVG point is 4/3 of a CSS pixel, so 8 pt is
#: 10.7 px at natural size; figures are at most :data:`MAX_WIDTH_IN` wide so that the page
#: (1,100 px) never scales them down.
MIN_FONT_PT = 8.0
MAX_WIDTH_IN = 10.5
#: Reachable outcomes whose paths a paths graph draws at most.
PATHS_SHOWN = 4
#: Option changes written on one arrow of a paths graph at most.
CHANGES_SHOWN = 3


def _svg(fig: Any) -> str:
    """SVG text of ``fig`` (a :class:`matplotlib.figure.Figure`), drawn with the Agg-free SVG
    backend; no global backend is switched."""
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context({"svg.hashsalt": "detente", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.find("<svg"):]


def interest_figure(report: StrategyReport) -> Any:
    """Grouped bars: each variant's best reachable outcome scored on each interest (a
    :class:`matplotlib.figure.Figure`)."""
    import numpy as np
    from matplotlib.figure import Figure

    names = [i[1] for i in report.interests]
    fig = Figure(figsize=(min(MAX_WIDTH_IN, 2.0 + 1.6 * len(names)), 3.6), layout="tight")
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(report.variants))
    x = np.arange(len(names))
    for k, e in enumerate(report.ranking):
        v = report.variant(e.variant)
        vals = [v.best.interests.get(i[0], 0.0) if v.best else 0.0 for i in report.interests]
        ax.bar(x + k * width, vals, width, label=v.name)
    ax.set_xticks(x + width * (len(report.variants) - 1) / 2,
                  [textwrap.fill(n, 18) for n in names], fontsize=9)
    ax.tick_params(axis="y", labelsize=9)
    ax.set_ylabel("points on the interest", fontsize=9)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def interest_caption(report: StrategyReport) -> str:
    """What to read from :func:`interest_figure`."""
    weights = ", ".join(f"{name} {100 * w:.0f}%" for _, name, w in report.interests)
    return ("Each group of bars is one interest; each bar is the points that a variant's best "
            "stable outcome reachable from the status quo earns on it (higher is better). The "
            f"total score in the comparison table weights the interests: {weights}.")


def _changes(step: Any) -> str:
    parts = [f"+{t}" for t in step.taken] + [f"−{w}" for w in step.withdrawn]
    more = len(parts) - CHANGES_SHOWN
    text = ", ".join(parts[:CHANGES_SHOWN]) + (f" and {more} more" if more > 0 else "")
    return textwrap.fill(text, 26)


def paths_sentence(v: Any) -> str | None:
    """A sentence instead of a graph when the graph would hold one state (``None`` when a
    graph is worth drawing)."""
    if not v.reachable:
        return f"Under {v.name} no stable outcome is reachable from the status quo."
    chosen = [o for o in v.reachable[:PATHS_SHOWN] if o.path]
    if chosen:
        return None
    if v.n_reachable_states <= 1:
        return (f"Under {v.name} the status quo is the only reachable state: no actor or "
                "coalition has a move from it that leaves it better off, so the conflict "
                "stays where it is.")
    return (f"Under {v.name} the status quo is itself the best stable outcome reachable; "
            f"{v.n_reachable_states - 1:,} other states can be reached but none scores higher.")


def paths_figure(v: Any, limit: int = PATHS_SHOWN) -> Any:
    """Status-quo paths graph of a variant: the shortest paths to its ``limit`` best reachable
    equilibria, merged (Li et al. 2004's evolution graph restricted to the reported paths).

    Nodes are states laid out by the number of moves from the status quo; arrows are moves,
    labelled with the mover and the options it changes; the equilibria reached are gold.
    Returns a :class:`matplotlib.figure.Figure`, or ``None`` when :func:`paths_sentence`
    applies."""
    from matplotlib.figure import Figure

    if paths_sentence(v) is not None:
        return None
    chosen = [o for o in v.reachable[:limit] if o.path]
    nodes: dict[str, int] = {}
    edges: dict[tuple[str, str], str] = {}
    ends = {o.state for o in chosen}
    for o in chosen:
        for depth, st in enumerate(o.path):
            nodes.setdefault(st.before, depth)
            nodes.setdefault(st.after, depth + 1)
            edges[(st.before, st.after)] = f"{st.mover}:\n{_changes(st)}"
    layers: dict[int, list[str]] = {}
    for state, depth in nodes.items():
        layers.setdefault(depth, []).append(state)
    pos = {}
    for depth, states in layers.items():
        for k, state in enumerate(sorted(states)):
            pos[state] = (depth * 3.0, -k * 2.4 + (len(states) - 1) * 1.2)
    n_layers = max(layers) + 1
    tallest = max(len(s) for s in layers.values())
    width = min(MAX_WIDTH_IN, 3.4 * n_layers)
    height = max(1.6, 1.5 * tallest + 0.6)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x_lo, x_hi = min(xs) - 1.3, max(xs) + 1.3
    per_inch = (x_hi - x_lo) / width
    chars = max(len(st) for st in nodes)
    half = ((MIN_FONT_PT + 1) * 0.6 * chars + 14) / 72 / 2 * per_inch + 0.05
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.axis("off")
    for (a, b), label in edges.items():
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate("", xy=(x1 - half, y1), xytext=(x0 + half, y0),
                    arrowprops={"arrowstyle": "->", "color": "#446"})
        # the label ends where the arrow ends, above it: siblings' labels sit at their own
        # targets' heights and never overlap
        ax.text(x1 - half, y1 + 0.3, label, ha="right", va="bottom", fontsize=MIN_FONT_PT,
                color="#334", linespacing=1.1)
    sq = min(nodes, key=lambda st: nodes[st])
    for state, (x, y) in pos.items():
        colour = "#ffd966" if state in ends else ("#9fc5e8" if state == sq else "#eef")
        text = f"status quo\n{state}" if state == sq else state
        ax.text(x, y, text, ha="center", va="center", fontsize=MIN_FONT_PT + 1,
                family="monospace", bbox={"boxstyle": "round", "fc": colour})
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
    return fig


def paths_caption(v: Any, limit: int = PATHS_SHOWN) -> str:
    """What to read from :func:`paths_figure`, and what it leaves out."""
    shown = len([o for o in v.reachable[:limit] if o.path])
    out = (f"How {v.name} gets from the status quo (blue) to its best stable outcomes (gold). "
           "Each box is a state, one letter per option (Y taken, N not, in the order of the "
           "option list); each arrow is one move, labelled with who moves and which options "
           "they take (+) or drop (−).")
    left = v.n_reachable_equilibria - shown
    if left > 0:
        out += (f" Drawn: the shortest paths to the {shown} best of the "
                f"{v.n_reachable_equilibria:,} stable outcomes reachable; the other {left:,} "
                f"(and the {v.n_reachable_states:,} reachable states in all) are left out and "
                "listed in the JSON.")
    return out


_TEMPLATE = jinja2.Environment(
    loader=jinja2.PackageLoader("detente.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
)
_TEMPLATE.globals["verification_rows"] = regime_rows
_TEMPLATE.globals["verification_notes"] = verification_notes
_TEMPLATE.globals["verification_columns"] = COLUMNS
_TEMPLATE.globals["concept_names"] = {
    "nash": "Nash", "gmr": "general metarationality (GMR)",
    "smr": "symmetric metarationality (SMR)", "seq": "sequential stability (SEQ)",
    "sim": "simultaneous sanctioning (SIM)"}
_TEMPLATE.globals["sensitivity_sentence"] = sensitivity_sentence
_TEMPLATE.globals["sensitivity_table"] = sensitivity_table


def variant_figures(report: StrategyReport) -> dict[str, dict[str, str]]:
    """Per variant: ``svg`` and ``caption`` of its paths graph, or ``sentence`` instead."""
    out: dict[str, dict[str, str]] = {}
    for v in report.variants:
        sentence = paths_sentence(v)
        if sentence is not None:
            out[v.variant] = {"sentence": sentence}
        else:
            out[v.variant] = {"svg": _svg(paths_figure(v)), "caption": paths_caption(v)}
    return out


def exploration_figures(exploration: Any) -> list[dict[str, str]]:
    """The exploration's figures as SVG with captions (outcome shares, the expected/worst
    trade-off, the PRIM peeling trajectory)."""
    from detente.strategy.explore import summary_figures

    captions = {
        "outcome_shares": "Share of the sampled assumptions in which each variant ends in "
        "each class of outcome (the bar of a variant adds up to 100%).",
        "tradeoff": "Each variant's average score across the samples (right is better) "
        "against its worst score in any sample (up is better): a robust variant sits up and "
        "to the right.",
        "prim": "The peeling trajectory of the first box that describes where the plan falls "
        "short: each point is a candidate box, with coverage (the share of all shortfalls "
        "inside it) against density (the share of its samples that fall short). Moving left "
        "trades coverage for density; the ring marks the box selected, the star the box "
        "after widening and simplification. `detente explore summary --prim-step N` prints "
        "any point.",
    }
    return [{"svg": _svg(fig), "caption": captions.get(name, "")}
            for name, fig in summary_figures(exploration).items()]


def render_html(report: StrategyReport, exploration: Any = None) -> str:
    """Render the whole report as one self-contained HTML document (no external files:
    figures are inline SVG, styles inline; prints with one section per page).

    ``exploration`` is an optional
    :class:`~detente.strategy.explore.summary.ExploreSummary` whose robustness, PRIM boxes and
    figures are included and summarised."""
    return _TEMPLATE.get_template("report.html.j2").render(
        r=report, interest_svg=_svg(interest_figure(report)) if report.interests else "",
        interest_caption=interest_caption(report) if report.interests else "",
        paths=variant_figures(report), note=ranking_note(report), tracked_text=tracked_text,
        rule_cell=cell, acc=sections(report), summary=summary(report, exploration),
        ex=exploration, ex_figures=exploration_figures(exploration) if exploration else [],
        ex_boxes=prim_rows(exploration) if exploration else [],
        sens=sensitivity_rows(report),
    )
