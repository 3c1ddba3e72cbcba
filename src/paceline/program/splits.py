"""Split tables: per km, mile, 5 km, lap or checkpoints; cumulative and segment times."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paceline.errors import ScenarioError

__all__ = ["SplitRow", "split_table", "SPLIT_UNITS"]

#: split spacings people ask for [m]
SPLIT_UNITS = {"km": 1000.0, "mile": 1609.344, "5km": 5000.0}


@dataclass(frozen=True)
class SplitRow:
    label: str
    distance_m: float
    elapsed_s: float
    segment_s: float
    pace_s_per_km: float


def split_table(node_distance_m, elapsed_s, every: str | list[float] = "km",
                lap_marks_m: tuple[float, ...] = ()) -> list[SplitRow]:
    """Rows at every km / mile / 5 km / lap mark / given checkpoints [m], and the finish.

    ``node_distance_m`` and ``elapsed_s`` describe the schedule (any monotone table).
    """
    d = np.asarray(node_distance_m, float)
    t = np.asarray(elapsed_s, float)
    total = float(d[-1])
    if isinstance(every, str):
        if every == "lap":
            if not lap_marks_m:
                raise ScenarioError("this course has no laps", where="--every", value=every,
                                    valid="km, mile, 5km")
            marks = [m for m in lap_marks_m if 0 < m < total - 1e-6]
        elif every in SPLIT_UNITS:
            marks = list(np.arange(SPLIT_UNITS[every], total - 1e-6, SPLIT_UNITS[every]))
        else:
            raise ScenarioError("unknown split spacing", where="--every", value=every,
                                valid="km, mile, 5km, lap, or a list of distances")
    else:
        marks = sorted(float(m) for m in every if 0 < float(m) < total - 1e-6)
    marks = [*marks, total]
    times = np.interp(marks, d, t)
    rows = []
    prev_d = prev_t = 0.0
    for i, (m, el) in enumerate(zip(marks, times, strict=True)):
        seg = float(el - prev_t)
        if every == "lap":
            label = f"lap {i + 1}" if i < len(marks) - 1 else "finish"
        elif every == "mile":
            label = f"mile {i + 1}" if i < len(marks) - 1 else "finish"
        else:
            label = f"{m / 1000:g} km" if i < len(marks) - 1 else "finish"
        rows.append(SplitRow(label, float(m), float(el), seg, seg / ((m - prev_d) / 1000.0)))
        prev_d, prev_t = m, float(el)
    return rows
