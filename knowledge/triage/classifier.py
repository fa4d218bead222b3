"""Score complaint categories from the weighted keyword signals of categories.yml (the category rules).

The department model uses these scores as features and quotes the matched words in its reasons;
the knowledge base uses them to route who-handles-this questions.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.triage.loader import load_categories


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
