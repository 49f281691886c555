"""The test-side controller: :class:`FakeTelegram` runs the fake server in a background thread (its own
event loop) and lets a test play the users: send texts, commands, documents, photos, press buttons, add the
bot to groups, block it; then read what the bot sent, the callback answers, the commands menu and the stats.

All methods are plain synchronous calls that return at once (safe from sync tests and from coroutines);
the waiting helpers come in two flavours: ``wait_for_*`` blocks the calling thread, ``await
wait_for_*_async`` yields to the caller's event loop.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from .server import FakeBotServer
from .state import (
    ApiCall,
    CallbackQueryRecord,
    FakeChat,
    FakeState,
    FakeUser,
    Fault,
    JSONDict,
    Limits,
    SentMessage,
    command_entities,
    iter_buttons,
)

DEFAULT_TOKEN = "123456789:FAKE-test-token_AAAAAAAAAAAAAAAAAAAAAAAAA"
T = TypeVar("T")

ChatRef = FakeChat | FakeUser | int | SentMessage


class FakeTelegram:
    """A fake Telegram Bot API on ``127.0.0.1``. Use as a context manager (sync or async) or start()/stop().

    Point python-telegram-bot at it with ``.token(fake.token)``, ``.base_url(fake.base_url)`` and
    ``.base_file_url(fake.base_file_url)``: PTB appends the token to both URLs.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
        bot_username: str = "runcoach_test_bot",
        bot_name: str = "RunCoach",
        seed: int = 0,
        clock: Callable[[], float | datetime] | None = None,
        webhook_proxy: str | None = None,
    ) -> None:
        """``clock``: where message dates come from (epoch seconds or an aware datetime; default: now).
        ``webhook_proxy``: where a registered webhook's updates are POSTed (see :mod:`.server`)."""
        self.state = FakeState(
            token, bot_username=bot_username, bot_name=bot_name, limits=limits, seed=seed, clock=clock
        )
        self._server = FakeBotServer(self.state, host, port, webhook_proxy=webhook_proxy)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle  ------

    def start(self) -> FakeTelegram:
        if self._thread is not None:
            return self
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self._server.start())
            except BaseException as exc:
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Telegram did not start within 10 s")
        if errors:
            self._thread = None
            raise errors[0]
        return self

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeTelegram:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    # -- addresses  ------

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``"""
        return f"http://{self._server.host}:{self._server.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url`` / TELEGRAM_BASE_URL: PTB appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For PTB's ``base_file_url`` / TELEGRAM_BASE_FILE_URL: PTB appends the token."""
        return f"{self.url}/file/bot"

    @property
    def api_url(self) -> str:
        """The full method prefix, ``base_url + token``."""
        return self.base_url + self.token

    def env(self) -> dict[str, str]:
        """Environment for a bot process: TELEGRAM_BOT_TOKEN, TELEGRAM_BASE_URL, TELEGRAM_BASE_FILE_URL."""
        return {
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_BASE_URL": self.base_url,
            "TELEGRAM_BASE_FILE_URL": self.base_file_url,
        }

    @property
    def bot(self) -> FakeUser:
        return self.state.bot

    @property
    def limits(self) -> Limits:
        """Mutable; call :meth:`reset_flood` after changing flood thresholds mid-test."""
        return self.state.limits

    def reset_flood(self) -> None:
        self.state.reset_flood()

    # -- world  ------

    def user(
        self,
        first_name: str = "Runner",
        username: str | None = None,
        *,
        id: int | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> FakeUser:
        """A new user with a private chat (chat id == user id)."""
        return self.state.new_user(
            first_name, username, id=id, last_name=last_name, language_code=language_code
        )

    def group(
        self,
        title: str = "Running club",
        *,
        supergroup: bool = False,
        username: str | None = None,
        bot_member: bool = True,
    ) -> FakeChat:
        """A new group (negative id) or supergroup (-100... id); the bot is a member unless told not."""
        return self.state.new_group(title, supergroup=supergroup, username=username, bot_member=bot_member)

    def chat(self, chat: ChatRef) -> FakeChat:
        return self.state.chats[self.state.chat_id_of(chat)]

    def _chat_for(self, user: FakeUser, chat: ChatRef | None) -> FakeChat:
        if chat is None:
            return self.state.private_chat(user)
        return self.chat(chat)

    def _reply_ref(self, chat: FakeChat, reply_to: SentMessage | JSONDict | int | None) -> JSONDict | None:
        if reply_to is None:
            return None
        if isinstance(reply_to, SentMessage):
            return reply_to.message
        if isinstance(reply_to, dict):
            return reply_to
        return self.state.messages[chat.id].get(int(reply_to))

    # -- users act  ------

    def send_text(
        self,
        user: FakeUser,
        text: str,
        chat: ChatRef | None = None,
        *,
        reply_to: SentMessage | JSONDict | int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """``user`` writes ``text`` (in their private chat, or ``chat``); /commands get bot_command entities.
        Returns the Message dict. In groups with ``limits.privacy_mode`` the bot only sees commands, replies
        to it and @mentions, as on Telegram."""
        target = self._chat_for(user, chat)
        reply = self._reply_ref(target, reply_to)
        return self.state.user_message(
            user,
            target,
            text=text,
            entities=entities or command_entities(text) or None,
            reply_to_message=reply,
        )

    def send_command(
        self,
        user: FakeUser,
        command: str,
        args: str = "",
        chat: ChatRef | None = None,
        *,
        mention: bool = False,
    ) -> JSONDict:
        """``/command args`` (``mention``: ``/command@botname`` as group menus send it)."""
        text = (
            "/"
            + command.lstrip("/")
            + (f"@{self.bot.username}" if mention else "")
            + (f" {args}" if args else "")
        )
        return self.send_text(user, text, chat)

    def press_button(
        self,
        user: FakeUser,
        message: SentMessage | JSONDict | int,
        data: str | None = None,
        *,
        text: str | None = None,
        chat: ChatRef | None = None,
        strict: bool = True,
    ) -> str:
        """``user`` taps an inline button of a bot ``message`` (a SentMessage, a Message dict, or a message_id
        with ``chat``), chosen by callback ``data`` or by button ``text``. Returns the callback query id.
        ``strict``: the data must be on the message's current keyboard."""
        with self.state.lock:
            if isinstance(message, SentMessage):
                msg = message.message
            elif isinstance(message, dict):
                msg = message
            else:
                target = self._chat_for(user, chat)
                found = self.state.messages[target.id].get(int(message))
                if found is None:
                    raise ValueError(f"no message {message} in chat {target.id}")
                msg = found
            chat_id, mid = msg["chat"]["id"], msg["message_id"]
            current = self.state.messages[chat_id].get(mid, msg)
            buttons = list(iter_buttons(current.get("reply_markup")))
            if text is not None:
                match = [b for b in buttons if b.get("text") == text and "callback_data" in b]
                if not match:
                    raise ValueError(f"no callback button {text!r} on message {mid}: {buttons}")
                data = match[0]["callback_data"]
            if data is None:
                raise ValueError("press_button needs data or text")
            if strict and data not in [b.get("callback_data") for b in buttons]:
                raise ValueError(f"no button with callback_data {data!r} on message {mid}: {buttons}")
            qid = str(4_000_000_000_000_000_000 + len(self.state.callback_queries) * 7919 + user.id % 7919)
            query = {
                "id": qid,
                "from": user.to_dict(),
                "message": current,
                "chat_instance": str(abs(hash((chat_id, self.bot.id))) % 10**18),
                "data": data,
            }
            self.state.callback_queries[qid] = CallbackQueryRecord(
                qid, user, chat_id, mid, data, time.monotonic()
            )
            self.state.enqueue("callback_query", query)
            return qid

    def send_document(
        self,
        user: FakeUser,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: ChatRef | None = None,
    ) -> JSONDict:
        """A document message; the bytes are downloadable by the bot through getFile."""
        stored = self.state.store_file(data, "document", file_name=filename, mime_type=mime_type)
        return self.state.user_message(
            user, self._chat_for(user, chat), document=self.state.document_dict(stored), caption=caption
        )

    def send_photo(
        self,
        user: FakeUser,
        data: bytes,
        *,
        caption: str | None = None,
        chat: ChatRef | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> JSONDict:
        """A photo message (two sizes, as Telegram sends; both download the same bytes)."""
        stored = self.state.store_file(data, "photo", mime_type="image/jpeg")
        sizes = self.state.photo_sizes(stored, width, height)
        return self.state.user_message(user, self._chat_for(user, chat), photo=sizes, caption=caption)

    def send_voice(
        self,
        user: FakeUser,
        data: bytes = b"OggS\x00fake-voice",
        *,
        duration: int = 3,
        chat: ChatRef | None = None,
    ) -> JSONDict:
        stored = self.state.store_file(data, "voice", mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self.state.user_message(user, self._chat_for(user, chat), voice=voice)

    def send_message(self, user: FakeUser, chat: ChatRef | None = None, **content: Any) -> JSONDict:
        """Any other message content (``sticker=...``, ``location=...``), as raw Bot API fields."""
        return self.state.user_message(user, self._chat_for(user, chat), **content)

    # -- groups  ------

    def add_bot_to_group(self, user: FakeUser, group: ChatRef) -> tuple[JSONDict, JSONDict]:
        """``user`` adds the bot: a my_chat_member update (left → member) and a new_chat_members message."""
        chat = self.chat(group)
        with self.state.lock:
            old = chat.bot_status if chat.bot_status in ("left", "kicked") else "left"
            update = self.state.my_chat_member(chat, user, old, "member")
            msg = self.state.user_message(
                user,
                chat,
                new_chat_members=[self.bot.to_dict()],
                new_chat_member=self.bot.to_dict(),
                new_chat_participant=self.bot.to_dict(),
            )
            return update, msg

    def remove_bot_from_group(self, user: FakeUser, group: ChatRef) -> JSONDict:
        """``user`` removes the bot: my_chat_member (member → left); later sends get 403."""
        chat = self.chat(group)
        with self.state.lock:
            self.state.user_message(
                user, chat, left_chat_member=self.bot.to_dict(), left_chat_participant=self.bot.to_dict()
            )
            return self.state.my_chat_member(chat, user, chat.bot_status, "left")

    def user_joins(self, user: FakeUser, group: ChatRef, *, added_by: FakeUser | None = None) -> JSONDict:
        """A new_chat_members message (from ``added_by`` or the user themself)."""
        return self.state.user_message(
            added_by or user,
            self.chat(group),
            new_chat_members=[user.to_dict()],
            new_chat_member=user.to_dict(),
            new_chat_participant=user.to_dict(),
        )

    def user_leaves(self, user: FakeUser, group: ChatRef) -> JSONDict:
        return self.state.user_message(
            user, self.chat(group), left_chat_member=user.to_dict(), left_chat_participant=user.to_dict()
        )

    def migrate_group(self, group: ChatRef, by: FakeUser | None = None) -> FakeChat:
        """Upgrade a group to a supergroup as Telegram reports it: a ``migrate_to_chat_id`` message in the
        old group and a ``migrate_from_chat_id`` message in the new one; sends to the old id then get
        400 + ``migrate_to_chat_id`` (PTB: ChatMigrated). Returns the supergroup."""
        old = self.chat(group)
        if old.type != "group":
            raise ValueError("only basic groups migrate")
        actor = by or next(iter(self.state.users.values()), None) or self.user("Admin")
        with self.state.lock:
            new = self.state.new_group(
                old.title or "", supergroup=True, bot_member=old.bot_status == "member"
            )
            new.bot_status = old.bot_status
            self.state.user_message(actor, old, migrate_to_chat_id=new.id)
            old.migrated_to = new.id
            self.state.user_message(self.state.users.get(actor.id, actor), new, migrate_from_chat_id=old.id)
            return new

    def block(self, user: FakeUser) -> JSONDict:
        """``user`` blocks the bot: my_chat_member (member → kicked); then sends get 403 (Forbidden)."""
        chat = self.state.private_chat(user)
        return self.state.my_chat_member(chat, user, "member", "kicked")

    def unblock(self, user: FakeUser) -> JSONDict:
        chat = self.state.private_chat(user)
        return self.state.my_chat_member(chat, user, "kicked", "member")

    # -- what the bot did  ------

    def replies(self, chat: ChatRef | None = None) -> list[SentMessage]:
        """Messages the bot sent (to ``chat``, or everywhere), oldest first; edits are applied in place."""
        with self.state.lock:
            if chat is None:
                return list(self.state.sent)
            chat_id = self.state.chat_id_of(chat)
            return [m for m in self.state.sent if m.chat_id == chat_id]

    def texts(self, chat: ChatRef | None = None) -> list[str]:
        """The text or caption of each reply (as shown: HTML/Markdown markup removed)."""
        return [m.content for m in self.replies(chat)]

    def sent_documents(self, chat: ChatRef | None = None) -> list[SentMessage]:
        return [m for m in self.replies(chat) if "document" in m.message]

    def sent_photos(self, chat: ChatRef | None = None) -> list[SentMessage]:
        return [m for m in self.replies(chat) if "photo" in m.message]

    def callback_query(self, query_id: str) -> CallbackQueryRecord:
        return self.state.callback_queries[query_id]

    @property
    def callback_answers(self) -> list[CallbackQueryRecord]:
        """Button presses the bot answered (``.answer`` holds text/show_alert/url/cache_time)."""
        with self.state.lock:
            return [q for q in self.state.callback_queries.values() if q.answered]

    def commands(self, scope: str = "default", language_code: str = "") -> list[JSONDict]:
        """The commands menu set with setMyCommands (scope "default", "all_private_chats", "chat:ID"...)."""
        with self.state.lock:
            return list(self.state.commands.get((scope, language_code), []))

    def chat_actions(self, chat: ChatRef | None = None) -> list[str]:
        with self.state.lock:
            cid = None if chat is None else self.state.chat_id_of(chat)
            return [a for c, a, _t in self.state.chat_actions if cid is None or c == cid]

    def downloaded(self, file_id: str) -> bytes | None:
        with self.state.lock:
            stored = self.state.files.get(file_id)
            return stored.data if stored else None

    # -- stats  ------

    @property
    def requests_by_method(self) -> Counter[str]:
        with self.state.lock:
            return Counter(self.state.requests_by_method)

    @property
    def responses_by_status(self) -> Counter[int]:
        with self.state.lock:
            return Counter(self.state.responses_by_status)

    @property
    def count_429(self) -> int:
        """Every 429 the server sent (flood limits and injected ones)."""
        return self.state.count_429

    @property
    def calls(self) -> list[ApiCall]:
        with self.state.lock:
            return list(self.state.calls)

    def send_times(self, chat: ChatRef) -> list[float]:
        """time.monotonic() of each successful send to ``chat``."""
        with self.state.lock:
            return list(self.state.send_times.get(self.state.chat_id_of(chat), []))

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (getUpdates offset)."""
        return self.state.pending_updates()

    # -- faults  ------

    def fail_next(
        self,
        method: str | None = None,
        n: int = 1,
        *,
        kind: str = "error",
        status: int = 500,
        description: str | None = None,
        delay: float = 30.0,
        effect: bool = False,
        retry_after: int | None = None,
    ) -> None:
        """The next ``n`` calls of ``method`` (None: of any method; "file": downloads) fail.
        kind "error": HTTP ``status`` with a Telegram error body; "timeout": answer only after ``delay`` s
        (504 unless ``effect``); "drop": close the connection without a response. ``effect``: for
        timeout/drop, perform the call first (Telegram did it, the client never hears)."""
        self.state.fail_next(method, _fault(kind, status, description, delay, effect, retry_after), n)

    def fail_randomly(
        self,
        probability: float,
        method: str | None = None,
        *,
        seed: int = 0,
        kind: str = "error",
        status: int = 500,
        description: str | None = None,
        delay: float = 30.0,
        effect: bool = False,
        retry_after: int | None = None,
    ) -> None:
        """Every call of ``method`` (None: all) fails with ``probability`` (seeded, reproducible)."""
        self.state.fail_randomly(
            method, probability, _fault(kind, status, description, delay, effect, retry_after), seed
        )

    def flood_next(self, method: str | None = "sendMessage", retry_after: int = 1, n: int = 1) -> None:
        """The next ``n`` calls get 429 Too Many Requests with ``retry_after``."""
        self.fail_next(
            method,
            n,
            status=429,
            description=f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
        )

    def clear_faults(self) -> None:
        self.state.clear_faults()

    # -- waiting  ------

    def _wait(self, predicate: Callable[[], T | None], timeout: float, what: Callable[[], str]) -> T:
        deadline = time.monotonic() + timeout
        with self.state.changed:
            while True:
                result = predicate()
                if result is not None:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for {what()}")
                self.state.changed.wait(min(remaining, 0.05))  # notified on changes; re-check anyway

    async def _wait_async(
        self, predicate: Callable[[], T | None], timeout: float, what: Callable[[], str]  # noqa: ASYNC109
    ) -> T:
        deadline = time.monotonic() + timeout
        while True:
            with self.state.lock:
                result = predicate()
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what()}")
            await asyncio.sleep(0.005)

    def _replies_pred(self, chat: ChatRef, n: int, after: int) -> Callable[[], list[SentMessage] | None]:
        def pred() -> list[SentMessage] | None:
            got = self.replies(chat)[after:]
            return got if len(got) >= n else None

        return pred

    def _replies_what(self, chat: ChatRef, n: int, after: int) -> Callable[[], str]:
        return lambda: (
            f"{n} replies in chat {self.state.chat_id_of(chat)} (after {after}); got "
            f"{self.texts(chat)[after:]!r}; errors: "
            f"{[(c.method, c.status, c.error) for c in self.calls if c.status != 200][-5:]}"
        )

    def wait_for_replies(
        self, chat: ChatRef, n: int = 1, timeout: float = 5.0, *, after: int = 0
    ) -> list[SentMessage]:
        """Block until the bot has sent at least ``n`` messages to ``chat`` beyond the first ``after``;
        returns them all (from ``after`` on). Raises AssertionError on timeout."""
        return self._wait(self._replies_pred(chat, n, after), timeout, self._replies_what(chat, n, after))

    async def wait_for_replies_async(
        self, chat: ChatRef, n: int = 1, timeout: float = 5.0, *, after: int = 0  # noqa: ASYNC109
    ) -> list[SentMessage]:
        return await self._wait_async(
            self._replies_pred(chat, n, after), timeout, self._replies_what(chat, n, after)
        )

    def _answer_pred(self, query_id: str) -> Callable[[], CallbackQueryRecord | None]:
        def pred() -> CallbackQueryRecord | None:
            q = self.state.callback_queries.get(query_id)
            return q if q is not None and q.answered else None

        return pred

    def wait_for_answer(self, query_id: str, timeout: float = 5.0) -> CallbackQueryRecord:
        return self._wait(
            self._answer_pred(query_id), timeout, lambda: f"an answer to callback query {query_id}"
        )

    async def wait_for_answer_async(self, query_id: str, timeout: float = 5.0) -> CallbackQueryRecord:  # noqa: ASYNC109
        return await self._wait_async(
            self._answer_pred(query_id), timeout, lambda: f"an answer to callback query {query_id}"
        )

    def _requests_pred(self, method: str, n: int) -> Callable[[], int | None]:
        def pred() -> int | None:
            count = self.state.requests_by_method.get(method, 0)
            return count if count >= n else None

        return pred

    def wait_for_requests(self, method: str, n: int = 1, timeout: float = 5.0) -> int:
        """Block until ``method`` was called ``n`` times (e.g. "getUpdates": the bot is polling)."""
        return self._wait(self._requests_pred(method, n), timeout, lambda: f"{n} {method} requests")

    async def wait_for_requests_async(self, method: str, n: int = 1, timeout: float = 5.0) -> int:  # noqa: ASYNC109
        return await self._wait_async(
            self._requests_pred(method, n), timeout, lambda: f"{n} {method} requests"
        )

    def _delivered_pred(self) -> bool | None:
        return True if self.state.pending_updates() == 0 else None

    def wait_until_delivered(self, timeout: float = 5.0) -> None:
        """Block until the bot has confirmed every queued update."""
        self._wait(
            self._delivered_pred, timeout, lambda: f"delivery of {self.pending_updates} pending updates"
        )

    async def wait_until_delivered_async(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self._wait_async(
            self._delivered_pred, timeout, lambda: f"delivery of {self.pending_updates} pending updates"
        )


def _fault(
    kind: str, status: int, description: str | None, delay: float, effect: bool, retry_after: int | None
) -> Fault:
    if kind not in ("error", "timeout", "drop"):
        raise ValueError(f"fault kind must be error, timeout or drop, not {kind!r}")
    default = {
        429: f"Too Many Requests: retry after {retry_after or 1}",
        500: "Internal Server Error",
        502: "Bad Gateway",
        400: "Bad Request",
        403: "Forbidden",
    }.get(status, "Error")
    return Fault(
        kind=kind,
        status=status,
        description=description or default,
        delay=delay,
        effect=effect,
        retry_after=retry_after if retry_after is not None else (1 if status == 429 else None),
    )
