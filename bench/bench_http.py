"""The bot's HTTP client: PTB's default httpx request vs RunCoach's aiohttp request, side by side.

    python bench/bench_http.py [--messages 3000] [--concurrency 1,8,32] [--rounds 3]

Prints one JSON document. The fake Telegram (tests/fakebot, flood limits off) runs in this process on
127.0.0.1; for each client and concurrency, a real ``telegram.Bot`` sends ``--messages`` sendMessage
calls (N in flight at once, like the bot answering N chats), and the bench reports messages/s and the
client's CPU per message: the CPU time of the client's own thread (``time.thread_time``), which excludes
the fake server's thread. Clients alternate within each round so machine noise hits both alike; the
JSON has every round and the median.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.transports.telegram.http_client import AiohttpRequest
from tests.fakebot import FakeTelegram, Limits

CLIENTS: dict[str, Any] = {
    "httpx (PTB default)": lambda pool: HTTPXRequest(connection_pool_size=pool),
    "aiohttp (RunCoach)": lambda pool: AiohttpRequest(connection_pool_size=pool),
}


async def one_run(fake: FakeTelegram, request: BaseRequest, chat_ids: list[int], messages: int,
                  concurrency: int) -> dict[str, float]:
    bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, request=request)
    async with bot:
        for chat in chat_ids[:concurrency]:  # warm: open the connections
            await bot.send_message(chat, "warm")
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(messages):
            queue.put_nowait(chat_ids[i % len(chat_ids)])

        async def worker() -> None:
            while not queue.empty():
                chat = queue.get_nowait()
                await bot.send_message(chat, "Today: easy run, 40 min at 5:40-6:10/km")

        cpu0, wall0 = time.thread_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
    return {"messages_per_s": round(messages / wall, 1), "client_cpu_ms_per_message": round(1000 * cpu / messages, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    fake = FakeTelegram(limits=Limits(flood=False)).start()
    try:
        chat_ids = [fake.user(f"R{i}", id=50_000 + i).id for i in range(64)]
        runs: dict[str, dict[int, list[dict[str, float]]]] = {c: {n: [] for n in args.concurrency} for c in CLIENTS}
        for _ in range(args.rounds):
            for n in args.concurrency:
                for name, make in CLIENTS.items():
                    runs[name][n].append(asyncio.run(one_run(fake, make(max(n, 1)), chat_ids, args.messages, n)))
    finally:
        fake.stop()
    out: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                           "messages": args.messages, "rounds": args.rounds, "results": []}
    for name, by_n in runs.items():
        for n, rounds in by_n.items():
            out["results"].append({
                "client": name, "concurrency": n,
                "median_messages_per_s": statistics.median(r["messages_per_s"] for r in rounds),
                "median_client_cpu_ms_per_message": statistics.median(r["client_cpu_ms_per_message"] for r in rounds),
                "rounds": rounds,
            })
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
