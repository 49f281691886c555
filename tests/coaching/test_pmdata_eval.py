"""The PMData evaluation runs end to end (skipped when the shared data are absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path("/work/shared/data/wellness-pmdata")


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
