"""Drafting: the drag each runner in a formation feels, by superposing wakes and blockage.

A wake-superposition model in the spirit of the engineering wake models used for wind farms
(NREL FLORIS): every runner is a bluff body that leaves a Gaussian velocity deficit downstream
(Bastankhah & Porté-Agel 2014 shape, planar because runners are tall and side by side), the
deficits of several bodies combine as a root-sum-square (Katić et al. 1986, FLORIS "sosfs"),
and every body also displaces the air around it like a 2-D potential-flow doublet: slower just
ahead of it (a runner close behind helps the one ahead a little) and faster beside it (a runner
at the side can *add* drag, as Schickhofer & Hanson 2021 found in CFD).

All geometry is in the **air-relative frame**: the wake of a runner points along the velocity
of the air relative to the formation, u = (−(v + w_head), w_cross), so a crosswind shifts the
wakes sideways and a tailwind faster than the runners turns them forward.

Conventions: positions in metres relative to the athlete, x forward (direction of running),
y to the left; crosswind positive from the runners' right (it blows towards +y), as in
:func:`paceline.models.aerodynamics.wind_components_m_s`. Array axis order is
(formation/draw, ..., runner): positions have shape (..., n_runner) and winds broadcast
against the leading axes (...).

The four shape constants (``momentum_thickness_m``, ``initial_width_m``, ``growth_rate``,
``blockage_radius_m``) are *fitted* to published wind-tunnel and CFD cases by
:func:`paceline.formation.calibration.fit`; the defaults below are that fit, and
docs/formation.md lists every case with its residual (the sources disagree with each other
by more than the model's residuals).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BODY_WIDTH_M",
    "MIN_DISTANCE_M",
    "FIT_PARAMETERS",
    "air_flow_direction",
    "wake_deficit_gaussian",
    "blockage_doublet",
    "speed_ratio_at",
    "drag_ratio",
    "single_file_positions_m",
]

#: Lateral width of a runner used to average a wake over the body [m]. ASSUMED: biacromial
#: (shoulder) breadth of adult men ≈ 0.40 m; the wake is averaged over a Gaussian body profile
#: with the same variance as a uniform width w (σ_body = w/√12).
BODY_WIDTH_M = 0.40

#: Two runner centres closer than this overlap: the model returns NaN [m].
MIN_DISTANCE_M = 0.30

#: Fitted shape constants (see module docstring). Units: m, m, -, m.
FIT_PARAMETERS = {
    "momentum_thickness_m": 0.2546,
    "initial_width_m": 0.1383,
    "growth_rate": 0.05788,
    "blockage_radius_m": 0.0,
}


def air_flow_direction(speed_m_s, headwind_m_s=0.0, crosswind_m_s=0.0):
    """Unit vector of the air's velocity relative to the formation, in the formation frame.

    Parameters
    ----------
    speed_m_s : array_like
        Running speed over ground [m/s].
    headwind_m_s, crosswind_m_s : array_like
        Wind components [m/s]: headwind positive against the runners, crosswind positive from
        their right (blowing towards +y).

    Returns
    -------
    ex, ey : ndarray
        Components of the unit vector along which the air moves past the runners [-]. In calm
        air (−1, 0): the air streams backwards. When the relative air speed is zero the
        direction is undefined and (−1, 0) is returned (there is no drag to reduce).

    Notes
    -----
    Relative air velocity u = w − v = (−(v + w_head), w_cross) (vector subtraction). The yaw of
    the air relative to the course is atan(w_cross / (v + w_head)).

    Examples
    --------
    >>> [round(float(c), 4) for c in air_flow_direction(6.0, 0.0, 6.0)]
    [-0.7071, 0.7071]
    """
    ux = -(np.asarray(speed_m_s, dtype=float) + np.asarray(headwind_m_s, dtype=float))
    uy = np.asarray(crosswind_m_s, dtype=float) + 0.0 * ux
    mag = np.hypot(ux, uy)
    ok = mag > 1e-12
    safe = np.where(ok, mag, 1.0)
    return np.where(ok, ux / safe, -1.0), np.where(ok, uy / safe, 0.0)


def wake_deficit_gaussian(
    downstream_m,
    lateral_m,
    *,
    momentum_thickness_m=FIT_PARAMETERS["momentum_thickness_m"],
    initial_width_m=FIT_PARAMETERS["initial_width_m"],
    growth_rate=FIT_PARAMETERS["growth_rate"],
    body_width_m=BODY_WIDTH_M,
):
    """Body-averaged velocity deficit in the wake of one runner (planar Gaussian wake).

    Parameters
    ----------
    downstream_m : array_like
        Distance of the target runner behind the source along the air flow, s [m]; the deficit
        is zero for s ≤ 0.
    lateral_m : array_like
        Offset of the target across the air flow, n [m].
    momentum_thickness_m : float
        θ: integral of the deficit across the wake, ∫ΔU/U dn [m] (fitted). Linear momentum
        theory would give ½·CdA/height ≈ 0.11 m; the near wake of a runner is not at ambient
        pressure, and the fit finds a larger effective value.
    initial_width_m, growth_rate : float
        Wake standard deviation σ(s) = σ₀ + k·s [m] (fitted; linear growth as in Bastankhah &
        Porté-Agel 2014).
    body_width_m : float
        Width of the target runner the deficit is averaged over [m].

    Returns
    -------
    ndarray
        ΔU/U averaged over the target's width [-], ≥ 0 (may exceed 1 very close behind;
        :func:`drag_ratio` clips the superposed deficit at 1).

    Notes
    -----
    ΔU/U(s, n) = θ / (√(2π) σ_e) · exp(−n² / (2σ_e²)),  σ_e² = (σ₀ + k s)² + w²/12 .

    The deficit integrates to θ across the wake at every s (momentum conservation of a planar
    wake); averaging a Gaussian over a Gaussian body profile of variance w²/12 widens it to σ_e.
    Shape after Bastankhah & Porté-Agel (2014), Renewable Energy 70:116,
    doi:10.1016/j.renene.2014.01.002, eq. 7 (there axisymmetric, here planar). Valid for the
    spacings of the calibration cases, s ≈ 0.6–4 m behind.

    Examples
    --------
    >>> round(float(wake_deficit_gaussian(1.0, 0.0, momentum_thickness_m=0.4,
    ...       initial_width_m=0.1, growth_rate=0.1, body_width_m=0.4)), 4)
    0.6879
    """
    s = np.asarray(downstream_m, dtype=float)
    n = np.asarray(lateral_m, dtype=float)
    sigma = initial_width_m + growth_rate * np.maximum(s, 0.0)
    var = sigma * sigma + body_width_m * body_width_m / 12.0
    amp = momentum_thickness_m / np.sqrt(2.0 * np.pi * var)
    return np.where(s > 0.0, amp * np.exp(-0.5 * n * n / var), 0.0)


def blockage_doublet(downstream_m, lateral_m, *, blockage_radius_m=FIT_PARAMETERS[
        "blockage_radius_m"]):
    """Change of air speed near a runner from its displacement of the flow (2-D doublet).

    Parameters
    ----------
    downstream_m, lateral_m : array_like
        Position of the target relative to the source, along (s) and across (n) the air flow
        [m].
    blockage_radius_m : float
        Radius a of the equivalent circular cylinder [m] (fitted).

    Returns
    -------
    ndarray
        ΔU/U [-]: negative ahead of the body (the air slows), positive beside it (it speeds up).
        Behind the body (s > 0) only the acceleration is kept; the slowing there is the wake's.

    Notes
    -----
    Potential flow past a circular cylinder (a doublet in a uniform stream), e.g. Anderson,
    *Fundamentals of Aerodynamics*, 6th ed., §3.13: u/U = 1 − a² cos 2θ / r², with θ the angle
    from the flow axis. So ΔU/U = −a² (s² − n²) / r⁴: −a²/s² on the axis, +a²/n² abeam.

    Examples
    --------
    >>> round(float(blockage_doublet(-1.0, 0.0, blockage_radius_m=0.3)), 3)
    -0.09
    >>> round(float(blockage_doublet(0.0, 1.0, blockage_radius_m=0.3)), 3)
    0.09
    """
    s = np.asarray(downstream_m, dtype=float)
    n = np.asarray(lateral_m, dtype=float)
    s2, n2 = s * s, n * n
    r2 = s2 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        d = -blockage_radius_m**2 * (s2 - n2) / (r2 * r2)
    return np.where(s > 0.0, np.maximum(d, 0.0), d)


def _pair_speed_terms(ds, dn, p):
    wake = wake_deficit_gaussian(
        ds, dn, momentum_thickness_m=p["momentum_thickness_m"],
        initial_width_m=p["initial_width_m"], growth_rate=p["growth_rate"],
        body_width_m=p["body_width_m"])
    return wake, blockage_doublet(ds, dn, blockage_radius_m=p["blockage_radius_m"])


def _params(kw) -> dict:
    p = dict(FIT_PARAMETERS)
    p["body_width_m"] = BODY_WIDTH_M
    for k, v in kw.items():
        if k not in p:
            raise TypeError(f"unknown drafting model parameter {k!r}; valid: {sorted(p)}")
        p[k] = v
    return p


def speed_ratio_at(
    probe_x_m, probe_y_m, x_m, y_m, speed_m_s=5.85, headwind_m_s=0.0, crosswind_m_s=0.0,
    **params,
):
    """Air speed relative to the free stream at probe points near a formation (for maps).

    Parameters
    ----------
    probe_x_m, probe_y_m : array_like
        Probe positions, shape (..., n_probe) [m].
    x_m, y_m : array_like
        Runner positions, shape (..., n_runner) [m].
    speed_m_s, headwind_m_s, crosswind_m_s : array_like
        Running speed and wind components [m/s], broadcast against the leading axes.
    **params
        Model constants (see :data:`FIT_PARAMETERS`, ``body_width_m``).

    Returns
    -------
    ndarray
        U/U∞ at each probe, shape (..., n_probe) [-] (1 far from everyone; a body-width
        average, so it reads as "what a runner standing there would feel").

    Notes
    -----
    U/U∞ = 1 − min(1, √Σ_j δ_j²) + Σ_j ι_j with δ the wakes (:func:`wake_deficit_gaussian`)
    and ι the blockage (:func:`blockage_doublet`). Root-sum-square of deficits: Katić, Højstrup
    & Jensen (1986), Proc. EWEC, as used in FLORIS.
    """
    p = _params(params)
    px, py = np.asarray(probe_x_m, float), np.asarray(probe_y_m, float)
    x, y = np.asarray(x_m, float), np.asarray(y_m, float)
    ex, ey = air_flow_direction(speed_m_s, headwind_m_s, crosswind_m_s)
    ex, ey = np.asarray(ex)[..., None, None], np.asarray(ey)[..., None, None]
    dx = px[..., :, None] - x[..., None, :]
    dy = py[..., :, None] - y[..., None, :]
    ds = dx * ex + dy * ey
    dn = dy * ex - dx * ey
    wake, block = _pair_speed_terms(ds, dn, p)
    deficit = np.minimum(np.sqrt(np.sum(wake * wake, axis=-1)), 1.0)
    return 1.0 - deficit + np.sum(block, axis=-1)


def drag_ratio(x_m, y_m, speed_m_s=5.85, headwind_m_s=0.0, crosswind_m_s=0.0, **params):
    """Drag of every runner in a formation relative to running alone in the same air.

    Parameters
    ----------
    x_m, y_m : array_like
        Runner positions, shape (..., n_runner) [m]: x forward, y to the left.
    speed_m_s : array_like
        Running speed over ground [m/s]; only sets the direction of the air with the wind
        (the drag *ratio* is taken as independent of Reynolds number). Default 5.85 m/s
        (≈ 2:00 marathon pace).
    headwind_m_s, crosswind_m_s : array_like
        Wind components [m/s] (see :func:`air_flow_direction`), broadcast against (...).
    **params
        Model constants (see :data:`FIT_PARAMETERS`, ``body_width_m``).

    Returns
    -------
    ndarray
        D/D_alone for each runner, shape (..., n_runner) [-]: 1 = as if alone, 0 = no drag,
        > 1 = more drag than alone (a runner beside others). NaN for every runner of a
        formation with a non-finite position or two runners closer than
        :data:`MIN_DISTANCE_M` (they would overlap).

    Notes
    -----
    For runner i, U_i/U∞ = 1 − min(1, √Σ_{j≠i} δ_ij²) + Σ_{j≠i} ι_ij (see
    :func:`speed_ratio_at`), and D_i/D_alone = (U_i/U∞)·|U_i/U∞| (quadratic drag, same drag
    area). Source pairs use positions in the air-relative frame: s = (r_i − r_j)·ê,
    n = (r_i − r_j)×ê, with ê from :func:`air_flow_direction`.

    Checks (tests/models/test_drafting.py; fitted, see docs/formation.md): one pacer 1.0 m
    ahead → 0.30 (Schickhofer & Hanson 2021: −70 %); one ahead and one behind at 1.0 m → 0.24
    (−78 %).

    References
    ----------
    Schickhofer L, Hanson H (2021). Aerodynamic effects and performance improvements of running
    in drafting formations. J Biomech 122:110457. doi:10.1016/j.jbiomech.2021.110457
    Bastankhah M, Porté-Agel F (2014). A new analytical model for wind-turbine wakes.
    Renew Energy 70:116-123. doi:10.1016/j.renene.2014.01.002

    Examples
    --------
    >>> r = drag_ratio([0.0, 1.0], [0.0, 0.0])      # athlete, one pacer 1 m ahead
    >>> round(float(r[0]), 2)
    0.3
    """
    p = _params(params)
    x, y = np.broadcast_arrays(np.asarray(x_m, float), np.asarray(y_m, float))
    n = x.shape[-1]
    ex, ey = air_flow_direction(speed_m_s, headwind_m_s, crosswind_m_s)
    ex, ey = np.asarray(ex)[..., None, None], np.asarray(ey)[..., None, None]
    dx = x[..., :, None] - x[..., None, :]  # target i minus source j; 0 on the diagonal
    dy = y[..., :, None] - y[..., None, :]
    ds = dx * ex + dy * ey
    dn = dy * ex - dx * ey
    # squared wake deficit θ²/(2π σ_e²)·exp(−n²/σ_e²), summed over sources (self: s = 0 → 0)
    sig = np.maximum(ds, 0.0)
    sig *= p["growth_rate"]
    sig += p["initial_width_m"]
    var = sig * sig
    var += p["body_width_m"] ** 2 / 12.0
    wake2 = dn * dn
    wake2 /= -var
    np.exp(wake2, out=wake2)
    wake2 *= p["momentum_thickness_m"] ** 2 / (2.0 * np.pi)
    wake2 /= var
    wake2 *= ds > 0.0
    u = 1.0 - np.minimum(np.sqrt(np.sum(wake2, axis=-1)), 1.0)
    eye = np.eye(n, dtype=bool)
    if p["blockage_radius_m"] != 0.0:
        with np.errstate(divide="ignore", invalid="ignore"):
            block = blockage_doublet(ds, dn, blockage_radius_m=p["blockage_radius_m"])
        u = u + np.sum(np.where(eye, 0.0, block), axis=-1)
    ratio = u * np.abs(u)
    d2 = dx * dx
    d2 += dy * dy
    d2 += eye * 1e300
    bad = np.min(d2, axis=(-1, -2)) < MIN_DISTANCE_M**2
    bad |= ~np.all(np.isfinite(x) & np.isfinite(y), axis=-1)
    return np.where(bad[..., None], np.nan, ratio)


def single_file_positions_m(n_runner, spacing_m=1.0, athlete_index=1):
    """Positions of a single file of runners (x, y), the athlete at the origin.

    Parameters
    ----------
    n_runner : int
        Runners in the file, athlete included (≥ 1).
    spacing_m : float
        Distance between consecutive runners [m].
    athlete_index : int
        Place of the athlete counted from the front (0 = leading).

    Returns
    -------
    x_m, y_m : ndarray
        Shape (n_runner,), athlete first, then the others front to back [m].

    Examples
    --------
    >>> single_file_positions_m(3, 1.0, 1)[0].tolist()
    [0.0, 1.0, -1.0]
    """
    order = np.arange(n_runner)
    others = order[order != athlete_index]
    x = np.concatenate([[0.0], (athlete_index - others) * float(spacing_m)])
    return x, np.zeros(n_runner)
