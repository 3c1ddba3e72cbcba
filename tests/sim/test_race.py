"""RaceModel wiring: calibration identity, published race replays, pacing, heat, altitude."""

import numpy as np
import pytest

from paceline.scenario import scenario_from_dict
from paceline.sim import RaceModel
from paceline.units import parse_duration_s


def scenario(**over):
    d = {
        "athlete": {"name": "E", "mass_kg": 52, "height_m": 1.67,
                    "reference": {"distance": "marathon", "time": "2:01:39",
                                  "course": "straight",
                                  "conditions": {"temperature_c": 16, "relative_humidity": 0.6,
                                                 "altitude_m": 40},
                                  "drafting": {"drag_reduction": 0.3},
                                  "shoes": {"metabolic_saving": 0.04}}},
        "race": {"distance": "marathon"},
        "course": {"preset": "straight"},
        "conditions": {"temperature_c": 16, "relative_humidity": 0.6, "altitude_m": 40},
        "drafting": {"drag_reduction": 0.3},
        "shoes": {"metabolic_saving": 0.04},
    }
    for key, value in over.items():
        node = d
        parts = key.split("__")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    return scenario_from_dict(d)


def vienna_replay():
    """Vienna 2019 as run, calibrating itself, run at the even pace of 1:59:40.2."""
    cond = {"temperature_c": 9, "relative_humidity": 0.9, "altitude_m": 165}
    ref = {"distance": "marathon", "time": "1:59:40.2", "course": "vienna-2019",
           "pacing": "even-pace", "conditions": cond, "drafting": {"drag_reduction": 0.5},
           "shoes": {"metabolic_saving": 0.04}}
    return scenario(athlete__reference=ref, course__preset="vienna-2019", conditions=cond,
                    drafting__drag_reduction=0.5, race__target_time="1:59:40.2")


@pytest.mark.parametrize("pacing", ["even-pace", "even-effort"])
def test_reference_replay_gives_back_its_own_time(pacing):
    # The reference race, replayed through the model, must give back its own time
    # (tolerance 0.1 s: the solver's target).
    sc = scenario(athlete__reference__pacing=pacing, race__pacing=pacing)
    r = RaceModel(sc).solve()
    assert r.finish_time_s == pytest.approx(7299.0, abs=0.1)
    assert r.effort_frac == pytest.approx(1.0, abs=1e-6)


def test_reference_replay_on_a_course_with_turns_and_grades():
    sc = scenario(athlete__reference__course="vienna-2019", course__preset="vienna-2019",
                  athlete__reference__pacing="even-effort")
    assert RaceModel(sc).solve().finish_time_s == pytest.approx(7299.0, abs=0.1)


def test_ineos_vienna_even_pace_replay():
    # INEOS 1:59 (REFERENCES): finish 1:59:40.2 at an even 2:50.17/km; 5 km splits 14:10–14:14.
    # Tolerance ± 2 s (issue). The replay runs the vienna-2019 course at that even pace.
    r = RaceModel(vienna_replay()).solve()
    assert r.finish_time_s == pytest.approx(parse_duration_s("1:59:40"), abs=2)
    fives = np.diff([0.0] + [t for _, t in r.splits(5000.0)][:-1])
    assert np.all(fives >= parse_duration_s("14:10") - 2)
    assert np.all(fives <= parse_duration_s("14:14") + 2)


def test_ineos_published_half_and_40k_are_not_an_even_pace():
    # The published table (REFERENCES) gives half way 59:35 and 40 km 1:53:36. An even
    # 2:50.17/km gives 59:50.2 and 1:53:26.8: 40 km is 9 s off because Kipchoge ran the last
    # 2.195 km in 6:04 (2:46/km), and "59:35" cannot follow "20 km 56:47" at any pace he ran
    # (1.0975 km in 2:48 = 2:33/km), so that published half split is inconsistent with the
    # 5 km splits. The model's even-pace splits are asserted here; the gaps are documented in
    # docs/model.md and the README, not hidden.
    r = RaceModel(vienna_replay()).solve()
    assert r.half_way_s == pytest.approx(parse_duration_s("59:50.2"), abs=0.5)
    assert float(r.elapsed_at(40000.0)) == pytest.approx(parse_duration_s("1:53:26.8"), abs=0.5)
    published_20k, published_half = parse_duration_s("56:47"), parse_duration_s("59:35")
    implied_pace = (published_half - published_20k) / 1.0975  # s/km
    assert implied_pace < 160  # faster than any km he ran (2:48–2:52): the table is inconsistent


def test_taboga_kram2019_track_vs_straight():
    # Taboga & Kram 2019 (PeerJ 7:e8222): a 2:01:39 marathon on a 400 m track ≈ 2:01:32 on a
    # straight path and ≈ 2:02:00 on a 200 m indoor track (their model). Calm air, no drafting.
    # Tolerance ± 5 s on both: our curve cost uses k = 0.74 of the axial-force rise
    # (Teunissen 2007) where they combined other published equations, and the indoor track's
    # geometry is assumed. The model gives −8.7 s and +23.6 s (published −7 s and +21 s).
    ref = {"distance": "marathon", "time": "2:01:39", "course": "track-400",
           "pacing": "even-effort",
           "conditions": {"temperature_c": 12, "relative_humidity": 0.5}}
    out = {}
    for course in ("straight", "track-400", "track-200"):
        sc = scenario(athlete__reference=ref, course__preset=course, drafting__drag_reduction=0.0,
                      shoes__metabolic_saving=0.0, conditions__temperature_c=12,
                      conditions__relative_humidity=0.5, conditions__altitude_m=0.0)
        out[course] = RaceModel(sc).solve().finish_time_s
    assert out["track-400"] == pytest.approx(7299.0, abs=0.1)
    assert out["straight"] == pytest.approx(parse_duration_s("2:01:32"), abs=5)
    assert out["track-200"] == pytest.approx(parse_duration_s("2:02:00"), abs=5)
    assert out["straight"] < out["track-400"] < out["track-200"]


def test_even_effort_slows_uphill_and_both_pacings_close_on_flat_course():
    sc = scenario(course__preset="vienna-2019", race__pacing="even-effort")
    m = RaceModel(sc)
    r = m.solve()
    g = m.segments.grade_frac
    if np.ptp(g) > 0:
        up, down = g > 0.002, g < -0.002
        if up.any() and down.any():
            assert r.speed_m_s[up].mean() < r.speed_m_s[down].mean()
    # Under a time-averaged power budget neither pacing is the time-optimal one; on a
    # near-flat course they must agree within a few seconds.
    pace = m.solve(pacing="even-pace")
    assert pace.finish_time_s == pytest.approx(r.finish_time_s, abs=5)
    assert np.ptp(pace.speed_m_s) == 0.0


def test_heat_is_slower_and_monotonic():
    times = [RaceModel(scenario(conditions__temperature_c=t)).solve().finish_time_s
             for t in (10, 16, 22, 28)]
    assert np.all(np.diff(times) >= 0)
    assert times[-1] - times[1] > 60


def test_altitude_1800m_is_slower_despite_thinner_air():
    sea = RaceModel(scenario()).solve().finish_time_s
    high = RaceModel(scenario(conditions__altitude_m=1800)).solve().finish_time_s
    assert high > sea + 120


def test_headwind_costs_more_than_tailwind_gains_on_out_and_back():
    calm = RaceModel(scenario(course__preset="vienna-2019")).solve().finish_time_s
    windy = RaceModel(scenario(course__preset="vienna-2019", conditions__wind_speed_m_s=4.0,
                               conditions__wind_from_deg=135)).solve().finish_time_s
    assert windy > calm


def test_drafting_until_distance_only_helps_before():
    full = RaceModel(scenario(drafting__drag_reduction=0.5)).solve()
    part = RaceModel(scenario(drafting__drag_reduction=0.5, drafting__until="21km")).solve()
    none = RaceModel(scenario(drafting__drag_reduction=0.0)).solve()
    assert full.finish_time_s < part.finish_time_s < none.finish_time_s
    assert part.speed_m_s[0] > part.speed_m_s[-1]


def test_physiology_capacity_route():
    # Joyner 1991: speed = VO2max × fraction ÷ economy. With air and shoes off, on a straight
    # flat course, the model's speed meets the sustainable power exactly.
    phys = {"vo2max_ml_kg_min": 84, "fraction_sustainable": 0.85, "economy_ml_kg_km": 190}
    sc = scenario(athlete__physiology=phys, athlete__reference=None,
                  athlete__drag_area_m2=0.05, drafting__drag_reduction=0.95,
                  shoes__metabolic_saving=0.0, conditions__temperature_c=5)
    r = RaceModel(sc).solve()
    assert r.effort_frac == pytest.approx(1.0, abs=1e-6)
    assert 6000 < r.finish_time_s < 8000


def test_breakdown_sums_to_mean_power_and_air_share_matches():
    r = RaceModel(scenario(drafting__drag_reduction=0.0)).solve()
    dt = np.diff(r.elapsed_s)
    mean_power = float(np.sum(r.metabolic_power_w_kg * dt) / np.sum(dt))
    assert sum(r.breakdown_w_kg.values()) == pytest.approx(mean_power, rel=1e-9)
    assert 0.07 < r.air_share < 0.10
    assert r.mean_drag_force_n == pytest.approx(7.7, abs=0.6)


def test_at_effort_at_the_solved_effort_gives_the_solved_race():
    # at_effort(P) with P the even-effort solution's constant power must give back that
    # race (tolerance 0.05 s: the Newton solve of the speeds); more power is faster.
    sc = scenario(athlete__reference__course="vienna-2019", course__preset="vienna-2019",
                  athlete__reference__pacing="even-effort", race__pacing="even-effort")
    m = RaceModel(sc)
    r = m.solve()
    p = float(np.median(r.metabolic_power_w_kg))
    assert np.ptp(r.metabolic_power_w_kg) < 1e-6 * p  # even effort: one power
    again = m.at_effort(p)
    assert again.finish_time_s == pytest.approx(r.finish_time_s, abs=0.05)
    assert m.at_effort(1.01 * p).finish_time_s < r.finish_time_s
