"""`paceline plan` on the Vienna scenario, whole process (target ≤ 10 s). Prints; never gates.

Wall and CPU time (the process's user + system) over several runs, median and range: the
machine is shared, so CPU time is the steadier figure. The crew rotation inside runs with
deterministic limits (docs/crew.md §7a): the same work every run.

    python benchmarks/bench_plan.py [--quick] [--runs N]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    draws = "2000" if args.quick else "20000"
    runs = 1 if args.quick else args.runs
    walls, cpus, size = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "paceline", "plan",
                            str(ROOT / "scenarios" / "vienna-2019.toml"), "-o", f"{tmp}/plan",
                            "--draws", draws, "--overwrite"], check=True, capture_output=True)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            size = sum(p.stat().st_size for p in Path(f"{tmp}/plan").iterdir())
    print(f"`paceline plan scenarios/vienna-2019.toml` ({draws} Monte Carlo draws), whole "
          f"process, {runs} run(s): wall median {statistics.median(walls):.2f} s (range "
          f"{min(walls):.2f}–{max(walls):.2f}), CPU median {statistics.median(cpus):.2f} s "
          f"(range {min(cpus):.2f}–{max(cpus):.2f})  [target ≤ 10 s]; {size / 1e3:.0f} kB written")


if __name__ == "__main__":
    main()
