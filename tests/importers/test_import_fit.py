"""FIT import: the fast decoder agrees with fitparse's golden values and with fitdecode, and whole
activities come out right (distance, sport, sessions); damaged files give specific errors."""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.importers import import_file
from bot.importers.fit_decode import _crc_scalar, crc16, decode
from tests.importers.importer_paths import FIXTURES, fixture


def _golden(name: str) -> list[dict[str, str]]:
    with (FIXTURES / "fit" / name).open() as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("stem", ["fenix5_run_short", "edge820_bike_commute_short"])
def test_records_match_fitparse_golden_values(stem: str) -> None:
    rows = _golden(f"{stem}-records.csv")
    records = decode(fixture(f"fit/{stem}.fit")).parts[0].records
    assert len(records["timestamp"]) == len(rows)
    for key in ("heart_rate", "distance", "speed", "position_lat", "position_long"):
        expected = np.array([float(r[key]) for r in rows])
        got = records["enhanced_speed" if key == "speed" and "enhanced_speed" in records else key]
        np.testing.assert_allclose(got, expected, atol=1e-6 + 1e-3 * (key == "speed"))
    altitude = records.get("enhanced_altitude", records.get("altitude"))
    np.testing.assert_allclose(altitude, [float(r["altitude"]) for r in rows], atol=1e-6)


def test_records_match_fitdecode() -> None:
    fitdecode = pytest.importorskip("fitdecode")
    data = fixture("fit/fenix2_run_9km.fit")
    ours = decode(data).parts[0].records
    hr, dist = [], []
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                hr.append(frame.get_value("heart_rate", fallback=None))
                dist.append(frame.get_value("distance", fallback=None))
    np.testing.assert_allclose(ours["heart_rate"], np.array(hr, dtype=float), equal_nan=True)
    np.testing.assert_allclose(ours["distance"], np.array(dist, dtype=float), equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=0, max_size=20000))
def test_vectorised_crc_equals_byte_by_byte(data: bytes) -> None:
    assert crc16(data) == _crc_scalar(data)


def _one(name: str, **kw: object) -> object:
    results = import_file(name, fixture(f"fit/{name}"), **kw)  # type: ignore[arg-type]
    assert len(results) == 1
    return results[0]


def test_fenix2_run_has_distance_time_and_best_efforts() -> None:
    result = _one("fenix2_run_9km.fit")
    (run,) = result.activities
    assert run.sport == "running"
    assert run.distance_m == pytest.approx(9008, rel=0.01)
    assert run.elapsed_time_s == pytest.approx(47 * 60, rel=0.02)
    assert run.source == "Garmin fenix2"
    assert set(run.best_efforts) == {400, 1000, 1609, 5000}
    assert run.best_efforts[400] < run.best_efforts[1000] < run.best_efforts[1609] < run.best_efforts[5000]
    assert 3 * 60 < run.best_efforts[1000] < 6 * 60  # a 5:13/km runner
    assert run.local_date == date(2015, 8, 15)
    assert run.series is not None and len(run.series.t_s) == pytest.approx(run.elapsed_time_s, abs=5)
    assert sum(run.time_in_zones_s.values()) == pytest.approx(len(run.series.t_s), rel=0.05)


def test_footpod_run_with_compressed_timestamps_and_relative_clock() -> None:
    (run,) = _one("fr70_footpod_run_10km_nogps.fit").activities
    assert run.distance_m == pytest.approx(10250, rel=0.01)
    assert run.elapsed_time_s == pytest.approx(63 * 60, rel=0.03)
    assert run.start_time.year == 2012 and run.local_date == date(2012, 2, 13)
    assert 10000 in run.best_efforts
    assert run.series is not None and np.nanmax(run.series.distance_m) == pytest.approx(10248, rel=0.01)


def test_triathlon_gives_swim_ride_and_run_without_transitions() -> None:
    result = _one("fr920xt_triathlon_multisport.fit")
    sports = [a.sport for a in result.activities]
    assert sports == ["swimming", "cycling", "running"]
    run = result.activities[2]
    assert run.distance_m == pytest.approx(9806, rel=0.01)
    assert run.series is not None and np.nanmax(run.series.distance_m) == pytest.approx(9806, rel=0.02)


def test_device_local_offset_sets_local_date() -> None:
    (run,) = _one("fenix5_run_short.fit").activities  # recorded 07:34 at UTC-7
    assert run.start_time.hour == 14 and run.local_date == date(2017, 6, 11)


def test_cycling_with_developer_fields_imports_as_ride() -> None:
    (ride,) = _one("wahoo_bolt_devdata_no_appid.fit").activities
    assert ride.sport == "cycling" and ride.distance_m == pytest.approx(963.65, rel=0.001)
    assert ride.best_efforts == {}


def test_bike_commute_cadence_is_rpm_and_run_cadence_is_steps() -> None:
    (ride,) = _one("edge820_bike_commute_short.fit").activities
    (run,) = _one("fenix5_run_short.fit").activities
    assert 50 < (ride.avg_cadence_spm or 0) < 110
    assert 140 < (run.avg_cadence_spm or 0) < 200


@pytest.mark.parametrize(
    ("name", "code"),
    [("bad_file_crc.fit", "corrupt"), ("truncated_unexpected_eof.fit", "truncated"),
     ("edge510_settings.fit", "not_activity"), ("workout_repeat_steps.fit", "not_activity")],
)
def test_broken_or_non_activity_files_give_a_specific_error(name: str, code: str) -> None:
    result = _one(name)
    assert not result.ok and result.error == code and result.activities == []


def test_chained_file_keeps_the_whole_first_activity_and_reports_the_bad_part() -> None:
    result = _one("chained_second_bad_crc.fit")
    assert result.ok and len(result.activities) == 1 and result.skipped == 1
    assert result.error_params["skipped_reasons"] == {"corrupt": 1}


def test_truncating_a_good_file_anywhere_never_gives_a_partial_activity() -> None:
    data = fixture("fit/fenix2_run_9km.fit")
    for cut in (13, 100, len(data) // 2, len(data) - 3):
        (result,) = import_file("cut.fit", data[:cut])
        assert not result.ok and result.error in {"truncated", "corrupt"}


def test_a_file_cut_inside_its_header_is_truncated_not_an_unexpected_error(caplog: pytest.LogCaptureFixture) -> None:
    data = fixture("fit/fenix2_run_9km.fit")
    assert data[0] == 14  # the 14-byte header, whose last two bytes are its checksum
    for cut in (12, 13):
        (result,) = import_file("cut.fit", data[:cut])
        assert not result.ok and result.error == "truncated" and result.activities == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_flipped_byte_is_caught_by_the_checksum() -> None:
    data = bytearray(fixture("fit/fenix2_run_9km.fit"))
    data[len(data) // 2] ^= 0x01
    (result,) = import_file("flipped.fit", bytes(data))
    assert result.error == "corrupt"
