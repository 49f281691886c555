"""The queries the rest of the project uses. Handlers never write SQL of their own."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from models.tables import (
    RUNNER_TABLES,
    Activity,
    CheckIn,
    CoachGroup,
    Consent,
    DayConstraint,
    PendingQuestion,
    PredictionLog,
    Recommendation,
    Runner,
)
from models.types import utcnow

CHECKIN_FIELDS = (
    "hrv_ms", "rhr_bpm", "sleep_h", "sleep_quality", "fatigue", "soreness", "stress", "mood",
    "illness", "pain_area", "pain_score", "weight_kg",
)


# The queries every message runs are built once, with bound parameters: building a select and its cache key
# cost as much as running it on SQLite (270 -> 150 us for the runner lookup).
_RUNNER_BY_EXTERNAL_ID = select(Runner).where(Runner.external_id == bindparam("external_id"))
_ACTIVITIES_BY_FINGERPRINT = select(Activity).where(Activity.runner_id == bindparam("runner_id"),
                                                    Activity.fingerprint == bindparam("fingerprint"))
_LAST_ACTIVITY = (select(Activity).where(Activity.runner_id == bindparam("runner_id"))
                  .order_by(col(Activity.local_date).desc(), col(Activity.created_at).desc(), col(Activity.id).desc()))
_COUNT_ACTIVITIES = select(func.count()).select_from(Activity).where(Activity.runner_id == bindparam("runner_id"))
_COUNT_CHECKINS = select(func.count()).select_from(CheckIn).where(CheckIn.runner_id == bindparam("runner_id"))
_CHECKIN_OF_DAY = select(CheckIn).where(CheckIn.runner_id == bindparam("runner_id"),
                                        CheckIn.local_date == bindparam("day"))
_RECOMMENDATION_OF_DAY = select(Recommendation).where(Recommendation.runner_id == bindparam("runner_id"),
                                                      Recommendation.local_date == bindparam("day"))
_OPEN_PREDICTIONS_OF_DAY = select(PredictionLog).where(PredictionLog.runner_id == bindparam("runner_id"),
                                                       PredictionLog.local_date == bindparam("day"),
                                                       col(PredictionLog.actual).is_(None))


@cache
def _activities_between(since: bool, until: bool) -> Any:
    stmt = select(Activity).where(Activity.runner_id == bindparam("runner_id"))
    if since:
        stmt = stmt.where(Activity.local_date >= bindparam("since"))
    if until:
        stmt = stmt.where(Activity.local_date <= bindparam("until"))
    return stmt.order_by(col(Activity.local_date), col(Activity.start_time), col(Activity.id))


@cache
def _predictions_stmt(of_kind: bool, open_only: bool) -> Any:
    stmt = select(PredictionLog).where(PredictionLog.runner_id == bindparam("runner_id"))
    if of_kind:
        stmt = stmt.where(PredictionLog.kind == bindparam("kind"))
    if open_only:
        stmt = stmt.where(col(PredictionLog.actual).is_(None))
    return stmt.order_by(col(PredictionLog.local_date))


def get_runner(session: Session, external_id: str) -> Runner | None:
    """The runner with this identity, if any."""
    return session.exec(_RUNNER_BY_EXTERNAL_ID, params={"external_id": external_id}).first()


def get_or_create_runner(session: Session, external_id: str, **defaults: Any) -> tuple[Runner, bool]:
    """The runner with this identity, created with ``defaults`` when new; returns (runner, created)."""
    runner = get_runner(session, external_id)
    if runner is not None:
        return runner, False
    runner = Runner(external_id=external_id, **{k: v for k, v in defaults.items() if v is not None})
    session.add(runner)
    session.flush()
    return runner, True


def find_duplicate(session: Session, runner_id: int, fingerprint: str, start_time: datetime | None,
                   window: timedelta = timedelta(minutes=10)) -> list[Activity]:
    """Activities that may be the same session: same fingerprint, or starting within ``window``."""
    if start_time is None:
        return list(session.exec(_ACTIVITIES_BY_FINGERPRINT,
                                 params={"runner_id": runner_id, "fingerprint": fingerprint}).all())
    lo, hi = start_time - window, start_time + window
    stmt = select(Activity).where(
        Activity.runner_id == runner_id,
        (col(Activity.fingerprint) == fingerprint)
        | ((col(Activity.start_time) >= lo) & (col(Activity.start_time) <= hi)),
    )
    return list(session.exec(stmt).all())


def activities(session: Session, runner_id: int, since: date | None = None,
               until: date | None = None) -> Sequence[Activity]:
    """A runner's activities in date order, optionally between two local dates (inclusive)."""
    stmt = _activities_between(since is not None, until is not None)
    return list(session.exec(stmt, params={"runner_id": runner_id, "since": since, "until": until}).all())


def last_activity(session: Session, runner_id: int) -> Activity | None:
    """The most recent activity (by day, then by when it was stored)."""
    return session.exec(_LAST_ACTIVITY, params={"runner_id": runner_id}).first()


def count_activities(session: Session, runner_id: int) -> int:
    """How many activities a runner has stored."""
    return int(session.exec(_COUNT_ACTIVITIES, params={"runner_id": runner_id}).one())


def count_checkins(session: Session, runner_id: int) -> int:
    """How many check-ins a runner has stored."""
    return int(session.exec(_COUNT_CHECKINS, params={"runner_id": runner_id}).one())


def checkins(session: Session, runner_id: int, since: date | None = None) -> Sequence[CheckIn]:
    """A runner's daily check-ins in date order."""
    stmt = select(CheckIn).where(CheckIn.runner_id == runner_id)
    if since is not None:
        stmt = stmt.where(CheckIn.local_date >= since)
    return session.exec(stmt.order_by(col(CheckIn.local_date))).all()


def checkin_of(session: Session, runner_id: int, day: date) -> CheckIn | None:
    """The runner's check-in for ``day``, if any."""
    return session.exec(_CHECKIN_OF_DAY, params={"runner_id": runner_id, "day": day}).first()


def upsert_checkin(session: Session, runner_id: int, day: date, values: dict[str, Any]) -> CheckIn:
    """Merge ``values`` into the runner's check-in for ``day`` (later reports of a field win)."""
    row = session.exec(_CHECKIN_OF_DAY, params={"runner_id": runner_id, "day": day}).first()
    if row is None:
        row = CheckIn(runner_id=runner_id, local_date=day)
    for key in CHECKIN_FIELDS:
        if key in values and values[key] is not None:
            setattr(row, key, values[key])
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def recommendation_for(session: Session, runner_id: int, day: date) -> Recommendation | None:
    """The recommendation stored for a runner's local day."""
    return session.exec(_RECOMMENDATION_OF_DAY, params={"runner_id": runner_id, "day": day}).first()


def latest_recommendation(session: Session, runner_id: int) -> Recommendation | None:
    """The most recent recommendation, for "why?"."""
    stmt = (select(Recommendation).where(Recommendation.runner_id == runner_id)
            .order_by(col(Recommendation.local_date).desc()))
    return session.exec(stmt).first()


def save_recommendation(session: Session, runner_id: int, day: date, workout_type: str,
                        payload: dict[str, Any]) -> Recommendation:
    """Store (or refresh, while still planned) the recommendation for a runner's day."""
    row = recommendation_for(session, runner_id, day)
    if row is None:
        row = Recommendation(runner_id=runner_id, local_date=day, workout_type=workout_type, payload=payload)
    elif row.status == "planned":
        row.workout_type, row.payload = workout_type, payload
    session.add(row)
    session.flush()
    return row


def pending_question(session: Session, runner_id: int) -> PendingQuestion | None:
    """The clarifying question the runner has not answered yet."""
    return session.get(PendingQuestion, runner_id)


def set_pending_question(session: Session, runner_id: int, kind: str, payload: dict[str, Any]) -> None:
    """Remember one open question per runner (a newer one replaces it)."""
    row = session.get(PendingQuestion, runner_id) or PendingQuestion(runner_id=runner_id, kind=kind)
    row.kind, row.payload, row.created_at = kind, payload, utcnow()
    session.add(row)
    session.flush()


def clear_pending_question(session: Session, runner_id: int) -> None:
    """Forget the open question."""
    row = session.get(PendingQuestion, runner_id)
    if row is not None:
        session.delete(row)
        session.flush()


def runner_rows(session: Session, runner_id: int) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about a runner, table by table, as plain dicts (for /export)."""
    out: dict[str, list[dict[str, Any]]] = {}
    runner = session.get(Runner, runner_id)
    out["runner"] = [runner.model_dump()] if runner else []
    for table in RUNNER_TABLES:
        rows = session.exec(select(table).where(table.runner_id == runner_id)).all()  # type: ignore[attr-defined]
        out[str(table.__tablename__)] = [r.model_dump() for r in rows]
    return out


def delete_runner(session: Session, runner_id: int) -> None:
    """Remove every row of a runner, consents and queued messages included, then the runner."""
    from models.outbox import delete_for_target

    delete_for_target(session, "runner", runner_id)
    for table in RUNNER_TABLES:
        session.exec(delete(table).where(table.runner_id == runner_id))  # type: ignore[attr-defined]
    session.exec(delete(Runner).where(col(Runner.id) == runner_id))
    session.flush()


def group_by_chat(session: Session, chat_id: int) -> CoachGroup | None:
    """The coach group registered for a chat."""
    return session.exec(select(CoachGroup).where(CoachGroup.chat_id == chat_id)).first()


def consenting_members(session: Session, group_id: int) -> list[tuple[Runner, Consent]]:
    """Runners who agreed to share with this group (pending and withdrawn consents are excluded)."""
    stmt = (select(Runner, Consent).join(Consent, col(Consent.runner_id) == col(Runner.id))
            .where(Consent.group_id == group_id, col(Consent.scope).in_(("summary", "wellness"))))
    return [(r, c) for r, c in session.exec(stmt).all()]


def runners(session: Session, ids: Iterable[int] | None = None) -> Sequence[Runner]:
    """All runners, or those with the given ids."""
    stmt = select(Runner)
    if ids is not None:
        stmt = stmt.where(col(Runner.id).in_(list(ids)))
    return session.exec(stmt.order_by(col(Runner.id))).all()


def recommendations(session: Session, runner_id: int, since: date) -> Sequence[Recommendation]:
    """A runner's recommendations from ``since`` on, in date order."""
    stmt = (select(Recommendation).where(Recommendation.runner_id == runner_id, Recommendation.local_date >= since)
            .order_by(col(Recommendation.local_date)))
    return session.exec(stmt).all()


def replace_predictions(session: Session, runner_id: int, day: date, rows: Iterable[PredictionLog]) -> None:
    """Store the day's predictions, replacing earlier ones for the same day that have no outcome yet."""
    stale = session.exec(_OPEN_PREDICTIONS_OF_DAY, params={"runner_id": runner_id, "day": day}).all()
    for row in stale:
        session.delete(row)
    for row in rows:
        session.add(row)
    session.flush()


def predictions(session: Session, runner_id: int, kind: str | None = None,
                open_only: bool = False) -> Sequence[PredictionLog]:
    """Logged predictions, optionally of one kind and only those still waiting for an outcome."""
    stmt = _predictions_stmt(kind is not None, open_only)
    return list(session.exec(stmt, params={"runner_id": runner_id, "kind": kind}).all())


BULK_CHUNK = 500  # ids per IN (...) list: well under SQLite's parameter limit
#: Activity columns in a bulk history: what the engine and the feedback loop read (parsing timestamps
#: and JSON the engine never looks at was a third of the loading time).
HISTORY_ACTIVITY_COLUMNS = ("id", "runner_id", "local_date", "sport", "distance_m", "moving_time_s", "elapsed_time_s",
                            "elevation_gain_m", "avg_hr", "max_hr", "rpe", "feel", "best_efforts")


@cache
def _record_type(fields: tuple[str, ...]) -> Any:
    """A named tuple type for a row shape (one per column list, made once)."""
    return namedtuple("HistoryRecord", fields)


@dataclass
class BulkHistory:
    """Many runners' history rows, grouped by runner, and the activities and check-ins also as columns.

    ``by_runner[id]`` is (activities, check-ins, recommendations, constraints), each a list of read-only
    named tuples in date order. ``activity_columns`` and ``check_in_columns`` hold every runner's rows
    column by column (name -> list, rows in no particular order), extracted while the rows are made:
    what a batch computation over all these runners reads.
    """

    by_runner: dict[int, tuple[list[Any], list[Any], list[Any], list[Any]]]
    activity_columns: dict[str, list[Any]]
    check_in_columns: dict[str, list[Any]]


def bulk_history(session: Session, runner_ids: list[int], since: date, until: date, recs_since: date) -> BulkHistory:
    """Activities, check-ins (``since``..``until``), recommendations (from ``recs_since``) and constraints
    (from ``until`` on) of many runners.

    Rows come back as read-only named tuples with the tables' column names as attributes (not ORM
    objects, nor SQLAlchemy Rows, whose attribute access is ~4x slower): the engine only reads them, and
    this is several times faster for thousands of runners.
    """
    out: dict[int, tuple[list[Any], list[Any], list[Any], list[Any]]] = {rid: ([], [], [], []) for rid in runner_ids}
    act, chk = Activity.__table__.c, CheckIn.__table__.c  # type: ignore[attr-defined]
    rec, con = Recommendation.__table__.c, DayConstraint.__table__.c  # type: ignore[attr-defined]
    act_cols = [act[name] for name in HISTORY_ACTIVITY_COLUMNS]  # what the engine reads: no series, laps...
    chk_cols = [c for c in chk if c.name != "updated_at"]
    columns: tuple[dict[str, list[Any]], dict[str, list[Any]]] = (
        {c.name: [] for c in act_cols}, {c.name: [] for c in chk_cols})
    conn = session.connection()
    for i in range(0, len(runner_ids), BULK_CHUNK):
        chunk = runner_ids[i:i + BULK_CHUNK]
        queries = (
            (0, select(*act_cols).where(act.runner_id.in_(chunk), act.local_date >= since, act.local_date <= until)
             .order_by(act.local_date, act.start_time, act.id)),
            (1, select(*chk_cols).where(chk.runner_id.in_(chunk), chk.local_date >= since, chk.local_date <= until)
             .order_by(chk.local_date)),
            (2, select(rec).where(rec.runner_id.in_(chunk), rec.local_date >= recs_since).order_by(rec.local_date)),
            (3, select(con).where(con.runner_id.in_(chunk), con.local_date >= until)),
        )
        for slot, stmt in queries:
            result = conn.execute(stmt)
            keys = list(result.keys())
            values = [row._data for row in result]  # plain tuples: read by position in C below
            make = _record_type(tuple(keys))._make
            for record in map(make, values):
                out[record.runner_id][slot].append(record)
            if slot < 2:
                for position, key in enumerate(keys):
                    columns[slot][key].extend(map(itemgetter(position), values))
    return BulkHistory(out, *columns)
