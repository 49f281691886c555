"""Riegel's power-law race-time equivalence.

Riegel PS (1981). "Athletic records and human endurance." American Scientist 69(3): 285-290:
``T2 = T1 * (D2 / D1) ** 1.06`` with distances in metres and times in seconds. Vickers & Vertosick 2016
(BMC Sports Sci Med Rehabil 8:26) show it is well calibrated up to the half marathon but too fast for the
marathon for most recreational runners; it is kept here as the baseline every model is compared with.
"""

from __future__ import annotations

import math

RIEGEL_EXPONENT = 1.06


def riegel_time(
    time_s: float, distance_m: float, target_distance_m: float, exponent: float = RIEGEL_EXPONENT
) -> float:
    """Time in seconds for ``target_distance_m`` metres equivalent to ``time_s`` seconds over ``distance_m``.

    >>> round(riegel_time(2400.0, 10_000.0, 21_097.5))
    5295
    """
    if time_s <= 0 or distance_m <= 0 or target_distance_m <= 0:
        raise ValueError("times and distances must be positive")
    return float(time_s * (target_distance_m / distance_m) ** exponent)


def implied_exponent(distance1_m: float, time1_s: float, distance2_m: float, time2_s: float) -> float:
    """The Riegel exponent that links two performances: log(T2/T1) / log(D2/D1) (dimensionless)."""
    if distance1_m == distance2_m:
        raise ValueError("the two distances must differ")
    return math.log(time2_s / time1_s) / math.log(distance2_m / distance1_m)
