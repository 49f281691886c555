"""Scenario tests over simulated runners with full histories: type, intensity and volume (not wording)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from coaching.factors import Factor
from coaching.plan import Availability, Constraints, Goal, SessionSummary, build_plan, recommend_today
from coaching.plan.history import state_from_history
from coaching.plan.periodisation import current_week
from coaching.plan.simulate import synthetic_history
from coaching.plan.state import RunnerState
from coaching.plan.workouts import HARD_DAY_TYPES, INTENSITY, QUALITY_TYPES

MONDAY = date(2025, 3, 3)
READY = {"readiness_score": 70.0, "readiness_band": "normal", "risk_probability": 0.06, "risk_band": "low"}


def make_state(today: date, hist: list[SessionSummary], **kw: object) -> RunnerState:
    fields: dict[str, object] = dict(READY)
    fields.update(kw)
    return state_from_history(today, hist, **fields)


def week_of_recs(first: date, hist: list[SessionSummary], **kw: object) -> list[tuple[date, object]]:
    """A week of recommendations for a runner who does what the coach says (runs are logged, so a
    week with no logged run does not look like a break on Sunday)."""
    hist = list(hist)
    out: list[tuple[date, object]] = []
    for i in range(7):
        day = first + timedelta(days=i)
        rec = recommend_today(make_state(day, hist, **kw))
        w = rec.workout
        if w.is_run and w.type != "race":
            hist.append(
                SessionSummary(
                    day,
                    "run",
                    w.duration_min * 60.0,
                    (w.distance_km or 0.0) * 1000.0,
                    w.expected_rpe,
                    INTENSITY[w.type],
                    w.type,
                )
            )
        out.append((day, rec))
    return out


# --------------------------------------------------------------------------- novice, 3 runs a week
def test_novice_three_runs_a_week() -> None:
    hist = synthetic_history(
        MONDAY,
        weeks=8,
        weekly_km=[8, 9, 9, 10, 10, 11, 11, 12],
        run_days=(1, 3, 6),
        experience="novice",
        vdot=32.0,
        seed=1,
    )
    av = Availability(frozenset({1, 3, 6}), 45.0, {6: 75.0})
    kw = {
        "experience": "novice",
        "vdot": 32.0,
        "availability": av,
        "goal": Goal.race(10000, MONDAY + timedelta(days=84)),
    }
    total_min = 0.0
    for day, rec in week_of_recs(MONDAY, hist, **kw):
        w = rec.workout  # type: ignore[attr-defined]
        if day.weekday() not in av.days:
            assert w.type == "rest"
        else:
            assert w.type in ("easy", "recovery", "strides", "long", "progression")
            assert w.type != "intervals"
            total_min += w.duration_min
    assert total_min <= 3 * 60  # modest: well under 3 h in the week
    plan = build_plan(make_state(MONDAY, hist, **kw))
    km = [w.planned_km for w in plan.weeks]
    assert km[0] <= 12 * 1.15
    for w in plan.weeks[:4]:  # early weeks: no intervals for a novice
        assert all(s.type != "intervals" for s in w.sessions)
        assert {s.day.weekday() for s in w.sessions} <= {1, 3, 6}


# --------------------------------------------------------------------------- marathoner mid-build
def test_marathoner_mid_build_long_run_and_quality() -> None:
    vols = [40, 42, 44, 36, 45, 47, 49, 40, 48, 50]
    hist = synthetic_history(
        MONDAY,
        weeks=10,
        weekly_km=vols,
        run_days=(1, 2, 3, 5, 6),
        quality_days=(1,),
        long_share=0.32,
        vdot=47.0,
        seed=2,
    )
    av = Availability(frozenset({1, 2, 3, 5, 6}), 60.0, {5: 90.0, 6: 180.0}, 6)
    kw = {
        "vdot": 47.0,
        "hr_max": 188.0,
        "hr_rest": 48.0,
        "availability": av,
        "goal": Goal.race(42195, MONDAY + timedelta(days=7 * 10 + 6)),
    }
    st = make_state(MONDAY, hist, **kw)
    week = current_week(st)
    assert week.phase == "build"
    assert 0.9 * vols[-1] <= week.target_km <= 1.15 * vols[-1]
    recs = dict(week_of_recs(MONDAY, hist, **kw))
    sunday = recs[MONDAY + timedelta(days=6)].workout  # type: ignore[attr-defined]
    assert sunday.type == "long"
    longest = st.longest_run_30d_m or 0.0
    assert 14.0 <= (sunday.distance_km or 0.0) <= 1.1 * longest / 1000.0 + 0.5
    quality = [r.workout for r in recs.values() if r.workout.type in QUALITY_TYPES]  # type: ignore[attr-defined]
    assert 1 <= len(quality) <= 2
    q = quality[0]
    assert q.pace_s_per_km is not None and q.hr_bpm is not None
    assert q.structure[0].kind == "warmup" and q.structure[-1].kind == "cooldown"


# --------------------------------------------------------------------------- sharp knee pain
def test_sharp_knee_pain_no_running_and_professional_flag() -> None:
    hist = synthetic_history(MONDAY, weeks=8, weekly_km=35, run_days=(1, 3, 5, 6), seed=3)
    for pain_days in (1, 5):
        rec = recommend_today(
            make_state(
                MONDAY + timedelta(days=1),
                hist,
                pain_area="knee",
                pain_days=pain_days,
                pain_sharp=True,
                vdot=45.0,
            )
        )
        assert not rec.workout.is_run
        assert rec.workout.type in ("rest", "cross_training")
        assert "see_professional" in rec.flags
        assert any(f.key == "pain_days" for f in rec.reasons)
    mild = recommend_today(make_state(MONDAY + timedelta(days=1), hist, pain_area="knee", pain_days=1))
    assert not mild.workout.is_run and "see_professional" not in mild.flags
    long_mild = recommend_today(make_state(MONDAY + timedelta(days=1), hist, pain_area="knee", pain_days=4))
    assert "see_professional" in long_mild.flags


# --------------------------------------------------------------------------- overreached runner
def test_overreached_falling_hrv_rising_rpe_gets_no_quality() -> None:
    hist = synthetic_history(
        MONDAY,
        weeks=6,
        weekly_km=[40, 45, 50, 55, 60, 62],
        run_days=(1, 2, 3, 5, 6),
        quality_days=(1, 3),
        rpe_shift=2.0,
        seed=4,
    )
    hrv = Factor("hrv", -0.35, "ln_rmssd_z", -18.0)
    tue = MONDAY + timedelta(days=1)
    for band, score in (("caution", 45.0), ("rest", 30.0)):
        st = make_state(
            tue,
            hist,
            readiness_score=score,
            readiness_band=band,
            readiness_factors=(hrv,),
            vdot=46.0,
            goal=Goal.race(21097.5, MONDAY + timedelta(days=60)),
        )
        rec = recommend_today(st)
        assert rec.workout.type in ("easy", "recovery", "rest", "cross_training")
        assert rec.workout.intensity in ("easy", "rest")
        if rec.plan_intent in HARD_DAY_TYPES:
            assert any(w["key"] in ("hrv_back_in_range", "readiness_at_least") for w in rec.would_change)
    # readiness fine but RPE drift high: hard sessions are scored down, not chosen over easy ones
    st = make_state(
        tue,
        hist,
        vdot=46.0,
        readiness_score=60.0,
        readiness_band="normal",
        goal=Goal.race(21097.5, MONDAY + timedelta(days=60)),
    )
    rec = recommend_today(st)
    assert rec.workout.type not in ("intervals", "hills")


# --------------------------------------------------------------------------- race in 6 days
def test_race_in_six_days_taper() -> None:
    vols = [55, 60, 62, 50, 64, 66, 52, 45]
    hist = synthetic_history(
        MONDAY, weeks=8, weekly_km=vols, run_days=(1, 2, 3, 5, 6), quality_days=(2,), vdot=50.0, seed=5
    )
    race = MONDAY + timedelta(days=6)
    kw = {
        "vdot": 50.0,
        "goal": Goal.race(42195, race),
        "availability": Availability(frozenset({1, 2, 3, 5, 6}), 60.0, {6: 240.0}),
    }
    st = make_state(MONDAY, hist, **kw)
    week = current_week(st)
    assert week.phase == "taper"
    assert week.target_km <= 0.6 * max(vols[-4:])
    assert all(s.type != "long" for s in week.sessions if s.day < race)
    assert any(s.type == "race_pace" for s in week.sessions)
    recs = week_of_recs(MONDAY, hist, **kw)
    for day, rec in recs:
        w = rec.workout  # type: ignore[attr-defined]
        if day == race:
            assert w.type == "race"
            continue
        assert w.type != "long"
        assert w.duration_min <= 60.0
        if w.type == "race_pace":
            assert (race - day).days >= 3
            main = next(s for s in w.structure if s.kind == "main")
            assert (main.duration_min or 0) * main.reps <= 25.0  # short touches
        if (race - day).days <= 2:
            assert w.intensity in ("easy", "rest")


# --------------------------------------------------------------------------- back after 3 weeks off
def test_back_after_three_weeks_off() -> None:
    hist = synthetic_history(
        MONDAY, weeks=8, weekly_km=40, run_days=(1, 3, 5, 6), quality_days=(3,), gap_days=21, seed=6
    )
    st = make_state(MONDAY + timedelta(days=1), hist, vdot=45.0)
    assert max(st.weekly_km_recent[-3:]) == 0.0
    rec = recommend_today(st)
    assert rec.workout.type in ("easy", "recovery", "rest")
    week = current_week(st)
    assert week.mode == "return"
    assert week.target_km <= 0.5 * 40 + 0.1
    assert all(s.type == "easy" for s in week.sessions)
    assert any(f.key == "plan_intent" and f.detail.get("mode") == "return" for f in rec.reasons)
    for i in range(7):
        r = recommend_today(make_state(MONDAY + timedelta(days=1 + i), hist, vdot=45.0))
        assert r.workout.type in ("easy", "recovery", "rest")
        assert r.workout.duration_min <= 45.0
    plan = build_plan(st, weeks=4)
    assert all(s.type not in QUALITY_TYPES for w in plan.weeks[:2] for s in w.sessions)


# --------------------------------------------------------------------------- 30 minutes a day
def test_only_thirty_minutes_a_day() -> None:
    hist = synthetic_history(
        MONDAY, weeks=8, weekly_km=30, run_days=(0, 1, 2, 3, 4, 5, 6), quality_days=(2,), seed=7
    )
    av = Availability(frozenset(range(7)), 30.0, {})
    kw = {"vdot": 44.0, "availability": av, "goal": Goal.race(10000, MONDAY + timedelta(days=70))}
    for _, rec in week_of_recs(MONDAY, hist, **kw):
        assert rec.workout.duration_min <= 30.0 + 1e-6  # type: ignore[attr-defined]
    plan = build_plan(make_state(MONDAY, hist, **kw), weeks=6)
    assert all(s.duration_min <= 30.0 + 1e-6 for w in plan.weeks for s in w.sessions)
    # a today-only cap
    st = make_state(
        MONDAY + timedelta(days=6), hist, vdot=44.0, constraints=Constraints(today_max_minutes=25.0)
    )
    assert recommend_today(st).workout.duration_min <= 25.0


# --------------------------------------------------------------------------- illness
def test_illness_above_vs_below_the_neck() -> None:
    hist = synthetic_history(MONDAY, weeks=8, weekly_km=40, run_days=(1, 2, 3, 5, 6), seed=8)
    day = MONDAY + timedelta(days=1)
    healthy = recommend_today(make_state(day, hist, vdot=45.0))
    above = recommend_today(make_state(day, hist, vdot=45.0, illness="above_neck"))
    assert above.workout.type in ("easy", "recovery")
    assert above.workout.duration_min <= min(30.0, max(20.0, 0.6 * healthy.workout.duration_min)) + 1e-6
    for kind in ("below_neck", "fever"):
        rec = recommend_today(make_state(day, hist, vdot=45.0, illness=kind))
        assert rec.workout.type == "rest"
        assert any(w["key"] == "symptoms_resolved" for w in rec.would_change)


# --------------------------------------------------------------------------- no hard days back to back
def test_no_hard_days_back_to_back_when_following_the_coach() -> None:
    hist = synthetic_history(
        MONDAY,
        weeks=8,
        weekly_km=[40, 42, 44, 46, 48, 50, 52, 54],
        run_days=(0, 1, 2, 3, 4, 5, 6),
        quality_days=(1, 3),
        vdot=50.0,
        seed=9,
    )
    goal = Goal.race(21097.5, MONDAY + timedelta(days=70))
    av = Availability(frozenset(range(7)), 75.0, {6: 150.0})
    hard_days: list[date] = []
    for i in range(35):
        day = MONDAY + timedelta(days=i)
        rec = recommend_today(
            make_state(
                day,
                hist,
                vdot=50.0,
                goal=goal,
                availability=av,
                readiness_score=85.0,
                readiness_band="ready",
                experience="advanced",
            )
        )
        w = rec.workout
        if w.is_run:
            hist.append(
                SessionSummary(
                    day,
                    "run",
                    w.duration_min * 60,
                    (w.distance_km or 0) * 1000,
                    w.expected_rpe,
                    INTENSITY[w.type],
                    w.type,
                )
            )
        if w.is_hard_day:
            hard_days.append(day)
    assert len(hard_days) >= 8  # the plan does contain quality and long runs
    gaps = [(b - a).days for a, b in itertools.pairwise(hard_days)]
    assert min(gaps) >= 2
