"""One self-contained HTML report (jinja2; figures embedded as SVG drawn with matplotlib)."""

from __future__ import annotations

import io
from typing import Any

import jinja2

from detente.strategy.analysis import StrategyReport


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
    for k, v in enumerate(report.variants):
        vals = [v.best.interests.get(i, 0.0) if v.best else 0.0 for i in ids]
        ax.bar(x + k * width, vals, width, label=v.variant)
    ax.set_xticks(x + width * (len(report.variants) - 1) / 2, ids)
    ax.set_ylabel("points")
    ax.set_title("Best reachable outcome, scored on each interest")
    ax.legend(fontsize=7, ncol=3)
    return _svg(fig)


def path_chart(steps: Any, title: str) -> str:
    """The path from the status quo as a row of boxes joined by arrows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(steps) + 1
    fig, ax = plt.subplots(figsize=(max(3.0, 2.6 * n), 1.6))
    ax.axis("off")
    labels = ["status quo"] + [
        f"{s.mover}\n" + "\n".join([f"+{t}" for t in s.taken][:4] + [f"−{w}" for w in
                                                                   s.withdrawn][:3])
        for s in steps
    ]
    for k, lab in enumerate(labels):
        ax.text(k * 2.6, 0, lab, ha="center", va="center", fontsize=7,
                bbox={"boxstyle": "round", "fc": "#eef" if k else "#eee"})
        if k:
            ax.annotate("", xy=(k * 2.6 - 1.0, 0), xytext=((k - 1) * 2.6 + 1.0, 0),
                        arrowprops={"arrowstyle": "->"})
    ax.set_xlim(-1.3, (n - 1) * 2.6 + 1.3)
    ax.set_ylim(-1, 1)
    ax.set_title(title, fontsize=8)
    return _svg(fig)


_TEMPLATE = jinja2.Environment(
    loader=jinja2.PackageLoader("detente.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
)


def render_html(report: StrategyReport) -> str:
    """Render the whole report as one HTML document."""
    paths = {
        v.variant: path_chart(v.best.path, f"{v.name}: path to {v.best.state}")
        for v in report.variants if v.best is not None and v.best.path
    }
    return _TEMPLATE.get_template("report.html.j2").render(
        r=report, interest_svg=interest_chart(report), path_svgs=paths,
    )
