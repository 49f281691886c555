"""Data classes shared by all importers: laps, 1 Hz series, activities and per-file results."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

SPORTS: tuple[str, ...] = ("running", "trail", "treadmill", "walking", "cycling", "swimming", "other")
RUN_SPORTS: frozenset[str] = frozenset({"running", "trail", "treadmill"})
BEST_EFFORT_DISTANCES: tuple[int, ...] = (400, 1000, 1609, 5000, 10000, 21097, 42195)


@dataclass(frozen=True)
class Lap:
    """One lap as recorded by the device or app."""

    start_time: datetime
    elapsed_time_s: float
    distance_m: float | None
    avg_hr: float | None


@dataclass
class ActivitySeries:
    """1 Hz series; numpy float arrays of equal length, NaN where unknown."""

    t_s: np.ndarray
    distance_m: np.ndarray
    speed_m_s: np.ndarray
    hr_bpm: np.ndarray
    altitude_m: np.ndarray


@dataclass
class ImportedActivity:
    """One activity, whatever the file format it came from."""

    sport: str
    start_time: datetime
    local_date: date
    moving_time_s: float
    elapsed_time_s: float
    distance_m: float | None
    elevation_gain_m: float | None
    avg_hr: float | None
    max_hr: float | None
    avg_cadence_spm: float | None
    laps: list[Lap]
    series: ActivitySeries | None
    time_in_zones_s: dict[str, float] | None
    best_efforts: dict[int, float]
    source: str
    source_format: str
    name: str | None = None

    def fingerprint(self) -> str:
        """Stable hash for exact duplicates: start minute, distance rounded to 100 m, sport."""
        minute = self.start_time.strftime("%Y-%m-%dT%H:%M")
        dist = "none" if self.distance_m is None else str(round(self.distance_m / 100.0))
        raw = f"{minute}|{dist}|{self.sport}"
        return hashlib.sha256(raw.encode()).hexdigest()[:24]


@dataclass
class FileResult:
    """The outcome for one input file (or one ZIP member)."""

    file: str
    ok: bool
    activities: list[ImportedActivity]
    error: str | None
    error_params: dict[str, Any] = field(default_factory=dict)
    skipped: int = 0
