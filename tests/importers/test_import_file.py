"""import_file as the chat sees it: never raises, one result per file or ZIP member, friendly
specific messages for every error code, and the exact JSON shape."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile

import pytest

from bot.importers import (
    ALL_CODES,
    MAX_UPLOAD_BYTES,
    FileResult,
    archive,
    error_message,
    import_file,
    summary_message,
    to_json,
)
from tests.importers.importer_paths import fixture


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "data", "code"), [
    ("run.fit", b"", "empty"),
    ("run.gpx", b"   \n", "empty"),
    ("run.fit", os.urandom(4096), "corrupt"),
    ("mystery.bin", bytes(range(256)) * 8, "unsupported_format"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + os.urandom(2000), "unsupported_format"),
    ("run.gpx", b"\x00\x01garbage", "corrupt"),
])
def test_bad_input_gives_an_error_not_an_exception(name: str, data: bytes, code: str) -> None:
    (result,) = import_file(name, data)
    assert not result.ok and result.error == code and result.activities == []
    assert error_message(result)


def test_oversized_upload_is_refused_before_parsing() -> None:
    data = b"0" * (50 * 1024 * 1024 + 1)
    (result,) = import_file("huge.gpx", data)
    assert result.error == "too_large"
    assert "20 MB" in error_message(result)
    assert len(data) > MAX_UPLOAD_BYTES


def test_zip_gives_one_result_per_member_with_archive_names() -> None:
    data = _zip({
        "export/run.fit": fixture("fit/fenix5_run_short.fit"),
        "export/broken.fit": fixture("fit/bad_file_crc.fit"),
        "export/tomtom.gpx.gz": gzip.compress(fixture("gpx/tomtom_run_4.8km.gpx")),
        "export/photo.jpg": b"\xff\xd8\xff",
        "__MACOSX/._run.fit": b"junk",
    })
    results = import_file("export.zip", data)
    names = {r.file: r for r in results}
    assert set(names) == {"export.zip/export/run.fit", "export.zip/export/broken.fit",
                          "export.zip/export/tomtom.gpx"}
    assert names["export.zip/export/run.fit"].ok
    assert names["export.zip/export/tomtom.gpx"].activities[0].sport == "running"
    assert names["export.zip/export/broken.fit"].error == "corrupt"


def test_zip_with_the_same_run_twice_keeps_one() -> None:
    data = _zip({"a.gpx": fixture("gpx/tomtom_run_4.8km.gpx"), "b.tcx": fixture("tcx/tomtom_run_4.8km.tcx")})
    results = import_file("pair.zip", data)
    assert sum(len(r.activities) for r in results) == 1
    assert sum(r.skipped for r in results) == 1


def test_zip_bomb_member_is_refused() -> None:
    bomb = _zip({"bomb.csv": b"0" * (archive.MAX_MEMBER_BYTES + 1)})
    assert len(bomb) < MAX_UPLOAD_BYTES
    (result,) = import_file("bomb.zip", bomb)
    assert result.error == "too_large"


def test_zip_with_too_many_members_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    data = _zip({f"{i}.gpx": b"<gpx/>" for i in range(5)})
    (result,) = import_file("many.zip", data)
    assert result.error == "too_large" and "5" in error_message(result)


def test_gzip_bomb_is_refused() -> None:
    data = gzip.compress(b"\0" * (archive.MAX_MEMBER_BYTES + 10))
    (result,) = import_file("run.fit.gz", data)
    assert result.error == "too_large"


def test_empty_zip_has_no_data() -> None:
    (result,) = import_file("empty.zip", _zip({"readme.txt.jpg": b"x"}))
    assert result.error == "no_data"


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_error_code_has_a_specific_friendly_message(code: str) -> None:
    text = error_message(FileResult("dir/run.fit", False, [], code, {}))
    assert "run.fit" in text and "dir/" not in text
    assert len(text) > 40 and "{" not in text


def test_messages_differ_per_code() -> None:
    texts = {error_message(FileResult("x.fit", False, [], code, {})) for code in ALL_CODES}
    assert len(texts) == len(ALL_CODES)


def test_single_activity_summary_shows_distance_time_pace_and_efforts() -> None:
    text = summary_message(import_file("run.fit", fixture("fit/fenix2_run_9km.fit")))
    assert "9.01 km" in text and "/km" in text and "5 km in" in text and "average heart rate" in text


def test_summary_lists_failures_too() -> None:
    results = import_file("a.fit", fixture("fit/fenix5_run_short.fit")) + import_file("b.fit", b"")
    text = summary_message(results)
    assert "0.16 km" in text and '"b.fit" is empty' in text


def test_to_json_shape() -> None:
    (ok,) = import_file("run.fit", fixture("fit/fenix2_run_9km.fit"))
    (bad,) = import_file("bad.fit", fixture("fit/bad_file_crc.fit"))
    good = json.loads(json.dumps(to_json(ok)))
    assert set(good) == {"file", "ok", "activities"} and good["ok"] is True
    (activity,) = good["activities"]
    assert set(activity) == {"sport", "start_time", "distance_m", "moving_time_s", "elapsed_time_s", "avg_hr",
                             "max_hr", "elevation_gain_m", "best_efforts"}
    assert activity["start_time"] == "2015-08-15T14:45:08Z"
    assert set(activity["best_efforts"]) == {"400", "1000", "1609", "5000"}
    failed = json.loads(json.dumps(to_json(bad)))
    assert failed == {"file": "bad.fit", "ok": False, "error": error_message(bad)}


def test_fingerprint_is_stable_and_distinguishes_activities() -> None:
    (a,) = import_file("run.fit", fixture("fit/fenix2_run_9km.fit"))[0].activities
    (b,) = import_file("run.fit", fixture("fit/fenix2_run_9km.fit"))[0].activities
    (c,) = import_file("run.fit", fixture("fit/fenix5_run_short.fit"))[0].activities
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
