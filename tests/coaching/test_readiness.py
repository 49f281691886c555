"""Readiness: formulas, bounds, missing data, monotonicity (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching import readiness as readiness_mod
from coaching.inputs import RunnerProfile
from coaching.readiness import BASE_SCORE, WEIGHTS_PATH, ReadinessWeights, band_of, load_weights
from coaching.risk import assess, engine_arrays

TODAY = pd.Timestamp("2024-04-30")


def history(days: int = 120, seed: int = 0, **over: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=TODAY, periods=days)
    ran = rng.random(days) < 0.6
    s = pd.DataFrame(
        {
            "runner_id": 1,
            "date": dates[ran],
            "sport": "running",
            "duration_s": rng.uniform(1800, 4200, ran.sum()),
            "rpe": rng.integers(3, 8, ran.sum()).astype(float),
        }
    )
    c = pd.DataFrame(
        {
            "runner_id": 1,
            "date": dates,
            "hrv_ms": np.exp(rng.normal(4.0, 0.1, days)),
            "rhr_bpm": rng.normal(50, 2, days),
            "sleep_h": rng.normal(7.8, 0.5, days),
            "sleep_quality": 4.0,
            "fatigue": 2.0,
            "soreness": 2.0,
            "stress": 2.0,
            "mood": 4.0,
        }
    )
    for k, v in over.items():
        c.loc[c.index[-1], k] = v
    return s, c


def test_bands() -> None:
    assert [band_of(x) for x in (95, 80, 79.9, 60, 45, 10)] == [
        "ready",
        "ready",
        "normal",
        "normal",
        "caution",
        "rest",
    ]


def test_sleep_points(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sleep with the literature defaults: -4 points per hour short of 8 h."""
    monkeypatch.setattr(readiness_mod, "DEFAULT_WEIGHTS", ReadinessWeights())
    s, c = history(sleep_h=8.0)
    a = assess(s, c, None, TODAY)
    s2, c2 = history(sleep_h=6.0)
    b = assess(s2, c2, None, TODAY)
    fa = {f.key: f for f in a.readiness.factors}
    fb = {f.key: f for f in b.readiness.factors}
    assert fa["sleep"].contribution == pytest.approx(0.0)
    assert fb["sleep"].contribution == pytest.approx(-8.0)
    assert b.readiness.score == pytest.approx(a.readiness.score - 8.0, abs=0.11)


def test_hrv_band_kiviniemi() -> None:
    """7-day mean ln RMSSD inside baseline +- 0.5 SD -> 0; a week 2 SD low -> -15 points."""
    s, c = history()
    a = assess(s, c, None, TODAY)
    assert {f.key for f in a.readiness.factors} >= {"hrv", "rhr", "sleep", "wellness", "form"}
    ln = np.log(c["hrv_ms"].to_numpy())
    base = ln[-67:-7]
    c2 = c.copy()
    c2.loc[c2.index[-7:], "hrv_ms"] = math.exp(base.mean() - 2.0 * base.std(ddof=1))
    b = assess(s, c2, None, TODAY)
    hrv = {f.key: f for f in b.readiness.factors}["hrv"]
    assert hrv.contribution == pytest.approx(-15.0, abs=0.05)
    assert hrv.usual is not None and hrv.usual[0] < hrv.usual[1]


def test_hrv_needs_three_readings() -> None:
    """Plews et al. 2014: fewer than 3 readings in 7 days -> HRV missing, confidence lower."""
    s, c = history()
    c.loc[c.index[-7:-2], "hrv_ms"] = np.nan
    a = assess(s, c, None, TODAY)
    assert "hrv" in a.readiness.missing
    # hrv (0.25) and rpe_gap (0.10: no HR, pace or expected RPE in this history) missing
    assert a.readiness.confidence == pytest.approx(0.65)


def test_no_data_at_all() -> None:
    empty = pd.DataFrame(
        {
            "runner_id": pd.Series([], dtype=int),
            "date": pd.Series([], dtype="datetime64[ns]"),
            "duration_s": pd.Series([], dtype=float),
        }
    )
    a = assess(empty, None, RunnerProfile(), TODAY, runner_id=5)
    assert a.readiness.score == BASE_SCORE
    assert a.readiness.confidence == 0.0
    assert set(a.readiness.missing) == {"hrv", "rhr", "sleep", "sleep_quality", "wellness", "form", "rpe_gap"}


def test_expected_rpe_gap() -> None:
    s, c = history()
    s = s.copy()
    s["expected_rpe"] = s["rpe"]
    s.loc[s.index[-1], "date"] = TODAY
    s.loc[s.index[-1], "rpe"] = 9.0
    s.loc[s.index[-1], "expected_rpe"] = 4.0
    a = assess(s, c, None, TODAY)
    gap = {f.key: f for f in a.readiness.factors}["rpe_gap"]
    assert gap.value == pytest.approx(5.0)
    assert gap.contribution == pytest.approx(-12.0)


def test_no_peeking_future_rows_ignored() -> None:
    s, c = history()
    a = assess(s, c, None, TODAY - pd.Timedelta(days=10))
    b = assess(
        s[s["date"] <= TODAY - pd.Timedelta(days=10)],
        c[c["date"] <= TODAY - pd.Timedelta(days=10)],
        None,
        TODAY - pd.Timedelta(days=10),
    )
    assert repr(a) == repr(b)  # repr: NaN metrics compare equal


def test_series_equals_truncated_runs() -> None:
    """Each day's readiness in the full series equals a run with data up to that day only."""
    s, c = history()
    full = engine_arrays(s, c, None, TODAY)
    for back in (0, 5, 30):
        day = TODAY - pd.Timedelta(days=back)
        part = engine_arrays(s[s["date"] <= day], c[c["date"] <= day], None, day)
        assert full.readiness.score[0, -1 - back] == pytest.approx(part.readiness.score[0, -1])


def test_weights_file_and_defaults(tmp_path: pytest.TempPathFactory) -> None:
    """The shipped weights load and are >= 0; a missing or broken file gives the literature defaults."""
    shipped = load_weights(WEIGHTS_PATH)
    assert shipped.source.startswith("fitted")
    for name in ("fatigue", "soreness", "stress", "mood", "sleep_quality", "form", "rhr", "sleep_short"):
        assert getattr(shipped, name) >= 0.0
    assert load_weights(Path(str(tmp_path)) / "absent.json") == ReadinessWeights()
    bad = Path(str(tmp_path)) / "bad.json"
    bad.write_text("not json")
    assert load_weights(bad) == ReadinessWeights()
    with pytest.raises(ValueError):
        ReadinessWeights.from_mapping({"fatigue": -1.0}, "test")


def test_wellness_against_own_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same tired morning costs less for a runner who usually reports it than for a usually fresh one."""
    monkeypatch.setattr(readiness_mod, "DEFAULT_WEIGHTS", ReadinessWeights())
    s, fresh = history(fatigue=4.0)
    habitual = fresh.copy()
    habitual["fatigue"] = 4.0
    a = {f.key: f for f in assess(s, fresh, None, TODAY).readiness.factors}["wellness"]
    b = {f.key: f for f in assess(s, habitual, None, TODAY).readiness.factors}["wellness"]
    # usually fresh (fatigue 2 = badness 1 on 90 days): usual (90 x 1 + 28 x 2) / 118 = 1.24
    assert a.detail["fatigue"] == pytest.approx(-4.0 * (3.0 - (90 * 1.0 + 28 * 2.0) / 118), abs=0.01)
    # habitual usual: (90 x 3 + 28 x 2) / 118 = 2.76 -> about -1
    assert b.detail["fatigue"] == pytest.approx(-4.0 * (3.0 - (90 * 3.0 + 28 * 2.0) / 118), abs=0.01)
    assert a.detail["fatigue"] < b.detail["fatigue"] < 0.0
    assert a.contribution < b.contribution


def test_new_runner_compared_with_scale_normal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without history the usual is the scale's 'normal' (3 of 5): fatigue 3 costs nothing, 5 costs 2 steps."""
    monkeypatch.setattr(readiness_mod, "DEFAULT_WEIGHTS", ReadinessWeights())
    c = pd.DataFrame(
        {"runner_id": [1], "date": [TODAY], "fatigue": [5.0], "soreness": [3.0], "stress": [3.0], "mood": [3.0]}
    )
    empty = pd.DataFrame(
        {
            "runner_id": pd.Series([], dtype=int),
            "date": pd.Series([], dtype="datetime64[ns]"),
            "duration_s": pd.Series([], dtype=float),
        }
    )
    w = {f.key: f for f in assess(empty, c, None, TODAY).readiness.factors}["wellness"]
    assert w.detail == {"fatigue": -8.0, "soreness": 0.0, "stress": 0.0, "mood": 0.0}
    assert w.contribution == pytest.approx(-8.0)


# ---------------------------------------------------------------- properties

_settings = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(
    seed=st.integers(0, 10_000),
    extra_min=st.floats(10, 240),
    back=st.integers(0, 13),
    scale=st.floats(1.0, 3.0),
)
def test_more_recent_load_never_raises(seed: int, extra_min: float, back: int, scale: float) -> None:
    s, c = history(seed=seed)
    base = assess(s, c, None, TODAY).readiness.score
    more = pd.concat(
        [
            s,
            pd.DataFrame(
                {
                    "runner_id": [1],
                    "date": [TODAY - pd.Timedelta(days=back)],
                    "sport": ["cycling"],
                    "duration_s": [extra_min * 60.0],
                }
            ),
        ]
    )
    assert assess(more, c, None, TODAY).readiness.score <= base + 1e-9
    longer = s.copy()
    recent = longer["date"] > TODAY - pd.Timedelta(days=14)
    longer.loc[recent, "duration_s"] *= scale
    assert assess(longer, c, None, TODAY).readiness.score <= base + 1e-9


@_settings
@given(
    seed=st.integers(0, 10_000),
    d_hrv=st.floats(0, 0.5),
    d_sleep=st.floats(0, 4),
    d_well=st.integers(0, 3),
    d_rhr=st.floats(0, 15),
)
def test_worse_signals_never_raise(
    seed: int, d_hrv: float, d_sleep: float, d_well: int, d_rhr: float
) -> None:
    s, c = history(seed=seed)
    base = assess(s, c, None, TODAY).readiness.score
    worse = c.copy()
    last7 = worse.index[-7:]
    worse.loc[last7, "hrv_ms"] = worse.loc[last7, "hrv_ms"] * math.exp(-d_hrv)
    i = worse.index[-1]
    worse.loc[i, "sleep_h"] -= d_sleep
    worse.loc[i, "sleep_quality"] = max(1.0, 4.0 - d_well)
    worse.loc[i, "fatigue"] = 2.0 + d_well
    worse.loc[i, "soreness"] = 2.0 + d_well
    worse.loc[i, "stress"] = 2.0 + d_well
    worse.loc[i, "mood"] = 4.0 - d_well
    worse.loc[i, "rhr_bpm"] += d_rhr
    assert assess(s, worse, None, TODAY).readiness.score <= base + 1e-9


@_settings
@given(
    seed=st.integers(0, 1000),
    drop=st.floats(0, 1),
    cols=st.lists(
        st.sampled_from(["hrv_ms", "rhr_bpm", "sleep_h", "sleep_quality", "fatigue", "mood", "rpe", "sport"]),
        max_size=5,
    ),
)
def test_missing_data_never_crashes_and_bounded(seed: int, drop: float, cols: list[str]) -> None:
    s, c = history(seed=seed)
    rng = np.random.default_rng(seed)
    for col in cols:
        frame = s if col in s.columns else c
        if col in frame.columns:
            mask = rng.random(len(frame)) < drop
            frame.loc[mask, col] = np.nan if col != "sport" else None
    c = c.sample(frac=1.0 - drop / 2, random_state=seed)
    a = assess(s, c, None, TODAY)
    b = assess(s, c, None, TODAY)
    assert repr(a) == repr(b)  # identical history -> identical output
    assert 0.0 <= a.readiness.score <= 100.0
    assert 0.0 <= a.readiness.confidence <= 1.0
    assert 0.0 <= a.risk.probability <= 1.0
    for f in a.readiness.factors:
        assert f.value is None or math.isfinite(f.value)
