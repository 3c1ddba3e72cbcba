"""Formation benchmarks: runner-drag evaluations per second, and a 7-pacer robust optimization.

Targets (issue 3): ≥ 1,000,000 runner-drag evaluations per second for many formations in one
array call; a 7-pacer robust optimization in ≤ 10 s. Prints figures; never gates.

    python benchmarks/bench_formation.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from paceline.formation import optimize
from paceline.models import drafting as dm


def drag_evaluations_per_s(n_formations: int, n_runners: int = 8, chunk: int = 4096,
                           wake: str = dm.DEFAULT_WAKE,
                           turbulence: str = dm.DEFAULT_TURBULENCE) -> float:
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 4, (n_formations, n_runners))
    y = rng.uniform(-2.5, 2.5, (n_formations, n_runners))
    head = rng.uniform(-2, 2, n_formations)
    cross = rng.uniform(-2, 2, n_formations)
    dm.drag_ratio(x[:chunk], y[:chunk], 5.85, head[:chunk], cross[:chunk],
                  wake=wake, turbulence=turbulence)  # warm up
    t = time.perf_counter()
    for i in range(0, n_formations, chunk):
        s = slice(i, i + chunk)
        dm.drag_ratio(x[s], y[s], 5.85, head[s], cross[s], wake=wake, turbulence=turbulence)
    return n_formations * n_runners / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller problem (CI)")
    args = ap.parse_args()
    n = 100_000 if args.quick else 1_000_000
    for wake in dm.WAKE_MODELS:
        for turb in dm.TURBULENCE_MODELS:
            rate = drag_evaluations_per_s(n, wake=wake, turbulence=turb)
            default = wake == dm.DEFAULT_WAKE and turb == dm.DEFAULT_TURBULENCE
            print(f"drag model ({wake} wake, added turbulence {turb}"
                  f"{', default' if default else ''}): {rate:,.0f} runner-drag evaluations/s "
                  f"({n:,} formations of 8 runners, chunks of 4096; target ≥ 1,000,000)")
    t, c = time.perf_counter(), time.process_time()
    res = optimize(7, road_width_m=6.0, position_error_m=0.15,
                   maxiter=60 if args.quick else 250)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    print(f"7-pacer robust optimization ({res.generations} generations, "
          f"{res.relocations} pacer relocations, {res.evaluations:,} formations rated): "
          f"{dt:.2f} s wall, {dc:.2f} s CPU (target ≤ 10 s"
          + (", quick mode: 60 generations)" if args.quick else ")"))
    print(f"  objective on the polish draws: {res.global_objective:.4f} after the global stage, "
          f"{res.final_objective:.4f} after relocation and polish")
    print(f"  athlete drag reduction {res.nominal.athlete_drag_reduction:.1%} exact, "
          f"{res.expected.athlete_drag_reduction:.1%} with 0.15 m position error")


if __name__ == "__main__":
    main()
