"""Interpretable intent classifier: TF-IDF word 1-2 grams + char_wb 2-5 grams → LogisticRegression.

Trained lazily, once per process, on the ``train`` split of the shipped corpus (no pickles).
Inference does not go through scikit-learn's per-call machinery: it re-uses the fitted
vocabularies, idf weights and coefficients with a small pure-Python/numpy path (~tens of µs),
which gives exactly the same probabilities as ``predict_proba`` (checked in the tests).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

INTENTS: tuple[str, ...] = (
    "log_run", "log_other_activity", "log_rest", "report_rpe", "report_wellness", "report_metrics",
    "ask_today", "ask_plan", "ask_prediction", "ask_risk", "ask_progress", "ask_why", "set_goal",
    "set_availability", "help", "smalltalk", "unknown",
)  # fmt: skip

_TOKEN = re.compile(r"[\w'&/]+|[?!]", re.UNICODE)


def word_ngrams(text: str) -> list[str]:
    toks = _TOKEN.findall(text)
    return toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]


def char_wb_ngrams(text: str, lo: int = 2, hi: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, like scikit-learn's ``char_wb`` (words padded with a space)."""
    out: list[str] = []
    for w in text.split():
        w = f" {w} "
        n_w = len(w)
        for n in range(lo, hi + 1):
            if n > n_w:
                break
            out.extend(w[i : i + n] for i in range(n_w - n + 1))
    return out


def load_corpus() -> list[dict[str, Any]]:
    path = resources.files("bot.nlu").joinpath("data/corpus.jsonl")
    with path.open("r", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class _Block:
    vocab: dict[str, int]
    idf: np.ndarray
    offset: int


class IntentModel:
    """The fitted model plus a fast scorer."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str], *, c: float = 20.0) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        t0 = time.perf_counter()
        self.word_vec = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=1)
        self.char_vec = TfidfVectorizer(analyzer=char_wb_ngrams, sublinear_tf=True, min_df=1)
        xw = self.word_vec.fit_transform(texts)
        xc = self.char_vec.fit_transform(texts)
        x = hstack([xw, xc]).tocsr()
        from threadpoolctl import threadpool_limits

        self.clf = LogisticRegression(C=c, solver="newton-cg", tol=1e-3, max_iter=2000)
        with threadpool_limits(limits=1):  # tiny problem: BLAS threads only add contention
            self.clf.fit(x, list(labels))
        self.classes: tuple[str, ...] = tuple(str(c) for c in self.clf.classes_)
        self.coef = np.ascontiguousarray(self.clf.coef_.T)  # (n_features, n_classes)
        self.intercept = self.clf.intercept_.copy()
        nw = len(self.word_vec.vocabulary_)
        self.blocks = (
            _Block(dict(self.word_vec.vocabulary_), self.word_vec.idf_, 0),
            _Block(dict(self.char_vec.vocabulary_), self.char_vec.idf_, nw),
        )
        self.feature_names = np.concatenate(
            [self.word_vec.get_feature_names_out(), self.char_vec.get_feature_names_out()]
        )
        self._idf = (self.word_vec.idf_.tolist(), self.char_vec.idf_.tolist())
        self._log1p_table = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]
        self._char_cache: dict[str, tuple[int, ...]] = {}
        self.train_seconds = time.perf_counter() - t0

    def _word_char_idx(self, word: str) -> tuple[int, ...]:
        """Vocabulary indices of one word's char n-grams (cached: words recur across messages)."""
        hit = self._char_cache.get(word)
        if hit is None:
            vocab = self.blocks[1].vocab
            hit = tuple(j for g in char_wb_ngrams(word) if (j := vocab.get(g)) is not None)
            if len(self._char_cache) < 200_000:
                self._char_cache[word] = hit
        return hit

    def _features(self, text: str) -> tuple[list[int], list[float]]:
        idx: list[int] = []
        val: list[float] = []
        wvocab = self.blocks[0].vocab
        wcounts = Counter(j for g in word_ngrams(text) if (j := wvocab.get(g)) is not None)
        ccounts: Counter[int] = Counter()
        for w in text.split():
            ccounts.update(self._word_char_idx(w))
        for block, counts, idf in ((self.blocks[0], wcounts, self._idf[0]), (self.blocks[1], ccounts, self._idf[1])):
            if not counts:
                continue
            logs = self._log1p_table
            ws = [(logs[n] if n < 64 else 1.0 + math.log(n)) * idf[j] for j, n in counts.items()]
            norm = math.sqrt(sum(v * v for v in ws)) or 1.0
            off = block.offset
            idx.extend(off + j for j in counts)
            val.extend(v / norm for v in ws)
        return idx, val

    def proba(self, text: str) -> np.ndarray:
        idx, val = self._features(text)
        scores = self.intercept.copy()
        if idx:
            scores += np.asarray(val) @ self.coef[idx]
        scores -= scores.max()
        e = np.exp(scores)
        out: np.ndarray = e / e.sum()
        return out

    def explain(self, text: str, intent: str, top: int = 8) -> list[tuple[str, float]]:
        if intent not in self.classes:
            return []
        k = self.classes.index(intent)
        idx, val = self._features(text)
        contrib = [(str(self.feature_names[j]), v * float(self.coef[j, k])) for j, v in zip(idx, val, strict=True)]
        contrib.sort(key=lambda t: -t[1])
        return [(f, round(c, 4)) for f, c in contrib[:top] if c > 0]

    def sklearn_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Reference path through scikit-learn (used by tests to check the fast path)."""
        from scipy.sparse import hstack

        texts = list(texts)
        x = hstack([self.word_vec.transform(texts), self.char_vec.transform(texts)]).tocsr()
        return np.asarray(self.clf.predict_proba(x))


_lock = threading.Lock()
_model: IntentModel | None = None


def warm_up(background: bool = False) -> threading.Thread | None:
    """Train the model now (or in a daemon thread) so the first message is not slow."""
    if not background:
        get_model()
        return None
    t = threading.Thread(target=get_model, name="nlu-warm-up", daemon=True)
    t.start()
    return t


def get_model() -> IntentModel:
    """The process-wide model, trained on first use on the corpus ``train`` split."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from .entities import classifier_text, normalise

                rows = [r for r in load_corpus() if r["split"] == "train"]
                _model = IntentModel([classifier_text(normalise(r["text"])) for r in rows],
                                     [r["intent"] for r in rows])  # fmt: skip
    return _model
