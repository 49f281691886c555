"""Input schemas of the coaching engine and the helpers that validate and coerce them.

Two long-format DataFrames and one dataclass feed every model in ``coaching``:

``sessions`` (one row per training session)
    ============== ============== =============================================================
    column         dtype          meaning
    ============== ============== =============================================================
    runner_id      int64          the runner
    date           datetime64     local calendar day of the session (time of day is dropped)
    sport          str            one of :data:`SPORTS`; anything else becomes ``"other"``
    duration_s     float64        moving time, seconds (> 0; rows without it are dropped)
    distance_m     float64        metres, NaN when unknown
    rpe            float64        session RPE, Borg CR-10 (1-10), NaN when not reported
    avg_hr         float64        mean heart rate, bpm, NaN when not recorded
    elevation_gain_m float64      metres climbed, NaN when unknown
    expected_rpe   float64        optional: the RPE the plan expected for the session (1-10)
    ============== ============== =============================================================

``checkins`` (one row per runner and day; several rows on a day are averaged)
    ============== ============== =============================================================
    runner_id      int64
    date           datetime64     local calendar day the check-in describes (morning report)
    hrv_ms         float64        RMSSD, milliseconds
    rhr_bpm        float64        resting heart rate, bpm
    sleep_h        float64        hours slept last night
    sleep_quality  float64        1 = worst ... 5 = best
    fatigue        float64        1 = fresh (best) ... 5 = exhausted (worst)
    soreness       float64        1 = none (best) ... 5 = very sore (worst)
    stress         float64        1 = relaxed (best) ... 5 = very stressed (worst)
    mood           float64        1 = worst ... 5 = best
    illness        float64        1.0 ill, 0.0 well, NaN unknown
    pain_area      object         body area of a pain report ("knee", "achilles"...), None
    pain_score     float64        0-10, NaN when not reported
    injury         float64        1.0 when the runner reported an injury that day, else 0.0/NaN
    ============== ============== =============================================================

Scale convention (used everywhere in the engine): for fatigue, soreness and stress a higher
number is worse; for mood and sleep_quality a higher number is better. Values outside a
column's valid range become NaN (missing), never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

SPORTS: tuple[str, ...] = ("running", "trail", "treadmill", "walking", "cycling", "swimming", "other")
#: Sports whose distance counts as running distance (longest run, weekly running distance).
RUN_SPORTS: frozenset[str] = frozenset({"running", "trail", "treadmill"})

SESSION_COLUMNS: dict[str, str] = {
    "runner_id": "int64",
    "date": "datetime64[ns]",
    "sport": "object",
    "duration_s": "float64",
    "distance_m": "float64",
    "rpe": "float64",
    "avg_hr": "float64",
    "elevation_gain_m": "float64",
    "expected_rpe": "float64",
}
SESSION_REQUIRED: tuple[str, ...] = ("runner_id", "date", "duration_s")

CHECKIN_COLUMNS: dict[str, str] = {
    "runner_id": "int64",
    "date": "datetime64[ns]",
    "hrv_ms": "float64",
    "rhr_bpm": "float64",
    "sleep_h": "float64",
    "sleep_quality": "float64",
    "fatigue": "float64",
    "soreness": "float64",
    "stress": "float64",
    "mood": "float64",
    "illness": "float64",
    "pain_area": "object",
    "pain_score": "float64",
    "injury": "float64",
}
CHECKIN_REQUIRED: tuple[str, ...] = ("runner_id", "date")

#: Valid closed ranges; values outside become NaN.
_SESSION_RANGES: dict[str, tuple[float, float]] = {
    "duration_s": (1.0, 86_400.0),
    "distance_m": (0.0, 500_000.0),
    "rpe": (1.0, 10.0),
    "expected_rpe": (1.0, 10.0),
    "avg_hr": (30.0, 240.0),
    "elevation_gain_m": (0.0, 20_000.0),
}
_CHECKIN_RANGES: dict[str, tuple[float, float]] = {
    "hrv_ms": (3.0, 400.0),
    "rhr_bpm": (25.0, 130.0),
    "sleep_h": (0.0, 16.0),
    "sleep_quality": (1.0, 5.0),
    "fatigue": (1.0, 5.0),
    "soreness": (1.0, 5.0),
    "stress": (1.0, 5.0),
    "mood": (1.0, 5.0),
    "illness": (0.0, 1.0),
    "pain_score": (0.0, 10.0),
    "injury": (0.0, 1.0),
}

#: Population default threshold pace when neither the profile nor the data give one (s/km).
#: 5:15 /km is a mid-pack recreational 10 km-to-half-marathon pace; an engine assumption.
DEFAULT_THRESHOLD_PACE_S_PER_KM = 315.0


class InputError(ValueError):
    """An input frame lacks a required column or cannot be coerced."""


@dataclass(frozen=True, slots=True)
class RunnerProfile:
    """What the engine knows about a runner besides the logs.

    ``hr_max`` and ``hr_rest`` in bpm; ``threshold_pace_s_per_km`` in seconds per kilometre
    (None: estimated from the runner's runs, else :data:`DEFAULT_THRESHOLD_PACE_S_PER_KM`);
    ``injury_history`` is the count of earlier running injuries the runner reported.
    """

    sex: str | None = None
    hr_max: float | None = None
    hr_rest: float | None = None
    threshold_pace_s_per_km: float | None = None
    injury_history: int = 0


def _check_required(df: pd.DataFrame, required: tuple[str, ...], what: str) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"{what} frame lacks required column(s): {', '.join(missing)}")


def _to_day(values: pd.Series) -> npt.NDArray[np.datetime64]:
    if values.dtype == "datetime64[ns]":
        arr = values.to_numpy()
    else:
        out = pd.to_datetime(values, errors="coerce")
        if isinstance(out.dtype, pd.DatetimeTZDtype):
            out = out.dt.tz_localize(None)
        arr = out.to_numpy(dtype="datetime64[ns]")
    return arr.astype("datetime64[D]").astype("datetime64[ns]")


def _numeric(df: pd.DataFrame, col: str, lo_hi: tuple[float, float]) -> FloatArray:
    n = len(df)
    if col not in df.columns:
        return np.full(n, np.nan)
    s = df[col]
    if s.dtype.kind in "fiu":
        x = s.to_numpy(dtype=np.float64, na_value=np.nan)
    elif s.dtype.kind == "b":
        x = s.to_numpy(dtype=np.float64)
    else:
        x = pd.to_numeric(
            s.map(lambda v: float(v) if isinstance(v, bool | np.bool_) else v), errors="coerce"
        ).to_numpy(dtype=np.float64, na_value=np.nan)
    lo, hi = lo_hi
    with np.errstate(invalid="ignore"):
        return np.where((x >= lo) & (x <= hi), x, np.nan)


def _finish(cols: dict[str, object], ok: npt.NDArray[np.bool_]) -> pd.DataFrame:
    rid = np.asarray(cols["runner_id"], dtype=np.float64)[ok].astype(np.int64)
    date = np.asarray(cols["date"])[ok]
    key_day = date.astype(np.int64)
    already = bool(np.all((np.diff(rid) > 0) | ((np.diff(rid) == 0) & (np.diff(key_day) >= 0))))
    order = slice(None) if already else np.lexsort((date, rid))
    all_ok = bool(ok.all())
    data: dict[str, object] = {"runner_id": rid[order], "date": date[order]}
    for k, v in cols.items():
        if k not in data:
            arr = np.asarray(v, dtype=object if k in ("sport", "pain_area") else None)
            if not all_ok:
                arr = arr[ok]
            data[k] = arr[order]
    return pd.DataFrame(data)


def validate_sessions(sessions: pd.DataFrame) -> pd.DataFrame:
    """Coerce a sessions frame to the schema above.

    Missing optional columns are added as NaN, out-of-range numbers become NaN, unknown sports
    become ``"other"``, and rows without a runner, a date or a positive duration are dropped.
    Returns a new frame sorted by runner and date with a fresh RangeIndex.
    """
    _check_required(sessions, SESSION_REQUIRED, "sessions")
    n = len(sessions)
    cols: dict[str, object] = {
        "runner_id": _numeric(sessions, "runner_id", (-9.2e18, 9.2e18)),
        "date": _to_day(sessions["date"]),
    }
    if "sport" in sessions.columns:
        raw = sessions["sport"]
        uniq = pd.unique(raw)
        mapping = {}
        for u in uniq:
            key = "running" if u is None or (isinstance(u, float) and np.isnan(u)) else str(u).strip().lower()
            mapping[u] = key if key in SPORTS else "other"
        sport = (
            raw.map(mapping).to_numpy(dtype=object)
            if len(uniq) > 1 or n == 0
            else np.full(n, mapping[uniq[0]], dtype=object)
        )
    else:
        sport = np.full(n, "running", dtype=object)
    cols["sport"] = sport
    for col, rng in _SESSION_RANGES.items():
        cols[col] = _numeric(sessions, col, rng)
    dur = np.asarray(cols["duration_s"])
    ok = np.isfinite(np.asarray(cols["runner_id"])) & ~np.isnat(np.asarray(cols["date"])) & np.isfinite(dur)
    return _finish(cols, ok)


def validate_checkins(checkins: pd.DataFrame | None) -> pd.DataFrame:
    """Coerce a check-ins frame to the schema above; ``None`` gives an empty frame.

    Booleans in ``illness``/``injury`` become 1.0/0.0; out-of-range values become NaN; rows
    without a runner or a date are dropped. Several rows for one runner and day are kept (the
    daily aggregation averages numbers, takes the max of flags and the worst pain).
    """
    if checkins is None:
        checkins = pd.DataFrame(
            {"runner_id": pd.Series([], dtype="int64"), "date": pd.Series([], dtype="datetime64[ns]")}
        )
    _check_required(checkins, CHECKIN_REQUIRED, "checkins")
    n = len(checkins)
    cols: dict[str, object] = {
        "runner_id": _numeric(checkins, "runner_id", (-9.2e18, 9.2e18)),
        "date": _to_day(checkins["date"]),
    }
    for col, rng in _CHECKIN_RANGES.items():
        cols[col] = _numeric(checkins, col, rng)
    if "pain_area" in checkins.columns:
        area = checkins["pain_area"].to_numpy(dtype=object)
        empty = pd.isna(area) | (area == "")
        area = area.copy()
        area[empty] = None
        cols["pain_area"] = area
    else:
        cols["pain_area"] = np.full(n, None, dtype=object)
    ok = np.isfinite(np.asarray(cols["runner_id"])) & ~np.isnat(np.asarray(cols["date"]))
    return _finish(cols, ok)


@dataclass(frozen=True, slots=True)
class ProfileArrays:
    """Profiles aligned to an array of runner ids (NaN where unknown); sex: 1 f, 0 m, NaN."""

    runner_ids: npt.NDArray[np.int64]
    female: FloatArray
    hr_max: FloatArray
    hr_rest: FloatArray
    threshold_pace: FloatArray
    injury_history: FloatArray


def profile_arrays(
    profiles: Mapping[int, RunnerProfile] | RunnerProfile | None, runner_ids: npt.ArrayLike
) -> ProfileArrays:
    """Align profiles to ``runner_ids``; a single profile applies to every runner."""
    ids = np.asarray(runner_ids, dtype=np.int64)
    n = ids.shape[0]
    female = np.full(n, np.nan)
    hr_max = np.full(n, np.nan)
    hr_rest = np.full(n, np.nan)
    pace = np.full(n, np.nan)
    hist = np.zeros(n)
    for i, rid in enumerate(ids.tolist()):
        if isinstance(profiles, RunnerProfile):
            p: RunnerProfile | None = profiles
        elif profiles is None:
            p = None
        else:
            p = profiles.get(int(rid))
        if p is None:
            continue
        if p.sex is not None:
            s = p.sex.strip().lower()[:1]
            female[i] = 1.0 if s == "f" else (0.0 if s == "m" else np.nan)
        if p.hr_max is not None and 120.0 <= p.hr_max <= 240.0:
            hr_max[i] = p.hr_max
        if p.hr_rest is not None and 25.0 <= p.hr_rest <= 110.0:
            hr_rest[i] = p.hr_rest
        if p.threshold_pace_s_per_km is not None and 120.0 <= p.threshold_pace_s_per_km <= 900.0:
            pace[i] = p.threshold_pace_s_per_km
        hist[i] = max(0, int(p.injury_history))
    bad = hr_rest >= hr_max
    hr_rest[bad] = np.nan
    return ProfileArrays(ids, female, hr_max, hr_rest, pace, hist)
