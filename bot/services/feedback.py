"""The feedback loop in storage: learn each runner's effort and recovery, log predictions, fill outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from statistics import median
from typing import Any

from sqlmodel import Session

from bot.services.logbook import RUNNING_SPORTS
from coaching.plan.feedback import FeedbackModel, SessionFeedback, log_predictions, recovery_days_after_hard
from coaching.plan.workouts import EXPECTED_RPE, HARD_DAY_TYPES, Workout
from models.queries import predictions, replace_predictions
from models.tables import PredictionLog, Runner

LEARNING_DAYS = 180
FEEL_TOLERANCE = 0.5  # points on the 1-5 feel scale
RECOVERY_WINDOW_DAYS = 7


def _feel_by_day(checkins: Sequence[Any]) -> dict[date, float]:
    return {c.local_date: float(c.mood) for c in checkins if c.mood is not None}


def _hard_days(acts: Sequence[Any], recs: dict[date, Any]) -> list[date]:
    days = {a.local_date for a in acts if (a.rpe or 0) >= 7}
    days |= {d for d, r in recs.items() if r.workout_type in HARD_DAY_TYPES and r.status in ("done", "assigned")}
    return sorted(days)


def fit_model(runner: Runner, acts: Sequence[Any], checkins: Sequence[Any], recs: Sequence[Any],
              vdot: float | None) -> FeedbackModel:
    """The runner's feedback model: RPE offset on recommended sessions, recovery after hard days, easy HR."""
    by_day = {r.local_date: r for r in recs}
    sessions = []
    for a in acts:
        rec = by_day.get(a.local_date)
        if rec is None or a.sport not in RUNNING_SPORTS or rec.workout_type not in EXPECTED_RPE:
            continue
        minutes = (a.moving_time_s or 0) / 60 or None
        pace = a.moving_time_s / (a.distance_m / 1000) if a.moving_time_s and a.distance_m else None
        planned = ((rec.payload or {}).get("workout") or {}).get("duration_min")
        sessions.append(SessionFeedback(a.local_date, rec.workout_type, EXPECTED_RPE[rec.workout_type], a.rpe,
                                        a.feel, planned, minutes, a.avg_hr, pace))
    feel = _feel_by_day(checkins)
    recovery: list[float] = []
    if len(feel) >= 5:
        recovery = recovery_days_after_hard(_hard_days(acts, by_day), feel, median(feel.values()), FEEL_TOLERANCE,
                                            RECOVERY_WINDOW_DAYS)
    return FeedbackModel().fit(sessions, recovery, vdot=vdot, hr_max=runner.hr_max, hr_rest=runner.hr_rest)


def fill_outcomes(session: Session, runner: Runner, today: date, acts: Sequence[Any], checkins: Sequence[Any],
                  recs: Sequence[Any]) -> None:
    """Fill the outcomes of recovery predictions that are known by now."""
    assert runner.id is not None
    _fill_recovery_outcomes(session, runner.id, today, acts, checkins, recs)


def log_today(session: Session, runner_id: int, today: date, workout: Workout, model: FeedbackModel) -> None:
    """Store today's personal and population predictions for the recommended workout."""
    rows = [PredictionLog(runner_id=runner_id, local_date=today, kind=r.kind, workout_type=r.workout_type,
                          predicted=r.predicted, population=r.population, n=r.n)
            for r in log_predictions(str(runner_id), today, workout, model)]
    replace_predictions(session, runner_id, today, rows)


def record_rpe(session: Session, runner_id: int, day: date, rpe: float) -> None:
    """The runner reported the session's RPE: that is the outcome of the day's RPE prediction."""
    for row in predictions(session, runner_id, "rpe"):
        if row.local_date == day:
            row.actual = rpe
            session.add(row)


def _fill_recovery_outcomes(session: Session, runner_id: int, today: date, acts: Sequence[Any],
                            checkins: Sequence[Any], recs: Sequence[Any]) -> None:
    feel = _feel_by_day(checkins)
    if len(feel) < 5:
        return
    by_day = {r.local_date: r for r in recs}
    hard = set(_hard_days(acts, by_day))
    for row in predictions(session, runner_id, "recovery_days", open_only=True):
        if row.local_date not in hard or row.local_date > today - timedelta(days=RECOVERY_WINDOW_DAYS):
            continue
        observed = recovery_days_after_hard([row.local_date], feel, median(feel.values()), FEEL_TOLERANCE,
                                            RECOVERY_WINDOW_DAYS)
        if observed:
            row.actual = observed[0]
            session.add(row)
