"""The tick end to end on a fake clock: downtime, days of ticks across DST, the two ways to run it."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sched_helpers import FakeBot, add_group, add_runner, echo_composer
from sqlalchemy import Engine

from bot.scheduling.due import local_to_utc
from bot.scheduling.planner import PlanConfig
from bot.scheduling.ratelimit import unlimited
from bot.scheduling.sender import SenderConfig
from bot.scheduling.worker import Worker, WorkerConfig, attach_to_application, serve
from models import outbox
from models.db import session_scope

CONFIG = WorkerConfig(interval_s=600, plan=PlanConfig(default_time_zone="Europe/London"),
                      sender=SenderConfig(batch_size=50, concurrency=4))


def make_worker(engine: Engine, clock: Any, bot: FakeBot, worker_id: str = "w") -> Worker:
    return Worker(engine, bot, echo_composer, config=CONFIG, clock=clock, limiter=unlimited(), worker_id=worker_id)


def mornings(bot: FakeBot) -> list[tuple[int, str, datetime]]:
    return [(c, t, when) for c, t, when in bot.sent if t.startswith("morning:")]


async def test_restart_after_three_hours_down(engine: Engine, clock: Any) -> None:
    """Down from 05:30 to 08:30 UTC: today's missed mornings go out once on start; yesterday's
    leftovers are expired, not sent."""
    zones = {"Europe/London": 1, "Europe/Berlin": 2, "Asia/Kolkata": 3, "America/New_York": 4}
    ids = {z: add_runner(engine, z, tz=z, chat_id=c) for z, c in zones.items()}
    bot = FakeBot(clock)
    clock.set(datetime(2026, 3, 12, 5, 30, tzinfo=UTC))
    await make_worker(engine, clock, bot).tick(budget_s=0)  # plans; Kolkata's 07:00 (01:30 UTC) was missed
    assert Counter(t.split(":")[0] for _, t, _ in bot.sent) == Counter({"morning": 1})
    # a leftover from yesterday that never went out (planned by an older deployment, say)
    with session_scope(engine) as s:
        outbox.insert_ignore(s, [{"target_kind": "runner", "target_id": ids["Europe/London"], "kind": "evening",
                                  "local_date": date(2026, 3, 11), "chat_id": 1, "time_zone": "Europe/London",
                                  "due_at": datetime(2026, 3, 11, 20, tzinfo=UTC),
                                  "expires_at": datetime(2026, 3, 12, 0, tzinfo=UTC)}])
    clock.set(datetime(2026, 3, 12, 8, 30, tzinfo=UTC))  # three hours later, a new process starts
    report = await make_worker(engine, clock, bot, "w2").tick(budget_s=0)
    assert report.expired == 1
    by_chat = Counter(c for c, _, _ in mornings(bot))
    assert by_chat == Counter({1: 1, 2: 1, 3: 1})  # New York's 07:00 EDT (11:00 UTC) is still ahead
    await make_worker(engine, clock, bot, "w3").tick(budget_s=0)
    assert Counter(c for c, _, _ in mornings(bot)) == by_chat  # nothing twice
    with session_scope(engine) as s:
        (old,) = outbox.rows(s, local_date=date(2026, 3, 11))
        assert (old.status, old.last_error) == ("skipped", "Expired")
    clock.set(datetime(2026, 3, 12, 11, 0, 5, tzinfo=UTC))
    await make_worker(engine, clock, bot, "w4").tick(budget_s=0)
    assert Counter(c for c, _, _ in mornings(bot))[4] == 1


RUNNERS = [  # zone, morning time (gap and overlap times included on purpose)
    ("UTC", "07:00"), ("Europe/London", "01:30"), ("Europe/London", "07:00"), ("Europe/Berlin", "02:30"),
    ("Asia/Kolkata", "06:15"), ("Asia/Tokyo", "05:45"), ("Australia/Sydney", "02:30"),
    ("Pacific/Auckland", "07:00"), ("America/Los_Angeles", "07:00"), ("America/New_York", "02:30"),
    ("America/New_York", "01:30"), ("America/Sao_Paulo", "06:00"),
]


async def _simulate(engine: Engine, clock: Any, start: datetime,
                    days: int) -> tuple[FakeBot, dict[int, tuple[str, str]]]:
    ids = {add_runner(engine, f"{z}-{t}", tz=z, morning=t, chat_id=100 + i): (z, t)
           for i, (z, t) in enumerate(RUNNERS)}
    add_group(engine, -5000)
    bot = FakeBot(clock)
    worker = make_worker(engine, clock, bot)
    clock.set(start)
    end = start + timedelta(days=days)
    while clock() < end:
        await worker.tick(budget_s=0)
        clock.set(clock() + timedelta(minutes=10))
    return bot, ids


def _check_one_morning_per_local_day(bot: FakeBot, ids: dict[int, tuple[str, str]], start: datetime,
                                     days: int) -> None:
    per_day: Counter[tuple[int, str]] = Counter()
    for _, text, when in mornings(bot):
        _, _, rid, day = text.split(":")
        per_day[(int(rid), day)] += 1
        if when == start:
            continue  # the first tick catches up on today's morning already missed: that is on purpose
        z, t = ids[int(rid)]
        due_at = local_to_utc(date.fromisoformat(day), time.fromisoformat(t), ZoneInfo(z))
        assert timedelta(0) <= when - due_at < timedelta(minutes=10)  # the first tick at or after it
        wall = datetime.combine(date.fromisoformat(day), time.fromisoformat(t))
        local = due_at.astimezone(ZoneInfo(z)).replace(tzinfo=None)
        assert local == wall or (local > wall and local - wall <= timedelta(hours=1))  # only a gap moves it
    assert max(per_day.values()) == 1, [k for k, v in per_day.items() if v > 1]
    for rid, (z, _) in ids.items():  # every whole local day inside the window got its morning
        first = (start + timedelta(hours=1)).astimezone(ZoneInfo(z)).date() + timedelta(days=1)
        last = (start + timedelta(days=days)).astimezone(ZoneInfo(z)).date() - timedelta(days=1)
        d = first
        while d <= last:
            assert per_day[(rid, d.isoformat())] == 1, (z, d)
            d += timedelta(days=1)


@pytest.mark.parametrize("start", [
    datetime(2026, 3, 6, 12, tzinfo=UTC),  # America springs forward on the 8th
    datetime(2026, 3, 27, 12, tzinfo=UTC),  # Europe on the 29th
    datetime(2026, 10, 23, 12, tzinfo=UTC),  # Europe falls back on the 25th
    datetime(2026, 10, 30, 12, tzinfo=UTC),  # America on 1 November
    datetime(2026, 4, 3, 12, tzinfo=UTC),  # Sydney and Auckland leave summer time on 5 April
])
async def test_days_of_ticks_across_dst_one_morning_per_local_day(engine: Engine, clock: Any,
                                                                  start: datetime) -> None:
    days = 4
    bot, ids = await _simulate(engine, clock, start, days)
    _check_one_morning_per_local_day(bot, ids, start, days)
    digests = [t for _, t, _ in bot.sent if t.startswith("digest:")]
    assert len(digests) == len(set(digests)) >= days - 1
    with session_scope(engine) as s:
        assert not outbox.rows(s, status="claimed")


async def test_gap_and_overlap_times_go_out_at_the_right_instant(engine: Engine, clock: Any) -> None:
    bot, ids = await _simulate(engine, clock, datetime(2026, 3, 28, 12, tzinfo=UTC), 1)
    sent = {text.split(":")[2]: when for _, text, when in mornings(bot)}
    rid = {v: k for k, v in ids.items()}
    # 01:30 London and 02:30 Berlin do not exist on 29 March: both go at the jump, 01:00 UTC
    assert sent[str(rid[("Europe/London", "01:30")])] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert sent[str(rid[("Europe/Berlin", "02:30")])] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


async def test_serve_runs_the_tick_until_stopped(engine: Engine) -> None:
    """run_forever's body with an injected bot and stop event: APScheduler runs the tick at once."""
    now = datetime.now(UTC)
    yesterday = now - timedelta(days=1)  # here before today's 00:00 UTC, so it is due now
    add_runner(engine, "sol", tz="UTC", morning="00:00", evening="00:00", created_at=yesterday)
    # on Sundays the weekly summary (at the evening time) is due as well
    expected = sorted(["morning", *(["weekly"] if now.weekday() == 6 else [])])
    bot = FakeBot()
    stop = asyncio.Event()

    class S:
        default_time_zone = "UTC"
        default_morning_time = "07:00"
        default_evening_time = "20:00"
        scheduler_interval_s = 3600

    task = asyncio.create_task(serve(S(), engine, echo_composer, bot=bot, stop=stop))
    for _ in range(200):
        if len(bot.sent) >= len(expected):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 30)
    assert sorted(t.split(":")[0] for _, t, _ in bot.sent) == expected
    with session_scope(engine) as s:
        assert not outbox.rows(s, status="claimed")


def test_attach_to_application_registers_a_repeating_job(engine: Engine) -> None:
    from telegram.ext import Application

    class S:
        default_time_zone = "Europe/London"
        scheduler_interval_s = 20

    application = Application.builder().token("123456:TEST").build()
    job = attach_to_application(application, engine, echo_composer, settings=S())
    assert job.name == "runcoach-outbox"
    assert [j.name for j in application.job_queue.jobs()] == ["runcoach-outbox"]  # type: ignore[union-attr]
