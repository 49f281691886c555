"""The outbox: one row per scheduled message (morning, evening check-in, weekly summary, group digest).

A row is keyed by (target_kind, target_id, kind, local_date), so planning the same day twice is
harmless. Its life: ``pending`` -> ``claimed`` (by one worker, with a lease) -> ``sent``; or
``skipped`` (nothing to say, target paused/gone, or the local day ended before it could go out);
or ``failed`` (blocked by the user, a permanent error, or too many transient errors).

Claiming is the only way to get the right to send a row:

* PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` picks a small batch, the same transaction sets
  ``claimed``/``claimed_by``/``lease_until``; concurrent workers skip each other's rows.
* SQLite: one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING`` inside ``BEGIN IMMEDIATE``
  (a single writer at a time).

A claim whose worker died becomes claimable again once ``lease_until`` has passed. Before every
Telegram call the worker renews its claim with a conditional UPDATE (:func:`renew`); a worker that
lost its claim never sends. ``last_error`` holds an exception class name only, never message text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, Index, UniqueConstraint, and_, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from models.types import UTCDateTime, utcnow

TARGET_KINDS = ("runner", "group")
KINDS = ("morning", "evening", "weekly", "digest")
PENDING, CLAIMED, SENT, FAILED, SKIPPED = "pending", "claimed", "sent", "failed", "skipped"
STATUSES = (PENDING, CLAIMED, SENT, FAILED, SKIPPED)
KEY = ("target_kind", "target_id", "kind", "local_date")


def _ts(nullable: bool) -> Any:
    if nullable:
        return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Outbox(SQLModel, table=True):
    """One scheduled message for a runner or a coach group on one of its local days."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint(*KEY, name="uq_outbox_key"),
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_local_date", "local_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    target_kind: str = Field(max_length=8)  # runner / group
    target_id: int
    kind: str = Field(max_length=8)  # morning / evening / weekly / digest
    local_date: date
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    time_zone: str = Field(max_length=64)  # the zone due_at was computed in
    due_at: datetime = _ts(nullable=False)
    expires_at: datetime = _ts(nullable=False)  # start of the next local day: never sent after it
    status: str = Field(default=PENDING, max_length=8)
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = _ts(nullable=True)
    attempts: int = 0  # failed attempts (RetryAfter does not count)
    next_attempt_at: datetime | None = _ts(nullable=True)
    parts_sent: int = 0  # replies of this row already accepted by Telegram (resume after RetryAfter/crash)
    sent_at: datetime | None = _ts(nullable=True)
    last_error: str | None = Field(default=None, max_length=64)  # exception class name only
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


_COLUMNS = tuple(Outbox.__table__.columns.keys())  # type: ignore[attr-defined]
T = Outbox.__table__  # type: ignore[attr-defined]


def _row(mapping: Any) -> Outbox:
    return Outbox(**{k: mapping[k] for k in _COLUMNS})


# --------------------------------------------------------------------------------------------- planning


def insert_ignore(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows, silently skipping any whose key already exists (INSERT ... ON CONFLICT DO NOTHING on
    both dialects). Returns how many were new."""
    if not rows:
        return 0
    now = utcnow()
    values = [{"status": PENDING, "attempts": 0, "parts_sent": 0, "created_at": now, "updated_at": now, **r}
              for r in rows]
    dialect = session.get_bind().dialect.name
    ins: Any
    if dialect == "postgresql":
        ins = postgresql.insert(T).on_conflict_do_nothing(index_elements=list(KEY))
    elif dialect == "sqlite":
        ins = sqlite.insert(T).on_conflict_do_nothing(index_elements=list(KEY))
    else:  # pragma: no cover - only the two supported dialects are tested
        return _insert_one_by_one(session, values)
    total = 0
    for start in range(0, len(values), 500):  # RETURNING counts real inserts on both dialects
        total += len(session.execute(ins.returning(T.c.id), values[start:start + 500]).all())
    return total


def _insert_one_by_one(session: Session, values: list[dict[str, Any]]) -> int:
    from sqlalchemy.exc import IntegrityError

    n = 0
    for v in values:
        try:
            with session.begin_nested():
                session.execute(T.insert().values(**v))
            n += 1
        except IntegrityError:
            pass
    return n


def existing_since(session: Session, since: date) -> list[Any]:
    """Key, status and schedule of every row with ``local_date >= since`` (light tuples, for the planner)."""
    stmt = select(T.c.id, T.c.target_kind, T.c.target_id, T.c.kind, T.c.local_date, T.c.status,  # type: ignore[call-overload]
                  T.c.due_at, T.c.chat_id, T.c.time_zone).where(T.c.local_date >= since)
    return list(session.execute(stmt).all())


def replan(session: Session, row_id: int, now: datetime, **values: Any) -> bool:
    """Move a still-pending row to a new schedule/chat; a row claimed meanwhile is left alone."""
    stmt = (update(T).where(T.c.id == row_id, T.c.status == PENDING)
            .values(**values, updated_at=now))
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def expire(session: Session, now: datetime) -> int:
    """Skip rows whose local day is over (yesterday's missed messages are not sent after downtime)."""
    stmt = (update(T)
            .where(T.c.expires_at <= now,
                   or_(T.c.status == PENDING, and_(T.c.status == CLAIMED, T.c.lease_until < now)))
            .values(status=SKIPPED, last_error="Expired", claimed_by=None, lease_until=None, updated_at=now))
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def purge(session: Session, before: date) -> int:
    """Delete finished rows of local days before ``before`` (the table does not grow forever)."""
    stmt = delete(T).where(T.c.local_date < before, T.c.status.in_((SENT, FAILED, SKIPPED)))
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def delete_for_target(session: Session, target_kind: str, target_id: int) -> int:
    """Forget every row of a runner or group (for /delete: rows hold the chat id)."""
    stmt = delete(T).where(T.c.target_kind == target_kind, T.c.target_id == target_id)
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------- claiming


def _claimable(now: datetime) -> Any:
    ready = and_(T.c.status == PENDING, T.c.due_at <= now,
                 or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= now))
    abandoned = and_(T.c.status == CLAIMED, T.c.lease_until < now)
    return and_(or_(ready, abandoned), T.c.expires_at > now)


def claim_due(engine: Engine, worker_id: str, now: datetime, *, lease: timedelta, limit: int) -> list[Outbox]:
    """Claim up to ``limit`` due rows for ``worker_id`` until ``now + lease``; returns them (detached)."""
    values = {"status": CLAIMED, "claimed_by": worker_id, "lease_until": now + lease, "updated_at": now}
    if engine.dialect.name == "sqlite":
        return _claim_sqlite(engine, now, values, limit)
    with engine.begin() as conn:
        pick = (select(T.c.id).where(_claimable(now)).order_by(T.c.due_at, T.c.id).limit(limit)
                .with_for_update(skip_locked=True))
        ids = [r[0] for r in conn.execute(pick)]
        if not ids:
            return []
        res = conn.execute(update(T).where(T.c.id.in_(ids)).values(**values).returning(*T.c))
        return sorted((_row(r._mapping) for r in res), key=lambda o: (o.due_at, o.id or 0))


def _claim_sqlite(engine: Engine, now: datetime, values: dict[str, Any], limit: int) -> list[Outbox]:
    with engine.connect() as base:
        conn = base.execution_options(isolation_level="AUTOCOMMIT")  # we issue BEGIN IMMEDIATE ourselves
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            sub = select(T.c.id).where(_claimable(now)).order_by(T.c.due_at, T.c.id).limit(limit)
            res = conn.execute(update(T).where(T.c.id.in_(sub.scalar_subquery())).values(**values)
                               .returning(*T.c))
            rows = [_row(r._mapping) for r in res]
            conn.exec_driver_sql("COMMIT")
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
    return sorted(rows, key=lambda o: (o.due_at, o.id or 0))


def _mine(row_id: int, worker_id: str) -> Any:
    return and_(T.c.id == row_id, T.c.status == CLAIMED, T.c.claimed_by == worker_id)


def renew(session: Session, row_id: int, worker_id: str, now: datetime, lease: timedelta) -> bool:
    """Extend my claim just before a send; False means the claim is gone (do not send)."""
    stmt = update(T).where(_mine(row_id, worker_id)).values(lease_until=now + lease, updated_at=now)
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def mark_parts(session: Session, row_id: int, worker_id: str, parts: int, now: datetime) -> bool:
    """Record that the first ``parts`` replies were accepted by Telegram."""
    stmt = update(T).where(_mine(row_id, worker_id)).values(parts_sent=parts, updated_at=now)
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def mark_sent(session: Session, row_id: int, worker_id: str, now: datetime, parts: int | None = None) -> bool:
    """Finish a row I still hold."""
    values: dict[str, Any] = {"status": SENT, "sent_at": now, "lease_until": None, "last_error": None,
                              "next_attempt_at": None, "updated_at": now}
    if parts is not None:
        values["parts_sent"] = parts
    return bool(session.execute(update(T).where(_mine(row_id, worker_id)).values(**values)).rowcount)  # type: ignore[attr-defined]


def finish(session: Session, row_id: int, worker_id: str, now: datetime, status: str,
           error: str | None = None, attempts_inc: int = 0) -> bool:
    """Close a row I hold as ``failed`` or ``skipped``."""
    assert status in (FAILED, SKIPPED)
    stmt = (update(T).where(_mine(row_id, worker_id))
            .values(status=status, last_error=error, lease_until=None, attempts=T.c.attempts + attempts_inc,
                    updated_at=now))
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def reschedule(session: Session, row_id: int, worker_id: str, now: datetime, at: datetime,
               error: str | None, attempts_inc: int = 0, chat_id: int | None = None) -> bool:
    """Give a row I hold back to the pool, to be tried again at ``at``."""
    values: dict[str, Any] = {"status": PENDING, "claimed_by": None, "lease_until": None, "next_attempt_at": at,
                              "last_error": error, "attempts": T.c.attempts + attempts_inc, "updated_at": now}
    if chat_id is not None:
        values["chat_id"] = chat_id
    return bool(session.execute(update(T).where(_mine(row_id, worker_id)).values(**values)).rowcount)  # type: ignore[attr-defined]


def release(session: Session, worker_id: str, now: datetime) -> int:
    """Hand back every claim of a worker that is shutting down cleanly (no need to wait for the lease)."""
    stmt = (update(T).where(T.c.status == CLAIMED, T.c.claimed_by == worker_id)
            .values(status=PENDING, claimed_by=None, lease_until=None, updated_at=now))
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------- reading


def rows(session: Session, *, status: str | Iterable[str] | None = None, kind: str | None = None,
         target_kind: str | None = None, target_id: int | None = None,
         local_date: date | None = None) -> list[Outbox]:
    """Outbox rows, filtered, oldest first (for tests, admin and the bench)."""
    stmt = select(Outbox)
    if status is not None:
        stmt = stmt.where(col(Outbox.status).in_([status] if isinstance(status, str) else list(status)))
    if kind is not None:
        stmt = stmt.where(Outbox.kind == kind)
    if target_kind is not None:
        stmt = stmt.where(Outbox.target_kind == target_kind)
    if target_id is not None:
        stmt = stmt.where(Outbox.target_id == target_id)
    if local_date is not None:
        stmt = stmt.where(Outbox.local_date == local_date)
    return list(session.exec(stmt.order_by(col(Outbox.due_at), col(Outbox.id))).all())
