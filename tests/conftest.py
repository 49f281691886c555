"""Test set-up: a throw-away database per test (SQLite file or a fresh PostgreSQL database).

``RUNCOACH_TEST_BACKEND`` picks the backend the whole suite runs on (``sqlite`` by default,
``postgres`` in the second CI pass). ``RUNCOACH_TEST_POSTGRES_URL`` points at a PostgreSQL
server; without it PostgreSQL tests are skipped visibly, except under CI where that is an error.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from bot.dialog import Dialog
from models.db import make_engine, upgrade
from tests.support.clock import FakeClock

BACKEND = os.environ.get("RUNCOACH_TEST_BACKEND", "sqlite").lower()
PG_URL = os.environ.get("RUNCOACH_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SHARED_DATA = Path(os.environ.get("RUNCOACH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def _pg_server_url() -> str:
    if not PG_URL:
        if IN_CI:
            pytest.fail("CI must test PostgreSQL: set RUNCOACH_TEST_POSTGRES_URL")
        pytest.skip("PostgreSQL not configured (set RUNCOACH_TEST_POSTGRES_URL to run these tests)")
    url = PG_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_pg_database(server_url: str) -> str:
    """Create a uniquely named database on the server and return its URL."""
    name = f"rc_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(server_url: str, url: str) -> None:
    """Drop a database made by :func:`create_pg_database`, closing stray connections."""
    name = make_url(url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for tests that need PostgreSQL itself."""
    server = _pg_server_url()
    url = create_pg_database(server)
    upgrade(url)
    yield url
    drop_pg_database(server, url)


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on the backend under test."""
    if BACKEND.startswith("postgres"):
        server = _pg_server_url()
        url = create_pg_database(server)
        upgrade(url)
        yield url
        drop_pg_database(server, url)
    else:
        url = f"sqlite:///{tmp_path / 'runcoach.db'}"
        upgrade(url)
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the throw-away database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FakeClock:
    """A clock at Thursday 2026-03-12 08:00 UTC."""
    return FakeClock(datetime(2026, 3, 12, 8, 0, tzinfo=UTC))


@pytest.fixture
def dialog(engine: Engine, clock: FakeClock) -> Dialog:
    """The dialog core on a fresh database, with the fake clock, runners in Europe/London by default."""
    return Dialog(engine, clock=clock, default_time_zone="Europe/London")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data when present (it is not in a fresh clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("shared data folder not present")
    return SHARED_DATA
