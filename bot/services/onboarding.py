"""Onboarding answers: parsing what a new runner tells the coach about themselves."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from bot.services.profile import WEEKDAYS, parse_time_zone

VOLUME_BANDS = {"v0": 5.0, "v1": 18.0, "v2": 32.0, "v3": 50.0, "v4": 70.0}
DAY_PRESETS = {"d3": "tue,thu,sun", "d4": "tue,thu,sat,sun", "d5": "mon,tue,thu,sat,sun", "d7": ",".join(WEEKDAYS)}
GOAL_DISTANCES = {"5k": 5000.0, "10k": 10000.0, "half": 21097.5, "marathon": 42195.0}
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")


def number_in(text: str) -> float | None:
    """The first number in a message ('about 35 km' -> 35.0)."""
    m = _NUMBER.search(text)
    return float(m.group(1).replace(",", ".")) if m else None


def weekdays_in(text: str) -> str | None:
    """'mon wed fri sun', 'Tuesday and Saturday' -> 'mon,wed,fri,sun' in week order, or None."""
    found = {w[:3] for w in re.findall(r"[a-z]+", text.lower()) if w[:3] in WEEKDAYS and len(w) >= 3}
    return ",".join(d for d in WEEKDAYS if d in found) or None


@lru_cache(maxsize=1)
def _finder() -> object:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_from_location(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a shared location (offline polygon lookup)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    zone = _finder().timezone_at(lng=longitude, lat=latitude)  # type: ignore[attr-defined]
    return str(zone) if zone else None


def zone_from_text(text: str) -> str | None:
    """A zone from a city, an IANA name or a UTC offset."""
    return parse_time_zone(text.strip().title() if "/" not in text else text.strip()) or parse_time_zone(text)


def birth_year(text: str, today: date) -> int | None:
    """An age ('34') or a birth year ('1990') as a birth year."""
    n = number_in(text)
    if n is None:
        return None
    if 1920 <= n <= today.year - 10:
        return int(n)
    if 10 <= n <= 100:
        return today.year - int(n)
    return None
