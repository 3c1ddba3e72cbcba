"""SQLAlchemy 2 ORM models of the training log (the migrations in ``migrations/`` create them).

Athletes, activities and best efforts map the Core tables of :mod:`paceline.store.tables`
(reads need no ORM); the other tables are declared here.

Times: ``start_utc`` is a naive UTC ``DateTime`` (the same on SQLite and PostgreSQL);
``utc_offset_s`` is the local zone's offset at the start when the file says it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from paceline.store import tables

__all__ = ["Base", "AthleteRow", "ActivityRow", "LapRow", "StreamRow", "BestEffortRow",
           "NoteRow", "TagRow", "ActivityTagRow", "LiveReadRow", "LiveEventRow", "LiveRejectRow",
           "LiveTokenRow"]


class Base(DeclarativeBase):
    metadata = tables.metadata  # the Core tables of paceline.store.tables and these: one schema


# Athletes, activities and best efforts are declared as Core tables (paceline.store.tables: a
# read of the log needs no ORM); their classes map those tables. The annotations type the
# attributes; the columns are the tables'.
class AthleteRow(Base):
    __table__ = tables.athletes
    id: Mapped[int]
    name: Mapped[str]
    sex: Mapped[str | None]
    mass_kg: Mapped[float | None]
    height_m: Mapped[float | None]
    hr_rest_bpm: Mapped[float | None]
    hr_max_bpm: Mapped[float | None]
    threshold_speed_m_s: Mapped[float | None]


class ActivityRow(Base):
    __table__ = tables.activities
    id: Mapped[int]
    athlete_id: Mapped[int]
    start_utc: Mapped[datetime]
    utc_offset_s: Mapped[int | None]
    sport: Mapped[str]
    sport_raw: Mapped[str | None]
    sub_sport: Mapped[str | None]
    name: Mapped[str | None]
    distance_m: Mapped[float | None]
    moving_time_s: Mapped[float | None]
    elapsed_time_s: Mapped[float | None]
    ascent_m: Mapped[float | None]
    avg_heart_rate_bpm: Mapped[float | None]
    max_heart_rate_bpm: Mapped[float | None]
    avg_power_w: Mapped[float | None]
    max_power_w: Mapped[float | None]
    device: Mapped[str | None]
    source_file: Mapped[str]
    source_format: Mapped[str]
    decoder: Mapped[str | None]
    content_hash: Mapped[str]
    n_samples: Mapped[int]
    hr_histogram: Mapped[bytes | None]
    speed2_dt_m2_s: Mapped[float | None]
    notes: Mapped[str | None]
    warnings: Mapped[str | None]
    imported_utc: Mapped[datetime]
    duplicate_of: Mapped[int | None]

    laps: Mapped[list[LapRow]] = relationship(cascade="all, delete-orphan",
                                              passive_deletes=True, order_by="LapRow.index")


class LapRow(Base):
    __tablename__ = "laps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"),
                                             index=True)
    index: Mapped[int] = mapped_column("lap_index", Integer)
    start_s: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    moving_time_s: Mapped[float | None] = mapped_column(Float)
    elapsed_time_s: Mapped[float | None] = mapped_column(Float)
    avg_heart_rate_bpm: Mapped[float | None] = mapped_column(Float)
    max_heart_rate_bpm: Mapped[float | None] = mapped_column(Float)
    avg_power_w: Mapped[float | None] = mapped_column(Float)


class StreamRow(Base):
    __tablename__ = "streams"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    codec: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BestEffortRow(Base):
    __table__ = tables.best_efforts
    activity_id: Mapped[int]
    distance_m: Mapped[float]
    time_s: Mapped[float]


class NoteRow(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text)
    created_utc: Mapped[datetime] = mapped_column(DateTime())


class TagRow(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class ActivityTagRow(Base):
    __tablename__ = "activity_tags"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"),
                                        primary_key=True)
    __table_args__ = (UniqueConstraint("activity_id", "tag_id"),)


# --- race day (paceline.live; migration 0003) -----------------------------------------------
class LiveReadRow(Base):
    __tablename__ = "live_reads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # passing | fix | dropout
    device: Mapped[str] = mapped_column(String(100))
    time_s: Mapped[float] = mapped_column(Float, index=True)  # UTC epoch [s]
    location: Mapped[str | None] = mapped_column(String(100))
    distance_m: Mapped[float | None] = mapped_column(Float)  # along the course [m]
    offset_m: Mapped[float | None] = mapped_column(Float)  # distance off the course line [m]
    lat_deg: Mapped[float | None] = mapped_column(Float)
    lon_deg: Mapped[float | None] = mapped_column(Float)
    speed_m_s: Mapped[float | None] = mapped_column(Float)
    bearing_deg: Mapped[float | None] = mapped_column(Float)
    altitude_m: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    received_s: Mapped[float] = mapped_column(Float)


class LiveEventRow(Base):
    __tablename__ = "live_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    time_s: Mapped[float | None] = mapped_column(Float)
    created_s: Mapped[float] = mapped_column(Float)
    data: Mapped[str] = mapped_column(Text)


class LiveRejectRow(Base):
    __tablename__ = "live_rejects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300))
    raw: Mapped[str | None] = mapped_column(Text)
    received_s: Mapped[float] = mapped_column(Float)


class LiveTokenRow(Base):
    __tablename__ = "live_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_s: Mapped[float] = mapped_column(Float)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
