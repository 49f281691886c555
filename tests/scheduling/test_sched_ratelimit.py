"""The rate limiter on a fake clock: no wall-clock sleeping."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.scheduling.ratelimit import RateLimiter, is_group


class VirtualTime:
    """A clock in seconds; ``sleep`` advances it and records the request."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


def limiter(vt: VirtualTime, **kw: float) -> RateLimiter:
    return RateLimiter(clock=vt, sleep=vt.sleep, **kw)  # type: ignore[arg-type]


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


async def test_overall_rate_is_capped(vt: VirtualTime) -> None:
    lim = limiter(vt, overall_per_s=25)
    stamps = []
    for chat in range(1, 201):  # 200 different private chats
        await lim.acquire(chat)
        stamps.append(vt())
    assert max_in_window(stamps, 1.0) == 25
    assert stamps[-1] - stamps[0] == pytest.approx(7.0, abs=0.05)  # 200 messages at 25/s
    assert stamps[24] == stamps[0]  # the first 25 go at once


async def test_one_message_per_second_per_chat(vt: VirtualTime) -> None:
    lim = limiter(vt)
    stamps = []
    for _ in range(5):
        await lim.acquire(42)
        stamps.append(vt())
    assert [round(b - a, 6) for a, b in itertools.pairwise(stamps)] == [1.0] * 4
    # another chat is not held up by chat 42
    assert lim.delay(43) == 0


async def test_group_limit_twenty_per_minute(vt: VirtualTime) -> None:
    lim = limiter(vt)
    stamps = []
    for _ in range(45):
        await lim.acquire(-100500)
        stamps.append(vt())
    assert is_group(-100500)
    assert max_in_window(stamps, 60.0) == 20
    assert min(b - a for a, b in itertools.pairwise(stamps)) >= 1.0 - 1e-9
    assert stamps[20] - stamps[0] == pytest.approx(60.0)


async def test_hold_after_retry_after(vt: VirtualTime) -> None:
    lim = limiter(vt)
    lim.hold(7, 12.0)
    assert lim.delay(7) == pytest.approx(12.0)
    assert lim.delay(8) == 0
    waited = await lim.acquire(7)
    assert waited == pytest.approx(12.0)
    lim.hold(None, 3.0)
    assert lim.delay(9) == pytest.approx(3.0)


async def test_concurrent_acquirers_share_the_limits() -> None:
    """300 coroutines on virtual time: the overall and per-chat caps hold under concurrency."""
    now = {"t": 0.0}
    waiters: list[tuple[float, int, asyncio.Future[None]]] = []

    async def vsleep(seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters.append((now["t"] + seconds, len(waiters), fut))
        await fut

    lim = RateLimiter(overall_per_s=25, clock=lambda: now["t"], sleep=vsleep)
    stamps: list[tuple[int, float]] = []

    async def one(chat: int) -> None:
        await lim.acquire(chat)
        stamps.append((chat, now["t"]))

    tasks = [asyncio.create_task(one(c % 80 + 1)) for c in range(300)]
    for _ in range(100_000):
        for _ in range(3):
            await asyncio.sleep(0)
        pending = [t for t in tasks if not t.done()]
        if not pending:
            break
        live = [w for w in waiters if not w[2].done()]
        if len(live) == len(pending):  # everyone is asleep: advance virtual time to the earliest wake-up
            when, _, fut = min(live, key=lambda w: (w[0], w[1]))
            now["t"] = max(now["t"], when)
            fut.set_result(None)
    assert len(stamps) == 300
    assert max_in_window([t for _, t in stamps], 1.0) <= 25
    per_chat: dict[int, list[float]] = {}
    for chat, t in stamps:
        per_chat.setdefault(chat, []).append(t)
    for times in per_chat.values():
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(times))
    assert lim.sent == 300
