"""Endurance: oxygen cost of running, VDOT, race-time equivalence and how sustainable power
scales with race duration.

All functions are pure and vectorized (NumPy broadcasting). Speeds in m/s, times in s,
distances in m, oxygen uptake in ml O2 per kg per min (the unit of the sources, stated in the
names). Inputs outside a function's validity range give NaN, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "vo2_daniels_gilbert",
    "fraction_vo2max_daniels_gilbert",
    "vdot_from_performance",
    "time_from_vdot_s",
    "vo2_leger_mercier1984",
    "riegel_time_s",
    "sustainable_fraction_peronnet_thibault1989",
    "SUSTAINABLE_FRACTION_MODELS",
    "get_sustainable_fraction_model",
]


def vo2_daniels_gilbert(speed_m_s, *, a=-4.60, b=0.182258, c=0.000104):
    """Oxygen cost of running at a speed, Daniels & Gilbert's curve.

    Parameters
    ----------
    speed_m_s : array_like
        Running speed [m/s].
    a, b, c : float
        Coefficients of the quadratic in speed in **m/min**: −4.60 ml/kg/min,
        0.182258 ml/kg/m, 0.000104 ml·min/(kg·m²).

    Returns
    -------
    ndarray
        Oxygen uptake [ml/kg/min]. NaN for non-positive speed.

    Notes
    -----
    VO2 = −4.60 + 0.182258·v + 0.000104·v², v in m/min (Daniels & Gilbert 1979, Oxygen
    Power; reproduced in Daniels' Running Formula). A population average fitted to trained
    runners; the book's VDOT tables (VDOT 30–85) span roughly 2.4–7.3 m/s, beyond which the
    curve is an extrapolation.

    References
    ----------
    Daniels J, Gilbert J (1979). Oxygen Power: Performance Tables for Distance Runners.
    Tempe, AZ (self-published; no DOI).
    Daniels J (2014). Daniels' Running Formula, 3rd ed. Human Kinetics. ISBN 978-1450431835.

    Examples
    --------
    >>> round(float(vo2_daniels_gilbert(4.0)), 2)   # 240 m/min: −4.6 + 43.742 + 5.990
    45.13
    """
    v = 60.0 * np.asarray(speed_m_s, dtype=float)
    vo2 = a + b * v + c * v * v
    return np.where(v > 0.0, vo2, np.nan)


def fraction_vo2max_daniels_gilbert(
    duration_s,
    *,
    base=0.8,
    a1=0.1894393,
    k1_per_min=0.012778,
    a2=0.2989558,
    k2_per_min=0.1932605,
):
    """Fraction of VO2max a runner can sustain for a race of a given duration.

    Parameters
    ----------
    duration_s : array_like
        Race duration [s].
    base, a1, k1_per_min, a2, k2_per_min : float
        Coefficients of Daniels & Gilbert's double exponential; rates in 1/min.

    Returns
    -------
    ndarray
        Sustainable fraction of VO2max [-] (> 1 for races shorter than ~10 min, as in the
        source). NaN for non-positive duration.

    Notes
    -----
    %VO2max(t) = 0.8 + 0.1894393·e^(−0.012778·t) + 0.2989558·e^(−0.1932605·t), t in minutes
    (Daniels & Gilbert 1979). Equals 1 at t ≈ 11 min and tends to 0.8 for long races. The
    book tables it was used for run from about 3.7 min (mile, VDOT 85) to about 5 h
    (marathon, VDOT 30).

    References
    ----------
    Daniels J, Gilbert J (1979). Oxygen Power: Performance Tables for Distance Runners.
    Tempe, AZ (self-published; no DOI).

    Examples
    --------
    >>> round(float(fraction_vo2max_daniels_gilbert(3600.0)), 4)
    0.888
    """
    t = np.asarray(duration_s, dtype=float) / 60.0
    with np.errstate(over="ignore"):
        f = base + a1 * np.exp(-k1_per_min * t) + a2 * np.exp(-k2_per_min * t)
    return np.where(t > 0.0, f, np.nan)


def vdot_from_performance(distance_m, time_s):
    """Daniels' VDOT ("pseudo-VO2max") of a race performance.

    Parameters
    ----------
    distance_m : array_like
        Race distance [m].
    time_s : array_like
        Finish time [s].

    Returns
    -------
    ndarray
        VDOT [ml/kg/min]. NaN for non-positive distance or time.

    Notes
    -----
    VDOT = VO2(d/t) / %VO2max(t), with :func:`vo2_daniels_gilbert` and
    :func:`fraction_vo2max_daniels_gilbert` (Daniels & Gilbert 1979). Daniels' Running
    Formula (3rd ed.) tabulates 5 km 20:00 → VDOT 49.8.

    References
    ----------
    Daniels J, Gilbert J (1979). Oxygen Power. Tempe, AZ (no DOI).
    Daniels J (2014). Daniels' Running Formula, 3rd ed. Human Kinetics. ISBN 978-1450431835.

    Examples
    --------
    >>> round(float(vdot_from_performance(5000.0, 1200.0)), 1)
    49.8
    """
    d = np.asarray(distance_m, dtype=float)
    t = np.asarray(time_s, dtype=float)
    ok = (d > 0.0) & (t > 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(ok, d / np.where(ok, t, 1.0), np.nan)
        vdot = vo2_daniels_gilbert(speed) / fraction_vo2max_daniels_gilbert(t)
    return np.where(ok, vdot, np.nan)


def time_from_vdot_s(
    vdot, distance_m, *, min_speed_m_s=0.5, max_speed_m_s=12.0, iterations=48
):
    """Finish time over a distance that a given VDOT predicts (inverse of VDOT).

    Parameters
    ----------
    vdot : array_like
        VDOT [ml/kg/min].
    distance_m : array_like
        Race distance [m].
    min_speed_m_s, max_speed_m_s : float
        Bracket of the search in average speed [m/s].
    iterations : int
        Fixed number of bisection steps on ln(t). 48 steps shrink the bracket
        ln(12/0.5) ≈ 3.2 to 1e-14, i.e. < 1e-9 s on a 5 h race (tolerance ≤ 0.01 s).

    Returns
    -------
    ndarray
        Time [s], broadcast over ``vdot`` and ``distance_m``. NaN for non-positive inputs or
        where the answer would need an average speed outside the bracket.

    Notes
    -----
    Solves VO2(d/t) / %VO2max(t) = VDOT for t (Daniels & Gilbert 1979), vectorized bisection
    on ln t with a fixed iteration count (VDOT falls monotonically with t at fixed d inside
    the bracket). Against the book tables (Daniels' Running Formula, 3rd ed.) the equations
    are within ±10 s for VDOT 40 and 50 from 5 km to the marathon, but the table's VDOT 30 row
    is faster than the equations at long durations (half marathon 2:21:04 vs 2:21:17,
    marathon 4:49:17 vs 4:49:49); see docs/models-endurance-heat-atmosphere.md.

    References
    ----------
    Daniels J, Gilbert J (1979). Oxygen Power. Tempe, AZ (no DOI).
    Daniels J (2014). Daniels' Running Formula, 3rd ed. Human Kinetics. ISBN 978-1450431835.

    Examples
    --------
    >>> round(float(time_from_vdot_s(50.0, 10000.0)))   # book: 41:21 = 2481 s
    2480
    """
    vd = np.asarray(vdot, dtype=float)
    d = np.asarray(distance_m, dtype=float)
    vd, d = np.broadcast_arrays(vd, d)
    ok = (vd > 0.0) & (d > 0.0)
    d_safe = np.where(ok, d, 1.0)
    # ln t bracket: fast end (lo) gives a high VDOT, slow end (hi) a low one
    lo = np.log(d_safe / max_speed_m_s)
    hi = np.log(d_safe / min_speed_m_s)
    in_range = (vdot_from_performance(d_safe, np.exp(lo)) >= vd) & (
        vdot_from_performance(d_safe, np.exp(hi)) <= vd
    )
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        too_fast = vdot_from_performance(d_safe, np.exp(mid)) > vd
        lo = np.where(too_fast, mid, lo)
        hi = np.where(too_fast, hi, mid)
    t = np.exp(0.5 * (lo + hi))
    return np.where(ok & in_range, t, np.nan)


def vo2_leger_mercier1984(speed_m_s, *, a=2.209, b=3.163, c=0.000525542):
    """Gross oxygen cost of running on a track (with air resistance), Léger & Mercier.

    Parameters
    ----------
    speed_m_s : array_like
        Running speed [m/s].
    a, b, c : float
        Coefficients with speed in **km/h**: 2.209 ml/kg/min, 3.163 ml·h/(kg·min·km),
        0.000525542 ml·h³/(kg·min·km³).

    Returns
    -------
    ndarray
        Oxygen uptake [ml/kg/min]. NaN outside 8–25 km/h (2.22–6.94 m/s).

    Notes
    -----
    VO2 = 2.209 + 3.163·v + 0.000525542·v³, v in km/h (Léger & Mercier 1984): the linear part
    is the treadmill cost, the cubic term the overground air resistance. Validity 8–25 km/h as
    stated for the equation.

    References
    ----------
    Léger L, Mercier D (1984). Gross energy cost of horizontal treadmill and track running.
    Sports Med 1(4):270-277. doi:10.2165/00007256-198401040-00003

    Examples
    --------
    >>> round(float(vo2_leger_mercier1984(5.0)), 3)   # 18 km/h
    62.208
    """
    v = 3.6 * np.asarray(speed_m_s, dtype=float)
    vo2 = a + b * v + c * v**3
    return np.where((v >= 8.0) & (v <= 25.0), vo2, np.nan)


def riegel_time_s(time1_s, distance1_m, distance2_m, exponent=1.06):
    """Equivalent time over another distance, Riegel's power law.

    Parameters
    ----------
    time1_s : array_like
        Known performance time [s].
    distance1_m : array_like
        Distance of the known performance [m].
    distance2_m : array_like
        Distance to predict [m].
    exponent : array_like
        Fatigue exponent [-]; 1.06 for running in Riegel (1981).

    Returns
    -------
    ndarray
        Predicted time [s]. NaN for non-positive inputs.

    Notes
    -----
    T2 = T1·(D2/D1)^1.06 (Riegel 1981, fitted to world records from about 3.5 min to about
    230 min). Up to the marathon it agrees with VDOT (:func:`time_from_vdot_s`) to about
    0.5 % (10 km 41:20 → marathon 3:10:08 Riegel, 3:10:41 VDOT; half 58:00 → 2:00:56 vs
    2:01:33). Beyond ~4 h the two part ways (100 km from a 41:20 10 km: 7:54:34 vs 7:39:14),
    because Daniels–Gilbert's sustainable fraction levels off at 0.8. Predicting a marathon
    from short races is widely reported to be optimistic for non-elite runners; neither
    formula models marathon-specific fatigue or fuelling.

    References
    ----------
    Riegel PS (1981). Athletic records and human endurance. American Scientist 69(3):285-290
    (no DOI; JSTOR 27850427).

    Examples
    --------
    >>> round(float(riegel_time_s(1620.0, 10000.0, 42195.0)), 1)   # 10 km 27:00 → 2:04:12
    7452.3
    """
    t1 = np.asarray(time1_s, dtype=float)
    d1 = np.asarray(distance1_m, dtype=float)
    d2 = np.asarray(distance2_m, dtype=float)
    k = np.asarray(exponent, dtype=float)
    ok = (t1 > 0.0) & (d1 > 0.0) & (d2 > 0.0) & (k > 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t2 = t1 * (d2 / d1) ** k
    return np.where(ok, t2, np.nan)


def sustainable_fraction_peronnet_thibault1989(
    duration_s, *, endurance_frac_per_ln=-0.0531, t_map_s=420.0
):
    """Relative sustainable aerobic power vs duration, Péronnet & Thibault's log law.

    Parameters
    ----------
    duration_s : array_like
        Race duration [s].
    endurance_frac_per_ln : float
        E/MAP [-]: the change of sustainable aerobic power, as a fraction of maximal aerobic
        power (MAP), per unit of ln(T/T_MAP). Negative. See Notes for the default.
    t_map_s : float
        T_MAP [s], the longest duration MAP can be sustained; 420 s (7 min) in the source.

    Returns
    -------
    ndarray
        Sustainable aerobic power as a fraction of MAP [-]: 1 for T ≤ T_MAP. NaN for
        non-positive duration (or where the law would give ≤ 0).

    Notes
    -----
    For T > T_MAP the aerobic power a runner can sustain is
    P(T) = MAP + E·ln(T/T_MAP), and MAP for T ≤ T_MAP (Péronnet & Thibault 1989; the full
    model adds O2 kinetics, τ = 30 s, and the anaerobic part, which matter only for short
    races). Dividing by MAP gives f(T) = 1 + (E/MAP)·ln(T/T_MAP). The paper fits MAP and E to
    the 1987 world records (200 m to marathon) within ~1 %.

    **Default parameter.** The fitted E and MAP of the paper could not be confirmed from the
    sources available to the authors of this module, so the default E/MAP = −0.0531 is not
    the paper's number: it is calibrated so that f = 0.85 at 7078 s, the 85 % of VO2max that
    Joyner (1991, J Appl Physiol 70:683) assumed sustainable for a 1:57:58 marathon. It gives
    f(1 h) = 0.886 and f(2 h) = 0.849, ratio 0.958, within 1.2 % of the Daniels–Gilbert curve
    (0.888, 0.841, ratio 0.947). Pass a runner's own E/MAP for individual modelling.

    Callers use ratios f(T)/f(T_ref); only the slope matters, not MAP.

    References
    ----------
    Péronnet F, Thibault G (1989). Mathematical analysis of running performance and world
    running records. J Appl Physiol 67(1):453-465. doi:10.1152/jappl.1989.67.1.453
    Joyner MJ (1991). Modeling: optimal marathon performance on the basis of physiological
    factors. J Appl Physiol 70(2):683-687. doi:10.1152/jappl.1991.70.2.683

    Examples
    --------
    >>> round(float(sustainable_fraction_peronnet_thibault1989(3600.0)), 3)
    0.886
    """
    t = np.asarray(duration_s, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 1.0 + endurance_frac_per_ln * np.log(np.maximum(t, t_map_s) / t_map_s)
    return np.where((t > 0.0) & (f > 0.0), f, np.nan)


def _no_duration_effect(duration_s):
    """The "none" model: sustainable power does not depend on duration (1; NaN if T ≤ 0)."""
    t = np.asarray(duration_s, dtype=float)
    return np.where(t > 0.0, 1.0, np.nan)


#: How sustainable power scales with race duration: name → f(duration_s) [-] (any scale;
#: callers use ratios f(T)/f(T_ref)).
SUSTAINABLE_FRACTION_MODELS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "daniels-gilbert": fraction_vo2max_daniels_gilbert,
    "peronnet-thibault": sustainable_fraction_peronnet_thibault1989,
    "none": _no_duration_effect,
}


def get_sustainable_fraction_model(name_or_callable):
    """Look up a duration model by name, or pass a callable through.

    Parameters
    ----------
    name_or_callable : str or callable
        One of ``SUSTAINABLE_FRACTION_MODELS`` ("daniels-gilbert", "peronnet-thibault",
        "none"), or a function duration_s [s] → relative sustainable level [-].

    Returns
    -------
    callable
        f(duration_s) → relative sustainable level [-].

    Raises
    ------
    ValueError
        Unknown name; the message lists the valid names.
    TypeError
        Neither a string nor a callable.

    Examples
    --------
    >>> f = get_sustainable_fraction_model("daniels-gilbert")
    >>> round(float(f(7200.0) / f(3600.0)), 3)
    0.947
    """
    if callable(name_or_callable):
        return name_or_callable
    if isinstance(name_or_callable, str):
        try:
            return SUSTAINABLE_FRACTION_MODELS[name_or_callable]
        except KeyError:
            valid = ", ".join(repr(k) for k in SUSTAINABLE_FRACTION_MODELS)
            raise ValueError(
                f"unknown sustainable-fraction model {name_or_callable!r}; valid: {valid}"
            ) from None
    raise TypeError(
        f"expected a model name or a callable, got {type(name_or_callable).__name__}"
    )
