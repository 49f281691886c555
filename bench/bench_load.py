"""Load benchmark: the real ``runcoach bot`` process vs the bare echo bot, driven by simulated runners.

    python bench/bench_load.py                       # 100 then 1,000 runners; coach (SQLite) and echo
    python bench/bench_load.py --pg postgresql://postgres@127.0.0.1:5432/test   # coach on PostgreSQL too
    python bench/bench_load.py --runners 100 --messages 4 --variants coach,coach-uncapped,echo

Prints one JSON document. In one process: the fake Telegram (tests/fakebot) on 127.0.0.1 with its FLOOD
LIMITS OFF (``Limits(flood=False)``), so what is measured is the bot, not Telegram's 30 msg/s; each variant
is started as a subprocess against it (the coach on a fresh, migrated database). N runners chat at once;
each sends a realistic sequence, waiting for the reply before the next message, like a person. Measured
per phase: updates/s (messages / wall time), reply latency p50/p95/p99 (the fake enqueues the update ->
the fake receives the reply), bot CPU seconds and peak RSS (/proc), and the bench's own CPU (it shares
the 2 cores). Every wait is bounded (--reply-timeout per reply, --phase-timeout per phase).

Variants: ``coach`` = ``python -m bot.cli bot`` exactly as deployed (AIORateLimiter at Telegram's ~30
replies/s overall; chats handled concurrently, each in order); ``coach-uncapped`` = the same command with
TELEGRAM_OVERALL_RATE=1000, i.e. without the overall reply cap, to measure the bot's own capacity the way
the fake's flood limits are off; ``coach-uncapped-httpx`` = the same with TELEGRAM_HTTP_CLIENT=httpx
(PTB's default HTTP client instead of the bot's aiohttp one); ``coach-uncapped-thread`` = the same with
DIALOG_ON_LOOP=false (every turn on the dialog thread, none on the event loop); ``echo`` =
bench/echo_bot.py (no database, no rate limiter, PTB's defaults: the floor).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import is_scheduled  # noqa: E402
from tests.fakebot import FakeTelegram, Limits, SentMessage  # noqa: E402

SCRIPTS = {
    # a runner's day: greetings, logs, check-ins, "what should I do today?", RPE, a race question
    "mixed": ["hi", "ran 5k in 25 min", "slept 7h hrv 55", "what should I do today?", "rpe 6",
              "yesterday easy 8 km in 46 min", "can I break 50 min in the 10k?", "ran 6 km in 33 min"],
    # only greetings: the coach's cheapest turn (find the runner, one template, commit), i.e. the ceiling
    # of this transport + storage stack whatever the engine costs
    "greetings": ["hi"],
}
SCRIPT = SCRIPTS["mixed"]
TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def proc_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    status = {k: v for k, _, v in (line.partition(":") for line in lines)}
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class ReplyRouter:
    """Watches what the bot sends and resolves each runner's pending wait (one reply per message)."""

    def __init__(self, fake: FakeTelegram, loop: asyncio.AbstractEventLoop) -> None:
        self.fake, self.loop = fake, loop
        self.pending: dict[int, tuple[float, asyncio.Future[float]]] = {}
        self.extra = 0
        self.scheduled = 0
        self._seen = len(fake.state.sent)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def expect(self, chat_id: int, injected_at: float) -> asyncio.Future[float]:
        future: asyncio.Future[float] = self.loop.create_future()
        with self.fake.state.lock:
            self.pending[chat_id] = (injected_at, future)
        return future

    def _run(self) -> None:
        state = self.fake.state
        while not self._stop.is_set():
            with state.changed:
                if len(state.sent) == self._seen:
                    state.changed.wait(0.05)
                new: list[SentMessage] = state.sent[self._seen:]
                self._seen += len(new)
                for message in new:
                    if is_scheduled(message):
                        self.scheduled += 1
                        continue
                    entry = self.pending.pop(message.chat_id, None)
                    if entry is None:
                        self.extra += 1
                        continue
                    injected, future = entry
                    latency = message.sent_at - injected
                    self.loop.call_soon_threadsafe(lambda f=future, v=latency: f.done() or f.set_result(v))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


async def run_phase(fake: FakeTelegram, router: ReplyRouter, users: list[Any], messages: int,
                    reply_timeout: float, phase_timeout: float, think_s: float, seed: int,
                    script: list[str] = SCRIPT) -> dict[str, Any]:
    latencies: list[float] = []
    lost = 0
    rng = random.Random(seed)

    async def runner(user: Any) -> None:
        nonlocal lost
        start = rng.randrange(len(script))
        for i in range(messages):
            text = script[(start + i) % len(script)] if i else "hi"
            injected = time.monotonic()
            future = router.expect(user.id, injected)
            fake.send_text(user, text)
            try:
                latencies.append(await asyncio.wait_for(future, reply_timeout))
            except TimeoutError:
                lost += 1
                with fake.state.lock:
                    router.pending.pop(user.id, None)
            if think_s:
                await asyncio.sleep(rng.uniform(0, 2 * think_s))

    began = time.monotonic()
    tasks = [asyncio.create_task(runner(u)) for u in users]
    _done, not_done = await asyncio.wait(tasks, timeout=phase_timeout)
    for task in not_done:
        task.cancel()
    wall = time.monotonic() - began
    return {"runners": len(users), "messages_per_runner": messages, "updates": len(users) * messages,
            "replies": len(latencies), "unanswered": lost + sum(messages for _ in not_done),
            "wall_s": round(wall, 2), "updates_per_s": round(len(latencies) / wall, 1),
            "latency_ms": {f"p{q}": round(percentile(latencies, q) * 1000, 1) for q in (50, 95, 99)},
            "latency_max_ms": round(max(latencies) * 1000, 1) if latencies else None}


#: The coach's variants: ``runcoach bot`` with these settings (see the module docstring).
UNCAPPED = {"TELEGRAM_OVERALL_RATE": "1000"}
COACH_VARIANTS: dict[str, dict[str, str]] = {
    "coach": {},
    "coach-uncapped": UNCAPPED,
    "coach-uncapped-thread": {**UNCAPPED, "DIALOG_ON_LOOP": "false"},
    "coach-uncapped-httpx": {**UNCAPPED, "TELEGRAM_HTTP_CLIENT": "httpx"},
}


def start_variant(variant: str, fake: FakeTelegram, db_url: str | None, workdir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **fake.env(), "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
           "DEFAULT_TIME_ZONE": "Europe/London"}
    if db_url:
        env["DATABASE_URL"] = db_url
    if variant == "echo":
        cmd = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
    elif variant in COACH_VARIANTS:
        cmd = [sys.executable, "-m", "bot.cli", "bot"]
        env.update(COACH_VARIANTS[variant])
    else:
        raise SystemExit(f"unknown variant {variant}")
    log = (workdir / f"{variant}.log").open("wb")
    return subprocess.Popen(cmd, env=env, cwd=workdir, stdout=log, stderr=log)


def fresh_db(kind: str, workdir: Path, pg: str | None) -> tuple[str, Any]:
    from models.db import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        upgrade(url)
        return url, None
    from tests.conftest import create_pg_database, drop_pg_database

    assert pg
    server = pg.replace("postgresql://", "postgresql+psycopg://", 1)
    url = create_pg_database(server)
    upgrade(url)
    return url, lambda: drop_pg_database(server, url)


async def bench_variant(variant: str, db_kind: str | None, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    fake = FakeTelegram(limits=Limits(flood=False)).start()
    cleanup = None
    proc = None
    router = None
    try:
        db_url = None
        if variant != "echo":
            db_url, cleanup = fresh_db(db_kind or "sqlite", workdir, args.pg)
        proc = start_variant(variant, fake, db_url, workdir)
        await asyncio.to_thread(fake.wait_for_requests, "getUpdates", 1, 90.0)
        router = ReplyRouter(fake, asyncio.get_running_loop())
        warm = fake.user("Warmup", id=1)
        warm_result = await run_phase(fake, router, [warm], 2, 60.0, 90.0, 0.0, 0)
        result: dict[str, Any] = {"variant": variant, "database": db_kind, "warmup": warm_result["replies"],
                                  "phases": []}
        next_id = 10_000
        for n in args.runners:
            users = [fake.user(f"R{next_id + i}", id=next_id + i) for i in range(n)]
            next_id += n
            cpu0, bench0 = proc_cpu_s(proc.pid), time.process_time()
            phase = await run_phase(fake, router, users, args.messages, args.reply_timeout, args.phase_timeout,
                                    args.think, n, SCRIPTS[args.script])
            phase["bot_cpu_s"] = round(proc_cpu_s(proc.pid) - cpu0, 2)
            phase["bench_cpu_s"] = round(time.process_time() - bench0, 2)
            rss, peak = proc_rss_mb(proc.pid)
            phase["bot_rss_mb"], phase["bot_peak_rss_mb"] = round(rss, 1), round(peak, 1)
            result["phases"].append(phase)
            print(json.dumps({"progress": variant, **phase}), file=sys.stderr, flush=True)
        result["extra_replies"] = router.extra
        result["scheduled_messages"] = router.scheduled
        result["count_429"] = fake.count_429
        return result
    finally:
        if router is not None:
            router.stop()
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        fake.stop()
        if cleanup is not None:
            cleanup()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                           "fake": {"flood_limits": False}, "script": args.script, "results": []}
    with tempfile.TemporaryDirectory(prefix="rc-bench-") as tmp:
        for variant in args.variants:
            kinds = ["sqlite"] + (["postgres"] if args.pg else []) if variant != "echo" else [None]
            for kind in kinds:
                workdir = Path(tmp) / f"{variant}-{kind}"
                workdir.mkdir()
                out["results"].append(await bench_variant(variant, kind, args, workdir))
    echo = next((r for r in out["results"] if r["variant"] == "echo"), None)
    if echo:
        for r in out["results"]:
            if r is echo:
                continue
            for phase, floor in zip(r["phases"], echo["phases"], strict=False):
                phase["p99_vs_echo"] = round(phase["latency_ms"]["p99"] / max(floor["latency_ms"]["p99"], 0.1), 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=lambda s: [int(x) for x in s.split(",")], default=[100, 1000])
    parser.add_argument("--messages", type=int, default=4, help="messages per runner per phase")
    parser.add_argument("--variants", type=lambda s: s.split(","), default=["coach", "echo"])
    parser.add_argument("--pg", help="also run the coach on PostgreSQL (server URL; a database is created)")
    parser.add_argument("--script", choices=sorted(SCRIPTS), default="mixed",
                        help="what the runners send (greetings: the cheapest turn only)")
    parser.add_argument("--think", type=float, default=0.0, help="mean think time between messages (s)")
    parser.add_argument("--reply-timeout", type=float, default=120.0)
    parser.add_argument("--phase-timeout", type=float, default=600.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
