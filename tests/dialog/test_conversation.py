"""The dialog core as a runner meets it: what they send, what they get back, what is stored."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

from sqlalchemy import Engine
from sqlmodel import select

from bot.dialog import Dialog, Identity, Incoming, Reply
from bot.transports.text import plain
from models.db import session_scope
from models.tables import RUNNER_TABLES, Activity, CheckIn, Runner
from tests.support.clock import FakeClock

ANA = Identity(external_id="test:ana", name="Ana", chat_id=1)


def say(dialog: Dialog, text: str, who: Identity = ANA) -> list[Reply]:
    return dialog.handle(who, Incoming(text=text))


def tap(dialog: Dialog, data: str, who: Identity = ANA) -> list[Reply]:
    return dialog.handle(who, Incoming(button=data))


def activities(engine: Engine) -> list[Activity]:
    with session_scope(engine) as s:
        return list(s.exec(select(Activity)).all())


def test_greeting_then_a_logged_run_is_stored_once(dialog: Dialog, engine: Engine) -> None:
    hello = plain(say(dialog, "hi")[0].text)
    assert "coach" in hello.lower()
    first = say(dialog, "ran 5k in 25 min")
    assert "5.00 km" in plain(first[0].text) and "25:00" in plain(first[0].text)
    assert first[0].buttons, "a run without RPE gets the RPE keyboard"
    again = say(dialog, "ran 5k in 25 min")
    assert "already" in plain(again[0].text).lower()
    rows = activities(engine)
    assert len(rows) == 1 and rows[0].distance_m == 5000 and rows[0].moving_time_s == 1500
    assert rows[0].local_date == date(2026, 3, 12)


def test_rpe_button_and_rpe_message_attach_to_the_run(dialog: Dialog, engine: Engine) -> None:
    reply = say(dialog, "8 km in 48 minutes")[0]
    data = [b.data for row in reply.buttons for b in row]
    tap(dialog, data[6])  # "7"
    assert activities(engine)[0].rpe == 7
    say(dialog, "rpe 5")
    assert activities(engine)[0].rpe == 5


def test_implausible_run_is_never_stored(dialog: Dialog, engine: Engine) -> None:
    reply = say(dialog, "ran 300 km in 20 min")[0]
    assert reply.buttons, "the coach asks instead of guessing"
    assert activities(engine) == []
    tap(dialog, "clar:drop")
    assert activities(engine) == []


def test_wellness_and_metrics_merge_into_todays_checkin(dialog: Dialog, engine: Engine) -> None:
    say(dialog, "slept 5h")
    say(dialog, "hrv 48 rhr 52")
    with session_scope(engine) as s:
        rows = s.exec(select(CheckIn)).all()
    assert len(rows) == 1
    assert (rows[0].sleep_h, rows[0].hrv_ms, rows[0].rhr_bpm) == (5.0, 48.0, 52.0)


def test_today_and_why_answer_with_a_workout_and_its_numbers(dialog: Dialog) -> None:
    say(dialog, "ran 10k in 52 min, rpe 7")
    today = plain(say(dialog, "what should I do today?")[0].text)
    assert "Today:" in today and "Readiness" in today and "Why:" in today
    why = plain(say(dialog, "why?")[0].text)
    assert "Readiness" in why and "points" in why


def test_photo_and_voice_get_a_kind_explanation(dialog: Dialog) -> None:
    assert "FIT" in plain(dialog.handle(ANA, Incoming(media="photo"))[0].text)
    assert "type" in plain(dialog.handle(ANA, Incoming(media="voice"))[0].text)


def test_oversized_and_corrupt_files_store_nothing(dialog: Dialog, engine: Engine) -> None:
    big = dialog.handle(ANA, Incoming(file_name="huge.fit", file_size=50 * 1024 * 1024))
    assert "MB" in plain(big[0].text)
    bad = dialog.handle(ANA, Incoming(file_name="run.fit", file_data=b"\x0e\x10garbage" * 20, file_size=200))
    assert plain(bad[0].text).strip()
    assert activities(engine) == []


def test_export_contains_everything_and_delete_removes_every_row(dialog: Dialog, engine: Engine) -> None:
    say(dialog, "ran 6 km in 33 min, rpe 4")
    say(dialog, "slept 7h, hrv 55")
    say(dialog, "what should I do today?")
    export = say(dialog, "/export")[0]
    assert export.document is not None
    with zipfile.ZipFile(io.BytesIO(export.document[1])) as zf:
        data = json.loads(zf.read("runcoach-export.json"))
        assert {"runner.csv", "activity.csv", "checkin.csv"} <= set(zf.namelist())
    assert data["activity"][0]["distance_m"] == 6000
    assert data["checkin"][0]["hrv_ms"] == 55
    assert data["recommendation"], "the recommendation that was sent is part of the export"

    confirm = say(dialog, "/delete")[0]
    assert {b.data for row in confirm.buttons for b in row} == {"del:yes", "del:no"}
    tap(dialog, "del:yes")
    with session_scope(engine) as s:
        assert s.exec(select(Runner)).all() == []
        for table in RUNNER_TABLES:
            assert s.exec(select(table)).all() == []  # type: ignore[call-overload]


def test_a_forged_button_changes_nothing(dialog: Dialog, engine: Engine) -> None:
    say(dialog, "ran 5 km in 30 min")
    other = Identity(external_id="test:eve", name="Eve", chat_id=2)
    act_id = activities(engine)[0].id
    reply = tap(dialog, f"rpe:{act_id}:9", who=other)
    assert "out of date" in plain(reply[0].text)
    assert activities(engine)[0].rpe is None
    assert "out of date" in plain(tap(dialog, "rpe:x:y:z")[0].text)


def test_prediction_has_a_range_a_basis_a_goal_check_and_a_trend_chart(dialog: Dialog, clock: FakeClock) -> None:
    from datetime import timedelta

    clock.advance(timedelta(days=-28))
    say(dialog, "ran 10k in 50:10 race, rpe 9")
    clock.advance(timedelta(days=21))
    say(dialog, "ran 5k in 23:40, rpe 9")
    clock.advance(timedelta(days=7))
    reply = say(dialog, "can I break 1:45 in the half?")[0]
    text = plain(reply.text)
    assert "Half marathon" in text and "80% range" in text and "Based on your" in text
    assert "Your goal 1:45:00" in text and "% chance" in text
    assert reply.image is not None and reply.image[:4] == b"\x89PNG"


def test_unknown_language_and_huge_messages_get_a_friendly_answer_and_store_nothing(dialog: Dialog,
                                                                                    engine: Engine) -> None:
    for text in ("¿Qué tal el tiempo hoy en Madrid?", "今日はいい天気ですね", "Привет, как дела?", "x" * 50_000,
                 "ran 1e309 km", "10k in 99:99:99", "\u202e\u0000\u0007"):
        replies = say(dialog, text)
        assert replies and plain(replies[0].text).strip()
        assert "went wrong" not in plain(replies[0].text)
    assert activities(engine) == []


def test_goal_command_with_arguments_sets_the_goal(dialog: Dialog, engine: Engine) -> None:
    reply = plain(say(dialog, "/goal half marathon in 1:45 on 12 april")[0].text)
    assert "half marathon" in reply and "1:45:00" in reply
    with session_scope(engine) as s:
        r = s.exec(select(Runner)).one()
    assert (r.goal_kind, r.goal_distance_m, r.goal_time_s, r.goal_date) == ("race", 21097.5, 6300, date(2026, 4, 12))
    assert activities(engine) == [], "a goal is not a run"


def test_back_after_five_weeks_off_the_plan_restarts_from_half_the_usual_volume(dialog: Dialog,
                                                                                 engine: Engine) -> None:
    """The planner sees the weeks before a break longer than its four-week window, so a runner who ran
    40 km a week restarts at about 20 km, not at the beginner's floor."""
    from datetime import UTC, datetime, timedelta

    from bot.services.coach import plan_for

    say(dialog, "hi")
    today = date(2026, 3, 12)  # the clock's Thursday
    monday = today - timedelta(days=today.weekday())
    with session_scope(engine) as s:
        runner = s.exec(select(Runner)).one()
        runner.goal_kind, runner.goal_distance_m, runner.goal_date = "race", 42195.0, today + timedelta(days=120)
        for week in range(8):  # 8 weeks at 40 km, then 5 weeks (this one included) without running
            start = monday - timedelta(weeks=13 - week)
            for i, day in enumerate((1, 3, 5, 6)):
                d = start + timedelta(days=day)
                km = 10.0
                s.add(Activity(runner_id=runner.id, start_time=datetime(d.year, d.month, d.day, 7, tzinfo=UTC),
                               local_date=d, sport="running", origin="chat", distance_m=km * 1000,
                               moving_time_s=km * 330, elapsed_time_s=km * 330, rpe=4, fingerprint=f"w{week}d{i}"))
        s.flush()
        plan, advice = plan_for(s, runner, today)
    assert sum(advice.state.weekly_km_recent) == 0.0
    assert advice.state.weekly_km_earlier == (40.0,) * 7 + (0.0,)  # weeks 12..5 before this one
    this_week = plan.weeks[0]
    assert this_week.mode == "return"
    assert 0.45 * 40 <= this_week.target_km <= 0.5 * 40 * 1.06


def test_a_runner_with_nothing_logged_gets_what_the_engine_says_of_an_empty_history(dialog: Dialog,
                                                                                    engine: Engine) -> None:
    """New runners' first answer comes from a per-profile, per-day cache: it must be the engine's own
    answer for an empty history, and no caller may change what the next one gets."""
    import pandas as pd

    from bot.services.coach import advise, checkins_frame, profile_of, sessions_frame
    from coaching.risk import assess

    say(dialog, "hi")
    today = date(2026, 3, 12)
    with session_scope(engine) as s:
        runner = s.exec(select(Runner)).one()
        first = advise(s, runner, today)
        first.assessment.metrics_today["fitness"] = 999.0  # a careless caller
        second = advise(s, runner, today)
        direct = assess(sessions_frame(()), checkins_frame(()), profile_of(runner), pd.Timestamp(today),
                        runner_id=runner.id)
    assert repr(second.assessment) == repr(direct)  # repr: the metrics hold NaN (no ACWR yet)
    assert second.assessment.metrics_today["fitness"] == 0.0
    assert second.recommendation.workout.type == first.recommendation.workout.type


def _weeks_of_runs(engine: Engine, who: Identity, km: float, days: tuple[int, ...], **profile: object) -> None:
    """Eight weeks before the clock's week with runs of ``km`` on ``days``; ``profile`` sets runner fields."""
    from datetime import UTC, datetime, timedelta

    monday = date(2026, 3, 9)  # the clock's week
    with session_scope(engine) as s:
        runner = s.exec(select(Runner).where(Runner.external_id == who.external_id)).one()
        for key, value in profile.items():
            setattr(runner, key, value)
        for week in range(8):
            for i, day in enumerate(days):
                d = monday - timedelta(weeks=8 - week) + timedelta(days=day)
                s.add(Activity(runner_id=runner.id, start_time=datetime(d.year, d.month, d.day, 7, tzinfo=UTC),
                               local_date=d, sport="running", origin="chat", distance_m=km * 1000,
                               moving_time_s=km * 390, elapsed_time_s=km * 390, rpe=3, fingerprint=f"w{week}d{i}"))


def test_a_goal_the_plan_cannot_reach_in_time_is_named_with_what_would(dialog: Dialog, engine: Engine) -> None:
    """A novice on 12 km a week with 90 minutes on three days sets a marathon 15 weeks away: the reply
    says at once that the plan will not get them there, what holds it back, and the race that fits;
    /plan repeats it. A runner whose plan does get there hears that too."""
    say(dialog, "hi")
    _weeks_of_runs(engine, ANA, 4.0, (1, 3, 6), experience="novice", available_days="tue,thu,sun",
                   available_minutes=90)
    reply = plain(say(dialog, "/goal marathon on 28 june")[0].text)
    assert "Goal check" in reply and "a marathon asks for about 50 km a week and long runs of 25 km" in reply
    assert "the weeks to race day are too few" in reply
    assert "your available minutes hold about 32 km a week and a 10 km long run" in reply
    assert "a 10 km fits what you can build" in reply
    assert "Goal check" in plain(say(dialog, "/plan")[0].text)

    ben = Identity(external_id="test:ben", name="Ben", chat_id=2)
    say(dialog, "hi", ben)
    _weeks_of_runs(engine, ben, 8.0, (1, 2, 3, 5, 6), experience="intermediate")
    on_track = plain(say(dialog, "/goal half marathon on 27 september", ben)[0].text)
    assert "✅ Goal check" in on_track and "enough for a half marathon" in on_track


def test_the_weekly_prediction_change_reads_once_and_matches_two_predictions(dialog: Dialog,
                                                                            engine: Engine) -> None:
    """The Sunday summary's "a week ago" prediction sees exactly the year before its own day: a race
    369 days back counts a week ago and not today, as two separate predictions would have it."""
    from datetime import UTC, datetime, timedelta

    from bot.services.prediction import predict_for, predict_now_and_before

    say(dialog, "hi")
    today = date(2026, 3, 15)
    with session_scope(engine) as s:
        runner = s.exec(select(Runner)).one()
        rows = [(today - timedelta(days=369), 10_000, 2_400, "10k race"),
                (today - timedelta(days=200), 21_097, 6_300, "Half marathon race"),
                (today - timedelta(days=3), 5_000, 1_380, "parkrun race")]
        rows += [(today - timedelta(days=d), 8_000, 2_900, None) for d in range(4, 380, 4)]
        for i, (d, dist, secs, name) in enumerate(rows):
            s.add(Activity(runner_id=runner.id, start_time=datetime(d.year, d.month, d.day, 7, tzinfo=UTC),
                           local_date=d, sport="running", origin="file", distance_m=dist, moving_time_s=secs,
                           elapsed_time_s=secs, name=name, fingerprint=f"r{i}"))
        s.flush()
        now, before = predict_now_and_before(s, runner, today, 21_097.5)
        assert now == predict_for(s, runner, today, 21_097.5, None).predictions[0]
        assert before == predict_for(s, runner, today - timedelta(days=7), 21_097.5, None).predictions[0]
        assert now != before


def test_a_new_goal_distance_drops_the_old_target_and_a_record_breaking_target_is_questioned(
        dialog: Dialog, engine: Engine) -> None:
    say(dialog, "/goal half marathon on 12 april, target 1:45")
    say(dialog, "/goal marathon on 3 may")  # 1:45 was the half's target, not the marathon's
    with session_scope(engine) as s:
        r = s.exec(select(Runner)).one()
    assert (r.goal_distance_m, r.goal_time_s, r.goal_date) == (42195.0, None, date(2026, 5, 3))
    reply = plain(say(dialog, "/goal marathon target 1:45")[0].text)
    assert "a target of 1:45:00" in reply and "world record" in reply and "haven't saved" in reply
    with session_scope(engine) as s:
        assert s.exec(select(Runner)).one().goal_time_s is None


def test_no_running_until_the_knee_is_better_holds_until_the_runner_says_so(dialog: Dialog, engine: Engine,
                                                                           clock: FakeClock) -> None:
    """Pain reported in passing counts for a few days; "no running until my knee is better" holds until
    the runner says it is better (or runs), and past a few days asks them to see a professional."""
    from datetime import UTC, datetime

    from models.tables import CheckIn

    say(dialog, "ran 10k in 52 min, rpe 6")
    held = plain(say(dialog, "no running until my knee is better")[0].text)
    assert "No running until it's better" in held and "physio or doctor" in held
    clock.set(datetime(2026, 3, 17, 6, 0, tzinfo=UTC))  # five days on, nothing said in between
    today = plain(say(dialog, "what should I do today?")[0].text)
    assert "Cross-training" in today or "Rest day" in today
    assert "pain in the knee for 6 days" in today and "physio or doctor" in today
    assert "when you tell me your knee feels better" in today
    better = plain(say(dialog, "my knee feels fine now")[0].text)
    assert "lifted the no-running hold" in better
    with session_scope(engine) as s:
        runner = s.exec(select(Runner)).one()
        assert (runner.pain_hold_since, runner.pain_hold_area) == (None, None)
        assert all(c.pain_area is None for c in s.exec(select(CheckIn).where(CheckIn.local_date == date(2026, 3, 17))))
    assert "pain in the knee" not in plain(say(dialog, "what should I do today?")[0].text)
    # a run while on hold lifts it too, and says so
    say(dialog, "not running till my achilles heals")
    ran = plain(say(dialog, "ran 5k in 30 min")[0].text)
    assert "lifted the no-running hold" in ran
    with session_scope(engine) as s:
        assert s.exec(select(Runner)).one().pain_hold_since is None


def test_saying_the_pain_is_gone_never_stores_pain(dialog: Dialog, engine: Engine) -> None:
    from models.tables import CheckIn

    reply = plain(say(dialog, "my knee is better now")[0].text)
    assert "Great to hear your knee feels better" in reply and "hold" not in reply
    with session_scope(engine) as s:
        assert all(c.pain_area is None for c in s.exec(select(CheckIn)))


def test_a_head_cold_gets_easy_running_and_the_flu_gets_rest(dialog: Dialog, engine: Engine,
                                                             clock: FakeClock) -> None:
    """The neck check as the runner meets it: what they say decides the kind of illness stored."""
    from datetime import UTC, datetime

    from models.tables import CheckIn

    ben = Identity(external_id="test:ben", name="Ben", chat_id=2)
    say(dialog, "ran 8k in 44 min, rpe 4")
    say(dialog, "I have a cold")
    say(dialog, "ran 8k in 44 min, rpe 4", ben)
    say(dialog, "got the flu", ben)
    clock.set(datetime(2026, 3, 13, 7, 0, tzinfo=UTC))  # Friday: the plan's easy run
    cold = plain(say(dialog, "what should I do today?")[0].text)
    assert "above the neck" in cold and "Easy run" in cold
    flu = plain(say(dialog, "what should I do today?", ben)[0].text)
    assert "Rest day" in flu and "below the neck" in flu
    with session_scope(engine) as s:
        assert sorted(c.illness for c in s.exec(select(CheckIn)) if c.illness) == ["above_neck", "below_neck"]
    # over it: the day is not an ill day any more
    over = plain(say(dialog, "over the flu now", ben)[0].text)
    assert "Glad you're feeling better" in over
    assert "below the neck" not in plain(say(dialog, "what should I do today?", ben)[0].text)
    with session_scope(engine) as s:
        assert sorted(c.illness or "" for c in s.exec(select(CheckIn)) if c.local_date == date(2026, 3, 13)) == [
            "none"]


def test_a_run_logged_after_reporting_pain_keeps_the_pain(dialog: Dialog, engine: Engine) -> None:
    """Only a hold is lifted by running: pain told earlier the same day stays on the day's check-in."""
    from models.tables import CheckIn

    say(dialog, "knee hurts")
    say(dialog, "ran 5k in 30 min")
    with session_scope(engine) as s:
        assert [c.pain_area for c in s.exec(select(CheckIn))] == ["knee"]


def test_replies_read_cleanly_when_only_some_facts_came(dialog: Dialog) -> None:
    """No dangling comma when the first check-in fact is missing; one line per availability change."""
    logged = plain(say(dialog, "did 10k in 52 min, legs heavy, RPE 7")[0].text)
    assert "Noted for today: fatigue 3/5." in logged and ":," not in logged
    capped = plain(say(dialog, "only 40 min today")[0].text)
    assert "Got it:\n• 40 min max on" in capped


def test_the_readiness_reason_names_hrv_as_the_seven_day_figure() -> None:
    from prompts import render

    text = render("coach/why", p={
        "workout": {"type": "easy"}, "reasons": [], "would_change": [], "plan_intent": "easy",
        "readiness": {"score": 50, "band": "caution", "missing": [], "factors": [
            {"key": "hrv", "value": 48.0, "unit": "ms", "contribution": -15.0, "usual": [50.0, 53.0], "detail": {}}]},
        "risk": {"probability": 0.03, "band": "low", "factors": [], "top_change": None}}, day=date(2026, 3, 12))
    assert "HRV 48 ms over the last 7 days (your usual 50–53): -15 points" in plain(text)


def test_a_question_about_tomorrow_is_answered_with_tomorrows_session(dialog: Dialog, engine: Engine) -> None:
    """"What's tomorrow's workout?" used to get today's; it now gets the plan's session for tomorrow."""
    from datetime import timedelta

    from bot.services.coach import plan_for

    say(dialog, "ran 10k in 52 min, rpe 5")
    tomorrow = date(2026, 3, 13)  # the clock's Friday
    with session_scope(engine) as s:
        planned = plan_for(s, s.exec(select(Runner)).one(), tomorrow - timedelta(days=1))[0].session_on(tomorrow)
    for question in ("what is tomorrow's workout", "what should I do tomorrow?"):
        reply = plain(say(dialog, question)[0].text)
        assert reply.startswith("📅 Fri 13 Mar") and "Today:" not in reply
        if planned is None:
            assert "a rest day in your plan" in reply
        else:
            assert f"({round(planned.duration_min)} min)" in reply
    assert "Today:" in plain(say(dialog, "what should I do today?")[0].text)
