"""FIT reader: both decoders agree, session summaries are kept, quirks and defects handled."""

import gzip
import math
from pathlib import Path

import fitfast
import numpy as np
import pytest

from paceline.errors import InputFileError
from paceline.io.activities import (
    NotAnActivityError,
    decode_fit_messages,
    read_activities,
    read_fit,
)
from paceline.io.activities.fit import _fitfast_view, activity_from_messages, fit_crc

FIT = Path(__file__).resolve().parents[2] / "data" / "fit"
ALL_FIT = sorted(FIT.rglob("*.fit"))

# (file, sport, session total_distance [m], Σ timer [s], Σ elapsed [s]) — the files' own
# session messages, as listed in tests/data/fit/SOURCES.md (read there with fitdecode 0.11).
SESSIONS = [
    ("run/2013-02-06-12-11-14.fit", "running", 4835.38, 2625.14, 2625.14),
    ("run/garmin-fenix-5-run.fit", "running", 157.56, 56.887, 56.887),
    ("run/activity-small-fenix2-run.fit", "running", 9008.22, 2832.0, 2832.0),
    ("run/compressed-speed-distance.fit", "running", 10248.67, 3772.75, 3883.273),
    ("run/developer-types-sample.fit", "running", 6753.99, 3424.0, 3424.0),
    ("bike/2015-10-13-08-43-15.fit", "cycling", 11536.43, 1558.198, 1623.198),
    ("bike/garmin-fenix-5-bike.fit", "cycling", 459.52, 60.363, 60.363),
    ("bike/garmin-edge-820-bike.fit", "cycling", 457.12, 64.524, 64.524),
    ("bike/Edge810-Vector-2013-08-16-15-35-10.fit", "cycling", 41339.38, 4700.05, 4700.05),
    ("bike/sample-activity-indoor-trainer.fit", "cycling", 0.0, 2261.85, 2261.85),
    ("other/garmin-fenix-5-walk.fit", "walking", 67.85, 45.379, 45.379),
    ("other/20170518-191602-1740899583.fit", "fitness_equipment", 0.0, 1707.308, 1707.308),
    ("odd/Activity.fit", "running", 5.73, 13.749, 13.749),
    ("odd/activity-settings.fit", "running", 5.73, 13.749, 13.749),
    ("odd/event_timestamp.fit", "swimming", 2606.04, 4371.56, 4567.485),
    ("odd/null_compressed_speed_dist.fit", "cycling", 13400.14, 1808.0, 1807.0),
    ("odd/coros-pace-2-cycling-misaligned-fields.fit", "cycling", 32145.76, 11287.0, 12719.0),
    ("odd/elemnt-bolt-no-application-id-inside-developer-data-id.fit", "cycling", 963.65,
     132.0, 140.0),
    ("odd/unterminated-strings.fit", "cycling", 69.0, 32.0, 32.0),
    # chained triathlon: 5 sessions summed (swim, T1, bike, T2, run)
    ("odd/sample_mulitple_header.fit", "multisport",
     1644.71 + 141.7 + 40909.42 + 31.93 + 9805.92,
     1987.521 + 170.269 + 4422.14 + 60.724 + 2850.694,
     1987.521 + 170.269 + 4422.14 + 60.724 + 2850.694),
]

MALFORMED = {
    "odd/activity-filecrc.fit": "CRC",
    "odd/activity-activity-filecrc.fit": "CRC",
    "odd/activity-settings-corruptheader.fit": "not a FIT file",
    "odd/activity-settings-nodata.fit": "expected 5 bytes",
    "odd/activity-unexpected-eof.fit": "expected 1 bytes",
    "odd/nick.fit": "expected 2 bytes",
    "odd/strava-android-app-201.10-b1218918.fit": "local message 11 not defined",
}
NON_ACTIVITY = ["non_activity/MonitoringFile.fit", "non_activity/Settings.fit",
                "non_activity/WorkoutRepeatSteps.fit", "non_activity/WeightScaleSingleUser.fit",
                "odd/DeveloperData.fit"]


@pytest.mark.parametrize(("name", "sport", "dist", "timer", "elapsed"), SESSIONS)
@pytest.mark.parametrize("decoder", ["auto", "fitdecode"])
def test_session_summary_is_kept(name, sport, dist, timer, elapsed, decoder):
    # Tolerance 1e-6 relative: the numbers are the file's own session fields, not recomputed.
    samples, meta, laps, h = read_fit(FIT / name, decoder=decoder)
    assert meta.sport == sport
    assert meta.distance_m == pytest.approx(dist, rel=1e-6, abs=1e-6)
    assert meta.moving_time_s == pytest.approx(timer, rel=1e-6)
    assert meta.elapsed_time_s == pytest.approx(elapsed, rel=1e-6)
    assert len(h) == 64 and samples["time_s"].size > 0


@pytest.mark.parametrize("name", [s[0] for s in SESSIONS if s[2] > 100])
def test_record_distance_agrees_with_session(name):
    # The last record's distance is within 1 % of the session's total_distance (devices write
    # the session from the same odometer; 1 % allows a last record written before the stop).
    samples, meta, _, _ = read_fit(FIT / name)
    d = samples["distance_m"]
    assert np.nanmax(d) == pytest.approx(meta.distance_m, rel=0.01)


def _records(msgs):
    keys = ("timestamp", "distance", "speed", "enhanced_speed", "heart_rate", "cadence",
            "altitude", "enhanced_altitude", "position_lat", "position_long", "power")
    return [{k: r[k] for k in keys if k in r and r[k] is not None} for r in msgs.get("record", [])]


@pytest.mark.parametrize("path", ALL_FIT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fitfast_and_fitdecode_conformance(path):
    """Both decoders give the same records on every file, or fitdecode takes over."""
    raw = path.read_bytes()
    ref_exc = fast_exc = None
    try:
        ref, _, _ = decode_fit_messages(raw, "fitdecode")
    except Exception as exc:  # noqa: BLE001 - the reference decoder's verdict
        ref_exc = exc
    try:
        fast, _, _ = decode_fit_messages(raw, "fitfast")
    except fitfast.FitDecodeError as exc:
        fast_exc = exc
    if ref_exc is not None:
        assert fast_exc is not None, "fast path accepted a file the reference rejects"
        return
    if fast_exc is not None:  # the adapter must hand over to fitdecode
        _, used, notes = decode_fit_messages(raw, "auto")
        assert used == "fitdecode" and "fast path declined" in notes[0]
        return
    a, b = _records(ref), _records(fast)
    assert len(a) == len(b)
    if any("compressed_speed_distance" in r for r in fast.get("record", [])):
        assert decode_fit_messages(raw, "auto")[1] == "fitdecode"
        return
    # Equal to 1e-9, except the component-expanded enhanced_* fields, where fitfast 0.1
    # truncates instead of rounding: allowed one unit of profile resolution (0.001 m/s, 0.2 m).
    tol = {"enhanced_speed": 1.001e-3, "enhanced_altitude": 0.2001}
    for ra, rb in zip(a, b, strict=True):
        assert ra.keys() == rb.keys()
        for k in ra:
            assert math.isclose(float(ra[k]), float(rb[k]), rel_tol=1e-9,
                                abs_tol=tol.get(k, 1e-9)), k
    # the canonical samples (what the log stores) are identical
    try:
        sa, ma, la = activity_from_messages(ref, where=path.name)
    except NotAnActivityError:
        with pytest.raises(NotAnActivityError):
            activity_from_messages(fast, where=path.name)
        return
    sb, mb, lb = activity_from_messages(fast, where=path.name)
    assert sa.keys() == sb.keys() and la == lb
    for k in sa:
        np.testing.assert_allclose(sa[k], sb[k], rtol=1e-12, atol=1e-9, err_msg=k)
    assert (ma.distance_m, ma.moving_time_s, ma.elapsed_time_s, ma.sport) == \
        (mb.distance_m, mb.moving_time_s, mb.elapsed_time_s, mb.sport)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_are_refused_with_the_defect(name):
    with pytest.raises(InputFileError) as info:
        read_fit(FIT / name)
    msg = str(info.value)
    assert name.split("/")[-1] in msg and MALFORMED[name] in msg and "Fix:" in msg


@pytest.mark.parametrize("name", NON_ACTIVITY)
def test_non_activity_files_are_not_activities(name):
    with pytest.raises(NotAnActivityError, match="holds no|no timestamped|no records"):
        read_fit(FIT / name)


def test_zero_bytes_and_garbage(tmp_path):
    (tmp_path / "empty.fit").write_bytes(b"")
    (tmp_path / "junk.fit").write_bytes(b"this is not a FIT file at all")
    with pytest.raises(InputFileError, match="empty file"):
        read_activities(tmp_path / "empty.fit")
    with pytest.raises(InputFileError, match="not a valid FIT"):
        read_activities(tmp_path / "junk.fit")


def test_gzip_gives_the_same_activity_and_hash(tmp_path):
    src = FIT / "run" / "garmin-fenix-5-run.fit"
    gz = tmp_path / "run.fit.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    a, = read_activities(src)
    b, = read_activities(gz)
    assert a.content_hash == b.content_hash
    assert np.array_equal(a.samples["distance_m"], b.samples["distance_m"])


def test_fitfast_zero_header_crc_workaround():
    raw = (FIT / "bike" / "2015-10-13-08-43-15.fit").read_bytes()
    assert raw[12:14] == b"\x00\x00"
    with pytest.raises(fitfast.FitDecodeError):
        fitfast.parse(raw)  # fitfast 0.1 rejects this valid file ...
    assert len(fitfast.parse(_fitfast_view(raw))["record"]) == 221  # ... and takes the view
    # the view's footer is the CRC of the data alone (what fitfast checks)
    assert fit_crc(raw[14:-2]) == int.from_bytes(_fitfast_view(raw)[-2:], "little")
    # a corrupt file stays corrupt
    bad = (FIT / "odd" / "activity-filecrc.fit").read_bytes()
    with pytest.raises(fitfast.FitDecodeError):
        fitfast.parse(_fitfast_view(bad))


def test_pauses_moving_vs_elapsed_and_device_clock():
    _, meta, laps, _ = read_fit(FIT / "run" / "compressed-speed-distance.fit")
    assert meta.moving_time_s < meta.elapsed_time_s
    assert len(laps) == 11
    assert meta.decoder == "fitdecode"  # compressed_speed_distance: fast path declines
    # system-time clock (< 0x10000000): cleaning dates it from activity.local_timestamp
    a, = read_activities(FIT / "run" / "compressed-speed-distance.fit")
    assert any("counts from power-on" in w for w in a.meta.warnings)
    assert a.meta.start_utc.year == 2012


def test_local_time_zone_from_activity_message():
    _, meta, _, _ = read_fit(FIT / "run" / "garmin-fenix-5-run.fit")
    assert meta.utc_offset_s == -7 * 3600


def test_messages_without_file_id_type_still_need_content():
    with pytest.raises(NotAnActivityError):
        activity_from_messages({"file_id": [{"type": "activity"}]}, where="x")


@pytest.mark.parametrize("name", ["run/compressed-speed-distance.fit",
                                  "odd/sample_mulitple_header.fit",
                                  "run/developer-types-sample.fit", "odd/antfs-dump.63.fit"])
def test_columnar_streaming_gives_the_same_activity(name):
    # large files are decoded by fitdecode streaming records into columns (memory, issue 13):
    # the activity must be the one the dictionary path gives
    from paceline.io.activities.fit import _decode_fitdecode, _split_sessions

    raw = (FIT / name).read_bytes()
    dicts, _ = _decode_fitdecode(raw)
    cols, _ = _decode_fitdecode(raw, columnar=True)
    parts_d, parts_c = _split_sessions(dicts), _split_sessions(cols)
    assert len(parts_d) == len(parts_c)
    for pd, pc in zip(parts_d, parts_c, strict=True):
        sd, md, ld = activity_from_messages(pd, where=name)
        sc, mc, lc = activity_from_messages(pc, where=name)
        assert md == mc and ld == lc and sd.keys() == sc.keys()
        for k in sd:
            np.testing.assert_array_equal(sd[k], sc[k])
