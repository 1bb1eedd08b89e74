"""What the pages and the JSON API do, in one place (both faces call these methods).

Errors a user can fix are raised as :class:`ApiError` with an HTTP status, a short code and
one line that says what is wrong and how to fix it; the API answers them as JSON, the pages
as a readable page.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from detente.scenario import Scenario
from detente.web import scenarios as sc
from detente.web.runner import RunManager, TooManyRuns, start_process_server
from detente.web.settings import RUN_CONCEPTS, Settings
from detente.web.store import RunRow, ScenarioRow, Store, VersionConflict, VersionRow

log = logging.getLogger("detente.web")

T = TypeVar("T")

#: Status-quo analyses kept for the diagram that follows their page.
PATHS_CACHED = 4


@dataclass
class ApiError(Exception):
    """An error answered with ``status`` and ``{"detail": detail, "code": code, ...}``."""

    status: int
    code: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail

    def body(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        return {"detail": self.detail, "code": self.code, **self.extra}


def not_found(what: str) -> ApiError:
    """404 for a missing scenario, version or run."""
    return ApiError(404, "not_found", f"{what} not found; check the id (see the lists at "
                    "/api/scenarios and /api/runs)")


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split())


def _parsed(fn: Callable[[], T], code: str) -> T:
    """``fn()``, its :class:`~detente.errors.DetenteError` or ``ValueError`` answered 422
    with ``code`` and the message on one line (never a 500)."""
    from detente.errors import DetenteError

    try:
        return fn()
    except (DetenteError, ValueError) as exc:
        raise ApiError(422, code, _one_line(exc)) from None


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return s[:60] or "scenario"


class PageCache:
    """A small thread-safe LRU cache of rendered results pages (finished runs only)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[int, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: int) -> bytes | None:
        """The cached page, if any."""
        with self._lock:
            page = self._items.get(key)
            if page is not None:
                self._items.move_to_end(key)
            return page

    def put(self, key: int, page: bytes) -> None:
        """Remember a page (forgetting the least recently used beyond ``size``)."""
        with self._lock:
            self._items[key] = page
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass(frozen=True)
class Source:
    """A scenario text chosen for a run or the editor."""

    sid: str
    builtin: bool
    version: int | None
    text: str
    label: str


class Workbench:
    """The workbench's state: settings, database and run manager.

    Parameters
    ----------
    settings
        Limits and the data folder.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.database)
        n = self.store.interrupt_active()
        if n:
            log.warning("%d run(s) left unfinished by a previous server marked interrupted", n)
        self.runs = RunManager(self.store, settings)
        self.page_cache = PageCache()
        self._paths_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._paths_lock = threading.Lock()
        self.started = time.time()

    def warm_up(self) -> None:
        """Start the run processes' fork server and load the bundled scenarios, in the
        background (the first load imports the verification and bargaining models, which
        takes a second)."""

        def work() -> None:
            try:
                start_process_server()
            except Exception:  # pragma: no cover - the first run starts it anyway
                log.exception("could not start the run process server")
            for name in sc.builtin_names():
                try:
                    sc.builtin_scenario(name)
                except Exception:  # pragma: no cover - a broken bundled file shows on use
                    log.exception("bundled scenario %s does not load", name)

        threading.Thread(target=work, name="detente-warm-up", daemon=True).start()

    def close(self) -> None:
        """Stop the runs (unfinished ones are marked interrupted)."""
        self.runs.close()

    # -- scenarios -------------------------------------------------------------------------
    def builtin_summary(self, name: str) -> dict[str, Any]:
        """List entry of a bundled scenario."""
        s = sc.builtin_scenario(name)
        return {
            "id": name, "name": s.name, "description": s.description, "builtin": True,
            "label": f"{name}.yaml", "version": None, "versions": 0, "origin": "bundled",
            "created": None, "updated": None, "n_actors": len(s.actors),
            "n_options": s.n_options, "variants": [v.id for v in s.variants],
            "links": self._scenario_links(name),
        }

    def user_summary(self, row: ScenarioRow) -> dict[str, Any]:
        """List entry of a user scenario."""
        return {
            "id": str(row.id), "name": row.latest.name, "description": row.latest.description,
            "builtin": False, "label": row.label, "version": row.latest.version,
            "versions": row.n_versions, "origin": row.origin, "created": row.created,
            "updated": row.updated, "n_actors": None, "n_options": None, "variants": None,
            "links": self._scenario_links(str(row.id)),
        }

    @staticmethod
    def _scenario_links(sid: str) -> dict[str, str]:
        return {"self": f"/api/scenarios/{sid}", "editor": f"/scenarios/{sid}",
                "run": f"/scenarios/{sid}/run"}

    def list_scenarios(self) -> list[dict[str, Any]]:
        """Bundled scenarios, then the user's (most recently changed first)."""
        out = [self.builtin_summary(n) for n in sc.builtin_names()]
        out += [self.user_summary(r) for r in self.store.list_scenarios()]
        return out

    def source(self, sid: str, version: int | None = None) -> Source:
        """The text of scenario ``sid`` (a version of a user scenario, default the latest)."""
        if sid in sc.builtin_names():
            if version is not None:
                raise ApiError(404, "not_found", f"bundled scenario {sid!r} has no saved "
                               "versions; leave out the version")
            return Source(sid, True, None, sc.builtin_text(sid), f"{sid}.yaml")
        uid = sc.user_id(sid)
        row = self.store.get_scenario(uid) if uid is not None else None
        if row is None or uid is None:
            raise not_found(f"scenario {sid!r}")
        if version is None or version == row.latest.version:
            return Source(sid, False, row.latest.version, row.latest.text, row.label)
        v = self.store.get_version(uid, version) if 0 < version < 1 << 62 else None
        if v is None:
            raise not_found(f"version {version} of scenario {sid!r}")
        return Source(sid, False, v.version, v.text, row.label)

    def scenario_detail(self, sid: str, version: int | None = None) -> dict[str, Any]:
        """Everything the editor shows: text, structure, history."""
        src = self.source(sid, version)
        if src.builtin:
            entry = self.builtin_summary(sid)
            history: list[VersionRow] = []
        else:
            uid = int(sid)
            row = self.store.get_scenario(uid)
            assert row is not None
            entry = self.user_summary(row)
            history = self.store.list_versions(uid)
        checked = sc.check_text(src.text, src.label, self.settings.max_yaml_nodes)
        entry.update({
            "version_shown": src.version,
            "text": src.text,
            "valid": checked.valid,
            "error": checked.error,
            "line": checked.line,
            "structure": sc.structure(checked.scenario) if checked.scenario else None,
            "history": [{"version": v.version, "name": v.name, "created": v.created,
                         "sha256": v.sha256} for v in history],
            "notes": [],
        })
        return entry

    def _checked_or_422(self, text: str, label: str) -> sc.Checked:
        if not text.strip():
            raise ApiError(422, "empty", "the scenario text is empty; send a YAML scenario or "
                           "a GMCR+ file as the request body")
        checked = sc.check_text(text, label, self.settings.max_yaml_nodes)
        if not checked.valid:
            raise ApiError(422, "invalid_scenario", checked.error or "invalid scenario",
                           {"line": checked.line, "field": checked.field})
        return checked

    def _scenario_or_422(self, text: str, label: str) -> Scenario:
        """The valid scenario in ``text`` (:meth:`_checked_or_422` refuses any other)."""
        scenario = self._checked_or_422(text, label).scenario
        assert scenario is not None
        return scenario

    def create_scenario(self, text: str, label: str | None = None,
                        origin: str = "upload") -> dict[str, Any]:
        """Validate and store a new user scenario (GMCR+ files are converted to YAML)."""
        label0 = sc.clean_label(label, "upload.yaml")
        checked = self._checked_or_422(text, label0)
        s = checked.scenario
        assert s is not None
        if checked.converted_from:
            origin = f"{checked.converted_from} import"
            label0 = re.sub(r"\.(gmcr|json)$", "", label0) + ".yaml"
        if label is None:
            label0 = f"{_slug(s.name)}.yaml"
        row = self.store.create_scenario(label0, origin, s.name, s.description, checked.text)
        out = self.scenario_detail(str(row.id))
        out["notes"] = list(checked.notes)
        return out

    def save_version(self, sid: str, text: str,
                     base_version: int | None = None) -> dict[str, Any]:
        """Save ``text`` as the next version of user scenario ``sid``."""
        if sid in sc.builtin_names():
            raise ApiError(403, "read_only", f"{sid!r} is a bundled scenario and cannot be "
                           "changed; duplicate it and edit the copy")
        uid = sc.user_id(sid)
        row = self.store.get_scenario(uid) if uid is not None else None
        if row is None or uid is None:
            raise not_found(f"scenario {sid!r}")
        checked = self._checked_or_422(text, row.label)
        s = checked.scenario
        assert s is not None
        try:
            saved = self.store.add_version(uid, s.name, s.description, checked.text,
                                           expected=base_version)
        except VersionConflict as exc:
            raise ApiError(409, "version_conflict", f"version {base_version} is not the latest "
                           f"(version {exc.latest} was saved since); reload the scenario and "
                           "apply the change again", {"latest": exc.latest}) from None
        if saved is None:
            raise not_found(f"scenario {sid!r}")
        return self.scenario_detail(sid)

    def duplicate(self, sid: str, version: int | None = None) -> dict[str, Any]:
        """A new user scenario with the text of ``sid`` (bundled or the user's)."""
        src = self.source(sid, version)
        s = self._scenario_or_422(src.text, src.label)
        origin = f"copy of {sid}" + (f" v{src.version}" if src.version else "")
        stem = re.sub(r"\.(ya?ml|json)$", "", src.label)
        label = sc.clean_label(f"{stem}-copy.yaml", "copy.yaml")
        row = self.store.create_scenario(label, origin, s.name, s.description, src.text)
        return self.scenario_detail(str(row.id))

    def delete(self, sid: str) -> None:
        """Delete user scenario ``sid`` from the lists."""
        if sid in sc.builtin_names():
            raise ApiError(403, "read_only", f"{sid!r} is a bundled scenario and cannot be "
                           "deleted")
        uid = sc.user_id(sid)
        if uid is None or not self.store.delete_scenario(uid):
            raise not_found(f"scenario {sid!r}")

    def validate(self, text: str, label: str | None) -> dict[str, Any]:
        """Validation of an editor's text: the one-line error with its line, or the
        structure."""
        checked = sc.check_text(text, sc.clean_label(label, "scenario.yaml"),
                                self.settings.max_yaml_nodes)
        # a file called valid must also pass the guard a run applies (no 500 on the run)
        too_big = None
        if checked.scenario is not None:
            too_big = sc.state_space_error(checked.scenario, self.settings.state_limit())
        return {
            "valid": checked.valid and too_big is None,
            "error": checked.error or too_big,
            "line": checked.line,
            "field": checked.field,
            "structure": sc.structure(checked.scenario) if checked.scenario else None,
            "notes": list(checked.notes),
        }

    # -- explain ---------------------------------------------------------------------------
    def explain(self, sid: str, state: str, concept: str = "seq", sanctions: str = "legal",
                variant: str | None = None, version: int | None = None) -> dict[str, Any]:
        """Why ``state`` of scenario ``sid`` is stable or not, actor by actor (the JSON of
        ``detente explain``; see :func:`detente.conflict.explain.explain_state`).

        Raises
        ------
        ApiError
            404 (scenario or version), 422 (invalid scenario, variant, concept, sanction
            rule or state; state-space guard).
        """
        from detente.conflict import CONCEPTS
        from detente.conflict.concepts import check_sanctions, parse_concept
        from detente.conflict.explain import explain_state
        from detente.errors import DetenteError
        from detente.scenario import variant_of

        src = self.source(sid, version)
        s = self._scenario_or_422(src.text, src.label)
        _parsed(lambda: parse_concept(concept, CONCEPTS), "bad_concept")
        _parsed(lambda: check_sanctions(sanctions), "bad_sanctions")
        limit = self.settings.state_limit()
        too_big = sc.state_space_error(s, limit)
        if too_big:
            raise ApiError(422, "state_space_too_large", too_big, {"limit": limit})
        try:
            if variant and variant != "base":
                s = variant_of(s, variant)
            result = explain_state(s, state, concept, sanctions)
        except (DetenteError, ValueError) as exc:
            code = "unknown_variant" if "variant" in str(exc) else "bad_state"
            raise ApiError(422, code, str(exc).replace("\n", " ")) from None
        out = result.to_dict()
        out["links"] = {"page": f"/scenarios/{sid}/explain?state={result.state}"
                                f"&concept={concept}&sanctions={sanctions}"
                                + (f"&variant={variant}" if variant else "")
                                + (f"&version={version}" if version else "")}
        return out

    def equilibria(self, sid: str, concept: str = "seq", sanctions: str = "legal",
                   variant: str | None = None, version: int | None = None,
                   limit: int = 40) -> tuple[list[str], int, str | None]:
        """The first ``limit`` equilibria under ``concept`` (for the explain page's listing),
        their number, and the scenario's status quo; an empty list when they cannot be
        computed (an invalid scenario or variant, or a state space over the guard)."""
        from detente.conflict import analyse
        from detente.errors import DetenteError
        from detente.scenario import variant_of

        src = self.source(sid, version)
        checked = sc.check_text(src.text, src.label, self.settings.max_yaml_nodes)
        s = checked.scenario
        if s is None or sc.state_space_error(s, self.settings.state_limit()):
            return [], 0, None
        sq = None if s.status_quo is None else s.code_text(s.status_quo)
        try:
            if variant and variant != "base":
                s = variant_of(s, variant)
            r = analyse(s, concept, sanctions)
        except (DetenteError, ValueError):
            return [], 0, sq
        eq = r.equilibria(concept)
        return eq[:limit], len(eq), sq

    # -- hindcast --------------------------------------------------------------------------
    def hindcast(self, sid: str, version: int | None = None, variant: str | None = None,
                 edits: int = 2) -> dict[str, Any]:
        """The scenario's model held against its recorded history
        (:func:`detente.conflict.hindcast.hindcast`; the JSON of ``detente hindcast --json``).
        Computed in the request (it needs no run slot): the state-space guard of runs
        applies."""
        from detente.conflict.hindcast import hindcast
        from detente.errors import DetenteError

        src = self.source(sid, version)
        scenario = self._scenario_or_422(src.text, src.label)
        limit = self.settings.state_limit()
        too_big = sc.state_space_error(scenario, limit)
        if too_big:
            raise ApiError(422, "too_large", too_big)
        chosen = None if variant in (None, "", "base") else variant
        try:
            result = hindcast(scenario, variant=chosen, max_edits=edits, max_states=limit)
        except (DetenteError, ValueError) as exc:
            raise ApiError(422, "invalid_request", str(exc)) from None
        return result.to_dict()

    # -- analyses computed in the request (the CLI's conflict commands) ------------------
    def _analysable(self, sid: str, version: int | None,
                    variant: str | None) -> tuple[Scenario, str | None]:
        """The scenario ``sid`` (a variant applied) for an analysis in the request: 404 for a
        missing scenario or version; 422 for an invalid scenario, an unknown variant, no
        feasible state, or a state space over the guard of runs."""
        from detente.conflict.statespace import check_some_feasible
        from detente.errors import DetenteError
        from detente.scenario import variant_of

        src = self.source(sid, version)
        s = self._scenario_or_422(src.text, src.label)
        limit = self.settings.state_limit()
        too_big = sc.state_space_error(s, limit)
        if too_big:
            raise ApiError(422, "state_space_too_large", too_big, {"limit": limit})
        chosen = None if variant in (None, "", "base") else variant
        try:
            if chosen is not None:
                s = variant_of(s, chosen)
            check_some_feasible(s)
        except (DetenteError, ValueError) as exc:
            code = "unknown_variant" if "variant" in str(exc) else "invalid_scenario"
            raise ApiError(422, code, _one_line(exc)) from None
        return s, chosen

    def stability(self, sid: str, concepts: str | list[str] | None = None,
                  sanctions: str = "legal", variant: str | None = None,
                  version: int | None = None) -> dict[str, Any]:
        """Stability of every state for every actor (:func:`detente.conflict.analyse`; the
        result keys of ``detente stability --json``) with the provenance."""
        from detente.conflict import CONCEPTS, analyse
        from detente.conflict.concepts import check_sanctions, parse_concepts

        conc = _parsed(lambda: parse_concepts(concepts or None, CONCEPTS), "bad_concept")
        _parsed(lambda: check_sanctions(sanctions), "bad_sanctions")
        s, _ = self._analysable(sid, version, variant)
        result = _parsed(lambda: analyse(s, conc, sanctions,
                                         max_states=self.settings.state_limit()),
                         "invalid_request")
        out = result.to_dict()
        out["provenance"] = result.provenance()
        return out

    def coalitions(self, sid: str, concepts: str | list[str] | None = None,
                   coalitions: list[list[str]] | str | None = None,
                   variant: str | None = None, version: int | None = None) -> dict[str, Any]:
        """Which equilibria survive joint moves, and the joint move that upsets each
        (:func:`detente.conflict.coalitions.analyse_coalitions`; ``detente coalitions
        --json``). ``coalitions``: lists of actor ids, ``"all"``, or ``None`` for the file's
        ``coalitions:`` (else every coalition)."""
        from detente.conflict.coalitions import COALITION_CONCEPTS, analyse_coalitions
        from detente.conflict.concepts import parse_concepts

        conc = _parsed(lambda: parse_concepts(concepts or None, COALITION_CONCEPTS,
                                              note=" (SIM has no coalition form)"),
                       "bad_concept")
        s, _ = self._analysable(sid, version, variant)
        result = _parsed(lambda: analyse_coalitions(s, conc, coalitions or None,
                                                    max_states=self.settings.state_limit()),
                         "invalid_request")
        return result.to_dict()

    def paths_result(self, sid: str, concept: str = "seq", coalitions: bool = False,
                     start: str | None = None, to: str | None = None,
                     variant: str | None = None, version: int | None = None) -> Any:
        """The :class:`~detente.conflict.paths.PathsResult` of ``detente paths``."""
        import hashlib

        from detente.conflict.concepts import CONCEPTS, parse_concept
        from detente.conflict.paths import status_quo_paths

        conc = _parsed(lambda: parse_concept(concept, CONCEPTS), "bad_concept")
        digest = hashlib.sha256(self.source(sid, version).text.encode()).hexdigest()
        chosen = None if variant in (None, "", "base") else variant
        key = (digest, conc, bool(coalitions), start, to, chosen, self.settings.state_limit())
        with self._paths_lock:  # the page and its diagram ask for the same analysis
            if key in self._paths_cache:
                self._paths_cache.move_to_end(key)
                return self._paths_cache[key]
        s, _ = self._analysable(sid, version, variant)
        if start is None and s.status_quo is None:
            raise ApiError(422, "no_status_quo", f"{s.source}: status_quo: the scenario has "
                           "no status quo; add one, or give the state to start from (from)")
        result = _parsed(lambda: status_quo_paths(s, concept=conc, coalitions=coalitions,
                                                  target=to or None, start=start or None,
                                                  max_states=self.settings.state_limit()),
                         "bad_state")
        with self._paths_lock:
            self._paths_cache[key] = result
            while len(self._paths_cache) > PATHS_CACHED:
                self._paths_cache.popitem(last=False)
        return result

    def paths(self, sid: str, concept: str = "seq", coalitions: bool = False,
              start: str | None = None, to: str | None = None, variant: str | None = None,
              version: int | None = None) -> dict[str, Any]:
        """Status-quo analysis (:func:`detente.conflict.paths.status_quo_paths`; ``detente
        paths --json``)."""
        return dict(self.paths_result(sid, concept, coalitions, start, to, variant,
                                      version).to_dict())

    def paths_svg(self, sid: str, concept: str = "seq", coalitions: bool = False,
                  start: str | None = None, to: str | None = None, variant: str | None = None,
                  version: int | None = None) -> str:
        """The status-quo diagram as SVG (what ``detente paths --plot FILE.svg`` draws)."""
        result = self.paths_result(sid, concept, coalitions, start, to, variant, version)
        return str(result.to_svg())

    def inverse(self, sid: str, target: str, concept: str = "gmr", sanctions: str = "legal",
                actors: list[str] | None = None, edits: int = 2, variant: str | None = None,
                version: int | None = None) -> dict[str, Any]:
        """Inverse analysis with statement edits (:func:`detente.conflict.inverse.inverse`
        and :func:`detente.conflict.edits.statement_edits`; ``detente inverse --json``: the
        result's keys plus ``statement_edits``)."""
        from detente.conflict.concepts import check_sanctions, parse_concept
        from detente.conflict.edits import statement_edits
        from detente.conflict.inverse import INVERSE_CONCEPTS, inverse

        conc = _parsed(lambda: parse_concept(concept, INVERSE_CONCEPTS), "bad_concept")
        _parsed(lambda: check_sanctions(sanctions), "bad_sanctions")
        s, _ = self._analysable(sid, version, variant)
        limit = self.settings.state_limit()
        result = _parsed(lambda: inverse(s, target.strip(), conc, actors=actors or None,
                                         sanctions=sanctions, max_states=limit), "bad_state")
        changes: dict[str, Any] = {}
        if edits > 0:
            who = [a.actor for a in result.actors if s.preferences[a.actor].kind == "statements"]
            if who:
                changes = _parsed(lambda: statement_edits(s, target.strip(), conc, actors=who,
                                                          sanctions=sanctions, max_edits=edits,
                                                          max_states=limit),
                                  "invalid_request")
        out = result.to_dict()
        out["statement_edits"] = {k: v.to_dict() for k, v in changes.items()}
        return out

    # -- runs ------------------------------------------------------------------------------
    def create_run(self, scenario: str, version: int | None, variants: list[str],
                   concept: str, concepts: list[str], sensitivity: bool) -> RunRow:
        """Check a run request and queue it.

        Raises
        ------
        ApiError
            404 (scenario or version), 422 (variant, concept, state-space guard), 429 (every
            run slot taken).
        """
        src = self.source(scenario, version)
        s = self._scenario_or_422(src.text, src.label)
        if concept not in RUN_CONCEPTS:
            raise ApiError(422, "bad_concept", f"concept must be one of "
                           f"{', '.join(RUN_CONCEPTS)}; got {concept!r}")
        bad = [c for c in concepts if c not in RUN_CONCEPTS]
        if bad:
            raise ApiError(422, "bad_concept", f"unknown concept {bad[0]!r}; choose from "
                           f"{', '.join(RUN_CONCEPTS)}")
        conc = list(dict.fromkeys(concepts)) or list(RUN_CONCEPTS)
        known = [v.id for v in s.variants]
        chosen = list(dict.fromkeys(variants))
        for vid in chosen:
            if vid != "base" and vid not in known:
                raise ApiError(422, "unknown_variant", f"unknown variant {vid!r}; choose from "
                               f"{', '.join(['base', *known])}")
        limit = self.settings.state_limit()
        too_big = sc.state_space_error(s, limit)
        if too_big:
            raise ApiError(422, "state_space_too_large", too_big, {"limit": limit})
        try:
            self.runs.reserve()
        except TooManyRuns as exc:
            raise ApiError(429, "too_many_runs", str(exc), headers={"Retry-After": "5"}) from None
        params = {"variants": chosen, "concept": concept, "concepts": conc,
                  "sensitivity": bool(sensitivity), "label": src.label}
        try:
            row = self.store.create_run(src.sid, src.version, s.name, params)
        except BaseException:
            self.runs.release()
            raise
        job = {"text": src.text, "label": src.label, "variants": chosen, "concept": concept,
               "concepts": conc, "sensitivity": bool(sensitivity), "max_states": limit}
        self.runs.start(row.id, job)
        return row

    def get_run(self, rid: int) -> RunRow:
        """Run ``rid`` (404 when missing)."""
        row = self.store.get_run(rid) if 0 < rid < 1 << 62 else None
        if row is None:
            raise not_found(f"run {rid}")
        return row

    def run_info(self, row: RunRow) -> dict[str, Any]:
        """The API's description of a run."""
        base = f"/api/runs/{row.id}"
        links = {"self": base, "page": f"/runs/{row.id}"}
        if row.status == "done":
            links.update({"result": f"{base}/result", "report": f"{base}/report"})
        return {
            "id": row.id, "scenario": row.scenario, "version": row.version,
            "scenario_name": row.scenario_name, "status": row.status, "stage": row.stage,
            "progress": row.progress, "error": row.error, "created": row.created,
            "started": row.started, "finished": row.finished, "elapsed": row.elapsed(),
            "time_limit": self.settings.run_timeout,
            "params": {k: row.params.get(k) for k in ("variants", "concept", "concepts",
                                                      "sensitivity")},
            "links": links,
        }

    def cancel(self, rid: int) -> RunRow:
        """Stop run ``rid`` (409 when it has already finished)."""
        row = self.get_run(rid)
        if not row.active or not self.runs.cancel(rid):
            raise ApiError(409, "finished", f"run {rid} has already finished ({row.status}); "
                           "nothing to cancel")
        for _ in range(50):  # the supervisor notices within a fraction of a second
            row = self.get_run(rid)
            if not row.active:
                break
            time.sleep(0.05)
        return row

    def finished(self, rid: int) -> RunRow:
        """Run ``rid``, which must have finished successfully (409 otherwise)."""
        row = self.get_run(rid)
        if row.status != "done":
            raise ApiError(409, "not_done", f"run {rid} has no result ({row.status}"
                           + (f": {row.error}" if row.error else "")
                           + "); wait for it to finish, or start it again",
                           {"status": row.status})
        return row

    def result_text(self, rid: int, what: str) -> str:
        """``report_json`` or ``report_html`` of finished run ``rid``."""
        self.finished(rid)
        text = self.store.get_blob(rid, what)
        if text is None:  # pragma: no cover - a done run always has its result
            raise not_found(f"result of run {rid}")
        return text

    def figure(self, rid: int, name: str) -> str:
        """SVG figure ``paths-<variant>`` of finished run ``rid``."""
        import json

        self.finished(rid)
        figures = json.loads(self.store.get_blob(rid, "figures") or "{}")
        if name.startswith("paths-"):
            svg = figures.get("paths", {}).get(name[len("paths-"):])
            if isinstance(svg, str):
                return svg
        raise not_found(f"figure {name!r} of run {rid}")

    def view(self, rid: int) -> dict[str, Any]:
        """Results-page data of finished run ``rid``."""
        self.finished(rid)
        v = self.store.get_view(rid)
        if v is None:  # pragma: no cover
            raise not_found(f"result of run {rid}")
        return v
