"""Bench today's recommendation: one runner with 3 years of history (the policy alone and the full engine
path), and 10,000 varied runners per second through the policy (the batch engine path is in bench_morning).

Prints JSON. Run: ``python bench/bench_today.py``.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import date, timedelta

from coaching.plan import Availability, Goal, recommend_today
from coaching.plan.history import state_from_history
from coaching.plan.simulate import synthetic_history
from coaching.plan.state import RunnerState

TODAY = date(2025, 6, 4)


def three_year_history() -> list:  # type: ignore[type-arg]
    vols = [30 + 15 * ((w // 16) % 2) + (w % 16) * 1.5 for w in range(156)]
    return synthetic_history(
        TODAY, weeks=156, weekly_km=vols, run_days=(1, 2, 3, 5, 6), quality_days=(1, 3), vdot=48.0, seed=1
    )


def full_engine_path_ms(hist: list) -> float:  # type: ignore[type-arg]
    """What the chat runs for "what should I do today?" once the history is loaded: the engine's
    assessment (load, fitness/fatigue, readiness, risk over 3 years), VDOT, the feedback model and the
    policy (``bot.services.coach.decide``); median of warm runs, in ms."""
    from types import SimpleNamespace

    import pandas as pd

    from bot.services import coach
    from coaching.risk import assess
    from models.tables import Runner

    runner = Runner(id=1, external_id="bench", name="Bench", sex="f", hr_max=186.0, hr_rest=48.0,
                    experience="intermediate", goal_kind="race", goal_distance_m=42195.0,
                    goal_date=TODAY + timedelta(days=60))
    rng = random.Random(3)
    acts = [SimpleNamespace(runner_id=1, local_date=s.date, sport="running" if s.is_run else "cycling",
                            moving_time_s=s.duration_s, elapsed_time_s=s.duration_s, distance_m=s.distance_m,
                            rpe=s.rpe, avg_hr=s.avg_hr, elevation_gain_m=None, best_efforts={}, feel=None)
            for s in hist]
    chks = [SimpleNamespace(runner_id=1, local_date=TODAY - timedelta(days=d), hrv_ms=rng.gauss(55, 6),
                            rhr_bpm=rng.gauss(50, 2), sleep_h=rng.uniform(6, 8.5), sleep_quality=3, fatigue=2,
                            soreness=2, stress=2, mood=4, pain_score=None, illness=None, pain_area=None)
            for d in range(3 * 365, -1, -1)]
    history = coach.History(runner, acts, chks, [], [])
    times = []
    for i in range(25):
        t0 = time.perf_counter()
        assessment = assess(coach.sessions_frame(acts), coach.checkins_frame(chks), coach.profile_of(runner),
                            pd.Timestamp(TODAY), runner_id=1)
        coach.decide(history, assessment, TODAY)
        if i >= 5:
            times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    hist = three_year_history()
    goal = Goal.race(42195, TODAY + timedelta(days=60))
    kw = {
        "vdot": 48.0,
        "hr_max": 186.0,
        "hr_rest": 48.0,
        "readiness_score": 68.0,
        "readiness_band": "normal",
        "risk_probability": 0.08,
        "risk_band": "low",
        "goal": goal,
    }
    # one runner, warm: state built from 3 years of history + recommendation
    for _ in range(20):
        recommend_today(state_from_history(TODAY, hist, **kw))
    t_state, t_rec = [], []
    for _ in range(300):
        t0 = time.perf_counter()
        st = state_from_history(TODAY, hist, **kw)
        t1 = time.perf_counter()
        recommend_today(st)
        t2 = time.perf_counter()
        t_state.append((t1 - t0) * 1000)
        t_rec.append((t2 - t1) * 1000)

    # 10,000 runners: varied states (history summarised upstream, as the lead's pipeline does)
    rng = random.Random(5)
    base = state_from_history(TODAY, hist, **kw)
    states: list[RunnerState] = []
    for i in range(10_000):
        k = rng.uniform(0.4, 1.6)
        states.append(
            RunnerState(
                today=TODAY + timedelta(days=i % 7),
                readiness_score=rng.uniform(20, 95),
                readiness_band=rng.choice(["ready", "normal", "normal", "caution", "rest"]),
                risk_probability=rng.uniform(0, 0.4),
                risk_band=rng.choice(["low", "low", "moderate", "high"]),
                fitness=base.fitness,
                fatigue=base.fatigue,
                form=base.form,
                acwr=base.acwr,
                longest_run_30d_m=(base.longest_run_30d_m or 0) * k,
                weekly_km_recent=tuple(x * k for x in base.weekly_km_recent),
                recent_sessions=base.recent_sessions,
                vdot=rng.uniform(30, 65),
                hr_max=186.0,
                hr_rest=48.0,
                illness=rng.choice([None] * 18 + ["above_neck", "below_neck"]),
                pain_area=rng.choice([None] * 19 + ["knee"]),
                experience=rng.choice(["novice", "intermediate", "advanced"]),
                goal=rng.choice(
                    [goal, Goal.general(), Goal.race(10000, TODAY + timedelta(days=rng.randint(3, 120)))]
                ),
                availability=Availability(
                    frozenset(rng.sample(range(7), rng.randint(3, 7))), rng.choice([30.0, 45.0, 60.0])
                ),
            )
        )
    t0 = time.perf_counter()
    for s in states:
        recommend_today(s)
    dt = time.perf_counter() - t0
    engine_ms = full_engine_path_ms(hist)
    print(
        json.dumps(
            {
                "history_sessions": len(hist),
                "one_runner_full_engine_path_ms_median": engine_ms,
                "one_runner_state_from_history_ms_median": round(statistics.median(t_state), 3),
                "one_runner_recommend_ms_median": round(statistics.median(t_rec), 3),
                "one_runner_total_ms_median": round(
                    statistics.median(a + b for a, b in zip(t_state, t_rec, strict=True)), 3
                ),
                "runners": len(states),
                "runners_per_second": round(len(states) / dt),
            }
        )
    )


if __name__ == "__main__":
    main()
