"""The dense half of the hybrid search: e5 vectors of every entry and of its training questions.

Each entry is seen through several "views": its own text (title, answer, keywords; e5 `passage:`) and
the labelled questions of the TRAIN split that it answers (e5 `query:`). Vectors are computed once per
text and kept in var/cache/ (knowledge.embed.cached), never per request: a request embeds only itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.embed import cached
from knowledge.models import Entry
from knowledge.text import normalize


def entry_text(entry: Entry) -> str:
    """What an entry's passage vector is made of: title, answer and colloquial keywords."""
    return f"{entry.title}。{entry.answer} {' '.join(entry.keywords)}"


CLASSIFIER_C = (
    1.0,
    10.0,
    100.0,
)  # regularisation strengths tried; the best by cross-validated log loss


@dataclass(frozen=True)
class EntryClassifier:
    """Softmax regression from a question's e5 vector to the entry that answers it.

    The view signal keeps only the nearest training question of each entry; this model weighs all of
    them and learns the directions that tell two close entries apart (a 产假 question from a 陪产假 one),
    which a single nearest neighbour cannot.
    """

    coef: np.ndarray  # classes × DIM
    intercept: np.ndarray  # classes
    columns: np.ndarray  # entry position of each class
    size: int  # number of entries

    def proba(self, vector: np.ndarray) -> np.ndarray:
        """Probability of each entry (entry order); an entry with no training question gets 0."""
        logits = self.coef @ vector + self.intercept
        logits = np.exp(logits - logits.max())
        out = np.zeros(self.size, dtype=np.float32)
        out[self.columns] = logits / logits.sum()
        return out


def fit_classifier(
    vectors: np.ndarray, targets: np.ndarray, size: int, *, c: float
) -> EntryClassifier:
    """Fit the softmax regression on (vector, entry position) pairs."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=500)
    model.fit(vectors, targets)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # sklearn keeps one row for two classes: logits (0, w·x + b)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    return EntryClassifier(
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
        columns=model.classes_.astype(np.int64),
        size=size,
    )


class DenseIndex:
    """Entry passage vectors and training-question views, with the entry each view belongs to."""

    def __init__(
        self,
        entries: Sequence[Entry],
        views: Sequence[tuple[str, str]],
        classifier: EntryClassifier | None = None,
    ) -> None:
        self.classifier = classifier
        self.ids = [e.id for e in entries]
        position = {entry_id: i for i, entry_id in enumerate(self.ids)}
        kept = [(entry_id, text) for entry_id, text in views if entry_id in position]
        self.passages = cached([entry_text(e) for e in entries], kind="passage")
        self.view_vectors = cached([text for _, text in kept], kind="query")
        self.view_entry = np.asarray([position[entry_id] for entry_id, _ in kept], dtype=np.int64)
        self._by_key: dict[str, list[int]] = {}
        for i, (_, text) in enumerate(kept):
            self._by_key.setdefault(normalize(text), []).append(i)

    def scores(
        self, vector: np.ndarray, *, exclude: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(cosine to each entry's passage, best cosine to one of its views) for a query vector.

        exclude: a training question's own text, left out of the views when it is scored itself.
        """
        passage = self.passages @ vector
        view = np.full(len(self.ids), -1.0, dtype=np.float32)
        if len(self.view_entry):
            sims = self.view_vectors @ vector
            if exclude is not None:
                for i in self._by_key.get(normalize(exclude), ()):
                    sims[i] = -1.0
            np.maximum.at(view, self.view_entry, sims)
        return passage.astype(np.float32), view

    def training_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, entry positions) the classifier learns from: every view, and every passage once."""
        vectors = np.concatenate([self.view_vectors, self.passages])
        targets = np.concatenate([self.view_entry, np.arange(len(self.ids), dtype=np.int64)])
        return vectors, targets

    def learned(self, vector: np.ndarray, *, without: str | None = None) -> np.ndarray:
        """The classifier's probability of each entry (zeros before make train fitted one).

        without: an entry ruled out; the others' probabilities are renormalised among themselves.
        """
        if self.classifier is None:
            return np.zeros(len(self.ids), dtype=np.float32)
        proba = self.classifier.proba(vector)
        if without in self.ids:
            proba[self.ids.index(without)] = 0.0
            proba = proba / max(float(proba.sum()), 1e-12)
        return proba
