"""The JSON API under ``/api/`` (described at ``/openapi.json``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from detente.jsonutil import plain
from detente.web.service import ApiError, Workbench

Concept = Literal["nash", "gmr", "smr", "seq"]
RunStatus = Literal["queued", "running", "done", "failed", "timeout", "cancelled", "interrupted"]
ScenarioId = Annotated[str, PathParam(min_length=1, max_length=100,
                                      description="A bundled scenario's name (e.g. korea-2017) "
                                                  "or a user scenario's number.")]
RunId = Annotated[int, PathParam(ge=1, le=(1 << 62), description="The run's number.")]
Label = Annotated[str | None, Query(max_length=200, description="File name shown in error "
                                                              "messages (only a label).")]

_TEXT_BODY = {
    "requestBody": {
        "required": True,
        "description": "The scenario: detente YAML (or JSON), or a GMCR+ save file (JSON).",
        "content": {
            "application/yaml": {"schema": {"type": "object"}},
            "text/plain": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


class ErrorOut(BaseModel):
    """An error: one line saying what is wrong and how to fix it."""

    detail: str
    code: str
    line: int | None = None
    field: str | None = None


class OptionOut(BaseModel):
    """An option of an actor."""

    id: str
    name: str
    reversible: str


class ActorOut(BaseModel):
    """An actor and its options."""

    id: str
    name: str
    options: list[OptionOut]


class PreferenceOut(BaseModel):
    """An actor's preferences: statements (most important first) or a ranking."""

    actor: str
    kind: str
    statements: list[str]
    groups: int


class VariantOut(BaseModel):
    """A variant of the scenario."""

    id: str
    name: str
    description: str


class InterestOut(BaseModel):
    """An interest on which outcomes are scored."""

    id: str
    name: str
    weight: float


class StructureOut(BaseModel):
    """The structured view of a valid scenario."""

    name: str
    description: str
    n_options: int
    status_quo: str | None
    actors: list[ActorOut]
    infeasible: list[str]
    preferences: list[PreferenceOut]
    variants: list[VariantOut]
    interests: list[InterestOut]
    coalitions: list[list[str]]
    verification: bool
    issues: list[str]


class VersionOut(BaseModel):
    """One saved version."""

    version: int
    name: str
    created: float
    sha256: str


class ScenarioOut(BaseModel):
    """A scenario in the list (bundled, or the user's)."""

    id: str
    name: str
    description: str
    builtin: bool
    label: str
    version: int | None
    versions: int
    origin: str | None
    created: float | None
    updated: float | None
    n_actors: int | None = None
    n_options: int | None = None
    variants: list[str] | None = None
    links: dict[str, str]


class ScenarioDetailOut(ScenarioOut):
    """A scenario with its text, structure and saved versions."""

    version_shown: int | None
    text: str
    valid: bool
    error: str | None
    line: int | None
    structure: StructureOut | None
    history: list[VersionOut]
    notes: list[str]


class ValidationOut(BaseModel):
    """The check of an editor's text: the loader's one-line error, or the structure."""

    valid: bool
    error: str | None
    line: int | None
    field: str | None
    structure: StructureOut | None
    notes: list[str]


def _all_concepts() -> list[Concept]:
    return ["nash", "gmr", "smr", "seq"]


class RunIn(BaseModel):
    """A run to start."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(min_length=1, max_length=100,
                          description="Scenario id (a bundled name or a user scenario number).")
    version: int | None = Field(default=None, ge=1, le=1 << 62,
                                description="Version of a user scenario (default: latest).")
    variants: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=50,
        description="Variants to compare ('base' for the base model); default: all.")
    concept: Concept = Field(default="seq", description="Concept by which outcomes are judged.")
    concepts: list[Concept] = Field(default_factory=_all_concepts, max_length=8,
                                    description="Concepts reported for every variant.")
    sensitivity: bool = Field(default=False, description="Run the preference-perturbation "
                                                         "pass (slow on large scenarios).")


class RunParamsOut(BaseModel):
    """What a run computes."""

    variants: list[str] | None
    concept: str | None
    concepts: list[str] | None
    sensitivity: bool | None


class RunOut(BaseModel):
    """A run and how far it has come."""

    id: int
    scenario: str
    version: int | None
    scenario_name: str
    status: RunStatus
    stage: str | None
    progress: float
    error: str | None
    created: float
    started: float | None
    finished: float | None
    elapsed: float | None
    time_limit: float
    params: RunParamsOut
    links: dict[str, str]


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such scenario, version or run."},
    413: {"model": ErrorOut, "description": "The request body is over the size limit."},
    422: {"model": ErrorOut, "description": "Invalid input (one line saying how to fix it)."},
}


def wb(request: Request) -> Workbench:
    """The app's :class:`Workbench`."""
    workbench: Workbench = request.app.state.workbench
    return workbench


async def read_text(request: Request) -> str:
    """The request body as text (UTF-8; a byte-order mark is dropped)."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(422, "not_utf8", "the request body is not UTF-8 text; send the "
                       "scenario as UTF-8") from None
    return text.removeprefix("\ufeff")


router = APIRouter(prefix="/api", responses=_ERRORS)


@router.get("/scenarios", response_model=list[ScenarioOut], tags=["scenarios"])
def list_scenarios(request: Request) -> list[dict[str, Any]]:
    """The bundled scenarios and the user's."""
    return wb(request).list_scenarios()


@router.post("/scenarios", response_model=ScenarioDetailOut, status_code=201,
             tags=["scenarios"], openapi_extra=_TEXT_BODY)
async def create_scenario(request: Request, response: Response,
                          label: Label = None) -> dict[str, Any]:
    """Store a new scenario; the body is the YAML (or a GMCR+ save file, converted to YAML)."""
    text = await read_text(request)
    out = await _threaded(wb(request).create_scenario, text, label)
    response.headers["Location"] = out["links"]["self"]
    return out


@router.get("/scenarios/{sid}", response_model=ScenarioDetailOut, tags=["scenarios"])
def get_scenario(request: Request, sid: ScenarioId,
                 version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
                 ) -> dict[str, Any]:
    """A scenario's text, structure and saved versions (a given version with ``version``)."""
    return wb(request).scenario_detail(sid, version)


@router.put("/scenarios/{sid}", response_model=ScenarioDetailOut, tags=["scenarios"],
            openapi_extra=_TEXT_BODY,
            responses={403: {"model": ErrorOut, "description": "Bundled scenarios are "
                                                               "read-only."},
                       409: {"model": ErrorOut, "description": "base_version is not the "
                                                               "latest version."}})
async def put_scenario(request: Request, sid: ScenarioId,
                       base_version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
                       ) -> dict[str, Any]:
    """Save the body as the next version (every version is kept)."""
    text = await read_text(request)
    return await _threaded(wb(request).save_version, sid, text, base_version)


@router.delete("/scenarios/{sid}", status_code=204, tags=["scenarios"],
               responses={403: {"model": ErrorOut, "description": "Bundled scenarios are "
                                                                  "read-only."}})
def delete_scenario(request: Request, sid: ScenarioId) -> Response:
    """Delete a user scenario (its runs stay readable)."""
    wb(request).delete(sid)
    return Response(status_code=204)


@router.post("/scenarios/{sid}/duplicate", response_model=ScenarioDetailOut, status_code=201,
             tags=["scenarios"])
def duplicate_scenario(request: Request, response: Response, sid: ScenarioId,
                       version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None
                       ) -> dict[str, Any]:
    """Copy a scenario (bundled or the user's) into a new user scenario."""
    out = wb(request).duplicate(sid, version)
    response.headers["Location"] = out["links"]["self"]
    return out


@router.post("/validate", response_model=ValidationOut, tags=["scenarios"],
             openapi_extra=_TEXT_BODY)
async def validate(request: Request, label: Label = None) -> dict[str, Any]:
    """Check scenario text without saving it (the editor calls this on every change)."""
    text = await read_text(request)
    return await _threaded(wb(request).validate, text, label)


@router.get("/scenarios/{sid}/hindcast", tags=["analyses"],
            responses={200: {"content": {"application/json": {"schema": {"type": "object"}}},
                             "description": "What `detente hindcast --json` prints."}})
def scenario_hindcast(
    request: Request, sid: ScenarioId,
    version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None,
    variant: Annotated[str | None, Query(max_length=100, description="A variant of the "
                                         "scenario (default: the base model).")] = None,
    edits: Annotated[int, Query(ge=0, le=2, description="Longest list of statement edits "
                                "tried per actor (0 skips the search).")] = 2,
) -> JSONResponse:
    """The model held against the scenario's recorded ``history:``: per step the movers,
    whether it improves them, stability and reachability of the reached state; then the
    fewest statement edits that make the record consistent. A scenario without a history
    answers ``{"recorded": false, "message": "no history recorded", ...}``."""
    return JSONResponse(wb(request).hindcast(sid, version, variant, edits))


@router.post("/runs", response_model=RunOut, status_code=202, tags=["runs"],
             responses={429: {"model": ErrorOut, "description": "Every run slot is taken."}})
def create_run(request: Request, response: Response, run: RunIn) -> dict[str, Any]:
    """Start an analysis in the background; poll ``GET /api/runs/{id}``."""
    w = wb(request)
    row = w.create_run(run.scenario, run.version, run.variants, run.concept, list(run.concepts),
                       run.sensitivity)
    response.headers["Location"] = f"/api/runs/{row.id}"
    return w.run_info(row)


@router.get("/runs", response_model=list[RunOut], tags=["runs"])
def list_runs(request: Request,
              scenario: Annotated[str | None, Query(max_length=100)] = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    """The most recent runs (of one scenario with ``scenario``)."""
    w = wb(request)
    return [w.run_info(r) for r in w.store.list_runs(limit, scenario)]


@router.get("/runs/{rid}", response_model=RunOut, tags=["runs"])
def get_run(request: Request, rid: RunId) -> dict[str, Any]:
    """A run: its status, progress, and links to the result when done."""
    w = wb(request)
    return w.run_info(w.get_run(rid))


@router.post("/runs/{rid}/cancel", response_model=RunOut, tags=["runs"],
             responses={409: {"model": ErrorOut, "description": "The run has finished."}})
def cancel_run(request: Request, rid: RunId) -> dict[str, Any]:
    """Stop a waiting or running run."""
    w = wb(request)
    return w.run_info(w.cancel(rid))


@router.get("/runs/{rid}/result", tags=["runs"],
            responses={200: {"content": {"application/json": {"schema": {"type": "object"}}},
                             "description": "What `detente analyze --json` prints."},
                       409: {"model": ErrorOut, "description": "The run has no result."}})
def run_result(request: Request, rid: RunId,
               download: Annotated[bool, Query()] = False) -> Response:
    """The full result as JSON (the same structure as ``detente analyze --json``)."""
    text = wb(request).result_text(rid, "report_json")
    headers = {"Content-Disposition": f'attachment; filename="detente-run-{rid}.json"'} \
        if download else {}
    return Response(text, media_type="application/json", headers=headers)


@router.get("/runs/{rid}/report", tags=["runs"], response_class=HTMLResponse,
            responses={409: {"model": ErrorOut, "description": "The run has no result."}})
def run_report(request: Request, rid: RunId) -> Response:
    """The self-contained HTML report (as ``detente analyze --html``), as a download."""
    text = wb(request).result_text(rid, "report_html")
    return HTMLResponse(text, headers={
        "Content-Disposition": f'attachment; filename="detente-run-{rid}.html"',
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                   "img-src data:; sandbox",
    })


@router.get("/runs/{rid}/figures/{name}.svg", tags=["runs"],
            responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}},
                             "description": "An SVG figure."},
                       409: {"model": ErrorOut, "description": "The run has no result."}})
def run_figure(request: Request, rid: RunId,
               name: Annotated[str, PathParam(max_length=120)]) -> Response:
    """A figure of the results: ``paths-<variant>`` (the status-quo paths graph)."""
    svg = wb(request).figure(rid, name)
    return Response(svg, media_type="image/svg+xml", headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "Cache-Control": "max-age=86400, immutable"})


ExplainConcept = Literal["nash", "gmr", "smr", "seq", "sim"]
SanctionRule = Literal["legal", "distinct"]


class ExplainIn(BaseModel):
    """A state to explain."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(min_length=1, max_length=100,
                          description="Scenario id (a bundled name or a user scenario number).")
    state: str = Field(min_length=1, max_length=200,
                       description="The state: one Y or N per option, in the scenario's order.")
    concept: ExplainConcept = Field(default="seq", description="Stability concept.")
    sanctions: SanctionRule = Field(default="legal", description="legal: any legal sequence "
                                    "of opponents' moves; distinct: each opponent at most once.")
    variant: str | None = Field(default=None, max_length=100,
                                description="Variant to apply ('base' or none: the base model).")
    version: int | None = Field(default=None, ge=1, le=1 << 62,
                                description="Version of a user scenario (default: latest).")


_EXPLAIN_OUT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}},
          "description": "What `detente explain --json` prints: per actor, `stable` and the "
                         "`improvements` (`to`, `deterred`, `sanction`, `why`), the coalitions, "
                         "the provenance, and a link to the page."}}


@router.get("/explain", tags=["explain"], responses=_EXPLAIN_OUT)
def explain_get(
    request: Request,
    scenario: Annotated[str, Query(min_length=1, max_length=100,
                                   description="Scenario id (bundled name or number).")],
    state: Annotated[str, Query(min_length=1, max_length=200,
                                description="One Y or N per option.")],
    concept: Annotated[ExplainConcept, Query()] = "seq",
    sanctions: Annotated[SanctionRule, Query()] = "legal",
    variant: Annotated[str | None, Query(max_length=100)] = None,
    version: Annotated[int | None, Query(ge=1, le=1 << 62)] = None,
) -> JSONResponse:
    """Why a state is stable or not: each actor's improvements, whether the concept's
    sanction condition deters each, and a shortest sanction (as ``detente explain --json``)."""
    return JSONResponse(wb(request).explain(scenario, state, concept, sanctions, variant,
                                            version))


@router.post("/explain", tags=["explain"], responses=_EXPLAIN_OUT)
def explain_post(request: Request, body: ExplainIn) -> JSONResponse:
    """The same as ``GET /api/explain``, with the parameters as a JSON body."""
    return JSONResponse(wb(request).explain(body.scenario, body.state, body.concept,
                                            body.sanctions, body.variant, body.version))


# -- analyses computed in the request: the CLI's conflict commands ---------------------------

Variant = Annotated[str | None, Query(max_length=100, description="A variant of the scenario "
                                      "(default: the base model).")]
Version = Annotated[int | None, Query(ge=1, le=1 << 62, description="Version of a user "
                                      "scenario (default: latest).")]
Concepts = Annotated[list[Annotated[str, Field(max_length=40)]] | None,
                     Query(max_length=8, description="Concepts (repeatable, or "
                           "comma-separated); default: every concept of the analysis.")]
StateCode = Annotated[str, Query(min_length=1, max_length=200,
                                 description="A state: one Y or N per option.")]
OptState = Annotated[str | None, Query(max_length=200, description="A state: one Y or N per "
                                       "option.")]


def _as_json(what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"schema": {"type": "object"}}},
                  "description": f"What `detente {what} --json` prints (the result's keys "
                                 "and its provenance)."}}


def _concepts(values: list[str] | None) -> list[str] | None:
    return None if not values else [c for v in values for c in v.split(",") if c.strip()]


@router.get("/scenarios/{sid}/stability", tags=["analyses"], responses=_as_json("stability"))
def scenario_stability(request: Request, sid: ScenarioId, concept: Concepts = None,
                       sanctions: Annotated[SanctionRule, Query()] = "legal",
                       variant: Variant = None, version: Version = None) -> JSONResponse:
    """Stability of every state for every actor under each concept (nash, gmr, smr, seq,
    sim) and the equilibria; ``sanctions`` as ``--sanctions`` (legal or distinct)."""
    return JSONResponse(plain(wb(request).stability(sid, _concepts(concept), sanctions,
                                                    variant, version)))


@router.get("/scenarios/{sid}/coalitions", tags=["analyses"], responses=_as_json("coalitions"))
def scenario_coalitions(
    request: Request, sid: ScenarioId, concept: Concepts = None,
    coalition: Annotated[list[Annotated[str, Field(max_length=400)]] | None,
                         Query(max_length=64, description="A coalition as comma-separated "
                               "actor ids (repeatable); default: the file's `coalitions:`, "
                               "else every coalition.")] = None,
    all: Annotated[bool, Query(description="Every coalition of the actors.")] = False,
    variant: Variant = None, version: Version = None,
) -> JSONResponse:
    """Which equilibria of the individual analysis survive joint moves of coalitions, and the
    joint move that upsets each of the others (nash, gmr, smr, seq)."""
    if coalition and all:
        raise ApiError(422, "invalid_request", "give either coalition (repeatable) or "
                       "all=true, not both")
    chosen: str | list[list[str]] | None = "all" if all else None
    if coalition:
        chosen = [[m.strip() for m in c.split(",") if m.strip()] for c in coalition]
    return JSONResponse(plain(wb(request).coalitions(sid, _concepts(concept), chosen, variant,
                                                     version)))


PathsConcept = Annotated[str, Query(max_length=10, description="Equilibria sought: nash, gmr, "
                                    "smr, seq or sim.")]
Joint = Annotated[bool, Query(description="Also let coalitions move jointly (the file's "
                              "`coalitions:`, or every coalition of two or more actors).")]


@router.get("/scenarios/{sid}/paths", tags=["analyses"], responses=_as_json("paths"))
def scenario_paths(request: Request, sid: ScenarioId, concept: PathsConcept = "seq",
                   coalitions: Joint = False,
                   start: Annotated[str | None, Query(alias="from", max_length=200,
                                                      description="Start here instead of at "
                                                      "the status quo.")] = None,
                   to: OptState = None, variant: Variant = None,
                   version: Version = None) -> JSONResponse:
    """Status-quo analysis: the states reachable by improvements from the status quo (with
    ``coalitions``, joint ones too) and a shortest evolution to each reachable equilibrium
    (to ``to`` only, when given)."""
    return JSONResponse(plain(wb(request).paths(sid, concept, coalitions, start, to, variant,
                                                version)))


@router.get("/scenarios/{sid}/paths.svg", tags=["analyses"],
            responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}},
                             "description": "The diagram `detente paths --plot FILE.svg` "
                                            "draws."}})
def scenario_paths_svg(request: Request, sid: ScenarioId, concept: PathsConcept = "seq",
                       coalitions: Joint = False,
                       start: Annotated[str | None, Query(alias="from", max_length=200)] = None,
                       to: OptState = None, variant: Variant = None,
                       version: Version = None) -> Response:
    """The status-quo diagram (the same parameters as ``/paths``)."""
    svg = wb(request).paths_svg(sid, concept, coalitions, start, to, variant, version)
    return Response(svg, media_type="image/svg+xml", headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


@router.get("/scenarios/{sid}/inverse", tags=["analyses"], responses=_as_json("inverse"))
def scenario_inverse(
    request: Request, sid: ScenarioId, target: StateCode,
    concept: Annotated[str, Query(max_length=10, description="nash, gmr, smr or "
                                  "seq.")] = "gmr",
    sanctions: Annotated[SanctionRule, Query()] = "legal",
    actor: Annotated[list[Annotated[str, Field(max_length=100)]] | None,
                     Query(max_length=64, description="Analyse only this actor "
                           "(repeatable).")] = None,
    edits: Annotated[int, Query(ge=0, le=4, description="Longest list of statement edits "
                                "tried per actor (0 skips the search).")] = 2,
    variant: Variant = None, version: Version = None,
) -> JSONResponse:
    """What each actor's preferences must be for ``target`` to be stable: the improvements to
    block, the conditions, the smallest change to the ranking, and the fewest statement edits
    (``statement_edits``)."""
    return JSONResponse(plain(wb(request).inverse(sid, target, concept, sanctions, actor,
                                                  edits, variant, version)))


async def _threaded(fn: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


def error_response(exc: ApiError) -> JSONResponse:
    """The JSON answer of an :class:`ApiError`."""
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers or None)
