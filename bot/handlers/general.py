"""Handlers for greetings, help, things the coach cannot read, and messages it did not understand."""

from __future__ import annotations

from bot.dialog.turn import Turn
from bot.dialog.types import Reply
from bot.nlu import ParseResult


def help_(turn: Turn, parsed: ParseResult | None = None) -> list[Reply]:
    """What the coach can do."""
    return [turn.say("general/help")]


def smalltalk(turn: Turn, parsed: ParseResult | None = None, new_runner: bool = False) -> list[Reply]:
    """Hello back, with a nudge toward something useful."""
    return [turn.say("general/smalltalk", new_runner=new_runner)]


def unknown(turn: Turn, parsed: ParseResult | None = None) -> list[Reply]:
    """A friendly 'I did not get that' with examples."""
    return [turn.say("general/unknown")]


def media(turn: Turn, kind: str) -> list[Reply]:
    """Photos, voice notes, stickers: explain what the coach can read."""
    return [turn.say("general/media", kind=kind)]
