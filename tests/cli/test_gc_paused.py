"""paceline.cli._gc.gc_paused: no cyclic collections inside, nothing leaked after."""

import gc
import weakref

from paceline.cli._gc import gc_paused


class _Node:
    pass


def test_collector_paused_inside_and_restored_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a disabled collector stays disabled
    finally:
        gc.enable()


def test_cycles_made_inside_are_collected_later_and_nothing_stays_frozen():
    with gc_paused():
        a = _Node()
        a.self = a
        young = [[i] for i in range(10_000)]
    ref = weakref.ref(a)
    del a, young
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert ref() is None


def test_objects_frozen_by_someone_else_stay_frozen():
    gc.freeze()
    try:
        n = gc.get_freeze_count()
        with gc_paused():
            pass
        assert gc.get_freeze_count() == n
    finally:
        gc.unfreeze()
