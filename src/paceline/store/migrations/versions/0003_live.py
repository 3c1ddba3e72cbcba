"""Race-day tables of ``paceline.live``: reads (passings, GPS fixes, drop-outs), events
pushed to subscribers, rejected input, and access tokens (hashes only).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_reads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("device", sa.String(100), nullable=False),
        sa.Column("time_s", sa.Float, nullable=False),
        sa.Column("location", sa.String(100)),
        sa.Column("distance_m", sa.Float),
        sa.Column("offset_m", sa.Float),
        sa.Column("lat_deg", sa.Float),
        sa.Column("lon_deg", sa.Float),
        sa.Column("speed_m_s", sa.Float),
        sa.Column("bearing_deg", sa.Float),
        sa.Column("altitude_m", sa.Float),
        sa.Column("accuracy_m", sa.Float),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("received_s", sa.Float, nullable=False),
    )
    op.create_index("ix_live_reads_time", "live_reads", ["time_s"])
    op.create_table(
        "live_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("time_s", sa.Float),
        sa.Column("created_s", sa.Float, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "live_rejects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("raw", sa.Text),
        sa.Column("received_s", sa.Float, nullable=False),
    )
    op.create_table(
        "live_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_s", sa.Float, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    for table in ("live_tokens", "live_rejects", "live_events", "live_reads"):
        op.drop_table(table)
