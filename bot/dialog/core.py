"""The dialog core: one entry point from any transport to the intent handlers and back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Engine

from bot.dialog.quick import is_quick
from bot.dialog.turn import Turn
from bot.dialog.types import Identity, Incoming, Outcome, Reply
from bot.settings import get_settings
from models.db import is_busy, no_wait_engine, session_scope
from models.queries import get_or_create_runner, get_runner
from prompts import render

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware, in UTC."""
    return datetime.now(UTC)


class _Busy(Exception):
    """Another connection held the database during a turn that must not wait for it."""


class Dialog:
    """Takes (runner identity, incoming text / file / button press) and returns replies.

    Each call is one database transaction: a handler that fails stores nothing and the runner
    gets a kind apology instead of silence. Telegram and the console are thin adapters over this.
    """

    def __init__(self, engine: Engine, clock: Clock = system_clock, default_time_zone: str | None = None,
                 bot_username: str | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.default_time_zone = default_time_zone or get_settings().default_time_zone
        self.bot_username = bot_username  # for deep links; the Telegram transport fills it in at start
        self._no_wait: Engine | Literal[False] | None = None  # handle_now's engine (False: not available)

    def handle(self, identity: Identity, incoming: Incoming) -> list[Reply]:
        """Answer one incoming message; never raises for anything the runner sent."""
        return self.handle_outcome(identity, incoming).replies

    def handle_now(self, identity: Identity, incoming: Incoming) -> list[Reply] | None:
        """Answer a quick turn (see :mod:`bot.dialog.quick`) without ever waiting for the database: None,
        with nothing stored, for a slow turn or when another connection is writing; call :meth:`handle`
        then. For transports that would rather not block their event loop on either."""
        if not is_quick(identity, incoming):
            return None
        if self._no_wait is None:
            self._no_wait = no_wait_engine(self.engine) or False
        if self._no_wait is False:
            return None
        try:
            return self._run(self._no_wait, identity, incoming, busy_fails=True).replies
        except _Busy:
            return None

    def handle_outcome(self, identity: Identity, incoming: Incoming) -> Outcome:
        """Like :meth:`handle`, also reporting what was stored."""
        return self._run(self.engine, identity, incoming, busy_fails=False)

    def close(self) -> None:
        """Release the connections of :meth:`handle_now` (the caller owns ``engine``)."""
        if self._no_wait:
            self._no_wait.dispose()
        self._no_wait = None

    def _run(self, engine: Engine, identity: Identity, incoming: Incoming, busy_fails: bool) -> Outcome:
        from bot.handlers import dispatch  # the wiring imports handlers, which import this module's types

        try:
            with session_scope(engine) as session:
                runner, created = get_or_create_runner(
                    session, identity.external_id, name=identity.name, chat_id=identity.chat_id,
                    time_zone=self.default_time_zone, created_at=self.clock(),
                )
                private_chat = identity.chat_id if identity.chat_type == "private" else identity.private_chat_id
                if private_chat is not None and runner.chat_id != private_chat:
                    runner.chat_id = private_chat
                if not runner.active:
                    runner.active = True  # they wrote to us, so they have unblocked the bot
                turn = Turn(session=session, runner=runner, now=self.clock(), dialog=self)
                replies = dispatch(turn, incoming, identity, new_runner=created)
                return Outcome(replies=replies, stored=list(turn.stored))
        except Exception as exc:
            if busy_fails and is_busy(exc):
                raise _Busy from exc  # rolled back: the caller runs the turn again where it may wait
            log.exception("handler failed (kind=%s)", _kind(incoming))
            return Outcome(replies=[Reply(text=render("general/error", html=True))])


    def progress_for(self, identity: Identity, incoming: Incoming) -> Reply | None:
        """The 'working on it' message to send before a long import, or None for quick work."""
        from bot.handlers.files import needs_progress

        if not needs_progress(incoming):
            return None
        return Reply(text=render("files/progress", html=True, name=incoming.file_name or "file"))

    def mark_inactive(self, external_id: str) -> None:
        """The runner blocked the bot: stop scheduled messages until they write again."""
        with session_scope(self.engine) as session:
            runner = get_runner(session, external_id)
            if runner is not None:
                runner.active = False
                session.add(runner)


def _kind(incoming: Incoming) -> str:
    """What sort of update failed, without its content (no personal data in logs)."""
    if incoming.button:
        return "button:" + incoming.button.split(":", 1)[0]
    if incoming.file_name or incoming.file_data is not None:
        return "file"
    if incoming.text and incoming.text.startswith("/"):
        return "command:" + incoming.text[1:].split(maxsplit=1)[0][:20] if len(incoming.text) > 1 else "command"
    return "text" if incoming.text else (incoming.media or "empty")
