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

from bisect import bisect_left, insort

import numpy as np
import numpy.typing as npt
import pandas as pd

from coaching.prediction.riegel import RIEGEL_EXPONENT

MIN_PACE_S_PER_KM = 150.0
MAX_PACE_S_PER_KM = 900.0


FloatArray = npt.NDArray[np.float64]


def equivalent_10k_s(distance_m: FloatArray, time_s: FloatArray) -> FloatArray:
    """Riegel-1.06 10 km-equivalent time (seconds) of each run (metres, seconds)."""
    return time_s * (10_000.0 / distance_m) ** RIEGEL_EXPONENT


def _floats(df: pd.DataFrame, col: str) -> FloatArray:
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _flags(df: pd.DataFrame, col: str) -> npt.NDArray[np.bool_]:
    return df[col].fillna(False).astype(bool).to_numpy(dtype=bool)


def _window_min_median(t_ns: npt.NDArray[np.int64], eq: FloatArray, window_ns: int) -> tuple[FloatArray, FloatArray]:
    """Minimum and median of the non-NaN ``eq`` of each row's window: the rows up to and including it whose
    time is less than ``window_ns`` before its own (``t_ns`` ascending, nanoseconds), as pandas' time-based
    rolling windows. NaN where the window has none."""
    n = len(eq)
    best, typical = np.full(n, np.nan), np.full(n, np.nan)
    start = np.searchsorted(t_ns, t_ns - window_ns, side="right")
    window: list[float] = []  # the window's non-NaN values, sorted
    lo = 0
    for i in range(n):
        while lo < start[i]:
            if eq[lo] == eq[lo]:
                del window[bisect_left(window, eq[lo])]
            lo += 1
        if eq[i] == eq[i]:
            insort(window, float(eq[i]))
        k = len(window)
        if k:
            best[i] = window[0]
            typical[i] = window[k // 2] if k % 2 else (window[k // 2 - 1] + window[k // 2]) / 2.0
    return best, typical


def _expanding_before(x: FloatArray, q: float, min_count: int) -> tuple[FloatArray, FloatArray]:
    """For each row, the ``q`` quantile (linear interpolation) and the median of the non-NaN ``x`` of the rows
    before it; NaN until ``min_count`` values are there."""
    n = len(x)
    quant, med = np.full(n, np.nan), np.full(n, np.nan)
    seen: list[float] = []  # sorted
    for i in range(n):
        k = len(seen)
        if k >= min_count:
            pos = q * (k - 1)
            j = int(pos)
            frac = pos - j
            quant[i] = seen[j] if frac == 0.0 or j + 1 >= k else seen[j] + (seen[j + 1] - seen[j]) * frac
            med[i] = seen[k // 2] if k % 2 else (seen[k // 2 - 1] + seen[k // 2]) / 2.0
        if x[i] == x[i]:
            insort(seen, float(x[i]))
    return quant, med


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
    ``equiv_10k_s``.

    Array code with sorted running windows (a history has a few hundred runs; pandas' rolling and
    expanding set-up cost milliseconds even for one run, and this runs on every race question).
    """
    df = runs.copy()
    if df["date"].dtype.kind != "M":
        df["date"] = pd.to_datetime(df["date"])
    stamps = df["date"].to_numpy()
    in_order = bool((stamps[1:] >= stamps[:-1]).all()) and not np.isnat(stamps).any()
    if not in_order:
        df = df.sort_values("date", kind="stable")
    if not (in_order and isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1):
        df = df.reset_index(drop=True)
    n = len(df)
    dist = _floats(df, "distance_m")
    time = _floats(df, "time_s")
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = time / (dist / 1000.0)
        valid = (dist >= min_distance_m) & (pace >= MIN_PACE_S_PER_KM) & (pace <= MAX_PACE_S_PER_KM)
        eq = np.where(valid, equivalent_10k_s(dist, time), np.nan)
    kind = np.full(n, "", dtype=object)

    # pace: near the best equivalent of the previous best_window_days (causal: strictly earlier runs + itself)
    if causal:
        if df["date"].isna().any():
            raise ValueError("runs without a date cannot be judged against earlier runs")
        t_ns = df["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        best, typical = _window_min_median(t_ns, eq, best_window_days * 86_400 * 10**9)
        n_before = np.arange(n)
    else:
        some = bool(np.isfinite(eq).any())
        best = np.full(n, float(np.nanmin(eq)) if some else np.nan)
        typical = np.full(n, float(np.nanmedian(eq)) if some else np.nan)
        n_before = np.full(n, n)
    with np.errstate(invalid="ignore"):
        near_best = (eq <= best * (1.0 + pace_margin)) & (eq <= typical * (1.0 - typical_margin))
    near_best &= n_before >= min_reference_runs
    kind[near_best & valid] = "pace"

    if "avg_hr" in df:
        raw_hr = _floats(df, "avg_hr")
        with np.errstate(invalid="ignore"):
            hr = np.where(valid & (raw_hr > 0), raw_hr, np.nan)
        if causal:
            ref, med = _expanding_before(hr, 0.98, min_reference_runs)
        else:
            ok = hr[np.isfinite(hr)]
            ref = np.full(n, float(np.quantile(ok, 0.98)) if len(ok) >= min_reference_runs else np.nan)
            med = np.full(n, float(np.median(ok)) if len(ok) else np.nan)
        with np.errstate(invalid="ignore"):
            kind[(hr >= hr_fraction * ref) & (hr >= (1.0 + typical_margin) * med)] = "hr"
    if "rpe" in df:
        with np.errstate(invalid="ignore"):
            kind[(_floats(df, "rpe") >= rpe_min) & valid] = "rpe"
    if "is_segment" in df:
        kind[_flags(df, "is_segment") & valid] = "segment"
    if "is_race" in df:
        kind[_flags(df, "is_race") & valid] = "race"
    return df.assign(valid=valid, equiv_10k_s=eq, effort_kind=pd.Series(kind, index=df.index, dtype=object),
                     effort=kind != "")
