"""Every real file in the shared data folder gives the documented result (skipped on a fresh clone).

Expectations follow the folder's SOURCES.md: sport, distance and duration for activities, a
specific error for broken and non-activity files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.importers import error_message, import_file, same_activity
from tests.importers.importer_paths import shared_data_dir

ROOT = shared_data_dir() / "activity-files"
pytestmark = pytest.mark.skipif(not ROOT.is_dir(), reason="shared real-data folder not present")

# file -> list of (sport, km, minutes) per activity (None = not checked), or an error code
EXPECTED: dict[str, list[tuple[str, float | None, float | None]] | str] = {
    "fit/running/fenix2_run_9km.fit": [("running", 9.01, 47)],
    "fit/running/fr110_run_4.8km.fit": [("running", 4.84, 44)],
    "fit/running/fr910xt_run_9.8km.fit": [("running", 9.84, 50)],
    "fit/running/fenix6s_pro_run_0.6km.fit": [("running", 0.59, 5.9)],
    "fit/running/fr70_footpod_run_10km_nogps.fit": [("running", 10.25, 63)],
    "fit/running/fenix5_run_short.fit": [("running", 0.16, None)],
    "fit/running/fr920xt_run_16.8km.fit": [("running", 16.77, 144)],
    "fit/running/fr920xt_triathlon_multisport.fit": [("swimming", 1.64, 33), ("cycling", 40.9, 74),
                                                      ("running", 9.81, 47.5)],
    "fit/other-sport/fenix5_walk_short.fit": [("walking", 0.07, None)],
    "fit/other-sport/edge820_bike_commute_short.fit": [("cycling", 0.46, None)],
    "fit/other-sport/zwift_virtual_ride_13km.fit": [("cycling", 13.4, 30)],
    "fit/other-sport/fenix3_pool_swim_1.7km.fit": [("swimming", 1.7, 58)],
    "fit/other-sport/vivoactivehr_indoor_rowing.fit": [("other", None, 28.5)],
    "fit/other-sport/fr955_walk_hrm_plugin.fit": [("walking", None, 5)],
    "fit/other-sport/edge200_ride_11.5km_nohr.fit": [("cycling", 11.54, None)],
    "fit/corrupt/truncated_unexpected_eof.fit": "truncated",
    "fit/corrupt/bad_file_crc.fit": "corrupt",
    "fit/corrupt/chained_second_bad_crc.fit": [("running", None, None)],
    "fit/corrupt/chained_corrupt_second_header.fit": [("running", None, None)],
    "fit/corrupt/chained_second_nodata.fit": [("running", None, None)],
    "fit/corrupt/sigma_ride_truncated_real.fit": "truncated",
    "fit/corrupt/wahoo_bolt_devdata_no_appid.fit": [("cycling", 0.96, None)],
    "fit/non-activity/vivofit_monitoring.fit": "not_activity",
    "fit/non-activity/workout_repeat_steps.fit": "not_activity",
    "fit/non-activity/edge510_settings.fit": "not_activity",
    "gpx/strava_run_12km_hr.gpx": [("running", 12.6, 85)],
    "gpx/tomtom_run_4.8km.gpx": [("running", 4.8, 24)],
    "gpx/garmin_connect_run_3pts.gpx": "too_short",
    "gpx/gpsbabel_hike_15km_multitrack.gpx": [("walking", 14.9, 223)],
    "gpx/etrex_car_drive.gpx": [("other", None, None)],
    "gpx/no_timestamps.gpx": "no_timestamps",
    "gpx/bogus_1901_timestamps.gpx": "bad_timestamps",
    "gpx/empty_segment.gpx": [("running", 0.086, None)],
    "gpx/utf8_bom_waypoint_only.gpx": "no_track",
    "tcx/forerunner620_run_2km.tcx": [("running", 2.15, 14)],
    "tcx/forerunner410_run_4.7km.tcx": [("running", 4.69, 33)],
    "tcx/malformed_unbound_prefix.tcx": "corrupt",
    "tcx/tomtom_run_4.8km.tcx": [("running", 4.82, 24)],
    # SOURCES gives the recorded DistanceMeters (12.0 / 6.05 km); we measure TCX from its GPS positions,
    # like GPX, so the twins agree - those positions measure ~5 % more (documented trade-off, see tcx.py).
    "tcx/strava_run_12km_hr.tcx": [("running", 12.0, 85)],
    "tcx/run_6km_7laps_2020-12-16.tcx": [("running", 6.05, 41)],
    "tcx/vivoactivehr_sup_other.tcx": [("other", 1.16, None)],
}
DISTANCE_TOLERANCE = {"tcx/strava_run_12km_hr.tcx": 0.06, "tcx/run_6km_7laps_2020-12-16.tcx": 0.06}


def test_every_shared_file_has_an_expectation() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.*")
             if p.suffix in {".fit", ".gpx", ".tcx"}}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_shared_file(relative: str) -> None:
    (result,) = import_file(Path(relative).name, (ROOT / relative).read_bytes())
    expected = EXPECTED[relative]
    if isinstance(expected, str):
        assert not result.ok and result.error == expected and result.activities == []
        assert Path(relative).name in error_message(result)
        return
    assert result.ok, result.error_params
    assert [a.sport for a in result.activities] == [e[0] for e in expected]
    for activity, (_, km, minutes) in zip(result.activities, expected, strict=True):
        if km is not None:
            tolerance = DISTANCE_TOLERANCE.get(relative, 0.02)
            assert activity.distance_m == pytest.approx(km * 1000, rel=tolerance, abs=10)
        if minutes is not None:
            assert activity.elapsed_time_s == pytest.approx(minutes * 60, rel=0.03, abs=30)
        assert activity.start_time.tzinfo is not None


@pytest.mark.parametrize("stem", ["strava_run_12km_hr", "tomtom_run_4.8km"])
def test_gpx_and_tcx_twins_agree(stem: str) -> None:
    (gpx,) = import_file("a.gpx", (ROOT / "gpx" / f"{stem}.gpx").read_bytes())[0].activities
    (tcx,) = import_file("a.tcx", (ROOT / "tcx" / f"{stem}.tcx").read_bytes())[0].activities
    assert tcx.distance_m == pytest.approx(gpx.distance_m, rel=0.01)
    assert tcx.elapsed_time_s == pytest.approx(gpx.elapsed_time_s, rel=0.01)
    assert same_activity(gpx, tcx)


def test_strava_tcx_stops_are_not_moving_time() -> None:
    (run,) = import_file("a.tcx", (ROOT / "tcx" / "strava_run_12km_hr.tcx").read_bytes())[0].activities
    assert run.elapsed_time_s - run.moving_time_s > 5 * 60


@pytest.mark.parametrize(("relative", "runs"), [
    ("csv-exports/strava_bulk_export_activities.csv", 439),
    ("csv-exports/garmin_connect_activities_en.csv", 623 + 42 + 8),
])
def test_real_history_exports(relative: str, runs: int) -> None:
    (result,) = import_file(Path(relative).name, (ROOT / relative).read_bytes())
    assert result.ok
    run_like = [a for a in result.activities if a.sport in ("running", "trail", "treadmill")]
    assert len(run_like) == pytest.approx(runs, abs=5)
    assert all(a.distance_m is None or a.distance_m / a.moving_time_s < 12 for a in run_like)
