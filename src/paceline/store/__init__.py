"""The training log's storage: SQLAlchemy 2 + Alembic, SQLite by default, PostgreSQL for teams.

``TrainingLog(url)`` opens (and migrates) a log; ``import_paths(log, paths)`` imports files
and folders in parallel, one transaction per file, idempotently. See docs/log.md.

Names are imported lazily so that ``paceline log list`` does not load the file decoders.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "TrainingLog",
    "ActivitySummary",
    "LIST_FIELDS",
    "import_paths",
    "ImportSummary",
    "FileOutcome",
    "expand_paths",
    "EFFORT_DISTANCES_M",
    "default_db_url",
    "encode_streams",
    "decode_streams",
]

_WHERE = {
    "TrainingLog": "logbook", "ActivitySummary": "logbook", "LIST_FIELDS": "logbook",
    "import_paths": "importer", "ImportSummary": "importer", "FileOutcome": "importer",
    "expand_paths": "importer", "EFFORT_DISTANCES_M": "importer",
    "default_db_url": "db", "encode_streams": "codec", "decode_streams": "codec",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"paceline.store.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'paceline.store' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
