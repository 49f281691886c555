"""The bot process killed with SIGKILL and restarted; PostgreSQL connections terminated under it.

Morning messages: a ``kill -9`` in the middle of the morning batch (the outbox must neither lose nor
double-send) belongs with the scheduling e2e tests, added once scheduling is wired into ``runcoach bot``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from models.db import make_engine
from models.tables import Activity, Runner
from tests.e2e.harness import APOLOGY, BotProcess, Person, count_rows, no_apology
from tests.fakebot import FakeTelegram

pytestmark = pytest.mark.e2e


def test_kill9_then_restart_answers_what_was_sent_while_down(fake: FakeTelegram, bot: BotProcess,
                                                               db: Engine) -> None:
    ana, ben = Person(fake, bot, "Ana"), Person(fake, bot, "Ben")
    _welcome, question = ana.say("/start", n=2)
    (q,) = ana.tap(question, "ob:name:keep")
    (q,) = ana.tap(q, "ob:experience:advanced")
    assert "kilometres" in q.content
    bot.kill9()
    # Telegram keeps what the runners send while the bot is down
    ana.sync()
    ben.sync()
    fake.send_text(ana.user, "50")
    fake.send_text(ben.user, "ran 10 km in 48 min")
    bot.start()
    (next_q,) = ana.expect()
    assert "recent race" in next_q.content, "the onboarding step survived the crash"
    (logged,) = ben.expect()
    assert "10.00 km" in logged.content
    no_apology([next_q, logged])
    assert count_rows(db, Runner, weekly_km=50.0) == 1
    assert count_rows(db, Activity) == 1
    fake.wait_until_delivered(timeout=10)


def test_kill9_mid_burst_loses_no_message(fake: FakeTelegram, bot: BotProcess) -> None:
    runners = [Person(fake, bot, f"R{i}") for i in range(5)]
    for r in runners:
        r.say("hi")
    script = ["ran 5k in 25 min", "/progress", "slept 7h hrv 55", "what should I do today?", "ran 6 km in 33 min"]
    expected = {"ran 5k in 25 min": 1, "/progress": 3, "slept 7h hrv 55": 1, "what should I do today?": 1,
                "ran 6 km in 33 min": 1}
    for r in runners:
        r.sync()
    for text_ in script:
        for r in runners:
            fake.send_text(r.user, text_)
    total = sum(expected.values()) * len(runners)
    bot.wait(runners[0].id, 1, after=runners[0].seen[runners[0].id], timeout=20)
    bot.kill9()
    answered = sum(len(bot.messages(r.id)) - r.seen[r.id] for r in runners)
    if answered >= total:
        pytest.skip("the bot answered everything before the kill landed")
    bot.start()
    fake.wait_until_delivered(timeout=20)
    want = sum(expected.values())
    deadline = time.monotonic() + 10  # more than enough for what is left (sequential: ~0.5 s per /progress)
    while time.monotonic() < deadline and any(len(bot.messages(r.id)) - r.seen[r.id] < want for r in runners):
        time.sleep(0.1)
    missing = {r.user.first_name: want - (len(bot.messages(r.id)) - r.seen[r.id]) for r in runners}
    assert not any(n > 0 for n in missing.values()), f"replies lost by the kill -9: {missing}"


# -- PostgreSQL: connections terminated under the bot ------------------------------------------------------


def _terminate(admin_url: str, dbname: str) -> int:
    """pg_terminate_backend every connection to ``dbname`` but ours; returns how many."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": dbname}).all()
            return sum(1 for (ok,) in rows if ok)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_connections_terminated_during_work(pg_url: str, start_bot: Callable[..., BotProcess],
                                               fake: FakeTelegram) -> None:
    bot = start_bot(pg_url)
    db = make_engine(pg_url)
    dbname = make_url(pg_url).database
    assert dbname
    try:
        runners = [Person(fake, bot, f"P{i}") for i in range(4)]
        for r in runners:
            r.say("ran 5k in 25 min")
        assert _terminate(pg_url, dbname) >= 1, "the bot holds pooled connections"

        # the next messages are answered and stored (stale pooled connections are replaced)
        for r in runners:
            (reply,) = r.say("ran 6 km in 33 min")
            assert "6.00 km" in reply.content
        assert count_rows(db, Activity) == 8

        # connections killed again and again while a burst is being processed: every message is answered
        # (a transaction cut mid-way may get the apology; then nothing of it is stored)
        stop = threading.Event()
        kills: list[int] = []

        def killer() -> None:
            deadline = time.monotonic() + 10
            while not stop.is_set() and time.monotonic() < deadline:
                kills.append(_terminate(pg_url, dbname))
                time.sleep(0.05)

        for r in runners:
            r.sync()
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            for km in (7, 8, 9):
                for r in runners:
                    fake.send_text(r.user, f"ran {km} km in {km * 5 + 10} min")
            burst = [m for r in runners for m in r.expect(3, timeout=40)]
        finally:
            stop.set()
            thread.join(5)
        assert sum(kills) >= 1
        apologies = sum(APOLOGY in m.content for m in burst)
        assert count_rows(db, Activity) == 8 + len(burst) - apologies

        # and afterwards everything works again
        for r in runners:
            (reply,) = r.say("ran 10 km in 55 min")
            assert "10.00 km" in reply.content
        assert count_rows(db, Activity) == 8 + len(burst) - apologies + len(runners)
        assert "Traceback" not in bot.log_text() or "handler failed" in bot.log_text()
    finally:
        bot.stop()
        db.dispose()
