"""Speed figures for the venue sweep (prints; never gates).

Target (issue 16): the bundled sweep — every candidate, day, start hour and year of
scenarios/venue-sub2.toml — in ≤ 30 s in-process on this machine; the Dask figure beside it
(LocalCluster of 2 worker processes). Figures are medians and ranges of several runs: the
machine is shared and noisy.

    python benchmarks/bench_venue.py            # full figures (3 runs in-process, 1 on Dask)
    python benchmarks/bench_venue.py --quick    # CI: one small run, proves it still works
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from paceline.io.venue_file import read_venue_file
from paceline.venue import sweep

ROOT = Path(__file__).resolve().parents[1]
VENUE = ROOT / "scenarios" / "venue-sub2.toml"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    spec = read_venue_file(VENUE)
    t_read = time.perf_counter() - t0
    settings = spec.settings
    if args.quick:
        settings = replace(settings, first=(10, 1), last=(10, 7))
    n_units = 0
    times = []
    for _ in range(1 if args.quick else args.runs):
        t0 = time.perf_counter()
        res = sweep(spec.scenario, spec.candidates, settings,
                    base_time_zone=spec.base_time_zone,
                    max_time_difference_h=spec.max_time_difference_h)
        times.append(time.perf_counter() - t0)
    n_units = sum(len(o.years) for o in res.outcomes)
    races = sum(o.finish_time_s[..., 0].size for o in res.outcomes)
    print(f"venue sweep ({'quick: 7 days' if args.quick else 'bundled, whole window'}): "
          f"{len(res.outcomes)} candidates, {n_units} candidate-years, {races} weather "
          f"races × {settings.draws} form draws")
    print(f"  reading the venue file and weather records: {t_read:.2f} s")
    print(f"  in-process sweep: median {np.median(times):.2f} s, range {min(times):.2f}–"
          f"{max(times):.2f} s over {len(times)} run(s)   (target ≤ 30 s)")
    if args.quick or args.no_dask:
        return
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        t_start = time.perf_counter() - t0

        def map_units(fn, a):
            return client.gather(client.map(fn, a, pure=False))

        t0 = time.perf_counter()
        remote = sweep(spec.scenario, spec.candidates, settings,
                       base_time_zone=spec.base_time_zone,
                       max_time_difference_h=spec.max_time_difference_h, map_units=map_units)
        t_dask = time.perf_counter() - t0
    same = all(np.array_equal(a.finish_time_s, b.finish_time_s, equal_nan=True)
               for a, b in zip(res.outcomes, remote.outcomes, strict=True))
    print(f"  Dask LocalCluster (2 processes): {t_dask:.2f} s (+ {t_start:.2f} s to start "
          f"the cluster); results identical to in-process: {same}")


if __name__ == "__main__":
    main()
