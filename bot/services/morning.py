"""The messages the coach sends first: the morning workout, the evening check-in, the weekly summary and
the coach group's digest. Chat, CLI and the scheduler use exactly the same engine and templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.dialog.keyboards import feel_keyboard, rpe_keyboard, workout_keyboard
from bot.dialog.types import Reply
from bot.services.coach import advise_and_store
from bot.services.summaries import group_flags, weekly_summary
from bot.transports.text import plain
from models.db import session_scope
from models.queries import activities, checkins, count_activities, recommendation_for
from models.tables import CoachGroup, Runner
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


def has_history(session: Session, runner: Runner) -> bool:
    """Whether the runner has told the coach anything yet (sessions or check-ins)."""
    assert runner.id is not None
    return count_activities(session, runner.id) > 0 or bool(checkins(session, runner.id))


def morning_replies(session: Session, runner: Runner, day: date) -> list[Reply]:
    """The morning message; a runner with no data yet also gets the one question that helps most."""
    replies = [today_reply(session, runner, day, morning=True)]
    if not has_history(session, runner):
        replies.append(Reply(text=render("scheduled/first_question", html=True, runner=runner)))
    return replies


def evening_replies(session: Session, runner: Runner, day: date) -> list[Reply] | None:
    """The evening check-in: RPE for a run without one, else how today's workout went; None if nothing to ask."""
    assert runner.id is not None
    todays = [a for a in activities(session, runner.id, since=day, until=day) if a.rpe is None]
    if todays and todays[-1].id is not None:
        act = todays[-1]
        return [Reply(text=render("scheduled/evening_rpe", html=True, runner=runner, activity=act),
                      buttons=rpe_keyboard(act.id))]
    rec = recommendation_for(session, runner.id, day)
    if rec is not None and rec.status == "planned" and rec.workout_type != "rest":
        return [Reply(text=render("scheduled/evening_workout", html=True, runner=runner, rec=rec),
                      buttons=workout_keyboard(day) + feel_keyboard(day))]
    return None


def compose(session: Session, row: Any) -> list[Reply] | None:
    """What the scheduler sends for an outbox row (morning, evening, weekly, digest); None: nothing."""
    if row.target_kind == "group":
        group = session.get(CoachGroup, row.target_id)
        if group is None or not group.active:
            return None
        return digest_replies(session, group, row.local_date)
    runner = session.get(Runner, row.target_id)
    if runner is None or runner.paused or not runner.active:
        return None
    if row.kind == "morning":
        return morning_replies(session, runner, row.local_date)
    if row.kind == "evening":
        return evening_replies(session, runner, row.local_date)
    if row.kind == "weekly":
        return weekly_replies(session, runner, row.local_date)
    return None


def weekly_replies(session: Session, runner: Runner, day: date) -> list[Reply] | None:
    """Sunday's summary: volume, load trend, readiness, prediction change and next week's shape."""
    summary = weekly_summary(session, runner, day)
    if summary is None:
        return None
    return [Reply(text=render("scheduled/weekly", html=True, runner=runner, s=summary))]


def digest_replies(session: Session, group: CoachGroup, day: date) -> list[Reply] | None:
    """The coach group's daily digest of flags for consenting members; None when nobody shares."""
    flags = group_flags(session, group, day)
    if flags is None:
        return None
    return [Reply(text=render("scheduled/digest", html=True, group=group, flags=flags, day=day))]
