"""What a run computes, in its own process: the analysis, the figures and the report.

The server starts one process per run (see :mod:`detente.web.runner`), so a run that passes
its time limit is stopped outright and a long computation never slows the pages. The
process reports its progress and its result through a pipe; it never touches the database.
This module imports the analysis stack at the top so that a fork server that preloads it
starts each run without paying for the imports.
"""

from __future__ import annotations

import json
import os
import traceback
from typing import Any, Protocol

from detente.conflict.paths import EDGE_LIMIT
from detente.errors import DetenteError, StateSpaceTooLarge
from detente.jsonutil import plain
from detente.loading import loads_scenario
from detente.report import render_html
from detente.scenario import variant_of
from detente.strategy.analysis import analyze_scenario, reachable_outcomes
from detente.web.views import build_view


class Sender(Protocol):
    """The sending end of a pipe."""

    def send(self, obj: Any) -> None:
        """Send one message."""


def run_job(conn: Sender, job: dict[str, Any]) -> None:
    """Compute one run and send ``("progress", fraction, stage)`` messages, then one of
    ``("done", result)`` or ``("error", kind, message)``.

    Parameters
    ----------
    conn
        Where to send the messages.
    job
        ``text`` and ``label`` of the scenario; ``variants`` (empty: all), ``concept``,
        ``concepts``, ``sensitivity``, ``max_states``.
    """
    try:
        conn.send(("done", compute(conn, job)))
    except StateSpaceTooLarge as exc:
        conn.send(("error", "state_space", str(exc).replace("\n", " ")))
    except (DetenteError, ValueError, KeyError) as exc:
        conn.send(("error", "input", str(exc).replace("\n", " ")))
    except MemoryError:
        conn.send(("error", "memory", "the analysis ran out of memory; choose fewer variants "
                   "or reduce the scenario"))
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        conn.send(("error", "crash", f"internal error {type(exc).__name__}: {exc} "
                   f"({os.path.basename(last.filename)}:{last.lineno}); please report it"))


#: Evolutions drawn in a variant's status-quo figure (the nearest reachable equilibria).
MAX_PATHS_DRAWN = 12


def compute(conn: Sender, job: dict[str, Any]) -> dict[str, Any]:
    """The analysis of one run (see :func:`run_job`); returns the stored result parts."""
    os.environ["DETENTE_MAX_STATES"] = str(int(job["max_states"]))

    def progress(fraction: float, stage: str) -> None:
        conn.send(("progress", fraction, stage))

    progress(0.02, "reading the scenario")
    text, label = str(job["text"]), str(job["label"])
    scenario = loads_scenario(text, source=label)
    variants = list(job.get("variants") or [])
    ids = variants or [v.id for v in scenario.variants] or ["base"]
    progress(0.05, f"analysing {len(ids)} variant{'s' if len(ids) != 1 else ''}"
             + (" with the sensitivity pass" if job.get("sensitivity") else ""))
    report = analyze_scenario(
        scenario, variants or None, concept=str(job["concept"]),
        concepts=tuple(job["concepts"]), with_sensitivity=bool(job.get("sensitivity")),
        progress=lambda fraction, stage: progress(0.05 + 0.55 * fraction, stage),
    )
    data = plain(report.to_dict())
    figures: dict[str, Any] = {"paths": {}}
    paths: dict[str, Any] = {}
    done = 0.6
    step = 0.25 / max(1, len(report.variants))
    for v in report.variants:
        progress(done, f"status-quo paths of {v.variant}")
        done += step
        vs = scenario if v.variant == "base" else variant_of(scenario, v.variant)
        # analyze's rule (its coalitions move jointly); only the nearest paths are drawn
        pr = reachable_outcomes(vs, concept=report.concept, max_paths=MAX_PATHS_DRAWN,
                                edge_limit=EDGE_LIMIT)
        if pr is None:
            paths[v.variant] = {"note": "the scenario has no status quo"}
            continue
        figures["paths"][v.variant] = pr.to_svg()
        settled = pr.resolutions()
        paths[v.variant] = {
            "reachable": pr.n_reachable,
            "equilibria": len(pr.equilibria()),
            "reachable_equilibria": settled[:20],
            "n_reachable_equilibria": len(settled),
            "movers": [m for m in pr.movers if "+" in m],
            "note": None,
        }
    progress(0.87, "writing the report")
    html = render_html(report)
    progress(0.97, "storing the result")
    return {
        "view": build_view(data, report, paths),
        "report_json": json.dumps(data, indent=2) + "\n",
        "report_html": html,
        "figures": figures,
    }


def child_main(conn: Any, job: dict[str, Any]) -> None:
    """Entry point of a run process: compute, send, close the pipe."""
    try:
        run_job(conn, job)
    finally:
        conn.close()
