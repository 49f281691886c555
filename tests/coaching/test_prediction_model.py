"""Population model, partial pooling, intervals and the predict_race / compare_goal entry points."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.prediction.efforts import detect_efforts
from coaching.prediction.individual import Effort, predict_log_time
from coaching.prediction.population import (
    DEFAULT_MODEL_JSON,
    PopulationModel,
    RunnerTraits,
    load_population_model,
    train,
)
from coaching.prediction.predict import Tip, compare_goal, predict_race

MODEL = load_population_model()
TODAY = date(2026, 6, 1)
TRAITS = RunnerTraits(age=40, sex="male", bmi=23, weekly_km=50, does_tempo=True, does_intervals=False)


def races(*rows: tuple[str, float, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": [r[0] for r in rows],
            "distance_m": [r[1] for r in rows],
            "time_s": [r[2] for r in rows],
            "is_race": True,
            "effort": True,
        }
    )


def test_shipped_json_matches_retraining(tmp_path: Path) -> None:
    out = train(tmp_path / "model.json")
    assert json.loads(out.read_text()) == json.loads(DEFAULT_MODEL_JSON.read_text())


def test_round_trip_and_tables() -> None:
    again = PopulationModel.from_dict(MODEL.to_dict())
    assert again == MODEL
    table = MODEL.coefficient_table()
    assert list(table.columns)[-1] == "42195 m" and "r_m" in table.index
    assert set(MODEL.z_quantiles) == {"0", "1", "2", "3+"}


def test_marathon_from_a_half_is_slower_than_riegel_for_low_mileage() -> None:
    half = races(("2026-05-03", 21_097.5, 6000.0))
    low = predict_race(42_195, half, RunnerTraits(weekly_km=25), TODAY)
    high = predict_race(42_195, half, RunnerTraits(weekly_km=90), TODAY)
    riegel = 6000.0 * 2**1.06
    assert low.time_s > riegel and low.time_s > high.time_s
    assert low.method == "population+efforts"
    race_factor = low.basis[0]
    assert race_factor.key == "race" and race_factor.detail["date"] == "2026-05-03"
    assert race_factor.detail["distance_m"] == 21_097.5


def test_no_data_gives_population_answer() -> None:
    p = predict_race(21_097.5, None, TRAITS, TODAY)
    mu, _ = MODEL.from_traits(21_097.5, TRAITS.covariates())
    assert p.time_s == pytest.approx(math.exp(mu))
    assert p.method == "population" and any(f.key == "population" for f in p.basis)
    assert p.improve[0] == Tip("race_5k_or_10k")
    empty = predict_race(21_097.5, pd.DataFrame(), TRAITS, TODAY)
    assert empty.time_s == pytest.approx(p.time_s)


def test_old_efforts_are_ignored_and_future_ones_too() -> None:
    old = races(("2020-01-01", 10_000, 2400.0), ("2026-07-01", 10_000, 2400.0))
    assert predict_race(21_097.5, old, TRAITS, TODAY).method == "population"


def test_two_races_use_the_runners_own_exponent() -> None:
    # same 10k, different half: a runner who fades more over distance gets a slower marathon
    steady = races(("2026-05-03", 10_000, 2700.0), ("2026-04-01", 21_097.5, 5950.0))
    fader = races(("2026-05-03", 10_000, 2700.0), ("2026-04-01", 21_097.5, 6300.0))
    a = predict_race(42_195, steady, TRAITS, TODAY)
    b = predict_race(42_195, fader, TRAITS, TODAY)
    assert b.time_s > a.time_s and b.method == "partial_pooling"
    own = next(f for f in b.basis if f.key == "own_exponent")
    assert 0 < own.detail["weight"] < 1


@settings(max_examples=40, deadline=None)
@given(
    d1=st.floats(3000, 42_000),
    ratio=st.floats(1.05, 3.0),
    pace=st.floats(200, 500),
    km=st.floats(10, 120),
)
def test_longer_distance_takes_longer(d1: float, ratio: float, pace: float, km: float) -> None:
    ef = races(("2026-05-03", 10_000, pace * 10))
    t = RunnerTraits(weekly_km=km)
    short = predict_race(d1, ef, t, TODAY)
    long = predict_race(min(d1 * ratio, 100_000), ef, t, TODAY)
    assert long.time_s > short.time_s
    assert short.low_s <= short.time_s <= short.high_s


@settings(max_examples=40, deadline=None)
@given(
    dist=st.sampled_from([5000.0, 10_000.0, 21_097.5]), pace=st.floats(200, 450), faster=st.floats(0.8, 0.99)
)
def test_faster_prior_gives_faster_prediction(dist: float, pace: float, faster: float) -> None:
    slow = predict_race(42_195, races(("2026-05-03", dist, pace * dist / 1000)), TRAITS, TODAY)
    fast = predict_race(42_195, races(("2026-05-03", dist, faster * pace * dist / 1000)), TRAITS, TODAY)
    assert fast.time_s < slow.time_s
    assert fast.low_s <= fast.time_s <= fast.high_s


@settings(max_examples=25, deadline=None)
@given(own=st.floats(0.7, 1.3), n_extra=st.integers(1, 8))
def test_more_own_data_moves_toward_own_level(own: float, n_extra: int) -> None:
    """A runner whose efforts keep saying the same thing is predicted closer to it with more of them."""
    target = 21_097.5
    pop_mu = predict_log_time(MODEL, target, [], TRAITS).mu
    own_time = math.exp(pop_mu) * own
    one = predict_log_time(MODEL, target, [Effort(target, own_time, weeks_ago=30)], TRAITS)
    many = predict_log_time(
        MODEL, target, [Effort(target, own_time, weeks_ago=30 - i) for i in range(n_extra + 1)], TRAITS
    )
    pooled = predict_log_time(
        MODEL,
        target,
        [Effort(target, own_time, weeks_ago=30)],
        TRAITS,
        use_traits_prior=True,
    )
    own_mu = math.log(own_time)
    assert abs(many.mu - own_mu) <= abs(one.mu - own_mu) + 1e-9 or many.sd < one.sd
    # with the traits prior switched on, a single old effort is pulled toward the population
    assert abs(pooled.mu - pop_mu) <= abs(one.mu - pop_mu) + 1e-9
    assert many.sd <= one.sd + 1e-12


def test_compare_goal() -> None:
    p = predict_race(21_097.5, races(("2026-05-03", 10_000, 2700.0)), TRAITS, TODAY)
    easy = compare_goal(p, p.time_s * 1.10)
    even = compare_goal(p, p.time_s)
    hard = compare_goal(p, p.time_s * 0.90)
    assert easy.probability > 0.9 and hard.probability < 0.1
    assert even.probability == pytest.approx(0.5)
    assert hard.gap_s > 0 and easy.gap_s < 0
    assert easy.basis[0].key == "goal_gap"


def test_detect_efforts_skips_easy_runs() -> None:
    days = pd.date_range("2026-01-01", periods=30, freq="3D")
    easy = [(10_000.0, 3300.0, 135.0)] * 30
    runs = pd.DataFrame(
        {
            "date": days,
            "distance_m": [e[0] for e in easy],
            "time_s": [e[1] for e in easy],
            "avg_hr": [e[2] for e in easy],
            "is_race": [False] * 30,
        }
    )
    runs.loc[20, ["time_s", "avg_hr"]] = [2500.0, 178.0]  # a hard 10k
    runs.loc[25, "is_race"] = True
    runs.loc[26, "distance_m"] = 0.0  # broken row
    out = detect_efforts(runs)
    assert out.loc[20, "effort"] and out.loc[25, "effort_kind"] == "race"
    assert not out.loc[26, "valid"] and not out.loc[26, "effort"]
    assert out["effort"].sum() <= 4


def test_improve_tips_are_keys_and_render() -> None:
    import prompts

    old = races(("2026-01-10", 5000, 1500.0))
    p = predict_race(42_195, old, RunnerTraits(), TODAY)
    keys = [t.key for t in p.improve]
    assert keys == ["effort_too_old", "race_longer_distance", "log_more_weeks", "add_age_sex"]
    assert p.improve[0].params == {"weeks": 20.0}
    assert p.improve[1].params == {"max_distance_m": 5000.0}
    training = races(("2026-05-10", 10_000, 2700.0), ("2026-05-20", 10_000, 2650.0)).assign(is_race=False)
    q = predict_race(21_097.5, training, TRAITS, TODAY)
    assert [t.key for t in q.improve] == ["log_a_race", "second_distance"]
    for tip in (*p.improve, *q.improve, Tip("race_5k_or_10k")):
        text = prompts.render("coach/prediction_improve", tip=tip)
        assert text and "_" not in text and "\n" not in text
    assert "20 weeks" in prompts.render("coach/prediction_improve", tip=p.improve[0])
    assert "5.0 km" in prompts.render("coach/prediction_improve", tip=p.improve[1])
