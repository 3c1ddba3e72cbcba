"""Course presets: names, lookup errors and each preset's geometry against its stated sources."""

from __future__ import annotations

import math

import numpy as np
import pytest

from paceline.course import preset, preset_info, preset_names
from paceline.errors import CourseError

PRESETS = ["monza-2017", "straight", "track-200", "track-400", "vienna-2019"]


def test_preset_names_lists_the_bundled_courses():
    assert preset_names() == PRESETS


def test_unknown_preset_lists_valid_names():
    with pytest.raises(CourseError) as info:
        preset("boston")
    msg = str(info.value)
    assert "'boston'" in msg
    for name in PRESETS:
        assert name in msg


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_documents_sources_and_approximations(name):
    info = preset_info(name)
    assert info["sources"] and info["approximations"]
    assert all(isinstance(s, str) and len(s) > 10 for s in info["sources"])
    c = preset(name)
    assert c.name == name and name in c.source
    assert c.segment_length_m.max() <= 10.0 + 1e-9


@pytest.mark.parametrize("name", PRESETS)
def test_preset_is_cached_and_immutable(name):
    assert preset(name) is preset(name)
    with pytest.raises(ValueError):
        preset(name).heading_deg[0] = 1.0


# ---- track-400 --------------------------------------------------------------------------------
def test_track_400_lap_is_400_m():
    c = preset("track-400")
    assert c.length_m == pytest.approx(400.0, abs=0.01)
    assert c.loop and c.lap_marks_m == pytest.approx((400.0,))


def test_track_400_bends_have_measuring_line_radius_36_8_m():
    # IAAF standard: kerb radius 36.50 m, measured 0.30 m out -> 36.80 m; straights 84.39 m
    c = preset("track-400")
    bend = c.curvature_1_m > 0
    np.testing.assert_allclose(c.curvature_1_m[bend], 1 / 36.8, atol=1e-6)
    assert np.all(c.curvature_1_m[~bend] == 0.0)
    # bends: 2 × 115.61 m (57.8 % of the lap, not half); straights: 2 × 84.39 m
    assert np.sum(c.segment_length_m[bend]) == pytest.approx(2 * math.pi * 36.8, abs=0.01)
    assert np.sum(c.segment_length_m[~bend]) == pytest.approx(2 * 84.39, abs=0.01)


def test_track_400_bend_is_first_and_turns_180_degrees_left():
    c = preset("track-400")
    # lap starts on the finish line at the start of bend 1, heading north, turning left (west)
    assert c.curvature_1_m[0] > 0
    back = c.heading_deg[(c.node_distance_m[:-1] > 120) & (c.node_distance_m[1:] < 195)]
    np.testing.assert_allclose(back, 180.0, atol=1e-9)
    assert 180 < c.heading_deg[c.node_distance_m[1:] < 57.8][-1] < 360  # west-ish mid-bend
    east, north = c.position_m()
    assert math.hypot(east[-1], north[-1]) < 0.05  # the lap closes


def test_track_400_is_flat():
    c = preset("track-400")
    assert np.all(c.grade_frac == 0.0)


# ---- track-200 --------------------------------------------------------------------------------
def test_track_200_lap_and_bend_geometry():
    c = preset("track-200")
    assert c.length_m == pytest.approx(200.0, abs=0.01)
    assert c.loop
    # tightest radius: 17.20 m kerb + 0.30 m = 17.50 m
    assert 1 / c.curvature_1_m.max() == pytest.approx(17.5, rel=1e-3)
    # straights 2 × 35 m; total turning 360°
    assert np.sum(c.segment_length_m[c.curvature_1_m == 0]) == pytest.approx(70.0, abs=0.01)
    # (turn angles are written to 6 decimals in the data file)
    assert np.sum(c.curvature_1_m * c.segment_length_m) == pytest.approx(2 * math.pi, rel=1e-6)
    assert any("BANKED" in n for n in preset_info("track-200")["notes"])


# ---- vienna-2019 ------------------------------------------------------------------------------
def _hauptallee(c, start, end):
    m = (c.node_distance_m[:-1] >= start) & (c.node_distance_m[1:] <= end)
    return c.heading_deg[m]


def test_vienna_total_distance_is_a_marathon():
    assert preset("vienna-2019").length_m == pytest.approx(42195.0, abs=1.0)


def test_vienna_lead_in_four_9600_m_laps_and_lead_out():
    c = preset("vienna-2019")
    marks = np.array(c.lap_marks_m)
    # ~1.2 km lead-in, 4 laps of 9.6 km, ~2.6 km to the finish (published: OTS 2019-10-10)
    np.testing.assert_allclose(marks, [10800.0, 20400.0, 30000.0, 39600.0, 42195.0], atol=1.0)
    assert marks[0] - 9600.0 == pytest.approx(1200.0, abs=1.0)
    np.testing.assert_allclose(np.diff(marks[:4]), 9600.0, atol=1.0)
    assert marks[-1] - marks[-2] == pytest.approx(2595.0, abs=1.0)
    assert not c.loop


def test_vienna_climb_12_m_and_descent_26_m():
    c = preset("vienna-2019")
    assert c.climb_m == pytest.approx(12.0, abs=2.0)
    assert c.descent_m == pytest.approx(26.0, abs=2.0)
    assert c.elevation_m[-1] - c.elevation_m[0] == pytest.approx(-14.0, abs=2.0)
    assert c.base_altitude_m == pytest.approx(165.0, abs=3.0)


def test_vienna_hauptallee_headings_reverse_between_out_and_back():
    c = preset("vienna-2019")
    for k in range(4):
        s0 = 1200.0 + 9600.0 * k
        out = _hauptallee(c, s0 + 100, s0 + 4600)
        back = _hauptallee(c, s0 + 4900, s0 + 9400)
        assert out.size > 400 and back.size > 400
        assert np.ptp(out) < 1e-9 and np.ptp(back) < 1e-9  # dead straight
        diff = (back[0] - out[0]) % 360.0
        assert diff == pytest.approx(180.0, abs=5.0)
        assert 115.0 <= out[0] <= 140.0  # Hauptallee runs ESE/SE outbound


def test_vienna_turns_are_the_stated_roundabout_radii():
    c = preset("vienna-2019")
    radii = np.unique(np.round(1 / c.curvature_1_m[c.curvature_1_m > 0], 3))
    np.testing.assert_allclose(radii, [20.0, 25.0], atol=0.01)


# ---- monza-2017 -------------------------------------------------------------------------------
def test_monza_marathon_is_17_5_laps_of_the_loop():
    c = preset("monza-2017")
    assert c.loop
    race = c.for_distance(42195.0)
    marks = np.array(race.lap_marks_m)
    assert len(marks) == 18  # a half lap, then 17 full laps to the line
    assert marks[0] == pytest.approx(c.length_m / 2, abs=1e-3)
    assert 42195.0 / c.length_m == pytest.approx(17.5)
    assert c.length_m == pytest.approx(2400.0, rel=0.01)  # published "~2.4 km"


def test_monza_is_flat_near_180_m_with_straights_on_the_main_straight_axis():
    c = preset("monza-2017")
    assert np.all(c.grade_frac == 0.0)
    assert 162.0 <= c.base_altitude_m <= 185.0
    straight = c.curvature_1_m == 0
    headings = np.unique(np.round(c.heading_deg[straight], 6))
    np.testing.assert_allclose(headings, [4.6, 184.6])
