"""Activities keep the sport as the file wrote it, and a link to the activity they duplicate.

``sport_raw``: the file's own sport name/code (``sport`` is the canonical name from
``data/sports.csv``; ``paceline log edit ID --sport`` changes ``sport`` only).
``duplicate_of``: the id of the activity this one is a second recording of (same start and
distance from another source); such rows are kept, linked, and left out of lists and analytics.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activities", sa.Column("sport_raw", sa.String(60)))
    op.add_column("activities", sa.Column("duplicate_of", sa.Integer))
    op.create_index("ix_activities_duplicate_of", "activities", ["duplicate_of"])


def downgrade() -> None:
    op.drop_index("ix_activities_duplicate_of", "activities")
    op.drop_column("activities", "duplicate_of")
    op.drop_column("activities", "sport_raw")
