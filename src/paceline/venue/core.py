"""Venue, date and hour from weather records: climatology → race outcomes.

For each candidate (a course with a weather record, its altitude and time zone), each day of
a date window and each local start hour, every year's observed weather over the race's
duration is run through the race model (:meth:`paceline.sim.MonteCarlo.finish_times`, all
races of a year at once on an array), with the athlete's day-to-day form drawn from the
scenario's ``[uncertainty]``. The orchestrator adds no physics: the WBGT comes from
thermofeel (Liljegren et al. 2008), wind at runner height from thermofeel's log profile
(Bröde et al. 2012), solar position from pvlib, air density and heat slowdown from
:mod:`paceline.models` through the race model.

Work is partitioned by (candidate, year) — :func:`sweep_unit` is a pure function of its
arguments — so an in-process run and a Dask run give identical results for the same seed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from paceline.course import Course
from paceline.errors import ScenarioError
from paceline.models import atmosphere
from paceline.scenario import Conditions, Scenario
from paceline.sim import MonteCarlo, RaceModel

__all__ = [
    "Candidate",
    "Criteria",
    "VenueSettings",
    "YearOutcome",
    "CandidateOutcome",
    "VenueResult",
    "ReserveRow",
    "build_model",
    "sweep_unit",
    "sweep",
    "window_days",
    "reserve_window",
    "INEOS_CRITERIA",
]


@dataclass(frozen=True)
class Criteria:
    """Weather criteria for a go (INEOS 1:59: 7–14 °C, RH < 80 %, dry, wind < 2 m/s).

    Every half hour of the race must meet them; the wind is the station's (10 m) mean wind,
    as forecasts give it. Source: INEOS 1:59 Challenge press material (2019), see
    shared/REFERENCES.md.
    """

    temperature_min_c: float = 7.0
    temperature_max_c: float = 14.0
    relative_humidity_max_frac: float = 0.80
    wind_max_m_s: float = 2.0
    dry: bool = True


INEOS_CRITERIA = Criteria()


@dataclass(frozen=True, eq=False)
class Candidate:
    """A venue: a course with a weather record, altitude and time zone.

    Attributes
    ----------
    name : str
    course : Course
    weather : DataFrame
        Canonical hourly table from :func:`paceline.io.weather.read_weather`.
    time_zone : str
        IANA time zone of the venue (start hours are local clock hours).
    altitude_m : float
        Course altitude [m] (air pressure is moved from the station's altitude to this one).
    station_altitude_m : float
        Altitude of the weather station [m].
    latitude_deg, longitude_deg : float
        Venue position [°] (solar position, daylight).
    station : str
        What the record is (provider, station), for the tables.
    """

    name: str
    course: Course
    weather: pd.DataFrame
    time_zone: str
    altitude_m: float
    station_altitude_m: float
    latitude_deg: float
    longitude_deg: float
    station: str = ""


@dataclass(frozen=True)
class VenueSettings:
    """How the sweep runs.

    Attributes
    ----------
    first, last : (month, day)
        Date window, inclusive, every year (29 Feb is skipped).
    start_hours : tuple of int
        Local start hours (0–23).
    target_time_s : float
        Finish-time target [s].
    draws : int
        Draws of the athlete's form (economy × capacity) per weather sample.
    seed : int
        Seed of the form draws (one :class:`numpy.random.Generator`; the same draws for every
        candidate, day and hour — common random numbers, so differences between venues are
        the weather's).
    runner_height_m : float or None
        Height the station's 10 m wind is scaled to (thermofeel ``scale_windspeed``, Bröde et
        al. 2012); None keeps the 10 m wind.
    wbgt_method : {"liljegren", "liljegren-sun", "model"}
        WBGT for the heat factor: thermofeel's Liljegren et al. (2008) from temperature,
        humidity, pressure and wind in shade, for the races and the athlete's reference race
        alike (one scale; default); "liljegren-sun" adds the record's radiation and the sun's
        position where the record has them (the reference stays in shade); "model" is the race
        model's own estimate from temperature and humidity (BoM) for both.
    samples_per_race : int
        Points in time averaged over the race, start to finish (5 = every ~30 min).
    criteria : Criteria
    """

    first: tuple[int, int] = (9, 1)
    last: tuple[int, int] = (11, 15)
    start_hours: tuple[int, ...] = (6, 7, 8, 9, 10, 11)
    target_time_s: float = 7199.0
    draws: int = 20
    seed: int = 1
    runner_height_m: float | None = 1.0
    wbgt_method: str = "liljegren"
    samples_per_race: int = 5
    criteria: Criteria = field(default_factory=Criteria)


def window_days(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """(month, day) of every day from ``first`` to ``last`` (wrapping the new year), no 29 Feb."""
    try:
        d = date(2001, *first)
        end = date(2001, *last)
    except ValueError as exc:
        raise ScenarioError(f"bad window date: {exc}", where="window",
                            value=f"{first} … {last}", fix="write MM-DD") from None
    if end < d:
        end = date(2002, *last)
    out = []
    while d <= end:
        out.append((d.month, d.day))
        d += timedelta(days=1)
    return out


def build_model(scenario: Scenario, candidate: Candidate) -> MonteCarlo:
    """The race model for a candidate: the scenario's athlete on the candidate's course at
    its altitude, even effort, no target (the sweep asks for the fastest finish)."""
    cond = Conditions(temperature_c=10.0, relative_humidity=0.6,
                      altitude_m=candidate.altitude_m)
    sc = scenario.model_copy(update={
        "conditions": cond,
        "race": scenario.race.model_copy(update={"target_time_s": None,
                                                 "pacing": "even-effort"}),
    })
    return MonteCarlo(RaceModel(sc, candidate.course, _reference_course(scenario)))


def _reference_course(scenario: Scenario) -> Course | None:
    ref = scenario.athlete.reference
    if ref is None or ref.course.preset is not None:
        return None
    raise ScenarioError("the venue sweep needs the reference race on a preset course",
                        where="athlete.reference.course", value=ref.course.gpx,
                        fix="use a preset (e.g. straight) for the reference race")


@dataclass(frozen=True, eq=False)
class YearOutcome:
    """One (candidate, year) unit. Arrays are (day, hour) unless stated; NaN = no weather
    (a gap in the record, or the day outside it)."""

    year: int
    time_still_s: np.ndarray  # finish at the median form [s]
    log_sensitivity: np.ndarray  # d ln T / d ln k, k = capacity/economy [-]
    criteria: np.ndarray  # 1 = criteria met, 0 = not, NaN = unknown
    temperature_c: np.ndarray  # race means
    relative_humidity_frac: np.ndarray
    wind_speed_m_s: np.ndarray  # mean 10 m wind speed
    wind_from_deg: np.ndarray  # direction of the mean wind vector
    pressure_pa: np.ndarray  # at the course altitude
    wbgt_c: np.ndarray
    start_utc: np.ndarray  # datetime64[s], (day, hour)


def _hourly_grid(table: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    """The record on a complete hourly grid from ``lo`` to ``hi``; missing hours are NaN rows
    (they stay missing: a race that touches one is not computed)."""
    grid = pd.date_range(lo.floor("h"), hi.ceil("h"), freq="h", tz="UTC")
    return table.reindex(grid)


def _interp(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Linear interpolation on an hourly array at fractional positions; NaN outside or next to
    a missing hour (never bridged)."""
    i = np.floor(pos).astype(int)
    f = pos - i
    ok = (i >= 0) & (i < values.size - 1)
    i = np.clip(i, 0, values.size - 2)
    a, b = values[i], values[i + 1]
    out = np.where(f == 0.0, a, a * (1.0 - f) + b * f)
    return np.where(ok, out, np.nan)


def sweep_unit(scenario: Scenario, candidate: Candidate, settings: VenueSettings, year: int,
               duration_s: float, model: MonteCarlo | None = None) -> YearOutcome:
    """Run the race model on one year's weather for every day and start hour of the window.

    Pure: the result depends only on the arguments (no random draws here; the form draws
    are applied in :class:`CandidateOutcome`). Races whose weather touches a missing hour
    are NaN.
    """
    import thermofeel
    from pvlib import solarposition

    mc = model or build_model(scenario, candidate)
    days = window_days(settings.first, settings.last)
    hours = np.asarray(settings.start_hours)
    first_year = year
    local = [pd.Timestamp(first_year + (1 if (m, d) < days[0] else 0), m, d) for m, d in days]
    naive = pd.DatetimeIndex([t + pd.Timedelta(hours=int(h)) for t in local for h in hours])
    start = naive.tz_localize(ZoneInfo(candidate.time_zone), ambiguous=False,
                              nonexistent="shift_forward").tz_convert("UTC")
    k = settings.samples_per_race
    offs = np.linspace(0.0, duration_s, k) / 3600.0  # hours after the start
    grid = _hourly_grid(candidate.weather, start.min(), start.max() + pd.Timedelta(
        seconds=duration_s + 3600))
    pos = ((start - grid.index[0]) / pd.Timedelta(hours=1)).to_numpy()[:, None] + offs[None, :]

    def at(col):
        return _interp(grid[col].to_numpy(dtype=float), pos)

    t = at("temperature_c")
    rh = at("relative_humidity_frac")
    p = at("pressure_pa")
    ws = at("wind_speed_m_s")
    # wind as a vector; a calm hour has no direction and no vector; a variable wind (speed
    # without direction) counts in the speed (criteria) but not in the vector
    wd = grid["wind_from_deg"].to_numpy(dtype=float)
    wsg = grid["wind_speed_m_s"].to_numpy(dtype=float)
    calm_or_var = np.isnan(wd) & np.isfinite(wsg)
    u_h = np.where(calm_or_var, 0.0, -wsg * np.sin(np.deg2rad(wd)))
    v_h = np.where(calm_or_var, 0.0, -wsg * np.cos(np.deg2rad(wd)))
    u, v = _interp(u_h, pos), _interp(v_h, pos)
    ghi = at("ghi_w_m2")
    dhi = at("dhi_w_m2")
    # precipitation of each hour the race touches (stamped at the hour's end)
    hour_end = np.ceil(pos + 1e-9).astype(int)
    pr_all = grid["precipitation_mm"].to_numpy(dtype=float)
    pr = np.where(hour_end < pr_all.size, pr_all[np.clip(hour_end, 0, pr_all.size - 1)], np.nan)

    valid = np.isfinite(t).all(1) & np.isfinite(rh).all(1) & np.isfinite(p).all(1) & \
        np.isfinite(ws).all(1) & np.isfinite(u).all(1)
    tm, rhm, pm, wsm = t.mean(1), rh.mean(1), p.mean(1), ws.mean(1)
    um, vm = u.mean(1), v.mean(1)
    vec_speed = np.hypot(um, vm)
    wind_from = np.rad2deg(np.arctan2(-um, -vm)) % 360.0
    # station pressure → course altitude (ISA ratio)
    pm = pm * float(atmosphere.isa_pressure_pa(candidate.altitude_m)
                    / atmosphere.isa_pressure_pa(candidate.station_altitude_m))

    c = settings.criteria
    ok = ((t >= c.temperature_min_c) & (t <= c.temperature_max_c)
          & (rh < c.relative_humidity_max_frac) & (ws < c.wind_max_m_s)).all(1)
    crit = ok.astype(float)
    if c.dry and np.isfinite(pr_all).any():
        known = np.isfinite(pr).all(1)
        dry = (np.nan_to_num(pr, nan=1.0) == 0.0).all(1)
        crit = np.where(known, crit * dry, np.where(ok, np.nan, 0.0))
    crit = np.where(valid, crit, np.nan)

    # WBGT (thermofeel, Liljegren 2008) at mid-race with the race-mean weather
    ref_wbgt = None
    if settings.wbgt_method in ("liljegren", "liljegren-sun"):
        if settings.wbgt_method == "liljegren-sun":
            mid = start + pd.Timedelta(seconds=duration_s / 2)
            with warnings.catch_warnings():  # pvlib 0.16 uses DatetimeIndex.dayofyear
                warnings.filterwarnings("ignore", message=".*dayofyear is deprecated")
                sp = solarposition.ephemeris(mid, candidate.latitude_deg,
                                             candidate.longitude_deg)
            cosz = np.clip(np.cos(np.deg2rad(sp["apparent_zenith"].to_numpy())), 0.0, 1.0)
            ghim = np.nan_to_num(ghi.mean(1), nan=0.0)  # no radiation in the record → shade
            dhim = dhi.mean(1)
            fdir = np.where(np.isfinite(dhim) & (ghim > 0),
                            1.0 - dhim / np.maximum(ghim, 1e-9), 0.0)
        else:  # shade for every venue and for the reference race: one scale for all
            ghim = np.zeros_like(tm)
            fdir = np.zeros_like(tm)
            cosz = np.zeros_like(tm)
        wbgt = _wbgt_liljegren_c(tm, rhm, pm, wsm, ghim, fdir, cosz)
        wbgt = np.where(valid, wbgt, np.nan)
        ref_wbgt = reference_wbgt_liljegren_c(scenario)
    elif settings.wbgt_method == "model":
        wbgt = None
    else:
        raise ScenarioError("unknown WBGT method", where="venue.wbgt_method",
                            value=settings.wbgt_method, valid="liljegren, liljegren-sun, model")

    # wind at runner height (thermofeel: Bröde et al. 2012 log profile)
    run_wind = (np.asarray(thermofeel.scale_windspeed(vec_speed, settings.runner_height_m),
                           float) if settings.runner_height_m is not None else vec_speed)

    n_slots = tm.size
    times = np.full(n_slots, np.nan)
    sens = np.full(n_slots, np.nan)
    idx = np.flatnonzero(valid if wbgt is None else valid & np.isfinite(wbgt))
    if idx.size:
        kw = dict(temperature_c=tm[idx], relative_humidity_frac=np.clip(rhm[idx], 0.0, 1.0),
                  wind_speed_m_s=run_wind[idx], wind_from_deg=wind_from[idx],
                  pressure_pa=pm[idx], wbgt_c=None if wbgt is None else wbgt[idx],
                  reference_wbgt_c=ref_wbgt)
        t1 = mc.finish_times(**kw)
        t2 = mc.finish_times(capacity_factor=1.01, **kw)
        times[idx] = t1
        sens[idx] = np.log(t2 / t1) / math.log(1.01)
    shape = (len(days), hours.size)
    return YearOutcome(
        year=year, time_still_s=times.reshape(shape), log_sensitivity=sens.reshape(shape),
        criteria=crit.reshape(shape), temperature_c=np.where(valid, tm, np.nan).reshape(shape),
        relative_humidity_frac=np.where(valid, rhm, np.nan).reshape(shape),
        wind_speed_m_s=np.where(valid, wsm, np.nan).reshape(shape),
        wind_from_deg=np.where(valid, wind_from, np.nan).reshape(shape),
        pressure_pa=np.where(valid, pm, np.nan).reshape(shape),
        wbgt_c=(np.full(shape, np.nan) if wbgt is None else wbgt.reshape(shape)),
        start_utc=start.tz_localize(None).to_numpy().astype("datetime64[s]").reshape(shape),
    )


def _wbgt_liljegren_c(t_c, rh_frac, p_pa, wind_10m_m_s, ghi_w_m2, fdir, cosz):
    """WBGT [°C] by thermofeel's Liljegren et al. (2008) model (doi:10.1080/15459620802310770)."""
    import thermofeel

    t_c, rh_frac, p_pa, wind_10m_m_s, ghi_w_m2, fdir, cosz = (
        np.atleast_1d(np.asarray(x, float)) for x in
        (t_c, rh_frac, p_pa, wind_10m_m_s, ghi_w_m2, fdir, cosz))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.asarray(thermofeel.calculate_wbgt_liljegren(
            t_c + 273.15, np.clip(rh_frac, 0.01, 1.0) * 100.0, p_pa / 100.0,
            np.maximum(wind_10m_m_s, 0.0), ghi_w_m2, np.clip(fdir, 0.0, 1.0), cosz),
            float) - 273.15


def reference_wbgt_liljegren_c(scenario: Scenario) -> float | None:
    """The reference race's WBGT [°C] in shade by Liljegren (thermofeel), from its stated
    conditions (mean of start and end temperature, humidity, pressure or ISA at its altitude,
    wind): the same scale as the venue's race WBGT. None without a reference race."""
    ref = scenario.athlete.reference
    if ref is None:
        return None
    c = ref.conditions
    t = c.temperature_c if c.temperature_end_c is None else 0.5 * (c.temperature_c
                                                                  + c.temperature_end_c)
    p = (c.pressure_hpa * 100.0 if c.pressure_hpa is not None
         else float(atmosphere.isa_pressure_pa(c.altitude_m or 0.0)))
    return float(_wbgt_liljegren_c(t, c.relative_humidity, p, c.wind_speed_m_s, 0.0, 0.0,
                                   0.0)[0])


def form_draws(scenario: Scenario, draws: int, seed: int) -> np.ndarray:
    """ln k of each draw, k = capacity/economy factor, from the scenario's [uncertainty];
    one generator, the same draws for every candidate, day and hour."""
    sp = scenario.uncertainty
    rng = np.random.default_rng(seed)
    economy = 1.0 + sp.economy_sd_frac * rng.standard_normal(draws)
    capacity = 1.0 + sp.capacity_sd_frac * rng.standard_normal(draws)
    return np.log(capacity / economy)


def residual_draws(scenario: Scenario, draws: int, seed: int) -> np.ndarray:
    """The model's own residual on finish time [fraction] of each draw, from the scenario's
    ``[uncertainty] residual_sd_frac`` (``paceline validate``'s RMS error over real races) —
    the spread a race outcome has beyond the weather, as the Monte Carlo draws it. Its own
    stream of the same seed, so the form draws are unchanged."""
    rng = np.random.default_rng([seed, 1])
    return scenario.uncertainty.residual_sd_frac * rng.standard_normal(draws)


@dataclass(frozen=True, eq=False)
class CandidateOutcome:
    """Outcomes of one candidate over the years of its record.

    ``finish_time_s`` is (year, day, hour, draw): each weather sample's finish at each draw of
    the athlete's form, ``T = T(k=1) · k^s`` with ``s`` the sample's own d ln T / d ln k
    from two solves (the log-linear map is within 0.1 s of a direct solve for |ln k| < 0.05,
    test_form_draws_match_direct_solves).
    """

    candidate: Candidate
    days: tuple[tuple[int, int], ...]
    hours: tuple[int, ...]
    years: tuple[int, ...]
    finish_time_s: np.ndarray  # (year, day, hour, draw) [s]
    criteria: np.ndarray  # (year, day, hour)
    temperature_c: np.ndarray
    relative_humidity_frac: np.ndarray
    wind_speed_m_s: np.ndarray
    wind_from_deg: np.ndarray
    wbgt_c: np.ndarray
    daylight: np.ndarray  # (day, hour) bool: the start is after sunrise
    time_difference_h: float | None
    excluded: str = ""  # why the candidate is out (a constraint), "" if in
    dry_checked: bool = True  # False: the record has no precipitation, "dry" not assessed

    @property
    def slots_without_weather(self) -> int:
        """(year, day, hour) races left out: their weather touches a gap in the record or
        lies outside it (never filled)."""
        return int((~np.isfinite(self.finish_time_s[..., 0])).sum())

    def p_target(self, target_time_s: float) -> np.ndarray:
        """P(finish ≤ target) per (day, hour) over years × draws; NaN without weather."""
        ft = self.finish_time_s
        n = np.isfinite(ft).sum(axis=(0, 3))
        hit = (ft <= target_time_s).sum(axis=(0, 3))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, hit / n, np.nan)

    @property
    def median_time_s(self) -> np.ndarray:
        """Median finish time per (day, hour) [s] over years × draws."""
        d, h = self.finish_time_s.shape[1:3]
        flat = np.moveaxis(self.finish_time_s, 0, 2).reshape(d, h, -1)
        out = np.full((d, h), np.nan)
        ok = np.isfinite(flat).any(-1)
        out[ok] = np.nanmedian(flat[ok], axis=-1)
        return out

    @property
    def p_criteria(self) -> np.ndarray:
        """P(weather criteria hold) per (day, hour) over the years with a known answer."""
        c = self.criteria
        n = np.isfinite(c).sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, np.nansum(c, 0) / n, np.nan)

    @property
    def years_used(self) -> np.ndarray:
        """Years with weather per (day, hour)."""
        return np.isfinite(self.finish_time_s[..., 0]).sum(0)


@dataclass(frozen=True, eq=False)
class VenueResult:
    """All candidates of a sweep; ranking and reserve-window tables are derived from it."""

    outcomes: tuple[CandidateOutcome, ...]
    settings: VenueSettings
    duration_s: dict[str, float]  # still-air predicted finish per candidate [s]

    def ranking(self, *, daylight_only: bool = False) -> list[dict]:
        """Candidates ranked by P(target) at their best start hour over the whole window
        (a team fixes the hour's plan ahead, not the day), then by median time. Each row
        also names the best single day and hour."""
        rows = []
        for o in self.outcomes:
            p = o.p_target(self.settings.target_time_s)
            med = o.median_time_s
            if daylight_only:
                p = np.where(o.daylight, p, np.nan)
                med = np.where(o.daylight, med, np.nan)
            n_ok = np.isfinite(p).sum(0)
            with np.errstate(invalid="ignore", divide="ignore"):
                by_hour = np.where(n_ok > 0, np.nansum(p, 0) / n_ok, np.nan)
            if np.isfinite(by_hour).any():
                hi = int(np.nanargmax(by_hour))
                pc = o.p_criteria[:, hi]
                pc = pc[np.isfinite(pc)]
                flat = np.where(np.isfinite(p), p, -1.0)
                di, hj = np.unravel_index(int(np.argmax(flat)), p.shape)
                rows.append(dict(
                    name=o.candidate.name, station=o.candidate.station,
                    years=len(o.years), best_hour=o.hours[hi],
                    p_target_best_hour=float(by_hour[hi]),
                    median_time_best_hour_s=float(np.nanmedian(med[:, hi])),
                    p_criteria_best_hour=float(pc.mean()) if pc.size else None,
                    dry_checked=o.dry_checked, slots_without_weather=o.slots_without_weather,
                    best_day=f"{o.days[di][0]:02d}-{o.days[di][1]:02d}",
                    best_day_hour=o.hours[hj], p_target_best_slot=float(p[di, hj]),
                    time_difference_h=o.time_difference_h, excluded=o.excluded,
                    duration_s=self.duration_s[o.candidate.name]))
            else:
                rows.append(dict(name=o.candidate.name, station=o.candidate.station,
                                 years=len(o.years), best_hour=None, p_target_best_hour=None,
                                 median_time_best_hour_s=None, p_criteria_best_hour=None,
                                 best_day=None, best_day_hour=None, p_target_best_slot=None,
                                 time_difference_h=o.time_difference_h,
                                 dry_checked=o.dry_checked,
                                 slots_without_weather=o.slots_without_weather,
                                 excluded=o.excluded or "no usable weather in the window",
                                 duration_s=self.duration_s[o.candidate.name]))
        return sorted(rows, key=lambda r: (bool(r["excluded"]),
                                           -(r["p_target_best_hour"] or -1.0),
                                           r["median_time_best_hour_s"] or math.inf))


@dataclass(frozen=True)
class ReserveRow:
    """Value of an N-day reserve window with a go/no-go decided the day before."""

    days: int
    p_go: float  # P(at least one day meets the criteria at an allowed start hour)
    expected_time_s: float  # mean finish on the day run (first go day, else the last day)
    p_target: float  # P(finish ≤ target) on the day run, over years × draws
    windows: int  # (year, first day) windows counted


def reserve_window(outcome: CandidateOutcome, target_time_s: float,
                   lengths: Sequence[int] = (1, 2, 3, 5, 8), *, go: str | float = "criteria",
                   daylight_only: bool = False) -> list[ReserveRow]:
    """Reserve-window table: for each N, over every year and every N-day window inside the
    date window, the team runs on the first *go* day, at that day's fastest go hour, or on
    the last day (at its fastest hour) if no day is a go.

    A (day, hour) is a go when the weather criteria hold (``go="criteria"``, the INEOS
    rule), or when P(finish ≤ target) over the athlete's form draws is at least ``go`` (a
    number in (0, 1]). The decision is taken the day before with a perfect forecast — an
    upper bound on what a real forecast allows (forecast mode shows a real decision).
    """
    ft = outcome.finish_time_s  # (year, day, hour, draw)
    finite = np.isfinite(ft).all(-1)
    med = np.full(ft.shape[:3], np.nan)
    med[finite] = np.median(ft[finite], axis=-1)
    if go == "criteria":
        ok = np.nan_to_num(outcome.criteria, nan=0.0) > 0  # unknown counts as no-go
    else:
        ok = finite & ((ft <= target_time_s).mean(-1) >= float(go))
    if daylight_only:
        ok = ok & outcome.daylight[None]
        med = np.where(outcome.daylight[None], med, np.nan)
    rows = []
    n_year, n_day = ok.shape[:2]
    go_med = np.where(ok & finite, med, np.inf)
    go_any = np.isfinite(go_med).any(-1)  # (year, day)
    go_hour = np.argmin(go_med, axis=-1)
    best_hour = np.argmin(np.nan_to_num(med, nan=np.inf), axis=-1)
    for n in lengths:
        if n > n_day:
            continue
        times, hits, gos, count = [], [], 0, 0
        for y in range(n_year):
            for d0 in range(n_day - n + 1):
                win = go_any[y, d0:d0 + n]
                if win.any():
                    d = d0 + int(np.argmax(win))
                    h = go_hour[y, d]
                else:
                    d = d0 + n - 1
                    h = best_hour[y, d]
                draws = ft[y, d, h]
                if not np.isfinite(draws).all():
                    continue
                count += 1
                gos += bool(win.any())
                times.append(float(np.median(draws)))
                hits.append(float(np.mean(draws <= target_time_s)))
        if count:
            rows.append(ReserveRow(days=n, p_go=gos / count,
                                   expected_time_s=float(np.mean(times)),
                                   p_target=float(np.mean(hits)), windows=count))
    return rows


def _years(candidate: Candidate, settings: VenueSettings) -> list[int]:
    """Years whose window the record covers at least in part."""
    idx = candidate.weather.index
    days = window_days(settings.first, settings.last)
    out = []
    for y in range(idx[0].year - 1, idx[-1].year + 1):
        lo = pd.Timestamp(y, *days[0], tz="UTC")
        y_last = y + (1 if days[-1] < days[0] else 0)
        hi = pd.Timestamp(y_last, *days[-1], tz="UTC") + pd.Timedelta(days=1)
        if ((idx >= lo) & (idx < hi)).any():
            out.append(y)
    return out


def _daylight(candidate: Candidate, settings: VenueSettings, year: int) -> np.ndarray:
    """(day, hour): the start is at or after sunrise (astral)."""
    from astral import Observer
    from astral.sun import sunrise

    obs = Observer(latitude=candidate.latitude_deg, longitude=candidate.longitude_deg,
                   elevation=0.0)
    tz = ZoneInfo(candidate.time_zone)
    days = window_days(settings.first, settings.last)
    out = np.zeros((len(days), len(settings.start_hours)), bool)
    for i, (m, d) in enumerate(days):
        day = date(year, m, d)
        try:
            rise = sunrise(obs, day, tzinfo=tz)
            rise_h = rise.hour + rise.minute / 60.0
        except ValueError:  # polar night / day
            rise_h = math.inf
        out[i] = np.asarray(settings.start_hours) >= rise_h
    return out


def time_difference_h(base_time_zone: str, venue_time_zone: str, on: date) -> float:
    """Clock difference venue − base [h] on a day (zoneinfo; DST as on that day)."""
    at = pd.Timestamp(on.isoformat() + " 12:00", tz="UTC").to_pydatetime()
    a = at.astimezone(ZoneInfo(venue_time_zone)).utcoffset()
    b = at.astimezone(ZoneInfo(base_time_zone)).utcoffset()
    return (a - b).total_seconds() / 3600.0


def sweep(scenario: Scenario, candidates: Sequence[Candidate], settings: VenueSettings, *,
          base_time_zone: str | None = None, max_time_difference_h: float | None = None,
          progress: Callable[[int, int], None] | None = None,
          map_units: Callable | None = None) -> VenueResult:
    """Run the whole sweep: candidates × years (units) × days × hours × draws.

    Parameters
    ----------
    scenario : Scenario
        Athlete, race distance, drafting, shoes, uncertainty (its conditions are replaced by
        each year's weather).
    candidates : sequence of Candidate
    settings : VenueSettings
    base_time_zone : str, optional
        The athlete's training base; gives each candidate's clock difference.
    max_time_difference_h : float, optional
        Candidates further (in |hours|) are marked excluded (still computed and shown).
    progress : callable(done, total), optional
        Called after each (candidate, year) unit.
    map_units : callable, optional
        ``map_units(function, list_of_argument_tuples) -> iterable of results`` to run the
        units elsewhere (Dask); default in-process, in order.

    Returns
    -------
    VenueResult
    """
    days = window_days(settings.first, settings.last)
    lnk = form_draws(scenario, settings.draws, settings.seed)
    resid = residual_draws(scenario, settings.draws, settings.seed)
    units, durations = [], {}
    for c in candidates:
        years = _years(c, settings)
        if not years:
            idx = c.weather.index
            raise ScenarioError(
                "the date window is outside the candidate's weather record",
                where=f"candidate {c.name!r}.weather",
                value=f"window {settings.first[1]:02d}.{settings.first[0]:02d}.–"
                      f"{settings.last[1]:02d}.{settings.last[0]:02d}.",
                valid=f"record {idx[0]:%Y-%m-%d} … {idx[-1]:%Y-%m-%d} (UTC)",
                fix="choose a window inside the record, or give a record that covers it")
        mc = build_model(scenario, c)
        durations[c.name] = float(mc._det_time_s)
        for y in years:
            # each unit carries only its year's weather (from 2 days before the window to
            # 2 days after): small to ship to a worker, and the same in-process
            lo = pd.Timestamp(y, *days[0], tz="UTC") - pd.Timedelta(days=2)
            hi = pd.Timestamp(y + (1 if days[-1] < days[0] else 0), *days[-1],
                              tz="UTC") + pd.Timedelta(days=3)
            w = c.weather
            cy = replace(c, weather=w[(w.index >= lo) & (w.index < hi)])
            units.append((c.name, y, (scenario, cy, settings, y, durations[c.name])))
    total = len(units)
    results: dict[tuple[str, int], YearOutcome] = {}
    if map_units is None:
        models = {}
        for i, (name, y, args) in enumerate(units):
            if name not in models:
                models[name] = build_model(scenario, args[1])
            results[(name, y)] = sweep_unit(*args, model=models[name])
            if progress:
                progress(i + 1, total)
    else:
        for i, ((name, y, _), r) in enumerate(zip(units, map_units(
                _unit_call, [u[2] for u in units]), strict=True)):
            results[(name, y)] = r
            if progress:
                progress(i + 1, total)
    outcomes = []
    mid = date(2001, *days[len(days) // 2])
    for c in candidates:
        ys = [y for (n, y) in results if n == c.name]
        yo = [results[(c.name, y)] for y in ys]
        shape = (len(ys), len(days), len(settings.start_hours))

        def stack(attr, yo=yo, shape=shape):
            return np.stack([getattr(r, attr) for r in yo]) if yo else np.full(shape, np.nan)

        t1, s = stack("time_still_s"), stack("log_sensitivity")
        ft = t1[..., None] * np.exp(s[..., None] * lnk) * (1.0 + resid)
        tdiff = (time_difference_h(base_time_zone, c.time_zone, mid)
                 if base_time_zone else None)
        excluded = ""
        if (max_time_difference_h is not None and tdiff is not None
                and abs(tdiff) > max_time_difference_h + 1e-9):
            excluded = f"{tdiff:+g} h from the base (limit ±{max_time_difference_h:g} h)"
        outcomes.append(CandidateOutcome(
            candidate=c, days=tuple(days), hours=tuple(settings.start_hours), years=tuple(ys),
            finish_time_s=ft, criteria=stack("criteria"), temperature_c=stack("temperature_c"),
            relative_humidity_frac=stack("relative_humidity_frac"),
            wind_speed_m_s=stack("wind_speed_m_s"), wind_from_deg=stack("wind_from_deg"),
            wbgt_c=stack("wbgt_c"), daylight=_daylight(c, settings, 2001),
            time_difference_h=tdiff, excluded=excluded,
            dry_checked=bool(c.weather["precipitation_mm"].notna().any())))
    return VenueResult(outcomes=tuple(outcomes), settings=settings, duration_s=durations)


_WORKER_MODELS: dict = {}


def _unit_call(args):
    """One unit, for a remote executor (module-level so that it pickles). A worker process
    keeps the race model of each candidate it has built (a deterministic function of the
    scenario and the candidate's course and altitude), so that a candidate's years share it."""
    scenario, cand, settings, year, duration = args
    key = (scenario.model_dump_json(), cand.name, cand.altitude_m, cand.course.name,
           cand.course.length_m)
    model = _WORKER_MODELS.get(key)
    if model is None:
        if len(_WORKER_MODELS) > 16:
            _WORKER_MODELS.clear()
        model = _WORKER_MODELS[key] = build_model(scenario, cand)
    return sweep_unit(scenario, cand, settings, year, duration, model=model)
