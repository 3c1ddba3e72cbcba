"""`paceline log fitness` whole process on a log spanning 27 years (target ≤ 1 s).

The bundled running FIT files (tests/data/fit/run) include one whose device clock puts it in
1990, so the chart has ~9,800 daily bars from 1990 to 2017 — the shape of the report in issue
14 (12,176 bars, 15.9 s). Prints wall and CPU time (the process's user + system) over several
runs, median and range; the machine is shared, so CPU time is the steadier figure. Never gates.

    python benchmarks/bench_log_fitness.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "paceline", *args], check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    runs = 1 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/log.sqlite"
        _run(["log", "import", str(ROOT / "tests/data/fit/run"), "--db", db])
        res = [_run(["log", "fitness", "--db", db, "--out", f"{tmp}/pmc.png"])
               for _ in range(runs)]
    wall = [w for w, _ in res]
    cpu = [c for _, c in res]
    print(f"`paceline log fitness` (27-year log, ~9,800 daily bars), whole process, {runs} runs: "
          f"wall median {statistics.median(wall):.2f} s (range {min(wall):.2f}–{max(wall):.2f}),"
          f" CPU median {statistics.median(cpu):.2f} s (range {min(cpu):.2f}–{max(cpu):.2f})  "
          "[target ≤ 1 s]")


if __name__ == "__main__":
    main()
