"""Efficiency factor and aerobic decoupling (the training-log indices popularised by TrainingPeaks).

Efficiency factor EF = speed / heart rate, here in metres per minute per beat per minute (m/beat).
Aerobic decoupling = (EF_first_half - EF_second_half) / EF_first_half (dimensionless; > 0.05 is usually read
as a lack of aerobic endurance for that duration). A rising EF at similar effort suggests improving aerobic
fitness; the trend is the least-squares slope over time of per-run EF, reported per week and relative to the
runner's baseline. Compare only like with like (steady runs, similar terrain): EF falls on hills and in heat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching.factors import Factor


def efficiency_factor(distance_m: float, time_s: float, avg_hr_bpm: float) -> float:
    """EF of one run: speed in m/min divided by average heart rate in bpm."""
    if distance_m <= 0 or time_s <= 0 or avg_hr_bpm <= 0:
        raise ValueError("distance, time and heart rate must be positive")
    return (distance_m / (time_s / 60.0)) / avg_hr_bpm


def aerobic_decoupling(ef_first_half: float, ef_second_half: float) -> float:
    """(EF first half - EF second half) / EF first half; positive when the heart rate drifted up."""
    if ef_first_half <= 0:
        raise ValueError("EF must be positive")
    return (ef_first_half - ef_second_half) / ef_first_half


@dataclass(frozen=True, slots=True)
class EfficiencyTrend:
    """Recent and baseline EF (m/beat), relative change, slope per week, with factors."""

    ef_recent: float
    ef_baseline: float
    change_pct: float
    slope_per_week: float
    n_runs: int
    basis: tuple[Factor, ...]


def efficiency_trend(
    runs: pd.DataFrame,
    today: pd.Timestamp,
    recent_days: int = 28,
    baseline_days: int = 84,
    min_duration_s: float = 1200.0,
    max_hr_fraction: float = 0.85,
) -> EfficiencyTrend | None:
    """EF trend over steady runs: columns ``date``, ``distance_m``, ``time_s``, ``avg_hr``.

    Uses runs of at least ``min_duration_s`` seconds in the ``baseline_days`` before ``today`` whose average
    HR is at most ``max_hr_fraction`` of the highest average HR in the data (to keep hard sessions out).
    "Recent" is the last ``recent_days``; baseline is the earlier part of the window. None when either part
    has fewer than three runs.
    """
    if runs.empty or "avg_hr" not in runs:
        return None
    df = runs.dropna(subset=["avg_hr"]).copy()
    df["date"] = pd.to_datetime(df["date"])
    df = df[(df["avg_hr"] > 0) & (df["time_s"] >= min_duration_s) & (df["distance_m"] > 0)]
    if df.empty:
        return None
    hr_cap = max_hr_fraction * float(df["avg_hr"].max())
    start = today - pd.Timedelta(days=baseline_days)
    df = df[(df["avg_hr"] <= hr_cap) & (df["date"] > start) & (df["date"] <= today)]
    df["ef"] = (df["distance_m"] / (df["time_s"] / 60.0)) / df["avg_hr"]
    split = today - pd.Timedelta(days=recent_days)
    recent = df[df["date"] > split]
    base = df[df["date"] <= split]
    if len(recent) < 3 or len(base) < 3:
        return None
    ef_r = float(recent["ef"].median())
    ef_b = float(base["ef"].median())
    weeks = (df["date"] - start).dt.total_seconds().to_numpy() / (7 * 86400.0)
    slope = float(np.polyfit(weeks, df["ef"].to_numpy(dtype=float), 1)[0])
    change = 100.0 * (ef_r - ef_b) / ef_b
    factor = Factor(
        key="efficiency_factor",
        value=ef_r,
        unit="m/beat",
        contribution=change,
        usual=(float(base["ef"].quantile(0.25)), float(base["ef"].quantile(0.75))),
        detail={"n_recent": float(len(recent)), "n_baseline": float(len(base))},
    )
    return EfficiencyTrend(ef_r, ef_b, change, slope, len(df), (factor,))


def decoupling_trend(dates: pd.Series, decoupling: pd.Series) -> float:
    """Least-squares slope of per-run aerobic decoupling per week (negative = improving endurance)."""
    d = pd.to_datetime(dates)
    if len(d) < 2:
        return 0.0
    weeks = (d - d.min()).dt.total_seconds().to_numpy() / (7 * 86400.0)
    if np.ptp(weeks) == 0:
        return 0.0
    return float(np.polyfit(weeks, decoupling.to_numpy(dtype=float), 1)[0])
