"""History exports as CSV: Strava ``activities.csv``, Garmin Connect ``Activities.csv`` (English,
German, Spanish or French headers) and a generic ``date, distance, duration[, avg HR]`` table.

Rows that cannot be believed are skipped and counted by reason: ``unreadable`` (no date or time),
``no_distance`` (0 m for a distance sport), ``implausible`` (e.g. 500 km in 3 minutes),
``duplicate`` (the same activity twice). Heart rates outside 25..250 bpm are dropped, not the row.
Strava's dates are UTC; Garmin's and generic dates are wall-clock times in the runner's zone.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from .errors import CORRUPT, NO_DATA, UNSUPPORTED_FORMAT, ImportFailure
from .model import ImportedActivity
from .summary import MAX_SPEED

MISSING = {"", "--", "-", "n/a", "na", "null", "none"}
DISTANCE_SPORTS = frozenset({"running", "trail", "treadmill", "walking", "cycling", "swimming"})
SWIM_METRES_ABOVE = 20.0  # Garmin lists swims in metres: "843" is 843 m, not 843 km

# canonical column -> header spellings (normalised: lower case, no accents)
_GARMIN: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"type": ("activity type",), "date": ("date",), "title": ("title",), "distance": ("distance",),
           "time": ("time",), "avg_hr": ("avg hr",), "max_hr": ("max hr",), "ascent": ("total ascent",),
           "moving": ("moving time",), "elapsed": ("elapsed time",)},
    "de": {"type": ("aktivitatstyp",), "date": ("datum",), "title": ("titel",), "distance": ("distanz",),
           "time": ("zeit",), "avg_hr": ("o herzfrequenz", "durchschnittliche herzfrequenz"),
           "max_hr": ("maximale herzfrequenz",), "ascent": ("anstieg gesamt", "positiver hohenunterschied"),
           "moving": ("zeit in bewegung",), "elapsed": ("verstrichene zeit",)},
    "es": {"type": ("tipo de actividad",), "date": ("fecha",), "title": ("titulo",),
           "distance": ("distancia",), "time": ("tiempo",), "avg_hr": ("frecuencia cardiaca media",),
           "max_hr": ("frecuencia cardiaca maxima",), "ascent": ("ascenso total",),
           "moving": ("tiempo en movimiento",), "elapsed": ("tiempo transcurrido",)},
    "fr": {"type": ("type d'activite",), "date": ("date",), "title": ("titre",), "distance": ("distance",),
           "time": ("temps", "duree"), "avg_hr": ("frequence cardiaque moyenne",),
           "max_hr": ("frequence cardiaque maximale",), "ascent": ("ascension totale",),
           "moving": ("temps de deplacement",), "elapsed": ("temps ecoule",)},
}
_GENERIC = {"date": ("date", "day", "start", "start time"), "distance": ("distance", "distance km", "km"),
            "duration": ("duration", "time", "elapsed", "moving time"),
            "avg_hr": ("avg hr", "average hr", "avg_hr", "hr", "heart rate"), "sport": ("sport", "type")}
_SPORT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("swimming", ("swim", "schwimm", "natacion", "natation", "nage")),
    ("trail", ("trail",)),
    ("treadmill", ("treadmill", "laufband", "cinta", "tapis", "virtual run", "indoor run")),
    ("running", ("run", "lauf", "carrera", "correr", "course a pied", "jogging")),
    ("walking", ("walk", "gehen", "caminar", "caminata", "marche", "hike", "hiking", "wander",
                 "senderismo", "randonnee")),
    ("cycling", ("cycl", "bike", "biking", "ride", "radfahren", "rad", "ciclismo", "velo")),
)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d.%m.%Y %H:%M:%S",
                 "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


@dataclass
class CsvImport:
    """Activities from a CSV export and the rows skipped, counted by reason."""

    activities: list[ImportedActivity] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    kind: str = "generic"


@dataclass
class _Row:
    sport: str
    start: datetime
    local: datetime
    elapsed: float | None
    moving: float | None
    distance: float | None
    avg_hr: float | None = None
    max_hr: float | None = None
    ascent: float | None = None
    name: str | None = None


# ---------------------------------------------------------------- value parsing


def norm(text: str) -> str:
    """Header/word normalised for matching: lower case, accents and ``Ø`` stripped, single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("Ø", "O").replace("ø", "o"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().lstrip("\ufeff")


def number(text: str | None, decimal_comma: bool = False) -> float | None:
    """Float from a localised number; None for ``--`` and blanks."""
    if text is None or norm(text) in MISSING:
        return None
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    raw = raw.replace(".", "").replace(",", ".") if decimal_comma else raw.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        return None


def duration(text: str | None) -> float | None:
    """Seconds from ``1:02:03``, ``41:20``, ``00:00:03.4`` or a plain number of seconds."""
    if text is None or norm(text) in MISSING:
        return None
    parts = text.strip().replace(",", ".").split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    if len(values) > 3:
        return None
    seconds = 0.0
    for value in values:
        seconds = seconds * 60 + value
    return seconds


def sport_from_text(text: str | None) -> str:
    """Our sport for an export's activity type in any of the supported languages."""
    word = norm(text or "")
    for sport, keys in _SPORT_WORDS:
        if any(re.search(rf"(^|[^a-z]){re.escape(k)}", word) for k in keys):
            return sport
    return "other"


def _local_time(text: str, tz: tzinfo) -> tuple[datetime, datetime] | None:
    for fmt in _DATE_FORMATS:
        try:
            naive = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        local = naive.replace(tzinfo=tz)
        return local.astimezone(UTC), local
    return None


def _strava_time(text: str, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    try:
        start = datetime.strptime(text.strip(), "%b %d, %Y, %I:%M:%S %p").replace(tzinfo=UTC)
    except ValueError:
        return _local_time(text, UTC)
    return start, start.astimezone(tz)


def _hr(value: float | None) -> float | None:
    return value if value is not None and 25 <= value <= 250 else None


# ---------------------------------------------------------------- formats


def _col(header: list[str], names: tuple[str, ...], nth: int = 0) -> int | None:
    hits = [i for i, h in enumerate(header) if h in names]
    return hits[nth] if len(hits) > nth else hits[0] if hits else None


def _get(row: list[str], index: int | None) -> str | None:
    return row[index] if index is not None and index < len(row) else None


def _strava_rows(header: list[str], rows: list[list[str]], tz: ZoneInfo) -> list[_Row | None]:
    """Strava repeats names: the 2nd ``Distance`` is metres, the 1st is km; ``Elapsed Time`` is seconds."""
    columns = (("date", "activity date"), ("type", "activity type"), ("name", "activity name"),
               ("moving", "moving time"), ("avg_hr", "average heart rate"), ("ascent", "elevation gain"))
    idx = {k: _col(header, (n,)) for k, n in columns}
    elapsed_i, max_hr_i = _col(header, ("elapsed time",)), _col(header, ("max heart rate",))
    dist_km_i, dist_m_i = _col(header, ("distance",)), _col(header, ("distance",), 1)
    out: list[_Row | None] = []
    for row in rows:
        when = _strava_time(_get(row, idx["date"]) or "", tz)
        metres = number(_get(row, dist_m_i)) if dist_m_i != dist_km_i else None
        if metres is None and (km := number(_get(row, dist_km_i))) is not None:
            metres = km * 1000
        elapsed = number(_get(row, elapsed_i))
        out.append(None if when is None else _Row(
            sport=sport_from_text(_get(row, idx["type"])), start=when[0], local=when[1],
            elapsed=elapsed, moving=number(_get(row, idx["moving"])) or elapsed, distance=metres,
            avg_hr=_hr(number(_get(row, idx["avg_hr"]))), max_hr=_hr(number(_get(row, max_hr_i))),
            ascent=number(_get(row, idx["ascent"])), name=_get(row, idx["name"]) or None))
    return out


def _garmin_language(header: list[str]) -> str | None:
    for lang, names in _GARMIN.items():
        if all(_col(header, names[k]) is not None for k in ("type", "date", "distance")):
            return lang
    return None


def _garmin_rows(header: list[str], rows: list[list[str]], lang: str, tz: ZoneInfo) -> list[_Row | None]:
    idx = {k: _col(header, v) for k, v in _GARMIN[lang].items()}
    comma = lang != "en"
    out: list[_Row | None] = []
    for row in rows:
        when = _local_time(_get(row, idx["date"]) or "", tz)
        sport = sport_from_text(_get(row, idx["type"]))
        dist = number(_get(row, idx["distance"]), comma)
        if dist is not None and not (sport == "swimming" and dist > SWIM_METRES_ABOVE):
            dist *= 1000
        timer = duration(_get(row, idx["time"]))
        elapsed = duration(_get(row, idx["elapsed"])) or timer
        out.append(None if when is None else _Row(
            sport=sport, start=when[0], local=when[1], elapsed=elapsed,
            moving=duration(_get(row, idx["moving"])) or timer, distance=dist,
            avg_hr=_hr(number(_get(row, idx["avg_hr"]), comma)),
            max_hr=_hr(number(_get(row, idx["max_hr"]), comma)),
            ascent=number(_get(row, idx["ascent"]), comma), name=_get(row, idx["title"]) or None))
    return out


def _generic_unit(header_raw: str) -> float:
    text = norm(header_raw)
    if re.search(r"\bmi(les)?\b", text):
        return 1609.344
    if re.search(r"\(m\)|\bmetres?\b|\bmeters?\b|_m$", text):
        return 1.0
    return 1000.0


def _generic_rows(raw_header: list[str], rows: list[list[str]], tz: ZoneInfo) -> list[_Row | None]:
    header = [re.sub(r"\s*[\(\[].*?[\)\]]|_(km|m|mi|s|min)$", "", h) for h in raw_header]
    idx = {k: _col(header, v) for k, v in _GENERIC.items()}
    unit = _generic_unit(raw_header[idx["distance"]]) if idx["distance"] is not None else 1000.0
    minutes = idx["duration"] is not None and "min" in norm(raw_header[idx["duration"]])
    out: list[_Row | None] = []
    for row in rows:
        when = _local_time(_get(row, idx["date"]) or "", tz)
        dist = number(_get(row, idx["distance"]))
        secs = duration(_get(row, idx["duration"]))
        if secs is not None and minutes:
            secs *= 60
        sport = sport_from_text(_get(row, idx["sport"])) if idx["sport"] is not None else "running"
        out.append(None if when is None else _Row(
            sport=sport, start=when[0], local=when[1], elapsed=secs, moving=secs,
            distance=None if dist is None else dist * unit, avg_hr=_hr(number(_get(row, idx["avg_hr"])))))
    return out


# ---------------------------------------------------------------- rows -> activities


def _problem(row: _Row | None) -> str | None:
    if row is None or not row.elapsed or row.elapsed <= 0:
        return "unreadable"
    if row.sport in DISTANCE_SPORTS and not row.distance:
        return "no_distance"
    moving = row.moving or row.elapsed
    if row.distance and row.distance / moving > MAX_SPEED.get(row.sport, 70.0):
        return "implausible"
    return None


def _activity(row: _Row, source: str) -> ImportedActivity:
    assert row.elapsed is not None
    return ImportedActivity(
        sport=row.sport, start_time=row.start, local_date=row.local.date(),
        moving_time_s=float(min(row.moving or row.elapsed, row.elapsed)), elapsed_time_s=float(row.elapsed),
        distance_m=row.distance or None, elevation_gain_m=row.ascent, avg_hr=row.avg_hr, max_hr=row.max_hr,
        avg_cadence_spm=None, laps=[], series=None, time_in_zones_s=None, best_efforts={},
        source=source, source_format="csv", name=row.name)


def _read(data: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ImportFailure(CORRUPT, format="csv") from exc
    if not rows:
        raise ImportFailure(NO_DATA, format="csv")
    return rows[0], rows[1:]


def _parse_rows(raw_header: list[str], rows: list[list[str]], tz: ZoneInfo) -> tuple[str, list[_Row | None]]:
    header = [norm(h) for h in raw_header]
    if {"activity id", "activity date", "activity type"} <= set(header):
        return "strava", _strava_rows(header, rows, tz)
    lang = _garmin_language(header)
    if lang is not None:
        return "garmin", _garmin_rows(header, rows, lang, tz)
    generic = [norm(h) for h in raw_header]
    stripped = [re.sub(r"\s*[\(\[].*?[\)\]]|_(km|m|mi|s|min)$", "", h) for h in generic]
    if all(_col(stripped, _GENERIC[k]) is not None for k in ("date", "distance", "duration")):
        return "generic", _generic_rows(generic, rows, tz)
    raise ImportFailure(UNSUPPORTED_FORMAT, format="csv", reason="columns")


SOURCES = {"strava": "Strava export", "garmin": "Garmin Connect export", "generic": "CSV"}


def import_csv(data: bytes, *, tz: ZoneInfo) -> CsvImport:
    """Every believable activity row of a history export."""
    header, rows = _read(data)
    kind, parsed = _parse_rows(header, rows, tz)
    result = CsvImport(kind=kind)
    seen: set[str] = set()
    for row in parsed:
        reason = _problem(row)
        if reason is None and row is not None:
            activity = _activity(row, SOURCES[kind])
            if activity.fingerprint() in seen:
                reason = "duplicate"
            else:
                seen.add(activity.fingerprint())
                result.activities.append(activity)
        if reason is not None:
            result.skipped[reason] += 1
    if not result.activities:
        raise ImportFailure(NO_DATA, format="csv", rows=len(rows), **dict(result.skipped))
    return result


def describe(result: CsvImport) -> dict[str, Any]:
    """Template parameters for a history export: counts by sport and skipped rows by reason."""
    return {"kind": result.kind, "skipped_reasons": dict(result.skipped),
            "by_sport": dict(Counter(a.sport for a in result.activities))}
