"""Plausibility checks: implausible facts are reported, never stored.

Reason codes: ``too_fast`` (faster than the world record allows), ``too_long`` (distance/duration/
sleep beyond what a session can be), ``out_of_range`` (a number outside its scale or physiology).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .entities import finite

MAX_RUN_M = 300_000.0
MAX_DURATION_S = 48 * 3600.0

# Minimum plausible pace (s/km) for non-running sports; running uses a world-record curve.
_SPORT_MIN_PACE = {
    "cycling": 55.0,  # ~65 km/h average
    "swimming": 500.0,  # 50 s/100 m
    "rowing": 150.0,
    "walking": 200.0,
    "hiking": 200.0,
    "elliptical": 60.0,
    "aqua_jogging": 200.0,
    "skiing": 20.0,
}

_RANGES: dict[str, tuple[float, float, str]] = {
    "rpe": (1, 10, "out_of_range"),
    "hrv_ms": (5, 250, "out_of_range"),
    "rhr_bpm": (25, 120, "out_of_range"),
    "avg_hr": (30, 230, "out_of_range"),
    "sleep_h": (0, 16, "too_long"),
    "sleep_quality": (1, 5, "out_of_range"),
    "soreness": (1, 5, "out_of_range"),
    "fatigue": (1, 5, "out_of_range"),
    "stress": (1, 5, "out_of_range"),
    "mood": (1, 5, "out_of_range"),
    "available_minutes": (1, 24 * 60, "out_of_range"),
    "distance_m": (1, MAX_RUN_M, "too_long"),
    "duration_s": (1, MAX_DURATION_S, "too_long"),
    "pace_s_per_km": (100, 1800, "out_of_range"),
    "race_distance_m": (100, 1_000_000, "out_of_range"),
    "target_time_s": (10, 14 * 24 * 3600, "out_of_range"),
}


def world_record_s(distance_m: float) -> float:
    """A lenient lower bound on the time a human needs to run ``distance_m``.

    Riegel's curve anchored on ~12:35 for 5 km (close to the world records from 1 km to 100 km),
    and a flat 10.4 m/s for sprints.
    """
    if distance_m <= 0:
        return 0.0
    if distance_m < 400:
        return distance_m / 10.4
    return float(755.0 * (distance_m / 5000.0) ** 1.06)


def _too_fast(distance_m: float, duration_s: float, sport: str | None) -> bool:
    if distance_m <= 0 or duration_s <= 0:
        return False
    if sport is None or sport == "running":
        return duration_s < 0.97 * world_record_s(distance_m)
    floor = _SPORT_MIN_PACE.get(sport)
    return floor is not None and duration_s / (distance_m / 1000.0) < floor


def check(entities: dict[str, Any], *, sport: str | None = None) -> tuple[dict[str, Any], list[tuple[str, Any, str]]]:
    """Split ``entities`` into (plausible, implausible[(key, value, reason)])."""
    ent = dict(entities)
    bad: list[tuple[str, Any, str]] = []

    def drop(key: str, reason: str) -> None:
        if key in ent:
            bad.append((key, ent.pop(key), reason))

    for key, value in list(ent.items()):
        if isinstance(value, float | int) and not isinstance(value, bool) and not finite(value):
            drop(key, "out_of_range")

    dist, dur = ent.get("distance_m"), ent.get("duration_s")
    if isinstance(dist, int | float) and isinstance(dur, int | float) and _too_fast(dist, dur, sport):
        drop("distance_m", "too_fast")
        drop("duration_s", "too_fast")
        drop("pace_s_per_km", "too_fast")
    pace = ent.get("pace_s_per_km")
    if isinstance(pace, int | float) and (sport is None) and pace < 0.97 * world_record_s(1500) / 1.5:
        drop("pace_s_per_km", "too_fast")
    race, target = ent.get("race_distance_m"), ent.get("target_time_s")
    if isinstance(race, int | float) and isinstance(target, int | float) and _too_fast(race, target, None):
        drop("target_time_s", "too_fast")

    is_in: Callable[[float, float, float], bool] = lambda v, lo, hi: lo <= v <= hi  # noqa: E731
    for key, (lo, hi, reason) in _RANGES.items():
        v = ent.get(key)
        if isinstance(v, int | float) and not isinstance(v, bool) and not is_in(v, lo, hi):
            if key in ("distance_m", "duration_s", "sleep_h") and v < lo:
                reason = "out_of_range"
            drop(key, reason)
    if sport in (None, "running") and "distance_m" in ent and "duration_s" not in ent:
        pass
    return ent, bad
