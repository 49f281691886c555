"""Storing imported activity files: one transaction per file, duplicates stored once."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlmodel import Session

from bot.importers import FileResult, ImportedActivity, import_file, same_activity
from models.queries import find_duplicate
from models.tables import Activity, Runner

SERIES_FIELDS = ("t_s", "distance_m", "speed_m_s", "hr_bpm", "altitude_m")


@dataclass(slots=True)
class StoredFile:
    """What became of one file: the importer's result and how many activities were new or repeats."""

    result: FileResult
    new: list[Activity] = field(default_factory=list)
    duplicates: int = 0


def pack_series(activity: ImportedActivity) -> bytes | None:
    """The 1 Hz series as a compressed ``.npz`` blob (float32), or None."""
    series = activity.series
    if series is None:
        return None
    buf = io.BytesIO()
    arrays = {name: np.asarray(getattr(series, name), dtype=np.float32) for name in SERIES_FIELDS}
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


def _row(runner_id: int, a: ImportedActivity, origin: str) -> Activity:
    laps: list[dict[str, Any]] = [
        {"start_time": lap.start_time.isoformat(), "elapsed_time_s": lap.elapsed_time_s,
         "distance_m": lap.distance_m, "avg_hr": lap.avg_hr}
        for lap in a.laps
    ]
    return Activity(
        runner_id=runner_id, start_time=a.start_time, local_date=a.local_date, sport=a.sport, name=a.name,
        origin=origin, source=(a.source or None) and a.source[:80], source_format=a.source_format,
        distance_m=a.distance_m, moving_time_s=a.moving_time_s, elapsed_time_s=a.elapsed_time_s,
        elevation_gain_m=a.elevation_gain_m, avg_hr=a.avg_hr, max_hr=a.max_hr, avg_cadence_spm=a.avg_cadence_spm,
        best_efforts={str(k): float(v) for k, v in a.best_efforts.items()}, laps=laps or None,
        time_in_zones_s=a.time_in_zones_s, series=pack_series(a), fingerprint=a.fingerprint(),
    )


def _is_duplicate(session: Session, runner_id: int, a: ImportedActivity, batch: list[ImportedActivity]) -> bool:
    fp = a.fingerprint()
    if any(b.fingerprint() == fp or same_activity(a, b) for b in batch):
        return True
    for row in find_duplicate(session, runner_id, fp, a.start_time):
        if row.fingerprint == fp or _row_matches(row, a):
            return True
    return False


def _row_matches(row: Activity, a: ImportedActivity) -> bool:
    """A stored activity is the same session when start, distance and duration agree (FIT vs GPX)."""
    if row.start_time is None or a.start_time is None:
        return False
    if abs((row.start_time - a.start_time).total_seconds()) > 180:
        return False
    if row.distance_m and a.distance_m:
        if abs(row.distance_m - a.distance_m) > 0.03 * max(row.distance_m, a.distance_m):
            return False
    if row.elapsed_time_s and a.elapsed_time_s:
        return abs(row.elapsed_time_s - a.elapsed_time_s) <= 0.05 * max(row.elapsed_time_s, a.elapsed_time_s)
    return True


def store_results(session: Session, runner: Runner, results: list[FileResult]) -> list[StoredFile]:
    """Store every activity of every good file; each file is all-or-nothing (a savepoint)."""
    assert runner.id is not None
    stored: list[StoredFile] = []
    for result in results:
        out = StoredFile(result=result)
        if result.ok:
            origin = "export" if result.file.lower().endswith(".csv") else "file"
            batch: list[ImportedActivity] = []
            with session.begin_nested():
                for a in result.activities:
                    if _is_duplicate(session, runner.id, a, batch):
                        out.duplicates += 1
                        continue
                    row = _row(runner.id, a, origin)
                    session.add(row)
                    batch.append(a)
                    out.new.append(row)
                session.flush()
        stored.append(out)
    return stored


def import_for_runner(session: Session, runner: Runner, filename: str, data: bytes,
                      tz: Any) -> list[StoredFile]:
    """Decode a file (or archive / export) and store what it holds for the runner."""
    results = import_file(filename, data, tz=tz, hr_max=runner.hr_max, hr_rest=runner.hr_rest)
    return store_results(session, runner, results)
