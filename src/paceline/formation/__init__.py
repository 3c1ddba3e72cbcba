"""paceline.formation: pacer formations — presets, evaluation, calibration, optimization.

Orchestration over :mod:`paceline.models.drafting`: no physics here, no printing; long work
reports progress through a ``progress(done, total)`` callback.
"""

from paceline.formation.calibration import (
    CalibrationResult,
    HeldOutResult,
    fit,
    leave_one_source_out,
    read_cases,
    residuals,
)
from paceline.formation.compare import (
    FormationComparison,
    compare_formations,
    single_pacer_at_same_distance,
)
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
    "HeldOutResult",
    "FormationComparison",
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
    "leave_one_source_out",
    "compare_formations",
    "single_pacer_at_same_distance",
    "with_formation",
    "formation_worth_s",
]
