"""A small, seeded season simulation: the directions the full run (200 runners) reports."""

from __future__ import annotations

import pytest

from coaching.plan.simulate import (
    PREVIOUS_INJURY_HR,
    SEASON_START,
    World,
    frandsen_hr,
    make_runners,
    pooled,
    run,
    run_hazard,
    simulate_runner,
)

N = 40


@pytest.fixture(scope="module")
def figures() -> dict[str, object]:
    return run(N, seed=7)


def test_frandsen_hazard_ratios() -> None:
    assert frandsen_hr(10_500, 10_000) == 1.0
    assert frandsen_hr(12_000, 10_000) == 1.64
    assert frandsen_hr(15_000, 10_000) == 1.52
    assert frandsen_hr(25_000, 10_000) == 2.28


def test_run_hazard_exposure_spike_pain_and_previous_injury() -> None:
    base = run_hazard(0.01, 60.0, 10_000, 10_000)
    assert base == pytest.approx(0.01)  # one hour at the base rate
    assert run_hazard(0.01, 120.0, 10_000, 10_000) == pytest.approx(2 * base)
    assert run_hazard(0.01, 60.0, 12_000, 10_000) == pytest.approx(1.64 * base)
    assert run_hazard(0.01, 60.0, 10_000, 10_000, with_pain=True) == pytest.approx(3 * base)
    after = run_hazard(0.01, 60.0, 10_000, 10_000, injured_before=True)
    assert after == pytest.approx(PREVIOUS_INJURY_HR * base) and PREVIOUS_INJURY_HR > 1.5
    assert run_hazard(0.01, 60.0, 10_000, 10_000, injured_before=True, previous_injury_hr=1.0) == base


def test_fixed_plan_runner_stops_when_their_time_is_up() -> None:
    """The textbook plan's long runs outgrow a novice's 150 Sunday minutes; the runner runs what
    they have, like the coach's runner, who is planned within them."""
    minutes = {6: 150.0, 5: 90.0}
    over = {True: 0, False: 0}
    for within in (True, False):
        for r in make_runners(12, seed=5):
            for s in simulate_runner(r, "fixed", fixed_within_minutes=within).sessions:
                have = minutes.get(s.date.weekday(), 60.0)
                if s.workout_type != "race" and s.duration_s / 60.0 > have + 1e-6:
                    over[within] += 1
    assert over[True] == 0
    assert over[False] > 10  # the plan as written asks for more than the runners have
    coach = simulate_runner(make_runners(1, seed=5)[0], "coach").sessions
    assert coach and all(s.date >= SEASON_START for s in coach)
    assert all(
        s.duration_s / 60.0 <= minutes.get(s.date.weekday(), 60.0) + 1e-6
        for s in coach
        if s.workout_type != "race"
    )


def test_pooled_seeds_match_single_runs_and_bracket_the_mean() -> None:
    out = pooled([3, 4], n_runners=8, resamples=200)
    singles = [run(8, seed=s) for s in (3, 4)]
    for s, single in zip(("3", "4"), singles, strict=True):
        per_seed = out["per_seed"][s]  # type: ignore[index]
        assert per_seed["mean_pct_time_diff"] == pytest.approx(single["mean_pct_time_diff"])
        assert per_seed["coach"]["injuries"] == single["coach"]["injuries"]  # type: ignore[index]
    assert out["paired_starters"] == sum(int(x["paired_starters"]) for x in singles)  # type: ignore[call-overload]
    lo, hi = out["pct_time_diff_95ci"]  # type: ignore[misc]
    assert lo <= out["mean_pct_time_diff"] <= hi and lo < hi  # type: ignore[operator]
    world = World(previous_injury_hr=1.0, fixed_within_minutes=False)
    assert pooled([3], n_runners=8, world=world)["world"] == {
        "fixed_runs_through_pain": 0.5,
        "previous_injury_hr": 1.0,
        "fixed_within_minutes": False,
    }


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


@pytest.fixture(scope="module")
def figures_200() -> dict[int, dict[str, object]]:
    """The issue's figures: 200 runners on the two seeds the README reports."""
    return {seed: run(200, seed=seed) for seed in (7, 11)}


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason=(
        "simulated race times are level, not faster: +0.15 % (seed 7) and -0.54 % (seed 11) at 200"
        " runners; +0.16 % over five seeds, bootstrap 95 % interval -0.18 to +0.52 %, with fewer"
        " injuries (419 vs 485) and more starters (892 vs 868). With the coach's return-to-running"
        " rules switched off the five seeds give -0.34 % (-0.66 to -0.01 %) and 433 injuries: being"
        " faster in this world means returning from injury the way the textbook plan does, which"
        " the return scenario tests rule out; a product decision, see README"
    ),
)
def test_coach_faster_races(figures: dict[str, object], figures_200: dict[int, dict[str, object]]) -> None:
    assert float(figures["mean_time_diff_s_coach_minus_fixed"]) < 0  # type: ignore[arg-type]
    for out in figures_200.values():
        assert float(out["mean_time_diff_s_coach_minus_fixed"]) < 0  # type: ignore[arg-type]
        assert float(out["mean_pct_time_diff"]) < 0  # type: ignore[arg-type]
