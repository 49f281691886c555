"""Memory benchmark: the real ``runcoach bot`` over a SQLite database holding 10,000 runners with history.

    python bench/bench_memory.py [--runners 10000] [--days 56] [--talkers 20]

Bulk-inserts the runners (profile, goal) and, per runner, ``--days`` days of history (a run on about 5 days
of 7, a check-in every day), migrates with Alembic first; starts ``python -m bot.cli bot`` against it and
the fake Telegram (flood limits off); ``--talkers`` of those runners send a few messages each (waiting
for every reply); prints JSON with the bot's RSS after start and after the messages, and its peak RSS
(/proc VmHWM). Target: < 300 MB. All waits are bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.bench_load import proc_rss_mb  # noqa: E402
from models.db import make_engine, upgrade  # noqa: E402
from models.tables import Activity, CheckIn, Runner  # noqa: E402
from tests.fakebot import FakeTelegram, Limits  # noqa: E402

FIRST_ID = 50_000_000
MESSAGES = ["what should I do today?", "ran 6 km in 33 min", "slept 7h hrv 52", "can I break 50 min in the 10k?"]


def populate(url: str, runners: int, days: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    engine = make_engine(url)
    today = datetime.now(UTC).date()
    now = datetime.now(UTC)
    counts = {"runner": 0, "activity": 0, "checkin": 0}
    with engine.begin() as conn:
        conn.execute(insert(Runner.__table__), [  # type: ignore[attr-defined]
            {"id": i + 1, "external_id": f"tg:{FIRST_ID + i}", "chat_id": FIRST_ID + i, "name": f"R{i}",
             "created_at": now, "experience": rng.choice(["novice", "intermediate", "advanced"]),
             "weekly_km": rng.uniform(10, 70), "time_zone": "Europe/London", "morning_time": "07:00",
             "evening_time": "20:00", "paused": False, "active": True, "goal_kind": "race",
             "goal_distance_m": rng.choice([5000.0, 10000.0, 21097.5, 42195.0]),
             "goal_date": today + timedelta(days=rng.randint(30, 150)), "available_days": "mon,tue,thu,sat",
             "available_minutes": 60, "onboarding_step": "done"} for i in range(runners)])
        counts["runner"] = runners
        batch_a: list[dict[str, object]] = []
        batch_c: list[dict[str, object]] = []

        def flush() -> None:
            if batch_a:
                conn.execute(insert(Activity.__table__), batch_a)  # type: ignore[attr-defined]
            if batch_c:
                conn.execute(insert(CheckIn.__table__), batch_c)  # type: ignore[attr-defined]
            counts["activity"] += len(batch_a)
            counts["checkin"] += len(batch_c)
            batch_a.clear()
            batch_c.clear()

        for rid in range(1, runners + 1):
            pace = rng.uniform(260, 400)
            for back in range(days, 0, -1):
                day: date = today - timedelta(days=back)
                if rng.random() < 5 / 7:
                    km = rng.uniform(4, 18)
                    batch_a.append({"runner_id": rid, "start_time": datetime(day.year, day.month, day.day, 7,
                                                                             tzinfo=UTC),
                                    "local_date": day, "sport": "running", "origin": "chat", "distance_m": km * 1000,
                                    "moving_time_s": km * pace, "elapsed_time_s": km * pace + 60,
                                    "rpe": float(rng.randint(3, 8)), "avg_hr": rng.uniform(130, 165),
                                    "fingerprint": f"m{rid}-{back}", "created_at": now})
                batch_c.append({"runner_id": rid, "local_date": day, "sleep_h": rng.uniform(5, 9),
                                "hrv_ms": rng.uniform(35, 80), "rhr_bpm": rng.uniform(45, 65),
                                "fatigue": rng.randint(1, 5), "updated_at": now})
            if len(batch_a) > 20_000:
                flush()
        flush()
    engine.dispose()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=56)
    parser.add_argument("--talkers", type=int, default=20)
    args = parser.parse_args()
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="rc-mem-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'mem.db'}"
        upgrade(url)
        began = time.monotonic()
        out["rows"] = populate(url, args.runners, args.days)
        out["populate_s"] = round(time.monotonic() - began, 1)
        out["db_mb"] = round((Path(tmp) / "mem.db").stat().st_size / 1e6, 1)
        with FakeTelegram(limits=Limits(flood=False)) as fake:
            env = {**os.environ, **fake.env(), "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
            log = (Path(tmp) / "bot.log").open("wb")
            proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "bot"], env=env, cwd=tmp, stdout=log,
                                    stderr=log)
            try:
                fake.wait_for_requests("getUpdates", 1, timeout=120)
                time.sleep(8)  # let the warm-up and the first scheduler tick happen
                out["rss_after_start_mb"] = round(proc_rss_mb(proc.pid)[0], 1)
                answered = 0
                for i in range(args.talkers):
                    user = fake.user(f"R{i}", id=FIRST_ID + i * (args.runners // max(1, args.talkers)))
                    for text in MESSAGES:
                        before = len([m for m in fake.replies(user) if m.content])
                        fake.send_text(user, text)
                        fake.wait_for_replies(user, before + 1, timeout=60)
                        answered += 1
                out["messages_answered"] = answered
                rss, peak = proc_rss_mb(proc.pid)
                out["rss_after_messages_mb"], out["peak_rss_mb"] = round(rss, 1), round(peak, 1)
                out["target_mb"] = 300
                out["within_target"] = peak < 300
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
                log.close()
                out["bot_log_tail"] = (Path(tmp) / "bot.log").read_text(errors="replace").splitlines()[-3:]
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
