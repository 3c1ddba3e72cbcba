"""Read scenario TOML files, apply ``--set key.sub=value`` overrides, and load their courses."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any

from paceline.course import Course, preset
from paceline.errors import InputFileError, ScenarioError
from paceline.io.input_files import (
    is_scenario_data,
    read_toml,
    require_file,
    scenario_files_in,
    toml_kind,
)
from paceline.scenario import CourseSpec, Scenario, scenario_from_dict

__all__ = ["read_scenario", "read_athlete_file", "parse_override", "apply_overrides",
           "load_course", "load_courses", "scenario_to_toml"]


#: the value of "KEY=" (nothing after "="): remove the key (e.g. race.actual_time when the
#: distance is changed)
DROP = object()


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split "conditions.temperature_c=22" into (["conditions", "temperature_c"], 22).

    "race.actual_time=" (no value) gives :data:`DROP`: the key is removed.

    The value is read as a TOML value (numbers, booleans, quoted strings, inline tables);
    anything that is not valid TOML is taken as a plain string ("marathon", "2:01:39").
    """
    if "=" not in text:
        raise ScenarioError("an override needs KEY=VALUE", where="--set", value=text,
                            fix='write e.g. --set conditions.temperature_c=22')
    key, raw = text.split("=", 1)
    parts = [p.strip() for p in key.strip().split(".")]
    if not all(parts):
        raise ScenarioError("empty part in the key", where="--set", value=text,
                            fix="write dotted keys such as conditions.wind_speed_m_s=2")
    raw = raw.strip()
    if not raw:
        return parts, DROP
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError as exc:
        if raw[:1] in "{[\"'":
            # meant as a table, a list or a quoted string: a typo there is not a plain word
            what = {"{": "an inline table", "[": "a list"}.get(raw[:1], "a quoted string")
            raise ScenarioError(f"the value is not valid TOML for {what} ({exc})",
                                where=f"--set {key.strip()}", value=raw,
                                fix="close every bracket and quote, e.g. "
                                    "--set 'drafting={drag_reduction=0.3}'") from None
        value = raw
    return parts, value


_DRAFTING_MODES = frozenset({"drag_reduction", "formation", "positions"})


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Return a copy of ``data`` with each KEY=VALUE override set (tables created as needed).

    The drafting table's ``drag_reduction``, ``formation`` and ``positions`` are alternatives:
    overriding one removes the others from the table (``--set drafting.drag_reduction=0.5``
    replaces the file's formation; ``until``/``from`` are kept).
    """
    import copy

    out = copy.deepcopy(data)
    for text in overrides:
        parts, value = parse_override(text)
        if (len(parts) == 2 and parts[0] == "drafting" and parts[1] in _DRAFTING_MODES
                and isinstance(out.get("drafting"), dict)):
            for other in _DRAFTING_MODES - {parts[1]}:
                out["drafting"].pop(other, None)
        node = out
        for i, p in enumerate(parts[:-1]):
            nxt = node.get(p)
            if nxt is None:
                nxt = node[p] = {}
            elif not isinstance(nxt, dict):
                raise ScenarioError(f"{'.'.join(parts[: i + 1])} is a value, not a table",
                                    where="--set", value=text,
                                    fix="override the value itself, not a key inside it")
            node = nxt
        if value is DROP:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return out


def _athlete_files_in(folder: Path) -> list[str]:
    """TOML files in a folder with an [athlete] table (what --athlete takes)."""
    names = []
    for f in sorted(folder.glob("*.toml")):
        try:
            if isinstance(tomllib.loads(f.read_text(encoding="utf-8")).get("athlete"), dict):
                names.append(f.name)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return names


def read_athlete_file(path: str | Path) -> dict[str, Any]:
    """The ``[athlete]`` table of a TOML file (as ``paceline log profile`` writes it)."""
    p = require_file(path, "athlete file",
                     fix="write one with: paceline log profile --out athlete.toml ...",
                     in_folder=_athlete_files_in)
    data = read_toml(p, "athlete file", fix="give a TOML file written by paceline log profile "
                                            "--out athlete.toml, or a scenario")
    if not isinstance(data.get("athlete"), dict):
        raise InputFileError("no [athlete] table in this file", where=str(p),
                             fix="give a file written by paceline log profile, or a scenario")
    return data["athlete"]


def read_scenario(path: str | Path, overrides: list[str] | None = None, *,
                  athlete: str | Path | None = None) -> Scenario:
    """Read and validate a scenario TOML file; overrides are applied before validation.

    ``athlete``: a TOML file whose ``[athlete]`` table replaces the scenario's (the file
    ``paceline log profile`` writes); overrides apply after it.
    """
    p = require_file(path, "scenario file",
                     fix="check the path; bundled scenarios are in scenarios/ "
                         "(e.g. scenarios/vienna-2019.toml)",
                     in_folder=scenario_files_in)
    data = read_toml(p, "scenario file",
                     fix="give a scenario TOML file, e.g. scenarios/vienna-2019.toml")
    if not is_scenario_data(data):
        kind = toml_kind(data)
        raise InputFileError(
            "not a scenario: it has no [athlete], [race] or [conditions] table"
            + (f"; it looks like {kind}" if kind else ""), where=str(p),
            fix="give a scenario file, e.g. scenarios/vienna-2019.toml (docs/scenario.md)")
    if athlete is not None:
        data["athlete"] = read_athlete_file(athlete)
    data = apply_overrides(data, overrides or [])
    # with --set, the fault may be in the override, not the file: name both
    where = str(p) if not overrides else f"{p} with --set {' '.join(overrides)}"
    if athlete is not None:
        where += f" with the athlete of {athlete}"
    check_distances_have_units(data, where=where)
    return scenario_from_dict(data, where=where)


#: The keys of a scenario file that hold a distance (written with a unit: "42.195km").
_DISTANCE_KEYS = ("distance", "until", "from")


def _distance_values(data: Any, path: str = ""):
    """(key path, value) of every distance in a scenario dict (race, reference, drafting)."""
    if isinstance(data, dict):
        for k, v in data.items():
            key = (f"{path}, {k}" if " section " in path else f"{path}.{k}") if path else str(k)
            if k in _DISTANCE_KEYS and path.split(".")[-1:] != ["course"]:
                yield key, v
            else:
                yield from _distance_values(v, key)
    elif isinstance(data, list):
        for i, v in enumerate(data, start=1):  # 1-based, as in every drafting message
            yield from _distance_values(v, f"{path} section {i}")


def check_distances_have_units(data: dict[str, Any], *, where: str | None = None) -> None:
    """Refuse a distance written as a bare number in a scenario file or ``--set`` (issue 14:
    "42.195" is not silently 42.195 m).

    Raises
    ------
    ScenarioError
        Naming the key and the value, with the reading meant: "did you mean 42.195 km?".
    """
    for key, v in _distance_values(data):
        if isinstance(v, bool) or not isinstance(v, int | float) or v == 0:
            continue  # 0 (drafting from the start) is 0 in every unit
        guess = (f"{v:g} km" if v < 500 else f"{v:g} m")
        unit = guess.split()[1]
        name = key.rsplit(".", 1)[-1].rsplit(", ", 1)[-1]
        set_hint = ("" if " section " in key
                    else f" (in --set: '{key}=\"{v:g}{unit}\"')")
        raise ScenarioError(
            f"{key} {v:g} — a distance needs a unit: did you mean {guess}?",
            where=where,
            valid='a distance with its unit, "42.195km", "1500m", "3mi", or a race name: '
            '"marathon", "half", "10k", "mile"',
            fix=f'write {name} = "{v:g}{unit}"{set_hint}')


def _distances_with_units(data: Any) -> Any:
    """The dict with every distance (SI metres) written as "<metres>m" (exact round trip)."""
    if isinstance(data, dict):
        return {k: (f"{float(v)!r}m" if k in _DISTANCE_KEYS and isinstance(v, int | float)
                    and not isinstance(v, bool) and v != 0 else _distances_with_units(v))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_distances_with_units(v) for v in data]
    return data


def load_course(spec: CourseSpec, base_dir: str | Path = ".", *, key: str = "course") -> Course:
    """Build the Course a spec names: a preset, or a GPX file relative to ``base_dir``."""
    if spec.preset is not None:
        return preset(spec.preset)
    from paceline.io.gpx import read_gpx

    path = Path(spec.gpx)
    if not path.is_absolute():
        path = Path(base_dir) / path
    track, meta = read_gpx(path)
    course = Course.from_points(track.lat_deg, track.lon_deg, track.elevation_m,
                                name=path.stem, source=str(path), laps=spec.laps)
    # the reader's notes (e.g. a (0,0) point dropped, named by index) travel with the course
    # so that the interfaces show them; they were dropped here before (issue 13 review)
    notes = tuple(f"{key} {path.name}: {n}" for n in meta.get("notes", ()))
    return dataclasses.replace(course, notes=notes) if notes else course


def load_courses(scenario: Scenario, base_dir: str | Path = ".") -> tuple[Course, Course | None]:
    """The race course and the reference race's course (None without a reference)."""
    course = load_course(scenario.course, base_dir)
    ref = scenario.athlete.reference
    ref_course = load_course(ref.course, base_dir, key="athlete.reference.course") if ref else None
    return course, ref_course


def _strip_none(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip_none(x) for k, x in v.items() if x is not None}
    if isinstance(v, list | tuple):
        return [_strip_none(x) for x in v]
    return v


def scenario_to_toml(scenario: Scenario) -> str:
    """The scenario as TOML text that :func:`read_scenario` reads back to an equal Scenario.

    Values are written in SI (metres, seconds) under the input keys (``distance``, ``time``,
    ``until``, ``from``; distances as "<metres>m", since a bare number is refused);
    drafting sections are written as ``[[drafting.sections]]``.
    """
    import tomli_w

    data = _distances_with_units(_strip_none(scenario.model_dump(by_alias=True)))
    return tomli_w.dumps(data)
