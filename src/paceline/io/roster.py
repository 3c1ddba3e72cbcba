"""Read pacer rosters (CSV or TOML) and read/write crew plans (JSON).

Roster columns (CSV header, or keys of each ``[[pacer]]`` table in TOML):

==========================  ====================================================
``name``                    unique name (required)
``mass_kg``, ``height_m``   body mass [kg] and height [m] (required)
``pb_<distance>``           personal best, "13:05.2" or "1:00:30" (any of
                            1500m, mile, 3000m, 5000m, 10000m, 15km, half, marathon)
``pb_<distance>_date``      date of that PB (ISO, optional)
``earliest_km``             first course km he can run (optional, default 0)
``latest_km``               last course km he can run (optional, default finish)
``max_stints``              most entries into the formation (optional)
``preferred_positions``     slot names separated by ";" (TOML: a list)
==========================  ====================================================

Lines starting with ``#`` in a CSV are comments. Every error is an
:class:`~paceline.errors.InputFileError` naming the file, row, column, value and the fix.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from paceline.crew.plan import Assignment, CrewPlan, PacerMargin
from paceline.crew.roster import PB_DISTANCES_M, Pacer, PersonalBest, pacer_capacity
from paceline.errors import InputFileError, UnitError
from paceline.io.input_files import parse_toml
from paceline.units import format_duration, parse_duration_s

__all__ = ["read_roster", "parse_roster_rows", "read_plan", "write_plan", "plan_to_dict",
           "plan_from_dict", "ROSTER_COLUMNS"]

#: The fastest average speed ever run over 1500 m or more: the men's 1500 m world record
#: 3:26.00 (Frontiers in Sports 2019, Table 1) → 7.28 m/s. A PB faster than this over any
#: distance ≥ 1500 m is refused as impossible.
MAX_SPEED_M_S = 1500.0 / 206.0

_BASE = ("name", "mass_kg", "height_m", "earliest_km", "latest_km", "max_stints",
         "preferred_positions")
ROSTER_COLUMNS = _BASE + tuple(f"pb_{k}" for k in PB_DISTANCES_M) + tuple(
    f"pb_{k}_date" for k in PB_DISTANCES_M)


def read_roster(path: str | Path, *, slots: tuple[str, ...] | None = None) -> tuple[
        tuple[Pacer, ...], dict[str, Any]]:
    """Read a roster file (.csv or .toml). Returns (pacers, metadata).

    ``slots``: if given, preferred positions are checked against these slot names.
    Metadata: {"source": path, "format": "csv"|"toml", "comments": [...]}.
    """
    p = Path(path)
    if p.is_dir():
        files = sorted(x.name for x in p.iterdir() if x.suffix in (".csv", ".toml"))[:5]
        raise InputFileError("this is a directory, not a roster file", where=str(p),
                             valid=", ".join(files) if files else None,
                             fix="give one roster CSV or TOML file, e.g. "
                             "rosters/vienna-2019-pacers.csv")
    if not p.is_file():
        raise InputFileError("roster file not found", where=str(p),
                             fix="check the path; bundled rosters are in rosters/")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFileError("not a UTF-8 text file", where=str(p),
                             fix="give a CSV or TOML roster") from None
    suffix = p.suffix.lower()
    comments: list[str] = []
    if suffix == ".toml":
        data = parse_toml(p, text, "roster",
                          fix="give a CSV or TOML roster, e.g. rosters/vienna-2019-pacers.csv")
        extra = set(data) - {"pacer", "name", "description", "source"}
        if extra or not isinstance(data.get("pacer"), list):
            raise InputFileError("a TOML roster is a list of [[pacer]] tables", where=str(p),
                                 value=sorted(extra) or None,
                                 fix='write one [[pacer]] table per pacer, e.g. '
                                     '[[pacer]] name = "A" mass_kg = 58 ...')
        rows = [(i + 1, r) for i, r in enumerate(data["pacer"])]
        label = "pacer"
        fmt = "toml"
    elif suffix == ".csv":
        lines, line_no = [], []
        for i, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                comments.append(line.lstrip()[1:].strip())
            else:
                lines.append(line)
                line_no.append(i)
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        if reader.fieldnames is None:
            raise InputFileError("empty roster", where=str(p), fix="add a header row and pacers")
        header = [h.strip() for h in reader.fieldnames]
        unknown = [h for h in header if h not in ROSTER_COLUMNS]
        if unknown:
            raise InputFileError(
                f"unknown column {unknown[0]!r}", where=f"{p}, header", value=unknown[0],
                valid=", ".join(_BASE) + ", pb_<d>, pb_<d>_date with <d> one of "
                + ", ".join(PB_DISTANCES_M),
                fix="rename or remove the column")
        rows = []
        for rec in reader:
            if not any((v or "").strip() for v in rec.values() if isinstance(v, str)):
                continue
            if None in rec:
                raise InputFileError("more fields than columns",
                                     where=f"{p}, line {line_no[reader.line_num - 1]}",
                                     fix="remove the extra commas")
            clean = {k.strip(): (v or "").strip() for k, v in rec.items()}
            rows.append((line_no[reader.line_num - 1], clean))
        label = "line"
        fmt = "csv"
    else:
        raise InputFileError("unknown roster format", where=str(p), value=p.suffix,
                             valid=".csv, .toml")
    pacers = parse_roster_rows(rows, where=str(p), row_label=label, slots=slots)
    return pacers, {"source": str(p), "format": fmt, "comments": comments}


def _num(value: Any, where: str, col: str, lo: float, hi: float, unit: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputFileError("not a number", where=f"{where}, column {col}", value=value,
                             valid=f"{lo:g}–{hi:g} {unit}") from None
    if not (math.isfinite(x) and lo <= x <= hi):
        raise InputFileError("out of range", where=f"{where}, column {col}", value=value,
                             valid=f"{lo:g}–{hi:g} {unit}", fix="check the unit")
    return x


def parse_roster_rows(rows, *, where: str = "roster", row_label: str = "row",
                      slots: tuple[str, ...] | None = None) -> tuple[Pacer, ...]:
    """Validate roster records [(row number, {column: value})] into Pacers."""
    pacers: list[Pacer] = []
    seen: dict[str, int] = {}
    for n, rec in rows:
        at = f"{where}, {row_label} {n}"
        unknown = [c for c in rec if c not in ROSTER_COLUMNS]
        if unknown:
            raise InputFileError(f"unknown column {unknown[0]!r}", where=at, value=unknown[0],
                                 valid=", ".join(_BASE) + ", pb_<d>, pb_<d>_date",
                                 fix="rename or remove it")
        name = str(rec.get("name", "")).strip()
        if not name:
            raise InputFileError("missing name", where=f"{at}, column name",
                                 fix="give every pacer a unique name")
        if name in seen:
            raise InputFileError(f"duplicate name (also on {row_label} {seen[name]})",
                                 where=f"{at}, column name", value=name,
                                 fix="make names unique, e.g. add an initial")
        seen[name] = n
        for col in ("mass_kg", "height_m"):
            if rec.get(col) in (None, ""):
                raise InputFileError("missing value", where=f"{at}, column {col}",
                                     fix=f"give {col} for {name}")
        mass = _num(rec["mass_kg"], at, "mass_kg", 35.0, 120.0, "kg")
        height = _num(rec["height_m"], at, "height_m", 1.4, 2.2, "m")
        pbs = []
        for key, dist in PB_DISTANCES_M.items():
            raw = rec.get(f"pb_{key}")
            if raw in (None, ""):
                continue
            try:
                t = parse_duration_s(raw, where=f"{at}, column pb_{key}")
            except UnitError as exc:
                raise InputFileError(str(exc), where=f"{at}, column pb_{key}",
                                     fix='write "m:ss.s" or "h:mm:ss"') from None
            if dist / t > MAX_SPEED_M_S:
                raise InputFileError(
                    f"{key} in {format_duration(t, decimals=1)} is faster than any human has run"
                    f" ({dist / t:.2f} m/s; the 1500 m world record averages 7.28 m/s)",
                    where=f"{at}, column pb_{key}", value=raw,
                    fix="check the time (h:mm:ss vs mm:ss) and the column")
            date = rec.get(f"pb_{key}_date")
            pbs.append(PersonalBest(dist, t, str(date) if date not in (None, "") else None))
        pbs.sort(key=lambda b: b.distance_m)
        for a, b in zip(pbs, pbs[1:], strict=False):
            if b.distance_m / b.time_s >= a.distance_m / a.time_s:
                ka = _key(a.distance_m)
                kb = _key(b.distance_m)
                at_pace = a.time_s * b.distance_m / a.distance_m
                raise InputFileError(
                    f"impossible PBs: {kb} in {format_duration(b.time_s, decimals=1)} is faster "
                    f"than his {ka} pace allows ({ka} {format_duration(a.time_s, decimals=1)} "
                    f"→ {format_duration(at_pace, decimals=1)} for {kb} at the same pace)",
                    where=f"{at}, column pb_{kb}", value=rec.get(f"pb_{kb}"),
                    fix=f"check both times; a {kb} must be slower than "
                        f"{format_duration(at_pace, decimals=1)}")
        earliest = _num(rec.get("earliest_km") or 0, at, "earliest_km", 0.0, 500.0, "km")
        latest_raw = rec.get("latest_km")
        latest = (math.inf if latest_raw in (None, "") else
                  _num(latest_raw, at, "latest_km", 0.0, 500.0, "km"))
        if latest <= earliest:
            raise InputFileError("latest_km must be after earliest_km",
                                 where=f"{at}, column latest_km", value=latest_raw,
                                 fix=f"give a latest_km above {earliest:g}")
        ms_raw = rec.get("max_stints")
        max_stints = None
        if ms_raw not in (None, ""):
            ms = _num(ms_raw, at, "max_stints", 1, 100, "stints")
            if ms != int(ms):
                raise InputFileError("max_stints must be a whole number",
                                     where=f"{at}, column max_stints", value=ms_raw)
            max_stints = int(ms)
        pref_raw = rec.get("preferred_positions")
        if isinstance(pref_raw, list):
            prefs = tuple(str(s).strip() for s in pref_raw if str(s).strip())
        else:
            prefs = tuple(s.strip() for s in str(pref_raw or "").replace(",", ";").split(";")
                          if s.strip())
        if slots is not None:
            for s in prefs:
                if s not in slots:
                    raise InputFileError("unknown position", where=f"{at}, column "
                                         "preferred_positions", value=s, valid=", ".join(slots),
                                         fix="use the formation's slot names")
        pacer = Pacer(name=name, personal_bests=tuple(pbs), mass_kg=mass, height_m=height,
                      earliest_m=earliest * 1000.0, latest_m=latest * 1000.0,
                      max_stints=max_stints, preferred_slots=prefs)
        q = pacer_capacity(pacer)
        if not math.isfinite(q.cs_m_s):
            raise InputFileError(
                "needs at least two PBs lasting 2–40 min to estimate critical speed and D′"
                " (or those PBs give a negative D′)",
                where=f"{at}, columns pb_*", value=name,
                fix="give e.g. pb_3000m, pb_5000m and pb_10000m")
        pacers.append(pacer)
    if not pacers:
        raise InputFileError("the roster has no pacers", where=where, fix="add pacer rows")
    return tuple(pacers)


def _key(distance_m: float) -> str:
    for k, d in PB_DISTANCES_M.items():
        if abs(d - distance_m) < 1e-6:
            return k
    return f"{distance_m:g}m"


# ---- plans ------------------------------------------------------------------------------
def plan_to_dict(plan: CrewPlan, *, scenario: str | None = None, roster: str | None = None,
                 timing: bool = True) -> dict[str, Any]:
    """The JSON form of a plan (contract: docs/crew.md).

    ``timing=False`` leaves out ``solve_time_s``, the solver's wall time: the one value that
    differs between two runs of the same input, so plan *files* are byte-identical for the
    same input and seed (:func:`write_plan`); printed JSON keeps it."""
    data = {
        "formation": plan.formation,
        "slots": list(plan.slots),
        "slot_drag": plan.slot_drag,
        "drag_reduction": list(plan.drag_reduction_frac),
        "distance_m": plan.distance_m,
        "target_time_s": plan.target_time_s,
        "speed_m_s": plan.speed_m_s,
        "exchange_points_m": list(plan.exchange_points_m),
        "safety_margin": plan.safety_margin_frac,
        "objective": plan.objective,
        "status": plan.status,
        "objective_value": plan.objective_value,
        "best_bound": plan.best_bound,
        "gap": plan.gap_frac if math.isfinite(plan.gap_frac) else None,
        "solve_time_s": plan.solve_time_s,
        "pacers_used": plan.pacers_used,
        "exchanges": plan.n_exchanges,
        "reserves": list(plan.reserves),
        "notes": list(plan.notes),
        "scenario": scenario,
        "roster": roster,
        "stints": [{"pacer": a.pacer, "slot": a.slot, "from_m": a.from_m, "to_m": a.to_m}
                   for a in plan.stints],
        "pacers": [{"name": p.name, "min_margin": p.min_margin, "planned_use": p.planned_use,
                    "stints": p.stints, "distance_m": p.distance_m} for p in plan.pacers],
    }
    if not timing:
        del data["solve_time_s"]
    return data


def plan_from_dict(data: dict[str, Any], *, where: str = "plan") -> CrewPlan:
    """Rebuild a CrewPlan from its JSON form; missing keys → InputFileError."""
    try:
        stints = tuple(Assignment(str(s["pacer"]), str(s["slot"]), float(s["from_m"]),
                                  float(s["to_m"])) for s in data["stints"])
        pacers = tuple(PacerMargin(str(p["name"]), float(p["min_margin"]),
                                   float(p.get("planned_use", math.nan)),
                                   int(p.get("stints", 0)), float(p.get("distance_m", 0.0)))
                       for p in data.get("pacers", []))
        gap = data.get("gap")
        return CrewPlan(
            stints=stints, pacers=pacers, formation=str(data["formation"]),
            slots=tuple(data["slots"]), distance_m=float(data["distance_m"]),
            target_time_s=float(data["target_time_s"]),
            exchange_points_m=tuple(float(x) for x in data["exchange_points_m"]),
            safety_margin_frac=float(data.get("safety_margin", 0.1)),
            objective=str(data.get("objective", "margin")),
            status=str(data.get("status", "unknown")),
            objective_value=float(data.get("objective_value", math.nan)),
            best_bound=float(data.get("best_bound", math.nan)),
            gap_frac=math.inf if gap is None else float(gap),
            # not in plan files (wall time: runs would differ); NaN = not known
            solve_time_s=float(data.get("solve_time_s", math.nan)),
            reserves=tuple(data.get("reserves", ())), notes=tuple(data.get("notes", ())),
            # plans written before the formation model fed the crew used the table
            slot_drag=str(data.get("slot_drag", "table")),
            drag_reduction_frac=tuple(float(r) for r in data.get("drag_reduction", ())))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputFileError(f"not a crew plan: {exc!r} missing or malformed", where=where,
                             fix="give a plan written by `paceline crew plan --out plan.json`"
                             ) from None


def write_plan(plan: CrewPlan, path: str | Path, *, scenario: str | None = None,
               roster: str | None = None) -> None:
    """Write a plan as JSON (written whole to a temporary file, then renamed).

    Without the solver's wall time (``solve_time_s``): the same input and seed give a
    byte-identical file (docs/crew.md, "Same input, same plan")."""
    p = Path(path)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(json.dumps(plan_to_dict(plan, scenario=scenario, roster=roster, timing=False),
                              indent=2), encoding="utf-8")
    tmp.replace(p)


def read_plan(path: str | Path) -> tuple[CrewPlan, dict[str, Any]]:
    """Read a plan JSON; returns (plan, raw dict: has the scenario and roster paths)."""
    p = Path(path)
    if p.is_dir():
        raise InputFileError("this is a directory, not a plan file", where=str(p),
                             fix="give the plan JSON that `paceline crew plan ... --out` wrote")
    if not p.is_file():
        raise InputFileError("plan file not found", where=str(p),
                             fix="write one with `paceline crew plan ... --out plan.json`")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(f"not valid JSON: {exc}", where=str(p),
                             fix="give a plan written by `paceline crew plan --out`") from None
    if not isinstance(data, dict):
        raise InputFileError("a plan is a JSON object", where=str(p))
    return plan_from_dict(data, where=str(p)), data
