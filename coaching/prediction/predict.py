"""One entry point for race-time prediction: :func:`predict_race`, and :func:`compare_goal` for
goal questions.

``predict_race`` takes the runner's efforts (or whole history: efforts are then detected with
:func:`coaching.prediction.efforts.detect_efforts`), their traits and the date, and returns the
partially pooled
prediction of :mod:`coaching.prediction.individual` with its calibrated 80% interval
(:mod:`coaching.prediction.intervals`), the factors it rests on and what would most improve it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from coaching.factors import Factor
from coaching.prediction.efforts import detect_efforts
from coaching.prediction.individual import Effort, predict_log_time
from coaching.prediction.intervals import interval_s
from coaching.prediction.population import PopulationModel, RunnerTraits, shipped_population_model

MIN_EFFORT_M = 3000.0
MAX_EFFORT_M = 42_500.0
Z80 = 1.2815515655446004


@dataclass(frozen=True, slots=True)
class Tip:
    """One thing that would most improve a prediction: a machine ``key`` and its ``params``.

    Keys: ``race_5k_or_10k`` (no effort at all), ``effort_too_old`` (``weeks``: age of the latest effort),
    ``log_a_race`` (only training efforts), ``race_longer_distance`` (``max_distance_m``: longest effort so
    far), ``second_distance`` (all efforts at one distance), ``log_more_weeks`` (``weeks``: weekly volume
    unknown), ``add_age_sex``. Rendered by ``prompts/coach/prediction_improve.j2``.
    """

    key: str
    params: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RacePrediction:
    """Predicted time (s) over ``distance_m`` metres with its interval, basis, method and next steps.

    ``basis``: factors ("race"/"effort" per effort with its date, distance, time and weight; "weekly_km";
    "own_exponent"; "population"); ``method``: "population" (traits only), "population+efforts" or
    "partial_pooling"; ``improve``: what would most improve the prediction, most useful first
    (:class:`Tip` keys with parameters, never sentences).
    """

    distance_m: float
    time_s: float
    low_s: float
    high_s: float
    interval_level: float
    basis: tuple[Factor, ...]
    method: str
    improve: tuple[Tip, ...]


@dataclass(frozen=True, slots=True)
class GoalAssessment:
    """Probability (0-1) of running ``target_time_s`` or faster and the gap (prediction - target, s)."""

    target_time_s: float
    probability: float
    gap_s: float
    basis: tuple[Factor, ...]


def prepare_efforts(efforts: pd.DataFrame | None) -> pd.DataFrame:
    """The efforts among ``efforts`` (runs, columns as in :func:`predict_race`), detected unless an
    ``effort`` column says which; dates as timestamps. Pass the result to several :func:`predict_race`
    calls to detect once."""
    if efforts is not None and _prepared(efforts):
        return efforts  # already what this function returns (e.g. its own output): nothing to redo
    if efforts is None or efforts.empty:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[ns]"),
                "distance_m": pd.Series(dtype=float),
                "time_s": pd.Series(dtype=float),
                "is_race": pd.Series(dtype=bool),
                "effort": pd.Series(dtype=bool),
            }
        )
    df = efforts.copy()
    if "effort" not in df:
        df = detect_efforts(df)
        df = df[df["valid"].to_numpy()]
    if df["date"].dtype.kind != "M":
        df["date"] = pd.to_datetime(df["date"])
    if "is_race" not in df:
        df["is_race"] = False
    return df[df["effort"].fillna(False).astype(bool).to_numpy()]


def _prepared(df: pd.DataFrame) -> bool:
    """Whether ``df`` is in :func:`prepare_efforts`' output form: timestamps, an is_race column, efforts only."""
    if not {"date", "is_race", "effort"} <= set(df.columns):
        return False
    return df["date"].dtype.kind == "M" and df["effort"].dtype == bool and bool(df["effort"].to_numpy().all())


def predict_race(
    distance_m: float,
    efforts: pd.DataFrame | None,
    traits: RunnerTraits,
    today: date,
    *,
    model: PopulationModel | None = None,
    lookback_weeks: float = 52.0,
    max_efforts: int = 30,
) -> RacePrediction:
    """Predict the time over ``distance_m`` metres (3 km to 100 km) as of ``today``.

    ``efforts``: columns ``date``, ``distance_m``, ``time_s``, optional ``is_race``, ``effort`` (bool; when
    absent, efforts are detected from the runs), ``avg_hr``, ``rpe``. Efforts of 3-42.5 km from the
    ``lookback_weeks`` before ``today`` are used (at most the ``max_efforts`` most recent). With
    none, the answer
    is the population model's from ``traits`` alone.
    """
    if not 3000.0 <= distance_m <= 100_000.0:
        raise ValueError("distance_m must be between 3 km and 100 km")
    m = model if model is not None else shipped_population_model()
    now = pd.Timestamp(today)
    df = prepare_efforts(efforts)
    # Array selection (a DataFrame filter + sort costs more than the prediction itself).
    when = pd.DatetimeIndex(df["date"])
    all_dists = df["distance_m"].to_numpy(dtype=float)
    all_times = df["time_s"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        keep = (
            (when <= now)
            & (when > now - pd.Timedelta(weeks=lookback_weeks))
            & (all_dists >= MIN_EFFORT_M)
            & (all_dists <= MAX_EFFORT_M)
            & (all_times > 0)
        )
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(when.asi8[rows], kind="quicksort")][len(rows) - min(len(rows), max_efforts):]
    dists, times, when = all_dists[rows], all_times[rows], when[rows]
    weeks = np.asarray((now - when).total_seconds(), dtype=float) / (7 * 86400.0)
    races = df["is_race"].fillna(False).astype(bool).to_numpy()[rows]
    days = [str(d) for d in when.strftime("%Y-%m-%d")]
    eff = [
        Effort(float(d), float(t), weeks_ago=float(w), is_race=bool(r))
        for d, t, w, r in zip(dists, times, weeks, races, strict=True)
    ]
    res = predict_log_time(m, distance_m, eff, traits)
    time_s = math.exp(res.mu)
    low, high = interval_s(res.mu, res.sd, res.group, m.z_quantiles)

    basis: list[Factor] = []
    for w, e, day in zip(res.effort_weights, eff, days, strict=True):
        basis.append(
            Factor(
                key="race" if e.is_race else "effort",
                value=e.time_s,
                unit="s",
                contribution=w * time_s,
                detail={"distance_m": e.distance_m, "date": day, "time_s": e.time_s, "weight": w},
            )
        )
    ref = replace(traits, weekly_km=None)
    ref_mu = predict_log_time(m, distance_m, eff, ref).mu
    basis.append(
        Factor(
            key="weekly_km",
            value=traits.weekly_km,
            unit="km/week",
            contribution=time_s - math.exp(ref_mu),
            detail={"reference_km": 50.0},
        )
    )
    if res.slope_shrink > 0:
        basis.append(
            Factor(
                key="own_exponent",
                value=res.slope_delta,
                unit="log-log slope vs population",
                contribution=time_s - time_s * math.exp(-res.slope_shift),
                detail={"weight": res.slope_shrink},
            )
        )
    if not eff:
        basis.append(
            Factor(key="population", value=None, unit="", contribution=time_s, detail={"source": m.source})
        )
    method = (
        "population" if not eff else ("partial_pooling" if res.slope_shrink > 0 else "population+efforts")
    )
    return RacePrediction(
        distance_m=distance_m,
        time_s=time_s,
        low_s=low,
        high_s=high,
        interval_level=m.interval_level,
        basis=tuple(basis),
        method=method,
        improve=_improve(distance_m, eff, traits),
    )


def _improve(distance_m: float, eff: list[Effort], traits: RunnerTraits) -> tuple[Tip, ...]:
    tips: list[Tip] = []
    if not eff:
        tips.append(Tip("race_5k_or_10k"))
    elif (latest := min(e.weeks_ago for e in eff)) > 12:
        tips.append(Tip("effort_too_old", {"weeks": float(math.floor(latest))}))
    elif not any(e.is_race for e in eff):
        tips.append(Tip("log_a_race"))
    if eff and (longest := max(e.distance_m for e in eff)) < distance_m / 3:
        tips.append(Tip("race_longer_distance", {"max_distance_m": longest}))
    elif eff and len({round(math.log(e.distance_m), 1) for e in eff}) < 2:
        tips.append(Tip("second_distance"))
    if traits.weekly_km is None:
        tips.append(Tip("log_more_weeks", {"weeks": 4.0}))
    if traits.age is None or traits.sex is None:
        tips.append(Tip("add_age_sex"))
    return tuple(tips)


def compare_goal(prediction: RacePrediction, target_time_s: float) -> GoalAssessment:
    """Chance of running ``target_time_s`` seconds or faster, reading the interval as a log-normal spread.

    The spread's sd is (log high - log low) / (2 z), z = 1.2816 for the 80% interval; the probability is
    Phi((log target - log predicted) / sd). ``gap_s`` > 0 means the prediction is slower than the goal.
    """
    z = _z_for(prediction.interval_level)
    sd = max((math.log(prediction.high_s) - math.log(prediction.low_s)) / (2 * z), 1e-6)
    u = (math.log(target_time_s) - math.log(prediction.time_s)) / sd
    p = 0.5 * (1.0 + math.erf(u / math.sqrt(2.0)))
    gap = prediction.time_s - target_time_s
    factor = Factor(
        key="goal_gap", value=gap, unit="s", contribution=p, detail={"target_time_s": target_time_s}
    )
    return GoalAssessment(
        target_time_s=target_time_s, probability=p, gap_s=gap, basis=(factor, *prediction.basis)
    )


def _z_for(level: float) -> float:
    if abs(level - 0.8) < 1e-9:
        return Z80
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)
