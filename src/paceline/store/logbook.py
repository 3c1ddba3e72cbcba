"""The training log: a thin facade over the database (queries return plain data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Engine, and_, case, delete, extract, func, insert, select

from paceline.errors import InputFileError
from paceline.store.codec import decode_streams
from paceline.store.db import open_engine, session_factory
from paceline.store.tables import activities, athletes, best_efforts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from paceline.store.schema import ActivityRow

# Reads (fitness, list, bests, stats, the web log) are SQLAlchemy Core queries on the tables of
# paceline.store.tables; the methods that edit rows or walk relationships import the ORM
# classes (paceline.store.schema, ~0.1 s with sqlalchemy.orm) when called.
_A = activities.c
_B = best_efforts.c

__all__ = ["TrainingLog", "ActivitySummary", "LIST_FIELDS", "SORT_KEYS"]

LIST_FIELDS = ("id", "start_utc", "sport", "distance_m", "moving_time_s", "elapsed_time_s")
#: What :meth:`TrainingLog.page_activities` sorts by ("pace": moving time per metre).
SORT_KEYS = ("start_utc", "sport", "distance_m", "moving_time_s", "pace")


@dataclass(frozen=True)
class ActivitySummary:
    id: int
    start_utc: datetime
    sport: str
    distance_m: float | None
    moving_time_s: float | None
    elapsed_time_s: float | None

    def as_json(self) -> dict:
        return {"id": self.id, "start_utc": self.start_utc.replace(tzinfo=UTC).isoformat(),
                "sport": self.sport, "distance_m": self.distance_m,
                "moving_time_s": self.moving_time_s, "elapsed_time_s": self.elapsed_time_s}


def _naive_utc(t: datetime | date | None) -> datetime | None:
    if t is None:
        return None
    if not isinstance(t, datetime):
        t = datetime(t.year, t.month, t.day)
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


class TrainingLog:
    """A training log in a database (``url``: SQLAlchemy URL; default SQLite file).

    Open with ``TrainingLog(url)``; the schema is migrated on open. Use as a context manager
    or call :meth:`close`.
    """

    def __init__(self, url: str | None = None, *, schema: str | None = None,
                 engine: Engine | None = None, create: bool = True) -> None:
        self.engine = engine or open_engine(url, schema=schema, create=create)

    @cached_property
    def Session(self) -> sessionmaker[Session]:  # noqa: N802 - a session class, as ORM code names it
        """ORM sessions on the log (made on first use: reads need none)."""
        return session_factory(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> TrainingLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # athletes -----------------------------------------------------------------------------
    def athlete_id(self, name: str = "default") -> int:
        """The athlete's id; the athlete is added to the log if new."""
        with self.engine.begin() as c:
            aid = c.scalar(select(athletes.c.id).where(athletes.c.name == name))
            if aid is None:
                aid = c.execute(insert(athletes).values(name=name)).inserted_primary_key[0]
            return aid

    def athlete(self, name: str = "default") -> dict:
        cols = ("id", "name", "sex", "mass_kg", "height_m", "hr_rest_bpm", "hr_max_bpm",
                "threshold_speed_m_s")
        aid = self.athlete_id(name)
        with self.engine.connect() as c:
            row = c.execute(select(*(athletes.c[k] for k in cols))
                            .where(athletes.c.id == aid)).one()
        return dict(zip(cols, row, strict=True))

    def update_athlete(self, name: str = "default", **fields) -> None:
        from paceline.store.schema import AthleteRow

        aid = self.athlete_id(name)
        with self.Session.begin() as s:
            a = s.get(AthleteRow, aid)
            for k, v in fields.items():
                if v is not None:
                    setattr(a, k, v)

    # activities ---------------------------------------------------------------------------
    def _filtered(self, q, since, until, sport):
        q = q.where(_A.duplicate_of.is_(None))  # second recordings: linked, not counted
        if since is not None:
            q = q.where(_A.start_utc >= _naive_utc(since))
        if until is not None:
            q = q.where(_A.start_utc < _naive_utc(until))
        if sport:
            q = q.where(_A.sport == sport)
        return q

    def list_activities(self, *, since=None, until=None, sport: str | None = None,
                        limit: int | None = None) -> list[ActivitySummary]:
        cols = [getattr(_A, f) for f in LIST_FIELDS]
        q = self._filtered(select(*cols), since, until, sport).order_by(
            _A.start_utc, _A.id)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as c:
            return [ActivitySummary(*r) for r in c.execute(q)]

    def page_activities(self, *, since=None, until=None, sport: str | None = None,
                        sort: str = "start_utc", descending: bool = True, limit: int = 100,
                        offset: int = 0) -> tuple[list[ActivitySummary], int]:
        """One page of activities sorted in SQL, and how many match the filters.

        ``sort``: one of :data:`SORT_KEYS`; activities without the value (no distance, no
        time) come last in either order; ties by start, newest first. Two queries whatever
        the log's size (a 20-year log of 8,000 activities: a few ms on SQLite).
        Raises ValueError for an unknown ``sort``."""
        if sort not in SORT_KEYS:
            raise ValueError(f"sort={sort!r}: one of {', '.join(SORT_KEYS)}")
        if sort == "pace":
            key = case((and_(_A.distance_m > 0, _A.moving_time_s > 0),
                        _A.moving_time_s / _A.distance_m), else_=None)
        else:
            key = getattr(_A, sort)
        cols = [getattr(_A, f) for f in LIST_FIELDS]
        q = self._filtered(select(*cols), since, until, sport).order_by(
            key.is_(None), key.desc() if descending else key.asc(),
            _A.start_utc.desc(), _A.id.desc()).limit(limit).offset(offset)
        n = self._filtered(select(func.count(_A.id)), since, until, sport)
        with self.engine.connect() as c:
            return [ActivitySummary(*r) for r in c.execute(q)], int(c.scalar(n))

    def sports(self) -> list[str]:
        """The sports in the log (second recordings left out), sorted."""
        q = self._filtered(select(_A.sport).distinct(), None, None, None)
        with self.engine.connect() as c:
            return sorted(r[0] for r in c.execute(q))

    def count(self) -> int:
        with self.engine.connect() as c:
            return int(c.scalar(select(func.count(_A.id))))

    def _row(self, s, activity_id: int) -> ActivityRow:
        from paceline.store.schema import ActivityRow

        row = s.get(ActivityRow, activity_id)
        if row is None:
            raise InputFileError("no such activity", where="ID", value=activity_id,
                                 fix="see `paceline log list` for the ids")
        return row

    def get(self, activity_id: int) -> dict:
        """Every stored field of an activity, its laps, tags and best efforts."""
        from paceline.store.schema import ActivityRow, ActivityTagRow, BestEffortRow, TagRow

        with self.Session() as s:
            r = self._row(s, activity_id)
            d = {c.key: getattr(r, c.key) for c in ActivityRow.__mapper__.column_attrs
                 if c.key != "hr_histogram"}
            d["start_utc"] = r.start_utc.replace(tzinfo=UTC).isoformat()
            d["imported_utc"] = r.imported_utc.replace(tzinfo=UTC).isoformat()
            d["laps"] = [{"index": lp.index, "start_s": lp.start_s,
                          "distance_m": lp.distance_m, "moving_time_s": lp.moving_time_s,
                          "elapsed_time_s": lp.elapsed_time_s,
                          "avg_heart_rate_bpm": lp.avg_heart_rate_bpm} for lp in r.laps]
            d["best_efforts"] = [
                {"distance_m": e.distance_m, "time_s": e.time_s}
                for e in s.scalars(select(BestEffortRow).where(
                    BestEffortRow.activity_id == activity_id).order_by(
                    BestEffortRow.distance_m))]
            d["tags"] = list(s.scalars(select(TagRow.name).join(
                ActivityTagRow, ActivityTagRow.tag_id == TagRow.id).where(
                ActivityTagRow.activity_id == activity_id)))
            return d

    def streams(self, activity_id: int, channels: tuple[str, ...] | None = None
                ) -> dict[str, np.ndarray]:
        from paceline.store.schema import StreamRow

        with self.Session() as s:
            self._row(s, activity_id)
            blob = s.scalar(select(StreamRow.data).where(StreamRow.activity_id == activity_id))
        return {} if blob is None else decode_streams(blob, channels)

    def edit(self, activity_id: int, *, sport: str | None = None) -> dict:
        """Change what the user knows better than the file: the canonical ``sport`` (validated
        against data/sports.csv; ``sport_raw`` keeps the file's own name). Returns the row."""
        from paceline.io.activities.sports import parse_sport

        with self.Session.begin() as s:
            row = self._row(s, activity_id)
            if sport is not None and parse_sport(sport) != row.sport:
                row.sport = parse_sport(sport)
                self._recompute_bests(s, row)
        return self.get(activity_id)

    def _recompute_bests(self, s, row) -> None:
        """Best efforts again from the stored streams, held against the new sport's world
        records. The stored streams were cleaned under the old sport's limits (the raw points
        are not kept, so positions cannot be re-cleaned): a best faster than the record is
        dropped with a warning rather than kept. Load is scored per sport at query time."""
        from paceline.models.load import best_effort_times_s
        from paceline.store.importer import EFFORT_DISTANCES_M, plausible_efforts
        from paceline.store.schema import BestEffortRow, StreamRow

        blob = s.scalar(select(StreamRow.data).where(StreamRow.activity_id == row.id))
        st = {} if blob is None else decode_streams(blob, ("time_s", "distance_m"))
        efforts: tuple[tuple[float, float], ...] = ()
        if "time_s" in st and "distance_m" in st and st["time_s"].size > 1:
            best = best_effort_times_s(st["time_s"], st["distance_m"], EFFORT_DISTANCES_M)
            efforts = tuple((d, float(b)) for d, b in zip(EFFORT_DISTANCES_M, best, strict=True)
                            if np.isfinite(b) and b > 0)
        efforts, notes = plausible_efforts(efforts, row.sport)
        s.execute(delete(BestEffortRow).where(BestEffortRow.activity_id == row.id))
        s.add_all([BestEffortRow(activity_id=row.id, distance_m=d, time_s=t)
                   for d, t in efforts])
        if notes:
            notes = [f"after the sport was set to {row.sport}: {n}" for n in notes]
            row.warnings = "\n".join(([row.warnings] if row.warnings else []) + notes)

    def delete(self, activity_id: int) -> None:
        """Delete an activity and everything that hangs on it (one transaction); a second
        recording linked to it becomes the primary."""
        from paceline.store.schema import (
            ActivityRow,
            ActivityTagRow,
            BestEffortRow,
            LapRow,
            StreamRow,
        )

        with self.Session.begin() as s:
            self._row(s, activity_id)
            # its second recordings: the oldest becomes the primary, the others link to it
            linked = list(s.scalars(select(ActivityRow).where(
                ActivityRow.duplicate_of == activity_id).order_by(ActivityRow.id)))
            for i, r in enumerate(linked):
                r.duplicate_of = None if i == 0 else linked[0].id
            s.flush()
            for table in (StreamRow, BestEffortRow, LapRow, ActivityTagRow):
                s.execute(delete(table).where(table.activity_id == activity_id))
            s.execute(delete(ActivityRow).where(ActivityRow.id == activity_id))

    def tag(self, activity_id: int, name: str) -> None:
        from paceline.store.schema import ActivityTagRow, TagRow

        with self.Session.begin() as s:
            self._row(s, activity_id)
            tid = s.scalar(select(TagRow.id).where(TagRow.name == name))
            if tid is None:
                t = TagRow(name=name)
                s.add(t)
                s.flush()
                tid = t.id
            if s.get(ActivityTagRow, (activity_id, tid)) is None:
                s.add(ActivityTagRow(activity_id=activity_id, tag_id=tid))

    # journal ------------------------------------------------------------------------------
    def add_note(self, day: date, text: str, athlete: str = "default") -> int:
        from paceline.store.schema import NoteRow

        aid = self.athlete_id(athlete)
        with self.Session.begin() as s:
            n = NoteRow(athlete_id=aid, day=day, text=text,
                        created_utc=datetime.now(UTC).replace(tzinfo=None))
            s.add(n)
            s.flush()
            return n.id

    def notes(self, since: date | None = None, until: date | None = None) -> list[dict]:
        from paceline.store.schema import NoteRow

        q = select(NoteRow.day, NoteRow.text).order_by(NoteRow.day, NoteRow.id)
        if since:
            q = q.where(NoteRow.day >= since)
        if until:
            q = q.where(NoteRow.day < until)
        with self.engine.connect() as c:
            return [{"day": d.isoformat(), "text": t} for d, t in c.execute(q)]

    # analytics inputs (arrays; the analytics themselves live in paceline.log) -------------
    def load_inputs(self, *, since=None, until=None, sport: str | None = None,
                    hr_histograms: bool = True) -> dict:
        """Per-activity arrays: id, start (datetime64[s]), sport, duration, Σv²Δt, whether it
        has heart rate, and its HR histogram (n × 256 s at each bpm; second recordings of an
        activity, ``duplicate_of`` set, are left out).

        ``hr_histograms=False`` leaves the histograms (1 KiB an activity) in the database and
        ``hr_histogram_s`` out of the result: HR TRIMP needs them only when the athlete's
        HRrest and HRmax are known."""
        hist_col = _A.hr_histogram if hr_histograms else _A.hr_histogram.is_not(None)
        q = self._filtered(select(_A.start_utc, _A.sport, _A.distance_m, _A.moving_time_s,
                                  _A.elapsed_time_s, _A.speed2_dt_m2_s, hist_col, _A.id),
                           since, until, sport).order_by(_A.start_utc, _A.id)
        with self.engine.connect() as c:
            rows = c.execute(q).all()
        cols = list(zip(*rows, strict=True)) if rows else [()] * 8
        n = len(rows)
        out = {"start_utc": np.array(cols[0], dtype="datetime64[s]"),
               "sport": np.array(cols[1], dtype=object),
               # None (not recorded) → NaN
               **{k: np.array(cols[j], dtype=float) for j, k in enumerate(
                   ("distance_m", "moving_time_s", "elapsed_time_s", "speed2_dt_m2_s"), 2)},
               "id": np.array(cols[7], dtype=np.int64)}
        if not hr_histograms:
            out["has_hr"] = np.array(cols[6], dtype=bool)
            return out
        has_hr = np.array([h is not None for h in cols[6]], dtype=bool)
        hist = np.zeros((n, 256))
        if has_hr.any():
            hist[has_hr] = np.frombuffer(b"".join(h for h in cols[6] if h is not None),
                                         dtype="<u4").reshape(-1, 256)
        out["hr_histogram_s"] = hist
        out["has_hr"] = has_hr
        return out

    def best_efforts_by_year(self, *, sport: str | None = "running") -> list[dict]:
        """Best time per effort distance in each calendar year (UTC): ``{year, distance_m,
        time_s}``, one grouped SQL query (SQLite and PostgreSQL alike)."""
        year = extract("year", _A.start_utc)
        q = self._filtered(
            select(year.label("year"), _B.distance_m, func.min(_B.time_s))
            .join(activities, _A.id == _B.activity_id), None, None, sport
        ).group_by(year, _B.distance_m).order_by(year, _B.distance_m)
        with self.engine.connect() as c:
            return [{"year": int(y), "distance_m": float(d), "time_s": float(t)}
                    for y, d, t in c.execute(q)]

    def best_efforts(self, *, since=None, until=None, sport: str | None = "running"
                     ) -> list[dict]:
        """Best time per effort distance over the period: ``{distance_m, time_s,
        activity_id, start_utc}``, the earliest activity on a tie.

        One short query per effort distance, walking the (distance, time) index from the
        fastest until an activity passes the filters (a 20-year log: ~5 ms; the grouped join
        it replaces read all 45,000 efforts twice, 280 ms)."""
        dists = select(_B.distance_m).distinct().order_by(_B.distance_m)
        out: dict[float, dict] = {}
        with self.engine.connect() as c:
            for (d,) in c.execute(dists).all():
                def efforts(*cols, d=d):
                    return self._filtered(
                        select(*cols).join(activities, _A.id == _B.activity_id)
                        .where(_B.distance_m == d), since, until, sport)

                t = c.scalar(efforts(_B.time_s).order_by(_B.time_s)
                             .limit(1))
                if t is None:
                    continue
                aid, start = c.execute(efforts(_B.activity_id, _A.start_utc)
                                       .where(_B.time_s == t)
                                       .order_by(_A.start_utc).limit(1)).one()
                out[d] = {"distance_m": d, "time_s": t, "activity_id": aid,
                          "start_utc": start.replace(tzinfo=UTC).isoformat()}
        return list(out.values())
