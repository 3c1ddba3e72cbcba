"""Alembic environment: run by :func:`paceline.store.db.migrate` on an open connection."""

from alembic import context

from paceline.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
