"""Speed and size figures for the training log (prints; never gates).

Builds a synthetic 20-year history by replaying the real activity files of tests/data with new
content hashes (FIT: the header's profile-version field changes, header and file CRCs are
re-computed so both decoders accept the copy; TCX: an XML comment), imports it with the real
importer (parallel decode, one transaction per file), then spreads the activities over 20
years (one UPDATE per activity) and times the analytics.

Targets (issue 6): whole import ≤ 10 min on 2 cores and ≥ 10× faster than plain fitdecode
decoding of the same files; PMC over 20 years ≤ 200 ms; best efforts over all activities
≤ 1 s; ``paceline log list`` on 8,000 activities ≤ 1 s.

    python benchmarks/bench_log.py              # full: 8,000 activities (~40 M samples)
    python benchmarks/bench_log.py --n 2000     # scaled run (figures extrapolated, stated)
    python benchmarks/bench_log.py --quick      # CI: ~50 activities
"""

from __future__ import annotations

import argparse
import io
import os
import struct
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import fitdecode
import numpy as np
from sqlalchemy import func, select, update

from paceline import log as analytics
from paceline.io.activities.fit import _advance_zeros, fit_crc
from paceline.store import TrainingLog, import_paths
from paceline.store.schema import ActivityRow, StreamRow

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
#: (file, weight): valid real activities; weights bring the mean near 5,000 samples/activity
SOURCES = [
    ("fit/odd/coros-pace-2-cycling-misaligned-fields.fit", 3),
    ("fit/bike/Edge810-Vector-2013-08-16-15-35-10.fit", 3),
    ("fit/run/activity-small-fenix2-run.fit", 3),
    ("fit/run/developer-types-sample.fit", 3),
    ("fit/odd/event_timestamp.fit", 1),
    ("fit/odd/null_compressed_speed_dist.fit", 1),
    ("fit/odd/sample_mulitple_header.fit", 1),
    ("fit/bike/sample-activity-indoor-trainer.fit", 1),
    ("fit/other/20170518-191602-1740899583.fit", 1),
    ("fit/run/compressed-speed-distance.fit", 1),
    ("fit/run/2013-02-06-12-11-14.fit", 1),
    ("tcx/test.tcx", 1),
]


def fit_variant(raw: bytes, k: int) -> bytes:
    """Same activity, different bytes: profile version += k, CRCs made valid again."""
    b = bytearray(raw)
    hs = b[0]
    ds = struct.unpack_from("<I", b, 4)[0]
    old = bytes(b[:hs])
    pv = (struct.unpack_from("<H", b, 2)[0] + k) % 65536
    struct.pack_into("<H", b, 2, pv)
    if hs == 14 and old[12:14] != b"\x00\x00":
        struct.pack_into("<H", b, 12, fit_crc(bytes(b[:12])))
    diff = bytes(x ^ y for x, y in zip(old, b[:hs], strict=True))
    delta = _advance_zeros(fit_crc(diff), ds)  # CRC is linear: crc(a^b) = crc(a)^crc(b)
    footer = struct.unpack_from("<H", b, hs + ds)[0] ^ delta
    struct.pack_into("<H", b, hs + ds, footer)
    return bytes(b)


def build_history(folder: Path, n: int) -> list[tuple[Path, Path]]:
    plan = [src for src, w in SOURCES for _ in range(w)]
    raws = {src: (DATA / src).read_bytes() for src, _ in SOURCES}
    out = []
    for i in range(n):
        src = plan[i % len(plan)]
        k = i // len(plan) + 1
        raw = raws[src]
        data = fit_variant(raw, k) if src.endswith(".fit") else \
            raw + f"<!-- replay {k} -->\n".encode()
        p = folder / f"{i:05d}{Path(src).suffix}"
        p.write_bytes(data)
        out.append((p, DATA / src))
    return out


def fitdecode_seconds(files: list[tuple[Path, Path]]) -> tuple[float, int]:
    """Plain fitdecode decoding (all frames, no processing) of the FIT files of the history:
    each distinct source timed once (best of 2) and multiplied by its replay count."""
    per_src: dict[Path, float] = {}
    counts: dict[Path, int] = {}
    for _, src in files:
        if src.suffix == ".fit":
            counts[src] = counts.get(src, 0) + 1
    for src in counts:
        raw = src.read_bytes()
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with fitdecode.FitReader(io.BytesIO(raw)) as r:
                    for _frame in r:
                        pass
            best = min(best, time.perf_counter() - t0)
        per_src[src] = best
    return sum(per_src[s] * c for s, c in counts.items()), sum(counts.values())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n", type=int, default=8000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep the database here")
    args = ap.parse_args()
    n = 50 if args.quick else args.n
    years = 20
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        files = build_history(tmp / "in", n)
        db_path = args.keep or tmp / "log.sqlite"
        if db_path.exists():
            db_path.unlink()
        url = f"sqlite:///{db_path}"
        workers = args.workers or len(os.sched_getaffinity(0))
        with TrainingLog(url) as lg:
            t0 = time.perf_counter()
            s = import_paths(lg, [tmp / "in"], workers=workers)
            t_import = time.perf_counter() - t0
            assert not s.failed, s.failed[:3]
            with lg.Session() as ses:
                n_samples = int(ses.scalar(select(func.sum(ActivityRow.n_samples))))
                stream_bytes = int(ses.scalar(select(func.sum(func.length(StreamRow.data)))))
                ids = list(ses.scalars(select(ActivityRow.id).order_by(ActivityRow.id)))
            # spread over 20 years, one activity every 20·365.25/n days, 07:00 UTC
            step_s = years * 365.25 * 86400 / len(ids)
            base = np.datetime64("2005-01-01T07:00:00")
            with lg.Session.begin() as ses:
                for j, aid in enumerate(ids):
                    t = (base + np.timedelta64(int(j * step_s), "s")).astype(object)
                    ses.execute(update(ActivityRow).where(ActivityRow.id == aid)
                                .values(start_utc=t))
            lg.update_athlete("default", hr_rest_bpm=45.0, hr_max_bpm=190.0,
                              threshold_speed_m_s=4.5)

            def pmc_once():
                a = lg.athlete("default")
                inp = lg.load_inputs()
                st, ld, _ = analytics.daily_loads(inp, hr_rest_bpm=a["hr_rest_bpm"],
                                                  hr_max_bpm=a["hr_max_bpm"],
                                                  threshold_speed_m_s=a["threshold_speed_m_s"])
                return analytics.pmc(st, ld)

            t_pmc = min(_timed(pmc_once) for _ in range(3))
            p = pmc_once()
            t_best = min(_timed(lambda: lg.best_efforts(sport=None)) for _ in range(3))
            t_list = min(_timed(lg.list_activities) for _ in range(3))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "paceline", "log", "list", "--json", "--db", url],
                       check=True, capture_output=True)
        t_cli = time.perf_counter() - t0
        db_bytes = db_path.stat().st_size + sum(
            f.stat().st_size for f in db_path.parent.glob(db_path.name + "-*"))
        t_fd, n_fit = fitdecode_seconds(files)
        hours = n_samples / 3600.0  # samples are ~1 Hz (smart-recording files fewer)
        scale = 8000 / n
        print(f"history: {n} activities ({n_fit} FIT), {n_samples:,} samples, "
              f"{len(p.day)} days of PMC; {workers} worker processes")
        print(f"import: {t_import:.1f} s ({n / t_import:.0f} activities/s)"
              + (f"; extrapolated to 8,000: {t_import * scale / 60:.1f} min" if n != 8000
                 else f" = {t_import / 60:.1f} min") + " (target ≤ 10 min)")
        print(f"plain fitdecode decoding of the same FIT files (1 process): {t_fd:.1f} s → "
              f"import is {t_fd / t_import:.1f}× faster (target ≥ 10×)")
        print(f"database: {db_bytes / 1e6:.1f} MB total, streams {stream_bytes / 1e6:.1f} MB; "
              f"{db_bytes / hours / 1e3:.1f} kB per hour of 1 Hz samples "
              f"(streams alone {stream_bytes / hours / 1e3:.1f} kB/h)")
        print(f"PMC over {len(p.day) / 365.25:.1f} years: {t_pmc * 1e3:.0f} ms "
              f"(target ≤ 200 ms)")
        print(f"best efforts over all {n} activities: {t_best * 1e3:.0f} ms (target ≤ 1 s)")
        print(f"list: in-process {t_list * 1e3:.0f} ms; `paceline log list --json` whole "
              f"process {t_cli:.2f} s (target ≤ 1 s on 8,000)")
        if n != 8000:
            print(f"NOTE: scaled run ({n} activities); the import time above is extrapolated "
                  f"linearly ×{scale:.1f}; query times were measured on {n} rows only.")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
