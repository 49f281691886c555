"""Injury risk model: coefficients, baseline, bands, top change, EB fit, monotone in spike size."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.inputs import RunnerProfile
from coaching.risk import (
    COEFFICIENTS,
    FEATURES,
    INTERCEPT,
    InjuryRiskModel,
    area_weight,
    assess,
    assess_batch,
    risk_band,
)

TODAY = pd.Timestamp("2024-04-30")


def runs(long_km: float | None = None, days: int = 90) -> pd.DataFrame:
    dates = pd.date_range(end=TODAY, periods=days)
    dist = np.where(np.arange(days) % 2 == 0, 8000.0, 0.0)
    if long_km is not None:
        dist[-2] = long_km * 1000.0
    keep = dist > 0
    return pd.DataFrame(
        {
            "runner_id": 1,
            "date": dates[keep],
            "sport": "running",
            "duration_s": dist[keep] * 0.33,
            "distance_m": dist[keep],
            "rpe": 4.0,
        }
    )


def test_baseline_is_three_percent() -> None:
    """Videbaek et al. 2015: ~7.7 injuries/1000 h x ~4 h/week -> ~3 % a week."""
    p = InjuryRiskModel().predict_proba(pd.DataFrame({f: [0.0] for f in FEATURES}))[0, 1]
    assert p == pytest.approx(0.03)
    assert INTERCEPT == pytest.approx(math.log(0.03 / 0.97))


def test_spike_coefficients_frandsen() -> None:
    assert math.exp(COEFFICIENTS["spike_10_30"]) == pytest.approx(1.64)
    assert math.exp(COEFFICIENTS["spike_over_100"]) == pytest.approx(2.28)
    assert COEFFICIENTS["spike_30_100"] >= COEFFICIENTS["spike_10_30"]


def test_bands() -> None:
    assert [risk_band(p) for p in (0.03, 0.05, 0.099, 0.1)] == ["low", "moderate", "moderate", "high"]


def test_area_weights() -> None:
    assert area_weight("left Achilles") == 1.3
    assert area_weight("right_knee") == 1.2
    assert area_weight("left_shoulder") == 0.3
    assert area_weight(None) == 0.8


def test_spike_top_change() -> None:
    a = assess(runs(long_km=20.0), None, None, TODAY)
    keys = {f.key for f in a.risk.factors}
    assert "spike_over_100" in keys
    tc = a.risk.top_change
    assert tc is not None and tc.key == "spike"
    assert tc.target == pytest.approx(22.0)  # 1.1 x the 20 km longest of the last 30 days
    assert tc.new_probability < a.risk.probability
    assert tc.reduction == pytest.approx(a.risk.probability - tc.new_probability, abs=1e-4)


def test_pain_dominates_top_change() -> None:
    c = pd.DataFrame(
        {
            "runner_id": [1],
            "date": [TODAY - pd.Timedelta(days=1)],
            "pain_area": ["achilles"],
            "pain_score": [6.0],
        }
    )
    a = assess(runs(long_km=10.0), c, RunnerProfile(injury_history=1), TODAY)
    assert a.risk.top_change is not None and a.risk.top_change.key == "pain"
    assert any(f.key == "pain" and f.detail.get("area") == "achilles" for f in a.risk.factors)
    assert a.risk.band == "high"


@settings(max_examples=30, deadline=None)
@given(a=st.floats(8.0, 40.0), b=st.floats(8.0, 40.0))
def test_risk_non_decreasing_in_spike(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    p_lo = assess(runs(long_km=lo), None, None, TODAY).risk.probability
    p_hi = assess(runs(long_km=hi), None, None, TODAY).risk.probability
    assert p_hi >= p_lo - 1e-12
    assert 0.0 < p_lo < 1.0


def test_eb_fit_offsets() -> None:
    """Gamma-Poisson: offset = ln((O + a) / (E + a)); no events -> no offset."""
    n = 50
    X = pd.DataFrame({f: np.zeros(2 * n) for f in FEATURES})
    X["runner_id"] = [1] * n + [2] * n
    y = np.zeros(2 * n)
    y[:3] = 1
    m = InjuryRiskModel().fit(X, y)
    e = n * 0.03
    assert m.offsets_[1] == pytest.approx(math.log((3 + 2) / (e + 2)))
    assert 2 not in m.offsets_
    p = m.predict_proba(X)[:, 1]
    assert p[0] > p[-1] == pytest.approx(0.03)


def test_batch_matches_single() -> None:
    s1 = runs(long_km=15.0)
    s2 = runs().assign(runner_id=2)
    batch = assess_batch(pd.concat([s1, s2]), None, None, TODAY)
    assert set(batch) == {1, 2}
    single = assess(s1, None, None, TODAY)
    assert batch[1].risk == single.risk
    assert batch[1].readiness == single.readiness
