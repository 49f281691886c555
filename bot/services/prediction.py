"""Race predictions for a runner from their stored runs, traits and goal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from bot.services.logbook import RUNNING_SPORTS
from coaching.prediction.population import RunnerTraits
from coaching.prediction.predict import GoalAssessment, RacePrediction, compare_goal, predict_race, prepare_efforts
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


YEAR = timedelta(days=365)


def _year_of_activities(session: Session, runner: Runner, today: date, extra_days: int = 0) -> list[Any]:
    """The runner's activities of the last year (and ``extra_days`` before it) up to ``today``:
    everything a prediction reads."""
    assert runner.id is not None
    return list(activities(session, runner.id, since=today - YEAR - timedelta(days=extra_days), until=today))


def _efforts_of(acts: Sequence[Any]) -> pd.DataFrame:
    """Runs plus the best efforts inside them, for effort detection (typed columns, dates as timestamps)."""
    rows: list[tuple[date, float, float, float | None, float | None, bool]] = []
    for a in acts:
        if a.sport not in RUNNING_SPORTS or not a.distance_m or not (a.moving_time_s or a.elapsed_time_s):
            continue
        is_race = bool(a.name) and any(w in (a.name or "").lower() for w in RACE_WORDS)
        rows.append((a.local_date, a.distance_m, a.moving_time_s or a.elapsed_time_s, a.avg_hr, a.rpe, is_race))
        for dist, secs in (a.best_efforts or {}).items():
            d = float(dist)
            if d >= 3000 and d < (a.distance_m or 0) * 0.95:
                rows.append((a.local_date, d, float(secs), None, None, False))
    days, dists, times, hrs, rpes, races = zip(*rows, strict=True) if rows else ((),) * 6
    return pd.DataFrame({
        "date": np.array(days, dtype="datetime64[ns]"), "distance_m": np.array(dists, dtype=np.float64),
        "time_s": np.array(times, dtype=np.float64), "avg_hr": np.array(hrs, dtype=np.float64),
        "rpe": np.array(rpes, dtype=np.float64), "is_race": np.array(races, dtype=bool),
    })


def _weekly_km_at(acts: Sequence[Any], runner: Runner, day: date) -> float | None:
    since = day - timedelta(weeks=WEEKS_FOR_VOLUME)
    window = [a for a in acts if since <= a.local_date <= day]
    first = min((a.local_date for a in window), default=None)
    if first is None:
        return runner.weekly_km
    weeks: float = max(1.0, (day - first).days / 7)
    total: float = sum((a.distance_m or 0) for a in window if a.sport in RUNNING_SPORTS) / 1000
    return round(total / min(weeks, WEEKS_FOR_VOLUME), 1)


def traits_of(runner: Runner, today: date, km: float | None) -> RunnerTraits:
    """Age, sex, BMI and volume as the population model uses them."""
    age = float(today.year - runner.birth_year) if runner.birth_year else None
    return RunnerTraits(age=age, sex={"f": "female", "m": "male"}.get(runner.sex or ""), weekly_km=km)


def _answer(acts: Sequence[Any], runner: Runner, today: date, distance_m: float | None,
            target_time_s: float | None) -> tuple[PredictionAnswer, pd.DataFrame]:
    raw = _efforts_of(acts)
    efforts = prepare_efforts(raw)  # detected once, reused by every prediction below
    km = _weekly_km_at(acts, runner, today)
    traits = traits_of(runner, today, km)
    distances = (distance_m,) if distance_m and 3000 <= distance_m <= 100_000 else STANDARD_DISTANCES
    predictions = tuple(predict_race(d, efforts, traits, today) for d in distances)
    goal = compare_goal(predictions[0], target_time_s) if target_time_s and len(predictions) == 1 else None
    return PredictionAnswer(predictions, goal, km, len(raw)), efforts


def predict_for(session: Session, runner: Runner, today: date, distance_m: float | None,
                target_time_s: float | None) -> PredictionAnswer:
    """Predict one distance (or the four standard ones) and compare a goal time when given."""
    return _answer(_year_of_activities(session, runner, today), runner, today, distance_m, target_time_s)[0]


def predict_now_and_before(session: Session, runner: Runner, today: date, distance_m: float,
                           days_back: int = 7) -> tuple[RacePrediction, RacePrediction]:
    """The prediction for ``distance_m`` today and ``days_back`` days ago, each from the year of data
    before its own day (as two :func:`predict_for` calls would give), from one read."""
    acts = _year_of_activities(session, runner, today, extra_days=days_back)
    before = today - timedelta(days=days_back)
    now = _answer([a for a in acts if a.local_date >= today - YEAR], runner, today, distance_m, None)[0]
    then = _answer([a for a in acts if before - YEAR <= a.local_date <= before], runner, before, distance_m, None)[0]
    return now.predictions[0], then.predictions[0]


@dataclass(frozen=True, slots=True)
class PredictionTrend:
    """Predicted time for one distance at past dates (each from the data available then)."""

    days: tuple[date, ...]
    time_s: tuple[float, ...]
    low_s: tuple[float, ...]
    high_s: tuple[float, ...]


def _trend(acts: Sequence[Any], efforts: pd.DataFrame, runner: Runner, today: date, distance_m: float,
           now: RacePrediction, weeks: int, step_days: int) -> PredictionTrend:
    first = min((a.local_date for a in acts if a.sport in RUNNING_SPORTS), default=today)
    points = []
    for back in range(weeks * 7, 0, -step_days):
        day = today - timedelta(days=back)
        if day < first:
            continue  # before the runner's first run there is nothing of theirs to show
        past = efforts[efforts["date"] <= pd.Timestamp(day)]
        p = predict_race(distance_m, past, traits_of(runner, day, _weekly_km_at(acts, runner, day)), day)
        points.append((day, p.time_s, p.low_s, p.high_s))
    points.append((today, now.time_s, now.low_s, now.high_s))
    days, times, lows, highs = zip(*points, strict=True)
    return PredictionTrend(days, times, lows, highs)


def predict_with_trend(session: Session, runner: Runner, today: date, distance_m: float | None,
                       target_time_s: float | None, weeks: int = 12,
                       step_days: int = 7) -> tuple[PredictionAnswer, PredictionTrend | None]:
    """:func:`predict_for` and, when it is about one distance, the prediction as it stood every ``step_days``
    over the last ``weeks`` weeks (no hindsight, from the runner's first run on; the last point is today),
    all from one read of the runner's year."""
    acts = _year_of_activities(session, runner, today)
    answer, efforts = _answer(acts, runner, today, distance_m, target_time_s)
    if answer.n_runs == 0 or len(answer.predictions) != 1:
        return answer, None
    first = answer.predictions[0]
    return answer, _trend(acts, efforts, runner, today, first.distance_m, first, weeks, step_days)
