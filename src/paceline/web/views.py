"""What the web pages show: plan, formation and training-log data shaped for the templates and
the browser's charts. Calls the orchestrators and the store; no physics here."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import urlencode

import jinja2
import numpy as np
from fastapi import HTTPException

from paceline import log as analytics
from paceline.errors import InputFileError, PacelineError
from paceline.formation import evaluate, formation_from_positions, load_preset, preset_names
from paceline.formation import with_formation as formation_scenario
from paceline.report.render import environment as report_environment
from paceline.report.render import plan_view
from paceline.store.logbook import SORT_KEYS
from paceline.units import format_distance, format_duration, format_pace

__all__ = ["environment", "LoadedPlan", "load_plan_for_web"]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Web templates first, then the report's (``plan_body.html``, ``plan.css``)."""
    base = report_environment()
    env = base.overlay(loader=jinja2.ChoiceLoader([
        jinja2.PackageLoader("paceline.web", "templates"), base.loader]))
    return env


# --- plan ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadedPlan:
    plan: Any  # paceline.plan.RacePlan
    view: dict
    chart: dict
    files: list[str]
    directory: Path | None
    figures: dict  # static PNG figures (drift, formation, laser); the pace chart is interactive


def _thin(n: int, most: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(int))


def plan_chart(plan) -> dict:
    """Course polyline, pace/elevation series and split marks for the Plan page's charts."""
    r = plan.result
    mid_km = 0.5 * (r.node_distance_m[:-1] + r.node_distance_m[1:]) / 1000.0
    i = _thin(mid_km.size, 1500)
    t = _thin(plan.track_distance_m.size, 1500)
    elev_km = plan.track_distance_m[t] / 1000.0
    geo = plan.track_lat_deg is not None
    return {
        "geo": geo,
        "lat": (plan.track_lat_deg[t] if geo else plan.track_north_m[t]).round(6).tolist(),
        "lon": (plan.track_lon_deg[t] if geo else plan.track_east_m[t]).round(6).tolist(),
        "track_km": elev_km.round(4).tolist(),
        "pace_km": mid_km[i].round(4).tolist(),
        "pace_s_km": (1000.0 / r.speed_m_s[i]).round(2).tolist(),
        "elev_km": elev_km.round(4).tolist(),
        "elev_m": plan.track_elevation_m[t].round(1).tolist(),
        "finish_s": r.finish_time_s,
    }


def load_plan_for_web(spec: str | Path, *, draws: int = 5000) -> LoadedPlan:
    """A plan for the Plan page from a plan directory (``paceline plan -o DIR``: rebuilt from
    the scenario recorded in plan.json, with the crew rotation read from crew_plan.json, so the
    page shows the plan the files hold) or from a scenario TOML (built now)."""
    from paceline.report.plan import load_plan, roster_note

    path = Path(spec)
    directory = None
    crew = None
    overrides: list[str] = []
    seed = 2019
    if path.is_dir():
        directory = path
        pj = path / "plan.json"
        if not pj.is_file():
            raise InputFileError("not a plan directory: no plan.json", where=str(path),
                                 fix="give the folder `paceline plan SCENARIO -o DIR` wrote, "
                                 "or a scenario TOML")
        data = json.loads(pj.read_text(encoding="utf-8"))
        src = data.get("source") or {}
        if not src.get("scenario_file"):
            raise InputFileError("plan.json does not name its scenario (written by an older "
                                 "paceline)", where=str(pj),
                                 fix="re-run `paceline plan SCENARIO -o DIR --overwrite`")
        overrides = list(src.get("overrides") or [])
        draws = int(data.get("uncertainty", {}).get("draws", draws))
        seed = int(data.get("uncertainty", {}).get("seed", seed))
        path = Path(src["scenario_file"])
        if (directory / "crew_plan.json").is_file():
            from paceline.io.roster import read_plan

            crew, _ = read_plan(directory / "crew_plan.json")
    elif not path.is_file():
        raise InputFileError("no such plan directory or scenario file", where=str(spec),
                             fix="give the folder `paceline plan` wrote or a scenario TOML")
    plan, extra = load_plan(path, overrides=overrides, draws=draws, seed=seed, crew_plan=crew)
    note = extra["roster_note"]
    if note is None and plan.crew_plan is not None and plan.scenario.plan.roster:
        rp = Path(plan.scenario.plan.roster)
        rp = rp if rp.is_absolute() else path.parent / rp
        note = roster_note(rp) if rp.is_file() else None
    view = plan_view(plan, assumptions=extra["assumptions"], roster_note=note)
    files = [] if directory is None else sorted(
        p.name for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    from paceline.report.render import static_figures

    figures = {**static_figures(plan), "prediction": None}
    return LoadedPlan(plan=plan, view=view, chart=plan_chart(plan), files=files,
                      directory=directory, figures=figures)


# --- formation editor ----------------------------------------------------------------------------

def formation_presets() -> list[str]:
    return [n for n in preset_names() if n != "single-file-N"]


def saved_formations(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml"))


def formation_preset(name: str, folder: Path) -> dict:
    """A bundled preset, or a formation saved in ``folder``, as runners (athlete first)."""
    from paceline.web.app import FORMATION_NAME

    if not FORMATION_NAME.fullmatch(name):
        raise HTTPException(404, "no such formation")
    saved = folder / f"{name}.toml"
    if saved.is_file():
        data = tomllib.loads(saved.read_text(encoding="utf-8"))
        runners = data["runner"]
        title = data.get("title", name)
    else:
        try:
            f = load_preset(name)
        except PacelineError as exc:
            raise HTTPException(404, str(exc)) from None
        runners = [{"name": n, "x_m": float(x), "y_m": float(y)}
                   for n, x, y in zip(f.runner_names, f.x_m, f.y_m, strict=True)]
        title = f.title
    return {"name": name, "title": title, "runners": runners}


_ALONE: dict[int, float] = {}


@lru_cache(maxsize=1)
def _default_scenario():
    """The editor's race when the app has no plan: Vienna 2019's scenario as bundled in the
    package data (marathon on the Vienna course, Kipchoge calibrated on Berlin 2018)."""
    from paceline.scenario import Scenario

    text = resources.files("paceline.web").joinpath("editor_scenario.toml").read_text("utf-8")
    return Scenario.model_validate(tomllib.loads(text))


def editor_scenario(loaded: LoadedPlan | None):
    if loaded is not None:
        return loaded.plan.scenario
    return _default_scenario()


def _solve_time_s(scenario) -> float:
    from paceline.io.scenario_file import load_courses
    from paceline.sim import RaceModel

    course, ref = load_courses(scenario)
    return float(RaceModel(scenario, course, ref).solve().finish_time_s)


def evaluate_formation(body, *, scenario) -> dict:
    """Drag ratio of every runner (paceline.formation) and what the formation is worth on the
    race: finish alone − finish behind it, with the editor's wind as the race's wind."""
    from paceline.scenario import Drafting

    rs = body.runners
    f = formation_from_positions([(r.x_m, r.y_m) for r in rs[1:]], name="editor")
    # the athlete is runner 0 at the origin; positions are relative to him
    x0, y0 = rs[0].x_m, rs[0].y_m
    f = formation_from_positions([(r.x_m - x0, r.y_m - y0) for r in rs[1:]], name="editor")
    res = evaluate(f, speed_m_s=body.speed_m_s, wind_speed_m_s=body.wind_speed_m_s,
                   wind_from_deg=body.wind_from_deg, heading_deg=body.heading_deg)
    ratio = [None if not np.isfinite(v) else round(float(v), 4) for v in res.drag_ratio]
    out: dict[str, Any] = {"drag_ratio": ratio, "athlete_drag_reduction":
                           round(res.athlete_drag_reduction, 4) if np.isfinite(
                               res.athlete_drag_reduction) else None,
                           "headwind_m_s": round(res.headwind_m_s, 3),
                           "crosswind_m_s": round(res.crosswind_m_s, 3),
                           "worth_s": None, "worth": "—", "overlap": not all(
                               r is not None for r in ratio)}
    if out["overlap"] or len(rs) < 2:
        return out
    cond = scenario.conditions.model_copy(update={"wind_speed_m_s": body.wind_speed_m_s,
                                                  "wind_from_deg": body.wind_from_deg})
    sc = scenario.model_copy(update={"conditions": cond})
    key = hash((id(scenario), body.wind_speed_m_s, body.wind_from_deg))
    if key not in _ALONE:
        _ALONE[key] = _solve_time_s(sc.model_copy(update={"drafting": Drafting()}))
    try:
        with_s = _solve_time_s(formation_scenario(
            sc, positions=[(r.x_m - x0, r.y_m - y0) for r in rs[1:]]))
    except PacelineError as exc:
        out["worth"] = str(exc)
        return out
    out["worth_s"] = round(_ALONE[key] - with_s, 1)
    out["finish"] = format_duration(with_s, decimals=1)
    out["alone"] = format_duration(_ALONE[key], decimals=1)
    out["worth"] = f"{_ALONE[key] - with_s:.1f} s"
    return out


def save_formation(body, folder: Path, *, overwrite: bool = False) -> Path:
    """Write NAME.toml (the bundled presets' format) into ``folder``: the athlete at (0, 0).

    Raises FileExistsError when NAME.toml exists and ``overwrite`` is false (nothing written:
    the check and the write are one atomic link)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / f"{body.name}.toml").resolve()
    if path.parent != folder.resolve():  # the name pattern already forbids this; belt and braces
        raise HTTPException(422, "formation name must not name a path")
    x0, y0 = body.runners[0].x_m, body.runners[0].y_m
    lines = [f"name = {json.dumps(body.name)}",
             f"title = {json.dumps(body.title or body.name)}",
             "sources = [\"drawn in the paceline web formation editor\"]",
             f"assumptions = [\"saved {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; positions "
             "as dragged, relative to the athlete\"]", ""]
    for i, r in enumerate(body.runners):
        name = "athlete" if i == 0 else (r.name or f"pacer {i}")
        lines += ["[[runner]]", f"name = {json.dumps(name)}",
                  f"x_m = {round(r.x_m - x0, 3)!r}", f"y_m = {round(r.y_m - y0, 3)!r}", ""]
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    try:
        if overwrite:
            tmp.replace(path)  # never a half-written file
        else:
            try:
                os.link(tmp, path)  # fails if the name is taken: nothing is overwritten
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                if path.exists():
                    raise FileExistsError(path) from None
                tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# --- training log --------------------------------------------------------------------------------

SORTS = SORT_KEYS
#: Rows per page of the Training log's table.
PAGE_ROWS = 100
_LOGS: dict[str | None, Any] = {}
_LOGS_LOCK = threading.Lock()


@contextmanager
def _log(db_url: str | None):
    """The app's training log for ``db_url``: opened (and migrated) once per process and
    kept — opening one per request cost every page a migration check."""
    from paceline.store import TrainingLog

    with _LOGS_LOCK:
        lg = _LOGS.get(db_url)
        if lg is None:
            lg = _LOGS[db_url] = TrainingLog(db_url)
    yield lg


def _date(text: str | None, key: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise HTTPException(422, f"{key}={text!r}: give a date as YYYY-MM-DD") from None


def log_url(**params) -> str:
    """``/log`` with the table's state in the query, defaults left out (what the address bar
    shows and a shared link reloads to the same view)."""
    defaults = {"sport": "", "since": "", "until": "", "sort": "start_utc", "order": "desc",
                "page": 1}
    q = {k: v for k, v in params.items() if v not in (None, defaults.get(k))}
    return "/log" + ("?" + urlencode(q) if q else "")


def _canonical_sports() -> set[str]:
    """The canonical sport names of the sport table (``data/sports.csv``, column ``sport``)."""
    import csv
    from importlib import resources

    text = resources.files("paceline").joinpath("data/sports.csv").read_text(encoding="utf-8")
    return {row["sport"] for row in csv.DictReader(text.splitlines())}


def activity_table(db_url: str | None, *, sport=None, since=None, until=None,
                   sort: str = "start_utc", order: str = "desc", page: int = 1,
                   per_page: int = PAGE_ROWS) -> dict:
    """One page of activities filtered by sport and date and sorted (in SQL), the count,
    the sports, and the links (sort headers, pages) that keep the table's state in the URL."""
    if sort not in SORTS:
        raise HTTPException(422, f"sort={sort!r}: one of {', '.join(sorted(SORTS))}")
    if order not in ("asc", "desc"):
        raise HTTPException(422, f"order={order!r}: asc or desc")
    if page < 1:
        raise HTTPException(422, f"page={page!r}: a page number from 1")
    d0, d1 = _date(since, "since"), _date(until, "until")
    until_excl = None if d1 is None else d1 + dt.timedelta(days=1)
    with _log(db_url) as lg:
        if sport and sport not in (known := set(lg.sports()) | _canonical_sports()):
            # a typo showed "0 activities" and "No activities yet: nothing to chart" (200)
            raise HTTPException(422, f"sport={sport!r}: one of {', '.join(sorted(known))}")
        rows, count = lg.page_activities(since=d0, until=until_excl, sport=sport or None,
                                         sort=sort, descending=order == "desc",
                                         limit=per_page, offset=(page - 1) * per_page)
        pages = max(1, -(-count // per_page))
        if page > pages:  # past the end (the log shrank, a hand-typed link): the last page
            page = pages
            rows, count = lg.page_activities(since=d0, until=until_excl, sport=sport or None,
                                             sort=sort, descending=order == "desc",
                                             limit=per_page, offset=(page - 1) * per_page)
        sports = lg.sports()
    out = []
    for r in rows:
        speed = (r.distance_m / r.moving_time_s) if r.distance_m and r.moving_time_s else None
        out.append({"id": r.id, "start": r.start_utc.strftime("%Y-%m-%d %H:%M"),
                    "sport": r.sport,
                    "distance": "—" if not r.distance_m else f"{r.distance_m / 1000:.2f} km",
                    "time": format_duration(r.moving_time_s) if r.moving_time_s else "—",
                    "pace": format_pace(speed) if speed else "—"})
    state = {"sport": sport or "", "since": since or "", "until": until or "", "sort": sort,
             "order": order}
    first = (page - 1) * per_page + 1
    return {"rows": out, "count": count, "shown": len(out), "sports": sports, **state,
            "page": page, "pages": pages, "first": first, "last": first + len(out) - 1,
            "url": log_url(**state, page=page),
            "sort_urls": {k: log_url(**{**state, "sort": k, "order": "asc" if (
                sort == k and order == "desc") else "desc"}) for k in SORTS},
            "prev_url": log_url(**state, page=page - 1) if page > 1 else None,
            "next_url": log_url(**state, page=page + 1) if page < pages else None}


def activity_detail(db_url: str | None, activity_id: int) -> dict:
    """One activity: its fields, laps, best efforts, and series for the charts and map."""
    with _log(db_url) as lg:
        try:
            a = lg.get(activity_id)
            s = lg.streams(activity_id)
        except InputFileError:
            raise HTTPException(404, f"no activity {activity_id}") from None
    n = max((v.size for v in s.values()), default=0)
    idx = _thin(n, 2000) if n else np.zeros(0, int)

    def ch(name):
        v = s.get(name)
        if v is None:
            return None
        v = v[idx]
        return None if not np.isfinite(v).any() else [
            None if not np.isfinite(x) else round(float(x), 3) for x in v]

    t = ch("time_s") or ch("elapsed_s")
    speed = s.get("speed_m_s")
    pace = None
    if speed is not None:
        sp = speed[idx]
        pace = [None if not (np.isfinite(x) and x > 0.5) else round(1000.0 / float(x), 1)
                for x in sp]
    series = {"t": t if t is not None else list(range(idx.size)), "pace_s_km": pace,
              "hr": ch("heart_rate_bpm"), "elev": ch("altitude_m"),
              "lat": ch("latitude_deg"), "lon": ch("longitude_deg"), "channels": sorted(s)}
    laps = [{"n": lp["index"] + 1, "distance": f"{(lp['distance_m'] or 0) / 1000:.2f} km",
             "time": format_duration(lp["moving_time_s"] or lp["elapsed_time_s"] or 0),
             "hr": "—" if lp["avg_heart_rate_bpm"] is None else f"{lp['avg_heart_rate_bpm']:.0f}"}
            for lp in a["laps"]]
    bests = [{"distance": format_distance(b["distance_m"]), "time": format_duration(b["time_s"])}
             for b in a["best_efforts"]]
    return {"id": activity_id, "sport": a.get("sport"), "start": a["start_utc"][:16],
            "distance": "—" if not a.get("distance_m") else f"{a['distance_m'] / 1000:.2f} km",
            "time": format_duration(a.get("moving_time_s") or 0), "laps": laps, "bests": bests,
            "series": series}


#: Fitness results kept per (database, sport) while the log's activity count is unchanged and
#: for at most this long [s]: the PMC and bests of 8,000 activities take ~1 s to compute.
FITNESS_CACHE_S = 300.0
_FITNESS: dict[tuple, tuple[float, int, tuple[dict, bytes]]] = {}


def invalidate_fitness(db_url: str | None) -> None:
    """Forget cached fitness results of a log (after an import through the app)."""
    for k in [k for k in _FITNESS if k[0] == db_url]:
        del _FITNESS[k]


def fitness(db_url: str | None, *, sport: str | None = None) -> dict:
    """:func:`compute_fitness`, cached while the log's activity count is unchanged (at most
    ``FITNESS_CACHE_S``)."""
    return _fitness_cached(db_url, sport)[0]


def fitness_json(db_url: str | None, *, sport: str | None = None) -> bytes:
    """:func:`fitness` as JSON, serialized once per cached result (20 years of days: 220 kB,
    ~70 ms through FastAPI's encoder on every request)."""
    return _fitness_cached(db_url, sport)[1]


def warm_fitness(db_url: str | None) -> None:
    """Compute the fitness charts of the whole log and of each sport now (``paceline web``
    at start and after an import, in a background thread): the Training log's first load
    then finds them cached — computing 20 years on the page's request took ~0.5 s of the
    1 s budget."""
    fitness(db_url)
    with _log(db_url) as lg:
        sports = lg.sports()
    for sport in sports:
        fitness(db_url, sport=sport)


_FITNESS_LOCKS: dict[tuple, threading.Lock] = {}


def _fitness_cached(db_url: str | None, sport: str | None) -> tuple[dict, bytes]:
    import time

    key = (db_url, sport or None)
    with _LOGS_LOCK:
        lock = _FITNESS_LOCKS.setdefault(key, threading.Lock())
    # one computation per log and sport at a time: a page request during the background
    # recompute after an import waits for it instead of computing the same charts beside it
    # (two at once on the GIL took 2.0 s median to the page, 8,000 activities, load 15)
    with lock:
        with _log(db_url) as lg:
            n = lg.count()
        hit = _FITNESS.get(key)
        if hit is not None and hit[1] == n and time.monotonic() - hit[0] < FITNESS_CACHE_S:
            return hit[2]
        out = compute_fitness(db_url, sport=sport)
        data = json.dumps(out, separators=(",", ":"), allow_nan=False).encode()
        _FITNESS[key] = (time.monotonic(), n, (out, data))
        return out, data


def compute_fitness(db_url: str | None, *, sport: str | None = None) -> dict:
    """PMC (CTL/ATL/TSB per day), best efforts and critical speed per year (paceline.log)."""
    with _log(db_url) as lg:
        a = lg.athlete()
        inp = lg.load_inputs(sport=sport or None)
        all_bests = lg.best_efforts()
        by_year = lg.best_efforts_by_year()
    thr = a["threshold_speed_m_s"]
    if not thr:
        cs, _, n = analytics.critical_speed_from_bests(all_bests)
        thr = cs if n >= 2 and np.isfinite(cs) else None
    start, load_, kind = analytics.daily_loads(
        inp, hr_rest_bpm=a["hr_rest_bpm"], hr_max_bpm=a["hr_max_bpm"], threshold_speed_m_s=thr,
        sex=a["sex"] or "men")
    per_year = []
    for y in sorted({b["year"] for b in by_year}):
        cs, dprime, n = analytics.critical_speed_from_bests(
            [b for b in by_year if b["year"] == y])
        per_year.append({"year": y, "cs_m_s": None if not np.isfinite(cs) else round(cs, 3),
                         "cs_pace": format_pace(cs) if np.isfinite(cs) else "—",
                         "d_prime_m": None if not np.isfinite(dprime) else round(dprime),
                         "n": n})
    p = analytics.pmc(start, load_)
    days = (p.day - np.datetime64("1970-01-01")).astype("timedelta64[s]").astype(float)
    return {"day_s": days.tolist(), "ctl": p.ctl.round(2).tolist(), "atl": p.atl.round(2).tolist(),
            "tsb": p.tsb.round(2).tolist(),
            "load_kind": "HR TRIMP" if (kind == "trimp").sum() >= (kind == "speed").sum()
            else "speed TSS", "no_load": int((kind == "none").sum()),
            "bests": [{"distance": format_distance(b["distance_m"]), "distance_m": b["distance_m"],
                       "time": format_duration(b["time_s"]), "date": b["start_utc"][:10],
                       "id": b["activity_id"]} for b in all_bests],
            "per_year": per_year}


def public_name(name: str) -> str:
    """The file name a user uploaded, without any folder a client sent with it."""
    return PureWindowsPath(name or "").name or "(unnamed file)"


def public_reason(reason: str | None, path: Path, name: str) -> str | None:
    """An import message about the server's temporary ``path`` told about the user's file:
    the user's name for the file, no server folder in it."""
    if reason is None:
        return None
    for prefix in (f"{path}: ", f"{path.name}: "):
        if reason.startswith(prefix):
            reason = reason[len(prefix):]
    reason = reason.replace(str(path), name).replace(path.name, name)
    return reason.replace(str(path.parent) + os.sep, "").replace(str(path.parent), "the upload")


def import_files(db_url: str | None, paths: list[Path], names: list[str]) -> dict:
    """Import uploaded files (already size-checked, under server-chosen names) into the log.
    Each outcome names the user's file and gives the reason only: the server's temporary
    paths never reach the page (they did: '/tmp/tmpiehbv7y_/upload-0.fit: not a valid …')."""
    from paceline.store import import_paths

    users = {str(p): (p, public_name(n)) for p, n in zip(paths, names, strict=True)}
    with _log(db_url) as lg:
        summary = import_paths(lg, paths, workers=1)
    if any(o.activity_ids for o in summary.outcomes):  # the charts now, not on the next visit
        invalidate_fitness(db_url)  # (an upload that added nothing keeps them)
        threading.Thread(target=warm_fitness_quietly, args=(db_url,), daemon=True).start()
    out = []
    for o in summary.outcomes:
        p, name = users.get(o.file, (Path(o.file), public_name(Path(o.file).name)))
        out.append({"file": name, "status": o.status,
                    "reason": public_reason(o.reason, p, name),
                    "activity_ids": list(o.activity_ids)})
    return {"files": out}


def warm_fitness_quietly(db_url: str | None) -> None:
    try:
        warm_fitness(db_url)
    except Exception:  # noqa: BLE001 - a warm-up only; the page reports its own errors
        pass
