from __future__ import annotations

import pytest

from coaching.plan.paces import (
    karvonen,
    race_time_from_vdot,
    training_paces,
    vdot_from_race,
    vdot_from_threshold_pace,
)


@pytest.mark.parametrize(
    ("vdot", "distance", "table_s"),
    [  # Daniels' published VDOT tables
        (40, 5000, 24 * 60 + 8),
        (40, 42195, 3 * 3600 + 49 * 60 + 45),
        (50, 5000, 19 * 60 + 57),
        (50, 10000, 41 * 60 + 21),
        (50, 42195, 3 * 3600 + 10 * 60 + 49),
        (60, 5000, 17 * 60 + 3),
        (60, 42195, 2 * 3600 + 42 * 60 + 33),
    ],
)
def test_race_times_match_daniels_tables(vdot: float, distance: float, table_s: float) -> None:
    assert race_time_from_vdot(vdot, distance) == pytest.approx(table_s, rel=0.006)


def test_round_trip_and_threshold() -> None:
    assert vdot_from_race(5000, race_time_from_vdot(47.3, 5000)) == pytest.approx(47.3, abs=1e-3)
    p = training_paces(50.0)
    assert p.threshold[0] < 0.5 * sum(p.threshold) < p.threshold[1]
    assert 250 <= 0.5 * sum(p.threshold) <= 260  # about 4:15 /km
    assert 230 <= 0.5 * sum(p.interval) <= 240  # about 3:55 /km
    assert 300 <= p.easy[0] and p.easy[1] <= 345  # about 5:07-5:38 /km
    assert p.repetition[1] < p.interval[0] < p.threshold[0] < p.marathon[0] < p.easy[0]
    assert vdot_from_threshold_pace(0.5 * sum(p.threshold) / 1.0) == pytest.approx(50.0, abs=0.3)


def test_karvonen() -> None:
    assert karvonen(190, 50, "easy") == (134, 154)
    assert karvonen(None, 50, "easy") is None
    assert karvonen(190, 50, "unknown") is None
