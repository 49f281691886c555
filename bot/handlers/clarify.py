"""Clarifying questions: when the coach is unsure or a number is implausible, ask instead of guessing."""

from __future__ import annotations

from dataclasses import replace

from bot.dialog.keyboards import button
from bot.dialog.turn import Turn
from bot.dialog.types import Button, Reply
from bot.nlu import ParseResult, parse
from models.queries import clear_pending_question, pending_question, set_pending_question

INTENT_CHOICES = ("log_run", "log_other_activity", "report_wellness", "report_metrics", "ask_today",
                  "ask_prediction", "ask_plan", "ask_progress", "set_goal", "help")


def ask(turn: Turn, text: str, parsed: ParseResult) -> list[Reply]:
    """Store the question (not the facts) and ask it with buttons."""
    if parsed.implausible:
        set_pending_question(turn.session, turn.runner_id, "implausible", {"text": text[:2000]})
        retype = ((button("clar_retype", "clar:retype"), button("clar_drop", "clar:drop")),)
        return [turn.say("clarify/implausible", buttons=retype, items=parsed.implausible)]
    options = [i for i, _ in parsed.alternatives if i in INTENT_CHOICES][:3]
    if not options:
        options = ["log_run", "ask_today", "help"]
    set_pending_question(turn.session, turn.runner_id, "intent", {"text": text[:2000], "options": options})
    buttons = tuple((Button(label, f"clar:intent:{intent}"),) for intent, label in _labels(turn, options))
    return [turn.say("clarify/intent", buttons=(*buttons, (button("clar_else", "clar:drop"),)))]


def _labels(turn: Turn, options: list[str]) -> list[tuple[str, str]]:
    return [(intent, turn.say("clarify/intent_label", intent=intent).text) for intent in options]


def answer(turn: Turn, data: str) -> tuple[ParseResult | None, list[Reply]]:
    """Resolve a tapped clarification button: the re-read message to dispatch, or replies to send."""
    pending = pending_question(turn.session, turn.runner_id)
    clear_pending_question(turn.session, turn.runner_id)
    if pending is None or not pending.payload:
        return None, [turn.say("clarify/expired")]
    _, _, rest = data.partition(":")
    action, _, arg = rest.partition(":")
    if action == "intent" and arg in INTENT_CHOICES:
        text = str(pending.payload.get("text", ""))
        reparsed = parse(text, tz=turn.tz, now=turn.now)
        if reparsed.implausible:
            return None, ask(turn, text, reparsed)
        return replace(reparsed, intent=arg, confidence=1.0), []
    if action == "retype":
        return None, [turn.say("clarify/retype")]
    return None, [turn.say("clarify/dropped")]
