"""SQLAlchemy 2 ORM models of the training log (the migrations in ``migrations/`` create them).

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
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "AthleteRow", "ActivityRow", "LapRow", "StreamRow", "BestEffortRow",
           "NoteRow", "TagRow", "ActivityTagRow", "LiveReadRow", "LiveEventRow", "LiveRejectRow",
           "LiveTokenRow"]


class Base(DeclarativeBase):
    pass


class AthleteRow(Base):
    __tablename__ = "athletes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sex: Mapped[str | None] = mapped_column(String(10))
    mass_kg: Mapped[float | None] = mapped_column(Float)
    height_m: Mapped[float | None] = mapped_column(Float)
    hr_rest_bpm: Mapped[float | None] = mapped_column(Float)
    hr_max_bpm: Mapped[float | None] = mapped_column(Float)
    threshold_speed_m_s: Mapped[float | None] = mapped_column(Float)


class ActivityRow(Base):
    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    start_utc: Mapped[datetime] = mapped_column(DateTime())
    utc_offset_s: Mapped[int | None] = mapped_column(Integer)
    sport: Mapped[str] = mapped_column(String(40))
    #: the sport as the file wrote it (``sport``: canonical, data/sports.csv)
    sport_raw: Mapped[str | None] = mapped_column(String(60))
    sub_sport: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))
    distance_m: Mapped[float | None] = mapped_column(Float)
    moving_time_s: Mapped[float | None] = mapped_column(Float)
    elapsed_time_s: Mapped[float | None] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    avg_heart_rate_bpm: Mapped[float | None] = mapped_column(Float)
    max_heart_rate_bpm: Mapped[float | None] = mapped_column(Float)
    avg_power_w: Mapped[float | None] = mapped_column(Float)
    max_power_w: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str | None] = mapped_column(String(200))
    source_file: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str] = mapped_column(String(10))
    decoder: Mapped[str | None] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    n_samples: Mapped[int] = mapped_column(Integer, default=0)
    #: seconds spent at each whole bpm 0..255 (uint32 little-endian), for HR TRIMP
    hr_histogram: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Σ v² Δt over the samples [m²/s], for the speed-based load
    speed2_dt_m2_s: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[str | None] = mapped_column(Text)
    imported_utc: Mapped[datetime] = mapped_column(DateTime())
    #: id of the activity this one is a second recording of (kept, linked, not analysed)
    duplicate_of: Mapped[int | None] = mapped_column(Integer, index=True)

    laps: Mapped[list[LapRow]] = relationship(cascade="all, delete-orphan",
                                              passive_deletes=True, order_by="LapRow.index")
    __table_args__ = (Index("ix_activities_athlete_start", "athlete_id", "start_utc"),)


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
    __tablename__ = "best_efforts"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    distance_m: Mapped[float] = mapped_column(Float, primary_key=True)
    time_s: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_best_efforts_distance", "distance_m", "time_s"),)


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
