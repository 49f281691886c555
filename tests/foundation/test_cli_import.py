"""``runcoach import --json``: one JSON object per input file, rejected files reported, exit code 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"


def _import(tmp_path: Path, db_url: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "bot.cli", "import", *map(str, paths), "--runner", "ana", "--json"],
                          cwd=tmp_path, env=env, text=True, capture_output=True, timeout=120, check=False)


def test_json_lines_for_good_bad_archived_and_missing_files(tmp_path: Path, db_url: str) -> None:
    run = FIXTURES / "fit" / "fenix2_run_9km.fit"
    broken = FIXTURES / "fit" / "truncated_unexpected_eof.fit"
    archive = tmp_path / "week.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "gpx" / "tomtom_run_4.8km.gpx", "a/tomtom.gpx")
        zf.write(FIXTURES / "tcx" / "forerunner620_run_2km.tcx", "b/fr620.tcx")
    result = _import(tmp_path, db_url, run, broken, archive, tmp_path / "missing.fit", run)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5
    good, bad, zipped, missing, again = lines
    assert good["ok"] and good["activities"][0]["sport"] == "running"
    assert abs(good["activities"][0]["distance_m"] - 9010) < 100 and "5000" in good["activities"][0]["best_efforts"]
    assert set(good["activities"][0]) >= {"start_time", "moving_time_s", "elapsed_time_s", "avg_hr", "max_hr",
                                          "elevation_gain_m"}
    assert not bad["ok"] and bad["error"]
    assert zipped["ok"] and len(zipped["activities"]) == 2 and len(zipped["members"]) == 2
    assert not missing["ok"] and "couldn't open" in missing["error"]
    assert again["ok"] and again["new"] == 0 and again["duplicates"] == 1, "a duplicate upload is stored once"


def test_usage_error_exits_2(tmp_path: Path, db_url: str) -> None:
    assert _import(tmp_path, db_url).returncode == 2
