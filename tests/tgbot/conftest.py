"""The real python-telegram-bot Application, driven offline through ``process_update``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.transports.telegram.app import build_application
from tests.support.clock import FakeClock
from tests.tgbot.recording import RecordingRequest


class BotHarness:
    """The Application, its recording request, and a way to feed it updates."""

    def __init__(self, app: Application, request: RecordingRequest) -> None:  # type: ignore[type-arg]
        self.app = app
        self.request = request

    async def feed(self, data: dict[str, Any]) -> None:
        """Process one update as if Telegram had sent it."""
        await self.app.process_update(Update.de_json(data, self.app.bot))


def offline_application(engine: Engine, clock: FakeClock,
                        request: RecordingRequest) -> Application:  # type: ignore[type-arg]
    """The Application as ``runcoach bot`` builds it, talking to ``request`` instead of Telegram."""
    settings = Settings(telegram_bot_token="123456:TEST-token", database_url="sqlite://",
                        default_time_zone="Europe/London")
    return build_application(settings, engine, clock=clock, request=request, rate_limit=False)


@pytest.fixture
async def tg(engine: Engine, clock: FakeClock) -> AsyncIterator[BotHarness]:
    """A bot wired exactly as ``runcoach bot`` wires it, with no network."""
    request = RecordingRequest()
    app = offline_application(engine, clock, request)
    await app.initialize()
    request.clear()
    yield BotHarness(app, request)
    await app.shutdown()
