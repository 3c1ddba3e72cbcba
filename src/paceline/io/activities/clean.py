"""Cleaning at import: the one place where faulty files are made sane (rules in docs/log.md).

:func:`clean_activity` is applied once to every activity a reader returns
(:func:`paceline.io.activities.read_activities`), before anything is stored; analytics never
see raw faults. Every change is counted in a sentence added to ``meta.warnings`` (stored with
the activity, shown by ``paceline log show``, summed by ``paceline log import``). The rules:

Sport
    The file's sport name/code → canonical sport by the table ``data/sports.csv``
    (:mod:`~paceline.io.activities.sports`); the raw name is kept in ``meta.sport_raw``;
    missing or unmapped → ``unknown`` with a warning saying how to set it.
Time axis (samples keep their record order; times are made strictly increasing)
    1. A sample without a finite time, or dated more than :data:`FAR_FROM_MEDIAN_S` (7 days)
       from the median time of the activity (GPS week rollover: 1024 weeks off), is dropped.
    2. A sample stamped less than 1 ms after the last kept one (a repeat), or before it by at
       most one median interval, or when the clock passes the last kept time again within
       :data:`LOOKAHEAD` (5) samples (out of order): dropped.
    3. Otherwise, if at most :data:`SPIKE_MAX` (5) of the last kept samples lie at or after it
       and an earlier one before it, those few were a *forward spike* of the clock: dropped.
    4. Otherwise the clock *jumped back* (a watch correcting its clock at GPS sync): the clock
       after the jump is taken as right, and every earlier sample moves back so that the jump
       becomes one median sample interval. The recorded start moves with them when it lay
       after the first cleaned sample.
    5. FIT "system time" clocks (timestamps < 0x10000000, seconds since power-on) are dated
       from ``activity.local_timestamp`` (the watch's local time at the end) when the file has
       it; the time zone is not known and is taken as UTC (a warning says so).
Positions
    A point at 0°, 0° (no fix), out of range, or that cannot be reached from the last good point
    at the sport's fastest plausible speed (``data/sport_speeds.csv``, 12.5 m/s for running)
    plus :data:`GPS_SLACK_M` (25 m of GPS error) is dropped (the sample keeps its other
    channels). If more than half the points would go, nothing is dropped (warning).
Streams
    Values outside physical ranges (:data:`RANGES`: heart rate 20–250 bpm, cadence 0–300 rpm,
    power 0–4000 W, altitude −500–9000 m, speed 0 – the sport's limit) become missing.
Distance
    Files whose distance is derived from positions (GPX) are re-measured along the kept points
    when anything was dropped. A file with speed but neither distance nor positions (treadmill,
    footpod) gets its distance integrated from speed (left Riemann sum, pauses excluded).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from paceline.course import geodesic_distance_m
from paceline.errors import InputFileError
from paceline.io.activities._base import Activity
from paceline.io.activities.sports import UNKNOWN, canonical_sport, max_speed_m_s

__all__ = ["clean_activity", "clean_time_axis", "clean_positions", "GAP_FACTOR",
           "FAR_FROM_MEDIAN_S", "TIME_RESOLUTION_S", "LOOKAHEAD", "SPIKE_MAX", "GPS_SLACK_M",
           "RANGES", "moving_weights"]

#: Samples dated further than this from the activity's median time are wrong dates [s].
FAR_FROM_MEDIAN_S = 7 * 86400.0
#: Samples less than this after the last kept one are repeats [s] (the codec keeps 1 ms).
TIME_RESOLUTION_S = 1e-3
#: Samples the clock has to pass the last kept time within, for a backward step to be noise.
LOOKAHEAD = 5
#: Longest run of samples treated as a forward spike of the clock.
SPIKE_MAX = 5
#: GPS error allowed on top of the sport's fastest speed between two points [m].
GPS_SLACK_M = 25.0
#: Segments measured at a time in the position check (bounds its memory).
_CHUNK = 65536
#: A sample interval longer than GAP_FACTOR × the median (positive) interval is a pause.
GAP_FACTOR = 5.0
#: Physical range of each channel (inclusive); outside → missing. Speed: the sport's limit.
RANGES = {"heart_rate_bpm": (20.0, 250.0), "cadence_rpm": (0.0, 300.0),
          "power_w": (0.0, 4000.0), "altitude_m": (-500.0, 9000.0)}
#: FIT "system time" limit (seconds since the FIT epoch): below it, time since power-on.
_FIT_RELATIVE_LIMIT_UNIX_S = 631065600 + 0x10000000


def _iso(t: float) -> str:
    try:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return f"{t:.0f} s"


def moving_weights(t: np.ndarray) -> np.ndarray:
    """Seconds each sample stands for: its interval to the next, 0 across pauses (an interval
    longer than :data:`GAP_FACTOR` × the median positive interval) and for the last sample."""
    if t.size == 0:
        return t.astype(float)
    dt = np.diff(t, append=t[-1])
    pos = dt[dt > 0]
    if pos.size:
        dt = np.where(dt > GAP_FACTOR * float(np.median(pos)), 0.0, dt)
    return np.clip(dt, 0.0, None)


def clean_time_axis(t: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Strictly increasing time axis from recorded times (rules 1–4 of the module notes).

    Parameters
    ----------
    t : ndarray, shape (n,)
        Sample times [s] (absolute, e.g. Unix seconds), in record order.

    Returns
    -------
    keep : ndarray of int
        Indices of the samples kept, in record order.
    t_clean : ndarray
        Their times [s], strictly increasing (some moved, rule 4).
    notes : list of str
        One sentence per rule that changed something.
    """
    t = np.asarray(t, dtype=float)
    notes: list[str] = []
    fin = np.isfinite(t)
    if not fin.any():
        return np.zeros(0, dtype=int), np.zeros(0), ["no sample has a valid time"]
    if (~fin).any():
        notes.append(f"{int((~fin).sum())} sample(s) without a valid time dropped")
    med = float(np.median(t[fin]))
    far = fin & (np.abs(t - med) > FAR_FROM_MEDIAN_S)
    if far.any():
        notes.append(f"{int(far.sum())} sample(s) dated more than 7 days from the rest of the "
                     f"activity (e.g. {_iso(float(t[far][0]))}, a GPS week rollover?) dropped")
    idx = np.nonzero(fin & ~far)[0]
    tt = t[idx]
    d = np.diff(tt)
    if d.size == 0 or bool((d >= TIME_RESOLUTION_S).all()):
        return idx, tt, notes
    pos = d[d > 0]
    step = float(np.median(pos)) if pos.size else 1.0
    m = tt.size
    kt = np.empty(m)  # kept times (shifted in place on clock jumps)
    kept = np.empty(m, dtype=int)
    n = 0
    dropped = spikes = 0
    jumps: list[tuple[float, float, int, int]] = []
    for i in range(m):
        ti = tt[i]
        if n == 0 or ti >= kt[n - 1] + TIME_RESOLUTION_S:
            kt[n], kept[n] = ti, i
            n += 1
            continue
        last = kt[n - 1]
        if ti >= last - step or (tt[i + 1:i + 1 + LOOKAHEAD] > last).any():
            dropped += 1
            continue
        k = 0
        while k < n and k <= SPIKE_MAX and kt[n - 1 - k] >= ti:
            k += 1
        if k <= SPIKE_MAX and k < n:
            n -= k
            spikes += k
            kt[n], kept[n] = ti, i
            n += 1
            continue
        shift = ti - step - last
        kt[:n] += shift
        jumps.append((last - ti, shift, int(idx[i]), n))
        kt[n], kept[n] = ti, i
        n += 1
    if dropped:
        notes.append(f"{dropped} sample(s) stamped at or before the previous one (out of order "
                     "or repeated) dropped")
    if spikes:
        notes.append(f"{spikes} sample(s) whose clock jumped ahead and back dropped")
    for back, shift, at, before in jumps[:3]:
        notes.append(f"the clock jumped back {back:.0f} s at sample {at} (a clock "
                     f"correction at GPS sync?): the {before} sample(s) before it moved "
                     f"{shift:+.0f} s")
    if len(jumps) > 3:
        notes.append(f"… and {len(jumps) - 3} more clock jumps corrected the same way")
    return idx[kept[:n]], kt[:n].copy(), notes


def clean_positions(lat: np.ndarray, lon: np.ndarray, t: np.ndarray, max_speed: float,
                    breaks: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """Which positions are plausible (module notes, *Positions*).

    Parameters
    ----------
    lat, lon : ndarray, shape (n,)
        Positions [degrees] (NaN where none).
    t : ndarray, shape (n,)
        Strictly increasing times [s].
    max_speed : float
        Fastest plausible speed [m/s].
    breaks : ndarray of bool, shape (n,), optional
        True where the recording restarts (a GPX track segment's first point): the step into
        it may be any length.

    Returns
    -------
    ok : ndarray of bool, shape (n,)
        True where the position is kept.
    notes : list of str
    """
    notes: list[str] = []
    fin = np.isfinite(lat) & np.isfinite(lon)
    rng = fin & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)
    null = rng & (np.abs(lat) < 1e-6) & (np.abs(lon) < 1e-6)
    ok = rng & ~null
    if null.any():
        i = int(np.argmax(null))
        notes.append(f"{int(null.sum())} point(s) at 0°, 0° (no GPS fix; first at sample {i}) "
                     "dropped")
    if (fin & ~rng).any():
        notes.append(f"{int((fin & ~rng).sum())} point(s) with latitude/longitude out of range "
                     "dropped")
    idx = np.nonzero(ok)[0]
    if idx.size < 2:
        return ok, notes
    brk = np.zeros(lat.size, dtype=bool) if breaks is None else np.asarray(breaks, dtype=bool)
    # a restart between two kept points: the step may be any length
    after_break = np.maximum.accumulate(np.where(brk, np.arange(lat.size), -1))
    good_seg = np.empty(idx.size - 1, dtype=bool)
    for a0 in range(0, idx.size - 1, _CHUNK):  # chunks: flat memory on 92-hour files
        i0, i1 = idx[a0:a0 + _CHUNK + 1][:-1], idx[a0 + 1:a0 + 1 + _CHUNK]
        seg = geodesic_distance_m(lat[i0], lon[i0], lat[i1], lon[i1])
        allowed = max_speed * (t[i1] - t[i0]) + GPS_SLACK_M
        good_seg[a0:a0 + i1.size] = (seg <= allowed) | (after_break[i1] > i0)
    if good_seg.all():
        return ok, notes

    def reach(a: int, b: int) -> bool:
        if after_break[b] > a:
            return True
        dd = float(geodesic_distance_m(lat[a], lon[a], lat[b], lon[b]))
        return dd <= max_speed * (t[b] - t[a]) + GPS_SLACK_M

    # anchor: the first point whose next two segments are plausible
    start = 0
    while start < idx.size - 2 and not (good_seg[start] and good_seg[start + 1]):
        start += 1
    keep = np.zeros(idx.size, dtype=bool)
    keep[start] = True
    anchor = start
    for j in range(start + 1, idx.size):  # forward from the anchor
        if (j == anchor + 1 and good_seg[anchor]) or reach(idx[anchor], idx[j]):
            keep[j] = True
            anchor = j
    anchor = start
    for j in range(start - 1, -1, -1):  # backward from the anchor
        if reach(idx[j], idx[anchor]):
            keep[j] = True
            anchor = j
    n_bad = int((~keep).sum())
    if n_bad > idx.size // 2:
        notes.append(f"{n_bad} of {idx.size} points imply speeds over {max_speed:g} m/s: too "
                     "many to be glitches, all kept (is the sport right?)")
        return ok, notes
    ok[idx[~keep]] = False
    notes.append(f"{n_bad} point(s) that would need more than {max_speed:g} m/s to reach "
                 "dropped")
    return ok, notes


def _cum_distance(lat: np.ndarray, lon: np.ndarray, ok: np.ndarray, t: np.ndarray,
                  breaks: np.ndarray) -> np.ndarray:
    """Distance along the kept points (no distance across a restart), interpolated in time
    for samples without a position."""
    idx = np.nonzero(ok)[0]
    if idx.size < 2:
        return np.zeros(lat.size)
    seg = geodesic_distance_m(lat[idx[:-1]], lon[idx[:-1]], lat[idx[1:]], lon[idx[1:]])
    after_break = np.maximum.accumulate(np.where(breaks, np.arange(lat.size), -1))
    seg[after_break[idx[1:]] > idx[:-1]] = 0.0
    d_at = np.concatenate([[0.0], np.cumsum(seg)])
    return np.interp(t, t[idx], d_at)


def _sport(a: Activity) -> tuple[str, str | None, list[str]]:
    raw = a.meta.sport_raw if a.meta.sport_raw is not None else a.meta.sport
    raw = None if raw is None or not str(raw).strip() else str(raw).strip()
    sport = canonical_sport(raw)
    notes = []
    if sport == UNKNOWN:
        if raw is None or raw.lower() in ("generic", "unknown"):
            notes.append("the file does not say the sport: stored as unknown (set it with "
                         "paceline log edit ID --sport running)")
        else:
            notes.append(f"sport {raw!r} is not in the sport table: stored as unknown (set it "
                         "with paceline log edit ID --sport running)")
    return sport, raw, notes


def clean_activity(a: Activity) -> Activity:
    """The activity with the cleaning rules applied (module notes); warnings appended.

    Raises
    ------
    InputFileError
        Fewer than two samples with a usable time remain (a file with samples but no time axis).
    """
    sport, raw, notes = _sport(a)
    meta = replace(a.meta, sport=sport, sport_raw=raw)
    s = {k: np.asarray(v, dtype=float) for k, v in a.samples.items()}
    t_rel = s.get("time_s")
    if t_rel is None or t_rel.size == 0:
        meta, laps = _summary_rules(meta, a.laps, notes)
        return replace(a, meta=replace(meta, warnings=meta.warnings + tuple(notes)), laps=laps)
    derived = set(a.extra.get("derived", ()))
    start = meta.start_utc.timestamp()
    rel = a.extra.get("fit_relative_clock")
    if rel and start < _FIT_RELATIVE_LIMIT_UNIX_S:
        off = float(rel["local_end"]) - float(rel["end"])
        start += off
        notes.append("device clock counts from power-on (FIT system time): dated from the "
                     "watch's local time at the end, time zone unknown (taken as UTC)")
    t_abs = start + t_rel
    keep, t_clean, tnotes = clean_time_axis(t_abs)
    notes += tnotes
    if keep.size < 2:
        raise InputFileError("track times do not advance: fewer than two samples with a usable "
                             "time", where=a.source_file or "file",
                             value=f"{t_rel.size} samples",
                             fix="the recording's clock was wrong; fix the times or drop the file")
    changed_axis = keep.size != t_rel.size or not np.array_equal(t_clean, t_abs[keep])
    breaks = np.zeros(t_rel.size, dtype=bool)
    breaks[[b for b in a.extra.get("segment_starts", ()) if 0 < b < t_rel.size]] = True
    if keep.size != t_rel.size:
        s = {k: v[keep] for k, v in s.items()}
        # a restart among dropped samples moves to the next kept one
        lb = np.maximum.accumulate(np.where(breaks, np.arange(breaks.size), -1))
        breaks = np.zeros(keep.size, dtype=bool)
        breaks[1:] = lb[keep[1:]] > keep[:-1]
    first = float(t_clean[0])
    if changed_axis and (start > first or start < first - 86400.0):
        start = first
    s["time_s"] = t_clean - start
    changed = changed_axis
    vmax = max_speed_m_s(sport)
    if "latitude_deg" in s and "longitude_deg" in s:
        ok, pnotes = clean_positions(s["latitude_deg"], s["longitude_deg"], t_clean, vmax,
                                     breaks)
        had = np.isfinite(s["latitude_deg"]) & np.isfinite(s["longitude_deg"])
        if (had & ~ok).any():
            s["latitude_deg"] = np.where(ok, s["latitude_deg"], np.nan)
            s["longitude_deg"] = np.where(ok, s["longitude_deg"], np.nan)
            changed = True
        notes += pnotes
    limits = dict(RANGES, speed_m_s=(0.0, vmax))
    for ch, (lo, hi) in limits.items():
        if ch in s:
            x = s[ch]
            bad = np.isfinite(x) & ((x < lo) | (x > hi))
            if bad.any():
                s[ch] = np.where(bad, np.nan, x)
                notes.append(f"{int(bad.sum())} {ch} value(s) outside {lo:g}–{hi:g} set missing")
                changed = True
    has_pos = "latitude_deg" in s and np.isfinite(s["latitude_deg"]).any()
    if "distance_from_positions" in derived and has_pos and changed:
        ok = np.isfinite(s["latitude_deg"]) & np.isfinite(s["longitude_deg"])
        s["distance_m"] = _cum_distance(s["latitude_deg"], s["longitude_deg"], ok, t_clean,
                                        breaks)
    have_dist = "distance_m" in s and np.isfinite(s["distance_m"]).any()
    if not have_dist and not has_pos and "speed_m_s" in s and np.isfinite(s["speed_m_s"]).any():
        v = np.nan_to_num(s["speed_m_s"])
        w = moving_weights(s["time_s"])
        s["distance_m"] = np.concatenate([[0.0], np.cumsum(v[:-1] * w[:-1])])
        notes.append("no distance or positions in the file: distance integrated from speed")
        if meta.distance_m is None:
            meta = replace(meta, distance_m=float(s["distance_m"][-1]))
    t = s["time_s"]
    if changed:
        upd: dict = {}
        if "elapsed" in derived:
            upd["elapsed_time_s"] = float(t[-1] - t[0])
        if "distance" in derived and "distance_m" in s:
            upd["distance_m"] = float(np.nanmax(s["distance_m"]) - np.nanmin(s["distance_m"]))
        if "moving" in derived and "distance_m" in s:
            w = moving_weights(t)
            with np.errstate(invalid="ignore", divide="ignore"):
                v = np.diff(s["distance_m"], append=np.nan) / np.diff(t, append=np.nan)
            upd["moving_time_s"] = float(np.sum(w[np.nan_to_num(v) >= 1 / 3.6]))
        if "hr" in derived and "heart_rate_bpm" in s:
            hr = s["heart_rate_bpm"]
            fin = np.isfinite(hr).any()
            upd["avg_heart_rate_bpm"] = float(np.nanmean(hr)) if fin else None
            upd["max_heart_rate_bpm"] = float(np.nanmax(hr)) if fin else None
        meta = replace(meta, **upd)
    meta, laps = _summary_rules(meta, a.laps, notes)
    meta = replace(meta, start_utc=datetime.fromtimestamp(start, UTC),
                   warnings=meta.warnings + tuple(notes))
    s = {k: v for k, v in s.items() if k == "time_s" or np.isfinite(v).any()}
    return replace(a, samples=s, meta=meta, laps=laps)


#: Moving time above elapsed by at most this is rounding (elapsed from whole-second
#: timestamps, the device's timer to the millisecond): elapsed is raised to the moving time.
ROUNDING_S = 2.0


def _summary_rules(meta, laps, notes: list[str]):
    """Rules on the summary numbers (activity and laps):

    * a heart rate outside RANGES (a device without a sensor writes 0) is no value: None;
    * moving time never exceeds elapsed time: up to ROUNDING_S over, elapsed := moving (the
      timestamps were whole seconds); more, moving := elapsed with a warning.
    """
    def hr_ok(x):
        lo, hi = RANGES["heart_rate_bpm"]
        return x if x is not None and lo <= x <= hi else None

    def times(m, e, what):
        if m is None or e is None or m <= e:
            return m, e
        if m - e <= ROUNDING_S:
            return m, m
        notes.append(f"{what}moving time {m:.1f} s exceeded elapsed time {e:.1f} s: "
                     "set to the elapsed time")
        return e, e

    mv, el = times(meta.moving_time_s, meta.elapsed_time_s, "")
    meta = replace(meta, avg_heart_rate_bpm=hr_ok(meta.avg_heart_rate_bpm),
                   max_heart_rate_bpm=hr_ok(meta.max_heart_rate_bpm),
                   moving_time_s=mv, elapsed_time_s=el)
    out = []
    for i, lp in enumerate(laps, 1):
        lmv, lel = times(lp.moving_time_s, lp.elapsed_time_s, f"lap {i}: ")
        out.append(replace(lp, avg_heart_rate_bpm=hr_ok(lp.avg_heart_rate_bpm),
                           max_heart_rate_bpm=hr_ok(lp.max_heart_rate_bpm),
                           moving_time_s=lmv, elapsed_time_s=lel))
    return meta, tuple(out)
