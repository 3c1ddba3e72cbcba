"""schemathesis against the OpenAPI schema: no 5xx on any generated input (bounded run).

Every operation is called with an official token (so writes reach the parsers and the
database) and the server-error check. ``/stream`` is excluded: it is an endless response by
design (its parameters are covered in test_api.py); ``max_events`` keeps it finite there.
"""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from paceline.live.app import create_app
from tests.live.conftest import PLAN

_DIR = tempfile.mkdtemp(prefix="paceline-live-fuzz-")
APP = create_app(PLAN, f"sqlite:///{Path(_DIR) / 'live.sqlite'}", background=False)
TOKEN = APP.state.service.store.create_token("official")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path="/api/v1/stream")


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_on_generated_input(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"},
                           checks=[not_a_server_error])
