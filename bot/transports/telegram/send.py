"""Sending dialog replies through the Bot API: HTML, inline keyboards, photos, documents, long texts split."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit, ParseMode

from bot.dialog.types import Reply

TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)  # 1024


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split at paragraph, then line, then word boundaries so every part fits ``limit`` characters
    and no HTML tag is cut in half (tags never span lines in our templates)."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts or [""]


async def send_reply(bot: Bot, chat_id: int, reply: Reply) -> list[Message]:
    """Send one reply: a photo or document with its caption, else text in as many parts as needed."""
    markup = keyboard(reply)
    if reply.image is not None:
        caption = reply.text if len(reply.text) <= CAPTION_LIMIT else None
        sent = [await bot.send_photo(chat_id, photo=reply.image, caption=caption, parse_mode=ParseMode.HTML,
                                     reply_markup=markup if caption else None)]
        if caption is None:
            sent += await _send_text(bot, chat_id, reply.text, markup)
        return sent
    if reply.document is not None:
        name, data = reply.document
        caption = reply.text if len(reply.text) <= CAPTION_LIMIT else None
        sent = [await bot.send_document(chat_id, document=InputFile(data, filename=name), caption=caption,
                                        parse_mode=ParseMode.HTML)]
        if caption is None:
            sent += await _send_text(bot, chat_id, reply.text, markup)
        return sent
    return await _send_text(bot, chat_id, reply.text, markup)


async def _send_text(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> list[Message]:
    parts = split_text(text)
    sent = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent.append(await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML,
                                           reply_markup=markup if last else None,
                                           link_preview_options=None))
    return sent
