"""Replay a race from its plan into a running service: the demo and the load generator.

:func:`simulate_race` makes the reads a race day produces — a mat every km (the athlete's and
the on-duty pacers' chips, sent as RACE RESULT records, MYLAPS frames, CSV lines and JSON in
turn), GPS at 1 Hz with noise for the athlete, the on-duty pacers, the pace car and the
drinks bike around each hand-off, one pacer who drops back and is reported as a drop-out —
and :func:`replay` sends them at ``speed`` × real time, with duplicates and out-of-order
batches on purpose, retrying what was not acknowledged (a restarted server loses nothing it
acknowledged, and a resent read is stored once).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from paceline.live.plan import LivePlan

__all__ = ["Message", "simulate_race", "replay", "ReplayReport"]


@dataclass(frozen=True)
class Message:
    """One request to send at race time ``t_s`` (s from the gun)."""

    t_s: float
    path: str
    json: Any = None
    content: str | None = None
    params: dict[str, str] | None = None
    method: str = "POST"
    keys: tuple[str, ...] = ()  # idempotency keys of the reads it carries
    kind: str = "fixes"


def _local_hms(epoch_s: float, tz: dt.tzinfo) -> tuple[dt.date, str]:
    t = dt.datetime.fromtimestamp(epoch_s, tz)
    return t.date(), t.strftime("%H:%M:%S.") + f"{t.microsecond // 1000:03d}"


def simulate_race(plan: LivePlan, *, seed: int = 1, distance_m: float | None = None,
                  gps_hz: float = 1.0, noise_m: float = 3.0, slower_frac: float = 0.004,
                  drop_pacer_at_m: float | None = None, tz: dt.tzinfo = dt.UTC,
                  duplicate_frac: float = 0.02, late_frac: float = 0.03) -> list[Message]:
    """The requests of a race (or its first ``distance_m``), ordered by send time.

    The athlete runs ``slower_frac`` slower than the schedule, with a ±0.9 % pace wave; GPS
    positions get Gaussian noise of ``noise_m`` per axis; ``duplicate_frac`` of the batches
    are sent twice and ``late_frac`` of the fixes arrive one batch late (out of order).
    """
    rng = np.random.default_rng(seed)
    end_m = min(distance_m or plan.distance_m, plan.distance_m)
    crew = plan.crew
    v0 = plan.distance_m / plan.target_time_s * (1 - slower_frac)
    t_end = end_m / v0 * 1.01
    ts = np.arange(0.0, t_end, 1.0 / gps_hz)
    d_run = v0 * ts + 15 * np.sin(ts / 300.0)  # ±0.9 % pace wave
    d_ath = np.minimum(d_run, end_m)  # he stops at the end of a shortened race
    if drop_pacer_at_m is None:
        drop_pacer_at_m = end_m * 0.45
    dropped = None
    if crew is not None:
        on = [a for a in crew.stints if a.from_m <= drop_pacer_at_m < a.to_m]
        dropped = on[0].pacer if on else None
    t_drop = float(np.interp(drop_pacer_at_m, d_run, ts))
    start = plan.start_s
    msgs: list[Message] = []
    late: list[dict[str, Any]] = []
    e_noise = rng.normal(0, noise_m, (ts.size, 64))
    n_noise = rng.normal(0, noise_m, (ts.size, 64))

    def fix(dev: str, k: int, j: int, d: float) -> dict[str, Any]:
        lat, lon = plan.course.point_at(d)
        dlat = math.degrees(n_noise[k, j] / 6_371_008.8)
        dlon = math.degrees(e_noise[k, j] / (6_371_008.8 * math.cos(math.radians(lat))))
        return {"device": dev, "time": round(start + ts[k], 3), "lat": lat + dlat,
                "lon": lon + dlon, "accuracy_m": noise_m * 2}

    next_mat = 1000.0
    fmt_cycle = ("raceresult", "mylaps", "csv", "json")
    passing_no = 0
    for k, t in enumerate(ts):
        d = float(d_ath[k])
        batch = [fix("athlete", k, 0, d)]
        if crew is not None:
            for j, a in enumerate(a for a in crew.stints if a.from_m <= d < a.to_m):
                pd = d + 3.0 + (j % 3)  # ahead of the athlete, V formation
                if a.pacer == dropped and t > t_drop:
                    pd = d - (t - t_drop) * 1.0  # drops back at 1 m/s
                batch.append(fix(a.pacer, k, 1 + j, pd))
        car = fix("pacecar", k, 40, min(d + 8.0, end_m))
        for h in plan.drinks:
            if h["distance_m"] - 300 <= d <= h["distance_m"] + 50:
                batch.append(fix("drinks", k, 41, d + 1.5))
        batch, late_now = batch + late, []
        keep = []
        for f in batch:
            (late_now if rng.random() < late_frac and f not in late else keep).append(f)
        late = late_now
        keys = tuple(f"gps:{f['device']}:{round(f['time'] * 1000)}" for f in keep)
        msgs.append(Message(t, "/api/v1/fixes", json={"fixes": keep}, keys=keys))
        if rng.random() < duplicate_frac:
            msgs.append(Message(t + 0.5, "/api/v1/fixes", json={"fixes": keep}, keys=keys))
        msgs.append(Message(t, "/api/v1/osmand", method="GET", kind="osmand", params={
            "id": "pacecar", "lat": f"{car['lat']:.7f}", "lon": f"{car['lon']:.7f}",
            "timestamp": str(int(round(car["time"] * 1000))),
            "speed": f"{v0 / (1852 / 3600):.2f}", "accuracy": "6"},
            keys=(f"gps:pacecar:{round(car['time'] * 1000)}",)))
        while next_mat <= end_m + 1e-6 and k + 1 < ts.size and d_ath[k + 1] >= next_mat:
            tm = float(np.interp(next_mat, d_run, ts))
            chips = ["athlete"] + ([a.pacer for a in crew.stints
                                    if a.from_m <= next_mat < a.to_m and a.pacer != dropped]
                                   if crew is not None else [])
            fmt = fmt_cycle[int(next_mat // 1000) % len(fmt_cycle)]
            loc = f"{next_mat / 1000:g}km"
            epoch = start + tm
            if fmt == "raceresult":
                lines, keys = [], []
                for c in chips:
                    passing_no += 1
                    day, hms = _local_hms(epoch + 0.01 * len(lines), tz)
                    lines.append(f"{passing_no};{c};{day.isoformat()};{hms};0;12;30;;0;1;1;;"
                                 f";;;;{loc};1;;D-1")
                    keys.append(f"rr:D-1:1:{passing_no}")
                msgs.append(Message(tm + 1, "/api/v1/ingest/raceresult", content="\n".join(lines),
                                    keys=tuple(keys), kind="passings"))
            elif fmt == "mylaps":
                recs, keys = [], []
                for i, c in enumerate(chips):
                    day, hms = _local_hms(epoch + 0.01 * i, tz)
                    recs.append(f"t={hms}|c={c}|ct=UH|d={day.strftime('%y%m%d')}|l=1|dv=1|re=0|"
                                f"an=00001111|g=0|b={c}|n={c}")
                    keys.append(f"mylaps:{loc}:{c}:{day.isoformat()}T{hms}")
                msgs.append(Message(tm + 1, "/api/v1/ingest/mylaps",
                                    content=f"{loc}@Passing@" + "@".join(recs) + f"@{k}@$",
                                    keys=tuple(keys), kind="passings"))
            elif fmt == "csv":
                lines = [f"{c};{dt.datetime.fromtimestamp(epoch + 0.01 * i, dt.UTC).isoformat()};"
                         f"{loc}" for i, c in enumerate(chips)]
                keys = [f"csv:{loc}:{c}:{round((epoch + 0.01 * i) * 1000)}"
                        for i, c in enumerate(chips)]
                msgs.append(Message(tm + 1, "/api/v1/ingest/csv", content="\n".join(lines),
                                    keys=tuple(keys), kind="passings"))
            else:
                items = [{"chip": c, "time": round(epoch + 0.01 * i, 3), "location": loc}
                         for i, c in enumerate(chips)]
                keys = [f"json:{c}:{loc}:{round((epoch + 0.01 * i) * 1000)}"
                        for i, c in enumerate(chips)]
                msgs.append(Message(tm + 1, "/api/v1/passings", json={"passings": items},
                                    keys=tuple(keys), kind="passings"))
            next_mat += 1000.0
    if dropped is not None and drop_pacer_at_m < end_m:
        msgs.append(Message(t_drop + 30.0, "/api/v1/dropouts", kind="dropout",
                            json={"pacer": dropped, "at": round(drop_pacer_at_m, 1)},
                            keys=(f"dropout:{dropped}",)))
    msgs.sort(key=lambda m: m.t_s)
    return msgs


@dataclass
class ReplayReport:
    sent: int = 0
    retries: int = 0
    acknowledged: set[str] = field(default_factory=set)  # keys the server acknowledged
    rejected: dict[str, int] = field(default_factory=dict)
    latencies_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0


def replay(messages: list[Message], client, token: str, *, speed: float = 60.0,
           progress: Callable[[int, int], None] | None = None,
           retry_for_s: float = 120.0, stop: Callable[[], bool] | None = None) -> ReplayReport:
    """Send ``messages`` at ``speed`` × race time through ``client`` (an ``httpx.Client``
    with the service's base URL, or a Starlette TestClient). A request that fails (server
    down, 5xx, 429) is retried with the same reads until ``retry_for_s`` passes: only what
    the server answered is counted acknowledged. A 401/403 raises PermissionError."""
    import httpx

    rep = ReplayReport()
    headers = {"Authorization": f"Bearer {token}"}
    t0 = time.monotonic()
    for n, m in enumerate(messages):
        if stop is not None and stop():
            break
        due = t0 + m.t_s / speed if speed > 0 else 0
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        deadline = time.monotonic() + retry_for_s
        while True:
            t_req = time.perf_counter()
            try:
                if m.method == "GET":
                    r = client.get(m.path, params=m.params, headers=headers)
                elif m.content is not None:
                    r = client.post(m.path, content=m.content,
                                    headers={**headers, "Content-Type": "text/plain"})
                else:
                    r = client.post(m.path, json=m.json, headers=headers)
            except httpx.TransportError:
                r = None
            if r is not None and (r.status_code < 500 and r.status_code != 429):
                break
            rep.retries += 1
            if time.monotonic() > deadline:
                raise RuntimeError(f"gave up on {m.path} after {retry_for_s:g} s of retries")
            time.sleep(0.2)
        if r.status_code in (401, 403):
            raise PermissionError(f"the service answered {r.status_code}: "
                                  f"{r.json().get('detail', '')}")
        rep.latencies_s.append(time.perf_counter() - t_req)
        rep.sent += 1
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") \
            else {}
        results = body.get("results") if isinstance(body, dict) else None
        if results is None and isinstance(body, dict) and "status" in body:
            results = [body]
        results = [x for x in results or [] if x.get("status") != "ignored"]  # keep-alives
        for key, res in zip(m.keys, results, strict=False):
            if res.get("status") == "accepted":
                rep.acknowledged.add(key)
            else:
                code = str(res.get("reason", "?")).split(":", 1)[0]
                rep.rejected[code] = rep.rejected.get(code, 0) + 1
        if progress is not None:
            progress(n + 1, len(messages))
    rep.wall_s = time.monotonic() - t0
    return rep
