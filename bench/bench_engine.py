"""Benchmark of the coaching engine (load, daily series, readiness, injury risk).

Prints JSON: 10,000 runners x 365 days of synthetic, seeded sessions and check-ins -> all daily
metrics plus today's readiness and risk for every runner (target < 10 s), with peak memory;
and one runner x 3 years, warm (target < 20 ms median).

    python bench/bench_engine.py [--runners 10000] [--days 365]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coaching.inputs import RunnerProfile
from coaching.risk import READINESS_LOOKBACK_D, assess, assessments_today, engine_arrays


def synthetic(
    n_runners: int, n_days: int, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, RunnerProfile]]:
    """Seeded synthetic sessions (~4 a week, mixed sports and load methods) and daily check-ins."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(end=pd.Timestamp("2025-06-30"), periods=n_days, freq="D")
    rid = np.repeat(np.arange(n_runners, dtype=np.int64), n_days)
    day = np.tile(np.arange(n_days), n_runners)
    ran = rng.random(rid.size) < 0.57
    rid_s, day_s = rid[ran], day[ran]
    n = rid_s.size
    dur = rng.gamma(6.0, 600.0, n).clip(600, 4 * 3600)
    pace = rng.normal(360, 40, n).clip(220, 600)
    sport = rng.choice(
        np.array(["running", "trail", "treadmill", "cycling", "walking", "swimming"], dtype=object),
        n,
        p=[0.7, 0.08, 0.07, 0.08, 0.05, 0.02],
    )
    dist = np.where(np.isin(sport, ["swimming"]), np.nan, dur / pace * 1000.0)
    rpe = np.where(rng.random(n) < 0.5, rng.integers(2, 9, n).astype(float), np.nan)
    hr = np.where(rng.random(n) < 0.6, rng.normal(145, 12, n), np.nan)
    sessions = pd.DataFrame(
        {
            "runner_id": rid_s,
            "date": days.values[day_s],
            "sport": sport,
            "duration_s": dur,
            "distance_m": dist,
            "rpe": rpe,
            "avg_hr": hr,
            "elevation_gain_m": np.nan,
        }
    )
    has = rng.random(rid.size) < 0.7
    rid_c, day_c = rid[has], day[has]
    m = rid_c.size
    pain = rng.random(m) < 0.01
    checkins = pd.DataFrame(
        {
            "runner_id": rid_c,
            "date": days.values[day_c],
            "hrv_ms": np.exp(rng.normal(4.0, 0.2, m)),
            "rhr_bpm": rng.normal(52, 3, m),
            "sleep_h": rng.normal(7.3, 0.9, m).clip(3, 11),
            "sleep_quality": rng.integers(1, 6, m).astype(float),
            "fatigue": rng.integers(1, 6, m).astype(float),
            "soreness": rng.integers(1, 6, m).astype(float),
            "stress": rng.integers(1, 6, m).astype(float),
            "mood": rng.integers(1, 6, m).astype(float),
            "illness": (rng.random(m) < 0.01).astype(float),
            "pain_area": np.where(
                pain, rng.choice(np.array(["knee", "achilles", "back"], dtype=object), m), None
            ),
            "pain_score": np.where(pain, rng.integers(2, 8, m).astype(float), np.nan),
            "injury": 0.0,
        }
    )
    profiles = {
        int(r): RunnerProfile(
            sex="f" if r % 2 else "m",
            hr_max=float(185 + r % 15),
            hr_rest=float(45 + r % 10),
            threshold_pace_s_per_km=None if r % 3 else 300.0,
            injury_history=int(r % 3),
        )
        for r in range(n_runners)
    }
    return sessions, checkins, profiles


def bench_many(n_runners: int, n_days: int) -> dict[str, float]:
    sessions, checkins, profiles = synthetic(n_runners, n_days)
    today = sessions["date"].max()
    t0 = time.perf_counter()
    arrays = engine_arrays(sessions, checkins, profiles, today, window=READINESS_LOOKBACK_D)
    t1 = time.perf_counter()
    frame = arrays.full.to_frame()
    t2 = time.perf_counter()
    out = assessments_today(arrays)
    t3 = time.perf_counter()
    del arrays, frame
    # Second pass under tracemalloc (slower) for the peak memory of the same work.
    tracemalloc.start()
    arrays = engine_arrays(sessions, checkins, profiles, today, window=READINESS_LOOKBACK_D)
    frame = arrays.full.to_frame()
    assessments_today(arrays)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bands = pd.Series([a.risk.band for a in out.values()]).value_counts().to_dict()
    rbands = pd.Series([a.readiness.band for a in out.values()]).value_counts().to_dict()
    return {
        "runners": n_runners,
        "days": n_days,
        "sessions": len(sessions),
        "checkins": len(checkins),
        "daily_rows": len(frame),
        "seconds_total": round(t3 - t0, 3),
        "seconds_engine_arrays": round(t1 - t0, 3),
        "seconds_daily_frame": round(t2 - t1, 3),
        "seconds_today_objects": round(t3 - t2, 3),
        "target_seconds": 10.0,
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "risk_bands_today": {str(k): int(v) for k, v in bands.items()},
        "readiness_bands_today": {str(k): int(v) for k, v in rbands.items()},
    }


def bench_one(years: int = 3, repeats: int = 50) -> dict[str, float]:
    sessions, checkins, profiles = synthetic(1, 365 * years, seed=1)
    today = sessions["date"].max()
    for _ in range(5):
        assess(sessions, checkins, profiles[0], today)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        assess(sessions, checkins, profiles[0], today)
        times.append((time.perf_counter() - t) * 1000.0)
    return {
        "days": 365 * years,
        "sessions": len(sessions),
        "median_ms": round(float(np.median(times)), 2),
        "p90_ms": round(float(np.percentile(times, 90)), 2),
        "target_ms": 20.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runners", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=365)
    args = ap.parse_args()
    one = bench_one()
    many = bench_many(args.runners, args.days)
    many["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
    print(json.dumps({"many_runners": many, "one_runner_3y_warm": one}, indent=2))


if __name__ == "__main__":
    main()
