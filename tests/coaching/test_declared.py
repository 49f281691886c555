"""A new runner is planned from the volume they told us, not from a beginner's floor."""

from __future__ import annotations

from datetime import date, timedelta

from coaching.plan import Goal, SessionSummary, build_plan
from coaching.plan.declared import DECLARED_LONG_SHARE, HISTORY_RUNS, with_declared_volume
from coaching.plan.history import state_from_history
from coaching.plan.periodisation import START_KM, current_week

THURSDAY = date(2026, 3, 12)
GOAL = Goal.race(42195, THURSDAY + timedelta(days=7 * 16 + 3))


def _new(today: date, sessions: list[SessionSummary] | None = None):  # type: ignore[no-untyped-def]
    return state_from_history(today, sessions or [], goal=GOAL, experience="intermediate", vdot=45.0)


def test_the_weeks_before_joining_count_as_the_declared_volume() -> None:
    joined = THURSDAY - timedelta(days=7)  # Thursday of last week
    race = SessionSummary(THURSDAY - timedelta(days=20), "run", 2900.0, 10_000.0, 9.0, "race", "race")
    st = with_declared_volume(_new(THURSDAY, [race]), 45.0, joined, runs_before=1)
    # three full weeks before joining, the race's week at the usual 45 (the race is part of it)
    assert st.weekly_km_recent[:3] == (45.0, 45.0, 45.0)
    assert st.weekly_km_recent[3] == round(45.0 * 3 / 7, 2)  # last week: Monday to Wednesday before joining
    assert st.weekly_km_earlier == (45.0,) * 8
    assert st.longest_run_30d_m == DECLARED_LONG_SHARE * 45.0 * 1000.0
    assert st.running_until == joined


def test_a_new_runner_starts_from_the_declared_week_and_grows_from_there() -> None:
    cold = _new(THURSDAY)
    assert current_week(cold).mode == "return" and current_week(cold).target_km <= START_KM["intermediate"]
    st = with_declared_volume(cold, 45.0, THURSDAY)
    week = current_week(st)
    assert week.mode == "normal"
    assert 0.9 * 45.0 <= week.planned_km <= 45.0 + 0.5  # the joining week holds their level
    plan = build_plan(st)
    assert 45.0 < plan.weeks[1].target_km <= 45.0 * 1.25  # then it grows within the usual gates
    assert all(s.distance_km <= 1.1 * DECLARED_LONG_SHARE * 45.0 + 0.01 for s in week.sessions)


def test_nothing_logged_three_weeks_after_joining_is_a_break() -> None:
    joined = THURSDAY - timedelta(days=21)
    week = current_week(with_declared_volume(_new(THURSDAY), 45.0, joined))
    assert week.mode == "return"  # what they told us ended three weeks ago
    assert week.target_km <= 0.5 * 45.0 * 1.06


def test_a_history_of_their_own_is_not_overwritten() -> None:
    cold = _new(THURSDAY)
    assert with_declared_volume(cold, 45.0, THURSDAY, runs_before=HISTORY_RUNS) is cold
    assert with_declared_volume(cold, 0.0, THURSDAY) is cold
    assert with_declared_volume(cold, 45.0, THURSDAY + timedelta(days=1)) is cold  # joins in the future


def test_a_race_told_at_sign_up_is_not_taken_for_the_last_run_before_a_break() -> None:
    race = SessionSummary(THURSDAY - timedelta(days=12), "run", 2900.0, 10_000.0, 9.0, "race", "race")
    st = with_declared_volume(_new(THURSDAY, [race]), 35.0, THURSDAY, runs_before=1)
    week = current_week(st)
    assert week.mode == "normal" and week.planned_km >= 0.9 * 35.0
