"""Changing a runner's profile, schedule, goal and availability from what they said."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session, select

from models.tables import DayConstraint, Runner

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.I)
_CLOCK = re.compile(r"^(\d{1,2})(?::|\.|h)?(\d{2})?\s*(am|pm)?$", re.I)


@lru_cache(maxsize=1)
def _city_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/")):
            continue
        city = name.rsplit("/", 1)[1].replace("_", " ").lower()
        index.setdefault(city, name)
    return index


def parse_time_zone(text: str) -> str | None:
    """An IANA zone from 'Europe/Berlin', a city ('berlin', 'New York') or an offset ('UTC+2')."""
    raw = text.strip()
    if not raw:
        return None
    if raw in available_timezones():
        return raw
    m = _OFFSET.match(raw)
    if m and not m.group(3):
        hours = int(m.group(2))
        if hours == 0:
            return "UTC"
        if hours <= 14:
            # POSIX sign convention: Etc/GMT-2 is two hours ahead of UTC.
            return f"Etc/GMT{'-' if m.group(1) == '+' else '+'}{hours}"
    return _city_index().get(raw.lower().replace("_", " "))


def parse_clock(text: str) -> str | None:
    """'6:30', '06.30', '7', '7am', '8:15 pm' as 'HH:MM', or None."""
    m = _CLOCK.match(text.strip())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    suffix = (m.group(3) or "").lower()
    if suffix == "pm" and hour < 12:
        hour += 12
    if suffix == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def local_zone(runner: Runner) -> ZoneInfo:
    """The runner's zone object."""
    return ZoneInfo(runner.time_zone)


def next_weekday(today: date, name: str) -> date | None:
    """The next date (today included) falling on weekday ``name`` ('thursday', 'thu')."""
    key = name.strip().lower()[:3]
    if key not in WEEKDAYS:
        return None
    return today + timedelta(days=(WEEKDAYS.index(key) - today.weekday()) % 7)


def set_day_constraint(session: Session, runner_id: int, day: date, *, max_minutes: int | None = None,
                       unavailable: bool = False) -> DayConstraint:
    """Record a time cap or a day off for one date (a newer statement replaces an older one)."""
    row = session.exec(select(DayConstraint).where(DayConstraint.runner_id == runner_id,
                                                   DayConstraint.local_date == day)).first()
    row = row or DayConstraint(runner_id=runner_id, local_date=day)
    row.max_minutes, row.unavailable = max_minutes, unavailable
    session.add(row)
    session.flush()
    return row


def day_constraints(session: Session, runner_id: int, since: date) -> list[DayConstraint]:
    """Constraints from ``since`` on."""
    stmt = select(DayConstraint).where(DayConstraint.runner_id == runner_id, DayConstraint.local_date >= since)
    return list(session.exec(stmt).all())


FITNESS_WORDS = ("fitness", "get fit", "stay fit", "no race", "healthy", "general")


def apply_goal(runner: Runner, entities: dict[str, object], text: str, today: date) -> str:
    """Update the runner's goal from what a goal message said: "race", "fitness", "past" (a race date
    already behind us: nothing changed) or "none" (nothing usable: nothing changed).

    A new distance without a target time drops the old target: it belonged to the other distance."""
    distance = entities.get("race_distance_m") or entities.get("distance_m")
    raw_day = entities.get("race_date") or entities.get("date")
    target = entities.get("target_time_s") or entities.get("duration_s")
    if distance is None and any(w in text.lower() for w in FITNESS_WORDS):
        runner.goal_kind, runner.goal_distance_m, runner.goal_date, runner.goal_time_s = "fitness", None, None, None
        return "fitness"
    if distance is None and raw_day is None and target is None:
        return "none"
    day = date.fromisoformat(str(raw_day)[:10]) if raw_day is not None else None
    if day is not None and day < today:
        return "past"
    new_distance = float(str(distance)) if distance is not None else runner.goal_distance_m
    same_distance = distance is None or new_distance == runner.goal_distance_m
    new_target = float(str(target)) if target is not None else (runner.goal_time_s if same_distance else None)
    runner.goal_kind = "race"
    runner.goal_distance_m, runner.goal_time_s = new_distance, new_target
    if day is not None:
        runner.goal_date = day
    return "race"
