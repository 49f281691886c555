"""Benchmark of the scheduled-message sender: 10,000 runners' messages through the rate limiter.

Prints JSON. Everything is real except Telegram: an SQLite outbox is planned for 10,000 runners (all
due at the same minute: the worst case) plus coach groups whose digests are long (many messages to
one group), then the real ``Sender`` claims, composes, rate-limits and sends them to a fake Bot that
records timestamps and raises ``RetryAfter`` (HTTP 429) whenever a Telegram limit would be broken
(30 messages/s overall, 1/s per chat, 20/min per group).

Clock: the main run uses a *virtual clock* — an asyncio event loop whose ``time()`` jumps straight to
the next timer when nothing is ready — so the ~400 s of sending at 25 messages/s takes seconds of
wall time; database work costs no virtual time (``wall_s`` shows it keeps up). A short real-time
sample (``--realtime``, default 250 messages; use 2000 for the long check) runs on the normal loop
with real sleeping to confirm the virtual figures.

    python bench/bench_send.py [--runners 10000] [--groups 20] [--group-parts 25] [--realtime 250]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import selectors
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.error import RetryAfter

from bot.dialog.types import Reply
from bot.scheduling.planner import PlanConfig, plan
from bot.scheduling.ratelimit import RateLimiter
from bot.scheduling.sender import Sender, SenderConfig
from models import outbox
from models.db import make_engine, session_scope, upgrade
from models.tables import CoachGroup, Runner

START = datetime(2026, 3, 12, 18, 5, tzinfo=UTC)  # everyone's message (18:00 London) is due


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on virtual time: when it would sleep until the next timer, it jumps there instead.
    Real I/O (thread results via the self-pipe) is still waited for when there is no timer."""

    def __init__(self) -> None:
        super().__init__(selectors.DefaultSelector())
        self._now = 0.0
        real = self._selector  # type: ignore[attr-defined]
        real_select = real.select

        def select(timeout: float | None = None) -> Any:
            if timeout is None:
                return real_select(None)
            ready = real_select(0)
            if not ready and timeout > 0:
                self._now += timeout
            return ready

        real.select = select

    def time(self) -> float:
        return self._now


class FakeTelegram:
    """Records send times; answers 429 (RetryAfter) when a message would break a Telegram limit."""

    def __init__(self, clock: Any, overall: int = 30, group_per_min: int = 20) -> None:
        self.clock = clock
        self.overall, self.group_per_min = overall, group_per_min
        self.recent: deque[float] = deque()
        self.last: dict[int, float] = {}
        self.groups: dict[int, deque[float]] = {}
        self.times: list[float] = []
        self.private_times: list[float] = []
        self.too_many = 0
        self.max_overall = 0
        self.max_group = 0

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Any:
        t = self.clock()
        while self.recent and self.recent[0] <= t - 1.0:
            self.recent.popleft()
        window = self.groups.setdefault(chat_id, deque()) if chat_id < 0 else None
        if window is not None:
            while window and window[0] <= t - 60.0:
                window.popleft()
        if (len(self.recent) >= self.overall or t - self.last.get(chat_id, -1e9) < 1.0 - 1e-9
                or (window is not None and len(window) >= self.group_per_min)):
            self.too_many += 1
            raise RetryAfter(timedelta(seconds=1))
        self.recent.append(t)
        self.last[chat_id] = t
        self.times.append(t)
        if chat_id > 0:
            self.private_times.append(t)
        self.max_overall = max(self.max_overall, len(self.recent))
        if window is not None:
            window.append(t)
            self.max_group = max(self.max_group, len(window))
        return SimpleNamespace(message_id=len(self.times))


def seed(url: str, runners: int, groups: int) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        s.add_all([Runner(external_id=f"tg:{i}", chat_id=1_000_000 + i, time_zone="Europe/London",
                          morning_time="18:00", evening_time="23:00") for i in range(runners)])
        s.add_all([CoachGroup(chat_id=-1_000_000_000 - i, title=f"club {i}") for i in range(groups)])
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        first = plan(s, START, PlanConfig(default_time_zone="Europe/London"))
    plan_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        again = plan(s, START + timedelta(seconds=25), PlanConfig(default_time_zone="Europe/London"))
    replan_s = time.perf_counter() - t0
    engine.dispose()
    return {"plan_first_s": round(plan_s, 3), "plan_rows": first.inserted,
            "plan_again_s": round(replan_s, 3), "plan_again_inserted": again.inserted}


async def drain(url: str, clock: Any, sleep: Any, group_parts: int) -> dict[str, Any]:
    engine = make_engine(url)
    fake = FakeTelegram(clock)
    base = START

    def composer(_s: Any, row: Any) -> list[Reply]:
        n = group_parts if row.target_kind == "group" else 1
        return [Reply(text=f"{row.kind} {row.target_id} part {i}") for i in range(n)]

    limiter = RateLimiter(clock=clock, sleep=sleep)
    sender = Sender(engine, fake, composer, clock=lambda: base + timedelta(seconds=clock()), limiter=limiter,
                    worker_id="bench", config=SenderConfig(batch_size=50, concurrency=16, lease=timedelta(minutes=5)),
                    gates={})
    wall0, t0 = time.perf_counter(), clock()
    totals = {"claimed": 0, "sent": 0, "rate_limited": 0, "failed": 0}
    while True:
        report = await sender.send_due()
        for k in totals:
            totals[k] += getattr(report, k)
        now = base + timedelta(seconds=clock())
        with session_scope(engine) as s:
            left = [r for r in outbox.rows(s, status=("pending", "claimed")) if r.due_at <= now]
        if not left:
            break
        nxt = min((r.next_attempt_at or r.due_at) for r in left)
        await sleep(max(0.01, (nxt - now).total_seconds()))
    duration = clock() - t0
    wall = time.perf_counter() - wall0
    with session_scope(engine) as s:
        statuses: dict[str, int] = {}
        for r in outbox.rows(s):
            if r.due_at <= base:
                statuses[r.status] = statuses.get(r.status, 0) + 1
    engine.dispose()
    sent = len(fake.times)
    p = fake.private_times
    span = (p[-1] - p[0]) if len(p) > 1 else 0.0
    return {
        "messages": sent, "rows": totals, "duration_s": round(duration, 2),
        "messages_per_s": round(sent / duration, 2) if duration else None,
        "private_messages": len(p), "private_span_s": round(span, 2),
        "private_messages_per_s": round((len(p) - 1) / span, 2) if span else None,
        "http_429": fake.too_many, "max_messages_in_any_1s": fake.max_overall,
        "max_group_messages_in_any_60s": fake.max_group, "limiter_waited_s": round(limiter.waited_s, 1),
        "wall_s": round(wall, 2), "row_statuses": statuses,
    }


def run_virtual(runners: int, groups: int, group_parts: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        planning = seed(url, runners, groups)
        loop = VirtualTimeLoop()
        try:
            result = loop.run_until_complete(drain(url, loop.time, asyncio.sleep, group_parts))
        finally:
            loop.close()
    return {"clock": "virtual", "runners": runners, "groups": groups, "group_parts": group_parts,
            **planning, **result}


def run_realtime(runners: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        seed(url, runners, 0)
        t0 = time.monotonic()
        result = asyncio.run(drain(url, lambda: time.monotonic() - t0, asyncio.sleep, 1))
    return {"clock": "real", "runners": runners, **result}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runners", type=int, default=10_000)
    ap.add_argument("--groups", type=int, default=20)
    ap.add_argument("--group-parts", type=int, default=25, help="messages per group digest (exercises 20/min)")
    ap.add_argument("--realtime", type=int, default=250, help="messages in the real-time sample (0 = skip)")
    args = ap.parse_args()
    out: dict[str, Any] = {"virtual": run_virtual(args.runners, args.groups, args.group_parts)}
    if args.realtime:
        out["realtime_sample"] = run_realtime(args.realtime)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
