"""Onboarding on /start: skippable, typed or tapped, and it survives a restart of the bot."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Engine
from sqlmodel import select

from bot.dialog import Dialog, Identity, Incoming
from bot.transports.text import plain
from models.db import session_scope
from models.tables import Activity, Runner
from tests.support.clock import FakeClock

ANA = Identity(external_id="tg:77", name="Ana", chat_id=77)


def _runner(engine: Engine) -> Runner:
    with session_scope(engine) as s:
        return s.exec(select(Runner)).one()


def _say(dialog: Dialog, text: str) -> str:
    return plain(dialog.handle(ANA, Incoming(text=text))[-1].text)


def _tap(dialog: Dialog, data: str) -> str:
    return plain(dialog.handle(ANA, Incoming(button=data))[-1].text)


def test_typed_and_tapped_answers_fill_the_profile(dialog: Dialog, engine: Engine) -> None:
    replies = dialog.handle(ANA, Incoming(text="/start"))
    assert "call you" in plain(replies[-1].text)
    _tap(dialog, "ob:name:keep")
    _tap(dialog, "ob:experience:intermediate")
    _say(dialog, "about 35 km")
    _say(dialog, "10k in 48:30")
    _tap(dialog, "ob:goal:half")
    _say(dialog, "12 april, 1:45")
    _say(dialog, "mon wed fri sun")
    _tap(dialog, "ob:minutes:60")
    _say(dialog, "Berlin")
    done = _tap(dialog, "ob:morning:06:00")
    assert "All set" in done and "06:00" in done and "Europe/Berlin" in done
    # the half marathon four weeks away, on her 35 km a week with 60 minutes a day: said at once
    assert "Goal check" in done and "a half marathon asks for about 35 km a week" in done
    assert "your available minutes hold" in done
    r = _runner(engine)
    assert (r.name, r.experience, r.weekly_km, r.goal_kind, r.goal_distance_m) == (
        "Ana", "intermediate", 35.0, "race", 21097.5)
    assert r.goal_date == date(2026, 4, 12) and r.goal_time_s == 6300
    assert (r.available_days, r.available_minutes, r.time_zone, r.morning_time) == (
        "mon,wed,fri,sun", 60, "Europe/Berlin", "06:00")
    with session_scope(engine) as s:
        race = s.exec(select(Activity)).one()
    assert (race.distance_m, race.moving_time_s, race.name) == (10000, 2910, "Race")
    # the plan starts from the 35 km a week she told us, not from a beginner's floor
    plan = _say(dialog, "/plan")
    this_week = next(line for line in plan.splitlines() if line.startswith("This week"))
    assert 30 <= int(re.search(r"~(\d+) km", this_week).group(1)) <= 36, plan  # type: ignore[union-attr]


def test_everything_can_be_skipped(dialog: Dialog, engine: Engine) -> None:
    dialog.handle(ANA, Incoming(text="/start"))
    for _ in range(12):
        text = _say(dialog, "skip")
        if "All set" in text:
            break
    assert "All set" in text
    assert _runner(engine).onboarding_step == "done"


def test_unclear_answers_ask_again_and_restarts_resume(engine: Engine, clock: FakeClock) -> None:
    first = Dialog(engine, clock=clock, default_time_zone="Europe/London")
    first.handle(ANA, Incoming(text="/start"))
    _tap(first, "ob:name:keep")
    assert "didn't quite get that" in _say(first, "purple")
    restarted = Dialog(engine, clock=clock, default_time_zone="Europe/London")  # the bot process restarted
    _say(restarted, "a few years")
    assert _runner(engine).experience == "intermediate"
    assert "kilometres" in _say(restarted, "lots")


def test_a_shared_location_sets_the_time_zone(dialog: Dialog, engine: Engine) -> None:
    reply = dialog.handle(ANA, Incoming(location=(40.71, -74.0)))
    assert "America/New_York" in plain(reply[-1].text)
    assert _runner(engine).time_zone == "America/New_York"
