"""Live service fixtures: the bundled Vienna plan, a service on SQLite and PostgreSQL.

PostgreSQL as in tests/store/conftest.py: ``PACELINE_TEST_PG_URL``, a schema per test, a
failure when ``CI`` is set and the server is unreachable, a skip otherwise.
"""

import os
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from paceline.live.app import create_app

PG_URL = os.environ.get("PACELINE_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PLAN = Path(__file__).resolve().parents[1] / "data" / "live" / "vienna-plan"


def _pg_problem() -> str | None:
    try:
        eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture
def plan_dir():
    return PLAN


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """``(url, schema)`` of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite'}", None
        return
    problem = _pg_problem()
    if problem:
        msg = f"PostgreSQL not reachable at {PG_URL}: {problem}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)
    schema = "paceline_live_" + uuid.uuid4().hex[:12]
    yield PG_URL, schema
    eng = create_engine(PG_URL)
    with eng.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


@pytest.fixture
def sqlite_db(tmp_path):
    return f"sqlite:///{tmp_path / 'live.sqlite'}", None


def _make(url, schema, **kw):
    app = create_app(PLAN, url, schema=schema, min_interval_s=0.05, **kw)
    svc = app.state.service
    return app, svc


@pytest.fixture
def live(db):
    """``(client, service, official_token, viewer_token)`` on each backend."""
    app, svc = _make(*db)
    off, view = svc.store.create_token("official"), svc.store.create_token("viewer")
    with TestClient(app) as client:
        yield client, svc, off, view


@pytest.fixture
def live_sqlite(sqlite_db):
    app, svc = _make(*sqlite_db)
    off, view = svc.store.create_token("official"), svc.store.create_token("viewer")
    with TestClient(app) as client:
        yield client, svc, off, view


def auth(tok):
    return {"Authorization": f"Bearer {tok}"}
