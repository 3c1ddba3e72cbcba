"""Validation: real races predicted out of sample, each from another race of the same athlete.

An orchestrator: it runs :class:`~paceline.sim.RaceModel` (and, for the P10–P90 band,
:class:`~paceline.sim.MonteCarlo`) on each case and returns an immutable
:class:`ValidationResult`. Nothing is fitted to the races: each prediction uses only the
athlete's other race (``athlete.reference``) and the model's published coefficients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from paceline.course import Course
from paceline.scenario import Scenario
from paceline.sim.montecarlo import MonteCarlo
from paceline.sim.race import RaceModel

__all__ = ["ValidationCase", "ValidationRow", "ValidationResult", "validate_races"]


@dataclass(frozen=True)
class ValidationCase:
    """One race to predict: its scenario (with ``race.actual_time`` and, as
    ``athlete.reference``, the race it is predicted from) and its courses."""

    name: str
    athlete: str
    predicted_from: str
    scenario: Scenario
    course: Course | None = None
    reference_course: Course | None = None


@dataclass(frozen=True)
class ValidationRow:
    """Predicted against actual for one race. Times in s; error = predicted − actual."""

    name: str
    athlete: str
    predicted_from: str
    distance_m: float
    predicted_s: float
    actual_s: float
    p10_s: float  # NaN when no band was drawn
    p90_s: float

    @property
    def error_s(self) -> float:
        return self.predicted_s - self.actual_s

    @property
    def error_frac(self) -> float:
        return self.error_s / self.actual_s

    @property
    def within_p10_p90(self) -> bool | None:
        """Whether the actual time fell inside the P10–P90 band (None without a band)."""
        if not np.isfinite(self.p10_s):
            return None
        return bool(self.p10_s <= self.actual_s <= self.p90_s)


@dataclass(frozen=True)
class ValidationResult:
    """All rows, with the mean absolute error and the mean (signed) error [s]."""

    rows: tuple[ValidationRow, ...]
    band_draws: int
    seed: int | None

    @property
    def mae_s(self) -> float:
        return float(np.mean([abs(r.error_s) for r in self.rows]))

    @property
    def mean_error_s(self) -> float:
        return float(np.mean([r.error_s for r in self.rows]))

    @property
    def mean_abs_error_frac(self) -> float:
        """Mean absolute error as a fraction of the actual time [-]."""
        return float(np.mean([abs(r.error_frac) for r in self.rows]))

    @property
    def athletes(self) -> list[str]:
        return sorted({r.athlete for r in self.rows})

    @property
    def coverage_p10_p90(self) -> float | None:
        """Share of races whose actual time fell in the P10–P90 band (ideal 0.8)."""
        inside = [r.within_p10_p90 for r in self.rows if r.within_p10_p90 is not None]
        return float(np.mean(inside)) if inside else None


def validate_races(
    cases: Sequence[ValidationCase],
    *,
    band_draws: int = 0,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationResult:
    """Predict every case (even effort) and compare with the time actually run.

    Parameters
    ----------
    cases : sequence of ValidationCase
        Each scenario must give ``race.actual_time``.
    band_draws : int
        Monte Carlo draws per race for the P10–P90 band (the scenario's ``[uncertainty]``
        spreads); 0 skips the band.
    rng : numpy.random.Generator, optional
        Required when ``band_draws`` > 0.
    seed : int, optional
        Recorded in the result (what the caller seeded ``rng`` with).
    progress : callable, optional
        ``progress(done, total)`` after each race.

    Raises
    ------
    ValueError
        A case without ``race.actual_time``, or band draws without an rng.
    """
    if band_draws and rng is None:
        raise ValueError("band_draws > 0 needs an rng")
    rows = []
    for i, case in enumerate(cases):
        sc = case.scenario
        if sc.race.actual_time_s is None:
            raise ValueError(f"{case.name}: race.actual_time is missing")
        model = RaceModel(sc, case.course, case.reference_course)
        r = model.solve(pacing="even-effort")
        p10 = p90 = float("nan")
        if band_draws:
            t = MonteCarlo(model).run(band_draws, rng).finish_time_s
            # draws outside a model's validity (e.g. WBGT beyond Ely's table) are NaN
            if np.isfinite(t).mean() >= 0.9:
                p10, p90 = (float(x) for x in np.nanpercentile(t, (10, 90)))
        rows.append(ValidationRow(
            name=case.name, athlete=case.athlete, predicted_from=case.predicted_from,
            distance_m=r.distance_m, predicted_s=r.finish_time_s,
            actual_s=float(sc.race.actual_time_s), p10_s=p10, p90_s=p90))
        if progress is not None:
            progress(i + 1, len(cases))
    return ValidationResult(rows=tuple(rows), band_draws=band_draws, seed=seed)
