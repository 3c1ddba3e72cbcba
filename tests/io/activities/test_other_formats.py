"""GPX, TCX and CSV activity readers on real files."""

from pathlib import Path

import pytest

from paceline.errors import InputFileError
from paceline.io.activities import NotAnActivityError, read_activities

DATA = Path(__file__).resolve().parents[2] / "data"


def test_tcx_laps_match_the_file():
    # test.tcx: 3 laps, 4689.2 m, 1992.8 s of lap timer time (SOURCES.md); sums of <Lap> values
    a, = read_activities(DATA / "tcx" / "test.tcx")
    assert a.meta.sport == "running"
    assert len(a.laps) == 3
    assert a.meta.distance_m == pytest.approx(4689.24, abs=0.01)
    assert a.meta.moving_time_s == pytest.approx(1992.78, abs=0.01)
    assert a.n_samples == 384 and "heart_rate_bpm" in a.samples
    assert a.meta.notes == "Aerobics"


def test_tcx_without_hr_and_other_sport():
    a, = read_activities(DATA / "tcx" / "no_hr.tcx")
    assert "heart_rate_bpm" not in a.samples
    b, = read_activities(DATA / "tcx" / "sup_activity_1.tcx")
    assert b.meta.sport == "other" and len(b.laps) == 2
    assert b.meta.distance_m == pytest.approx(1157.51, abs=0.01)
    assert b.meta.moving_time_s == pytest.approx(1112.3, abs=0.05)


def test_tcx_malformed(tmp_path):
    p = tmp_path / "bad.tcx"
    p.write_text("<TrainingCenterDatabase><Activities><Activity>")
    with pytest.raises(InputFileError, match="not a valid TCX"):
        read_activities(p)


def test_gpx_timed_track():
    # cerknicko-jezero.gpx: 8 segments, 296 timed points, gpxpy 2D length 4580 m, span 7190 s.
    # Our haversine length agrees within 0.5 % (gpxpy uses another earth model).
    a, = read_activities(DATA / "gpx-activities" / "cerknicko-jezero.gpx")
    assert a.n_samples == 296
    assert a.meta.distance_m == pytest.approx(4580, rel=0.005)
    assert a.meta.elapsed_time_s == pytest.approx(7190)
    assert a.meta.ascent_m == pytest.approx(223, abs=1)


def test_gpx_partly_timed_track_warns():
    a, = read_activities(DATA / "gpx-activities" / "korita-zbevnica.gpx")
    assert a.n_samples == 513
    assert "358 of 871" in a.meta.warnings[0]


@pytest.mark.parametrize("name", ["route.gpx", "odd/unicode_with_bom.gpx"])
def test_gpx_without_timed_track_is_not_an_activity(name):
    with pytest.raises(NotAnActivityError):
        read_activities(DATA / "gpx-activities" / name)


def test_gpx_with_frozen_clock_is_refused():
    with pytest.raises(InputFileError, match="do not advance"):
        read_activities(DATA / "gpx-activities" / "odd" / "Mojstrovka.gpx")


def test_gpx_sport_from_track_type():
    # <type>run</type> → canonical "running" (data/sports.csv); the raw name is kept
    a, = read_activities(DATA / "gpx-activities" / "track-with-less-sec-time.gpx")
    assert a.meta.sport == "running" and a.meta.sport_raw == "run"


def test_csv_log(tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("date,type,distance,time,notes\n2024-03-01,Run,10k,41:30,easy\n"
                 "2024-03-02,run,half,1:25:00,\n")
    a, b = read_activities(p)
    assert a.meta.distance_m == 10000 and a.meta.moving_time_s == 2490
    assert b.meta.distance_m == pytest.approx(21097.5)
    assert a.meta.notes == "easy" and a.content_hash != b.content_hash


def test_csv_bad_row_and_foreign_csv(tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("date,type,distance,time\n2024-03-01,run,ten,41:30\n")
    with pytest.raises(InputFileError, match="line 2"):
        read_activities(p)
    q = tmp_path / "other.csv"
    q.write_text("timestamp,heart_rate\n1,2\n")
    with pytest.raises(NotAnActivityError, match="not a training-log CSV"):
        read_activities(q)


def test_unknown_type_is_skipped(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello")
    with pytest.raises(NotAnActivityError, match="not an activity file type"):
        read_activities(p)
