"""kill -9 the server during a replay, restart it: every acknowledged read is stored, once.

A real uvicorn process on 127.0.0.1, on SQLite (WAL, synchronous=FULL) and on PostgreSQL (a
database of its own, dropped afterwards); the client retries what was not answered (same
idempotency keys). Small scale here; benchmarks/bench_live.py prints the full-race version.
"""

import random
import socket
import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from paceline.live.plan import read_live_plan
from paceline.live.replay import replay, simulate_race
from paceline.store.live import LiveStore
from tests.conftest import PG_URL, require_pg
from tests.live.conftest import PLAN


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request, tmp_path):
    """A database URL a server process can open: an SQLite file, or a PostgreSQL database of
    its own (the server takes no schema), dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite'}"
        return
    require_pg()
    name = "paceline_kill_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(url: str, port: int) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-m", "paceline", "live", "serve", str(PLAN),
                          "--db", url, "--port", str(port)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return p
        except httpx.TransportError:
            time.sleep(0.1)
    p.kill()
    raise RuntimeError("server did not start")


def test_kill_9_loses_nothing_acknowledged(server_db):
    url = server_db
    store = LiveStore(url)
    token = store.create_token("official")
    store.close()
    port = _free_port()
    plan = read_live_plan(PLAN)
    msgs = simulate_race(plan, distance_m=2000.0, seed=7, drop_pacer_at_m=10_000.0)
    server = [_start(url, port)]
    result = {}

    def run():
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            result["rep"] = replay(msgs, c, token, speed=150.0, retry_for_s=90)

    th = threading.Thread(target=run)
    th.start()
    rng = random.Random(7)
    kills = 0
    try:
        for _ in range(2):
            time.sleep(rng.uniform(0.5, 1.2))
            if not th.is_alive():
                break
            server[0].kill()  # SIGKILL
            server[0].wait()
            kills += 1
            server[0] = _start(url, port)
        th.join(timeout=300)
    finally:
        server[0].kill()
        server[0].wait()
    rep = result["rep"]
    assert kills >= 1 and rep.retries >= 1  # the client did meet a dead server
    store = LiveStore(url)
    keys = [r["key"] for r in store.reads()]
    store.close()
    assert len(keys) == len(set(keys))  # exactly once
    missing = rep.acknowledged - set(keys)
    assert not missing, f"{len(missing)} acknowledged reads lost"
    # and everything sent was eventually acknowledged (the client retried until answered)
    assert rep.acknowledged == {k for m in msgs for k in m.keys}
