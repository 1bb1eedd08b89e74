"""The server-rendered pages (jinja2). Every page works without JavaScript; ``app.js`` adds
validation as you type, the progress bar and the confirmations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

import detente
from detente.web.service import ApiError, Workbench
from detente.web.settings import RUN_CONCEPTS

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

CONCEPT_NAMES = {
    "nash": "Nash (rational)",
    "gmr": "GMR (general metarationality)",
    "smr": "SMR (symmetric metarationality)",
    "seq": "SEQ (sequential stability)",
    "sim": "SIM (simultaneous sanctioning)",
}


def _when(ts: float | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _num(x: Any, digits: int = 2) -> str:
    if isinstance(x, bool) or x is None:
        return "" if x is None else ("yes" if x else "no")
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if x.is_integer() and abs(x) < 1e15:
            return f"{int(x):,}"
        return f"{x:,.{digits}f}"
    return str(x)


templates.env.filters["when"] = _when
templates.env.filters["num"] = _num
templates.env.globals["version"] = detente.__version__
templates.env.globals["concept_names"] = CONCEPT_NAMES

router = APIRouter(include_in_schema=False)


def wb(request: Request) -> Workbench:
    """The app's :class:`Workbench`."""
    workbench: Workbench = request.app.state.workbench
    return workbench


def render(request: Request, name: str, context: dict[str, Any],
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render template ``name``."""
    return templates.TemplateResponse(request, name, context, status_code=status_code,
                                      headers=headers)


def error_page(request: Request, status: int, detail: str,
               headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page that shows one error line."""
    return render(request, "error.html", {"status": status, "detail": detail}, status,
                  headers or None)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- scenario list ------------------------------------------------------------------------------


def _index(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    w = wb(request)
    items = w.list_scenarios()
    return render(request, "index.html", {
        "builtins": [s for s in items if s["builtin"]],
        "mine": [s for s in items if not s["builtin"]],
        "runs": [w.run_info(r) for r in w.store.list_runs(15)],
        "error": error,
        "max_body": w.settings.max_body_bytes,
    }, status)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The scenarios (bundled and the user's), an upload form and the recent runs."""
    return _index(request)


@router.post("/scenarios/upload")
async def upload(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    """Upload a YAML scenario or a GMCR+ save file."""
    data = await file.read()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return _index(request, f"{file.filename}: is not UTF-8 text; upload a YAML scenario "
                      "or a GMCR+ save file", 422)
    try:
        out = wb(request).create_scenario(text, file.filename or "upload.yaml")
    except ApiError as exc:
        return _index(request, exc.detail, exc.status)
    return _see_other(f"/scenarios/{out['id']}")


# -- editor -------------------------------------------------------------------------------------


def _editor(request: Request, sid: str, version: int | None = None, text: str | None = None,
            error: str | None = None, status: int = 200, saved: bool = False) -> HTMLResponse:
    w = wb(request)
    detail = w.scenario_detail(sid, version)
    if text is not None:  # a rejected save: show what the user typed, with the error
        checked = w.validate(text, detail["label"])
        detail.update({"text": text, "valid": checked["valid"], "error": checked["error"],
                       "line": checked["line"], "structure": checked["structure"]})
    latest = detail["version"]
    return render(request, "editor.html", {
        "s": detail,
        "old": detail["version_shown"] is not None and detail["version_shown"] != latest,
        "save_error": error,
        "saved": saved,
        "runs": [w.run_info(r) for r in w.store.list_runs(10, sid)],
    }, status)


@router.get("/scenarios/{sid}", response_class=HTMLResponse)
def editor(request: Request, sid: str,
           version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None,
           saved: bool = False) -> HTMLResponse:
    """The editor: the text with validation, the structured view and the saved versions."""
    return _editor(request, sid, version, saved=saved)


@router.post("/scenarios/{sid}/save")
def save(request: Request, sid: str, text: Annotated[str, Form()],
         base_version: Annotated[int | None, Form()] = None) -> Response:
    """Save the text as the next version (a bundled scenario is saved as a new copy)."""
    w = wb(request)
    text = text.replace("\r\n", "\n")
    try:
        if w.source(sid).builtin:
            out = w.create_scenario(text, f"{sid}.yaml", origin=f"edited copy of {sid}")
            return _see_other(f"/scenarios/{out['id']}?saved=1")
        w.save_version(sid, text, base_version)
    except ApiError as exc:
        if exc.status == 404:
            raise
        return _editor(request, sid, text=text, error=exc.detail, status=exc.status)
    return _see_other(f"/scenarios/{sid}?saved=1")


@router.post("/scenarios/{sid}/duplicate")
def duplicate(request: Request, sid: str,
              version: Annotated[int | None, Form()] = None) -> Response:
    """Copy a scenario and open the copy."""
    out = wb(request).duplicate(sid, version)
    return _see_other(f"/scenarios/{out['id']}")


@router.post("/scenarios/{sid}/delete")
def delete(request: Request, sid: str) -> Response:
    """Delete a user scenario and go back to the list."""
    wb(request).delete(sid)
    return _see_other("/")


# -- explain ------------------------------------------------------------------------------------


@router.get("/scenarios/{sid}/explain", response_class=HTMLResponse)
def explain_page(request: Request, sid: str,
                 state: Annotated[str | None, Query(max_length=200)] = None,
                 concept: Annotated[str, Query(max_length=10)] = "seq",
                 sanctions: Annotated[str, Query(max_length=10)] = "legal",
                 variant: Annotated[str | None, Query(max_length=100)] = None,
                 version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
                 ) -> HTMLResponse:
    """Why a state is stable or not (``detente explain``), with the equilibria as links."""
    from urllib.parse import urlencode

    from detente.conflict import CONCEPTS

    w = wb(request)
    detail = w.scenario_detail(sid, version)
    if not detail["valid"]:
        raise ApiError(422, "invalid_scenario", detail["error"] or "invalid scenario")
    variant = None if variant in (None, "", "base") else variant
    params = {"concept": concept, "sanctions": sanctions}
    if variant:
        params["variant"] = variant
    if version:
        params["version"] = str(version)
    error = None
    status = 200
    e = None
    if state:
        try:
            e = w.explain(sid, state.strip(), concept, sanctions, variant, version)
        except ApiError as exc:
            if exc.status == 404:
                raise
            error, status = exc.detail, exc.status
    equilibria: list[str] | None = None
    total, sq, note = 0, None, None
    if concept in CONCEPTS and sanctions in ("legal", "distinct"):
        equilibria, total, sq = w.equilibria(sid, concept, sanctions, variant, version)
    else:
        note = "choose a concept and a sanction rule to list the equilibria"
    return render(request, "explain.html", {
        "s": detail, "state": state, "concept": concept, "sanctions": sanctions,
        "variant": variant, "concepts": CONCEPTS, "e": e, "error": error,
        "equilibria": equilibria, "equilibria_total": total, "status_quo": sq,
        "listing_note": note,
        "base": f"/scenarios/{sid}/explain?" + urlencode(params),
    }, status)


# -- runs ---------------------------------------------------------------------------------------


def _run_form(request: Request, sid: str, version: int | None = None,
              error: str | None = None, status: int = 200,
              chosen: dict[str, Any] | None = None) -> HTMLResponse:
    w = wb(request)
    detail = w.scenario_detail(sid, version)
    if not detail["valid"]:
        raise ApiError(422, "invalid_scenario", detail["error"] or "invalid scenario")
    return render(request, "run_form.html", {
        "s": detail,
        "concepts": RUN_CONCEPTS,
        "error": error,
        "chosen": chosen or {},
        "time_limit": w.settings.run_timeout,
    }, status)


@router.get("/scenarios/{sid}/run", response_class=HTMLResponse)
def run_form(request: Request, sid: str,
             version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None) -> HTMLResponse:
    """Choose the variants and concepts of a run."""
    return _run_form(request, sid, version)


@router.get("/scenarios/{sid}/hindcast", response_class=HTMLResponse)
def hindcast_page(request: Request, sid: str,
                  version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None,
                  variant: Annotated[str | None, Query(max_length=100)] = None
                  ) -> HTMLResponse:
    """The model against the recorded history (a variant chosen in a form)."""
    w = wb(request)
    detail = w.scenario_detail(sid, version)
    try:
        h = w.hindcast(sid, version, variant)
    except ApiError as exc:
        if exc.status == 404:
            raise
        return render(request, "hindcast.html", {"s": detail, "h": None, "error": exc.detail,
                                                 "variant": variant}, exc.status)
    return render(request, "hindcast.html", {"s": detail, "h": h, "error": None,
                                             "variant": h["variant"]})


@router.post("/runs")
def start_run(request: Request, scenario: Annotated[str, Form(max_length=100)],
              version: Annotated[int | None, Form(ge=1, le=1 << 62)] = None,
              variants: Annotated[list[str] | None, Form()] = None,
              concept: Annotated[str, Form(max_length=10)] = "seq",
              concepts: Annotated[list[str] | None, Form()] = None,
              sensitivity: Annotated[bool, Form()] = False) -> Response:
    """Start a run and show its page."""
    w = wb(request)
    try:
        row = w.create_run(scenario, version, list(variants or []), concept,
                           list(concepts or []), sensitivity)
    except ApiError as exc:
        if exc.status == 404:
            raise
        return _run_form(request, scenario, version, exc.detail, exc.status, {
            "variants": variants or [], "concept": concept, "concepts": concepts or [],
            "sensitivity": sensitivity})
    return _see_other(f"/runs/{row.id}")


@router.get("/runs/{rid}", response_class=HTMLResponse)
def run_page(request: Request, rid: int) -> HTMLResponse:
    """A run: its progress while it computes, then its results (or why it stopped)."""
    w = wb(request)
    row = w.get_run(rid)
    info = w.run_info(row)
    if row.status != "done":
        return render(request, "run.html", {"run": info})
    cached = w.page_cache.get(rid)  # a finished run's results never change
    if cached is None:
        cached = bytes(render(request, "results.html", {"run": info, "v": w.view(rid)}).body)
        w.page_cache.put(rid, cached)
    return HTMLResponse(cached)


@router.post("/runs/{rid}/cancel")
def cancel(request: Request, rid: int) -> Response:
    """Stop a run and show its page."""
    try:
        wb(request).cancel(rid)
    except ApiError as exc:
        if exc.status != 409:
            raise
    return _see_other(f"/runs/{rid}")


# -- analyses computed in the request (the CLI's conflict commands) -----------------------------

#: Rows of the per-state stability table on one page (the JSON has every state).
STATES_PER_PAGE = 50
#: Evolutions shown on the status-quo page (the JSON has all of them).
PATHS_SHOWN = 20


def _analysis(request: Request, sid: str, version: int | None, variant: str | None,
              template: str, compute: Any, params: dict[str, Any],
              extra: dict[str, Any] | None = None) -> HTMLResponse:
    """Render ``template`` with ``r = compute()`` (or the one-line error of a refusal).

    ``params`` are the page's own query parameters (kept in its links: the JSON, the
    pages); the scenario, its version and variant are added to them here."""
    from urllib.parse import urlencode

    w = wb(request)
    detail = w.scenario_detail(sid, version)
    if not detail["valid"]:
        raise ApiError(422, "invalid_scenario", detail["error"] or "invalid scenario")
    variant = None if variant in (None, "", "base") else variant
    keep = {k: v for k, v in params.items() if v not in (None, "", False)}
    if variant:
        keep["variant"] = variant
    if version:
        keep["version"] = version
    context: dict[str, Any] = {"s": detail, "variant": variant, "params": keep,
                               "query": urlencode(keep, doseq=True), "r": None, "error": None,
                               **(extra or {})}
    status = 200
    try:
        context["r"] = compute()
    except ApiError as exc:
        if exc.status == 404:
            raise
        context["error"], status = exc.detail, exc.status
    return render(request, template, context, status)


def _concept_list(values: list[str] | None) -> list[str] | None:
    return None if not values else [c for v in values for c in v.split(",") if c.strip()]


@router.get("/scenarios/{sid}/stability", response_class=HTMLResponse)
def stability_page(request: Request, sid: str,
                   concept: Annotated[list[str] | None, Query(max_length=8)] = None,
                   sanctions: Annotated[str, Query(max_length=10)] = "legal",
                   only: Annotated[str | None, Query(max_length=12)] = None,
                   page: Annotated[int, Query(ge=1, le=1 << 30)] = 1,
                   variant: Annotated[str | None, Query(max_length=100)] = None,
                   version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
                   ) -> HTMLResponse:
    """Stability of every state (``detente stability``): the equilibria of each concept and
    a paged per-state table, every state linked to its explanation."""
    from detente.conflict import CONCEPTS

    w = wb(request)
    chosen = _concept_list(concept)

    def compute() -> dict[str, Any]:
        data = w.stability(sid, chosen, sanctions, variant, version)
        concepts = list(data["concepts"])
        eq = {c: set(data["concepts"][c]["equilibria"]) for c in concepts}
        states = data["states"]
        if only == "equilibria":
            states = [q for q in states if any(q in eq[c] for c in concepts)]
        pages = max(1, -(-len(states) // STATES_PER_PAGE))
        at = min(page, pages)
        shown = states[(at - 1) * STATES_PER_PAGE: at * STATES_PER_PAGE]
        stable = {c: {a: set(v) for a, v in data["concepts"][c]["stable"].items()}
                  for c in concepts}
        rows = [{"state": q, "cells": {c: {"equilibrium": q in eq[c],
                                           "stable": [a for a, v in stable[c].items() if q in v]}
                                       for c in concepts}} for q in shown]
        return {"data": data, "concepts": concepts, "rows": rows, "page": at, "pages": pages,
                "n_listed": len(states), "actors": list(data["concepts"][concepts[0]]["stable"])}

    return _analysis(request, sid, version, variant, "stability.html", compute,
                     {"concept": chosen or [], "sanctions": sanctions, "only": only},
                     {"all_concepts": CONCEPTS, "chosen": chosen or list(CONCEPTS),
                      "sanctions": sanctions, "only": only})


@router.get("/scenarios/{sid}/coalitions", response_class=HTMLResponse)
def coalitions_page(request: Request, sid: str,
                    concept: Annotated[list[str] | None, Query(max_length=8)] = None,
                    coalition: Annotated[str | None, Query(max_length=400)] = None,
                    all: bool = False,
                    variant: Annotated[str | None, Query(max_length=100)] = None,
                    version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
                    ) -> HTMLResponse:
    """Coalition analysis (``detente coalitions``): which equilibria survive joint moves, and
    the joint move that upsets each of the others."""
    import re

    from detente.conflict.coalitions import COALITION_CONCEPTS

    w = wb(request)
    chosen = _concept_list(concept)
    groups = [[m for m in re.split(r"[+,]", g) if m]
              for g in re.split(r"[\s;]+", coalition or "") if g]

    def compute() -> dict[str, Any]:
        if groups and all:
            raise ApiError(422, "invalid_request", "give either coalitions or “every "
                           "coalition”, not both")
        which: str | list[list[str]] | None = "all" if all else (groups or None)
        data = w.coalitions(sid, chosen, which, variant, version)
        data["joint"] = ["+".join(c) for c in data["coalitions"] if len(c) > 1]
        return data

    return _analysis(request, sid, version, variant, "coalitions.html", compute,
                     {"concept": chosen or [], "coalition": coalition, "all": all},
                     {"all_concepts": COALITION_CONCEPTS,
                      "chosen": chosen or list(COALITION_CONCEPTS), "coalition": coalition,
                      "every": all})


@router.get("/scenarios/{sid}/paths", response_class=HTMLResponse)
def paths_page(request: Request, sid: str,
               concept: Annotated[str, Query(max_length=10)] = "seq",
               coalitions: bool = False,
               start: Annotated[str | None, Query(alias="from", max_length=200)] = None,
               to: Annotated[str | None, Query(max_length=200)] = None,
               variant: Annotated[str | None, Query(max_length=100)] = None,
               version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
               ) -> HTMLResponse:
    """Status-quo analysis (``detente paths``) with its diagram (``--plot``)."""
    from detente.conflict import CONCEPTS

    w = wb(request)
    start = (start or "").strip() or None
    to = (to or "").strip() or None

    def compute() -> dict[str, Any]:
        data = w.paths(sid, concept, coalitions, start, to, variant, version)
        depth = max((x["depth"] for x in data["reachable"]), default=0)
        items = list(data["paths"].items())
        eq = set(data["equilibria"])
        return {"data": data, "depth": depth, "paths": items[:PATHS_SHOWN],
                "more": max(0, len(items) - PATHS_SHOWN), "equilibria": eq,
                "joint": any("+" in m["mover"] for m in data["movers"])}

    return _analysis(request, sid, version, variant, "paths.html", compute,
                     {"concept": concept, "coalitions": coalitions, "from": start, "to": to},
                     {"all_concepts": CONCEPTS, "concept": concept, "coalitions": coalitions,
                      "start": start, "to": to})


@router.get("/scenarios/{sid}/inverse", response_class=HTMLResponse)
def inverse_page(request: Request, sid: str,
                 target: Annotated[str | None, Query(max_length=200)] = None,
                 concept: Annotated[str, Query(max_length=10)] = "gmr",
                 sanctions: Annotated[str, Query(max_length=10)] = "legal",
                 edits: Annotated[int, Query(ge=0, le=4)] = 2,
                 variant: Annotated[str | None, Query(max_length=100)] = None,
                 version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
                 ) -> HTMLResponse:
    """Inverse analysis (``detente inverse``): what each actor's preferences must be for a
    target state to be stable, with the fewest statement edits."""
    from detente.conflict.inverse import INVERSE_CONCEPTS

    w = wb(request)
    target = (target or "").strip() or None

    def compute() -> dict[str, Any] | None:
        if target is None:
            return None
        return w.inverse(sid, target, concept, sanctions, None, edits, variant, version)

    return _analysis(request, sid, version, variant, "inverse.html", compute,
                     {"target": target, "concept": concept, "sanctions": sanctions,
                      "edits": edits},
                     {"all_concepts": INVERSE_CONCEPTS, "target": target, "concept": concept,
                      "sanctions": sanctions, "edits": edits})
