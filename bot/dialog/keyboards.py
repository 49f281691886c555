"""The standard inline keyboards: RPE 1-10, how do you feel, workout done / skipped / changed."""

from __future__ import annotations

from datetime import date

from bot.dialog.types import Button


def rpe_keyboard(activity_id: int) -> tuple[tuple[Button, ...], ...]:
    """RPE 1-10 in two rows of five; data ``rpe:<activity>:<n>``."""
    return (
        tuple(Button(str(n), f"rpe:{activity_id}:{n}") for n in range(1, 6)),
        tuple(Button(str(n), f"rpe:{activity_id}:{n}") for n in range(6, 11)),
    )


FEEL_LABELS = ("😫", "🙁", "😐", "🙂", "😄")


def feel_keyboard(day: date) -> tuple[tuple[Button, ...], ...]:
    """How do you feel, 1 (awful) to 5 (great); data ``feel:<iso date>:<n>``."""
    return (tuple(Button(f"{label} {n}", f"feel:{day.isoformat()}:{n}") for n, label in enumerate(FEEL_LABELS, 1)),)


def workout_keyboard(day: date) -> tuple[tuple[Button, ...], ...]:
    """Done / skipped / changed for a day's workout; data ``wk:<iso date>:<status>``."""
    d = day.isoformat()
    return ((Button("✅ Done", f"wk:{d}:done"), Button("⏭ Skipped", f"wk:{d}:skipped"),
             Button("🔁 Changed", f"wk:{d}:changed")),)
