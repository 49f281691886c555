"""Handlers for inline-button taps: RPE, how you feel, workout status."""

from __future__ import annotations

from datetime import date

from bot.dialog.turn import Turn
from bot.dialog.types import Reply
from bot.handlers.data import small_int
from bot.services.logbook import set_effort
from models.queries import recommendation_for, upsert_checkin

WORKOUT_STATUSES = ("done", "skipped", "changed")


def rpe(turn: Turn, data: str) -> list[Reply]:
    """``rpe:<activity id>:<1-10>``."""
    _, act_id, value = data.split(":")
    score, activity_id = small_int(value, 2), small_int(act_id)
    if score is None or activity_id is None or not 1 <= score <= 10:
        return [turn.say("buttons/stale")]
    act = set_effort(turn.session, turn.runner_id, turn.today, rpe=float(score), activity_id=activity_id)
    if act is None:
        return [turn.say("buttons/stale")]
    turn.stored.append("rpe")
    return [turn.say("log/rpe_saved", activity=act, rpe=score)]


def feel(turn: Turn, data: str) -> list[Reply]:
    """``feel:<iso date>:<1-5>``: 1 awful .. 5 great, stored as the day's mood."""
    _, iso, value = data.split(":")
    score, day = small_int(value, 1), date.fromisoformat(iso)
    if score is None or not 1 <= score <= 5 or day > turn.today:
        return [turn.say("buttons/stale")]
    upsert_checkin(turn.session, turn.runner_id, day, {"mood": score})
    turn.stored.append("checkin")
    return [turn.say("buttons/feel_saved", score=score)]


def workout_status(turn: Turn, data: str) -> list[Reply]:
    """``wk:<iso date>:done|skipped|changed`` on the day's recommendation."""
    _, iso, status = data.split(":")
    rec = recommendation_for(turn.session, turn.runner_id, date.fromisoformat(iso))
    if rec is None or status not in WORKOUT_STATUSES:
        return [turn.say("buttons/stale")]
    rec.status = status
    turn.session.add(rec)
    turn.stored.append("workout_status")
    return [turn.say("buttons/workout_status", status=status, workout_type=rec.workout_type)]
