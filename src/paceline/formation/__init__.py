"""paceline.formation: pacer formations — presets, evaluation, calibration, optimization.

Orchestration over :mod:`paceline.models.drafting`: no physics here, no printing; long work
reports progress through a ``progress(done, total)`` callback.
"""

from paceline.formation.calibration import CalibrationResult, fit, read_cases, residuals
from paceline.formation.core import (
    FormationResult,
    athlete_drag_reduction,
    check_formation,
    evaluate,
    expected_drag_ratio,
    formation_for_drafting,
)
from paceline.formation.optimize import OptimizationResult, optimize
from paceline.formation.presets import (
    Formation,
    formation_from_positions,
    load_preset,
    preset_names,
)
from paceline.formation.worth import FormationWorth, formation_worth_s, with_formation

__all__ = [
    "Formation",
    "FormationResult",
    "OptimizationResult",
    "CalibrationResult",
    "FormationWorth",
    "preset_names",
    "load_preset",
    "formation_from_positions",
    "evaluate",
    "expected_drag_ratio",
    "check_formation",
    "formation_for_drafting",
    "athlete_drag_reduction",
    "optimize",
    "read_cases",
    "residuals",
    "fit",
    "with_formation",
    "formation_worth_s",
]
