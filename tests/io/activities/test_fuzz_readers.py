"""Every reader fuzzed (hypothesis): real files truncated, bytes flipped, values pushed to their
limits. The contract: an activity whose time axis is clean, or a PacelineError with a reason —
never a traceback, never a half-written activity in the log. Kept small (a few seconds): tiny
real files, ~40 examples per reader."""

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paceline.errors import PacelineError
from paceline.io.activities import read_activities

DATA = Path(__file__).resolve().parents[2] / "data"
FC = DATA / "field-cases"
FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _small_xml(name: str, tag: str, keep: int) -> bytes:
    """The first ``keep`` points/trackpoints of a field-case file (valid XML)."""
    text = (FC / name).read_text()
    parts = text.split(f"<{tag}")
    close = "</trkseg>" if tag == "trkpt" else "</Track>"
    tail = text[text.index(close):]
    body = "".join(f"<{tag}" + p for p in parts[1:keep + 1])
    body = body[:body.rindex(f"</{tag}>") + len(f"</{tag}>")]
    return (parts[0] + body + tail).encode()


SEEDS = {
    "fit": (DATA / "fit/run/garmin-fenix-5-run.fit").read_bytes(),
    "fit-sdk": (DATA / "fit/odd/Activity.fit").read_bytes(),
    "gpx": _small_xml("06-garmin-ns3.gpx", "trkpt", 40),
    "tcx": _small_xml("07-ns2-tpx.tcx", "Trackpoint", 40),
    "csv": b"date,type,distance,time,notes\n2024-03-01,Run,10k,41:30,easy\n"
           b"2024-03-02,run,half,1:25:00,\n",
}
SUFFIX = {"fit": ".fit", "fit-sdk": ".fit", "gpx": ".gpx", "tcx": ".tcx", "csv": ".csv"}
EXTREMES = ["1e308", "-1e308", "nan", "inf", "-inf", "-0", "99999999999999999999", "",
            "abc", "0", "-91", "181", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
            "1970-01-01T00:00:00", "2021-05-02T07:30:00+14:00"]


def check(path: Path) -> None:
    """The contract of read_activities on any bytes."""
    try:
        acts = read_activities(path)
    except PacelineError as exc:
        assert str(exc).strip()  # always a reason
        return
    for a in acts:
        t = a.samples.get("time_s")
        if t is not None and t.size:
            assert np.all(np.isfinite(t)) and np.all(np.diff(t) > 0)
            assert all(v.shape == t.shape for v in a.samples.values())
        for k in ("distance_m", "moving_time_s", "elapsed_time_s"):
            v = getattr(a.meta, k)
            assert v is None or np.isfinite(v)


@pytest.mark.parametrize("kind", list(SEEDS))
@FAST
@given(data=st.data())
def test_truncated_and_flipped(tmp_path, kind, data):
    raw = bytearray(SEEDS[kind])
    cut = data.draw(st.integers(0, len(raw)), label="truncate at")
    raw = raw[:cut] if data.draw(st.booleans(), label="truncate") else raw
    for _ in range(data.draw(st.integers(0, 4), label="flips")):
        if raw:
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] = data.draw(st.integers(0, 255))
    p = tmp_path / f"f{SUFFIX[kind]}"
    p.write_bytes(bytes(raw))
    check(p)


@pytest.mark.parametrize("kind", ["gpx", "tcx", "csv"])
@FAST
@given(data=st.data())
def test_values_pushed_to_their_limits(tmp_path, kind, data):
    text = SEEDS[kind].decode()
    tokens = [m.span() for m in re.finditer(
        r"-?\d[\d.:\-T+Z]*|(?<=>)[A-Za-z]+(?=<)", text)]
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        a, b = tokens[data.draw(st.integers(0, len(tokens) - 1))]
        text = text[:a] + data.draw(st.sampled_from(EXTREMES)) + text[b:]
        tokens = [m.span() for m in re.finditer(r"-?\d[\d.:\-T+Z]*|(?<=>)[A-Za-z]+(?=<)",
                                                text)]
    p = tmp_path / f"v{SUFFIX[kind]}"
    p.write_text(text)
    check(p)


@FAST
@given(cut=st.integers(0, 2000), flips=st.lists(st.tuples(st.integers(0, 10**9),
                                                           st.integers(0, 255)), max_size=3))
def test_course_gpx_reader(tmp_path, cut, flips):
    from paceline.io.gpx import read_gpx

    raw = bytearray((FC / "16c-course-clean.gpx").read_bytes()[:400 + cut * 10])
    for i, v in flips:
        raw[i % len(raw)] = v
    p = tmp_path / "c.gpx"
    p.write_bytes(bytes(raw))
    try:
        track, meta = read_gpx(p)
    except PacelineError as exc:
        assert str(exc).strip()
        return
    assert len(track) >= 2 and np.all(np.isfinite(track.lat_deg))


def test_fuzzed_files_are_imported_whole_or_not_at_all(tmp_path):
    """Never half-written: every variant is imported with its stream and bests, or fails or is
    skipped with a reason and leaves the log as it was."""
    from sqlalchemy import func, select

    from paceline.store import TrainingLog, import_paths
    from paceline.store.schema import ActivityRow, StreamRow

    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(13)
    for kind, raw in SEEDS.items():
        for k in range(6):
            b = bytearray(raw[:int(len(raw) * (0.4 + 0.12 * k))] if k % 2 else raw)
            for i in rng.integers(0, len(b), size=k):
                b[i] = int(rng.integers(0, 256))
            (folder / f"{kind}-{k}{SUFFIX[kind]}").write_bytes(bytes(b))
    with TrainingLog(f"sqlite:///{tmp_path / 'log.sqlite'}") as lg:
        s = import_paths(lg, [folder], workers=1)
        assert len(s.outcomes) == 30
        assert all(o.reason for o in s.outcomes if o.status in ("failed", "skipped"))
        ids = [i for o in s.imported + s.duplicate for i in o.activity_ids]
        with lg.Session() as ses:
            n_rows = ses.scalar(select(func.count(ActivityRow.id)))
            with_samples = ses.scalar(select(func.count(ActivityRow.id)).where(
                ActivityRow.n_samples > 0))
            streams = ses.scalar(select(func.count(StreamRow.activity_id)))
        assert n_rows == len(ids) and streams == with_samples
        for i in ids:
            d = lg.get(i)
            st_ = lg.streams(i)
            assert d["n_samples"] == (st_["time_s"].size if st_ else 0)
