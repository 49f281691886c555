"""Riegel, VDOT, critical speed and efficiency factor against published figures and simple truths."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coaching.prediction.critical_speed import fit_critical_speed, marathon_time_from_cs
from coaching.prediction.efficiency import aerobic_decoupling, efficiency_factor, efficiency_trend
from coaching.prediction.riegel import implied_exponent, riegel_time
from coaching.prediction.vdot import estimate_vdot, race_time_from_vdot, vdot_from_race


def hms(text: str) -> float:
    parts = [float(p) for p in text.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def test_riegel_worked_examples() -> None:
    # T2 = T1 (D2/D1)^1.06: a 40:00 10k is a 1:28:15 half; a 1:30:00 half a 3:07:39 marathon
    assert riegel_time(hms("40:00"), 10_000, 21_097.5) == pytest.approx(hms("1:28:15"), abs=1)
    assert riegel_time(hms("1:30:00"), 21_097.5, 42_195) == pytest.approx(hms("3:07:39"), abs=1)
    assert riegel_time(1000, 5000, 5000) == 1000
    assert implied_exponent(10_000, 2400, 21_097.5, riegel_time(2400, 10_000, 21_097.5)) == pytest.approx(
        1.06
    )


# Daniels' Running Formula VDOT table rows (5k, 10k, half, marathon)
DANIELS = {
    30: ("30:40", "63:46", "2:21:04", "4:49:17"),
    40: ("24:08", "50:03", "1:50:59", "3:49:45"),
    50: ("19:57", "41:21", "1:31:35", "3:10:49"),
    60: ("17:03", "35:22", "1:18:09", "2:43:25"),
    70: ("14:55", "31:00", "1:08:21", "2:23:10"),
}
DISTANCES = (5000.0, 10_000.0, 21_097.5, 42_195.0)


@pytest.mark.parametrize("vdot", sorted(DANIELS))
def test_vdot_matches_daniels_tables(vdot: int) -> None:
    for dist, table in zip(DISTANCES, DANIELS[vdot], strict=True):
        t = hms(table)
        assert race_time_from_vdot(vdot, dist) == pytest.approx(t, rel=0.0025)  # within 0.25%
        assert vdot_from_race(dist, t) == pytest.approx(vdot, abs=0.3)


def test_vdot_round_trip_and_estimate() -> None:
    t = race_time_from_vdot(47.3, 10_000)
    assert vdot_from_race(10_000, t) == pytest.approx(47.3, abs=1e-3)
    est = estimate_vdot(
        [("2026-05-03", 10_000, 2481.0), ("2026-04-01", 5000, 1500.0), ("2026-03-01", 800, 120)]
    )
    assert est is not None and est.vdot == pytest.approx(50, abs=0.2)
    assert est.basis[0].key == "race" and est.basis[0].detail["date"] == "2026-05-03"
    assert estimate_vdot([]) is None


def test_critical_speed_recovers_known_parameters() -> None:
    cs, dp = 4.0, 200.0
    times = [180.0, 420.0, 720.0, 1200.0]
    fit = fit_critical_speed([cs * t + dp for t in times], times)
    assert fit is not None
    assert fit.cs_m_s == pytest.approx(cs) and fit.d_prime_m == pytest.approx(dp)
    assert fit.r2 == pytest.approx(1.0) and fit.n_efforts == 4
    assert fit.time_for(5000) == pytest.approx((5000 - dp) / cs)
    assert fit.cs_pace_s_per_km == pytest.approx(250.0)
    assert fit_critical_speed([1000, 2000], [200, 420]) is None  # fewer than three efforts
    # marathon at ~85% of CS for a ~3:30 runner (Smyth & Muniz-Pumares 2020)
    t = marathon_time_from_cs(42_195 / (3.5 * 3600) / 0.88)
    assert 3.2 * 3600 < t < 3.8 * 3600


def test_efficiency_factor_and_decoupling() -> None:
    assert efficiency_factor(10_000, 3000, 150) == pytest.approx(200 / 150)
    assert aerobic_decoupling(1.40, 1.33) == pytest.approx(0.05)
    days = pd.date_range("2026-01-01", periods=40, freq="2D")
    runs = pd.DataFrame(
        {
            "date": days,
            "distance_m": [10_000.0] * 40,
            "time_s": [3600.0 - 10 * i for i in range(40)],  # getting faster at the same HR
            "avg_hr": [140.0] * 39 + [185.0],
        }
    )
    trend = efficiency_trend(runs, today=days[-1])
    assert trend is not None and trend.change_pct > 0 and trend.slope_per_week > 0
    assert trend.basis[0].key == "efficiency_factor"
    assert not math.isnan(trend.ef_recent)
