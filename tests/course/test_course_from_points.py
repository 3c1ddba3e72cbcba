"""Course.from_points on real GPS tracks (gpxpy's test files, see tests/data/gpx/SOURCES.md)."""

from __future__ import annotations

import math
from pathlib import Path

import gpxpy
import numpy as np
import pytest

from paceline.course import Course, geodesic_distance_m
from paceline.errors import CourseError

DATA = Path(__file__).resolve().parents[1] / "data" / "gpx"


def _longest_segment(path: Path):
    """Points of the longest track segment, and gpxpy's own 2D length of that segment."""
    with path.open(encoding="utf-8") as fh:
        gpx = gpxpy.parse(fh)
    seg = max((s for t in gpx.tracks for s in t.segments), key=lambda s: s.length_2d())
    lat = np.array([p.latitude for p in seg.points])
    lon = np.array([p.longitude for p in seg.points])
    ele = np.array([np.nan if p.elevation is None else p.elevation for p in seg.points])
    return lat, lon, ele, seg.length_2d()


def test_cerknicko_length_within_1_percent_of_gpxpy_length_2d():
    # cerknicko-jezero.gpx is 8 separate pieces (gpxpy's 4580 m sums them, ignoring the km-long
    # gaps between them), so the course is built from its longest segment: 173 points, 1914.5 m
    lat, lon, ele, gpxpy_length = _longest_segment(DATA / "cerknicko-jezero.gpx")
    assert gpxpy_length == pytest.approx(1914.5, abs=1.0)
    c = Course.from_points(lat, lon, ele, name="cerknicko", source="test", loop=False)
    assert c.length_m == pytest.approx(gpxpy_length, rel=0.01)
    assert c.segment_length_m.max() <= 10.0 + 1e-9


def test_mojstrovka_whole_file_length_within_1_percent_of_gpxpy():
    lat, lon, ele, gpxpy_length = _longest_segment(DATA / "odd" / "Mojstrovka.gpx")
    c = Course.from_points(lat, lon, ele, name="mojstrovka", source="test", loop=False)
    assert gpxpy_length == pytest.approx(2700.6, abs=1.0)
    assert c.length_m == pytest.approx(gpxpy_length, rel=0.01)


@pytest.mark.parametrize("file", ["cerknicko-jezero.gpx", "odd/Mojstrovka.gpx"])
def test_elevation_smoothing_reduces_summed_absolute_elevation_change(file):
    lat, lon, ele, _ = _longest_segment(DATA / file)
    c = Course.from_points(lat, lon, ele, name="x", source="test", loop=False)
    raw = np.sum(np.abs(np.diff(ele)))
    smooth = np.sum(np.abs(np.diff(c.elevation_m)))
    assert smooth < raw
    # ... while keeping the net change (start and end elevations move by less than 10 m)
    assert c.elevation_m[-1] - c.elevation_m[0] == pytest.approx(ele[-1] - ele[0], abs=10.0)


def test_noisy_straight_line_gives_constant_heading_and_small_curvature():
    rng = np.random.default_rng(7)
    n = 201  # a 2 km line due east at 45° N, a point every 10 m, 2 m of GPS noise
    east = np.linspace(0.0, 2000.0, n) + rng.normal(0, 2.0, n)
    north = rng.normal(0, 2.0, n)
    lat = 45.0 + np.degrees(north / 6_371_008.8)
    lon = 7.0 + np.degrees(east / (6_371_008.8 * math.cos(math.radians(45.0))))
    ele = 300.0 + rng.normal(0, 1.5, n)
    c = Course.from_points(lat, lon, ele, name="line", source="test")
    assert not c.loop
    heading = (c.heading_deg + 180.0) % 360.0 - 180.0 - 90.0
    assert np.median(np.abs(heading)) < 5.0
    assert np.percentile(c.curvature_1_m, 90) < 1 / 150  # no fake tight turns
    # white 1.5 m elevation noise every 10 m is ±21 % of raw grade; σ = 30 m smoothing leaves
    # about 1 % RMS (theory: 1.5·√10 / (2·π^¼·30^1.5) ≈ 1.1 %)
    raw_grade = np.diff(ele) / 10.0
    assert np.sqrt(np.mean(raw_grade**2)) > 0.15
    assert np.sqrt(np.mean(c.grade_frac**2)) < 0.015


def test_circle_of_points_is_detected_as_a_loop_with_the_right_curvature():
    r = 50.0
    t = np.linspace(0.0, 2 * np.pi, 64, endpoint=False)
    north, east = r * np.cos(t), r * np.sin(t)  # clockwise from north: a right-hand circle
    lat = 48.0 + np.degrees(north / 6_371_008.8)
    lon = 16.0 + np.degrees(east / (6_371_008.8 * math.cos(math.radians(48.0))))
    c = Course.from_points(lat, lon, None, name="circle", source="test")
    assert c.loop
    assert c.length_m == pytest.approx(2 * np.pi * r, rel=0.01)  # 64 chords ≈ the circle
    assert c.lap_marks_m == (c.length_m,)
    assert np.median(c.curvature_1_m) == pytest.approx(1 / r, rel=0.05)
    assert np.all(c.elevation_m == 0.0)
    assert "no elevation data: flat at 0 m" in c.source


def test_laps_repeat_a_loop_with_a_mark_per_lap():
    t = np.linspace(0.0, 2 * np.pi, 40, endpoint=False)
    lat = 48.0 + np.degrees(60.0 * np.cos(t) / 6_371_008.8)
    lon = 16.0 + np.degrees(60.0 * np.sin(t) / (6_371_008.8 * math.cos(math.radians(48.0))))
    one = Course.from_points(lat, lon, name="c", source="test")
    three = Course.from_points(lat, lon, name="c", source="test", laps=3)
    assert three.length_m == pytest.approx(3 * one.length_m)
    np.testing.assert_allclose(three.lap_marks_m, one.length_m * np.arange(1, 4))


def test_partly_missing_elevations_are_interpolated_and_noted():
    lat = np.linspace(46.0, 46.01, 50)
    lon = np.full(50, 14.0)
    ele = np.linspace(100.0, 150.0, 50)
    ele[10:20] = np.nan
    c = Course.from_points(lat, lon, ele, name="x", source="test", loop=False)
    assert np.all(np.isfinite(c.elevation_m))
    assert "10 missing elevations interpolated" in c.source
    assert c.climb_m == pytest.approx(50.0, abs=2.0)


@pytest.mark.parametrize(
    "lat, lon, words",
    [
        ([46.0], [14.0], "at least two points"),
        ([46.0, 46.0], [14.0, 14.0], "same place"),
        ([46.0, np.nan], [14.0, 14.0], "finite"),
        ([46.0, 46.1, 46.2], [14.0, 14.0], "differ in length"),
    ],
)
def test_bad_points_raise_course_error(lat, lon, words):
    with pytest.raises(CourseError, match=words):
        Course.from_points(lat, lon, name="bad", source="test")


def test_geodesic_length_matches_sum_of_point_distances():
    lat, lon, ele, _ = _longest_segment(DATA / "odd" / "Mojstrovka.gpx")
    c = Course.from_points(lat, lon, ele, name="x", source="test", loop=False)
    assert c.length_m == pytest.approx(
        np.sum(geodesic_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:])), rel=1e-9)
