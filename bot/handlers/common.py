"""Small helpers shared by the intent handlers."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialog.turn import Turn


def entity_date(turn: Turn, entities: dict[str, Any], key: str = "date") -> date:
    """The day a fact belongs to: the parsed date when it is not in the future, else today."""
    raw = entities.get(key)
    if isinstance(raw, date):
        day = raw
    elif isinstance(raw, str):
        try:
            day = date.fromisoformat(raw[:10])
        except ValueError:
            return turn.today
    else:
        return turn.today
    return day if day <= turn.today else turn.today
