"""Claims due outbox rows, asks the composer what to say, sends it through Telegram, records the outcome.

Exactly once, as far as it can be had. A row is sent only by the worker holding its claim. Claims are
exclusive (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and a claim can
be taken over only after its lease expired. Before every Telegram call the worker renews its claim
with one conditional UPDATE (``... WHERE status='claimed' AND claimed_by=me``): a worker that
stalled past its lease and lost the row never sends it. The renewal comes just before the
rate-limiter wait (so the limiter's timestamps are the true send times); a wait longer than a
quarter of the lease renews again. The call itself is bounded by the HTTP timeouts (seconds), far
below the lease (minutes). After each accepted reply ``parts_sent`` is
stored and after the last one the row is marked ``sent`` — again only if still claimed by me.

The remaining windows, where a message can go out twice:
1. the process dies (or the database becomes unreachable) after Telegram accepted a reply and
   before ``parts_sent``/``sent`` was committed: after the lease expires another worker re-sends
   that one reply (replies before it are not repeated);
2. a request that times out (``TimedOut``/``NetworkError``) after Telegram processed it is retried
   with back-off: the API gives no idempotency key, so it cannot be told apart from a lost request;
3. one ``Reply`` that ``send_reply`` splits into several API calls (text over 4096 characters, a
   photo with a long caption) is one unit: a failure between its pieces resends the earlier pieces;
4. clocks of two workers disagreeing by more than the lease.

Error handling: RetryAfter -> hold the chat in the limiter and put the row back at now + retry_after
(not counted as a failure); Forbidden -> the runner (or group) becomes inactive, the row ``failed``;
ChatMigrated -> the group's chat id is updated and the row retried at once; BadRequest -> ``failed``
(it would fail again); anything else (NetworkError, TimedOut, 5xx, a composer exception) -> retried
with exponential back-off, ``failed`` after ``max_attempts``. ``last_error`` stores the class name only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time as _time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlmodel import Session
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from bot.dialog.types import Reply
from bot.scheduling.planner import evening_checkin_wanted
from bot.scheduling.ratelimit import RateLimiter
from bot.transports.telegram.send import send_reply
from models import outbox
from models.db import session_scope
from models.tables import CoachGroup, Runner

log = logging.getLogger(__name__)


class OutboxRowLike(Protocol):
    """What a composer may read from an outbox row."""

    id: int | None
    target_kind: str  # "runner" / "group"
    target_id: int  # runner.id or coach_group.id
    kind: str  # "morning" / "evening" / "weekly" / "digest"
    local_date: date  # the target's local day the message is for
    chat_id: int
    due_at: datetime
    attempts: int


Composer = Callable[[Session, OutboxRowLike], list[Reply] | None]
"""Given a row, the replies to send; None (or []) means nothing to send and the row is skipped."""

Gate = Callable[[Session, OutboxRowLike], bool]
"""A cheap check before composing; False skips the row."""

SendFn = Callable[[Any, int, Reply], Awaitable[Any]]
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, aware, UTC."""
    return datetime.now(UTC)


def _evening_gate(session: Session, row: OutboxRowLike) -> bool:
    return row.target_kind != "runner" or evening_checkin_wanted(session, row.target_id, row.local_date)


DEFAULT_GATES: dict[str, Gate] = {"evening": _evening_gate}


def new_worker_id() -> str:
    """host:pid:random — unique per worker instance, fits ``claimed_by``."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True, slots=True)
class SenderConfig:
    """Claiming and retry policy."""

    lease: timedelta = timedelta(minutes=2)
    batch_size: int = 20
    concurrency: int = 8
    max_attempts: int = 5
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_cap: timedelta = timedelta(minutes=30)

    def backoff(self, attempts: int) -> timedelta:
        """Delay before retry number ``attempts`` (1, 2, ...): base * 2^(attempts-1), capped."""
        delay: timedelta = self.backoff_base * (2 ** max(0, attempts - 1))
        return min(self.backoff_cap, delay)


@dataclass(slots=True)
class SendReport:
    """What one :meth:`Sender.send_due` call did."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    lost_claims: int = 0
    messages: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class _LostClaim(Exception):
    """Our claim was taken over (lease expired): this worker must not send."""


class _Guarded:
    """Wraps a Bot so every send waits for the rate limiter, then re-confirms the claim."""

    def __init__(self, bot: Any, before: Callable[[int], Awaitable[None]], counter: list[int]) -> None:
        self._bot, self._before, self._counter = bot, before, counter

    async def _call(self, name: str, chat_id: int, *args: Any, **kwargs: Any) -> Any:
        await self._before(chat_id)
        result = await getattr(self._bot, name)(chat_id, *args, **kwargs)
        self._counter[0] += 1
        return result

    async def send_message(self, chat_id: int, *args: Any, **kwargs: Any) -> Any:
        return await self._call("send_message", chat_id, *args, **kwargs)

    async def send_photo(self, chat_id: int, *args: Any, **kwargs: Any) -> Any:
        return await self._call("send_photo", chat_id, *args, **kwargs)

    async def send_document(self, chat_id: int, *args: Any, **kwargs: Any) -> Any:
        return await self._call("send_document", chat_id, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter's delay in seconds (PTB 22 gives int or timedelta depending on a setting)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Sender:
    """Sends due outbox rows for one worker."""

    def __init__(self, engine: Engine, bot: Any, composer: Composer, *, clock: Clock = system_clock,
                 limiter: RateLimiter | None = None, worker_id: str | None = None,
                 config: SenderConfig = SenderConfig(), gates: dict[str, Gate] | None = None,
                 send: SendFn = send_reply, monotonic: Callable[[], float] = _time.monotonic) -> None:
        self.engine = engine
        self.bot = bot
        self.composer = composer
        self.clock = clock
        self.limiter = limiter or RateLimiter()
        self.worker_id = (worker_id or new_worker_id())[:64]
        self.config = config
        self.gates = DEFAULT_GATES if gates is None else gates
        self.send = send
        self.monotonic = monotonic
        self.stopping = False
        self._precomposed: dict[int, list[Reply] | None] = {}

    # ------------------------------------------------------------------ db helpers (run in a thread)

    async def _db(self, fn: Callable[[Session], Any]) -> Any:
        def run() -> Any:
            with session_scope(self.engine) as session:
                return fn(session)
        return await asyncio.to_thread(run)

    async def claim(self, limit: int | None = None) -> list[outbox.Outbox]:
        """Claim up to ``limit`` due rows for this worker."""
        now = self.clock()
        return await asyncio.to_thread(outbox.claim_due, self.engine, self.worker_id, now,
                                       lease=self.config.lease, limit=limit or self.config.batch_size)

    async def release(self) -> int:
        """Give back this worker's unfinished claims (clean shutdown)."""
        now = self.clock()
        return int(await self._db(lambda s: outbox.release(s, self.worker_id, now)))

    # ------------------------------------------------------------------ main loop

    async def send_due(self, *, max_rows: int | None = None, deadline: float | None = None) -> SendReport:
        """Claim and send due rows in small batches until none is left (or ``max_rows`` / the
        monotonic ``deadline`` is reached, or :attr:`stopping` is set)."""
        report = SendReport()
        sem = asyncio.Semaphore(max(1, self.config.concurrency))

        async def one(row: outbox.Outbox) -> None:
            async with sem:
                outcome = await self.process(row, report)
                report.add(outcome)

        while not self.stopping:
            if deadline is not None and self.monotonic() >= deadline:
                break
            limit = self.config.batch_size
            if max_rows is not None:
                limit = min(limit, max_rows - report.claimed)
                if limit <= 0:
                    break
            rows = await self.claim(limit)
            if not rows:
                break
            report.claimed += len(rows)
            self._precomposed = await self._precompose(rows)
            results = await asyncio.gather(*(one(r) for r in rows), return_exceptions=True)
            errors = [r for r in results if isinstance(r, BaseException)]
            if errors:
                raise errors[0]  # e.g. the database went away: the claims expire and are retried
        return report

    async def _precompose(self, rows: list[outbox.Outbox]) -> dict[int, list[Reply] | None]:
        """Let a composer with a ``compose_many`` batch hook prepare a claimed batch in one pass
        (one engine run for many runners); on any error the rows are composed one by one."""
        many = getattr(self.composer, "compose_many", None)
        if many is None:
            return {}
        try:
            return dict(await self._db(lambda s: many(s, rows)))
        except Exception:
            log.exception("batch composition failed; composing row by row")
            return {}

    async def process(self, row: outbox.Outbox, report: SendReport | None = None) -> str:
        """Compose and send one claimed row; returns the outcome (sent/skipped/failed/retried/
        rate_limited/lost_claims)."""
        report = report if report is not None else SendReport()
        assert row.id is not None
        row_id = row.id
        try:
            prepared = await self._db(lambda s: self._prepare(s, row))
        except Exception as exc:  # a composer bug or a database hiccup: retry later
            return await self._transient(row, exc, report)
        if prepared is None:
            await self._db(lambda s: outbox.finish(s, row_id, self.worker_id, self.clock(), outbox.SKIPPED))
            return "skipped"
        chat_id, replies = prepared
        counter = [0]

        async def before(target_chat: int) -> None:
            # Renew the claim, then wait for the limiter, then send with no await in between (so the
            # limiter's timestamps are the real send times). A long limiter wait re-renews.
            lease_until = await renew()
            await self.limiter.acquire(target_chat)
            if self.clock() >= lease_until - self.config.lease / 4:
                await renew()

        async def renew() -> datetime:
            now = self.clock()
            if not await self._db(lambda s: outbox.renew(s, row_id, self.worker_id, now, self.config.lease)):
                raise _LostClaim
            return now + self.config.lease

        guarded = _Guarded(self.bot, before, counter)
        done = row.parts_sent or 0
        try:
            for i in range(done, len(replies)):
                await self.send(guarded, chat_id, replies[i])
                done = i + 1
                if done < len(replies):
                    await self._db(partial(self._mark_parts, row_id=row_id, parts=done))
        except _LostClaim:
            log.warning("outbox row %s: claim lost before sending, left to its new owner", row_id)
            return "lost_claims"
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            self.limiter.hold(chat_id, wait)
            now = self.clock()
            await self._db(lambda s: (outbox.mark_parts(s, row_id, self.worker_id, done, now),
                                      outbox.reschedule(s, row_id, self.worker_id, now,
                                                        now + timedelta(seconds=wait), "RetryAfter")))
            report.errors["RetryAfter"] = report.errors.get("RetryAfter", 0) + 1
            return "rate_limited"
        except Forbidden:
            await self._db(lambda s: self._forbidden(s, row, done, "Forbidden"))
            report.errors["Forbidden"] = report.errors.get("Forbidden", 0) + 1
            return "failed"
        except ChatMigrated as exc:
            new_chat = int(exc.new_chat_id)
            await self._db(lambda s: self._migrated(s, row, done, new_chat))
            report.errors["ChatMigrated"] = report.errors.get("ChatMigrated", 0) + 1
            return "retried"
        except BadRequest as exc:
            now, name = self.clock(), type(exc).__name__
            await self._db(lambda s: (outbox.mark_parts(s, row_id, self.worker_id, done, now),
                                      outbox.finish(s, row_id, self.worker_id, now, outbox.FAILED, name,
                                                    attempts_inc=1)))
            report.errors[name] = report.errors.get(name, 0) + 1
            return "failed"
        except Exception as exc:  # NetworkError, TimedOut, 5xx, anything unexpected
            if done:
                await self._db(lambda s: outbox.mark_parts(s, row_id, self.worker_id, done, self.clock()))
            return await self._transient(row, exc, report)
        finally:
            report.messages += counter[0]
        if not await self._db(lambda s: outbox.mark_sent(s, row_id, self.worker_id, self.clock(), done)):
            log.warning("outbox row %s: sent, but the claim had been taken over (possible duplicate)", row_id)
        return "sent"

    # ------------------------------------------------------------------ steps

    def _prepare(self, session: Session, row: outbox.Outbox) -> tuple[int, list[Reply]] | None:
        """The chat and replies for a row, or None when there is nothing to send (target paused or
        gone, gate says no, composer returns nothing)."""
        chat_id: int | None
        if row.target_kind == "runner":
            runner = session.get(Runner, row.target_id)
            if runner is None or not runner.active or runner.paused or runner.chat_id is None:
                return None
            chat_id = runner.chat_id
        else:
            group = session.get(CoachGroup, row.target_id)
            if group is None or not group.active:
                return None
            chat_id = group.chat_id
        gate = self.gates.get(row.kind)
        if gate is not None and not gate(session, row):
            return None
        done = self._precomposed
        replies = done[row.id] if row.id in done else self.composer(session, row)
        if not replies:
            return None
        return int(chat_id), list(replies)

    async def _transient(self, row: outbox.Outbox, exc: BaseException, report: SendReport) -> str:
        name = type(exc).__name__[:64]
        report.errors[name] = report.errors.get(name, 0) + 1
        attempts = (row.attempts or 0) + 1
        now = self.clock()
        assert row.id is not None
        row_id = row.id
        if attempts >= self.config.max_attempts:
            log.warning("outbox row %s failed after %d attempts (%s)", row_id, attempts, name)
            await self._db(lambda s: outbox.finish(s, row_id, self.worker_id, now, outbox.FAILED, name,
                                                   attempts_inc=1))
            return "failed"
        at = now + self.config.backoff(attempts)
        await self._db(lambda s: outbox.reschedule(s, row_id, self.worker_id, now, at, name, attempts_inc=1))
        return "retried"

    def _mark_parts(self, session: Session, *, row_id: int, parts: int) -> bool:
        return outbox.mark_parts(session, row_id, self.worker_id, parts, self.clock())

    def _forbidden(self, session: Session, row: outbox.Outbox, done: int, error: str) -> None:
        assert row.id is not None
        now = self.clock()
        outbox.mark_parts(session, row.id, self.worker_id, done, now)
        outbox.finish(session, row.id, self.worker_id, now, outbox.FAILED, error, attempts_inc=1)
        target = (session.get(Runner, row.target_id) if row.target_kind == "runner"
                  else session.get(CoachGroup, row.target_id))
        if target is not None:
            target.active = False  # blocked by the runner / removed from the group
            session.add(target)

    def _migrated(self, session: Session, row: outbox.Outbox, done: int, new_chat: int) -> None:
        assert row.id is not None
        now = self.clock()
        if row.target_kind == "group":
            group = session.get(CoachGroup, row.target_id)
            if group is not None and group.chat_id != new_chat:
                group.chat_id = new_chat
                session.add(group)
        elif row.target_kind == "runner":  # private chats do not migrate; keep the row consistent anyway
            runner = session.get(Runner, row.target_id)
            if runner is not None:
                runner.chat_id = new_chat
                session.add(runner)
        session.flush()
        outbox.mark_parts(session, row.id, self.worker_id, done, now)
        outbox.reschedule(session, row.id, self.worker_id, now, now, "ChatMigrated", chat_id=new_chat)
