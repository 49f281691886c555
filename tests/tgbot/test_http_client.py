"""The bot's aiohttp Bot API client, through a real ``telegram.Bot`` over HTTP against the fake Telegram:
replies, files both ways, Telegram's errors and failed connections reach PTB as PTB's own exceptions."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.transports.telegram.http_client import AiohttpRequest, make_request
from tests.fakebot import FakeTelegram


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as running:
        yield running


def bot_for(fake: FakeTelegram, **timeouts: float) -> Bot:
    return Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url,
               request=AiohttpRequest(8, **timeouts))


async def test_reply_with_buttons_and_unicode_arrives_as_sent(fake: FakeTelegram) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    ana = fake.user("Ana")
    text = "<b>Today</b>: easy run, 40 min at 5:40–6:10/km 🏃 — Ärzte sagen: ça va"
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Done", callback_data="done:1")]])
    async with bot_for(fake) as bot:
        sent = await bot.send_message(ana.id, text, parse_mode="HTML", reply_markup=buttons)
    assert sent.text == "Today: easy run, 40 min at 5:40–6:10/km 🏃 — Ärzte sagen: ça va"
    [message] = fake.replies(ana)
    assert message.message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "done:1"


async def test_export_file_upload_and_runner_file_download_keep_their_bytes(fake: FakeTelegram) -> None:
    ana = fake.user("Ana")
    payload = bytes(range(256)) * 400  # 100 KB, every byte value
    async with bot_for(fake) as bot:
        await bot.send_document(ana.id, payload, filename="runcoach-export.zip", caption="Your data")
        [doc] = fake.sent_documents(ana)
        assert doc.file is not None and doc.file.data == payload
        assert doc.file.file_name == "runcoach-export.zip"
        update = fake.send_document(ana, "run.gpx", b"<gpx>" + payload + b"</gpx>")
        file = await bot.get_file(update["document"]["file_id"])
        assert bytes(await file.download_as_bytearray()) == b"<gpx>" + payload + b"</gpx>"


async def test_telegram_errors_become_ptb_errors(fake: FakeTelegram) -> None:
    ana = fake.user("Ana")
    async with bot_for(fake) as bot:
        fake.flood_next("sendMessage", retry_after=7)
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(ana.id, "hi")
        assert "7" in str(flood.value)
        fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
        with pytest.raises(Forbidden):
            await bot.send_message(ana.id, "hi")
        assert (await bot.send_message(ana.id, "still works")).text == "still works"


async def test_a_silent_server_times_out_after_the_read_timeout(fake: FakeTelegram) -> None:
    ana = fake.user("Ana")
    async with bot_for(fake, read_timeout=0.5) as bot:
        fake.fail_next("sendMessage", kind="timeout", delay=5.0)
        began = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(ana.id, "hi")
        assert time.monotonic() - began < 3.0


async def test_a_dropped_connection_is_a_network_error_and_the_next_call_works(fake: FakeTelegram) -> None:
    ana = fake.user("Ana")
    async with bot_for(fake) as bot:
        fake.fail_next("sendMessage", kind="drop")
        with pytest.raises(NetworkError):
            await bot.send_message(ana.id, "hi")
        assert (await bot.send_message(ana.id, "again")).text == "again"


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    bot = Bot("1:x", base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest(1, connect_timeout=1.0))
    await bot.request.initialize()
    try:
        with pytest.raises(NetworkError):
            await bot.get_me()
    finally:
        await bot.request.shutdown()


def test_httpx_stays_available_as_ptbs_own_client() -> None:
    from telegram.request import HTTPXRequest

    assert isinstance(make_request("httpx"), HTTPXRequest)
    assert isinstance(make_request(), AiohttpRequest)
