"""TCP connectors: timing decoders that push passings over a socket instead of HTTP.

Both listeners feed the same parsers (:func:`paceline.live.formats.parse_lines`) and the same
idempotent ingest (:meth:`paceline.live.service.LiveService.ingest_lines`) as
``POST /api/v1/ingest/{format}``; a read sent twice is stored once.

* **RACE RESULT** decoders (4000/5000 series, protocol ≥ 1.5) in *client mode* connect to
  this listener (decoder browser access → Client Mode: this host and port). The protocol is
  CR LF-terminated text lines (RACE RESULT knowledge base article 19, "Decoder TCP/IP"; the
  decoder's own server port is 3601). On connect the listener sends ``SETPROTOCOL;2.0`` and
  ``SETPUSHPASSINGS;1;0`` (push new passings) and then ``GETSTATUS`` every
  ``keepalive_s`` — the decoder's watchdog drops a connection on which the host sends
  nothing. Pushed passings arrive as ``#P;<passing record>`` (the record as in article 487);
  a line that begins with a digit is a passing record too (the answer to a pull), any other
  line is the answer to a command and ignored. The push protocol has no acknowledgement:
  passings made while no connection was up stay on the decoder (its passing file) and must be
  pulled or sent again by the timing crew.
* **MYLAPS** Exporter (Timing & Scoring's TCP exporter, protocol Version2.1) connects to this
  listener. Frames are ``…@$``-terminated (CR LF between them optional):
  ``Location@Pong@…@$`` on connect, answered ``<server>@AckPong@Version2.1@$``;
  ``Location@Ping@$`` answered ``<server>@AckPing@$``; ``Location@Passing@record@…@N@$``
  answered ``<server>@AckPassing@N@$`` **after** the transaction holding its passings has
  committed — the exporter re-sends a frame until it is acknowledged, so a frame that
  arrives while the database is down is simply not acknowledged, and nothing the exporter
  saw acknowledged is lost. A frame whose passings are rejected (unknown chip, bad time) is
  acknowledged all the same (the rejection is counted and kept in ``live_rejects``):
  re-sending it would not make it valid.

Neither protocol authenticates the sender: bind the listeners to the timing network only
(``--host``), or tunnel them (docs/live.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from paceline.live.formats import BadRead

__all__ = ["start_raceresult", "start_mylaps", "MAX_FRAME_BYTES"]

log = logging.getLogger("paceline.live")

#: Longest line / frame accepted [bytes] (a MYLAPS frame of 5,000 passings is ~600 kB).
MAX_FRAME_BYTES = 1_000_000


async def _ingest(service: Any, fmt: str, lines: list[str]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: service.ingest_lines(fmt, lines))


def _reject_oversize(service: Any, source: str, head: bytes) -> None:
    service.reject(source, BadRead("malformed", f"a {source} TCP frame over "
                                                f"{MAX_FRAME_BYTES} bytes"),
                   head[:200].decode("utf-8", "replace"))


# --- RACE RESULT ------------------------------------------------------------------------------
async def _raceresult_client(service: Any, reader: asyncio.StreamReader,
                             writer: asyncio.StreamWriter, keepalive_s: float) -> None:
    peer = writer.get_extra_info("peername")
    log.info("RACE RESULT decoder connected from %s", peer)

    async def keepalive() -> None:
        while True:
            await asyncio.sleep(keepalive_s)
            writer.write(b"GETSTATUS\r\n")
            await writer.drain()

    writer.write(b"SETPROTOCOL;2.0\r\nSETPUSHPASSINGS;1;0\r\n")
    await writer.drain()
    ka = asyncio.create_task(keepalive())
    try:
        while True:
            try:
                raw = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as exc:  # connection closed
                raw = exc.partial
                if not raw.strip():
                    break
            except asyncio.LimitOverrunError:
                _reject_oversize(service, "raceresult", b"")
                break
            line = raw.decode("utf-8", "replace").strip()
            if not line:
                continue
            if line.startswith("#P;") or line[:1].isdigit():
                try:
                    await _ingest(service, "raceresult", [line])
                except Exception:  # noqa: BLE001 — the database is down: the decoder keeps it
                    log.exception("RACE RESULT passing not stored: %s", line[:80])
            else:
                log.debug("RACE RESULT answer: %s", line[:80])
    except (ConnectionError, OSError):
        pass
    finally:
        ka.cancel()
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        log.info("RACE RESULT decoder %s disconnected", peer)


async def start_raceresult(service: Any, host: str, port: int, *,
                           keepalive_s: float = 10.0) -> asyncio.Server:
    """Listen for RACE RESULT decoders in client mode on ``host:port``."""
    return await asyncio.start_server(
        lambda r, w: _raceresult_client(service, r, w, keepalive_s), host, port,
        limit=MAX_FRAME_BYTES)


# --- MYLAPS -----------------------------------------------------------------------------------
async def _mylaps_client(service: Any, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter, server_name: str) -> None:
    peer = writer.get_extra_info("peername")
    log.info("MYLAPS exporter connected from %s", peer)

    def send(text: str) -> None:
        writer.write(f"{server_name}@{text}@$\r\n".encode())

    try:
        while True:
            try:
                raw = await reader.readuntil(b"$")
            except asyncio.IncompleteReadError:
                break
            except asyncio.LimitOverrunError:
                _reject_oversize(service, "mylaps", b"")
                break
            frame = raw.decode("utf-8", "replace").strip()
            parts = frame.split("@")
            fn = parts[1].strip() if len(parts) > 1 else ""
            if fn == "Pong":
                send("AckPong@Version2.1")
            elif fn == "Ping":
                send("AckPing")
            elif fn in ("Passing", "Store"):
                try:
                    await _ingest(service, "mylaps", [frame])
                except Exception:  # noqa: BLE001 — not committed: no ack, the exporter re-sends
                    log.exception("MYLAPS frame not stored (not acknowledged)")
                    continue
                send(f"AckPassing@{parts[-2].strip() if len(parts) > 3 else ''}")
            elif fn in ("AckPong", "AckPing", "GetInfo", "AckGetInfo"):
                continue
            else:  # counted as the HTTP route would (unsupported / malformed)
                await _ingest(service, "mylaps", [frame])
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        log.info("MYLAPS exporter %s disconnected", peer)


async def start_mylaps(service: Any, host: str, port: int, *,
                       server_name: str = "paceline") -> asyncio.Server:
    """Listen for MYLAPS Exporter connections on ``host:port``."""
    return await asyncio.start_server(
        lambda r, w: _mylaps_client(service, r, w, server_name), host, port,
        limit=MAX_FRAME_BYTES)
