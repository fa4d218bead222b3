"""The learned decision: answer / clarify / out_of_scope / human, from retrieval and scope signals.

`make train` (``python -m knowledge.decide build``) fits, on the TRAIN split of the labelled questions
(knowledge.questions; the held-out 20 % is never read here):
1. the Fusion of the retrieval signals (logistic regression: does this entry answer this question?),
   out-of-fold so the decision features of each training question come from a fusion that never saw it;
2. the decision model over per-question features (FEATURES), the model family (logistic regression or
   gradient boosting) chosen by 5-fold cross-validated log loss;
3. the out-of-scope operating point: the lowest P(out_of_scope) at which the cross-validated out-of-scope
   precision reaches OOS_PRECISION_TARGET, i.e. the best recall at that precision.
The artefact is cached in var/cache/ by the content hash of questions, entries and this code, and
loaded (or fitted once) at app start. Nothing here is a hand-set score threshold: the only stated
number is the precision target.
"""

from __future__ import annotations

import hashlib
import logging
import math
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.artefact import load_or_fit, show_progress
from knowledge.dense import CLASSIFIER_C, DenseIndex, EntryClassifier, entry_text, fit_classifier
from knowledge.embed import cache_dir, cached, embed_ahead, embed_query
from knowledge.loader import load_knowledge
from knowledge.meaning import meaningless
from knowledge.models import ScoredEntry
from knowledge.pinyin import readable
from knowledge.questions import LABELS, Question, fingerprint, split
from knowledge.retrieval import (
    CANDIDATE_FEATURES,
    Fusion,
    HybridRetriever,
    Retriever,
    Signals,
    candidate_features,
)
from knowledge.scope import domain_hits, in_domain, looks_asking, out_of_scope_category, wants_human
from knowledge.text import normalize

logger = logging.getLogger(__name__)

VERSION = "3"  # bump when features change, so cached artefacts are rebuilt
OOS_PRECISION_TARGET = 0.95  # stated target: out-of-scope precision at the best recall
FOLDS = 5
NEIGHBOUR_LABELS = ("out_of_scope", "clarify", "human")
FEATURES = (
    "top",
    "second",
    "margin",
    "top_logit",
    "lexical_max",
    "passage_max",
    "view_max",
    "pinyin_max",
    "learned_max",
    "lexical_agrees",
    "passage_agrees",
    "view_agrees",
    "learned_agrees",
    *(f"near_{label}" for label in NEIGHBOUR_LABELS),
    "oos_region",
    "oos_topic",
    "in_domain",
    "domain_hits",
    "wants_human",
    "meaningless",
    "asks",
    "length",
    "latin_share",
)


@dataclass
class Neighbours:
    """Vectors of the training questions labelled out_of_scope / clarify / human, by label."""

    vectors: dict[str, np.ndarray]
    keys: dict[str, list[str]]

    def nearest(self, vector: np.ndarray, *, exclude: str | None = None) -> list[float]:
        """Best cosine to a question of each label (the question itself left out)."""
        out = []
        key = normalize(exclude) if exclude is not None else None
        for label in NEIGHBOUR_LABELS:
            sims = self.vectors[label] @ vector if len(self.vectors[label]) else np.zeros(0)
            if key is not None:
                sims = np.where(np.asarray([k == key for k in self.keys[label]]), -1.0, sims)
            out.append(float(sims.max()) if len(sims) else 0.0)
        return out


def question_features(
    text: str, signals: Signals, ranked: list[ScoredEntry], near: list[float]
) -> list[float]:
    """The decision features of one question (FEATURES order)."""
    top = ranked[0].score if ranked else 0.0
    second = ranked[1].score if len(ranked) > 1 else 0.0
    best = ranked[0].entry.id if ranked else ""
    ids = signals.ids
    lexical = np.asarray([h.score for h in signals.lexical] or [0.0])
    category = out_of_scope_category(text)
    norm = normalize(text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in norm)
    clipped = min(max(top, 1e-4), 1 - 1e-4)
    passage_best = ids[int(np.argmax(signals.passage))] if ids else ""
    view_best = ids[int(np.argmax(signals.view))] if ids else ""
    lexical_best = ids[int(np.argmax(lexical))] if signals.lexical else ""
    learned_best = ids[int(np.argmax(signals.learned))] if ids else ""
    return [
        top,
        second,
        top - second,
        math.log(clipped / (1 - clipped)),
        float(lexical.max()),
        float(signals.passage.max()),
        float(signals.view.max()),
        float(signals.pinyin.max()),
        float(signals.learned.max()),
        float(lexical_best == best),
        float(passage_best == best),
        float(view_best == best),
        float(learned_best == best),
        *near,
        float(category is not None and not category.topic),
        float(category is not None and category.topic),
        float(in_domain(text)),
        float(min(len(domain_hits(text)), 5)),
        float(wants_human(text)),
        float(meaningless(text)),
        float(looks_asking(norm)),
        math.log1p(len(norm)),
        latin / max(1, len(norm)),
    ]


@dataclass
class Decision:
    """What the model decided for one question, with the ranked entries and class probabilities."""

    label: str
    probabilities: dict[str, float]
    hits: list[ScoredEntry]


@dataclass
class Decider:
    """The fitted artefact: hybrid retriever (with its fusion), neighbours, decision model, operating point."""

    fusion: Fusion
    views: list[tuple[str, str]]
    neighbours: Neighbours
    model: Any
    model_name: str
    oos_threshold: float
    cv: dict[str, float] = field(default_factory=dict)
    classifier: EntryClassifier | None = None
    _hybrid: HybridRetriever | None = None

    @property
    def hybrid(self) -> HybridRetriever:
        """The hybrid retriever over the packaged entries, built on first use."""
        if self._hybrid is None:
            entries = load_knowledge().entries
            self._hybrid = HybridRetriever(
                Retriever(entries), DenseIndex(entries, self.views, self.classifier), self.fusion
            )
        return self._hybrid

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_hybrid"] = None
        return state

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities (LABELS order) for rows of FEATURES."""
        proba = np.zeros((len(features), len(LABELS)))
        raw = self.model.predict_proba(features)
        for j, cls in enumerate(self.model.classes_):
            proba[:, LABELS.index(cls)] = raw[:, j]
        return proba

    def choose(self, proba: np.ndarray) -> str:
        """Out of scope at or above the operating point, else the most likely other label."""
        if proba[LABELS.index("out_of_scope")] >= self.oos_threshold:
            return "out_of_scope"
        others = [
            (p, label) for p, label in zip(proba, LABELS, strict=True) if label != "out_of_scope"
        ]
        return max(others)[1]

    def embed_ahead(self, text: str) -> None:
        """Start embedding text as `decide` will read it (knowledge.embed.embed_ahead)."""
        embed_ahead(readable(text))

    def decide(self, text: str, **search: Any) -> Decision:
        """Rank the entries for text and decide what to do with them."""
        read = readable(text)
        vector = embed_query(read)
        signals = self.hybrid.signals(text, vector=vector, **search)
        ranked = self.hybrid.rank(signals)
        features = question_features(read, signals, ranked, self.neighbours.nearest(vector))
        proba = self.probabilities(np.asarray([features]))[0]
        return Decision(
            label=self.choose(proba),
            probabilities={label: float(p) for label, p in zip(LABELS, proba, strict=True)},
            hits=ranked,
        )


# ---------------------------------------------------------------- fitting (make train)


def _views(train: list[Question]) -> list[tuple[str, str]]:
    """(entry id, normalised question) for every training question that an entry answers."""
    return [
        (entry_id, readable(q.text)) for q in train if q.label == "answer" for entry_id in q.entries
    ]


def _neighbours(train: list[Question]) -> Neighbours:
    """The training questions that are not answers, by label."""
    vectors: dict[str, np.ndarray] = {}
    keys: dict[str, list[str]] = {}
    for label in NEIGHBOUR_LABELS:
        texts = [readable(q.text) for q in train if q.label == label]
        vectors[label] = cached(texts, kind="query")
        keys[label] = texts
    return Neighbours(vectors=vectors, keys=keys)


def _fold(q: Question) -> int:
    """Cross-validation fold of a training question (hash, independent of the held-out bucket)."""
    digest = hashlib.sha1(("fold:" + normalize(q.text)).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % FOLDS


def _fit_fusion(rows: np.ndarray, targets: np.ndarray) -> Fusion:
    """Logistic regression of 'this entry answers the question' on the candidate features."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0) + 1e-6
    model = LogisticRegression(max_iter=2000, C=1.0)
    model.fit((rows - mean) / scale, targets)
    return Fusion(mean=mean, scale=scale, coef=model.coef_[0], intercept=float(model.intercept_[0]))


@dataclass
class TrainingSet:
    """Everything computed once per training question: signals, candidate rows, targets, neighbours."""

    questions: list[Question]
    texts: list[str]
    signals: list[Signals]
    rows: list[np.ndarray]
    targets: list[np.ndarray]
    near: list[list[float]]


def training_set(
    train: list[Question],
    views: list[tuple[str, str]],
    neighbours: Neighbours,
    classifiers: list[EntryClassifier],
) -> TrainingSet:
    """Signals of every training question with its own view, neighbour and fold left out.

    classifiers: one entry classifier per fold, fitted without that fold's questions.
    """
    entries = load_knowledge().entries
    dense = DenseIndex(entries, views)
    hybrid = HybridRetriever(Retriever(entries), dense)
    texts = [readable(q.text) for q in train]
    vectors = cached(texts, kind="query")
    ids = [e.id for e in entries]
    out = TrainingSet([], [], [], [], [], [])
    for q, text, vector in zip(train, texts, vectors, strict=True):
        signals = hybrid.signals(q.text, vector=vector, exclude=text)
        signals = replace(signals, learned=classifiers[_fold(q)].proba(vector))
        out.questions.append(q)
        out.texts.append(text)
        out.signals.append(signals)
        out.rows.append(candidate_features(signals))
        out.targets.append(np.asarray([i in q.entries for i in ids], dtype=np.int8))
        out.near.append(neighbours.nearest(vector, exclude=text))
    return out


def _features_with(
    fusion: Fusion, data: TrainingSet, index: int, hybrid: HybridRetriever
) -> list[float]:
    """Decision features of one training question under a given fusion."""
    hybrid.fusion = fusion
    signals = data.signals[index]
    ranked = hybrid.rank(signals)
    return question_features(data.texts[index], signals, ranked, data.near[index])


def _model(name: str) -> Any:
    """A fresh decision model of the named family."""
    if name == "gradient_boosting":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000, C=1.0))


def oos_threshold(
    p_oos: np.ndarray, is_oos: np.ndarray, target: float = OOS_PRECISION_TARGET
) -> float:
    """Lowest P(out_of_scope) whose precision (out-of-fold) reaches target: the best recall there."""
    best = 1.0
    for t in sorted(set(np.round(p_oos, 4)), reverse=True):
        said = p_oos >= t
        precision = is_oos[said].mean() if said.any() else 1.0
        if precision >= target:
            best = float(t)
    return best


def _classifiers(train: list[Question]) -> tuple[list[EntryClassifier], EntryClassifier, float]:
    """Per-fold entry classifiers (each without its fold), the final one, and the chosen C.

    C is the one with the best out-of-fold log loss of the entry each answerable question names.
    """
    entries = load_knowledge().entries
    size = len(entries)
    answerable = [q for q in train if q.label == "answer"]
    folds = np.asarray([_fold(q) for q in answerable])
    vectors = cached([readable(q.text) for q in answerable], kind="query")
    position = {e.id: i for i, e in enumerate(entries)}
    passages = DenseIndex(entries, []).passages
    rows = [(i, position[e]) for i, q in enumerate(answerable) for e in q.entries if e in position]
    row_q = np.asarray([i for i, _ in rows], dtype=np.int64)
    row_y = np.asarray([y for _, y in rows], dtype=np.int64)

    def fitted(keep: np.ndarray, c: float) -> EntryClassifier:
        x = np.concatenate([vectors[row_q[keep]], passages])
        y = np.concatenate([row_y[keep], np.arange(size, dtype=np.int64)])
        return fit_classifier(x, y, size, c=c)

    losses: dict[float, float] = {}
    per_c: dict[float, list[EntryClassifier]] = {}
    for c in CLASSIFIER_C:
        per_c[c] = [fitted(folds[row_q] != k, c) for k in range(FOLDS)]
        loss = [
            -math.log(max(float(per_c[c][folds[i]].proba(vectors[i])[row_y[r]]), 1e-6))
            for r, i in enumerate(row_q)
        ]
        losses[c] = float(np.mean(loss))
    best = min(losses, key=lambda c: losses[c])
    final = fitted(np.ones(len(row_q), dtype=bool), best)
    return per_c[best], final, best


def build(train: list[Question]) -> Decider:
    """Fit fusion, decision model and operating point on the training questions (cross-validated)."""
    entries = load_knowledge().entries
    views = _views(train)
    neighbours = _neighbours(train)
    fold_classifiers, classifier, c = _classifiers(train)
    data = training_set(train, views, neighbours, fold_classifiers)
    folds = np.asarray([_fold(q) for q in train])
    answerable = np.asarray([q.label == "answer" for q in train])
    hybrid = HybridRetriever(Retriever(entries), DenseIndex(entries, views))
    features = np.zeros((len(train), len(FEATURES)))
    for k in range(FOLDS):
        fit_on = [i for i in range(len(train)) if folds[i] != k and answerable[i]]
        fusion = _fit_fusion(
            np.concatenate([data.rows[i] for i in fit_on]),
            np.concatenate([data.targets[i] for i in fit_on]),
        )
        for i in np.flatnonzero(folds == k):
            features[i] = _features_with(fusion, data, int(i), hybrid)
    labels = np.asarray([q.label for q in train])
    scores: dict[str, float] = {}
    oof: dict[str, np.ndarray] = {}
    for name in ("logistic_regression", "gradient_boosting"):
        proba = np.zeros((len(train), len(LABELS)))
        for k in range(FOLDS):
            model = _model(name).fit(features[folds != k], labels[folds != k])
            raw = model.predict_proba(features[folds == k])
            for j, cls in enumerate(model.classes_):
                proba[folds == k, LABELS.index(cls)] = raw[:, j]
        oof[name] = proba
        truth = proba[np.arange(len(labels)), [LABELS.index(y) for y in labels]]
        scores[name] = float(-np.log(np.clip(truth, 1e-6, 1.0)).mean())
    name = min(scores, key=lambda n: scores[n])
    proba = oof[name]
    is_oos = labels == "out_of_scope"
    threshold = oos_threshold(proba[:, LABELS.index("out_of_scope")], is_oos)
    final_fusion = _fit_fusion(
        np.concatenate([data.rows[i] for i in np.flatnonzero(answerable)]),
        np.concatenate([data.targets[i] for i in np.flatnonzero(answerable)]),
    )
    decider = Decider(
        fusion=final_fusion,
        views=views,
        neighbours=neighbours,
        model=_model(name).fit(features, labels),
        model_name=name,
        oos_threshold=threshold,
        classifier=classifier,
    )
    decider.cv = cross_validated_figures(decider, data, proba, features)
    decider.cv["entry_classifier_c"] = c
    decider.cv.update({f"log_loss_{n}": s for n, s in scores.items()})
    return decider


def cross_validated_figures(
    decider: Decider, data: TrainingSet, proba: np.ndarray, features: np.ndarray
) -> dict[str, float]:
    """Out-of-fold figures on the train split at the chosen operating point."""
    del features
    said = [decider.choose(p) for p in proba]
    labels = [q.label for q in data.questions]
    tp = sum(s == "out_of_scope" and y == "out_of_scope" for s, y in zip(said, labels, strict=True))
    fp = sum(s == "out_of_scope" and y != "out_of_scope" for s, y in zip(said, labels, strict=True))
    fn = sum(s != "out_of_scope" and y == "out_of_scope" for s, y in zip(said, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    answers = [i for i, y in enumerate(labels) if y == "answer"]
    said_answer = sum(said[i] == "answer" for i in answers)
    return {
        "oos_precision": precision,
        "oos_recall": recall,
        "oos_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "answer_rate": said_answer / len(answers) if answers else 0.0,
        "oos_threshold": decider.oos_threshold,
    }


def artefact_key() -> str:
    """Content hash of the training questions, the entries' texts and this code."""
    train, _ = split()
    digest = hashlib.sha256(VERSION.encode())
    digest.update(fingerprint(train).encode())
    for entry in load_knowledge().entries:
        digest.update(f"{entry.id}\t{entry_text(entry)}\t{' '.join(entry.tags)}\n".encode())
    for module in (
        "decide.py",
        "retrieval.py",
        "dense.py",
        "pinyin.py",
        "homophones.py",
        "scope.py",
    ):
        digest.update((Path(__file__).parent / module).read_bytes())
    for name in ("scope.yml", "userdict.txt", "synonyms.yml"):
        digest.update((Path(__file__).parent / "data" / name).read_bytes())
    digest.update(",".join(CANDIDATE_FEATURES + FEATURES).encode())
    return digest.hexdigest()[:16]


def artefact_path() -> Path:
    """Where the artefact for the current data lives."""
    return cache_dir() / f"decide-{artefact_key()}.pkl"


def load_or_build() -> Decider:
    """The cached artefact for the current data, or a new fit saved for next time."""

    def fitted() -> Decider:
        train, _ = split()
        decider = build(train)
        logger.info("decision model %s fitted on %d questions", decider.model_name, len(train))
        return decider

    return load_or_fit(artefact_path(), fitted, what="decision artefact")


@lru_cache(maxsize=1)
def decider() -> Decider:
    """The process-wide decision artefact (loaded, or fitted once, at app start)."""
    return load_or_build()


def warm() -> None:
    """Load the artefact and build the entry index before the first message needs them."""
    decider().hybrid.search("托育")


def main(argv: list[str]) -> int:
    """`python -m knowledge.decide build`: fit (if the data changed) and print the cross-validated figures."""
    if argv[:1] != ["build"]:
        print("usage: python -m knowledge.decide build", file=sys.stderr)
        return 2
    show_progress()
    fitted = decider()
    print(f"decision model: {fitted.model_name}, artefact {artefact_path().name}")
    for key, value in fitted.cv.items():
        print(f"  cv {key:24s} {value:.3f}")
    return 0


if __name__ == "__main__":
    # Run as `python -m knowledge.decide`, this file is `__main__`: its classes would be pickled as
    # `__main__.Decider` and the app (which imports knowledge.decide) could not load the artefact.
    # Delegate to the importable module so the artefact references knowledge.decide.
    from knowledge import decide as _importable

    raise SystemExit(_importable.main(sys.argv[1:]))
