"""Import speed benchmark; prints one JSON object.

In one process: the largest real FIT run (FR920XT, 16.8 km, 114 min moving / 144 min elapsed) decoded by
fitparse (iterate every message, read every value) versus our full import (decode + summary), warm,
median of N runs; plus the import of a generated 2,000-row Garmin Connect ``Activities.csv``.
Targets: ours >= 10x faster than fitparse's decode alone, < 100 ms for the run, CSV < 1 s.
Prints ``{"skipped": ...}`` when the shared data folder is absent.
"""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.importers import import_file  # noqa: E402

SHARED = Path(os.environ.get("RUNCOACH_SHARED_DATA", ROOT.parent / "shared" / "data"))
FIT_RUN = SHARED / "activity-files" / "fit" / "running" / "fr920xt_run_16.8km.fit"
REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))


def _median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _fitparse_decode(data: bytes) -> int:
    import fitparse

    count = 0
    for message in fitparse.FitFile(io.BytesIO(data)).get_messages():
        for field in message.fields:
            _ = field.value
            count += 1
    return count


def garmin_csv(rows: int = 2000) -> bytes:
    """A Garmin Connect Activities.csv with ``rows`` runs, walks and rides."""
    header = ["Activity Type", "Date", "Title", "Distance", "Calories", "Time", "Avg HR", "Max HR",
              "Total Ascent", "Moving Time", "Elapsed Time"]
    kinds = [("Running", 10.0, 330), ("Walking", 4.0, 720), ("Cycling", 30.0, 120)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    start = datetime(2019, 1, 1, 7, 0)
    for i in range(rows):
        kind, km, s_per_km = kinds[i % 3]
        dist = km * (0.5 + (i % 7) / 7)
        secs = int(dist * s_per_km)
        hms = f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
        when = (start + timedelta(hours=13 * i)).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([kind, when, f"{kind} {i}", f"{dist:.2f}", "500", hms, "145", "170", "--", hms, hms])
    return out.getvalue().encode()


def main() -> None:
    if not FIT_RUN.is_file():
        print(json.dumps({"skipped": f"shared data not found at {SHARED}"}))
        return
    data = FIT_RUN.read_bytes()
    result: dict[str, object] = {"fit_file": FIT_RUN.name, "fit_bytes": len(data), "repeats": REPEATS}
    ours = _median_ms(lambda: import_file(FIT_RUN.name, data))
    result["ours_full_import_ms"] = round(ours, 1)
    try:
        theirs = _median_ms(lambda: _fitparse_decode(data), repeats=max(3, REPEATS // 2))
        result["fitparse_decode_ms"] = round(theirs, 1)
        result["speedup_vs_fitparse"] = round(theirs / ours, 1)
    except ImportError:
        result["fitparse_decode_ms"] = None
    table = garmin_csv()
    (csv_result,) = import_file("Activities.csv", table)
    result["csv_rows"] = 2000
    result["csv_imported"] = len(csv_result.activities)
    result["csv_import_ms"] = round(_median_ms(lambda: import_file("Activities.csv", table), 3), 1)
    result["targets_met"] = {
        "speedup_10x": bool(result.get("speedup_vs_fitparse", 0) and result["speedup_vs_fitparse"] >= 10),
        "fit_under_100ms": ours < 100,
        "csv_under_1s": result["csv_import_ms"] < 1000,  # type: ignore[operator]
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
