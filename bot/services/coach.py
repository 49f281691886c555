"""The coach service: a runner's stored history in, the engine's answers out.

Storage rows become the engine's input frames (``coaching.inputs``); the engine's typed results
come back with their factors, ready for templates. No sentences here.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlmodel import Session

from bot.services.feedback import LEARNING_DAYS, fill_outcomes, fit_model, log_today
from bot.services.profile import WEEKDAYS
from coaching.inputs import RUN_SPORTS, RunnerProfile
from coaching.plan import Plan, build_plan, recommend_today
from coaching.plan.declared import with_declared_volume
from coaching.plan.feedback import FeedbackModel
from coaching.plan.goals import Availability, Constraints, Goal
from coaching.plan.policy import Recommendation, factor_json
from coaching.plan.state import RunnerState, SessionSummary
from coaching.prediction.vdot import estimate_vdot
from coaching.risk import Assessment, assess, assess_batch
from models.queries import bulk_history, save_recommendation
from models.tables import Recommendation as StoredRecommendation
from models.tables import Runner

HISTORY_DAYS = 400
# The planner's window (4 + 8 calendar weeks): a runner who joined longer ago is planned from their logs.
DECLARED_WINDOW = timedelta(weeks=13)
VDOT_WINDOW_DAYS = 84
PAIN_LOOKBACK_DAYS = 60
ILLNESS_CODES = {"above_neck": "above_neck", "below_neck": "below_neck", "fever": "fever", "unwell": "below_neck"}


@dataclass(frozen=True, slots=True)
class History:
    """A runner's recent stored history: what the engine and the feedback model read."""

    runner: Runner
    activities: list[Any]  # rows with Activity's columns (read-only)
    checkins: list[Any]  # rows with CheckIn's columns
    recommendations: list[Any]  # rows with Recommendation's columns
    constraints: list[Any]  # rows with DayConstraint's columns

    @property
    def profile(self) -> RunnerProfile:
        """What the engine knows about the runner besides the logs."""
        return profile_of(self.runner)


@dataclass(frozen=True, slots=True)
class Advice:
    """Today's answer for one runner: the assessment, the state the policy saw, and its choice."""

    today: date
    assessment: Assessment
    state: RunnerState
    recommendation: Recommendation
    feedback: FeedbackModel
    history_size: int = 0  # sessions + check-ins the advice was based on (0: a runner with no data yet)

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


def profile_of(runner: Runner) -> RunnerProfile:
    """The engine's profile of a runner."""
    return RunnerProfile(sex=runner.sex, hr_max=runner.hr_max, hr_rest=runner.hr_rest)


SESSION_COLUMNS = ["runner_id", "date", "sport", "duration_s", "distance_m", "rpe", "avg_hr", "elevation_gain_m"]
CHECKIN_VALUES = ("hrv_ms", "rhr_bpm", "sleep_h", "sleep_quality", "fatigue", "soreness", "stress", "mood",
                  "pain_score")


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _columns(rows: Sequence[Any], fields: Sequence[str]) -> dict[str, Sequence[Any]]:
    """Rows (named tuples or ORM objects) as one list per field; named tuples are read by position in C."""
    if not rows:
        return {f: () for f in fields}
    if hasattr(rows[0], "_fields"):
        position = {name: i for i, name in enumerate(rows[0]._fields)}
        return {f: list(map(itemgetter(position[f]), rows)) for f in fields}
    return {f: [getattr(r, f) for r in rows] for f in fields}


def _floats(values: Sequence[Any]) -> npt.NDArray[np.float64]:
    return np.array(values, dtype=np.float64)  # None -> NaN


def _days(values: Sequence[date]) -> npt.NDArray[np.datetime64]:
    """Local dates as datetime64[ns] midnights (through ordinals: several times faster than from objects)."""
    ordinals = np.fromiter((d.toordinal() for d in values), dtype=np.int64, count=len(values))
    return (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[ns]")


ACTIVITY_FIELDS = ("runner_id", "local_date", "sport", "moving_time_s", "elapsed_time_s", "distance_m", "rpe",
                   "avg_hr", "elevation_gain_m")
CHECKIN_FIELDS = ("runner_id", "local_date", *CHECKIN_VALUES, "illness", "pain_area")


def sessions_frame(rows: Sequence[Any]) -> pd.DataFrame:
    """Activity rows (of one or many runners) as the engine's sessions frame, with typed columns."""
    return _sessions_from_columns(_columns(rows, ACTIVITY_FIELDS))


def checkins_frame(rows: Sequence[Any]) -> pd.DataFrame:
    """Check-in rows (of one or many runners) as the engine's check-ins frame, with typed columns."""
    return _checkins_from_columns(_columns(rows, CHECKIN_FIELDS))


def _sessions_from_columns(c: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    moving, elapsed = _floats(c["moving_time_s"]), _floats(c["elapsed_time_s"])
    return pd.DataFrame({
        "runner_id": np.array(c["runner_id"], dtype=np.int64), "date": _days(c["local_date"]),
        "sport": np.array(c["sport"], dtype=object), "duration_s": np.where(np.isnan(moving), elapsed, moving),
        "distance_m": _floats(c["distance_m"]), "rpe": _floats(c["rpe"]), "avg_hr": _floats(c["avg_hr"]),
        "elevation_gain_m": _floats(c["elevation_gain_m"]),
    }, columns=SESSION_COLUMNS)


def _checkins_from_columns(c: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    illness = np.array(c["illness"], dtype=object)
    known = np.array([v is not None for v in c["illness"]], dtype=bool)
    data: dict[str, Any] = {"runner_id": np.array(c["runner_id"], dtype=np.int64), "date": _days(c["local_date"])}
    data.update({k: _floats(c[k]) for k in CHECKIN_VALUES})
    data["illness"] = np.where(known, (illness != "none").astype(np.float64), np.nan)
    data["pain_area"] = np.array(c["pain_area"], dtype=object)
    return pd.DataFrame(data, columns=["runner_id", "date", *CHECKIN_VALUES, "illness", "pain_area"])


@dataclass(frozen=True, slots=True)
class Batch:
    """Many runners' histories, with all their sessions and check-ins as the engine's frames."""

    histories: list[History]
    sessions: pd.DataFrame
    checkins: pd.DataFrame


def load_batch(session: Session, runners: list[Runner], today: date, days: int = HISTORY_DAYS) -> Batch:
    """Histories of many runners in a handful of queries, plus the engine's frames of all of them, built from
    columns read once (the batch path shares everything else)."""
    ids = [r.id for r in runners if r.id is not None]
    since = today - timedelta(days=days)
    bulk = bulk_history(session, ids, since, today, today - timedelta(days=LEARNING_DAYS))
    histories = []
    for r in runners:
        acts, chks, recs, limits = bulk.by_runner.get(r.id or 0, ([], [], [], []))
        histories.append(History(r, acts, chks, recs, limits))
    return Batch(histories, _sessions_from_columns(bulk.activity_columns),
                 _checkins_from_columns(bulk.check_in_columns))


def recent(rows: Sequence[Any], since: date) -> list[Any]:
    """The rows (in date order, as stored) from ``since`` on, found by bisection: O(log history)."""
    return list(rows[bisect_left(rows, since, key=_LOCAL_DATE):])


_LOCAL_DATE = attrgetter("local_date")


def _summaries(history: History, today: date) -> tuple[SessionSummary, ...]:
    out = []
    for a in recent(history.activities, today - timedelta(days=14)):
        if a.local_date < today:
            out.append(SessionSummary(
                date=a.local_date, sport="run" if a.sport in RUN_SPORTS else "cross_training",
                duration_s=float(a.moving_time_s or a.elapsed_time_s or 0.0), distance_m=float(a.distance_m or 0.0),
                rpe=a.rpe, intensity="hard" if (a.rpe or 0) >= 7 else "easy", avg_hr=a.avg_hr))
    return tuple(out)


def _weekly_km(history: History, today: date, weeks: int = 4, skip: int = 0) -> tuple[float, ...]:
    """Running km of ``weeks`` Monday-to-Sunday weeks, oldest first, ending ``skip`` weeks before the
    current one (the planner keeps a week's plan stable from Monday to Sunday; the four weeks before
    this one are the recent load, the eight before those what a runner ran before a long break)."""
    this_monday = today - timedelta(days=today.weekday())
    first, last = 7 * skip + 1, 7 * (skip + weeks)  # days back from this Monday
    totals = [0.0] * weeks
    for a in recent(history.activities, this_monday - timedelta(days=last)):
        back = (this_monday - a.local_date).days
        if a.sport in RUN_SPORTS and first <= back <= last:
            totals[weeks - 1 - (back - first) // 7] += (a.distance_m or 0.0) / 1000
    return tuple(round(w, 2) for w in totals)


def _pain(history: History, today: date) -> tuple[str | None, int, bool]:
    """The body area of pain reported in the last 3 days, for how many consecutive days, and if sharp."""
    if not any(c.pain_area for c in recent(history.checkins, today - timedelta(days=2)) if c.local_date <= today):
        return None, 0, False  # the usual case, without indexing two months of check-ins
    by_day = {c.local_date: c for c in recent(history.checkins, today - timedelta(days=PAIN_LOOKBACK_DAYS))}
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
    by_day = {c.local_date: c for c in recent(history.checkins, today - timedelta(days=1))}
    for back in (0, 1):
        c = by_day.get(today - timedelta(days=back))
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


def runner_state(history: History, assessment: Assessment, today: date, vdot: float | None = None) -> RunnerState:
    """Everything the policy needs, from storage and the assessment."""
    runner = history.runner
    limits = [c for c in history.constraints if c.local_date >= today]
    cap = next((c.max_minutes for c in limits if c.local_date == today and c.max_minutes), None)
    away = frozenset(c.local_date for c in limits if c.unavailable)
    pain_area, pain_days, pain_sharp = _pain(history, today)
    held = runner.pain_hold_since is not None and runner.pain_hold_since <= today
    if held:  # "no running until my knee is better": pain until they say it is better
        assert runner.pain_hold_since is not None
        pain_area = pain_area or runner.pain_hold_area
        pain_days = max(pain_days, (today - runner.pain_hold_since).days + 1)
    m = assessment.metrics_today
    r, k = assessment.readiness, assessment.risk
    runs = [a for a in recent(history.activities, today - timedelta(days=30))
            if a.sport in RUN_SPORTS and a.local_date < today]
    state = RunnerState(
        today=today, readiness_score=r.score, readiness_band=r.band, readiness_factors=r.factors,
        risk_probability=k.probability, risk_band=k.band, risk_factors=k.factors,
        fitness=_num(m.get("fitness")), fatigue=_num(m.get("fatigue")), form=_num(m.get("form")),
        acwr=_num(m.get("acwr")), longest_run_30d_m=max((a.distance_m or 0.0 for a in runs), default=None),
        weekly_km_recent=_weekly_km(history, today), weekly_km_earlier=_weekly_km(history, today, 8, skip=4),
        recent_sessions=_summaries(history, today),
        vdot=vdot, threshold_pace_s_per_km=None, hr_max=runner.hr_max, hr_rest=runner.hr_rest,
        pain_area=pain_area, pain_days=pain_days, pain_sharp=pain_sharp, illness=_illness(history, today),
        experience=runner.experience or "intermediate", goal=goal_of(runner), availability=availability_of(runner),
        constraints=Constraints(today_max_minutes=float(cap) if cap else None, unavailable=away,
                                no_running_until_pain_resolves=held),
    )
    joined = min(runner.created_at.date(), today)
    if runner.weekly_km and today - joined < DECLARED_WINDOW:
        acts = history.activities
        before = acts[bisect_left(acts, joined - DECLARED_WINDOW, key=_LOCAL_DATE):
                      bisect_left(acts, joined, key=_LOCAL_DATE)]
        state = with_declared_volume(state, float(runner.weekly_km), joined,
                                     runs_before=sum(1 for a in before if a.sport in RUN_SPORTS))
    return state


def _num(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)  # NaN -> None


def decide(history: History, assessment: Assessment, today: date) -> Advice:
    """Today's choice from a history and its assessment: the one engine behind chat, CLI and mornings."""
    vdot = current_vdot(history.activities, today)
    model = fit_model(history.runner, history.activities, history.checkins, history.recommendations, vdot)
    state = replace(runner_state(history, assessment, today, vdot=vdot), personal=model.params_)
    return Advice(today, assessment, state, recommend_today(state), model,
                  len(history.activities) + len(history.checkins))


def advise(session: Session, runner: Runner, today: date) -> Advice:
    """Assess the runner and choose today's workout."""
    batch = load_batch(session, [runner], today)
    history = batch.histories[0]
    if history.activities or history.checkins:
        assessment = assess(batch.sessions, batch.checkins, history.profile, pd.Timestamp(today),
                            runner_id=runner.id)
    else:  # nothing logged yet (onboarding): the answer depends on the profile and the day only
        assessment = assessment_without_data(history.profile, today)
    fill_outcomes(session, runner, today, history.activities, history.checkins, history.recommendations)
    return decide(history, assessment, today)


def assessment_without_data(profile: RunnerProfile, today: date) -> Assessment:
    """What the engine says of a runner with no sessions and no check-ins, computed once per profile and
    day (the engine's set-up costs ~8 ms even for empty data, and new runners ask "what should I do
    today?" first). Each caller gets its own copy of the metrics."""
    cached = _empty_history_assessment(profile, today)
    return replace(cached, metrics_today=dict(cached.metrics_today))


@lru_cache(maxsize=256)
def _empty_history_assessment(profile: RunnerProfile, today: date) -> Assessment:
    return assess(sessions_frame(()), checkins_frame(()), profile, pd.Timestamp(today), runner_id=0)


def advise_many(session: Session, runners: list[Runner], today: date) -> dict[int, Advice]:
    """The same advice for many runners, assessed together on one (runners x days) grid."""
    batch = load_batch(session, runners, today)
    profiles = {r.id: profile_of(r) for r in runners if r.id is not None}
    assessments = assess_batch(batch.sessions, batch.checkins, profiles, pd.Timestamp(today), runner_ids=list(profiles))
    return {h.runner.id: decide(h, assessments[h.runner.id], today) for h in batch.histories
            if h.runner.id is not None}


def current_vdot(acts: Sequence[Any], today: date) -> float | None:
    """VDOT (Daniels) of the runner's best run or best-effort segment of the last 12 weeks, for paces.

    A best performance is a lower bound on fitness: without hard efforts the paces come out easier,
    which is the safe side.
    """
    def efforts() -> Iterator[tuple[date, float, float]]:
        for a in recent(acts, today - timedelta(days=VDOT_WINDOW_DAYS)):
            if a.sport not in RUN_SPORTS or a.local_date > today:
                continue
            if a.distance_m and (a.moving_time_s or a.elapsed_time_s):
                yield a.local_date, a.distance_m, float(a.moving_time_s or a.elapsed_time_s)
            for dist, secs in (a.best_efforts or {}).items():
                yield a.local_date, float(dist), float(secs)

    estimate = estimate_vdot(efforts())
    return None if estimate is None else round(estimate.vdot, 1)


def advise_and_store(session: Session, runner: Runner, today: date,
                     advice: Advice | None = None) -> tuple[Advice, StoredRecommendation]:
    """Advice for today (computed unless given), stored so "why?" and the buttons refer to exactly what
    was sent; returns it with the stored row (which a coach's accepted assignment may own)."""
    advice = advice or advise(session, runner, today)
    assert runner.id is not None
    row = save_recommendation(session, runner.id, today, advice.recommendation.workout.type, advice.to_json())
    if row.status == "planned":
        log_today(session, runner.id, today, advice.recommendation.workout, advice.feedback)
    return advice, row


def plan_for(session: Session, runner: Runner, today: date, *, goal_check: bool = True) -> tuple[Plan, Advice]:
    """The periodised plan from this week, built from the same state as today's advice (with the goal
    check unless ``goal_check`` is False: batch callers that only read the weeks skip it)."""
    advice = advise(session, runner, today)
    return build_plan(advice.state, goal_check=goal_check), advice
