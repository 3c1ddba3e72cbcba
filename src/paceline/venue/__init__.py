"""Venue, date and hour from weather records (orchestrator): climatology → race outcomes.

See docs/venue.md. Weather readers live in :mod:`paceline.io.weather`.
"""

from paceline.venue.core import (
    INEOS_CRITERIA,
    Candidate,
    CandidateOutcome,
    Criteria,
    ReserveRow,
    VenueResult,
    VenueSettings,
    YearOutcome,
    build_model,
    reserve_window,
    sweep,
    sweep_unit,
    time_difference_h,
    window_days,
)

__all__ = [
    "INEOS_CRITERIA",
    "Candidate",
    "CandidateOutcome",
    "Criteria",
    "ReserveRow",
    "VenueResult",
    "VenueSettings",
    "YearOutcome",
    "build_model",
    "reserve_window",
    "sweep",
    "sweep_unit",
    "time_difference_h",
    "window_days",
]
