"""Daily series: EWMA steps, ACWR lambda, Foster monotony, Frandsen spike bands."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.training_load import daily_metrics, ewma, trailing_max, williams_ewma


def _sessions(loads: list[float], start: str = "2024-01-01", dist: list[float] | None = None) -> pd.DataFrame:
    days = pd.date_range(start, periods=len(loads))
    rows = [
        {
            "runner_id": 1,
            "date": d,
            "sport": "running",
            "duration_s": 60.0 * x / 5.0,
            "rpe": 5.0,
            "distance_m": (dist[i] if dist else np.nan),
        }
        for i, (d, x) in enumerate(zip(days, loads, strict=True))
        if x > 0
    ]
    return pd.DataFrame(rows)


def test_every_day_filled_and_index() -> None:
    dm = daily_metrics(_sessions([100, 0, 0, 50]))
    assert list(dm.index.names) == ["runner_id", "date"]
    assert len(dm) == 4
    assert dm["load"].tolist() == pytest.approx([100, 0, 0, 50])


def test_fitness_fatigue_steps() -> None:
    """Impulse response (Banister): f_t = f_(t-1) e^(-1/tau) + (1 - e^(-1/tau)) L_t."""
    dm = daily_metrics(_sessions([100, 0, 0]), end="2024-01-03")
    a42, a7 = math.exp(-1 / 42), math.exp(-1 / 7)
    assert dm["fitness"].iloc[0] == pytest.approx(100 * (1 - a42))
    assert dm["fitness"].iloc[2] == pytest.approx(100 * (1 - a42) * a42**2)
    assert dm["fatigue"].iloc[1] == pytest.approx(100 * (1 - a7) * a7)
    assert dm["form"].iloc[2] == pytest.approx(dm["fitness"].iloc[2] - dm["fatigue"].iloc[2])


def test_williams_ewma_lambda() -> None:
    """Williams et al. 2017: lambda = 2/(N+1); N = 7 -> 0.25."""
    x = np.array([[100.0, 0.0, 200.0]])
    y = williams_ewma(x, 7)
    assert y[0].tolist() == pytest.approx([25.0, 18.75, 0.25 * 200 + 0.75 * 18.75])


def test_acwr_needs_28_days() -> None:
    dm = daily_metrics(_sessions([100.0] * 40))
    assert np.isnan(dm["acwr"].iloc[26])
    lam_a, lam_c = 0.25, 2 / 29
    t = 39
    acute = 100 * (1 - (1 - lam_a) ** (t + 1))
    chronic = 100 * (1 - (1 - lam_c) ** (t + 1))
    assert dm["acwr"].iloc[t] == pytest.approx(acute / chronic)


def test_monotony_and_strain_foster_1998() -> None:
    """Week 300, 0, 400, 0, 500, 0, 300: mean 214.29, sample SD 211.55, monotony 1.0129."""
    week = [300, 0, 400, 0, 500, 0, 300]
    dm = daily_metrics(_sessions(week))
    mean, sd = np.mean(week), np.std(week, ddof=1)
    assert dm["monotony"].iloc[6] == pytest.approx(mean / sd)
    assert dm["monotony"].iloc[6] == pytest.approx(1.0129, abs=1e-3)
    assert dm["strain"].iloc[6] == pytest.approx(sum(week) * mean / sd)


def test_week_over_week() -> None:
    dm = daily_metrics(_sessions([100.0] * 7 + [150.0] * 7))
    assert dm["load_wow"].iloc[13] == pytest.approx(0.5)


def test_spike_bands_frandsen_2025() -> None:
    """Longest of the previous 30 days 10 km; a 12.5 km run is +25 % (band 1), 25 km is +150 % (3)."""
    loads = [50.0] * 35
    dist = [10_000.0 if i == 0 else 5_000.0 for i in range(35)]
    dist[20] = 12_500.0
    dm = daily_metrics(_sessions(loads, dist=dist))
    assert dm["spike_band"].iloc[19] == 0
    assert dm["spike_pct"].iloc[20] == pytest.approx(0.25)
    assert dm["spike_band"].iloc[20] == 1
    assert dm["spike_band"].iloc[26] == 1 and dm["spike_band"].iloc[27] == 0
    dist[20] = 25_000.0
    dm = daily_metrics(_sessions(loads, dist=dist))
    assert dm["spike_band"].iloc[20] == 3


def test_trailing_max() -> None:
    x = np.array([[1.0, 5.0, 2.0, 0.0, 0.0, 3.0]])
    assert trailing_max(x, 3)[0].tolist() == [1.0, 5.0, 5.0, 5.0, 2.0, 3.0]


def test_start_end_and_many_runners() -> None:
    a = _sessions([100.0] * 10).assign(runner_id=1)
    b = _sessions([50.0] * 5, start="2024-01-05").assign(runner_id=7)
    dm = daily_metrics(pd.concat([a, b]), start="2024-01-03", end="2024-01-12")
    assert set(dm.index.get_level_values("runner_id")) == {1, 7}
    assert len(dm) == 20
    full = daily_metrics(a)
    assert dm.loc[1, "fitness"].iloc[0] == pytest.approx(full["fitness"].iloc[2])
    assert dm.loc[7, "load"].iloc[:2].tolist() == [0.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(days=st.integers(0, 900), runners=st.integers(1, 4), tau=st.sampled_from([2.0, 7.0, 28.0, 42.0]),
       seed=st.integers(0, 2**16))
def test_ewma_and_trailing_max_match_their_day_by_day_definitions(days: int, runners: int, tau: float,
                                                                   seed: int) -> None:
    """The blocked numpy forms give what the recurrence / the window definition give, over years of days."""
    rng = np.random.default_rng(seed)
    x = rng.gamma(1.0, 60.0, (runners, days)) * (rng.random((runners, days)) < 0.6)
    decay = math.exp(-1.0 / tau)
    want = np.zeros_like(x)
    prev = np.zeros(runners)
    for t in range(days):
        prev = decay * prev + (1.0 - decay) * x[:, t]
        want[:, t] = prev
    assert np.allclose(ewma(x, decay, 1.0 - decay), want, rtol=1e-9, atol=1e-9)
    for window in (1, 7, 30):
        naive = np.array([[max([-1.0] * max(0, window - 1 - t) + list(row[max(0, t - window + 1): t + 1]))
                           for t in range(days)] for row in x]).reshape(runners, days)
        assert np.array_equal(trailing_max(x, window, fill=-1.0), naive)
