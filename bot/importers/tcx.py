"""TCX (Garmin Training Center) -> one :class:`ImportedActivity` per <Activity>.

Distance is measured from the GPS positions exactly as for GPX, so a run exported in both
formats gives the same numbers; the recorded DistanceMeters stream is used when there are no
positions (treadmill, foot pod), and lap totals when there are no trackpoints at all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

import numpy as np

from .errors import NO_DATA, ImportFailure
from .model import ImportedActivity, Lap
from .summary import Meta, Totals, Track, summarize
from .xml_common import check_times, parse_time, sport_from_word, to_float
from .xml_safety import local, parse_xml

_NAN = float("nan")


def _child(el: Element, name: str) -> Element | None:
    for child in el:
        if local(child.tag) == name:
            return child
    return None


def _text(el: Element | None, *path: str) -> str | None:
    for name in path:
        if el is None:
            return None
        el = _child(el, name)
    return None if el is None else el.text


def _trackpoint(tp: Element) -> tuple[float | None, float, float, float, float, float, float]:
    """(time, lat, lon, altitude, distance, hr, cadence) of one Trackpoint."""
    time = lat = lon = alt = dist = hr = cad = None
    for child in tp:
        name = local(child.tag)
        if name == "Time":
            time = child.text
        elif name == "Position":
            lat, lon = _text(child, "LatitudeDegrees"), _text(child, "LongitudeDegrees")
        elif name == "AltitudeMeters":
            alt = child.text
        elif name == "DistanceMeters":
            dist = child.text
        elif name == "HeartRateBpm":
            hr = _text(child, "Value")
        elif name == "Cadence":
            cad = child.text
        elif name == "Extensions":
            cad = next((e.text for e in child.iter() if local(e.tag) == "RunCadence"), cad)
    return (parse_time(time), to_float(lat), to_float(lon), to_float(alt), to_float(dist),
            to_float(hr), to_float(cad))


def _lap(el: Element) -> Lap | None:
    start = parse_time(el.get("StartTime"))
    if start is None:
        return None
    dist = to_float(_text(el, "DistanceMeters"))
    hr = to_float(_text(el, "AverageHeartRateBpm", "Value"))
    return Lap(
        start_time=datetime.fromtimestamp(start, tz=UTC),
        elapsed_time_s=to_float(_text(el, "TotalTimeSeconds")),
        distance_m=dist if dist == dist and dist > 0 else None,
        avg_hr=hr if 25 <= hr <= 250 else None,
    )


def _source(root: Element, activity: Element) -> str:
    creator = _child(activity, "Creator")
    name = _text(creator, "Name") if creator is not None else None
    if name and name.strip():
        return name.strip()
    author = _text(_child(root, "Author"), "Name") if _child(root, "Author") is not None else None
    return (author or "TCX file").strip()


def _activity(root: Element, el: Element, meta: Meta) -> ImportedActivity:
    laps_el = [c for c in el if local(c.tag) == "Lap"]
    points = [_trackpoint(tp) for lap in laps_el for tp in lap.iter() if local(tp.tag) == "Trackpoint"]
    laps = [lap for lap in (_lap(x) for x in laps_el) if lap is not None]
    lap_time = sum(lap.elapsed_time_s for lap in laps if lap.elapsed_time_s == lap.elapsed_time_s)
    lap_dist = sum(lap.distance_m or 0.0 for lap in laps) or None
    meta = replace(meta, sport=sport_from_word(el.get("Sport")) or "other", source=_source(root, el),
                   source_format="tcx", name=(_text(el, "Notes") or "").strip() or None)
    totals = Totals(timer_s=lap_time or None, laps=laps)
    if len(points) < 2:
        if not laps or not lap_time:
            raise ImportFailure(NO_DATA, format="tcx")
        start = laps[0].start_time.timestamp()
        track = Track(t=np.array([start, start + lap_time]))
        return summarize(track, meta, replace(totals, distance_m=lap_dist, elapsed_s=lap_time))
    check_times([p[0] for p in points], "tcx")
    rows = np.asarray([p for p in points if p[0] is not None], dtype=np.float64)
    track = Track(t=rows[:, 0], lat=rows[:, 1], lon=rows[:, 2], altitude=rows[:, 3],
                  distance=rows[:, 4], hr=rows[:, 5], cadence=rows[:, 6])
    activity = summarize(track, meta, totals)
    if activity.distance_m is None and lap_dist:
        activity.distance_m = lap_dist
    return activity


def import_tcx(data: bytes, meta: Meta) -> list[ImportedActivity]:
    """Every activity in a TCX file."""
    root = parse_xml(data, "tcx")
    activities = [el for el in root.iter() if local(el.tag) == "Activity"]
    if not activities:
        raise ImportFailure(NO_DATA, format="tcx")
    return [_activity(root, el, meta) for el in activities]
