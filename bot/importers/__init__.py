"""Activity-file import: FIT, GPX, TCX, CSV history exports and ZIP archives of them.

``import_file`` never raises for bad input: every file (or ZIP member) gives a :class:`FileResult`
that either carries whole activities or an error code with parameters. Runner-facing sentences are
rendered from ``prompts/import/*.j2`` by :func:`error_message` and :func:`summary_message`.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from prompts import render

from . import archive
from .csv_exports import describe, import_csv
from .dedupe import drop_duplicates, same_activity
from .errors import (
    ALL_CODES,
    CORRUPT,
    EMPTY,
    NO_DATA,
    TOO_LARGE,
    UNSUPPORTED_FORMAT,
    ImportFailure,
)
from .fit import import_fit
from .gpx import import_gpx
from .model import RUN_SPORTS, ActivitySeries, FileResult, ImportedActivity, Lap
from .summary import Meta
from .tcx import import_tcx
from .xml_safety import root_name

__all__ = [
    "ALL_CODES",
    "MAX_UPLOAD_BYTES",
    "ActivitySeries",
    "FileResult",
    "ImportedActivity",
    "Lap",
    "error_message",
    "import_file",
    "same_activity",
    "summary_message",
    "to_json",
]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # Telegram getFile limit
UTC_ZONE = ZoneInfo("UTC")
log = logging.getLogger(__name__)


def _kind(name: str, data: bytes) -> str:
    """fit | gpx | tcx | csv from the bytes first, the file name second."""
    lower = name.lower()
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    if lower.endswith(".fit"):
        raise ImportFailure(CORRUPT, format="fit", reason="header")
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        root = (root_name(data.lstrip(b"\xef\xbb\xbf")) or "").lower()
        if root == "gpx" or (root != "trainingcenterdatabase" and lower.endswith(".gpx")):
            return "gpx"
        if root == "trainingcenterdatabase" or lower.endswith(".tcx"):
            return "tcx"
        raise ImportFailure(UNSUPPORTED_FORMAT, format="xml")
    if lower.endswith((".gpx", ".tcx")):
        raise ImportFailure(CORRUPT, format=lower[-3:], reason="xml")
    if lower.endswith((".csv", ".txt")) or _looks_like_text(data):
        return "csv"
    raise ImportFailure(UNSUPPORTED_FORMAT, format=lower.rsplit(".", 1)[-1] if "." in lower else None)


def _looks_like_text(data: bytes) -> bool:
    sample = data[:2048]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text and ("," in text or ";" in text or "\t" in text)


def _import_bytes(name: str, data: bytes, opts: dict[str, Any]) -> FileResult:
    if archive.is_gzip(data):
        data = archive.gunzip(data)
        name = name.removesuffix(".gz")
    if not data.strip():
        raise ImportFailure(EMPTY)
    kind = _kind(name, data)
    meta = Meta(sport="other", source="", source_format=kind, tz=opts["tz"], hr_max=opts["hr_max"],
                hr_rest=opts["hr_rest"])
    if kind == "fit":
        fit = import_fit(data, tz=opts["tz"], hr_max=opts["hr_max"], hr_rest=opts["hr_rest"])
        params = {"skipped_reasons": fit.skipped_reasons} if fit.skipped else {}
        return FileResult(name, True, fit.activities, None, params, fit.skipped)
    if kind == "gpx":
        return FileResult(name, True, [import_gpx(data, meta)], None, {})
    if kind == "tcx":
        return FileResult(name, True, import_tcx(data, meta), None, {})
    table = import_csv(data, tz=opts["tz"])
    return FileResult(name, True, table.activities, None, describe(table), sum(table.skipped.values()))


def _kind_of(name: str) -> str:
    """The file's extension only: file names can be personal and stay out of logs."""
    return name.rsplit(".", 1)[-1].lower()[:8] if "." in name else "unnamed"


def _import_one(name: str, data: bytes, opts: dict[str, Any]) -> FileResult:
    try:
        return _import_bytes(name, data, opts)
    except ImportFailure as exc:
        return FileResult(name, False, [], exc.code, exc.params)
    except (LookupError, UnicodeError):  # an XML declaration naming an unknown or wrong text encoding
        return FileResult(name, False, [], CORRUPT, {"reason": "encoding"})
    except Exception:  # a parser bug must not take the chat down; the file is reported as unreadable
        log.exception("unexpected error importing a %s file", _kind_of(name))
        return FileResult(name, False, [], CORRUPT, {"reason": "unexpected"})


def _import_zip(filename: str, data: bytes, opts: dict[str, Any]) -> list[FileResult]:
    try:
        members = list(archive.members(data))
    except ImportFailure as exc:
        return [FileResult(filename, False, [], exc.code, exc.params)]
    results = []
    for member in members:
        name = f"{filename}/{member.name}"
        if member.failure is not None or member.data is None:
            failure = member.failure or ImportFailure(CORRUPT, reason="zip")
            results.append(FileResult(name, False, [], failure.code, failure.params))
        else:
            results.append(_import_one(name, member.data, opts))
    if not results:
        return [FileResult(filename, False, [], NO_DATA, {"format": "zip"})]
    drop_duplicates(results)
    return results


def import_file(filename: str, data: bytes, *, tz: ZoneInfo = UTC_ZONE, hr_max: float | None = None,
                hr_rest: float | None = None) -> list[FileResult]:
    """One :class:`FileResult` per input file; a ZIP yields one per activity member."""
    if len(data) > MAX_UPLOAD_BYTES:
        params = {"size_mb": round(len(data) / 1024 / 1024, 1), "limit_mb": MAX_UPLOAD_BYTES // 1024 // 1024}
        return [FileResult(filename, False, [], TOO_LARGE, params)]
    opts = {"tz": tz, "hr_max": hr_max, "hr_rest": hr_rest}
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _import_zip(filename, data, opts)
    return [_import_one(filename, data, opts)]


# ---------------------------------------------------------------- messages


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1] if "/" in name else name


def error_message(result: FileResult) -> str:
    """The friendly, specific sentence for a failed file."""
    code = result.error if result.error in ALL_CODES else CORRUPT
    return render(f"import/error_{code}", file=_base(result.file), params=result.error_params)


def _activity_context(a: ImportedActivity) -> dict[str, Any]:
    pace = a.moving_time_s / (a.distance_m / 1000) if a.distance_m and a.moving_time_s else None
    return {"sport": a.sport, "distance_m": a.distance_m, "moving_time_s": a.moving_time_s,
            "elapsed_time_s": a.elapsed_time_s, "pace_s_per_km": pace if a.sport in RUN_SPORTS else None,
            "speed_kmh": a.distance_m / a.moving_time_s * 3.6 if a.distance_m and a.moving_time_s else None,
            "avg_hr": a.avg_hr, "max_hr": a.max_hr, "elevation_gain_m": a.elevation_gain_m,
            "best_efforts": sorted(a.best_efforts.items()), "local_date": a.local_date.isoformat(),
            "name": a.name, "source": a.source}


def summary_message(results: list[FileResult]) -> str:
    """Short chat summary: one activity in detail, or counts for a history export / many files."""
    activities = [a for r in results for a in r.activities]
    skipped: Counter[str] = Counter()
    for r in results:
        skipped.update(r.error_params.get("skipped_reasons", {}))
    failures = [{"file": _base(r.file), "message": error_message(r)} for r in results if not r.ok]
    by_sport = Counter(a.sport for a in activities)
    runs = [a for a in activities if a.sport in RUN_SPORTS]
    return render(
        "import/summary",
        activities=[_activity_context(a) for a in activities],
        single=_activity_context(activities[0]) if len(activities) == 1 else None,
        by_sport=dict(by_sport),
        run_count=len(runs),
        run_distance_m=sum(a.distance_m or 0.0 for a in runs),
        other_count=len(activities) - len(runs),
        skipped=dict(skipped),
        skipped_total=sum(skipped.values()),
        failures=failures,
    )


def to_json(result: FileResult) -> dict[str, Any]:
    """The machine-readable form of one result (CLI / API)."""
    if not result.ok:
        return {"file": result.file, "ok": False, "error": error_message(result)}
    return {"file": result.file, "ok": True, "activities": [_activity_json(a) for a in result.activities]}


def _activity_json(a: ImportedActivity) -> dict[str, Any]:
    return {
        "sport": a.sport,
        "start_time": a.start_time.astimezone(UTC_ZONE).isoformat().replace("+00:00", "Z"),
        "distance_m": a.distance_m,
        "moving_time_s": a.moving_time_s,
        "elapsed_time_s": a.elapsed_time_s,
        "avg_hr": a.avg_hr,
        "max_hr": a.max_hr,
        "elevation_gain_m": a.elevation_gain_m,
        "best_efforts": {str(k): v for k, v in sorted(a.best_efforts.items())},
    }
