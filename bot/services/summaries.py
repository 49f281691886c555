"""The weekly summary for a runner and the daily flags for a coach group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from bot.services.coach import advise, plan_for
from bot.services.logbook import RUNNING_SPORTS
from bot.services.prediction import predict_now_and_before
from bot.services.progress import progress_for
from models.queries import activities, consenting_members, recommendation_for
from models.tables import CoachGroup, Runner

READINESS_DROP = 15.0  # points below the runner's 7-day average that a coach should hear about


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    """The numbers of the Sunday summary."""

    km_this_week: float
    km_last_week: float
    runs: int
    fitness_change: float
    readiness_avg: float
    prediction_distance_m: float
    prediction_now_s: float
    prediction_before_s: float
    next_phase: str | None
    next_km: float | None
    next_sessions: tuple[str, ...]


def _km(session: Session, runner_id: int, start: date, end: date) -> tuple[float, int]:
    runs = [a for a in activities(session, runner_id, since=start, until=end) if a.sport in RUNNING_SPORTS]
    return sum((a.distance_m or 0) for a in runs) / 1000, len(runs)


def weekly_summary(session: Session, runner: Runner, day: date) -> WeeklySummary | None:
    """Volume, load trend, readiness, prediction change and next week's shape; None without any runs."""
    assert runner.id is not None
    monday = day - timedelta(days=day.weekday())
    km, runs = _km(session, runner.id, monday, day)
    km_before, runs_before = _km(session, runner.id, monday - timedelta(days=7), monday - timedelta(days=1))
    if runs == 0 and runs_before == 0:
        return None
    progress = progress_for(session, runner, day)
    distance = runner.goal_distance_m if runner.goal_kind == "race" and runner.goal_distance_m else 10_000.0
    now, before = predict_now_and_before(session, runner, day, distance)
    plan, _ = plan_for(session, runner, day + timedelta(days=1), goal_check=False)
    week = plan.week_of(day + timedelta(days=1))
    return WeeklySummary(
        km_this_week=km, km_last_week=km_before, runs=runs, fitness_change=progress.change("fitness", 7),
        readiness_avg=sum(progress.readiness[-7:]) / max(1, len(progress.readiness[-7:])),
        prediction_distance_m=distance, prediction_now_s=now.time_s, prediction_before_s=before.time_s,
        next_phase=week.phase if week else None, next_km=week.planned_km if week else None,
        next_sessions=tuple(s.type for s in week.sessions) if week else (),
    )


@dataclass(frozen=True, slots=True)
class MemberFlags:
    """What a coach should notice about one consenting athlete today."""

    name: str
    readiness_band: str
    readiness_drop: float | None
    risk_band: str
    missed_yesterday: bool
    wellness: tuple[str, ...]

    @property
    def any(self) -> bool:
        """Whether anything is worth a coach's attention."""
        return bool(self.readiness_band in ("caution", "rest") or (self.readiness_drop or 0) >= READINESS_DROP
                    or self.risk_band in ("moderate", "high") or self.missed_yesterday or self.wellness)


def _missed(session: Session, runner: Runner, day: date) -> bool:
    assert runner.id is not None
    yesterday = day - timedelta(days=1)
    rec = recommendation_for(session, runner.id, yesterday)
    if rec is None or rec.workout_type == "rest":
        return False
    if rec.status == "skipped":
        return True
    return rec.status in ("planned", "assigned") and not activities(session, runner.id, since=yesterday,
                                                                      until=yesterday)


def group_flags(session: Session, group: CoachGroup, day: date) -> list[MemberFlags] | None:
    """Flags for every consenting member on the group's local ``day``; None when nobody shares with the group."""
    assert group.id is not None
    members = consenting_members(session, group.id)
    if not members:
        return None
    out = []
    for runner, consent in members:
        today = day
        advice = advise(session, runner, today)
        progress = progress_for(session, runner, today)
        week = progress.readiness[-8:-1]
        drop = (sum(week) / len(week) - progress.readiness[-1]) if week else None
        wellness: tuple[str, ...] = ()
        if consent.scope == "wellness":
            state = advice.state
            wellness = tuple(x for x in (f"pain:{state.pain_area}" if state.pain_area else "",
                                         "illness" if state.illness else "") if x)
        out.append(MemberFlags(runner.name or "Runner", advice.assessment.readiness.band, drop,
                               advice.assessment.risk.band, _missed(session, runner, today), wellness))
    return sorted(out, key=lambda m: (not m.any, m.name.lower()))
