"""Opening a training-log database: SQLite by default, PostgreSQL for teams; migrations on open."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, DatabaseError

if TYPE_CHECKING:
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


def _make_folder(folder: Path, url: str) -> None:
    """Create the default data folder (``~/.local/share/paceline``) with its parents; any other
    folder must exist: a typo in --db must not become a tree of folders."""
    if folder.is_dir():
        return
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    if folder.expanduser().absolute() == (base / "paceline").absolute():
        folder.mkdir(parents=True, exist_ok=True)
        return
    import shlex

    raise InputFileError(f"the folder {folder} does not exist", where="--db", value=url,
                         fix=f"create it first (mkdir -p {shlex.quote(str(folder))}) or give a "
                             "database in a folder that exists")


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


_FIX_URL = "give sqlite:///path/log.sqlite, a file path, or postgresql+psycopg://user@host/db"
#: "notaurl::", "mysql:x" — a scheme-like word before ':' (two letters or more: not a drive)
_SCHEME_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def open_engine(url: str | None = None, *, schema: str | None = None,
                create: bool = True) -> Engine:
    """Engine for ``url`` (default :func:`default_db_url`), migrated to the newest schema.

    ``schema`` (PostgreSQL only) puts every table in that schema (created if missing): one
    database can hold several logs, and tests use a schema each.

    ``create=False`` (read-only commands): an SQLite file that does not exist is not created
    and a database without paceline's tables is not filled with them.

    Raises
    ------
    InputFileError
        Empty or malformed URL, a driver that is not installed, no such database (with
        ``create=False``), a file that is not a database, or a server that cannot be reached.
    """
    if url is not None and not url.strip():
        raise InputFileError("empty database URL", where="--db", value=url,
                             fix=f"{_FIX_URL}, or leave --db out for the default log")
    url = url or default_db_url()
    if "://" not in url:
        if _SCHEME_LIKE.match(url):
            raise InputFileError("not a database URL (a URL has '://') nor a file path",
                                 where="--db", value=url, fix=_FIX_URL)
        url = f"sqlite:///{Path(url).expanduser()}"
    try:
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[-1]
            if path and path != ":memory:":
                if not create and not Path(path).is_file():
                    raise InputFileError(
                        f"no such database: {path}", where="--db", value=url,
                        fix="check --db / $PACELINE_DB for a typo; a new log is created by "
                            "`paceline log import FILES --db URL`")
                if create:
                    _make_folder(Path(path).parent, url)
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
        if not create:
            with engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    engine.dispose()
                    raise InputFileError(
                        "no such database: it holds no paceline training log", where="--db",
                        value=url, fix="check --db / $PACELINE_DB; a new log is created by "
                                       "`paceline log import FILES --db URL`")
        migrate(engine)
    except ArgumentError as exc:
        raise InputFileError(f"bad database URL: {exc}", where="--db", value=url,
                             fix=_FIX_URL) from None
    except ImportError as exc:  # create_engine imports the dialect's driver (mysql → MySQLdb)
        raise InputFileError(f"no driver for this database is installed ({exc.name})",
                             where="--db", value=url,
                             fix="paceline supports SQLite and PostgreSQL: " + _FIX_URL
                             ) from None
    except DatabaseError as exc:  # OperationalError (unreachable) or "file is not a database"
        raise InputFileError(f"cannot open the database: {str(exc.orig).splitlines()[0]}",
                             where="--db", value=url,
                             fix="check the path (an SQLite log file, not an activity file) "
                                 "or that the server is running") from None
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """ORM sessions on ``engine`` (``sqlalchemy.orm`` is imported here, on first use: reads
    of the log use Core only)."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)
