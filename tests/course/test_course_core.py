"""Course geometry: construction checks, resample, for_distance, legs, spherical helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from paceline.course import (
    Course,
    Leg,
    geodesic_distance_m,
    initial_bearing_deg,
    preset,
)
from paceline.course.geodesy import cumulative_distance_m, geodesic_inverse, local_east_north_m
from paceline.errors import CourseError


def _zigzag() -> Course:
    """A small hand-made course: 3 segments with different headings, grades and curvatures."""
    return Course(
        name="zigzag",
        node_distance_m=[0.0, 25.0, 40.0, 100.0],
        elevation_m=[10.0, 11.0, 11.0, 8.0],
        heading_deg=[0.0, 90.0, 180.0],
        curvature_1_m=[0.0, 0.05, 0.0],
        source="test",
    )


def test_geodesic_jfk_to_changi_geodsolve_manual():
    # GeographicLib GeodSolve(1) manual, EXAMPLES: JFK 40:38:23N 073:46:44W to Singapore Changi
    # 01:21:33N 103:59:22E → azi1 003:18:29.9, azi2 177:29:09.2, s12 15347628 m (WGS 84).
    # Tolerance: the printed digits (0.5 m; 0.05″ = 1.4e-5°).
    lat1, lon1 = 40 + 38 / 60 + 23 / 3600, -(73 + 46 / 60 + 44 / 3600)
    lat2, lon2 = 1 + 21 / 60 + 33 / 3600, 103 + 59 / 60 + 22 / 3600
    d, az = geodesic_inverse(lat1, lon1, lat2, lon2)
    assert float(d) == pytest.approx(15_347_628, abs=0.5)
    assert float(az) == pytest.approx(3 + 18 / 60 + 29.9 / 3600, abs=0.05 / 3600)
    assert float(geodesic_distance_m(lat1, lon1, lat2, lon2)) == pytest.approx(float(d))


def test_geodesic_degree_of_latitude_on_wgs84():
    # length of one degree of latitude on WGS 84: 110.574 km at the equator, 111.694 km at the
    # pole (the meridian arc; printed to the metre). A sphere gives 111.195 km for both.
    assert float(geodesic_distance_m(-0.5, 0.0, 0.5, 0.0)) == pytest.approx(110_574, abs=1.0)
    assert float(geodesic_distance_m(89.0, 0.0, 90.0, 0.0)) == pytest.approx(111_694, abs=1.0)


def test_geodesic_helpers_vectorize_and_handle_nan():
    d = geodesic_distance_m([0.0, 0.0, np.nan], 0.0, [0.0, 1.0, 1.0], 0.0)
    assert d.shape == (3,)
    assert d[0] == 0.0 and np.isnan(d[2])
    assert float(initial_bearing_deg(0, 0, 0, 0)) == 0.0
    np.testing.assert_allclose(cumulative_distance_m([0, 1, 2], [0, 0, 0]),
                               [0.0, *np.cumsum(geodesic_distance_m([0, 1], 0, [1, 2], 0))])
    east, north = local_east_north_m([0.0, 0.01], [0.01, 0.0], 0.0, 0.0)
    assert east[0] == pytest.approx(1113.19, abs=0.01) and abs(north[0]) < 1e-6
    assert north[1] == pytest.approx(1105.74, abs=0.01) and abs(east[1]) < 1e-6


def test_initial_bearing_cardinal_directions():
    b = initial_bearing_deg([0, 0, 0, 0], [0, 0, 0, 0], [1, 0, -1, 0], [0, 1, 0, -1])
    np.testing.assert_allclose(b, [0.0, 90.0, 180.0, 270.0], atol=1e-9)


def test_derived_properties_of_a_hand_made_course():
    c = _zigzag()
    assert c.length_m == 100.0
    np.testing.assert_allclose(c.segment_length_m, [25.0, 15.0, 60.0])
    np.testing.assert_allclose(c.grade_frac, [0.04, 0.0, -0.05])
    # trapezoid mean: (10.5·25 + 11·15 + 9.5·60) / 100
    assert c.base_altitude_m == pytest.approx((10.5 * 25 + 11 * 15 + 9.5 * 60) / 100)
    assert c.climb_m == pytest.approx(1.0)
    assert c.descent_m == pytest.approx(3.0)


def test_course_arrays_are_read_only_copies():
    nodes = np.array([0.0, 5.0, 10.0])
    c = Course("x", nodes, np.zeros(3), np.zeros(2), np.zeros(2))
    nodes[1] = 7.0
    assert c.node_distance_m[1] == 5.0
    with pytest.raises(ValueError):
        c.elevation_m[0] = 1.0


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"node_distance_m": [0.0, 5.0, 5.0]}, "strictly increase"),
        ({"node_distance_m": [1.0, 5.0, 9.0]}, "start at 0"),
        ({"elevation_m": [0.0, 0.0]}, "elevation_m has shape"),
        ({"curvature_1_m": [0.0, -0.1]}, "unsigned"),
        ({"heading_deg": [0.0, np.nan]}, "non-finite"),
    ],
)
def test_inconsistent_arrays_raise_course_error(kwargs, words):
    base = dict(name="bad", node_distance_m=[0.0, 5.0, 10.0], elevation_m=[0.0, 0.0, 0.0],
                heading_deg=[0.0, 0.0], curvature_1_m=[0.0, 0.0])
    base.update(kwargs)
    with pytest.raises(CourseError, match=words):
        Course(**base)


def test_heading_is_wrapped_to_compass_range():
    c = Course("x", [0.0, 1.0, 2.0], [0.0, 0.0, 0.0], [-90.0, 450.0], [0.0, 0.0])
    np.testing.assert_allclose(c.heading_deg, [270.0, 90.0])


# ---- resample -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["track-400", "vienna-2019", "monza-2017"])
def test_resample_keeps_length_and_max_segment_10_m(name):
    c = preset(name)
    r = c.resample(10.0)
    assert r.length_m == pytest.approx(c.length_m, abs=1e-6)
    assert r.segment_length_m.max() <= 10.0 + 1e-9
    np.testing.assert_allclose(r.segment_length_m, r.segment_length_m[0])  # equal segments
    assert r.lap_marks_m == c.lap_marks_m


def test_resample_keeps_total_turning_angle_and_elevations():
    c = preset("track-400")
    r = c.resample(7.0)
    # ∫κ ds over a lap of two 180° bends = 2π
    assert np.sum(r.curvature_1_m * r.segment_length_m) == pytest.approx(2 * math.pi, rel=1e-9)
    np.testing.assert_allclose(r.elevation_m, 0.0)


def test_resample_heading_is_chord_direction_on_a_bend():
    # 400 m track: the first 10 m segment is on bend 1 (radius 36.8 m) from heading 0;
    # the chord of a 10 m arc points half the turned angle left: −(10/36.8)/2 rad.
    r = preset("track-400").resample(10.0)
    expected = (-math.degrees(10.0 / 36.8 / 2)) % 360
    assert r.heading_deg[0] == pytest.approx(expected, abs=0.02)


def test_resample_refuses_non_positive_length():
    with pytest.raises(CourseError, match="max_segment_m"):
        _zigzag().resample(0.0)


# ---- for_distance -----------------------------------------------------------------------------
def test_mile_on_track_400_is_partial_first_lap_then_four_laps():
    c = preset("track-400").for_distance(1609.344)
    assert c.length_m == pytest.approx(1609.344, abs=1e-9)
    marks = np.array(c.lap_marks_m)
    # the race finishes on the line: a 9.344 m partial first lap, then 4 full laps
    np.testing.assert_allclose(marks, [9.344, 409.344, 809.344, 1209.344, 1609.344], atol=1e-6)
    np.testing.assert_allclose(np.diff(marks), 400.0, atol=1e-6)  # 4 full laps
    # the partial first lap is the end of the home straight: straight, heading 0 (north)
    first = c.heading_deg[c.node_distance_m[1:] <= 9.344 + 1e-9]
    assert first.size >= 1 and np.allclose(first, 0.0)
    assert c.loop


def test_for_distance_on_a_loop_whole_laps_has_no_partial_lap():
    c = preset("track-400").for_distance(10_000.0)
    assert len(c.lap_marks_m) == 25
    assert c.lap_marks_m[0] == pytest.approx(400.0)


def test_for_distance_twice_on_a_loop_is_stable():
    once = preset("track-400").for_distance(1609.344)
    twice = once.for_distance(3000.0)
    assert twice.length_m == pytest.approx(3000.0)
    np.testing.assert_allclose(np.diff(twice.lap_marks_m), 400.0, atol=1e-6)
    assert twice.lap_marks_m[0] == pytest.approx(200.0, abs=1e-6)


def test_point_to_point_5_percent_short_raises_naming_course_and_lengths():
    with pytest.raises(CourseError) as info:
        preset("vienna-2019").for_distance(42195.0 / 1.05)
    msg = str(info.value)
    assert "vienna-2019" in msg
    # lengths in the user's units, to the metre (issue 14 review: not raw "42195.0 m")
    assert "42.195 km long" in msg and "the race is 40.186 km" in msg
    assert "Fix:" in msg


def test_point_to_point_within_2_percent_is_scaled_keeping_turn_angles():
    c = preset("vienna-2019")
    s = c.for_distance(42195.0 * 1.015)
    assert s.length_m == pytest.approx(42195.0 * 1.015)
    total_turn = np.sum(c.curvature_1_m * c.segment_length_m)
    assert np.sum(s.curvature_1_m * s.segment_length_m) == pytest.approx(total_turn)
    assert s.lap_marks_m[0] == pytest.approx(10800.0 * 1.015)
    assert "scaled" in s.source


def test_point_to_point_exact_distance_returns_the_same_course():
    c = preset("vienna-2019")
    assert c.for_distance(42195.0) is c


def test_straight_preset_builds_any_length():
    for d in (100.0, 1609.344, 42195.0, 100_000.0):
        s = preset("straight").for_distance(d)
        assert s.length_m == pytest.approx(d)
        assert s.segment_length_m.max() <= 10.0 + 1e-9
        assert np.all(s.curvature_1_m == 0) and np.all(s.grade_frac == 0)
        assert s.lap_marks_m == ()


def test_for_distance_refuses_non_positive_distance():
    with pytest.raises(CourseError, match="positive"):
        preset("track-400").for_distance(-5.0)


# ---- legs -------------------------------------------------------------------------------------
def test_left_arc_lowers_compass_heading_and_closes_a_circle():
    c = Course.from_legs([Leg.arc(10.0, 360.0)], name="circle", source="test",
                         start_heading_deg=90.0)
    assert c.length_m == pytest.approx(2 * math.pi * 10.0)
    # first piece turns left from east: heading just below 90°
    assert 80.0 < c.heading_deg[0] < 90.0
    east, north = c.position_m()
    assert math.hypot(east[-1], north[-1]) < 1e-6
    assert north.max() == pytest.approx(20.0, abs=0.02)  # left of an eastward start is north


def test_leg_rise_spreads_linearly():
    c = Course.from_legs([Leg.straight(100.0, rise_m=2.0), Leg.straight(50.0, rise_m=-1.0)],
                         name="ramp", source="test", start_elevation_m=100.0)
    assert c.elevation_m[-1] == pytest.approx(101.0)
    np.testing.assert_allclose(c.grade_frac[c.node_distance_m[1:] <= 100], 0.02)
    np.testing.assert_allclose(c.grade_frac[c.node_distance_m[:-1] >= 100], -0.02)


def test_stated_length_far_from_legs_is_refused():
    with pytest.raises(CourseError, match="off the stated length"):
        Course.from_legs([Leg.straight(100.0)], name="x", source="t", length_m=101.0)


@pytest.mark.parametrize("make", [lambda: Leg.straight(-1.0), lambda: Leg.arc(0.0, 90.0),
                                  lambda: Leg.arc(10.0, 0.0)])
def test_bad_legs_raise_course_error(make):
    with pytest.raises(CourseError):
        make()


def test_public_api_of_paceline_course_is_guarded():
    import paceline.course as pc

    assert set(pc.__all__) == {
        "Course", "Leg", "preset", "preset_names", "preset_info", "geodesic_distance_m",
        "initial_bearing_deg", "EARTH_RADIUS_M", "GRID_M", "ELEVATION_SIGMA_M",
        "POSITION_SIGMA_M", "CURVATURE_SIGMA_M", "LOOP_CLOSE_M", "FIT_TOLERANCE_FRAC",
    }
    assert all(hasattr(pc, name) for name in pc.__all__)
