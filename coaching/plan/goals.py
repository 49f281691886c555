"""What the runner wants and what life allows: goal, weekly availability, today's constraints.

Weekdays follow :meth:`datetime.date.weekday` (0 = Monday ... 6 = Sunday). Distances are metres,
times seconds, durations minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MARATHON_M = 42195.0
HALF_MARATHON_M = 21097.5


@dataclass(frozen=True, slots=True)
class Goal:
    """A race (``distance_m`` on ``race_date``, optional ``target_time_s``) or general fitness.

    ``kind`` is ``"race"`` or ``"general"``. A race goal without a date is planned like general
    fitness at that distance's emphasis.
    """

    kind: str = "general"
    distance_m: float | None = None
    race_date: date | None = None
    target_time_s: float | None = None

    @classmethod
    def race(cls, distance_m: float, race_date: date, target_time_s: float | None = None) -> Goal:
        return cls("race", float(distance_m), race_date, target_time_s)

    @classmethod
    def general(cls) -> Goal:
        return cls("general")

    @property
    def is_race(self) -> bool:
        return self.kind == "race" and self.race_date is not None and self.distance_m is not None

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "distance_m": self.distance_m,
            "race_date": self.race_date.isoformat() if self.race_date else None,
            "target_time_s": self.target_time_s,
        }


@dataclass(frozen=True, slots=True)
class Availability:
    """Days the runner can train and how long.

    ``days``: weekdays available (0 = Monday). ``minutes``: default minutes on an available day;
    ``minutes_by_day`` overrides it per weekday (default: Saturday 120, Sunday 150 — pass ``{}`` for the
    same minutes every day). ``long_run_day``: preferred weekday for the long
    run (None: Sunday if available, else the last available day of the week).
    """

    days: frozenset[int] = frozenset(range(7))
    minutes: float = 60.0
    minutes_by_day: dict[int, float] = field(default_factory=lambda: {5: 120.0, 6: 150.0})
    long_run_day: int | None = None

    def minutes_on(self, day: date) -> float:
        """Minutes available on ``day`` by the weekly pattern (0 when the weekday is not available)."""
        wd = day.weekday()
        if wd not in self.days:
            return 0.0
        return float(self.minutes_by_day.get(wd, self.minutes))

    def preferred_long_day(self) -> int | None:
        if not self.days:
            return None
        if self.long_run_day is not None and self.long_run_day in self.days:
            return self.long_run_day
        if 6 in self.days:
            return 6
        # the day with the most minutes, latest in the week on ties
        return max(self.days, key=lambda d: (self.minutes_by_day.get(d, self.minutes), d))


@dataclass(frozen=True, slots=True)
class Constraints:
    """Short-term limits: a minutes cap for today only, dates away, and the pain stop flag.

    ``today_max_minutes`` applies to ``today`` (the date of the state it travels with) only.
    ``unavailable``: dates with no training at all (travel, work). ``no_running_until_pain_resolves``:
    the runner (or a clinician) has stopped running; cross-training only.
    """

    today_max_minutes: float | None = None
    unavailable: frozenset[date] = frozenset()
    no_running_until_pain_resolves: bool = False
