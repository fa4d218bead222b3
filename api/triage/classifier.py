"""Score complaint categories from the weighted keyword signals; naive Bayes breaks the silence."""

import re
from dataclasses import dataclass
from functools import lru_cache

from api.triage.loader import load_categories
from api.triage.nb import NaiveBayes, literal_text


@dataclass(frozen=True)
class CategoryScore:
    """A category's summed signal weight and the words that matched, in text order."""

    name: str
    score: float
    hits: tuple[str, ...]
    method: str = "keywords"


@lru_cache
def _compiled() -> list[tuple[str, list[tuple[re.Pattern[str], float]]]]:
    """Signals compiled once, in category priority order."""
    return [
        (cat.name, [(re.compile(p), w) for p, w in cat.signals.items()])
        for cat in load_categories().categories
    ]


@lru_cache
def _fallback_model() -> NaiveBayes:
    """NB trained on the literal words of every category's signals, weighted by signal weight."""
    docs: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for cat in load_categories().categories:
        for pattern, weight in cat.signals.items():
            docs.append(literal_text(pattern))
            labels.append(cat.name)
            weights.append(weight)
    return NaiveBayes().fit(docs=docs, labels=labels, weights=weights)


def score_categories(*, text: str) -> list[CategoryScore]:
    """All categories with a positive score, best first (ties keep the data file's priority order)."""
    scored: list[CategoryScore] = []
    for name, signals in _compiled():
        hits: list[tuple[int, str]] = []
        total = 0.0
        for pattern, weight in signals:
            match = pattern.search(text)
            if match:
                total += weight
                hits.append((match.start(), match.group(0)))
        if total > 0:
            words = tuple(dict.fromkeys(w for _, w in sorted(hits)))
            scored.append(CategoryScore(name=name, score=total, hits=words))
    return sorted(scored, key=lambda s: -s.score)


def classify(*, text: str) -> list[CategoryScore]:
    """Keyword scores; when nothing fires, the NB guess (score 0) or the fallback category."""
    scored = score_categories(text=text)
    if scored:
        return scored
    guess = _fallback_model().predict(text)
    if guess is not None:
        name, evidence = guess
        return [CategoryScore(name=name, score=0.0, hits=tuple(evidence), method="naive_bayes")]
    return [CategoryScore(name=load_categories().fallback, score=0.0, hits=(), method="fallback")]
