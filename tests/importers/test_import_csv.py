"""History exports: Strava and Garmin Connect (localised) CSVs and a generic table; absurd rows
are skipped with a reason and nothing else is lost."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.importers import import_file, summary_message
from tests.importers.importer_paths import fixture


def _csv(name: str, tz: str = "UTC"):
    (result,) = import_file(name, fixture(f"csv/{name}"), tz=ZoneInfo(tz))
    return result


def test_strava_export_uses_metres_column_and_skips_absurd_rows() -> None:
    result = _csv("strava_activities.csv")
    assert result.ok
    by_name = {a.name: a for a in result.activities}
    assert by_name["Long Run"].distance_m == pytest.approx(18312)
    assert by_name["Long Run"].moving_time_s == 5900 and by_name["Long Run"].elapsed_time_s == 6000
    assert by_name["Commute"].sport == "cycling" and by_name["Walk"].sport == "walking"
    assert by_name["Gym"].sport == "other" and by_name["Gym"].distance_m is None
    assert by_name["Bad strap"].max_hr is None and by_name["Bad strap"].distance_m == 6000
    assert "GPS glitch" not in by_name and "Zero" not in by_name and "Broken" not in by_name
    assert result.error_params["skipped_reasons"] == {
        "implausible": 1, "no_distance": 1, "duplicate": 1, "unreadable": 1}
    assert result.skipped == 4


def test_strava_dates_are_utc_and_local_date_follows_the_runner() -> None:
    result = _csv("strava_activities.csv", tz="Asia/Tokyo")
    evening = next(a for a in result.activities if a.name == "Evening Run")
    assert evening.start_time.hour == 23 and evening.local_date == date(2022, 10, 7)


def test_garmin_english_export() -> None:
    result = _csv("garmin_activities_en.csv")
    by_name = {a.name: a for a in result.activities}
    race = by_name["10K - RACE"]
    assert race.distance_m == pytest.approx(10020) and race.elapsed_time_s == 2480
    assert race.moving_time_s == 2474 and race.avg_hr == 170
    assert by_name["Sea swim"].sport == "swimming" and by_name["Sea swim"].distance_m == pytest.approx(1843)
    assert by_name["Hills"].sport == "trail" and by_name["Hills"].elevation_gain_m == 480
    assert by_name["Strength"].sport == "other"
    assert "Broken watch" not in by_name
    assert result.error_params["skipped_reasons"] == {"no_distance": 1}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("garmin_activities_de.csv", {"Lauf am Morgen": ("running", 10020), "Radtour": ("cycling", 42500)}),
     ("garmin_activities_es.csv", {"Rodaje": ("running", 8400), "Piscina": ("swimming", 1500)})],
)
def test_garmin_localised_exports(name: str, expected: dict[str, tuple[str, float]]) -> None:
    result = _csv(name, tz="Europe/Berlin")
    got = {a.name: (a.sport, a.distance_m) for a in result.activities}
    for title, (sport, metres) in expected.items():
        assert got[title][0] == sport and got[title][1] == pytest.approx(metres)
    first = result.activities[0]
    assert first.local_date == first.start_time.astimezone(ZoneInfo("Europe/Berlin")).date()


def test_garmin_german_impossible_row_is_skipped() -> None:
    result = _csv("garmin_activities_de.csv")
    assert result.error_params["skipped_reasons"] == {"implausible": 1}


def test_generic_table() -> None:
    result = _csv("generic_runs.csv")
    distances = sorted(a.distance_m for a in result.activities)
    assert distances == pytest.approx([5000, 10500, 21100])
    half = next(a for a in result.activities if a.distance_m == pytest.approx(21100))
    assert half.elapsed_time_s == 6720 and half.sport == "running"
    assert result.skipped == 1


def test_history_summary_counts_runs_and_skips() -> None:
    text = summary_message(import_file("activities.csv", fixture("csv/strava_activities.csv")))
    assert "3 runs" in text and "1 ride" in text and "1 walk" in text
    assert "Skipped 4" in text


def test_csv_with_unknown_columns_is_unsupported() -> None:
    (result,) = import_file("notes.csv", b"foo,bar\n1,2\n")
    assert result.error == "unsupported_format"
