from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from coaching.plan.feedback import (
    FeedbackModel,
    PredictionRecord,
    SessionFeedback,
    evaluate,
    expected_easy_hr,
    log_predictions,
    recovery_days_after_hard,
    shrink,
)
from coaching.plan.workouts import build_workout

D0 = date(2025, 1, 1)


def test_shrinkage_formula() -> None:
    assert shrink(2.0, [], 3.0) == (2.0, 0)
    v, n = shrink(0.0, [2.0, 2.0, 2.0], 3.0)
    assert n == 3 and v == pytest.approx(1.0)


def test_rpe_offset_learned_and_shrunk() -> None:
    rng = random.Random(1)
    fb = [
        SessionFeedback(D0 + timedelta(days=i), "easy", 3.0, 3.0 + 1.5 + rng.gauss(0, 0.3)) for i in range(40)
    ]
    few = FeedbackModel().fit(fb[:2]).params_.rpe_offset
    many = FeedbackModel().fit(fb).params_.rpe_offset
    assert 0 < few < many < 1.6 and many > 1.2
    assert FeedbackModel().fit(fb).predict_rpe(6.5) == pytest.approx(6.5 + many)


def test_recovery_days_measurement_and_censoring() -> None:
    daily = {D0 + timedelta(days=k): v for k, v in enumerate([50, 55, 60, 70, 72, 50, 71, 72])}
    out = recovery_days_after_hard([D0, D0 + timedelta(days=5)], daily, baseline=72, tolerance=5)
    assert out == [3.0, 1.0]
    # a second hard day before recovery censors the first
    assert recovery_days_after_hard([D0, D0 + timedelta(days=1)], daily, 72, 5) == [2.0]


def test_easy_hr_offset_to_pace() -> None:
    vdot, hmax, hrest = 45.0, 190.0, 50.0
    pace = 360.0
    exp = expected_easy_hr(pace, vdot, hmax, hrest)
    fb = [SessionFeedback(D0, "easy", 3.0, 3.0, avg_hr=exp + 8.0, pace_s_per_km=pace) for _ in range(30)]
    p = FeedbackModel().fit(fb, vdot=vdot, hr_max=hmax, hr_rest=hrest).params_
    assert 6.0 < p.easy_hr_offset_bpm < 8.0
    assert p.easy_pace_offset_s_per_km > 5.0  # slow down to bring HR back into the zone


def test_log_and_evaluate() -> None:
    m = FeedbackModel().fit([SessionFeedback(D0, "tempo", 6.5, 8.0) for _ in range(12)], [3.0] * 6)
    recs = log_predictions("r1", D0, build_workout("tempo", 45.0), m)
    assert {r.kind for r in recs} == {"rpe", "recovery_days"}
    done = [r.with_outcome(8.0 if r.kind == "rpe" else 3.0) for r in recs]
    ev = evaluate(done)
    assert ev["rpe"]["mae_personal"] < ev["rpe"]["mae_population"]
    assert ev["recovery_days"]["mae_personal"] < ev["recovery_days"]["mae_population"]
    assert isinstance(PredictionRecord("r", D0, D0, "rpe", "easy", 3.0, 3.0, 0).to_json(), dict)
    assert log_predictions("r1", D0, build_workout("rest", 0.0), m) == ()
