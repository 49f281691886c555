"""Fixtures for end-to-end tests: the fake Telegram in-process, the real bot as a subprocess, a DB engine.

The database is the ``db_url`` fixture (SQLite file or PostgreSQL database, by RUNCOACH_TEST_BACKEND),
already migrated; the bot runs its own ``upgrade`` at start too (a no-op then).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import make_engine
from tests.e2e.harness import BotProcess
from tests.fakebot import FakeTelegram


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """The fake Bot API with Telegram's default limits (flood limits on, privacy mode on)."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def start_bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    """``start_bot(db_url)`` -> a running bot; every process started here is stopped at teardown."""
    started: list[BotProcess] = []

    def start(db_url: str, **kwargs: object) -> BotProcess:
        workdir = tmp_path / f"bot{len(started)}"
        workdir.mkdir()
        bot = BotProcess(fake, db_url, workdir, **kwargs)  # type: ignore[arg-type]
        started.append(bot)
        return bot.start()

    yield start
    for bot in started:
        bot.stop()


@pytest.fixture
def bot(db_url: str, start_bot: Callable[..., BotProcess]) -> BotProcess:
    """The real bot on the test database (set up after the database, so stopped before it is dropped)."""
    return start_bot(db_url)


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    """An engine on the bot's database, for assertions."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
