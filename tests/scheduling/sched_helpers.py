"""Helpers for the scheduling tests (importable by test modules and by spawned processes): a recording
fake Bot, runner/group factories, a simple composer."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine

from bot.dialog.types import Reply
from models.db import session_scope
from models.tables import CoachGroup, Runner


class FakeBot:
    """Records every send; ``fail[chat_id]`` is a list of exceptions raised (one per call) before succeeding."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sent: list[tuple[int, str, datetime]] = []
        self.fail: dict[int, list[BaseException]] = {}
        self.calls = 0

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Any:
        self.calls += 1
        queue = self.fail.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((chat_id, text, self.clock()))
        return SimpleNamespace(message_id=len(self.sent), chat_id=chat_id)

    async def __aenter__(self) -> FakeBot:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [t for c, t, _ in self.sent if chat_id is None or c == chat_id]


def echo_composer(session: Any, row: Any) -> list[Reply]:
    """One reply naming the row, so tests can see what was sent."""
    return [Reply(text=f"{row.kind}:{row.target_kind}:{row.target_id}:{row.local_date.isoformat()}")]


def add_runner(engine: Engine, name: str, *, tz: str = "Europe/London", morning: str = "07:00",
               evening: str = "20:00", chat_id: int | None = None, **kw: Any) -> int:
    with session_scope(engine) as s:
        r = Runner(external_id=f"tg:{name}", name=name, time_zone=tz, morning_time=morning, evening_time=evening,
                   chat_id=chat_id if chat_id is not None else zlib.crc32(name.encode()) % 10**9 + 1, **kw)
        s.add(r)
        s.flush()
        assert r.id is not None
        return r.id


def add_group(engine: Engine, chat_id: int = -100123, title: str = "club", **kw: Any) -> int:
    with session_scope(engine) as s:
        g = CoachGroup(chat_id=chat_id, title=title, **kw)
        s.add(g)
        s.flush()
        assert g.id is not None
        return g.id


def update_runner(engine: Engine, runner_id: int, **values: Any) -> None:
    with session_scope(engine) as s:
        r = s.get(Runner, runner_id)
        assert r is not None
        for k, v in values.items():
            setattr(r, k, v)
        s.add(r)


def drain_in_process(url: str, worker_id: str, out_path: str, start: Any, batch_size: int = 5) -> None:
    """Entry point of a spawned sender process: claim and send until nothing is left, write what was sent."""
    import asyncio
    import json
    import random

    from bot.scheduling.ratelimit import unlimited
    from bot.scheduling.sender import Sender, SenderConfig
    from models.db import make_engine

    engine = make_engine(url)
    bot = FakeBot()
    real_send = bot.send_message

    async def slow_send(chat_id: int, text: str, **kw: Any) -> Any:
        await asyncio.sleep(random.uniform(0, 0.004))  # a Telegram round trip, to interleave the workers
        return await real_send(chat_id, text, **kw)

    bot.send_message = slow_send  # type: ignore[method-assign]
    sender = Sender(engine, bot, echo_composer, limiter=unlimited(), worker_id=worker_id,
                    config=SenderConfig(batch_size=batch_size, concurrency=4))

    async def main() -> int:
        claimed, idle = 0, 0
        while idle < 3:
            report = await sender.send_due(max_rows=batch_size)
            claimed += report.claimed
            idle = idle + 1 if report.claimed == 0 else 0
            if report.claimed == 0:
                await asyncio.sleep(0.05)
        return claimed

    start.wait(30)
    claimed = asyncio.run(main())
    engine.dispose()
    with open(out_path, "w") as fh:
        json.dump({"worker": worker_id, "claimed": claimed, "sent": bot.texts()}, fh)
