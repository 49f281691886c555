"""Today's workout as a message: the same engine and template for chat, CLI and the morning send."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from bot.dialog.keyboards import feel_keyboard, workout_keyboard
from bot.dialog.types import Reply
from bot.services.coach import advise_and_store
from bot.transports.text import plain
from models.db import session_scope
from models.queries import recommendation_for
from models.tables import Runner
from prompts import render


def today_reply(session: Session, runner: Runner, day: date, *, morning: bool = False,
                is_today: bool = True) -> Reply:
    """Today's recommendation with its reasons and buttons (done / skipped / changed, how you feel)."""
    advice = advise_and_store(session, runner, day)
    payload = advice.to_json()
    assert runner.id is not None
    stored = recommendation_for(session, runner.id, day)
    if stored is not None and stored.status == "assigned" and stored.payload:
        payload.update(workout=stored.payload["workout"], assigned_by=stored.payload.get("assigned_by"),
                       engine_choice=advice.recommendation.workout.type)
    text = render("coach/today", html=True, p=payload, runner=runner, day=day, morning=morning,
                  is_today=is_today)
    buttons = workout_keyboard(day) + feel_keyboard(day) if morning else workout_keyboard(day)
    return Reply(text=text, buttons=buttons)


def morning_text(engine: Engine, runner_id: int, day: date) -> str:
    """The morning message for a runner and day, as plain text (``runcoach demo``)."""
    with session_scope(engine) as session:
        runner = session.get(Runner, runner_id)
        assert runner is not None
        return plain(today_reply(session, runner, day, morning=True).text)
