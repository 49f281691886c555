"""CPU per message of the dialog alone (no Telegram, no HTTP): what each message of bench_load's script costs.

    python bench/bench_dialog.py [--runners 300] [--script mixed]

Prints one JSON document. The real ``Dialog`` on a fresh SQLite database (WAL, as deployed); each simulated
runner sends "hi" and then two consecutive messages of the script from a random place, as in
``bench/bench_load.py``. For every message: the thread CPU time of ``Dialog.handle`` (``time.thread_time``:
the database work, the engine, the templates), summarised per message text (mean, median, p95) and
overall. The load benchmark's bot process adds python-telegram-bot and HTTP to this.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_load import SCRIPTS, percentile
from bot.dialog.core import Dialog
from bot.dialog.types import Identity, Incoming
from models.db import make_engine, upgrade


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=300)
    parser.add_argument("--script", choices=sorted(SCRIPTS), default="mixed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    script = SCRIPTS[args.script]
    cost: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="rc-dialog-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'dialog.db'}"
        upgrade(url)
        engine = make_engine(url)
        dialog = Dialog(engine, default_time_zone="Europe/London")

        def chat(uid: int, texts: list[str], record: bool) -> None:
            identity = Identity(external_id=f"tg:{uid}", name=f"R{uid}", chat_id=uid)
            for text in texts:
                began = time.thread_time()
                dialog.handle(identity, Incoming(text=text))
                if record:
                    cost.setdefault(text, []).append((time.thread_time() - began) * 1000)

        chat(1, ["hi", *script], record=False)  # warm: classifier, templates, engine imports
        rng = random.Random(args.seed)
        for i in range(args.runners):
            start = rng.randrange(len(script))
            chat(1000 + i, ["hi", script[start], script[(start + 1) % len(script)]], record=True)
        engine.dispose()
    every = [c for values in cost.values() for c in values]
    out: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "runners": args.runners, "script": args.script, "messages": len(every),
        "mean_cpu_ms": round(statistics.mean(every), 2),
        "per_message": [
            {"text": text, "n": len(values), "mean_cpu_ms": round(statistics.mean(values), 2),
             "median_cpu_ms": round(statistics.median(values), 2), "p95_cpu_ms": round(percentile(values, 95), 2)}
            for text, values in sorted(cost.items(), key=lambda kv: -statistics.mean(kv[1]))
        ],
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
