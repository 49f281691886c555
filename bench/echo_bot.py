"""A bare python-telegram-bot echo bot: the performance floor the real bot is compared with.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot \
    TELEGRAM_BASE_FILE_URL=http://127.0.0.1:PORT/file/bot python bench/echo_bot.py

Reads the same environment variables as ``runcoach bot`` (PTB appends the token to both URLs), long-polls
and answers every text message with the same text. No rate limiter, no persistence, no database.
ECHO_CONCURRENT_UPDATES=N processes up to N updates at once (default 1, PTB's default: one at a time);
ECHO_RATE_LIMITER=1 adds PTB's AIORateLimiter(max_retries=3), as the real bot has. Without it, a load
above Telegram's flood limits gets 429s (each logged as one line), exactly as Telegram would answer.
"""

from __future__ import annotations

import logging
import os
import sys

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

log = logging.getLogger("echo_bot")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.warning("update failed: %s: %s", type(context.error).__name__, context.error)


def build(token: str, base_url: str | None, base_file_url: str | None, concurrent_updates: int = 1,
          rate_limiter: bool = False) -> Application:  # type: ignore[type-arg]
    builder = Application.builder().token(token).concurrent_updates(concurrent_updates)
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_file_url or base_url)
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_error_handler(on_error)
    return application


def main() -> int:
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if not token:
        print("TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    application = build(token, os.environ.get("TELEGRAM_BASE_URL"), os.environ.get("TELEGRAM_BASE_FILE_URL"),
                        int(os.environ.get("ECHO_CONCURRENT_UPDATES", "1")),
                        os.environ.get("ECHO_RATE_LIMITER", "") not in ("", "0", "false"))
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
