"""The PMData evaluation runs end to end (skipped when the shared data are absent)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("RUNCOACH_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
DATA = SHARED / "wellness-pmdata"


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "p01" / "pmsys" / "wellness.csv").exists(), reason="PMData not available")
def test_pmdata_evaluation() -> None:
    from coaching.evaluation.pmdata import evaluate

    out = evaluate(DATA)
    assert out["athletes"] == 16
    r = out["readiness_vs_next_day_readiness_spearman"]
    assert r["n_athletes"] >= 10
    assert -1.0 <= r["median"] <= 1.0
    assert out["n_days_total"] > 500
    assert out["injury"]["onsets"] > 0
    assert 0.0 <= out["injury"]["base_rate_days_after_high_risk_week"] <= 1.0
    # the single full run equals the day-by-day runs (no peeking), and held-out figures exist
    assert out["max_abs_diff_full_run_vs_day_by_day"] < 1e-9
    loao = out["held_out_leave_one_athlete_out"]
    held, literature = loao["fitted_loao"], loao["literature_defaults"]
    assert held["next_day_readiness"]["n_athletes"] >= 10
    # On athletes it was not fitted on, readiness tracks the next day's own ratings in the right
    # direction for most athletes, and better than the hand-set literature weights.
    assert held["next_day_readiness"]["median"] > 0.05 and held["next_day_readiness"]["n_positive"] >= 12
    assert held["next_day_fatigue"]["median"] < -0.05
    assert held["next_day_readiness"]["median"] > literature["next_day_readiness"]["median"]
    assert held["next_day_fatigue"]["median"] < literature["next_day_fatigue"]["median"]


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "p01" / "pmsys" / "wellness.csv").exists(), reason="PMData not available")
def test_shipped_weights_reproduce_from_recipe() -> None:
    """``--fit`` on the PMData folder rebuilds exactly the shipped readiness weights."""
    from coaching.evaluation.pmdata import fit_weights
    from coaching.readiness import WEIGHTS_PATH

    shipped = json.loads(WEIGHTS_PATH.read_text())
    again = fit_weights(DATA, out=None)
    assert again["weights"] == shipped["weights"]
    assert all(v >= 0.0 for v in again["weights"].values())
