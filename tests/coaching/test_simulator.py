"""A small, seeded season simulation: the directions the full run (200 runners) reports."""

from __future__ import annotations

import pytest

from coaching.plan.simulate import frandsen_hr, run

N = 40


@pytest.fixture(scope="module")
def figures() -> dict[str, object]:
    return run(N, seed=7)


def test_frandsen_hazard_ratios() -> None:
    assert frandsen_hr(10_500, 10_000) == 1.0
    assert frandsen_hr(12_000, 10_000) == 1.64
    assert frandsen_hr(15_000, 10_000) == 1.52
    assert frandsen_hr(25_000, 10_000) == 2.28


def test_deterministic() -> None:
    assert run(4, seed=3) == run(4, seed=3)


def test_coach_no_more_injuries_and_more_starters(figures: dict[str, object]) -> None:
    c, f = figures["coach"], figures["fixed"]
    assert isinstance(c, dict) and isinstance(f, dict)
    assert c["injuries"] <= f["injuries"]
    assert c["started"] >= f["started"]
    assert c["niggle_days"] <= f["niggle_days"]


def test_personal_predictions_beat_population_after_8_weeks(figures: dict[str, object]) -> None:
    p = figures["predictions_after_8_weeks"]
    assert isinstance(p, dict)
    for kind in ("rpe", "recovery_days"):
        assert p[kind]["n"] > 50
        assert p[kind]["mae_personal"] < p[kind]["mae_population"]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "simulated race times are still SLOWER with the coach (200 runners: +2.3 % seed 7, +1.4 % seed 11"
        " after evidence-based caution days, history-based weekly targets and short-break returns; was"
        " +3.2 % / +2.4 %). Level without interruptions; the rest is the multi-week return after"
        " injuries (kept conservative) and the illness/pain safety rules; see report"
    ),
)
def test_coach_faster_races(figures: dict[str, object]) -> None:
    assert float(figures["mean_time_diff_s_coach_minus_fixed"]) < 0  # type: ignore[arg-type]
