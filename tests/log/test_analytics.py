"""paceline.log wiring: volume, loads, PMC, CS, reference and the athlete block."""

import numpy as np
import pytest

from paceline import log
from paceline.scenario import scenario_from_dict


def _inputs():
    start = np.array(["2024-01-01T07:00", "2024-01-03T07:00", "2024-01-08T07:00",
                      "2024-02-01T07:00"], dtype="datetime64[s]")
    hist = np.zeros((4, 256))
    hist[0, 150] = 3600
    return {"start_utc": start, "sport": np.array(["running"] * 4, dtype=object),
            "distance_m": np.array([10000.0, 5000, np.nan, 8000]),
            "moving_time_s": np.array([3600.0, 1500, 600, 2400]),
            "elapsed_time_s": np.array([3600.0, 1500, 600, 2400]),
            "speed2_dt_m2_s": np.array([np.nan, 4.0**2 * 3600, np.nan, np.nan]),
            "hr_histogram_s": hist, "has_hr": np.array([True, False, False, False])}


def test_weekly_and_monthly_volume():
    inp = _inputs()
    w = log.volume(inp["start_utc"], inp["distance_m"], inp["moving_time_s"], "week")
    assert [r["period_start"] for r in w] == ["2024-01-01", "2024-01-08", "2024-01-29"]
    assert w[0]["distance_m"] == 15000 and w[0]["activities"] == 2
    m = log.volume(inp["start_utc"], inp["distance_m"], inp["moving_time_s"], "month")
    assert [r["activities"] for r in m] == [3, 1]


def test_daily_loads_choose_trimp_then_speed():
    _, ld, kind = log.daily_loads(_inputs(), hr_rest_bpm=50, hr_max_bpm=200,
                                  threshold_speed_m_s=4.0)
    assert list(kind) == ["trimp", "speed", "none", "none"]
    assert ld[1] == pytest.approx(100.0)
    assert ld[0] == pytest.approx(60 * (2 / 3) * 0.64 * np.exp(1.92 * 2 / 3))


def test_pmc_days_are_contiguous():
    inp = _inputs()
    p = log.pmc(inp["start_utc"], np.array([100.0, 50, 0, 80]))
    assert p.day.size == 32 and p.load[0] == 100 and p.load[2] == 50
    assert np.all(np.diff(p.day).astype(int) == 1)


def test_cs_reference_predictions_and_profile_validates():
    bests = [{"distance_m": d, "time_s": t, "activity_id": 1, "start_utc": "2024-01-01"}
             for d, t in [(1000.0, 170.0), (1500.0, 265.0), (3000.0, 555.0),
                          (5000.0, 950.0), (10000.0, 1980.0)]]
    cs, dp, n = log.critical_speed_from_bests(bests)
    assert n == 3 and 5.0 < cs < 5.6 and 0 < dp < 400
    ref = log.reference_effort(bests)
    assert ref["distance_m"] in (3000.0, 5000.0, 10000.0)
    preds = log.race_predictions(ref, [42195.0])
    assert preds[0]["vdot_time_s"] > ref["time_s"]
    block = log.athlete_block(name="a", mass_kg=57, height_m=1.67, sex="men", ref=ref,
                              temperature_c=12, relative_humidity=0.6)
    sc = scenario_from_dict({"athlete": block, "race": {"distance": "marathon"},
                             "conditions": {"temperature_c": 12, "relative_humidity": 0.6}})
    assert sc.athlete.reference.distance_m == ref["distance_m"]
