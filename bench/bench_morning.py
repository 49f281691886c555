"""Preparing 10,000 runners' morning messages (engine and templates, not sending).

Builds a SQLite database of N runners with H days of realistic history (runs with RPE and HR,
daily check-ins), then measures in one process run:

* ``load_histories``: reading the histories of the batch (rows and the engine's frames) from SQLite;
* ``batch_engine_templates``: the scheduler's batch path with histories already in memory:
  one engine pass for all runners (``coaching.risk.assess_batch``), then per runner the policy,
  the feedback model and the Jinja2 template: the figure the target (>= 1,000/s) is about;
* ``batch_engine_templates_parallel``: the same in ``--processes`` sender processes at once (default:
  one per core), as several ``runcoach scheduler`` processes share a morning's batches: each loads its
  share, then all compose together; runners / wall time of the composing;
* ``batch_full``: the same including loading the histories from the database and storing each
  runner's recommendation (what ``compose_many`` does in production);
* ``one_by_one``: the per-runner path the chat uses (``morning_replies``), on a sample, as the
  baseline the batch path is compared with.

Prints one JSON object. Usage: ``python bench/bench_morning.py [--runners 10000] [--days 120]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.services import coach  # noqa: E402
from bot.services.morning import morning_many, morning_replies  # noqa: E402
from models.db import make_engine, session_scope, upgrade  # noqa: E402
from models.tables import Activity, CheckIn, Runner  # noqa: E402
from prompts import render  # noqa: E402

TODAY = date(2026, 3, 12)


def build(url: str, runners: int, days: int, seed: int = 7) -> None:
    """Bulk-insert runners with history (Core inserts: minutes would go on the ORM otherwise)."""
    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Runner), [
            {"external_id": f"bench:{i}", "name": f"Runner {i}", "time_zone": "Europe/London", "morning_time": "07:00",
             "evening_time": "20:00", "paused": False, "active": True, "chat_id": 10_000 + i,
             "experience": rng.choice(("novice", "intermediate", "advanced")), "sex": rng.choice(("f", "m")),
             "hr_max": rng.randint(175, 200), "hr_rest": rng.randint(42, 62), "created_at": datetime.now(UTC),
             "goal_kind": "race", "goal_distance_m": rng.choice((10000.0, 21097.5, 42195.0)),
             "goal_date": TODAY + timedelta(days=rng.randint(20, 120))}
            for i in range(runners)])
        ids = [r[0] for r in conn.exec_driver_sql("select id from runner order by id")]
        acts, chks = [], []
        for rid in ids:
            pace = rng.uniform(270, 420)
            for back in range(days, 0, -1):
                day = TODAY - timedelta(days=back)
                if rng.random() < 0.55:
                    km = rng.choice((5, 6, 8, 10, 12, 16)) * rng.uniform(0.9, 1.1)
                    start = datetime.combine(day, dtime(7, 0), UTC)
                    acts.append({"runner_id": rid, "start_time": start, "local_date": day, "sport": "running",
                                 "origin": "chat", "distance_m": km * 1000, "moving_time_s": km * pace,
                                 "elapsed_time_s": km * pace + 60, "rpe": rng.choice((3, 4, 5, 7)),
                                 "avg_hr": rng.randint(130, 165), "fingerprint": f"b{rid}-{back}",
                                 "created_at": start})
                if rng.random() < 0.7:
                    chks.append({"runner_id": rid, "local_date": day, "hrv_ms": rng.gauss(55, 8),
                                 "rhr_bpm": rng.gauss(52, 3), "sleep_h": rng.uniform(5.5, 8.5),
                                 "fatigue": rng.randint(1, 4), "soreness": rng.randint(1, 4),
                                 "stress": rng.randint(1, 4), "mood": rng.randint(2, 5),
                                 "updated_at": datetime.now(UTC)})
        for i in range(0, len(acts), 20_000):
            conn.execute(insert(Activity), acts[i:i + 20_000])
        for i in range(0, len(chks), 20_000):
            conn.execute(insert(CheckIn), chks[i:i + 20_000])
    engine.dispose()


def compose_batches(batches: list[coach.Batch]) -> None:
    """Engine and templates for loaded batches: one engine pass per batch, then each runner's message."""
    for batch in batches:
        profiles = {h.runner.id: coach.profile_of(h.runner) for h in batch.histories}
        assessments = coach.assess_batch(batch.sessions, batch.checkins, profiles, coach.pd.Timestamp(TODAY),
                                         runner_ids=list(profiles))
        for h in batch.histories:
            advice = coach.decide(h, assessments[h.runner.id], TODAY)
            render("coach/today", html=True, p=advice.to_json(), runner=h.runner, day=TODAY, morning=True,
                   is_today=True)


def _load(engine: Any, ids: list[int], chunk: int) -> list[coach.Batch]:
    with session_scope(engine) as s:
        runners = list(s.exec(select(Runner).where(Runner.id.in_(ids)).order_by(Runner.id)))
        return [coach.load_batch(s, runners[i:i + chunk], TODAY) for i in range(0, len(runners), chunk)]


def prepare(url: str, ids: list[int], chunk: int, days: int) -> tuple[float, tuple[float, float]]:
    """Load and compose batch by batch (one in memory at a time); (load seconds, (first, last) compose time)."""
    coach.HISTORY_DAYS = days  # the generated history is all there is
    engine = make_engine(url)
    load_s = engine_s = 0.0
    for i in range(0, len(ids), chunk):
        t0 = time.perf_counter()
        batches = _load(engine, ids[i:i + chunk], chunk)
        t1 = time.perf_counter()
        compose_batches(batches)
        load_s += t1 - t0
        engine_s += time.perf_counter() - t1
        del batches
    engine.dispose()
    return load_s, (0.0, engine_s)


def prepare_parallel(url: str, ids: list[int], chunk: int, days: int, barrier: Any, results: Any) -> None:
    """One sender process: load its batches, wait for the others, compose; puts (start, end) on the shared
    clock into ``results``."""
    coach.HISTORY_DAYS = days
    engine = make_engine(url)
    batches = _load(engine, ids, chunk)
    barrier.wait()
    start = time.monotonic()  # CLOCK_MONOTONIC: the same clock in every process on Linux
    compose_batches(batches)
    results.put((start, time.monotonic()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runners", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--chunk", type=int, default=1_000)
    ap.add_argument("--sample", type=int, default=100, help="runners for the one-by-one baseline")
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                    help="parallel sender processes for the parallel figure (1: skip it)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-morning-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    t0 = time.perf_counter()
    build(url, args.runners, args.days)
    build_s = time.perf_counter() - t0
    engine = make_engine(url)
    coach.HISTORY_DAYS = args.days  # the generated history is all there is

    with session_scope(engine) as s:
        runners = list(s.exec(select(Runner).order_by(Runner.id)).all())
    ids = [r.id for r in runners]
    # engine + templates in this process, one batch in memory at a time as in the scheduler
    load_s, (start, end) = prepare(url, ids, args.chunk, args.days)
    engine_s = end - start
    # the same in parallel sender processes (as several ``runcoach scheduler`` processes share the day's
    # batches): each loads its share of batches, then all compose at once; wall time of the composing
    workers = []
    if args.processes > 1:
        ctx = multiprocessing.get_context("spawn")
        barrier, results = ctx.Barrier(args.processes), ctx.Queue()
        procs = [ctx.Process(target=prepare_parallel, args=(url, ids[i::args.processes], args.chunk, args.days,
                                                            barrier, results)) for i in range(args.processes)]
        for proc in procs:
            proc.start()
        workers = [results.get(timeout=1800) for _ in procs]
        for proc in procs:
            proc.join()
    parallel_s = max(w[1] for w in workers) - min(w[0] for w in workers) if workers else None
    # full batch path: load + engine + templates + store
    t0 = time.perf_counter()
    sent = 0
    for i in range(0, len(runners), args.chunk):
        with session_scope(engine) as s:
            chunk = list(s.exec(select(Runner).where(Runner.id.in_([r.id for r in runners[i:i + args.chunk]]))))
            sent += len(morning_many(s, chunk, TODAY))
    full_s = time.perf_counter() - t0
    # baseline: one by one
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        for r in s.exec(select(Runner).order_by(Runner.id).limit(args.sample)).all():
            morning_replies(s, r, TODAY)
    single_s = time.perf_counter() - t0
    print(json.dumps({
        "runners": args.runners, "history_days": args.days, "chunk": args.chunk, "build_db_s": round(build_s, 1),
        "load_histories": {"seconds": round(load_s, 2), "per_s": round(args.runners / load_s)},
        "batch_engine_templates": {"seconds": round(engine_s, 2), "per_s": round(args.runners / engine_s)},
        "batch_engine_templates_parallel": None if parallel_s is None else {
            "processes": args.processes, "seconds": round(parallel_s, 2), "per_s": round(args.runners / parallel_s)},
        "batch_full": {"seconds": round(full_s, 2), "per_s": round(sent / full_s), "messages": sent},
        "one_by_one": {"runners": args.sample, "per_s": round(args.sample / single_s, 1),
                       "ms_each": round(single_s / args.sample * 1000, 1)},
        "target_per_s": 1000,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }, indent=2))


if __name__ == "__main__":
    main()
