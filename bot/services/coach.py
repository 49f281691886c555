"""The coach service: a runner's stored history in, the engine's answers out.

Storage rows become the engine's input frames (``coaching.inputs``); the engine's typed results
come back with their factors, ready for templates. No sentences here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session

from bot.services.feedback import learn, log_today
from bot.services.profile import WEEKDAYS, day_constraints
from coaching.inputs import RUN_SPORTS, RunnerProfile
from coaching.plan.feedback import FeedbackModel
from coaching.plan.goals import Availability, Constraints, Goal
from coaching.plan.policy import Recommendation, factor_json
from coaching.plan.state import RunnerState, SessionSummary
from coaching.plan.today import Plan, build_plan, recommend_today
from coaching.risk import Assessment, assess
from models.queries import activities, checkins, save_recommendation
from models.tables import Activity, CheckIn, Runner

HISTORY_DAYS = 400
ILLNESS_CODES = {"above_neck": "above_neck", "below_neck": "below_neck", "fever": "fever", "unwell": "below_neck"}


@dataclass(frozen=True, slots=True)
class History:
    """A runner's recent stored history, as rows and as the engine's input frames."""

    runner: Runner
    activities: list[Activity]
    checkins: list[CheckIn]
    sessions_frame: pd.DataFrame
    checkins_frame: pd.DataFrame
    profile: RunnerProfile


@dataclass(frozen=True, slots=True)
class Advice:
    """Today's answer for one runner: the assessment, the state the policy saw, and its choice."""

    today: date
    assessment: Assessment
    state: RunnerState
    recommendation: Recommendation
    feedback: FeedbackModel

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``runcoach today`` and the payload stored for "why?"."""
        out = self.recommendation.to_json()
        r, k = self.assessment.readiness, self.assessment.risk
        out["date"] = self.today.isoformat()
        out["readiness"] = {"score": round(r.score, 1), "band": r.band, "confidence": round(r.confidence, 2),
                            "factors": [factor_json(f) for f in r.factors], "missing": list(r.missing)}
        out["risk"] = {"probability": round(k.probability, 4), "band": k.band,
                       "factors": [factor_json(f) for f in k.factors],
                       "top_change": None if k.top_change is None else {
                           "key": k.top_change.key, "target": k.top_change.target, "unit": k.top_change.unit,
                           "new_probability": round(k.top_change.new_probability, 4)}}
        return out


def _sessions_frame(runner_id: int, rows: list[Activity]) -> pd.DataFrame:
    return pd.DataFrame({
        "runner_id": [runner_id] * len(rows),
        "date": pd.to_datetime([a.local_date for a in rows]),
        "sport": [a.sport for a in rows],
        "duration_s": [a.moving_time_s or a.elapsed_time_s for a in rows],
        "distance_m": [a.distance_m for a in rows],
        "rpe": [a.rpe for a in rows],
        "avg_hr": [a.avg_hr for a in rows],
        "elevation_gain_m": [a.elevation_gain_m for a in rows],
    }, columns=["runner_id", "date", "sport", "duration_s", "distance_m", "rpe", "avg_hr", "elevation_gain_m"])


def _checkins_frame(runner_id: int, rows: list[CheckIn]) -> pd.DataFrame:
    return pd.DataFrame({
        "runner_id": [runner_id] * len(rows),
        "date": pd.to_datetime([c.local_date for c in rows]),
        **{key: [getattr(c, key) for c in rows] for key in (
            "hrv_ms", "rhr_bpm", "sleep_h", "sleep_quality", "fatigue", "soreness", "stress", "mood", "pain_score")},
        "illness": [None if c.illness is None else float(c.illness != "none") for c in rows],
        "pain_area": [c.pain_area for c in rows],
    })


def load_history(session: Session, runner: Runner, today: date, days: int = HISTORY_DAYS) -> History:
    """The runner's activities and check-ins of the last ``days`` days up to ``today``."""
    assert runner.id is not None
    since = today - timedelta(days=days)
    acts = list(activities(session, runner.id, since=since, until=today))
    chks = [c for c in checkins(session, runner.id, since=since) if c.local_date <= today]
    profile = RunnerProfile(sex=runner.sex, hr_max=runner.hr_max, hr_rest=runner.hr_rest)
    return History(runner, acts, chks, _sessions_frame(runner.id, acts), _checkins_frame(runner.id, chks), profile)


def _summaries(history: History, today: date) -> tuple[SessionSummary, ...]:
    out = []
    for a in history.activities:
        if today - timedelta(days=14) <= a.local_date < today:
            out.append(SessionSummary(
                date=a.local_date, sport="run" if a.sport in RUN_SPORTS else "cross_training",
                duration_s=float(a.moving_time_s or a.elapsed_time_s or 0.0), distance_m=float(a.distance_m or 0.0),
                rpe=a.rpe, intensity="hard" if (a.rpe or 0) >= 7 else "easy", avg_hr=a.avg_hr))
    return tuple(out)


def _weekly_km(history: History, today: date) -> tuple[float, ...]:
    weeks = [0.0, 0.0, 0.0, 0.0]
    for a in history.activities:
        back = (today - a.local_date).days
        if a.sport in RUN_SPORTS and 1 <= back <= 28:
            weeks[3 - (back - 1) // 7] += (a.distance_m or 0.0) / 1000
    return tuple(round(w, 2) for w in weeks)


def _pain(history: History, today: date) -> tuple[str | None, int, bool]:
    """The body area of pain reported in the last 3 days, for how many consecutive days, and if sharp."""
    by_day = {c.local_date: c for c in history.checkins}
    area, days, sharp = None, 0, False
    day = today
    while day in by_day and by_day[day].pain_area:
        area = area or by_day[day].pain_area
        sharp = sharp or (by_day[day].pain_score or 0) >= 6
        days += 1
        day -= timedelta(days=1)
    if area is None:
        for back in (1, 2):
            c = by_day.get(today - timedelta(days=back))
            if c is not None and c.pain_area:
                return c.pain_area, 1, (c.pain_score or 0) >= 6
    return area, days, sharp


def _illness(history: History, today: date) -> str | None:
    for back in (0, 1):
        c = next((c for c in history.checkins if c.local_date == today - timedelta(days=back)), None)
        if c is not None and c.illness:
            return ILLNESS_CODES.get(c.illness)
    return None


def goal_of(runner: Runner) -> Goal:
    """The runner's goal as the planner sees it."""
    if runner.goal_kind == "race" and runner.goal_distance_m and runner.goal_date:
        return Goal.race(runner.goal_distance_m, runner.goal_date, runner.goal_time_s)
    return Goal.general()


def availability_of(runner: Runner) -> Availability:
    """Training days, minutes per day and the long-run day."""
    days = frozenset(WEEKDAYS.index(d) for d in (runner.available_days or "").split(",") if d in WEEKDAYS)
    long_day = WEEKDAYS.index(runner.long_run_day) if runner.long_run_day in WEEKDAYS else None
    if runner.available_minutes:
        return Availability(days=days or frozenset(range(7)), minutes=float(runner.available_minutes),
                            minutes_by_day={}, long_run_day=long_day)
    return Availability(days=days or frozenset(range(7)), long_run_day=long_day)


def runner_state(session: Session, history: History, assessment: Assessment, today: date,
                 vdot: float | None = None) -> RunnerState:
    """Everything the policy needs, from storage and the assessment."""
    runner = history.runner
    assert runner.id is not None
    limits = day_constraints(session, runner.id, today)
    cap = next((c.max_minutes for c in limits if c.local_date == today and c.max_minutes), None)
    away = frozenset(c.local_date for c in limits if c.unavailable)
    pain_area, pain_days, pain_sharp = _pain(history, today)
    m = assessment.metrics_today
    r, k = assessment.readiness, assessment.risk
    runs = [a for a in history.activities if a.sport in RUN_SPORTS and a.local_date < today
            and a.local_date >= today - timedelta(days=30)]
    return RunnerState(
        today=today, readiness_score=r.score, readiness_band=r.band, readiness_factors=r.factors,
        risk_probability=k.probability, risk_band=k.band, risk_factors=k.factors,
        fitness=_num(m.get("fitness")), fatigue=_num(m.get("fatigue")), form=_num(m.get("form")),
        acwr=_num(m.get("acwr")), longest_run_30d_m=max((a.distance_m or 0.0 for a in runs), default=None),
        weekly_km_recent=_weekly_km(history, today), recent_sessions=_summaries(history, today),
        vdot=vdot, threshold_pace_s_per_km=None, hr_max=runner.hr_max, hr_rest=runner.hr_rest,
        pain_area=pain_area, pain_days=pain_days, pain_sharp=pain_sharp, illness=_illness(history, today),
        experience=runner.experience or "intermediate", goal=goal_of(runner), availability=availability_of(runner),
        constraints=Constraints(today_max_minutes=float(cap) if cap else None, unavailable=away),
    )


def _num(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)  # NaN -> None


def advise(session: Session, runner: Runner, today: date) -> Advice:
    """Assess the runner and choose today's workout."""
    history = load_history(session, runner, today)
    assessment = assess(history.sessions_frame, history.checkins_frame, history.profile, pd.Timestamp(today),
                        runner_id=runner.id)
    vdot = current_vdot(session, runner, today)
    model = learn(session, runner, today, history.activities, history.checkins, vdot)
    state = replace(runner_state(session, history, assessment, today, vdot=vdot), personal=model.params_)
    return Advice(today, assessment, state, recommend_today(state), model)


def current_vdot(session: Session, runner: Runner, today: date) -> float | None:
    """VDOT (Daniels) of the runner's predicted 10 km, when their own efforts support one."""
    from bot.services.prediction import efforts_frame, traits_of, weekly_km
    from coaching.prediction.predict import predict_race
    from coaching.prediction.vdot import vdot_from_race

    efforts = efforts_frame(session, runner, today)
    if efforts.empty:
        return None
    p = predict_race(10_000.0, efforts, traits_of(runner, today, weekly_km(session, runner, today)), today)
    return None if p.method == "population" else round(vdot_from_race(10_000.0, p.time_s), 1)


def advise_and_store(session: Session, runner: Runner, today: date) -> Advice:
    """Advice for today, stored so "why?" and the buttons refer to exactly what was sent."""
    advice = advise(session, runner, today)
    assert runner.id is not None
    row = save_recommendation(session, runner.id, today, advice.recommendation.workout.type, advice.to_json())
    if row.status == "planned":
        log_today(session, runner.id, today, advice.recommendation.workout, advice.feedback)
    return advice


def plan_for(session: Session, runner: Runner, today: date) -> tuple[Plan, Advice]:
    """The periodised plan from this week, built from the same state as today's advice."""
    advice = advise(session, runner, today)
    return build_plan(advice.state), advice
