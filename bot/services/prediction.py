"""Race predictions for a runner from their stored runs, traits and goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session

from bot.services.logbook import RUNNING_SPORTS
from coaching.prediction.population import RunnerTraits
from coaching.prediction.predict import GoalAssessment, RacePrediction, compare_goal, predict_race
from models.queries import activities
from models.tables import Runner

STANDARD_DISTANCES = (5000.0, 10000.0, 21097.5, 42195.0)
RACE_WORDS = ("race", "parkrun", "marathon", "10k race", "5k race", "time trial", "tt")
WEEKS_FOR_VOLUME = 8


@dataclass(frozen=True, slots=True)
class PredictionAnswer:
    """What ``ask_prediction`` answers: one or more predictions and, when asked, a goal check."""

    predictions: tuple[RacePrediction, ...]
    goal: GoalAssessment | None
    weekly_km: float | None
    n_runs: int


def efforts_frame(session: Session, runner: Runner, today: date) -> pd.DataFrame:
    """Runs of the last year plus the best efforts inside them, for effort detection."""
    assert runner.id is not None
    rows = []
    for a in activities(session, runner.id, since=today - timedelta(days=365), until=today):
        if a.sport not in RUNNING_SPORTS or not a.distance_m or not (a.moving_time_s or a.elapsed_time_s):
            continue
        is_race = bool(a.name) and any(w in (a.name or "").lower() for w in RACE_WORDS)
        rows.append({"date": a.local_date, "distance_m": a.distance_m, "time_s": a.moving_time_s or a.elapsed_time_s,
                     "avg_hr": a.avg_hr, "rpe": a.rpe, "is_race": is_race})
        for dist, secs in (a.best_efforts or {}).items():
            d = float(dist)
            if d >= 3000 and d < (a.distance_m or 0) * 0.95:
                rows.append({"date": a.local_date, "distance_m": d, "time_s": float(secs), "avg_hr": None,
                             "rpe": None, "is_race": False})
    return pd.DataFrame(rows, columns=["date", "distance_m", "time_s", "avg_hr", "rpe", "is_race"])


def weekly_km(session: Session, runner: Runner, today: date) -> float | None:
    """Average running km per week over the last 8 weeks, or what the runner told us."""
    assert runner.id is not None
    since = today - timedelta(weeks=WEEKS_FOR_VOLUME)
    acts = activities(session, runner.id, since=since, until=today)
    first = min((a.local_date for a in acts), default=None)
    if first is None:
        return runner.weekly_km
    weeks = max(1.0, (today - first).days / 7)
    total = sum((a.distance_m or 0) for a in acts if a.sport in RUNNING_SPORTS) / 1000
    return round(total / min(weeks, WEEKS_FOR_VOLUME), 1)


def traits_of(runner: Runner, today: date, km: float | None) -> RunnerTraits:
    """Age, sex, BMI and volume as the population model uses them."""
    age = float(today.year - runner.birth_year) if runner.birth_year else None
    return RunnerTraits(age=age, sex={"f": "female", "m": "male"}.get(runner.sex or ""), weekly_km=km)


def predict_for(session: Session, runner: Runner, today: date, distance_m: float | None,
                target_time_s: float | None) -> PredictionAnswer:
    """Predict one distance (or the four standard ones) and compare a goal time when given."""
    efforts = efforts_frame(session, runner, today)
    km = weekly_km(session, runner, today)
    traits = traits_of(runner, today, km)
    distances = (distance_m,) if distance_m and 3000 <= distance_m <= 100_000 else STANDARD_DISTANCES
    predictions = tuple(predict_race(d, efforts, traits, today) for d in distances)
    goal = compare_goal(predictions[0], target_time_s) if target_time_s and len(predictions) == 1 else None
    return PredictionAnswer(predictions, goal, km, len(efforts))


@dataclass(frozen=True, slots=True)
class PredictionTrend:
    """Predicted time for one distance at past dates (each from the data available then)."""

    days: tuple[date, ...]
    time_s: tuple[float, ...]
    low_s: tuple[float, ...]
    high_s: tuple[float, ...]


def prediction_trend(session: Session, runner: Runner, today: date, distance_m: float, weeks: int = 12,
                     step_days: int = 7) -> PredictionTrend:
    """The prediction as it stood every ``step_days`` over the last ``weeks`` weeks (no hindsight), from the
    runner's first run on; the last point is today."""
    efforts = efforts_frame(session, runner, today)
    first = pd.to_datetime(efforts["date"]).min() if not efforts.empty else pd.Timestamp(today)
    points = []
    for back in range(weeks * 7, -1, -step_days):
        day = today - timedelta(days=back)
        if pd.Timestamp(day) < first:
            continue  # before the runner's first run there is nothing of theirs to show
        past = efforts[pd.to_datetime(efforts["date"]) <= pd.Timestamp(day)]
        p = predict_race(distance_m, past, traits_of(runner, day, weekly_km(session, runner, day)), day)
        points.append((day, p.time_s, p.low_s, p.high_s))
    if not points or points[-1][0] != today:
        p = predict_race(distance_m, efforts, traits_of(runner, today, weekly_km(session, runner, today)), today)
        points.append((today, p.time_s, p.low_s, p.high_s))
    days, times, lows, highs = zip(*points, strict=True)
    return PredictionTrend(days, times, lows, highs)
