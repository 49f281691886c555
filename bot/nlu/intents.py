"""Interpretable intent classifier: TF-IDF word 1-2 grams + char_wb 2-5 grams → LogisticRegression.

Fitted with scikit-learn on the ``train`` split of the shipped corpus; ``runcoach train`` writes the
fitted arrays (vocabularies, idf weights, coefficients: ``data/intent_model.npz``, no pickles) with a hash
of the corpus, and the bot scores with them in a small pure-Python/numpy path that never imports
scikit-learn (about 100 MB less per process). If the corpus changed since, the model is refitted at first
use. The fast path gives the same probabilities as ``predict_proba`` (checked in the tests).
"""

from __future__ import annotations

import hashlib
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
from pathlib import Path
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


class IntentScorer:
    """The fitted classifier as plain arrays: vocabularies, idf weights, coefficients, intercepts.

    Scoring needs no scikit-learn: TF-IDF (sublinear tf, l2 norm per block, as fitted) then a softmax
    over the linear scores. The bot loads it from ``data/intent_model.npz`` (written by
    ``runcoach train``, refitted from the corpus whenever the corpus changes) so the process never has
    to import scikit-learn.
    """

    def __init__(self, classes: Sequence[str], intercept: np.ndarray, coef: np.ndarray, word_vocab: Sequence[str],
                 char_vocab: Sequence[str], word_idf: np.ndarray, char_idf: np.ndarray) -> None:
        self.classes: tuple[str, ...] = tuple(classes)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)  # (n_features, n_classes)
        self.blocks = (
            _Block({g: i for i, g in enumerate(word_vocab)}, np.asarray(word_idf), 0),
            _Block({g: i for i, g in enumerate(char_vocab)}, np.asarray(char_idf), len(word_vocab)),
        )
        self.feature_names = np.array([*word_vocab, *char_vocab], dtype=object)
        self._idf = (np.asarray(word_idf).tolist(), np.asarray(char_idf).tolist())
        self._log1p_table = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]
        self._char_cache: dict[str, tuple[int, ...]] = {}
        self.train_seconds = 0.0

    def save(self, path: Any, corpus_hash: str) -> None:
        """Write the arrays (numpy ``.npz``, no pickles) with the hash of the corpus they came from."""
        nw = len(self.blocks[0].vocab)
        names = [str(n) for n in self.feature_names]
        np.savez_compressed(
            path, classes=np.array(self.classes), intercept=self.intercept, coef=self.coef,
            word_vocab=np.array(names[:nw]), char_vocab=np.array(names[nw:]),
            word_idf=np.asarray(self.blocks[0].idf), char_idf=np.asarray(self.blocks[1].idf),
            corpus_hash=np.array(corpus_hash))

    @classmethod
    def load(cls, path: Any) -> tuple[IntentScorer, str]:
        """The scorer saved by :meth:`save`, and the hash of the corpus it was fitted on."""
        with np.load(path, allow_pickle=False) as z:
            scorer = cls([str(c) for c in z["classes"]], z["intercept"], z["coef"], [str(g) for g in z["word_vocab"]],
                         [str(g) for g in z["char_vocab"]], z["word_idf"], z["char_idf"])
            return scorer, str(z["corpus_hash"])

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


class IntentModel(IntentScorer):
    """Fits the classifier with scikit-learn (training only), then scores like :class:`IntentScorer`."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str], *, c: float = 20.0) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        t0 = time.perf_counter()
        self.word_vec = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=1)
        self.char_vec = TfidfVectorizer(analyzer=char_wb_ngrams, sublinear_tf=True, min_df=1)
        xw = self.word_vec.fit_transform(texts)
        xc = self.char_vec.fit_transform(texts)
        x = hstack([xw, xc]).tocsr()
        self.clf = LogisticRegression(C=c, solver="newton-cg", tol=1e-3, max_iter=2000)
        with threadpool_limits(limits=1):  # tiny problem: BLAS threads only add contention
            self.clf.fit(x, list(labels))
        super().__init__([str(k) for k in self.clf.classes_], self.clf.intercept_.copy(), self.clf.coef_.T,
                         [str(g) for g in self.word_vec.get_feature_names_out()],
                         [str(g) for g in self.char_vec.get_feature_names_out()],
                         self.word_vec.idf_, self.char_vec.idf_)
        self.train_seconds = time.perf_counter() - t0

    def sklearn_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Reference path through scikit-learn (used by tests to check the fast path)."""
        from scipy.sparse import hstack

        texts = list(texts)
        x = hstack([self.word_vec.transform(texts), self.char_vec.transform(texts)]).tocsr()
        return np.asarray(self.clf.predict_proba(x))


SHIPPED_MODEL = "data/intent_model.npz"
_lock = threading.Lock()
_model: IntentScorer | None = None


def warm_up(background: bool = False) -> threading.Thread | None:
    """Load (or fit) the model now, or in a daemon thread, so the first message is not slow."""
    if not background:
        get_model()
        return None
    t = threading.Thread(target=get_model, name="nlu-warm-up", daemon=True)
    t.start()
    return t


def training_texts() -> tuple[list[str], list[str], str]:
    """The ``train`` split as classifier inputs, their labels, and a hash of both."""
    from .entities import classifier_text, normalise

    rows = [r for r in load_corpus() if r["split"] == "train"]
    texts = [classifier_text(normalise(r["text"])) for r in rows]
    labels = [r["intent"] for r in rows]
    digest = hashlib.sha256(json.dumps([texts, labels], ensure_ascii=False).encode()).hexdigest()
    return texts, labels, digest


def train(path: Any = None) -> Any:
    """Fit on the corpus and write the scorer beside it (``runcoach train``); returns the path."""
    texts, labels, digest = training_texts()
    target = path or Path(str(resources.files("bot.nlu").joinpath(SHIPPED_MODEL)))
    IntentModel(texts, labels).save(target, digest)
    return target


def get_model() -> IntentScorer:
    """The process-wide scorer: the shipped one when it was fitted on the current corpus, else fitted now
    (a changed corpus is never scored with stale weights)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                texts, labels, digest = training_texts()
                shipped = resources.files("bot.nlu").joinpath(SHIPPED_MODEL)
                loaded: IntentScorer | None = None
                if shipped.is_file():
                    with shipped.open("rb") as fh:
                        scorer, made_from = IntentScorer.load(fh)
                    loaded = scorer if made_from == digest else None
                _model = loaded or IntentModel(texts, labels)
    return _model
