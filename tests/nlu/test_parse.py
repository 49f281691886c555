"""Behaviour a runner would notice: intents, entities, units, dates, plausibility."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from bot.nlu import CONFIDENCE_THRESHOLD, INTENTS, Implausible, ParseResult, parse
from bot.nlu.evaluate import normalise_entities
from bot.nlu.intents import get_model

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=LONDON)  # a Tuesday


def p(text: str, **kw: Any) -> ParseResult:
    kw.setdefault("tz", LONDON)
    kw.setdefault("now", NOW)
    return parse(text, **kw)


def ents(res: ParseResult) -> dict[str, Any]:
    return normalise_entities(res.entities)


def test_public_constants() -> None:
    assert len(INTENTS) == 17 and "unknown" in INTENTS and "report_metrics" in INTENTS
    assert 0.0 < CONFIDENCE_THRESHOLD < 1.0


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("easy 8 miles this morning, felt flat", "log_run",
         {"distance_m": 12874.8, "date": "2026-03-10", "rpe": 3, "fatigue": 3}),
        ("hrv 52 rhr 49, slept 6h", "report_metrics", {"hrv_ms": 52, "rhr_bpm": 49, "sleep_h": 6}),
        ("can I do a sub 4 marathon in april?", "ask_prediction",
         {"race_distance_m": 42195, "target_time_s": 14400, "race_date": "2026-04-01"}),
        ("10k in 52 min, RPE 7, slept badly", "log_run",
         {"distance_m": 10000, "duration_s": 3120, "rpe": 7, "sleep_quality": 2}),
    ],
)  # fmt: skip
def test_brief_examples(text: str, intent: str, expected: dict[str, Any]) -> None:
    res = p(text)
    assert res.intent == intent
    assert ents(res) == normalise_entities(expected)
    assert not res.implausible


def test_typos_lowercase_and_emoji() -> None:
    res = p("RAN 10 KLM 2day in 55 minuts 💪")
    assert res.intent == "log_run"
    assert res.entities["distance_m"] == 10000
    assert res.entities["duration_s"] == 3300
    assert res.entities["date"] == "2026-03-10"
    assert p("got a cold 🤒").entities.get("illness") is True


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("ran 5 mi", "distance_m", 8046.7),
        ("ran 3.1 miles", "distance_m", 4988.97),
        ("ran 10 kilometres", "distance_m", 10000),
        ("did 800m repeats, 6 km total", "distance_m", 6000),
        ("swam 800m", "distance_m", 800),
        ("ran 6 miles at 8:30 min/mile", "pace_s_per_km", 316.9),
        ("ran 10k at 5:10/km", "pace_s_per_km", 310),
        ("ran 8 miles at 7:45 pace", "pace_s_per_km", 288.8),
        ("ran 45m easy", "duration_s", 2700),
        ("ran for 1h05", "duration_s", 3900),
        ("ran 1 hour 5 easy", "duration_s", 3900),
        ("90 mins long run", "duration_s", 5400),
        ("ran 5k in 1:05:30", "duration_s", 3930),
        ("ran 10k in 52", "duration_s", 3120),
        ("half marathon in 1:45", "duration_s", 6300),
        ("ran 5k in 24:30", "duration_s", 1470),
    ],
)  # fmt: skip
def test_units(text: str, key: str, value: float) -> None:
    res = p(text)
    assert res.entities[key] == pytest.approx(value, abs=0.1)


def test_race_targets() -> None:
    assert ents(p("my goal is a 1:45 in the half"))["target_time_s"] == 6300
    goal = p("I want to run a 10k in under 50 minutes on 12 May")
    assert goal.intent == "set_goal"
    assert ents(goal) == {"race_distance_m": 10000, "target_time_s": 3000, "race_date": "2026-05-12"}


def test_relative_dates_for_logs_and_questions() -> None:
    assert p("ran 5k on Tuesday").entities["date"] == "2026-03-03"  # most recent past Tuesday
    assert p("ran 5k on sunday").entities["date"] == "2026-03-08"
    assert p("ran 5k yesterday").entities["date"] == "2026-03-09"
    assert p("what's the plan for thursday?").entities["date"] == "2026-03-12"  # next Thursday
    assert p("what's the plan for tomorrow?").entities["date"] == "2026-03-11"
    assert p("I'm training for a marathon on 12 May").entities["race_date"] == "2026-05-12"
    # race date in a month already past this year → next year
    assert p("goal: a half marathon in february").entities["race_date"] == "2027-02-01"


def test_last_night_just_after_midnight_in_runner_timezone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now_utc = datetime(2026, 3, 9, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 10 March in Berlin
    res = parse("ran 8k last night", tz=berlin, now=now_utc)
    assert res.entities["date"] == "2026-03-09"
    assert parse("ran 8k today", tz=berlin, now=now_utc).entities["date"] == "2026-03-10"
    assert parse("ran 8k today", tz=ZoneInfo("UTC"), now=now_utc).entities["date"] == "2026-03-09"


def test_availability() -> None:
    res = p("can't run on monday and wednesday, max 40 minutes the other days")
    assert res.intent == "set_availability"
    assert res.entities["unavailable_days"] == ["monday", "wednesday"]
    assert res.entities["available_minutes"] == 40


def test_wellness_scales_and_pain() -> None:
    e = p("slept badly, knee is a bit sore and I'm very stressed").entities
    assert e["sleep_quality"] == 2 and e["soreness"] == 2 and e["stress"] == 5 and e["pain_area"] == "knee"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I have a cold", "above_neck"),
        ("woke up with a headache and a sore throat", "above_neck"),
        ("runny nose and sneezing", "above_neck"),
        ("got the flu", "below_neck"),
        ("chesty cough, feel awful and ill", "below_neck"),
        ("sore throat and a bit feverish", "fever"),
        ("feeling under the weather", None),
    ],
)  # fmt: skip
def test_the_neck_check_reads_where_the_symptoms_are(text: str, kind: str | None) -> None:
    """A head cold allows easy running, a chest, a stomach or a fever does not: the words decide."""
    e = p(text).entities
    assert e.get("illness") is True and e.get("illness_kind") == kind


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("not tired", "fatigue", 2),
        ("not feeling tired at all", "fatigue", 1),
        ("legs not sore at all", "soreness", 1),
        ("no soreness today", "soreness", 1),
        ("not stressed", "stress", 2),
        ("very tired", "fatigue", 5),
        ("legs sore", "soreness", 3),
    ],
)  # fmt: skip
def test_a_feeling_said_with_not_is_its_opposite(text: str, key: str, value: int) -> None:
    """'not tired' is not tiredness: it must lift readiness, not lower it."""
    assert p(text).entities.get(key) == value


@pytest.mark.parametrize(
    "text",
    ["my cold is gone", "feeling better, no more fever", "not sick anymore", "over the flu now",
     "cold is better today"],
)  # fmt: skip
def test_getting_over_an_illness_is_not_an_illness(text: str) -> None:
    r = p(text)
    assert r.intent == "report_wellness" and r.entities.get("illness") is False and "illness_kind" not in r.entities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no running until my knee is better", {"pain_area": "knee", "pain_hold": True}),
        ("I'll stop running till my achilles heals", {"pain_area": "achilles", "pain_hold": True}),
        ("not running until the shin pain goes away", {"pain_area": "shin", "pain_hold": True}),
        ("my knee is better now", {"pain_resolved": "knee"}),
        ("knee pain is gone", {"pain_resolved": "knee"}),
        ("my knee doesn't hurt anymore", {"pain_resolved": "knee"}),
        ("calf is ok now, back to running", {"pain_resolved": "calf"}),
        ("knee still hurts", {"pain_area": "knee"}),
        ("knee is sore but better than yesterday", {"pain_area": "knee"}),
    ],
)  # fmt: skip
def test_pain_that_holds_running_and_pain_that_is_gone(text: str, expected: dict[str, Any]) -> None:
    """A knee that "is better now" is not a knee that hurts: it must never be stored as pain."""
    e = p(text).entities
    got = {k: e[k] for k in ("pain_area", "pain_hold", "pain_resolved") if k in e}
    assert got == expected


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("ran 300 km in 20 min", "distance_m", "too_fast"),
        ("ran 500 km in 3 min", "distance_m", "too_fast"),
        ("ran 400 km yesterday", "distance_m", "too_long"),
        ("rpe 15", "rpe", "out_of_range"),
        ("hrv 900", "hrv_ms", "out_of_range"),
        ("rhr 10", "rhr_bpm", "out_of_range"),
        ("slept 20 hours", "sleep_h", "too_long"),
        ("ran 10k, avg hr 260", "avg_hr", "out_of_range"),
    ],
)  # fmt: skip
def test_implausible_values_never_stored(text: str, key: str, reason: str) -> None:
    res = p(text)
    assert key not in res.entities
    assert Implausible(key, res.implausible[[i.key for i in res.implausible].index(key)].value, reason) in (
        res.implausible
    )
    assert res.needs_clarification
    if "km in" in text:
        assert "duration_s" not in res.entities


def test_plausible_ultra_is_kept() -> None:
    res = p("ran 100 km in 11 hours")
    assert res.entities["distance_m"] == 100000 and res.entities["duration_s"] == 39600
    assert not res.implausible


def test_result_shape_json_and_explain() -> None:
    res = p("ran 10k in 52 min")
    js = res.to_json()
    assert set(js) == {"intent", "confidence", "entities"} and js["intent"] == "log_run"
    assert len(res.alternatives) == 3 and res.alternatives[0][0] == res.intent
    probs = [a[1] for a in res.alternatives]
    assert probs == sorted(probs, reverse=True)
    feats = res.explain()
    assert feats and all(isinstance(f, str) and w > 0 for f, w in feats)
    assert p("hrv 45").explain()[0][0].startswith(("rule:", "ent_", "lex_", "hrv"))


def test_gibberish_is_unknown_or_unsure() -> None:
    res = p("🍕🍕🍕")
    assert res.intent == "unknown"
    assert p("").intent == "unknown"


def test_shipped_model_is_the_corpus_fitted_again_and_scores_like_sklearn() -> None:
    """The bot scores with the shipped arrays; they must be what fitting the current corpus gives
    (run ``runcoach train`` after editing the corpus), with scikit-learn's probabilities."""
    from bot.nlu.intents import IntentModel, IntentScorer, training_texts

    texts, labels, _ = training_texts()
    shipped = get_model()
    assert type(shipped) is IntentScorer, "the shipped model is stale: run `runcoach train`"
    fresh = IntentModel(texts, labels)
    probes = ["0k in 0 min | ent_distance", "why rest today? | lex_why", "hello", "zzz", *texts[:50]]
    fast = np.vstack([shipped.proba(t) for t in probes])
    assert shipped.classes == fresh.classes
    assert np.allclose(fast, fresh.sklearn_proba(probes), atol=1e-6)
