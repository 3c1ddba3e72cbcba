"""Pace schedule and the pace car's program: speed profile, quantization, corrections.

The target schedule is elapsed time at every point of the course (from the race model's even
effort, an even pace or given splits). The car drives ``offset_m`` ahead of the group, so at
time t it is at s_group(t) + offset and its speed is the group's target speed at that time.
Cruise control resolves only a step of speed (Vienna: 0.1 km/h), so the profile is quantized
with error diffusion: each segment takes the quantized speed that keeps the *cumulative* time
error smallest, instead of rounding each segment alone (which drifts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paceline.errors import ImpossibleScenarioError

__all__ = ["PaceSchedule", "CarProgram", "Correction", "car_program", "correct",
           "schedule_from_splits"]

KMH = 3.6


@dataclass(frozen=True)
class PaceSchedule:
    """Target elapsed time at the nodes of the course (axis: node) [m, s]."""

    node_distance_m: np.ndarray
    elapsed_s: np.ndarray
    source: str  # "even-effort", "even-pace", "splits"

    @property
    def speed_m_s(self) -> np.ndarray:
        return np.diff(self.node_distance_m) / np.diff(self.elapsed_s)

    def elapsed_at(self, distance_m):
        return np.interp(distance_m, self.node_distance_m, self.elapsed_s)


def schedule_from_splits(node_distance_m, split_distances_m, split_times_s) -> PaceSchedule:
    """A schedule through given splits (even pace within each split). The splits must end at
    the race distance and increase; otherwise ImpossibleScenarioError names the problem."""
    d = np.asarray(split_distances_m, float)
    t = np.asarray(split_times_s, float)
    total = float(node_distance_m[-1])
    if d.size == 0 or abs(d[-1] - total) > 0.5:
        raise ImpossibleScenarioError(
            "the split list does not add up to the race distance", where="splits",
            value=f"{d[-1] if d.size else 0:.1f} m of {total:.1f} m",
            fix="give splits whose last distance is the finish")
    if np.any(np.diff(np.concatenate([[0.0], d])) <= 0) or np.any(
            np.diff(np.concatenate([[0.0], t])) <= 0):
        raise ImpossibleScenarioError("splits must increase in distance and time",
                                      where="splits", fix="list cumulative splits in order")
    elapsed = np.interp(node_distance_m, np.concatenate([[0.0], d]), np.concatenate([[0.0], t]))
    return PaceSchedule(np.asarray(node_distance_m, float), elapsed, "splits")


@dataclass(frozen=True)
class CarProgram:
    """The pace car's speed program along the course (axis: segment of the group's course).

    ``speed_kmh`` is what the driver/cruise control sets on each segment; ``drift_s`` the
    cumulative schedule error of following it exactly (+ = behind schedule).
    """

    node_distance_m: np.ndarray
    target_speed_m_s: np.ndarray
    speed_kmh: np.ndarray
    drift_s: np.ndarray
    naive_drift_s: np.ndarray  # drift if each segment were rounded alone
    resolution_kmh: float
    offset_m: float

    @property
    def max_abs_drift_s(self) -> float:
        return float(np.max(np.abs(self.drift_s)))

    def changes(self) -> list[tuple[float, float]]:
        """(distance_m of the group, new set speed km/h) wherever the set speed changes."""
        idx = np.flatnonzero(np.diff(self.speed_kmh) != 0) + 1
        out = [(float(self.node_distance_m[0]), float(self.speed_kmh[0]))]
        out += [(float(self.node_distance_m[i]), float(self.speed_kmh[i])) for i in idx]
        return out


def car_program(schedule: PaceSchedule, *, resolution_kmh: float = 0.1,
                offset_m: float = 7.0, hold_m: float = 100.0,
                tolerance_s: float = 0.0) -> CarProgram:
    """Quantize the schedule's speeds to the cruise control's resolution with error diffusion.

    Parameters
    ----------
    resolution_kmh : float
        Smallest speed step the car can hold [km/h]; Vienna's cruise control: 0.1 km/h.
    offset_m : float
        Distance from the car to the group's front line [m] (ASSUMED 7 m; Breaking2's car ran
        ≈ 6 m ahead).
    hold_m : float
        The set speed changes at most once per ``hold_m`` metres (a driver cannot follow a
        new speed every 10 m); within such a block the car holds one quantized speed.
    tolerance_s : float
        Schedule error [s] the program accepts before it changes the set speed (hysteresis).
        0 (default): every block takes the better of its two neighbouring set speeds, so an
        even 21.17 km/h alternates 21.1/21.2 every block (≈ 370 changes in a marathon);
        0.5 s: the car holds a speed while the group stays within ±0.5 s of schedule (about a
        dozen changes), and the finish error stays within the tolerance.

    Notes
    -----
    Blocks of ≥ ``hold_m`` are cut at the segment boundaries. Each block takes the quantized
    speed just below or above its mean target speed, whichever leaves the cumulative schedule
    error at the block's end closer to zero (error diffusion); rounding each block alone
    (``naive_drift_s``) lets the error grow.
    """
    v = schedule.speed_m_s
    ds = np.diff(schedule.node_distance_m)
    target_dt = ds / v
    step = resolution_kmh / KMH
    block = np.floor((schedule.node_distance_m[:-1] + 1e-9) / hold_m).astype(int)
    starts = np.flatnonzero(np.diff(block, prepend=-1))
    ends = np.append(starts[1:], v.size)
    speeds = np.empty_like(v)
    naive = np.empty_like(v)
    err = 0.0
    for a, b in zip(starts, ends, strict=True):  # one step per block: ~420 for a marathon
        length = float(ds[a:b].sum())
        t_target = float(target_dt[a:b].sum())
        mean = length / t_target
        lo = np.floor(mean / step) * step
        hi = lo + step
        e_lo = err + length / lo - t_target
        e_hi = err + length / hi - t_target
        chosen, err = (lo, e_lo) if abs(e_lo) <= abs(e_hi) else (hi, e_hi)
        if tolerance_s > 0 and a > 0:
            prev = speeds[a - 1]
            e_prev = e_lo if abs(prev - lo) < 1e-9 else e_hi if abs(prev - hi) < 1e-9 else None
            if e_prev is not None and abs(e_prev) <= tolerance_s:
                chosen, err = prev, e_prev
        speeds[a:b] = chosen
        naive[a:b] = np.round(mean / step) * step
    drift = np.cumsum(ds / speeds - target_dt)
    naive_drift = np.cumsum(ds / naive - target_dt)
    return CarProgram(node_distance_m=schedule.node_distance_m, target_speed_m_s=v,
                      speed_kmh=np.round(speeds * KMH, 6), drift_s=drift,
                      naive_drift_s=naive_drift, resolution_kmh=resolution_kmh,
                      offset_m=offset_m)


@dataclass(frozen=True)
class Correction:
    """How to win back (or give back) time after a checkpoint."""

    at_m: float
    delta_s: float  # + = group behind schedule
    over_m: float  # stretch over which the correction is spread
    speed_change_m_s: float  # added to the scheduled speed over the stretch
    ramp_m: float  # distance to reach the new speed at the acceleration limit
    speed_change_frac: float


def correct(schedule: PaceSchedule, at_m: float, delta_s: float, *,
            over_m: float = 2000.0, max_accel_m_s2: float = 0.02,
            max_change_frac: float = 0.02) -> Correction:
    """Correction rule: spread a checkpoint's time error over the next stretch.

    The group found ``delta_s`` behind (+) or ahead (−) of schedule at ``at_m`` runs the next
    ``over_m`` metres at the scheduled speed plus a constant Δv (reached with at most
    ``max_accel_m_s2``) so that it is back on schedule at the end of the stretch. If that needs
    more than ``max_change_frac`` of the speed (never a sprint), the stretch is lengthened
    until it does not, up to the finish; if even the rest of the race is too short,
    ImpossibleScenarioError says by how much.
    """
    total = float(schedule.node_distance_m[-1])
    remaining = total - at_m
    if remaining <= 0:
        raise ImpossibleScenarioError("no course left to correct over", where="at",
                                      value=at_m, fix="give a checkpoint before the finish")
    over = min(over_m, remaining)
    while True:
        t_sched = float(schedule.elapsed_at(at_m + over) - schedule.elapsed_at(at_m))
        v_sched = over / t_sched
        v_new = over / (t_sched - delta_s)
        dv = v_new - v_sched
        frac = dv / v_sched
        if abs(frac) <= max_change_frac or over >= remaining:
            break
        over = min(over * 1.5, remaining)
    if abs(frac) > max_change_frac:
        raise ImpossibleScenarioError(
            f"winning back {delta_s:+.1f} s before the finish needs {frac:+.1%} speed, more "
            f"than the {max_change_frac:.0%} limit", where="correction",
            fix="accept the time or raise the limit")
    ramp = v_sched * abs(dv) / max_accel_m_s2 if dv else 0.0  # distance = v·Δv/a
    return Correction(at_m=at_m, delta_s=delta_s, over_m=over, speed_change_m_s=dv,
                      ramp_m=ramp, speed_change_frac=frac)
