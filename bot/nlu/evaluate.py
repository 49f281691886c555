"""Evaluate the NLU on the shipped corpus.

    python -m bot.nlu.evaluate [test|train|all] [--errors]

Prints a JSON report; ``--errors`` also lists the mismatching messages.
Entity accuracy is message-level: the predicted entity dict must equal the labelled one after
normalising numbers to one decimal. Dates are resolved against the ``now``/``tz`` stored on each
corpus line (2026-03-10 09:00 Europe/London for the shipped corpus).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

REF_NOW = "2026-03-10T09:00:00"
REF_TZ = "Europe/London"


def normalise_entities(ents: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in ents.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            out[k] = list(v) if isinstance(v, tuple) else v
        else:
            out[k] = round(float(v), 1)
    return out


def _predict(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    from . import parse

    out = []
    for r in rows:
        res = parse(r["text"], tz=ZoneInfo(r.get("tz", REF_TZ)), now=datetime.fromisoformat(r.get("now", REF_NOW)))
        out.append((r, res.intent, res.entities))
    return out


def run_evaluation(split: str = "test", *, with_errors: bool = False) -> dict[str, Any]:
    from .intents import INTENTS, get_model, load_corpus

    corpus = load_corpus()
    rows = corpus if split == "all" else [r for r in corpus if r["split"] == split]
    if not rows:
        raise ValueError(f"no corpus rows for split {split!r}")
    model = get_model()
    preds = _predict(rows)
    n = len(preds)
    intent_ok = sum(r["intent"] == p for r, p, _ in preds)
    ent_ok = sum(normalise_entities(r["entities"]) == normalise_entities(e) for r, _, e in preds)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for r, p, _ in preds:
        if r["intent"] == p:
            tp[p] += 1
        else:
            fp[p] += 1
            fn[r["intent"]] += 1
    per_intent = {}
    for it in INTENTS:
        support = tp[it] + fn[it]
        prec = tp[it] / (tp[it] + fp[it]) if tp[it] + fp[it] else 0.0
        rec = tp[it] / support if support else 0.0
        per_intent[it] = {"precision": round(prec, 4), "recall": round(rec, 4), "support": support}
    report: dict[str, Any] = {
        "split": split,
        "n": n,
        "n_train": sum(r["split"] == "train" for r in corpus),
        "n_test": sum(r["split"] == "test" for r in corpus),
        "intent_accuracy": round(intent_ok / n, 4),
        "entity_accuracy": round(ent_ok / n, 4),
        "per_intent": per_intent,
        "train_seconds": round(model.train_seconds, 3),
    }
    if with_errors:
        report["errors"] = [
            {"text": r["text"], "intent": r["intent"], "predicted": p,
             "expected": normalise_entities(r["entities"]), "got": normalise_entities(e)}
            for r, p, e in preds
            if r["intent"] != p or normalise_entities(r["entities"]) != normalise_entities(e)
        ]  # fmt: skip
    return report


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    split = next((a for a in args if not a.startswith("-")), "test")
    print(json.dumps(run_evaluation(split, with_errors="--errors" in args), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
