"""Fuzzing harness: one real Application per module (wired as ``runcoach bot`` wires it), a recording
request instead of the network, a fresh database per module, and checks run after every update.

Checks (:meth:`FuzzBot.feed`): no exception reached PTB's error handlers, the dialog core logged no
failure, the generic apology was never sent, every text parses as Telegram HTML within Telegram's
length limits, every button's data fits 64 bytes, and the update was answered — or deliberately
ignored (plain group chatter, unknown group commands).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import ContextTypes

from bot.settings import Settings
from bot.transports.telegram.app import build_application
from models.db import make_engine, upgrade
from tests.fakebot.state import ApiError, plain_text_html
from tests.support.clock import FakeClock
from tests.tgbot.recording import Call, RecordingRequest

SEND = ("sendMessage", "sendPhoto", "sendDocument")
APOLOGY = "something went wrong"
STATS: dict[str, Any] = {"updates": 0, "failures": 0, "known": Counter()}


@dataclass(frozen=True)
class KnownBug:
    """A bug already reported (each has a strict-xfail repro in test_known_bugs.py). An update failing only
    this way is counted in the summary instead of failing the fuzz run, so the fuzzers keep looking for new
    bugs; delete the entry once the bug is fixed."""

    name: str
    error: type[BaseException]
    message: str  # regex on str(exception)
    where: tuple[str, ...]  # the failing frame's file ends with one of these

    def matches(self, exc: BaseException) -> bool:
        if not isinstance(exc, self.error) or not re.search(self.message, str(exc)):
            return False
        return any(f.filename.endswith(self.where) for f in traceback.extract_tb(exc.__traceback__))


KNOWN_BUGS: list[KnownBug] = []  # every bug the fuzzers found so far is fixed (see test_known_bugs.py)


def known_bug(exc: BaseException | None) -> KnownBug | None:
    if exc is None:
        return None
    return next((bug for bug in KNOWN_BUGS if bug.matches(exc)), None)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class FuzzBot:
    """The Application on its own event loop; :meth:`feed` processes one update dict and checks it."""

    def __init__(self, engine: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.request = RecordingRequest()
        self.clock = FakeClock(datetime(2026, 3, 12, 8, 0, tzinfo=UTC))
        settings = Settings(telegram_bot_token="123456:FUZZ-token", database_url="sqlite://",
                            default_time_zone="Europe/London")
        self.app = build_application(settings, engine, clock=self.clock, request=self.request, rate_limit=False)
        self.errors: list[BaseException | None] = []
        self.app.add_error_handler(self._spy)
        self.log = _Errors()
        logging.getLogger("bot").addHandler(self.log)
        self.loop.run_until_complete(self.app.initialize())
        from bot.nlu import warm_up

        warm_up()  # train the classifier now, not inside the first example's deadline

    async def _spy(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors.append(context.error)

    def close(self) -> None:
        logging.getLogger("bot").removeHandler(self.log)
        self.loop.run_until_complete(self.app.shutdown())
        self.loop.close()

    def feed(self, data: dict[str, Any], *, expect: str = "reply", allow_known: bool = True) -> list[Call]:
        """Process one update; ``expect``: "reply" (a message must be sent), "ack" (a callback answer is
        enough), "ignore" (nothing may be sent); ``allow_known``: tolerate (count) the KNOWN_BUGS.
        Returns the Bot API calls it caused."""
        self.request.clear()
        self.log.records.clear()
        errors_before = len(self.errors)
        STATS["updates"] += 1
        self.loop.run_until_complete(self.app.process_update(Update.de_json(data, self.app.bot)))
        calls = list(self.request.calls)
        try:
            self._check(data, calls, errors_before, expect, allow_known)
        except AssertionError:
            STATS["failures"] += 1
            raise
        return calls

    def _check(self, data: dict[str, Any], calls: list[Call], errors_before: int, expect: str,
               allow_known: bool) -> None:
        exceptions = [*self.errors[errors_before:], *(r.exc_info[1] for r in self.log.records if r.exc_info)]
        known = [known_bug(exc) if allow_known else None for exc in exceptions]
        for bug in known:
            if bug is not None:
                STATS["known"][bug.name] += 1
        new = [exc for exc, bug in zip(exceptions, known, strict=True) if bug is None]
        if new:
            detail = "".join(traceback.format_exception(new[0])[-6:])
            raise AssertionError(f"an exception while handling the update: {new!r}\n{detail}")
        sent = [c for c in calls if c.method in SEND]
        for call in sent:
            body = str(call.params.get("text") or call.params.get("caption") or "")
            assert APOLOGY not in body or any(known), "the generic apology was sent"
            limit = 4096 if call.method == "sendMessage" else 1024
            if call.params.get("parse_mode") == "HTML":
                try:
                    shown = plain_text_html(body)
                except ApiError as exc:
                    raise AssertionError(f"Telegram would refuse this HTML ({exc}): {body[:300]!r}") from None
            else:
                shown = body
            assert len(shown) <= limit, f"{call.method} of {len(shown)} characters"
            if call.method == "sendMessage":
                assert shown.strip(), "an empty message"
            markup = call.params.get("reply_markup")
            if markup:
                markup = json.loads(markup) if isinstance(markup, str) else markup
                for row in markup.get("inline_keyboard", []):
                    for button in row:
                        assert len(button["callback_data"].encode()) <= 64, button
        if expect == "reply":
            assert sent, "no answer"
        elif expect == "ack":
            assert [c for c in calls if c.method == "answerCallbackQuery"], "the tap was not acknowledged"
        elif expect == "ignore":
            assert not sent, f"expected to be ignored, sent {[c.params.get('text') for c in sent]}"


def _fresh_db_url(tmp: Path) -> tuple[str, str | None]:
    """(url, server url to drop it with) on the backend under test."""
    backend = os.environ.get("RUNCOACH_TEST_BACKEND", "sqlite").lower()
    if backend.startswith("postgres"):
        server = os.environ.get("RUNCOACH_TEST_POSTGRES_URL", "")
        if not server:
            pytest.skip("PostgreSQL not configured (set RUNCOACH_TEST_POSTGRES_URL)")
        for prefix in ("postgres://", "postgresql://"):
            if server.startswith(prefix):
                server = "postgresql+psycopg://" + server[len(prefix):]
        name = f"rc_fuzz_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        return make_url(server).set(database=name).render_as_string(hide_password=False), server
    return f"sqlite:///{tmp / 'fuzz.db'}", None


@pytest.fixture(scope="module")
def fuzz_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzBot]:
    url, server = _fresh_db_url(tmp_path_factory.mktemp("fuzz"))
    upgrade(url)
    engine = make_engine(url)
    harness = FuzzBot(engine)
    yield harness
    harness.close()
    engine.dispose()
    if server is not None:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        admin.dispose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if STATS["updates"]:
        terminalreporter.write_line(f"fuzz: {STATS['updates']} updates fed, {STATS['failures']} failed checks")
        for name, hits in STATS["known"].items():
            terminalreporter.write_line(f"fuzz: known bug hit {hits} times: {name}")
