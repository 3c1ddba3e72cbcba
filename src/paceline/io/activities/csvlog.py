"""Hand-written training logs as CSV: one workout per row.

Header (case-insensitive, any order): ``date, type, distance, time`` and optional ``notes``.
``date`` is ISO (``2024-03-01`` or ``2024-03-01T07:30``; a date alone is taken as 00:00 UTC,
the time of day being unknown), ``distance`` and ``time`` in human forms read by
:mod:`paceline.units` ("10k", "12.5 km", "marathon"; "45:10", "1:02:03"). Each row is its own
activity with its own content hash (file name excluded), so re-importing the file, or the same
rows in another file, adds nothing twice. A bad row fails the whole file.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from paceline.errors import InputFileError, UnitError
from paceline.io.activities._base import (
    Activity,
    ActivityMeta,
    NotAnActivityError,
    content_hash,
)
from paceline.units import parse_distance_m, parse_duration_s

__all__ = ["read_log_csv", "CSV_COLUMNS"]

CSV_COLUMNS = ("date", "type", "distance", "time", "notes")


def read_log_csv(path: str | Path, raw: bytes) -> list[Activity]:
    """Read a hand-written log; returns one :class:`Activity` (no samples) per row."""
    where = str(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError("CSV log is not UTF-8 text", where=where,
                             fix="save the file as UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text))
    cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    missing = [c for c in CSV_COLUMNS[:4] if c not in cols]
    if missing:
        raise NotAnActivityError(f"not a training-log CSV: no column(s) {', '.join(missing)}",
                                 where=where,
                                 value=list(cols), valid=", ".join(CSV_COLUMNS),
                                 fix="a hand-written log needs the header "
                                     "date,type,distance,time,notes")
    out = []
    for i, row in enumerate(reader, start=2):
        cell = {k: (row.get(orig) or "").strip() for k, orig in cols.items()}
        if not any(cell.values()):
            continue
        at = f"{where}, line {i}"
        try:
            d = datetime.fromisoformat(cell["date"])
        except ValueError:
            raise InputFileError("bad date", where=at, value=cell["date"],
                                 fix="write dates as YYYY-MM-DD") from None
        d = d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)
        try:
            dist = parse_distance_m(cell["distance"], where=f"{at}: distance") \
                if cell["distance"] else None
            dur = parse_duration_s(cell["time"], where=f"{at}: time") if cell["time"] else None
        except UnitError as exc:
            raise InputFileError(str(exc), fix="e.g. distance 10k or 12.5km, time 45:10") \
                from None
        key = "|".join([d.isoformat(), cell["type"].lower(), str(dist), str(dur),
                        cell.get("notes", "")])
        meta = ActivityMeta(sport=cell["type"], start_utc=d,
                            distance_m=dist, moving_time_s=dur, elapsed_time_s=dur,
                            source_format="csv", notes=cell.get("notes") or None)
        out.append(Activity(samples={}, meta=meta, content_hash=content_hash(
            b"csv-row|" + key.encode()), source_file=Path(path).name))
    if not out:
        raise InputFileError("CSV log has no rows", where=where,
                             fix="add one line per workout under the header")
    return out
