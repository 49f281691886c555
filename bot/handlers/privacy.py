"""Handlers for /privacy, /export and /delete."""

from __future__ import annotations

from bot.dialog.keyboards import button
from bot.dialog.turn import Turn
from bot.dialog.types import Reply
from bot.services.privacy import delete_everything, export_zip


def privacy(turn: Turn, arg: str = "") -> list[Reply]:
    """Plainly: what is stored and who sees it."""
    return [turn.say("privacy/privacy")]


def export(turn: Turn, arg: str = "") -> list[Reply]:
    """Everything stored about the runner as a ZIP of CSV and JSON."""
    data = export_zip(turn.session, turn.runner_id)
    name = f"runcoach-export-{turn.today.isoformat()}.zip"
    return [turn.say("privacy/export", document=(name, data))]


def delete_request(turn: Turn, arg: str = "") -> list[Reply]:
    """Ask for confirmation before deleting everything."""
    buttons = ((button("delete_yes", "del:yes"), button("delete_no", "del:no")),)
    return [turn.say("privacy/delete_confirm", buttons=buttons)]


def delete_answer(turn: Turn, data: str) -> list[Reply]:
    """Delete every row of the runner after a confirmed tap."""
    if data != "del:yes":
        return [turn.say("privacy/delete_cancelled")]
    delete_everything(turn.session, turn.runner_id)
    turn.stored.append("deleted")
    return [turn.say("privacy/deleted")]
