"""Local wall time -> UTC, across DST in Europe and America and in ten time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.due import local_to_utc, local_today, next_local, parse_hhmm, start_of_day, zone


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.mark.parametrize(("tz", "day", "at", "expected"), [
    # Europe, spring forward (last Sunday of March 2026 = 29th): 07:00 is after the jump
    ("Europe/London", date(2026, 3, 28), time(7), utc(2026, 3, 28, 7)),
    ("Europe/London", date(2026, 3, 29), time(7), utc(2026, 3, 29, 6)),
    ("Europe/Berlin", date(2026, 3, 28), time(7), utc(2026, 3, 28, 6)),
    ("Europe/Berlin", date(2026, 3, 29), time(7), utc(2026, 3, 29, 5)),
    # Europe, fall back (last Sunday of October 2026 = 25th)
    ("Europe/London", date(2026, 10, 24), time(7), utc(2026, 10, 24, 6)),
    ("Europe/London", date(2026, 10, 25), time(7), utc(2026, 10, 25, 7)),
    ("Europe/Berlin", date(2026, 10, 25), time(7), utc(2026, 10, 25, 6)),
    # America (second Sunday of March 2026 = 8th, first Sunday of November = 1st)
    ("America/New_York", date(2026, 3, 7), time(7), utc(2026, 3, 7, 12)),
    ("America/New_York", date(2026, 3, 8), time(7), utc(2026, 3, 8, 11)),
    ("America/New_York", date(2026, 10, 31), time(7), utc(2026, 10, 31, 11)),
    ("America/New_York", date(2026, 11, 1), time(7), utc(2026, 11, 1, 12)),
    ("America/Los_Angeles", date(2026, 3, 8), time(7), utc(2026, 3, 8, 14)),
    ("America/Los_Angeles", date(2026, 11, 1), time(7), utc(2026, 11, 1, 15)),
])
def test_seven_oclock_across_dst(tz: str, day: date, at: time, expected: datetime) -> None:
    assert local_to_utc(day, at, zone(tz)) == expected
    assert local_to_utc(day, at, zone(tz)).astimezone(zone(tz)).time() == at


@pytest.mark.parametrize(("tz", "day", "at", "expected", "local_sent"), [
    # nonexistent wall times send at the first valid instant after the gap (the moment of the jump)
    ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1), time(2, 0)),
    ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1), time(3, 0)),
    ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7), time(3, 0)),
    ("America/New_York", date(2026, 3, 8), time(2, 0), utc(2026, 3, 8, 7), time(3, 0)),
    # ambiguous wall times send once, at the first occurrence (summer time)
    ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30), time(1, 30)),
    ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), time(2, 30)),
    ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
])
def test_gap_and_overlap(tz: str, day: date, at: time, expected: datetime, local_sent: time) -> None:
    got = local_to_utc(day, at, zone(tz))
    assert got == expected
    assert got.astimezone(zone(tz)).time() == local_sent
    assert got.astimezone(zone(tz)).fold == 0


TEN_ZONES = {  # 07:00 local on Thursday 2026-03-12 (US already on summer time, Europe not yet)
    "UTC": utc(2026, 3, 12, 7),
    "Europe/London": utc(2026, 3, 12, 7),
    "Europe/Berlin": utc(2026, 3, 12, 6),
    "Asia/Kolkata": utc(2026, 3, 12, 1, 30),
    "Asia/Kathmandu": utc(2026, 3, 12, 1, 15),
    "Asia/Tokyo": utc(2026, 3, 11, 22),
    "Australia/Sydney": utc(2026, 3, 11, 20),
    "Pacific/Auckland": utc(2026, 3, 11, 18),
    "America/Los_Angeles": utc(2026, 3, 12, 14),
    "America/New_York": utc(2026, 3, 12, 11),
    "America/Sao_Paulo": utc(2026, 3, 12, 10),
}


@pytest.mark.parametrize(("tz", "expected"), TEN_ZONES.items())
def test_ten_time_zones(tz: str, expected: datetime) -> None:
    assert local_to_utc(date(2026, 3, 12), time(7), zone(tz)) == expected


def test_southern_hemisphere_dst() -> None:
    # Sydney leaves summer time on the first Sunday of April, Auckland too (2026-04-05)
    assert local_to_utc(date(2026, 4, 5), time(7), zone("Australia/Sydney")) == utc(2026, 4, 4, 21)
    assert local_to_utc(date(2026, 4, 4), time(7), zone("Australia/Sydney")) == utc(2026, 4, 3, 20)
    assert local_to_utc(date(2026, 4, 5), time(7), zone("Pacific/Auckland")) == utc(2026, 4, 4, 19)


def test_local_today_and_day_start() -> None:
    now = utc(2026, 3, 12, 20)
    assert local_today(now, zone("Asia/Tokyo")) == date(2026, 3, 13)
    assert local_today(now, zone("America/Los_Angeles")) == date(2026, 3, 12)
    assert start_of_day(date(2026, 3, 13), zone("Asia/Tokyo")) == utc(2026, 3, 12, 15)
    # a zone whose clocks jumped at midnight: the day starts at 01:00 (America/Santiago, 2026-09-06)
    start = start_of_day(date(2026, 9, 6), zone("America/Santiago"))
    assert start.astimezone(zone("America/Santiago")).hour == 1


def test_next_local_and_parsing() -> None:
    tz = zone("Europe/Berlin")
    assert next_local(utc(2026, 3, 28, 6, 30), time(7), tz) == utc(2026, 3, 29, 5)
    assert next_local(utc(2026, 3, 12, 8), time(20), tz, weekday=6) == utc(2026, 3, 15, 19)
    assert parse_hhmm("6:45", time(7)) == time(6, 45)
    assert parse_hhmm("25:00", time(7)) == time(7)
    assert parse_hhmm(None, time(7)) == time(7)
    assert zone("Not/AZone").key == "Europe/London"


ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Australia/Sydney",
         "Pacific/Auckland", "Asia/Kolkata", "America/Santiago", "Australia/Lord_Howe", "Asia/Tehran",
         "Africa/Casablanca", "America/Havana"]


@settings(max_examples=300, deadline=None)
@given(tz=st.sampled_from(ZONES), day=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
       minute=st.integers(0, 24 * 60 - 1))
def test_first_instant_at_or_after_wall_time(tz: str, day: date, minute: int) -> None:
    """The send instant is the first instant whose local wall time reaches the wanted time: exact when
    the time exists, the jump when it falls in a gap, the first of two when it repeats."""
    z = zone(tz)
    at = time(minute // 60, minute % 60)
    wanted = datetime.combine(day, at)
    got = local_to_utc(day, at, z)
    assert got.astimezone(z).replace(tzinfo=None) >= wanted
    assert (got - timedelta(seconds=1)).astimezone(z).replace(tzinfo=None) < wanted
