"""Initial training-log schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("sex", sa.String(10)),
        sa.Column("mass_kg", sa.Float),
        sa.Column("height_m", sa.Float),
        sa.Column("hr_rest_bpm", sa.Float),
        sa.Column("hr_max_bpm", sa.Float),
        sa.Column("threshold_speed_m_s", sa.Float),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("athlete_id", sa.Integer,
                  sa.ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start_utc", sa.DateTime(), nullable=False),
        sa.Column("utc_offset_s", sa.Integer),
        sa.Column("sport", sa.String(40), nullable=False),
        sa.Column("sub_sport", sa.String(40)),
        sa.Column("name", sa.String(200)),
        sa.Column("distance_m", sa.Float),
        sa.Column("moving_time_s", sa.Float),
        sa.Column("elapsed_time_s", sa.Float),
        sa.Column("ascent_m", sa.Float),
        sa.Column("avg_heart_rate_bpm", sa.Float),
        sa.Column("max_heart_rate_bpm", sa.Float),
        sa.Column("avg_power_w", sa.Float),
        sa.Column("max_power_w", sa.Float),
        sa.Column("device", sa.String(200)),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.Column("source_format", sa.String(10), nullable=False),
        sa.Column("decoder", sa.String(20)),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("n_samples", sa.Integer, nullable=False),
        sa.Column("hr_histogram", sa.LargeBinary),
        sa.Column("speed2_dt_m2_s", sa.Float),
        sa.Column("notes", sa.Text),
        sa.Column("warnings", sa.Text),
        sa.Column("imported_utc", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_activities_athlete_start", "activities", ["athlete_id", "start_utc"])
    op.create_table(
        "laps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("activity_id", sa.Integer,
                  sa.ForeignKey("activities.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lap_index", sa.Integer, nullable=False),
        sa.Column("start_s", sa.Float, nullable=False),
        sa.Column("distance_m", sa.Float),
        sa.Column("moving_time_s", sa.Float),
        sa.Column("elapsed_time_s", sa.Float),
        sa.Column("avg_heart_rate_bpm", sa.Float),
        sa.Column("max_heart_rate_bpm", sa.Float),
        sa.Column("avg_power_w", sa.Float),
    )
    op.create_index("ix_laps_activity_id", "laps", ["activity_id"])
    op.create_table(
        "streams",
        sa.Column("activity_id", sa.Integer,
                  sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("codec", sa.String(10), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "best_efforts",
        sa.Column("activity_id", sa.Integer,
                  sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("distance_m", sa.Float, primary_key=True),
        sa.Column("time_s", sa.Float, nullable=False),
    )
    op.create_index("ix_best_efforts_distance", "best_efforts", ["distance_m", "time_s"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("athlete_id", sa.Integer,
                  sa.ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_notes_day", "notes", ["day"])
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
    )
    op.create_table(
        "activity_tags",
        sa.Column("activity_id", sa.Integer,
                  sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.UniqueConstraint("activity_id", "tag_id"),
    )


def downgrade() -> None:
    for table in ("activity_tags", "tags", "notes", "best_efforts", "streams", "laps",
                  "activities", "athletes"):
        op.drop_table(table)
