"""The evaluation protocols on the shipped data (runner-grouped, never the test fold for fitting)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coaching.evaluation import history, races
from coaching.prediction.population import DATA_DIR, load_vickers


@pytest.mark.slow
def test_races_grouped_cv() -> None:
    r = races.cross_validate(load_vickers(), n_splits=5, random_state=0)
    allr, two = r["all"], r["two_plus"]
    assert allr["n"] == 619 and two["n"] == 337
    # measured: MSE 309 / 226 min^2, MAPE 4.81 / 4.33 %, coverage 0.80 / 0.80; Riegel 531 / 455.
    # Product targets MSE <= 240 / 190 and MAPE <= 4.5 % (all) are NOT met on this file (noise floor: an
    # in-sample runner-level OLS with 27 terms only reaches 266 / 194 min^2).
    assert allr["model"]["mse_min2"] < 0.6 * allr["riegel_1.06_longest"]["mse_min2"]
    assert allr["model"]["mse_min2"] == pytest.approx(309, abs=5)
    assert two["model"]["mse_min2"] == pytest.approx(226, abs=5)
    assert allr["model"]["mape_pct"] == pytest.approx(4.81, abs=0.05)
    assert two["model"]["mape_pct"] == pytest.approx(4.33, abs=0.05)
    assert 0.75 <= allr["model"]["coverage_80"] <= 0.85
    assert 0.75 <= two["model"]["coverage_80"] <= 0.85
    assert "MSE" in races.format_text(r)


def test_races_evaluate_files(tmp_path: Path) -> None:
    v = load_vickers()
    v[v["group"] == 1].to_csv(tmp_path / "train.csv", index=False)
    v[v["group"] == 2].head(200).to_csv(tmp_path / "test.csv", index=False)
    r = races.evaluate(tmp_path / "train.csv", tmp_path / "test.csv")
    assert r["all"]["n"] > 50
    assert r["all"]["model"]["mae_min"] < r["all"]["riegel_1.06_longest"]["mae_min"]


@pytest.mark.slow
def test_history_personalisation_curve() -> None:
    r = history.evaluate(DATA_DIR / "strava_runs_train.csv.gz")
    b = r["buckets"]
    assert set(b) == {"4", "8", "12", "26+", "all"}
    # measured hybrid MAPE (cross-fitted blend): 4 wk 6.60, 8 wk 8.15, 12 wk 11.95, 26+ 11.87, all 11.41;
    # population 7.22 / 8.31 / 11.92 / 11.83 / 11.41, individual 6.79 / 8.22 / 20.89 / 12.81 / 12.64,
    # Riegel 6.98 / 8.13 / 14.35 / 16.08 / 15.07; 80% coverage 0.90 / 0.93 / 0.88 / 0.77 / 0.79
    expected = {"4": 6.60, "8": 8.15, "12": 11.95, "26+": 11.87, "all": 11.41}
    for name, mape in expected.items():
        assert b[name]["hybrid"]["mape_pct"] == pytest.approx(mape, abs=0.05)
        # never worse than either component beyond 0.05 points (12 and 26+ are 0.03-0.04 behind population)
        assert b[name]["hybrid"]["mape_pct"] <= b[name]["population"]["mape_pct"] + 0.05
        assert b[name]["hybrid"]["mape_pct"] <= b[name]["individual"]["mape_pct"] + 0.05
    for name in ("26+", "all"):  # product target met: >= 20% lower error than Riegel
        assert b[name]["hybrid"]["mape_pct"] < 0.8 * b[name]["riegel"]["mape_pct"]
    assert b["12"]["hybrid"]["mape_pct"] < 0.85 * b["12"]["riegel"]["mape_pct"]
    assert 0.75 <= b["all"]["coverage_80"] <= 0.85
    assert b["26+"]["coverage_80"] >= 0.75
    assert "hybrid" in history.format_text(r)
