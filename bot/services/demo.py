"""``runcoach demo``: a demo runner with a realistic multi-week history, and this morning's message.

The history is generated day by day from a seed tied to the date, so re-running the demo reuses
what is stored and only fills in the days since the last run.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import col, select

from models.db import session_scope
from models.queries import get_or_create_runner, upsert_checkin
from models.tables import Activity, Runner

HISTORY_DAYS = 56
# A week of a recreational half-marathoner: (weekday -> (kind, km)); 0 = Monday.
WEEK = {0: ("rest", 0.0), 1: ("easy", 8.0), 2: ("tempo", 9.0), 3: ("easy", 6.0), 4: ("rest", 0.0),
        5: ("easy", 7.0), 6: ("long", 16.0)}
PACE = {"easy": 345.0, "tempo": 285.0, "long": 350.0}  # s/km
RPE = {"easy": 3.0, "tempo": 7.0, "long": 5.0}
HR = {"easy": 138.0, "tempo": 166.0, "long": 145.0}


def _rng(day: date) -> random.Random:
    return random.Random(int(hashlib.sha1(day.isoformat().encode()).hexdigest()[:8], 16))


def _make_runner(runner: Runner, today: date) -> None:
    runner.name = runner.name or "Demo"
    runner.experience, runner.sex, runner.hr_max, runner.hr_rest = "intermediate", "f", 188.0, 50.0
    runner.weekly_km, runner.time_zone = 45.0, "Europe/London"
    runner.goal_kind, runner.goal_distance_m, runner.goal_time_s = "race", 21097.5, 6300.0
    runner.goal_date = runner.goal_date or today + timedelta(days=70)
    runner.available_days, runner.long_run_day = "tue,wed,thu,sat,sun", "sun"


def _fill_day(session: object, runner_id: int, day: date, weeks_ago: int, zone: ZoneInfo) -> None:
    from sqlmodel import Session

    assert isinstance(session, Session)
    rng = _rng(day)
    kind, km = WEEK[day.weekday()]
    build = 1.0 + 0.02 * (HISTORY_DAYS // 7 - weeks_ago)  # gentle progression toward today
    if kind != "rest" and rng.random() > 0.08:  # the odd missed session, as in real life
        km = round(km * build * rng.uniform(0.93, 1.07), 2)
        pace = PACE[kind] * rng.uniform(0.97, 1.03)
        start = datetime.combine(day, time(7, rng.randint(0, 40)), zone).astimezone(UTC)
        session.add(Activity(
            runner_id=runner_id, start_time=start, local_date=day, sport="running", origin="demo",
            source="demo", distance_m=km * 1000, moving_time_s=round(km * pace), elapsed_time_s=round(km * pace) + 60,
            avg_hr=round(HR[kind] + rng.uniform(-4, 4)), rpe=RPE[kind] + rng.choice((-1, 0, 0, 1)),
            fingerprint=f"demo-{day.isoformat()}",
        ))
    late_block = weeks_ago == 0 and day.weekday() >= 3  # the last few days: a little run down
    upsert_checkin(session, runner_id, day, {
        "hrv_ms": round(rng.gauss(44 if late_block else 52, 3), 1),
        "rhr_bpm": round(rng.gauss(53 if late_block else 50, 1.2)),
        "sleep_h": round(rng.uniform(5.2, 6.4) if late_block else rng.uniform(6.6, 8.2), 1),
        "fatigue": 3 if late_block else rng.choice((1, 2, 2)),
        "soreness": rng.choice((2, 3)) if late_block else rng.choice((1, 2)),
        "stress": rng.choice((2, 3)), "mood": rng.choice((3, 4)),
    })


def _morning_sync(session: object, runner_id: int, today: date) -> None:
    """What the demo runner's watch synced overnight: HRV, resting HR and sleep for today."""
    from sqlmodel import Session

    assert isinstance(session, Session)
    rng = _rng(today + timedelta(days=10_000))
    upsert_checkin(session, runner_id, today, {"hrv_ms": round(rng.gauss(43, 2), 1), "rhr_bpm": round(rng.gauss(54, 1)),
                                               "sleep_h": round(rng.uniform(5.3, 6.0), 1)})


def ensure_demo_runner(engine: Engine, name: str, today: date) -> int:
    """Create the demo runner or top up its history to yesterday; returns its id."""
    with session_scope(engine) as session:
        runner, _ = get_or_create_runner(session, f"console:{name}", name=name.capitalize())
        _make_runner(runner, today)
        session.add(runner)
        session.flush()
        assert runner.id is not None
        have = set(session.exec(select(col(Activity.local_date)).where(
            col(Activity.runner_id) == runner.id, col(Activity.origin) == "demo")).all())
        from models.queries import checkins

        have |= {c.local_date for c in checkins(session, runner.id, since=today - timedelta(days=HISTORY_DAYS))}
        zone = ZoneInfo(runner.time_zone)
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=back)
            if day not in have:
                _fill_day(session, runner.id, day, back // 7, zone)
        _morning_sync(session, runner.id, today)
        return runner.id


def demo_morning(engine: Engine, name: str = "demo", day: date | None = None) -> str:
    """The morning message the coach would send the demo runner today, as plain text."""
    from bot.services.morning import morning_text

    today = day or datetime.now(ZoneInfo("Europe/London")).date()
    runner_id = ensure_demo_runner(engine, name, today)
    return morning_text(engine, runner_id, today)
