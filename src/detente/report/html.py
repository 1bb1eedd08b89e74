"""One self-contained HTML report (jinja2; figures embedded as SVG drawn with matplotlib)."""

from __future__ import annotations

import io
from typing import Any

import jinja2

from detente.report.accountability import sections
from detente.report.bargaining import sensitivity_sentence, sensitivity_table
from detente.report.text import ranking_note, tracked_text
from detente.report.verification import regime_rows
from detente.strategy.analysis import StrategyReport
from detente.strategy.rules import cell


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg"):]


def interest_chart(report: StrategyReport) -> str:
    """Grouped bars: each variant's best reachable outcome scored on each interest."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    ids = [i[0] for i in report.interests]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    width = 0.8 / max(1, len(report.variants))
    x = np.arange(len(ids))
    for k, e in enumerate(report.ranking):
        v = report.variant(e.variant)
        vals = [v.best.interests.get(i, 0.0) if v.best else 0.0 for i in ids]
        ax.bar(x + k * width, vals, width, label=v.variant)
    ax.set_xticks(x + width * (len(report.variants) - 1) / 2, ids)
    ax.set_ylabel("points")
    ax.set_title("Best reachable outcome, scored on each interest")
    ax.legend(fontsize=7, ncol=3)
    return _svg(fig)


def paths_graph(outcomes: Any, title: str, limit: int = 6) -> str:
    """Status-quo paths graph: the shortest paths to the best reachable equilibria, merged.

    Nodes are states laid out by the number of moves from the status quo; edges are labelled
    with the mover; the equilibria reached are highlighted (Li et al. 2004's evolution graph,
    restricted to the paths reported)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chosen = [o for o in outcomes[:limit] if o.path] or list(outcomes[:1])
    nodes: dict[str, int] = {}
    edges: dict[tuple[str, str], str] = {}
    ends = {o.state for o in chosen}
    for o in chosen:
        for depth, st in enumerate(o.path):
            nodes.setdefault(st.before, depth)
            nodes.setdefault(st.after, depth + 1)
            edges[(st.before, st.after)] = st.mover
        if not o.path:
            nodes.setdefault(o.state, 0)
    layers: dict[int, list[str]] = {}
    for state, depth in nodes.items():
        layers.setdefault(depth, []).append(state)
    pos = {}
    for depth, states in layers.items():
        for k, state in enumerate(sorted(states)):
            pos[state] = (depth * 3.0, -k * 1.2 + (len(states) - 1) * 0.6)
    width = max(4.0, 2.2 * (max(layers) + 1))
    height = max(1.8, 0.9 * max(len(v) for v in layers.values()) + 0.8)
    fig, ax = plt.subplots(figsize=(width, height))
    ax.axis("off")
    for (a, b), mover in edges.items():
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate("", xy=(x1 - 0.9, y1), xytext=(x0 + 0.9, y0),
                    arrowprops={"arrowstyle": "->", "color": "#446"})
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.18, mover, ha="center", fontsize=6,
                color="#446")
    for state, (x, y) in pos.items():
        colour = "#ffd966" if state in ends else ("#ddd" if nodes[state] == 0 else "#eef")
        ax.text(x, y, state, ha="center", va="center", fontsize=6, family="monospace",
                bbox={"boxstyle": "round", "fc": colour})
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.4, max(xs) + 1.4)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_title(title, fontsize=8)
    return _svg(fig)


_TEMPLATE = jinja2.Environment(
    loader=jinja2.PackageLoader("detente.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
)
_TEMPLATE.globals["verification_rows"] = regime_rows
_TEMPLATE.globals["sensitivity_sentence"] = sensitivity_sentence
_TEMPLATE.globals["sensitivity_table"] = sensitivity_table


def render_html(report: StrategyReport) -> str:
    """Render the whole report as one HTML document."""
    paths = {
        v.variant: paths_graph(v.reachable, f"{v.name}: paths from the status quo "
                               "(grey) to the best reachable equilibria (gold)")
        for v in report.variants if v.reachable
    }
    return _TEMPLATE.get_template("report.html.j2").render(
        r=report, interest_svg=interest_chart(report) if report.interests else "",
        path_svgs=paths, note=ranking_note(report), tracked_text=tracked_text, rule_cell=cell,
        acc=sections(report),
    )
