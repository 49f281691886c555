"""Quick turns answered without waiting (``Dialog.handle_now``): same answers, nothing partial when busy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.dialog import Dialog, Identity, Incoming
from bot.transports.text import plain
from models.db import make_engine, session_scope, upgrade
from models.tables import Activity, Runner
from tests.support.clock import FakeClock

ANA = Identity(external_id="test:ana", name="Ana", chat_id=1)
BEA = Identity(external_id="test:bea", name="Bea", chat_id=2)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "quick.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_dialog(sqlite_file: Path, clock: FakeClock) -> Iterator[Dialog]:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    dialog = Dialog(engine, clock=clock, default_time_zone="Europe/London")
    yield dialog
    dialog.close()
    engine.dispose()


def runs(engine: Engine, who: Identity) -> list[tuple[float | None, float | None]]:
    with session_scope(engine) as s:
        rows = s.exec(select(Activity).join(Runner).where(Runner.external_id == who.external_id)).all()
        return [(a.distance_m, a.moving_time_s) for a in rows]


def test_a_quick_turn_gets_the_same_answer_as_the_waiting_path(sqlite_dialog: Dialog) -> None:
    for who in (ANA, BEA):
        assert sqlite_dialog.handle_now(who, Incoming(text="hi")) is not None
    now = sqlite_dialog.handle_now(ANA, Incoming(text="ran 5k in 25 min"))
    waited = sqlite_dialog.handle(BEA, Incoming(text="ran 5k in 25 min"))
    assert now is not None
    assert [plain(r.text) for r in now] == [plain(r.text) for r in waited]
    assert [[b.label for row in r.buttons for b in row] for r in now] == \
        [[b.label for row in r.buttons for b in row] for r in waited]  # the data names each runner's own row
    assert runs(sqlite_dialog.engine, ANA) == runs(sqlite_dialog.engine, BEA) == [(5000.0, 1500.0)]


def test_while_another_connection_writes_nothing_is_stored_and_the_turn_can_be_rerun(
        sqlite_dialog: Dialog, sqlite_file: Path) -> None:
    sqlite_dialog.handle(ANA, Incoming(text="hi"))
    other = sqlite3.connect(sqlite_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock (an import, a second bot)
    try:
        assert sqlite_dialog.handle_now(ANA, Incoming(text="ran 6 km in 33 min")) is None
        assert runs(sqlite_dialog.engine, ANA) == [], "nothing partial is stored"
    finally:
        other.execute("COMMIT")
        other.close()
    replies = sqlite_dialog.handle(ANA, Incoming(text="ran 6 km in 33 min"))
    assert "6.00 km" in plain(replies[0].text)
    assert runs(sqlite_dialog.engine, ANA) == [(6000.0, 1980.0)], "stored once, by the turn that waited"


@pytest.mark.parametrize("incoming", [
    Incoming(text="/progress"), Incoming(text="/export"), Incoming(text="/delete"), Incoming(text="/predict"),
    Incoming(text="show me my progress chart"), Incoming(text="can I break 50 min in the 10k?"),
    Incoming(file_name="run.gpx", file_data=b"<gpx/>", file_size=6), Incoming(location=(51.5, -0.1)),
    Incoming(button="del:yes"),
], ids=lambda i: i.text or i.file_name or i.button or "location")
def test_slow_turns_are_left_to_the_waiting_path(sqlite_dialog: Dialog, incoming: Incoming) -> None:
    sqlite_dialog.handle(ANA, Incoming(text="ran 5k in 25 min"))
    assert sqlite_dialog.handle_now(ANA, incoming) is None
    assert runs(sqlite_dialog.engine, ANA) == [(5000.0, 1500.0)], "a slow turn is not half-run"
    assert sqlite_dialog.handle(ANA, incoming), "and the waiting path answers it"


def test_group_turns_are_left_to_the_waiting_path(sqlite_dialog: Dialog) -> None:
    group = Identity(external_id="test:ana", name="Ana", chat_id=-100, chat_type="group", chat_title="Club",
                     user_id=1)
    assert sqlite_dialog.handle_now(group, Incoming(text="/team")) is None


def test_postgresql_and_in_memory_databases_always_wait(clock: FakeClock, engine: Engine) -> None:
    memory = make_engine("sqlite://")
    for eng in (memory, engine) if engine.dialect.name != "sqlite" else (memory,):
        assert Dialog(eng, clock=clock).handle_now(ANA, Incoming(text="hi")) is None
    memory.dispose()
