"""The cyclic garbage collector paused while a short command loads its libraries."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block without the cyclic garbage collector, then promote what the block
    created to the oldest generation and restore the collector.

    Importing SQLAlchemy and Matplotlib creates ~10⁵ long-lived objects (modules, classes,
    functions), and the collector walks them again and again while they are created: ~0.1 s
    of ``paceline log fitness``, which frees nothing. Reference counting still frees what is
    not in a cycle; cycles made in the block are collected by the next full collection (the
    promotion, :func:`gc.freeze` then :func:`gc.unfreeze`, spares the young generation one
    pass over all of them). For bounded work only (one command on one log), never around a
    server, a loop over files, or anything whose garbage grows with its input.
    """
    enabled = gc.isenabled()
    frozen = gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        if frozen == 0:  # (someone else's frozen objects would be thawed by unfreeze)
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
