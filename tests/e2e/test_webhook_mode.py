"""``runcoach bot --webhook``: the real process, Telegram's deliveries from the fake, and a kill -9."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.tables import Activity
from tests.e2e.harness import BotProcess, Person, count_rows, no_apology
from tests.fakebot import FakeTelegram

pytestmark = pytest.mark.e2e

PUBLIC_URL = "https://coach.example/telegram/hook"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def port() -> int:
    return _free_port()


@pytest.fixture
def hook_fake(port: int) -> Iterator[FakeTelegram]:
    """The fake Telegram, delivering a registered webhook's updates to 127.0.0.1:port (as a TLS proxy would)."""
    with FakeTelegram(webhook_proxy=f"http://127.0.0.1:{port}") as server:
        yield server


@pytest.fixture
def hook_bot(hook_fake: FakeTelegram, db_url: str, tmp_path: Path, port: int) -> Iterator[BotProcess]:
    command = [sys.executable, "-m", "bot.cli", "bot", "--webhook", PUBLIC_URL, "--port", str(port),
               "--listen", "127.0.0.1"]
    bot = BotProcess(hook_fake, db_url, tmp_path, command=command, ready_method="setWebhook")
    yield bot.start()
    bot.stop()


def test_a_runner_is_answered_through_the_webhook(hook_fake: FakeTelegram, hook_bot: BotProcess,
                                                 db: Engine) -> None:
    ana = Person(hook_fake, hook_bot, "Ana")
    assert hook_fake.state.webhook["url"] == PUBLIC_URL and hook_fake.state.webhook["secret_token"]
    (logged,) = ana.say("ran 10 km in 48 min")
    assert "10.00 km" in logged.content
    no_apology([logged])
    hook_fake.wait_until_delivered(timeout=10)
    assert count_rows(db, Activity) == 1
    assert hook_fake.state.requests_by_method.get("getUpdates", 0) == 0, "no polling in webhook mode"


def test_kill9_mid_burst_loses_no_message_and_telegram_resends_the_rest(hook_fake: FakeTelegram,
                                                                         hook_bot: BotProcess) -> None:
    runners = [Person(hook_fake, hook_bot, f"R{i}") for i in range(4)]
    for r in runners:
        r.say("hi")
    script = ["ran 5k in 25 min", "slept 7h hrv 55", "/progress", "what should I do today?"]
    want = 1 + 1 + 3 + 1
    for r in runners:
        r.sync()
    for text_ in script:
        for r in runners:
            hook_fake.send_text(r.user, text_)
    hook_bot.wait(runners[0].id, 1, after=runners[0].seen[runners[0].id], timeout=20)
    hook_bot.kill9()
    answered = sum(len(hook_bot.messages(r.id)) - r.seen[r.id] for r in runners)
    if answered >= want * len(runners):
        pytest.skip("the bot answered everything before the kill landed")
    failures = hook_fake.state.webhook_failures
    hook_bot.start()
    hook_fake.wait_until_delivered(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(len(hook_bot.messages(r.id)) - r.seen[r.id] < want for r in runners):
        time.sleep(0.1)
    missing = {r.user.first_name: want - (len(hook_bot.messages(r.id)) - r.seen[r.id]) for r in runners}
    assert not any(n > 0 for n in missing.values()), f"replies lost by the kill -9: {missing}"
    assert hook_fake.state.webhook_failures > failures, "the update in flight at the kill was sent again"
