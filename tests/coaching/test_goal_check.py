"""The plan says at once when it cannot get the runner ready for their race, why, and what would."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from coaching.plan import Availability, Goal, build_plan
from coaching.plan.goal_check import LONG_NEED_SHARE, NEED_KM, ON_TRACK, RACE_KM
from coaching.plan.history import state_from_history
from coaching.plan.simulate import synthetic_history

MONDAY = date(2025, 3, 3)
NOVICE_DAYS = frozenset({1, 3, 6})
FIVE_DAYS = frozenset({1, 2, 3, 5, 6})


def _state(weekly_km: float, experience: str, distance_m: float, weeks_to_race: int, availability: Availability):  # type: ignore[no-untyped-def]
    hist = synthetic_history(
        MONDAY,
        weeks=8,
        weekly_km=weekly_km,
        run_days=tuple(sorted(availability.days)),
        experience=experience,
        vdot=40.0,
        seed=3,
    )
    goal = Goal.race(distance_m, MONDAY + timedelta(days=7 * weeks_to_race + 6))
    return state_from_history(MONDAY, hist, vdot=40.0, experience=experience, goal=goal, availability=availability)


def test_an_intermediate_on_45_km_a_week_is_on_track_for_a_marathon_in_16_weeks() -> None:
    st = _state(45.0, "intermediate", 42195, 16, Availability(FIVE_DAYS, 60.0, {5: 90.0, 6: 150.0}))
    check = build_plan(st).goal_check
    assert check is not None and check.verdict == "on_track"
    assert check.peak_km >= ON_TRACK * NEED_KM["marathon"]
    assert check.longest_km >= ON_TRACK * LONG_NEED_SHARE["marathon"] * RACE_KM["marathon"]
    assert check.limits == () and check.ready_by is None and check.shorter is None


def test_a_novice_on_12_km_a_week_hears_the_marathon_comes_too_soon_and_when_it_would_not() -> None:
    roomy = Availability(NOVICE_DAYS, 90.0, {6: 210.0})
    st = _state(12.0, "novice", 42195, 16, roomy)
    check = build_plan(st).goal_check
    assert check is not None and check.verdict in ("short", "far")
    assert check.limits == ("weeks",)  # the minutes would hold it; the 16 weeks do not
    assert check.shorter == "half"  # the half marathon fits what 16 weeks build
    assert check.ready_by is not None and check.ready_by > st.goal.race_date
    # the date it names is one the same plan does get the runner ready for
    later = replace(st, goal=Goal.race(42195, check.ready_by))
    again = build_plan(later).goal_check
    assert again is not None and again.verdict == "on_track"
    # the numbers behind it are in its factors
    factors = {f.key: f for f in check.factors}
    assert factors["plan_peak_km"].value == round(check.peak_km, 1)
    assert factors["longest_run_km"].detail["need"] == LONG_NEED_SHARE["marathon"] * RACE_KM["marathon"]


def test_too_few_minutes_is_named_and_no_date_is_promised() -> None:
    short_days = Availability(NOVICE_DAYS, 30.0, {})
    check = build_plan(_state(10.0, "novice", 42195, 20, short_days)).goal_check
    assert check is not None and check.verdict == "far"
    assert "minutes" in check.limits
    assert check.capacity_km < ON_TRACK * NEED_KM["marathon"]
    assert check.ready_by is None  # no race date fixes a lack of minutes


def test_no_check_without_a_long_race_without_history_or_inside_the_taper() -> None:
    five = Availability(FIVE_DAYS, 60.0, {6: 150.0})
    assert build_plan(_state(20.0, "novice", 10000, 8, five)).goal_check is None  # a 10 km
    st = _state(30.0, "intermediate", 42195, 16, five)
    assert build_plan(replace(st, goal=Goal.general())).goal_check is None
    nothing_run = replace(st, weekly_km_recent=(0.0,) * 4, weekly_km_earlier=(0.0,) * 8, recent_sessions=())
    assert build_plan(nothing_run).goal_check is None  # a beginner's floor says nothing about them
    race_week = replace(st, goal=Goal.race(42195, MONDAY + timedelta(days=6)))
    assert build_plan(race_week).goal_check is None
