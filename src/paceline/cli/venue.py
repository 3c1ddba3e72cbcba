"""`paceline venue VENUE_FILE`: which course, date and hour — from real weather records."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from paceline.cli._console import CliConsole, json_text, progress_console
from paceline.cli._paths import check_output_file, writing
from paceline.errors import ScenarioError
from paceline.units import format_duration

out = CliConsole()


def _fmt_t(x) -> str:
    return "—" if x is None or not math.isfinite(x) else format_duration(x)


def _fmt_p(x) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.2f}"


def _map_units(dask: str | None):
    """A map over units on Dask distributed: 'local:N' starts a LocalCluster of N worker
    processes; anything else is a scheduler address."""
    if dask is None:
        return None, None
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError("Dask distributed is not installed", where="--dask",
                            fix="pip install 'paceline[dask]'") from None
    import logging

    # the cluster's own logging (worker start/stop) is not the user's business here
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if dask.startswith("local:"):
        try:
            n = int(dask.split(":", 1)[1])
        except ValueError:
            n = 0
        if not 1 <= n <= 64:  # local:0 would wait for workers forever
            raise ScenarioError("bad --dask", where="--dask", value=dask,
                                valid="local:N with N from 1 to 64, or a scheduler address "
                                      "tcp://host:8786",
                                fix="e.g. --dask local:2") from None
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(dask, timeout="10s")
        except (OSError, ValueError, TypeError) as exc:  # unreachable, or not an address
            raise ScenarioError(f"cannot reach the Dask scheduler: {exc}", where="--dask",
                                value=dask, fix="start dask-scheduler and workers, or use "
                                                "--dask local:2") from None
        cluster = None

    def map_units(fn, args):
        futures = client.map(fn, args, pure=False)
        return client.gather(futures)

    def close():
        client.close()
        if cluster is not None:
            cluster.close()

    return map_units, close


def venue(
    file: Annotated[Path, typer.Argument(help="Venue file (TOML), e.g. "
                                              "scenarios/venue-sub2.toml.")],
    json_: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
    = False,
    png: Annotated[Path | None, typer.Option("--png", help="Heat maps and wind roses.")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Only this candidate "
                                                                  "(repeatable).")] = None,
    forecast: Annotated[Path | None, typer.Option(
        "--forecast", help="Hourly forecast file (any weather format) for one candidate: "
                           "the best day and start hour in it.")] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", help="Run on Dask distributed: local:N (LocalCluster, N processes) or a "
                       "scheduler address.")] = None,
) -> None:
    """Rank candidate venues, days and start hours by P(finish ≤ target) from every year's
    observed weather; reserve-window value, clock difference and daylight."""
    check_output_file(png, where="--png", example="venue.png", figure=True)
    from paceline.io.venue_file import read_venue_file
    from paceline.venue import reserve_window, sweep

    spec = read_venue_file(file, only=only)
    if forecast is not None:
        return _forecast(spec, forecast, json_)
    map_units, close = _map_units(dask)
    prog = Progress(TextColumn("venue sweep"), BarColumn(),
                    TextColumn("{task.completed}/{task.total} candidate-years"),
                    TimeRemainingColumn(), console=progress_console(), transient=True,
                    disable=json_)
    try:
        with prog:
            task = prog.add_task("sweep", total=None)
            res = sweep(spec.scenario, spec.candidates, spec.settings,
                        base_time_zone=spec.base_time_zone,
                        max_time_difference_h=spec.max_time_difference_h,
                        progress=lambda d, t: prog.update(task, completed=d, total=t),
                        map_units=map_units)
    finally:
        if close is not None:
            close()
    ranking = res.ranking(daylight_only=spec.daylight_only)
    target = spec.settings.target_time_s
    reserves = {o.candidate.name: reserve_window(o, target, spec.reserve_days, go=spec.go,
                                                 daylight_only=spec.daylight_only)
                for o in res.outcomes}
    if png is not None:
        from paceline.report.venue_plot import plot_venue

        with writing(png, where="--png"):
            plot_venue(res, png, ranking=ranking, daylight_only=spec.daylight_only)
    if json_:
        print(json_text(_json(spec, res, ranking, reserves)))
        return
    _print(spec, res, ranking, reserves)
    if png is not None:
        out.print(f"figure written to {png}")


def _sunrise_range(o) -> str:
    hours = np.asarray(o.hours)
    first_light = [int(hours[row].min()) if row.any() else None for row in o.daylight]
    ok = [h for h in first_light if h is not None]
    return f"{min(ok):02d}–{max(ok):02d}h" if ok else "none"


def _print(spec, res, ranking, reserves) -> None:
    st = spec.settings
    out.print(f"[bold]{spec.name}[/bold]", highlight=False)
    out.print(f"athlete {spec.scenario.athlete.name}; target {format_duration(st.target_time_s)}; "
              f"window {st.first[1]:02d}.{st.first[0]:02d}.–{st.last[1]:02d}.{st.last[0]:02d}.; "
              f"start hours {', '.join(f'{h:02d}' for h in st.start_hours)} local; "
              f"{st.draws} form draws × every year's weather; WBGT {st.wbgt_method}",
              highlight=False)
    if spec.base_time_zone:
        out.print(f"base {spec.base_name or spec.base_time_zone} ({spec.base_time_zone})"
                  + (f", clock difference limit ±{spec.max_time_difference_h:g} h"
                     if spec.max_time_difference_h is not None else ""), highlight=False)
    t = Table(title="Ranking: P(finish ≤ target) at the best start hour over the window"
              + (", starts after sunrise" if spec.daylight_only else ""), box=box.SIMPLE,
              pad_edge=False)
    for col in ("#", "venue", "clock", "hour", "P(tgt)", "median", "P(crit)",
                "best slot (P)", "status"):
        t.add_column(col)
    by = {o.candidate.name: o for o in res.outcomes}
    for i, r in enumerate(ranking, 1):
        pc = _fmt_p(r["p_criteria_best_hour"]) + ("" if r["dry_checked"] else "*")
        t.add_row(str(i), r["name"],
                  "—" if r["time_difference_h"] is None else f"{r['time_difference_h']:+g}h",
                  "—" if r["best_hour"] is None else f"{r['best_hour']:02d}h",
                  _fmt_p(r["p_target_best_hour"]), _fmt_t(r["median_time_best_hour_s"]), pc,
                  "—" if r["best_day"] is None else
                  f"{r['best_day']} {r['best_day_hour']:02d}h {r['p_target_best_slot']:.2f}",
                  "clock" if r["excluded"].startswith(("+", "-")) else
                  (r["excluded"] or "ok"))
    out.print(t)
    out.print("clock: difference from the base; hour: best local start; P(crit): INEOS "
              "weather criteria over the whole race"
              + ("; * = no precipitation in the record, 'dry' not checked"
                 if any(not r["dry_checked"] for r in ranking) else ""), highlight=False)
    for r in ranking:
        o = by[r["name"]]
        years = ", ".join(map(str, o.years)) if len(o.years) <= 3 else \
            f"{o.years[0]}–{o.years[-1]}"
        out.print(f"  {r['name']}: {o.candidate.station}, {len(o.years)} year(s) "
                  f"({years or 'none'}); first start "
                  f"after sunrise {_sunrise_range(o)} local",
                  f"({r['slots_without_weather']} of {o.finish_time_s[..., 0].size} "
                  "year-day-hour races without complete weather: left out, not filled)"
                  + (f"; excluded: {r['excluded']}" if r["excluded"] else ""),
                  highlight=False)
    top = next((r for r in ranking if not r["excluded"] and r["best_hour"] is not None), None)
    if top is not None:
        rule = ("weather criteria (7–14 °C, RH < 80 %, dry, wind < 2 m/s)" if spec.go ==
                "criteria" else f"P(target) ≥ {spec.go}")
        rt = Table(title=f"Reserve window at {top['name']}: go/no-go the day before by "
                         f"{rule}, perfect forecast")
        for col in ("days", "P(≥ 1 go)", "expected time", "P(target)", "windows"):
            rt.add_column(col)
        for row in reserves[top["name"]]:
            rt.add_row(str(row.days), f"{row.p_go:.2f}", _fmt_t(row.expected_time_s),
                       f"{row.p_target:.2f}", str(row.windows))
        out.print(rt)
    out.print("Wind: station 10 m wind scaled to runner height; criteria use the 10 m wind. "
              "P(criteria) counts every half hour of the race.", highlight=False)


def _json(spec, res, ranking, reserves) -> dict:
    st = spec.settings

    def arr(a):
        return [[None if not np.isfinite(x) else round(float(x), 4) for x in row] for row in a]

    return {
        "name": spec.name, "target_time_s": st.target_time_s,
        "window": {"from": f"{st.first[0]:02d}-{st.first[1]:02d}",
                   "to": f"{st.last[0]:02d}-{st.last[1]:02d}"},
        "start_hours": list(st.start_hours), "draws": st.draws, "seed": st.seed,
        "wbgt_method": st.wbgt_method, "base_time_zone": spec.base_time_zone,
        "ranking": ranking,
        "candidates": [{
            "name": o.candidate.name, "station": o.candidate.station,
            "time_zone": o.candidate.time_zone, "altitude_m": o.candidate.altitude_m,
            "years": list(o.years),
            "days": [f"{m:02d}-{d:02d}" for m, d in o.days], "hours": list(o.hours),
            "p_target": arr(o.p_target(st.target_time_s)),
            "median_time_s": arr(o.median_time_s), "p_criteria": arr(o.p_criteria),
            "years_used": o.years_used.tolist(), "daylight": o.daylight.tolist(),
            "time_difference_h": o.time_difference_h, "excluded": o.excluded,
            "missing_hours": sum(m.missing_hours for m in spec.weather_meta[o.candidate.name]),
            "reserve_window": [r.__dict__ for r in reserves[o.candidate.name]],
        } for o in res.outcomes],
    }


def _forecast(spec, path: Path, json_: bool) -> None:
    """Forecast mode: the best day and start hour in a forecast for one candidate."""
    import pandas as pd

    from paceline.io.weather import read_weather
    from paceline.venue import build_model, sweep_unit
    from paceline.venue.core import form_draws, residual_draws

    if len(spec.candidates) != 1:
        raise ScenarioError("forecast mode needs one candidate", where="--only",
                            value=[c.name for c in spec.candidates],
                            fix="add --only NAME for the venue the forecast is for")
    cand = spec.candidates[0]
    table, meta = read_weather(path)
    cand = replace(cand, weather=table, station_altitude_m=(
        meta.altitude_m if meta.altitude_m is not None else cand.station_altitude_m))
    local = table.index.tz_convert(cand.time_zone)
    d0, d1 = local[0].date(), local[-1].date()
    if (d1 - d0).days > 31 or d1.year != d0.year:  # days of one window, not a record
        raise ScenarioError("a forecast covers the days of one window, not a record",
                            where="--forecast", value=f"{path} ({d0} … {d1})",
                            valid="at most 31 days within one calendar year",
                            fix="give the hourly forecast for the reserve window; a "
                                "multi-year record belongs in the venue file's candidates")
    settings = replace(spec.settings, first=(d0.month, d0.day), last=(d1.month, d1.day))
    mc = build_model(spec.scenario, cand)
    u = sweep_unit(spec.scenario, cand, settings, d0.year, float(mc._det_time_s), model=mc)
    lnk = form_draws(spec.scenario, settings.draws, settings.seed)
    ft = (u.time_still_s[..., None] * np.exp(u.log_sensitivity[..., None] * lnk)
          * (1.0 + residual_draws(spec.scenario, settings.draws, settings.seed)))
    target = settings.target_time_s
    days = pd.date_range(d0, d1, freq="D")
    from paceline.venue.core import _daylight

    light = (_daylight(cand, settings, d0.year) if spec.daylight_only
             else np.ones(ft.shape[:2], bool))
    rows = []
    for i, day in enumerate(days):
        for j, h in enumerate(settings.start_hours):
            x = ft[i, j]
            if not np.isfinite(x).all() or not light[i, j]:
                continue
            rows.append(dict(day=day.date().isoformat(), hour=h,
                             p10_s=float(np.percentile(x, 10)), p50_s=float(np.median(x)),
                             p90_s=float(np.percentile(x, 90)),
                             p_target=float(np.mean(x <= target)),
                             criteria=None if not np.isfinite(u.criteria[i, j])
                             else bool(u.criteria[i, j]), daylight=bool(light[i, j]),
                             temperature_c=float(u.temperature_c[i, j]),
                             relative_humidity_frac=float(u.relative_humidity_frac[i, j]),
                             wind_speed_m_s=float(u.wind_speed_m_s[i, j])))
    if not rows:
        raise ScenarioError("the forecast covers no full race at the start hours (after "
                            "sunrise when daylight = true)",
                            where=str(path), value=f"{table.index[0]} … {table.index[-1]}",
                            fix="give a forecast covering start to finish of the start hours")
    best = max(rows, key=lambda r: (r["p_target"], -r["p50_s"]))
    if json_:
        print(json_text({"candidate": cand.name, "forecast": str(path),
                          "format": meta.format, "best": best, "slots": rows}))
        return
    out.print(f"[bold]Forecast for {cand.name}[/bold] ({path.name}, {meta.format}): best "
              f"start {best['day']} {best['hour']:02d}:00 local — median "
              f"{_fmt_t(best['p50_s'])}, P10–P90 {_fmt_t(best['p10_s'])}–{_fmt_t(best['p90_s'])}"
              f", P(target) {best['p_target']:.2f}", highlight=False)
    t = Table("day", "start", "T °C", "RH", "wind", "crit", "P10", "median", "P90",
              "P(tgt)", box=box.SIMPLE, pad_edge=False)
    for r in rows:
        t.add_row(r["day"][5:], f"{r['hour']:02d}h", f"{r['temperature_c']:.1f}",
                  f"{r['relative_humidity_frac']:.2f}", f"{r['wind_speed_m_s']:.1f}",
                  {None: "?", True: "go", False: "no"}[r["criteria"]], _fmt_t(r["p10_s"]),
                  _fmt_t(r["p50_s"]), _fmt_t(r["p90_s"]), f"{r['p_target']:.2f}")
    out.print(t)
