"""Training-log analytics (orchestration): volume, load, fitness–fatigue, bests, profile.

No database access here: functions take the arrays :meth:`paceline.store.TrainingLog.load_inputs`
and :meth:`~paceline.store.TrainingLog.best_efforts` return, call :mod:`paceline.models.load`
and :mod:`paceline.models.endurance`, and return plain results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paceline.models import endurance, load

__all__ = [
    "volume",
    "daily_loads",
    "SPEED_LOAD_SPORTS",
    "Pmc",
    "pmc",
    "CS_WINDOW_S",
    "critical_speed_from_bests",
    "race_predictions",
    "reference_effort",
    "athlete_block",
]

#: Efforts used for critical speed: 2–15 min (stated assumption, see docs/log.md).
CS_WINDOW_S = (120.0, 900.0)
#: Efforts that count as "race-like" for the reference: 3 km to the marathon.
REFERENCE_DISTANCES_M = (3000.0, 5000.0, 10000.0, 15000.0, 21097.5, 30000.0, 42195.0)


def volume(start_utc: np.ndarray, distance_m: np.ndarray, moving_time_s: np.ndarray,
           period: str = "week") -> list[dict]:
    """Volume per ISO week (Monday start) or calendar month: count, distance [m], time [s]."""
    days = start_utc.astype("datetime64[D]")
    if period == "week":
        # 1970-01-01 was a Thursday: shift so weeks start on Monday
        keys = ((days - np.datetime64("1970-01-05")) // np.timedelta64(7, "D")) * 7
        keys = np.datetime64("1970-01-05") + keys.astype("timedelta64[D]")
    elif period == "month":
        keys = days.astype("datetime64[M]").astype("datetime64[D]")
    else:
        raise ValueError("period must be 'week' or 'month'")
    out = []
    d = np.nan_to_num(np.asarray(distance_m, dtype=float))
    t = np.nan_to_num(np.asarray(moving_time_s, dtype=float))
    uniq, inv = np.unique(keys, return_inverse=True)
    for i, k in enumerate(uniq):
        m = inv == i
        out.append({"period_start": str(k), "activities": int(m.sum()),
                    "distance_m": float(d[m].sum()), "moving_time_s": float(t[m].sum())})
    return out


#: Sports scored by the speed-based load: the threshold speed is a *running* speed (CS from
#: running bests, or the athlete's running threshold), so a ride or a swim is never scored
#: against it (it would read a 40 km ride as a hard run).
SPEED_LOAD_SPORTS = ("running",)


def daily_loads(inputs: dict, *, hr_rest_bpm: float | None = None,
                hr_max_bpm: float | None = None, threshold_speed_m_s: float | None = None,
                sex: str = "men", speed_sports: tuple[str, ...] = SPEED_LOAD_SPORTS
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load per activity: HR TRIMP (Banister/Morton 1990) where the activity has heart rate and
    HRrest/HRmax are known (any sport: it reads the heart, not the speed), else the speed-based
    TSS form where a threshold speed is known and the sport is in ``speed_sports`` (running),
    else 0. Returns ``(start_utc, load, kind)``, kind ∈ {"trimp", "speed", "none"}.

    TRIMP and speed-TSS are different scales; a log mixing them should set both so that
    each activity uses the same one (HR wherever recorded). See docs/log.md.
    """
    n = inputs["start_utc"].size
    out = np.zeros(n)
    kind = np.full(n, "none", dtype=object)
    if hr_rest_bpm and hr_max_bpm:
        a, b = load.TRIMP_COEFFICIENTS_MORTON1990.get(sex, (0.64, 1.92))
        tr = load.trimp_from_hr_histogram(inputs["hr_histogram_s"], hr_rest_bpm, hr_max_bpm,
                                          a=a, b=b)
        m = inputs["has_hr"]
        out[m] = tr[m]
        kind[m] = "trimp"
    if threshold_speed_m_s:
        sp = load.speed_load_tss(inputs["speed2_dt_m2_s"], threshold_speed_m_s)
        runs = np.isin(inputs["sport"].astype(str), list(speed_sports))
        m = (kind == "none") & np.isfinite(sp) & runs
        out[m] = sp[m]
        kind[m] = "speed"
    return inputs["start_utc"], out, kind


@dataclass(frozen=True)
class Pmc:
    """Performance-management chart: one value per day [load units]."""

    day: np.ndarray
    load: np.ndarray
    ctl: np.ndarray
    atl: np.ndarray
    tsb: np.ndarray


def pmc(start_utc: np.ndarray, activity_load: np.ndarray, *, tau_fitness_d: float = 42.0,
        tau_fatigue_d: float = 7.0, until: np.datetime64 | None = None) -> Pmc:
    """Daily loads summed by UTC day, then :func:`paceline.models.load.fitness_fatigue_banister`."""
    days = start_utc.astype("datetime64[D]")
    if days.size == 0:
        e = np.zeros(0)
        return Pmc(np.zeros(0, dtype="datetime64[D]"), e, e, e, e)
    first = days.min()
    last = max(days.max(), until.astype("datetime64[D]")) if until is not None else days.max()
    n = int((last - first).astype(int)) + 1
    daily = np.bincount((days - first).astype(int), weights=activity_load, minlength=n)
    ctl, atl, tsb = load.fitness_fatigue_banister(daily, tau_fitness_d=tau_fitness_d,
                                                  tau_fatigue_d=tau_fatigue_d)
    return Pmc(first + np.arange(n), daily, ctl, atl, tsb)


def critical_speed_from_bests(bests: list[dict], window_s: tuple[float, float] = CS_WINDOW_S
                              ) -> tuple[float, float, int]:
    """CS [m/s] and D′ [m] from best efforts lasting within ``window_s``; and how many."""
    sel = [b for b in bests if window_s[0] <= b["time_s"] <= window_s[1]]
    cs, dp = load.critical_speed_hill1993([b["distance_m"] for b in sel],
                                          [b["time_s"] for b in sel])
    return cs, dp, len(sel)


def reference_effort(bests: list[dict]) -> dict | None:
    """The race-like best effort (3 km … marathon) with the highest VDOT."""
    cands = [b for b in bests if b["distance_m"] in REFERENCE_DISTANCES_M]
    if not cands:
        return None
    v = [float(endurance.vdot_from_performance(b["distance_m"], b["time_s"])) for b in cands]
    i = int(np.nanargmax(v)) if np.isfinite(v).any() else 0
    return {**cands[i], "vdot": v[i]}


def race_predictions(ref: dict, distances_m, *, riegel_exponent: float = 1.06) -> list[dict]:
    """VDOT (Daniels–Gilbert) and Riegel times for ``distances_m`` from a reference effort."""
    vdot = float(endurance.vdot_from_performance(ref["distance_m"], ref["time_s"]))
    return [{"distance_m": float(d),
             "vdot_time_s": float(endurance.time_from_vdot_s(vdot, d)),
             "riegel_time_s": float(endurance.riegel_time_s(ref["time_s"], ref["distance_m"],
                                                            d, riegel_exponent))}
            for d in distances_m]


def athlete_block(*, name: str, mass_kg: float, height_m: float, sex: str, ref: dict,
                  temperature_c: float, relative_humidity: float) -> dict:
    """The ``[athlete]`` table of a scenario with the log's reference effort.

    The reference race's conditions are the caller's (the log does not know the weather).
    """
    return {"name": name, "mass_kg": mass_kg, "height_m": height_m, "sex": sex,
            # a distance with its unit: a scenario file refuses a bare number (issue 14)
            "reference": {"distance": f"{float(ref['distance_m'])!r}m",
                          "time": float(ref["time_s"]),
                          "course": "straight", "pacing": "even-pace",
                          "conditions": {"temperature_c": temperature_c,
                                         "relative_humidity": relative_humidity}}}
