"""End-to-end harness: the REAL ``runcoach bot`` process against the in-process fake Telegram.

:class:`BotProcess` starts ``python -m bot.cli bot`` with its environment pointing at the fake and at a
test database, waits until it polls, and stops it (SIGTERM, then SIGKILL) or kills it (``kill -9``).
:class:`Person` plays one Telegram user: it sends something and waits for exactly the replies it expects,
failing fast (with the bot's log tail) when the bot process has died.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from tests.fakebot import FakeChat, FakeTelegram, FakeUser, SentMessage

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "activity"
APOLOGY = "something went wrong"
# Messages the outbox scheduler sends on its own (morning, evening, first question, weekly, group digest).
# They are not replies to anything a person sent, so :class:`Person` sets them aside in ``scheduled``.
SCHEDULED_PREFIXES = ("Good morning", "🌙", "💡 One thing", "📅", "📋")


def is_scheduled(message: SentMessage) -> bool:
    content = message.content.lstrip()
    return content.startswith(SCHEDULED_PREFIXES) or any(d.startswith("feel:") for d in message.button_data)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class BotDied(AssertionError):
    """The bot process exited while a test waited for it."""


class BotProcess:
    """One ``runcoach bot`` subprocess (restartable). Always call :meth:`stop` (fixtures do)."""

    def __init__(self, fake: FakeTelegram, db_url: str, workdir: Path, *, extra_env: dict[str, str] | None = None,
                 command: list[str] | None = None, ready_method: str = "getUpdates") -> None:
        self.fake = fake
        self.db_url = db_url
        self.workdir = workdir
        self.command = command or [sys.executable, "-m", "bot.cli", "bot"]
        self.ready_method = ready_method  # the call that shows the bot is up (setWebhook in webhook mode)
        self.env = {
            **os.environ,
            **fake.env(),
            "DATABASE_URL": db_url,
            "DEFAULT_TIME_ZONE": "Europe/London",
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.log_path = workdir / "bot.log"

    # -- lifecycle  ------

    def start(self, timeout: float = 60.0) -> BotProcess:
        """Start the bot and wait until it long-polls getUpdates, or registers its webhook (fresh after this
        start)."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        polls_before = self.fake.requests_by_method.get(self.ready_method, 0)
        log = self.log_path.open("ab")
        log.write(f"\n===== start #{self.starts} =====\n".encode())
        log.flush()
        # cwd is a scratch folder: no stray .env from the project root is read
        self.proc = subprocess.Popen(self.command, env=self.env, cwd=self.workdir, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while self.fake.requests_by_method.get(self.ready_method, 0) <= polls_before:
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"bot did not call {self.ready_method} within {timeout} s\n{self.log_tail()}")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM (PTB stops cleanly and confirms the offset), then SIGKILL if it hangs."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return None if proc is None else proc.returncode
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait(10)

    def kill9(self) -> None:
        """``kill -9``: no clean-up, no last getUpdates, in-flight work is lost."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise BotDied(f"bot exited with {self.proc.returncode}\n{self.log_tail()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    # -- waiting  ------

    def wait(self, chat: FakeChat | FakeUser | int, n: int = 1, *, after: int = 0, timeout: float = 20.0,
             replies_only: bool = True) -> list[SentMessage]:
        """Wait for ``n`` bot messages in ``chat`` beyond the first ``after``; fails fast if the bot died.
        ``replies_only``: count only replies (not scheduled messages)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.messages(chat, replies_only)[after:]
            if len(got) >= n:
                return got
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {n} replies in chat {getattr(chat, 'id', chat)}; "
                    f"got {[m.content[:80] for m in got]}\n--- bot log ---\n{self.log_tail()}")
            try:
                self.fake.wait_for_replies(chat, len(self.fake.replies(chat)) + 1, timeout=0.25)
            except AssertionError:
                pass

    def messages(self, chat: FakeChat | FakeUser | int, replies_only: bool = True) -> list[SentMessage]:
        return [m for m in self.fake.replies(chat) if not (replies_only and is_scheduled(m))]


class Person:
    """A Telegram user talking to the bot in their private chat (and, when told, in a group)."""

    def __init__(self, fake: FakeTelegram, bot: BotProcess, name: str, *, id: int | None = None) -> None:
        self.fake = fake
        self.bot = bot
        self.user = fake.user(name, id=id)
        self.seen: dict[int, int] = {}  # chat id -> bot messages already consumed there

    @property
    def id(self) -> int:
        return self.user.id

    def _take(self, chat_id: int, n: int, timeout: float) -> list[SentMessage]:
        after = self.seen.get(chat_id, 0)
        got = self.bot.wait(chat_id, n, after=after, timeout=timeout)[:n]
        self.seen[chat_id] = after + n
        return got

    def expect(self, n: int = 1, *, chat: FakeChat | None = None, timeout: float = 20.0) -> list[SentMessage]:
        """The next ``n`` bot messages in the private chat (or ``chat``)."""
        return self._take(chat.id if chat is not None else self.id, n, timeout)

    def say(self, text: str, n: int = 1, *, chat: FakeChat | None = None, timeout: float = 20.0) -> list[SentMessage]:
        """Send ``text`` and return the ``n`` replies it gets in the same chat."""
        self.sync(chat)
        self.fake.send_text(self.user, text, chat)
        return self.expect(n, chat=chat, timeout=timeout)

    def tap(self, message: SentMessage, data: str, n: int = 1, timeout: float = 20.0) -> list[SentMessage]:
        """Tap a button by its callback data; the tap must be acknowledged and get ``n`` replies."""
        self.sync()
        qid = self.fake.press_button(self.user, message, data)
        replies = self.expect(n, timeout=timeout)
        self.fake.wait_for_answer(qid, timeout=timeout)
        return replies

    def upload(self, path: Path | str, n: int = 1, *, data: bytes | None = None, name: str | None = None,
               timeout: float = 30.0) -> list[SentMessage]:
        self.sync()
        path = Path(path)
        self.fake.send_document(self.user, name or path.name, data if data is not None else path.read_bytes())
        return self.expect(n, timeout=timeout)

    def sync(self, chat: FakeChat | None = None) -> None:
        """Record where the conversation stands (first use of a chat: everything so far is old)."""
        cid = chat.id if chat is not None else self.id
        self.seen.setdefault(cid, len(self.bot.messages(cid)))

    def unread(self, chat: FakeChat | None = None) -> list[str]:
        """Replies not consumed by any expectation (scheduled messages excluded)."""
        cid = chat.id if chat is not None else self.id
        return [m.content for m in self.bot.messages(cid)[self.seen.get(cid, 0):]]

    @property
    def scheduled(self) -> list[SentMessage]:
        """What the scheduler sent this person on its own (kept apart from replies)."""
        return [m for m in self.fake.replies(self.id) if is_scheduled(m)]


def buttons_of(message: SentMessage) -> list[str]:
    return message.button_data


def count_rows(engine: Engine, table: Any, **where: Any) -> int:
    with Session(engine) as session:
        stmt = select(func.count()).select_from(table)
        for key, value in where.items():
            stmt = stmt.where(getattr(table, key) == value)
        return int(session.exec(stmt).one())


def no_apology(messages: list[SentMessage]) -> None:
    bad = [m.content for m in messages if APOLOGY in m.content]
    assert not bad, f"the bot apologised: {bad}"
