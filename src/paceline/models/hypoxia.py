"""Aerobic capacity at altitude (hypoxia)."""

from __future__ import annotations

import numpy as np

__all__ = ["vo2max_factor_wehrlin_hallen2006"]


def vo2max_factor_wehrlin_hallen2006(altitude_m, *, loss_per_1000m=0.063, threshold_m=300.0):
    """VO2max at altitude relative to VO2max at or below ``threshold_m``.

    Parameters
    ----------
    altitude_m : array_like
        Altitude [m]; valid −500 … 4000 m (NaN outside).
    loss_per_1000m : float
        Fractional loss of VO2max per 1000 m of altitude [-]; 0.063 (Wehrlin & Hallén 2006).
    threshold_m : float
        Altitude below which no loss is applied [m]; 300 m, their lowest test altitude.

    Returns
    -------
    ndarray
        Factor [-]; 1 at sea level, 0.937 at 1300 m.

    Notes
    -----
    Wehrlin & Hallén (2006) measured VO2max of endurance athletes in a hypobaric chamber at
    300, 800, 1300, 1800, 2300 and 2800 m and found a linear decrease of 6.3 % per 1000 m from
    300 m, with a parallel loss of time-trial performance. paceline applies the factor to the
    sustainable metabolic power, relative to the altitude of the reference race, so that the
    lower air density at altitude (faster) and the hypoxia (slower) are both accounted for.

    References
    ----------
    Wehrlin JP, Hallén J (2006). Linear decrease in VO2max and performance with increasing
    altitude in endurance athletes. Eur J Appl Physiol 96:404-412. doi:10.1007/s00421-005-0081-9

    Examples
    --------
    >>> round(float(vo2max_factor_wehrlin_hallen2006(1300.0)), 3)
    0.937
    """
    h = np.asarray(altitude_m, dtype=float)
    f = 1.0 - loss_per_1000m * np.maximum(h - threshold_m, 0.0) / 1000.0
    return np.where((h >= -500) & (h <= 4000), f, np.nan)
