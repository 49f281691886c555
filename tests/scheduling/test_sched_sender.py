"""Claiming and sending: outcomes, Telegram errors, a worker killed between claim and send."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sched_helpers import FakeBot, add_group, add_runner, echo_composer
from sqlalchemy import Engine
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.dialog.types import Reply
from bot.scheduling.planner import plan
from bot.scheduling.ratelimit import RateLimiter
from bot.scheduling.sender import Sender, SenderConfig
from models import outbox
from models.db import session_scope
from models.tables import Activity, CoachGroup, Runner

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

LONDON_0800 = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)  # the clock fixture's start


def plan_now(engine: Engine, now: datetime) -> None:
    with session_scope(engine) as s:
        plan(s, now)


def rows(engine: Engine, **kw: Any) -> list[outbox.Outbox]:
    with session_scope(engine) as s:
        return outbox.rows(s, **kw)


def one_morning(engine: Engine, clock: Any, **runner_kw: Any) -> int:
    rid = add_runner(engine, runner_kw.pop("name", "ana"), **runner_kw)
    plan_now(engine, clock())  # 08:00 London: the 07:00 morning is due, the evening is not
    return rid


async def test_sends_a_due_row_once(engine: Engine, clock: Any, fake_bot: FakeBot,
                                    make_sender: Callable[..., Sender]) -> None:
    rid = one_morning(engine, clock, chat_id=555)
    report = await make_sender().send_due()
    assert (report.claimed, report.sent, report.messages) == (1, 1, 1)
    assert fake_bot.texts() == [f"morning:runner:{rid}:2026-03-12"]
    (m,) = rows(engine, kind="morning")
    assert m.status == "sent" and m.sent_at == clock() and m.claimed_by == "w1" and m.parts_sent == 1
    again = await make_sender("w2").send_due()
    assert again.claimed == 0 and len(fake_bot.sent) == 1
    (e,) = rows(engine, kind="evening")
    assert e.status == "pending"


async def test_composer_none_and_evening_gate_skip(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                   make_sender: Callable[..., Sender]) -> None:
    rid = add_runner(engine, "bo", chat_id=9)
    clock.set(datetime(2026, 3, 12, 20, 5, tzinfo=UTC))
    plan_now(engine, clock())
    report = await make_sender(composer=lambda s, r: None if r.kind == "morning" else echo_composer(s, r)).send_due()
    assert report.skipped == 2 and not fake_bot.sent  # morning: composer said no; evening: nothing to ask
    assert {r.status for r in rows(engine)} == {"skipped"}
    # next day a run without RPE makes the evening check-in go out
    clock.set(datetime(2026, 3, 13, 19, 0, tzinfo=UTC))
    with session_scope(engine) as s:
        s.add(Activity(runner_id=rid, local_date=date(2026, 3, 13), sport="running", origin="chat", fingerprint="f"))
    plan_now(engine, clock())
    clock.set(datetime(2026, 3, 13, 20, 1, tzinfo=UTC))
    await make_sender(composer=lambda s, r: None if r.kind == "morning" else echo_composer(s, r)).send_due()
    assert fake_bot.texts() == [f"evening:runner:{rid}:2026-03-13"]


async def test_paused_runner_row_is_skipped(engine: Engine, clock: Any, fake_bot: FakeBot,
                                            make_sender: Callable[..., Sender]) -> None:
    rid = one_morning(engine, clock)
    with session_scope(engine) as s:
        r = s.get(Runner, rid)
        assert r is not None
        r.paused = True
    report = await make_sender().send_due()
    assert report.skipped == 1 and not fake_bot.sent


async def test_retry_after_reschedules_without_counting(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                        make_sender: Callable[..., Sender]) -> None:
    one_morning(engine, clock, chat_id=77)
    fake_bot.fail[77] = [RetryAfter(timedelta(seconds=30))]
    limiter = RateLimiter(clock=lambda: clock().timestamp())
    sender = make_sender(limiter=limiter)
    report = await sender.send_due()
    assert report.rate_limited == 1 and not fake_bot.sent
    (m,) = rows(engine, kind="morning")
    assert m.status == "pending" and m.attempts == 0 and m.last_error == "RetryAfter"
    assert m.next_attempt_at == clock() + timedelta(seconds=30) and m.claimed_by is None
    assert limiter.delay(77) == pytest.approx(30)
    clock.set(clock() + timedelta(seconds=10))
    assert (await sender.send_due()).claimed == 0  # not before retry_after
    clock.set(clock() + timedelta(seconds=21))
    assert (await sender.send_due()).sent == 1
    assert len(fake_bot.sent) == 1


async def test_forbidden_deactivates_runner_and_fails_row(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                          make_sender: Callable[..., Sender]) -> None:
    rid = one_morning(engine, clock, chat_id=88)
    fake_bot.fail[88] = [Forbidden("Forbidden: bot was blocked by the user")]
    report = await make_sender().send_due()
    assert report.failed == 1
    (m,) = rows(engine, kind="morning")
    assert (m.status, m.last_error, m.attempts) == ("failed", "Forbidden", 1)
    with session_scope(engine) as s:
        runner = s.get(Runner, rid)
        assert runner is not None and runner.active is False
        assert plan(s, clock() + timedelta(days=1)).inserted == 0  # no more rows for a blocked runner
    clock.set(clock() + timedelta(hours=1))
    assert (await make_sender().send_due()).claimed == 0


@pytest.mark.parametrize("error", [NetworkError("Bad Gateway"), TimedOut(), RuntimeError("composer bug")])
async def test_transient_errors_back_off_then_fail(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                   make_sender: Callable[..., Sender], error: Exception) -> None:
    one_morning(engine, clock, chat_id=99)
    fake_bot.fail[99] = [error] * 10
    sender = make_sender(config=SenderConfig(concurrency=1, max_attempts=4, backoff_base=timedelta(seconds=30)))
    delays = []
    for attempt in range(1, 5):
        report = await sender.send_due()
        (m,) = rows(engine, kind="morning")
        assert m.attempts == attempt and m.last_error == type(error).__name__
        if attempt < 4:
            assert report.retried == 1 and m.status == "pending"
            delays.append((m.next_attempt_at - clock()).total_seconds())  # type: ignore[operator]
            clock.set(m.next_attempt_at)  # type: ignore[arg-type]
        else:
            assert report.failed == 1 and m.status == "failed"
    assert delays == [30, 60, 120]
    assert not fake_bot.sent


async def test_transient_error_then_success(engine: Engine, clock: Any, fake_bot: FakeBot,
                                            make_sender: Callable[..., Sender]) -> None:
    one_morning(engine, clock, chat_id=98)
    fake_bot.fail[98] = [TimedOut()]
    sender = make_sender()
    assert (await sender.send_due()).retried == 1
    clock.set(clock() + timedelta(seconds=31))
    assert (await sender.send_due()).sent == 1
    (m,) = rows(engine, kind="morning")
    assert m.status == "sent" and m.attempts == 1 and m.last_error is None


async def test_bad_request_fails_without_retry(engine: Engine, clock: Any, fake_bot: FakeBot,
                                               make_sender: Callable[..., Sender]) -> None:
    one_morning(engine, clock, chat_id=97)
    fake_bot.fail[97] = [BadRequest("Chat not found")]
    assert (await make_sender().send_due()).failed == 1
    (m,) = rows(engine, kind="morning")
    assert (m.status, m.last_error) == ("failed", "BadRequest")


async def test_chat_migrated_updates_group_and_retries(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                       make_sender: Callable[..., Sender]) -> None:
    gid = add_group(engine, chat_id=-4001)
    clock.set(datetime(2026, 3, 12, 18, 0, 30, tzinfo=UTC))
    plan_now(engine, clock())
    fake_bot.fail[-4001] = [ChatMigrated(-1009990001)]
    report = await make_sender().send_due()
    assert report.retried == 1 and report.sent == 1  # retried at once, within the same pass
    assert fake_bot.sent[0][0] == -1009990001
    with session_scope(engine) as s:
        group = s.get(CoachGroup, gid)
        assert group is not None and group.chat_id == -1009990001
    (d,) = rows(engine, kind="digest")
    assert d.status == "sent" and d.chat_id == -1009990001 and d.attempts == 0


async def test_parts_already_sent_are_not_repeated(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                   make_sender: Callable[..., Sender]) -> None:
    one_morning(engine, clock, chat_id=66)

    def three(_s: Any, row: Any) -> list[Reply]:
        return [Reply(text=f"part{i}") for i in range(3)]

    real_send = fake_bot.send_message
    calls = {"n": 0}

    async def flaky(chat_id: int, text: str, **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RetryAfter(timedelta(seconds=5))
        return await real_send(chat_id, text, **kw)

    fake_bot.send_message = flaky  # type: ignore[method-assign]
    sender = make_sender(composer=three)
    assert (await sender.send_due()).rate_limited == 1
    (m,) = rows(engine, kind="morning")
    assert m.parts_sent == 1
    clock.set(clock() + timedelta(seconds=6))
    assert (await sender.send_due()).sent == 1
    assert fake_bot.texts() == ["part0", "part1", "part2"]


async def test_worker_killed_between_claim_and_send(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                    make_sender: Callable[..., Sender]) -> None:
    """Worker A claims and dies; B cannot take the row until A's lease expires, then sends it once.
    A, if it wakes up afterwards, finds its claim gone and does not send."""
    one_morning(engine, clock, chat_id=44)
    config = SenderConfig(concurrency=1, lease=timedelta(minutes=2))
    a, b = make_sender("A", config=config), make_sender("B", config=config)
    (claimed,) = await a.claim()
    assert claimed.kind == "morning" and claimed.claimed_by == "A"
    # A "crashes" here: nothing else happens on its side
    assert (await b.send_due()).claimed == 0
    clock.set(clock() + timedelta(minutes=1))
    assert (await b.send_due()).claimed == 0  # lease still valid
    clock.set(clock() + timedelta(minutes=1, seconds=1))
    report = await b.send_due()
    assert report.sent == 1 and len(fake_bot.sent) == 1
    assert await a.process(claimed) == "lost_claims"  # the zombie wakes up: no second send
    assert len(fake_bot.sent) == 1
    (m,) = rows(engine, kind="morning")
    assert m.status == "sent" and m.claimed_by == "B"


async def test_slow_worker_past_its_lease_does_not_send(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                        make_sender: Callable[..., Sender]) -> None:
    one_morning(engine, clock, chat_id=45)
    a, b = make_sender("A"), make_sender("B")
    (row,) = await a.claim()
    clock.set(clock() + timedelta(minutes=5))
    (row_b,) = await b.claim()  # B takes it over after the lease
    assert await a.process(row) == "lost_claims"
    assert await b.process(row_b) == "sent"
    assert len(fake_bot.sent) == 1


async def test_clean_shutdown_releases_claims(engine: Engine, clock: Any, fake_bot: FakeBot,
                                              make_sender: Callable[..., Sender]) -> None:
    one_morning(engine, clock)
    a = make_sender("A")
    await a.claim()
    assert await a.release() == 1
    assert (await make_sender("B").send_due()).sent == 1


async def test_claims_are_exclusive_between_workers(engine: Engine, clock: Any, fake_bot: FakeBot,
                                                    make_sender: Callable[..., Sender]) -> None:
    for i in range(30):
        add_runner(engine, f"r{i}", chat_id=1000 + i)
    plan_now(engine, clock())
    a, b = make_sender("A"), make_sender("B")
    first = await a.claim(12)
    second = await b.claim(100)
    assert len(first) == 12 and len(second) == 18
    assert not {r.id for r in first} & {r.id for r in second}
