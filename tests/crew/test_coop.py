"""Cooperative drafting against Hoogkamer, Snyder & Arellano (2018)'s headline results."""

import pytest

from paceline.crew import Pacer, PersonalBest, cooperative_drafting

# Kipchoge's PBs as published by World Athletics (recalled; see docs/crew.md §6):
# 1500 m 3:33.20, 5000 m 12:46.53, 10 000 m 26:49.02, half 59:25, marathon 2:01:39 (2018).
KIPCHOGE = ((1500.0, 213.20), (5000.0, 766.53), (10000.0, 1609.02), (21097.5, 3565.0),
            (42195.0, 7299.0))


def kipchoge(name):
    return Pacer(name, tuple(PersonalBest(d, t) for d, t in KIPCHOGE), 52.0, 1.67)


def test_eight_kipchoge_like_runners_break_two_hours():
    # Hoogkamer et al. 2018: eight Kipchoge-like runners → sub-2. Inputs assumed: follower
    # drag −33 % (Beaumont 2019), 1 km turns, PBs taken as run alone (optimistic).
    r = cooperative_drafting([kipchoge(f"K{i}") for i in range(8)])
    assert r.finish_time_s < 7200.0
    assert r.finish_time_s < min(r.solo_times_s.values())
    assert len(r.dropped_at_m) == 7  # everyone but the finisher leaves on the way


def test_more_runners_go_faster_and_no_drafting_is_solo():
    two = cooperative_drafting([kipchoge(f"K{i}") for i in range(2)])
    six = cooperative_drafting([kipchoge(f"K{i}") for i in range(6)])
    assert six.finish_time_s < two.finish_time_s
    none = cooperative_drafting([kipchoge(f"K{i}") for i in range(3)],
                                follower_drag_reduction_frac=0.0)
    assert none.finish_time_s == pytest.approx(7299.0, rel=0.002)
