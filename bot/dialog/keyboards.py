"""The standard inline keyboards: RPE 1-10, how do you feel, workout done / skipped / changed."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from functools import lru_cache
from typing import Any

from bot.dialog.types import Button
from prompts import render


def label(key: str, **context: Hashable) -> str:
    """A button's label from ``prompts/buttons/label.j2`` (labels are user-facing text too)."""
    return _label(key, tuple(sorted(context.items())))


@lru_cache(maxsize=1024)
def _label(key: str, context: tuple[tuple[str, Hashable], ...]) -> str:
    # Templates ship with the package and do not change while the bot runs, so a label is a pure function
    # of its key and values: a log reply's ten RPE buttons cost ten renders otherwise.
    values: dict[str, Any] = dict(context)
    return render("buttons/label", key=key, **values)


def button(key: str, data: str, **context: Hashable) -> Button:
    """A button whose label is the template's ``key``."""
    return Button(label(key, **context), data)


def rpe_keyboard(activity_id: int) -> tuple[tuple[Button, ...], ...]:
    """RPE 1-10 in two rows of five; data ``rpe:<activity>:<n>``."""
    return (
        tuple(button("plain", f"rpe:{activity_id}:{n}", value=n) for n in range(1, 6)),
        tuple(button("plain", f"rpe:{activity_id}:{n}", value=n) for n in range(6, 11)),
    )


def feel_keyboard(day: date) -> tuple[tuple[Button, ...], ...]:
    """How do you feel, 1 (awful) to 5 (great); data ``feel:<iso date>:<n>``."""
    return (tuple(button("feel", f"feel:{day.isoformat()}:{n}", value=n) for n in range(1, 6)),)


def workout_keyboard(day: date) -> tuple[tuple[Button, ...], ...]:
    """Done / skipped / changed for a day's workout; data ``wk:<iso date>:<status>``."""
    d = day.isoformat()
    return (tuple(button(f"wk_{status}", f"wk:{d}:{status}") for status in ("done", "skipped", "changed")),)
