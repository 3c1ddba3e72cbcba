"""`paceline log ...`: the training log (import, list, show, note, stats, fitness, bests,
profile, export, delete). Parses, calls paceline.store / paceline.log, renders."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from paceline import log as analytics
from paceline.cli._console import CliConsole, progress_console
from paceline.cli._gc import gc_paused
from paceline.cli._paths import check_output_file, writing
from paceline.errors import InputFileError, UnitError
from paceline.units import (
    format_distance,
    format_duration,
    format_pace,
    parse_date,
    parse_distance_m,
    parse_pace_s_per_m,
)


def TrainingLog(*args, **kwargs):  # noqa: N802 - stands in for the class, imported on use
    """Open the training log; SQLAlchemy (~0.2 s to import) loads only for log commands."""
    from paceline.store.logbook import TrainingLog as _TrainingLog

    return _TrainingLog(*args, **kwargs)

app = typer.Typer(help="The training log: every workout kept, fitness read from it.",
                  no_args_is_help=True)
out = CliConsole()

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default $PACELINE_DB or ~/.local/share/paceline/log.sqlite); "
                 "e.g. sqlite:///log.sqlite, postgresql+psycopg://user@host/db")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AthleteOpt = Annotated[str, typer.Option(help="Athlete name in the log.")]
SportOpt = Annotated[str | None, typer.Option(help="Only this sport (e.g. running).")]
IdArg = Annotated[int, typer.Argument(metavar="ID",
                                      help="Activity id, as `paceline log list` shows it.")]


def _fmt(x, f) -> str:
    return "—" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f(x)


@app.command("import")
def import_cmd(paths: Annotated[list[Path], typer.Argument(help="Files or folders.")],
               db: DbOpt = None, json_: JsonOpt = False, athlete: AthleteOpt = "default",
               workers: Annotated[int | None, typer.Option(help="Decoding processes.")] = None,
               ) -> None:
    """Import FIT/GPX/TCX/CSV files (gzip'd too); idempotent, one transaction per file.

    Exit code 0: every file imported, already in the log (duplicate) or skipped (not an
    activity file). Exit code 2: a file failed (unreadable, corrupt) — the others were
    imported all the same, and the failures are listed; or a path does not exist."""
    from paceline.store.importer import check_paths, import_paths

    check_paths(paths)  # a wrong folder is refused before a log is created or opened
    with TrainingLog(db) as lg:  # the one command that creates a new log
        if json_:
            summary = import_paths(lg, paths, athlete=athlete, workers=workers)
            print(json.dumps(summary.as_json(), indent=2))
            _import_exit(summary)
            return
        with Progress(TextColumn("import"), BarColumn(), TextColumn("{task.completed}/"
                      "{task.total}"), TimeRemainingColumn(), console=progress_console(),
                      transient=True) as prog:
            task = prog.add_task("import", total=None)
            summary = import_paths(lg, paths, athlete=athlete, workers=workers,
                                   progress=lambda d, t: prog.update(task, completed=d, total=t))
    t = Table(title="Import")
    t.add_column("outcome")
    t.add_column("file")
    t.add_column("reason")
    for o in summary.outcomes:
        if o.status != "imported" or o.reason:
            t.add_row(o.status, Path(o.file).name, o.reason or "")
    if t.row_count:
        out.print(t)
    out.print(f"imported {len(summary.imported)} · duplicate {len(summary.duplicate)} · "
              f"skipped {len(summary.skipped)} · failed {len(summary.failed)}")
    warned = [o for o in summary.outcomes if o.warnings]
    if warned:
        ids = [i for o in warned for i in o.activity_ids]
        out.print(f"[yellow]{summary.n_warnings} warning(s) on {len(warned)} file(s)[/yellow] "
                  f"(faults cleaned at import; see paceline log show "
                  f"{' / '.join(map(str, ids[:5]))}{' …' if len(ids) > 5 else ''})")
    _import_exit(summary)


def _import_exit(summary) -> None:
    """Exit code 2 when any file failed, after the good ones were imported (each file is its
    own transaction): a script can tell that something was not imported. Exit 0 when every
    file was imported, a duplicate or skipped (not an activity file)."""
    if summary.failed:
        names = [Path(o.file).name for o in summary.failed]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        done = len(summary.imported)
        raise InputFileError(
            (f"{len(names)} file(s) failed and were not imported: {shown}; the "
             f"{done} other new file(s) were imported" if done else
             f"no file imported; {len(names)} failed: {shown}"),
            where="PATHS", fix="see the reasons above; re-export the failed files from the "
            "watch or its app and import them again (imported files are not duplicated)")


@app.command("list")
def list_cmd(db: DbOpt = None, json_: JsonOpt = False, sport: SportOpt = None,
             since: Annotated[str | None, typer.Option(help="From date YYYY-MM-DD.")] = None,
             until: Annotated[str | None, typer.Option(help="Before date YYYY-MM-DD.")] = None,
             ) -> None:
    """List activities (oldest first)."""
    with TrainingLog(db, create=False) as lg:
        rows = lg.list_activities(since=parse_date(since, where="--since"),
                                  until=parse_date(until, where="--until"), sport=sport)
        loads = _load_of(lg)
    if json_:
        print(json.dumps([{**r.as_json(), "load": loads.get(r.id, (0.0, "none"))[0],
                           "load_kind": loads.get(r.id, (0.0, "none"))[1]} for r in rows]))
        return
    t = Table(title=f"{len(rows)} activities")
    for c in ("id", "start (UTC)", "sport", "distance", "moving", "elapsed", "pace", "load"):
        t.add_column(c, justify="right" if c not in ("sport", "start (UTC)") else "left")
    for r in rows:
        pace = (format_pace(r.distance_m / r.moving_time_s) if r.distance_m and r.moving_time_s
                else "—")
        t.add_row(str(r.id), r.start_utc.strftime("%Y-%m-%d %H:%M"), r.sport,
                  _fmt(r.distance_m, format_distance), _fmt(r.moving_time_s, format_duration),
                  _fmt(r.elapsed_time_s, format_duration), pace, _load_text(loads.get(r.id)))
    out.print(t)


def _load_text(lk: tuple[float, str] | None) -> str:
    if lk is None or lk[1] == "none":
        return "—"
    return f"{lk[0]:.0f} {'TRIMP' if lk[1] == 'trimp' else 'TSS'}"


@app.command()
def show(activity_id: IdArg, db: DbOpt = None,
         json_: JsonOpt = False) -> None:
    """Show one activity: summary, laps, best efforts."""
    with TrainingLog(db, create=False) as lg:
        d = lg.get(activity_id)
        d["load"], d["load_kind"] = _load_of(lg).get(activity_id, (0.0, "none"))
    if json_:
        print(json.dumps(d, indent=2, default=str))
        return
    out.print(f"[bold]#{d['id']} {d['sport']}[/bold] {d['start_utc']} · "
              f"{_fmt(d['distance_m'], format_distance)} · moving "
              f"{_fmt(d['moving_time_s'], format_duration)} · elapsed "
              f"{_fmt(d['elapsed_time_s'], format_duration)} · ascent "
              f"{_fmt(d['ascent_m'], lambda x: f'{x:.0f} m')} · HR "
              + ("—" if d["avg_heart_rate_bpm"] is None and d["max_heart_rate_bpm"] is None
                 else f"{_fmt(d['avg_heart_rate_bpm'], lambda x: f'{x:.0f}')}/"
                      f"{_fmt(d['max_heart_rate_bpm'], lambda x: f'{x:.0f}')} bpm"))
    out.print(f"device {d['device'] or '—'} · file {d['source_file']} ({d['source_format']}, "
              f"{d['decoder'] or '—'}) · {d['n_samples']} samples")
    if d.get("duplicate_of"):
        out.print(f"[yellow]second recording of activity {d['duplicate_of']}[/yellow]: kept "
                  "and linked, left out of lists, bests and loads")
    how = {"trimp": "heart rate, TRIMP", "speed": "speed, TSS form"}.get(
        d["load_kind"], "nothing: no heart-rate settings, or a sport not scored by speed")
    out.print(f"load {_load_text((d['load'], d['load_kind']))} (scored by {how})")
    if d["warnings"]:
        ws = d["warnings"].split("\n")
        out.print(f"[yellow]{len(ws)} warning(s) from cleaning at import:[/yellow]")
        for w in ws:
            out.print(f"  • {w}", highlight=False)
    if d["laps"]:
        t = Table(title="Laps")
        for c in ("lap", "distance", "moving", "HR"):
            t.add_column(c, justify="right")
        for lp in d["laps"]:
            t.add_row(str(lp["index"] + 1), _fmt(lp["distance_m"], format_distance),
                      _fmt(lp["moving_time_s"], format_duration),
                      _fmt(lp["avg_heart_rate_bpm"], lambda x: f"{x:.0f}"))
        out.print(t)
    if d["best_efforts"]:
        out.print("best efforts: " + ", ".join(
            f"{format_distance(e['distance_m'])} {format_duration(e['time_s'])}"
            for e in d["best_efforts"]))


@app.command()
def note(day: Annotated[str, typer.Argument(metavar="DATE", help="The day, YYYY-MM-DD.")],
         text: Annotated[str, typer.Argument(
             metavar="TEXT", help='The note, in quotes: "easy 10k, left calf tight".')],
         db: DbOpt = None,
         athlete: AthleteOpt = "default") -> None:
    """Write a journal note for a day."""
    with TrainingLog(db, create=False) as lg:
        nid = lg.add_note(parse_date(day, where="DATE"), text, athlete)
    out.print(f"note {nid} saved for {day}")


@app.command()
def stats(weekly: Annotated[bool, typer.Option(
              "--weekly", help="Totals per ISO week, Monday to Sunday (the default).")] = False,
          monthly: Annotated[bool, typer.Option(
              "--monthly", help="Totals per calendar month.")] = False,
          db: DbOpt = None, json_: JsonOpt = False, sport: SportOpt = None) -> None:
    """Volume per week (default) or month."""
    if weekly and monthly:
        raise UnitError("choose one period", where="--weekly/--monthly",
                        fix="give --weekly or --monthly")
    period = "month" if monthly else "week"
    with TrainingLog(db, create=False) as lg:
        inp = lg.load_inputs(sport=sport)
    rows = analytics.volume(inp["start_utc"], inp["distance_m"], inp["moving_time_s"], period)
    if json_:
        print(json.dumps(rows, indent=2))
        return
    t = Table(title=f"Volume per {period}")
    for c in (period, "activities", "distance", "time"):
        t.add_column(c, justify="right")
    for r in rows:
        t.add_row(r["period_start"], str(r["activities"]), format_distance(r["distance_m"]),
                  format_duration(r["moving_time_s"]))
    out.print(t)


def _loads(lg: TrainingLog, athlete: str, sport: str | None, *, with_ids: bool = False):
    """``(start, load, kind)`` per activity; with ``with_ids`` also ``(ids, sports)``."""
    a = lg.athlete(athlete)
    # the HR histograms (8 MB on a 20-year log) only where HR TRIMP can be scored
    inp = lg.load_inputs(sport=sport, hr_histograms=bool(a["hr_rest_bpm"] and a["hr_max_bpm"]))
    thr = a["threshold_speed_m_s"]
    if not thr:
        cs, _, n = analytics.critical_speed_from_bests(lg.best_efforts())
        thr = cs if n >= 2 and np.isfinite(cs) else None
    res = analytics.daily_loads(inp, hr_rest_bpm=a["hr_rest_bpm"], hr_max_bpm=a["hr_max_bpm"],
                                threshold_speed_m_s=thr, sex=a["sex"] or "men")
    return (*res, inp["id"], inp["sport"]) if with_ids else res


def _load_of(lg: TrainingLog, athlete: str = "default") -> dict[int, tuple[float, str]]:
    """Each activity's ``(load, load_kind)`` as ``log fitness`` scores it today."""
    _, ld, kind, ids, _ = _loads(lg, athlete, None, with_ids=True)
    return {int(i): (float(v), str(k)) for i, v, k in zip(ids, ld, kind, strict=True)}


def _unscored_note(kind: np.ndarray, sports: np.ndarray) -> str | None:
    """Which activities no load scores, by sport, and why (other sports: the speed load's
    threshold is a running speed)."""
    other = {}
    for k, sp in zip(kind, sports, strict=True):
        if k == "none" and sp not in analytics.SPEED_LOAD_SPORTS:
            other[sp] = other.get(sp, 0) + 1
    if not other:
        return None
    n = sum(other.values())
    return (f"{n} {'activity' if n == 1 else 'activities'} of other sports (" +
            ", ".join(f"{k} {v}" for k, v in sorted(other.items())) +
            f") {'has' if n == 1 else 'have'} no load: the speed load's threshold is a running "
            "speed, so they are scored only by heart rate (set --hr-rest/--hr-max with "
            "paceline log profile)")


@app.command()
def fitness(out_png: Annotated[Path | None, typer.Option(
                "--out", help="Write the PMC chart to this PNG file.")] = None,
            db: DbOpt = None, json_: JsonOpt = False,
            athlete: AthleteOpt = "default", sport: SportOpt = None,
            tau_fitness: Annotated[float, typer.Option(help="CTL time constant [days].")] = 42.0,
            tau_fatigue: Annotated[float, typer.Option(help="ATL time constant [days].")] = 7.0,
            since: Annotated[str | None, typer.Option(
                help="Chart from this date YYYY-MM-DD (the model still runs on all).")] = None,
            ) -> None:
    """Fitness (CTL), fatigue (ATL) and form (TSB) on the log's last day; --out draws the PMC
    chart (PNG).

    Without --out only the numbers are printed, without drawing (a chart of 20 years takes
    about 0.4 s more).
    """
    check_output_file(out_png, where="--out", example="pmc.png", figure=True)
    # SQLAlchemy and Matplotlib load here: no cyclic collections over their ~10⁵ new objects
    # (~0.1 s that freed nothing)
    with gc_paused(), TrainingLog(db, create=False) as lg:
        start, load_, kind, _, sports = _loads(lg, athlete, sport, with_ids=True)
    if start.size == 0:
        raise InputFileError("the log is empty", where="--db",
                             fix="import activities first: paceline log import FOLDER")
    p = analytics.pmc(start, load_, tau_fitness_d=tau_fitness, tau_fatigue_d=tau_fatigue)
    first = parse_date(since, where="--since")
    if first is not None:
        keep = p.day >= np.datetime64(first)
        if not keep.any():
            raise UnitError("no days after --since", where="--since", value=since,
                            fix=f"give a date before {p.day[-1]}")
        p = analytics.Pmc(p.day[keep], p.load[keep], p.ctl[keep], p.atl[keep], p.tsb[keep])
    kinds = {k: int((kind == k).sum()) for k in ("trimp", "speed", "none")}
    if out_png is not None:
        from paceline.report.log_plots import plot_pmc

        with gc_paused(), writing(out_png, where="--out"):
            plot_pmc(p, out_png,
                     load_label="TRIMP" if kinds["trimp"] >= kinds["speed"] else "TSS")
    last = {"day": str(p.day[-1]), "ctl": float(p.ctl[-1]), "atl": float(p.atl[-1]),
            "tsb": float(p.tsb[-1])}
    unscored = _unscored_note(kind, sports)
    if json_:
        print(json.dumps({"png": None if out_png is None else str(out_png),
                          "load_kinds": kinds, "last": last,
                          "load_by_sport": {str(sp): {k: int(((kind == k) & (sports == sp)).sum())
                                                      for k in ("trimp", "speed", "none")}
                                            for sp in sorted(set(sports))},
                          "unscored": unscored}, indent=2))
        return
    out.print(f"{last['day']}: fitness {last['ctl']:.1f} · fatigue {last['atl']:.1f} · "
              f"form {last['tsb']:+.1f}  (loads: {kinds['trimp']} HR TRIMP, {kinds['speed']} "
              f"speed TSS, {kinds['none']} none)"
              + (f" → {out_png}" if out_png is not None else ""))
    if out_png is None:
        out.print("[dim]the chart: add --out pmc.png[/dim]")
    if unscored:
        out.print(f"[yellow]{unscored}[/yellow]")
    if kinds["none"]:
        out.print("[yellow]some activities have no load:[/yellow] set --hr-rest/--hr-max or "
                  "--threshold-pace with paceline log profile")


@app.command()
def bests(db: DbOpt = None, json_: JsonOpt = False, sport: SportOpt = "running",
          since: Annotated[str | None, typer.Option(help="From date YYYY-MM-DD.")] = None,
          until: Annotated[str | None, typer.Option(help="Before date YYYY-MM-DD.")] = None,
          ) -> None:
    """Best efforts and mean-maximal speed (400 m … marathon), CS/D′, race predictions."""
    with TrainingLog(db, create=False) as lg:
        b = lg.best_efforts(since=parse_date(since, where="--since"),
                            until=parse_date(until, where="--until"), sport=sport)
    cs, dp, n = analytics.critical_speed_from_bests(b)
    ref = analytics.reference_effort(b)
    preds = analytics.race_predictions(ref, [5000.0, 10000.0, 21097.5, 42195.0]) if ref else []
    if json_:
        print(json.dumps({"bests": [{**e, "speed_m_s": e["distance_m"] / e["time_s"]}
                                    for e in b],
                          "critical_speed_m_s": cs if n >= 2 else None,
                          "d_prime_m": dp if n >= 2 else None, "cs_efforts": n,
                          "reference": ref, "predictions": preds}, indent=2))
        return
    t = Table(title="Best efforts")
    for c in ("distance", "time", "pace", "activity", "date"):
        t.add_column(c, justify="right")
    for e in b:
        t.add_row(format_distance(e["distance_m"]), format_duration(e["time_s"], decimals=1),
                  format_pace(e["distance_m"] / e["time_s"]), str(e["activity_id"]),
                  e["start_utc"][:10])
    out.print(t)
    if n >= 2:
        out.print(f"critical speed {cs:.2f} m/s ({format_pace(cs)}), D′ {dp:.0f} m "
                  f"from {n} efforts of 2–15 min")
    if ref:
        out.print(f"reference: {format_distance(ref['distance_m'])} in "
                  f"{format_duration(ref['time_s'])} (VDOT {ref['vdot']:.1f}); predictions: " +
                  ", ".join(f"{format_distance(p['distance_m'])} "
                            f"{format_duration(p['vdot_time_s'])} (VDOT) / "
                            f"{format_duration(p['riegel_time_s'])} (Riegel)" for p in preds))


def _toml_value(v, key: str = "") -> str:
    """A TOML value as people read it: a time as "h:mm:ss.s" (a scenario reads it), other
    floats without binary noise (1304.1048158640226 s was written before)."""
    if key == "time" and isinstance(v, int | float) and not isinstance(v, bool):
        return json.dumps(format_duration(float(v), decimals=1))
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, float):
        return repr(float(f"{v:.6g}"))
    return repr(v)


@app.command()
def profile(out_toml: Annotated[Path | None, typer.Option(
                "--out", help="TOML file to write (the athlete block).")] = None,
            temperature_c: Annotated[float | None, typer.Option(
                help="Air temperature of the reference effort [°C] (the log does not know; "
                     "needed with --out).")] = None,
            relative_humidity: Annotated[float | None, typer.Option(
                help="Relative humidity of the reference effort, fraction 0–1 (needed with "
                     "--out).")] = None,
            db: DbOpt = None, athlete: AthleteOpt = "default",
            mass_kg: Annotated[float | None, typer.Option(help="Body mass [kg] (stored).")] =
            None,
            height_m: Annotated[float | None, typer.Option(help="Height [m] (stored).")] = None,
            sex: Annotated[str | None, typer.Option(help="men or women (stored).")] = None,
            since: Annotated[str | None, typer.Option(
                help="Reference from efforts since YYYY-MM-DD (default: all).")] = None,
            hr_rest: Annotated[float | None, typer.Option(
                help="Resting heart rate [bpm] (stored; HR TRIMP in log fitness).")] = None,
            hr_max: Annotated[float | None, typer.Option(
                help="Maximum heart rate [bpm] (stored; HR TRIMP in log fitness).")] = None,
            threshold_pace: Annotated[str | None, typer.Option(
                help='Running threshold pace, e.g. "3:45/km" (stored; speed load in log '
                     "fitness; default: the log's critical speed).")] = None,
            ) -> None:
    """Store the athlete's settings and export the athlete block of a scenario (mass, height,
    best recent race-like effort). Without --out, only the settings are stored."""
    check_output_file(out_toml, where="--out", example="athlete.toml")
    if sex is not None and sex not in ("men", "women"):
        raise UnitError("unknown sex", where="--sex", value=sex, valid="men, women")
    for name, v in (("--hr-rest", hr_rest), ("--hr-max", hr_max)):
        if v is not None and not 20 <= v <= 250:
            raise UnitError("heart rate out of range", where=name, value=v,
                            valid="20–250 bpm", fix=f"give {name} in beats per minute")
    if hr_rest is not None and hr_max is not None and hr_rest >= hr_max:
        raise UnitError("resting heart rate must be below the maximum", where="--hr-rest",
                        value=f"{hr_rest:g} ≥ {hr_max:g}", fix="check the two values")
    thr = None
    if threshold_pace is not None:
        thr = 1.0 / parse_pace_s_per_m(threshold_pace, where="--threshold-pace")
        if not 1.0 <= thr <= 8.0:
            raise UnitError("threshold pace out of range", where="--threshold-pace",
                            value=threshold_pace, valid="2:05/km … 16:40/km",
                            fix='e.g. --threshold-pace "4:10/km"')
    if out_toml is not None and (temperature_c is None or relative_humidity is None):
        raise UnitError("the reference effort's conditions are needed for --out",
                        where="--temperature-c/--relative-humidity",
                        fix="give both, e.g. --temperature-c 12 --relative-humidity 0.6")
    with TrainingLog(db, create=False) as lg:
        lg.update_athlete(athlete, mass_kg=mass_kg, height_m=height_m, sex=sex,
                          hr_rest_bpm=hr_rest, hr_max_bpm=hr_max, threshold_speed_m_s=thr)
        a = lg.athlete(athlete)
        b = lg.best_efforts(since=parse_date(since, where="--since"))
    if out_toml is None:
        out.print(f"athlete {athlete}: HR rest {_fmt(a['hr_rest_bpm'], lambda x: f'{x:g}')} · "
                  f"HR max {_fmt(a['hr_max_bpm'], lambda x: f'{x:g}')} · threshold "
                  f"{_fmt(a['threshold_speed_m_s'], format_pace)} · mass "
                  f"{_fmt(a['mass_kg'], lambda x: f'{x:g} kg')} · height "
                  f"{_fmt(a['height_m'], lambda x: f'{x:g} m')} (stored)")
        return
    if a["mass_kg"] is None or a["height_m"] is None:
        raise InputFileError("the athlete's mass and height are not in the log",
                             where="--mass-kg/--height-m",
                             fix="give them once: --mass-kg 57 --height-m 1.67")
    ref = analytics.reference_effort(b)
    if ref is None:
        raise InputFileError("no race-like running effort (3 km … marathon) in the log",
                             where="--db", fix="import running activities first")
    block = analytics.athlete_block(name=athlete, mass_kg=a["mass_kg"], height_m=a["height_m"],
                                    sex=a["sex"] or "men", ref=ref, temperature_c=temperature_c,
                                    relative_humidity=relative_humidity)
    ref_tbl = block.pop("reference")
    cond = ref_tbl.pop("conditions")
    lines = [f"# athlete profile from the training log: reference = best "
             f"{format_distance(ref['distance_m'])} effort (activity {ref['activity_id']}, "
             f"{ref['start_utc'][:10]}, VDOT {ref['vdot']:.1f})", "[athlete]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in block.items()]
    lines += ["", "[athlete.reference]"] + [f"{k} = {_toml_value(v, k)}" for k, v in
                                            ref_tbl.items()]
    lines += ["", "[athlete.reference.conditions]"] + [f"{k} = {_toml_value(v)}"
                                                       for k, v in cond.items()]
    with writing(out_toml, where="--out"):
        out_toml.write_text("\n".join(lines) + "\n")
    out.print(f"wrote {out_toml}: reference {format_distance(ref['distance_m'])} in "
              f"{format_duration(ref['time_s'], decimals=1)}")


@app.command()
def export(out_file: Annotated[Path | None, typer.Option(
               "--out", help="CSV file (default: standard output).")] = None,
           db: DbOpt = None, sport: SportOpt = None) -> None:
    """Export the activity list as CSV (Parquet needs pyarrow, which is not a dependency)."""
    check_output_file(out_file, where="--out", example="activities.csv")
    if out_file is not None and out_file.suffix.lower() == ".parquet":
        raise InputFileError("Parquet export needs pyarrow, which is not installed",
                             where="--out", value=str(out_file),
                             fix="write .csv, or install pyarrow")
    with TrainingLog(db, create=False) as lg:
        rows = lg.list_activities(sport=sport)
    with writing(out_file or Path("-"), where="--out"):
        fh = out_file.open("w", newline="") if out_file else sys.stdout
    try:
        w = csv.writer(fh)
        w.writerow(["id", "start_utc", "sport", "distance_m", "moving_time_s",
                    "elapsed_time_s"])
        for r in rows:
            j = r.as_json()
            w.writerow([j[k] if j[k] is not None else "" for k in
                        ("id", "start_utc", "sport", "distance_m", "moving_time_s",
                         "elapsed_time_s")])
    finally:
        if out_file:
            fh.close()


@app.command()
def edit(activity_id: IdArg,
         sport: Annotated[str | None, typer.Option(
             help="The sport (running, cycling, swimming, walking, hiking, ...; any name or "
                  "code of src/paceline/data/sports.csv).")] = None,
         db: DbOpt = None) -> None:
    """Correct what the file got wrong or did not say (e.g. a sport stored as unknown)."""
    if sport is None:
        raise UnitError("nothing to change", where="options", fix="give --sport NAME")
    with TrainingLog(db, create=False) as lg:
        d = lg.edit(activity_id, sport=sport)
    out.print(f"activity {activity_id}: sport {d['sport']} (file said "
              f"{d['sport_raw'] or 'nothing'})")


@app.command()
def delete(activity_id: IdArg, db: DbOpt = None) -> None:
    """Delete an activity (its laps, stream, best efforts and tags go with it)."""
    with TrainingLog(db, create=False) as lg:
        lg.delete(activity_id)
    out.print(f"deleted activity {activity_id}")


__all__ = ["app", "parse_distance_m"]
