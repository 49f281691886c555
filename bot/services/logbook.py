"""Storing what runners tell the coach in chat: sessions, efforts and daily check-ins."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from models.queries import activities, checkin_of, find_duplicate, last_activity, upsert_checkin
from models.tables import Activity, CheckIn, Runner

RUNNING_SPORTS = frozenset({"running", "trail", "treadmill"})
WELLNESS_KEYS = ("sleep_h", "sleep_quality", "soreness", "fatigue", "stress", "mood", "illness", "pain_area",
                 "pain_score")
METRIC_KEYS = ("hrv_ms", "rhr_bpm", "weight_kg")


@dataclass(frozen=True, slots=True)
class Logged:
    """The outcome of logging a session: the row, and whether it was new, merged or a repeat."""

    activity: Activity
    status: str  # "new" | "merged" (an imported file of the same session got the details) | "duplicate"


def chat_fingerprint(day: date, sport: str, distance_m: float | None, duration_s: float | None) -> str:
    """A stable key for a session logged in chat: the same message twice is the same session."""
    dist = "-" if distance_m is None else str(round(distance_m / 10))
    dur = "-" if duration_s is None else str(round(duration_s / 5))
    raw = f"chat|{day.isoformat()}|{sport}|{dist}|{dur}"
    return hashlib.sha1(raw.encode()).hexdigest()[:32]


def _close(a: float | None, b: float | None, rel: float) -> bool:
    return a is not None and b is not None and abs(a - b) <= rel * max(a, b)


def _same_session(row: Activity, sport: str, distance_m: float | None, duration_s: float | None) -> bool:
    """A chat log describes an imported activity of the same day when distance or time agree within 10%."""
    if (row.sport in RUNNING_SPORTS) != (sport in RUNNING_SPORTS):
        return False
    return _close(row.distance_m, distance_m, 0.10) or _close(row.moving_time_s, duration_s, 0.10)


def record_rpe(session: Session, runner_id: int, day: date, rpe: float) -> None:
    """Fill the outcome of the day's RPE prediction (the feedback loop's measurement)."""
    from bot.services.feedback import record_rpe as fill

    fill(session, runner_id, day, rpe)


def log_session(session: Session, runner_id: int, day: date, sport: str, *, distance_m: float | None,
                duration_s: float | None, rpe: float | None = None, avg_hr: float | None = None) -> Logged:
    """Store a session told in chat, unless it repeats one already stored (then add what is new to it)."""
    fingerprint = chat_fingerprint(day, sport, distance_m, duration_s)
    for row in find_duplicate(session, runner_id, fingerprint, None):
        return Logged(row, "duplicate")
    for row in activities(session, runner_id, since=day, until=day):
        if row.origin != "chat" and _same_session(row, sport, distance_m, duration_s):
            if rpe is not None:
                row.rpe = rpe
                record_rpe(session, runner_id, day, rpe)
            session.add(row)
            return Logged(row, "merged")
    row = Activity(runner_id=runner_id, local_date=day, sport=sport, origin="chat", distance_m=distance_m,
                   moving_time_s=duration_s, elapsed_time_s=duration_s, rpe=rpe, avg_hr=avg_hr,
                   fingerprint=fingerprint, source="chat")
    session.add(row)
    session.flush()
    if rpe is not None:
        record_rpe(session, runner_id, day, rpe)
    return Logged(row, "new")


def set_effort(session: Session, runner_id: int, today: date, rpe: float | None = None,
               feel: int | None = None, activity_id: int | None = None) -> Activity | None:
    """Attach RPE / feel to a given session (a button names it: any date), or else to the latest one of
    the last three days."""
    row = session.get(Activity, activity_id) if activity_id is not None else last_activity(session, runner_id)
    if row is None or row.runner_id != runner_id:
        return None
    if activity_id is None and row.local_date < today - timedelta(days=3):
        return None
    if rpe is not None:
        row.rpe = rpe
        record_rpe(session, runner_id, row.local_date, rpe)
    if feel is not None:
        row.feel = feel
    session.add(row)
    session.flush()
    return row


def checkin_values(entities: dict[str, Any]) -> dict[str, Any]:
    """The check-in fields present in parsed entities, in storage form."""
    values = {k: entities[k] for k in (*WELLNESS_KEYS, *METRIC_KEYS) if entities.get(k) is not None}
    if "illness" in values:
        illness = values.pop("illness")
        if illness:
            kind = entities.get("illness_kind")
            values["illness"] = illness if isinstance(illness, str) else str(kind) if kind else "unwell"
        else:
            values["illness"] = "none"
    return values


def record_checkin(session: Session, runner_id: int, day: date, entities: dict[str, Any]) -> CheckIn | None:
    """Merge the wellness and metric facts of a message into the day's check-in."""
    values = checkin_values(entities)
    if not values:
        return None
    return upsert_checkin(session, runner_id, day, values)


def hold_running(runner: Runner, day: date, area: str) -> None:
    """"No running until my knee is better": the hold stays until :func:`release_hold`."""
    if runner.pain_hold_since is None:
        runner.pain_hold_since = day
    runner.pain_hold_area = area[:16]


def release_hold(session: Session, runner: Runner, day: date) -> bool:
    """The pain is gone (or the runner ran): lift the hold and take the pain off ``day``'s check-in.
    Returns whether a hold was lifted."""
    held = runner.pain_hold_since is not None
    runner.pain_hold_since = runner.pain_hold_area = None
    assert runner.id is not None
    row = checkin_of(session, runner.id, day)
    if row is not None and (row.pain_area or row.pain_score is not None):
        row.pain_area, row.pain_score = None, None
        session.add(row)
    session.add(runner)
    return held
