"""Opening a training-log database: SQLite by default, PostgreSQL for teams; migrations on open."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from paceline.errors import InputFileError

__all__ = ["default_db_url", "open_engine", "migrate", "session_factory", "HEAD_REVISION"]

#: Newest migration (tests check it is Alembic's head); lets an up-to-date database open
#: without importing Alembic.
HEAD_REVISION = "0003"

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_db_url() -> str:
    """``$PACELINE_DB`` if set, else SQLite at ``$XDG_DATA_HOME/paceline/log.sqlite``
    (``~/.local/share/paceline/log.sqlite``). A bare path is taken as an SQLite file."""
    env = os.environ.get("PACELINE_DB")
    if env:
        return env if "://" in env else f"sqlite:///{Path(env).expanduser()}"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'paceline' / 'log.sqlite'}"


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (no-op when it is current)."""
    with engine.begin() as conn:
        current = None
        if inspect(conn).has_table("alembic_version"):
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current != HEAD_REVISION:
            from alembic import command

            command.upgrade(_alembic_config(conn), "head")


def open_engine(url: str | None = None, *, schema: str | None = None) -> Engine:
    """Engine for ``url`` (default :func:`default_db_url`), migrated to the newest schema.

    ``schema`` (PostgreSQL only) puts every table in that schema (created if missing): one
    database can hold several logs, and tests use a schema each.
    """
    url = url or default_db_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    try:
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url)

            @event.listens_for(engine, "connect")
            def _fk(dbapi_conn, _rec):  # SQLite enforces foreign keys only when asked
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: no corruption on power loss, only the last commits may be
                # lost (SQLite docs, "WAL mode"); avoids an fsync per imported file
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()
        else:
            engine = create_engine(url, pool_pre_ping=True)
            if schema:
                @event.listens_for(engine, "connect")
                def _path(dbapi_conn, _rec):
                    cur = dbapi_conn.cursor()
                    cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                    cur.execute(f'SET search_path TO "{schema}"')
                    cur.close()
                    dbapi_conn.commit()
        migrate(engine)
    except ArgumentError as exc:
        raise InputFileError(f"bad database URL: {exc}", where="--db", value=url,
                             fix="give sqlite:///path/log.sqlite or "
                                 "postgresql+psycopg://user@host/db") from None
    except OperationalError as exc:
        raise InputFileError(f"cannot open the database: {exc.orig}", where="--db",
                             value=url, fix="check the path or that the server is running"
                             ) from None
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
