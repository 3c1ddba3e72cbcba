"""Import activity files into the training log: parallel decoding, one transaction per file.

1. Paths are expanded (folders recursively: ``.fit .gpx .tcx .csv``, optionally ``.gz``).
2. Files are decoded and *prepared* (streams encoded, best efforts, HR histogram, Σv²Δt) in a
   :class:`~concurrent.futures.ProcessPoolExecutor` over the available cores; a worker never
   touches the database.
3. The main process writes each file in **one transaction**: every activity of the file, its
   laps, stream and best efforts, or nothing. A content hash already in the log makes the
   activity a *duplicate* (never stored twice; the UNIQUE constraint backs the check).
4. The summary lists each file as imported, duplicate, skipped (valid but not a workout) or
   failed (corrupt/unreadable), with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from paceline.errors import InputFileError, PacelineError
from paceline.io.activities import (
    SUFFIXES,
    Activity,
    NotAnActivityError,
    is_activity_file,
    read_activities,
)
from paceline.io.activities.clean import GAP_FACTOR, moving_weights
from paceline.models.load import best_effort_times_s
from paceline.store.codec import encode_streams
from paceline.store.schema import ActivityRow, BestEffortRow, LapRow, StreamRow

__all__ = ["EFFORT_DISTANCES_M", "ImportSummary", "FileOutcome", "expand_paths", "check_paths",
           "prepare_file",
           "import_paths", "GAP_FACTOR"]

#: Best-effort distances precomputed per activity [m]: 400 m … marathon.
EFFORT_DISTANCES_M = (400.0, 800.0, 1000.0, 1500.0, 1609.344, 3000.0, 5000.0, 10000.0,
                      15000.0, 21097.5, 30000.0, 42195.0)


@dataclass(frozen=True)
class FileOutcome:
    file: str
    status: str  # imported | duplicate | skipped | failed
    reason: str | None = None
    activity_ids: tuple[int, ...] = ()
    #: warnings stored with the file's new activities (cleaning at import, docs/log.md)
    warnings: tuple[str, ...] = ()


@dataclass
class ImportSummary:
    """Outcome of an import, file by file."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    def _of(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[FileOutcome]:
        return self._of("imported")

    @property
    def duplicate(self) -> list[FileOutcome]:
        return self._of("duplicate")

    @property
    def skipped(self) -> list[FileOutcome]:
        return self._of("skipped")

    @property
    def failed(self) -> list[FileOutcome]:
        return self._of("failed")

    @property
    def n_warnings(self) -> int:
        """Warnings stored with the activities imported."""
        return sum(len(o.warnings) for o in self.outcomes)

    def as_json(self) -> dict:
        """``{imported, duplicate, skipped, failed}``: lists of ``{file, reason?}``."""
        def item(o: FileOutcome) -> dict:
            d: dict = {"file": o.file}
            if o.reason is not None:
                d["reason"] = o.reason
            if o.activity_ids:
                d["ids"] = list(o.activity_ids)
            if o.warnings:
                d["warnings"] = list(o.warnings)
            return d
        return {k: [item(o) for o in self._of(k)]
                for k in ("imported", "duplicate", "skipped", "failed")}


@dataclass(frozen=True)
class Prepared:
    """An activity ready to write (built in a worker process)."""

    activity: Activity  # samples dropped (they travel encoded in ``stream``)
    n_samples: int
    stream: bytes | None
    efforts: tuple[tuple[float, float], ...]
    hr_histogram: bytes | None
    speed2_dt_m2_s: float | None


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus activity files found recursively in folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and is_activity_file(f)))
        else:
            out.append(p)
    return out


def check_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files :func:`import_paths` would read, refusing a call that would import nothing.

    Raises
    ------
    InputFileError
        A path does not exist, or the paths are only folders holding no activity file (empty,
        or only e.g. readme.txt): "imported 0" and exit 0 would hide a wrong folder.
    """
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise InputFileError("no such file or folder", where=str(p), fix="check the path")
    files = expand_paths(paths)
    if not files and paths:
        names = ", ".join(str(p) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        raise InputFileError(
            f"no {'/'.join(SUFFIXES)} files found in {names} (nor their .gz)", where="PATHS",
            fix="give the folder your watch or website exported the activities to, or the "
                "files themselves")
    return files


def _weights(t: np.ndarray) -> np.ndarray:
    return moving_weights(t)


#: Sports whose best efforts are held against the running world records (on foot, or not
#: known: an unknown-sport file may be edited to running later).
RECORD_CHECKED_SPORTS = frozenset({"running", "trail_running", "treadmill_running", "walking",
                                   "hiking", "unknown", "generic", "other"})


def plausible_efforts(efforts, sport: str | None
                      ) -> tuple[tuple[tuple[float, float], ...], list[str]]:
    """Best efforts ``(distance_m, time_s)`` with those faster than the world record for
    their distance dropped (paceline.units.fastest_time_s, data/world_records.csv), and one
    warning per dropped effort. Sports outside :data:`RECORD_CHECKED_SPORTS` pass unchanged."""
    from paceline.units import fastest_time_s

    if sport is not None and sport not in RECORD_CHECKED_SPORTS:
        return tuple(efforts), []
    kept, notes = [], []
    for d, t in efforts:
        wr = fastest_time_s(d)
        if t < wr:
            notes.append(f"best effort {d:g} m in {t:.1f} s dropped: faster than the world "
                         f"record ({wr:.1f} s); a GPS fault, or not "
                         + (sport if sport and sport != "unknown" else "on foot"))
        else:
            kept.append((d, t))
    return tuple(kept), notes


def prepare(activity: Activity) -> Prepared:
    s = activity.samples
    t = s.get("time_s")
    bare = replace(activity, samples={})
    if t is None or t.size == 0:
        return Prepared(bare, 0, None, (), None, None)
    w = _weights(t)
    hist = None
    if "heart_rate_bpm" in s:
        hr = np.round(s["heart_rate_bpm"])
        ok = np.isfinite(hr) & (hr >= 0) & (hr < 256)
        h = np.bincount(hr[ok].astype(int), weights=w[ok], minlength=256)
        hist = np.round(h).astype("<u4").tobytes()
    speed = s.get("speed_m_s")
    if speed is None and "distance_m" in s and t.size > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = np.append(np.diff(s["distance_m"]) / np.diff(t), np.nan)
    s2 = None
    if speed is not None:
        ok = np.isfinite(speed)
        s2 = float(np.sum(speed[ok] ** 2 * w[ok])) if ok.any() else None
    efforts: tuple[tuple[float, float], ...] = ()
    if "distance_m" in s:
        best = best_effort_times_s(t, s["distance_m"], EFFORT_DISTANCES_M)
        efforts = tuple((d, float(b)) for d, b in zip(EFFORT_DISTANCES_M, best, strict=True)
                        if np.isfinite(b) and b > 0)
        efforts, notes = plausible_efforts(efforts, activity.meta.sport)
        if notes:
            bare = replace(bare, meta=replace(bare.meta,
                                              warnings=bare.meta.warnings + tuple(notes)))
    return Prepared(bare, int(t.size), encode_streams(s), efforts, hist, s2)


def prepare_file(path: str | Path, fit_decoder: str = "auto"
                 ) -> tuple[str, str, str | None, list[Prepared]]:
    """Decode and prepare one file: ``(file, status, reason, prepared)``; never raises for
    bad input (status ``skipped``/``failed`` with the reason)."""
    name = str(path)
    try:
        acts = read_activities(path, fit_decoder=fit_decoder)
        return name, "ok", None, [prepare(a) for a in acts]
    except NotAnActivityError as exc:
        return name, "skipped", str(exc), []
    except PacelineError as exc:
        return name, "failed", str(exc), []
    except Exception as exc:  # a decoder bug must not stop the batch
        return name, "failed", f"{type(exc).__name__}: {exc}", []


#: Two recordings are one activity (a watch's FIT and the GPX a website made from it, two
#: devices worn at once) when they start within DUPLICATE_START_S of each other and their
#: distances differ by at most DUPLICATE_DISTANCE_FRAC (or, without distances, their elapsed
#: times). Stated assumption, docs/log.md.
DUPLICATE_START_S = 120.0
DUPLICATE_DISTANCE_FRAC = 0.03
#: Which recording of a duplicate pair stays primary: the richer format (ties: the first).
_FORMAT_RANK = {"fit": 3, "tcx": 2, "gpx": 1, "csv": 0}


def _same(x: float | None, y: float | None) -> bool | None:
    if x is None or y is None or not (x > 0 and y > 0):
        return None
    return abs(x - y) <= DUPLICATE_DISTANCE_FRAC * max(x, y)


def _find_duplicate(session, athlete_id: int, m) -> ActivityRow | None:
    """The primary activity that ``m`` is a second recording of, if any."""
    start = m.start_utc.astimezone(UTC).replace(tzinfo=None)
    window = timedelta(seconds=DUPLICATE_START_S)
    cands = session.scalars(select(ActivityRow).where(
        ActivityRow.athlete_id == athlete_id, ActivityRow.duplicate_of.is_(None),
        ActivityRow.start_utc >= start - window, ActivityRow.start_utc <= start + window))
    for c in cands:
        same = _same(c.distance_m, m.distance_m)
        if same is None:
            same = _same(c.elapsed_time_s, m.elapsed_time_s)
        if same:
            return c
    return None


def _write(session, athlete_id: int, p: Prepared) -> tuple[int, int | None] | None:
    """Write one activity; ``None`` if its content is already in the log, else
    ``(id, primary_id)`` where ``primary_id`` is the activity it duplicates (or None)."""
    a, m = p.activity, p.activity.meta
    exists = session.scalar(select(ActivityRow.id).where(ActivityRow.content_hash ==
                                                          a.content_hash))
    if exists is not None:
        return None
    dup = _find_duplicate(session, athlete_id, m)
    row = ActivityRow(
        athlete_id=athlete_id, start_utc=m.start_utc.astimezone(UTC).replace(tzinfo=None),
        utc_offset_s=m.utc_offset_s, sport=m.sport[:40],
        sport_raw=None if m.sport_raw is None else m.sport_raw[:60], sub_sport=m.sub_sport,
        name=m.name, distance_m=m.distance_m, moving_time_s=m.moving_time_s,
        elapsed_time_s=m.elapsed_time_s, ascent_m=m.ascent_m,
        avg_heart_rate_bpm=m.avg_heart_rate_bpm, max_heart_rate_bpm=m.max_heart_rate_bpm,
        avg_power_w=m.avg_power_w, max_power_w=m.max_power_w,
        device=None if m.device is None else str(m.device)[:200],
        source_file=a.source_file[:500], source_format=m.source_format, decoder=m.decoder,
        content_hash=a.content_hash, n_samples=p.n_samples, hr_histogram=p.hr_histogram,
        speed2_dt_m2_s=p.speed2_dt_m2_s, notes=m.notes,
        warnings="\n".join(m.warnings) or None,
        imported_utc=datetime.now(UTC).replace(tzinfo=None))
    row.laps = [LapRow(index=i, start_s=lp.start_s, distance_m=lp.distance_m,
                       moving_time_s=lp.moving_time_s, elapsed_time_s=lp.elapsed_time_s,
                       avg_heart_rate_bpm=lp.avg_heart_rate_bpm,
                       max_heart_rate_bpm=lp.max_heart_rate_bpm, avg_power_w=lp.avg_power_w)
                for i, lp in enumerate(a.laps)]
    session.add(row)
    session.flush()
    if p.stream is not None:
        session.add(StreamRow(activity_id=row.id, codec="PLS1", data=p.stream))
    session.add_all([BestEffortRow(activity_id=row.id, distance_m=d, time_s=t)
                     for d, t in p.efforts])
    primary = None
    if dup is not None:
        if _FORMAT_RANK.get(m.source_format, 0) > _FORMAT_RANK.get(dup.source_format, 0):
            # the new recording is richer: it becomes the primary, the old one is linked
            session.execute(update(ActivityRow).where(ActivityRow.duplicate_of == dup.id)
                            .values(duplicate_of=row.id))
            dup.duplicate_of = row.id
            primary = row.id
        else:
            row.duplicate_of = dup.id
            primary = dup.id
    session.flush()
    return row.id, primary


def write_file(log, name: str, prepared: list[Prepared], athlete_id: int) -> FileOutcome:
    """Write one file's activities in one transaction (all or nothing)."""
    ids: list[int] = []
    linked: list[str] = []
    dups = 0
    try:
        with log.Session.begin() as session:
            for p in prepared:
                new = _write(session, athlete_id, p)
                if new is None:
                    dups += 1
                else:
                    ids.append(new[0])
                    if new[1] == new[0]:
                        linked.append(f"#{new[0]} (richer format) is primary, the earlier "
                                      "recording is linked to it")
                    elif new[1] is not None:
                        linked.append(f"#{new[0]} linked to #{new[1]}")
    except IntegrityError:
        return FileOutcome(name, "duplicate", "same content already in the log (concurrent "
                                              "import)")
    except (SQLAlchemyError, ValueError) as exc:
        return FileOutcome(name, "failed", f"database write failed, nothing kept: {exc}")
    if not ids:
        return FileOutcome(name, "duplicate", "same content already in the log")
    reason = f"{dups} of {len(prepared)} rows were already in the log" if dups else None
    if linked:
        note = ("same activity as one already in the log from another source (start within "
                f"{DUPLICATE_START_S:.0f} s, distance within {DUPLICATE_DISTANCE_FRAC:.0%}): "
                f"kept once, linked: {', '.join(linked)}")
        reason = note if reason is None else f"{reason}; {note}"
    warns = tuple(w for p in prepared for w in p.activity.meta.warnings)
    if linked and sum(" linked to #" in x for x in linked) == len(ids):
        return FileOutcome(name, "duplicate", reason, tuple(ids), warns)
    return FileOutcome(name, "imported", reason, tuple(ids), warns)


def import_paths(log, paths: Iterable[str | Path], *, athlete: str = "default",
                 workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 fit_decoder: str = "auto") -> ImportSummary:
    """Import files and folders into ``log`` (a :class:`paceline.store.TrainingLog`).

    Parameters
    ----------
    workers : int, optional
        Decoding processes; default the available cores; 1 decodes in this process.
    progress : callable(done, total), optional
        Called after each file is written.
    """
    files = check_paths(paths)
    summary = ImportSummary()
    athlete_id = log.athlete_id(athlete)
    total = len(files)
    n_workers = workers or len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (workers or os.cpu_count() or 1)
    n_workers = max(1, min(n_workers, total or 1))

    def consume(results: Iterable[tuple[str, str, str | None, list[Prepared]]]) -> None:
        for done, (name, status, reason, prepared) in enumerate(results, start=1):
            if status == "ok":
                summary.outcomes.append(write_file(log, name, prepared, athlete_id))
            else:
                summary.outcomes.append(FileOutcome(name, status, reason))
            if progress is not None:
                progress(done, total)

    if n_workers == 1:
        consume(prepare_file(f, fit_decoder) for f in files)
    else:
        chunk = max(1, min(16, total // (n_workers * 4)))
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            consume(pool.map(prepare_file, files, [fit_decoder] * total, chunksize=chunk))
    return summary
