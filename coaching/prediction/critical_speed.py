"""Critical speed (CS) and D' from a runner's best efforts.

Linear distance-time model (Hill 1925; Monod & Scherrer 1965; for runners Smyth & Muniz-Pumares 2020,
Med Sci Sports Exerc 52(12)): ``distance_m = CS * time_s + D'`` fitted by least squares on three or more
maximal efforts of different duration, ideally between 2 and 20 minutes. CS is in m/s, D' in metres.
Smyth & Muniz-Pumares found recreational marathoners race at about 85% of CS (93% for 2:30 finishers,
79% for 6-hour finishers); :func:`marathon_fraction_of_cs` interpolates that relationship.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coaching.factors import Factor

MIN_EFFORTS = 3


@dataclass(frozen=True, slots=True)
class CriticalSpeed:
    """CS (m/s), D' (m), the fit's R^2 and how many efforts it rests on, with one factor per effort."""

    cs_m_s: float
    d_prime_m: float
    r2: float
    n_efforts: int
    basis: tuple[Factor, ...]

    @property
    def cs_pace_s_per_km(self) -> float:
        """CS as a pace in s/km."""
        return 1000.0 / self.cs_m_s

    def time_for(self, distance_m: float) -> float:
        """Time in seconds to cover ``distance_m`` metres by the model: (D - D') / CS.

        Only meaningful for efforts of about 2-30 minutes (the model's domain).
        """
        if distance_m <= self.d_prime_m:
            raise ValueError("distance must exceed D'")
        return (distance_m - self.d_prime_m) / self.cs_m_s


def fit_critical_speed(
    distances_m: Sequence[float],
    times_s: Sequence[float],
    dates: Sequence[str] | None = None,
    min_time_s: float = 120.0,
    max_time_s: float = 1800.0,
) -> CriticalSpeed | None:
    """Fit CS and D' from best efforts (metres, seconds) lasting ``min_time_s``-``max_time_s`` seconds.

    Returns None when fewer than three usable efforts of at least two distinct durations remain, or when the
    fit is non-physical (CS <= 0 or D' < 0).
    """
    if len(distances_m) != len(times_s):
        raise ValueError("distances_m and times_s must have the same length")
    rows = [
        (float(d), float(t), (dates[i] if dates is not None else ""))
        for i, (d, t) in enumerate(zip(distances_m, times_s, strict=True))
        if min_time_s <= t <= max_time_s and d > 0
    ]
    if len(rows) < MIN_EFFORTS or len({t for _, t, _ in rows}) < 2:
        return None
    d = np.array([r[0] for r in rows])
    t = np.array([r[1] for r in rows])
    slope, intercept = np.polyfit(t, d, 1)
    if slope <= 0 or intercept < 0:
        return None
    fitted = slope * t + intercept
    ss_res = float(np.sum((d - fitted) ** 2))
    ss_tot = float(np.sum((d - d.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    basis = tuple(
        Factor(
            key="effort",
            value=dist,
            unit="m",
            contribution=float(dist - fit),
            detail={"distance_m": dist, "time_s": time, "date": date},
        )
        for (dist, time, date), fit in zip(rows, fitted, strict=True)
    )
    return CriticalSpeed(float(slope), float(intercept), r2, len(rows), basis)


def marathon_fraction_of_cs(marathon_time_s: float) -> float:
    """Fraction of CS held over a marathon, interpolated in log time between Smyth & Muniz-Pumares' anchors.

    0.93 at 2:30 and 0.79 at 6:00 (clamped outside), about 0.85 for a typical recreational finisher.
    """
    lo_t, hi_t = math.log(2.5 * 3600), math.log(6.0 * 3600)
    u = (math.log(marathon_time_s) - lo_t) / (hi_t - lo_t)
    u = min(max(u, 0.0), 1.0)
    return 0.93 + u * (0.79 - 0.93)


def marathon_time_from_cs(cs_m_s: float, tol_s: float = 1.0) -> float:
    """Marathon time in seconds for a runner with critical speed ``cs_m_s``, solving T = 42195 / (f(T) CS)."""
    t = 42_195.0 / (0.85 * cs_m_s)
    for _ in range(100):
        new = 42_195.0 / (marathon_fraction_of_cs(t) * cs_m_s)
        if abs(new - t) < tol_s:
            return new
        t = new
    return t
