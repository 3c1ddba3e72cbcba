"""Training load, fitness–fatigue and best efforts: pure, vectorized, SI.

Every function is pure NumPy/SciPy. Durations in s (the TRIMP sources count minutes: the
conversion is inside and stated), speeds in m/s, distances in m, heart rates in beats/min.
Out-of-range inputs give NaN, never an exception.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "TRIMP_COEFFICIENTS_MORTON1990",
    "heart_rate_reserve_frac",
    "trimp_banister",
    "trimp_from_hr_histogram",
    "speed_load_tss",
    "fitness_fatigue_banister",
    "best_effort_times_s",
    "critical_speed_hill1993",
]

#: Weighting y = a·exp(b·HRr) of Banister's TRIMP, men and women (Morton, Fitz-Clarke &
#: Banister 1990, J Appl Physiol 69(3):1171–1177, doi:10.1152/jappl.1990.69.3.1171).
TRIMP_COEFFICIENTS_MORTON1990 = {"men": (0.64, 1.92), "women": (0.86, 1.67)}


def heart_rate_reserve_frac(heart_rate_bpm, hr_rest_bpm, hr_max_bpm):
    """Fraction of heart-rate reserve, HRr = (HR − HRrest)/(HRmax − HRrest), clipped to [0, 1].

    NaN where HRmax ≤ HRrest or any input is NaN.
    """
    hr = np.asarray(heart_rate_bpm, dtype=float)
    rest = np.asarray(hr_rest_bpm, dtype=float)
    span = np.asarray(hr_max_bpm, dtype=float) - rest
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.clip((hr - rest) / span, 0.0, 1.0)
    return np.where(span > 0, x, np.nan)


def trimp_banister(duration_s, hr_reserve_frac, *, a=0.64, b=1.92):
    """Banister's training impulse of an effort at a heart-rate-reserve fraction.

    Parameters
    ----------
    duration_s : array_like
        Duration [s].
    hr_reserve_frac : array_like
        Fraction of heart-rate reserve HRr [0–1].
    a, b : float
        Weighting ``a·exp(b·HRr)``; defaults are Morton et al. (1990)'s men's values
        (women: 0.86, 1.67; :data:`TRIMP_COEFFICIENTS_MORTON1990`).

    Returns
    -------
    ndarray
        TRIMP [arbitrary units, "minutes at HRr weighted"].

    Notes
    -----
    TRIMP = t[min] · HRr · a·e^(b·HRr)  (Banister 1991, in MacDougall, Wenger & Green (eds.),
    *Physiological Testing of the High-Performance Athlete*, pp. 403–424; Morton et al. 1990,
    eq. 3). Summed over samples for an activity. NaN outside 0 ≤ HRr ≤ 1.

    Example: 30 min at HRr 0.5 → 30·0.5·0.64·e^0.96 = 25.07.
    """
    t_min = np.asarray(duration_s, dtype=float) / 60.0
    x = np.asarray(hr_reserve_frac, dtype=float)
    out = t_min * x * a * np.exp(b * x)
    return np.where((x >= 0) & (x <= 1), out, np.nan)


def trimp_from_hr_histogram(seconds_at_bpm, hr_rest_bpm, hr_max_bpm, *, a=0.64, b=1.92):
    """TRIMP of an activity from its time-at-heart-rate histogram (index = whole bpm).

    Exact to the 1-bpm rounding of the histogram; lets the log recompute every activity's TRIMP
    when the athlete's HRrest/HRmax change, without reading sample streams.
    """
    h = np.asarray(seconds_at_bpm, dtype=float)
    bpm = np.arange(h.shape[-1], dtype=float)
    x = heart_rate_reserve_frac(bpm, hr_rest_bpm, hr_max_bpm)
    return np.nansum(trimp_banister(h, x, a=a, b=b), axis=-1)


def speed_load_tss(speed2_dt_m2_s, threshold_speed_m_s):
    """Speed-based training stress, TSS form with speed for power.

    Parameters
    ----------
    speed2_dt_m2_s : array_like
        Σ v²·Δt over the activity [m²/s].
    threshold_speed_m_s : array_like
        The athlete's threshold (≈ 1-hour race) speed [m/s].

    Returns
    -------
    ndarray
        Load [TSS points]: 100 for one hour at threshold speed.

    Notes
    -----
    Coggan's TSS = 100 · hours · IF², IF = intensity / threshold (Allen & Coggan, *Training and
    Racing with a Power Meter*, 2nd ed. 2010, ch. 7). Here intensity is speed and IF² is
    averaged over the samples: load = 100 · Σ(v/v_thr)²Δt / 3600 s. This is *not*
    TrainingPeaks' rTSS (which uses its proprietary normalized graded pace); it is used only
    where an activity has no heart rate.
    """
    s2 = np.asarray(speed2_dt_m2_s, dtype=float)
    vt = np.asarray(threshold_speed_m_s, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(vt > 0, 100.0 * s2 / (vt**2 * 3600.0), np.nan)


def fitness_fatigue_banister(daily_load, *, tau_fitness_d=42.0, tau_fatigue_d=7.0,
                             initial_fitness=0.0, initial_fatigue=0.0):
    """Banister's fitness–fatigue model: CTL, ATL and TSB from daily loads.

    Parameters
    ----------
    daily_load : array_like, shape (n_days,)
        Load of each consecutive day (0 on rest days).
    tau_fitness_d, tau_fatigue_d : float
        Decay time constants [days]; 42 and 7 are the defaults of the Performance Manager
        (Allen & Coggan 2010) after Banister's two-component model (Banister et al. 1975,
        Aust J Sports Med 7:57–61; Morton et al. 1990 fitted ≈ 45 and 11–15 days).

    Returns
    -------
    (ctl, atl, tsb) : tuple of ndarray, shape (n_days,)
        Fitness (chronic load), fatigue (acute load) and balance TSB = CTL − ATL, same day.

    Notes
    -----
    Each component is an exponentially weighted average of the daily loads, the exact daily
    discretization of dC/dt = (L − C)/τ: C_n = C_{n−1} + α(L_n − C_{n−1}), α = 1 − e^(−1/τ).
    (TrainingPeaks uses α = 1/τ, the first-order approximation; the two differ by < 1.2 % of α
    for τ = 42 d and < 7.5 % for τ = 7 d.)
    """
    load = np.asarray(daily_load, dtype=float)

    def ewma(tau: float, init: float) -> np.ndarray:
        if not tau > 0:
            return np.full(load.shape, np.nan)
        alpha = float(1.0 - np.exp(-1.0 / tau))
        y = np.empty(load.shape)
        c = float(init)
        for i, x in enumerate(load.tolist()):  # a first-order recursion: a loop is clearest
            c += alpha * (x - c)
            y[i] = c
        return y

    ctl = ewma(tau_fitness_d, initial_fitness)
    atl = ewma(tau_fatigue_d, initial_fatigue)
    return ctl, atl, ctl - atl


def best_effort_times_s(time_s, distance_m, efforts_m):
    """Fastest time to cover each distance within one activity (elapsed time, pauses count).

    Parameters
    ----------
    time_s : array_like, shape (n,)
        Sample times [s], increasing.
    distance_m : array_like, shape (n,)
        Cumulative distance [m] at each sample (NaN samples are dropped; made non-decreasing).
    efforts_m : array_like, shape (k,)
        Effort distances [m].

    Returns
    -------
    ndarray, shape (k,)
        Best time [s] for each distance, linearly interpolated between samples; NaN where the
        activity is shorter than the distance.

    Notes
    -----
    For every start sample i the end time is t(d_i + D) by linear interpolation of t(d);
    the best effort is min_i [t(d_i + D) − t_i] (O(n) per distance). The mean-maximal speed
    curve is D / best time.
    """
    t = np.asarray(time_s, dtype=float)
    d = np.asarray(distance_m, dtype=float)
    efforts = np.atleast_1d(np.asarray(efforts_m, dtype=float))
    ok = np.isfinite(t) & np.isfinite(d)
    t, d = t[ok], np.maximum.accumulate(d[ok]) if ok.any() else d[ok]
    out = np.full(efforts.shape, np.nan)
    if t.size < 2:
        return out
    # keep the last sample of each run of equal distances so d is strictly increasing
    keep = np.append(np.diff(d) > 0, True)
    keep_first = np.insert(np.diff(d) > 0, 0, True)
    d_end, t_end = d[keep], t[keep]           # latest time at each distance (end lookup)
    d_start, t_start = d[keep_first], t[keep_first]  # earliest time at each distance (start)
    for k, D in enumerate(efforts):
        if not D > 0 or d[-1] - d[0] < D:
            continue
        target = d_start + D
        valid = target <= d_end[-1]
        t_hit = np.interp(target[valid], d_end, t_end)
        out[k] = float(np.min(t_hit - t_start[valid]))
    return out


def critical_speed_hill1993(distance_m, time_s):
    """Critical speed and D′ from best efforts: the linear distance–time model.

    Parameters
    ----------
    distance_m, time_s : array_like, shape (k,)
        Efforts (at least two, different durations) [m], [s].

    Returns
    -------
    (cs_m_s, d_prime_m) : tuple of float
        Critical speed [m/s] and D′ [m]; NaN with fewer than two finite efforts.

    Notes
    -----
    d = CS·t + D′, least squares over the efforts (Hill 1993, Sports Med 16(4):237–254,
    doi:10.2165/00007256-199316040-00003; Jones, Vanhatalo, Burnley, Morton & Poole 2010,
    Med Sci Sports Exerc 42(10):1876–1890, doi:10.1249/MSS.0b013e3181d9cf7f). The model
    holds for efforts in the severe domain (minutes, not seconds or hours); the caller chooses
    the efforts (:mod:`paceline.log` uses 2–15 min, a stated assumption, see docs/log.md).
    """
    d = np.asarray(distance_m, dtype=float)
    t = np.asarray(time_s, dtype=float)
    ok = np.isfinite(d) & np.isfinite(t) & (t > 0)
    if ok.sum() < 2 or np.ptp(t[ok]) <= 0:
        return float("nan"), float("nan")
    cs, d_prime = np.polyfit(t[ok], d[ok], 1)
    return float(cs), float(d_prime)
