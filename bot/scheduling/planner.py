"""Creates the outbox rows that are due today, idempotently (cheap enough to run every tick).

For each active, unpaused runner with a chat: ``morning`` at ``morning_time`` (default 07:00) local,
``evening`` at ``evening_time`` (default 20:00) local (the sender sends it only when a check-in is
wanted: see :func:`evening_checkin_wanted`), ``weekly`` on Sundays at ``evening_time``. For each
active coach group: ``digest`` at 18:00 in the default time zone (groups have no zone).

Only the runner's *current* local day is planned. Pending rows that are not due yet follow changes
of time zone, send time or chat (they are updated, never duplicated); rows already sent stay sent.
A local day earlier than one already planned for the same (target, kind) is never planned (moving
west across midnight must not bring back a morning already sent). Nothing is planned for a time before
the runner or group joined: a runner who first writes in the afternoon hears "Good morning" tomorrow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.scheduling import due
from models import outbox
from models.tables import Activity, CoachGroup, Recommendation, Runner

DIGEST_TIME = time(18, 0)


@dataclass(frozen=True, slots=True)
class PlanConfig:
    """Defaults the planner falls back on (from settings)."""

    default_time_zone: str = "Europe/London"
    default_morning: time = time(7, 0)
    default_evening: time = time(20, 0)
    digest_time: time = DIGEST_TIME
    weekly_weekday: int = due.SUNDAY

    @classmethod
    def from_settings(cls, settings: Any) -> PlanConfig:
        """Read the defaults from :class:`bot.settings.Settings` (missing fields keep their default)."""
        return cls(
            default_time_zone=getattr(settings, "default_time_zone", None) or "Europe/London",
            default_morning=due.parse_hhmm(getattr(settings, "default_morning_time", None), time(7, 0)),
            default_evening=due.parse_hhmm(getattr(settings, "default_evening_time", None), time(20, 0)),
        )


@dataclass(slots=True)
class PlanReport:
    """What one planning pass did."""

    inserted: int = 0
    replanned: int = 0
    targets: int = 0
    skipped_backwards: int = 0


def _row(target_kind: str, target_id: int, kind: str, day: date, chat_id: int, at: time,
         tz_name: str, tz: Any) -> dict[str, Any]:
    return {
        "target_kind": target_kind, "target_id": target_id, "kind": kind, "local_date": day,
        "chat_id": chat_id, "time_zone": tz_name,
        "due_at": due.local_to_utc(day, at, tz), "expires_at": due.start_of_day(day + timedelta(days=1), tz),
    }


def wanted_rows(runners: Iterable[Any], groups: Iterable[Any], now: datetime,
                config: PlanConfig = PlanConfig()) -> list[dict[str, Any]]:
    """The rows every target should have for its current local day (pure: no database)."""
    out: list[dict[str, Any]] = []
    for r in runners:
        tz = due.zone(r.time_zone, config.default_time_zone)
        tz_name = tz.key
        today = due.local_today(now, tz)
        morning = due.parse_hhmm(r.morning_time, config.default_morning)
        evening = due.parse_hhmm(r.evening_time, config.default_evening)
        rows = [_row("runner", r.id, "morning", today, r.chat_id, morning, tz_name, tz),
                _row("runner", r.id, "evening", today, r.chat_id, evening, tz_name, tz)]
        if today.weekday() == config.weekly_weekday:
            rows.append(_row("runner", r.id, "weekly", today, r.chat_id, evening, tz_name, tz))
        out.extend(_since_joined(rows, getattr(r, "created_at", None), now))
    gtz = due.zone(config.default_time_zone)
    gtoday = due.local_today(now, gtz)
    for g in groups:
        row = _row("group", g.id, "digest", gtoday, g.chat_id, config.digest_time, gtz.key, gtz)
        out.extend(_since_joined([row], getattr(g, "created_at", None), now))
    return out


def _since_joined(rows: list[dict[str, Any]], created_at: datetime | None, now: datetime) -> list[dict[str, Any]]:
    """The rows due after the target joined: a runner who first writes at 5 pm gets no "Good morning"
    for a morning they were not here for (their first comes the next day); a group added at 7 pm gets its
    first digest the next evening. A ``created_at`` later than ``now`` (another clock) filters nothing."""
    if created_at is None:
        return rows
    joined = created_at if created_at.tzinfo is not None else created_at.replace(tzinfo=UTC)
    if joined > now:
        return rows
    return [row for row in rows if row["due_at"] >= joined]


def _due_for(existing_day: date, kind: str, r: Any, config: PlanConfig) -> tuple[datetime, datetime, str]:
    tz = due.zone(r.time_zone, config.default_time_zone)
    if kind == "morning":
        at = due.parse_hhmm(r.morning_time, config.default_morning)
    else:
        at = due.parse_hhmm(r.evening_time, config.default_evening)
    return (due.local_to_utc(existing_day, at, tz), due.start_of_day(existing_day + timedelta(days=1), tz), tz.key)


def plan(session: Session, now: datetime, config: PlanConfig = PlanConfig()) -> PlanReport:
    """Insert today's missing rows and re-plan pending, not-yet-due rows whose schedule changed."""
    runner_rows: list[Any] = list(session.execute(
        sa_select(col(Runner.id), col(Runner.chat_id), col(Runner.time_zone), col(Runner.morning_time),
                  col(Runner.evening_time), col(Runner.created_at))
        .where(col(Runner.active).is_(True), col(Runner.paused).is_(False), col(Runner.chat_id).is_not(None))
    ).all())
    group_rows: list[Any] = list(session.execute(
        sa_select(col(CoachGroup.id), col(CoachGroup.chat_id), col(CoachGroup.created_at))
        .where(col(CoachGroup.active).is_(True))
    ).all())
    report = PlanReport(targets=len(runner_rows) + len(group_rows))
    wanted = wanted_rows(runner_rows, group_rows, now, config)

    # Every zone's "today" is within a day of UTC's, so two days back covers every row that matters.
    since = now.date() - timedelta(days=2)
    existing: dict[tuple[str, int, str, date], Any] = {}
    latest: dict[tuple[str, int, str], date] = {}
    for e in outbox.existing_since(session, since):
        existing[(e.target_kind, e.target_id, e.kind, e.local_date)] = e
        k3 = (e.target_kind, e.target_id, e.kind)
        if latest.get(k3) is None or e.local_date > latest[k3]:
            latest[k3] = e.local_date

    to_insert: list[dict[str, Any]] = []
    for w in wanted:
        key = (w["target_kind"], w["target_id"], w["kind"], w["local_date"])
        e = existing.get(key)
        if e is None:
            last = latest.get(key[:3])
            if last is not None and last > w["local_date"]:
                report.skipped_backwards += 1
                continue
            to_insert.append(w)
        elif e.status == outbox.PENDING and _changed(e, w, now):
            report.replanned += outbox.replan(session, e.id, now, **_changes(e, w, now))

    # Pending rows of other local days (a zone change moved "today"): keep them on the current schedule.
    by_runner: dict[int, Any] = {r.id: r for r in runner_rows}
    wanted_keys = {(w["target_kind"], w["target_id"], w["kind"], w["local_date"]) for w in wanted}
    for key, e in existing.items():
        if e.status != outbox.PENDING or key in wanted_keys or e.due_at <= now:
            continue
        r = by_runner.get(e.target_id) if e.target_kind == "runner" else None
        if r is None:
            continue
        due_at, expires_at, tz_name = _due_for(e.local_date, e.kind, r, config)
        w = {"due_at": due_at, "expires_at": expires_at, "time_zone": tz_name, "chat_id": r.chat_id}
        if _changed(e, w, now):
            report.replanned += outbox.replan(session, e.id, now, **_changes(e, w, now))

    report.inserted = outbox.insert_ignore(session, to_insert)
    return report


def _changed(e: Any, w: dict[str, Any], now: datetime) -> bool:
    return bool(_changes(e, w, now))


def _changes(e: Any, w: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What to update on a pending row: its chat always; its schedule only while it is not due yet."""
    out: dict[str, Any] = {}
    if e.chat_id != w["chat_id"]:
        out["chat_id"] = w["chat_id"]
    if e.due_at > now and (e.due_at != w["due_at"] or e.time_zone != w["time_zone"]):
        out.update(due_at=w["due_at"], expires_at=w["expires_at"], time_zone=w["time_zone"])
    return out


def evening_checkin_wanted(session: Session, runner_id: int, day: date) -> bool:
    """Send the evening check-in only when a run logged/imported today has no RPE yet, or today's
    recommendation is still ``planned`` (nothing reported about it)."""
    no_rpe = session.exec(
        select(Activity.id).where(Activity.runner_id == runner_id, Activity.local_date == day,
                                  col(Activity.rpe).is_(None)).limit(1)
    ).first()
    if no_rpe is not None:
        return True
    rec = session.exec(
        select(Recommendation.status).where(Recommendation.runner_id == runner_id, Recommendation.local_date == day)
    ).first()
    return rec == "planned"
