"""Build a :class:`RunnerState` from a session history (for tests, the simulator and the bench).

Load is session-RPE (CR-10 RPE x minutes; Foster et al. 2001). ``fitness``/``fatigue`` are EWMAs of
daily load with N = 42 and N = 7 days, ``acwr`` the EWMA 7:28 ratio (lambda = 2/(N+1); Williams et
al. 2017). Only the last 200 days enter the EWMAs (older weight < 0.1 %).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from coaching.plan.state import RunnerState, SessionSummary
from coaching.plan.workouts import EXPECTED_RPE

EWMA_WINDOW_DAYS = 200


def session_load(s: SessionSummary) -> float:
    """Session-RPE load, CR-10 x minutes (RPE defaults to the workout type's expected RPE)."""
    rpe = s.rpe if s.rpe is not None else EXPECTED_RPE.get(s.workout_type or "easy", 3.0)
    return rpe * s.duration_s / 60.0


EARLIER_WEEKS = 8


def load_summary(today: date, sessions: Sequence[SessionSummary]) -> dict[str, float | None]:
    """fitness, fatigue, form, acwr, longest_run_30d_m, and running km of the four Monday-Sunday
    weeks before the current week (w0 oldest .. w3 last week) and of the ``EARLIER_WEEKS`` weeks
    before those (e0 oldest .. e7)."""
    start = today - timedelta(days=EWMA_WINDOW_DAYS)
    daily = [0.0] * EWMA_WINDOW_DAYS
    weekly = [0.0, 0.0, 0.0, 0.0]
    earlier = [0.0] * EARLIER_WEEKS
    longest = 0.0
    week0 = today - timedelta(days=today.weekday())
    for s in sessions:
        if not (start <= s.date < today):
            continue
        i = (s.date - start).days
        daily[i] += session_load(s)
        back = (today - s.date).days  # 1..200
        if s.is_run:
            wk = (week0 - s.date).days  # 1.. for days before this Monday
            if 0 < wk <= 28:
                weekly[3 - (wk - 1) // 7] += s.distance_m / 1000.0
            elif 28 < wk <= 28 + 7 * EARLIER_WEEKS:
                earlier[EARLIER_WEEKS - 1 - (wk - 29) // 7] += s.distance_m / 1000.0
            if back <= 30 and s.distance_m > longest:
                longest = s.distance_m
    l42, l7, l28 = 2.0 / 43.0, 2.0 / 8.0, 2.0 / 29.0
    fit = fat = chronic = 0.0
    for x in daily:
        fit += l42 * (x - fit)
        fat += l7 * (x - fat)
        chronic += l28 * (x - chronic)
    return {
        "fitness": fit,
        "fatigue": fat,
        "form": fit - fat,
        "acwr": fat / chronic if chronic > 1e-9 else None,
        "longest_run_30d_m": longest,
        "w0": weekly[0],
        "w1": weekly[1],
        "w2": weekly[2],
        "w3": weekly[3],
        **{f"e{i}": earlier[i] for i in range(EARLIER_WEEKS)},
    }


def state_from_history(today: date, sessions: Sequence[SessionSummary], **fields: object) -> RunnerState:
    """A :class:`RunnerState` for ``today`` from all ``sessions`` before today; ``fields`` set the rest
    (readiness, risk, goal, availability, vdot, ...) and may override computed values."""
    s = load_summary(today, sessions)
    cutoff = today - timedelta(days=14)
    recent = tuple(x for x in sessions if cutoff <= x.date < today)
    computed: dict[str, object] = {
        "fitness": s["fitness"],
        "fatigue": s["fatigue"],
        "form": s["form"],
        "acwr": s["acwr"],
        "longest_run_30d_m": s["longest_run_30d_m"],
        "weekly_km_recent": (s["w0"], s["w1"], s["w2"], s["w3"]),
        "weekly_km_earlier": tuple(s[f"e{i}"] for i in range(EARLIER_WEEKS)),
        "recent_sessions": recent,
    }
    computed.update(fields)
    return RunnerState(today=today, **computed)  # type: ignore[arg-type]
