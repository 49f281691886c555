"""Throughput of ``bot.nlu.parse`` on one core, warm.

    python bench/bench_parse.py [--seconds 5]

Prints JSON: one-off training time, messages/s over repeated passes of the corpus (wall clock, and
per CPU-second, which is robust to other processes sharing the machine), and p50/p99 per-message
latency in µs. Per-text caches are cleared before every pass so each message is
really parsed (the corpus texts are unique).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from bot.nlu import parse
    from bot.nlu.entities import normalise, scan
    from bot.nlu.intents import get_model, load_corpus

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    model = get_model()
    t_train = time.perf_counter() - t1

    texts = [r["text"] for r in load_corpus()]
    tz = ZoneInfo("Europe/London")
    now = datetime(2026, 3, 10, 9, 0, tzinfo=tz)
    for t in texts:  # warm-up pass
        parse(t, tz=tz, now=now)

    lat: list[int] = []
    n = 0
    cpu0 = time.process_time()
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        normalise.cache_clear()
        scan.cache_clear()
        for t in texts:
            a = time.perf_counter_ns()
            parse(t, tz=tz, now=now)
            lat.append(time.perf_counter_ns() - a)
        n += len(texts)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    lat.sort()
    print(json.dumps({
        "messages": n,
        "messages_per_s": round(n / elapsed),
        "messages_per_cpu_s": round(n / cpu),
        "loadavg_1min": round(os.getloadavg()[0], 2),
        "p50_us": round(statistics.median(lat) / 1000, 1),
        "p99_us": round(lat[int(0.99 * (len(lat) - 1))] / 1000, 1),
        "train_seconds": round(t_train, 3),
        "train_seconds_inside_model": round(model.train_seconds, 3),
        "import_seconds": round(t_import, 3),
        "corpus_size": len(texts),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
