"""Race courses: distance, elevation, heading and curvature along the route.

:class:`Course` is the model; :func:`preset` returns the bundled courses (``straight``,
``track-400``, ``track-200``, ``vienna-2019``, ``monza-2017``), whose geometry, sources and
approximations are data in ``paceline/data/courses/``. GPX files are read by
:func:`paceline.io.gpx.read_gpx` and turned into a course with :meth:`Course.from_points`.
"""

from paceline.course.core import (
    CURVATURE_SIGMA_M,
    EARTH_RADIUS_M,
    ELEVATION_SIGMA_M,
    FIT_TOLERANCE_FRAC,
    GRID_M,
    LOOP_CLOSE_M,
    POSITION_SIGMA_M,
    Course,
    Leg,
    geodesic_distance_m,
    initial_bearing_deg,
)
from paceline.course.presets import preset, preset_info, preset_names

__all__ = [
    "Course",
    "Leg",
    "preset",
    "preset_names",
    "preset_info",
    "geodesic_distance_m",
    "initial_bearing_deg",
    "EARTH_RADIUS_M",
    "GRID_M",
    "ELEVATION_SIGMA_M",
    "POSITION_SIGMA_M",
    "CURVATURE_SIGMA_M",
    "LOOP_CLOSE_M",
    "FIT_TOLERANCE_FRAC",
]
