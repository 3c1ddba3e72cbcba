"""Aerodynamic drag on a runner: body size, drag area, relative wind, drag force and power.

All functions are pure and vectorized (NumPy broadcasting), SI units.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "body_surface_area_dubois_m2",
    "frontal_area_pugh1971_m2",
    "drag_area_m2",
    "wind_components_m_s",
    "drag_force_n",
    "drag_power_w",
]


def body_surface_area_dubois_m2(mass_kg, height_m):
    """Body surface area by the Du Bois & Du Bois (1916) formula.

    Parameters
    ----------
    mass_kg : array_like
        Body mass [kg].
    height_m : array_like
        Standing height [m].

    Returns
    -------
    ndarray
        Body surface area [m²]. NaN for non-positive inputs.

    Notes
    -----
    BSA = 0.007184 · m^0.425 · H^0.725 with m in kg and H in **cm** (Du Bois & Du Bois 1916,
    Arch Intern Med 17:863, their formula "Area = W^0.425 × H^0.725 × 71.84", W kg, H cm,
    area in cm²).

    References
    ----------
    Du Bois D, Du Bois EF (1916). A formula to estimate the approximate surface area if height
    and weight be known. Arch Intern Med 17:863-871. doi:10.1001/archinte.1916.00080130010002

    Examples
    --------
    >>> round(float(body_surface_area_dubois_m2(70, 1.70)), 2)
    1.81
    """
    m = np.asarray(mass_kg, dtype=float)
    h = np.asarray(height_m, dtype=float)
    ok = (m > 0) & (h > 0)
    with np.errstate(invalid="ignore"):
        bsa = 0.007184 * m**0.425 * (100.0 * h) ** 0.725
    return np.where(ok, bsa, np.nan)


def frontal_area_pugh1971_m2(mass_kg, height_m, *, fraction_of_bsa=0.266):
    """Projected frontal area of a runner as a fraction of body surface area.

    Parameters
    ----------
    mass_kg, height_m : array_like
        Body mass [kg] and height [m].
    fraction_of_bsa : float
        A_p / BSA [-]; Pugh (1971) measured 0.266 on photographs of runners.

    Returns
    -------
    ndarray
        Projected frontal area [m²].

    Notes
    -----
    A_p = 0.266 · BSA (Pugh 1971, J Physiol 213:255, from photographs of subjects in running
    posture), BSA from :func:`body_surface_area_dubois_m2`.

    References
    ----------
    Pugh LGCE (1971). The influence of wind resistance in running and walking and the mechanical
    efficiency of work against horizontal or vertical forces. J Physiol 213:255-276.
    doi:10.1113/jphysiol.1971.sp009381

    Examples
    --------
    >>> round(float(frontal_area_pugh1971_m2(52, 1.67)), 3)
    0.419
    """
    return fraction_of_bsa * body_surface_area_dubois_m2(mass_kg, height_m)


def drag_area_m2(mass_kg, height_m, *, drag_coefficient=0.9, fraction_of_bsa=0.266):
    """Drag area Cd·A of a runner alone in the air.

    Parameters
    ----------
    mass_kg, height_m : array_like
        Body mass [kg] and height [m].
    drag_coefficient : float
        Cd [-]; 0.9 after van Ingen Schenau (1991) for a running human.

    Returns
    -------
    ndarray
        Cd·A [m²].

    Notes
    -----
    CdA = Cd · 0.266 · BSA (Pugh 1971 area, van Ingen Schenau 1991 Cd). For 52 kg, 1.67 m this
    gives 0.378 m²; at 5.88 m/s in 1.2 kg/m³ air that is a drag of 7.8 N, consistent with CFD
    estimates of ≈ 8 N on a solo elite (see docs/model.md). Other authors use CdA ≈ 0.24 m²; set
    ``athlete.drag_area_m2`` in a scenario to use a measured value.

    References
    ----------
    van Ingen Schenau GJ (1991). Cycle power: a predictive model. Endeavour 15(2):44-47 (Cd of
    the human body in running posture ≈ 0.9, as used in running-drag literature).

    Examples
    --------
    >>> round(float(drag_area_m2(52, 1.67)), 3)
    0.377
    """
    return drag_coefficient * frontal_area_pugh1971_m2(
        mass_kg, height_m, fraction_of_bsa=fraction_of_bsa
    )


def wind_components_m_s(wind_speed_m_s, wind_from_deg, heading_deg):
    """Split a meteorological wind into head and cross components for a runner's heading.

    Parameters
    ----------
    wind_speed_m_s : array_like
        Wind speed [m/s], ≥ 0.
    wind_from_deg : array_like
        Direction the wind blows *from*, compass degrees (0 = from the north, 90 = from the east).
    heading_deg : array_like
        Direction the runner travels, compass degrees.

    Returns
    -------
    headwind_m_s, crosswind_m_s : ndarray
        Headwind component [m/s] (positive against the runner, negative = tailwind) and the
        crosswind component [m/s] (positive from the runner's right).

    Notes
    -----
    headwind = W·cos(θ_from − heading), crosswind = W·sin(θ_from − heading). Meteorological
    convention (WMO): direction is where the wind comes from.

    Examples
    --------
    >>> [round(float(x), 6) for x in wind_components_m_s(3.0, 0.0, 0.0)]
    [3.0, 0.0]
    """
    delta = np.deg2rad(np.asarray(wind_from_deg, dtype=float) - np.asarray(heading_deg, float))
    w = np.asarray(wind_speed_m_s, dtype=float)
    return w * np.cos(delta), w * np.sin(delta)


def drag_force_n(
    speed_m_s,
    air_density_kg_m3,
    drag_area_m2,
    headwind_m_s=0.0,
    crosswind_m_s=0.0,
    drag_reduction_frac=0.0,
):
    """Aerodynamic drag force along the direction of running.

    Parameters
    ----------
    speed_m_s : array_like
        Running speed over ground [m/s].
    air_density_kg_m3 : array_like
        Air density [kg/m³].
    drag_area_m2 : array_like
        Cd·A alone in the air [m²].
    headwind_m_s, crosswind_m_s : array_like
        Wind components from :func:`wind_components_m_s` [m/s].
    drag_reduction_frac : array_like
        Fraction of drag removed by drafting (0 = alone, 1 = no drag) [-].

    Returns
    -------
    ndarray
        Drag force along the running direction [N]; positive resists the runner, negative
        (a tailwind faster than the runner) pushes him.

    Notes
    -----
    The air velocity relative to the runner has components u_x = v + w_head (along the course)
    and u_y = w_cross; the drag vector is ½ρ·CdA·|u|·u, and its along-course component is
    F = ½ ρ CdA |u| u_x (1 − r). A crosswind therefore raises the along-course drag a little.
    Standard quadratic drag (e.g. Pugh 1971; di Prampero et al. 1986).

    Examples
    --------
    >>> round(float(drag_force_n(5.877, 1.2, 0.378)), 2)
    7.83
    """
    v = np.asarray(speed_m_s, dtype=float)
    ux = v + np.asarray(headwind_m_s, dtype=float)
    uy = np.asarray(crosswind_m_s, dtype=float)
    u = np.sqrt(ux * ux + uy * uy)
    return (
        0.5
        * np.asarray(air_density_kg_m3, dtype=float)
        * np.asarray(drag_area_m2, dtype=float)
        * u
        * ux
        * (1.0 - np.asarray(drag_reduction_frac, dtype=float))
    )


def drag_power_w(speed_m_s, drag_force):
    """Mechanical power against drag, F·v [W] (force [N] times ground speed [m/s])."""
    return np.asarray(drag_force, dtype=float) * np.asarray(speed_m_s, dtype=float)
