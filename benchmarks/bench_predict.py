"""Speed figures for the race model (prints; never gates).

Targets (issue "Foundation"): one marathon at ≤ 10 m segments solved to 0.1 s in ≤ 20 ms;
``paceline predict`` on a bundled scenario, whole process, ≤ 1.5 s. Issue 15: the Monte Carlo
of the Vienna scenario at ≥ 100,000 races/s on a 2-core machine, every race within 0.1 s of the
full per-segment solve (checked here on a sample of draws), the whole process beside it; and
the ratio to a plain per-segment Python loop.

The machine is shared, so every Monte Carlo figure is given as the median and range of several
runs, in wall time and per CPU-second (CPU time of all threads; less sensitive to other
people's load), with the load average before and after.

    python benchmarks/bench_predict.py            # full figures
    python benchmarks/bench_predict.py --quick    # CI: proves it still runs
    python benchmarks/bench_predict.py --before /path/to/older/src   # + the same Monte Carlo
        figures for an older checkout's src/ (PYTHONPATH), interleaved run by run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from paceline.io.scenario_file import load_courses, read_scenario
from paceline.models import energetics as en
from paceline.sim import MonteCarlo, RaceModel

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "vienna-2019.toml"


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times))


def python_loop_race(model: RaceModel, power_w_kg: float) -> float:
    """One race time at a fixed effort with a plain Python loop over segments (scalar Newton)."""
    seg = model.segments
    total = 0.0
    for i in range(seg.length_m.size):
        kw = dict(cost_ref_j_kg_m=model.cost_ref_j_kg_m, mass_kg=model.mass_kg,
                  speed_ref_m_s=model.speed_ref_m_s, grade_frac=float(seg.grade_frac[i]),
                  curvature_1_m=float(seg.curvature_1_m[i]),
                  air_density_kg_m3=float(seg.air_density_kg_m3[i]),
                  drag_area_m2=model.drag_area_m2, headwind_m_s=float(seg.headwind_m_s[i]),
                  crosswind_m_s=float(seg.crosswind_m_s[i]),
                  drag_reduction_frac=float(seg.drag_reduction_frac[i]),
                  metabolic_saving_frac=model.saving)
        v = float(en.speed_at_metabolic_power_m_s(power_w_kg, **kw))
        total += float(seg.length_m[i]) / v
    return total


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _rates(draws: int, seconds: list[float]) -> str:
    """Races per second: the median run's, and the range over the runs."""
    r = draws / np.asarray(seconds)
    return f"{np.median(r):,.0f} races/s ({r.min():,.0f}–{r.max():,.0f})"


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _env(env: dict, src: str | None) -> dict:
    if src is None:
        return env
    return env | {"PYTHONPATH": src + os.pathsep + env.get("PYTHONPATH", "")}


def _whole(cmd: list[str], env: dict, src: str | None) -> tuple[float, float]:
    """Wall and CPU seconds (all threads) of one whole process."""
    c0, w0 = _child_cpu(), time.perf_counter()
    subprocess.run([sys.executable, *cmd], check=True, capture_output=True,
                   env=_env(env, src))
    return time.perf_counter() - w0, _child_cpu() - c0


_IN_PROCESS = """
import json, sys, time
import numpy as np
from pathlib import Path
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.sim import MonteCarlo, RaceModel
path = Path(sys.argv[1])
sc = read_scenario(path)
mc = MonteCarlo(RaceModel(sc, *load_courses(sc, path.parent)))
w0, c0 = time.perf_counter(), time.process_time()
mc.run(int(sys.argv[2]), np.random.default_rng(1))
print(json.dumps([time.perf_counter() - w0, time.process_time() - c0]))
"""


def _in_process(draws: int, env: dict, src: str | None) -> tuple[float, float]:
    """Wall and CPU seconds of ``MonteCarlo.run`` alone, in a process of that version."""
    out = subprocess.run([sys.executable, "-c", _IN_PROCESS, str(SCENARIO), str(draws)],
                         check=True, capture_output=True, text=True, env=_env(env, src))
    w, c = json.loads(out.stdout)
    return w, c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, for CI")
    ap.add_argument("--before", metavar="SRC", help="an older checkout's src/ to compare with")
    args = ap.parse_args()
    repeats = 3 if args.quick else 20
    draws = 5_000 if args.quick else 100_000
    runs = 1 if args.quick else 5
    sample_n = 20 if args.quick else 200

    sc = read_scenario(SCENARIO)
    course, ref = load_courses(sc, SCENARIO.parent)
    model = RaceModel(sc, course, ref)
    n_seg = model.segments.length_m.size
    r = model.solve()
    print(f"scenario: {SCENARIO.name}, {n_seg} segments "
          f"(max {np.max(model.segments.length_m):.2f} m), finish {r.finish_time_s:.2f} s")

    best, med = best_of(model.solve, repeats)
    print(f"solve one marathon (even effort): best {best * 1e3:.1f} ms, median {med * 1e3:.1f} ms"
          f"  [target ≤ 20 ms]")
    best, med = best_of(lambda: RaceModel(sc, course, ref).solve(), max(3, repeats // 4))
    print(f"build model (incl. reference calibration) + solve: best {best * 1e3:.1f} ms, "
          f"median {med * 1e3:.1f} ms")

    # byte-code cached, as a user's install has it after its first run (this shell may set
    # PYTHONDONTWRITEBYTECODE, which would compile every module on every start, ~0.1 s CPU)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd = ["-m", "paceline", "predict", str(SCENARIO)]
    _whole(cmd, env, None)  # warm-up: writes the byte-code
    w, c = zip(*(_whole(cmd, env, None) for _ in range(runs)), strict=True)
    print(f"`paceline predict {SCENARIO.name}` whole process, {runs} runs: median "
          f"{np.median(w):.2f} s wall ({min(w):.2f}–{max(w):.2f}), CPU {np.median(c):.2f} s "
          f"({min(c):.2f}–{max(c):.2f})  [target ≤ 1.5 s]")

    # Monte Carlo: in-process rate over several runs (median and range, wall and per
    # CPU-second), the error check on a sample of draws against the full per-segment solve,
    # and the whole process
    print(f"load average {_load()} (2 cores, shared)")
    mc = MonteCarlo(model)
    walls, cpus = [], []
    for k in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        res = mc.run(draws, np.random.default_rng(k + 1))
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    rate = draws / float(np.median(walls))
    print(f"Monte Carlo, in process: {draws:,} races, {runs} runs: {_rates(draws, walls)} wall, "
          f"{_rates(draws, cpus)} per CPU-second ({res.classes} segment kinds, {mc.threads} "
          f"threads)  [target ≥ 100,000 races/s]")
    sample = np.random.default_rng(0).choice(draws, sample_n, replace=False)
    t0 = time.perf_counter()
    exact = mc.solve(res.draws.take(sample), exact=True)
    err = np.abs(exact - res.model_time_s[sample])
    print(f"  error check: {sample_n} draws re-solved on all {n_seg} segments in float64 to "
          f"convergence ({time.perf_counter() - t0:.1f} s): max |error| {np.max(err):.4f} s, "
          f"median {np.median(err):.4f} s  [target every race ≤ 0.1 s]")
    cmd = ["-m", "paceline", "predict", str(SCENARIO), "--uncertainty", "--draws", str(draws),
           "--json"]
    versions = {"this checkout": None}
    if args.before:
        versions["before (" + args.before + ")"] = args.before
    for src in versions.values():  # warm-up: writes the byte-code
        _whole(cmd, env, src)
    whole: dict[str, tuple[list, list]] = {name: ([], []) for name in versions}
    inproc: dict[str, tuple[list, list]] = {name: ([], []) for name in versions}
    for _ in range(runs):  # interleaved: each version sees the same load
        for name, src in versions.items():
            w, c = _whole(cmd, env, src)
            whole[name][0].append(w)
            whole[name][1].append(c)
            if args.before:
                w, c = _in_process(draws, env, src)
                inproc[name][0].append(w)
                inproc[name][1].append(c)
    for name in versions:
        w, c = whole[name]
        print(f"`paceline predict {SCENARIO.name} --uncertainty --draws {draws} --json`, whole "
              f"process, {name}: median {np.median(w):.2f} s (range {min(w):.2f}–{max(w):.2f}) "
              f"= {_rates(draws, w)} wall, {_rates(draws, c)} per CPU-second, start-up "
              f"included")
        if args.before:
            w, c = inproc[name]
            print(f"  in process, {name}: {_rates(draws, w)} wall, {_rates(draws, c)} per "
                  f"CPU-second")
    print(f"load average {_load()}")
    if not np.max(err) <= 0.1:
        print("ERROR: a Monte Carlo race is more than 0.1 s from the full solve")
        sys.exit(1)

    loops = 1 if args.quick else 3
    t0 = time.perf_counter()
    for _ in range(loops):
        python_loop_race(model, r.capacity_w_kg * r.effort_frac)
    loop_rate = loops / (time.perf_counter() - t0)
    print(f"plain per-segment Python loop: {loop_rate:.2f} races/s → vectorized Monte Carlo is "
          f"{rate / loop_rate:,.0f}× faster (same run)")
    if not math.isfinite(rate):
        sys.exit(1)


if __name__ == "__main__":
    main()
