"""A shortened race replayed through the API in process; the ``paceline live`` commands."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from paceline.cli import app as cli_app
from paceline.live.replay import replay, simulate_race
from tests.live.conftest import PLAN, auth


def test_replay_of_a_shortened_race(live_sqlite):
    client, svc, off, view = live_sqlite
    msgs = simulate_race(svc.plan, distance_m=2500.0, seed=3, drop_pacer_at_m=1500.0)
    kinds = {m.kind for m in msgs}
    assert {"fixes", "osmand", "passings", "dropout"} <= kinds
    rep = replay(msgs, client, off, speed=0)
    assert rep.retries == 0 and rep.rejected == {}
    stored = svc.store.reads()
    keys = [r["key"] for r in stored]
    assert len(keys) == len(set(keys))  # each read once
    assert rep.acknowledged == set(keys)  # everything acknowledged is stored, nothing else
    sent_reads = sum(len(m.keys) for m in msgs)
    assert sent_reads > len(keys)  # duplicates were sent and answered, not stored
    svc.process_once()
    st = client.get("/api/v1/state", headers=auth(view)).json()
    assert [m["location"] for m in st["mats"]] == ["1km", "2km"]
    # the simulated athlete runs 0.4 % slower than the schedule with a ±15 m wave
    # (simulate_race): the gap at 2 km is where that motion crosses 2000 m (±0.05 s: mat times
    # interpolated between 1 Hz samples)
    import numpy as np
    from scipy.optimize import brentq

    v0 = svc.plan.distance_m / svc.plan.target_time_s * (1 - 0.004)
    t2 = brentq(lambda t: v0 * t + 15 * np.sin(t / 300.0) - 2000.0, 100, 1000)
    assert st["mats"][1]["gap_s"] == pytest.approx(t2 - st["mats"][1]["scheduled_s"], abs=0.05)
    assert st["projection"]["p10_s"] < st["projection"]["finish_s"] < st["projection"]["p90_s"]
    assert st["athlete"]["distance_m"] == pytest.approx(2500.0, abs=20.0)
    kinds = {k for _, k, _, _ in svc.store.events_after(0, limit=100000)}
    assert {"state", "passing", "alert", "dropout", "rotation"} <= kinds
    dropped = svc.store.last_event("rotation")[1]["pacer"]
    # the dropped pacer fell out of the formation before the official reported him
    alerts = [a for _, k, _, d in svc.store.events_after(0, limit=100000) if k == "alert"
              for a in [__import__("json").loads(d)]]
    assert any(a["key"] == f"formation:{dropped}" and a["raised"] for a in alerts)


def test_token_cli_prints_once_and_stores_only_the_hash(tmp_path):
    from paceline.store.live import LiveStore, hash_token

    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    r = CliRunner().invoke(cli_app, ["live", "token", "create", "--role", "official",
                                     "--name", "timing crew", "--db", url])
    assert r.exit_code == 0, r.output
    tok = r.stdout.strip().splitlines()[-1]
    store = LiveStore(url)
    assert store.token_role(tok) == "official"
    with store.engine.connect() as c:
        dump = "\n".join(str(row) for t in ("live_tokens",)
                         for row in c.exec_driver_sql(f"select * from {t}"))
    assert tok not in dump and hash_token(tok) in dump
    store.close()
    p = subprocess.run([sys.executable, "-m", "paceline", "live", "token", "create", "--role",
                        "admin", "--db", url], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "official, viewer" in p.stderr


def test_serve_refuses_bad_input_with_exit_2(tmp_path):
    for args, word in ((["live", "serve", str(tmp_path / "nope")], "plan directory"),
                       (["live", "serve", str(PLAN), "--port", "0"], "--port"),
                       (["live", "serve", str(PLAN), "--tz", "Mars/Base",
                         "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"], "--tz")):
        p = subprocess.run([sys.executable, "-m", "paceline", *args], capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 2, p.stderr
        assert word in p.stderr


def test_replay_stops_with_a_clear_error_on_a_refused_token(live_sqlite):
    client, svc, _off, view = live_sqlite
    msgs = simulate_race(svc.plan, distance_m=100.0)
    with pytest.raises(PermissionError, match="403"):
        replay(msgs, client, view, speed=0)
    assert svc.store.count_reads() == {}
