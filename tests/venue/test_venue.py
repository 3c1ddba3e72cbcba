"""Venue orchestrator: wiring of weather → race model → probabilities (the models own the
numbers; these tests check what the orchestrator adds: time bases, averaging over the race,
gaps, criteria, form draws, ranking, reserve window, identical Dask runs)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from paceline.cli.app import app
from paceline.course import preset
from paceline.errors import ScenarioError
from paceline.io.scenario_file import read_scenario
from paceline.io.venue_file import generic_course, read_venue_file
from paceline.venue import Candidate, VenueSettings, build_model, reserve_window, sweep, sweep_unit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "weather"
SMALL = DATA / "venue-small.toml"
runner = CliRunner()


@pytest.fixture(scope="module")
def scenario():
    return read_scenario(ROOT / "scenarios" / "vienna-2019.toml")


def table(hours=72, start="2019-10-11", **cols):
    idx = pd.date_range(start, periods=hours, freq="h", tz="UTC", name="time_utc")
    base = dict(temperature_c=10.0, dew_point_c=np.nan, relative_humidity_frac=0.7,
                wind_speed_m_s=0.0, wind_from_deg=np.nan, pressure_pa=101_325.0,
                precipitation_mm=0.0, cloud_cover_frac=np.nan, ghi_w_m2=np.nan,
                dhi_w_m2=np.nan)
    base.update(cols)
    return pd.DataFrame({k: np.broadcast_to(np.asarray(v, float), hours).copy()
                         for k, v in base.items()}, index=idx)


def cand(weather, course=None, tz="Europe/Vienna"):
    return Candidate(name="X", course=course or preset("vienna-2019"), weather=weather,
                     time_zone=tz, altitude_m=0.0, station_altitude_m=0.0, latitude_deg=48.2,
                     longitude_deg=16.4, station="test")


SET = VenueSettings(first=(10, 12), last=(10, 12), start_hours=(8, 9), draws=5,
                    wbgt_method="model", runner_height_m=None)


def test_constant_weather_equals_the_race_model(scenario):
    c = cand(table())
    mc = build_model(scenario, c)
    u = sweep_unit(scenario, c, SET, 2019, mc._det_time_s, model=mc)
    direct = mc.finish_times(temperature_c=np.array([10.0]), relative_humidity_frac=0.7,
                             wind_speed_m_s=np.array([0.0]), wind_from_deg=np.array([0.0]),
                             pressure_pa=np.array([101_325.0]))
    assert u.time_still_s.shape == (1, 2)
    np.testing.assert_allclose(u.time_still_s, direct[0], rtol=0, atol=1e-6)
    # 08:00 in Vienna on 12 Oct 2019 (CEST, UTC+2) is 06:00Z
    assert u.start_utc[0, 0] == np.datetime64("2019-10-12T06:00:00")


def test_weather_averaged_over_the_race_not_one_hour(scenario):
    # temperature rising 1 °C per hour from 0 °C at 2019-10-11 00Z: a race starting 06:00Z
    # and lasting ~1.97 h has mean temperature 24 + 6 + 1.97/2 (linear interpolation)
    t = np.arange(72.0)
    c = cand(table(temperature_c=t))
    mc = build_model(scenario, c)
    u = sweep_unit(scenario, c, SET, 2019, mc._det_time_s, model=mc)
    assert u.temperature_c[0, 0] == pytest.approx(30.0 + mc._det_time_s / 3600 / 2, abs=1e-9)


def test_gap_leaves_race_out_never_filled(scenario):
    w = table()
    w = w.drop(pd.Timestamp("2019-10-12 07:00", tz="UTC"))  # inside the 08:00 local race
    c = cand(w)
    u = sweep_unit(scenario, c, SET, 2019, 7000.0, model=build_model(scenario, c))
    assert np.isnan(u.time_still_s[0, 0]) and np.isnan(u.criteria[0, 0])
    # the 09:00 race (07:00Z start) also touches 07Z
    assert np.isnan(u.time_still_s[0, 1])


def test_headwind_and_heat_slow_the_race(scenario):
    course = generic_course({"out_and_back": "9.6km", "heading_deg": 90}, "t")
    calm = cand(table(), course)
    windy = cand(table(wind_speed_m_s=4.0, wind_from_deg=90.0), course)
    hot = cand(table(temperature_c=22.0), course)  # WBGT ≈ 23 °C (BoM)
    mc = build_model(scenario, calm)
    t = {k: sweep_unit(scenario, c, SET, 2019, 7000.0, model=mc).time_still_s[0, 0]
         for k, c in (("calm", calm), ("windy", windy), ("hot", hot))}
    # out and back: the headwind half costs more than the tailwind half gives back
    assert t["windy"] > t["calm"] + 10
    assert t["hot"] > t["calm"] + 10


def test_criteria_over_the_whole_race(scenario):
    ok = cand(table(relative_humidity_frac=0.6, wind_speed_m_s=1.0, wind_from_deg=0.0))
    s = replace(SET, start_hours=(8,))
    mc = build_model(scenario, ok)
    assert sweep_unit(scenario, ok, s, 2019, 7000.0, model=mc).criteria[0, 0] == 1.0
    wet = ok.weather.copy()
    wet.loc[pd.Timestamp("2019-10-12 08:00", tz="UTC"), "precipitation_mm"] = 0.2  # 07–08Z
    assert sweep_unit(scenario, replace(ok, weather=wet), s, 2019, 7000.0,
                      model=mc).criteria[0, 0] == 0.0
    warm = ok.weather.copy()
    warm.loc[pd.Timestamp("2019-10-12 07:00", tz="UTC"), "temperature_c"] = 15.0  # mid-race
    assert sweep_unit(scenario, replace(ok, weather=warm), s, 2019, 7000.0,
                      model=mc).criteria[0, 0] == 0.0
    # a record without precipitation: 'dry' cannot be checked, the rest still is
    nop = ok.weather.copy()
    nop["precipitation_mm"] = np.nan
    assert sweep_unit(scenario, replace(ok, weather=nop), s, 2019, 7000.0,
                      model=mc).criteria[0, 0] == 1.0


def test_form_draws_match_direct_solves(scenario):
    c = cand(table(wind_speed_m_s=3.0, wind_from_deg=200.0, temperature_c=16.0))
    res = sweep(scenario, [c], SET)
    o = res.outcomes[0]
    from paceline.venue.core import form_draws, residual_draws

    lnk = form_draws(scenario, SET.draws, SET.seed)
    resid = residual_draws(scenario, SET.draws, SET.seed)
    mc = build_model(scenario, c)
    u = sweep_unit(scenario, c, SET, 2019, res.duration_s["X"], model=mc)
    # direct solves at each draw's capacity factor k (economy folded in: k = cap/econ)
    direct = mc.finish_times(temperature_c=np.full(lnk.size, u.temperature_c[0, 0]),
                             relative_humidity_frac=u.relative_humidity_frac[0, 0],
                             wind_speed_m_s=np.full(lnk.size, 3.0),
                             wind_from_deg=np.full(lnk.size, u.wind_from_deg[0, 0]),
                             pressure_pa=np.full(lnk.size, 101_325.0),
                             capacity_factor=np.exp(lnk))
    # the model's residual (paceline validate's RMS error) is drawn on top, on time
    np.testing.assert_allclose(o.finish_time_s[0, 0, 0], direct * (1.0 + resid), atol=0.1)


def test_outcomes_spread_beyond_the_weather(scenario):
    # one weather sample, 20 draws: the residual alone must spread the finish times (with
    # the form spreads at their default 0 the probabilities were counts of weather years)
    c = cand(table(wind_speed_m_s=1.0, wind_from_deg=200.0, temperature_c=10.0))
    t = sweep(scenario, [c], SET).outcomes[0].finish_time_s[0, 0, 0]
    assert scenario.uncertainty.residual_sd_frac > 0
    assert np.std(t) / np.mean(t) > 0.3 * scenario.uncertainty.residual_sd_frac


def test_reserve_window_longer_is_never_worse(scenario):
    spec = read_venue_file(SMALL)
    res = sweep(spec.scenario, spec.candidates, spec.settings)
    rows = reserve_window(res.outcomes[0], spec.settings.target_time_s, (1, 2), go=0.5)
    assert [r.days for r in rows] == [1, 2]
    assert rows[1].p_go >= rows[0].p_go


def test_venue_file_errors(tmp_path):
    text = SMALL.read_text()
    bad = tmp_path / "v.toml"
    for old, new, msg in [
        ('time_zone = "Europe/Amsterdam"\naltitude_m = 0\n\n[[candidate]]', "altitude_m = 0\n\n"
         "[[candidate]]", "Europe/Amsterdam"),  # no time zone: the fix names the zone
        ('window = { from = "10-10", to = "10-11" }', 'window = { from = "10-32" }', "MM-DD"),
        ('course = "vienna-2019"', 'course = "vienna"', "unknown course preset"),
        ("draws = 8", "draws = 8\nspeed = 3", "unknown key"),
        ('time_zone = "Europe/Amsterdam"', 'time_zone = "Mars/Olympus"', "unknown time zone"),
    ]:
        bad.write_text(text.replace("../../../", str(ROOT) + "/").replace(
            "knmi_uurgeg", str(DATA) + "/knmi_uurgeg").replace(old, new, 1))
        with pytest.raises(ScenarioError, match=msg.replace("(", r"\(")):
            read_venue_file(bad)


def test_cli_venue_json_and_png(tmp_path):
    png = tmp_path / "v.png"
    r = runner.invoke(app, ["venue", str(SMALL), "--json", "--png", str(png)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert [c["name"] for c in d["candidates"]] == ["Schiphol", "Generic"]
    sch = d["candidates"][0]
    assert sch["hours"] == [8, 11] and sch["days"] == ["10-10", "10-11"]
    # 11:00 local on 11 Oct (09Z + 2 h) touches the 10–15Z gap: no result, not filled
    assert sch["p_target"][1][1] is None and sch["p_target"][0][0] is not None
    assert sch["time_difference_h"] == -1.0  # CEST vs Nairobi (timezonefinder at the base)
    assert png.stat().st_size > 10_000


def test_cli_venue_bad_input_exit_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "paceline", "venue", str(tmp_path / "no.toml")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "not found" in r.stderr and "Traceback" not in r.stderr


def test_forecast_mode_picks_best_slot():
    r = runner.invoke(app, ["venue", str(SMALL), "--only", "Schiphol", "--forecast",
                            str(DATA / "knmi_uurgeg_240_2021-10-10_gap.txt"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    best = d["best"]
    assert best["p_target"] == max(s["p_target"] for s in d["slots"])
    assert best["p10_s"] <= best["p50_s"] <= best["p90_s"]
    assert best["p10_s"] < best["p90_s"]  # the residual gives the band a width


def test_forecast_mode_refuses_a_record(tmp_path):
    # a multi-year record given as the forecast once ended in an IndexError traceback
    src = (DATA / "knmi_uurgeg_240_2021-10-10_gap.txt").read_text()
    lines = src.splitlines()
    body = [ln for ln in lines if ln.lstrip().startswith("240,")]
    late = [ln.replace("20211010", "20221010") for ln in body]
    f = tmp_path / "two-years.txt"
    f.write_text("\n".join([ln for ln in lines if ln not in body] + body + late) + "\n")
    r = subprocess.run([sys.executable, "-m", "paceline", "venue", str(SMALL), "--only",
                        "Schiphol", "--forecast", str(f)], capture_output=True, text=True)
    assert r.returncode == 2 and "one window" in r.stderr and "Traceback" not in r.stderr


def test_dask_local_cluster_identical(scenario):
    distributed = pytest.importorskip("distributed")
    spec = read_venue_file(SMALL, only=["Schiphol"])
    local = sweep(spec.scenario, spec.candidates, spec.settings)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        def map_units(fn, args):
            return client.gather(client.map(fn, args, pure=False))

        remote = sweep(spec.scenario, spec.candidates, spec.settings, map_units=map_units)
    np.testing.assert_array_equal(local.outcomes[0].finish_time_s,
                                  remote.outcomes[0].finish_time_s)


@pytest.mark.parametrize("method", ["liljegren", "model"])
def test_wbgt_race_and_reference_on_one_scale(scenario, method):
    # weather equal to the reference race's (Berlin 2018: 14→18 °C, RH 0.6, still air) gives
    # a heat factor of 1 with either method: the race and the reference share one WBGT scale
    ref = scenario.athlete.reference.conditions
    w = table(temperature_c=0.5 * (ref.temperature_c + ref.temperature_end_c),
              relative_humidity_frac=ref.relative_humidity)
    c = cand(w)
    mc = build_model(scenario, c)
    s = replace(SET, wbgt_method=method)
    t = sweep_unit(scenario, c, s, 2019, 7000.0, model=mc).time_still_s[0, 0]
    # no heat factor at all (WBGT equal to the reference's)
    t0 = mc.finish_times(temperature_c=np.array([16.0]), relative_humidity_frac=0.6,
                         wind_speed_m_s=np.array([0.0]), wind_from_deg=np.array([0.0]),
                         pressure_pa=np.array([101_325.0]), wbgt_c=np.array([20.0]),
                         reference_wbgt_c=20.0)[0]
    assert t == pytest.approx(t0, abs=1.5)


def test_window_outside_the_record_is_refused_and_progress_reported(scenario):
    c = cand(table())  # 11–13 Oct 2019
    with pytest.raises(ScenarioError, match="outside the candidate's weather record"):
        sweep(scenario, [c], replace(SET, first=(6, 1), last=(6, 30)))
    seen = []
    sweep(scenario, [c, replace(c, name="Y")], SET, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]


@pytest.mark.parametrize("value,says", [("local:two", "local:N"), ("local:0", "local:N"),
                                        ("banana", "--dask")])
def test_cli_bad_dask_option_exit_2(value, says):
    # local:0 once waited for workers forever; a bare word was a ValueError traceback
    r = subprocess.run([sys.executable, "-m", "paceline", "venue", str(SMALL), "--dask",
                        value], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr


def test_venue_target_no_human_can_run_is_refused(tmp_path):
    # "2:50" for a marathon once ran the whole sweep and answered P(target) 0.00 everywhere
    from paceline.errors import UnitError

    bad = tmp_path / "v.toml"
    bad.write_text(SMALL.read_text().replace("../../../", str(ROOT) + "/").replace(
        "knmi_uurgeg", str(DATA) + "/knmi_uurgeg").replace(
        'target_time = "1:59:00"', 'target_time = "2:50"'))
    with pytest.raises(UnitError, match="2:50/km"):
        read_venue_file(bad)


def test_a_record_that_cannot_run_the_race_model_is_refused(tmp_path):
    # JMA's temperature-only CSV once ran with every race silently left out (a row of "—")
    bad = tmp_path / "v.toml"
    bad.write_text(SMALL.read_text().replace("../../../", str(ROOT) + "/").replace(
        "knmi_uurgeg_240_2021-10-10_gap.txt", str(DATA / "jma_tokyo_2013-10-12.csv")).replace(
        'time_zone = "Europe/Amsterdam"', 'time_zone = "Asia/Tokyo"\nlatitude_deg = 35.69\n'
        "longitude_deg = 139.75"))
    with pytest.raises(ScenarioError, match="cannot run the race model"):
        read_venue_file(bad)
