"""Storage behaves the same on SQLite and PostgreSQL: migrations, UTC timestamps, WAL, delete."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import select

from models.db import session_scope
from models.queries import delete_runner, get_or_create_runner, runner_rows, upsert_checkin
from models.tables import RUNNER_TABLES, Activity, Runner


def test_migrations_create_every_table(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    expected = {"runner", "alembic_version"} | {t.__tablename__ for t in RUNNER_TABLES}  # type: ignore[attr-defined]
    assert expected <= names


def test_timestamps_come_back_utc_aware(engine: Engine) -> None:
    berlin_noon = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with session_scope(engine) as s:
        runner, _ = get_or_create_runner(s, "t:1")
        s.add(Activity(runner_id=runner.id, start_time=berlin_noon, local_date=date(2026, 7, 1), sport="running",
                       origin="chat", fingerprint="x"))
    with session_scope(engine) as s:
        act = s.exec(select(Activity)).one()
        assert act.start_time is not None and act.start_time.utcoffset() == timedelta(0)
        assert act.start_time == berlin_noon  # same instant: 10:00 UTC
        assert act.start_time.hour == 10
        assert s.exec(select(Runner)).one().created_at.tzinfo is not None


def test_naive_timestamp_is_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive"), session_scope(engine) as s:
        runner, _ = get_or_create_runner(s, "t:2")
        s.add(Activity(runner_id=runner.id, start_time=datetime(2026, 1, 1, 8), local_date=date(2026, 1, 1),
                       sport="running", origin="chat", fingerprint="y"))
        s.flush()


def test_sqlite_runs_in_wal_mode(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("WAL is a SQLite setting")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_failed_transaction_stores_nothing(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        get_or_create_runner(s, "t:3")
        s.flush()
        raise RuntimeError("boom")
    with session_scope(engine) as s:
        assert s.exec(select(Runner)).all() == []


def test_checkins_merge_per_day_and_delete_removes_every_row(engine: Engine) -> None:
    with session_scope(engine) as s:
        runner, _ = get_or_create_runner(s, "t:4")
        other, _ = get_or_create_runner(s, "t:5")
        upsert_checkin(s, runner.id, date(2026, 3, 1), {"sleep_h": 6.0})
        upsert_checkin(s, runner.id, date(2026, 3, 1), {"hrv_ms": 50.0})
        upsert_checkin(s, other.id, date(2026, 3, 1), {"hrv_ms": 60.0})
        rid, oid = runner.id, other.id
    with session_scope(engine) as s:
        rows = runner_rows(s, rid)["checkin"]
        assert len(rows) == 1 and rows[0]["sleep_h"] == 6.0 and rows[0]["hrv_ms"] == 50.0
        delete_runner(s, rid)
    with session_scope(engine) as s:
        assert all(not rows for rows in runner_rows(s, rid).values())
        assert runner_rows(s, oid)["checkin"], "another runner's data must survive"


def test_migrations_match_the_models(db_url: str) -> None:
    """A table or column added to the models without a migration fails here, on both databases."""
    from alembic import command

    from models.db import alembic_config

    command.check(alembic_config(db_url.replace("postgresql://", "postgresql+psycopg://")))


def test_downgrade_and_upgrade_round_trip(db_url: str) -> None:
    from alembic import command

    from models.db import alembic_config, upgrade

    cfg = alembic_config(db_url.replace("postgresql://", "postgresql+psycopg://"))
    command.downgrade(cfg, "base")
    upgrade(db_url)
    command.check(cfg)
