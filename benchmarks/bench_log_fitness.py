"""`paceline log fitness` whole process on a 20-year training log (target ≤ 1 s).

The log: 8,000 activities spread over 2006–2025 (7,305 days of fitness, fatigue and form),
built as bench_web.py builds it (the real running FIT files of tests/data imported once, then
their summaries and best efforts copied into 8,000 rows). Times the whole process, as a user
runs it: with the PMC chart (``--out pmc.png``) and without (the text summary only). Prints
wall and CPU time (the process's user + system) over several runs, median and range, and the
load average; the machine is shared, so CPU time is the fairer figure. Never gates.

``--compare DIR`` runs a second source tree (a ``src`` folder, e.g. ``git archive main src``
unpacked) in the same interleaved runs, for before/after figures under the same load.

    python benchmarks/bench_log_fitness.py [--quick] [--runs N] [--n 8000] [--compare DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_web import build_log  # noqa: E402  (the same 20-year log as the web benchmark)


def _run(args: list[str], src: Path | None, cwd: str) -> tuple[float, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)  # before the installed (editable) paceline on sys.path
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "paceline", *args], check=True, capture_output=True,
                   env=env, cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s ({min(xs):.2f}–{max(xs):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="CI: 400 activities, one run")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--n", type=int, default=None, help="activities (default 8000)")
    ap.add_argument("--compare", type=Path, default=None,
                    help="another source tree's src folder, run in the same interleaved runs")
    args = ap.parse_args()
    runs = 1 if args.quick else args.runs
    n = args.n or (400 if args.quick else 8000)
    trees: dict[str, Path | None] = {"this tree": None}
    if args.compare is not None:
        trees[f"{args.compare}"] = args.compare.resolve()
    cases = {"with the chart (--out pmc.png)": True, "text only (no --out)": False}
    res: dict[tuple[str, str], list[tuple[float, float]]] = {}
    load = []
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/log.sqlite"
        build_log(db, n)
        _run(["log", "fitness", "--db", db], None, tmp)  # warm the file cache and bytecode
        for _ in range(runs):
            load.append(os.getloadavg()[0])
            for tree, src in trees.items():
                for case, chart in cases.items():
                    if src is not None and not chart:
                        continue  # trees before issue 14 always wrote the chart
                    out = ["--out", f"{tmp}/pmc.png"] if chart else []
                    r = _run(["log", "fitness", "--db", db, *out], src, tmp)
                    res.setdefault((tree, case), []).append(r)
    print(f"`paceline log fitness`, whole process, 20-year log ({n} activities, 2006–2025), "
          f"{runs} runs, load average {min(load):.1f}–{max(load):.1f} on "
          f"{os.cpu_count()} cores  [target ≤ 1 s]")
    for (tree, case), rs in res.items():
        print(f"  {tree:<12} {case:<32} CPU {_fmt([c for _, c in rs])}, "
              f"wall {_fmt([w for w, _ in rs])}")


if __name__ == "__main__":
    main()
