"""Heat: a shade WBGT estimate from temperature and humidity, and the marathon slowdown with
WBGT (Ely et al. 2007), as named, selectable heat models.

The heat models (:data:`HEAT_MODELS`, :func:`get_heat_model`; scenario key ``[models] heat``):

* ``ely2007`` — the top-3 finishers' slowdown per WBGT band (Ely et al. 2007, men and women).
  **The default**; the only rows of the paper paceline has read (its abstract). It is the
  elite curve and is applied to every runner: Ely report that the 25th-, 50th-, 100th- and
  300th-place finishers slowed *more* as WBGT rose, so for slower runners it under-states the
  heat (docs/model.md, "Heat").
* ``none`` — heat costs nothing (switches the effect off).

All functions are pure and vectorized (NumPy broadcasting); temperatures in °C as in the
sources (stated in the names). Inputs outside a function's validity range give NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paceline.models._registry import lookup, names_default_first
from paceline.models.atmosphere import vapour_pressure_pa

__all__ = [
    "ELY2007_BAND_EDGES_C",
    "ELY2007_BAND_MIDPOINTS_C",
    "ELY2007_SLOWDOWN_FRAC",
    "ELY2007_MAX_WBGT_C",
    "wbgt_from_temperature_humidity_c",
    "slowdown_frac_ely2007",
    "heat_speed_factor_ely2007",
    "heat_speed_factor_none",
    "HeatModel",
    "HEAT_MODELS",
    "DEFAULT_HEAT_MODEL",
    "get_heat_model",
    "heat_model_names",
]

#: WBGT bands of Ely et al. (2007) [°C]: 5.1–10, 10.1–15, 15.1–20, 20.1–25.
ELY2007_BAND_EDGES_C = ((5.1, 10.0), (10.1, 15.0), (15.1, 20.0), (20.1, 25.0))
#: Midpoints of the Ely et al. (2007) WBGT bands [°C].
ELY2007_BAND_MIDPOINTS_C = np.array([7.55, 12.55, 17.55, 22.55])
#: Top-3 finishers' time slower than the course record in each band [-] (Ely et al. 2007, abstract;
#: the same rows, with SD and how they were read: paceline/data/heat_ely2007.csv).
ELY2007_SLOWDOWN_FRAC = {
    "men": np.array([0.017, 0.025, 0.033, 0.045]),
    "women": np.array([0.032, 0.032, 0.038, 0.054]),
}
#: Highest WBGT the extrapolated Ely curve is used to [°C]; NaN above.
ELY2007_MAX_WBGT_C = 30.0


def wbgt_from_temperature_humidity_c(
    temperature_c, relative_humidity_frac, *, a=0.567, b_per_hpa=0.393, c_c=3.94
):
    """Wet-bulb globe temperature estimated from air temperature and humidity only.

    Parameters
    ----------
    temperature_c : array_like
        Air (dry-bulb, shade) temperature [°C].
    relative_humidity_frac : array_like
        Relative humidity [-], 0–1.
    a, b_per_hpa, c_c : float
        Coefficients of the approximation: 0.567 [-], 0.393 °C/hPa, 3.94 °C.

    Returns
    -------
    ndarray
        Approximate WBGT [°C]. NaN for RH outside 0–1 or temperature outside −80 … +50 °C.

    Notes
    -----
    WBGT ≈ 0.567·Ta + 0.393·e + 3.94, Ta in °C, e the water-vapour pressure in hPa
    (Australian Bureau of Meteorology, "About the WBGT and Apparent Temperature indices";
    reviewed by Lemke & Kjellstrom 2012). Here e = RH·e_s(Ta) with Buck's e_s
    (:func:`paceline.models.atmosphere.saturation_vapour_pressure_pa`); the BoM computes e
    with the Magnus-type e_s = 6.105·exp(17.27·Ta/(237.7 + Ta)) hPa, 0.1–0.5 % lower than Buck
    between 0 and 35 °C (≤ 0.03 °C of WBGT at saturation).

    **Limitation, as the BoM states:** the approximation does not take into account
    variations in the intensity of sunshine or the wind speed. A race in full sun and still
    air can have a higher WBGT than this estimate; a cloudy, breezy one a lower WBGT.

    References
    ----------
    Australian Bureau of Meteorology. About the WBGT and Apparent Temperature indices.
    http://www.bom.gov.au/info/thermal_stress/ (no DOI).
    Lemke B, Kjellstrom T (2012). Calculating workplace WBGT from meteorological data: a tool
    for climate change assessment. Ind Health 50:267-278. doi:10.2486/indhealth.MS1352

    Examples
    --------
    >>> round(float(wbgt_from_temperature_humidity_c(20.0, 0.5)), 2)
    19.87
    """
    t = np.asarray(temperature_c, dtype=float)
    e_hpa = vapour_pressure_pa(t, relative_humidity_frac) / 100.0
    return a * t + b_per_hpa * e_hpa + c_c


def _sex_mask_women(sex):
    s = np.asarray(sex)
    if s.dtype.kind not in "US":
        raise ValueError(f"sex must be 'men' or 'women' (or an array of them), got {sex!r}")
    bad = ~np.isin(s, ["men", "women"])
    if np.any(bad):
        unknown = sorted({str(x) for x in np.atleast_1d(s[bad])})
        raise ValueError(f"unknown sex {unknown}; valid: 'men', 'women'")
    return s == "women"


def _slowdown_curve(wbgt, slowdowns, x, max_wbgt_c):
    # flat below the first midpoint, piecewise-linear through the midpoints, linear
    # extrapolation of the last segment above the last midpoint, NaN above max_wbgt_c
    inside = np.interp(wbgt, x, slowdowns)
    slope_last = (slowdowns[-1] - slowdowns[-2]) / (x[-1] - x[-2])
    above = slowdowns[-1] + slope_last * (wbgt - x[-1])
    y = np.where(wbgt > x[-1], above, inside)
    return np.where(np.isfinite(wbgt) & (wbgt <= max_wbgt_c), y, np.nan)


def slowdown_frac_ely2007(wbgt_c, sex="men", *, max_wbgt_c=ELY2007_MAX_WBGT_C):
    """Marathon slowdown vs the course record as a function of WBGT, Ely et al. (2007).

    Parameters
    ----------
    wbgt_c : array_like
        Wet-bulb globe temperature [°C].
    sex : str or array_like of str
        "men" or "women"; an array broadcasts against ``wbgt_c``.
    max_wbgt_c : float
        Highest WBGT the curve is extrapolated to [°C]; 30.

    Returns
    -------
    ndarray
        Fraction slower than the course record [-] (0.017 = 1.7 %). NaN above
        ``max_wbgt_c`` or for non-finite WBGT.

    Raises
    ------
    ValueError
        ``sex`` other than "men"/"women" (a configuration error, not a value out of range).

    Notes
    -----
    Ely et al. (2007): top-3 men were slower than the
    course record by 1.7 / 2.5 / 3.3 / 4.5 % in WBGT bands 5.1–10 / 10.1–15 / 15.1–20 /
    20.1–25 °C; top-3 women by 3.2 / 3.2 / 3.8 / 5.4 %. This function places each band's
    value at its midpoint (7.55, 12.55, 17.55, 22.55 °C) and interpolates linearly, giving a
    continuous non-decreasing curve:

    * **below 7.55 °C it is flat** at the first band's value: Ely's coldest band starts at
      5.1 °C, and El Helou et al. (2012) put the optimum for marathon performance at about
      3.8–9.9 °C, so no further gain (or cold penalty) is modelled;
    * **above 22.55 °C** the last segment is extrapolated linearly to 30 °C (men +0.24 %/°C,
      women +0.32 %/°C); Ely's data end at 25 °C and the real slowdown probably grows
      faster than linearly in hotter races, so above 30 °C the result is NaN.

    References
    ----------
    Ely MR, Cheuvront SN, Roberts WO, Montain SJ (2007). Impact of weather on marathon-running
    performance. Med Sci Sports Exerc 39(3):487-493. doi:10.1249/mss.0b013e31802d3aba
    El Helou N, Tafflet M, Berthelot G, et al. (2012). Impact of environmental parameters on
    marathon running performance. PLoS One 7(5):e37407. doi:10.1371/journal.pone.0037407

    Examples
    --------
    >>> float(slowdown_frac_ely2007(15.05))   # halfway between 12.55 (2.5 %) and 17.55 (3.3 %)
    0.029
    """
    w = np.asarray(wbgt_c, dtype=float)
    women = _sex_mask_women(sex)
    x = ELY2007_BAND_MIDPOINTS_C
    men_curve = _slowdown_curve(w, ELY2007_SLOWDOWN_FRAC["men"], x, max_wbgt_c)
    women_curve = _slowdown_curve(w, ELY2007_SLOWDOWN_FRAC["women"], x, max_wbgt_c)
    return np.where(women, women_curve, men_curve)


def heat_speed_factor_ely2007(wbgt_c, wbgt_ref_c, sex="men", *, max_wbgt_c=ELY2007_MAX_WBGT_C):
    """Race speed at one WBGT relative to the speed at a reference WBGT (Ely et al. 2007).

    Parameters
    ----------
    wbgt_c : array_like
        WBGT of the race [°C].
    wbgt_ref_c : array_like
        WBGT of the reference conditions [°C] (e.g. of the performance the athlete's
        capacity is anchored on).
    sex : str or array_like of str
        "men" or "women".
    max_wbgt_c : float
        As in :func:`slowdown_frac_ely2007`.

    Returns
    -------
    ndarray
        Speed factor [-]: 1 at equal WBGT, < 1 when the race is hotter than the reference
        (above the flat part of the curve). NaN where either WBGT is above ``max_wbgt_c``.

    Notes
    -----
    Ely's slowdowns s are times relative to each course's record, t = t_CR·(1 + s), so they
    include everything else that differed from the record day; only the **difference**
    between two conditions is used: v/v_ref = (1 + s(WBGT_ref)) / (1 + s(WBGT)). (To first
    order this is 1 − [s(WBGT) − s(WBGT_ref)]; the ratio (1 − s)/(1 − s_ref) differs from it
    by up to 0.4 % (men) and 0.5 % (women) over 0–30 °C.)

    References
    ----------
    Ely MR, Cheuvront SN, Roberts WO, Montain SJ (2007). Impact of weather on marathon-running
    performance. Med Sci Sports Exerc 39(3):487-493. doi:10.1249/mss.0b013e31802d3aba

    Examples
    --------
    >>> round(float(heat_speed_factor_ely2007(22.55, 7.55)), 4)   # 1.017 / 1.045
    0.9732
    """
    s = slowdown_frac_ely2007(wbgt_c, sex, max_wbgt_c=max_wbgt_c)
    s_ref = slowdown_frac_ely2007(wbgt_ref_c, sex, max_wbgt_c=max_wbgt_c)
    return (1.0 + s_ref) / (1.0 + s)


def heat_speed_factor_none(wbgt_c, wbgt_ref_c, sex="men"):
    """No heat effect: a speed factor of 1 wherever both WBGTs are finite [-].

    Same signature as :func:`heat_speed_factor_ely2007` (``sex`` is checked, then unused), so
    the race model can switch heat off by name (``[models] heat = "none"``).

    Examples
    --------
    >>> float(heat_speed_factor_none(25.0, 8.0))
    1.0
    """
    w = np.asarray(wbgt_c, dtype=float)
    w_ref = np.asarray(wbgt_ref_c, dtype=float)
    _sex_mask_women(sex)  # an unknown sex is a configuration error here too
    return np.where(np.isfinite(w) & np.isfinite(w_ref), 1.0, np.nan)


@dataclass(frozen=True)
class HeatModel:
    """A named heat model: the race speed at one WBGT relative to a reference WBGT.

    Attributes
    ----------
    name : str
        Registry key (the scenario's ``[models] heat``).
    speed_factor : callable
        ``speed_factor(wbgt_c, wbgt_ref_c, sex) -> ndarray`` [-], vectorized; 1 at equal
        WBGT; NaN outside the model's validity.
    source : str
        Citation with DOI.
    note : str
        Whom it describes and what it leaves out.
    max_wbgt_c : float or None
        Highest WBGT [°C] the model gives a number for (NaN above); None = no limit.
    data_wbgt_c : tuple of float or None
        WBGT span of the source's data [°C] (lowest band's start, highest band's end);
        between its end and ``max_wbgt_c`` the model is an extrapolation.
    """

    name: str
    speed_factor: Callable
    source: str
    note: str
    max_wbgt_c: float | None = None
    data_wbgt_c: tuple[float, float] | None = None

    def valid_range_text(self) -> str:
        """The model's valid WBGT range in words, with its source's data span."""
        if self.max_wbgt_c is None:
            return f"heat model {self.name} has no WBGT limit"
        text = f"heat model {self.name} rates a race WBGT up to {self.max_wbgt_c:g} °C"
        if self.data_wbgt_c is not None:
            lo, hi = self.data_wbgt_c
            text += (f" (its source's data span WBGT {lo:g}–{hi:g} °C; from {hi:g} to "
                     f"{self.max_wbgt_c:g} °C the curve is extrapolated)")
        return text


#: The heat models by name (see the module docstring).
HEAT_MODELS: dict[str, HeatModel] = {
    "ely2007": HeatModel(
        name="ely2007", speed_factor=heat_speed_factor_ely2007,
        source="Ely MR, Cheuvront SN, Roberts WO, Montain SJ (2007). Impact of weather on "
        "marathon-running performance. Med Sci Sports Exerc 39(3):487-493. "
        "doi:10.1249/mss.0b013e31802d3aba",
        note="top-3 finishers (men, women) per WBGT band, read in the abstract; applied to "
        "every runner — slower runners slowed more in Ely's data (25th–300th place), so this "
        "under-states the heat for them",
        max_wbgt_c=ELY2007_MAX_WBGT_C,
        data_wbgt_c=(ELY2007_BAND_EDGES_C[0][0], ELY2007_BAND_EDGES_C[-1][1])),
    "none": HeatModel(
        name="none", speed_factor=heat_speed_factor_none, source="",
        note="heat costs nothing (switches the effect off)"),
}
#: The heat model a scenario uses unless ``[models] heat`` says otherwise.
DEFAULT_HEAT_MODEL = "ely2007"


def heat_model_names() -> list[str]:
    """The registered heat models' names, the default first."""
    return names_default_first(HEAT_MODELS, DEFAULT_HEAT_MODEL)


def get_heat_model(name_or_model: str | HeatModel | None = None) -> HeatModel:
    """Look up a heat model by name (None → the default); a model passes through.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the valid ones.
    """
    return lookup(HEAT_MODELS, name_or_model, default=DEFAULT_HEAT_MODEL, kind=HeatModel,
                  what="heat model")
