"""The same store tests on SQLite and on a real PostgreSQL server (the ``backend`` fixture of
tests/conftest.py)."""

from pathlib import Path

import pytest

from paceline.store import TrainingLog

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def log(backend):
    url, schema = backend
    lg = TrainingLog(url, schema=schema)
    yield lg
    lg.close()


@pytest.fixture
def data_root():
    return DATA
