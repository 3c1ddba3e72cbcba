"""paceline.live: race day — timing mats and GPS in, projections and alerts out.

An edge (DESIGN.md): it parses, checks, stores (through :mod:`paceline.store.live`) and
pushes; what it computes calls the orchestrators (the race model for the projection, the crew
scheduler for re-plans). Modules are imported lazily: ``paceline live token`` does not load
FastAPI.

* :mod:`paceline.live.formats` — one parser per decoder/tracker format;
* :mod:`paceline.live.plan` — the plan directory as the service reads it;
* :mod:`paceline.live.tracker` — position, pace, gaps, projection, waves, drinks, alerts;
* :mod:`paceline.live.service` — ingest (acknowledged after commit), processor, re-plans;
* :mod:`paceline.live.app` — the FastAPI app / router (``create_app``, ``create_router``);
* :mod:`paceline.live.replay` — a race played from the plan into a running service.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["create_app", "create_router", "LiveService", "read_live_plan", "simulate_race",
           "replay"]

_WHERE = {"create_app": "app", "create_router": "app", "LiveService": "service",
          "read_live_plan": "plan", "simulate_race": "replay", "replay": "replay"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"paceline.live.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'paceline.live' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
