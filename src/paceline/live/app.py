"""The HTTP API of the live service (FastAPI): ingest, drop-outs, state, SSE.

``create_app(plan_dir, db_url)`` builds a standalone app; ``create_router(service)`` builds
the :class:`fastapi.APIRouter` alone so that another FastAPI app (the web dashboard) can
include it beside its own pages::

    from paceline.live.app import create_router
    from paceline.live.service import LiveService

    service = LiveService("vienna-plan", "sqlite:///live.sqlite")
    web_app.include_router(create_router(service))      # routes under /api/v1

Authentication: ``Authorization: Bearer <token>`` or ``?token=<token>`` (for trackers and
browsers' EventSource, which cannot set headers). ``official`` tokens write and read,
``viewer`` tokens only read; a write without a token is 401, with a viewer token 403.
"""


import asyncio
import json
import logging
import threading
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, Field, WithJsonSchema
from sqlalchemy.exc import DBAPIError

from paceline.live.formats import (
    LINE_FORMATS,
    BadRead,
    parse_fix_json,
    parse_osmand,
    parse_passing_json,
    parse_traccar_json,
)
from paceline.live.service import LiveService
from paceline.units import parse_distance_m

__all__ = ["create_app", "create_router", "RateLimiter"]

log = logging.getLogger("paceline.live")

MAX_BATCH = 5000
MAX_ID = 2**62  # ids are 64-bit in the database: larger ones cannot exist
MAX_BODY_BYTES = 2_000_000


class RateLimiter:
    """Token bucket per access token: ``rate`` reads per second, bursts of ``burst``."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else 2 * rate)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str, n: int = 1) -> float:
        """Take ``n``; 0 if allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            level, then = self._buckets.get(who, (self.burst, now))
            level = min(self.burst, level + (now - then) * self.rate)
            if level >= n:
                self._buckets[who] = (level - n, now)
                return 0.0
            self._buckets[who] = (level, now)
            return (n - level) / self.rate


class Passing(BaseModel):
    """A mat passing."""

    chip: str = Field(description="Chip / transponder code or device name")
    time: str | float = Field(description="Epoch s or ms, ISO 8601, or hh:mm:ss.fff local")
    location: str | None = Field(None, description="Mat name: 10km, HALF, FINISH, …")
    distance_m: float | None = Field(None, description="Mat distance [m] instead of location")
    seq: str | int | None = Field(None, description="Sender's sequence number (idempotency)")


#: An item of a batch is checked alone (by its parser, not by the envelope's validation): one
#: item of the wrong type or shape is answered ``rejected`` with its reason and the others are
#: stored. The schema documents the item's form; the envelope takes any JSON value per item.
def _item(model: type[BaseModel]) -> Any:
    schema = model.model_json_schema()
    schema["description"] = (f"{model.__doc__} Checked item by item: an item that does not "
                             "fit is answered rejected (with its reason) and the others are "
                             "stored.")
    return Annotated[Any, WithJsonSchema(schema)]


class PassingBatch(BaseModel):
    passings: list[_item(Passing)] = Field(max_length=MAX_BATCH)  # type: ignore[valid-type]


class Fix(BaseModel):
    """A GPS fix (speed in m/s)."""

    device: str
    time: str | float
    lat: float
    lon: float
    speed_m_s: float | None = None
    bearing_deg: float | None = None
    altitude_m: float | None = None
    accuracy_m: float | None = None
    seq: str | int | None = None


class FixBatch(BaseModel):
    fixes: list[_item(Fix)] = Field(max_length=MAX_BATCH)  # type: ignore[valid-type]


class ItemResult(BaseModel):
    """How one read of a request was answered (after the commit)."""

    index: int = Field(description="Position of the read in the answer's order (0-based)")
    line: int | None = Field(None, description="Line formats and TCP: the input line (1-based) "
                                               "the read came from")
    status: Literal["accepted", "rejected", "ignored"] = Field(
        description="accepted: stored (committed), or already stored (duplicate); rejected: "
                    "not stored, see code/reason; ignored: a keep-alive frame (MYLAPS Ping)")
    id: int | None = Field(None, description="Database id of the read (a duplicate: the "
                                             "original's)")
    duplicate: bool | None = Field(None, description="true: the read was already stored "
                                                     "(same idempotency key)")
    code: str | None = Field(None, description="Reason code of a rejection (docs/live.md)")
    reason: str | None = Field(None, description="'code: what was wrong and the fix'")


class IngestAnswer(BaseModel):
    """The answer to a batch: counts and one result per read."""

    accepted: int = Field(description="Reads stored now")
    duplicates: int = Field(description="Reads already stored (answered with the original id)")
    rejected: int = Field(description="Reads refused (not stored)")
    ignored: int | None = Field(None, description="Line formats: keep-alive frames")
    results: list[ItemResult]


class Dropout(BaseModel):
    pacer: str = Field(description="Pacer's name in the crew plan")
    at: str | float = Field(description="Where: metres or '23.4km'")
    time: str | float | None = Field(None, description="When (default: now)")


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.query_params.get("token") or None


class _Auth:
    def __init__(self, service: LiveService, limiter: RateLimiter) -> None:
        self.service = service
        self.limiter = limiter
        self._cache: dict[str, tuple[str | None, float]] = {}

    def role(self, token: str) -> str | None:
        hit = self._cache.get(token)
        now = time.monotonic()
        if hit and now - hit[1] < 5.0:
            return hit[0]
        role = self.service.store.token_role(token)
        if len(self._cache) > 10000:
            self._cache.clear()
        self._cache[token] = (role, now)
        return role

    def require(self, request: Request, write: bool) -> str:
        tok = _token(request)
        if tok is None:
            raise HTTPException(401, "a token is required: Authorization: Bearer <token> "
                                     "(create one with `paceline live token create`)",
                                headers={"WWW-Authenticate": "Bearer"})
        role = self.role(tok)
        if role is None:
            raise HTTPException(401, "unknown or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        if write and role != "official":
            raise HTTPException(403, f"a {role} token may only read; writes need an official "
                                     "token")
        return tok

    def limit(self, tok: str, n: int) -> None:
        wait = self.limiter.take(tok, max(n, 1))
        if wait > 0:
            raise HTTPException(429, f"rate limit: {self.limiter.rate:g} reads/s per token",
                                headers={"Retry-After": str(max(1, round(wait)))})


def _answer(res: dict[str, Any]) -> JSONResponse:
    return JSONResponse(res)


def _unavailable(exc: Exception) -> HTTPException:
    log.error("ingest failed: %s", exc)
    return HTTPException(503, "the database is unavailable; nothing of this request was "
                              "stored — send it again", headers={"Retry-After": "1"})


def create_router(service: LiveService, *, rate_limit: float = 5000.0) -> APIRouter:
    """The API routes (prefix ``/api/v1``) of a :class:`LiveService`."""
    auth = _Auth(service, RateLimiter(rate_limit))

    def body_limit(request: Request) -> None:
        """413 from the declared length, before any JSON body is validated (a 9 MB batch was
        validated item by item and answered with an 8 MB 422 echoing every item)."""
        n = request.headers.get("content-length", "")
        if n.isdigit() and int(n) > MAX_BODY_BYTES:
            raise HTTPException(413, f"body over {MAX_BODY_BYTES} bytes; send smaller batches")

    r = APIRouter(prefix="/api/v1", tags=["live"], dependencies=[Depends(body_limit)])

    def viewer(request: Request) -> str:
        return auth.require(request, write=False)

    def official(request: Request) -> str:
        return auth.require(request, write=True)

    Viewer = Annotated[str, Depends(viewer)]
    Official = Annotated[str, Depends(official)]
    tb = service.timebase

    @r.get("/health")
    def health() -> dict[str, Any]:
        """Liveness (no token): reads stored by kind, last event id."""
        return {"ok": True, "reads": service.store.count_reads(),
                "last_event_id": service.last_event_id}

    @r.get("/plan")
    def plan(_: Viewer) -> dict[str, Any]:
        """The plan the service follows: course line, schedule, mats, drinks, devices."""
        p = service.plan
        step = max(1, len(p.course.lat_deg) // 400)
        return {"name": p.name, "distance_m": p.distance_m, "target_time_s": p.target_time_s,
                "start_s": p.start_s,
                "course": [[float(a), float(b)] for a, b in
                           zip(p.course.lat_deg[::step], p.course.lon_deg[::step], strict=True)],
                "schedule": [{"distance_m": float(d), "elapsed_s": float(e)} for d, e in
                             zip(p.schedule_distance_m, p.schedule_elapsed_s, strict=True)],
                "mats": p.mats, "drinks": list(p.drinks),
                "devices": [{"name": d.name, "role": d.role, "chips": list(d.chips)}
                            for d in p.devices.values()],
                "exchange_points_m": list(p.crew.exchange_points_m) if p.crew else []}

    @r.get("/state")
    def state(_: Viewer) -> dict[str, Any]:
        """The race now (computed on request) and the counts of rejected input."""
        snap = service.tracker.snapshot()
        snap["rejects"] = dict(service.rejects)
        snap["last_event_id"] = service.last_event_id
        return snap

    @r.get("/events")
    def events(_: Viewer, after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
               limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[dict[str, Any]]:
        """Stored events with id > ``after`` (the SSE stream's content, for polling)."""
        return [{"id": i, "kind": k, "time_s": t, "data": json.loads(d)}
                for i, k, t, d in service.store.events_after(after, limit=limit)]

    @r.get("/stream", response_class=StreamingResponse,
           responses={200: {"content": {"text/event-stream": {}}}})
    async def stream(request: Request, _: Viewer,
                     last_event_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
                     max_events: Annotated[int | None, Query(ge=1, le=100000)] = None,
                     idle_timeout_s: Annotated[float | None, Query(gt=0, le=3600)] = None,
                     ) -> StreamingResponse:
        """Server-Sent Events: ``id`` = database id, ``event`` = kind, ``data`` = JSON.
        Resume with the ``Last-Event-ID`` header (or ``?last_event_id=``)."""
        hdr = request.headers.get("last-event-id")
        start = last_event_id
        if hdr is not None and hdr.strip().isdigit() and len(hdr.strip()) < 19:
            start = int(hdr)
        if start is None:
            start = service.last_event_id  # new subscriber: from now on
        return StreamingResponse(_sse(request, service, start, max_events, idle_timeout_s),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache",
                                          "X-Accel-Buffering": "no"})

    async def _ingest(tok: str, items: list, source: str, raws=None) -> JSONResponse:
        auth.limit(tok, len(items))
        res = await _run_ingest(items, source, raws)
        return _answer(res)

    async def _run_ingest(items: list, source: str, raws) -> dict[str, Any]:
        try:
            return await run_in_threadpool(service.ingest, items, source=source, raws=raws)
        except DBAPIError as exc:  # the database unreachable: nothing was acknowledged
            raise _unavailable(exc) from None

    def _parse_each(batch: list[Any], parse) -> tuple[list, list[str | None]]:
        items, raws = [], []
        for x in batch:
            try:
                items.append(parse(x, tb))
                raws.append(None)
            except BadRead as exc:
                items.append(exc)
                raws.append(json.dumps(x, default=str)[:500])
        return items, raws

    answers = {200: {"model": IngestAnswer, "description": "One result per read, after the "
                     "commit"}}

    @r.post("/passings", responses=answers)
    async def passings(tok: Official, batch: PassingBatch) -> JSONResponse:
        """A JSON batch of mat passings. Each passing is answered on its own — accepted
        (with its id; a duplicate with the original's id and ``duplicate: true``) or
        rejected with its reason code — after the commit: one bad passing does not fail
        the batch."""
        items, raws = _parse_each(batch.passings, parse_passing_json)
        return await _ingest(tok, items, "json", raws)

    @r.post("/fixes", responses=answers)
    async def fixes(tok: Official, batch: FixBatch) -> JSONResponse:
        """A JSON batch of GPS fixes (speed in m/s), answered fix by fix as ``/passings``."""
        items, raws = _parse_each(batch.fixes, parse_fix_json)
        return await _ingest(tok, items, "json", raws)

    @r.post("/ingest/{fmt}", responses=answers, openapi_extra={"requestBody": {"content": {
        "text/plain": {"schema": {"type": "string"}}}, "required": True}})
    async def ingest_lines(request: Request, tok: Official, fmt: str,
                           location: Annotated[str | None, Query(max_length=100)] = None,
                           ) -> JSONResponse:
        """Lines of a decoder format — ``raceresult`` (passing records), ``mylaps``
        (Exporter frames), ``csv`` (chip;time;location) — one record per line. Every result
        names its ``line`` (1-based); a MYLAPS keep-alive (``Ping``) is answered
        ``ignored``."""
        if fmt not in LINE_FORMATS:
            raise HTTPException(404, f"unknown format {fmt!r}; valid: {', '.join(LINE_FORMATS)}")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"body over {MAX_BODY_BYTES} bytes; send smaller batches")
        lines = body.decode("utf-8", errors="replace").splitlines()
        n = sum(1 for x in lines if x.strip())
        if n > MAX_BATCH:
            raise HTTPException(413, f"over {MAX_BATCH} lines; send smaller batches")
        auth.limit(tok, n)
        try:
            res = await run_in_threadpool(service.ingest_lines, fmt, lines, location=location)
        except DBAPIError as exc:
            raise _unavailable(exc) from None
        return _answer(res)

    async def _osmand(request: Request, tok: str) -> JSONResponse:
        params: dict[str, Any] = dict(request.query_params)
        params.pop("token", None)
        raw = str(request.url.query)
        if request.method == "POST":
            ctype = request.headers.get("content-type", "")
            body = await request.body()
            if len(body) > 100_000:
                raise HTTPException(413, "body too large for one fix")
            if "json" in ctype:
                try:
                    data = json.loads(body or b"null")
                    item = parse_traccar_json(data if isinstance(data, dict) else {}, tb)
                except (BadRead, ValueError) as exc:
                    item = exc if isinstance(exc, BadRead) else BadRead("malformed", str(exc))
                return await _one(tok, item, "traccar", body[:500].decode("utf-8", "replace"))
            if body:
                from urllib.parse import parse_qsl

                params.update(parse_qsl(body.decode("utf-8", "replace")))
                raw = body[:500].decode("utf-8", "replace")
        try:
            item = parse_osmand(params, tb)
        except BadRead as exc:
            item = exc
        return await _one(tok, item, "osmand", raw)

    async def _one(tok: str, item, source: str, raw: str) -> JSONResponse:
        auth.limit(tok, 1)
        res = await _run_ingest([item], source, [raw])
        one = res["results"][0]
        # 200 whatever the fix's fate: Traccar Client (and OsmAnd) keep a fix in their buffer
        # and send it again every 30 s until a 2xx answer, and send nothing newer meanwhile
        # — a 400 for one impossible fix stalled the tracker for the rest of the race. The
        # rejection is counted, kept in live_rejects and named in the body and a header.
        return JSONResponse(one, status_code=200,
                            headers={"X-Paceline-Read": one["status"]})

    @r.get("/osmand")
    async def osmand_get(request: Request, tok: Official) -> JSONResponse:
        """OsmAnd / Traccar Client HTTP protocol: one fix in the query (``id``, ``lat``,
        ``lon``, ``timestamp`` s/ms/ISO, ``speed`` knots, ``bearing``, ``altitude``,
        ``accuracy``). Answered 200 both when stored and when rejected (body ``status``,
        ``code``, ``reason``; header ``X-Paceline-Read``): these clients re-send a fix until
        they get a 2xx, and send nothing newer meanwhile. 401/403 (token), 429 and 503
        (retry) stay errors."""
        return await _osmand(request, tok)

    @r.post("/osmand")
    async def osmand_post(request: Request, tok: Official) -> JSONResponse:
        """The same as a form body, or Traccar Client's JSON (speed in m/s there)."""
        return await _osmand(request, tok)

    @r.post("/dropouts")
    async def dropouts(tok: Official, body: Annotated[Dropout, Body()]) -> JSONResponse:
        """A pacer dropped out: stored (once per pacer), the rotation re-planned for the rest
        of the race (≤ 1 s) and published as a ``rotation`` event."""
        auth.limit(tok, 1)
        try:
            at_m = (float(body.at) if isinstance(body.at, int | float)
                    else parse_distance_m(body.at, where="at"))
            t = None
            if body.time is not None:
                from paceline.live.formats import parse_time_s

                t = parse_time_s(body.time, tb)
            res = await run_in_threadpool(service.dropout, body.pacer, at_m, t)
        except BadRead as exc:
            service.reject("dropout", exc, body.model_dump_json())
            return JSONResponse({"status": "rejected", "reason": str(exc)}, status_code=400)
        except ValueError as exc:  # UnitError from parse_distance_m
            err = BadRead("bad-field", str(exc))
            service.reject("dropout", err, body.model_dump_json())
            return JSONResponse({"status": "rejected", "reason": str(err)}, status_code=400)
        return JSONResponse(res)

    return r


async def _sse(request: Request, service: LiveService, start: int, max_events: int | None,
               idle_timeout_s: float | None):
    last = start
    sent = 0
    idle_since = time.monotonic()
    poll_db = time.monotonic()
    yield "retry: 1000\n\n"
    while True:
        if await request.is_disconnected():
            return
        now = time.monotonic()
        if service.last_event_id > last or now - poll_db > 1.0:  # 1 s poll: other workers
            poll_db = now
            rows = await run_in_threadpool(service.store.events_after, last, limit=500)
            for i, kind, _t, data in rows:
                yield f"id: {i}\nevent: {kind}\ndata: {data}\n\n"
                last = i
                sent += 1
                idle_since = time.monotonic()
                if max_events is not None and sent >= max_events:
                    return
            if rows:
                continue
        if idle_timeout_s is not None and now - idle_since > idle_timeout_s:
            return
        if now - idle_since > 15.0:
            yield ": keep-alive\n\n"
            idle_since = now
        await asyncio.sleep(0.05)


def create_app(plan_dir: str | Path, db_url: str, *, schema: str | None = None,
               rate_limit: float = 5000.0, tcp_host: str = "127.0.0.1",
               raceresult_port: int | None = None, mylaps_port: int | None = None,
               **service_kw: Any) -> FastAPI:
    """A standalone FastAPI app serving one race (see :class:`LiveService` for options).

    ``raceresult_port`` / ``mylaps_port``: also listen on ``tcp_host`` for RACE RESULT
    decoders (client mode) and MYLAPS exporters (:mod:`paceline.live.connectors`), started
    and stopped with the app."""
    service = LiveService(plan_dir, db_url, schema=schema, **service_kw)

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app_: FastAPI):
        servers = []
        if raceresult_port is not None or mylaps_port is not None:
            from paceline.live.connectors import start_mylaps, start_raceresult

            if raceresult_port is not None:
                servers.append(await start_raceresult(service, tcp_host, raceresult_port))
            if mylaps_port is not None:
                servers.append(await start_mylaps(service, tcp_host, mylaps_port))
        app_.state.tcp_servers = servers
        try:
            yield
        finally:
            for srv in servers:
                srv.close()
            service.close()

    app = FastAPI(title="paceline live", version="1",
                  description="Race-day tracking: timing and GPS in, projections and alerts "
                              "out. See docs/live.md.", lifespan=lifespan)
    app.state.service = service
    app.include_router(create_router(service, rate_limit=rate_limit))

    @app.get("/", response_class=PlainTextResponse, include_in_schema=False)
    def root() -> str:
        return (f"paceline live — {service.plan.name}\nAPI: /api/v1 (docs at /docs); "
                "stream: /api/v1/stream\n")

    return app
