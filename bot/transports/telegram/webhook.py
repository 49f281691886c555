"""Webhook mode that acknowledges an update only after it was handled (at-least-once, in order per chat).

python-telegram-bot's own webhook server answers Telegram's POST as soon as the update is queued, so a
crash before the update is handled loses it: Telegram has its 200 and never sends it again. Here the
answer comes after ``Application.process_update`` returns, as in :mod:`.polling`: if the process dies
first, Telegram delivers the update again. An update answered but not yet acknowledged is answered
twice; storage is idempotent for repeated logs, so nothing is stored twice or lost.

Telegram may deliver several updates at once (up to ``max_connections`` requests); updates of one chat
are handled one at a time, in the order they arrived.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.transports.telegram.polling import chat_key, serving, stop_on_signals

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Updates are small JSON documents (files are fetched separately with getFile).
MAX_BODY_BYTES = 1 << 20
#: Requests Telegram may have open at once; chats are still handled one update at a time.
MAX_CONNECTIONS = 40
#: How long a stop waits for updates in flight before closing their connections (they are re-sent).
SHUTDOWN_GRACE_S = 30.0


def webhook_app(application: Application, secret_token: str) -> web.Application:  # type: ignore[type-arg]
    """The aiohttp application that receives Telegram's POSTs (any path) and answers after handling."""
    chats: dict[int, tuple[asyncio.Lock, int]] = {}  # chat -> (its lock, updates holding or awaiting it)

    async def receive(request: web.Request) -> web.Response:
        """Check the secret, handle the update, and only then say 200."""
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret_token.encode()):
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("webhook: a request that is not an update was refused")
            return web.Response(status=400)
        key = chat_key(update)
        lock, users = chats.get(key, (asyncio.Lock(), 0))
        chats[key] = (lock, users + 1)
        try:
            async with lock:
                await application.process_update(update)  # errors go to the error handler, which logs once
        finally:
            lock, users = chats[key]
            if users <= 1:
                del chats[key]
            else:
                chats[key] = (lock, users - 1)
        return web.Response()

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post("/{path:.*}", receive)
    return app


async def run_webhook(application: Application, url: str, secret_token: str,  # type: ignore[type-arg]
                      listen: str = "0.0.0.0", port: int = 8443,
                      stop: asyncio.Event | None = None,
                      on_ready: Callable[[], Awaitable[None]] | None = None) -> None:
    """Initialise, start, serve and register the webhook, run until SIGTERM/SIGINT (or ``stop``), then
    finish the updates in flight and shut down cleanly. The webhook stays registered while stopped, so
    Telegram keeps the updates until the bot is back."""
    stop = stop_on_signals(stop or asyncio.Event())
    async with serving(application):
        runner = web.AppRunner(webhook_app(application, secret_token), handle_signals=False,
                               shutdown_timeout=SHUTDOWN_GRACE_S, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, listen, port).start()
            await application.bot.set_webhook(url, secret_token=secret_token, allowed_updates=Update.ALL_TYPES,
                                              max_connections=MAX_CONNECTIONS)
            if on_ready is not None:
                await on_ready()
            await stop.wait()
        finally:
            await runner.cleanup()  # stops accepting, lets the updates in flight finish
