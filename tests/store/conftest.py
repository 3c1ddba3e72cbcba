"""The same store tests on SQLite and on a real PostgreSQL server.

PostgreSQL: ``PACELINE_TEST_PG_URL`` (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
each test gets its own schema, dropped afterwards. If the server is unreachable the PostgreSQL
tests fail when ``CI`` is set (CI must test both backends) and are skipped otherwise.
"""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from paceline.store import TrainingLog

PG_URL = os.environ.get("PACELINE_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA = Path(__file__).resolve().parents[1] / "data"


def _pg_reachable() -> str | None:
    try:
        eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """``(url, schema)`` of an empty log on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.sqlite'}", None
        return
    problem = _pg_reachable()
    if problem:
        msg = f"PostgreSQL not reachable at {PG_URL}: {problem}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)
    schema = "paceline_test_" + uuid.uuid4().hex[:12]
    yield PG_URL, schema
    eng = create_engine(PG_URL)
    with eng.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


@pytest.fixture
def log(backend):
    url, schema = backend
    lg = TrainingLog(url, schema=schema)
    yield lg
    lg.close()


@pytest.fixture
def data_root():
    return DATA
