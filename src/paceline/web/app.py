"""The FastAPI app: pages, JSON APIs for the charts and the formation editor, token-guarded
writes."""

from __future__ import annotations

import hmac
import re
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request, Response, UploadFile
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from paceline.errors import PacelineError
from paceline.web import views

__all__ = ["WebConfig", "create_app", "FORMATION_NAME", "name_problem"]

STATIC = Path(__file__).resolve().parent / "static"
#: A formation name: lower-case letters, digits and hyphens; it becomes NAME.toml in the app's
#: formations folder and nothing else (no separators, no dots, no "..").
FORMATION_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
#: Plan directory files the Plan page links to (nothing else in the folder is served).
PLAN_FILES = ("plan.json", "crew_plan.json", "car_program.csv", "drinks.csv", "laser.csv",
              "schedule.gpx", "splits_km.csv", "splits_mile.csv", "splits_5km.csv",
              "splits_lap.csv", "report.html")


@dataclass
class WebConfig:
    """What ``paceline web`` was started with.

    ``token`` guards every write (header ``Authorization: Bearer TOKEN`` or
    ``X-Paceline-Token``); None: a random one is made and printed at start.
    ``formations_dir`` is where the formation editor saves NAME.toml (the folder to put in
    ``PACELINE_FORMATIONS`` for ``predict``/``plan``). ``tile_url`` (e.g. an OpenStreetMap
    tile server's ``https://…/{z}/{x}/{y}.png``) adds map tiles; by default maps draw the course
    on a plain background (no tile server is needed offline).
    """

    db_url: str | None = None
    plan: str | None = None  # a plan directory (paceline plan -o DIR) or a scenario TOML
    formations_dir: Path = field(default_factory=lambda: Path("formations"))
    token: str | None = None
    tile_url: str | None = None
    max_upload_bytes: int = 32 * 1024 * 1024
    draws: int = 5000
    live_db: str | None = None  # with a plan directory: mount the race-day service (paceline.live)
    live_tz: str = "UTC"


class Runner(BaseModel):
    name: str = Field(max_length=40)
    x_m: float = Field(ge=-30, le=30)
    y_m: float = Field(ge=-10, le=10)


class FormationIn(BaseModel):
    runners: list[Runner] = Field(min_length=1, max_length=16)
    speed_m_s: float = Field(default=5.88, gt=1.0, le=12.0)
    wind_speed_m_s: float = Field(default=0.0, ge=0.0, le=20.0)
    wind_from_deg: float = Field(default=0.0, ge=0.0, le=360.0)
    heading_deg: float = Field(default=0.0, ge=0.0, le=360.0)


class FormationSave(FormationIn):
    # lengths and characters are checked in the handler, with a message a person can act on
    # (pydantic's max_length answered a 65-character name with a list of JSON errors)
    name: str = Field(max_length=10_000)
    title: str = Field(default="", max_length=10_000)
    overwrite: bool = False  # replace a formation already saved under this name


def name_problem(name: str, *, what: str = "formation name") -> str | None:
    """Why a user-typed name cannot be used (None: it can): the limit, the allowed
    characters, and a name that would do."""
    if FORMATION_NAME.fullmatch(name):
        return None
    slug = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]+", "-", name.strip().lower())).strip("-")
    slug = slug[:64].rstrip("-") or "my-formation"
    shown = name if len(name) <= 70 else name[:67] + "…"
    if not name.strip():
        why = "is empty"
    elif len(name) > 64:
        why = f"has {len(name)} characters (at most 64)"
    else:
        bad = sorted({c for c in name if not re.fullmatch(r"[a-z0-9-]", c)})
        why = (f"has {', '.join(repr(c) for c in bad)}" if bad else "starts with a hyphen")
    return (f"{what} {shown!r} {why}: use 1–64 lower-case letters a–z, digits 0–9 and "
            f"hyphens, starting with a letter or digit — e.g. {slug!r}")


def _token_ok(request: Request, token: str) -> bool:
    given = request.headers.get("x-paceline-token", "")
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def create_app(config: WebConfig | None = None) -> FastAPI:
    """The app: ``/`` home, ``/plan``, ``/live``, ``/formation``, ``/log`` (+ ``/log/{id}``),
    their JSON APIs under ``/api``, the race-day service's ``/api/v1`` when ``live_db`` is
    given, and ``/static``."""
    cfg = config or WebConfig()
    if cfg.token is None:
        cfg.token = secrets.token_urlsafe(24)
    live = None
    if cfg.live_db is not None:
        # the race-day service's API (/api/v1: ingest, state, SSE) in this same app and process
        from paceline.live.app import create_router
        from paceline.live.service import LiveService

        if cfg.plan is None or not Path(cfg.plan).is_dir():
            raise PacelineError("the live page needs the plan directory the race follows",
                                where="--plan", value=cfg.plan,
                                fix="give --plan DIR (written by `paceline plan -o DIR`) with "
                                "--live-db")
        live = LiveService(cfg.plan, cfg.live_db, tz=cfg.live_tz)

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        if live is not None:
            live.close()

    app = FastAPI(title="paceline", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.config = cfg
    app.state.live = live
    if live is not None:
        app.include_router(create_router(live))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    env = views.environment()
    state: dict[str, Any] = {"plan": None, "plan_error": None}
    plan_lock = threading.Lock()

    def page(request: Request, name: str, **ctx) -> HTMLResponse:
        html = env.get_template(name).render(request_path=request.url.path,
                                             tile_url=cfg.tile_url, **ctx)
        return HTMLResponse(html)

    def get_plan():
        """The plan (built once, on first use; None without --plan)."""
        if cfg.plan is None:
            return None
        with plan_lock:
            if state["plan"] is None and state["plan_error"] is None:
                try:
                    state["plan"] = views.load_plan_for_web(cfg.plan, draws=cfg.draws)
                except PacelineError as exc:
                    state["plan_error"] = str(exc)
                    state["plan_exception"] = exc
        return state["plan"]

    app.state.get_plan = get_plan
    app.state.plan_state = state

    def require_token(request: Request) -> None:
        if not _token_ok(request, cfg.token or ""):
            raise HTTPException(401, "this write needs the token printed by `paceline web` "
                                "(header Authorization: Bearer TOKEN)")

    # --- pages -----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return page(request, "index.html", has_plan=cfg.plan is not None,
                    has_db=True, has_live=live is not None)

    @app.get("/plan", response_class=HTMLResponse)
    def plan_page(request: Request):
        loaded = get_plan()
        if loaded is None:
            return page(request, "plan_missing.html", error=state["plan_error"])
        return page(request, "plan.html", plan=loaded.view, figures=loaded.figures,
                    files=loaded.files, files_base="/plan/files/", chart=loaded.chart)

    @app.get("/plan/files/{name}")
    def plan_file(name: str):
        loaded = get_plan()
        if loaded is None or loaded.directory is None or name not in PLAN_FILES:
            raise HTTPException(404, "no such plan file")
        path = loaded.directory / name
        if not path.is_file():
            raise HTTPException(404, "no such plan file")
        return FileResponse(path)

    @app.get("/formation", response_class=HTMLResponse)
    def formation_page(request: Request):
        # the first formation comes with the page (one round trip fewer before the drawing)
        return page(request, "formation.html", presets=views.formation_presets(),
                    saved=views.saved_formations(cfg.formations_dir),
                    initial=views.formation_preset("ineos-vienna-2019", cfg.formations_dir),
                    formations_dir=str(cfg.formations_dir.resolve()))

    @app.get("/live", response_class=HTMLResponse)
    def live_page(request: Request):
        return page(request, "live.html", has_live=live is not None)

    @app.get("/log", response_class=HTMLResponse)
    def log_page(request: Request, sport: str | None = None, since: str | None = None,
                 until: str | None = None, sort: str = "start_utc", order: str = "desc",
                 page_no: int = Query(1, alias="page")):
        table = views.activity_table(cfg.db_url, sport=sport, since=since, until=until,
                                     sort=sort, order=order, page=page_no)
        # htmx swaps the table only; a history restore (back/forward without a cached
        # snapshot) needs the whole page
        fragment = ("hx-request" in request.headers
                    and "hx-history-restore-request" not in request.headers)
        resp = page(request, "log_table.html" if fragment else "log.html", table=table)
        # the page and its fragment share one URL: never let a browser cache mix them up
        # (back from an activity once showed the bare table fragment)
        resp.headers["Vary"] = "HX-Request, HX-History-Restore-Request"
        if fragment:
            resp.headers["Cache-Control"] = "no-store"
            resp.headers["HX-Push-Url"] = table["url"]  # the address bar follows the table
        return resp

    @app.get("/log/{activity_id}", response_class=HTMLResponse)
    def activity_page(request: Request, activity_id: int):
        act = views.activity_detail(cfg.db_url, activity_id)
        return page(request, "activity.html", act=act)

    # --- JSON ------------------------------------------------------------------------------
    @app.get("/api/plan")
    def plan_json():
        loaded = get_plan()
        if loaded is None:
            raise HTTPException(404, state["plan_error"] or "no plan: start with --plan")
        return loaded.chart

    @app.get("/api/formation/preset/{name}")
    def formation_preset(name: str):
        return views.formation_preset(name, cfg.formations_dir)

    @app.post("/api/formation/evaluate")
    def formation_evaluate(body: FormationIn):
        return views.evaluate_formation(body, scenario=views.editor_scenario(get_plan()))

    @app.post("/api/formation/save")
    def formation_save(body: FormationSave, request: Request):
        require_token(request)
        problem = name_problem(body.name)
        if problem:
            raise HTTPException(422, problem)
        if len(body.title) > 200:
            raise HTTPException(422, f"title has {len(body.title)} characters: at most 200")
        if body.name in views.formation_presets() or body.name == "single-file-N":
            raise HTTPException(422, f"formation name {body.name!r} is a bundled preset's: "
                                "choose another name (e.g. "
                                f"'{body.name[:58]}-mine') so both stay usable")
        try:
            path = views.save_formation(body, cfg.formations_dir, overwrite=body.overwrite)
        except FileExistsError:
            return JSONResponse(status_code=409, content={
                "detail": f"a formation named {body.name!r} is already saved "
                          f"({body.name}.toml): nothing was written. Save under another "
                          "name, or overwrite it.", "exists": body.name})
        return {"saved": path.name, "name": body.name, "overwritten": body.overwrite,
                "folder": str(cfg.formations_dir.resolve()),
                "use": f"PACELINE_FORMATIONS={cfg.formations_dir.resolve()} paceline predict "
                       f"SCENARIO --set drafting.formation={body.name} (a scenario whose "
                       "[drafting] names a formation, e.g. scenarios/vienna-2019-formation.toml)"}

    @app.get("/api/log/activities")
    def log_activities(sport: str | None = None, since: str | None = None,
                       until: str | None = None, sort: str = "start_utc", order: str = "desc",
                       page_no: int = Query(1, alias="page")):
        return views.activity_table(cfg.db_url, sport=sport, since=since, until=until,
                                    sort=sort, order=order, page=page_no)

    @app.get("/api/log/activity/{activity_id}")
    def log_activity(activity_id: int):
        return views.activity_detail(cfg.db_url, activity_id)["series"]

    @app.get("/api/log/fitness")
    def log_fitness(sport: str | None = None):
        return Response(views.fitness_json(cfg.db_url, sport=sport),
                        media_type="application/json")

    @app.post("/api/log/import")
    async def log_import(request: Request, files: list[UploadFile]):
        require_token(request)
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, f in enumerate(files):
                suffix = Path(f.filename or "").suffix.lower()
                if suffix not in (".fit", ".gpx", ".tcx", ".csv"):
                    raise HTTPException(422, f"{views.public_name(f.filename)!r}: only .fit, "
                                        ".gpx, .tcx, .csv "
                                        "activity files can be imported")
                p = Path(tmp) / f"upload-{i}{suffix}"  # the user's name never becomes a path
                size = 0
                with p.open("wb") as out:
                    while chunk := await f.read(1 << 20):
                        size += len(chunk)
                        if size > cfg.max_upload_bytes:
                            raise HTTPException(413, f"{views.public_name(f.filename)!r} is "
                                                f"over the "
                                                f"{cfg.max_upload_bytes // 2**20} MiB limit")
                        out.write(chunk)
                paths.append(p)
            return views.import_files(cfg.db_url, paths, [f.filename or "" for f in files])

    def _wants_page(request: Request) -> bool:
        """A person's browser asking for a page (not the API, not an htmx fragment)."""
        return ("text/html" in request.headers.get("accept", "")
                and not request.url.path.startswith("/api/")
                and "hx-request" not in request.headers)

    def _error(request: Request, status: int, message: str):
        if _wants_page(request):
            titles = {404: "Not found", 401: "Token needed", 413: "Too large",
                      422: "That input cannot be used"}
            resp = page(request, "error.html", status=status, message=message,
                        title=titles.get(status, f"Error {status}"))
            resp.status_code = status
            return resp
        return JSONResponse({"detail": message}, status_code=status)

    @app.exception_handler(PacelineError)
    async def paceline_error(request: Request, exc: PacelineError):
        return _error(request, 422, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if not _wants_page(request):
            return await http_exception_handler(request, exc)
        detail = exc.detail if isinstance(exc.detail, str) else "that address is not a page here"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"there is no page at {request.url.path}"
        return _error(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        if not _wants_page(request):
            return await request_validation_exception_handler(request, exc)
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'input'}: "
                 f"{e.get('msg', '')} (got {e.get('input')!r})" for e in exc.errors()]
        return _error(request, 422, "; ".join(parts))

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        n = request.headers.get("content-length")
        if n is not None and n.isdigit() and int(n) > cfg.max_upload_bytes + 65536:
            return JSONResponse({"detail": f"request over the {cfg.max_upload_bytes // 2**20} "
                                 "MiB limit"}, status_code=413)
        return await call_next(request)

    return app
