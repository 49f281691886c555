"""Coach groups and consents: who may see what, and the team summary a group sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.dialog.turn import runner_zone
from bot.services.coach import advise
from bot.services.logbook import RUNNING_SPORTS
from models.queries import activities, consenting_members, group_by_chat, recommendation_for
from models.tables import CoachGroup, Consent, Runner
from models.types import utcnow

SCOPES = ("summary", "wellness")


def register_group(session: Session, chat_id: int, title: str | None, coach_user_id: int | None) -> CoachGroup:
    """Register (or reactivate) a group; the first coach stays the coach unless changed with /coach."""
    group = group_by_chat(session, chat_id)
    if group is None:
        group = CoachGroup(chat_id=chat_id, title=title, coach_user_id=coach_user_id)
    group.active = True
    group.title = title or group.title
    if group.coach_user_id is None:
        group.coach_user_id = coach_user_id
    session.add(group)
    session.flush()
    return group


def consent_of(session: Session, group_id: int, runner_id: int) -> Consent | None:
    """The runner's consent row for a group."""
    stmt = select(Consent).where(Consent.group_id == group_id, Consent.runner_id == runner_id)
    return session.exec(stmt).first()


def set_consent(session: Session, group_id: int, runner_id: int, scope: str) -> Consent:
    """Record pending / summary / wellness consent."""
    row = consent_of(session, group_id, runner_id) or Consent(group_id=group_id, runner_id=runner_id)
    row.scope, row.updated_at = scope, utcnow()
    session.add(row)
    session.flush()
    return row


def withdraw(session: Session, runner_id: int, group_id: int | None = None) -> list[CoachGroup]:
    """Remove the runner's consent for one group (or all); returns the groups left."""
    stmt = select(Consent).where(Consent.runner_id == runner_id)
    if group_id is not None:
        stmt = stmt.where(Consent.group_id == group_id)
    left = []
    for row in session.exec(stmt).all():
        group = session.get(CoachGroup, row.group_id)
        if group is not None:
            left.append(group)
        session.delete(row)
    session.flush()
    return left


@dataclass(frozen=True, slots=True)
class MemberSummary:
    """What a group may see of one consenting member."""

    name: str
    km_7d: float
    readiness_band: str
    readiness_score: float
    risk_band: str
    workout_type: str | None
    workout_status: str | None
    wellness: bool
    flags: tuple[str, ...]


def member_summary(session: Session, runner: Runner, consent: Consent, today: date) -> MemberSummary:
    """7-day volume, readiness band, risk band, today's workout; wellness flags only with that consent."""
    assert runner.id is not None
    recent = activities(session, runner.id, since=today - timedelta(days=6), until=today)
    km = sum((a.distance_m or 0) for a in recent if a.sport in RUNNING_SPORTS) / 1000
    advice = advise(session, runner, today)
    rec = recommendation_for(session, runner.id, today)
    flags: list[str] = []
    if consent.scope == "wellness":
        state = advice.state
        if state.pain_area:
            flags.append(f"pain:{state.pain_area}")
        if state.illness:
            flags.append("illness")
        if advice.assessment.readiness.band in ("caution", "rest"):
            flags.append("low_readiness")
    workout = rec.workout_type if rec is not None else advice.recommendation.workout.type
    return MemberSummary(
        name=runner.name or "Runner", km_7d=km, readiness_band=advice.assessment.readiness.band,
        readiness_score=advice.assessment.readiness.score, risk_band=advice.assessment.risk.band,
        workout_type=workout, workout_status=rec.status if rec is not None else None,
        wellness=consent.scope == "wellness", flags=tuple(flags),
    )


def team(session: Session, group: CoachGroup, now: datetime) -> list[MemberSummary]:
    """Summaries of the consenting members only (pending and withdrawn members are invisible)."""
    assert group.id is not None
    out = []
    for runner, consent in consenting_members(session, group.id):
        today = now.astimezone(runner_zone(runner)).date()
        out.append(member_summary(session, runner, consent, today))
    return sorted(out, key=lambda m: m.name.lower())


WORKOUT_WORDS = {"easy": "easy", "long": "long", "tempo": "tempo", "threshold": "tempo", "intervals": "intervals",
                 "interval": "intervals", "hills": "hills", "hill": "hills", "recovery": "recovery",
                 "progression": "progression", "strides": "strides", "rest": "rest", "race_pace": "race_pace",
                 "racepace": "race_pace", "cross": "cross_training", "bike": "cross_training"}


@dataclass(frozen=True, slots=True)
class Assignment:
    """A coach's workout for one athlete on one day."""

    runner: Runner
    workout_type: str
    minutes: int
    day: date


def parse_assignment(session: Session, group: CoachGroup, text: str, now: datetime) -> Assignment | None:
    """'/assign Ana tempo 40 tomorrow' among the group's consenting members, or None."""
    assert group.id is not None
    words = text.replace("@", "").split()
    if len(words) < 2:
        return None
    members = {r.name.lower(): r for r, _ in consenting_members(session, group.id) if r.name}
    runner = members.get(words[0].lower())
    wtype = next((WORKOUT_WORDS[w.lower()] for w in words[1:] if w.lower() in WORKOUT_WORDS), None)
    if runner is None or wtype is None:
        return None
    minutes = next((int(w) for w in words[1:] if w.isascii() and w.isdigit() and len(w) <= 3
                    and 10 <= int(w) <= 300), 45)
    today = now.astimezone(runner_zone(runner)).date()
    day = today + timedelta(days=1) if any(w.lower() == "tomorrow" for w in words) else today
    return Assignment(runner, wtype, 0 if wtype == "rest" else minutes, day)


def accept_assignment(session: Session, runner: Runner, day: date, workout_type: str, minutes: int,
                      group: CoachGroup) -> None:
    """Store the coach's workout as the day's recommendation (kept over the engine's own choice)."""
    from coaching.plan.workouts import build_workout

    assert runner.id is not None
    workout = build_workout(workout_type, float(minutes), hr_max=runner.hr_max, hr_rest=runner.hr_rest,
                            experience=runner.experience or "intermediate")
    row = recommendation_for(session, runner.id, day)
    payload = {"workout": workout.to_json(), "assigned_by": group.title or "your coach"}
    if row is None:
        from models.tables import Recommendation

        row = Recommendation(runner_id=runner.id, local_date=day, workout_type=workout_type, payload=payload)
    row.workout_type, row.payload, row.status = workout_type, payload, "assigned"
    session.add(row)
    session.flush()
