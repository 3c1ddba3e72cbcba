"""The training log's core tables as SQLAlchemy Core :class:`~sqlalchemy.Table` objects: the
athletes, the activities and their best efforts, which every read of the log (``paceline log
fitness``, ``list``, ``bests``, the web log) queries.

They are declared here, without the ORM, so that a read needs only SQLAlchemy Core: importing
``sqlalchemy.orm`` and building the mapped classes took ~0.1 s of the 1 s that ``paceline log
fitness`` may take on a 20-year log (issue 14 item 8). The ORM classes of
:mod:`paceline.store.schema` map these same tables (``__table__``, SQLAlchemy's "declarative
with imperative table"), and share :data:`metadata`, so Alembic sees one schema.

Times: ``start_utc`` is a naive UTC ``DateTime`` (the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["metadata", "athletes", "activities", "best_efforts"]

#: The one MetaData of the log (also ``paceline.store.schema.Base.metadata``).
metadata = MetaData()

athletes = Table(
    "athletes", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), unique=True, nullable=False),
    Column("sex", String(10)),
    Column("mass_kg", Float),
    Column("height_m", Float),
    Column("hr_rest_bpm", Float),
    Column("hr_max_bpm", Float),
    Column("threshold_speed_m_s", Float),
)

activities = Table(
    "activities", metadata,
    Column("id", Integer, primary_key=True),
    Column("athlete_id", ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False),
    Column("start_utc", DateTime(), nullable=False),
    Column("utc_offset_s", Integer),
    Column("sport", String(40), nullable=False),
    # the sport as the file wrote it (``sport``: canonical, data/sports.csv)
    Column("sport_raw", String(60)),
    Column("sub_sport", String(40)),
    Column("name", String(200)),
    Column("distance_m", Float),
    Column("moving_time_s", Float),
    Column("elapsed_time_s", Float),
    Column("ascent_m", Float),
    Column("avg_heart_rate_bpm", Float),
    Column("max_heart_rate_bpm", Float),
    Column("avg_power_w", Float),
    Column("max_power_w", Float),
    Column("device", String(200)),
    Column("source_file", String(500), nullable=False),
    Column("source_format", String(10), nullable=False),
    Column("decoder", String(20)),
    Column("content_hash", String(64), unique=True, nullable=False),
    Column("n_samples", Integer, default=0, nullable=False),
    # seconds spent at each whole bpm 0..255 (uint32 little-endian), for HR TRIMP
    Column("hr_histogram", LargeBinary),
    # Σ v² Δt over the samples [m²/s], for the speed-based load
    Column("speed2_dt_m2_s", Float),
    Column("notes", Text),
    Column("warnings", Text),
    Column("imported_utc", DateTime(), nullable=False),
    # id of the activity this one is a second recording of (kept, linked, not analysed)
    Column("duplicate_of", Integer, index=True),
    Index("ix_activities_athlete_start", "athlete_id", "start_utc"),
)

best_efforts = Table(
    "best_efforts", metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("distance_m", Float, primary_key=True),
    Column("time_s", Float, nullable=False),
    Index("ix_best_efforts_distance", "distance_m", "time_s"),
)
