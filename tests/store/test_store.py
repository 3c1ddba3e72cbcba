"""Store and importer: the same tests on SQLite and PostgreSQL (see conftest.py)."""

import shutil
from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select

from paceline.errors import InputFileError
from paceline.io.activities import read_activities
from paceline.store import TrainingLog, decode_streams, encode_streams, import_paths
from paceline.store import importer as importer_mod
from paceline.store.schema import ActivityRow, BestEffortRow, LapRow, StreamRow

GOOD = ["fit/run/activity-small-fenix2-run.fit", "fit/run/garmin-fenix-5-run.fit",
        "fit/odd/sample_mulitple_header.fit", "tcx/test.tcx",
        "gpx-activities/cerknicko-jezero.gpx"]
BAD = ["fit/odd/activity-filecrc.fit", "fit/odd/activity-unexpected-eof.fit",
       "fit/odd/activity-settings-corruptheader.fit",
       "fit/odd/strava-android-app-201.10-b1218918.fit"]
SKIP = ["fit/non_activity/Settings.fit", "gpx-activities/route.gpx"]


def _counts(lg):
    with lg.Session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t))
                     for t in (ActivityRow, LapRow, StreamRow, BestEffortRow))


def test_import_summary_is_honest_and_idempotent(log, data_root, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for rel in GOOD + BAD + SKIP:
        shutil.copy(data_root / rel, folder / rel.replace("/", "__"))
    (folder / "zero.fit").write_bytes(b"")
    s = import_paths(log, [folder], workers=1)
    assert len(s.imported) == len(GOOD)
    assert len(s.failed) == len(BAD) + 1 and all(o.reason for o in s.failed)
    assert len(s.skipped) == len(SKIP) and all(o.reason for o in s.skipped)
    # the triathlon FIT (sample_mulitple_header.fit) is 5 activities: one per session
    assert log.count() == len(GOOD) + 4
    before = _counts(log)
    again = import_paths(log, [folder], workers=1)
    assert len(again.imported) == 0 and len(again.duplicate) == len(GOOD)
    assert _counts(log) == before
    js = again.as_json()
    assert set(js) == {"imported", "duplicate", "skipped", "failed"}
    assert all("file" in o and "reason" in o for o in js["failed"])


@pytest.mark.parametrize("rel", GOOD)
def test_stored_summary_matches_the_file(log, data_root, rel):
    # Stored distance/duration equal the reader's, which equal the file's own summary
    # (tests/io/activities); tolerance 1e-9 relative (floats round-trip through the DB).
    acts = read_activities(data_root / rel)
    s = import_paths(log, [data_root / rel], workers=1)
    ids = s.imported[0].activity_ids
    assert len(ids) == len(acts)
    for a, aid in zip(acts, ids, strict=True):
        d = log.get(aid)
        for k in ("distance_m", "moving_time_s", "elapsed_time_s"):
            assert d[k] == pytest.approx(getattr(a.meta, k), rel=1e-9)
        assert len(d["laps"]) == len(a.laps)
        st = log.streams(aid)
        for ch, x in a.samples.items():  # lossless to half a quantum (codec.QUANTUM)
            np.testing.assert_allclose(st[ch], x, atol={"latitude_deg": 5.1e-8,
                                                        "longitude_deg": 5.1e-8}.get(ch, 0.051),
                                       equal_nan=True)


def test_bad_file_leaves_nothing_and_batch_goes_on(log, data_root, monkeypatch):
    real = importer_mod._write

    def failing(session, athlete_id, p):
        row_id = real(session, athlete_id, p)  # rows written, then the file fails
        if p.activity.source_file == "test.tcx":
            raise ValueError("simulated failure after writing laps and stream")
        return row_id

    monkeypatch.setattr(importer_mod, "_write", failing)
    s = import_paths(log, [data_root / "tcx/test.tcx",
                           data_root / "fit/run/garmin-fenix-5-run.fit"], workers=1)
    assert [o.status for o in s.outcomes] == ["failed", "imported"]
    assert "nothing kept" in s.failed[0].reason
    assert _counts(log)[0] == 1
    with log.Session() as ses:
        assert ses.scalar(select(func.count()).select_from(LapRow)) == 1  # fenix run's one lap


def test_parallel_import_equals_serial(backend, data_root, tmp_path):
    url, schema = backend
    files = [data_root / r for r in GOOD + BAD]
    with TrainingLog(url, schema=schema) as lg:
        s = import_paths(lg, files, workers=2, progress=lambda d, t: None)
        assert len(s.imported) == len(GOOD) and len(s.failed) == len(BAD)
        assert [o.file for o in s.outcomes] == [str(f) for f in files]


def test_csv_rows_are_idempotent(log, tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("date,type,distance,time,notes\n2024-03-01,run,10k,41:30,easy\n")
    assert len(import_paths(log, [p], workers=1).imported) == 1
    p.write_text("date,type,distance,time,notes\n2024-03-01,run,10k,41:30,easy\n"
                 "2024-03-03,run,5k,19:59,\n")
    s = import_paths(log, [p], workers=1)
    assert len(s.imported) == 1 and "1 of 2" in s.imported[0].reason
    assert log.count() == 2


def test_list_show_delete_notes_tags(log, data_root):
    import_paths(log, [data_root / "fit/run", data_root / "tcx"], workers=1)
    rows = log.list_activities()
    assert rows == sorted(rows, key=lambda r: (r.start_utc, r.id))
    runs = log.list_activities(sport="running")
    assert runs and all(r.sport == "running" for r in runs)
    assert log.list_activities(since=date(2015, 1, 1), until=date(2016, 1, 1))[0].sport \
        == "running"
    aid = rows[-1].id
    log.tag(aid, "race")
    log.tag(aid, "race")
    assert log.get(aid)["tags"] == ["race"]
    n0 = _counts(log)
    log.delete(aid)
    assert log.count() == n0[0] - 1 and _counts(log)[1] <= n0[1]
    with pytest.raises(InputFileError, match="no such activity"):
        log.get(aid)
    log.add_note(date(2024, 3, 1), "felt good")
    assert log.notes() == [{"day": "2024-03-01", "text": "felt good"}]


def test_best_efforts_query(log, data_root):
    import_paths(log, [data_root / "fit/run"], workers=1)
    b = log.best_efforts()
    by = {e["distance_m"]: e for e in b}
    assert by[5000.0]["time_s"] < by[10000.0]["time_s"]
    assert all(e["distance_m"] / e["time_s"] < 7 for e in b)  # no GPS teleport


def test_load_inputs_without_histograms_is_the_same_minus_them(log, data_root):
    # the gpx has no heart rate, the fenix runs have: has_hr comes from the database either
    # way, and the histograms are the files' seconds at each bpm (sum = time with HR)
    import_paths(log, [data_root / r for r in GOOD[:2] + GOOD[4:]], workers=1)
    full, lean = log.load_inputs(), log.load_inputs(hr_histograms=False)
    hr = full["has_hr"]
    assert sorted(hr.tolist()) == [False, True, True]
    assert set(full) - set(lean) == {"hr_histogram_s"}
    for k, v in lean.items():
        np.testing.assert_array_equal(v, full[k])
    h = full["hr_histogram_s"]
    assert h.shape == (3, 256) and h[~hr].sum() == 0
    assert np.all((0.5 < h[hr].sum(axis=1) / full["elapsed_time_s"][hr])
                  & (h[hr].sum(axis=1) <= full["elapsed_time_s"][hr] + 1))


def test_codec_round_trip_and_missing():
    x = {"time_s": np.arange(5.0), "heart_rate_bpm": np.array([100, np.nan, 120, 121, 122.0])}
    y = decode_streams(encode_streams(x))
    np.testing.assert_array_equal(y["time_s"], x["time_s"])
    np.testing.assert_array_equal(y["heart_rate_bpm"], x["heart_rate_bpm"])
    assert decode_streams(encode_streams({})) == {}


def test_migration_creates_the_models_tables(backend):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from paceline.store.schema import Base

    url, schema = backend
    with TrainingLog(url, schema=schema) as lg, lg.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    assert [d for d in diff if d[0] in ("add_table", "remove_table", "add_column",
                                        "remove_column")] == []


def test_head_revision_constant_is_alembic_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from paceline.store import db

    cfg = Config()
    cfg.set_main_option("script_location", str(db._MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == db.HEAD_REVISION
