"""All Telegram wiring in one place: the Application, its handlers, commands menu, polling or webhook."""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from telegram import BotCommand
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.dialog import Dialog
from bot.dialog.core import Clock, system_clock
from bot.nlu import warm_up
from bot.settings import Settings
from bot.transports.telegram import handlers
from bot.transports.telegram.http_client import make_request
from bot.transports.telegram.polling import run_polling
from bot.transports.telegram.webhook import run_webhook
from prompts import render

COMMANDS = ("today", "log", "plan", "predict", "risk", "progress", "why", "goal", "settings", "pause", "resume",
            "coach", "join", "leave", "team", "export", "delete", "privacy", "help")


#: Dialog threads on PostgreSQL: transactions overlap their round trips to the server.
POSTGRES_DIALOG_THREADS = 4


def dialog_executor(engine: Engine) -> ThreadPoolExecutor:
    """Where blocking dialog work runs, off the event loop.

    SQLite takes one writer at a time and its busy handler sleeps while it waits, so concurrent
    transactions from several threads left the bot idle under load; one thread runs them back to back
    (the GIL would serialise their Python work anyway). PostgreSQL gets a few threads.
    """
    threads = 1 if engine.dialect.name == "sqlite" else POSTGRES_DIALOG_THREADS
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dialog")


def dialog_on_loop(settings: Settings, engine: Engine) -> bool:
    """Whether quick turns run on the event loop (``Dialog.handle_now``) before falling back to the executor.

    On SQLite the one dialog thread and the event loop took turns with the GIL, and each hand-off cost
    CPU (bench/bench_load.py: about 12 % of the bot's CPU per update, median of paired runs). A turn on
    the loop never waits for the database (it fails at once and goes to the thread) and slow turns
    (charts, exports, files) never run there. On PostgreSQL the dialog threads overlap their round trips
    to the server instead.
    """
    if settings.dialog_on_loop is not None:
        return settings.dialog_on_loop
    return engine.dialect.name == "sqlite"


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    """Let the dialog work in flight finish, then release its threads and connections."""
    executor = application.bot_data.get("dialog_executor")
    if executor is not None:
        await asyncio.to_thread(executor.shutdown, wait=True)
    application.bot_data["dialog"].close()


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the commands menu (setMyCommands) and train the message classifier in the background."""
    warm_up(background=True)
    commands = [BotCommand(name, render("telegram/command_description", command=name)) for name in COMMANDS]
    await application.bot.set_my_commands(commands)
    application.bot_data["dialog"].bot_username = application.bot.username


def build_application(settings: Settings, engine: Engine, *, clock: Clock = system_clock,
                      request: BaseRequest | None = None, updates_request: BaseRequest | None = None,
                      rate_limit: bool = True) -> Application:  # type: ignore[type-arg]
    """The bot, wired: private chats through the dialog core, buttons, documents, media, errors."""
    assert settings.telegram_bot_token is not None
    builder: ApplicationBuilder = Application.builder().token(settings.telegram_bot_token.get_secret_value())  # type: ignore[type-arg]
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
        builder = builder.base_file_url(settings.telegram_base_file_url or settings.telegram_base_url)
    if request is None:
        request = make_request(settings.telegram_http_client)
        updates_request = updates_request or make_request(settings.telegram_http_client, connection_pool_size=1)
    builder = builder.request(request).get_updates_request(updates_request or request)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_overall_rate,
                                                      max_retries=3))
    application = builder.post_init(_post_init).post_shutdown(_post_shutdown).build()
    application.bot_data["dialog"] = Dialog(engine, clock=clock, default_time_zone=settings.default_time_zone)
    application.bot_data["dialog_executor"] = dialog_executor(engine)
    application.bot_data["dialog_on_loop"] = dialog_on_loop(settings, engine)

    private = filters.ChatType.PRIVATE
    application.add_handler(ChatMemberHandler(handlers.on_bot_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migrate))
    application.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, handlers.on_group_command))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(MessageHandler(private & filters.Document.ALL, handlers.on_document))
    application.add_handler(MessageHandler(private & filters.LOCATION, handlers.on_location))
    application.add_handler(MessageHandler(private & (filters.PHOTO | filters.VOICE | filters.AUDIO
                                                      | filters.VIDEO | filters.VIDEO_NOTE | filters.Sticker.ALL),
                                           handlers.on_media))
    application.add_handler(MessageHandler(private & filters.TEXT, handlers.on_text))
    application.add_error_handler(handlers.on_error)
    return application


def run(settings: Settings, engine: Engine, webhook_url: str | None = None, port: int = 8443,
        listen: str = "0.0.0.0") -> None:
    """Run until stopped: long polling, or a webhook with a secret token; the outbox tick runs alongside."""
    from bot.scheduling.worker import attach_to_application, default_composer

    application = build_application(settings, engine)
    attach_to_application(application, engine, default_composer(), settings=settings)
    if webhook_url:  # answers Telegram only after handling each update (at-least-once), like the polling
        asyncio.run(run_webhook(application, webhook_url, secret_token=secrets.token_urlsafe(32), listen=listen,
                                port=port))
    else:
        asyncio.run(run_polling(application))  # confirms each update only after handling it
