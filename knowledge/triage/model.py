"""The learned department model: which category (hence lead department) and which assisting departments.

Features of a complaint (all computed from the text alone):
- its multilingual-e5-small embedding (the knowledge base's offline model), so a complaint that names no
  keyword still lands near the duty it describes;
- its cosine similarity to every duty clause of departments.yml (the plan's quoted words) and, per
  department, the best of them;
- the category rules of categories.yml: each category's summed keyword-signal weight;
- character 1–3-gram TF-IDF of the normalised text.
Each dense block is standardised and scaled to unit row norm, so no block drowns another by its size.

Lead: a multinomial logistic regression over the categories; a department's lead probability is the
sum over the categories it leads, the lead is the most probable department and the category the most
probable one it leads. Assisting: one logistic regression over (complaint, department) pairs, one vs
rest per department through department indicators, fed with what makes a department's duty raised
(its own lead probability out of fold, its keyword score, its clause similarity, whether the lead
category's rules name it). A department assists when that probability reaches `assist_threshold`.
The regularisation strength and the assist threshold are chosen by 5-fold cross-validation on the
training part and stored in the artefact; nothing is tuned on the held-out part or on the eval sets.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.artefact import load_or_fit as load_or_fit_artefact
from knowledge.embed import cache_dir, cached, embed_queries
from knowledge.text import normalize
from knowledge.triage.classifier import score_categories
from knowledge.triage.loader import TRIAGE, load_categories, load_departments
from knowledge.triage.models import LabelledComplaint

logger = logging.getLogger(__name__)

VERSION = "1"  # bump when the features change, so cached artefacts are rebuilt
ROOT = Path(__file__).resolve().parents[2]
FOLDS = 5
C_GRID = (4.0, 16.0, 64.0)  # candidates; the one with the best out-of-fold lead accuracy is kept
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.05, 0.96, 0.01))
SEED = 7


@dataclass
class Reading:
    """What the model says about one complaint, with what a reason needs."""

    lead: str
    category: str
    lead_p: float
    category_p: dict[str, float]
    assists: list[tuple[str, float]]
    words: list[str]
    duty_sims: dict[str, float]
    assist_words: dict[str, list[str]] = field(default_factory=dict)
    assist_categories: dict[str, str] = field(default_factory=dict)


@dataclass
class Model:
    """A fitted department model: vectoriser, scalers, the two heads and the chosen constants."""

    tfidf: Any
    scaler: Any
    category_clf: Any
    pair_scaler: Any
    pair_clf: Any
    categories: tuple[str, ...]
    departments: tuple[str, ...]
    duty_ids: tuple[str, ...]
    duty_owner: tuple[str, ...]
    duty_vectors: np.ndarray
    c: float
    assist_threshold: float
    cv: dict[str, Any] = field(default_factory=dict)

    def read(self, text: str, vector: np.ndarray | None = None) -> Reading:
        """Lead, category, assists and evidence for one complaint."""
        vec = embed_queries([text]) if vector is None else vector.reshape(1, -1)
        feats = _features(self, [text], vec)
        proba = self.category_clf.predict_proba(feats.matrix)[0]
        cat_p = dict(zip(self.categories, (float(p) for p in proba), strict=True))
        lead_p = _lead_probabilities(self, proba[None, :])
        lead_i = int(np.argmax(lead_p[0]))
        lead = self.departments[lead_i]
        leads = _category_leads()
        category = max((c for c in self.categories if leads[c] == lead), key=lambda c: cat_p[c])
        pair_p = self._assist_proba(feats, lead_p, np.asarray([lead_i]), [category])[0]
        ranked = sorted(
            ((self.departments[j], float(pair_p[j])) for j in range(len(self.departments))),
            key=lambda kv: -kv[1],
        )
        assists = [(d, p) for d, p in ranked if d != lead and p >= self.assist_threshold][
            : max_assists()
        ]
        sims = dict(zip(self.duty_ids, (float(s) for s in feats.duty_sims[0]), strict=True))
        assist_categories = {
            d: max((c for c in self.categories if leads[c] == d), key=lambda c: cat_p[c])
            for d, _ in assists
            if d in leads.values()  # 区财政局, 区妇联 only ever assist: no category of their own
        }
        return Reading(
            assist_words={
                d: self._words(feats, self.categories.index(c))
                for d, c in assist_categories.items()
            },
            assist_categories=assist_categories,
            lead=lead,
            category=category,
            lead_p=float(lead_p[0, lead_i]),
            category_p=cat_p,
            assists=assists,
            words=self._words(feats, self.categories.index(category)),
            duty_sims=sims,
        )

    def _assist_proba(
        self, feats: _Features, lead_p: np.ndarray, lead_idx: np.ndarray, categories: list[str]
    ) -> np.ndarray:
        """P(department assists) for every department of every complaint (n × departments)."""
        x = _pair_matrix(self, feats, lead_p, lead_idx, categories)
        p = self.pair_clf.predict_proba(self.pair_scaler.transform(x))[:, 1]
        return p.reshape(len(categories), len(self.departments))

    def _words(self, feats: _Features, cat_index: int, limit: int = 4) -> list[str]:
        """The character n-grams of the text that pushed hardest toward the chosen category."""
        grams = feats.grams.tocoo()
        vocab = self.tfidf.get_feature_names_out()
        all_coef = self.category_clf.coef_
        # what sets this category apart: its weight above the mean weight over all categories
        coef = all_coef[cat_index] - all_coef.mean(axis=0)
        contrib = [
            (float(coef[j] * v), str(vocab[j]))
            for j, v in zip(grams.col, grams.data, strict=True)
            if coef[j] > 0
        ]
        out: list[str] = []
        for _, gram in sorted(contrib, reverse=True):
            gram = gram.strip()
            if len(gram) < 2 or not re.search(r"[\u4e00-\u9fffa-z]{2}", gram):
                continue
            if any(gram in kept or kept in gram for kept in out):
                continue
            out.append(gram)
            if len(out) == limit:
                break
        return out


@dataclass
class _Features:
    """One batch of complaints as the heads see them."""

    matrix: Any
    grams: Any
    duty_sims: np.ndarray
    dept_sims: np.ndarray
    keyword: np.ndarray  # per category, log1p(summed signal weight)


@lru_cache(maxsize=1)
def _category_leads() -> dict[str, str]:
    """Category → its lead department (categories.yml)."""
    return {c.name: c.lead for c in load_categories().categories}


@lru_cache(maxsize=1)
def _rule_assists() -> dict[str, frozenset[str]]:
    """Category → the departments its rules name as (conditional) assists."""
    return {
        c.name: frozenset([*c.assists, *(a.department for a in c.conditional_assists)])
        for c in load_categories().categories
    }


def duties() -> tuple[tuple[str, str, str], ...]:
    """(duty id, department, verbatim quote) for every duty clause."""
    return tuple(
        (duty.id, dep.name, duty.quote)
        for dep in load_departments().values()
        for duty in dep.duties
    )


def max_assists() -> int:
    """At most categories.yml's combine.max_departments in all, the lead included."""
    return max(load_categories().combine.max_departments - 1, 0)


@lru_cache(maxsize=8192)
def _keyword_row(text: str) -> tuple[tuple[str, float], ...]:
    """The categories whose keyword signals fire in the text, with log1p of their summed weight."""
    return tuple(
        (s.name, float(np.log1p(max(s.score, 0.0)))) for s in score_categories(text=normalize(text))
    )


def _keyword_scores(texts: list[str], categories: tuple[str, ...]) -> np.ndarray:
    """Per category, log1p of the summed weight of its keyword signals in the text."""
    out = np.zeros((len(texts), len(categories)), dtype=np.float32)
    index = {c: i for i, c in enumerate(categories)}
    for row, text in enumerate(texts):
        for name, value in _keyword_row(text):
            out[row, index[name]] = value
    return out


def _unit(block: np.ndarray) -> np.ndarray:
    """Scale a standardised block so an average row has norm 1 (blocks of any width weigh alike)."""
    return block / np.sqrt(max(block.shape[1], 1))


def _dense_parts(
    model: Model, texts: list[str], vectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Duty similarities, per-department best similarity, keyword scores and the stacked dense block."""
    duty_sims = vectors @ model.duty_vectors.T
    dept_sims = np.stack(
        [
            duty_sims[:, [i for i, o in enumerate(model.duty_owner) if o == d]].max(axis=1)
            for d in model.departments
        ],
        axis=1,
    )
    keyword = _keyword_scores(texts, model.categories)
    dense = np.hstack([duty_sims, dept_sims, keyword])
    return duty_sims, dept_sims, keyword, dense


def _features(model: Model, texts: list[str], vectors: np.ndarray) -> _Features:
    """The sparse n-grams beside the embedding and the scaled clause/keyword block."""
    from scipy import sparse

    duty_sims, dept_sims, keyword, dense = _dense_parts(model, texts, vectors)
    grams = model.tfidf.transform([normalize(t) for t in texts])
    scaled = _unit(model.scaler.transform(dense))
    matrix = sparse.hstack([grams, sparse.csr_matrix(vectors), sparse.csr_matrix(scaled)]).tocsr()
    return _Features(matrix, grams, duty_sims, dept_sims, keyword)


def _lead_probabilities(model: Model, cat_proba: np.ndarray) -> np.ndarray:
    """P(lead = department): the summed probability of the categories each department leads."""
    leads = _category_leads()
    out = np.zeros((cat_proba.shape[0], len(model.departments)))
    for j, cat in enumerate(model.categories):
        out[:, model.departments.index(leads[cat])] += cat_proba[:, j]
    return out


def _pair_matrix(
    model: Model, feats: _Features, lead_p: np.ndarray, lead_idx: np.ndarray, categories: list[str]
) -> np.ndarray:
    """One row per (complaint, department): what raises that department's duty beside the lead."""
    n, k = lead_p.shape
    leads = _category_leads()
    rules = _rule_assists()
    dept_keyword = np.zeros((n, k), dtype=np.float32)
    for j, cat in enumerate(model.categories):
        d = model.departments.index(leads[cat])
        dept_keyword[:, d] = np.maximum(dept_keyword[:, d], feats.keyword[:, j])
    rows = []
    eye = np.eye(k, dtype=np.float32)
    for i in range(n):
        sims = feats.dept_sims[i]
        others = np.delete(lead_p[i], lead_idx[i])
        rank = np.argsort(np.argsort(-lead_p[i]))
        for d in range(k):
            rule = float(model.departments[d] in rules.get(categories[i], frozenset()))
            rows.append(
                np.concatenate(
                    [
                        [
                            lead_p[i, d],
                            float(rank[d] == 1),
                            float(d == lead_idx[i]),
                            dept_keyword[i, d],
                            sims[d],
                            sims[d] - sims[lead_idx[i]],
                            rule,
                            lead_p[i, d] / (others.max() + 1e-6) if others.size else 0.0,
                        ],
                        eye[d],
                    ]
                )
            )
    return np.asarray(rows, dtype=np.float32)


def _new_model(texts: list[str], vectors: np.ndarray, c: float) -> Model:
    """A model with its vectoriser and scaler fitted on these texts (heads still empty)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import StandardScaler

    cats = tuple(c.name for c in load_categories().categories)
    deps = tuple(load_departments())
    rows = duties()
    duty_vectors = _clause_vectors(tuple(q for _, _, q in rows))
    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    tfidf.fit([normalize(t) for t in texts])
    model = Model(
        tfidf=tfidf,
        scaler=None,
        category_clf=None,
        pair_scaler=None,
        pair_clf=None,
        categories=cats,
        departments=deps,
        duty_ids=tuple(i for i, _, _ in rows),
        duty_owner=tuple(o for _, o, _ in rows),
        duty_vectors=duty_vectors,
        c=c,
        assist_threshold=0.5,
    )
    model.scaler = StandardScaler().fit(_dense_parts(model, texts, vectors)[3])
    return model


def _category_of(item: LabelledComplaint) -> str:
    """The item's category; an unlabelled one takes the first category its lead leads."""
    if item.category:
        return item.category
    leads = _category_leads()
    return next(c for c, lead in leads.items() if lead == item.departments[0])


def _fit_category(
    items: list[LabelledComplaint], vectors: np.ndarray, c: float
) -> tuple[Model, _Features]:
    """Vectoriser, scaler and category head fitted on these items."""
    from sklearn.linear_model import LogisticRegression

    texts = [i.text for i in items]
    model = _new_model(texts, vectors, c)
    feats = _features(model, texts, vectors)
    from sklearn.multiclass import OneVsRestClassifier

    # one-vs-rest binary problems (liblinear): fast on sparse n-grams, probabilities renormalised
    clf = OneVsRestClassifier(LogisticRegression(C=c, solver="liblinear", class_weight="balanced"))
    clf.fit(feats.matrix, [_category_of(i) for i in items])
    # a category without examples gets no column: give it one with zero probability
    model.category_clf = _AlignedClassifier(clf, model.categories)
    return model, feats


@dataclass
class _AlignedClassifier:
    """A fitted classifier whose predict_proba columns follow a fixed class order (absent = 0)."""

    clf: Any
    classes: tuple[str, ...]

    def predict_proba(self, x: Any) -> np.ndarray:
        raw = self.clf.predict_proba(x)
        out = np.zeros((raw.shape[0], len(self.classes)))
        for j, cls in enumerate(self.clf.classes_):
            out[:, self.classes.index(str(cls))] = raw[:, j]
        return out

    @cached_property
    def coef_(self) -> np.ndarray:
        rows = [est.coef_.ravel() for est in self.clf.estimators_]
        out = np.zeros((len(self.classes), rows[0].shape[0]))
        for j, cls in enumerate(self.clf.classes_):
            out[self.classes.index(str(cls))] = rows[j]
        return out


def _folds(items: list[LabelledComplaint]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds by lead department (rare leads spread as far as they go)."""
    from sklearn.model_selection import StratifiedKFold

    leads = np.asarray([i.departments[0] for i in items])
    counts = {d: int((leads == d).sum()) for d in set(leads)}
    strata = np.asarray([d if counts[d] >= FOLDS else "(rare)" for d in leads])
    split = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    with warnings.catch_warnings():  # the pooled rare leads may number fewer than FOLDS
        warnings.simplefilter("ignore", UserWarning)
        return list(split.split(np.zeros(len(items)), strata))


def _pair_targets(
    items: list[LabelledComplaint], departments: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """y = the department assists; weight 0 where it is only 'may be added' (also_ok) or the lead."""
    y, w = [], []
    for item in items:
        assists = set(item.departments[1:])
        maybe = set(item.also_ok) | {item.departments[0]}
        for d in departments:
            y.append(int(d in assists))
            w.append(0.0 if d in maybe and d not in assists else 1.0)
    return np.asarray(y), np.asarray(w)


def _fit_pairs(model: Model, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> None:
    """The assist head on (complaint, department) rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    keep = w > 0
    model.pair_scaler = StandardScaler().fit(x[keep])
    clf = LogisticRegression(C=model.c, solver="liblinear", class_weight="balanced")
    clf.fit(model.pair_scaler.transform(x[keep]), y[keep])
    model.pair_clf = clf


def _set_ok(predicted: list[str], item: LabelledComplaint) -> bool:
    """Every returned department is allowed and every required one is returned."""
    allowed = set(item.departments) | set(item.also_ok)
    return set(predicted) <= allowed and set(item.departments) <= set(predicted)


def _choose_threshold(
    items: list[LabelledComplaint], leads: list[str], ranked: list[list[tuple[str, float]]]
) -> tuple[float, float]:
    """The assist threshold with the best out-of-fold set accuracy (ties: the highest, fewest assists)."""
    best_t, best_acc = 0.5, -1.0
    for t in THRESHOLD_GRID:
        ok = 0
        for item, lead, cands in zip(items, leads, ranked, strict=True):
            assists = [d for d, p in cands if d != lead and p >= t][: max_assists()]
            ok += _set_ok([lead, *assists], item)
        acc = ok / max(len(items), 1)
        if acc >= best_acc:
            best_t, best_acc = float(t), acc
    return best_t, best_acc


def _oof_category(
    items: list[LabelledComplaint], vectors: np.ndarray, c: float
) -> tuple[np.ndarray, list[_Features | None]]:
    """Out-of-fold category probabilities (n × categories) for regularisation strength c."""
    cats = tuple(x.name for x in load_categories().categories)
    proba = np.zeros((len(items), len(cats)))
    for train, test in _folds(items):
        model, _ = _fit_category([items[i] for i in train], vectors[train], c)
        feats = _features(model, [items[i].text for i in test], vectors[test])
        proba[test] = model.category_clf.predict_proba(feats.matrix)
    return proba, []


def _best_category(model: Model, lead: str, row: np.ndarray) -> str:
    """The most probable category that `lead` leads."""
    leads = _category_leads()
    own = [j for j, k in enumerate(model.categories) if leads[k] == lead]
    return model.categories[max(own, key=lambda j: float(row[j]))]


def fit(items: list[LabelledComplaint]) -> Model:
    """Fit both heads; C and the assist threshold come from 5-fold out-of-fold predictions."""
    texts = [i.text for i in items]
    vectors = cached_vectors(texts)
    leads_true = [i.departments[0] for i in items]
    deps = tuple(load_departments())
    leads_of = _category_leads()
    best: tuple[float, float, np.ndarray] | None = None
    by_c: dict[float, float] = {}
    for c in C_GRID:
        proba, _ = _oof_category(items, vectors, c)
        cats = tuple(x.name for x in load_categories().categories)
        lead_p = np.zeros((len(items), len(deps)))
        for j, cat in enumerate(cats):
            lead_p[:, deps.index(leads_of[cat])] += proba[:, j]
        acc = float(
            np.mean([deps[k] == t for k, t in zip(lead_p.argmax(1), leads_true, strict=True)])
        )
        by_c[c] = round(acc, 4)
        if best is None or acc > best[1]:
            best = (c, acc, proba)
    assert best is not None
    c, lead_acc, oof_proba = best
    model, feats = _fit_category(items, vectors, c)
    lead_p = _lead_probabilities(model, oof_proba)
    lead_idx = lead_p.argmax(axis=1)
    cats_pred = [
        _best_category(model, deps[li], row) for li, row in zip(lead_idx, oof_proba, strict=True)
    ]
    # the assist head learns from out-of-fold lead probabilities: what it will see on new text
    y, w = _pair_targets(items, deps)
    x = _pair_matrix(model, feats, lead_p, lead_idx, cats_pred)
    oof_pairs = np.zeros(len(y))
    n_dep = len(deps)
    for train, test in _folds(items):
        rows_tr = np.concatenate([np.arange(i * n_dep, (i + 1) * n_dep) for i in train])
        rows_te = np.concatenate([np.arange(i * n_dep, (i + 1) * n_dep) for i in test])
        _fit_pairs(model, x[rows_tr], y[rows_tr], w[rows_tr])
        oof_pairs[rows_te] = model.pair_clf.predict_proba(model.pair_scaler.transform(x[rows_te]))[
            :, 1
        ]
    ranked = [
        sorted(
            ((deps[d], float(oof_pairs[i * n_dep + d])) for d in range(n_dep)),
            key=lambda kv: -kv[1],
        )
        for i in range(len(items))
    ]
    leads_pred = [deps[k] for k in lead_idx]
    threshold, set_acc = _choose_threshold(items, leads_pred, ranked)
    _fit_pairs(model, x, y, w)
    model.assist_threshold = threshold
    model.cv = {
        "folds": FOLDS,
        "n": len(items),
        "lead_accuracy_by_c": by_c,
        "c": c,
        "lead_accuracy": round(lead_acc, 4),
        "set_accuracy": round(set_acc, 4),
        "assist_threshold": threshold,
        "oof_leads": leads_pred,
        "oof_sets": [
            [lead, *[d for d, p in cands if d != lead and p >= threshold][: max_assists()]]
            for lead, cands in zip(leads_pred, ranked, strict=True)
        ],
    }
    return model


def cached_vectors(texts: list[str]) -> np.ndarray:
    """e5 query vectors of reviewed texts, kept on disk by knowledge.embed (shared with the other models)."""
    return cached(texts, kind="query")


def _clause_vectors(quotes: tuple[str, ...]) -> np.ndarray:
    """Vectors of the duty clauses (cached on disk with the reviewed texts)."""
    return cached_vectors(list(quotes))


def fingerprint(items: list[LabelledComplaint]) -> str:
    """Content hash of the examples, what the model reads of the data files and VERSION (bumped when
    features change). Of departments.yml only names and duties count: an alias edit needs no refit."""
    digest = hashlib.sha256(VERSION.encode())
    for item in items:
        digest.update(item.model_dump_json().encode())
    for dep in load_departments().values():
        digest.update(dep.model_dump_json(include={"name", "duties"}).encode())
    digest.update((TRIAGE / "categories.yml").read_bytes())
    return digest.hexdigest()[:16]


def load_or_fit(items: list[LabelledComplaint], *, what: str = "triage model") -> Model:
    """The cached artefact for these items (var/cache/triage-<hash>.pkl), or a new fit saved."""
    path = cache_dir() / f"triage-{fingerprint(items)}.pkl"

    def fitted() -> Model:
        model = fit(items)
        logger.info(
            "triage model fitted on %d complaints (C=%s, assist threshold %.2f)",
            len(items),
            model.c,
            model.assist_threshold,
        )
        return model

    return load_or_fit_artefact(path, fitted, what=what)


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped model: fitted on every reviewed complaint (cached on disk by content hash)."""
    from knowledge.triage.data import everything

    return load_or_fit(list(everything()))


@lru_cache(maxsize=1)
def held_out_model() -> Model:
    """The same model fitted on the train part only: what the held-out figures are scored with."""
    from knowledge.triage.data import split

    train, _ = split()
    return load_or_fit(list(train), what="held-out triage model (for the figures)")
