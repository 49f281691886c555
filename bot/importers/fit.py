"""FIT activity files -> :class:`ImportedActivity` (one per session; multisport transitions dropped).

Multisport (triathlon) files give one activity per sport session - swim, bike and run separately,
so the run counts as a run - and the transition sessions are left out.
Chained FIT files: every whole, checksum-valid activity part is imported; a damaged later part is
reported as skipped. A damaged first part (bad checksum, truncated) is an error: no partial activities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from .errors import BAD_TIMESTAMPS, NO_DATA, NOT_ACTIVITY, ImportFailure
from .fit_decode import FIT_EPOCH_S, RELATIVE_TIME_LIMIT, FitPart, decode
from .model import ImportedActivity, Lap
from .summary import Meta, Totals, Track, clean_hr, summarize

FILE_TYPE_ACTIVITY = 4
SEMICIRCLE_DEG = 180.0 / 2**31
MAX_LOCAL_OFFSET_S = 14 * 3600
_SPORTS = {1: "running", 2: "cycling", 5: "swimming", 11: "walking", 17: "hiking"}
_RUN_SUB = {1: "treadmill", 3: "trail", 45: "treadmill", 58: "treadmill"}
TRANSITION = 3


@dataclass
class FitImport:
    """Activities from one FIT byte stream, and how many chained parts were unusable."""

    activities: list[ImportedActivity] = field(default_factory=list)
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class _Options:
    tz: ZoneInfo
    hr_max: float | None
    hr_rest: float | None


def sport_name(sport: int | None, sub_sport: int | None) -> str | None:
    """Our sport for a FIT sport/sub_sport pair; None for multisport transitions."""
    if sport == TRANSITION:
        return None
    name = _SPORTS.get(sport if sport is not None else -1, "other")
    if name == "running":
        return _RUN_SUB.get(sub_sport if sub_sport is not None else -1, "running")
    return "walking" if name == "hiking" else name


@lru_cache(maxsize=1)
def _enums() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    from fitdecode import profile

    types = profile.FIELD_TYPES
    return types["manufacturer"].enum, types["garmin_product"].enum, types["file"].enum


def _source(part: FitPart) -> str:
    manufacturers, garmin_products, _ = _enums()
    file_id = part.messages.get("file_id", [{}])[0]
    creator = next((d for d in part.messages.get("device_info", []) if d.get("device_index") == 0), {})
    maker_id = file_id.get("manufacturer", creator.get("manufacturer"))
    maker = manufacturers.get(maker_id, "") if maker_id is not None else ""
    product = creator.get("product_name") or file_id.get("product_name")
    product_id = file_id.get("product", creator.get("product"))
    if not product and product_id is not None and maker in ("garmin", "dynastream", "dynastream_oem"):
        product = garmin_products.get(product_id)
    words = [maker.replace("_", " ").title(), str(product or "").replace("_", " ")]
    return " ".join(w for w in words if w) or "FIT file"


def _clock_base(part: FitPart, tz: ZoneInfo) -> float:
    """Seconds to add to raw FIT times to get unix time (handles FR70-style relative clocks)."""
    sessions = part.messages.get("session", [])
    ref = next((s.get("start_time") for s in sessions if s.get("start_time") is not None), None)
    if ref is None and len(part.records.get("timestamp", [])):
        ref = float(part.records["timestamp"][0])
    if ref is not None and ref >= RELATIVE_TIME_LIMIT:
        return float(FIT_EPOCH_S)
    activity = part.messages.get("activity", [{}])[0]
    local, raw = activity.get("local_timestamp"), activity.get("timestamp")
    if local is None or raw is None or local < RELATIVE_TIME_LIMIT:
        raise ImportFailure(BAD_TIMESTAMPS, format="fit")
    naive = datetime.fromtimestamp(local + FIT_EPOCH_S, tz=UTC).replace(tzinfo=None)  # wall clock
    offset = tz.utcoffset(naive)
    return float(local + FIT_EPOCH_S - (offset.total_seconds() if offset else 0.0) - raw)


def _utc_offset(part: FitPart) -> float | None:
    activity = part.messages.get("activity", [{}])[0]
    local, raw = activity.get("local_timestamp"), activity.get("timestamp")
    if local is None or raw is None or local < RELATIVE_TIME_LIMIT or raw < RELATIVE_TIME_LIMIT:
        return None
    offset = float(local - raw)
    return offset if abs(offset) <= MAX_LOCAL_OFFSET_S else None


def _hr(value: Any) -> float | None:
    return float(value) if value is not None and 25 <= value <= 250 else None


def _positive(value: Any) -> float | None:
    return float(value) if value is not None and value > 0 else None


def _totals(session: dict[str, Any], laps: list[Lap]) -> Totals:
    cadence = session.get("avg_cadence")
    if cadence is not None:
        cadence = float(cadence) + float(session.get("avg_fractional_cadence") or 0.0)
    return Totals(
        distance_m=_positive(session.get("total_distance")),
        elapsed_s=_positive(session.get("total_elapsed_time")),
        timer_s=_positive(session.get("total_timer_time")),
        ascent_m=session.get("total_ascent"),
        avg_hr=_hr(session.get("avg_heart_rate")),
        max_hr=_hr(session.get("max_heart_rate")),
        avg_cadence=_positive(cadence),
        laps=laps,
    )


def _laps(part: FitPart, base: float, lo: float, hi: float) -> list[Lap]:
    out = []
    for lap in part.messages.get("lap", []):
        start = lap.get("start_time")
        if start is None or not lo - 1 <= start + base <= hi + 1:
            continue
        out.append(Lap(
            start_time=datetime.fromtimestamp(start + base, tz=UTC),
            elapsed_time_s=float(lap.get("total_elapsed_time") or 0.0),
            distance_m=_positive(lap.get("total_distance")),
            avg_hr=_hr(lap.get("avg_heart_rate")),
        ))
    return out


def _track(part: FitPart, base: float, lo: float, hi: float) -> Track:
    rec = part.records
    t = rec.get("timestamp", np.zeros(0)) + base
    sel = (t >= lo - 1) & (t <= hi + 1)

    def col(*names: str) -> np.ndarray | None:
        for name in names:
            if name in rec and np.isfinite(rec[name][sel]).any():
                return rec[name][sel]
        return None

    lat, lon = col("position_lat"), col("position_long")
    cadence = col("cadence")
    frac = col("fractional_cadence")
    if cadence is not None and frac is not None:
        cadence = cadence + np.nan_to_num(frac)
    return Track(
        t=t[sel],
        distance=col("distance"),
        lat=None if lat is None else lat * SEMICIRCLE_DEG,
        lon=None if lon is None else lon * SEMICIRCLE_DEG,
        altitude=col("enhanced_altitude", "altitude"),
        hr=clean_hr(col("heart_rate")),
        cadence=cadence,
        recorded_distance_first=True,
    )


def _sessions(part: FitPart) -> list[dict[str, Any]]:
    sessions = part.messages.get("session", [])
    if sessions:
        return sessions
    times = part.records.get("timestamp", np.zeros(0))
    if len(times) < 2:
        raise ImportFailure(NO_DATA, format="fit")
    sport = part.messages.get("sport", [{}])[0]
    return [{"start_time": float(times[0]), "timestamp": float(times[-1]),
             "sport": sport.get("sport"), "sub_sport": sport.get("sub_sport")}]


def _part_activities(part: FitPart, opts: _Options) -> list[ImportedActivity]:
    base = _clock_base(part, opts.tz)
    source = _source(part)
    out = []
    for session in _sessions(part):
        sport = sport_name(session.get("sport"), session.get("sub_sport"))
        start = session.get("start_time")
        if sport is None or start is None:
            continue
        lo = start + base
        end = session.get("timestamp")
        hi = end + base if end is not None else lo + float(session.get("total_elapsed_time") or 0.0)
        meta = Meta(sport=sport, source=source, source_format="fit", tz=opts.tz,
                    utc_offset_s=_utc_offset(part), hr_max=opts.hr_max, hr_rest=opts.hr_rest)
        track = _track(part, base, lo, hi)
        if len(track.t) < 2:
            track = Track(t=np.array([lo, hi]))
        out.append(summarize(track, meta, _totals(session, _laps(part, base, lo, hi))))
    return out


def _file_type(part: FitPart) -> int | None:
    file_ids = part.messages.get("file_id")
    return None if not file_ids else file_ids[0].get("type")


def import_fit(data: bytes, *, tz: ZoneInfo, hr_max: float | None, hr_rest: float | None) -> FitImport:
    """All activities in a FIT byte stream; raises :class:`ImportFailure` when there are none."""
    stream = decode(data)
    if not stream.parts:
        assert stream.failure is not None
        raise stream.failure
    result = FitImport()
    if stream.failure is not None:
        result.skipped = 1
        result.skipped_reasons[stream.failure.code] = 1
    opts = _Options(tz, hr_max, hr_rest)
    for index, part in enumerate(stream.parts):
        kind = _file_type(part)
        if kind is None and index > 0:
            continue  # a chained part holding extra data (e.g. swim HR) without its own file_id
        if kind != FILE_TYPE_ACTIVITY:
            if index == 0:
                raise ImportFailure(NOT_ACTIVITY, kind=_enums()[2].get(kind or -1, "unknown"))
            continue
        result.activities.extend(_part_activities(part, opts))
    if not result.activities:
        raise ImportFailure(NO_DATA, format="fit")
    return result
