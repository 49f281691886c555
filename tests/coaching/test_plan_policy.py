from __future__ import annotations

import json
import time
from datetime import date, timedelta

from coaching.plan import Goal, SessionSummary, recommend_today
from coaching.plan.history import state_from_history
from coaching.plan.simulate import synthetic_history
from coaching.plan.state import PersonalParams

MONDAY = date(2025, 3, 3)


def _hist() -> list[SessionSummary]:
    return synthetic_history(
        MONDAY, weeks=8, weekly_km=45, run_days=(1, 2, 3, 5, 6), quality_days=(2,), vdot=48.0, seed=21
    )


def test_json_shape() -> None:
    st = state_from_history(
        MONDAY + timedelta(days=2),
        _hist(),
        vdot=48.0,
        hr_max=185.0,
        hr_rest=50.0,
        readiness_score=72.0,
        readiness_band="normal",
        goal=Goal.race(21097.5, MONDAY + timedelta(days=60)),
    )
    out = recommend_today(st).to_json()
    json.dumps(out)
    w = out["workout"]
    assert isinstance(w, dict)
    assert set(w) >= {"type", "duration_min", "distance_km", "structure", "pace_s_per_km", "hr_bpm"}
    assert isinstance(out["reasons"], list) and out["reasons"]
    r0 = out["reasons"][0]
    assert set(r0) >= {"key", "value", "unit", "contribution"}
    would = out["would_change"]
    assert isinstance(would, list)
    for wc in would:
        assert set(wc) == {"key", "params", "then", "when"}
        assert " " not in str(wc["key"])


def test_hard_yesterday_blocks_hard_today_with_would_change() -> None:
    hist = _hist()
    wed = MONDAY + timedelta(days=2)
    hist = [s for s in hist if s.date < wed - timedelta(days=1)]
    hist.append(SessionSummary(wed - timedelta(days=1), "run", 3000, 10000, 8.0, "hard", "intervals"))
    st = state_from_history(
        wed,
        hist,
        vdot=48.0,
        readiness_score=80.0,
        readiness_band="ready",
        goal=Goal.race(21097.5, MONDAY + timedelta(days=60)),
    )
    rec = recommend_today(st)
    assert not rec.workout.is_hard_day
    if rec.plan_intent in ("tempo", "intervals", "hills", "race_pace", "progression", "long"):
        assert any(w["key"] == "hard_gap_elapsed" for w in rec.would_change)
        assert any(f.key == "days_since_hard" for f in rec.reasons)


def test_personal_recovery_days_widen_the_gap() -> None:
    hist = _hist()
    thu = MONDAY + timedelta(days=3)
    hist = [s for s in hist if s.date < thu - timedelta(days=2)]
    hist.append(SessionSummary(thu - timedelta(days=2), "run", 3000, 10000, 8.0, "hard", "intervals"))
    slow = PersonalParams(recovery_days=3.6, recovery_n=10)
    for personal, allowed in ((None, True), (slow, False)):
        st = state_from_history(
            thu,
            hist,
            vdot=48.0,
            readiness_score=80.0,
            readiness_band="ready",
            personal=personal,
            goal=Goal.race(21097.5, MONDAY + timedelta(days=60)),
        )
        rec = recommend_today(st)
        if not allowed:
            assert not rec.workout.is_hard_day


def test_high_risk_blocks_hard_and_shortens() -> None:
    sun = MONDAY + timedelta(days=6)
    kw = {
        "vdot": 48.0,
        "readiness_score": 75.0,
        "readiness_band": "ready",
        "goal": Goal.race(42195, MONDAY + timedelta(days=80)),
    }
    base = recommend_today(state_from_history(sun, _hist(), **kw))
    risky = recommend_today(state_from_history(sun, _hist(), risk_probability=0.4, risk_band="high", **kw))
    assert not risky.workout.is_hard_day
    assert risky.workout.duration_min <= base.workout.duration_min


def test_fast_enough() -> None:
    st = state_from_history(
        MONDAY + timedelta(days=2),
        _hist(),
        vdot=48.0,
        readiness_score=70.0,
        readiness_band="normal",
        goal=Goal.race(21097.5, MONDAY + timedelta(days=60)),
    )
    recommend_today(st)
    t = time.perf_counter()
    for _ in range(200):
        recommend_today(st)
    assert (time.perf_counter() - t) / 200 < 0.005  # generous for CI; the bench shows ~0.2 ms
