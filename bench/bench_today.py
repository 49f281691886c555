"""Bench today's recommendation: one runner with 3 years of history, and 10,000 runners per second.

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
    print(
        json.dumps(
            {
                "history_sessions": len(hist),
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
