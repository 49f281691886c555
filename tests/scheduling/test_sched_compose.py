"""The real composer through the real worker: what runners and coach groups receive, and when."""

from __future__ import annotations

from datetime import UTC, datetime

from sched_helpers import FakeBot
from sqlalchemy import Engine

from bot.dialog import Dialog, Identity, Incoming
from bot.scheduling.ratelimit import unlimited
from bot.scheduling.worker import Worker
from bot.services.morning import compose
from models.db import session_scope
from models.queries import get_runner
from tests.support.clock import FakeClock

ANA = Identity(external_id="tg:501", name="Ana", chat_id=501)
BEN = Identity(external_id="tg:502", name="Ben", chat_id=502)


def _worker(engine: Engine, clock: FakeClock, bot: FakeBot) -> Worker:
    return Worker(engine, bot, compose, clock=clock, limiter=unlimited())


async def test_new_runner_gets_a_morning_workout_and_the_one_question_that_helps(engine: Engine) -> None:
    clock = FakeClock(datetime(2026, 3, 12, 6, 0, tzinfo=UTC))
    Dialog(engine, clock=clock).handle(ANA, Incoming(text="hi"))
    bot = FakeBot(clock)
    await _worker(engine, clock, bot).tick(budget_s=0)
    assert bot.texts(501) == [], "nothing before 07:00 local"
    clock.set(datetime(2026, 3, 12, 7, 0, 30, tzinfo=UTC))
    await _worker(engine, clock, bot).tick(budget_s=0)
    texts = bot.texts(501)
    assert len(texts) == 2 and "Good morning" in texts[0] and "Readiness" in texts[0]
    assert "recent run" in texts[1]
    await _worker(engine, clock, bot).tick(budget_s=0)
    assert len(bot.texts(501)) == 2, "exactly one morning message per day"


async def test_evening_checkin_asks_rpe_only_when_something_is_open(engine: Engine) -> None:
    clock = FakeClock(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))
    dialog = Dialog(engine, clock=clock)
    dialog.handle(ANA, Incoming(text="ran 8 km in 44 min"))
    dialog.handle(BEN, Incoming(text="ran 6 km in 33 min, rpe 4"))
    dialog.handle(BEN, Incoming(button="wk:2026-03-12:done"))  # no recommendation yet: stale, harmless
    with session_scope(engine) as s:
        for who in (ANA, BEN):
            runner = get_runner(s, who.external_id)
            assert runner is not None
            runner.morning_time = "06:00"  # mornings already past; we look at the evening
    bot = FakeBot(clock)
    clock.set(datetime(2026, 3, 12, 20, 1, tzinfo=UTC))
    await _worker(engine, clock, bot).tick(budget_s=0)
    ana = [t for t in bot.texts(501) if "feel" in t and "1 (very easy)" in t]
    assert ana, "Ana's run has no RPE: the evening check-in asks for it"
    ben_evening = [t for t in bot.texts(502) if "🌙" in t]
    assert len(ben_evening) <= 1


async def test_weekly_summary_on_sunday_evening(engine: Engine) -> None:
    clock = FakeClock(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))  # Monday
    dialog = Dialog(engine, clock=clock)
    for day, text in ((0, "ran 8 km in 44 min rpe 4"), (2, "ran 10 km in 52 min rpe 6"), (5, "ran 15 km in 85 min")):
        clock.set(datetime(2026, 3, 9 + day, 8, 0, tzinfo=UTC))
        dialog.handle(ANA, Incoming(text=text))
    bot = FakeBot(clock)
    clock.set(datetime(2026, 3, 15, 20, 0, 30, tzinfo=UTC))  # Sunday evening
    await _worker(engine, clock, bot).tick(budget_s=0)
    weekly = [t for t in bot.texts(501) if "Your week" in t]
    assert len(weekly) == 1 and "33.0 km in 3 runs" in weekly[0] and "Next week" in weekly[0]


async def test_paused_runner_gets_nothing(engine: Engine) -> None:
    clock = FakeClock(datetime(2026, 3, 11, 20, 0, tzinfo=UTC))  # joined (and paused) the evening before
    dialog = Dialog(engine, clock=clock)
    dialog.handle(ANA, Incoming(text="/pause"))
    bot = FakeBot(clock)
    clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))  # the 07:00 morning is due
    await _worker(engine, clock, bot).tick(budget_s=0)
    assert bot.texts(501) == []
    dialog.handle(ANA, Incoming(text="/resume"))
    await _worker(engine, clock, bot).tick(budget_s=0)
    assert any("Good morning" in t for t in bot.texts(501))


async def test_group_digest_flags_only_consenting_members(engine: Engine) -> None:
    clock = FakeClock(datetime(2026, 3, 12, 9, 0, tzinfo=UTC))
    dialog = Dialog(engine, clock=clock)
    group = Identity(external_id="tg:900", name="Coach", chat_id=-4000, chat_type="group", chat_title="Club",
                     user_id=900)
    dialog.handle(group, Incoming(event="added_to_group"))
    for who in (ANA, BEN):
        dialog.handle(who, Incoming(text="knee hurts, sharp pain"))
        member = Identity(external_id=who.external_id, name=who.name, chat_id=-4000, chat_type="group",
                          chat_title="Club", user_id=who.chat_id)
        dialog.handle(member, Incoming(text="/join"))
    dialog.handle(ANA, Incoming(button="consent:1:wellness"))  # Ben never answers
    bot = FakeBot(clock)
    clock.set(datetime(2026, 3, 12, 18, 0, 30, tzinfo=UTC))
    await _worker(engine, clock, bot).tick(budget_s=0)
    digest = [t for t in bot.texts(-4000) if "Club" in t]
    assert len(digest) == 1 and "Ana" in digest[0] and "pain (knee)" in digest[0]
    assert "Ben" not in digest[0]


def test_batch_composition_says_exactly_what_one_by_one_says(engine: Engine) -> None:
    """The scheduler's batch hook runs the engine once for many runners; the messages must not change."""
    from bot.services.morning import morning_many, morning_replies
    from models.tables import Runner

    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    dialog = Dialog(engine, clock=clock)
    people = [Identity(external_id=f"tg:{600 + i}", name=f"R{i}", chat_id=600 + i) for i in range(4)]
    for day in range(10):
        clock.set(datetime(2026, 3, 2 + day, 8, 0, tzinfo=UTC))
        for i, who in enumerate(people):
            if (day + i) % 3:
                dialog.handle(who, Incoming(text=f"ran {5 + i + day % 4} km in {30 + 6 * i + day} min, rpe {3 + i}"))
            dialog.handle(who, Incoming(text=f"slept {6 + i % 2}h hrv {45 + 3 * i + day % 3}"))
    day = datetime(2026, 3, 12).date()
    with session_scope(engine) as s:
        runners = [get_runner(s, p.external_id) for p in people]
        batch = morning_many(s, [r for r in runners if r is not None], day)
        single = {r.id: morning_replies(s, r, day) for r in runners if isinstance(r, Runner)}
    assert batch.keys() == single.keys() and len(batch) == 4
    for rid in batch:
        assert [x.text for x in batch[rid]] == [x.text for x in single[rid]]


async def test_no_morning_message_in_the_middle_of_onboarding(engine: Engine) -> None:
    clock = FakeClock(datetime(2026, 3, 12, 6, 30, tzinfo=UTC))
    dialog = Dialog(engine, clock=clock)
    dialog.handle(ANA, Incoming(text="/start"))  # onboarding asks its first question
    bot = FakeBot(clock)
    clock.set(datetime(2026, 3, 12, 7, 0, 30, tzinfo=UTC))
    await _worker(engine, clock, bot).tick(budget_s=0)
    assert bot.texts(501) == []
    for _ in range(12):
        dialog.handle(ANA, Incoming(text="skip"))
    clock.set(datetime(2026, 3, 13, 7, 0, 30, tzinfo=UTC))
    await _worker(engine, clock, bot).tick(budget_s=0)
    assert any("Good morning" in t for t in bot.texts(501)), "once set up, mornings come"
