"""The feedback loop: planned vs done vs reported effort, learned per runner and shrunk to the population.

Three per-runner quantities, each estimated as ``population + n/(n+k) * (runner mean - population)``
(partial pooling; REFERENCES.md "Population and individual models": shrink individual estimates
toward the population when data are few, Ross et al. 2019):

* ``rpe_offset`` (CR-10 points): reported RPE minus the workout's expected RPE;
* ``recovery_days`` (days): after a hard day, days until readiness (or feel) is back within
  ``tolerance`` of the runner's baseline (censored when another hard day comes first);
* ``easy_hr_offset_bpm`` (bpm): observed HR on easy runs minus the HR expected at that pace, with
  the expectation from the Daniels-Gilbert oxygen cost as a fraction of VO2 reserve mapped onto
  heart-rate reserve (Karvonen); turned into ``easy_pace_offset_s_per_km`` (s/km) that moves easy
  HR back into the zone.

Every prediction is logged as a :class:`PredictionRecord` next to the population-only prediction;
the lead stores them and fills ``outcome``; :func:`evaluate` measures the improvement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from coaching.plan.state import PersonalParams
from coaching.plan.workouts import EXPECTED_RPE, HARD_DAY_TYPES, Workout
from coaching.prediction.vdot import oxygen_cost, oxygen_cost_slope

POPULATION_RPE_OFFSET = 0.0
POPULATION_RECOVERY_DAYS = 2.0
POPULATION_EASY_HR_OFFSET = 0.0


@dataclass(frozen=True, slots=True)
class SessionFeedback:
    """Planned vs done vs reported for one session.

    ``expected_rpe``: population CR-10 RPE of the planned workout; ``reported_rpe``: what the runner
    said; ``feel``: 1 (awful) - 5 (great); ``planned_min``/``done_min`` minutes; ``avg_hr`` bpm;
    ``pace_s_per_km`` s/km.
    """

    date: date
    workout_type: str
    expected_rpe: float
    reported_rpe: float | None = None
    feel: float | None = None
    planned_min: float | None = None
    done_min: float | None = None
    avg_hr: float | None = None
    pace_s_per_km: float | None = None


def shrink(population: float, values: Sequence[float], k: float) -> tuple[float, int]:
    """``population + n/(n+k) * (mean(values) - population)`` and ``n``."""
    n = len(values)
    if n == 0:
        return population, 0
    mean = sum(values) / n
    return population + n / (n + k) * (mean - population), n


def expected_easy_hr(pace_s_per_km: float, vdot: float, hr_max: float, hr_rest: float) -> float:
    """HR (bpm) expected at ``pace_s_per_km``: %VO2 reserve (Daniels-Gilbert cost, 3.5 ml/kg/min rest)
    mapped onto heart-rate reserve (Karvonen)."""
    v = 60000.0 / pace_s_per_km
    frac = (oxygen_cost(v) - 3.5) / max(1.0, vdot - 3.5)
    return hr_rest + frac * (hr_max - hr_rest)


def pace_offset_for_hr(
    offset_bpm: float, pace_s_per_km: float, vdot: float, hr_max: float, hr_rest: float
) -> float:
    """Pace change (s/km, + = slower) that lowers HR by ``offset_bpm`` around ``pace_s_per_km``."""
    v = 60000.0 / pace_s_per_km
    dhr_dv = (hr_max - hr_rest) / max(1.0, vdot - 3.5) * oxygen_cost_slope(v)  # bpm per (m/min)
    if dhr_dv <= 0:
        return 0.0
    v_new = max(50.0, v - offset_bpm / dhr_dv)
    return 60000.0 / v_new - pace_s_per_km


def recovery_days_after_hard(
    hard_dates: Iterable[date],
    daily: Mapping[date, float],
    baseline: float,
    tolerance: float,
    max_days: int = 7,
) -> list[float]:
    """Days from each hard day until ``daily`` (readiness score or feel) is >= ``baseline - tolerance``.

    A hard day followed by another hard day before recovery, or with no reading in ``max_days``, is
    censored (skipped).
    """
    hs = sorted(set(hard_dates))
    out: list[float] = []
    steps = [(k, timedelta(days=k)) for k in range(1, max_days + 1)]
    enough = baseline - tolerance
    for i, h in enumerate(hs):
        nxt = hs[i + 1] if i + 1 < len(hs) else None
        for k, step in steps:
            d = h + step
            if nxt is not None and d >= nxt:
                break
            v = daily.get(d)
            if v is not None and v >= enough:
                out.append(float(k))
                break
    return out


class FeedbackModel:
    """Per-runner effort/recovery/easy-HR model with shrinkage to population values.

    Parameters (explicit, scikit-learn style): ``k_rpe``, ``k_recovery``, ``k_hr`` are the
    pseudo-counts of the shrinkage (the population value weighs like ``k`` observations);
    ``population_*`` are the values used with no personal data.
    """

    def __init__(
        self,
        k_rpe: float = 4.0,
        k_recovery: float = 3.0,
        k_hr: float = 5.0,
        population_rpe_offset: float = POPULATION_RPE_OFFSET,
        population_recovery_days: float = POPULATION_RECOVERY_DAYS,
        population_easy_hr_offset_bpm: float = POPULATION_EASY_HR_OFFSET,
    ) -> None:
        self.k_rpe = k_rpe
        self.k_recovery = k_recovery
        self.k_hr = k_hr
        self.population_rpe_offset = population_rpe_offset
        self.population_recovery_days = population_recovery_days
        self.population_easy_hr_offset_bpm = population_easy_hr_offset_bpm
        self.params_ = PersonalParams(
            rpe_offset=population_rpe_offset,
            recovery_days=population_recovery_days,
            easy_hr_offset_bpm=population_easy_hr_offset_bpm,
        )

    def fit(
        self,
        sessions: Sequence[SessionFeedback],
        recovery_days: Sequence[float] = (),
        *,
        vdot: float | None = None,
        hr_max: float | None = None,
        hr_rest: float | None = None,
    ) -> FeedbackModel:
        """Learn from ``sessions`` and observed ``recovery_days`` (see :func:`recovery_days_after_hard`)."""
        rpe_res = [
            s.reported_rpe - s.expected_rpe
            for s in sessions
            if s.reported_rpe is not None and s.workout_type not in ("rest", "race")
        ]
        rpe, n_rpe = shrink(self.population_rpe_offset, rpe_res, self.k_rpe)
        rec, n_rec = shrink(self.population_recovery_days, list(recovery_days), self.k_recovery)
        hr_off, n_hr, pace_off = self.population_easy_hr_offset_bpm, 0, 0.0
        if vdot is not None and hr_max is not None and hr_rest is not None and hr_max > hr_rest + 20:
            easy = [
                s
                for s in sessions
                if s.workout_type in ("easy", "recovery", "long")
                and s.avg_hr is not None
                and s.pace_s_per_km is not None
                and 150 < s.pace_s_per_km < 900
            ]
            res = [
                (s.avg_hr or 0.0) - expected_easy_hr(s.pace_s_per_km or 0.0, vdot, hr_max, hr_rest)
                for s in easy
            ]
            hr_off, n_hr = shrink(self.population_easy_hr_offset_bpm, res, self.k_hr)
            if easy:
                mid = sorted(s.pace_s_per_km or 0.0 for s in easy)[len(easy) // 2]
                pace_off = pace_offset_for_hr(hr_off, mid, vdot, hr_max, hr_rest)
        self.params_ = PersonalParams(rpe, n_rpe, rec, n_rec, hr_off, n_hr, pace_off)
        return self

    def predict_rpe(self, expected_rpe: float) -> float:
        """Personal RPE prediction for a workout whose population expectation is ``expected_rpe``."""
        return max(0.0, min(10.0, expected_rpe + self.params_.rpe_offset))

    def predict_recovery_days(self) -> float:
        return self.params_.recovery_days


@dataclass(frozen=True, slots=True)
class PredictionRecord:
    """A logged prediction next to its population-only counterpart; ``outcome`` is filled later.

    ``kind``: "rpe" (CR-10) or "recovery_days" (days). ``n``: personal observations behind it.
    """

    runner_id: str
    made_on: date
    target_date: date
    kind: str
    workout_type: str
    predicted: float
    population: float
    n: int
    outcome: float | None = None

    def with_outcome(self, outcome: float) -> PredictionRecord:
        return replace(self, outcome=outcome)

    def to_json(self) -> dict[str, object]:
        return {
            "runner_id": self.runner_id,
            "made_on": self.made_on.isoformat(),
            "target_date": self.target_date.isoformat(),
            "kind": self.kind,
            "workout_type": self.workout_type,
            "predicted": round(self.predicted, 3),
            "population": round(self.population, 3),
            "n": self.n,
            "outcome": self.outcome,
        }


def log_predictions(
    runner_id: str, today: date, workout: Workout, model: FeedbackModel
) -> tuple[PredictionRecord, ...]:
    """Predictions to store for today's ``workout``: its RPE, and recovery days after a hard day."""
    if workout.type == "rest":
        return ()
    pop = EXPECTED_RPE.get(workout.type, 3.0)
    p = model.params_
    out = [
        PredictionRecord(
            runner_id,
            today,
            today,
            "rpe",
            workout.type,
            model.predict_rpe(pop),
            max(0.0, min(10.0, pop + model.population_rpe_offset)),
            p.rpe_n,
        )
    ]
    if workout.type in HARD_DAY_TYPES:
        out.append(
            PredictionRecord(
                runner_id,
                today,
                today,
                "recovery_days",
                workout.type,
                model.predict_recovery_days(),
                model.population_recovery_days,
                p.recovery_n,
            )
        )
    return tuple(out)


def evaluate(records: Iterable[PredictionRecord]) -> dict[str, dict[str, float]]:
    """Mean absolute error of personal vs population predictions per kind (records with outcomes)."""
    acc: dict[str, list[float]] = {}
    for r in records:
        if r.outcome is None:
            continue
        a = acc.setdefault(r.kind, [0.0, 0.0, 0.0])
        a[0] += 1
        a[1] += abs(r.predicted - r.outcome)
        a[2] += abs(r.population - r.outcome)
    out: dict[str, dict[str, float]] = {}
    for k, (n, ep, eq) in acc.items():
        out[k] = {
            "n": n,
            "mae_personal": ep / n,
            "mae_population": eq / n,
            "improvement_pct": 100.0 * (1.0 - ep / eq) if eq > 0 else 0.0,
        }
    return out
