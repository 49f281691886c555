"""The messages the coach sends first: the morning workout, the evening check-in, the weekly summary and
the coach group's digest. Chat, CLI and the scheduler use exactly the same engine and templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.dialog.keyboards import feel_keyboard, rpe_keyboard, workout_keyboard
from bot.dialog.types import Reply
from bot.services.coach import Advice, advise_and_store, advise_many
from bot.services.summaries import group_flags, weekly_summary
from bot.transports.text import plain
from models.db import session_scope
from models.queries import activities, count_activities, count_checkins, recommendation_for
from models.tables import CoachGroup, Runner
from prompts import render


def today_reply(session: Session, runner: Runner, day: date, *, morning: bool = False,
                is_today: bool = True, advice: Advice | None = None) -> Reply:
    """Today's recommendation with its reasons and buttons (done / skipped / changed, how you feel)."""
    advice, stored = advise_and_store(session, runner, day, advice)
    payload = advice.to_json()
    if stored.status == "assigned" and stored.payload:
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
    return count_activities(session, runner.id) > 0 or count_checkins(session, runner.id) > 0


def morning_replies(session: Session, runner: Runner, day: date, advice: Advice | None = None,
                    known_history: bool | None = None) -> list[Reply]:
    """The morning message; a runner with no data yet also gets the one question that helps most."""
    replies = [today_reply(session, runner, day, morning=True, advice=advice)]
    if not (has_history(session, runner) if known_history is None else known_history):
        replies.append(Reply(text=render("scheduled/first_question", html=True, runner=runner)))
    return replies


def evening_replies(session: Session, runner: Runner, day: date) -> list[Reply] | None:
    """The evening check-in: RPE for a run without one, else how today's workout went; None if nothing to ask."""
    assert runner.id is not None
    todays = [a for a in activities(session, runner.id, since=day, until=day) if a.rpe is None]
    act = todays[-1] if todays else None
    if act is not None and act.id is not None:
        return [Reply(text=render("scheduled/evening_rpe", html=True, runner=runner, activity=act),
                      buttons=rpe_keyboard(act.id))]
    rec = recommendation_for(session, runner.id, day)
    if rec is not None and rec.status == "planned" and rec.workout_type != "rest":
        return [Reply(text=render("scheduled/evening_workout", html=True, runner=runner, rec=rec),
                      buttons=workout_keyboard(day) + feel_keyboard(day))]
    return None


def morning_many(session: Session, runners: list[Runner], day: date) -> dict[int, list[Reply]]:
    """Morning messages for many runners at once: one engine pass for all, then the same templates."""
    advice = advise_many(session, runners, day)
    return {r.id: morning_replies(session, r, day, a, known_history=bool(a.history_size)) for r in runners
            if r.id is not None and (a := advice[r.id])}


def wants_messages(runner: Runner) -> bool:
    """Scheduled messages go to active, unpaused runners who are not in the middle of onboarding (the
    questions come first; the next morning message then fits their answers)."""
    return runner.active and not runner.paused and runner.onboarding_step in (None, "done")


def compose_many(session: Session, rows: list[Any]) -> dict[int, list[Reply] | None]:
    """The scheduler's batch hook: morning rows of one local day are composed together; the rest one by one."""
    out: dict[int, list[Reply] | None] = {}
    mornings: dict[date, list[Any]] = {}
    for row in rows:
        if row.target_kind == "runner" and row.kind == "morning":
            mornings.setdefault(row.local_date, []).append(row)
    for day, day_rows in mornings.items():
        runners = [r for r in (session.get(Runner, row.target_id) for row in day_rows)
                   if r is not None and wants_messages(r)]
        composed = morning_many(session, runners, day)
        for row in day_rows:
            out[row.id] = composed.get(row.target_id)
    return out


def compose(session: Session, row: Any) -> list[Reply] | None:
    """What the scheduler sends for an outbox row (morning, evening, weekly, digest); None: nothing."""
    if row.target_kind == "group":
        group = session.get(CoachGroup, row.target_id)
        if group is None or not group.active:
            return None
        return digest_replies(session, group, row.local_date)
    runner = session.get(Runner, row.target_id)
    if runner is None or not wants_messages(runner):
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


compose.compose_many = compose_many  # type: ignore[attr-defined]  # the scheduler's batch hook
