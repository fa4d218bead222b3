"""Score complaint categories from the weighted keyword signals; naive Bayes breaks the silence."""

import re
from collections.abc import Mapping
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
            if weight <= 0:
                continue
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
                if weight > 0:
                    hits.append((match.start(), match.group(0)))
        if total > 0:
            words = tuple(dict.fromkeys(w for _, w in sorted(hits)))
            scored.append(CategoryScore(name=name, score=total, hits=words))
    return sorted(scored, key=lambda s: -s.score)


def _boosted(scored: list[CategoryScore], boosts: Mapping[str, float]) -> list[CategoryScore]:
    """Add urgency boosts (a child at risk outranks e.g. a fee dispute in the same message)."""
    by_name = {s.name: s for s in scored}
    for name, boost in boosts.items():
        if boost <= 0:
            continue
        old = by_name.get(name, CategoryScore(name=name, score=0.0, hits=()))
        by_name[name] = CategoryScore(
            name=name, score=old.score + boost, hits=old.hits or ("紧急情况",)
        )
    order = {name: i for i, (name, _) in enumerate(_compiled())}
    return sorted(by_name.values(), key=lambda s: (-s.score, order[s.name]))


def classify(*, text: str, boosts: Mapping[str, float] | None = None) -> list[CategoryScore]:
    """Keyword scores plus urgency boosts; when nothing fires, the NB guess or the fallback category."""
    scored = _boosted(score_categories(text=text), boosts or {})
    if scored:
        return scored
    guess = _fallback_model().predict(text)
    if guess is not None:
        name, evidence = guess
        return [CategoryScore(name=name, score=0.0, hits=tuple(evidence), method="naive_bayes")]
    return [CategoryScore(name=load_categories().fallback, score=0.0, hits=(), method="fallback")]
