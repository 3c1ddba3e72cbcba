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
    python benchmarks/bench_log.py --quick      # CI: ~50 activities, a 20,000-record FIT

Memory target (issue 13): importing a 92-hour, 330,000-record FIT (generated here,
:func:`long_fit`) peaks at ≤ 200 MB resident (max RSS of the ``paceline log import``
process; the quick mode uses 20,000 records).
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


_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0xA001 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc16_fit(data: bytes, crc: int = 0) -> int:
    """FIT's CRC-16 (CRC-16/ARC), byte-table form (checked against paceline's nibble form)."""
    t = _CRC_TABLE
    for b in data:
        crc = (crc >> 8) ^ t[(crc ^ b) & 0xFF]
    return crc


def long_fit(path: Path, n_records: int = 330_000, pause_s: int = 1200) -> tuple[int, float]:
    """Write a synthetic ultra FIT (one session): ``n_records`` records at 1 Hz with one pause
    of ``pause_s`` half way (330,000 records + 20 min = 92.0 h), HR, cadence, altitude,
    distance, speed and positions on a 1 km-radius loop; file_id, lap, session and activity
    messages; valid CRCs. Returns ``(bytes, hours)``."""
    epoch = 631065600
    t0 = 1717221600 - epoch  # 2024-06-01T06:00:00Z in FIT seconds
    i = np.arange(n_records)
    ts = t0 + i + np.where(i >= n_records // 2, pause_s, 0)
    speed = 2.2 + 0.5 * np.sin(i / 600.0)
    dist = np.concatenate([[0.0], np.cumsum(speed[:-1])])
    ang = dist / 1000.0
    lat = 47.0 + (1000.0 / 111_200.0) * np.sin(ang)
    lon = 8.0 + (1000.0 / 75_800.0) * np.cos(ang)
    semi = 2**31 / 180.0

    def define(local: int, glob: int, fields: list[tuple[int, int, int]]) -> bytes:
        return (struct.pack("<BBBHB", 0x40 | local, 0, 0, glob, len(fields))
                + b"".join(struct.pack("<BBB", *f) for f in fields))

    rec_dtype = np.dtype([("h", "u1"), ("ts", "<u4"), ("lat", "<i4"), ("lon", "<i4"),
                          ("alt", "<u2"), ("hr", "u1"), ("cad", "u1"), ("dist", "<u4"),
                          ("speed", "<u2")])
    rec = np.zeros(n_records, rec_dtype)
    rec["h"] = 1
    rec["ts"] = ts
    rec["lat"] = np.round(lat * semi)
    rec["lon"] = np.round(lon * semi)
    rec["alt"] = np.round((400 + 30 * np.sin(i / 900.0) + 500) * 5)
    rec["hr"] = np.round(135 + 15 * np.sin(i / 1800.0))
    rec["cad"] = 85
    rec["dist"] = np.round(dist * 100)
    rec["speed"] = np.round(speed * 1000)
    end = int(ts[-1])
    elapsed_ms = (end - t0) * 1000
    timer_ms = (n_records - 1) * 1000
    total_cm = int(rec["dist"][-1])
    body = b"".join([
        define(0, 0, [(0, 1, 0), (1, 2, 0x84), (2, 2, 0x84), (3, 4, 0x8C), (4, 4, 0x86)]),
        struct.pack("<BBHHII", 0, 4, 1, 1, 1, t0),
        define(1, 20, [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (2, 2, 0x84), (3, 1, 2),
                       (4, 1, 2), (5, 4, 0x86), (6, 2, 0x84)]),
        rec.tobytes(),
        define(2, 19, [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86),
                       (9, 4, 0x86)]),
        struct.pack("<BIIIII", 2, end, t0, elapsed_ms, timer_ms, total_cm),
        define(3, 18, [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (9, 4, 0x86),
                       (5, 1, 0), (6, 1, 0)]),
        struct.pack("<BIIIIIBB", 3, end, t0, elapsed_ms, timer_ms, total_cm, 1, 0),
        define(4, 34, [(253, 4, 0x86), (0, 4, 0x86), (1, 2, 0x84), (2, 1, 0), (3, 1, 0),
                       (4, 1, 0), (5, 4, 0x86)]),
        struct.pack("<BIIHBBBI", 4, end, timer_ms, 1, 0, 26, 1, end + 7200),
    ])
    head = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    head += struct.pack("<H", crc16_fit(head))
    data = head + body
    data += struct.pack("<H", crc16_fit(data))
    path.write_bytes(data)
    return len(data), (end - t0) / 3600.0


def import_memory_mb(fit: Path, tmp: Path) -> tuple[float, float]:
    """Peak resident memory [MB] (the child's max RSS, os.wait4) and wall time [s] of
    ``paceline log import FILE`` in a fresh process (one file: decoded in that process)."""
    db = tmp / "mem.sqlite"
    for f in tmp.glob("mem.sqlite*"):
        f.unlink()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "paceline", "log", "import", str(fit),
                             "--db", f"sqlite:///{db}", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"import of {fit.name} failed: {proc.stderr.read().decode()[-500:]}")
    return usage.ru_maxrss / 1024.0, wall


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
        n_rec = 20_000 if args.quick else 330_000
        nbytes, hours = long_fit(tmp / "ultra.fit", n_rec)
        mems = [import_memory_mb(tmp / "ultra.fit", tmp) for _ in range(1 if args.quick else 3)]
        mb = sorted(m for m, _ in mems)
        walls = sorted(w for _, w in mems)
        print(f"memory: `paceline log import` of a {hours:.1f}-hour, {n_rec:,}-record FIT "
              f"({nbytes / 1e6:.1f} MB): peak RSS median {mb[len(mb) // 2]:.0f} MB (range "
              f"{mb[0]:.0f}–{mb[-1]:.0f}, {len(mb)} runs; target ≤ 200 MB for the 92-hour file); "
              f"wall {walls[len(walls) // 2]:.1f} s")
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
