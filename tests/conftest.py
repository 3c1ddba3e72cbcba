"""Fixtures shared by every test folder: the repository's scenarios and data, and a database
on each backend (SQLite and a real PostgreSQL server).

PostgreSQL: ``PACELINE_TEST_PG_URL`` (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
each test gets a schema of its own, dropped afterwards. If the server is unreachable the
PostgreSQL tests fail when ``CI`` is set (CI must test both backends) and are skipped otherwise.
"""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("PACELINE_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def scenarios_dir() -> Path:
    return ROOT / "scenarios"


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


def pg_problem() -> str | None:
    """Why the test PostgreSQL server cannot be used, or None if it answers."""
    try:
        eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


def require_pg() -> None:
    """Skip (fail with ``CI`` set) when the PostgreSQL server does not answer."""
    problem = pg_problem()
    if problem:
        msg = f"PostgreSQL not reachable at {PG_URL}: {problem}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)


def drop_schema(schema: str) -> None:
    eng = create_engine(PG_URL)
    with eng.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


@pytest.fixture
def pg_schema():
    """``(url, schema)`` of an empty schema on the PostgreSQL server, dropped afterwards."""
    require_pg()
    schema = "paceline_test_" + uuid.uuid4().hex[:12]
    yield PG_URL, schema
    drop_schema(schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """``(url, schema)`` of an empty database on each backend (schema None on SQLite)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}", None
        return
    yield request.getfixturevalue("pg_schema")
