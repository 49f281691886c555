"""Long polling that confirms an update only after it was handled (at-least-once, in order per chat).

python-telegram-bot's Updater asks for the next batch, which confirms the previous one, before that
batch is processed: a crash in between loses every update fetched but not yet answered. Here the
offset only moves past an update once the Application has processed it, so after ``kill -9`` Telegram
hands the unanswered updates out again. An update that was answered but not yet confirmed when the
process died is answered twice; storage is idempotent for repeated logs (fingerprints, per-day
check-ins), so the runner may read a confirmation twice but nothing is stored twice or lost.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 25
#: Chats handled at once. The dialog runs one at a time under the GIL anyway; more chats in flight only
#: add outgoing connections, and httpcore's pool scans all its connections on each request.
CONCURRENT_CHATS = 8
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


async def poll(application: Application, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    """Fetch, handle, then confirm, until ``stop`` is set."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        try:
            updates = await _fetch(application, offset, stop)
            if updates is None:
                break  # stopping: a long poll in flight is abandoned; its updates stay unconfirmed
        except RetryAfter as exc:
            await _sleep(stop, float(exc.retry_after if isinstance(exc.retry_after, int | float)
                                     else exc.retry_after.total_seconds()))
            continue
        except InvalidToken:
            raise
        except (NetworkError, TelegramError) as exc:
            delay = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
            failures += 1
            log.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
            await _sleep(stop, delay)
            continue
        failures = 0
        if updates:
            await handle_batch(application, updates)
            offset = updates[-1].update_id + 1  # confirmed by the next getUpdates, only now that all were handled
    if offset is not None:
        try:  # confirm what was handled before stopping, so a clean restart does not repeat it
            await application.bot.get_updates(offset=offset, timeout=0)
        except TelegramError:
            log.info("could not confirm the last updates before stopping; they will be handled again")


def chat_key(update: Update) -> int:
    """Updates of one chat (or, without a chat, one user) must be handled in the order they came."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


async def handle_batch(application: Application, updates: tuple[Update, ...]) -> None:  # type: ignore[type-arg]
    """Handle a batch: different chats concurrently, each chat's updates strictly in order."""
    by_chat: dict[int, list[Update]] = {}
    for update in updates:
        by_chat.setdefault(chat_key(update), []).append(update)

    slots = asyncio.Semaphore(CONCURRENT_CHATS)

    async def in_order(chat_updates: list[Update]) -> None:
        async with slots:
            for update in chat_updates:
                await application.process_update(update)

    await asyncio.gather(*(in_order(u) for u in by_chat.values()))


async def _fetch(application: Application, offset: int | None,  # type: ignore[type-arg]
                 stop: asyncio.Event) -> tuple[Update, ...] | None:
    """One long poll that a stop request interrupts at once (None when stopping)."""
    fetch = asyncio.ensure_future(application.bot.get_updates(offset=offset, timeout=POLL_TIMEOUT_S,
                                                              allowed_updates=Update.ALL_TYPES))
    stopping = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if fetch not in done:
        fetch.cancel()
        return None
    stopping.cancel()
    updates: tuple[Update, ...] = fetch.result()
    return updates


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


def stop_on_signals(stop: asyncio.Event) -> asyncio.Event:
    """Set ``stop`` on SIGTERM or SIGINT (where the running loop can take signal handlers)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not the main thread
            pass
    return stop


@asynccontextmanager
async def serving(application: Application) -> AsyncIterator[None]:  # type: ignore[type-arg]
    """Initialise, run ``post_init``, start (handlers, JobQueue); on exit stop, shut down and run
    ``post_shutdown``: the lifecycle both long polling and the webhook share."""
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            yield
        finally:
            await application.stop()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def run_polling(application: Application) -> None:  # type: ignore[type-arg]
    """Poll until SIGTERM/SIGINT, then stop and shut down cleanly (the webhook of an earlier run is removed
    first: Telegram refuses getUpdates while one is set)."""
    stop = stop_on_signals(asyncio.Event())
    async with serving(application):
        await application.bot.delete_webhook(drop_pending_updates=False)
        await poll(application, stop)
