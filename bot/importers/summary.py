"""Format-independent summary of one recorded track.

Every importer turns its file into a :class:`Track` (timestamps plus whatever streams exist) and
optional device :class:`Totals`; :func:`summarize` derives the rest the same way for every format:
GPS distance with jump removal, a 1 Hz series, moving time, smoothed elevation gain, best efforts
and time in heart-rate zones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .errors import IMPLAUSIBLE, TOO_SHORT, ImportFailure
from .model import BEST_EFFORT_DISTANCES, RUN_SPORTS, ActivitySeries, ImportedActivity, Lap

EARTH_RADIUS_M = 6371008.8
HR_MIN, HR_MAX = 25.0, 250.0
DEFAULT_HR_MAX = 190.0
MAX_GAP_S = 30.0
MIN_ELAPSED_S = 10.0
MIN_POINTS = 4
ZONE_EDGES = (0.6, 0.7, 0.8, 0.9)  # fraction of max HR (or of HR reserve) where z2..z5 start
# fastest believable speed per sport (m/s): faster GPS steps are jumps, faster averages are implausible
MAX_SPEED = {"running": 12.0, "trail": 12.0, "treadmill": 12.0, "walking": 12.0, "swimming": 5.0,
             "cycling": 35.0, "other": 70.0}
MOVING_SPEED = 0.5  # below this a runner is standing still
RUN_TYPICAL_SPEED_LIMIT = 7.0  # a median GPS speed above this (2:23/km) is not on foot


@dataclass
class Track:
    """Raw samples of one activity; arrays share one length, NaN where a stream has no value."""

    t: np.ndarray  # unix seconds
    distance: np.ndarray | None = None  # cumulative metres as recorded
    lat: np.ndarray | None = None
    lon: np.ndarray | None = None
    altitude: np.ndarray | None = None
    hr: np.ndarray | None = None
    cadence: np.ndarray | None = None  # as recorded (per leg for running in FIT/GPX/TCX)
    recorded_distance_first: bool = False  # FIT: the device's distance stream beats GPS positions


@dataclass
class Totals:
    """Device totals that win over values derived from samples (FIT sessions, TCX laps)."""

    distance_m: float | None = None
    elapsed_s: float | None = None
    timer_s: float | None = None
    ascent_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence: float | None = None  # per leg for running
    laps: list[Lap] = field(default_factory=list)


@dataclass
class Meta:
    """Who wrote the file and how to date it."""

    sport: str
    source: str
    source_format: str
    name: str | None = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    utc_offset_s: float | None = None  # device's local offset (FIT activity.local_timestamp)
    hr_max: float | None = None
    hr_rest: float | None = None


# ---------------------------------------------------------------- streams


def clean_hr(hr: np.ndarray | None) -> np.ndarray | None:
    """Heart rate outside 25..250 bpm is a sensor glitch: NaN."""
    if hr is None:
        return None
    out = np.asarray(hr, dtype=np.float64).copy()
    out[(out < HR_MIN) | (out > HR_MAX)] = np.nan
    return out


def segment_metres(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    a = np.sin(np.diff(la) / 2) ** 2 + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(np.diff(lo) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


def gps_distance(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, max_speed: float) -> np.ndarray:
    """Cumulative distance from positions; points reached faster than ``max_speed`` are GPS jumps."""
    keep = np.isfinite(lat) & np.isfinite(lon)
    for _ in range(8):
        idx = np.flatnonzero(keep)
        if len(idx) < 2:
            break
        step = segment_metres(lat[idx], lon[idx])
        speed = step / np.maximum(np.diff(t[idx]), 1.0)
        bad = speed > max_speed
        if not bad.any():
            break
        keep[idx[1:][bad]] = False
    idx = np.flatnonzero(keep)
    out = np.full(len(t), np.nan)
    if len(idx):
        out[idx] = np.concatenate([[0.0], np.cumsum(segment_metres(lat[idx], lon[idx]))])
    return out


def _interp(grid: np.ndarray, t: np.ndarray, values: np.ndarray, max_gap: float | None) -> np.ndarray:
    ok = np.isfinite(values)
    if ok.sum() < 1:
        return np.full(len(grid), np.nan)
    tv, vv = t[ok], values[ok]
    out = np.interp(grid, tv, vv)
    if max_gap is not None:
        right = np.clip(np.searchsorted(tv, grid, "left"), 0, len(tv) - 1)
        left = np.clip(right - 1, 0, len(tv) - 1)
        near = np.minimum(np.abs(tv[right] - grid), np.abs(grid - tv[left]))
        span = tv[right] - tv[left]
        out[(near > 0.5) & (span > max_gap)] = np.nan
        out[(grid < tv[0] - 0.5) | (grid > tv[-1] + 0.5)] = np.nan
    return np.asarray(out, dtype=np.float64)


def _rolling_mean(x: np.ndarray, window: int) -> np.ndarray:
    if len(x) < window:
        return x.copy()
    kernel = np.ones(window) / window
    padded = np.pad(x, (window // 2, window - 1 - window // 2), mode="edge")
    return np.convolve(padded, kernel, mode="valid")


def build_series(t_rel: np.ndarray, distance: np.ndarray | None, hr: np.ndarray | None,
                 altitude: np.ndarray | None) -> ActivitySeries:
    """Resample to 1 Hz from the first sample; speed comes from the distance stream (5 s smoothing)."""
    grid = np.arange(0.0, np.floor(t_rel[-1]) + 1.0)
    nan = np.full(len(grid), np.nan)
    dist = nan.copy()
    speed = nan.copy()
    if distance is not None and np.isfinite(distance).sum() >= 2:
        mono = np.fmax.accumulate(np.where(np.isfinite(distance), distance, -np.inf))
        mono[~np.isfinite(mono)] = np.nan
        dist = _interp(grid, t_rel, np.where(np.isfinite(distance), mono, np.nan), None)
        dist -= dist[np.isfinite(dist)][0]
        speed = _rolling_mean(np.gradient(dist), 5) if len(grid) > 1 else np.zeros(len(grid))
    return ActivitySeries(
        t_s=grid,
        distance_m=dist,
        speed_m_s=speed,
        hr_bpm=nan.copy() if hr is None else _interp(grid, t_rel, hr, MAX_GAP_S),
        altitude_m=nan.copy() if altitude is None else _interp(grid, t_rel, altitude, MAX_GAP_S),
    )


# ---------------------------------------------------------------- derived values


def elevation_gain(altitude: np.ndarray, threshold: float = 3.0) -> float | None:
    """Total ascent after 15 s smoothing and a 3 m hysteresis (GPS altitude noise is not climbing)."""
    ok = np.isfinite(altitude)
    if ok.sum() < 2:
        return None
    filled = np.interp(np.arange(len(altitude)), np.flatnonzero(ok), altitude[ok])
    smooth = _rolling_mean(filled, 15)[::5].tolist()
    gain, ref, climbing = 0.0, smooth[0], False
    for h in smooth[1:]:
        if h > ref and (climbing or h - ref >= threshold):
            gain += h - ref
            ref, climbing = h, True
        elif ref - h >= threshold or (not climbing and h < ref):
            ref, climbing = h, False
    return gain


def best_efforts(t_s: np.ndarray, distance: np.ndarray) -> dict[int, float]:
    """Fastest time (s) for each standard distance covered, from the 1 Hz cumulative distance."""
    ok = np.isfinite(distance)
    if ok.sum() < 2:
        return {}
    t, d = t_s[ok], distance[ok]
    out: dict[int, float] = {}
    for target in BEST_EFFORT_DISTANCES:
        if d[-1] - d[0] < target:
            break
        goal = d + target
        j = np.searchsorted(d, goal, "left")
        valid = (j < len(d)) & (j > 0)
        i = np.flatnonzero(valid)
        j = j[valid]
        gap = d[j] - d[j - 1]
        frac = np.where(gap > 0, (goal[i] - d[j - 1]) / np.where(gap > 0, gap, 1.0), 1.0)
        durations = t[j - 1] + frac * (t[j] - t[j - 1]) - t[i]
        if len(durations):
            out[target] = round(float(durations.min()), 1)
    return out


def time_in_zones(hr: np.ndarray, hr_max: float | None, hr_rest: float | None) -> dict[str, float] | None:
    """Seconds in z1..z5: % of HR reserve with max and rest, % of max with max only, else of max seen."""
    ok = hr[np.isfinite(hr)]
    if not len(ok):
        return None
    top = hr_max if hr_max else max(DEFAULT_HR_MAX, float(ok.max()))
    rest = hr_rest if hr_max and hr_rest and hr_rest < top else 0.0
    frac = (ok - rest) / (top - rest)
    zone = np.searchsorted(np.asarray(ZONE_EDGES), frac, "right")
    counts = np.bincount(zone, minlength=5)
    return {f"z{k + 1}": float(counts[k]) for k in range(5)}


def _moving_time(series: ActivitySeries, timer_s: float | None, elapsed: float, sport: str,
                 distance: float | None) -> float:
    """Seconds faster than a standing runner; swims and distance-less sessions use the timer."""
    speed = series.speed_m_s
    if sport == "swimming" or distance is None or np.isfinite(speed).sum() < 2:
        return float(timer_s if timer_s is not None else elapsed)
    moving = float(np.count_nonzero(speed >= MOVING_SPEED))
    return min(moving, timer_s) if timer_s is not None else moving


def _avg_cadence(cadence: np.ndarray | None, sport: str, totals: Totals) -> float | None:
    factor = 2.0 if sport in RUN_SPORTS or sport == "walking" else 1.0
    if totals.avg_cadence:
        return totals.avg_cadence * factor
    if cadence is None:
        return None
    vals = cadence[np.isfinite(cadence) & (cadence > 0)]
    return float(vals.mean()) * factor if len(vals) else None


# ---------------------------------------------------------------- the whole activity


def _distance_stream(track: Track, sport: str) -> np.ndarray | None:
    has_gps = track.lat is not None and track.lon is not None and np.isfinite(track.lat).sum() >= 2
    recorded = track.distance is not None and np.isfinite(track.distance).sum() >= 2
    if recorded and (track.recorded_distance_first or not has_gps):
        return track.distance
    if has_gps:
        assert track.lat is not None and track.lon is not None
        return gps_distance(track.t, track.lat, track.lon, MAX_SPEED.get(sport, 70.0))
    return track.distance


def median_moving_speed(t: np.ndarray, lat: np.ndarray | None, lon: np.ndarray | None) -> float | None:
    """Median speed (m/s) of the moving GPS steps, before any jump filtering."""
    if lat is None or lon is None:
        return None
    ok = np.isfinite(lat) & np.isfinite(lon)
    if ok.sum() < 3:
        return None
    speed = segment_metres(lat[ok], lon[ok]) / np.maximum(np.diff(t[ok]), 1.0)
    moving = speed[speed >= MOVING_SPEED]
    return float(np.median(moving)) if len(moving) else 0.0


def _check_gps_speed(track: Track, sport: str) -> None:
    """A 'run' whose typical GPS speed beats world-record pace was not a run (a drive, a ride)."""
    if sport not in RUN_SPORTS and sport != "walking":
        return
    speed = median_moving_speed(track.t, track.lat, track.lon)
    if speed is not None and speed > RUN_TYPICAL_SPEED_LIMIT:
        raise ImportFailure(IMPLAUSIBLE, sport=sport, distance_m=None, seconds=None, speed_kmh=speed * 3.6)


def _check_plausible(sport: str, distance: float | None, moving_s: float) -> None:
    if distance is None or moving_s <= 0:
        return
    speed = distance / moving_s
    if speed > MAX_SPEED.get(sport, 70.0):
        raise ImportFailure(IMPLAUSIBLE, sport=sport, distance_m=distance, seconds=moving_s,
                            speed_kmh=speed * 3.6)


def _local_date(start: datetime, meta: Meta) -> tuple[datetime, datetime]:
    if meta.utc_offset_s is not None:
        return start, start + timedelta(seconds=meta.utc_offset_s)
    return start, start.astimezone(meta.tz)


def summarize(track: Track, meta: Meta, totals: Totals | None = None) -> ImportedActivity:
    """Derive every summary value of one activity from its samples and device totals."""
    totals = totals or Totals()
    order = np.argsort(track.t, kind="stable")
    t = track.t[order]
    if len(t) < MIN_POINTS and totals.elapsed_s is None:
        raise ImportFailure(TOO_SHORT, points=len(t), seconds=float(t[-1] - t[0]) if len(t) else 0.0)

    def pick(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else np.asarray(a, dtype=np.float64)[order]

    sorted_track = Track(t, pick(track.distance), pick(track.lat), pick(track.lon), pick(track.altitude),
                         clean_hr(pick(track.hr)), pick(track.cadence), track.recorded_distance_first)
    t_rel = t - t[0]
    elapsed = float(totals.elapsed_s if totals.elapsed_s is not None else t_rel[-1])
    if elapsed < MIN_ELAPSED_S:
        raise ImportFailure(TOO_SHORT, points=len(t), seconds=elapsed)
    dist_stream = _distance_stream(sorted_track, meta.sport)
    series = build_series(t_rel, dist_stream, sorted_track.hr, sorted_track.altitude)
    covered = series.distance_m[np.isfinite(series.distance_m)]
    distance = totals.distance_m
    if distance is None and len(covered) >= 2:
        distance = float(covered[-1] - covered[0])
    if distance is not None and distance <= 0:
        distance = None
    moving = _moving_time(series, totals.timer_s, elapsed, meta.sport, distance)
    _check_gps_speed(sorted_track, meta.sport)
    _check_plausible(meta.sport, distance, moving)
    hr = series.hr_bpm
    raw_hr = sorted_track.hr
    start = datetime.fromtimestamp(float(t[0]), tz=UTC)
    start, local = _local_date(start, meta)
    gain = totals.ascent_m if totals.ascent_m is not None else elevation_gain(series.altitude_m)
    return ImportedActivity(
        sport=meta.sport,
        start_time=start,
        local_date=local.date(),
        moving_time_s=moving,
        elapsed_time_s=elapsed,
        distance_m=distance,
        elevation_gain_m=gain,
        avg_hr=totals.avg_hr or (float(np.nanmean(hr)) if np.isfinite(hr).any() else None),
        max_hr=totals.max_hr or (float(np.nanmax(raw_hr)) if raw_hr is not None and np.isfinite(raw_hr).any()
                                 else None),
        avg_cadence_spm=_avg_cadence(sorted_track.cadence, meta.sport, totals),
        laps=totals.laps,
        series=series,
        time_in_zones_s=time_in_zones(hr, meta.hr_max, meta.hr_rest),
        best_efforts=best_efforts(series.t_s, series.distance_m) if meta.sport in RUN_SPORTS else {},
        source=meta.source,
        source_format=meta.source_format,
        name=meta.name,
    )
