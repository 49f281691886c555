"""The fake Telegram, driven by real python-telegram-bot over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fakebot import FakeTelegram, Limits

ROOT = Path(__file__).resolve().parents[2]
PNG_1x1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def make_app(fake: FakeTelegram, *, rate_limiter: AIORateLimiter | None = None) -> Application:  # type: ignore[type-arg]
    builder = Application.builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    return builder.build()


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def make_bot(fake: FakeTelegram, **kwargs: object) -> Bot:
    return Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, **kwargs)  # type: ignore[arg-type]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "", do_quote=True)


# -- PTB end to end -----------------------------------------------------------------------------------


async def test_polling_delivers_text_and_echo_arrives(fake_telegram: FakeTelegram) -> None:
    app = make_app(fake_telegram)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    alice = fake_telegram.user("Alice", "alice")
    async with polling(app):
        fake_telegram.send_text(alice, "hello coach")
        fake_telegram.send_text(alice, "second")
        replies = await fake_telegram.wait_for_replies_async(alice, 2)
        await fake_telegram.wait_until_delivered_async()
    assert [r.text for r in replies] == ["hello coach", "second"]
    assert replies[0].message["from"]["id"] == fake_telegram.bot.id
    assert replies[0].message["reply_to_message"]["text"] == "hello coach"  # reply_text quotes the message
    assert [r.message_id for r in replies] == [3, 4]  # message ids are per chat, shared with the user's
    assert fake_telegram.requests_by_method["deleteWebhook"] == 1
    assert fake_telegram.requests_by_method["getUpdates"] >= 1
    assert fake_telegram.count_429 == 0
    assert fake_telegram.pending_updates == 0


async def test_button_press_is_answered_and_keyboard_removed(fake_telegram: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Easy run", callback_data="plan:easy"),
                                          InlineKeyboardButton("Rest", callback_data="plan:rest")]])
        await update.effective_message.reply_text("What today?", reply_markup=keyboard)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer(f"got {query.data}")
        await query.edit_message_reply_markup(reply_markup=None)
        await context.bot.send_message(query.message.chat.id, f"chose {query.data}")

    app = make_app(fake_telegram)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    bob = fake_telegram.user("Bob")
    async with polling(app):
        fake_telegram.send_command(bob, "start")
        [menu] = await fake_telegram.wait_for_replies_async(bob, 1)
        assert menu.button_data == ["plan:easy", "plan:rest"]
        with pytest.raises(ValueError, match="no button"):
            fake_telegram.press_button(bob, menu, "plan:long")
        qid = fake_telegram.press_button(bob, menu, text="Rest")
        answer = await fake_telegram.wait_for_answer_async(qid)
        await fake_telegram.wait_for_replies_async(bob, 1, after=1)
    assert answer.answer is not None and answer.answer["text"] == "got plan:rest"
    assert menu.reply_markup is None and len(menu.edits) == 1  # the edit applied to the recorded message
    assert fake_telegram.texts(bob) == ["What today?", "chose plan:rest"]
    assert [q.id for q in fake_telegram.callback_answers] == [qid]


async def test_document_upload_is_downloadable_and_bot_files_are_kept(fake_telegram: FakeTelegram) -> None:
    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None
        data = bytes(await (await message.document.get_file()).download_as_bytearray())
        digest = hashlib.sha256(data).hexdigest()[:12]
        await message.reply_text(f"{message.document.file_name} {len(data)} {digest}")
        await context.bot.send_document(message.chat_id, InputFile(data[::-1], filename="reversed.csv"),
                                        caption="<b>back</b>", parse_mode="HTML")
        await context.bot.send_photo(message.chat_id, PNG_1x1, caption="chart")

    app = make_app(fake_telegram)
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    carol = fake_telegram.user("Carol")
    payload = b"<gpx>" + bytes(range(256)) * 40 + b"</gpx>"
    async with polling(app):
        fake_telegram.send_document(carol, "morning run.gpx", payload, caption="my run")
        replies = await fake_telegram.wait_for_replies_async(carol, 3)
    assert replies[0].text == f"morning run.gpx {len(payload)} {hashlib.sha256(payload).hexdigest()[:12]}"
    [doc] = fake_telegram.sent_documents(carol)
    assert doc.file_bytes == payload[::-1] and doc.file_name == "reversed.csv" and doc.caption == "back"
    assert doc.message["document"]["mime_type"] == "text/csv"
    [photo] = fake_telegram.sent_photos(carol)
    assert photo.file_bytes == PNG_1x1 and photo.message["photo"][-1]["width"] == 1
    assert fake_telegram.requests_by_method["getFile"] == 1 and fake_telegram.requests_by_method["file"] == 1


async def test_user_media_and_group_events_parse_in_ptb(fake_telegram: FakeTelegram) -> None:
    dan = fake_telegram.user("Dan", "dan_runs")
    eve = fake_telegram.user("Eve")
    group = fake_telegram.group("Tuesday club", bot_member=False)
    fake_telegram.send_photo(dan, PNG_1x1, caption="my watch")
    fake_telegram.send_voice(dan)
    fake_telegram.add_bot_to_group(dan, group)
    fake_telegram.user_joins(eve, group)
    fake_telegram.send_text(eve, "anyone for a run?", group)  # privacy mode: the bot does not see this
    fake_telegram.send_command(dan, "join", chat=group, mention=True)
    supergroup = fake_telegram.migrate_group(group, dan)
    fake_telegram.block(eve)
    async with make_bot(fake_telegram) as bot:
        updates = await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES)
        assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    kinds = [(u.effective_chat.id if u.effective_chat else None, type(u.effective_message).__name__
              if u.effective_message else None, u.my_chat_member is not None) for u in updates]
    assert len(updates) == 9, kinds
    photo, voice, added, bot_joined, eve_joined, command, migrate_to, migrate_from, blocked = updates
    assert photo.message is not None and photo.message.photo[-1].width == 1
    assert photo.message.caption == "my watch"
    assert voice.message is not None and voice.message.voice is not None
    assert added.my_chat_member is not None and added.my_chat_member.new_chat_member.status == "member"
    assert bot_joined.message is not None and bot_joined.message.new_chat_members[0].id == fake_telegram.bot.id
    assert eve_joined.message is not None and eve_joined.message.new_chat_members[0].first_name == "Eve"
    assert command.message is not None and command.message.text == "/join@runcoach_test_bot"
    assert migrate_to.message is not None and migrate_to.message.migrate_to_chat_id == supergroup.id
    assert migrate_from.message is not None and migrate_from.message.migrate_from_chat_id == group.id
    assert migrate_from.message.chat.type == "supergroup" and str(supergroup.id).startswith("-100")
    assert blocked.my_chat_member is not None and blocked.my_chat_member.new_chat_member.status == "kicked"


async def test_chat_member_handler_sees_bot_added(fake_telegram: FakeTelegram) -> None:
    seen: list[str] = []

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member is not None and update.effective_chat is not None
        seen.append(update.my_chat_member.new_chat_member.status)
        await context.bot.send_message(update.effective_chat.id, "Hello club!")

    app = make_app(fake_telegram)
    app.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    dan = fake_telegram.user("Dan")
    group = fake_telegram.group("Club", bot_member=False)
    async with polling(app):
        fake_telegram.add_bot_to_group(dan, group)
        await fake_telegram.wait_for_replies_async(group, 1)
    assert seen == ["member"] and fake_telegram.texts(group) == ["Hello club!"]


async def test_commands_menu(fake_telegram: FakeTelegram) -> None:
    async with make_bot(fake_telegram) as bot:
        await bot.set_my_commands([BotCommand("today", "Today's session"), BotCommand("plan", "The plan")])
        got = await bot.get_my_commands()
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert [c.command for c in got] == ["today", "plan"]
    assert fake_telegram.commands() == [{"command": "today", "description": "Today's session"},
                                        {"command": "plan", "description": "The plan"}]


# -- Telegram's limits and errors ---------------------------------------------------------------------


async def test_flood_429_is_honoured_by_aioratelimiter(fake_telegram: FakeTelegram) -> None:
    fake_telegram.limits.private_burst = 1  # one message, then 1/s
    user = fake_telegram.user("Flo")
    bot = ExtBot(fake_telegram.token, base_url=fake_telegram.base_url, base_file_url=fake_telegram.base_file_url,
                 rate_limiter=AIORateLimiter(max_retries=2))
    async with bot:
        start = time.monotonic()
        await bot.send_message(user.id, "one")
        await bot.send_message(user.id, "two")  # 429 retry_after=1, retried by the rate limiter
        elapsed = time.monotonic() - start
    assert fake_telegram.texts(user) == ["one", "two"]
    assert fake_telegram.count_429 == 1 and elapsed >= 1.0
    [limited] = [c for c in fake_telegram.calls if c.status == 429]
    assert limited.method == "sendMessage" and limited.error == "Too Many Requests: retry after 1"


async def test_flood_limits_surface_as_retry_after(fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user("Flo")
    group = fake_telegram.group("Busy club")
    fake_telegram.limits.global_burst = fake_telegram.limits.global_per_second = 1000
    async with make_bot(fake_telegram) as bot:
        for i in range(3):  # burst of 3 to one private chat is tolerated
            await bot.send_message(user.id, f"burst {i}")
        with pytest.raises(RetryAfter) as private:
            await bot.send_message(user.id, "one too many")
        for i in range(20):
            await bot.send_message(group.id, f"group {i}")
        with pytest.raises(RetryAfter) as grouped:
            await bot.send_message(group.id, "21st in a minute")
        fake_telegram.limits.flood = False
        await bot.send_message(user.id, "limits off")
    assert "Retry in 1 seconds" in str(private.value)  # str() avoids PTB's retry_after deprecation warning
    assert any(f"Retry in {n} seconds" in str(grouped.value) for n in (1, 2, 3))
    assert fake_telegram.count_429 == 2
    assert len(fake_telegram.send_times(user)) == 4


async def test_blocked_user_is_forbidden(fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user("Gil")
    fake_telegram.block(user)
    async with make_bot(fake_telegram) as bot:
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(user.id, "are you there?")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(user.id, "typing")
        fake_telegram.unblock(user)
        await bot.send_message(user.id, "welcome back")
    assert fake_telegram.texts(user) == ["welcome back"]


async def test_length_and_markup_limits_are_bad_requests(fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user("Hal")
    fake_telegram.limits.flood = False  # many sends to one chat
    async with make_bot(fake_telegram) as bot:
        await bot.send_message(user.id, "x" * 4096)
        await bot.send_message(user.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # markup is not counted
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(user.id, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await bot.send_photo(user.id, PNG_1x1, caption="c" * 1025)
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(user.id, "pick", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("too much", callback_data="d" * 65)]]))
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(user.id, "<b></b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Unsupported start tag \"div\""):
            await bot.send_message(user.id, "<div>x</div>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)Can't find end tag corresponding to start tag \"i\""):
            await bot.send_message(user.id, "<i>open", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)Character '.' is reserved"):
            await bot.send_message(user.id, "5 km. Easy", parse_mode="MarkdownV2")
        await bot.send_message(user.id, "5 km\\. *Easy*", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(999, "nobody")
        sent = await bot.send_message(user.id, "same")
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("same", user.id, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query("12345")
    assert fake_telegram.texts(user)[-2:] == ["5 km. Easy", "same"]


async def test_migrated_group_raises_chat_migrated(fake_telegram: FakeTelegram) -> None:
    admin = fake_telegram.user("Ida")
    group = fake_telegram.group("Old club")
    supergroup = fake_telegram.migrate_group(group, admin)
    async with make_bot(fake_telegram) as bot:
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(group.id, "hello?")
        await bot.send_message(migrated.value.new_chat_id, "hello again")
    assert migrated.value.new_chat_id == supergroup.id
    assert fake_telegram.texts(supergroup) == ["hello again"]


async def test_injected_faults_surface_as_network_errors(fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user("Jo")
    request = HTTPXRequest(read_timeout=0.3, connect_timeout=1.0)
    async with make_bot(fake_telegram, request=request) as bot:
        fake_telegram.fail_next("sendMessage", status=500)
        with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
            await bot.send_message(user.id, "500")
        fake_telegram.fail_next("sendMessage", kind="drop")
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "dropped")
        fake_telegram.fail_next("sendMessage", kind="timeout", delay=0.8, effect=True)
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "sent but unacknowledged")
        fake_telegram.fail_next("sendMessage", kind="drop", effect=True)
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "sent, connection lost")
        fake_telegram.fail_next("getFile", status=502)
        with pytest.raises(NetworkError):
            await bot.get_file("nope")
        await bot.send_message(user.id, "fine again")
    assert fake_telegram.texts(user) == ["sent but unacknowledged", "sent, connection lost", "fine again"]
    assert fake_telegram.responses_by_status[500] == 1 and fake_telegram.responses_by_status[502] == 1


async def test_random_faults_are_seeded() -> None:
    async def pattern() -> list[bool]:
        async with FakeTelegram() as fake, httpx.AsyncClient() as client:
            fake.fail_randomly(0.5, "getMe", seed=7)
            return [(await client.post(f"{fake.api_url}/getMe")).status_code == 200 for _ in range(12)]

    first, second = await pattern(), await pattern()
    assert first == second and 0 < sum(first) < 12


# -- long polling and the wire ------------------------------------------------------------------------


async def test_get_updates_long_polls_and_confirms_by_offset(fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user("Kim")
    url = fake_telegram.api_url
    async with httpx.AsyncClient(timeout=5) as client:
        start = time.monotonic()
        empty = (await client.post(f"{url}/getUpdates", data={"timeout": "0.4"})).json()
        assert empty == {"ok": True, "result": []} and time.monotonic() - start >= 0.35

        async def later() -> None:
            await asyncio.sleep(0.2)
            fake_telegram.send_text(user, "wake up")

        start = time.monotonic()
        poll, _ = await asyncio.gather(client.post(f"{url}/getUpdates", data={"timeout": "5"}), later())
        assert time.monotonic() - start < 2
        [update] = poll.json()["result"]
        again = (await client.post(f"{url}/getUpdates", json={"offset": update["update_id"]})).json()
        assert again["result"] == [update]  # not confirmed yet: delivered again
        done = (await client.get(f"{url}/getUpdates", params={"offset": update["update_id"] + 1})).json()
        assert done["result"] == [] and fake_telegram.pending_updates == 0

        first = asyncio.ensure_future(client.post(f"{url}/getUpdates", data={"timeout": "3"}))
        await asyncio.sleep(0.1)
        second = await client.post(f"{url}/getUpdates", data={"timeout": "0"})
        conflict = await first
        assert second.status_code == 200 and conflict.status_code == 409
        assert conflict.json()["description"].startswith("Conflict: terminated by other getUpdates request")

        bad_token = await client.post(url.replace("FAKE", "EKAF") + "/getMe")
        assert bad_token.status_code == 401
        unknown = await client.post(f"{url}/sendTeleport")
        assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    async with make_bot(fake_telegram) as bot:
        await bot.set_webhook("https://example.invalid/hook")
        with pytest.raises(Conflict):
            await bot.get_updates()
        assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
        await bot.delete_webhook()
        assert await bot.log_out() and await bot.close()


async def test_privacy_mode_in_groups(fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user("Lee")
    group = fake_telegram.group("Club")
    fake_telegram.send_text(user, "chatter", group)
    fake_telegram.send_text(user, "/plan", group)
    fake_telegram.send_text(user, "hey @runcoach_test_bot", group)
    assert fake_telegram.pending_updates == 2
    fake_telegram.limits.privacy_mode = False
    fake_telegram.send_text(user, "more chatter", group)
    assert fake_telegram.pending_updates == 3


def test_control_api_for_a_fake_in_another_process(fake_telegram: FakeTelegram) -> None:
    control = f"{fake_telegram.url}/_fake"
    with httpx.Client(timeout=5) as client:
        user = client.post(f"{control}/user", json={"first_name": "Max", "id": 4242}).json()["result"]
        client.post(f"{control}/send_text", json={"user_id": user["id"], "text": "/start"})
        client.post(f"{control}/limits", json={"private_burst": 5})
        updates = client.post(f"{fake_telegram.api_url}/getUpdates").json()["result"]
        client.post(f"{fake_telegram.api_url}/sendMessage", data={"chat_id": "4242", "text": "hi Max"})
        replies = client.get(f"{control}/replies", params={"chat_id": 4242}).json()["result"]
        stats = client.get(f"{control}/stats").json()["result"]
    assert updates[0]["message"]["text"] == "/start" and replies[0]["text"] == "hi Max"
    assert stats["requests_by_method"]["sendMessage"] == 1 and stats["count_429"] == 0
    assert fake_telegram.limits.private_burst == 5


# -- the bench echo bot as a separate process ---------------------------------------------------------


def test_bench_echo_bot_subprocess_echoes(fake_telegram: FakeTelegram) -> None:
    env = {**os.environ, **fake_telegram.env(), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "echo_bot.py")], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        fake_telegram.wait_for_requests("getUpdates", 1, timeout=15)
        user = fake_telegram.user("Ned")
        fake_telegram.send_text(user, "echo me")
        [reply] = fake_telegram.wait_for_replies(user, 1, timeout=10)
        assert reply.text == "echo me"
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert b"Traceback" not in out, out.decode(errors="replace")
    assert fake_telegram.count_429 == 0


def test_constructor_options_limits_and_clock() -> None:
    when = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
    with FakeTelegram(limits=Limits(max_text_length=10), clock=lambda: when) as fake:
        user = fake.user("Ola")
        message = fake.send_text(user, "hi")
        response = httpx.post(f"{fake.api_url}/sendMessage", data={"chat_id": str(user.id), "text": "x" * 11})
        fake.wait_for_requests("sendMessage", 1, timeout=1)
    assert message["date"] == int(when.timestamp())
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
