"""Find a runner's real efforts in their history: the runs a race prediction may rest on.

An easy run says little about race fitness, so treating every run as maximal would make every prediction
slow. A run counts as an effort when any of these holds (``effort_kind`` says which, first match wins):

* ``race``: the runner or the importer flagged it as a race (``is_race``);
* ``segment``: a best effort inside a longer run (a row the importer produced from a run's splits, flagged
  ``is_segment``); taken as given;
* ``rpe``: session RPE at least ``rpe_min`` (CR-10; 8 = "very hard");
* ``hr``: average heart rate at least ``hr_fraction`` of the runner's reference HR, the 98th percentile of the
  average HR of their runs (only with ``min_reference_runs`` runs with HR to judge by) and at least
  ``typical_margin`` above their median average HR;
* ``pace``: its Riegel-1.06 10 km-equivalent time (Riegel 1981) is within ``pace_margin`` of the runner's best
  equivalent over the previous ``best_window_days`` days (a near-best performance for the distance) and at
  least ``typical_margin`` faster than their median equivalent over that window (so a runner who always runs
  at the same pace does not turn every run into an effort).

With ``causal=True`` (the default) every run is judged only against runs before it, so the flag can be used in
a walk-forward evaluation and never changes when later runs arrive. Runs shorter than
``min_distance_m`` metres
or with a pace outside 2:30-15:00 min/km (GPS glitches, paused watches, walks) are never efforts.

Input columns: ``date``, ``distance_m``, ``time_s``; optional ``is_race``, ``is_segment``,
``avg_hr``, ``rpe``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching.prediction.riegel import RIEGEL_EXPONENT

MIN_PACE_S_PER_KM = 150.0
MAX_PACE_S_PER_KM = 900.0


def equivalent_10k_s(distance_m: pd.Series, time_s: pd.Series) -> pd.Series:
    """Riegel-1.06 10 km-equivalent time (seconds) of each run."""
    return time_s * (10_000.0 / distance_m) ** RIEGEL_EXPONENT


def detect_efforts(
    runs: pd.DataFrame,
    *,
    min_distance_m: float = 1500.0,
    rpe_min: float = 8.0,
    hr_fraction: float = 0.92,
    min_reference_runs: int = 10,
    pace_margin: float = 0.04,
    typical_margin: float = 0.05,
    best_window_days: int = 365,
    causal: bool = True,
) -> pd.DataFrame:
    """Copy of ``runs`` sorted by date with ``valid``, ``effort`` (bool), ``effort_kind`` and
    ``equiv_10k_s``."""
    df = runs.copy()
    df["date"] = pd.to_datetime(df["date"])
    df = df.sort_values("date", kind="stable").reset_index(drop=True)
    dist = df["distance_m"].astype(float)
    time = df["time_s"].astype(float)
    pace = time / (dist / 1000.0)
    valid = (dist >= min_distance_m) & (pace >= MIN_PACE_S_PER_KM) & (pace <= MAX_PACE_S_PER_KM)
    df["valid"] = valid.fillna(False).astype(bool)
    eq = equivalent_10k_s(dist.where(df["valid"]), time.where(df["valid"]))
    df["equiv_10k_s"] = eq
    kind = pd.Series("", index=df.index, dtype=object)

    # pace: near the best equivalent of the previous best_window_days (causal: strictly earlier runs + itself)
    eq_ts = pd.Series(eq.to_numpy(), index=df["date"])
    if causal:
        best = eq_ts.rolling(f"{best_window_days}D", min_periods=1).min().to_numpy()
        typical = eq_ts.rolling(f"{best_window_days}D", min_periods=1).median().to_numpy()
        n_before = np.arange(len(df))
    else:
        best = np.full(len(df), float(np.nanmin(eq)) if eq.notna().any() else np.nan)
        typical = np.full(len(df), float(np.nanmedian(eq)) if eq.notna().any() else np.nan)
        n_before = np.full(len(df), len(df))
    eqv = eq.to_numpy()
    near_best = (
        (eqv <= best * (1.0 + pace_margin))
        & (eqv <= typical * (1.0 - typical_margin))
        & (n_before >= min_reference_runs)
    )
    kind[near_best & df["valid"].to_numpy()] = "pace"

    if "avg_hr" in df:
        hr = df["avg_hr"].astype(float).where(df["valid"] & (df["avg_hr"] > 0))
        if causal:
            ref = hr.expanding(min_periods=min_reference_runs).quantile(0.98).shift(1)
            med = hr.expanding(min_periods=min_reference_runs).median().shift(1)
        else:
            ref = pd.Series(
                hr.quantile(0.98) if hr.notna().sum() >= min_reference_runs else np.nan, index=df.index
            )
            med = pd.Series(hr.median(), index=df.index)
        hard = (hr >= hr_fraction * ref) & (hr >= (1.0 + typical_margin) * med)
        kind[hard.fillna(False).to_numpy(dtype=bool)] = "hr"
    if "rpe" in df:
        kind[(df["rpe"].astype(float) >= rpe_min).fillna(False).to_numpy(dtype=bool) & df["valid"]] = "rpe"
    if "is_segment" in df:
        kind[df["is_segment"].fillna(False).astype(bool) & df["valid"]] = "segment"
    if "is_race" in df:
        kind[df["is_race"].fillna(False).astype(bool) & df["valid"]] = "race"
    df["effort_kind"] = kind
    df["effort"] = kind != ""
    return df
