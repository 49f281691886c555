"""GPX and TCX import: the same run in both formats agrees; edge cases give specific errors;
GPS jumps, impossible heart rates and stops do not distort what the runner sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.importers import import_file, same_activity
from tests.importers.importer_paths import fixture


def _one(name: str, data: bytes | None = None):
    folder = name.rsplit(".", 1)[-1]
    (result,) = import_file(name, data if data is not None else fixture(f"{folder}/{name}"))
    return result


def _gpx(points: list[tuple[float, float, int, int]], sport: str = "running") -> bytes:
    """A GPX run from (lat, lon, seconds, hr) points."""
    start = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    body = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><time>{(start + timedelta(seconds=s)).isoformat()}</time>'
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
        f"</gpxtpx:TrackPointExtension></extensions></trkpt>"
        for lat, lon, s, hr in points
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>{sport}</type><trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


def _straight_run(seconds: int, speed: float = 3.0, hr: int = 150) -> list[tuple[float, float, int, int]]:
    deg_per_m = 1 / 111_195
    return [(45.0 + i * speed * deg_per_m, 7.0, i, hr) for i in range(seconds)]


def test_gpx_and_tcx_of_the_same_run_agree() -> None:
    gpx = _one("tomtom_run_4.8km.gpx").activities[0]
    tcx = _one("tomtom_run_4.8km.tcx").activities[0]
    assert gpx.sport == tcx.sport == "running"
    assert gpx.distance_m == pytest.approx(4810, rel=0.02)
    assert tcx.distance_m == pytest.approx(gpx.distance_m, rel=0.01)
    assert tcx.elapsed_time_s == pytest.approx(gpx.elapsed_time_s, rel=0.01)
    assert gpx.elapsed_time_s == pytest.approx(24 * 60, rel=0.02)
    assert same_activity(gpx, tcx)


def test_tcx_laps_and_heart_rate() -> None:
    run = _one("forerunner620_run_2km.tcx").activities[0]
    assert run.distance_m == pytest.approx(2150, rel=0.02)
    assert len(run.laps) == 3 and run.laps[0].distance_m == pytest.approx(1000)
    assert 120 < (run.avg_hr or 0) < 160
    assert run.source == "Garmin Forerunner 620"


@pytest.mark.parametrize(
    ("name", "code"),
    [("utf8_bom_waypoint_only.gpx", "no_track"), ("bogus_1901_timestamps.gpx", "bad_timestamps"),
     ("garmin_connect_run_3pts.gpx", "too_short"), ("no_timestamps.gpx", "no_timestamps")],
)
def test_gpx_edge_cases_give_specific_errors(name: str, code: str) -> None:
    result = _one(name)
    assert not result.ok and result.error == code and result.activities == []


def test_car_drive_is_not_a_run() -> None:
    result = _one("etrex_car_drive.gpx")
    assert all(a.sport not in ("running", "trail", "treadmill", "walking") for a in result.activities)
    declared_run = fixture("gpx/etrex_car_drive.gpx").replace(b"<trk>", b"<trk><type>running</type>", 1)
    assert _one("drive.gpx", declared_run).error == "implausible"


def test_malformed_tcx_is_corrupt() -> None:
    data = fixture("tcx/forerunner620_run_2km.tcx")
    start = data.index(b"<TrainingCenterDatabase")
    broken = data[:start] + data[data.index(b">", start) + 1 :]
    result = _one("broken.tcx", broken.replace(b"</TrainingCenterDatabase>", b""))
    assert result.error == "corrupt"


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><gpx><trk><name>&c;</name></trk></gpx>',
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<gpx><trk><name>&xxe;</name></trk></gpx>",
    ],
)
def test_entity_tricks_are_refused(payload: bytes) -> None:
    assert _one("evil.gpx", payload).error == "unsafe_xml"
    tcx = payload.replace(b"gpx", b"TrainingCenterDatabase")
    assert _one("evil.tcx", tcx).error == "unsafe_xml"


def test_gps_jump_does_not_add_distance() -> None:
    points = _straight_run(600)
    lat, lon, s, hr = points[300]
    points[300] = (lat + 0.01, lon, s, hr)  # one fix 1.1 km off
    run = _one("jump.gpx", _gpx(points)).activities[0]
    assert run.distance_m == pytest.approx(1800, rel=0.01)
    assert run.best_efforts[1000] == pytest.approx(333, rel=0.03)


def test_impossible_heart_rate_is_ignored() -> None:
    points = [(la, lo, s, 300 if s % 10 == 0 else 150) for la, lo, s, _ in _straight_run(600)]
    run = _one("hr.gpx", _gpx(points)).activities[0]
    assert run.max_hr == 150 and run.avg_hr == pytest.approx(150)


def test_stops_are_not_moving_time() -> None:
    first = _straight_run(600)
    last_lat = first[-1][0]
    stop = [(last_lat, 7.0, 600 + i, 120) for i in range(300)]  # 5 min standing at a light
    after = [(last_lat + la - 45.0, lo, 900 + s, h) for la, lo, s, h in _straight_run(600)]
    run = _one("stop.gpx", _gpx(first + stop + after)).activities[0]
    assert run.elapsed_time_s == pytest.approx(1499, abs=2)
    assert run.moving_time_s == pytest.approx(1200, abs=15)
    assert run.distance_m == pytest.approx(3600, rel=0.01)


def test_untyped_gpx_sport_is_guessed_from_speed() -> None:
    data = _gpx(_straight_run(900, speed=1.3)).replace(b"<type>running</type>", b"")
    assert _one("walk.gpx", data).activities[0].sport == "walking"
