"""Does a message say what happened, or only that the family wants to complain? A learned judgement.

「我要投诉」「想投诉一个托管班」 open a complaint; 「托管班老师天天迟到，门都不开」 describes one. A logistic
regression over the offline sentence embeddings (knowledge.embed) is fitted on the reviewed openers
(data/triage/openers.yml) against the described complaints (data/triage/labelled_complaints.yml); its
regularisation is chosen by stratified cross-validation and the decision is the model's own (p ≥ ½), no
hand-set threshold. Vectors are cached in var/cache/ keyed by a hash of the training texts.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from knowledge.embed import embed_queries, embed_query
from knowledge.text import normalize

DATA = Path(__file__).resolve().parent / "data" / "triage"
CACHE = Path(__file__).resolve().parent.parent / "var" / "cache"
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
FOLDS = 5
_LOCK = threading.Lock()


@dataclass(frozen=True)
class OpenerModel:
    """The fitted classifier, the C cross-validation chose and its mean accuracy over the folds."""

    weights: np.ndarray
    bias: float
    c: float
    cv_accuracy: float

    def p_describes(self, vector: np.ndarray) -> float:
        """Probability that the message describes what happened."""
        return float(1.0 / (1.0 + np.exp(-(vector @ self.weights + self.bias))))


def training_texts() -> tuple[list[str], list[int]]:
    """Openers (0) and described complaints (1), normalised as messages are."""
    openers = yaml.safe_load((DATA / "openers.yml").read_text(encoding="utf-8"))["openers"]
    described = yaml.safe_load((DATA / "labelled_complaints.yml").read_text(encoding="utf-8"))
    texts = [normalize(str(t)) for t in openers]
    labels = [0] * len(texts)
    for item in described["complaints"]:
        texts.append(normalize(str(item["text"])))
        labels.append(1)
    return texts, labels


def _vectors(texts: list[str]) -> np.ndarray:
    """Embeddings of the training texts, cached by content hash."""
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    path = CACHE / f"complaint-opener-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = embed_queries(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def fit(texts: list[str], labels: list[int]) -> OpenerModel:
    """Choose C by stratified k-fold accuracy, then fit on everything."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    x = _vectors(texts)
    y = np.asarray(labels)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    scores = {
        c: float(
            cross_val_score(
                LogisticRegression(C=c, class_weight="balanced", max_iter=2000), x, y, cv=folds
            ).mean()
        )
        for c in C_GRID
    }
    best = max(C_GRID, key=lambda c: (scores[c], -c))
    final = LogisticRegression(C=best, class_weight="balanced", max_iter=2000).fit(x, y)
    return OpenerModel(
        weights=final.coef_[0].astype(np.float32),
        bias=float(final.intercept_[0]),
        c=best,
        cv_accuracy=scores[best],
    )


@lru_cache(maxsize=1)
def model() -> OpenerModel:
    """The process's model, fitted once (a few seconds; embeddings come from the cache after the first)."""
    with _LOCK:
        return fit(*training_texts())


def describes(text: str) -> bool:
    """True when the message says what happened (not only 「我要投诉」 and whom)."""
    norm = normalize(text)
    if not norm.strip():
        return False
    return model().p_describes(embed_query(norm)) >= 0.5
