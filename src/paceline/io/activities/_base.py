"""Canonical activity data returned by every reader: sample channels and metadata in SI."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from paceline.errors import InputFileError

__all__ = [
    "CHANNELS",
    "Lap",
    "ActivityMeta",
    "Activity",
    "NotAnActivityError",
    "read_bytes",
    "content_hash",
]

#: Canonical sample channels, in storage order. ``time_s`` is seconds since ``start_utc``.
CHANNELS = (
    "time_s",
    "distance_m",
    "speed_m_s",
    "heart_rate_bpm",
    "cadence_rpm",
    "altitude_m",
    "latitude_deg",
    "longitude_deg",
    "power_w",
)


class NotAnActivityError(InputFileError):
    """The file is valid but holds no activity (settings, monitoring, workout, route ...).

    The importer reports it as *skipped* with this message as the reason.
    """


@dataclass(frozen=True)
class Lap:
    """One lap: start [s since the activity start], distance [m], timer and elapsed time [s]."""

    start_s: float
    distance_m: float | None
    moving_time_s: float | None
    elapsed_time_s: float | None
    avg_heart_rate_bpm: float | None = None
    max_heart_rate_bpm: float | None = None
    avg_power_w: float | None = None


@dataclass(frozen=True)
class ActivityMeta:
    """Summary of one activity in SI units.

    ``moving_time_s`` is the device's timer time where the file has one (pauses excluded),
    else the time spent moving (see each reader); ``elapsed_time_s`` runs from start to end.
    ``utc_offset_s`` is the local time zone's offset from UTC at the start when the file says
    it (FIT ``activity.local_timestamp``, TCX/GPX never do), else ``None``.
    """

    sport: str
    start_utc: datetime
    distance_m: float | None
    moving_time_s: float | None
    elapsed_time_s: float | None
    source_format: str
    sub_sport: str | None = None
    utc_offset_s: int | None = None
    ascent_m: float | None = None
    avg_heart_rate_bpm: float | None = None
    max_heart_rate_bpm: float | None = None
    avg_power_w: float | None = None
    max_power_w: float | None = None
    device: str | None = None
    name: str | None = None
    notes: str | None = None
    decoder: str | None = None
    warnings: tuple[str, ...] = ()
    #: the sport as the file wrote it (``sport`` is the canonical name, see
    #: :mod:`paceline.io.activities.sports`)
    sport_raw: str | None = None


@dataclass(frozen=True, eq=False)
class Activity:
    """One activity: ``samples`` maps channel names (:data:`CHANNELS`) to float64 arrays of
    equal length (NaN where missing; absent channels are left out), ``laps`` and ``meta``.
    ``content_hash`` identifies the content (SHA-256 of the decompressed bytes, or of the
    row for hand-written logs) and makes imports idempotent. ``extra`` carries reader hints
    for the cleaning step (:mod:`paceline.io.activities.clean`): ``derived`` (the meta fields
    the reader computed from the samples: ``distance``, ``elapsed``, ``moving``, ``hr``, and
    ``distance_from_positions``) and ``fit_relative_clock``."""

    samples: dict[str, np.ndarray]
    meta: ActivityMeta
    laps: tuple[Lap, ...] = ()
    content_hash: str = ""
    source_file: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        t = self.samples.get("time_s")
        return 0 if t is None else int(t.size)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped if it is gzip (by magic number, whatever its name)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read file: {exc.strerror or exc}", where=str(path),
                             fix="check the path and permissions") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputFileError(f"corrupt gzip file: {exc}", where=str(path),
                                 fix="re-download or re-compress the file") from None
    return raw


def content_hash(raw: bytes) -> str:
    """SHA-256 hex digest of the (decompressed) content."""
    return hashlib.sha256(raw).hexdigest()
