"""The scheduler tick: plan (idempotent) -> expire yesterday's leftovers -> send what is due.

Two ways to run it:

* ``runcoach scheduler`` -> :func:`run_forever`: a standalone process; builds a PTB ``Bot`` from the
  settings and runs the tick every ``interval_s`` seconds with APScheduler's ``AsyncIOScheduler``
  until SIGTERM/SIGINT. Several can run side by side (PostgreSQL: ``SKIP LOCKED`` claims).
* ``runcoach bot`` -> :func:`attach_to_application`: the same tick through PTB's JobQueue.

Schedules are read from the database at every tick, so a runner changing zone or send time, or a
settings change, needs no restart. Nothing is kept in memory between ticks except the rate limiter.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.scheduling.planner import PlanConfig, PlanReport, plan
from bot.scheduling.ratelimit import RateLimiter
from bot.scheduling.sender import Clock, Composer, Sender, SenderConfig, SendReport, system_clock
from models import outbox
from models.db import session_scope

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 25.0
RETENTION_DAYS = 30


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """How often to tick and how each tick behaves."""

    interval_s: float = DEFAULT_INTERVAL_S
    plan: PlanConfig = field(default_factory=PlanConfig)
    sender: SenderConfig = field(default_factory=SenderConfig)
    overall_per_s: float = 25.0  # this process's share of Telegram's ~30/s
    retention_days: int = RETENTION_DAYS
    purge_every_s: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Any) -> WorkerConfig:
        """Defaults from settings; optional ``scheduler_interval_s`` / ``scheduler_rate_per_s`` fields win."""
        return cls(interval_s=float(getattr(settings, "scheduler_interval_s", DEFAULT_INTERVAL_S)),
                   plan=PlanConfig.from_settings(settings),
                   overall_per_s=float(getattr(settings, "scheduler_rate_per_s", 25.0)))


@dataclass(slots=True)
class TickReport:
    """One tick's work."""

    planned: PlanReport
    expired: int
    sent: SendReport
    purged: int = 0


class Worker:
    """Plans and sends; one per process (or per bot application)."""

    def __init__(self, engine: Engine, bot: Any, composer: Composer, *, config: WorkerConfig = WorkerConfig(),
                 clock: Clock = system_clock, limiter: RateLimiter | None = None, worker_id: str | None = None,
                 monotonic: Callable[[], float] = _time.monotonic, **sender_kwargs: Any) -> None:
        self.engine = engine
        self.config = config
        self.clock = clock
        self.monotonic = monotonic
        self.sender = Sender(engine, bot, composer, clock=clock, worker_id=worker_id, config=config.sender,
                             limiter=limiter or RateLimiter(overall_per_s=config.overall_per_s),
                             monotonic=monotonic, **sender_kwargs)
        self._busy = asyncio.Lock()
        self._last_purge: float | None = None

    def plan_and_expire(self, now: datetime) -> tuple[PlanReport, int, int]:
        """The database half of a tick (synchronous)."""
        purged = 0
        with session_scope(self.engine) as session:
            expired = outbox.expire(session, now)
            report = plan(session, now, self.config.plan)
            mono = self.monotonic()
            if self._last_purge is None or mono - self._last_purge >= self.config.purge_every_s:
                purged = outbox.purge(session, now.date() - timedelta(days=self.config.retention_days))
                self._last_purge = mono
        return report, expired, purged

    async def tick(self, *, budget_s: float | None = None) -> TickReport:
        """Plan, expire, then send until nothing is due or ``budget_s`` (default ~0.8 x interval) ran out;
        whatever is left is picked up by the next tick."""
        async with self._busy:
            start = self.monotonic()
            now = self.clock()
            planned, expired, purged = await asyncio.to_thread(self.plan_and_expire, now)
            budget = self.config.interval_s * 0.8 if budget_s is None else budget_s
            sent = await self.sender.send_due(deadline=start + budget if budget > 0 else None)
            if sent.claimed or planned.inserted or expired:
                log.info("outbox tick: planned %d (re-planned %d), expired %d, claimed %d, sent %d, skipped %d, "
                         "retried %d, rate-limited %d, failed %d", planned.inserted, planned.replanned, expired,
                         sent.claimed, sent.sent, sent.skipped, sent.retried, sent.rate_limited, sent.failed)
            return TickReport(planned=planned, expired=expired, sent=sent, purged=purged)

    async def safe_tick(self) -> TickReport | None:
        """A tick that logs instead of raising (for schedulers)."""
        try:
            return await self.tick()
        except Exception:
            log.exception("outbox tick failed; claims will expire and be retried")
            return None

    async def stop(self, timeout_s: float = 30.0) -> None:
        """Finish the tick in progress (no new batches), then hand back unfinished claims."""
        self.sender.stopping = True
        try:
            await asyncio.wait_for(self._busy.acquire(), timeout_s)
            self._busy.release()
        except TimeoutError:
            log.warning("outbox tick still running after %.0f s; its claims will expire", timeout_s)
        await self.sender.release()


def default_composer() -> Composer:
    """The project's real composer (``bot.services.morning.compose``)."""
    import importlib

    compose: Composer = importlib.import_module("bot.services.morning").compose
    return compose


def build_bot(settings: Any) -> Any:
    """A PTB ``Bot`` from the settings (token, and the base URLs when a fake or local server is used)."""
    from telegram import Bot

    assert settings.telegram_bot_token is not None
    kwargs: dict[str, Any] = {}
    if getattr(settings, "telegram_base_url", None):
        kwargs["base_url"] = settings.telegram_base_url
        kwargs["base_file_url"] = settings.telegram_base_file_url or settings.telegram_base_url
    from bot.transports.telegram.http_client import make_request

    request = make_request(getattr(settings, "telegram_http_client", "aiohttp"))
    return Bot(settings.telegram_bot_token.get_secret_value(), request=request, **kwargs)


def run_forever(settings: Any, engine: Engine, composer: Composer | None = None) -> None:
    """``runcoach scheduler``: tick until SIGTERM/SIGINT, then finish the current batch and release claims."""
    asyncio.run(serve(settings, engine, composer or default_composer()))


async def serve(settings: Any, engine: Engine, composer: Composer, *, bot: Any = None,
                stop: asyncio.Event | None = None, clock: Clock = system_clock) -> None:
    """The body of :func:`run_forever`; ``bot``/``stop``/``clock`` can be injected (tests)."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    config = WorkerConfig.from_settings(settings)
    bot = bot if bot is not None else build_bot(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-main thread / Windows
            pass
    async with bot:
        worker = Worker(engine, bot, composer, config=config, clock=clock)
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(worker.safe_tick, "interval", seconds=config.interval_s, id="runcoach-outbox",
                          next_run_time=datetime.now(UTC), max_instances=1, coalesce=True,
                          misfire_grace_time=max(1, int(config.interval_s)))
        scheduler.start()
        log.info("scheduler %s running, tick every %.0f s", worker.sender.worker_id, config.interval_s)
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            await worker.stop()
            log.info("scheduler %s stopped", worker.sender.worker_id)


def attach_to_application(application: Any, engine: Engine, composer: Composer, *, settings: Any = None,
                          clock: Clock = system_clock, first_s: float = 5.0) -> Any:
    """Run the tick inside ``runcoach bot`` through PTB's JobQueue (uses the application's bot).
    Returns the PTB ``Job``."""
    if settings is None:
        from bot.settings import get_settings

        settings = get_settings()
    config = WorkerConfig.from_settings(settings)
    holder: dict[str, Worker] = {}

    async def callback(context: Any) -> None:
        worker = holder.get("w")
        if worker is None:
            worker = holder["w"] = Worker(engine, context.bot, composer, config=config, clock=clock)
        await worker.safe_tick()

    job_queue = application.job_queue
    if job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    return job_queue.run_repeating(callback, interval=config.interval_s, first=first_s, name="runcoach-outbox",
                                   job_kwargs={"max_instances": 1, "coalesce": True})
