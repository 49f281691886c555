"""The command line a newcomer meets first: bot without a token, db upgrade, piped chat."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


def _run(args: list[str], cwd: Path, stdin: str = "", extra_env: dict[str, str] | None = None,
         db_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env["DATABASE_URL"] = db_url or f"sqlite:///{cwd / 'cli.db'}"
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, input=stdin, text=True,
                          capture_output=True, env=env, timeout=120, check=False)


def test_bot_without_token_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = _run(["bot"], tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = _run(["db", "upgrade"], tmp_path)
    assert result.returncode == 0, result.stderr
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from runner")).scalar() == 0


def test_piped_chat_answers_every_line_and_stores_the_run(tmp_path: Path, db_url: str) -> None:
    result = _run(["chat", "--runner", "ana"], tmp_path, stdin="hi\nran 5k in 25 min\n", db_url=db_url)
    assert result.returncode == 0, result.stderr
    replies = [line for line in result.stdout.splitlines() if line.startswith("coach> ")]
    assert len(replies) == 2, result.stdout
    assert "5.00 km" in result.stdout and "25:00" in result.stdout
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "select a.distance_m, a.moving_time_s from activity a join runner r on r.id = a.runner_id "
            "where r.external_id = 'console:ana'")).all()
    assert [(round(d), round(t)) for d, t in rows] == [(5000, 1500)]


def test_parse_reads_json_lines_from_stdin(tmp_path: Path) -> None:
    import json

    result = _run(["parse"], tmp_path, stdin="easy 8 miles this morning, felt flat\nhrv 52 rhr 49, slept 6h\n")
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["intent"] == "log_run" and round(first["entities"]["distance_m"]) == 12875
    assert second["intent"] == "report_metrics"
    assert (second["entities"]["hrv_ms"], second["entities"]["rhr_bpm"], second["entities"]["sleep_h"]) == (52, 49, 6)
    assert set(first) == {"intent", "confidence", "entities"}


def test_today_json_has_the_documented_shape(tmp_path: Path, db_url: str) -> None:
    import json

    _run(["chat", "--runner", "ana"], tmp_path, stdin="ran 8 km in 44 min, rpe 5\n", db_url=db_url)
    result = _run(["today", "--runner", "ana", "--json"], tmp_path, db_url=db_url)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"type", "duration_min", "distance_km", "structure", "pace_s_per_km", "hr_bpm"} <= set(out["workout"])
    assert {"score", "band", "factors"} <= set(out["readiness"]) and {"band", "factors"} <= set(out["risk"])
    assert isinstance(out["reasons"], list) and isinstance(out["would_change"], list)
    plan = json.loads(_run(["plan", "--runner", "ana", "--json"], tmp_path, db_url=db_url).stdout)
    assert plan["weeks"] and {"phase", "target_km", "sessions"} <= set(plan["weeks"][0])
