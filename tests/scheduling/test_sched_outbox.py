"""The outbox queries: idempotent inserts, expiry, purge, delete."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from models import outbox
from models.db import session_scope


def row(target_id: int, day: date, **kw: Any) -> dict[str, Any]:
    due = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=7)
    return {"target_kind": "runner", "target_id": target_id, "kind": "morning", "local_date": day, "chat_id": 5,
            "time_zone": "UTC", "due_at": due, "expires_at": due + timedelta(hours=17), **kw}


def test_insert_ignore_is_idempotent(engine: Engine) -> None:
    with session_scope(engine) as s:
        assert outbox.insert_ignore(s, [row(1, date(2026, 3, 12)), row(2, date(2026, 3, 12))]) == 2
    with session_scope(engine) as s:
        assert outbox.insert_ignore(s, [row(1, date(2026, 3, 12)), row(1, date(2026, 3, 13))]) == 1
        assert outbox.insert_ignore(s, []) == 0
        assert len(outbox.rows(s)) == 3


def test_expire_purge_and_delete(engine: Engine) -> None:
    now = datetime(2026, 3, 13, 1, tzinfo=UTC)
    with session_scope(engine) as s:
        outbox.insert_ignore(s, [row(1, date(2026, 3, 12)), row(1, date(2026, 3, 13)), row(2, date(2026, 1, 1))])
    claimed = outbox.claim_due(engine, "w", datetime(2026, 1, 1, 8, tzinfo=UTC), lease=timedelta(minutes=2),
                               limit=5)
    assert len(claimed) == 1  # the January row, while its day lasted
    with session_scope(engine) as s:
        assert outbox.expire(s, now) == 2  # yesterday's pending row, and the abandoned January claim
        statuses = {(r.target_id, r.local_date): r.status for r in outbox.rows(s)}
        assert statuses == {(1, date(2026, 3, 12)): "skipped", (1, date(2026, 3, 13)): "pending",
                            (2, date(2026, 1, 1)): "skipped"}
        assert outbox.purge(s, date(2026, 2, 1)) == 1
        assert outbox.delete_for_target(s, "runner", 1) == 2
        assert outbox.rows(s) == []
