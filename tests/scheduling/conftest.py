"""Fixtures for the scheduling tests; the helpers live in ``sched_helpers``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

if str(Path(__file__).parent) not in sys.path:  # test modules and spawned processes import sched_helpers
    sys.path.insert(0, str(Path(__file__).parent))

from sched_helpers import FakeBot, echo_composer
from sqlalchemy import Engine

from bot.scheduling.ratelimit import unlimited
from bot.scheduling.sender import Sender, SenderConfig


@pytest.fixture
def fake_bot(clock: Any) -> FakeBot:
    return FakeBot(clock)


@pytest.fixture
def make_sender(engine: Engine, clock: Any, fake_bot: FakeBot) -> Callable[..., Sender]:
    def make(worker_id: str = "w1", composer: Any = echo_composer, bot: Any = None, **kw: Any) -> Sender:
        kw.setdefault("limiter", unlimited())
        kw.setdefault("config", SenderConfig(concurrency=1))
        return Sender(engine, bot or fake_bot, composer, clock=clock, worker_id=worker_id, **kw)
    return make
