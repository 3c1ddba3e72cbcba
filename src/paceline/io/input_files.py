"""Input files named on the command line: one check for "is it there, is it a file", and
what kind of TOML a file is when it is not the kind a command wants.

Every reader (scenario, athlete, venue, roster, ...) calls :func:`require_file`, so that a
folder given for a file says it is a folder, names files in it that fit, and the fix; and
:func:`toml_kind` lets a reader say "this looks like a venue file" in one line rather than
listing every table of the wrong file as an unknown key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from paceline.errors import InputFileError

__all__ = ["require_file", "read_toml", "parse_toml", "toml_kind", "is_scenario_data",
           "scenario_files_in"]


def require_file(path: str | Path, what: str, *, fix: str,
                 in_folder: Callable[[Path], list[str]] | None = None) -> Path:
    """The path, if it is a file; else :class:`InputFileError` (exit 2).

    Parameters
    ----------
    path : str or Path
        What the user gave.
    what : str
        The kind of file, as people say it: "scenario file", "athlete file".
    fix : str
        How to get a right one (a path to a bundled example, the command that writes one).
    in_folder : callable, optional
        For a folder: the names of the files in it that would do (offered as "Valid:").

    Raises
    ------
    InputFileError
        "this is a folder, not a scenario file" or "scenario file not found".
    """
    p = Path(path)
    a = "an" if what[:1] in "aeiou" else "a"
    if p.is_dir():
        names = in_folder(p) if in_folder is not None else []
        raise InputFileError(
            f"this is a directory, not {a} {what}"
            + ("" if names else f" (it holds no {what})"),
            where=str(p), valid=", ".join(names[:8]) if names else None,
            fix=(f"give one of these, e.g. {p / names[0]}" if names else fix))
    if not p.exists():
        raise InputFileError(f"{what} not found", where=str(p), fix=fix)
    if not p.is_file():
        raise InputFileError(f"not a regular file, so not {a} {what}", where=str(p), fix=fix)
    return p


def read_toml(p: Path, what: str, *, fix: str) -> dict[str, Any]:
    """The TOML mapping in a file, or :class:`InputFileError` (exit 2) naming what is wrong:
    not UTF-8 text, a JSON file (``plan.json``, ``crew_plan.json``), or a TOML syntax error at
    its line and column. ``what`` is the kind of file wanted ("scenario file"); ``fix`` how to
    get one (it is the fix of the first two errors)."""
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFileError("not a UTF-8 text file", where=str(p), fix=fix) from None
    return parse_toml(p, text, what, fix=fix)


def parse_toml(p: Path, text: str, what: str, *, fix: str) -> dict[str, Any]:
    """:func:`read_toml` for text already read from ``p``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if text.lstrip()[:1] in ("{", "["):
            import json

            try:
                json.loads(text)
            except ValueError:
                pass
            else:
                raise InputFileError(f"this is a JSON file, not a TOML {what}", where=str(p),
                                     fix=fix) from None
        raise InputFileError(f"not valid TOML: {exc}", where=str(p),
                             fix="correct the TOML syntax at the line named") from None


#: (tables or keys that mark it, what the file is, what reads it) — first match wins
_KINDS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"candidate"}), "a venue file (paceline venue)"),
    (frozenset({"window", "start_hours"}), "a venue file (paceline venue)"),
    (frozenset({"runner"}), "a formation file (paceline formation show)"),
    (frozenset({"pacer"}), "a roster (crew plan --roster)"),
    (frozenset({"race"}), "a validation set's races.toml (paceline validate)"),
    (frozenset({"build-system", "project", "tool"}), "a Python project file (pyproject.toml)"),
)


def is_scenario_data(data: dict[str, Any]) -> bool:
    """Whether a TOML mapping has a scenario's own tables ([athlete], [race], [conditions])."""
    return any(isinstance(data.get(k), dict) for k in ("athlete", "race", "conditions"))


def toml_kind(data: dict[str, Any]) -> str | None:
    """What a TOML mapping that is not a scenario looks like ("a venue file (paceline
    venue)"), or None when it looks like nothing paceline reads."""
    keys = set(data)
    if keys == {"athlete"}:
        return "an athlete file (paceline log profile; give it with --athlete)"
    for marks, kind in _KINDS:
        if kind.startswith("a validation") and not isinstance(data.get("race"), list):
            continue
        if keys & marks:
            return kind
    return None


def scenario_files_in(folder: Path) -> list[str]:
    """Names of the scenario TOML files in a folder (files with [athlete] and [race]),
    sorted: what a folder given as a scenario offers instead."""
    names = []
    for f in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(data.get("athlete"), dict) and isinstance(data.get("race"), dict):
            names.append(f.name)
    return names
