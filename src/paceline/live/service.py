"""The race-day service: checks and stores reads, computes, publishes events, re-plans.

:class:`LiveService` owns the store (:class:`paceline.store.live.LiveStore`), the plan, the
:class:`~paceline.live.tracker.Tracker` and a processor thread. Ingest is synchronous: a
call returns after the transaction that stored its reads has committed — that is when the
HTTP layer acknowledges them. The processor wakes on every accepted read, computes a
snapshot (at most every ``min_interval_s``) and stores the resulting events (state, mat
passings, alerts raised and cleared); their database ids are the SSE ids.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from paceline.errors import PacelineError
from paceline.live.formats import BadRead, TimeBase, parse_lines
from paceline.live.plan import LivePlan, read_live_plan
from paceline.live.tracker import Settings, Tracker, load_projector
from paceline.store.live import LiveStore

__all__ = ["LiveService", "find_plan_file"]

log = logging.getLogger("paceline.live")


def find_plan_file(name: str | None, plan: LivePlan) -> Path | None:
    """A path the crew plan names (scenario, roster), tried as given, then beside the plan
    directory, then inside it."""
    if not name:
        return None
    p = Path(name)
    for cand in (p, plan.path.parent / p, plan.path / p, plan.path / p.name):
        if cand.is_file():
            return cand.resolve()
    return None


class LiveService:
    """One race: plan, store, tracker, processor thread.

    Parameters
    ----------
    plan_dir : path
        Directory written by ``paceline plan``.
    db_url : str
        Database (``sqlite:///live.sqlite`` or ``postgresql+psycopg://…``).
    tz : str
        Time zone of local times of day in decoder records (IANA name, default UTC).
    scenario : path, optional
        The scenario (default: the one the crew plan names) — for the projection's race model
        and the crew re-plan.
    """

    def __init__(self, plan_dir: str | Path, db_url: str, *, schema: str | None = None,
                 settings: Settings | None = None, tz: str = "UTC",
                 scenario: str | Path | None = None, min_interval_s: float = 0.25,
                 replan_time_limit_s: float = 1.0, background: bool = True) -> None:
        import datetime as dt

        self.plan = read_live_plan(plan_dir)
        self.store = LiveStore(db_url, schema=schema)
        self.settings = settings or Settings()
        race_date = dt.datetime.fromtimestamp(self.plan.start_s, dt.UTC)
        try:
            self.timebase = TimeBase.of(tz, race_date.date())
        except Exception as exc:  # zoneinfo raises several types
            raise PacelineError(f"unknown time zone: {exc}", where="--tz", value=tz,
                                valid="an IANA name such as Europe/Vienna, or UTC") from None
        self.race_date = race_date.astimezone(self.timebase.tz).date()
        self.timebase = TimeBase(self.timebase.tz, self.race_date)
        self.tracker = Tracker(self.plan, self.settings)
        raw = self.plan.crew_raw or {}
        self.scenario_path = (Path(scenario).resolve() if scenario else
                              find_plan_file(raw.get("scenario"), self.plan))
        self.roster_path = find_plan_file(raw.get("roster"), self.plan)
        self.min_interval_s = min_interval_s
        self.replan_time_limit_s = replan_time_limit_s
        self.rejects: Counter[str] = Counter(self.store.reject_counts())
        self._cond = threading.Condition()
        self._stop = False
        self.last_event_id = self.store.max_event_id()
        self._emitted_mats: set[str] = set()
        self._active_alerts: dict[str, dict[str, Any]] = {}
        self._scheduler = None
        self._crew_ready = threading.Event()
        self._crew_error: str | None = None
        self._replan_lock = threading.Lock()
        self._replan_gen = 0  # re-plans started: a background result for an older one is stale
        self._restore()
        self._threads: list[threading.Thread] = []
        if background:
            self.start()

    # --- start / stop ---------------------------------------------------------------------
    def _restore(self) -> None:
        """Rebuild the in-memory state from the database (after a restart)."""
        for r in self.store.reads():
            self.tracker.add(r)
        for _id, _kind, _t, data in self.store.events_after(0, limit=10**9,
                                                            kinds=("passing",)):
            import json

            self._emitted_mats.add(json.loads(data)["key"])
        last = self.store.last_event("alerts")
        if last is not None:
            self._active_alerts = {a["key"]: a for a in last[1]["active"]}
            self.tracker.active_alerts = set(self._active_alerts)
        rot = self.store.last_event("rotation")
        if rot is not None:
            from paceline.io.roster import plan_from_dict

            self.tracker.set_crew(plan_from_dict(rot[1]["plan"], where="rotation event"))

    def start(self) -> None:
        """Start the processor and the background loading of the models."""
        if self._threads:
            return
        self._threads = [threading.Thread(target=self._process_loop, name="live-processor",
                                          daemon=True),
                         threading.Thread(target=self._load_models, name="live-models",
                                          daemon=True)]
        for t in self._threads:
            t.start()

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        for t in self._threads:
            if t.name == "live-processor":
                t.join(timeout=5)
        self.store.close()

    def _load_models(self) -> None:
        try:
            load_projector(self.tracker, self.scenario_path)
        except Exception:  # noqa: BLE001 — the service runs without a projection
            log.exception("projection unavailable")
        self._notify()
        try:
            self._scheduler = self._build_scheduler()
        except Exception as exc:  # noqa: BLE001
            self._crew_error = str(exc)
        self._crew_ready.set()
        self._warm_up()

    def _warm_up(self) -> None:
        """One throw-away re-plan in the background at start-up: the first real drop-out
        then pays neither the solver's import nor its first model build (a cold re-plan took
        1.9 s of wall time where a warm one took 0.8 s)."""
        crew, sch = self.plan.crew, self._scheduler
        if sch is None or crew is None:
            return
        at = self.plan.distance_m / 2
        on = [a.pacer for a in crew.stints if a.from_m <= at < a.to_m]
        if not on:
            return
        try:
            with self._replan_lock:
                sch.replan(crew, on[0], at)
        except Exception:  # noqa: BLE001 — only a warm-up
            log.debug("re-plan warm-up failed", exc_info=True)

    def _build_scheduler(self):
        crew = self.plan.crew
        if crew is None:
            raise PacelineError("the plan has no crew_plan.json", where=str(self.plan.path))
        if self.scenario_path is None or self.roster_path is None:
            raise PacelineError("the crew plan's scenario or roster file was not found",
                                where="crew_plan.json",
                                value=[(self.plan.crew_raw or {}).get(k)
                                       for k in ("scenario", "roster")],
                                fix="start the service from the folder `paceline plan` ran in, "
                                    "or pass --scenario")
        from paceline.crew import CrewScheduler, get_crew_formation, problem_from_scenario
        from paceline.io.roster import read_roster
        from paceline.io.scenario_file import load_courses, read_scenario

        sc = read_scenario(self.scenario_path)
        course, ref = load_courses(sc, self.scenario_path.parent)
        slots = get_crew_formation(crew.formation).slots
        pacers, _ = read_roster(self.roster_path, slots=slots)
        problem = problem_from_scenario(
            sc, pacers, course=course, reference_course=ref, formation=crew.formation,
            exchange_every_m=None, exchange_points_m=crew.exchange_points_m,
            safety_margin_frac=crew.safety_margin_frac, reserves=0,
            target_time_s_override=crew.target_time_s, slot_drag=crew.slot_drag)
        return CrewScheduler(problem, time_limit_s=self.replan_time_limit_s,
                             deterministic=False)

    # --- ingest ---------------------------------------------------------------------------
    def ingest(self, items: list[dict[str, Any] | BadRead], *, source: str,
               raws: list[str | None] | None = None) -> dict[str, Any]:
        """Check, store (one transaction) and answer a batch of parsed reads.

        ``items`` are parsed reads or the :class:`BadRead` their parser raised. Returns
        ``{accepted, duplicates, rejected, results: [{index, status, id?, duplicate?,
        code?, reason?}]}`` — after the commit: a read is answered ``accepted`` only once the
        transaction holding it has committed; one the database refuses is answered
        ``rejected`` (``store-refused``) while the rest of the batch is stored.
        """
        now = time.time()
        results: list[dict[str, Any]] = [{} for _ in items]
        rows, where, rejects = [], [], []
        for i, it in enumerate(items):
            if isinstance(it, BadRead):
                err: BadRead | None = it
            else:
                try:
                    rows.append(dict(self.tracker.check(it, now), received_s=now))
                    where.append(i)
                    continue
                except BadRead as exc:
                    err = exc
            results[i] = {"index": i, "status": "rejected", "code": err.code,
                          "reason": str(err)}
            rejects.append((source, str(err), raws[i] if raws else None))
            self.rejects[err.code] += 1
        stored = self._store(rows)  # commits; (id, dup) or the BadRead of a refused row
        n_dup = n_ok = 0
        for i, row, got in zip(where, rows, stored, strict=True):
            if isinstance(got, BadRead):
                results[i] = {"index": i, "status": "rejected", "code": got.code,
                              "reason": str(got)}
                rejects.append((source, str(got), raws[i] if raws else None))
                self.rejects[got.code] += 1
                continue
            rid, dup = got
            results[i] = {"index": i, "status": "accepted", "id": rid, "duplicate": dup}
            n_ok += 1
            n_dup += dup
            if not dup:
                self.tracker.add(row)
        if rejects:
            try:
                self.store.add_rejects(rejects)
            except Exception:  # noqa: BLE001 — the count in memory stays; never fail acks
                log.exception("could not record rejected input")
        if n_ok > n_dup:
            self._notify()
        return {"accepted": n_ok - n_dup, "duplicates": n_dup, "rejected": len(rejects),
                "results": results}

    def _store(self, rows: list[dict[str, Any]]) -> list[tuple[int, bool] | BadRead]:
        """Insert checked reads in one transaction; if the database refuses the batch for
        what one row holds (a constraint, a value its column cannot take), store them one
        transaction each so that the others are kept, and answer the refused ones with
        ``store-refused``. A database that cannot be reached raises (nothing acknowledged:
        the HTTP layer answers 503 and the sender retries)."""
        from sqlalchemy.exc import DataError, IntegrityError

        try:
            return list(self.store.insert_reads(rows))
        except (DataError, IntegrityError) as exc:
            log.warning("a batch of %d reads was refused by the database (%s); storing them "
                        "one by one", len(rows), type(exc).__name__)
        out: list[tuple[int, bool] | BadRead] = []
        first: dict[str, tuple[int, bool] | BadRead] = {}
        for row in rows:
            if row["key"] in first:  # the same read twice in the batch: as the first was
                prev = first[row["key"]]
                out.append(prev if isinstance(prev, BadRead) else (prev[0], True))
                continue
            try:
                (got,) = self.store.insert_reads([row])
            except (DataError, IntegrityError) as exc:
                detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
                got = BadRead("store-refused", f"the database refused this read: {detail}")
            first[row["key"]] = got
            out.append(got)
        return out

    def ingest_lines(self, fmt: str, lines: list[str], *, location: str | None = None,
                     first_line: int = 1) -> dict[str, Any]:
        """Lines of a decoder format (:data:`~paceline.live.formats.LINE_FORMATS`): parse,
        check, store, answer as :meth:`ingest` — each result with the ``line`` it came from
        (1-based from ``first_line``), a keep-alive frame answered ``ignored``."""
        parsed = parse_lines(fmt, lines, self.timebase, location=location,
                             first_line=first_line)
        reads = [(n, it) for n, it in parsed if it is not None]
        text = dict(enumerate(lines, start=first_line))
        res = self.ingest([it for _n, it in reads], source=fmt,
                          raws=[text[n] for n, _it in reads])
        got = iter(res["results"])
        results = []
        for n, it in parsed:
            one = {"status": "ignored"} if it is None else dict(next(got))
            one.update(index=len(results), line=n)
            results.append(one)
        res["results"] = results
        res["ignored"] = sum(it is None for _n, it in parsed)
        return res

    def reject(self, source: str, err: BadRead, raw: str | None = None) -> None:
        self.rejects[err.code] += 1
        try:
            self.store.add_rejects([(source, str(err), raw)])
        except Exception:  # noqa: BLE001
            log.exception("could not record rejected input")

    # --- drop-outs ------------------------------------------------------------------------
    def dropout(self, pacer: str, at_m: float, time_s: float | None = None) -> dict[str, Any]:
        """A pacer dropped out at ``at_m``: store it, re-plan the rest of the race (≤ 1 s of
        solving), publish the new rotation. Idempotent per pacer (key ``dropout:<pacer>``)."""
        dev = self.plan.device_of(pacer)
        if dev is None or dev.role != "pacer":
            raise BadRead("unknown-pacer", f"{pacer!r} is not a pacer of the plan")
        if not 0.0 < at_m < self.plan.distance_m:
            raise BadRead("out-of-range", f"at_m {at_m:g} outside the race (0 … "
                                          f"{self.plan.distance_m:g} m)")
        t = time.time() if time_s is None else time_s
        if t > time.time() + self.settings.future_tolerance_s:
            raise BadRead("future-time", "the drop-out time is in the future")
        row = {"key": f"dropout:{dev.name}", "kind": "dropout", "device": dev.name,
               "time_s": t, "distance_m": at_m, "source": "official", "received_s": time.time()}
        with self._replan_lock:
            (rid, dup), = self.store.insert_reads([row])
            if dup:
                prev = next((r for r in self.store.reads(kind="dropout") if r["id"] == rid), row)
                return {"status": "accepted", "id": rid, "duplicate": True,
                        "pacer": dev.name, "at_m": prev["distance_m"]}
            self.tracker.add(row)
            answer: dict[str, Any] = {"status": "accepted", "id": rid, "duplicate": False,
                                      "pacer": dev.name, "at_m": at_m}
            answer.update(self._replan(dev.name, at_m))
        self._notify()
        return answer

    def _replan(self, pacer: str, at_m: float) -> dict[str, Any]:
        self._crew_ready.wait(timeout=60)
        crew = self.tracker.crew
        if self._scheduler is None or crew is None:
            msg = f"re-plan unavailable: {self._crew_error or 'crew model not loaded'}"
            self.store.add_events([("alert", None, {"key": f"replan:{pacer}", "level": "error",
                                                    "message": msg, "raised": True})])
            return {"replan": None, "replan_error": msg}
        t0 = time.perf_counter()
        self._replan_gen += 1
        gen = self._replan_gen
        limit = self.replan_time_limit_s
        # the solver in a thread of its own (a scheduler of its own: they keep state), with
        # the answer's deadline `limit` of wall time from here whatever the machine's load
        solver = self._new_scheduler(limit)
        job: dict[str, Any] = {"answered": False}
        done = threading.Event()
        decide = threading.Lock()

        def solve() -> None:
            try:
                job["plan"] = solver.replan(crew, pacer, at_m)
            except Exception as exc:  # noqa: BLE001 — PacelineError: no plan in the limit
                job["error"] = exc
            with decide:
                done.set()
                late = job["answered"]
            if late:  # the answer went out with the repair: publish the solver's when ready
                self._replan_later(crew, pacer, at_m, gen, job.get("plan"), t0)

        threading.Thread(target=solve, name="live-replan", daemon=True).start()
        notes: list[str] = []
        try:  # the greedy repair meanwhile (~0.1 s): the answer if the solver is late
            quick = self._new_scheduler(limit).repair(crew, pacer, at_m)
        except PacelineError as exc:
            quick, notes = None, [f"quick repair failed: {exc}"]
        done.wait(max(0.0, limit - (time.perf_counter() - t0)) if quick is not None else None)
        with decide:
            finished = done.is_set()
            job["answered"] = not finished
        if finished and "plan" in job:
            new, stage = job["plan"], "solver"
        elif quick is None:
            msg = f"re-plan failed: {job.get('error')}"
            self.store.add_events([("alert", None, {"key": f"replan:{pacer}", "level": "error",
                                                    "message": msg, "raised": True})])
            return {"replan": None, "replan_error": msg}
        else:
            new, stage = quick, "repair"
            if finished:  # the solver gave up within the limit: again with 5× the time
                notes.append(f"the solver found no plan in {limit:g} s ({job['error']}); the "
                             f"quick repair is published, the solver goes on for "
                             f"{5 * limit:g} s")
                threading.Thread(target=self._replan_later,
                                 args=(crew, pacer, at_m, gen, None, t0),
                                 name="live-replan", daemon=True).start()
            else:
                notes.append(f"the solver had no plan {limit:g} s after the drop-out (a "
                             "loaded machine); the quick repair is published, the solver's "
                             "plan follows")
        wall = time.perf_counter() - t0
        self.tracker.set_crew(new)
        data = self._rotation_data(new, pacer, at_m, wall, stage, notes)
        ids = self.store.add_events([("dropout", None, {"pacer": pacer, "at_m": at_m}),
                                     ("rotation", None, data)])
        self.last_event_id = max(self.last_event_id, ids[-1])
        return {"replan": {"event_id": ids[-1], "wall_s": wall, "status": new.status,
                           "stage": stage, "notes": data["notes"],
                           "rotation": data["rotation"]}}

    def _new_scheduler(self, limit_s: float):
        from paceline.crew import CrewScheduler

        # wall-clock limits (not the deterministic work units the planning CLI uses for
        # reproducible plans): on the day the rotation must arrive within the limit, and the
        # shared 2-core machine ran 1 s of deterministic work in 2.4–3.5 s of wall time
        return CrewScheduler(self._scheduler.problem, time_limit_s=limit_s,
                             deterministic=False)

    @staticmethod
    def _rotation_data(new, pacer: str, at_m: float, wall: float, stage: str,
                       notes: list[str]) -> dict[str, Any]:
        from paceline.io.roster import plan_to_dict

        return {"pacer": pacer, "at_m": at_m, "wall_s": wall, "status": new.status,
                "stage": stage, "notes": notes + list(new.notes), "plan": plan_to_dict(new),
                "rotation": [{"pacer": a.pacer, "slot": a.slot, "from_m": a.from_m,
                              "to_m": a.to_m} for a in new.stints if a.to_m > at_m]}

    def _replan_later(self, crew, pacer: str, at_m: float, gen: int, new, t0: float) -> None:
        """After the answer went out with the repair: publish the solver's plan (``new``, or
        a re-plan with 5× the limit when the solver had none) as a second ``rotation`` event
        (stage ``solver``), unless another drop-out has been re-planned meanwhile."""
        if new is None:
            try:
                new = self._new_scheduler(5 * self.replan_time_limit_s).replan(crew, pacer,
                                                                               at_m)
            except Exception as exc:  # noqa: BLE001 — the repair stays published
                log.warning("background re-plan after %s failed: %s", pacer, exc)
                return
        with self._replan_lock:
            if gen != self._replan_gen or self._stop:
                return
            self.tracker.set_crew(new)
            data = self._rotation_data(new, pacer, at_m, time.perf_counter() - t0, "solver",
                                       ["the solver's plan, replacing the quick repair"])
            ids = self.store.add_events([("rotation", None, data)])
            self.last_event_id = max(self.last_event_id, ids[-1])
        self._notify()

    # --- processing -----------------------------------------------------------------------
    def _notify(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _process_loop(self) -> None:
        seen = -1
        last = 0.0
        while True:
            with self._cond:
                while not self._stop and self.tracker.version == seen:
                    self._cond.wait(timeout=1.0)
                if self._stop:
                    return
            wait = self.min_interval_s - (time.monotonic() - last)
            if wait > 0:
                time.sleep(wait)
            last = time.monotonic()
            seen = self.tracker.version
            try:
                self.process_once()
            except Exception:  # noqa: BLE001 — keep processing; the reads are safe
                log.exception("processing failed")
                time.sleep(1.0)

    def process_once(self) -> list[int]:
        """Compute a snapshot and store its events; returns their ids."""
        snap = self.tracker.snapshot()
        events: list[tuple[str, float | None, dict[str, Any]]] = []
        for m in snap["mats"]:
            key = f"{m['location']}@{m['distance_m']:g}"
            if key not in self._emitted_mats:
                events.append(("passing", m["elapsed_s"], dict(m, key=key)))
        keys = {a["key"] for a in snap["alerts"]}
        changed = False
        for a in snap["alerts"]:
            if a["key"] not in self._active_alerts:
                events.append(("alert", None, dict(a, raised=True)))
                changed = True
        for k, a in list(self._active_alerts.items()):
            if k not in keys:
                events.append(("alert", None, dict(a, raised=False)))
                changed = True
        if changed:
            events.append(("alerts", None, {"active": snap["alerts"]}))
        ath = snap["athlete"]
        snap["rejects"] = dict(self.rejects)
        events.append(("state", None if ath is None else ath["elapsed_s"], snap))
        ids = self.store.add_events(events)
        for m in snap["mats"]:
            self._emitted_mats.add(f"{m['location']}@{m['distance_m']:g}")
        self._active_alerts = {a["key"]: a for a in snap["alerts"]}
        with self.tracker.lock:
            self.tracker.active_alerts = set(self._active_alerts)
        if ids:
            self.last_event_id = max(self.last_event_id, ids[-1])
        return ids
