"""A tiny multinomial naive Bayes over character n-grams: the fallback when no keyword signal fires."""

import math
import re
from collections import Counter
from dataclasses import dataclass, field

_REGEX_SYNTAX = re.compile(r"\\[a-z]|[()|?.{}\[\]*+^$\\,0-9]")


def char_ngrams(text: str, *, sizes: tuple[int, ...] = (1, 2)) -> list[str]:
    """Character n-grams of CJK/latin runs (punctuation and spaces split runs)."""
    grams: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fffa-z]+", text):
        for n in sizes:
            grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return grams


def literal_text(pattern: str) -> str:
    """The literal words inside a signal regex, for training on the signal list itself."""
    return _REGEX_SYNTAX.sub(" ", pattern)


@dataclass
class NaiveBayes:
    """Multinomial NB with add-one smoothing; explainable through its strongest n-grams."""

    alpha: float = 1.0
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    priors: dict[str, float] = field(default_factory=dict)
    vocab: set[str] = field(default_factory=set)

    def fit(
        self, *, docs: list[str], labels: list[str], weights: list[float] | None = None
    ) -> "NaiveBayes":
        """Count n-grams per label; a weight repeats a document (signal weight)."""
        weights = weights or [1.0] * len(docs)
        label_mass: Counter[str] = Counter()
        for doc, label, weight in zip(docs, labels, weights, strict=True):
            grams = Counter(char_ngrams(doc))
            bucket = self.counts.setdefault(label, Counter())
            for gram, count in grams.items():
                bucket[gram] += round(count * weight)
            label_mass[label] += 1
            self.vocab.update(grams)
        self.totals = {label: sum(c.values()) for label, c in self.counts.items()}
        total = sum(label_mass.values())
        self.priors = {label: math.log(mass / total) for label, mass in label_mass.items()}
        return self

    def _loglik(self, label: str, gram: str) -> float:
        """Smoothed log P(gram | label)."""
        num = self.counts[label][gram] + self.alpha
        return math.log(num / (self.totals[label] + self.alpha * len(self.vocab)))

    def predict(self, text: str) -> tuple[str, list[str]] | None:
        """Best label and the n-grams that favour it most, or None when no known n-gram occurs."""
        grams = [g for g in char_ngrams(text) if g in self.vocab]
        if not grams:
            return None
        scores = {
            label: self.priors[label] + sum(self._loglik(label, g) for g in grams)
            for label in self.counts
        }
        best = max(scores, key=lambda lb: scores[lb])
        mean_others = {
            g: sum(self._loglik(lb, g) for lb in self.counts if lb != best)
            / max(len(self.counts) - 1, 1)
            for g in set(grams)
        }
        evidence = sorted(
            set(grams), key=lambda g: self._loglik(best, g) - mean_others[g], reverse=True
        )
        return best, [g for g in evidence[:3] if len(g) > 1] or evidence[:1]
