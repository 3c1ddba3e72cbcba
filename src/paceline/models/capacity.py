"""Pacer capacity: critical speed and D′ from personal bests, the decline beyond 40 min, the
still-air-equivalent effort of a formation slot, and how capacity is used and recovered.

Pure, vectorized functions in SI units (m, s, m/s). Inputs outside a function's validity
range give NaN, never an exception.

The capacity model in one paragraph (docs/crew.md gives the full account):

* **Critical speed CS and D′** from the runner's best performances lasting 2–40 min, by the
  linear distance–time relation D = CS·t + D′ (Hill 1993; Jones & Vanhatalo 2017).
* **Beyond 40 min** the hyperbola D′/(v − CS) over-predicts how long a runner lasts near CS
  (Vandewalle 2018 found the power-law and logarithmic models extrapolate to 60 min and the
  marathon better than every hyperbolic model). So the sustainable speed follows a
  Riegel/Kennelly power law v ∝ T^(1/k − 1) from the point of the CS curve at 40 min, with
  the runner's own exponent k where he has a race longer than 40 min, else Riegel's 1.06.
* **Use of capacity**: running at a (still-air-equivalent) speed v for a time t uses the
  fraction t / T_lim(v) of the runner's capacity (exact for a single constant-speed effort:
  the capacity is gone at T_lim). The part above CS is D′ work, (v − CS)·t / D′ (Skiba et al.
  2012, 2015), and is recovered during rest; the rest is the long-duration part, which is not
  recovered within a race (stated assumption, conservative).
* **Recovery** of D′ below CS follows Skiba et al. (2015)'s differential W′bal model written
  for speed: dD′bal/dt = (CS − v)·(D′ − D′bal)/D′.
"""

from __future__ import annotations

import numpy as np

from paceline.models import energetics as en

__all__ = [
    "CS_MIN_DURATION_S",
    "CS_MAX_DURATION_S",
    "RIEGEL_EXPONENT",
    "KENNELLY_EXPONENT_RANGE_VANDEWALLE2017",
    "critical_speed_hill1993",
    "riegel_exponent_from_anchor",
    "sustainable_speed_m_s",
    "time_to_exhaustion_s",
    "capacity_use_frac",
    "d_prime_recovery_skiba2015",
    "still_air_equivalent_speed_m_s",
    "performance_time_s",
]

#: Shortest and longest performance used for CS and D′ [s] (2–40 min: Jones & Vanhatalo
#: 2017 recommend trials lasting roughly 2–15 min; up to 40 min keeps the 10 km of elites).
CS_MIN_DURATION_S = 120.0
CS_MAX_DURATION_S = 2400.0

#: Riegel (1981): T2 = T1·(D2/D1)^1.06.
RIEGEL_EXPONENT = 1.06

#: Vandewalle (2017): Kennelly's exponent γ (D = k·t^γ) of 19 elite endurance runners ranged
#: from 0.851 (S. Coe) to 0.984 (E. Zatopek). As a Riegel exponent k = 1/γ: 1.016 … 1.175.
KENNELLY_EXPONENT_RANGE_VANDEWALLE2017 = (0.851, 0.984)


def critical_speed_hill1993(
    distance_m, time_s, *, min_duration_s=CS_MIN_DURATION_S, max_duration_s=CS_MAX_DURATION_S
):
    """Critical speed and D′ from best performances: linear distance–time regression.

    Parameters
    ----------
    distance_m, time_s : array_like, shape (..., n)
        Performances along the last axis [m], [s]; NaN marks a missing one.
    min_duration_s, max_duration_s : float
        Only performances lasting within this window are used [s] (2–40 min by default).

    Returns
    -------
    cs_m_s, d_prime_m : ndarray, shape (...)
        Critical speed [m/s] (slope) and D′ [m] (intercept). NaN where fewer than two
        performances fall in the window, or the fit gives CS ≤ 0 or D′ < 0.

    Notes
    -----
    D = CS·t + D′, fitted by least squares of distance on time (Hill 1993, the
    "distance–time" form of the critical power model; Jones & Vanhatalo 2017, Fig. 1). Smyth
    & Muniz-Pumares (2020) found this relation linear in > 25 000 runners' best efforts
    (R² = 0.9999 ± 0.0001 over 400–5000 m).

    References
    ----------
    Hill DW (1993). The critical power concept. Sports Med 16(4):237-254.
    doi:10.2165/00007256-199316040-00003
    Jones AM, Vanhatalo A (2017). The 'critical power' concept: applications to sports
    performance with a focus on intermittent high-intensity exercise. Sports Med
    47(Suppl 1):65-78. doi:10.1007/s40279-017-0688-0
    Smyth B, Muniz-Pumares D (2020). Calculation of critical speed from raw training data in
    recreational marathon runners. Med Sci Sports Exerc 52(12):2637-2645.
    doi:10.1249/MSS.0000000000002412

    Examples
    --------
    >>> cs, dp = critical_speed_hill1993([5000.0, 10000.0], [780.0, 1620.0])
    >>> round(float(cs), 4), round(float(dp), 1)
    (5.9524, 357.1)
    """
    d = np.asarray(distance_m, dtype=float)
    t = np.asarray(time_s, dtype=float)
    d, t = np.broadcast_arrays(d, t)
    ok = np.isfinite(d) & np.isfinite(t) & (t >= min_duration_s) & (t <= max_duration_s) & (
        d > 0
    )
    w = ok.astype(float)
    n = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        tm = np.where(ok, t, 0.0).sum(axis=-1) / n
        dm = np.where(ok, d, 0.0).sum(axis=-1) / n
        dt = np.where(ok, t - tm[..., None], 0.0)
        dd = np.where(ok, d - dm[..., None], 0.0)
        cs = (dt * dd).sum(axis=-1) / (dt * dt).sum(axis=-1)
        dp = dm - cs * tm
    good = (n >= 2) & np.isfinite(cs) & (cs > 0) & (dp >= 0)
    return np.where(good, cs, np.nan), np.where(good, dp, np.nan)


def riegel_exponent_from_anchor(
    anchor_time_s, anchor_distance_m, long_time_s, long_distance_m,
    *, gamma_range=KENNELLY_EXPONENT_RANGE_VANDEWALLE2017,
):
    """A runner's own fatigue exponent k between an anchor and a longer race.

    Parameters
    ----------
    anchor_time_s, anchor_distance_m : array_like
        The anchor point (the CS curve at 40 min) [s], [m].
    long_time_s, long_distance_m : array_like
        A race longer than the anchor (half marathon, marathon) [s], [m]; NaN if none.
    gamma_range : tuple of float
        Kennelly exponents γ observed in elite runners (Vandewalle 2017: 0.851–0.984); k is
        clipped to 1/γ_max … 1/γ_min.

    Returns
    -------
    ndarray
        k = ln(T2/T1)/ln(D2/D1) [-] (Riegel 1981's form), clipped; 1.06 (Riegel) where no
        longer race is given.

    References
    ----------
    Riegel PS (1981). Athletic records and human endurance. Am Sci 69(3):285-290.
    Vandewalle H (2017). Application of Kennelly's model of running performances to elite
    endurance runners. Res Inventy Int J Eng Sci 7(1):12-16.

    Examples
    --------
    >>> round(float(riegel_exponent_from_anchor(2400.0, 14000.0, 2400.0 * 2 ** 1.06, 28000.0)), 4)
    1.06
    """
    t1 = np.asarray(anchor_time_s, float)
    d1 = np.asarray(anchor_distance_m, float)
    t2 = np.asarray(long_time_s, float)
    d2 = np.asarray(long_distance_m, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.log(t2 / t1) / np.log(d2 / d1)
    lo, hi = 1.0 / gamma_range[1], 1.0 / gamma_range[0]
    ok = np.isfinite(k) & (d2 > d1) & (t2 > t1)
    return np.where(ok, np.clip(np.where(ok, k, RIEGEL_EXPONENT), lo, hi), RIEGEL_EXPONENT)


def sustainable_speed_m_s(
    duration_s, cs_m_s, d_prime_m, *, anchor_time_s=CS_MAX_DURATION_S,
    riegel_exponent=RIEGEL_EXPONENT,
):
    """Fastest speed a runner can hold for a given duration (hyperbola, then power law).

    Parameters
    ----------
    duration_s : array_like
        Duration of a constant-speed effort [s], ≥ 120 s.
    cs_m_s, d_prime_m : array_like
        Critical speed [m/s] and D′ [m] (:func:`critical_speed_hill1993`).
    anchor_time_s : float
        Where the hyperbola hands over to the power law [s] (40 min).
    riegel_exponent : array_like
        k of the power law (Riegel 1981: 1.06; a runner's own from
        :func:`riegel_exponent_from_anchor`).

    Returns
    -------
    ndarray
        Sustainable speed [m/s]; NaN below 120 s (the hyperbola is not valid for sprints) or
        for invalid parameters.

    Notes
    -----
    v(T) = CS + D′/T for T ≤ T_a (Hill 1993); v(T) = v(T_a)·(T/T_a)^(1/k − 1) for T > T_a
    (Riegel's T ∝ D^k written for speed). Continuous at T_a. Vandewalle (2018) compared the
    models on elite runners: the hyperbolic (CS) models over-estimate speeds at 30–60 min
    and in the marathon, the power-law and logarithmic models extrapolate better; hence the
    hand-over. The logarithmic law of Péronnet & Thibault (1989) works on power and needs
    MAP, which PBs do not give; see docs/crew.md for the comparison.

    References
    ----------
    Hill DW (1993). Sports Med 16(4):237-254. doi:10.2165/00007256-199316040-00003
    Riegel PS (1981). Am Sci 69(3):285-290.
    Vandewalle H (2018). Modelling of running performances: comparisons of power-law,
    hyperbolic, logarithmic, and exponential models in elite endurance runners. Biomed Res
    Int 2018:8203062. doi:10.1155/2018/8203062

    Examples
    --------
    >>> round(float(sustainable_speed_m_s(1200.0, 6.0, 300.0)), 3)
    6.25
    """
    t = np.asarray(duration_s, float)
    cs = np.asarray(cs_m_s, float)
    dp = np.asarray(d_prime_m, float)
    k = np.asarray(riegel_exponent, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        hyper = cs + dp / t
        v_a = cs + dp / anchor_time_s
        power = v_a * (np.maximum(t, anchor_time_s) / anchor_time_s) ** (1.0 / k - 1.0)
    v = np.where(t <= anchor_time_s, hyper, power)
    ok = (t >= CS_MIN_DURATION_S) & (cs > 0) & (dp >= 0) & (k >= 1.0)
    return np.where(ok, v, np.nan)


def time_to_exhaustion_s(
    speed_m_s, cs_m_s, d_prime_m, *, anchor_time_s=CS_MAX_DURATION_S,
    riegel_exponent=RIEGEL_EXPONENT,
):
    """How long a runner can hold a speed: the inverse of :func:`sustainable_speed_m_s`.

    Parameters
    ----------
    speed_m_s : array_like
        Constant (still-air-equivalent) speed [m/s].
    cs_m_s, d_prime_m, anchor_time_s, riegel_exponent
        As in :func:`sustainable_speed_m_s`.

    Returns
    -------
    ndarray
        T_lim [s]: D′/(v − CS) for v ≥ v(T_a); T_a·(v/v(T_a))^(k/(1 − k)) below (finite for
        any v > 0: the power law has no asymptote); inf for v ≤ 0 (not running). Speeds
        that would last < 120 s give the hyperbola's value (outside the fitted range).

    Examples
    --------
    >>> round(float(time_to_exhaustion_s(6.25, 6.0, 300.0)), 6)
    1200.0
    """
    v = np.asarray(speed_m_s, float)
    cs = np.asarray(cs_m_s, float)
    dp = np.asarray(d_prime_m, float)
    k = np.asarray(riegel_exponent, float)
    v_a = cs + dp / anchor_time_s
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        hyper = dp / (v - cs)
        power = anchor_time_s * (v / v_a) ** (k / (1.0 - k))
    t = np.where(v >= v_a, hyper, power)
    t = np.where(v <= 0, np.inf, t)
    ok = (cs > 0) & (dp >= 0) & (k > 1.0)
    return np.where(ok, t, np.nan)


def capacity_use_frac(
    speed_m_s, duration_s, cs_m_s, d_prime_m, *, anchor_time_s=CS_MAX_DURATION_S,
    riegel_exponent=RIEGEL_EXPONENT,
):
    """Fraction of a runner's capacity used by running at a speed for a time.

    Parameters
    ----------
    speed_m_s : array_like
        Still-air-equivalent speed [m/s].
    duration_s : array_like
        Time spent at that speed [s].
    cs_m_s, d_prime_m, anchor_time_s, riegel_exponent
        As in :func:`sustainable_speed_m_s`.

    Returns
    -------
    total_frac, d_prime_frac : ndarray
        Total use t/T_lim(v) [-] and its part above CS, (v − CS)⁺·t/D′ [-] (the D′ work of
        Skiba et al. 2012, recoverable during rest). total ≥ D′ part always.

    Notes
    -----
    Use accumulates linearly in time at a given speed, so a constant-speed effort ends
    exactly at T_lim (use = 1); above CS within 40 min it is the D′ expenditure
    (v − CS)·t of the critical-speed model (Jones & Vanhatalo 2017). Splitting an effort in
    two stints with no rest adds the two uses, as the model requires. Below CS the use
    (t/T_lim from the power law) stands for the slow fatigue of long running that rest within
    a race does not undo (assumption; docs/crew.md).

    Examples
    --------
    >>> total, dp = capacity_use_frac(6.25, 600.0, 6.0, 300.0)
    >>> round(float(total), 3), round(float(dp), 3)
    (0.5, 0.5)
    """
    t = np.asarray(duration_s, float)
    tlim = time_to_exhaustion_s(speed_m_s, cs_m_s, d_prime_m, anchor_time_s=anchor_time_s,
                                riegel_exponent=riegel_exponent)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = t / tlim
        dpart = np.maximum(np.asarray(speed_m_s, float) - cs_m_s, 0.0) * t / d_prime_m
    dpart = np.where(np.asarray(d_prime_m, float) > 0, dpart, 0.0)
    return total, np.minimum(dpart, total)


def d_prime_recovery_skiba2015(d_prime_used_frac, rest_s, cs_m_s, d_prime_m, *,
                               rest_speed_m_s=0.0):
    """D′ still used after resting (or jogging below CS), Skiba et al. (2015) W′bal.

    Parameters
    ----------
    d_prime_used_frac : array_like
        D′ used at the start of the rest, as a fraction of D′ [-].
    rest_s : array_like
        Duration of the rest [s].
    cs_m_s, d_prime_m : array_like
        Critical speed [m/s] and D′ [m].
    rest_speed_m_s : array_like
        Speed during the rest [m/s], below CS (0: standing, riding the pacers' bus).

    Returns
    -------
    ndarray
        D′ used at the end of the rest [-]. NaN for rest speed ≥ CS.

    Notes
    -----
    Skiba, Fulford, Clarke, Vanhatalo & Jones (2015) wrote W′bal as an ODE: below CP,
    dW′bal/dt = (CP − P)·(W′0 − W′bal)/W′0 — recovery proportional to how far below CP and to
    what is missing. Written for speed and distance (CS, D′), the missing fraction
    u = 1 − D′bal/D′ decays as u(t) = u0·exp(−(CS − v)·t/D′), time constant D′/(CS − v).
    Chosen over Skiba et al. (2012)'s τ = 546·e^(−0.01·D_CP) + 316 s because that constant
    was fitted in watts on cycle ergometers and has no running form; the 2015 model needs
    only CS and D′, which PBs give.

    References
    ----------
    Skiba PF, Chidnok W, Vanhatalo A, Jones AM (2012). Modeling the expenditure and
    reconstitution of work capacity above critical power. Med Sci Sports Exerc
    44(8):1526-1532. doi:10.1249/MSS.0b013e3182517a80
    Skiba PF, Fulford J, Clarke DC, Vanhatalo A, Jones AM (2015). Intramuscular determinants
    of the ability to recover work capacity above critical power. Eur J Appl Physiol
    115(4):703-713. doi:10.1007/s00421-014-3050-3

    Examples
    --------
    >>> round(float(d_prime_recovery_skiba2015(1.0, 50.0, 6.0, 300.0)), 4)   # e^-1
    0.3679
    """
    u0 = np.asarray(d_prime_used_frac, float)
    deficit = np.asarray(cs_m_s, float) - np.asarray(rest_speed_m_s, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = u0 * np.exp(-deficit * np.asarray(rest_s, float) / np.asarray(d_prime_m, float))
    return np.where(deficit > 0, u, np.nan)


def still_air_equivalent_speed_m_s(
    speed_m_s,
    drag_reduction_frac,
    *,
    mass_kg,
    drag_area_m2,
    air_density_kg_m3=1.225,
    headwind_m_s=0.0,
    crosswind_m_s=0.0,
    grade_frac=0.0,
    curvature_1_m=0.0,
    reference_air_density_kg_m3=1.225,
    cost_ref_j_kg_m=3.8,
    speed_ref_m_s=4.47,
):
    """Speed alone in still air on the level that costs what a formation slot costs.

    Parameters
    ----------
    speed_m_s : array_like
        Ground speed in the formation [m/s].
    drag_reduction_frac : array_like
        Fraction of the runner's own drag removed by his slot [-] (0 = alone, in front).
    mass_kg, drag_area_m2 : array_like
        Runner's body mass [kg] and drag area alone [m²].
    air_density_kg_m3, headwind_m_s, crosswind_m_s, grade_frac, curvature_1_m : array_like
        Conditions where he runs (as in :func:`paceline.models.energetics.metabolic_power_w_kg`).
    reference_air_density_kg_m3 : float
        Density of the still air his PBs are taken to be run in [kg/m³] (ISA sea level).
    cost_ref_j_kg_m, speed_ref_m_s : float
        Level cost at a reference speed; every term of the power scales with it, so it cancels
        from the answer (kept only to call the energetics model).

    Returns
    -------
    ndarray
        Still-air-equivalent speed [m/s], to compare with his CS and D′ (which come from PBs
        taken as run alone in still air: an assumption, optimistic if they were paced).

    Notes
    -----
    Solves P(v_eq; r = 0, still air, level, ρ_ref) = P(v; r, wind, grade, ρ) with the race
    model's metabolic power (docs/model.md §3: Batliner et al. 2018 level cost, da Silva et
    al. 2022 horizontal-force cost, Minetti et al. 2002 grade, Taboga & Kram 2019 curves).
    With r = 0, ρ = ρ_ref and no wind, v_eq = v.

    Examples
    --------
    >>> v = still_air_equivalent_speed_m_s(5.88, 0.0, mass_kg=60, drag_area_m2=0.4)
    >>> round(float(v), 6)
    5.88
    """
    common = dict(cost_ref_j_kg_m=cost_ref_j_kg_m, mass_kg=mass_kg, speed_ref_m_s=speed_ref_m_s,
                  drag_area_m2=drag_area_m2)
    p = en.metabolic_power_w_kg(
        speed_m_s, air_density_kg_m3=air_density_kg_m3, headwind_m_s=headwind_m_s,
        crosswind_m_s=crosswind_m_s, grade_frac=grade_frac, curvature_1_m=curvature_1_m,
        drag_reduction_frac=drag_reduction_frac, **common,
    )
    return en.speed_at_metabolic_power_m_s(
        p, air_density_kg_m3=reference_air_density_kg_m3,
        initial_speed_m_s=np.broadcast_to(np.asarray(speed_m_s, float), np.shape(p)),
        iterations=10, **common,
    )


def performance_time_s(
    distance_m, cs_m_s, d_prime_m, *, anchor_time_s=CS_MAX_DURATION_S,
    riegel_exponent=RIEGEL_EXPONENT, iterations=60,
):
    """Time a runner with these parameters needs for a distance (all-out, even pace).

    Parameters
    ----------
    distance_m : array_like
        Race distance [m].
    cs_m_s, d_prime_m, anchor_time_s, riegel_exponent
        As in :func:`sustainable_speed_m_s`.
    iterations : int
        Bisection steps on ln T over 120 s … 10 h (60 steps: < 1e-12 relative).

    Returns
    -------
    ndarray
        T [s] with sustainable_speed(T)·T = distance; NaN outside 120 s … 10 h.

    Notes
    -----
    The distance a runner covers in T, v(T)·T, grows with T (for the hyperbola it is
    CS·T + D′, for the power law ∝ T^(1/k)), so bisection on ln T finds the unique answer.

    Examples
    --------
    >>> round(float(performance_time_s(5000.0, 5.0, 200.0)), 3)   # (5000 − 200)/5
    960.0
    """
    d = np.asarray(distance_m, float)
    cs, dp, k = np.broadcast_arrays(np.asarray(cs_m_s, float), np.asarray(d_prime_m, float),
                                    np.asarray(riegel_exponent, float))
    shape = np.broadcast_shapes(d.shape, cs.shape)
    lo = np.full(shape, np.log(CS_MIN_DURATION_S * (1.0 + 1e-12)))
    hi = np.full(shape, np.log(36000.0))

    def covered(log_t):
        t = np.exp(log_t)
        return sustainable_speed_m_s(t, cs, dp, anchor_time_s=anchor_time_s,
                                     riegel_exponent=k) * t

    ok = (covered(lo) <= d) & (covered(hi) >= d)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        short = covered(mid) < d
        lo = np.where(short, mid, lo)
        hi = np.where(short, hi, mid)
    return np.where(ok, np.exp(0.5 * (lo + hi)), np.nan)
