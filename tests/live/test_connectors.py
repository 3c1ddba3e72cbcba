"""TCP connectors with real sockets, in process: a RACE RESULT decoder in client mode and a
MYLAPS exporter talk to the listeners, whose reads go through the same parsers and the same
idempotent ingest as the HTTP routes."""

import asyncio
import time

import pytest

from paceline.live.connectors import start_mylaps, start_raceresult
from paceline.live.service import LiveService
from tests.live.conftest import PLAN


@pytest.fixture
def service(tmp_path):
    svc = LiveService(PLAN, f"sqlite:///{tmp_path / 'live.sqlite'}", background=False)
    yield svc
    svc.close()


def _hms(svc, el):
    return time.strftime("%H:%M:%S", time.gmtime(svc.plan.start_s + el))


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=60))


async def _until(pred, timeout=20.0):
    t0 = time.monotonic()
    while not pred():
        if time.monotonic() - t0 > timeout:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def test_mylaps_exporter_gets_each_frame_acknowledged_after_its_commit(service):
    svc = service
    day = time.strftime("%y%m%d", time.gmtime(svc.plan.start_s))

    async def main():
        srv = await start_mylaps(svc, "127.0.0.1", 0, server_name="paceline")
        port = srv.sockets[0].getsockname()[1]
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"1KM@Pong@Version2.1@$\r\n")
        assert (await r.readuntil(b"$")).strip() == b"paceline@AckPong@Version2.1@$"
        frame = (f"1KM@Passing@t={_hms(svc, 170)}.100|c=athlete|d={day}@"
                 f"t={_hms(svc, 170)}.200|c=ghost|d={day}@17@$")
        # two frames in one write, the second split across writes: framing is by '@$'
        w.write((frame + "\r\n" + "1KM@Ping@$" + frame[:20]).encode())
        await w.drain()
        ack = (await r.readuntil(b"$")).strip()
        assert ack == b"paceline@AckPassing@17@$"
        # acknowledged ⇒ committed: the passing is in the database when the ack is read
        assert [x["device"] for x in svc.store.reads()] == ["athlete"]
        assert (await r.readuntil(b"$")).strip() == b"paceline@AckPing@$"
        w.write((frame[20:] + "\r\n").encode())  # the exporter re-sends: stored once
        await w.drain()
        assert (await r.readuntil(b"$")).strip() == b"paceline@AckPassing@17@$"
        assert len(svc.store.reads()) == 1
        w.close()
        srv.close()
        await srv.wait_closed()

    _run(main())
    assert svc.rejects["unknown-chip"] == 2  # 'ghost', twice — counted, not stored


def test_mylaps_frame_is_not_acknowledged_when_the_database_fails(service, monkeypatch):
    svc = service
    day = time.strftime("%y%m%d", time.gmtime(svc.plan.start_s))

    def down(*a, **k):
        raise RuntimeError("database down")

    async def main():
        srv = await start_mylaps(svc, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
        r, w = await asyncio.open_connection("127.0.0.1", port)
        monkeypatch.setattr(svc.store, "insert_reads", down)
        w.write(f"1KM@Passing@t={_hms(svc, 170)}.1|c=athlete|d={day}@5@$\r\n".encode())
        w.write(b"1KM@Ping@$\r\n")
        await w.drain()
        # the next answer is the Ping's: the passing frame was not acknowledged
        assert (await r.readuntil(b"$")).strip() == b"paceline@AckPing@$"
        monkeypatch.undo()
        w.close()
        srv.close()
        await srv.wait_closed()

    _run(main())
    assert svc.store.reads() == []


def test_raceresult_decoder_in_client_mode_pushes_passings(service):
    svc = service
    date = time.strftime("%Y-%m-%d", time.gmtime(svc.plan.start_s))

    async def main():
        srv = await start_raceresult(svc, "127.0.0.1", 0, keepalive_s=0.2)
        port = srv.sockets[0].getsockname()[1]
        r, w = await asyncio.open_connection("127.0.0.1", port)
        # the listener asks for protocol 2.0 and pushed passings
        assert await r.readline() == b"SETPROTOCOL;2.0\r\n"
        assert await r.readline() == b"SETPUSHPASSINGS;1;0\r\n"
        w.write(b"SETPROTOCOL;2.0\r\nSETPUSHPASSINGS;1;0\r\n")  # the decoder's answers
        w.write(f"#P;1;athlete;{date};{_hms(svc, 340)}.5;0;5;60;;0;1;1;;;;;;2km;3;;D-1\r\n"
                .encode())
        w.write(f"#P;2;ghost;{date};{_hms(svc, 340)}.6;0;5;60;;0;1;1;;;;;;2km;3;;D-1\r\n"
                .encode())
        w.write(f"#P;1;athlete;{date};{_hms(svc, 340)}.5;0;5;60;;0;1;1;;;;;;2km;3;;D-1\r\n"
                .encode())  # pushed again after a reconnect: stored once
        await w.drain()
        await _until(lambda: svc.rejects["unknown-chip"] == 1 and len(svc.store.reads()) == 1)
        assert await r.readline() == b"GETSTATUS\r\n"  # keeps the decoder's watchdog fed
        w.close()
        srv.close()
        await srv.wait_closed()

    _run(main())
    (read,) = svc.store.reads()
    assert (read["key"], read["distance_m"]) == ("rr:D-1:3:1", 2000.0)
    assert set(svc.rejects) == {"unknown-chip"}  # command answers are not rejects


def test_serve_opens_the_decoder_ports(tmp_path):
    # the CLI options reach the app: both listeners up with the app, down after it
    import socket

    from fastapi.testclient import TestClient

    from paceline.live.app import create_app

    def free():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    rr, ml = free(), free()
    app = create_app(PLAN, f"sqlite:///{tmp_path / 'live.sqlite'}", raceresult_port=rr,
                     mylaps_port=ml)
    with TestClient(app):
        for p in (rr, ml):
            with socket.create_connection(("127.0.0.1", p), timeout=5):
                pass
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", rr), timeout=2)


@pytest.mark.parametrize("args,word", [
    (["--raceresult-port", "0"], "--raceresult-port"),
    (["--mylaps-port", "8000"], "--mylaps-port"),  # the HTTP port
    (["--raceresult-port", "3601", "--mylaps-port", "3601"], "--mylaps-port"),
])
def test_serve_refuses_bad_decoder_ports(args, word, tmp_path):
    # in process the error itself (the entry point maps it to exit 2: test_replay.py)
    from typer.testing import CliRunner

    from paceline.cli import app
    from paceline.errors import UnitError

    r = CliRunner().invoke(app, ["live", "serve", str(PLAN), "--db",
                                 f"sqlite:///{tmp_path / 'x.sqlite'}", *args])
    assert isinstance(r.exception, UnitError) and word in str(r.exception)
    assert not (tmp_path / "x.sqlite").exists()  # refused before anything was opened
