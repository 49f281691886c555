"""Small helpers shared by the intent handlers."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialog.turn import Turn


def future_date(turn: Turn, entities: dict[str, Any], within_days: int, key: str = "date") -> date | None:
    """The parsed date when it is after today and at most ``within_days`` ahead, else None."""
    raw = entities.get(key)
    try:
        day = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None
    return day if day is not None and 0 < (day - turn.today).days <= within_days else None


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
