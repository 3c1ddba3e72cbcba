"""Sport names and codes → one canonical sport, from a data table with sources.

``src/paceline/data/sports.csv`` maps every name or code seen in files (FIT enums, TCX
``Sport`` attributes, Strava's types and its numeric GPX ``<type>`` codes, names in other
languages) to a canonical sport (FIT profile names: ``running``, ``cycling``, ``swimming`` …),
each row with its source. Matching ignores case, spaces, ``-`` and ``_`` around words.
A name not in the table, or no name at all, is ``unknown``: kept with the raw name, never
guessed, and fixable by the user (``paceline log edit ID --sport running``).
``sport_speeds.csv`` gives the fastest plausible speed per sport (position cleaning).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from paceline.errors import InputFileError

__all__ = ["UNKNOWN", "canonical_sport", "sport_names", "parse_sport", "max_speed_m_s",
           "RUNNING_SPORTS"]

UNKNOWN = "unknown"
#: Canonical sports scored against a *running* threshold speed (speed-based load, bests).
RUNNING_SPORTS = ("running",)


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


@cache
def _table() -> dict[str, str]:
    text = resources.files("paceline").joinpath("data", "sports.csv").read_text("utf-8")
    return {_key(r["name"]): r["sport"] for r in csv.DictReader(text.splitlines())}


@cache
def _speeds() -> dict[str, float]:
    text = resources.files("paceline").joinpath("data", "sport_speeds.csv").read_text("utf-8")
    return {r["sport"]: float(r["max_speed_m_s"]) for r in csv.DictReader(text.splitlines())}


def sport_names() -> list[str]:
    """The canonical sports (sorted)."""
    return sorted(set(_table().values()))


def canonical_sport(raw: str | None) -> str:
    """The canonical sport of a name/code found in a file; ``"unknown"`` if none or unmapped.

    >>> canonical_sport("9"), canonical_sport("Run"), canonical_sport(None)
    ('running', 'running', 'unknown')
    """
    if raw is None or not str(raw).strip():
        return UNKNOWN
    return _table().get(_key(str(raw)), UNKNOWN)


def parse_sport(text: str, *, where: str = "--sport") -> str:
    """A sport the *user* names (any name of the table); unknown names are refused.

    Raises
    ------
    InputFileError
        The name is not in the table; the message lists the canonical sports.
    """
    s = canonical_sport(text)
    if s == UNKNOWN and _key(text) != UNKNOWN:
        raise InputFileError("unknown sport", where=where, value=text,
                             valid=", ".join(sport_names()),
                             fix="give one of the sports listed (or a name/code from "
                                 "src/paceline/data/sports.csv)")
    return s


def max_speed_m_s(sport: str) -> float:
    """Fastest plausible speed [m/s] for the sport (``sport_speeds.csv``), default unknown's."""
    sp = _speeds()
    return sp.get(sport, sp[UNKNOWN])
