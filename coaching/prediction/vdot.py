"""Daniels-Gilbert VDOT: a race performance expressed as the VO2max it implies.

Daniels J, Gilbert J (1979). *Oxygen Power: Performance Tables for Distance Runners*; the equations as printed
in Daniels J, *Daniels' Running Formula*: with velocity v in metres per minute and duration t in minutes,

    VO2(v)  = -4.60 + 0.182258 v + 0.000104 v^2                       (ml/kg/min)
    %max(t) = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)
    VDOT    = VO2(D / t) / %max(t)

A race time for a VDOT is found by solving VDOT(D, t) = target for t numerically (VDOT falls monotonically
with t at fixed D, so bisection is exact to the tolerance). Tested against Daniels' published tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from coaching.factors import Factor

COST_A, COST_B, COST_C = -4.60, 0.182258, 0.000104  # VO2 = A + B v + C v^2 (ml/kg/min, v in m/min)


def oxygen_cost(velocity_m_per_min: float) -> float:
    """Oxygen cost of running at ``velocity_m_per_min`` (m/min), in ml/kg/min (Daniels-Gilbert)."""
    v = velocity_m_per_min
    return COST_A + COST_B * v + COST_C * v * v


def oxygen_cost_slope(velocity_m_per_min: float) -> float:
    """d VO2 / d v at ``velocity_m_per_min``: ml/kg/min per m/min."""
    return COST_B + 2.0 * COST_C * velocity_m_per_min


def velocity_for_vo2(vo2: float) -> float:
    """Speed in metres/minute whose oxygen cost is ``vo2`` ml/kg/min (positive root of the cost curve)."""
    disc = COST_B * COST_B - 4.0 * COST_C * (COST_A - vo2)
    return (-COST_B + math.sqrt(disc)) / (2.0 * COST_C)


def fraction_of_vo2max(duration_min: float) -> float:
    """Fraction of VO2max sustainable for ``duration_min`` minutes (Daniels-Gilbert drop-dead curve)."""
    t = duration_min
    return 0.8 + 0.1894393 * math.exp(-0.012778 * t) + 0.2989558 * math.exp(-0.1932605 * t)


def vdot_from_race(distance_m: float, time_s: float) -> float:
    """VDOT (ml/kg/min) implied by running ``distance_m`` metres in ``time_s`` seconds."""
    if distance_m <= 0 or time_s <= 0:
        raise ValueError("distance and time must be positive")
    t_min = time_s / 60.0
    return oxygen_cost(distance_m / t_min) / fraction_of_vo2max(t_min)


def race_time_from_vdot(vdot: float, distance_m: float, tol_s: float = 0.01) -> float:
    """Time in seconds over ``distance_m`` metres that a runner of this VDOT is predicted to run.

    Solved by bisection on t in [distance / 1000 m/min, distance / 20 m/min] (about 3 s/km to 50 min/km).
    """
    if vdot <= 0 or distance_m <= 0:
        raise ValueError("VDOT and distance must be positive")
    lo = distance_m / 1000.0 * 60.0  # 1000 m/min: faster than any human
    hi = distance_m / 20.0 * 60.0  # 20 m/min: slower than walking
    if vdot_from_race(distance_m, hi) > vdot or vdot_from_race(distance_m, lo) < vdot:
        raise ValueError(f"VDOT {vdot} is outside the range the equations cover at {distance_m} m")
    while hi - lo > tol_s:
        mid = 0.5 * (lo + hi)
        if vdot_from_race(distance_m, mid) > vdot:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def vdot_equivalent_time(time_s: float, distance_m: float, target_distance_m: float) -> float:
    """Time in seconds over ``target_distance_m`` with the same VDOT as ``time_s`` over ``distance_m``."""
    return race_time_from_vdot(vdot_from_race(distance_m, time_s), target_distance_m)


#: Efforts that :func:`estimate_vdot` uses: 1.5 km to a marathon (the range Daniels' tables cover), metres.
EFFORT_MIN_M = 1500.0
EFFORT_MAX_M = 42_500.0


@dataclass(frozen=True, slots=True)
class VdotEstimate:
    """A runner's VDOT (ml/kg/min) from their best recent effort, with the effort it came from."""

    vdot: float
    distance_m: float
    time_s: float
    date: str
    basis: tuple[Factor, ...]


def estimate_vdot(efforts: Iterable[tuple[str | date, float, float]]) -> VdotEstimate | None:
    """Highest VDOT among ``efforts`` given as (day, distance_m, time_s); None when there are none.

    The day is a date or an ISO date string. Only efforts from 1.5 km to 42.2 km are used (the range
    Daniels' tables cover). Pass real efforts (races, hard sessions): an easy run gives a VDOT far below
    the runner's fitness.
    """
    best: tuple[float, str | date, float, float] | None = None
    for day, distance_m, time_s in efforts:
        if not (EFFORT_MIN_M <= distance_m <= EFFORT_MAX_M) or time_s <= 0:
            continue
        v = vdot_from_race(distance_m, time_s)
        if best is None or v > best[0]:
            best = (v, day, distance_m, time_s)
    if best is None:
        return None
    v, day, distance_m, time_s = best
    iso = day if isinstance(day, str) else day.isoformat()
    factor = Factor(
        key="race",
        value=float(distance_m),
        unit="m",
        contribution=v,
        detail={"distance_m": float(distance_m), "time_s": float(time_s), "date": iso},
    )
    return VdotEstimate(vdot=v, distance_m=distance_m, time_s=time_s, date=iso, basis=(factor,))
