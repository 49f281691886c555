"""Webhook mode over real HTTP on 127.0.0.1: Telegram gets its 200 only after the update was handled."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.transports.telegram.webhook import SECRET_HEADER, run_webhook
from models.db import session_scope
from models.tables import Activity
from tests.support.clock import FakeClock
from tests.tgbot import updates as u
from tests.tgbot.conftest import offline_application
from tests.tgbot.recording import RecordingRequest

ANA, BEA = 1001, 1002
SECRET = "s3cret-token_for-tests"
URL = "https://coach.example/telegram"


class SlowReplies(RecordingRequest):
    """Replies take a while to reach Telegram, so an early acknowledgement would show."""

    async def do_request(self, url: str, method: str, request_data: Any = None, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            await asyncio.sleep(0.3)
        return await super().do_request(url, method, request_data, **kwargs)


@dataclass
class Hook:
    request: SlowReplies
    endpoint: str
    http: aiohttp.ClientSession

    async def post(self, update: dict[str, Any], secret: str | None = SECRET, body: bytes | None = None) -> int:
        headers = {"Content-Type": "application/json", **({SECRET_HEADER: secret} if secret else {})}
        async with self.http.post(self.endpoint, data=body or json.dumps(update).encode(), headers=headers) as resp:
            return resp.status


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def hook(engine: Engine, clock: FakeClock) -> AsyncIterator[Hook]:
    request = SlowReplies()
    app = offline_application(engine, clock, request)
    port, stop, ready = _free_port(), asyncio.Event(), asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    server = asyncio.create_task(run_webhook(app, URL, SECRET, listen="127.0.0.1", port=port, stop=stop,
                                             on_ready=on_ready))
    await asyncio.wait_for(ready.wait(), 30)
    async with aiohttp.ClientSession() as http:
        yield Hook(request, f"http://127.0.0.1:{port}/telegram", http)
    stop.set()
    await asyncio.wait_for(server, 30)


def runs(engine: Engine) -> list[tuple[float | None, int | None]]:
    with session_scope(engine) as s:
        return [(a.distance_m, a.rpe) for a in s.exec(select(Activity)).all()]


async def test_the_webhook_is_registered_with_its_secret(hook: Hook) -> None:
    [call] = hook.request.sent("setWebhook")
    assert call.params["url"] == URL and call.params["secret_token"] == SECRET
    allowed = call.params["allowed_updates"]
    assert "callback_query" in (json.loads(allowed) if isinstance(allowed, str) else allowed)


async def test_telegram_gets_its_200_only_after_the_reply_was_sent_and_the_run_stored(
        hook: Hook, engine: Engine) -> None:
    assert await hook.post(u.text(ANA, "ran 5k in 25 min")) == 200
    texts = hook.request.texts(ANA)
    assert len(texts) == 1 and "5.00 km" in texts[0], "a crash before the 200 makes Telegram send it again"
    assert runs(engine) == [(5000.0, None)]


async def test_updates_of_one_chat_arriving_together_are_handled_in_order(hook: Hook, engine: Engine) -> None:
    statuses = await asyncio.gather(hook.post(u.text(ANA, "ran 5k in 25 min")), hook.post(u.text(ANA, "rpe 7")),
                                    hook.post(u.text(BEA, "hi", name="Bea")))
    assert statuses == [200, 200, 200]
    ana = hook.request.texts(ANA)
    assert len(ana) == 2 and "5.00 km" in ana[0], ana
    assert runs(engine) == [(5000.0, 7)], "the RPE reached the run logged just before it"
    assert len(hook.request.texts(BEA)) == 1


async def test_requests_without_the_secret_or_not_an_update_are_refused(hook: Hook, engine: Engine) -> None:
    assert await hook.post(u.text(ANA, "ran 5k in 25 min"), secret=None) == 403
    assert await hook.post(u.text(ANA, "ran 5k in 25 min"), secret="guess") == 403
    assert await hook.post({}, body=b"{not json") == 400
    assert hook.request.texts() == [] and runs(engine) == []
    assert await hook.post(u.text(ANA, "ran 5k in 25 min")) == 200, "and the bot keeps serving"
