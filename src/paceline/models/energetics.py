"""Metabolic cost of running: level speed, grade, curves, horizontal (air) forces and shoes.

Pure, vectorized functions in SI units. The composite :func:`metabolic_power_w_kg` chains them
the way the race model does; :func:`speed_at_metabolic_power_m_s` inverts it.

Conventions: grade is rise/run (``grade_frac``, + uphill); curvature is 1/radius [1/m]; a force
that resists the runner is positive; powers are per kg of body mass [W/kg].
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "G_M_S2",
    "OXYGEN_ENERGY_J_PER_ML",
    "cost_of_running_minetti2002_j_kg_m",
    "grade_cost_factor_minetti2002",
    "level_cost_batliner2018_j_kg_m",
    "horizontal_force_cost_factor_dasilva2022",
    "curve_cost_factor_taboga_kram2019",
    "shoe_mass_saving_frac_frederick1984",
    "vo2_ml_kg_min_to_w_kg",
    "metabolic_power_w_kg",
    "metabolic_power_and_slope_w_kg",
    "speed_at_metabolic_power_m_s",
]

#: Standard gravity [m/s²].
G_M_S2 = 9.80665

#: Energy released per ml of O2 consumed [J/ml] at a respiratory exchange ratio near 0.96
#: (Péronnet & Massicotte 1991, Can J Sport Sci 16:23, table of energy equivalents: 20.9 kJ/L).
OXYGEN_ENERGY_J_PER_ML = 20.9

#: Batliner et al. (2018): sub-elite runners' energy cost of transport rose 9.6 % from 3.58 to
#: 5.14 m/s. As a power law C ∝ v^β that is β = ln(1.096)/ln(5.14/3.58).
BATLINER2018_EXPONENT = float(np.log(1.096) / np.log(5.14 / 3.58))

#: da Silva, Kram & Hoogkamer (2022): +6.13 % metabolic power per 1 % body weight of impeding
#: horizontal force, i.e. a slope of 6.13 (fraction per fraction of body weight).
DASILVA2022_IMPEDING_SLOPE = 6.13

#: Davies (1980): apparent efficiency of work with a head wind +0.35 and a following wind −1.2,
#: so an aiding force saves 0.35/1.2 = 0.29 of what the same impeding force costs.
DAVIES1980_AIDING_OVER_IMPEDING = 0.35 / 1.2


def cost_of_running_minetti2002_j_kg_m(grade_frac):
    """Energy cost of running on a gradient, Minetti et al. (2002) polynomial fit.

    Parameters
    ----------
    grade_frac : array_like
        Gradient i = rise/run [-], valid −0.45 … +0.45.

    Returns
    -------
    ndarray
        Cost of running C_r [J/kg/m]; NaN outside the measured range.

    Notes
    -----
    C_r(i) = 155.4 i⁵ − 30.4 i⁴ − 43.3 i³ + 46.3 i² + 19.5 i + 3.6 (Minetti et al. 2002, eq. for
    running in their Fig. 2; measured range −0.45 … +0.45). The fit reads 3.6 J/kg/m on the level
    where they measured 3.40 ± 0.24, so paceline uses the fit only as a *ratio* to the level
    (:func:`grade_cost_factor_minetti2002`), applied to the athlete's own level cost.

    References
    ----------
    Minetti AE, Moia C, Roi GS, Susta D, Ferretti G (2002). Energy cost of walking and running
    at extreme uphill and downhill slopes. J Appl Physiol 93:1039-1046.
    doi:10.1152/japplphysiol.01177.2001

    Examples
    --------
    >>> round(float(cost_of_running_minetti2002_j_kg_m(0.10)), 3)
    5.968
    """
    i = np.asarray(grade_frac, dtype=float)
    c = ((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6
    return np.where(np.abs(i) <= 0.45 + 1e-12, c, np.nan)


def grade_cost_factor_minetti2002(grade_frac):
    """Cost on a gradient relative to the level, C_r(i)/C_r(0), from Minetti et al. (2002).

    Parameters
    ----------
    grade_frac : array_like
        Gradient rise/run [-], −0.45 … +0.45 (NaN outside).

    Returns
    -------
    ndarray
        Factor [-]; 1 on the level, 1.658 at +10 %, 0.5 at −20 %.

    Examples
    --------
    >>> round(float(grade_cost_factor_minetti2002(-0.20)), 3)
    0.5
    """
    return cost_of_running_minetti2002_j_kg_m(grade_frac) / 3.6


def level_cost_batliner2018_j_kg_m(
    speed_m_s, cost_ref_j_kg_m, speed_ref_m_s=4.47, exponent=BATLINER2018_EXPONENT
):
    """Energy cost of level running that rises with speed, after Batliner et al. (2018).

    Parameters
    ----------
    speed_m_s : array_like
        Running speed [m/s].
    cost_ref_j_kg_m : array_like
        The athlete's cost of running in still air at ``speed_ref_m_s`` [J/kg/m] (treadmill
        economy, no air resistance).
    speed_ref_m_s : float
        Speed at which ``cost_ref_j_kg_m`` applies [m/s]; default 4.47 m/s (16 km/h, the speed
        of Hoogkamer et al. 2018's shoe tests).
    exponent : float
        β in C ∝ v^β [-]; default ln(1.096)/ln(5.14/3.58) = 0.2535.

    Returns
    -------
    ndarray
        Cost of level running without air resistance [J/kg/m]. NaN for speed ≤ 0.

    Notes
    -----
    C(v) = C_ref·(v/v_ref)^β. Batliner et al. (2018) found that sub-elite runners' energy cost
    of transport rose 9.6 % from 3.58 to 5.14 m/s (curvilinear metabolic rate vs speed); a power
    law through those two points gives β = 0.2535. Kipp, Kram & Hoogkamer (2019) showed that
    this curvature, with the air term, makes the % speed gain ≈ 2/3 of a % economy gain at
    5.5 m/s (tested in ``tests/models/test_energetics.py``). β = 0 gives the classical constant
    cost of transport (Léger & Mercier 1984 without their air term).

    References
    ----------
    Batliner ME, Kipp S, Grabowski AM, Kram R, Byrnes WC (2018). Does metabolic rate increase
    linearly with running speed in all distance runners? Sports Med Int Open 2:E1-E8.
    doi:10.1055/s-0043-122068

    Examples
    --------
    >>> round(float(level_cost_batliner2018_j_kg_m(5.14, 1.0, speed_ref_m_s=3.58)), 3)
    1.096
    """
    v = np.asarray(speed_m_s, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.asarray(cost_ref_j_kg_m, dtype=float) * (v / speed_ref_m_s) ** exponent
    return np.where(v > 0, c, np.nan)


def horizontal_force_cost_factor_dasilva2022(
    force_frac_body_weight,
    impeding_slope=DASILVA2022_IMPEDING_SLOPE,
    aiding_over_impeding=DAVIES1980_AIDING_OVER_IMPEDING,
):
    """Relative rise in metabolic power caused by a horizontal force on the runner.

    Parameters
    ----------
    force_frac_body_weight : array_like
        Horizontal force as a fraction of body weight, F/(m·g) [-]; positive impedes (headwind,
        drag), negative aids (a tailwind faster than the runner).
    impeding_slope : float
        Fractional rise of metabolic power per fraction of body weight of impeding force [-];
        6.13 (da Silva et al. 2022: +6.13 % per 1 % BW, treadmill, 12–16 km/h).
    aiding_over_impeding : float
        Saving per unit aiding force relative to the cost per unit impeding force [-];
        0.35/1.2 = 0.29 from Davies (1980): apparent efficiencies of +0.35 against a head wind
        and −1.2 with a following wind.

    Returns
    -------
    ndarray
        ΔP/P_level [-]: the fraction of level-running metabolic power added (negative = saved).

    Notes
    -----
    ΔP/P = 6.13·F/(mg) for F ≥ 0 and 6.13·0.29·F/(mg) for F < 0. The asymmetry is why a
    tailwind helps less than a headwind of the same speed hurts (Davies 1980; Pugh 1971).

    References
    ----------
    da Silva ES, Kram R, Hoogkamer W (2022). The metabolic cost of emulated aerodynamic drag
    forces in marathon running. J Appl Physiol 133:766-776. doi:10.1152/japplphysiol.00086.2022
    Davies CTM (1980). Effects of wind assistance and resistance on the forward motion of a
    runner. J Appl Physiol 48:702-709. doi:10.1152/jappl.1980.48.4.702

    Examples
    --------
    >>> round(float(horizontal_force_cost_factor_dasilva2022(0.01)), 4)
    0.0613
    """
    f = np.asarray(force_frac_body_weight, dtype=float)
    return np.where(f >= 0, impeding_slope * f, impeding_slope * aiding_over_impeding * f)


def curve_cost_factor_taboga_kram2019(
    speed_m_s, curvature_1_m, weight_support_share=0.74, g=G_M_S2
):
    """Relative rise in metabolic power when running a curve, after Taboga & Kram (2019).

    Parameters
    ----------
    speed_m_s : array_like
        Running speed [m/s].
    curvature_1_m : array_like
        Curvature of the path, 1/radius [1/m]; 0 on a straight.
    weight_support_share : float
        Share of the metabolic cost of running that pays for generating force to support body
        weight [-]; 0.74 (Teunissen, Grabowski & Kram 2007, J Exp Biol 210:4418).

    Returns
    -------
    ndarray
        ΔP/P_level [-].

    Notes
    -----
    On a curve the legs must also supply the centripetal force, so the average axial leg force
    rises from m·g to m·√(g² + (v²/r)²) (Taboga & Kram 2019). Assuming the weight-support part of
    the cost scales with that force: ΔP/P = k·(√(1 + (v²κ/g)²) − 1), k = 0.74. Taboga & Kram
    estimate a 2:01:39 marathon on a 400 m track ≈ 2:01:32 on a straight path and ≈ 2:02:00 on
    a 200 m track; the test ``test_taboga_kram2019_track_vs_straight`` compares.

    References
    ----------
    Taboga P, Kram R (2019). Modelling the effect of curves on distance running performance.
    PeerJ 7:e8222. doi:10.7717/peerj.8222

    Examples
    --------
    >>> round(float(curve_cost_factor_taboga_kram2019(5.8, 1 / 36.8)), 5)
    0.00321
    """
    v = np.asarray(speed_m_s, dtype=float)
    a = v * v * np.asarray(curvature_1_m, dtype=float) / g
    return weight_support_share * (np.sqrt(1.0 + a * a) - 1.0)


def shoe_mass_saving_frac_frederick1984(mass_g_per_shoe, reference_mass_g=0.0,
                                        cost_per_100g=0.01):
    """Metabolic saving of lighter shoes (negative = extra cost of heavier ones).

    Parameters
    ----------
    mass_g_per_shoe : array_like
        Mass of one shoe [g].
    reference_mass_g : float
        Shoe mass at which the athlete's economy is stated [g].
    cost_per_100g : float
        Fractional rise of metabolic cost per 100 g added to each shoe [-]; 0.01 (Frederick 1984;
        confirmed by Franz et al. 2012 and Hoogkamer et al. 2016).

    Returns
    -------
    ndarray
        Metabolic saving fraction [-] relative to the reference shoe.

    References
    ----------
    Frederick EC (1984). Physiological and ergonomics factors in running shoe design. Appl
    Ergon 15:281-287. doi:10.1016/0003-6870(84)90199-6
    Hoogkamer W, Kipp S, Spiering BA, Kram R (2016). Altered running economy directly translates
    to altered distance-running performance. Med Sci Sports Exerc 48:2175-2180.

    Examples
    --------
    >>> round(float(shoe_mass_saving_frac_frederick1984(300, reference_mass_g=200)), 3)
    -0.01
    """
    m = np.asarray(mass_g_per_shoe, dtype=float)
    return -cost_per_100g * (m - reference_mass_g) / 100.0


def vo2_ml_kg_min_to_w_kg(vo2_ml_kg_min, energy_j_per_ml=OXYGEN_ENERGY_J_PER_ML):
    """Convert an oxygen uptake [ml/kg/min] to metabolic power [W/kg] (× 20.9 J/ml ÷ 60 s)."""
    return np.asarray(vo2_ml_kg_min, dtype=float) * energy_j_per_ml / 60.0


def _float(x):
    """``x`` as a Python float (a scalar: it takes the other operands' dtype) or a float array
    (float32 kept, so the Monte Carlo's float32 chunks stay float32; anything else float64)."""
    if np.ndim(x) == 0:
        return float(x)
    a = np.asarray(x)
    return a if a.dtype == np.float32 else a.astype(float, copy=False)


def _power_and_slope(v, cost_ref, speed_ref, exponent, grade_factor, curvature, q, headwind,
                     crosswind, saving, mass_kg, weight_support_share, impeding_slope,
                     aiding_over_impeding):
    """P(v) [W/kg] and dP/dv for the composite model (shared by the power and its inverse).

    Written for speed (it is the inner loop of the Monte Carlo): one power, arithmetic in place
    on arrays of the full broadcast shape, and the dtype of the arrays kept (the Monte Carlo
    solves in float32; Python-float scalars do not promote it).
    """
    g = G_M_S2
    e1 = 1.0 + exponent
    keep = 1.0 - saving
    shape = np.broadcast_shapes(*(np.shape(x) for x in (
        v, cost_ref, grade_factor, curvature, q, headwind, crosswind, saving, mass_kg,
        impeding_slope)))
    scalar = shape == ()
    v = np.broadcast_to(v, (1,) if scalar else shape)
    # C(v)·v = C_ref·v_ref·(v/v_ref)^(1+β) = [C_ref·v_ref^(−β)]·v^(1+β)
    base = np.power(v, e1)
    base *= cost_ref * speed_ref ** -exponent
    # curves: a = v²κ/g, curve = w(√(1 + a²) − 1), d curve/dv = 2w·a²/(v√(1 + a²))
    a2 = v * v
    a2 *= curvature / g
    a2 *= a2
    root = a2 + 1.0
    np.sqrt(root, out=root)
    # air: F = q·|u|·u_x with u the air velocity relative to the runner
    ux = v + headwind
    ux2 = ux * ux
    u = ux2 + crosswind * crosswind  # u² for now
    dforce = ux2
    dforce += u  # ux² + u²
    np.sqrt(u, out=u)
    force = u * ux
    force *= q
    # dF/dv = q(ux² + u²)/u; u = 0 only in a tailwind equal to the speed and no crosswind,
    # where the numerator is 0 too
    dforce *= q
    if ux.min(initial=1.0) > 0.0:  # no tailwind faster than the runner: every F > 0
        dforce /= u
        slope = impeding_slope / (mass_kg * g)
    else:
        dforce /= np.maximum(u, 1e-12)
        slope = np.where(force >= 0, impeding_slope,
                         impeding_slope * aiding_over_impeding) / (mass_kg * g)
    # bracket = (1 − s)(C_r(i)/C_r(0) + curve) + h(F/(mg))
    bracket = root - 1.0
    bracket *= weight_support_share
    bracket += grade_factor
    bracket *= keep
    force *= slope
    bracket += force
    p = base * bracket
    # dP/dv = base·[((1 + β)·bracket + (1 − s)·2w·a²/√(1 + a²))/v + h'·dF/dv]
    dp = bracket
    dp *= e1
    a2 /= root
    a2 *= keep * (2.0 * weight_support_share)
    dp += a2
    dp /= v
    dforce *= slope
    dp += dforce
    dp *= base
    if scalar:
        return p.reshape(()), dp.reshape(())
    return p, dp


def metabolic_power_w_kg(
    speed_m_s,
    *,
    cost_ref_j_kg_m,
    mass_kg,
    speed_ref_m_s=4.47,
    exponent=BATLINER2018_EXPONENT,
    grade_frac=0.0,
    curvature_1_m=0.0,
    air_density_kg_m3=1.225,
    drag_area_m2=0.0,
    headwind_m_s=0.0,
    crosswind_m_s=0.0,
    drag_reduction_frac=0.0,
    metabolic_saving_frac=0.0,
    weight_support_share=0.74,
    impeding_slope=DASILVA2022_IMPEDING_SLOPE,
    aiding_over_impeding=DAVIES1980_AIDING_OVER_IMPEDING,
):
    """Gross metabolic power of running overground, per kg body mass.

    Parameters
    ----------
    speed_m_s : array_like
        Speed over ground [m/s].
    cost_ref_j_kg_m : array_like
        Athlete's still-air level cost at ``speed_ref_m_s`` [J/kg/m].
    mass_kg : array_like
        Body mass [kg] (scales the air force to a fraction of body weight).
    grade_frac, curvature_1_m : array_like
        Course gradient [-] and curvature [1/m].
    air_density_kg_m3, drag_area_m2 : array_like
        Air density [kg/m³] and the athlete's drag area alone [m²].
    headwind_m_s, crosswind_m_s : array_like
        Wind components relative to the course heading [m/s].
    drag_reduction_frac : array_like
        Drafting: fraction of drag removed [-].
    metabolic_saving_frac : array_like
        Shoes (or any economy change): fraction of metabolic power saved [-].

    Returns
    -------
    ndarray
        Metabolic power [W/kg]. NaN where a component is out of its validity range
        (e.g. |grade| > 0.45).

    Notes
    -----
    P = C(v)·v·[(1 − s)·(C_r(i)/C_r(0) + c_curve(v, κ)) + h(F/(mg))], with
    C(v) from :func:`level_cost_batliner2018_j_kg_m`, C_r from
    :func:`grade_cost_factor_minetti2002`, c_curve from
    :func:`curve_cost_factor_taboga_kram2019`, h from
    :func:`horizontal_force_cost_factor_dasilva2022` and F the along-course drag of
    :func:`paceline.models.aerodynamics.drag_force_n`. The terms add as relative increments to
    the level cost, which is how each source measured them. The saving s (shoes) lowers the
    cost of running itself, not the cost of pushing against the air: Hoogkamer et al. (2018)
    measured it on a treadmill, where there is no air resistance.

    Examples
    --------
    >>> p = metabolic_power_w_kg(5.0, cost_ref_j_kg_m=3.8, mass_kg=60, speed_ref_m_s=5.0)
    >>> round(float(p), 2)
    19.0
    """
    v = np.asarray(speed_m_s, dtype=float)
    q = 0.5 * np.asarray(air_density_kg_m3, float) * np.asarray(drag_area_m2, float) * (
        1.0 - np.asarray(drag_reduction_frac, float)
    )
    p, _ = _power_and_slope(
        v, cost_ref_j_kg_m, speed_ref_m_s, exponent, grade_cost_factor_minetti2002(grade_frac),
        np.asarray(curvature_1_m, float), q, np.asarray(headwind_m_s, float),
        np.asarray(crosswind_m_s, float), np.asarray(metabolic_saving_frac, float),
        np.asarray(mass_kg, float), weight_support_share, impeding_slope, aiding_over_impeding,
    )
    return np.where(v > 0, p, np.nan)


def metabolic_power_and_slope_w_kg(
    speed_m_s,
    *,
    cost_ref_j_kg_m,
    mass_kg,
    speed_ref_m_s=4.47,
    exponent=BATLINER2018_EXPONENT,
    grade_factor=1.0,
    curvature_1_m=0.0,
    air_density_kg_m3=1.225,
    drag_area_m2=0.0,
    headwind_m_s=0.0,
    crosswind_m_s=0.0,
    drag_reduction_frac=0.0,
    metabolic_saving_frac=0.0,
    weight_support_share=0.74,
    impeding_slope=DASILVA2022_IMPEDING_SLOPE,
    aiding_over_impeding=DAVIES1980_AIDING_OVER_IMPEDING,
    air_drag_kg_m=None,
):
    """:func:`metabolic_power_w_kg` [W/kg] and its derivative with speed [W/kg per m/s].

    For solvers that need the slope (Newton on many races at once). Same parameters as
    :func:`metabolic_power_w_kg`, except that the gradient enters as its cost factor
    ``grade_factor`` = :func:`grade_cost_factor_minetti2002` (computed once by the caller),
    and that the caller may give ``air_drag_kg_m`` = ½·ρ·CdA·(1 − drafting) [kg/m] computed
    once (then ``air_density_kg_m3``, ``drag_area_m2`` and ``drag_reduction_frac`` are not
    used). ``impeding_slope`` may be an array (a drawn drag-to-cost conversion). float32
    arrays stay float32 (the Monte Carlo's chunks; ≈ 1e-7 relative), anything else is float64.

    Examples
    --------
    >>> p, dp = metabolic_power_and_slope_w_kg(5.0, cost_ref_j_kg_m=3.8, mass_kg=60,
    ...                                        speed_ref_m_s=5.0)
    >>> round(float(p), 2), round(float(dp / (p / 5.0)), 3)   # dP/dv = (1 + β)·P/v
    (19.0, 1.253)
    """
    v = _float(speed_m_s)
    if air_drag_kg_m is None:
        q = 0.5 * np.asarray(air_density_kg_m3, float) * np.asarray(drag_area_m2, float) * (
            1.0 - np.asarray(drag_reduction_frac, float))
    else:
        q = _float(air_drag_kg_m)
    return _power_and_slope(
        v, _float(cost_ref_j_kg_m), speed_ref_m_s, exponent, _float(grade_factor),
        _float(curvature_1_m), q, _float(headwind_m_s), _float(crosswind_m_s),
        _float(metabolic_saving_frac), _float(mass_kg), weight_support_share,
        _float(impeding_slope), aiding_over_impeding)


def speed_at_metabolic_power_m_s(
    power_w_kg,
    *,
    cost_ref_j_kg_m,
    mass_kg,
    speed_ref_m_s=4.47,
    exponent=BATLINER2018_EXPONENT,
    grade_frac=0.0,
    curvature_1_m=0.0,
    air_density_kg_m3=1.225,
    drag_area_m2=0.0,
    headwind_m_s=0.0,
    crosswind_m_s=0.0,
    drag_reduction_frac=0.0,
    metabolic_saving_frac=0.0,
    weight_support_share=0.74,
    impeding_slope=DASILVA2022_IMPEDING_SLOPE,
    aiding_over_impeding=DAVIES1980_AIDING_OVER_IMPEDING,
    iterations=8,
    initial_speed_m_s=None,
):
    """Speed [m/s] at which :func:`metabolic_power_w_kg` equals ``power_w_kg`` (its inverse).

    Vectorized Newton iterations (P is increasing and convex in v over running speeds); from
    a start within 20 % of the answer, 6 iterations reach 1e-10 m/s. Same parameters as
    :func:`metabolic_power_w_kg`. NaN where no positive speed meets the power.

    Examples
    --------
    >>> v = speed_at_metabolic_power_m_s(19.0, cost_ref_j_kg_m=3.8, mass_kg=60, speed_ref_m_s=5.0)
    >>> round(float(v), 6)
    5.0
    """
    target = np.asarray(power_w_kg, dtype=float)
    grade_factor = grade_cost_factor_minetti2002(grade_frac)
    q = 0.5 * np.asarray(air_density_kg_m3, float) * np.asarray(drag_area_m2, float) * (
        1.0 - np.asarray(drag_reduction_frac, float)
    )
    cost = np.asarray(cost_ref_j_kg_m, float)
    saving = np.asarray(metabolic_saving_frac, float)
    if initial_speed_m_s is None:
        # constant-cost guess: P ≈ C_ref·(1−s)·v·grade_factor
        with np.errstate(invalid="ignore", divide="ignore"):
            v = target / (cost * (1.0 - saving) * np.maximum(grade_factor, 0.3))
        v = np.where(np.isfinite(v), v, 5.0)
    else:
        v = np.asarray(initial_speed_m_s, dtype=float)
    v = np.clip(v, 0.5, 15.0)
    args = (np.asarray(curvature_1_m, float), q, np.asarray(headwind_m_s, float),
            np.asarray(crosswind_m_s, float), saving, np.asarray(mass_kg, float),
            weight_support_share, impeding_slope, aiding_over_impeding)
    for _ in range(iterations):
        p, dp = _power_and_slope(v, cost, speed_ref_m_s, exponent, grade_factor, *args)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.clip(v - (p - target) / dp, 0.2, 20.0)
    ok = np.isfinite(v) & (target > 0)
    return np.where(ok, v, np.nan)
