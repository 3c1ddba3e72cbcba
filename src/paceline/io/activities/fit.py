"""FIT activity reader: one adapter, two decoders.

``fitdecode`` (MIT) is the reference decoder. The Rust-backed ``fitfast`` (BSD-3) is the fast
path: it is tried first and *fitdecode takes over* whenever the fast path raises or returns
something it does not fully decode (``compressed_speed_distance`` record fields, which fitfast
leaves as raw bytes). Both decoders are normalised to the same message dictionaries
(``{"record": [{field: value}, ...], ...}``, Unix-epoch seconds for ``date_time`` fields,
semicircles for positions, profile scale/offset applied), and one function turns those into
the canonical :class:`~paceline.io.activities.Activity`; ``tests/io/activities`` checks the
two decoders give the same records on every test file.

Quirks handled: chained FIT files (all parts are read; a corrupt part fails the whole file),
compressed-timestamp headers (both decoders), developer fields (ignored: only profile fields
map to canonical channels; a developer field named like a native one — ``heart_rate``,
``power`` — never replaces it: fitfast merges fields by name, so such files are decoded by
fitdecode, whose developer fields are told apart by definition), pauses (``moving_time_s`` =
session ``total_timer_time``, ``elapsed_time_s`` = ``total_elapsed_time``), any sport (the
session's ``sport``; :func:`fit_activities` splits a multisport file per session),
device-relative clocks (timestamps below 0x10000000 are seconds since power-on, FIT SDK: dated
by the cleaning step from ``activity.local_timestamp``, else kept with a warning), non-activity
files
(settings, monitoring, workout, weight ...) → :class:`NotAnActivityError`.

Speed and altitude are read from the native ``speed``/``altitude`` fields and from the
``enhanced_*`` fields only when those are absent: fitfast 0.1 truncates (instead of rounding)
some component-expanded ``enhanced_speed`` values by one unit of resolution (0.001 m/s).

Integrity policy: a wrong CRC, a truncated file or an undefined message is *refused* (the
reference decoder's message names the defect); nothing of such a file is imported.

fitfast 0.1 workaround: for a 14-byte header whose header CRC is 0x0000 ("not computed", FIT
protocol), fitfast starts the file CRC after the header and so rejects valid files. We hand it a
copy whose footer CRC is re-expressed for that convention (computed from the original footer by
CRC-16 linearity, no pass over the data); a file whose original CRC is wrong stays wrong.
"""

from __future__ import annotations

import calendar
import io
import struct
import warnings
from array import array
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode
import fitfast
import numpy as np

from paceline.errors import InputFileError
from paceline.io.activities._base import (
    Activity,
    ActivityMeta,
    Lap,
    NotAnActivityError,
    content_hash,
    read_bytes,
)

__all__ = ["read_fit", "decode_fit_messages", "fit_activities", "FIT_EPOCH_UNIX_S",
           "LARGE_FIT_BYTES", "RECORD_COLUMNS"]

#: Files larger than this [bytes] (~160,000 records, ~45 h at 1 Hz) are decoded under "auto"
#: by fitdecode streaming into columns: fitfast 0.1 holds every decoded message in memory
#: (~180 MB for a 330,000-record file even for ``records``/``message_counts``), which with the
#: importer's ~110 MB of libraries broke the 200 MB budget (issue 13). Slower (≈ 0.2–0.3 ms
#: per record), but flat in memory.
LARGE_FIT_BYTES = 4_000_000
#: Key of the columnar records in a decoded message dict (large files).
RECORD_COLUMNS = "_record_columns"
#: 1989-12-31T00:00:00Z, the FIT epoch, as Unix seconds (FIT SDK, ``date_time`` type).
FIT_EPOCH_UNIX_S = 631065600
#: FIT ``date_time`` values below this are "system time" (seconds since device power-on).
_RELATIVE_LIMIT_FIT_S = 0x10000000
_SEMICIRCLE_DEG = 180.0 / 2**31

_CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)


def _crc_byte(crc: int, byte: int) -> int:
    tmp = _CRC_TABLE[crc & 0xF]
    crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[byte & 0xF]
    tmp = _CRC_TABLE[crc & 0xF]
    return ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]


def fit_crc(data: bytes, crc: int = 0) -> int:
    """FIT CRC-16 of ``data`` (FIT SDK algorithm; pure Python, for short inputs)."""
    for b in data:
        crc = _crc_byte(crc, b)
    return crc


def _apply(cols: list[int], state: int) -> int:
    out = 0
    for i in range(16):
        if state >> i & 1:
            out ^= cols[i]
    return out


def _advance_zeros(state: int, n: int) -> int:
    """CRC state after ``n`` zero bytes, by GF(2) matrix powers (O(log n))."""
    step = [_crc_byte(1 << i, 0) for i in range(16)]  # columns of the one-byte linear map
    while n:
        if n & 1:
            state = _apply(step, state)
        step = [_apply(step, c) for c in step]
        n >>= 1
    return state


def _fitfast_view(raw: bytes) -> bytes:
    """A copy fitfast 0.1 accepts when a part's header CRC is 0x0000 (see module notes)."""
    out = None
    pos = 0
    while pos + 12 <= len(raw):
        hs = raw[pos]
        if hs not in (12, 14):
            break
        ds = struct.unpack_from("<I", raw, pos + 4)[0]
        end = pos + hs + ds
        if end + 2 > len(raw):
            break
        if hs == 14 and raw[pos + 12:pos + 14] == b"\x00\x00":
            state = fit_crc(raw[pos:pos + 14])
            footer = struct.unpack_from("<H", raw, end)[0]
            fixed = footer ^ _advance_zeros(state, ds)
            if out is None:
                out = bytearray(raw)
            struct.pack_into("<H", out, end, fixed)
        pos = end + 2
    return raw if out is None else bytes(out)


def _decode_fitfast(raw: bytes) -> dict[str, list[dict[str, Any]]]:
    """fitfast's messages; a Rust panic inside it (pyo3's PanicException, a BaseException, seen
    on corrupt files in fuzzing: "remainder with a divisor of zero") becomes FitDecodeError so
    the reference decoder takes over and names the defect."""
    try:
        return fitfast.parse(_fitfast_view(raw), enum_names=True)
    except fitfast.FitDecodeError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - pyo3 PanicException
        if type(exc).__name__ != "PanicException" and not isinstance(exc, Exception):
            raise
        raise fitfast.FitDecodeError(f"fitfast failed: {type(exc).__name__}: {exc}") from None


def _fd_value(field: Any) -> Any:
    v = field.value
    tname = getattr(field.type, "name", "")
    if isinstance(v, datetime):
        if v.tzinfo is None:
            return calendar.timegm(v.timetuple())
        return int(v.timestamp())
    if tname in ("date_time", "local_date_time") and isinstance(v, int):
        return v + FIT_EPOCH_UNIX_S
    return v


def _decode_fitdecode(raw: bytes, *, columnar: bool = False
                      ) -> tuple[dict[str, Any], list[str]]:
    """fitdecode's messages as dictionaries; with ``columnar`` the records are streamed into
    float columns instead (``msgs[RECORD_COLUMNS]``: name → ndarray, NaN where missing), so a
    330,000-record file needs ~25 MB rather than a dictionary per record."""
    msgs: dict[str, Any] = defaultdict(list)
    cols: dict[str, array] = {}
    n = 0
    nan = float("nan")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with fitdecode.FitReader(io.BytesIO(raw), check_crc=fitdecode.CrcCheck.RAISE,
                                 keep_raw_chunks=False) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                if not (columnar and frame.name == "record"):
                    # developer fields never overwrite native ones, whatever their names
                    msgs[frame.name].append(
                        {f.name: _fd_value(f) for f in frame.fields
                         if f.value is not None and not getattr(f.field_def, "is_dev", False)})
                    continue
                n += 1
                for f in frame.fields:  # the same, without a dictionary per record
                    if f.value is None or getattr(f.field_def, "is_dev", False):
                        continue
                    v = _fd_value(f)
                    if type(v) is not int and type(v) is not float:
                        continue
                    c = cols.get(f.name)
                    if c is None:
                        c = cols[f.name] = array("d", [nan]) * (n - 1)
                    elif len(c) == n:  # a field twice in one record: the last wins, as dicts
                        c[-1] = v
                        continue
                    c.append(v)
                for c in cols.values():
                    if len(c) < n:
                        c.append(nan)
    out = dict(msgs)
    if columnar:
        out["record"] = []
        out[RECORD_COLUMNS] = {k: np.frombuffer(c, dtype=float) for k, c in cols.items()}
    return out, [str(w.message) for w in caught]


def _native_names() -> frozenset[str]:
    """Every field name of the FIT profile (fitdecode's copy of the Garmin SDK profile)."""
    global _NATIVE
    if _NATIVE is None:
        from fitdecode import profile

        _NATIVE = frozenset(f.name for m in profile.MESSAGE_TYPES.values()
                            for f in m.fields.values() if hasattr(f, "name"))
    return _NATIVE


_NATIVE: frozenset[str] | None = None


def _developer_names(msgs: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {str(d["field_name"]) for d in msgs.get("field_description", [])
            if d.get("field_name") is not None}


def _developer_name_clash(msgs: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Developer field names that are also native field names (fitfast keys both by name, so
    the developer value could replace the native one): the reference decoder takes over."""
    return sorted(_developer_names(msgs) & _native_names())


def _drop_developer_fields(msgs: dict[str, list[dict[str, Any]]]
                           ) -> dict[str, list[dict[str, Any]]]:
    """fitfast output without developer fields (as the fitdecode path): only profile fields
    map to canonical channels, whatever a developer field is called."""
    dev = _developer_names(msgs)
    if not dev:
        return msgs
    for kind in ("record", "lap", "session", "activity"):
        for m in msgs.get(kind, ()):
            for k in dev & m.keys():
                del m[k]
    return msgs


def decode_fit_messages(raw: bytes, decoder: str = "auto"
                        ) -> tuple[dict[str, list[dict[str, Any]]], str, list[str]]:
    """Decode FIT bytes into message dictionaries.

    Parameters
    ----------
    raw : bytes
        The FIT file's content (already gunzipped).
    decoder : {"auto", "fitfast", "fitdecode"}
        ``auto`` tries fitfast and falls back to fitdecode.

    Returns
    -------
    (messages, decoder_used, warnings)

    Raises
    ------
    fitdecode.FitError, fitfast.FitDecodeError
        From the decoder used last (the reference decoder under ``auto``).
    """
    notes: list[str] = []
    if decoder == "auto" and len(raw) > LARGE_FIT_BYTES:
        msgs, w = _decode_fitdecode(raw, columnar=True)
        notes.append(f"large file ({len(raw) / 1e6:.1f} MB): decoded by fitdecode, streamed "
                     "into columns (fitfast would hold every message in memory)")
        return msgs, "fitdecode", notes + w
    if decoder in ("auto", "fitfast"):
        try:
            msgs = _decode_fitfast(raw)
            clash = _developer_name_clash(msgs)
            if clash:
                reason = (f"developer field(s) named like native fields ({', '.join(clash)}), "
                          "which fitfast merges by name")
            elif not any("compressed_speed_distance" in r for r in msgs.get("record", ())):
                return _drop_developer_fields(msgs), "fitfast", notes
            else:
                reason = "compressed_speed_distance fields (not expanded by fitfast)"
        except fitfast.FitDecodeError as exc:
            if decoder == "fitfast":
                raise
            reason = str(exc)
        if decoder == "fitfast":
            return msgs, "fitfast", notes
        notes.append(f"fast path declined ({reason}); decoded with fitdecode")
    msgs, w = _decode_fitdecode(raw)
    return msgs, "fitdecode", notes + w


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, (str, bytes, tuple, list)):
        return None
    x = float(x)
    return None if np.isnan(x) else x


def _col(records: list[dict[str, Any]], *names: str) -> np.ndarray | None:
    nan = float("nan")
    for name in names:
        if any(name in r for r in records):
            try:  # fast path: plain numbers (both decoders omit invalid values)
                return np.fromiter((r.get(name, nan) for r in records), float, len(records))
            except (TypeError, ValueError):
                return np.array([_num(r.get(name)) if _num(r.get(name)) is not None
                                 else np.nan for r in records], dtype=float)
    return None


def _sum(items: list[dict[str, Any]], key: str) -> float | None:
    vals = [_num(s.get(key)) for s in items]
    vals = [v for v in vals if v is not None]
    return float(sum(vals)) if vals else None


def activity_from_messages(msgs: dict[str, list[dict[str, Any]]], *, where: str
                           ) -> tuple[dict[str, np.ndarray], ActivityMeta, tuple[Lap, ...]]:
    """Canonical samples, metadata and laps from decoded FIT messages (either decoder)."""
    file_ids = msgs.get("file_id", [])
    types = [str(f.get("type")) for f in file_ids]
    if file_ids and "activity" not in types:
        raise NotAnActivityError(f"FIT file of type '{types[0]}' holds no activity",
                                 where=where, fix="nothing to do: only activity files are logged")
    cols = msgs.get(RECORD_COLUMNS)
    if cols is not None:  # columnar records (large files, streamed): same semantics as dicts
        tsc = cols.get("timestamp", np.zeros(0))
        ok = np.isfinite(tsc)
        if not ok.all():  # (no copy of ~10 columns × n records when every record is timed)
            cols = {k: v[ok] for k, v in cols.items()}
        records: list[dict[str, Any]] = [{}] * int(ok.sum())  # only its length is used

        def column(*names: str) -> np.ndarray | None:
            return next((cols[n] for n in names if n in cols), None)
    else:
        records = [r for r in msgs.get("record", []) if _num(r.get("timestamp")) is not None]

        def column(*names: str) -> np.ndarray | None:
            return _col(records, *names)
    sessions = msgs.get("session", [])
    if not records and not sessions:
        raise NotAnActivityError("FIT file has no timestamped records and no session", where=where,
                                 fix="nothing to do: the file holds no workout")
    warn: list[str] = []
    if cols is not None:
        ts = cols["timestamp"] if records else np.zeros(0)
    else:
        ts = np.array([float(r["timestamp"]) for r in records]) if records else np.zeros(0)
    starts = [_num(s.get("start_time")) for s in sessions]
    starts = [s for s in starts if s is not None]
    if starts:
        start = min(starts)
    elif ts.size:
        start = float(ts[0])
    else:
        start = float(_num(file_ids[0].get("time_created")) or FIT_EPOCH_UNIX_S)
    if start < FIT_EPOCH_UNIX_S + _RELATIVE_LIMIT_FIT_S and not _relative_clock(msgs):
        warn.append("device-relative clock (timestamps < 0x10000000 are seconds since power-on):"
                    " the start date is not known; it is stored as given")
    samples: dict[str, np.ndarray] = {}
    if records:
        samples["time_s"] = ts - start
        for name, keys, scale in (
            ("distance_m", ("distance",), 1.0),
            ("speed_m_s", ("speed", "enhanced_speed"), 1.0),
            ("heart_rate_bpm", ("heart_rate",), 1.0),
            ("cadence_rpm", ("cadence",), 1.0),
            ("altitude_m", ("altitude", "enhanced_altitude"), 1.0),
            ("latitude_deg", ("position_lat",), _SEMICIRCLE_DEG),
            ("longitude_deg", ("position_long",), _SEMICIRCLE_DEG),
            ("power_w", ("power",), 1.0),
        ):
            c = column(*keys)
            if c is not None and np.isfinite(c).any():
                samples[name] = c * scale if scale != 1.0 else c
    sports = [str(s.get("sport", "generic")) for s in sessions]
    distinct = sorted(set(sports) - {"transition"})
    sport = (sports[0] if len(sports) == 1 else distinct[0] if len(distinct) == 1
             else "multisport" if distinct else "generic")
    distance = _sum(sessions, "total_distance")
    if distance is None and "distance_m" in samples:
        d = samples["distance_m"]
        distance = float(np.nanmax(d) - np.nanmin(d)) if np.isfinite(d).any() else None
    moving = _sum(sessions, "total_timer_time")
    elapsed = _sum(sessions, "total_elapsed_time")
    if elapsed is None and ts.size:
        elapsed = float(ts[-1] - ts[0])
    one = sessions[0] if len(sessions) == 1 else {}
    hr = samples.get("heart_rate_bpm")
    pw = samples.get("power_w")

    def stat(key: str, arr: np.ndarray | None, fn: Any) -> float | None:
        v = _num(one.get(key))
        if v is None and arr is not None and np.isfinite(arr).any():
            v = float(fn(arr))
        return v

    offset = None
    acts = msgs.get("activity", [])
    if acts and _num(acts[0].get("local_timestamp")) and _num(acts[0].get("timestamp")):
        off = int(acts[0]["local_timestamp"]) - int(acts[0]["timestamp"])
        if abs(off) <= 14 * 3600 and off % 900 == 0:  # real zones: ±14 h, multiples of 15 min
            offset = off
    device = None
    if file_ids:
        f0 = file_ids[0]
        prod = f0.get("garmin_product", f0.get("product"))
        device = " ".join(str(x) for x in (f0.get("manufacturer"), prod) if x is not None) or None
    laps = tuple(
        Lap(start_s=(_num(lp.get("start_time")) or start) - start,
            distance_m=_num(lp.get("total_distance")),
            moving_time_s=_num(lp.get("total_timer_time")),
            elapsed_time_s=_num(lp.get("total_elapsed_time")),
            avg_heart_rate_bpm=_num(lp.get("avg_heart_rate")),
            max_heart_rate_bpm=_num(lp.get("max_heart_rate")),
            avg_power_w=_num(lp.get("avg_power")))
        for lp in msgs.get("lap", []))
    sub = one.get("sub_sport")
    meta = ActivityMeta(
        sport=sport, sub_sport=None if sub is None else str(sub),
        start_utc=datetime.fromtimestamp(start, UTC), distance_m=distance,
        moving_time_s=moving, elapsed_time_s=elapsed, source_format="fit",
        utc_offset_s=offset, ascent_m=_sum(sessions, "total_ascent"),
        avg_heart_rate_bpm=stat("avg_heart_rate", hr, np.nanmean),
        max_heart_rate_bpm=stat("max_heart_rate", hr, np.nanmax),
        avg_power_w=stat("avg_power", pw, np.nanmean),
        max_power_w=stat("max_power", pw, np.nanmax),
        device=device, warnings=tuple(warn))
    return samples, meta, laps


def _relative_clock(msgs: dict[str, list[dict[str, Any]]]) -> dict[str, float] | None:
    """``activity.local_timestamp`` and ``timestamp`` when the clock is FIT "system time"
    (seconds since power-on) and the local time is a real date (the cleaning step dates the
    activity from it)."""
    acts = msgs.get("activity", [])
    if not acts:
        return None
    loc, ts = _num(acts[0].get("local_timestamp")), _num(acts[0].get("timestamp"))
    limit = FIT_EPOCH_UNIX_S + _RELATIVE_LIMIT_FIT_S
    if loc is None or ts is None or ts >= limit or loc < limit:
        return None
    return {"local_end": loc, "end": ts}


def _split_sessions(msgs: dict[str, list[dict[str, Any]]]
                    ) -> list[dict[str, list[dict[str, Any]]]]:
    """One message set per session of a multisport file (records and laps by start time:
    from a session's ``start_time`` to the next session's); a single session stays whole."""
    sessions = [s for s in msgs.get("session", []) if _num(s.get("start_time")) is not None]
    if len(sessions) < 2 or len(sessions) != len(msgs.get("session", [])):
        return [msgs]
    sessions = sorted(sessions, key=lambda x: float(x["start_time"]))
    bounds = [float(x["start_time"]) for x in sessions[1:]] + [float("inf")]
    out = []
    lo = -float("inf")
    for sess, hi in zip(sessions, bounds, strict=True):
        def inside(m: dict[str, Any], key: str, lo: float = lo, hi: float = hi) -> bool:
            v = _num(m.get(key))
            return v is not None and lo <= v < hi
        part = {k: v for k, v in msgs.items() if k not in ("session", "lap", "record")}
        part["session"] = [sess]
        part["lap"] = [lp for lp in msgs.get("lap", []) if inside(lp, "start_time")]
        part["record"] = [r for r in msgs.get("record", []) if inside(r, "timestamp")]
        if RECORD_COLUMNS in msgs:
            c = msgs[RECORD_COLUMNS]
            tsc = c.get("timestamp", np.zeros(0))
            m = (tsc >= lo) & (tsc < hi)
            part[RECORD_COLUMNS] = {k: v[m] for k, v in c.items()}
        out.append(part)
        lo = hi
    return out


def _decode(raw: bytes, decoder: str, where: str
            ) -> tuple[dict[str, list[dict[str, Any]]], str, list[str]]:
    try:
        return decode_fit_messages(raw, decoder)
    except fitdecode.FitError as exc:
        raise InputFileError(f"not a valid FIT file: {type(exc).__name__}: {exc}",
                             where=where,
                             fix="the file is corrupt or truncated; export it again from "
                                 "the device or service") from None
    except fitfast.FitDecodeError as exc:
        raise InputFileError(f"not a valid FIT file: {exc}", where=where,
                             fix="export it again from the device or service") from None
    except Exception as exc:  # noqa: BLE001 - a decoder tripping on corrupt bytes
        raise InputFileError(f"not a valid FIT file (the decoder failed on it: "
                             f"{type(exc).__name__}: {exc})", where=where,
                             fix="the file is corrupt or truncated; export it again from "
                                 "the device or service") from None


def read_fit(path: str | Path, *, decoder: str = "auto", raw: bytes | None = None
             ) -> tuple[dict[str, np.ndarray], ActivityMeta, tuple[Lap, ...], str]:
    """Read a FIT activity file (optionally gzip'd).

    Returns
    -------
    samples : dict of ndarray
        Canonical channels (see :data:`~paceline.io.activities.CHANNELS`), SI units.
    meta : ActivityMeta
    laps : tuple of Lap
    content_hash : str
        SHA-256 of the decompressed bytes.

    Raises
    ------
    NotAnActivityError
        A valid FIT file of another type (settings, monitoring, ...).
    InputFileError
        Corrupt, truncated or not a FIT file; the message names the defect and the fix.
    """
    path = Path(path)
    if raw is None:
        raw = read_bytes(path)
    if len(raw) == 0:
        raise InputFileError("empty file (0 bytes)", where=str(path),
                             fix="copy the file again from the device or service")
    msgs, used, notes = _decode(raw, decoder, str(path))
    samples, meta, laps = activity_from_messages(msgs, where=str(path))
    from dataclasses import replace
    meta = replace(meta, decoder=used, warnings=tuple(notes) + meta.warnings)
    return samples, meta, laps, content_hash(raw)


def fit_activity(path: str | Path, raw: bytes, *, decoder: str = "auto") -> Activity:
    """:func:`read_fit` packed as an :class:`Activity` (a multisport file as one)."""
    samples, meta, laps, h = read_fit(path, decoder=decoder, raw=raw)
    return Activity(samples=samples, meta=meta, laps=laps, content_hash=h,
                    source_file=Path(path).name)


def fit_activities(path: str | Path, raw: bytes, *, decoder: str = "auto") -> list[Activity]:
    """The activities of a FIT file: one per session of a multisport file (swim, transition,
    bike, transition, run each their own activity, so the run leg counts as running), else one.

    A session's content hash is the SHA-256 of the file's bytes followed by ``#session <k>``
    (re-importing the file finds every part again). Raises as :func:`read_fit`.
    """
    where = str(path)
    if len(raw) == 0:
        raise InputFileError("empty file (0 bytes)", where=where,
                             fix="copy the file again from the device or service")
    msgs, used, notes = _decode(raw, decoder, where)
    parts = _split_sessions(msgs)
    h = content_hash(raw)
    out = []
    for k, part in enumerate(parts):
        samples, meta, laps = activity_from_messages(part, where=where)
        extra: dict[str, Any] = {}
        rel = _relative_clock(part)
        if rel:
            extra["fit_relative_clock"] = rel
        from dataclasses import replace
        split = [] if len(parts) == 1 else [
            f"session {k + 1} of {len(parts)} of a multisport file, imported as its own "
            "activity"]
        meta = replace(meta, decoder=used, warnings=tuple(notes + split) + meta.warnings)
        out.append(Activity(samples=samples, meta=meta, laps=laps,
                            content_hash=h if len(parts) == 1 else
                            content_hash(raw + f"#session {k}".encode()),
                            source_file=Path(path).name, extra=extra))
    return out
