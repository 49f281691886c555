"""Flat async handlers: each turns a Telegram update into a dialog call and sends the replies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TypeVar

from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.dialog import Dialog, Identity, Incoming, Reply
from bot.importers import MAX_UPLOAD_BYTES
from bot.transports.telegram.send import send_reply
from prompts import render

log = logging.getLogger(__name__)
T = TypeVar("T")


def _dialog(context: ContextTypes.DEFAULT_TYPE) -> Dialog:
    dialog: Dialog = context.application.bot_data["dialog"]
    if dialog.bot_username is None:
        try:
            dialog.bot_username = context.bot.username
        except RuntimeError:
            pass  # not initialised yet: deep links fall back to /join
    return dialog


async def _off_loop(context: ContextTypes.DEFAULT_TYPE, call: Callable[..., T], *args: object) -> T:
    """Run blocking dialog work on the application's dialog executor (see ``app.dialog_executor``)."""
    executor: Executor | None = context.application.bot_data.get("dialog_executor")
    return await asyncio.get_running_loop().run_in_executor(executor, call, *args)


def _identity(update: Update) -> Identity:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return Identity(external_id=f"tg:{user.id}", name=user.first_name, chat_id=chat.id, chat_type=chat.type,
                    chat_title=chat.title, user_id=user.id,
                    private_chat_id=user.id if chat.type == "private" else None)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    """Run the dialog (a quick turn on the event loop when allowed, see ``app.build_application``, else off
    it), then send every reply in order."""
    identity = _identity(update)
    dialog = _dialog(context)
    replies = dialog.handle_now(identity, incoming) if context.application.bot_data.get("dialog_on_loop") else None
    if replies is None:  # a slow turn, or the database was busy: nothing was stored, run it where it may wait
        replies = await _off_loop(context, dialog.handle, identity, incoming)
    await deliver(context, identity, replies)


async def deliver(context: ContextTypes.DEFAULT_TYPE, identity: Identity, replies: list[Reply]) -> None:
    """Send replies to the runner's chat; a runner who blocked the bot is marked inactive, not retried."""
    assert identity.chat_id is not None
    for reply in replies:
        chat_id = reply.chat_id if reply.chat_id is not None else identity.chat_id
        try:
            await _send_with_retries(context, chat_id, reply)
        except Forbidden:
            if chat_id == identity.chat_id and identity.chat_type == "private":
                await _off_loop(context, _dialog(context).mark_inactive, identity.external_id)
                return
            log.info("could not reach a chat (forbidden)")


SEND_RETRY_DELAYS_S = (0.5, 2.0, 5.0)


async def _send_with_retries(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Send, retrying transient failures (5xx, dropped connections, timeouts).

    The handler's transaction has already committed, so a reply is worth a retry: a timeout whose
    message did arrive may show it twice, which beats a runner never hearing that their run was saved.
    """
    for attempt, delay in enumerate((*SEND_RETRY_DELAYS_S, None)):
        try:
            await send_reply(context.bot, chat_id, reply)
            return
        except (Forbidden, BadRequest, ChatMigrated):
            raise
        except NetworkError as exc:  # TimedOut is a NetworkError
            if delay is None:
                log.warning("reply not delivered after %d attempts (%s)", attempt + 1, type(exc).__name__)
                return
            await asyncio.sleep(delay)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private text and commands go through the intent pipeline."""
    assert update.effective_message is not None
    await _answer(update, context, Incoming(text=update.effective_message.text or ""))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline-button tap: acknowledge it, remove the keyboard so it is not tapped twice, answer."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    if query.message is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass  # message too old or already edited: the tap still counts
    await _answer(update, context, Incoming(button=query.data or ""))


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document: too big is refused before download; long work gets a progress message first."""
    message = update.effective_message
    assert message is not None and message.document is not None
    doc = message.document
    name, size = doc.file_name or "file", doc.file_size or 0
    dialog, identity = _dialog(context), _identity(update)
    if size > MAX_UPLOAD_BYTES:
        await _answer(update, context, Incoming(file_name=name, file_size=size))
        return
    probe = Incoming(file_name=name, file_size=size)
    progress = await _off_loop(context, dialog.progress_for, identity, probe)
    if progress is not None:
        await deliver(context, identity, [progress])
    data = bytes(await (await doc.get_file()).download_as_bytearray())
    await _answer(update, context, Incoming(file_name=name, file_data=data, file_size=len(data)))


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: the runner's time zone."""
    message = update.effective_message
    assert message is not None and message.location is not None
    loc = message.location
    await _answer(update, context, Incoming(location=(loc.latitude, loc.longitude)))


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, voice notes, stickers and the like: explain what the coach can read."""
    message = update.effective_message
    assert message is not None
    kind = "photo" if message.photo else "voice" if (message.voice or message.audio or message.video_note) else "other"
    await _answer(update, context, Incoming(media=kind))


async def on_group_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group commands; /coach checks that the sender administers the group."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    text = message.text or ""
    is_admin = False
    if text.split("@", 1)[0].split(maxsplit=1)[0].lower() == "/coach":
        member = await context.bot.get_chat_member(chat.id, user.id)
        is_admin = member.status in ("creator", "administrator")
    await _answer(update, context, Incoming(text=text, is_admin=is_admin))


async def on_bot_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to or removed from a group."""
    change = update.my_chat_member
    assert change is not None
    if change.chat.type == "private":
        if change.new_chat_member.status in ("kicked", "left"):
            await _off_loop(context, _dialog(context).mark_inactive, f"tg:{change.from_user.id}")
        return
    joined = change.new_chat_member.status in ("member", "administrator")
    was_in = change.old_chat_member.status in ("member", "administrator", "creator")
    if joined and not was_in:
        await _answer(update, context, Incoming(event="added_to_group"))
    elif not joined:
        await _answer(update, context, Incoming(event="removed_from_group"))


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: keep the coach group, under its new chat id."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id is not None:
        await _answer(update, context, Incoming(event="migrated", new_chat_id=message.migrate_to_chat_id))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log once, without message content, and tell the runner kindly when there is someone to tell."""
    error = context.error
    if isinstance(error, ChatMigrated) and isinstance(update, Update) and update.effective_chat is not None:
        identity = _identity(update)
        await _off_loop(context, _dialog(context).handle, identity,
                        Incoming(event="migrated", new_chat_id=error.new_chat_id))
        return
    log.error("update failed: %s", type(error).__name__, exc_info=error)
    if isinstance(error, TelegramError):
        return  # Telegram refused or failed a call: the runner's data is safe, and an apology would say otherwise
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, render("general/error", html=True))
        except Exception:
            log.warning("could not send the error apology")
