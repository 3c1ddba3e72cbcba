"""Shared fixtures of the web tests: a plan directory, a small training log, the app."""

from pathlib import Path

import pytest

from paceline.store import TrainingLog, import_paths

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
TOKEN = "test-token-123"


@pytest.fixture(scope="session")
def plan_dir(tmp_path_factory) -> Path:
    from paceline.report.plan import write_plan

    out = tmp_path_factory.mktemp("web") / "vienna-plan"
    write_plan(ROOT / "scenarios" / "vienna-2019.toml", out, draws=300, crew_time_limit_s=8.0)
    return out


@pytest.fixture(scope="session")
def log_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('weblog') / 'log.sqlite'}"
    with TrainingLog(url) as lg:
        import_paths(lg, [DATA / "fit" / "run", DATA / "gpx-activities"], workers=1)
    return url


@pytest.fixture(scope="session")
def web_config(plan_dir, log_url, tmp_path_factory):
    from paceline.web import WebConfig

    return WebConfig(db_url=log_url, plan=str(plan_dir), token=TOKEN,
                     formations_dir=tmp_path_factory.mktemp("formations"),
                     max_upload_bytes=200_000)


@pytest.fixture(scope="session")
def app(web_config):
    from paceline.web import create_app

    return create_app(web_config)
