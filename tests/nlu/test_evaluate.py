"""The shipped corpus and the held-out targets."""

from __future__ import annotations

from collections import Counter

from bot.nlu import INTENTS, evaluate
from bot.nlu.intents import load_corpus


def test_corpus_shape() -> None:
    rows = load_corpus()
    assert len(rows) >= 700
    assert {r["intent"] for r in rows} == set(INTENTS)
    assert len({r["text"].lower() for r in rows}) == len(rows)
    by_intent = Counter(r["intent"] for r in rows)
    test_by_intent = Counter(r["intent"] for r in rows if r["split"] == "test")
    for intent, n in by_intent.items():
        assert 0.12 <= test_by_intent[intent] / n <= 0.35, intent


def test_heldout_targets() -> None:
    report = evaluate("test")
    assert report["n"] >= 200
    assert report["intent_accuracy"] >= 0.95
    assert report["entity_accuracy"] >= 0.93
    assert set(report["per_intent"]) == set(INTENTS)
