"""Small helpers shared by the intent handlers."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialog.turn import Turn


def _parsed_day(entities: dict[str, Any], key: str) -> date | None:
    """The entity ``key`` as a date (a date or an ISO string), or None."""
    raw = entities.get(key)
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return None
    return None


def future_date(turn: Turn, entities: dict[str, Any], within_days: int, key: str = "date") -> date | None:
    """The parsed date when it is after today and at most ``within_days`` ahead, else None."""
    day = _parsed_day(entities, key)
    return day if day is not None and 0 < (day - turn.today).days <= within_days else None


def entity_date(turn: Turn, entities: dict[str, Any], key: str = "date") -> date:
    """The day a fact belongs to: the parsed date when it is not in the future, else today."""
    day = _parsed_day(entities, key)
    return day if day is not None and day <= turn.today else turn.today
