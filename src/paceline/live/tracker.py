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


class Projector:
    """Projected finish at the effort shown so far.

    ``race-model`` mode: the scenario's :class:`~paceline.sim.RaceModel` is run at constant
    efforts from 80 % to 120 % of the schedule's mean metabolic power (41 levels); the effort
    whose elapsed time at the athlete's distance equals his elapsed time is the effort shown
    so far, and its time over the rest of the course is added. ``schedule`` mode (no scenario
    found): the schedule scaled uniformly. The P10–P90 band is the plan's Monte Carlo band
    (``plan.json`` uncertainty) relative to its median, applied to the remaining time.
    """

    GRID = np.linspace(0.80, 1.20, 41)

    def __init__(self, plan: LivePlan, scenario_path: Path | None = None) -> None:
        self.plan = plan
        self.distance_grid_m = np.linspace(0.0, plan.distance_m, 845)
        sched = plan.scheduled_elapsed_s(self.distance_grid_m)
        self.mode = "schedule"
        self.elapsed = sched[None, :] / self.GRID[:, None]  # (effort, distance)
        self.note = "projection: schedule scaled (no scenario found)"
        if scenario_path is not None:
            try:
                self._race_model(scenario_path)
            except Exception as exc:  # noqa: BLE001 — fall back, say why
                self.note = f"projection: schedule scaled (race model failed: {exc})"
        band = plan.p10_p50_p90_s
        self.rel10, self.rel90 = ((band[0] / band[1] - 1.0, band[2] / band[1] - 1.0)
                                  if band else (-0.015, 0.015))

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
        self.note = f"projection: race model of {scenario_path.name} at the effort shown"

    def effort(self, distance_m: float, elapsed_s: float) -> float:
        """Effort shown so far, relative to the schedule's (1 = on schedule)."""
        if distance_m <= 0 or elapsed_s <= 0:  # at or before the gun: nothing shown yet
            return 1.0
        col = np.array([np.interp(distance_m, self.distance_grid_m, row)
                        for row in self.elapsed])  # decreasing with effort
        if elapsed_s >= col[0]:
            return float(self.GRID[0] * col[0] / elapsed_s)
        if elapsed_s <= col[-1]:
            return float(self.GRID[-1] * col[-1] / elapsed_s)
        return float(np.interp(elapsed_s, col[::-1], self.GRID[::-1]))

    def time_between(self, effort: float, from_m: float, to_m: float) -> float:
        """Time [s] from one distance to another at a relative effort."""
        g = float(np.clip(effort, self.GRID[0], self.GRID[-1]))
        k = np.interp(g, self.GRID, np.arange(self.GRID.size))
        lo, hi = int(math.floor(k)), int(math.ceil(k))
        w = k - lo

        def t(d):
            a = np.interp(d, self.distance_grid_m, self.elapsed[lo])
            b = np.interp(d, self.distance_grid_m, self.elapsed[hi])
            return (1 - w) * a + w * b

        dt_ = float(t(to_m) - t(from_m))
        if effort != g:  # beyond the grid: scale time with effort (speed ∝ effort, approx.)
            dt_ *= g / effort
        return dt_

    def project(self, distance_m: float, elapsed_s: float) -> dict[str, float]:
        e = self.effort(distance_m, elapsed_s)
        rem = self.time_between(e, distance_m, self.plan.distance_m)
        return {"effort_rel": e, "finish_s": elapsed_s + rem,
                "p10_s": elapsed_s + rem * (1 + self.rel10),
                "p90_s": elapsed_s + rem * (1 + self.rel90)}


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
        el = t - plan.start_s
        sch = float(plan.scheduled_elapsed_s(d))
        pace = self.pace_m_s(ath)
        target_v = plan.distance_m / plan.target_time_s
        out["athlete"] = {"device": ath, "time_s": t, "elapsed_s": el, "distance_m": d,
                          "scheduled_s": sch, "gap_s": el - sch,
                          "speed_m_s": pace, "target_speed_m_s": target_v}
        eff = 1.0
        if self.projector is not None and d > 0:
            proj = self.projector.project(d, el)
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
