"""Session load formulas, hand-computed (sources in each docstring)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from coaching.inputs import InputError, RunnerProfile, validate_sessions
from coaching.load import (
    POPULATION_LOG_RATIO,
    SHRINKAGE_K,
    SessionLoadModel,
    banister_trimp,
    edwards_trimp,
    pace_stress,
    session_load,
    srpe,
)


def test_srpe_foster_2001() -> None:
    """Foster et al. 2001: CR-10 RPE x minutes; RPE 7 for 50 min = 350 LU."""
    assert float(srpe(7.0, 50 * 60.0)) == pytest.approx(350.0)


def test_banister_trimp_men_and_women() -> None:
    """Banister 1991: 60 min, HR 150, rest 50, max 190 -> HRr = 100/140."""
    hrr = 100.0 / 140.0
    men = 60 * hrr * 0.64 * math.exp(1.92 * hrr)
    women = 60 * hrr * 0.86 * math.exp(1.67 * hrr)
    assert float(banister_trimp(3600.0, 150.0, 50.0, 190.0, 0.0)) == pytest.approx(men)
    assert float(banister_trimp(3600.0, 150.0, 50.0, 190.0, 1.0)) == pytest.approx(women)
    assert float(banister_trimp(3600.0, 150.0, 50.0, 190.0, np.nan)) == pytest.approx((men + women) / 2)
    assert men == pytest.approx(60 * 0.714286 * 0.64 * math.exp(1.371429), rel=1e-5)


def test_edwards_zone_from_mean_hr() -> None:
    """Edwards 1993: 40 min at 75 % HRmax lies in zone 3 (70-80 %) -> 120; below 50 % -> 0."""
    assert float(edwards_trimp(2400.0, 150.0, 200.0)) == pytest.approx(120.0)
    assert float(edwards_trimp(2400.0, 190.0, 200.0)) == pytest.approx(200.0)
    assert float(edwards_trimp(2400.0, 90.0, 200.0)) == pytest.approx(0.0)


def test_pace_stress_rtss() -> None:
    """rTSS convention: 1 h at threshold = 100; 1 h at IF 0.8 = 64."""
    assert float(pace_stress(3600.0, 12_000.0, 300.0)) == pytest.approx(100.0)
    assert float(pace_stress(3600.0, 9_600.0, 300.0)) == pytest.approx(64.0)


def test_method_order_and_scale() -> None:
    s = pd.DataFrame(
        {
            "runner_id": [1, 1, 1, 1],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "sport": ["running", "running", "cycling", "swimming"],
            "duration_s": [3000.0, 3600.0, 3600.0, 1800.0],
            "distance_m": [10_000.0, 12_000.0, 30_000.0, np.nan],
            "rpe": [7.0, np.nan, np.nan, np.nan],
            "avg_hr": [np.nan, np.nan, 140.0, np.nan],
        }
    )
    out = session_load(s, RunnerProfile(threshold_pace_s_per_km=300.0, hr_max=200.0))
    assert out["load_method"].tolist() == ["srpe", "pace", "edwards", "duration"]
    assert out["load"].iloc[0] == pytest.approx(350.0)
    # Pace: 100 rTSS x population ratio (no session has both RPE and pace... except the first):
    # session 1 has RPE and pace -> n = 1 calibration sample.
    lr_obs = math.log(350.0 / float(pace_stress(3000.0, 10_000.0, 300.0)))
    w = 1.0 / (1.0 + SHRINKAGE_K)
    lr = w * lr_obs + (1 - w) * POPULATION_LOG_RATIO["pace"]
    assert out["load"].iloc[1] == pytest.approx(100.0 * math.exp(lr))
    assert out["load"].iloc[3] == pytest.approx(4.0 * 30.0)  # swimming default RPE 4 x 30 min


def test_calibration_shrinks_toward_population() -> None:
    """ln c = (n mean + k pop) / (n + k): many sessions pull c to the runner's own ratio."""
    n = 40
    s = pd.DataFrame(
        {
            "runner_id": 1,
            "date": pd.date_range("2024-01-01", periods=n),
            "sport": "running",
            "duration_s": 3600.0,
            "distance_m": 12_000.0,
            "rpe": 8.0,
        }
    )
    m = SessionLoadModel().fit(s, RunnerProfile(threshold_pace_s_per_km=300.0))
    obs = math.log(480.0 / 100.0)
    expect = (n * obs + SHRINKAGE_K * POPULATION_LOG_RATIO["pace"]) / (n + SHRINKAGE_K)
    assert m.log_ratio_.loc[1, "pace"] == pytest.approx(expect)


def test_vectorised_over_runners_and_missing_columns() -> None:
    s = pd.DataFrame(
        {
            "runner_id": [2, 1, 2],
            "date": ["2024-01-02", "2024-01-01", "2024-01-01"],
            "duration_s": [600.0, 1200.0, -5.0],
        }
    )
    out = session_load(s)
    assert out["runner_id"].tolist() == [1, 2]  # invalid duration dropped, sorted
    assert (out["load"] > 0).all()


def test_missing_required_column() -> None:
    with pytest.raises(InputError):
        validate_sessions(pd.DataFrame({"runner_id": [1]}))
