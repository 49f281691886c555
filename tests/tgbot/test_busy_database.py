"""On SQLite quick turns run on the event loop; a database held by another writer must not stall it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from sqlmodel import select
from telegram import Update
from telegram.ext import Application

from models.db import make_engine, session_scope, upgrade
from models.tables import Activity
from tests.support.clock import FakeClock
from tests.tgbot import updates as u
from tests.tgbot.conftest import offline_application
from tests.tgbot.recording import RecordingRequest

ANA = 1001


def update(app: Application, data: dict[str, Any]) -> Update:  # type: ignore[type-arg]
    return Update.de_json(data, app.bot)


async def test_a_log_sent_while_another_process_writes_is_answered_and_stored_once(
        tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "bot.db"
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    request = RecordingRequest()
    app = offline_application(engine, clock, request)
    await app.initialize()
    assert app.bot_data["dialog_on_loop"], "SQLite answers quick turns on the event loop"
    try:
        await app.process_update(update(app, u.text(ANA, "hi")))
        request.clear()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # e.g. `runcoach import` writing from another process
        loop = asyncio.get_running_loop()
        began = loop.time()
        turn = asyncio.create_task(app.process_update(update(app, u.text(ANA, "ran 6 km in 33 min"))))
        await asyncio.sleep(0.2)
        stalled = loop.time() - began
        assert not turn.done() and not request.sent(), "the log waits for the database, off the loop"
        other.execute("COMMIT")
        other.close()
        await asyncio.wait_for(turn, 30)
        assert stalled < 3, f"the event loop was blocked for {stalled:.1f} s, waiting for the database"
        texts = [c.params["text"] for c in request.sent()]
        assert len(texts) == 1 and "6.00 km" in texts[0], texts
        with session_scope(engine) as s:
            assert [a.distance_m for a in s.exec(select(Activity)).all()] == [6000.0]
    finally:
        await app.shutdown()
        app.bot_data["dialog"].close()
        engine.dispose()

