"""All wiring in one place: intents, commands and button prefixes to their handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.dialog.turn import Turn
from bot.dialog.types import Identity, Incoming, Reply
from bot.handlers import (
    buttons,
    clarify,
    coaching,
    files,
    general,
    groups,
    logging,
    onboarding,
    privacy,
    profile,
)
from bot.nlu import ParseResult, parse

MAX_TEXT_CHARS = 2000

IntentHandler = Callable[[Turn, ParseResult], list[Reply]]
CommandHandler = Callable[[Turn, str], list[Reply]]
ButtonHandler = Callable[[Turn, str], list[Reply]]

INTENTS: dict[str, IntentHandler] = {
    "log_run": logging.log_run,
    "log_other_activity": logging.log_other_activity,
    "log_rest": logging.log_rest,
    "report_rpe": logging.report_rpe,
    "report_wellness": logging.report_checkin,
    "report_metrics": logging.report_checkin,
    "ask_today": coaching.today,
    "ask_plan": coaching.plan,
    "ask_prediction": coaching.prediction,
    "ask_risk": coaching.risk,
    "ask_progress": coaching.progress,
    "ask_why": coaching.why,
    "set_goal": profile.set_goal,
    "set_availability": profile.set_availability,
    "help": general.help_,
    "smalltalk": general.smalltalk,
    "unknown": general.unknown,
}


COMMAND_CONTEXT = {"set_goal": "my goal: ", "ask_prediction": "can I run "}


def _intent_command(intent: str) -> CommandHandler:
    """A command that behaves like its intent, reading any argument as free text."""

    def run(turn: Turn, arg: str) -> list[Reply]:
        # "/goal half marathon in 1:45" reads as a goal, not as a logged run
        text = f"{COMMAND_CONTEXT[intent]}{arg}" if arg and intent in COMMAND_CONTEXT else arg
        parsed = parse(text, tz=turn.tz, now=turn.now) if arg else None
        if parsed is not None and parsed.implausible:  # as in free text: say so, store nothing
            return clarify.ask(turn, text, replace(parsed, intent=intent))
        if parsed is None:
            return INTENTS[intent](turn, _empty(intent))
        return INTENTS[intent](turn, replace(parsed, intent=intent))

    return run


def _empty(intent: str) -> ParseResult:
    return ParseResult(intent=intent, confidence=1.0, entities={}, implausible=(), alternatives=())


def _log_command(turn: Turn, arg: str) -> list[Reply]:
    if not arg:
        return [turn.say("log/how_to")]
    return _text(turn, arg)


COMMANDS: dict[str, CommandHandler] = {
    "start": lambda turn, arg: groups.start_with_link(turn, arg) if arg else onboarding.start(turn),
    "join": lambda turn, arg: groups.join_private(turn, arg),
    "leave": lambda turn, arg: groups.leave_private(turn, arg),
    "team": lambda turn, arg: [turn.say("groups/team_in_private")],
    "coach": lambda turn, arg: [turn.say("groups/coach_in_private")],
    "help": lambda turn, arg: general.help_(turn),
    "today": _intent_command("ask_today"),
    "plan": _intent_command("ask_plan"),
    "predict": _intent_command("ask_prediction"),
    "risk": _intent_command("ask_risk"),
    "progress": _intent_command("ask_progress"),
    "why": _intent_command("ask_why"),
    "goal": _intent_command("set_goal"),
    "log": _log_command,
    "settings": profile.settings,
    "pause": profile.pause,
    "resume": profile.resume,
    "privacy": privacy.privacy,
    "export": privacy.export,
    "delete": privacy.delete_request,
}

BUTTONS: dict[str, ButtonHandler] = {
    "rpe": buttons.rpe,
    "feel": buttons.feel,
    "wk": buttons.workout_status,
    "del": privacy.delete_answer,
}


def dispatch(turn: Turn, incoming: Incoming, identity: Identity, new_runner: bool = False) -> list[Reply]:
    """Route one incoming message to its handler."""
    if identity.chat_type != "private":
        return groups.dispatch(turn, incoming, identity)
    if incoming.button is not None and incoming.button.startswith(groups.BUTTON_PREFIXES):
        return groups.button(turn, incoming.button)
    if incoming.button is not None and incoming.button.startswith("ob:"):
        return onboarding.on_button(turn, incoming.button)
    if incoming.location is not None:
        return onboarding.on_location(turn, incoming)
    if incoming.button is not None:
        return _button(turn, incoming.button)
    if incoming.file_name is not None or incoming.file_data is not None:
        return files.handle_file(turn, incoming)
    if incoming.media is not None:
        return general.media(turn, incoming.media)
    text = (incoming.text or "").strip()
    if not text:
        return [turn.say("general/empty")]
    if text.startswith("/"):
        head, _, arg = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        handler = COMMANDS.get(name)
        turn.text = arg.strip()[:MAX_TEXT_CHARS]
        return handler(turn, turn.text) if handler else [turn.say("general/unknown_command", command=name[:32])]
    if onboarding.active(turn):
        turn.text = text[:MAX_TEXT_CHARS]
        return onboarding.on_text(turn, turn.text)
    if new_runner and len(text) < 40 and parse(text, tz=turn.tz, now=turn.now).intent in ("smalltalk", "help"):
        return general.smalltalk(turn, None, new_runner=True)
    return _text(turn, text)


def _text(turn: Turn, text: str) -> list[Reply]:
    turn.text = text[:MAX_TEXT_CHARS]
    parsed = parse(turn.text, tz=turn.tz, now=turn.now)
    if parsed.needs_clarification:
        return clarify.ask(turn, turn.text, parsed)
    return INTENTS.get(parsed.intent, general.unknown)(turn, parsed)


def _button(turn: Turn, data: str) -> list[Reply]:
    prefix = data.split(":", 1)[0]
    if prefix == "clar":
        parsed, replies = clarify.answer(turn, data)
        if parsed is None:
            return replies
        return INTENTS.get(parsed.intent, general.unknown)(turn, parsed)
    handler = BUTTONS.get(prefix)
    try:
        return handler(turn, data) if handler else [turn.say("buttons/stale")]
    except (ValueError, IndexError):
        return [turn.say("buttons/stale")]  # malformed or forged button data
