"""Drafting: the drag each runner in a formation feels, by superposing wakes and blockage.

A wake-superposition model of the kind used for wind farms (NREL FLORIS), in plan view:

* every runner is a bluff body leaving a **Gaussian velocity deficit** downstream whose width
  grows linearly, σ(s) = σ₀ + k·s (Bastankhah & Porté-Agel 2014); the wake is **at least
  body-wide at its source** (σ₀ ≥ :data:`MIN_INITIAL_WIDTH_M`: full width at half maximum ≥
  the body width) and **widens downstream** (k ≥ 0.05, the wake-growth rate of Niayifar &
  Porté-Agel 2016 for a turbulence intensity of ≥ 12 %, ASSUMED for the air around a group of
  runners). Two wake shapes, selectable (:data:`WAKE_MODELS`, :func:`get_wake_model`):

  - ``"finite-height"`` (**the default**): a 3-D wake of a body of finite height standing on
    the ground (:func:`wake_deficit_finite_height`): it spreads sideways *and* upwards, so far
    downstream its deficit falls ∝ 1/(σ_y σ_z) ∝ 1/s², as a bluff body's far wake does
    (Bastankhah & Porté-Agel 2014, eq. 7, the form NREL FLORIS uses; ground as a mirror plane);
  - ``"planar"``: a 2-D wake, infinitely tall (:func:`wake_deficit_gaussian`), whose deficit
    falls only ∝ 1/σ ∝ 1/s — a pacer 20 m ahead still saves ≈ 17 % of the drag. Kept
    selectable: it was the default until docs/formation.md compared the two out of sample;
* a sheltered runner leaves a weaker wake: each source's deficit is scaled by the air speed at
  that source (Niayifar & Porté-Agel 2016 "local inflow"), solved in flow order;
* ... and a **wider** one (``turbulence="crespo-hernandez"``, the default; selectable,
  :data:`TURBULENCE_MODELS`): a runner standing in another's wake feels the turbulence that
  wake adds (Crespo & Hernández 1996), and its own wake grows at the rate Niayifar &
  Porté-Agel (2016) give for the local turbulence intensity, k = 0.3837·I + 0.003678;
* optionally a **near wake** (``near_wake="recirculation"``, :data:`NEAR_WAKE_MODELS`; not the
  default: worse held out, docs/formation.md §2): a bluff body's recirculation bubble of
  :data:`RECIRCULATION_LENGTH_D` widths, the far wake from its closure (the two regions of
  Bastankhah & Porté-Agel 2016);
* several wakes **add linearly** (Lissaman 1979) by default — the reason: side-by-side wakes of
  a V overlap and add their momentum deficits (Li et al. 2025: a V of three −89 % vs one pacer
  −67 %; root-sum-square cannot reach that with body-wide wakes), while the local-inflow
  scaling keeps a long file from adding without limit. Root-sum-square (Katić 1986) and
  max are kept selectable (:data:`SUPERPOSITION_MODELS`, :func:`get_superposition`);
  docs/formation.md compares them out of sample;
* every body also displaces the air around it like a 2-D potential-flow doublet of the
  body's half-width (not fitted): slower just ahead of it (a runner close behind helps the
  one ahead a little) and **faster beside it** (a runner at the side *adds* drag, as
  Schickhofer & Hanson 2021 found in CFD).

All geometry is in the **air-relative frame**: the wake of a runner points along the velocity
of the air relative to the formation, u = (−(v + w_head), w_cross), so a crosswind carries the
wakes downwind and a tailwind faster than the runners turns them forward.

Conventions: positions in metres relative to the athlete, x forward (direction of running),
y to the left; crosswind positive from the runners' right (it blows towards +y), as in
:func:`paceline.models.aerodynamics.wind_components_m_s`. Array axis order is
(formation/draw, ..., runner): positions have shape (..., n_runner) and winds broadcast
against the leading axes (...).

The three wake constants of each shape (strength: ``wake_drag_area_m2`` or
``momentum_thickness_m``; ``initial_width_m``; ``growth_rate``) are *fitted* to published
wind-tunnel and CFD cases by :func:`paceline.formation.calibration.fit` (weighted by how sure
each case is, within bounds stated from the literature); the defaults below are that fit, and
docs/formation.md lists every case with its residual in sample and left out (the sources
disagree with each other by more than the model's residuals).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BODY_WIDTH_M",
    "BODY_HEIGHT_M",
    "BODY_DEPTH_M",
    "wake_onset",
    "MIN_DISTANCE_M",
    "MIN_INITIAL_WIDTH_M",
    "MIN_INITIAL_HEIGHT_M",
    "FIT_PARAMETERS",
    "PLANAR_PARAMETERS",
    "FINITE_HEIGHT_PARAMETERS",
    "WakeModel",
    "WAKE_MODELS",
    "DEFAULT_WAKE",
    "get_wake_model",
    "air_flow_direction",
    "wake_deficit_gaussian",
    "wake_deficit_finite_height",
    "blockage_doublet",
    "blockage_doublet_finite_height",
    "BLOCKAGE_MODELS",
    "DEFAULT_BLOCKAGE",
    "get_blockage",
    "superpose_linear",
    "superpose_rss",
    "superpose_max",
    "SUPERPOSITION_MODELS",
    "DEFAULT_SUPERPOSITION",
    "get_superposition",
    "speed_ratio_at",
    "drag_ratio",
    "single_file_positions_m",
    "RUNNER_DRAG_COEFFICIENT",
    "CRESPO_HERNANDEZ_COEFFICIENTS",
    "CRESPO_HERNANDEZ_MIN_DISTANCE_D",
    "NIAYIFAR_GROWTH_COEFFICIENTS",
    "induction_factor",
    "added_turbulence_crespo_hernandez",
    "growth_rate_from_turbulence",
    "turbulence_from_growth_rate",
    "TurbulenceModel",
    "TURBULENCE_MODELS",
    "DEFAULT_TURBULENCE",
    "get_turbulence_model",
    "RECIRCULATION_LENGTH_D",
    "NEAR_WAKE_MODELS",
    "DEFAULT_NEAR_WAKE",
    "get_near_wake",
]

#: Lateral width of a runner used to average a wake over the body [m]. ASSUMED: biacromial
#: (shoulder) breadth of adult men ≈ 0.40 m; the wake is averaged over a Gaussian body profile
#: with the same variance as a uniform width w (σ_body = w/√12).
BODY_WIDTH_M = 0.40

#: Two runner centres closer than this overlap: the model returns NaN [m].
MIN_DISTANCE_M = 0.30

#: Fore-aft depth of a runner [m] (ASSUMED, as at the edges' overlap checks: bodies 0.40 m
#: wide, 0.30 m deep). A wake starts at the back of its source, d/2 behind its centre, and
#: the target is averaged over its depth as over its width and height: the share of the
#: target's depth behind the source's back, clip(s/d, 0, 1), is the share of the wake it feels
#: and of the doublet's cut behind the body (:func:`wake_onset`).
BODY_DEPTH_M = 0.30

#: The narrowest wake the model accepts at its source [m]: a Gaussian whose full width at
#: half maximum (2√(2 ln 2)·σ₀) equals the body width. A bluff body's wake starts at least as
#: wide as the body (the separated shear layers leave from its sides); the calibration
#: bounds σ₀ below by this.
MIN_INITIAL_WIDTH_M = BODY_WIDTH_M / (2.0 * np.sqrt(2.0 * np.log(2.0)))

#: Height of a runner [m] over which a wake is averaged (the finite-height wake). ASSUMED:
#: 1.70 m, an elite distance runner (Kipchoge 1.67 m; the calibration cases include women and
#: race walkers of 1.6–1.8 m).
BODY_HEIGHT_M = 1.70

#: The lowest wake the finite-height model accepts at its source [m]: the same rule as
#: :data:`MIN_INITIAL_WIDTH_M` applied upwards — with the ground as a mirror plane the wake's
#: half maximum reaches at least the top of the body, σ_z0 = h/√(2 ln 2).
MIN_INITIAL_HEIGHT_M = BODY_HEIGHT_M / np.sqrt(2.0 * np.log(2.0))

#: Fitted constants of the planar (2-D) wake, units m, m, - ; and the blockage radius [m],
#: fixed at half the body width (2-D potential flow round a cylinder as wide as the runner;
#: not fitted: the published cases cannot separate it from the wake).
PLANAR_PARAMETERS = {
    "momentum_thickness_m": 0.2595,
    "initial_width_m": 0.1699,  # on its lower bound MIN_INITIAL_WIDTH_M (the fit wants less)
    "growth_rate": 0.05,  # on its lower bound (the fit wants a wake that does not widen)
    "blockage_radius_m": BODY_WIDTH_M / 2.0,
}

#: Fitted constants of the finite-height (3-D) wake: the wake's momentum deficit as a drag
#: area A [m²], σ_y0 [m], k [-]; σ_z0 fixed at :data:`MIN_INITIAL_HEIGHT_M` (not fitted) and
#: the blockage radius as for the planar wake.
FINITE_HEIGHT_PARAMETERS = {
    "wake_drag_area_m2": 0.8542,
    "initial_width_m": 0.1699,  # on its lower bound MIN_INITIAL_WIDTH_M, as the planar one
    "growth_rate": 0.05,  # on its lower bound
    "initial_height_m": float(MIN_INITIAL_HEIGHT_M),
    "blockage_radius_m": BODY_WIDTH_M / 2.0,
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
    momentum_thickness_m=PLANAR_PARAMETERS["momentum_thickness_m"],
    initial_width_m=PLANAR_PARAMETERS["initial_width_m"],
    growth_rate=PLANAR_PARAMETERS["growth_rate"],
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
    0.691
    """
    s = np.asarray(downstream_m, dtype=float)
    n = np.asarray(lateral_m, dtype=float)
    sigma = initial_width_m + growth_rate * np.maximum(s, 0.0)
    var = sigma * sigma + body_width_m * body_width_m / 12.0
    amp = momentum_thickness_m / np.sqrt(2.0 * np.pi * var)
    return np.where(s > 0.0, amp * np.exp(-0.5 * n * n / var), 0.0)


def _vertical_average(sigma_z, height_m):
    """Mean of exp(−z²/2σ_z²) over 0 ≤ z ≤ h (a wake centred on the ground, a body of height h)."""
    from scipy.special import erf  # lazy: only the finite-height wake needs it

    sz = np.maximum(sigma_z, 1e-12)
    x = height_m / (np.sqrt(2.0) * sz)
    return np.sqrt(np.pi / 2.0) * sz / height_m * erf(x)


def wake_deficit_finite_height(
    downstream_m,
    lateral_m,
    *,
    wake_drag_area_m2=None,
    initial_width_m=None,
    growth_rate=None,
    initial_height_m=None,
    body_width_m=BODY_WIDTH_M,
    body_height_m=BODY_HEIGHT_M,
):
    """Body-averaged velocity deficit behind one runner: a 3-D wake of finite height.

    Parameters
    ----------
    downstream_m : array_like
        Distance of the target runner behind the source along the air flow, s [m]; the deficit
        is zero for s ≤ 0.
    lateral_m : array_like
        Offset of the target across the air flow, n [m].
    wake_drag_area_m2 : float
        A: the wake's momentum deficit written as a drag area, ∫∫ΔU/U (1 − ΔU/U) dA = A/2
        [m²] (fitted; linear momentum theory gives the runner's CdA ≈ 0.3–0.4 m²). Default:
        :data:`FINITE_HEIGHT_PARAMETERS`.
    initial_width_m, growth_rate : float
        Lateral standard deviation σ_y(s) = σ_y0 + k·s [m] (fitted).
    initial_height_m : float
        σ_z0 [m]: vertical standard deviation at the source, σ_z(s) = σ_z0 + k·s (the same
        growth rate both ways, as in Bastankhah & Porté-Agel 2014). Not fitted:
        :data:`MIN_INITIAL_HEIGHT_M`.
    body_width_m, body_height_m : float
        Size of the target runner the deficit is averaged over [m].

    Returns
    -------
    ndarray
        ΔU/U averaged over the target's width and height [-], 0 ≤ … ≤ 1.

    Notes
    -----
    The wake is a Gaussian in y and z centred on the ground, which acts as a mirror plane
    (the image wake doubles the flow area below it):

        ΔU/U = C(s) · exp(−n²/2σ_y²) · exp(−z²/2σ_z²),
        C(s) = 1 − √(1 − A / (π σ_y σ_z))        (clipped at 1 in the near wake),

    from the momentum balance ∫∫_{z>0} U(U∞ − U) dA = ½ A U∞² — Bastankhah & Porté-Agel
    (2014), Renew Energy 70:116, doi:10.1016/j.renene.2014.01.002, eq. 7 (there
    C = 1 − √(1 − C_T d²/(8σ²)) for an axisymmetric wake of a disc of diameter d, the form NREL
    FLORIS uses), here elliptical and half-space. Far downstream C ≈ A/(2π σ_y σ_z) ∝ 1/s²: a
    3-D bluff body's wake, where the planar wake keeps ∝ 1/s. Near the source σ_z ≈ σ_z0 ≈ h
    and the wake behaves like the planar one. Averaged over the target: across its width as
    a Gaussian body profile of variance w²/12 (σ_y → σ_e = √(σ_y² + w²/12), amplitude
    × σ_y/σ_e), up its height exactly (mean of the Gaussian over 0…h, an error function).

    Examples
    --------
    >>> round(float(wake_deficit_finite_height(1.0, 0.0, wake_drag_area_m2=0.8,
    ...       initial_width_m=0.17, growth_rate=0.1, initial_height_m=1.44)), 3)
    0.288
    """
    p = FINITE_HEIGHT_PARAMETERS
    a = p["wake_drag_area_m2"] if wake_drag_area_m2 is None else wake_drag_area_m2
    sy0 = p["initial_width_m"] if initial_width_m is None else initial_width_m
    k = p["growth_rate"] if growth_rate is None else growth_rate
    sz0 = p["initial_height_m"] if initial_height_m is None else initial_height_m
    s = np.asarray(downstream_m, dtype=float)
    n = np.asarray(lateral_m, dtype=float)
    sp = np.maximum(s, 0.0)
    sy = sy0 + k * sp
    sz = sz0 + k * sp
    c = 1.0 - np.sqrt(np.maximum(1.0 - a / (np.pi * sy * sz), 0.0))
    var = sy * sy + body_width_m * body_width_m / 12.0
    lateral = sy / np.sqrt(var) * np.exp(-0.5 * n * n / var)
    return np.where(s > 0.0, c * lateral * _vertical_average(sz, body_height_m), 0.0)


def blockage_doublet(downstream_m, lateral_m, *, blockage_radius_m=PLANAR_PARAMETERS[
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


def blockage_doublet_finite_height(downstream_m, lateral_m, *, blockage_radius_m=
                                   PLANAR_PARAMETERS["blockage_radius_m"],
                                   body_height_m=BODY_HEIGHT_M):
    """Blockage of a body of finite height standing on the ground, averaged up the target.

    Parameters
    ----------
    downstream_m, lateral_m : array_like
        Position of the target relative to the source along (s) and across (n) the air [m].
    blockage_radius_m : float
        a [m]: the line carries the doublet density of a circular cylinder of radius a, so an
        infinitely tall body gives :func:`blockage_doublet` exactly.
    body_height_m : float
        h [m]: height of the source and of the target (both runners, :data:`BODY_HEIGHT_M`).

    Returns
    -------
    ndarray
        ΔU/U averaged over the target's height 0…h [-]; as :func:`blockage_doublet`, only the
        acceleration is kept behind the body (s > 0).

    Notes
    -----
    Potential flow: a vertical line of 3-D point doublets from z = 0 to h, mirrored in the
    ground (the image line −h…0 makes the ground a wall), density m = a²/2 per metre. A 3-D
    doublet of strength m gives Δu/U = m (r² − 3s²)/r⁵ (the sphere, u/U = 1 + R³(r² − 3x²)/
    (2r⁵): e.g. Anderson, *Fundamentals of Aerodynamics*, 6th ed., §6.4–6.5; Katz & Plotkin,
    *Low-Speed Aerodynamics*, 2nd ed., ch. 3, the point doublet); integrated over an infinite line
    it is the 2-D doublet a²(n² − s²)/r⁴. With ρ² = s² + n², t = ρ² + ζ² the integral along the
    line is F(ζ) = ζ/(ρ²√t) − s²ζ(2ζ² + 3ρ²)/(ρ⁴ t^{3/2}), and its mean over 0 ≤ z ≤ h is
    (m/h)[G(2h) − G(0)] with G(ζ) = √t/ρ² − s²(2√t − ρ²/√t)/ρ⁴. Close to the body (ρ ≪ h)
    the field is the 2-D one except near the head; far away (ρ ≫ h) one 3-D doublet of
    strength M = h a² (Δu/U = M(r² − 3s²)/r⁵), ∝ 1/ρ³. Abreast at 0.4 m: +0.222 (2-D:
    +0.250); at 2 m +0.0057 (2-D +0.010).

    Examples
    --------
    >>> round(float(blockage_doublet_finite_height(0.0, 0.4, blockage_radius_m=0.2)), 4)
    0.2223
    >>> round(float(blockage_doublet_finite_height(-1.0, 0.0, blockage_radius_m=0.2)), 4)
    -0.0384
    """
    s = np.asarray(downstream_m, dtype=float)
    n = np.asarray(lateral_m, dtype=float)
    d = _finite_height_doublet(s * s, n * n, blockage_radius_m, body_height_m)
    return np.where(s > 0.0, np.maximum(d, 0.0), d)


def _finite_height_doublet(s2, n2, a, h):
    # mean over the target's height of the mirrored line of 3-D doublets (no behind-cut)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = s2 + n2
        t = np.sqrt(p + 4.0 * h * h)
        g2h = t / p - s2 * (2.0 * t - p / t) / (p * p)
        g0 = n2 / (p * np.sqrt(p))
        return (0.5 * a * a / h) * (g2h - g0)


def _planar_doublet(s2, n2, a, h):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r2 = s2 + n2
        return a * a * (n2 - s2) / (r2 * r2)


def _named(registry, name, what):
    """``registry[name]``, or ValueError naming ``what`` and listing the valid names (the one
    lookup behind every ``get_*`` of this module)."""
    try:
        return registry[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in registry)
        raise ValueError(f"unknown {what} {name!r}; valid: {valid}") from None


#: Blockage (the air each body pushes aside): name → f(s², n², a, h) → ΔU/U at the target
#: [-] (before the cut behind the body). "planar" (the default): a 2-D doublet, an infinitely
#: tall cylinder of radius a (:func:`blockage_doublet`); "finite-height": a line of 3-D
#: doublets of the runner's height on the ground, averaged up the target
#: (:func:`blockage_doublet_finite_height`). docs/formation.md §2 compares them.
BLOCKAGE_MODELS = {"planar": _planar_doublet, "finite-height": _finite_height_doublet}

#: The default blockage (docs/formation.md §2).
DEFAULT_BLOCKAGE = "planar"


def get_blockage(name):
    """Look up a blockage model by name.

    Raises
    ------
    ValueError
        Unknown name; the message lists the valid names.

    Examples
    --------
    >>> get_blockage("finite-height").__name__
    '_finite_height_doublet'
    """
    return _named(BLOCKAGE_MODELS, name, "blockage model")


def superpose_linear(deficit):
    """Linear superposition of wake velocity deficits: Σ_j δ_j (Lissaman 1979).

    Parameters
    ----------
    deficit : array_like
        Deficits ΔU/U∞ of each source at each target, shape (..., source) [-].

    Returns
    -------
    ndarray
        Combined deficit, shape (...) [-] (not clipped; :func:`drag_ratio` clips at 1).

    Notes
    -----
    Lissaman P B S (1979), Energy effectiveness of arbitrary arrays of wind turbines,
    J Energy 3:323, doi:10.2514/3.62441. Adds the momentum deficits of the wakes; exact when
    the deficits are small and the wakes do not interact. Overlapping wakes side by side (a V)
    add in full; a long file in line adds without limit (harmonically: δ ∝ 1/s) — the
    physically questionable case, see docs/formation.md.

    Examples
    --------
    >>> float(superpose_linear([0.3, 0.4]))
    0.7
    """
    return np.sum(np.asarray(deficit, dtype=float), axis=-1)


def superpose_rss(deficit):
    """Root-sum-square superposition of deficits: √Σ_j δ_j² (Katić et al. 1986).

    Katić I, Højstrup J, Jensen N O (1986), A simple model for cluster efficiency, Proc EWEC
    1986, 407-410; FLORIS "sosfs". Conserves the *energy* deficit; saturates in a long file
    (cycling pacelines saturate after the third rider) but lets a second wake beside the
    first add little. Shapes and units as :func:`superpose_linear`.

    Examples
    --------
    >>> float(superpose_rss([0.3, 0.4]))
    0.5
    """
    d = np.asarray(deficit, dtype=float)
    return np.sqrt(np.sum(d * d, axis=-1))


def superpose_max(deficit):
    """The strongest single deficit: max_j δ_j (the "dominant wake" rule).

    Ignores every wake but the deepest; a lower bound of the others. Shapes and units as
    :func:`superpose_linear`.

    Examples
    --------
    >>> float(superpose_max([0.3, 0.4]))
    0.4
    """
    d = np.asarray(deficit, dtype=float)
    return np.max(d, axis=-1, initial=0.0)


def _superpose_none(deficit):
    return np.zeros(np.shape(deficit)[:-1])


#: How several wakes combine: name → f(deficits (..., source)) → deficit (...) [-].
#: "none" switches drafting off (no wake counts).
SUPERPOSITION_MODELS = {
    "linear": superpose_linear,
    "rss": superpose_rss,
    "max": superpose_max,
    "none": _superpose_none,
}

#: The default rule (see the module docstring and docs/formation.md for the reason).
DEFAULT_SUPERPOSITION = "linear"


def get_superposition(name_or_callable):
    """Look up a wake superposition rule by name, or pass a callable through.

    Parameters
    ----------
    name_or_callable : str or callable
        One of ``SUPERPOSITION_MODELS`` ("linear", "rss", "max", "none"), or a function
        deficits (..., source) → combined deficit (...).

    Returns
    -------
    callable

    Raises
    ------
    ValueError
        Unknown name; the message lists the valid names.
    TypeError
        Neither a string nor a callable.

    Examples
    --------
    >>> float(get_superposition("rss")([0.6, 0.8]))
    1.0
    """
    if callable(name_or_callable):
        return name_or_callable
    if isinstance(name_or_callable, str):
        return _named(SUPERPOSITION_MODELS, name_or_callable, "wake superposition")
    raise TypeError(f"expected a superposition name or a callable, got "
                    f"{type(name_or_callable).__name__}")


class WakeModel:
    """One wake shape: its constants (defaults = the fit) and how to evaluate it.

    Attributes
    ----------
    name : str
    parameters : dict
        Default constants (the calibration's fit) incl. ``blockage_radius_m``.
    fitted : tuple of str
        The constants :func:`paceline.formation.calibration.fit` fits.
    deficit : callable
        f(s, n, p) → ΔU/U averaged over the target [-], zero where s ≤ 0; ``p`` holds the
        constants plus ``body_width_m`` (and ``body_height_m``).
    reference : str
    """

    __slots__ = ("name", "parameters", "fitted", "deficit", "reference")

    def __init__(self, name, parameters, fitted, deficit, reference):
        self.name = name
        self.parameters = parameters
        self.fitted = tuple(fitted)
        self.deficit = deficit
        self.reference = reference

    def __repr__(self):
        return f"WakeModel({self.name!r})"


def _planar(ds, dn, p):
    # the same numbers as wake_deficit_gaussian, in place (the optimizer calls this on ~10⁵
    # formations at a time); zero where s ≤ 0 (the diagonal included)
    pos = ds > 0.0
    var = np.maximum(ds, 0.0)
    var *= p["growth_rate"]
    var += p["initial_width_m"]
    var *= var
    var += p["body_width_m"] ** 2 / 12.0
    wake = dn * dn
    wake /= var
    wake *= -0.5
    np.exp(wake, out=wake)
    np.sqrt(var, out=var)
    wake /= var
    wake *= p["momentum_thickness_m"] / np.sqrt(2.0 * np.pi)
    wake *= pos
    return wake


def _finite_height(ds, dn, p):
    # wake_deficit_finite_height, in place where it matters
    pos = ds > 0.0
    sp = np.maximum(ds, 0.0)
    sp *= p["growth_rate"]
    sz = sp + p["initial_height_m"]
    sy = sp
    sy += p["initial_width_m"]
    c = sy * sz
    c *= np.pi
    np.divide(p["wake_drag_area_m2"], c, out=c)
    np.subtract(1.0, c, out=c)
    np.maximum(c, 0.0, out=c)
    np.sqrt(c, out=c)
    np.subtract(1.0, c, out=c)
    var = sy * sy
    var += p["body_width_m"] ** 2 / 12.0
    wake = dn * dn
    wake /= var
    wake *= -0.5
    np.exp(wake, out=wake)
    np.sqrt(var, out=var)
    sy /= var
    wake *= sy
    wake *= c
    wake *= _vertical_average(sz, p["body_height_m"])
    wake *= pos
    return wake


#: Wake shapes: name → :class:`WakeModel`. docs/formation.md compares them in and out of
#: sample; the default is chosen there.
WAKE_MODELS = {
    "finite-height": WakeModel(
        "finite-height", FINITE_HEIGHT_PARAMETERS,
        ("wake_drag_area_m2", "initial_width_m", "growth_rate"), _finite_height,
        "3-D Gaussian wake of a body of finite height on the ground (Bastankhah & Porté-Agel "
        "2014 eq. 7, elliptical, ground as mirror plane)"),
    "planar": WakeModel(
        "planar", PLANAR_PARAMETERS,
        ("momentum_thickness_m", "initial_width_m", "growth_rate"), _planar,
        "2-D (infinitely tall) Gaussian wake, momentum conserving (shape after Bastankhah & "
        "Porté-Agel 2014)"),
}

#: The default wake shape (see docs/formation.md §2 for the reason).
DEFAULT_WAKE = "finite-height"

#: The default wake's constants (kept under this name for callers of the single-model days).
FIT_PARAMETERS = WAKE_MODELS[DEFAULT_WAKE].parameters


def get_wake_model(name_or_model) -> WakeModel:
    """Look up a wake shape by name (or pass a :class:`WakeModel` through).

    Raises
    ------
    ValueError
        Unknown name; the message lists the valid names.

    Examples
    --------
    >>> get_wake_model("planar").fitted
    ('momentum_thickness_m', 'initial_width_m', 'growth_rate')
    """
    if isinstance(name_or_model, WakeModel):
        return name_or_model
    return _named(WAKE_MODELS, name_or_model, "wake model")


# ---- wake-added turbulence: a waked body leaves a wider wake (selectable) -----------------

#: Drag coefficient of a runner on his frontal area, used as the "thrust coefficient" C_T of
#: momentum theory to give the body an induction factor [-]. ASSUMED: 0.9 (van Ingen Schenau
#: 1991, the Cd behind :func:`paceline.models.aerodynamics.drag_area_m2` with Pugh 1971's
#: frontal area).
RUNNER_DRAG_COEFFICIENT = 0.9

#: Crespo & Hernández (1996, J Wind Eng Ind Aerodyn 61:71-85, eq. 21 as implemented by DTU
#: PyWake and NREL FLORIS, and used by Niayifar & Porté-Agel 2016 eq. 13): the turbulence
#: intensity a wake adds, I+ = c·a^p_a·I0^p_I·(x/D)^p_x. The sign of p_I is disputed: FLORIS's
#: notes read −0.0325 in the original scan, PyWake and Niayifar & Porté-Agel use +0.0325
#: (used here; I0^±0.0325 differ by < 15 % for I0 = 0.12).
CRESPO_HERNANDEZ_COEFFICIENTS = {"constant": 0.73, "induction_exponent": 0.8325,
                                 "ambient_exponent": 0.0325, "distance_exponent": -0.32}

#: The lower end of the range of x/D the Crespo–Hernández fit was made for (5 ≤ x/D ≤ 15).
#: Closer behind the source I+ is held at its value at 5 D (no extrapolation of the power
#: law, which diverges at x → 0); for a runner D = 0.40 m, so this is every spacing < 2 m.
CRESPO_HERNANDEZ_MIN_DISTANCE_D = 5.0

#: Niayifar & Porté-Agel (2016, Energies 9:741, eq. 14): wake growth rate from the local
#: streamwise turbulence intensity, k = slope·I + offset (fitted to LES for 0.065 < I < 0.15).
NIAYIFAR_GROWTH_COEFFICIENTS = (0.3837, 0.003678)


def induction_factor(thrust_coefficient):
    """Axial induction factor of a body of given thrust (drag) coefficient, momentum theory.

    Parameters
    ----------
    thrust_coefficient : array_like
        C_T ≤ 1 [-] (a runner: its drag coefficient, :data:`RUNNER_DRAG_COEFFICIENT`).

    Returns
    -------
    ndarray
        a = ½(1 − √(1 − C_T)) [-] (C_T = 4a(1 − a), the lower root; as PyWake's Crespo–
        Hernández model computes it). NaN for C_T > 1.

    Examples
    --------
    >>> round(float(induction_factor(0.9)), 4)
    0.3419
    """
    ct = np.asarray(thrust_coefficient, dtype=float)
    with np.errstate(invalid="ignore"):
        return 0.5 * (1.0 - np.sqrt(1.0 - ct))


def added_turbulence_crespo_hernandez(induction, ambient_intensity, distance_over_diameter,
                                      *, clip_near=True):
    """Turbulence intensity added by one wake, Crespo & Hernández (1996).

    Parameters
    ----------
    induction : array_like
        Axial induction factor a of the source [-] (:func:`induction_factor`).
    ambient_intensity : array_like
        Ambient streamwise turbulence intensity I0 [-].
    distance_over_diameter : array_like
        Distance behind the source in source diameters (widths), x/D [-], > 0.
    clip_near : bool
        Hold I+ at its value at x/D = :data:`CRESPO_HERNANDEZ_MIN_DISTANCE_D` closer than that
        (the fit's range starts there); False evaluates the power law as written.

    Returns
    -------
    ndarray
        I+ = 0.73·a^0.8325·I0^0.0325·(x/D)^−0.32 [-].

    Notes
    -----
    Crespo A, Hernández J (1996), Turbulence characteristics in wind-turbine wakes, J Wind
    Eng Ind Aerodyn 61:71-85, doi:10.1016/0167-6105(95)00033-X (stated range 5 ≤ x/D ≤ 15,
    0.07 ≤ I0 ≤ 0.14, 0.1 ≤ a ≤ 0.4); used for wake growth by Niayifar & Porté-Agel (2016),
    Energies 9:741, doi:10.3390/en9090741.

    Examples
    --------
    >>> round(float(added_turbulence_crespo_hernandez(0.3, 0.1, 5.0)), 4)
    0.1485
    """
    c = CRESPO_HERNANDEZ_COEFFICIENTS
    x = np.asarray(distance_over_diameter, dtype=float)
    if clip_near:
        x = np.maximum(x, CRESPO_HERNANDEZ_MIN_DISTANCE_D)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (c["constant"] * np.asarray(induction, dtype=float) ** c["induction_exponent"]
                * np.asarray(ambient_intensity, dtype=float) ** c["ambient_exponent"]
                * x ** c["distance_exponent"])


def growth_rate_from_turbulence(turbulence_intensity):
    """Wake growth rate k from the local turbulence intensity (Niayifar & Porté-Agel 2016).

    Examples
    --------
    >>> round(float(growth_rate_from_turbulence(0.12)), 4)
    0.0497
    """
    slope, offset = NIAYIFAR_GROWTH_COEFFICIENTS
    return slope * np.asarray(turbulence_intensity, dtype=float) + offset


def turbulence_from_growth_rate(growth_rate):
    """The ambient turbulence intensity whose Niayifar–Porté-Agel growth rate is ``growth_rate``.

    Examples
    --------
    >>> round(float(turbulence_from_growth_rate(0.05)), 4)
    0.1207
    """
    slope, offset = NIAYIFAR_GROWTH_COEFFICIENTS
    return (np.asarray(growth_rate, dtype=float) - offset) / slope


def _no_added_turbulence(ds, dn, p):
    return p["growth_rate"]


def _growth_crespo_hernandez(ds, dn, p):
    """Growth rate of each runner's own wake (..., source) from the turbulence it stands in.

    ``ds``, ``dn`` (..., target, source). The ambient growth rate ``p["growth_rate"]`` (the
    fitted k0) fixes the ambient intensity I0 through Niayifar & Porté-Agel's relation; a runner
    standing in another's wake feels I = √(I0² + I+²), I+ from the upstream wake that adds the
    most (Niayifar & Porté-Agel 2016), weighted by the share of the runner's width inside that
    wake (edge at ±2σ_y, σ_y with the ambient k0: the width is not iterated), and its own
    wake grows at k = 0.3837·I + 0.003678.
    """
    k0 = p["growth_rate"]
    i0 = turbulence_from_growth_rate(k0)
    d = BODY_WIDTH_M  # the source's width is the "diameter"
    a = induction_factor(RUNNER_DRAG_COEFFICIENT)
    s = np.maximum(ds, 0.0)
    iplus = added_turbulence_crespo_hernandez(a, i0, s / d)
    edge = 2.0 * (p["initial_width_m"] + k0 * s)
    half = 0.5 * d
    inside = np.minimum(dn + half, edge) - np.maximum(dn - half, -edge)
    behind = np.where((ds == 0.0) & (dn == 0.0), 0.0, wake_onset(ds))  # not itself
    iplus = iplus * (np.clip(inside, 0.0, d) / d) * behind
    iplus = np.max(np.nan_to_num(iplus, nan=0.0), axis=-1, initial=0.0)  # (..., runner)
    return growth_rate_from_turbulence(np.sqrt(i0 * i0 + iplus * iplus))


class TurbulenceModel:
    """How a runner's own wake growth rate follows from the turbulence it runs in.

    Attributes
    ----------
    name : str
    growth : callable
        f(ds, dn, p) → growth rate of each runner's wake, shape (..., runner) or a scalar;
        ``ds``, ``dn`` (..., target, source) are the runners' offsets in the air frame.
    parameters : dict
        Wake name → the constants fitted with this option (what :func:`drag_ratio` uses for
        that wake when this option is selected and no constants are passed).
    reference : str
    """

    __slots__ = ("name", "growth", "parameters", "reference")

    def __init__(self, name, growth, parameters, reference):
        self.name = name
        self.growth = growth
        self.parameters = parameters
        self.reference = reference

    def __repr__(self):
        return f"TurbulenceModel({self.name!r})"


#: Wake-added turbulence: name → :class:`TurbulenceModel`. "crespo-hernandez" (the default):
#: a waked runner's wake grows faster (Crespo & Hernández 1996 + Niayifar & Porté-Agel 2016;
#: :data:`FINITE_HEIGHT_PARAMETERS` and :data:`PLANAR_PARAMETERS` are fitted with it);
#: "none": every wake grows at the fitted k, with its own fitted constants (the σ₀ and k
#: fits are the same, on their bounds). docs/formation.md §2 compares them.
TURBULENCE_MODELS = {
    "none": TurbulenceModel(
        "none", _no_added_turbulence,
        {"finite-height": {"wake_drag_area_m2": 0.8563}, "planar": {"momentum_thickness_m":
                                                                     0.2612}},
        "every wake grows at the fitted rate k (the default until docs/formation.md §2 "
        "compared the two)"),
    "crespo-hernandez": TurbulenceModel(
        "crespo-hernandez", _growth_crespo_hernandez, {},
        "added turbulence I+ of Crespo & Hernández 1996 (J Wind Eng Ind Aerodyn 61:71), "
        "k = 0.3837 I + 0.003678 of Niayifar & Porté-Agel 2016 (Energies 9:741)"),
}

#: The default (see docs/formation.md §2 for why: better in sample and held out).
DEFAULT_TURBULENCE = "crespo-hernandez"


def get_turbulence_model(name_or_model) -> TurbulenceModel:
    """Look up a wake-added turbulence option by name (or pass a :class:`TurbulenceModel`).

    Raises
    ------
    ValueError
        Unknown name; the message lists the valid names.

    Examples
    --------
    >>> get_turbulence_model("crespo-hernandez").name
    'crespo-hernandez'
    """
    if isinstance(name_or_model, TurbulenceModel):
        return name_or_model
    return _named(TURBULENCE_MODELS, name_or_model, "wake-added turbulence model")


# ---- near wake: the recirculation bubble behind a bluff body (selectable) -----------------

#: Mean recirculation length behind a runner in body widths, L_r/D [-]. A bluff body's
#: separated shear layers close ≈ 1–1.5 D behind it (circular cylinders at subcritical Reynolds
#: number; a runner is at Re ≈ 1.6·10⁵). ASSUMED: 1.25 D, the middle of that range, set before
#: any fit (docs/formation.md §2 also gives 1.0 and 1.5 D, not to choose between them).
RECIRCULATION_LENGTH_D = 1.25


def _near_wake_none(ds, dn, p, model):
    return model.deficit(ds, dn, p)


def _near_wake_recirculation(ds, dn, p, model):
    """Two regions as in Bastankhah & Porté-Agel (2016, J Fluid Mech 806:506): a near wake of
    length x0 and a far-wake Gaussian from x0 on, σ = σ0 + k (s − x0). For a bluff body x0 is
    the recirculation bubble, L_r = :data:`RECIRCULATION_LENGTH_D` body widths, and inside it
    the mean air on the wake's axis is at rest relative to the body (centre-line deficit 1,
    reverse flow not modelled), over a wake of the source's own width σ0 (and height σ_z0)."""
    lr = RECIRCULATION_LENGTH_D * BODY_WIDTH_M
    near = (ds > 0.0) & (ds <= lr)
    far = model.deficit(np.where(ds > lr, ds - lr, np.where(near, 1e-9, ds)), dn, p)
    w2 = p["body_width_m"] ** 2 / 12.0
    s0 = p["initial_width_m"]
    var = s0 * s0 + w2
    core = s0 / np.sqrt(var) * np.exp(-0.5 * dn * dn / var)
    if "initial_height_m" in p:  # finite height: averaged up the target as the far wake is
        core = core * _vertical_average(p["initial_height_m"], p["body_height_m"])
    return np.where(near, np.maximum(core, far), far)


#: Near-wake treatments: name → f(ds, dn, p, wake model) → body-averaged deficit. "none": the
#: far-wake Gaussian from the source on (the default); "recirculation": a bubble of
#: :data:`RECIRCULATION_LENGTH_D` widths with the far wake from its closure.
NEAR_WAKE_MODELS = {"none": _near_wake_none, "recirculation": _near_wake_recirculation}

#: The default near wake (docs/formation.md §2).
DEFAULT_NEAR_WAKE = "none"


def get_near_wake(name):
    """Look up a near-wake treatment by name.

    Raises
    ------
    ValueError
        Unknown name; the message lists the valid names.

    Examples
    --------
    >>> get_near_wake("recirculation").__name__
    '_near_wake_recirculation'
    """
    return _named(NEAR_WAKE_MODELS, name, "near-wake model")


def _params(kw, wake=DEFAULT_WAKE, turbulence=DEFAULT_TURBULENCE
            ) -> tuple[dict, WakeModel]:
    model = get_wake_model(wake)
    p = dict(model.parameters)
    p.update(get_turbulence_model(turbulence).parameters.get(model.name, {}))
    p["body_width_m"] = BODY_WIDTH_M
    if model.name != "planar":
        p["body_height_m"] = BODY_HEIGHT_M
    for k, v in kw.items():
        if k not in p:
            raise TypeError(f"unknown parameter {k!r} of the {model.name} wake; valid: "
                            f"{sorted(p)}")
        p[k] = v
    return p, model


def _relative_frame(dx, dy, speed_m_s, headwind_m_s, crosswind_m_s):
    """(s, n) of target-minus-source offsets (..., i, j) in the air-relative frame."""
    ex, ey = air_flow_direction(speed_m_s, headwind_m_s, crosswind_m_s)
    ex, ey = np.asarray(ex)[..., None, None], np.asarray(ey)[..., None, None]
    return dx * ex + dy * ey, dy * ex - dx * ey


def _with_local_growth(ds, dn, p, turbulence):
    """``p`` with each source's own growth rate (..., 1, source) when the option sets one."""
    if turbulence.name == "none":
        return p
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        k = turbulence.growth(ds, dn, p)
    return dict(p, growth_rate=np.asarray(k)[..., None, :])


def wake_onset(downstream_m, body_depth_m=BODY_DEPTH_M):
    """Share of a target's depth that lies behind the back of a source [-].

    Parameters
    ----------
    downstream_m : array_like
        s [m], the target's centre behind the source's along the air.
    body_depth_m : float
        Fore-aft depth d of both runners [m] (:data:`BODY_DEPTH_M`).

    Returns
    -------
    ndarray
        clip(s/d, 0, 1): the target's depth spans s ± d/2, the source's back is at d/2, so
        the share of the target behind it is 0 for s ≤ 0 (abreast or ahead: no wake, as
        before), 1 for s ≥ d, linear between — the depth average of a step where the wake is
        switched on and the doublet is cut behind the body (the model averages over the
        target's width and height the same way). It replaces a step at s = 0, across which
        the air speed jumped on the line through each body square to the air (review-12
        doubt F). Two runners can never be in each other's wake (only the one with s > 0).

    Examples
    --------
    >>> wake_onset([-0.3, 0.0, 0.075, 0.3]).tolist()
    [0.0, 0.0, 0.25, 1.0]
    """
    s = np.asarray(downstream_m, dtype=float)
    return np.clip(s / body_depth_m, 0.0, 1.0)


def _wake(ds, dn, p, model, near_wake=_near_wake_none, exclude=None):
    """The wakes at (ds, dn), switched on over the target's depth (:func:`wake_onset`)."""
    ds = np.array(ds, dtype=float)
    w = wake_onset(ds)
    if exclude is not None:
        w = np.where(exclude, 0.0, w)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # the shapes are zero for s ≤ 0: evaluate just behind the centre plane there
        d = near_wake(np.where(ds > 0.0, ds, 1e-12), np.array(dn, dtype=float), p, model)
        return np.where(w > 0.0, d * w, 0.0)


def _block(ds, dn, p, exclude=None, blockage=DEFAULT_BLOCKAGE):
    if p["blockage_radius_m"] == 0.0:
        return 0.0
    ds, dn = np.asarray(ds, float), np.asarray(dn, float)
    b = get_blockage(blockage)(ds * ds, dn * dn, p["blockage_radius_m"],
                               p.get("body_height_m", BODY_HEIGHT_M))
    b = b - wake_onset(ds) * np.minimum(b, 0.0)  # only the acceleration behind the body
    return b if exclude is None else np.where(exclude, 0.0, b)


def _runner_inflow(wake, combine):
    """Wake-only air speed at each runner, each source's wake scaled by its own inflow.

    ``wake`` (..., target, source) with zeros on the diagonal. Jacobi iteration from u = 1:
    the wakes form a chain ordered along the air flow (a source only affects runners
    downstream of it), so n iterations give the exact sequential solution; it stops earlier
    once nothing changes.
    """
    n = wake.shape[-1]
    u = np.ones(wake.shape[:-1])
    linear = combine is superpose_linear
    for _ in range(n):
        src = np.clip(u, 0.0, 1.0)
        if linear:  # Σ_j δ_ij u_j as a batched matrix-vector product
            total = np.matmul(wake, src[..., None])[..., 0]
        else:
            total = combine(wake * src[..., None, :])
        new = 1.0 - np.minimum(total, 1.0)
        if np.array_equal(new, u, equal_nan=True):
            break
        u = new
    return u


def speed_ratio_at(
    probe_x_m, probe_y_m, x_m, y_m, speed_m_s=5.85, headwind_m_s=0.0, crosswind_m_s=0.0,
    *, superposition=DEFAULT_SUPERPOSITION, wake=DEFAULT_WAKE,
    turbulence=DEFAULT_TURBULENCE, near_wake=DEFAULT_NEAR_WAKE, blockage=DEFAULT_BLOCKAGE,
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
    superposition : str or callable
        Rule combining several wakes (:data:`SUPERPOSITION_MODELS`).
    wake : str
        Wake shape (:data:`WAKE_MODELS`; default :data:`DEFAULT_WAKE`).
    turbulence : str
        Wake-added turbulence (:data:`TURBULENCE_MODELS`; default :data:`DEFAULT_TURBULENCE`).
    near_wake : str
        Near-wake treatment (:data:`NEAR_WAKE_MODELS`; default :data:`DEFAULT_NEAR_WAKE`).
    blockage : str
        Blockage (:data:`BLOCKAGE_MODELS`; default :data:`DEFAULT_BLOCKAGE`).
    **params
        Constants of that wake (see :data:`WAKE_MODELS` ``[wake].parameters``,
        ``body_width_m``, ``body_height_m``; ``body_width_m=0`` gives the point value across
        the flow instead of the body-width average).

    Returns
    -------
    ndarray
        U/U∞ at each probe, shape (..., n_probe) [-] (1 far from everyone).

    Notes
    -----
    U/U∞ = 1 − min(1, S_j δ_j) + Σ_j ι_j with δ the wakes (:func:`wake_deficit_gaussian`),
    S the superposition rule and ι the blockage (:func:`blockage_doublet`). Inside a runner's
    body the value is meaningless (the doublet is singular there).
    """
    turb = get_turbulence_model(turbulence)
    nw = get_near_wake(near_wake)
    get_blockage(blockage)
    p, model = _params(params, wake, turb)
    combine = get_superposition(superposition)
    px, py = np.asarray(probe_x_m, float), np.asarray(probe_y_m, float)
    x, y = np.asarray(x_m, float), np.asarray(y_m, float)
    # the runners' own inflow first (it scales the strength of their wakes)
    ds, dn = _relative_frame(x[..., :, None] - x[..., None, :],
                             y[..., :, None] - y[..., None, :],
                             speed_m_s, headwind_m_s, crosswind_m_s)
    p = _with_local_growth(ds, dn, p, turb)
    eye = np.eye(x.shape[-1], dtype=bool)
    u_src = np.clip(_runner_inflow(_wake(ds, dn, p, model, nw, exclude=eye), combine),
                    0.0, 1.0)
    ds, dn = _relative_frame(px[..., :, None] - x[..., None, :],
                             py[..., :, None] - y[..., None, :],
                             speed_m_s, headwind_m_s, crosswind_m_s)
    deficit = _wake(ds, dn, p, model, nw) * u_src[..., None, :]
    u = 1.0 - np.minimum(combine(deficit), 1.0)
    return u + np.sum(_block(ds, dn, p, blockage=blockage) * u_src[..., None, :], axis=-1)


def drag_ratio(x_m, y_m, speed_m_s=5.85, headwind_m_s=0.0, crosswind_m_s=0.0, *,
               superposition=DEFAULT_SUPERPOSITION, wake=DEFAULT_WAKE,
               turbulence=DEFAULT_TURBULENCE, near_wake=DEFAULT_NEAR_WAKE,
               blockage=DEFAULT_BLOCKAGE, **params):
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
    superposition : str or callable
        Rule combining several wakes (:data:`SUPERPOSITION_MODELS`; default
        :data:`DEFAULT_SUPERPOSITION`).
    wake : str
        Wake shape (:data:`WAKE_MODELS`: "finite-height" (default) or "planar").
    turbulence : str
        Wake-added turbulence (:data:`TURBULENCE_MODELS`): "crespo-hernandez" (default:
        ``growth_rate`` is the ambient k0; a runner in another's wake leaves a wake that grows
        faster, Crespo & Hernández 1996 with Niayifar & Porté-Agel 2016) or "none" (every
        wake grows at ``growth_rate``; its defaults are that option's own fit).
    near_wake : str
        Near-wake treatment (:data:`NEAR_WAKE_MODELS`): "none" (default) or "recirculation"
        (a recirculation bubble of :data:`RECIRCULATION_LENGTH_D` body widths, the far wake
        from its closure, after Bastankhah & Porté-Agel 2016's two regions).
    blockage : str
        The air each body pushes aside (:data:`BLOCKAGE_MODELS`): "planar" (default, a 2-D
        doublet) or "finite-height" (a line of 3-D doublets of the runner's height on the
        ground, :func:`blockage_doublet_finite_height`).
    **params
        Constants of that wake (``WAKE_MODELS[wake].parameters``, ``body_width_m``,
        ``body_height_m``).

    Raises
    ------
    ValueError
        Unknown wake, superposition or turbulence name (the message lists the valid ones).
    TypeError
        A constant the wake does not have.

    Returns
    -------
    ndarray
        D/D_alone for each runner, shape (..., n_runner) [-]: 1 = as if alone, 0 = no drag,
        > 1 = more drag than alone (a runner beside others). NaN for every runner of a
        formation with a non-finite position or two runners closer than
        :data:`MIN_DISTANCE_M` (they would overlap).

    Notes
    -----
    For runner i, U_i/U∞ = 1 − min(1, S_{j≠i} δ_ij) + Σ_{j≠i} ι_ij (see
    :func:`speed_ratio_at`), and D_i/D_alone = (U_i/U∞)·|U_i/U∞| (quadratic drag, same drag
    area). Each source's wake and blockage are scaled by the wake-only air speed at that
    source (a sheltered runner leaves a weaker wake: Niayifar & Porté-Agel 2016, Energies
    9:741, eq. 11, "local inflow" superposition), solved in flow order. Source pairs use
    positions in the air-relative frame: s = (r_i − r_j)·ê,
    n = (r_i − r_j)×ê, with ê from :func:`air_flow_direction`.

    Checks (tests/models/test_drafting.py; fitted, see docs/formation.md): one pacer 1.0 m
    ahead and Li et al. 2025's V of three.

    References
    ----------
    Schickhofer L, Hanson H (2021). Aerodynamic effects and performance improvements of running
    in drafting formations. J Biomech 122:110457. doi:10.1016/j.jbiomech.2021.110457
    Li B, Zhang Y, Feng J, Hong P (2025). Physics of Fluids 37(3) (drafting formations of two
    to four runners; INEOS formation −63 %, V of three pacers −89 %).
    Bastankhah M, Porté-Agel F (2014). A new analytical model for wind-turbine wakes.
    Renew Energy 70:116-123. doi:10.1016/j.renene.2014.01.002

    Examples
    --------
    >>> r = drag_ratio([0.0, 1.0], [0.0, 0.0])      # athlete, one pacer 1 m ahead
    >>> round(float(r[0]), 2)
    0.33
    """
    turb = get_turbulence_model(turbulence)
    nw = get_near_wake(near_wake)
    get_blockage(blockage)
    p, model = _params(params, wake, turb)
    combine = get_superposition(superposition)
    x, y = np.broadcast_arrays(np.asarray(x_m, float), np.asarray(y_m, float))
    n = x.shape[-1]
    eye = np.eye(n, dtype=bool)
    dx = x[..., :, None] - x[..., None, :]  # target i minus source j; 0 on the diagonal
    dy = y[..., :, None] - y[..., None, :]
    ex, ey = air_flow_direction(speed_m_s, headwind_m_s, crosswind_m_s)
    ex, ey = np.asarray(ex)[..., None, None], np.asarray(ey)[..., None, None]
    ds = dx * ex
    ds += dy * ey
    dn = dy * ex
    dn -= dx * ey
    onset = wake_onset(ds)  # the wake over the target's depth; 0 upstream
    onset[..., eye] = 0.0  # and on the diagonal
    p = _with_local_growth(ds, dn, p, turb)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # the shapes are zero for s ≤ 0: evaluate them just behind the source, then ramp
        deficit = nw(np.maximum(ds, 1e-12), dn, p, model)
        deficit *= onset
    n2 = dn * dn
    u = _runner_inflow(deficit, combine)
    s2 = ds * ds
    r2 = s2 + n2  # squared distance between runners (rotation does not change it)
    r2[..., eye] = np.inf
    a = p["blockage_radius_m"]
    if a != 0.0 and blockage == "planar":
        # doublet a²(n² − s²)/r⁴ in place (the optimizer's hot path), only the acceleration
        # kept behind a body
        block = n2 - s2
        block *= a * a
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            block /= r2 * r2  # overlapping runners: NaN, returned as such below
            block -= onset * np.minimum(block, 0.0)  # only the acceleration behind a body
            u = u + np.matmul(block, np.clip(u, 0.0, 1.0)[..., None])[..., 0]
    elif a != 0.0:
        block = np.where(eye, 0.0, get_blockage(blockage)(s2, n2, a, p.get(
            "body_height_m", BODY_HEIGHT_M)))
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            block -= onset * np.minimum(block, 0.0)
            u = u + np.matmul(block, np.clip(u, 0.0, 1.0)[..., None])[..., 0]
    with np.errstate(over="ignore", invalid="ignore"):  # only overlapping runners: NaN below
        ratio = u * np.abs(u)
    bad = np.min(r2, axis=(-1, -2)) < MIN_DISTANCE_M**2
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
