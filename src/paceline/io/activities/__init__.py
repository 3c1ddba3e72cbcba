"""Activity readers: FIT (fitfast fast path, fitdecode reference), GPX, TCX, CSV logs, gzip.

Every reader returns canonical sample channels (:data:`CHANNELS`, SI units, ``time_s`` since the
start) and an :class:`ActivityMeta`; problems raise :class:`paceline.errors.InputFileError`
naming the file and the fix, and files that are valid but hold no workout raise
:class:`NotAnActivityError` (reported as *skipped*).
"""

from __future__ import annotations

from pathlib import Path

from paceline.errors import InputFileError, PacelineError
from paceline.io.activities._base import (
    CHANNELS,
    Activity,
    ActivityMeta,
    Lap,
    NotAnActivityError,
    content_hash,
    read_bytes,
)
from paceline.io.activities.clean import clean_activity
from paceline.io.activities.csvlog import read_log_csv
from paceline.io.activities.fit import (
    decode_fit_messages,
    fit_activities,
    fit_activity,
    read_fit,
)
from paceline.io.activities.gpx import read_gpx_activity
from paceline.io.activities.tcx import read_tcx

__all__ = [
    "CHANNELS",
    "Activity",
    "ActivityMeta",
    "Lap",
    "NotAnActivityError",
    "SUFFIXES",
    "read_activities",
    "read_fit",
    "read_gpx_activity",
    "read_tcx",
    "read_log_csv",
    "decode_fit_messages",
    "fit_activity",
    "fit_activities",
    "content_hash",
    "is_activity_file",
]

#: File name endings the importer picks up in folders (each optionally followed by ``.gz``).
SUFFIXES = (".fit", ".gpx", ".tcx", ".csv")


def _kind(path: Path, raw: bytes) -> str | None:
    if len(raw) >= 12 and raw[8:12] == b".FIT":
        return ".fit"
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return next((s for s in SUFFIXES if name.endswith(s)), None)


def is_activity_file(path: Path) -> bool:
    """Whether a folder scan should pick this file (by name: .fit/.gpx/.tcx/.csv[.gz])."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(SUFFIXES) and not path.name.startswith(".")


def read_activities(path: str | Path, *, fit_decoder: str = "auto") -> list[Activity]:
    """Read any supported file (gzip'd or not) into a list of activities.

    FIT, GPX and TCX files give one activity; a CSV log gives one per row. Every activity is
    cleaned (:func:`~paceline.io.activities.clean.clean_activity`, rules in docs/log.md).
    """
    path = Path(path)
    try:
        return [clean_activity(a) for a in _read_raw(path, fit_decoder)]
    except PacelineError:
        raise
    except Exception as exc:  # noqa: BLE001 - a library tripping on absurd content
        raise InputFileError(f"could not read the file: {type(exc).__name__}: {exc}",
                             where=str(path),
                             fix="the file is corrupt or holds impossible values; export it "
                                 "again") from None


def _read_raw(path: Path, fit_decoder: str) -> list[Activity]:
    raw = read_bytes(path)
    kind = _kind(path, raw)
    if kind == ".fit" or (kind is None and len(raw) == 0 and path.suffix.lower() == ".fit"):
        return fit_activities(path, raw, decoder=fit_decoder)
    if len(raw) == 0:
        raise InputFileError("empty file (0 bytes)", where=str(path),
                             fix="copy the file again from the device or service")
    if kind == ".gpx":
        return [read_gpx_activity(path, raw)]
    if kind == ".tcx":
        return [read_tcx(path, raw)]
    if kind == ".csv":
        return read_log_csv(path, raw)
    raise NotAnActivityError("not an activity file type", where=str(path),
                             valid=", ".join(SUFFIXES) + " (optionally .gz)",
                             fix="convert the file to FIT, GPX or TCX")
