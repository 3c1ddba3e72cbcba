"""Race-day storage of :mod:`paceline.live`: reads, events, rejected input and tokens.

One table per kind of record (migration ``0003``):

* ``live_reads`` — every accepted read (timing-mat passing, GPS fix, drop-out) with its
  idempotency ``key`` (UNIQUE): a read sent twice is stored once and answered with the first
  one's id. Reads are stored in arrival order (``id``) with their own time (``time_s``, UTC
  epoch seconds); whoever computes from them sorts by time.
* ``live_events`` — what subscribers are pushed (state, passings, alerts, rotations); the id is
  the Server-Sent Events id, so a client resuming with ``Last-Event-ID`` gets ``id >`` it.
* ``live_rejects`` — input refused, with the reason (``"code: detail"``); never read as truth.
* ``live_tokens`` — SHA-256 hashes of access tokens with their role; the token itself is
  shown once when created and never stored.

A write returns only after its transaction commits; on SQLite the connection runs with
``synchronous=FULL`` in WAL mode so a committed read survives power loss, not only a crash
(SQLite docs, "PRAGMA synchronous").
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from paceline.errors import UnitError
from paceline.store.db import open_engine
from paceline.store.schema import LiveEventRow, LiveReadRow, LiveRejectRow, LiveTokenRow

__all__ = ["LiveStore", "LiveReadRow", "LiveEventRow", "LiveRejectRow", "LiveTokenRow",
           "ROLES", "READ_FIELDS", "hash_token"]

#: Roles of access tokens: ``official`` writes (reads, drop-outs) and reads; ``viewer`` reads.
ROLES = ("official", "viewer")


#: Columns of a read (besides ``id``), as accepted by :meth:`LiveStore.insert_reads`.
READ_FIELDS = ("key", "kind", "device", "time_s", "location", "distance_m", "offset_m",
               "lat_deg", "lon_deg", "speed_m_s", "bearing_deg", "altitude_m", "accuracy_m",
               "source", "received_s")


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a token (tokens are 256-bit random: no slow hash needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class LiveStore:
    """The race-day database (SQLite by default, PostgreSQL for real use), migrated on open.

    Parameters
    ----------
    url : str
        SQLAlchemy URL or a bare SQLite path.
    schema : str, optional
        PostgreSQL schema holding the tables (tests use one each).
    """

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        self.url = url
        self.engine = open_engine(url, schema=schema)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            @event.listens_for(self.engine, "connect")
            def _durable(dbapi_conn, _rec):  # an acknowledged read must survive power loss
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA synchronous=FULL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()
            self.engine.dispose()  # pooled connections opened before the listener

    def close(self) -> None:
        self.engine.dispose()

    def _insert(self, table):
        ins = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)
        return ins

    # --- reads ----------------------------------------------------------------------------
    def insert_reads(self, rows: Sequence[dict[str, Any]]) -> list[tuple[int, bool]]:
        """Store reads in one transaction; ``[(id, duplicate), ...]`` in the order given.

        A read whose ``key`` is already stored (or appears earlier in ``rows``) is not stored
        again: it gets the first one's id and ``duplicate=True``. Returns after the commit.
        """
        if not rows:
            return []
        table = LiveReadRow.__table__
        first: dict[str, int] = {}
        unique = []
        for i, r in enumerate(rows):
            if r["key"] not in first:
                first[r["key"]] = i
                unique.append({f: r.get(f) for f in READ_FIELDS})
        ids: dict[str, int] = {}
        new: set[str] = set()
        with self.engine.begin() as conn:
            for start in range(0, len(unique), 500):
                chunk = unique[start:start + 500]
                stmt = self._insert(table).on_conflict_do_nothing(index_elements=["key"])
                res = conn.execute(stmt.returning(table.c.id, table.c.key), chunk)
                for rid, key in res:
                    ids[key] = rid
                    new.add(key)
                missing = [r["key"] for r in chunk if r["key"] not in ids]
                if missing:
                    q = select(table.c.id, table.c.key).where(table.c.key.in_(missing))
                    for rid, key in conn.execute(q):
                        ids[key] = rid
        out = []
        for i, r in enumerate(rows):
            k = r["key"]
            out.append((ids[k], not (k in new and first[k] == i)))
        return out

    def reads(self, *, after_id: int = 0, kind: str | None = None) -> list[dict[str, Any]]:
        """Stored reads with ``id > after_id`` in arrival (id) order, as dicts."""
        t = LiveReadRow.__table__
        q = select(t).where(t.c.id > after_id).order_by(t.c.id)
        if kind is not None:
            q = q.where(t.c.kind == kind)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def count_reads(self) -> dict[str, int]:
        t = LiveReadRow.__table__
        with self.engine.connect() as conn:
            return {k: n for k, n in conn.execute(
                select(t.c.kind, func.count()).group_by(t.c.kind))}

    # --- events ---------------------------------------------------------------------------
    def add_events(self, events: Iterable[tuple[str, float | None, dict[str, Any]]]
                   ) -> list[int]:
        """Store ``(kind, time_s, data)`` events in one transaction; their ids in order."""
        t = LiveEventRow.__table__
        now = time.time()
        rows = [{"kind": k, "time_s": ts, "created_s": now,
                 "data": json.dumps(d, separators=(",", ":"), allow_nan=False)}
                for k, ts, d in events]
        if not rows:
            return []
        with self.engine.begin() as conn:
            # one statement per row: RETURNING order of a multi-row insert is not guaranteed
            return [conn.execute(t.insert().returning(t.c.id), r).scalar_one() for r in rows]

    def events_after(self, last_id: int, *, limit: int = 1000, kinds: Sequence[str] | None = None
                     ) -> list[tuple[int, str, float | None, str]]:
        """Events with ``id > last_id`` in id order: ``(id, kind, time_s, data_json)``."""
        t = LiveEventRow.__table__
        q = select(t.c.id, t.c.kind, t.c.time_s, t.c.data).where(t.c.id > last_id)
        if kinds:
            q = q.where(t.c.kind.in_(list(kinds)))
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(q.order_by(t.c.id).limit(limit))]

    def last_event(self, kind: str) -> tuple[int, dict[str, Any]] | None:
        t = LiveEventRow.__table__
        q = select(t.c.id, t.c.data).where(t.c.kind == kind).order_by(t.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else (row[0], json.loads(row[1]))

    def max_event_id(self) -> int:
        t = LiveEventRow.__table__
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())

    # --- rejects --------------------------------------------------------------------------
    def add_rejects(self, rejects: Iterable[tuple[str, str, str | None]]) -> None:
        """Record refused input ``(source, reason, raw)`` (raw cut to 500 characters)."""
        now = time.time()
        def clean(x: str, n: int) -> str:  # PostgreSQL text cannot hold NUL
            return x.replace("\x00", "\\x00")[:n]

        rows = [{"source": clean(s, 20), "reason": clean(r, 300),
                 "raw": None if raw is None else clean(raw, 500), "received_s": now}
                for s, r, raw in rejects]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(LiveRejectRow.__table__.insert(), rows)

    def reject_counts(self) -> dict[str, int]:
        """Refused input counted by reason code (the text before the first colon)."""
        t = LiveRejectRow.__table__
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for reason, n in conn.execute(select(t.c.reason, func.count()).group_by(t.c.reason)):
                code = reason.split(":", 1)[0]
                out[code] = out.get(code, 0) + n
        return out

    # --- tokens ---------------------------------------------------------------------------
    def create_token(self, role: str, name: str = "") -> str:
        """A new random token with ``role``; only its hash is stored. Returned once."""
        if role not in ROLES:
            raise UnitError("unknown role", where="--role", value=role, valid=", ".join(ROLES))
        token = "pl_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(LiveTokenRow.__table__.insert(), {
                "name": name or role, "role": role, "token_hash": hash_token(token),
                "created_s": time.time(), "revoked": False})
        return token

    def token_role(self, token: str) -> str | None:
        """The role of a valid (not revoked) token, else None."""
        t = LiveTokenRow.__table__
        q = select(t.c.role).where(t.c.token_hash == hash_token(token), t.c.revoked.is_(False))
        with self.engine.connect() as conn:
            return conn.execute(q).scalar()

    def tokens(self) -> list[dict[str, Any]]:
        t = LiveTokenRow.__table__
        q = select(t.c.id, t.c.name, t.c.role, t.c.created_s, t.c.revoked).order_by(t.c.id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def revoke_token(self, token_id: int) -> bool:
        t = LiveTokenRow.__table__
        with self.engine.begin() as conn:
            return conn.execute(update(t).where(t.c.id == token_id).values(revoked=True)
                                ).rowcount > 0
