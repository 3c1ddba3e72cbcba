"""`paceline plan` on the Vienna scenario, whole process (target ≤ 10 s). Prints; never gates.

    python benchmarks/bench_plan.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    draws = "2000" if args.quick else "20000"
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "paceline", "plan",
                        str(ROOT / "scenarios" / "vienna-2019.toml"), "-o", f"{tmp}/plan",
                        "--draws", draws], check=True, capture_output=True)
        wall = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(f"{tmp}/plan").iterdir())
    print(f"`paceline plan scenarios/vienna-2019.toml` ({draws} Monte Carlo draws), whole "
          f"process: {wall:.2f} s  [target ≤ 10 s]; {size / 1e3:.0f} kB written")


if __name__ == "__main__":
    main()
