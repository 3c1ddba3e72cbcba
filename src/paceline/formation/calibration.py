"""Calibrate the drafting model on published wind-tunnel and CFD cases; report every residual.

The cases are data (``paceline/data/drafting_calibration.csv``, one row per published case:
geometry, speed, reported drag reduction, source, how sure we are of the number
(``confidence``: paper / abstract / secondary report) and of the geometry (``geometry``:
stated / assumed / unknown), and how the geometry was read). :func:`fit` does a *weighted*
least-squares fit of the three constants of one wake shape (``wake=``) of
:mod:`paceline.models.drafting` to all cases marked ``in_fit``; :func:`leave_one_source_out`
refits without each source in turn and predicts that source's cases — the honest
out-of-sample error. The sources disagree with each other (the same geometry is −65 % by
CFD and −67 % in the tunnel; the Vienna shape is −50 % in Marro's tunnel and −63 % in Li's
CFD): the residuals show it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from paceline.errors import InputFileError
from paceline.models import drafting as dm

__all__ = ["CalibrationCase", "CaseResidual", "CalibrationResult", "HeldOutResult",
           "read_cases", "fit", "residuals", "leave_one_source_out", "PARAMETER_BOUNDS",
           "RUNNER_DRAG_AREA_RANGE_M2", "CONFIDENCE_WEIGHTS", "GEOMETRY_WEIGHTS"]

#: Drag areas of a runner alone the literature uses [m²]: ≈ 0.24 (several authors) to
#: 0.38 (Pugh 1971's frontal area × van Ingen Schenau 1991's Cd = 0.9 for Kipchoge's 52 kg,
#: 1.67 m; :func:`paceline.models.aerodynamics.drag_area_m2`).
RUNNER_DRAG_AREA_RANGE_M2 = (0.24, 0.38)

#: Bounds of the fitted constants of each wake shape (physical ranges, not tuning), stated
#: before any fit. Common to both: σ₀ ≥ :data:`paceline.models.drafting.MIN_INITIAL_WIDTH_M`
#: (a wake at least body-wide at its source: full width at half maximum ≥ the body width);
#: k ≥ 0.05 (a wake that widens downstream at least as fast as a turbine wake in 12 %
#: turbulence: Niayifar & Porté-Agel 2016, k = 0.3837·TI + 0.003678), k ≤ 0.6.
#: Wake strength, a quarter to three times its linear-momentum value:
#: planar θ around a 2-D bluff body's momentum thickness Cd·w/2 ≈ 0.2 m (drag per unit height
#: ½ρU²·Cd·w = ρU²θ with Cd ≈ 1) → 0.05–0.6 m; finite-height A around the runner's drag area
#: (momentum deficit of the whole wake = the drag, Bastankhah & Porté-Agel 2014 eq. 2) →
#: ¼ × 0.24 to 3 × 0.38 m². σ_z0 is not fitted (:data:`paceline.models.drafting
#: .MIN_INITIAL_HEIGHT_M`). The blockage radius is not fitted.
PARAMETER_BOUNDS = {
    "planar": {
        "momentum_thickness_m": (0.05, 0.6),
        "initial_width_m": (float(dm.MIN_INITIAL_WIDTH_M), 0.6),
        "growth_rate": (0.05, 0.6),
    },
    "finite-height": {
        "wake_drag_area_m2": (0.25 * RUNNER_DRAG_AREA_RANGE_M2[0],
                              3.0 * RUNNER_DRAG_AREA_RANGE_M2[1]),
        "initial_width_m": (float(dm.MIN_INITIAL_WIDTH_M), 0.6),
        "growth_rate": (0.05, 0.6),
    },
}

#: Weight of a case by where its number comes from (ASSUMED scale, stated in
#: docs/formation.md; fixed before any fit and not varied to improve one).
CONFIDENCE_WEIGHTS = {"paper": 1.0, "abstract": 0.7, "secondary": 0.4}
#: ... and by how its geometry is known. "unknown" cases are listed, never fitted.
GEOMETRY_WEIGHTS = {"stated": 1.0, "assumed": 0.6, "unknown": 0.0}


@dataclass(frozen=True)
class CalibrationCase:
    case_id: str
    source_id: str  # one id per publication (leave-one-source-out groups by it)
    source: str
    doi: str
    method: str  # "CFD" or "wind tunnel"
    confidence: str  # "paper", "abstract" or "secondary"
    geometry: str  # "stated", "assumed" or "unknown"
    speed_m_s: float
    x_m: np.ndarray | None  # (n_runner,), athlete first at 0 [m]; None: geometry unknown
    y_m: np.ndarray | None
    published_reduction: float  # athlete's drag reduction reported [-]
    in_fit: bool
    geometry_read: str

    @property
    def weight(self) -> float:
        """Weight in the fit [-]: confidence × geometry weight; 0 when not fitted."""
        if not self.in_fit or self.x_m is None:
            return 0.0
        return CONFIDENCE_WEIGHTS[self.confidence] * GEOMETRY_WEIGHTS[self.geometry]


@dataclass(frozen=True)
class CaseResidual:
    case: CalibrationCase
    model_reduction: float  # [-]; NaN when the geometry is unknown

    @property
    def residual(self) -> float:
        """Model − published drag reduction [-] (+ = the model promises more than the source)."""
        return self.model_reduction - self.case.published_reduction


def _rms(values) -> float:
    v = np.asarray([x for x in values if np.isfinite(x)], float)
    return float(np.sqrt(np.mean(v * v))) if v.size else float("nan")


@dataclass(frozen=True)
class CalibrationResult:
    parameters: dict[str, float]  # fitted constants
    cases: tuple[CaseResidual, ...]
    superposition: str = dm.DEFAULT_SUPERPOSITION
    wake: str = dm.DEFAULT_WAKE
    turbulence: str = dm.DEFAULT_TURBULENCE
    near_wake: str = dm.DEFAULT_NEAR_WAKE
    blockage: str = dm.DEFAULT_BLOCKAGE

    def _fitted(self):
        return [c for c in self.cases if c.case.weight > 0]

    @property
    def rms_residual(self) -> float:
        """Unweighted RMS of the residuals over the fitted cases [-] (in sample)."""
        return _rms([c.residual for c in self._fitted()])

    @property
    def weighted_rms_residual(self) -> float:
        """√(Σ w r² / Σ w) over the fitted cases [-]: what the fit minimises."""
        c = self._fitted()
        w = np.array([x.case.weight for x in c])
        r = np.array([x.residual for x in c])
        return float(np.sqrt(np.sum(w * r * r) / np.sum(w)))

    @property
    def max_abs_residual(self) -> float:
        return float(max(abs(c.residual) for c in self._fitted()))


@dataclass(frozen=True)
class HeldOutResult:
    """Leave-one-source-out: each fitted case predicted by a fit that never saw its source."""

    cases: tuple[CaseResidual, ...]  # model_reduction = the held-out prediction
    parameters_by_source: dict[str, dict[str, float]]
    superposition: str = dm.DEFAULT_SUPERPOSITION
    wake: str = dm.DEFAULT_WAKE
    turbulence: str = dm.DEFAULT_TURBULENCE
    near_wake: str = dm.DEFAULT_NEAR_WAKE
    blockage: str = dm.DEFAULT_BLOCKAGE

    @property
    def rms_residual(self) -> float:
        """Unweighted RMS of the held-out residuals over every fitted case [-]."""
        return _rms([c.residual for c in self.cases])

    def rms_by_source(self) -> dict[str, float]:
        out: dict[str, list[float]] = {}
        for c in self.cases:
            out.setdefault(c.case.source_id, []).append(c.residual)
        return {k: _rms(v) for k, v in out.items()}


def _xy(text: str):
    text = text.strip()
    if not text:
        return None, None
    pts = [tuple(float(v) for v in p.split()) for p in text.split(";")]
    if any(len(p) != 2 for p in pts):
        raise ValueError(f"pacers_xy_m needs 'x y' pairs separated by ';', got {text!r}")
    return (np.array([0.0] + [p[0] for p in pts]), np.array([0.0] + [p[1] for p in pts]))


def read_cases(path=None) -> list[CalibrationCase]:
    """The published cases (bundled CSV by default).

    Raises
    ------
    InputFileError
        A malformed row (missing column, number that does not parse, unknown confidence or
        geometry label).
    """
    src = path or resources.files("paceline").joinpath("data", "drafting_calibration.csv")
    try:
        text = src.read_text(encoding="utf-8")
        rows = list(csv.DictReader(text.splitlines()))
        cases = []
        for r in rows:
            x, y = _xy(r["pacers_xy_m"])
            if r["confidence"] not in CONFIDENCE_WEIGHTS:
                raise ValueError(f"confidence {r['confidence']!r} not in "
                                 f"{sorted(CONFIDENCE_WEIGHTS)}")
            if r["geometry"] not in GEOMETRY_WEIGHTS:
                raise ValueError(f"geometry {r['geometry']!r} not in {sorted(GEOMETRY_WEIGHTS)}")
            cases.append(CalibrationCase(
                case_id=r["case_id"], source_id=r["source_id"], source=r["source"],
                doi=r["doi"], method=r["method"], confidence=r["confidence"],
                geometry=r["geometry"], speed_m_s=float(r["speed_m_s"]), x_m=x, y_m=y,
                published_reduction=float(r["athlete_drag_reduction"]),
                in_fit=r["in_fit"].strip() == "1", geometry_read=r["geometry_read"]))
    except (KeyError, ValueError, IndexError) as exc:
        raise InputFileError(f"malformed calibration table ({exc})", where=str(src)) from None
    return cases


def _model_reductions(cases, params, superposition, wake,
                      turbulence=dm.DEFAULT_TURBULENCE,
                      near_wake=dm.DEFAULT_NEAR_WAKE,
                      blockage=dm.DEFAULT_BLOCKAGE) -> np.ndarray:
    return np.array([
        np.nan if c.x_m is None else
        1.0 - float(dm.drag_ratio(c.x_m, c.y_m, c.speed_m_s, superposition=superposition,
                                  wake=wake, turbulence=turbulence, near_wake=near_wake,
                                  blockage=blockage, **params)[0])
        for c in cases])


def residuals(params: dict[str, float] | None = None, cases=None,
              superposition=dm.DEFAULT_SUPERPOSITION, wake=dm.DEFAULT_WAKE,
              turbulence=dm.DEFAULT_TURBULENCE, near_wake=dm.DEFAULT_NEAR_WAKE,
              blockage=dm.DEFAULT_BLOCKAGE) -> CalibrationResult:
    """Model vs published for every case, with the given constants (default: the model's)."""
    cases = cases if cases is not None else read_cases()
    model = dm.get_wake_model(wake)
    turb = dm.get_turbulence_model(turbulence).name
    p = (dict(model.parameters) | dm.TURBULENCE_MODELS[turb].parameters.get(model.name, {})
         if params is None else dict(params))
    dm.get_near_wake(near_wake)
    dm.get_blockage(blockage)
    red = _model_reductions(cases, p, superposition, model.name, turb, near_wake, blockage)
    return CalibrationResult(p, tuple(CaseResidual(c, float(m))
                                      for c, m in zip(cases, red, strict=True)), superposition,
                             model.name, turb, near_wake, blockage)


def _fit_parameters(used, superposition, wake, x0=None,
                    turbulence=dm.DEFAULT_TURBULENCE,
                    near_wake=dm.DEFAULT_NEAR_WAKE,
                    blockage=dm.DEFAULT_BLOCKAGE) -> dict[str, float]:
    model = dm.get_wake_model(wake)
    bounds = PARAMETER_BOUNDS[model.name]
    names = list(bounds)
    obs = np.array([c.published_reduction for c in used])
    sw = np.sqrt([c.weight for c in used])
    lo = np.array([bounds[k][0] for k in names])
    hi = np.array([bounds[k][1] for k in names])
    start = x0 if x0 is not None else [model.parameters[k] for k in names]
    start = np.clip(start, lo + 1e-9, hi - 1e-9)

    fixed = {k: v for k, v in model.parameters.items() if k not in bounds}

    def f(theta):
        return sw * (_model_reductions(used, dict(zip(names, theta, strict=True)) | fixed,
                                       superposition, model.name, turbulence, near_wake,
                                       blockage)
                     - obs)

    from scipy.optimize import least_squares  # lazy: ~0.25 s to import

    best = None
    # two starts (the defaults and the middle of the box): the problem is small and not convex
    for s0 in (start, 0.5 * (lo + hi)):
        sol = least_squares(f, s0, bounds=(lo, hi), x_scale=hi - lo)
        if best is None or sol.cost < best.cost:
            best = sol
    return dict(zip(names, (float(v) for v in best.x), strict=True)) | fixed


def fit(cases=None, superposition=dm.DEFAULT_SUPERPOSITION,
        wake=dm.DEFAULT_WAKE, turbulence=dm.DEFAULT_TURBULENCE,
        near_wake=dm.DEFAULT_NEAR_WAKE, blockage=dm.DEFAULT_BLOCKAGE) -> CalibrationResult:
    """Weighted least-squares fit of a wake shape's constants to the cases marked ``in_fit``.

    Each residual is weighted by :attr:`CalibrationCase.weight` (confidence × geometry,
    :data:`CONFIDENCE_WEIGHTS`, :data:`GEOMETRY_WEIGHTS`), bounded by
    :data:`PARAMETER_BOUNDS` ``[wake]``, started from the model's defaults and from the middle
    of the bounds (the better of the two is kept).

    Parameters
    ----------
    cases : list of CalibrationCase, optional
        Default: the bundled table.
    superposition : str or callable
        Wake superposition rule (:data:`paceline.models.drafting.SUPERPOSITION_MODELS`).
    wake : str
        Wake shape (:data:`paceline.models.drafting.WAKE_MODELS`).
    turbulence : str
        Wake-added turbulence (:data:`paceline.models.drafting.TURBULENCE_MODELS`); with
        "crespo-hernandez" the fitted ``growth_rate`` is the *ambient* k0 (same bounds).
    near_wake : str
        Near-wake treatment (:data:`paceline.models.drafting.NEAR_WAKE_MODELS`).
    blockage : str
        Blockage (:data:`paceline.models.drafting.BLOCKAGE_MODELS`; not fitted).

    Raises
    ------
    ValueError
        Unknown superposition rule or wake shape (the message lists the valid names).
    """
    cases = cases if cases is not None else read_cases()
    dm.get_superposition(superposition)
    wake = dm.get_wake_model(wake).name
    turbulence = dm.get_turbulence_model(turbulence).name
    dm.get_near_wake(near_wake)
    dm.get_blockage(blockage)
    used = [c for c in cases if c.weight > 0]
    return residuals(_fit_parameters(used, superposition, wake, turbulence=turbulence,
                                     near_wake=near_wake, blockage=blockage), cases,
                     superposition, wake, turbulence, near_wake, blockage)


def leave_one_source_out(cases=None, superposition=dm.DEFAULT_SUPERPOSITION,
                         progress=None, wake=dm.DEFAULT_WAKE,
                         turbulence=dm.DEFAULT_TURBULENCE,
                         near_wake=dm.DEFAULT_NEAR_WAKE,
                         blockage=dm.DEFAULT_BLOCKAGE) -> HeldOutResult:
    """Fit on every source but one, predict that source's cases; once per source.

    Returns
    -------
    HeldOutResult
        One held-out prediction per fitted case, and the constants of each refit.
    """
    cases = cases if cases is not None else read_cases()
    wake = dm.get_wake_model(wake).name
    turbulence = dm.get_turbulence_model(turbulence).name
    used = [c for c in cases if c.weight > 0]
    sources = list(dict.fromkeys(c.source_id for c in used))
    out, params = [], {}
    for k, s in enumerate(sources):
        train = [c for c in used if c.source_id != s]
        test = [c for c in used if c.source_id == s]
        p = _fit_parameters(train, superposition, wake, turbulence=turbulence,
                            near_wake=near_wake, blockage=blockage)
        params[s] = p
        red = _model_reductions(test, p, superposition, wake, turbulence, near_wake, blockage)
        out.extend(CaseResidual(c, float(m)) for c, m in zip(test, red, strict=True))
        if progress is not None:
            progress(k + 1, len(sources))
    order = {c.case_id: i for i, c in enumerate(used)}
    out.sort(key=lambda r: order[r.case.case_id])
    return HeldOutResult(tuple(out), params, superposition, wake, turbulence, near_wake,
                         blockage)
