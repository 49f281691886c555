"""A runner's first two weeks, compressed, through the real ``runcoach bot`` process and the fake Telegram.

Everything is asserted twice: on what the runner sees (texts, buttons, photos, documents) and on the
database the bot wrote (rows present; none at all after a confirmed /delete).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.tables import RUNNER_TABLES, Activity, CheckIn, Runner
from tests.e2e.harness import FIXTURES, PNG_MAGIC, BotProcess, Person, count_rows, no_apology
from tests.fakebot import FakeTelegram

pytestmark = pytest.mark.e2e


def _runner(db: Engine, person: Person) -> Runner | None:
    with Session(db) as s:
        return s.exec(select(Runner).where(Runner.external_id == f"tg:{person.id}")).first()


def _activities(db: Engine, runner_id: int) -> list[Activity]:
    with Session(db) as s:
        return list(s.exec(select(Activity).where(Activity.runner_id == runner_id).order_by(Activity.id)))


def test_first_two_weeks(fake: FakeTelegram, bot: BotProcess, db: Engine) -> None:
    ana = Person(fake, bot, "Ana")
    seen = []

    # -- onboarding: /start, tap and type the answers ------------------------------------------------------
    welcome, question = ana.say("/start", n=2)
    assert "Welcome" in welcome.content
    assert "call you" in question.content and "ob:name:keep" in question.button_data
    (q,) = ana.tap(question, "ob:name:keep")
    assert "How long have you been running" in q.content
    (q,) = ana.tap(q, "ob:experience:intermediate")
    assert "kilometres" in q.content
    (q,) = ana.say("35")
    assert "recent race" in q.content
    (q,) = ana.say("10k in 52:30")
    assert "training for" in q.content
    (q,) = ana.tap(q, "ob:goal:10k")
    assert "When is the race" in q.content
    (q,) = ana.say("12 April, 49:30")
    assert "Which days" in q.content
    (q,) = ana.tap(q, "ob:days:d4")
    assert "How much time" in q.content
    (q,) = ana.tap(q, "ob:minutes:60")
    assert "Where are you" in q.content
    (q,) = ana.say("Berlin")
    assert "morning message" in q.content
    (done,) = ana.tap(q, "ob:morning:07:00")
    assert "All set, Ana" in done.content and "Europe/Berlin" in done.content
    runner = _runner(db, ana)
    assert runner is not None and runner.id is not None
    assert (runner.onboarding_step, runner.experience, runner.weekly_km, runner.goal_kind, runner.goal_distance_m,
            runner.available_minutes, runner.time_zone, runner.morning_time) == (
        "done", "intermediate", 35, "race", 10000, 60, "Europe/Berlin", "07:00")
    assert runner.goal_time_s == 49 * 60 + 30
    race = _activities(db, runner.id)
    assert [(a.name, a.distance_m, a.moving_time_s) for a in race] == [("Race", 10000, 52 * 60 + 30)]

    # -- free-text logs, RPE buttons --------------------------------------------------------------------------
    (logged,) = ana.say("ran 5k in 25 min")
    assert "5.00 km" in logged.content and "25:00" in logged.content
    rpe_buttons = [d for d in logged.button_data if d.startswith("rpe:")]
    assert len(rpe_buttons) == 10
    (saved,) = ana.tap(logged, rpe_buttons[5])
    assert "RPE 6" in saved.content
    assert logged.reply_markup is None or not logged.button_data, "the keyboard is removed after a tap"
    (checkin,) = ana.say("slept 6h hrv 50")
    seen += [logged, saved, checkin]
    for text in ("yesterday easy 8 km in 46 min rpe 4", "2 days ago 12 km in 65 min, rpe 5",
                 "tempo 6 km in 28 min rpe 8", "rest day today, legs sore"):
        seen += ana.say(text)
    with Session(db) as s:
        day = s.exec(select(CheckIn).where(CheckIn.runner_id == runner.id, CheckIn.sleep_h.is_not(None))).one()
        assert (day.sleep_h, day.hrv_ms) == (6, 50)
    chat_runs = [a for a in _activities(db, runner.id) if a.origin == "chat" and a.name != "Race"]
    assert sorted(a.distance_m or 0 for a in chat_runs) == [5000, 6000, 8000, 12000]
    assert [a.rpe for a in chat_runs if a.distance_m == 5000] == [6]

    # -- watch files: FIT and GPX, a broken file, the same file twice --------------------------------------
    (fit,) = ana.upload(FIXTURES / "fit" / "fenix2_run_9km.fit")
    assert "Imported" in fit.content and "9.01 km" in fit.content
    assert len([d for d in fit.button_data if d.startswith("rpe:")]) == 10  # tapping them: see the xfail below
    (gpx,) = ana.upload(FIXTURES / "gpx" / "tomtom_run_4.8km.gpx")
    assert "Imported" in gpx.content
    (bad,) = ana.upload(FIXTURES / "fit" / "truncated_unexpected_eof.fit")
    (dup,) = ana.upload(FIXTURES / "fit" / "fenix2_run_9km.fit")
    assert "already had" in dup.content
    seen += [fit, gpx, bad, dup]
    files = [a for a in _activities(db, runner.id) if a.origin == "file"]
    assert len(files) == 2 and {a.source_format for a in files} == {"fit", "gpx"}

    # -- questions: prediction, today, progress charts -----------------------------------------------------
    (pred,) = ana.say("can I break 50 min in the 10k?")
    assert "10" in pred.content and ":" in pred.content
    (today,) = ana.say("what should I do today?")
    assert "Today" in today.content
    seen += [pred, today]
    charts = ana.say("/progress", n=3, timeout=40)
    for chart in charts:
        assert "photo" in chart.message and chart.caption
        assert (chart.file_bytes or b"")[:8] == PNG_MAGIC

    # -- export, then delete everything ----------------------------------------------------------------------
    (export,) = ana.say("/export")
    assert "document" in export.message and (export.file_name or "").endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(export.file_bytes or b"")) as zf:
        exported = json.loads(zf.read("runcoach-export.json"))
    assert len(exported["activity"]) == len(_activities(db, runner.id)) == 7
    (confirm,) = ana.say("/delete")
    assert set(confirm.button_data) == {"del:yes", "del:no"}
    (deleted,) = ana.tap(confirm, "del:yes")
    seen += [export, confirm, deleted]
    no_apology(seen)
    assert _runner(db, ana) is None
    for table in RUNNER_TABLES:
        assert count_rows(db, table) == 0, table.__name__
    assert count_rows(db, Runner) == 0
    assert ana.unread() == [], "no reply the runner did not expect"


def test_rpe_buttons_on_an_imported_old_activity_work(fake: FakeTelegram, bot: BotProcess, db: Engine) -> None:
    ana = Person(fake, bot, "Ana")
    (fit,) = ana.upload(FIXTURES / "fit" / "fenix2_run_9km.fit")  # recorded in 2015
    rpe7 = [d for d in fit.button_data if d.startswith("rpe:")][6]
    (answer,) = ana.tap(fit, rpe7)
    assert "RPE 7" in answer.content
