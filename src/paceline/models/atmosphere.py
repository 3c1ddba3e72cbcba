"""Air: the ISA troposphere, saturation vapour pressure and the density of humid air.

All functions are pure and vectorized (NumPy broadcasting) and work in SI units unless the
name says otherwise. Inputs outside a function's validity range give NaN, never an exception.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ISA_SEA_LEVEL_TEMPERATURE_K",
    "ISA_SEA_LEVEL_PRESSURE_PA",
    "ISA_LAPSE_RATE_K_M",
    "ISA_PRESSURE_EXPONENT",
    "GAS_CONSTANT_DRY_AIR_J_KG_K",
    "GAS_CONSTANT_WATER_VAPOUR_J_KG_K",
    "ISA_MIN_ALTITUDE_M",
    "ISA_MAX_ALTITUDE_M",
    "isa_temperature_k",
    "isa_pressure_pa",
    "isa_altitude_m",
    "isa_density_kg_m3",
    "saturation_vapour_pressure_pa",
    "vapour_pressure_pa",
    "air_density_kg_m3",
]

#: ISA sea-level temperature T0 [K] (ISO 2533:1975).
ISA_SEA_LEVEL_TEMPERATURE_K = 288.15
#: ISA sea-level pressure p0 [Pa] (ISO 2533:1975).
ISA_SEA_LEVEL_PRESSURE_PA = 101325.0
#: ISA troposphere temperature lapse rate L [K/m] (ISO 2533:1975).
ISA_LAPSE_RATE_K_M = 0.0065
#: g0 / (R_d L) for the ISA troposphere [-] (9.80665 / (287.05287 · 0.0065)).
ISA_PRESSURE_EXPONENT = 5.25588
#: Specific gas constant of dry air R_d [J/(kg·K)].
GAS_CONSTANT_DRY_AIR_J_KG_K = 287.05
#: Specific gas constant of water vapour R_v [J/(kg·K)].
GAS_CONSTANT_WATER_VAPOUR_J_KG_K = 461.495
#: Lowest altitude of the ISA tables [m] (−610 m, −2000 ft).
ISA_MIN_ALTITUDE_M = -610.0
#: Top of the ISA troposphere [m]; the constant-lapse-rate layer ends here.
ISA_MAX_ALTITUDE_M = 11000.0

_CELSIUS_TO_KELVIN = 273.15


def _valid_altitude(h):
    return (h >= ISA_MIN_ALTITUDE_M) & (h <= ISA_MAX_ALTITUDE_M)


def isa_temperature_k(
    altitude_m,
    *,
    sea_level_temperature_k=ISA_SEA_LEVEL_TEMPERATURE_K,
    lapse_rate_k_m=ISA_LAPSE_RATE_K_M,
):
    """Air temperature of the International Standard Atmosphere (troposphere).

    Parameters
    ----------
    altitude_m : array_like
        Geopotential altitude above mean sea level [m].
    sea_level_temperature_k : float
        T0 [K]; 288.15 in the ISA.
    lapse_rate_k_m : float
        L [K/m]; 0.0065 in the ISA troposphere.

    Returns
    -------
    ndarray
        Temperature [K]. NaN outside −610 m … 11 000 m.

    Notes
    -----
    T = T0 − L·h (ISO 2533:1975, troposphere layer; also ICAO Doc 7488). Valid from −610 m to
    the tropopause at 11 km; above it the ISA is isothermal and this formula does not apply.

    References
    ----------
    ISO 2533:1975, Standard Atmosphere. International Organization for Standardization.
    ICAO (1993). Manual of the ICAO Standard Atmosphere, Doc 7488/3.

    Examples
    --------
    >>> round(float(isa_temperature_k(1000.0)), 2)   # MATLAB atmosisa(1000): 281.65 K
    281.65
    """
    h = np.asarray(altitude_m, dtype=float)
    t = sea_level_temperature_k - lapse_rate_k_m * h
    return np.where(_valid_altitude(h), t, np.nan)


def isa_pressure_pa(
    altitude_m,
    *,
    sea_level_pressure_pa=ISA_SEA_LEVEL_PRESSURE_PA,
    sea_level_temperature_k=ISA_SEA_LEVEL_TEMPERATURE_K,
    lapse_rate_k_m=ISA_LAPSE_RATE_K_M,
    exponent=ISA_PRESSURE_EXPONENT,
):
    """Static pressure of the International Standard Atmosphere (troposphere).

    Parameters
    ----------
    altitude_m : array_like
        Geopotential altitude above mean sea level [m].
    sea_level_pressure_pa : float
        p0 [Pa]; 101 325 in the ISA. Pass a station's sea-level pressure to shift the curve.
    sea_level_temperature_k, lapse_rate_k_m : float
        T0 [K] and L [K/m] as in :func:`isa_temperature_k`.
    exponent : float
        g0/(R_d·L) [-]; 5.25588.

    Returns
    -------
    ndarray
        Pressure [Pa]. NaN outside −610 m … 11 000 m.

    Notes
    -----
    p = p0 · (1 − L·h/T0)^(g0/(R_d·L)) (ISO 2533:1975, hydrostatic equation integrated over
    the constant-lapse-rate troposphere). Valid −610 m to 11 km.

    References
    ----------
    ISO 2533:1975, Standard Atmosphere. International Organization for Standardization.

    Examples
    --------
    >>> round(float(isa_pressure_pa(1000.0)))        # MATLAB atmosisa(1000): 89,875 Pa
    89875
    """
    h = np.asarray(altitude_m, dtype=float)
    base = 1.0 - lapse_rate_k_m * h / sea_level_temperature_k
    with np.errstate(invalid="ignore"):
        p = sea_level_pressure_pa * base**exponent
    return np.where(_valid_altitude(h), p, np.nan)


def isa_altitude_m(
    pressure_pa,
    *,
    sea_level_pressure_pa=ISA_SEA_LEVEL_PRESSURE_PA,
    sea_level_temperature_k=ISA_SEA_LEVEL_TEMPERATURE_K,
    lapse_rate_k_m=ISA_LAPSE_RATE_K_M,
    exponent=ISA_PRESSURE_EXPONENT,
):
    """Pressure altitude: the ISA altitude at which the static pressure equals ``pressure_pa``.

    Parameters
    ----------
    pressure_pa : array_like
        Static (station) pressure [Pa].
    sea_level_pressure_pa, sea_level_temperature_k, lapse_rate_k_m, exponent : float
        ISA constants as in :func:`isa_pressure_pa`.

    Returns
    -------
    ndarray
        Altitude [m]. NaN for non-positive pressure or where the altitude falls outside
        −610 m … 11 000 m.

    Notes
    -----
    h = (T0/L) · [1 − (p/p0)^(1/exponent)], the inverse of :func:`isa_pressure_pa`
    (ISO 2533:1975 troposphere).

    References
    ----------
    ISO 2533:1975, Standard Atmosphere. International Organization for Standardization.

    Examples
    --------
    >>> round(float(isa_altitude_m(89874.6)))
    1000
    """
    p = np.asarray(pressure_pa, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(p > 0, p / sea_level_pressure_pa, np.nan)
        h = sea_level_temperature_k / lapse_rate_k_m * (1.0 - ratio ** (1.0 / exponent))
    return np.where(_valid_altitude(h), h, np.nan)


def isa_density_kg_m3(altitude_m):
    """Dry-air density of the International Standard Atmosphere (troposphere).

    Parameters
    ----------
    altitude_m : array_like
        Geopotential altitude above mean sea level [m].

    Returns
    -------
    ndarray
        Density [kg/m³]. NaN outside −610 m … 11 000 m.

    Notes
    -----
    ρ = p(h) / (R_d · T(h)) with R_d = 287.05 J/(kg·K) and p, T from
    :func:`isa_pressure_pa` and :func:`isa_temperature_k` (ISO 2533:1975). Dry air: use
    :func:`air_density_kg_m3` for humid air. ISO 2533 and MATLAB's ``atmosisa`` use
    R = 287.0529…287.0531, which makes ρ 1e-5 relative smaller (1.111641 vs 1.111654 kg/m³ at
    1000 m).

    References
    ----------
    ISO 2533:1975, Standard Atmosphere. International Organization for Standardization.

    Examples
    --------
    >>> round(float(isa_density_kg_m3(1000.0)), 5)   # MATLAB atmosisa(1000): 1.1116 kg/m³
    1.11165
    """
    return isa_pressure_pa(altitude_m) / (
        GAS_CONSTANT_DRY_AIR_J_KG_K * isa_temperature_k(altitude_m)
    )


def saturation_vapour_pressure_pa(
    temperature_c, *, a_hpa=6.1121, b=18.678, c_c=234.5, d_c=257.14
):
    """Saturation vapour pressure over liquid water, Buck's equation.

    Parameters
    ----------
    temperature_c : array_like
        Air temperature [°C].
    a_hpa, b, c_c, d_c : float
        Buck's coefficients: 6.1121 hPa, 18.678, 234.5 °C, 257.14 °C.

    Returns
    -------
    ndarray
        Saturation vapour pressure e_s [Pa]. NaN outside −80 … +50 °C.

    Notes
    -----
    e_s [hPa] = 6.1121 · exp[(18.678 − T/234.5) · T / (257.14 + T)], T in °C: the form
    Buck (1996) recommends, a revision of the equations of Buck (1981), whose fits were
    optimized for −80 … +50 °C. Over liquid water (supercooled below 0 °C); multiply by
    100 for Pa. At 20 °C it gives 23.383 hPa; the Buck and WMO tables print 23.39 hPa.

    References
    ----------
    Buck AL (1981). New equations for computing vapor pressure and enhancement factor.
    J Appl Meteorol 20:1527-1532. doi:10.1175/1520-0450(1981)020<1527:NEFCVP>2.0.CO;2
    Buck Research (1996). CR-1A User's Manual, Appendix 1 (updated coefficients).

    Examples
    --------
    >>> round(float(saturation_vapour_pressure_pa(20.0)))
    2338
    """
    t = np.asarray(temperature_c, dtype=float)
    ok = (t >= -80.0) & (t <= 50.0)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        e_hpa = a_hpa * np.exp((b - t / c_c) * t / (d_c + t))
    return np.where(ok, 100.0 * e_hpa, np.nan)


def vapour_pressure_pa(temperature_c, relative_humidity_frac):
    """Partial pressure of water vapour from temperature and relative humidity.

    Parameters
    ----------
    temperature_c : array_like
        Air temperature [°C].
    relative_humidity_frac : array_like
        Relative humidity [-], 0–1.

    Returns
    -------
    ndarray
        Vapour pressure e = RH · e_s(T) [Pa]. NaN for RH outside 0–1 or T outside
        −80 … +50 °C.

    Notes
    -----
    e = RH · e_s(T), the WMO definition of relative humidity with respect to water, e_s from
    :func:`saturation_vapour_pressure_pa` (Buck 1981/1996).

    References
    ----------
    Buck AL (1981). New equations for computing vapor pressure and enhancement factor.
    J Appl Meteorol 20:1527-1532. doi:10.1175/1520-0450(1981)020<1527:NEFCVP>2.0.CO;2

    Examples
    --------
    >>> round(float(vapour_pressure_pa(20.0, 0.5)))
    1169
    """
    rh = np.asarray(relative_humidity_frac, dtype=float)
    e = rh * saturation_vapour_pressure_pa(temperature_c)
    return np.where((rh >= 0.0) & (rh <= 1.0), e, np.nan)


def air_density_kg_m3(
    temperature_c,
    relative_humidity_frac,
    pressure_pa,
    *,
    gas_constant_dry_j_kg_k=GAS_CONSTANT_DRY_AIR_J_KG_K,
    gas_constant_vapour_j_kg_k=GAS_CONSTANT_WATER_VAPOUR_J_KG_K,
):
    """Density of humid air, treating dry air and water vapour as ideal gases.

    Parameters
    ----------
    temperature_c : array_like
        Air temperature [°C].
    relative_humidity_frac : array_like
        Relative humidity [-], 0–1.
    pressure_pa : array_like
        Total static pressure [Pa].
    gas_constant_dry_j_kg_k : float
        R_d [J/(kg·K)]; 287.05.
    gas_constant_vapour_j_kg_k : float
        R_v [J/(kg·K)]; 461.495.

    Returns
    -------
    ndarray
        Density [kg/m³]. NaN for RH outside 0–1, temperature outside −80 … +50 °C (range of
        the Buck fit) or non-positive pressure.

    Notes
    -----
    ρ = p_d/(R_d·T) + p_v/(R_v·T), p_v = RH·e_s(T) (Buck), p_d = p − p_v, T in kelvin
    (Dalton's law of partial pressures with the ideal-gas law). Water vapour is lighter than
    dry air, so humid air is less dense: at 20 °C and 101 325 Pa, dry 1.2041 kg/m³, 50 % RH
    1.1989 kg/m³ (−0.4 %). The enhancement factor (≈ 1.004) and compressibility (≈ 0.9996) of
    real moist air are neglected; both change ρ by < 0.1 %.

    References
    ----------
    Buck AL (1981). New equations for computing vapor pressure and enhancement factor.
    J Appl Meteorol 20:1527-1532. doi:10.1175/1520-0450(1981)020<1527:NEFCVP>2.0.CO;2
    Picard A, Davis RS, Gläser M, Fujii K (2008). Revised formula for the density of moist air
    (CIPM-2007). Metrologia 45:149-155. doi:10.1088/0026-1394/45/2/004 (the reference
    formula; this function is its ideal-gas simplification).

    Examples
    --------
    >>> round(float(air_density_kg_m3(20.0, 0.0, 101325.0)), 4)
    1.2041
    >>> round(float(air_density_kg_m3(20.0, 0.5, 101325.0)), 4)
    1.1989
    """
    t_k = np.asarray(temperature_c, dtype=float) + _CELSIUS_TO_KELVIN
    p = np.asarray(pressure_pa, dtype=float)
    p_v = vapour_pressure_pa(temperature_c, relative_humidity_frac)
    p_d = p - p_v
    rho = p_d / (gas_constant_dry_j_kg_k * t_k) + p_v / (gas_constant_vapour_j_kg_k * t_k)
    return np.where(p > 0.0, rho, np.nan)
