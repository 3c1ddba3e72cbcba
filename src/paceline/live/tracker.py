"""What the live service computes from the reads: position, pace, gaps, projection, waves,
drinks and alerts.

The tracker keeps every accepted read in memory, per device, **sorted by the read's own time**
(reads that arrive out of order are inserted where they belong), and computes a snapshot of
the race from them. It does no physics itself: the projection runs the race model
(:class:`paceline.sim.RaceModel`, via :class:`Projector`) on the remaining course, and the
rotation comes from the crew plan (re-planned by :class:`paceline.crew.CrewScheduler`).
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from paceline.crew import CrewPlan
from paceline.live.formats import BadRead
from paceline.live.plan import LivePlan

__all__ = ["Settings", "Projector", "Tracker", "MAX_SPEED_M_S", "MAX_OFFSET_M"]

#: Faster than this along the course is not a runner, a bike escort or the pace car [m/s].
MAX_SPEED_M_S = 12.0
#: Further than this from the course line is not on the course [m].
MAX_OFFSET_M = 200.0


@dataclass(frozen=True)
class Settings:
    """Thresholds of the checks and alerts (units in the names)."""

    behind_alert_s: float = 10.0  # behind schedule by more than this → alert
    pace_drift_frac: float = 0.02  # recent pace off the target pace by more than this → alert
    formation_gap_m: float = 15.0  # on-duty pacer this far from the athlete → alert
    stale_fix_s: float = 30.0  # no fix for this long → the device is stale
    drinks_window_m: float = 100.0  # the drinks bike must be with the athlete this close
    drinks_with_athlete_m: float = 30.0  # … within this distance of him
    future_tolerance_s: float = 5.0  # clock skew allowed on read times
    before_gun_s: float = 3600.0  # reads this long before the gun are still race-day reads
    after_target_factor: float = 2.0  # … and up to this many target times after the gun
    max_speed_m_s: float = MAX_SPEED_M_S
    max_offset_m: float = MAX_OFFSET_M
    pace_window_s: float = 60.0  # current pace over this window
    pace_min_span_s: float = 20.0  # … from at least this much GPS (else between mats)
    clear_frac: float = 0.7  # a raised alert clears below this fraction of its threshold
    projection_window_m: float = 5000.0  # effort shown: over the last this many metres
    projection_min_m: float = 200.0  # … once he has run this far (before: the plan's effort)
    projection_piece_m: float = 1000.0  # scatter of the effort: over pieces this long
    position_sd_m: float = 5.0  # SD of a position (GPS; mats are better) in the effort's SD


class Projector:
    """Projected finish: the race model run on the remaining course at the effort shown so far.

    The model (``race-model`` mode: the scenario's :class:`~paceline.sim.RaceModel` at 41
    constant metabolic powers, 80–120 % of the schedule's mean) gives the elapsed time
    ``E(e, d)`` at every effort ``e`` and distance ``d``; ``e₀`` is the effort that finishes in
    the target time. The model is used **relative to the schedule** ``S(d)``: over a stretch
    ``[a, b]`` an effort ``e`` takes ``S(b) − S(a)`` times ``ρ(e, a, b) = (E(e, b) − E(e, a)) /
    (E(e₀, b) − E(e₀, a))`` — so the model contributes how a change of effort plays out on this
    course (its hills, turns and wind), and a runner on schedule is projected exactly onto the
    schedule's finish. (Matching absolute model times against the schedule, as before, read
    the model's own start and even-effort profile as the runner's effort: a runner on schedule
    at 1 km was projected 2:05:30.)

    The effort shown is the one whose ``ρ`` over the trailing window equals the runner's time
    over it divided by the schedule's (:meth:`project`); the finish is his elapsed time plus
    the remaining course at that effort. P10/P90: the same at the efforts of the time ratio's
    P10/P90 (normal, the SD given by the tracker), so the band is the model's, narrows as the
    remaining course shrinks and is zero at the finish. ``schedule`` mode (no scenario):
    ``E = S / e``.
    """

    GRID = np.linspace(0.80, 1.20, 41)
    Z90 = 1.2815515655446004  # standard normal quantile of 0.9

    def __init__(self, plan: LivePlan, scenario_path: Path | None = None) -> None:
        self.plan = plan
        self.distance_grid_m = np.linspace(0.0, plan.distance_m, 845)
        self.sched = plan.scheduled_elapsed_s(self.distance_grid_m)
        self.mode = "schedule"
        self.elapsed = self.sched[None, :] / self.GRID[:, None]  # (effort, distance)
        self.note = "projection: schedule scaled (no scenario found)"
        if scenario_path is not None:
            try:
                self._race_model(scenario_path)
            except Exception as exc:  # noqa: BLE001 — fall back, say why
                self.note = f"projection: schedule scaled (race model failed: {exc})"
        fin = self.elapsed[:, -1]  # decreasing with effort
        self.e0 = float(np.interp(plan.target_time_s, fin[::-1], self.GRID[::-1]))
        self.plan_e = self._row(self.e0)
        band = plan.p10_p50_p90_s
        #: prior SD of the time ratio before the race shows any: the plan's Monte Carlo band
        self.prior_sd = ((band[2] - band[0]) / (2 * self.Z90 * band[1]) if band else 0.012)

    def _race_model(self, scenario_path: Path) -> None:
        from paceline.io.scenario_file import load_courses, read_scenario
        from paceline.sim import RaceModel

        sc = read_scenario(scenario_path)
        course, ref = load_courses(sc, scenario_path.parent)
        model = RaceModel(sc, course, ref)
        base = model.at_even_pace(self.plan.target_time_s)
        dt = np.diff(base.elapsed_s)
        p_mean = float(np.sum(base.metabolic_power_w_kg * dt) / np.sum(dt))
        rows = []
        for g in self.GRID:
            r = model.at_effort(p_mean * g)
            frac = self.distance_grid_m / self.plan.distance_m * r.distance_m
            rows.append(np.interp(frac, r.node_distance_m, r.elapsed_s))
        self.elapsed = np.array(rows)
        self.mode = "race-model"
        self.note = (f"projection: race model of {scenario_path.name} on the remaining course "
                     "at the effort shown")

    def _row(self, e: float) -> np.ndarray:
        """Model elapsed times [s] on the distance grid at effort ``e`` (interpolated)."""
        k = float(np.interp(e, self.GRID, np.arange(self.GRID.size)))
        lo, hi = int(math.floor(k)), int(math.ceil(k))
        return (1 - (k - lo)) * self.elapsed[lo] + (k - lo) * self.elapsed[hi]

    def _span(self, rows: np.ndarray, a: float, b: float) -> np.ndarray:
        at = [np.interp(x, self.distance_grid_m, r) for r in np.atleast_2d(rows) for x in (a, b)]
        at = np.reshape(at, (-1, 2))
        return at[:, 1] - at[:, 0]

    def ratio(self, effort_rel: float, a: float, b: float) -> float:
        """ρ: time over ``[a, b]`` [m] at a relative effort (1 = the plan's) divided by the
        plan's time over it."""
        e = effort_rel * self.e0
        g = float(np.clip(e, self.GRID[0], self.GRID[-1]))
        base = float(self._span(self.plan_e, a, b)[0])
        if base <= 0:
            return 1.0
        rho = float(self._span(self._row(g), a, b)[0]) / base
        return rho * g / e  # beyond the grid: time ∝ 1/effort (approx.)

    def effort(self, time_ratio: float, a: float, b: float) -> float:
        """The relative effort (1 = the plan's) whose ρ over ``[a, b]`` is ``time_ratio``."""
        base = float(self._span(self.plan_e, a, b)[0])
        if base <= 0 or not math.isfinite(time_ratio) or time_ratio <= 0:
            return 1.0
        rho = self._span(self.elapsed, a, b) / base  # decreasing with effort
        if time_ratio >= rho[0]:
            e = self.GRID[0] * rho[0] / time_ratio
        elif time_ratio <= rho[-1]:
            e = self.GRID[-1] * rho[-1] / time_ratio
        else:
            e = float(np.interp(time_ratio, rho[::-1], self.GRID[::-1]))
        return float(e / self.e0)

    def time_between(self, effort_rel: float, from_m: float, to_m: float) -> float:
        """Time [s] from one distance to another at a relative effort (1 = the plan's)."""
        sched = float(self.plan.scheduled_elapsed_s(to_m) - self.plan.scheduled_elapsed_s(from_m))
        return sched * self.ratio(effort_rel, from_m, to_m)

    def project(self, distance_m: float, elapsed_s: float, *, time_ratio: float = 1.0,
                window_from_m: float = 0.0, sd: float | None = None) -> dict[str, float]:
        """Finish [s from the gun] with its P10/P90 for a runner at ``distance_m`` after
        ``elapsed_s`` who took ``time_ratio`` × the schedule's time over ``[window_from_m,
        distance_m]``; ``sd`` is that ratio's standard deviation (default: the plan's
        Monte Carlo spread)."""
        d, end = float(distance_m), self.plan.distance_m
        sd = self.prior_sd if sd is None else sd
        out = {}
        for name, q in (("finish_s", time_ratio), ("p10_s", time_ratio * (1 - self.Z90 * sd)),
                        ("p90_s", time_ratio * (1 + self.Z90 * sd))):
            e = self.effort(q, window_from_m, d) if d > window_from_m else 1.0
            out[name] = elapsed_s + self.time_between(e, d, end) if d < end else elapsed_s
            if name == "finish_s":
                out["effort_rel"] = e
        out["time_ratio"] = time_ratio
        out["time_ratio_sd"] = sd
        return out


@dataclass
class _Track:
    t: list[float] = field(default_factory=list)
    d: list[float] = field(default_factory=list)

    def add(self, t: float, d: float) -> None:
        i = bisect.bisect_right(self.t, t)
        self.t.insert(i, t)
        self.d.insert(i, d)

    def before(self, t: float, gap_s: float = 0.0) -> int:
        """Index of the last point at or before t − gap_s, −1 if none."""
        return bisect.bisect_right(self.t, t - gap_s) - 1

    def at(self, t: float) -> float | None:
        if not self.t:
            return None
        return float(np.interp(t, self.t, self.d))


class Tracker:
    """Accepted reads in time order per device, and the race computed from them.

    Thread-safe: ingest threads call :meth:`check` and :meth:`add`, the processor calls
    :meth:`snapshot`.
    """

    FINISH_TOLERANCE_M = 5.0  # the athlete is over the line within this of the course end

    def __init__(self, plan: LivePlan, settings: Settings | None = None) -> None:
        self.plan = plan
        self.settings = settings or Settings()
        self.lock = threading.RLock()
        self.fixes: dict[str, _Track] = {}
        self.passings: dict[str, _Track] = {}
        self.mat_times: dict[str, dict[float, tuple[float, str]]] = {}  # device → d → (t, loc)
        self.dropouts: list[dict[str, Any]] = []
        self.crew: CrewPlan | None = plan.crew
        self.projector: Projector | None = None
        self.version = 0  # bumped on every accepted read
        self.last_read_s: float | None = None
        #: keys of the alerts raised and not cleared (the service keeps it): their
        #: thresholds are lowered by ``clear_frac`` so that an alert does not flap
        self.active_alerts: set[str] = set()

    # --- checking -------------------------------------------------------------------------
    def check(self, read: dict[str, Any], now_s: float | None = None) -> dict[str, Any]:
        """Check a parsed read against the plan; fill in ``distance_m``/``offset_m``.

        Raises
        ------
        BadRead
            unknown-chip/unknown-device, unknown-mat, future-time, off-course, too-fast.
        """
        s, plan = self.settings, self.plan
        now_s = time.time() if now_s is None else now_s
        t = float(read["time_s"])
        if t > now_s + s.future_tolerance_s:
            raise BadRead("future-time", f"{read['device']} at {t:.3f} is "
                                         f"{t - now_s:.0f} s in the future (clock wrong?)")
        lo = plan.start_s - s.before_gun_s
        hi = plan.start_s + s.after_target_factor * plan.target_time_s
        if not lo <= t <= hi:
            raise BadRead("bad-time", f"{read['device']} at {t:.3f} is outside the race window "
                                      f"({lo:.0f} … {hi:.0f}: {s.before_gun_s:.0f} s before the "
                                      f"gun to {s.after_target_factor:g}× the target time after "
                                      "it); check the decoder's date and time zone (--tz)")
        dev = plan.device_of(read["device"])
        if dev is None:
            known = ", ".join(sorted(plan.devices)[:8])
            raise BadRead("unknown-chip" if read["kind"] == "passing" else "unknown-device",
                          f"{read['device']!r} is not in the plan's devices ({known}, …); "
                          "add it to devices.csv in the plan directory")
        out = dict(read, device=dev.name)
        with self.lock:
            if read["kind"] == "passing":
                d = read.get("distance_m")
                if d is None:
                    d = plan.mat_distance_m(read.get("location") or "")
                if d is None or not 0.0 <= d <= plan.distance_m + 1.0:
                    raise BadRead("unknown-mat", f"mat {read.get('location')!r} is not on the "
                                  f"course; name mats by distance (10km, HALF, FINISH) or list "
                                  "them in mats.csv")
                out["distance_m"] = float(d)
                self._speed_check(self.passings.get(dev.name), t, float(d), 0.0)
            elif read["kind"] == "fix":
                sp = read.get("speed_m_s")
                if sp is not None and sp > s.max_speed_m_s:
                    raise BadRead("too-fast", f"{dev.name} reports {sp:.1f} m/s, more than "
                                              f"{s.max_speed_m_s:g} m/s")
                d_exp = self._expected_m(dev.name, t)
                d, off = plan.course.match(read["lat_deg"], read["lon_deg"], d_exp,
                                           max_offset_m=s.max_offset_m)
                if off > s.max_offset_m:
                    raise BadRead("off-course", f"{dev.name} is {off:.0f} m from the course "
                                                f"(limit {s.max_offset_m:g} m)")
                out["distance_m"], out["offset_m"] = d, off
                tol = 2.0 * max(read.get("accuracy_m") or 0.0, 15.0)
                self._speed_check(self.fixes.get(dev.name), t, d, tol)
        return out

    def _expected_m(self, device: str, t: float) -> float:
        tr = self.fixes.get(device)
        v = self.plan.distance_m / self.plan.target_time_s
        if tr and tr.t:
            i = max(tr.before(t), 0)
            return tr.d[i] + v * (t - tr.t[i])
        return float(self.plan.scheduled_distance_m(t - self.plan.start_s))

    def _speed_check(self, tr: _Track | None, t: float, d: float, tol_m: float) -> None:
        if not tr or not tr.t:
            return
        lim = self.settings.max_speed_m_s
        i = tr.before(t, 2.0)
        j = bisect.bisect_left(tr.t, t + 2.0)
        for k in (i, j):
            if 0 <= k < len(tr.t):
                dt_ = abs(t - tr.t[k])
                v = (abs(d - tr.d[k]) - tol_m) / dt_
                if v > lim:
                    raise BadRead("too-fast", f"{abs(d - tr.d[k]):.0f} m in {dt_:.1f} s along "
                                              f"the course is {v:.1f} m/s (limit {lim:g})")

    # --- adding ---------------------------------------------------------------------------
    def add(self, read: dict[str, Any]) -> None:
        """Add a stored (accepted, not duplicate) read."""
        with self.lock:
            kind, dev, t = read["kind"], read["device"], float(read["time_s"])
            if kind == "fix":
                self.fixes.setdefault(dev, _Track()).add(t, float(read["distance_m"]))
            elif kind == "passing":
                d = float(read["distance_m"])
                self.passings.setdefault(dev, _Track()).add(t, d)
                mats = self.mat_times.setdefault(dev, {})
                if d not in mats or t < mats[d][0]:
                    mats[d] = (t, read.get("location") or f"{d:g} m")
            elif kind == "dropout":
                self.dropouts.append({"pacer": dev, "at_m": float(read["distance_m"]),
                                      "time_s": t})
            self.version += 1
            self.last_read_s = t if self.last_read_s is None else max(self.last_read_s, t)

    def set_crew(self, crew: CrewPlan) -> None:
        with self.lock:
            self.crew = crew
            self.version += 1

    # --- computing ------------------------------------------------------------------------
    def athlete(self) -> str | None:
        return next((d.name for d in self.plan.devices.values() if d.role == "athlete"), None)

    def _role(self, role: str) -> list[str]:
        return [d.name for d in self.plan.devices.values() if d.role == role]

    def position(self, device: str) -> tuple[float, float] | None:
        """Latest (time_s, distance_m) of a device from its fixes and mat passings."""
        best = None
        for tr in (self.fixes.get(device), self.passings.get(device)):
            if tr and tr.t and (best is None or tr.t[-1] > best[0]):
                best = (tr.t[-1], tr.d[-1])
        return best

    def pace_m_s(self, device: str) -> float | None:
        """Speed over the last ``pace_window_s`` (least squares of distance on time, fixes
        and passings together) [m/s]."""
        ts, ds = [], []
        end = self.position(device)
        if end is None:
            return None
        for tr in (self.fixes.get(device), self.passings.get(device)):
            if tr and tr.t:
                i = bisect.bisect_left(tr.t, end[0] - self.settings.pace_window_s)
                ts += tr.t[i:]
                ds += tr.d[i:]
        if len(ts) < 2 or max(ts) - min(ts) < self.settings.pace_min_span_s:
            tr = self.passings.get(device)
            if tr and len(tr.t) >= 2 and tr.t[-1] > tr.t[-2]:
                return (tr.d[-1] - tr.d[-2]) / (tr.t[-1] - tr.t[-2])
            return None
        return float(np.polyfit(np.array(ts) - ts[0], ds, 1)[0])

    def rotation_at(self, distance_m: float) -> list[dict[str, Any]]:
        crew = self.crew
        if crew is None:
            return []
        return [{"pacer": a.pacer, "slot": a.slot, "from_m": a.from_m, "to_m": a.to_m}
                for a in crew.stints if a.from_m <= distance_m < a.to_m]

    def snapshot(self) -> dict[str, Any]:
        """The race now, as a JSON-ready dict (times s from the gun, distances m)."""
        with self.lock:
            return self._snapshot()

    def _snapshot(self) -> dict[str, Any]:
        plan, s = self.plan, self.settings
        ath = self.athlete()
        out: dict[str, Any] = {"plan": plan.name, "distance_m": plan.distance_m,
                               "target_time_s": plan.target_time_s, "athlete": None,
                               "mats": [], "alerts": [], "pacers": [], "rotation": [],
                               "next_exchange": None, "next_drinks": None, "projection": None,
                               "pace_car": None, "dropouts": list(self.dropouts)}
        pos = self.position(ath) if ath else None
        mats = sorted((self.mat_times.get(ath) or {}).items())
        for d, (t, loc) in mats:
            el = t - plan.start_s
            sch = float(plan.scheduled_elapsed_s(d))
            out["mats"].append({"location": loc, "distance_m": d, "elapsed_s": el,
                                "scheduled_s": sch, "gap_s": el - sch})
        if pos is None:
            return out
        t, d = pos
        target_v = plan.distance_m / plan.target_time_s
        finish = self._finish_s(ath, d)
        if finish is not None:
            # Over the line: the race is frozen at the finish. GPS fixes after it (a runner
            # standing in the finish area) moved the elapsed time on — the page showed 2:01:20
            # "100 s behind", a pace of 47:46:34/km and a pace-drift alert — and no finish row.
            sch = float(plan.target_time_s)
            if not any(abs(m["distance_m"] - plan.distance_m) < 1.0 for m in out["mats"]):
                out["mats"].append({"location": "finish", "distance_m": plan.distance_m,
                                    "elapsed_s": finish, "scheduled_s": sch,
                                    "gap_s": finish - sch})
            out["athlete"] = {"device": ath, "time_s": plan.start_s + finish,
                              "elapsed_s": finish, "distance_m": plan.distance_m,
                              "scheduled_s": sch, "gap_s": finish - sch, "speed_m_s": None,
                              "target_speed_m_s": target_v, "finished": True}
            out["projection"] = {"finish_s": finish, "p10_s": finish, "p90_s": finish,
                                 "effort_rel": None, "mode": "finished",
                                 "note": "finished: the time at the line"}
            return out
        el = t - plan.start_s
        sch = float(plan.scheduled_elapsed_s(d))
        pace = self.pace_m_s(ath)
        out["athlete"] = {"device": ath, "time_s": t, "elapsed_s": el, "distance_m": d,
                          "scheduled_s": sch, "gap_s": el - sch,
                          "speed_m_s": pace, "target_speed_m_s": target_v, "finished": False}
        eff = 1.0
        if self.projector is not None and d > 0:
            proj = self.projector.project(d, el, **self._shown(ath, t, d))
            eff = proj["effort_rel"]
            out["projection"] = dict(proj, mode=self.projector.mode, note=self.projector.note)

        def eta(x: float) -> float:
            if self.projector is not None:
                return el + self.projector.time_between(eff, d, x)
            return el + (x - d) / target_v

        out["rotation"] = self.rotation_at(d)
        if self.crew is not None:
            nxt = [x for x in self.crew.exchange_points_m if x > d]
            if nxt:
                x = min(nxt)
                lat, lon = plan.course.point_at(x)
                out["next_exchange"] = {"distance_m": x, "eta_s": eta(x), "lat_deg": lat,
                                        "lon_deg": lon, "incoming": self.rotation_at(x + 0.5)}
        dr = [h for h in plan.drinks if h["distance_m"] > d]
        if dr:
            h = dr[0]
            out["next_drinks"] = dict(h, eta_s=eta(h["distance_m"]))
        alerts = []
        gap = el - sch

        def over(key: str, value: float, limit: float) -> bool:
            return value > (limit * s.clear_frac if key in self.active_alerts else limit)

        if over("behind", gap, s.behind_alert_s):
            alerts.append({"key": "behind", "level": "warning",
                           "message": f"{gap:.0f} s behind schedule at {d / 1000:.2f} km "
                                      f"(limit {s.behind_alert_s:g} s)"})
        if pace is not None and over("pace-drift", abs(pace / target_v - 1.0),
                                     s.pace_drift_frac):
            word = "slower" if pace < target_v else "faster"
            alerts.append({"key": "pace-drift", "level": "warning",
                           "message": f"pace {1000 / pace:.1f} s/km is "
                                      f"{abs(pace / target_v - 1):.1%} {word} than the target "
                                      f"{1000 / target_v:.1f} s/km"})
        for st in out["rotation"]:
            p = st["pacer"]
            ptr = self.fixes.get(p)
            info: dict[str, Any] = {"pacer": p, "slot": st["slot"], "status": "no-fix",
                                    "gap_m": None}
            if ptr and ptr.t:
                pt, pd = ptr.t[-1], ptr.d[-1]
                ad = self._athlete_at(ath, pt)
                info["gap_m"] = None if ad is None else pd - ad
                if t - pt > s.stale_fix_s:
                    info["status"] = "stale"
                elif ad is not None and over(f"formation:{p}", abs(pd - ad),
                                             s.formation_gap_m):
                    info["status"] = "out"
                    alerts.append({"key": f"formation:{p}", "level": "warning",
                                   "message": f"pacer {p} ({st['slot']}) is {pd - ad:+.0f} m "
                                              f"from the athlete (limit ±{s.formation_gap_m:g} m)"})
                else:
                    info["status"] = "ok"
            out["pacers"].append(info)
        for car in self._role("pace_car")[:1]:  # the car's latest fix, for the live map
            ctr = self.fixes.get(car)
            if ctr and ctr.t:
                ad = self._athlete_at(ath, ctr.t[-1])
                out["pace_car"] = {"device": car, "distance_m": ctr.d[-1],
                                   "elapsed_s": ctr.t[-1] - plan.start_s,
                                   "gap_m": None if ad is None else ctr.d[-1] - ad,
                                   "status": "stale" if t - ctr.t[-1] > s.stale_fix_s
                                   else "ok"}
        if dr and dr[0]["distance_m"] - d <= s.drinks_window_m:
            bikes = self._role("drinks_bike")
            with_him = False
            for b in bikes:
                btr = self.fixes.get(b)
                if btr and btr.t and t - btr.t[-1] <= s.stale_fix_s:
                    ad = self._athlete_at(ath, btr.t[-1])
                    if ad is not None and abs(btr.d[-1] - ad) <= s.drinks_with_athlete_m:
                        with_him = True
            if not with_him:
                h = dr[0]
                alerts.append({"key": f"drinks-late:{h['number']}", "level": "warning",
                               "message": f"drinks bike not with the athlete "
                                          f"{h['distance_m'] - d:.0f} m before hand-off "
                                          f"{h['number']} at {h['distance_m'] / 1000:g} km"})
        out["alerts"] = alerts
        return out

    def _finish_s(self, device: str, distance_m: float) -> float | None:
        """Elapsed time [s] at which the athlete reached the finish (first reach of the course's
        end, within ``FINISH_TOLERANCE_M``, from fixes or mats), or None while he is racing."""
        if distance_m < self.plan.distance_m - self.FINISH_TOLERANCE_M:
            return None
        at = self._times_at(device, np.array([self.plan.distance_m]))
        return None if at is None else float(at[0])

    def _times_at(self, device: str, xs: np.ndarray) -> np.ndarray | None:
        """Elapsed times [s] at which a device first reached distances ``xs`` [m], from its
        fixes (or its passings without fixes) and the gun (0 m at 0 s)."""
        tr = self.fixes.get(device)
        if not tr or len(tr.t) < 2:
            tr = self.passings.get(device)
        if not tr or not tr.t:
            return None
        t = np.concatenate([[0.0], np.array(tr.t) - self.plan.start_s])
        dist = np.maximum.accumulate(np.concatenate([[0.0], tr.d]))
        keep = np.concatenate([[True], np.diff(dist) > 0])  # first reach of each distance
        return np.interp(xs, dist[keep], t[keep])

    def _shown(self, ath: str, t: float, d: float) -> dict[str, float]:
        """What the race has shown of the athlete's effort: his time over the trailing
        ``projection_window_m`` divided by the schedule's (``time_ratio``), the window's start
        and the ratio's SD — the measurement (``position_sd_m`` at both ends) and the scatter
        of the ratio over the ``projection_piece_m`` pieces run so far (≥ 3 pieces; before
        that the plan's Monte Carlo spread), in quadrature."""
        s, plan, pr = self.settings, self.plan, self.projector
        a = max(0.0, d - s.projection_window_m)
        if d - a < s.projection_min_m:
            return {"time_ratio": 1.0, "window_from_m": 0.0, "sd": None}
        n = int(d // s.projection_piece_m)
        xs = np.concatenate([[a], np.arange(n + 1) * s.projection_piece_m])
        at = self._times_at(ath, xs)
        if at is None:
            return {"time_ratio": 1.0, "window_from_m": 0.0, "sd": None}
        el = t - plan.start_s
        sched = plan.scheduled_elapsed_s
        q = (el - at[0]) / float(sched(d) - sched(a))
        meas = math.sqrt(2.0) * s.position_sd_m / (d - a)
        sd = math.hypot(meas, pr.prior_sd if pr is not None else 0.012)
        if n >= 3:
            piece = np.diff(at[1:]) / np.diff(sched(xs[1:]))
            sd = math.hypot(meas, float(np.std(piece, ddof=1)))
        return {"time_ratio": float(q), "window_from_m": a, "sd": sd}

    def _athlete_at(self, ath: str | None, t: float) -> float | None:
        if ath is None:
            return None
        tr = self.fixes.get(ath)
        if tr and tr.t:
            return tr.at(t)
        tr = self.passings.get(ath)
        return tr.at(t) if tr and tr.t else None


def load_projector(tracker: Tracker, scenario_path: Path | None,
                   done: Callable[[Projector], None] | None = None) -> Projector:
    """Build the projector (seconds: runs the race model 41 times) and attach it."""
    pr = Projector(tracker.plan, scenario_path)
    with tracker.lock:
        tracker.projector = pr
        tracker.version += 1
    if done is not None:
        done(pr)
    return pr
