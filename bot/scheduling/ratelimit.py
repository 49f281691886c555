"""Telegram's sending limits, enforced before each API call.

Three sliding limits (Bot API FAQ figures, with head-room): about 30 messages/s overall (we use 25),
1 message/s per chat, 20 messages/min per group chat (negative chat ids). A RetryAfter from Telegram
holds the chat (or everything) for the time it asks.

The limiter takes a ``clock`` (seconds, monotonic) and an async ``sleep`` so tests and the bench
run on virtual time. It is per process: with N sender processes give each ``overall_per_s / N``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

OVERALL_PER_S = 25
PER_CHAT_INTERVAL_S = 1.0
GROUP_PER_MIN = 20


def is_group(chat_id: int) -> bool:
    """Groups and supergroups have negative ids; private chats positive."""
    return chat_id < 0


class RateLimiter:
    """Waits until a message to ``chat_id`` fits every limit, then records it."""

    def __init__(self, *, overall_per_s: float = OVERALL_PER_S, per_chat_interval_s: float = PER_CHAT_INTERVAL_S,
                 group_per_min: int = GROUP_PER_MIN, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.overall = max(1, int(overall_per_s))
        self.per_chat = per_chat_interval_s
        self.group_per_min = group_per_min
        self.clock = clock
        self.sleep = sleep
        self._recent: deque[float] = deque()  # send times within the last second
        self._chat_next: dict[int, float] = {}  # earliest next send per chat
        self._group_recent: dict[int, deque[float]] = {}  # send times within the last minute per group
        self._hold_all_until = 0.0
        self.waited_s = 0.0
        self.sent = 0

    def delay(self, chat_id: int, now: float | None = None) -> float:
        """Seconds until a message to ``chat_id`` may go (0 when it may go now)."""
        now = self.clock() if now is None else now
        wait = max(0.0, self._hold_all_until - now, self._chat_next.get(chat_id, 0.0) - now)
        recent = self._recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.overall:
            wait = max(wait, recent[len(recent) - self.overall] + 1.0 - now)
        if is_group(chat_id):
            window = self._group_recent.get(chat_id)
            if window:
                while window and window[0] <= now - 60.0:
                    window.popleft()
                if len(window) >= self.group_per_min:
                    wait = max(wait, window[len(window) - self.group_per_min] + 60.0 - now)
        return wait

    def record(self, chat_id: int, now: float | None = None) -> None:
        """Count a message to ``chat_id`` sent at ``now``."""
        now = self.clock() if now is None else now
        self._recent.append(now)
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + self.per_chat)
        if is_group(chat_id):
            self._group_recent.setdefault(chat_id, deque()).append(now)
        self.sent += 1
        if len(self._chat_next) > 4096:
            self._prune(now)

    async def acquire(self, chat_id: int) -> float:
        """Wait (via ``sleep``) until ``chat_id`` may receive a message, record it; returns seconds waited."""
        waited = 0.0
        while True:
            now = self.clock()
            wait = self.delay(chat_id, now)
            if wait <= 0:
                self.record(chat_id, now)
                self.waited_s += waited
                return waited
            await self.sleep(wait)
            waited += wait

    def hold(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said RetryAfter: nothing to ``chat_id`` (or to anyone, when None) for ``seconds``."""
        until = self.clock() + max(0.0, seconds)
        if chat_id is None:
            self._hold_all_until = max(self._hold_all_until, until)
        else:
            self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)

    def _prune(self, now: float) -> None:
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        self._group_recent = {c: w for c, w in self._group_recent.items() if w and w[-1] > now - 60.0}


def unlimited() -> RateLimiter:
    """A limiter that never waits (tests that are not about rate limits)."""
    return RateLimiter(overall_per_s=10**9, per_chat_interval_s=0.0, group_per_min=10**9)
