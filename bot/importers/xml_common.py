"""Helpers shared by the GPX and TCX importers: timestamps, sport names and sanity checks."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from .errors import BAD_TIMESTAMPS, NO_TIMESTAMPS, ImportFailure
from .summary import RUN_TYPICAL_SPEED_LIMIT, median_moving_speed

EARLIEST_ACTIVITY = datetime(1990, 1, 1, tzinfo=UTC).timestamp()
WALK_SPEED_LIMIT = 1.9  # m/s: slower typical GPS speed looks like walking or hiking

_SPORT_WORDS = {
    "running": "running", "run": "running", "9": "running", "street_running": "running",
    "trail_running": "trail", "trail": "trail", "treadmill_running": "treadmill", "treadmill": "treadmill",
    "indoor_running": "treadmill", "walking": "walking", "walk": "walking", "10": "walking",
    "hiking": "walking", "hike": "walking", "biking": "cycling", "cycling": "cycling", "ride": "cycling",
    "1": "cycling", "road_biking": "cycling", "mountain_biking": "cycling", "swimming": "swimming",
    "swim": "swimming", "open_water_swimming": "swimming", "other": "other",
}


def parse_time(text: str | None) -> float | None:
    """Unix seconds of an ISO 8601 time (naive times are UTC); None when unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def to_float(text: str | None) -> float:
    """Float from element text, NaN when missing or unreadable."""
    if text is None:
        return float("nan")
    try:
        return float(text)
    except ValueError:
        return float("nan")


def sport_from_word(word: str | None) -> str | None:
    """Our sport for a GPX <type> / TCX Sport word; None when unknown."""
    if not word:
        return None
    key = word.strip().lower().replace(" ", "_").replace("-", "_")
    return _SPORT_WORDS.get(key)


def infer_sport(t: np.ndarray, lat: np.ndarray | None, lon: np.ndarray | None) -> str:
    """Sport from typical speed when the file does not say: walking, running, or other (a vehicle)."""
    speed = median_moving_speed(t, lat, lon)
    if speed is None:
        return "other"
    if speed > RUN_TYPICAL_SPEED_LIMIT:
        return "other"
    return "walking" if speed < WALK_SPEED_LIMIT else "running"


def check_times(times: list[float | None], fmt: str) -> np.ndarray:
    """Times of the points that have one; raises when none exist or they are not believable."""
    known = [x for x in times if x is not None]
    if not known:
        raise ImportFailure(NO_TIMESTAMPS, format=fmt, points=len(times))
    arr = np.asarray(known, dtype=np.float64)
    now = datetime.now(tz=UTC).timestamp()
    if arr.min() < EARLIEST_ACTIVITY or arr.max() > now + 86400 or arr.max() == arr.min():
        year = datetime.fromtimestamp(float(arr.min()), tz=UTC).year
        raise ImportFailure(BAD_TIMESTAMPS, format=fmt, year=year)
    return arr
