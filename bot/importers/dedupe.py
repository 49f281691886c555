"""Duplicate detection: exact fingerprints and the same activity arriving in two formats."""

from __future__ import annotations

from .model import FileResult, ImportedActivity

START_TOLERANCE_S = 120.0
DISTANCE_TOLERANCE = 0.03
ELAPSED_TOLERANCE = 0.05


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def same_activity(a: ImportedActivity, b: ImportedActivity) -> bool:
    """Starts within 2 min, distance within 3 % (or both unknown) and elapsed time within 5 %."""
    if abs((a.start_time - b.start_time).total_seconds()) > START_TOLERANCE_S:
        return False
    if (a.distance_m is None) != (b.distance_m is None):
        return False
    if a.distance_m is not None and b.distance_m is not None:
        if not _close(a.distance_m, b.distance_m, DISTANCE_TOLERANCE):
            return False
    return _close(a.elapsed_time_s, b.elapsed_time_s, ELAPSED_TOLERANCE)


def drop_duplicates(results: list[FileResult]) -> None:
    """Within one upload, keep the first copy of each activity; activity files win over CSV rows.

    Removed copies are counted in ``skipped`` and ``error_params['skipped_reasons']['duplicate']``.
    """
    buckets: dict[int, list[ImportedActivity]] = {}
    ordered = sorted(results, key=lambda r: any(a.source_format == "csv" for a in r.activities))
    for result in ordered:
        unique = []
        for activity in result.activities:
            key = int(activity.start_time.timestamp() // START_TOLERANCE_S)
            near = [o for k in (key - 1, key, key + 1) for o in buckets.get(k, [])]
            if any(o.sport == activity.sport and same_activity(activity, o) for o in near):
                result.skipped += 1
                reasons = result.error_params.setdefault("skipped_reasons", {})
                reasons["duplicate"] = reasons.get("duplicate", 0) + 1
                continue
            unique.append(activity)
            buckets.setdefault(key, []).append(activity)
        result.activities = unique
