"""GPX tracks -> one :class:`ImportedActivity` (all tracks and segments of a file joined in time order)."""

from __future__ import annotations

from dataclasses import replace
from xml.etree.ElementTree import Element

import numpy as np

from .errors import NO_DATA, NO_TIMESTAMPS, NO_TRACK, ImportFailure
from .model import ImportedActivity
from .summary import Meta, Track, segment_metres, summarize
from .xml_common import check_times, infer_sport, parse_time, sport_from_word, to_float
from .xml_safety import local, parse_xml

MIN_TIMED_SHARE = 0.5  # fewer timed points than this: a drawn route, not a recording
_SOURCES = {"strava": "Strava", "tomtom": "TomTom", "garmin connect": "Garmin Connect",
            "gpsbabel": "GPSBabel"}


def _source(root: Element) -> str:
    creator = (root.get("creator") or "").strip()
    for key, name in _SOURCES.items():
        if creator.lower().startswith(key):
            return name
    return creator.split(" - ")[0] or "GPX file"


def _point(pt: Element) -> tuple[float | None, float, float, float, float, float]:
    """(time, lat, lon, ele, hr, cad) of one trkpt."""
    time_text = ele = hr = cad = None
    for child in pt:
        name = local(child.tag)
        if name == "time":
            time_text = child.text
        elif name == "ele":
            ele = child.text
        elif name == "extensions":
            for ext in child.iter():
                ext_name = local(ext.tag).lower()
                if ext_name in ("hr", "heartrate"):
                    hr = ext.text
                elif ext_name in ("cad", "cadence"):
                    cad = ext.text
    return (parse_time(time_text), to_float(pt.get("lat")), to_float(pt.get("lon")),
            to_float(ele), to_float(hr), to_float(cad))


def _tracks(root: Element) -> tuple[list[Element], str | None, str | None]:
    tracks = [el for el in root.iter() if local(el.tag) == "trk"]
    sport = name = None
    for trk in tracks:
        for child in trk:
            tag = local(child.tag)
            if tag == "type" and sport is None:
                sport = sport_from_word(child.text)
            elif tag == "name" and name is None and child.text and child.text.strip():
                name = child.text.strip()
    return tracks, sport, name


def _segments(tracks: list[Element]) -> list[list[tuple[float | None, float, float, float, float, float]]]:
    segments = []
    for trk in tracks:
        for seg in trk:
            if local(seg.tag) == "trkseg":
                segments.append([_point(pt) for pt in seg if local(pt.tag) == "trkpt"])
    return [seg for seg in segments if seg]


def _untimed_metres(segments: list[list[tuple[float | None, float, float, float, float, float]]]) -> float:
    """Length of whole segments that carry no times (GPSBabel merges): still walked, just not clocked."""
    total = 0.0
    for seg in segments:
        if all(p[0] is None for p in seg) and len(seg) > 1:
            arr = np.asarray([p[1:3] for p in seg], dtype=np.float64)
            ok = np.isfinite(arr).all(axis=1)
            total += float(segment_metres(arr[ok, 0], arr[ok, 1]).sum()) if ok.sum() > 1 else 0.0
    return total


def _no_track(root: Element) -> ImportFailure:
    kinds = {local(el.tag) for el in root.iter()}
    kind = "route" if "rte" in kinds else "waypoints" if "wpt" in kinds else None
    return ImportFailure(NO_TRACK, format="gpx", kind=kind) if kind else ImportFailure(NO_DATA, format="gpx")


def import_gpx(data: bytes, meta: Meta) -> ImportedActivity:
    """The activity recorded in a GPX file; untimed whole segments add distance only."""
    root = parse_xml(data, "gpx")
    tracks, sport, name = _tracks(root)
    segments = _segments(tracks)
    points = [p for seg in segments for p in seg]
    if not points:
        raise _no_track(root)
    times = [p[0] for p in points]
    check_times(times, "gpx")
    timed = sum(x is not None for x in times)
    if timed < MIN_TIMED_SHARE * len(points):
        raise ImportFailure(NO_TIMESTAMPS, format="gpx", points=len(points), timed=timed)
    rows = np.asarray([p for p in points if p[0] is not None], dtype=np.float64)
    t, lat, lon = rows[:, 0], rows[:, 1], rows[:, 2]
    meta = replace(meta, sport=sport or infer_sport(t, lat, lon), source=_source(root),
                   source_format="gpx", name=name)
    track = Track(t=t, lat=lat, lon=lon, altitude=rows[:, 3], hr=rows[:, 4], cadence=rows[:, 5])
    activity = summarize(track, meta)
    extra = _untimed_metres(segments)
    if extra and activity.distance_m is not None:
        activity.distance_m += extra
    return activity
