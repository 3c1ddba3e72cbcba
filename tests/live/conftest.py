"""Live service fixtures: the bundled Vienna plan, a service on SQLite and PostgreSQL (the
``backend`` fixture of tests/conftest.py)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paceline.live.app import create_app

PLAN = Path(__file__).resolve().parents[1] / "data" / "live" / "vienna-plan"


@pytest.fixture
def plan_dir():
    return PLAN


@pytest.fixture
def sqlite_db(tmp_path):
    return f"sqlite:///{tmp_path / 'live.sqlite'}", None


def _make(url, schema, **kw):
    app = create_app(PLAN, url, schema=schema, min_interval_s=0.05, **kw)
    svc = app.state.service
    return app, svc


@pytest.fixture
def live(backend):
    """``(client, service, official_token, viewer_token)`` on each backend."""
    app, svc = _make(*backend)
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
