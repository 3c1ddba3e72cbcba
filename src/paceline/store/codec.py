"""Compact sample streams: one compressed columnar blob per activity.

Layout (``PLS1``)::

    b"PLS1" | uint32 header length | JSON header | zlib( channel 0 | channel 1 | ... )

Each channel is quantised to an integer grid (:data:`QUANTUM`), delta-encoded in int32 (wrapping
arithmetic, so it round-trips exactly), *byte-shuffled* (all low bytes, then all second bytes …,
the Blosc "shuffle" idea: small deltas give long runs of 0x00/0xFF) and the whole activity is
deflated once with the standard library's zlib (level 6). Missing values use the sentinel
``-2**31``. Quantisation error is at most half a quantum: 0.5 ms, 0.5 cm, 0.5 mm/s, 0.5 bpm,
0.5 rpm, 5 cm of altitude, 5e-8 ° (≈ 0.6 cm) of position, 0.5 W.

Why this layout: 20 years of 1 Hz data is ~4e7 samples × 9 channels; one row per sample would
cost ~50–100 bytes each in SQLite/PostgreSQL (row headers + indexes), i.e. several GB, while the
analytics read whole activities anyway. A blob per activity costs ~7–9 bytes per 1 Hz
sample *for all 8–9 channels together* on the real files, loads with one primary-key
lookup, and works identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np

__all__ = ["QUANTUM", "encode_streams", "decode_streams"]

MAGIC = b"PLS1"
#: Grid step of each channel in its SI unit.
QUANTUM = {
    "time_s": 1e-3,
    "distance_m": 1e-2,
    "speed_m_s": 1e-3,
    "heart_rate_bpm": 1.0,
    "cadence_rpm": 1.0,
    "altitude_m": 0.1,
    "latitude_deg": 1e-7,
    "longitude_deg": 1e-7,
    "power_w": 1.0,
}
_MISSING = np.int32(-(2**31))


def encode_streams(samples: dict[str, np.ndarray]) -> bytes:
    """Encode canonical channels (equal-length float arrays, NaN = missing) into one blob."""
    names = [k for k in QUANTUM if k in samples]
    n = int(np.asarray(samples[names[0]]).size) if names else 0
    z = zlib.compressobj(6)
    parts = []  # compressed pieces: one channel's raw bytes alive at a time (92-hour files)
    for name in names:
        x = np.asarray(samples[name], dtype=float)
        if x.size != n:
            raise ValueError(f"channel {name} has {x.size} values, expected {n}")
        q = np.round(x / QUANTUM[name])
        ok = np.isfinite(q) & (np.abs(q) < 2**31 - 1)
        ints = np.where(ok, q, _MISSING).astype(np.int32)
        deltas = np.diff(ints, prepend=np.int32(0))  # int32 wraps: exact inverse is cumsum
        parts.append(z.compress(deltas.view(np.uint8).reshape(n, 4).T.tobytes()))
    parts.append(z.flush())
    header = json.dumps({"n": n, "channels": names}).encode()
    return MAGIC + struct.pack("<I", len(header)) + header + b"".join(parts)


def decode_streams(blob: bytes, channels: tuple[str, ...] | None = None
                   ) -> dict[str, np.ndarray]:
    """Decode a blob into float64 arrays (NaN where missing); optionally only some channels."""
    if blob[:4] != MAGIC:
        raise ValueError("not a paceline stream blob")
    (hlen,) = struct.unpack_from("<I", blob, 4)
    header = json.loads(blob[8:8 + hlen])
    n, names = header["n"], header["channels"]
    body = zlib.decompress(blob[8 + hlen:])
    out = {}
    for i, name in enumerate(names):
        if channels is not None and name not in channels:
            continue
        chunk = np.frombuffer(body, dtype=np.uint8, count=4 * n, offset=4 * n * i)
        deltas = chunk.reshape(4, n).T.copy().view(np.int32).ravel()
        ints = np.cumsum(deltas, dtype=np.int32)
        x = ints.astype(float) * QUANTUM[name]
        x[ints == _MISSING] = np.nan
        out[name] = x
    return out
