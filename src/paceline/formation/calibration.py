"""Calibrate the drafting model on published wind-tunnel and CFD cases; report every residual.

The cases are data (``paceline/data/drafting_calibration.csv``, one row per published case:
geometry, speed, reported drag reduction, source, how the geometry was read). :func:`fit`
least-squares the four shape constants of :mod:`paceline.models.drafting` to all cases marked
``in_fit`` and returns the model's value and residual for *every* case. The sources disagree
with each other (the same geometry is −65 % by CFD and −67 % in the tunnel; the Vienna shape
is −50 % in Marro's tunnel where the model, fitted to CFD, says more): the residuals show it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from paceline.errors import InputFileError
from paceline.models import drafting as dm

__all__ = ["CalibrationCase", "CaseResidual", "CalibrationResult", "read_cases", "fit",
           "residuals", "PARAMETER_BOUNDS"]

#: Bounds of the fitted constants (physical ranges, not tuning): θ, σ₀ [m], k [-], a [m].
PARAMETER_BOUNDS = {
    "momentum_thickness_m": (0.02, 1.5),
    "initial_width_m": (0.05, 0.6),
    "growth_rate": (0.0, 0.6),
    "blockage_radius_m": (0.0, 0.6),
}


@dataclass(frozen=True)
class CalibrationCase:
    case_id: str
    source: str
    doi: str
    method: str  # "CFD" or "wind tunnel"
    speed_m_s: float
    x_m: np.ndarray  # (n_runner,), athlete first at 0 [m]
    y_m: np.ndarray
    published_reduction: float  # athlete's drag reduction reported [-]
    in_fit: bool
    geometry_read: str


@dataclass(frozen=True)
class CaseResidual:
    case: CalibrationCase
    model_reduction: float  # [-]

    @property
    def residual(self) -> float:
        """Model − published drag reduction [-] (+ = the model promises more than the source)."""
        return self.model_reduction - self.case.published_reduction


@dataclass(frozen=True)
class CalibrationResult:
    parameters: dict[str, float]  # fitted constants
    cases: tuple[CaseResidual, ...]

    @property
    def rms_residual(self) -> float:
        r = [c.residual for c in self.cases if c.case.in_fit]
        return float(np.sqrt(np.mean(np.square(r))))

    @property
    def max_abs_residual(self) -> float:
        return float(max(abs(c.residual) for c in self.cases))


def read_cases(path=None) -> list[CalibrationCase]:
    """The published cases (bundled CSV by default)."""
    src = path or resources.files("paceline").joinpath("data", "drafting_calibration.csv")
    try:
        text = src.read_text(encoding="utf-8")
        rows = list(csv.DictReader(text.splitlines()))
        cases = []
        for r in rows:
            pts = [tuple(float(v) for v in p.split()) for p in r["pacers_xy_m"].split(";")]
            cases.append(CalibrationCase(
                case_id=r["case_id"], source=r["source"], doi=r["doi"], method=r["method"],
                speed_m_s=float(r["speed_m_s"]),
                x_m=np.array([0.0] + [p[0] for p in pts]),
                y_m=np.array([0.0] + [p[1] for p in pts]),
                published_reduction=float(r["athlete_drag_reduction"]),
                in_fit=r["in_fit"].strip() == "1", geometry_read=r["geometry_read"]))
    except (KeyError, ValueError, IndexError) as exc:
        raise InputFileError(f"malformed calibration table ({exc!r})", where=str(src)) from None
    return cases


def _model_reductions(cases, params) -> np.ndarray:
    return np.array([1.0 - float(dm.drag_ratio(c.x_m, c.y_m, c.speed_m_s, **params)[0])
                     for c in cases])


def residuals(params: dict[str, float] | None = None, cases=None) -> CalibrationResult:
    """Model vs published for every case, with the given constants (default: the model's)."""
    cases = cases if cases is not None else read_cases()
    p = dict(dm.FIT_PARAMETERS) if params is None else dict(params)
    red = _model_reductions(cases, p)
    return CalibrationResult(p, tuple(CaseResidual(c, float(m))
                                      for c, m in zip(cases, red, strict=True)))


def fit(cases=None) -> CalibrationResult:
    """Least-squares fit of the four shape constants to the cases marked ``in_fit``.

    Ordinary least squares on the drag reductions, every case weighted equally (no case is
    favoured; the disagreement between sources stays visible in the residuals). Starts from
    the model's defaults; bounded by :data:`PARAMETER_BOUNDS`.
    """
    cases = cases if cases is not None else read_cases()
    used = [c for c in cases if c.in_fit]
    names = list(PARAMETER_BOUNDS)
    obs = np.array([c.published_reduction for c in used])
    lo = np.array([PARAMETER_BOUNDS[k][0] for k in names])
    hi = np.array([PARAMETER_BOUNDS[k][1] for k in names])
    x0 = np.clip([dm.FIT_PARAMETERS[k] for k in names], lo, hi)

    def f(theta):
        return _model_reductions(used, dict(zip(names, theta, strict=True))) - obs

    from scipy.optimize import least_squares  # lazy: ~0.25 s to import

    sol = least_squares(f, x0, bounds=(lo, hi), x_scale=hi - lo)
    return residuals(dict(zip(names, (float(v) for v in sol.x), strict=True)), cases)
