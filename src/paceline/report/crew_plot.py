"""Gantt chart of a crew plan (matplotlib, Agg backend, imported lazily)."""

from __future__ import annotations

from pathlib import Path

from paceline.crew.plan import CrewPlan

__all__ = ["plot_crew_gantt"]


def plot_crew_gantt(plan: CrewPlan, path: str | Path, *, title: str | None = None) -> Path:
    """Write a PNG: one row per slot, a bar per pacer's stint labelled with his name and
    lowest remaining capacity; exchange points as dotted lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paceline.report.render import colour_note, pacer_colours, stint_conflicts

    names = sorted({a.pacer for a in plan.stints})
    colours = pacer_colours(names, stint_conflicts(plan.stints))  # neighbours differ; bars named
    margin = {p.name: p.min_margin for p in plan.pacers}
    slots = list(plan.slots)
    fig, ax = plt.subplots(figsize=(13, 0.55 * len(slots) + 1.8), dpi=110)
    for a in plan.stints:
        y = len(slots) - 1 - slots.index(a.slot)
        w = (a.to_m - a.from_m) / 1000
        fill, ink = colours[a.pacer]
        ax.barh(y, w, left=a.from_m / 1000, height=0.72, color=fill,
                edgecolor="white", linewidth=1.2)
        label = f"{a.pacer}\n{margin.get(a.pacer, 1):.0%}" if w > 2.0 else a.pacer
        ax.text(a.from_m / 1000 + w / 2, y, label, ha="center", va="center", fontsize=9,
                color=ink)
    for x in plan.exchange_points_m:
        ax.axvline(x / 1000, color="grey", lw=0.6, ls=":", zorder=0)
    ax.set_yticks(range(len(slots)), list(reversed(slots)))
    ax.set_xlim(0, plan.distance_m / 1000)
    ax.set_xlabel("course distance [km]")
    h, rem = divmod(plan.target_time_s, 3600)
    mi, se = divmod(rem, 60)
    ax.set_title(title or (
        f"Crew plan — {plan.formation}, target {int(h)}:{int(mi):02d}:{se:04.1f}, "
        f"{plan.pacers_used} pacers, {plan.n_exchanges} hand-overs, objective {plan.objective} "
        f"({plan.status}); labels: lowest remaining capacity")
        + f"\nColours: {colour_note(len(names))}", fontsize=9.5)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out
