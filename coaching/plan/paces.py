"""Training paces from current fitness (Daniels-Gilbert VDOT) and heart-rate ranges (Karvonen).

Equations (REFERENCES.md, "Race-time prediction"; Daniels & Gilbert 1979, *Oxygen Power*):
oxygen cost ``VO2 = -4.60 + 0.182258 v + 0.000104 v^2`` (ml/kg/min, v in metres per minute) and
the fraction of VO2max sustainable for ``t`` minutes
``%max(t) = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)``; VDOT = VO2 / %max.

Training intensities as fractions of VDOT were set so that the paces reproduce Daniels' published
pace tables (e.g. VDOT 50: E about 5:07-5:38 /km, T about 4:15 /km, I about 3:55 /km) to a few
seconds per km: E 62-70 %, T 88 %, I 97.5 %, R 105 %; M is the predicted marathon pace itself.
Paces are in seconds per kilometre (s/km); a range is ``(fast, slow)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from coaching.prediction.vdot import oxygen_cost, race_time_from_vdot, vdot_from_race, velocity_for_vo2

__all__ = ["race_time_from_vdot", "vdot_from_race", "velocity_for_vo2"]


def pace_at_fraction(vdot: float, fraction: float) -> float:
    """Pace in s/km at ``fraction`` of VDOT (oxygen cost = fraction x VDOT)."""
    return 60000.0 / velocity_for_vo2(fraction * vdot)


def vdot_from_threshold_pace(pace_s_per_km: float) -> float:
    """VDOT whose T pace (88 % of VDOT) equals ``pace_s_per_km``."""
    return oxygen_cost(60000.0 / pace_s_per_km) / T_FRACTION


E_FRACTIONS = (0.70, 0.62)
T_FRACTION = 0.88
I_FRACTION = 0.975
R_FRACTION = 1.05


@dataclass(frozen=True, slots=True)
class TrainingPaces:
    """Daniels training paces in s/km as ``(fast, slow)`` ranges."""

    vdot: float
    easy: tuple[float, float]
    marathon: tuple[float, float]
    threshold: tuple[float, float]
    interval: tuple[float, float]
    repetition: tuple[float, float]

    def race_pace(self, distance_m: float) -> tuple[float, float]:
        """Predicted race pace for ``distance_m`` +- 1 %, s/km."""
        p = race_time_from_vdot(self.vdot, distance_m) / (distance_m / 1000.0)
        return (p * 0.99, p * 1.01)


def _band(p: float, rel: float) -> tuple[float, float]:
    return (p * (1.0 - rel), p * (1.0 + rel))


def training_paces(vdot: float) -> TrainingPaces:
    """Daniels E/M/T/I/R paces for ``vdot`` (see module docstring for the fractions)."""
    m = race_time_from_vdot(vdot, 42195.0) / 42.195
    return TrainingPaces(
        vdot=vdot,
        easy=(pace_at_fraction(vdot, E_FRACTIONS[0]), pace_at_fraction(vdot, E_FRACTIONS[1])),
        marathon=_band(m, 0.01),
        threshold=_band(pace_at_fraction(vdot, T_FRACTION), 0.01),
        interval=_band(pace_at_fraction(vdot, I_FRACTION), 0.01),
        repetition=_band(pace_at_fraction(vdot, R_FRACTION), 0.015),
    )


@lru_cache(maxsize=2048)
def _paces_cached(vdot_tenths: int) -> TrainingPaces:
    return training_paces(vdot_tenths / 10.0)


def paces_for(vdot: float | None, threshold_pace_s_per_km: float | None) -> TrainingPaces | None:
    """Paces from VDOT, else from a threshold pace (s/km), else None (prescribe by effort).

    VDOT is rounded to 0.1 (about 0.5 s/km) and the paces memoised.
    """
    if vdot is not None and 15.0 <= vdot <= 90.0:
        return _paces_cached(round(vdot * 10))
    if threshold_pace_s_per_km is not None and 150.0 <= threshold_pace_s_per_km <= 600.0:
        return _paces_cached(round(vdot_from_threshold_pace(threshold_pace_s_per_km) * 10))
    return None


# Karvonen (REFERENCES.md, "Zones"): HR = HRrest + f (HRmax - HRrest). Fractions of heart-rate
# reserve per intensity, approximating Daniels' %VO2max bands (%HRR tracks %VO2 reserve).
HRR_FRACTIONS: dict[str, tuple[float, float]] = {
    "recovery": (0.50, 0.62),
    "easy": (0.60, 0.74),
    "long": (0.62, 0.76),
    "marathon": (0.75, 0.84),
    "threshold": (0.83, 0.88),
    "interval": (0.90, 0.98),
}


def karvonen(hr_max: float | None, hr_rest: float | None, intensity: str) -> tuple[int, int] | None:
    """Heart-rate range in bpm for ``intensity`` (a key of ``HRR_FRACTIONS``), or None."""
    if hr_max is None or hr_rest is None or hr_max <= hr_rest + 20:
        return None
    f = HRR_FRACTIONS.get(intensity)
    if f is None:
        return None
    reserve = hr_max - hr_rest
    return (round(hr_rest + f[0] * reserve), round(hr_rest + f[1] * reserve))
