"""When is a local wall-clock time, in UTC? Pure functions, no database, DST-correct.

* A wall time that does not exist (the spring-forward gap) resolves to the first valid instant after
  it: the moment the clocks jump (02:30 Europe/Berlin on the last Sunday of March -> 03:00 CEST).
* A wall time that happens twice (the fall-back overlap) resolves to its first occurrence (fold=0),
  so it is sent once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUNDAY = 6


@lru_cache(maxsize=1024)
def zone(name: str | None, default: str = "Europe/London") -> ZoneInfo:
    """The IANA zone ``name``, or ``default`` when it is missing or unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(default)


def parse_hhmm(value: str | None, default: time) -> time:
    """``"HH:MM"`` (or ``"H:MM"``) as a time; anything else gives ``default``."""
    if not value:
        return default
    try:
        hh, mm = value.strip().split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError):
        return default


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The calendar date in ``tz`` at the instant ``now``."""
    return now.astimezone(tz).date()


@lru_cache(maxsize=8192)
def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time ``at`` on ``day`` in ``tz`` (gap -> first valid instant after;
    overlap -> first occurrence)."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == naive:
        return utc  # exists (fold=0 is the earlier of two occurrences)
    # In a gap: fold=1 reads the wall time with the offset after the jump (an instant before the
    # transition), fold=0 with the offset before (an instant after it). Find the transition between.
    lo = int(naive.replace(tzinfo=tz, fold=1).astimezone(UTC).timestamp())
    hi = int(utc.timestamp())
    if lo > hi:  # pragma: no cover - defensive; PEP 495 guarantees lo < hi in a gap
        lo, hi = hi, lo
    after = utc.astimezone(tz).utcoffset()
    while hi - lo > 1:  # invariant: lo is before the jump, hi after it (whole seconds)
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant the local ``day`` begins (midnight, or the first instant after a midnight gap)."""
    return local_to_utc(day, time(0, 0), tz)


def next_local(now: datetime, at: time, tz: ZoneInfo, weekday: int | None = None) -> datetime:
    """The next send instant at or after ``now`` for wall time ``at`` in ``tz`` (optionally only on
    ``weekday``, Monday=0 .. Sunday=6)."""
    day = local_today(now, tz) - timedelta(days=1)
    for _ in range(10):
        if weekday is None or day.weekday() == weekday:
            when = local_to_utc(day, at, tz)
            if when >= now:
                return when
        day += timedelta(days=1)
    raise AssertionError("unreachable")  # pragma: no cover
