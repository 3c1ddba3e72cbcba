"""The crew solver's clock: where its time limits are measured.

A race director signs off one plan, so the same input must give the same plan. CP-SAT's
wall-clock limit with parallel workers does not (the search reached depends on the machine's
load), and neither do the column-generation loops' wall-clock deadlines. With
``deterministic=True`` (the default) every limit is measured in *work*, not seconds of wall
time:

* every CP-SAT solve runs its portfolio interleaved (``interleave_search``, batches of one task
  per worker: reproducible, where the default parallel search is not) with
  ``max_deterministic_time`` (CP-SAT's own deterministic time, scaled by
  :data:`CPSAT_S_PER_DTIME`) instead of ``max_time_in_seconds``, and a fixed ``random_seed``;
  its deterministic time is then charged to this clock;
* the column-generation loops (LP solves with pricing, schedule enumeration) charge a fixed
  amount of work per step, proportional to the problem's size.

One unit of work is calibrated to about one second on the 2-core reference machine
(benchmarks/bench_crew.py), so ``--time-limit 10`` still means "about 10 s" there; on a slower
or busier machine the same plan takes longer, never differs. ``deterministic=False`` restores
wall-clock limits (and results that vary run to run).
"""

from __future__ import annotations

import time

__all__ = ["SolveClock", "LP_STEP_S_PER_CELL", "ENUM_S_PER_SCHEDULE", "CPSAT_S_PER_DTIME"]

#: Work charged for one column-generation iteration (an LP solve and pricing every pacer) per
#: (pacer × stint × slot class) cell [s]; an iteration took 0.03–0.1 s for 41 × 18 × 2 on
#: the reference machine (load-dependent).
LP_STEP_S_PER_CELL = 2e-5

#: Seconds of work per unit of CP-SAT deterministic time: CP-SAT's units ran ~2–3× slower than
#: wall seconds with interleaved search on the (shared) reference machine.
CPSAT_S_PER_DTIME = 1.0

#: Work charged per schedule enumerated by reduced-cost enumeration [s] (measured ~6 µs).
ENUM_S_PER_SCHEDULE = 6e-6


class SolveClock:
    """A clock for solve deadlines: deterministic work units or wall-clock seconds.

    Parameters
    ----------
    deterministic : bool
        True: :meth:`now` counts charged work [s-equivalent] (reproducible); False: wall clock.
    seed : int
        CP-SAT ``random_seed``.
    """

    def __init__(self, deterministic: bool = True, seed: int = 1) -> None:
        self.deterministic = bool(deterministic)
        self.seed = int(seed)
        self.work_s = 0.0

    def now(self) -> float:
        """The current time on this clock [s or s-equivalent of work]."""
        return self.work_s if self.deterministic else time.perf_counter()

    def charge(self, work_s: float) -> None:
        """Add work done [s-equivalent] (ignored on the wall clock)."""
        if self.deterministic:
            self.work_s += float(work_s)

    def configure(self, solver, seconds: float, num_workers: int) -> None:
        """Set a CP-SAT solver's limit, workers and seed for this clock."""
        p = solver.parameters
        limit = max(0.05, float(seconds))
        p.random_seed = self.seed
        if self.deterministic:
            # the parallel portfolio run interleaved: reproducible; batches of one task per
            # worker keep the overshoot of the deterministic limit small (larger batches
            # overshot 3× on the crew model; one worker alone was slow to a first plan)
            p.num_workers = max(1, int(num_workers))
            p.interleave_search = True
            p.interleave_batch_size = p.num_workers
            p.max_deterministic_time = limit / CPSAT_S_PER_DTIME
        else:
            p.num_workers = int(num_workers)
            p.max_time_in_seconds = limit

    def after(self, solver) -> None:
        """Charge a finished CP-SAT solve's deterministic time."""
        self.charge(solver.deterministic_time * CPSAT_S_PER_DTIME)
