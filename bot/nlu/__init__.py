"""Understanding runners' free-text messages: one intent + every entity, interpretable and fast.

>>> r = parse("10k in 52 min, RPE 7, slept badly")
>>> r.intent, r.entities["duration_s"], r.entities["rpe"]
('log_run', 3120, 7)

Intent: TF-IDF (word 1-2, char_wb 2-5) + logistic regression trained lazily on the corpus train
split (see :mod:`bot.nlu.intents`). Entities: rules (:mod:`bot.nlu.entities`), checked by
:mod:`bot.nlu.plausibility`; implausible values go to ``implausible``, never to ``entities``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from . import evaluate as _evaluation_module  # noqa: F401 - imported before the function below shadows it
from .entities import classifier_text as _classifier_text
from .entities import has_run_facts, normalise, resolve, scan
from .intents import INTENTS, get_model, warm_up
from .plausibility import check

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "INTENTS",
    "Implausible",
    "ParseResult",
    "evaluate",
    "parse",
    "warm_up",
]

CONFIDENCE_THRESHOLD: float = 0.40
_UTC = ZoneInfo("UTC")
_RULE_CONFIDENCE = 0.9
_QUESTION = re.compile(r"\?|^(?:how|what|why|when|should|can|could|is|am|do|does|will|would)\b")


@dataclass(frozen=True)
class Implausible:
    key: str
    value: Any
    reason: str  # "too_fast", "too_long", "out_of_range"


@dataclass(frozen=True)
class ParseResult:
    intent: str
    confidence: float
    entities: dict[str, Any]
    implausible: tuple[Implausible, ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()
    rule: str | None = field(default=None, repr=False, compare=False)
    _clf_text: str = field(default="", repr=False, compare=False)

    @property
    def needs_clarification(self) -> bool:
        return self.confidence < CONFIDENCE_THRESHOLD or bool(self.implausible)

    def to_json(self) -> dict[str, Any]:
        ents = {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in self.entities.items()}
        return {"intent": self.intent, "confidence": round(self.confidence, 4), "entities": ents}

    def explain(self, n: int = 8) -> list[tuple[str, float]]:
        """Top n-gram features (and the deciding rule, if any) behind the intent, strongest first."""
        out: list[tuple[str, float]] = []
        if self.rule:
            out.append((f"rule:{self.rule}", round(self.confidence, 4)))
        if self._clf_text:
            out.extend(get_model().explain(self._clf_text, self.intent, top=n))
        return out[:n]


def _local_now(tz: ZoneInfo, now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(tz)
    if now.tzinfo is None:
        return now.replace(tzinfo=tz)
    return now.astimezone(tz)


def parse(text: str, *, tz: ZoneInfo = _UTC, now: datetime | None = None) -> ParseResult:
    """Parse one message. ``now`` (default: the current time) is read in ``tz``; a naive ``now`` is
    taken as local time in ``tz``. Relative dates resolve against the local date."""
    if not isinstance(text, str):
        text = str(text)
    today = _local_now(tz, now).date()
    norm = normalise(text)
    sc = scan(norm)
    ctext = _classifier_text(norm)

    if not re.search(r"\w", ctext):
        intent, conf, rule = "unknown", 1.0, "no_words"
        alternatives: tuple[tuple[str, float], ...] = (("unknown", 1.0),)
    else:
        model = get_model()
        probs = model.proba(ctext)
        order = probs.argsort()[::-1]
        alternatives = tuple((model.classes[i], round(float(probs[i]), 4)) for i in order[:3])
        intent, conf = alternatives[0][0], float(probs[order[0]])
        rule = None
        # Decisive rule: numeric HRV/RHR with no session facts and no question → report_metrics.
        if (
            (sc.hrv is not None or sc.rhr is not None)
            and intent != "report_metrics"
            and not has_run_facts(sc)
            and sc.sport is None
            and not _QUESTION.search(norm)
        ):
            intent, conf, rule = "report_metrics", max(_RULE_CONFIDENCE, float(probs[model.classes.index(
                "report_metrics")])), "metrics_numbers"  # fmt: skip
        # Decisive rule: "no running until my knee is better" / "my knee is fine now" / "my cold is gone",
        # without session facts or a question, is news about health, whatever else the words resemble.
        elif (
            (sc.pain_hold or sc.pain_resolved or sc.illness_resolved)
            and (intent != "report_wellness" or conf < _RULE_CONFIDENCE)
            and not has_run_facts(sc)
            and not _QUESTION.search(norm)
        ):
            intent, conf, rule = "report_wellness", max(_RULE_CONFIDENCE, float(probs[model.classes.index(
                "report_wellness")])), "pain_news"  # fmt: skip

    raw = resolve(sc, intent, today)
    ents, bad = check(raw, sport=raw.get("sport") if intent == "log_other_activity" else None)
    return ParseResult(
        intent=intent,
        confidence=min(1.0, max(0.0, conf)),
        entities=ents,
        implausible=tuple(Implausible(k, v, r) for k, v, r in bad),
        alternatives=alternatives,
        rule=rule,
        _clf_text=ctext,
    )


def evaluate(split: str = "test") -> dict[str, Any]:
    """Intent accuracy, exact (message-level) entity accuracy and per-intent precision/recall on
    ``split`` ("test", "train" or "all"). The classifier is trained on the train split only."""
    from .evaluate import run_evaluation

    return run_evaluation(split)
