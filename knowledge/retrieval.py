"""Hybrid search over the entries.

Lexical half (Retriever): BM25 over jieba words + character bigrams, with intent/entity bonuses.
HybridRetriever adds the dense half (knowledge.dense: e5 vectors of the entries and of their training
questions) and pinyin syllables, and ranks every entry by the learned Fusion of all signals, whose
weights make train fits (knowledge.decide) on the train split of the labelled questions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rank_bm25 import BM25Okapi

from knowledge.dense import DenseIndex
from knowledge.embed import embed_query
from knowledge.loader import load_knowledge
from knowledge.models import Entry, ScoredEntry
from knowledge.pinyin import overlap, query_syllables, readable, syllable_bigrams, text_bigrams
from knowledge.text import bigrams, normalize, tokenize, words

SYNONYMS = Path(__file__).resolve().parent / "data" / "synonyms.yml"

W_RANK = 0.4
W_INTENT = 0.3
W_ENTITY = 0.25
UNKNOWN_WORD_SHARE = 0.45
GENERIC_CAP = 0.5
UNKNOWN_CHAR_SHARE = 0.3
UNKNOWN_BIGRAM_SHARE = 0.15
SINGLE_CHAR_CAP = 1.5
CROSS_BIGRAM_SHARE = 0.15
BODY_ONLY_SHARE = 0.6


@lru_cache(maxsize=1)
def _synonym_file() -> dict[str, list[str]]:
    """Raw data/synonyms.yml."""
    return yaml.safe_load(SYNONYMS.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """canonical term → colloquial aliases, normalised (keys starting with _ are settings)."""
    raw = _synonym_file()
    return {
        normalize(k): tuple(normalize(a) for a in v)
        for k, v in raw.items()
        if not k.startswith("_")
    }


@lru_cache(maxsize=1)
def generic_terms() -> frozenset[str]:
    """Words that only say "childcare" or whom it concerns (双胞胎); their search weight is capped."""
    raw = _synonym_file()
    return frozenset(normalize(t) for t in [*raw.get("_generic", []), *raw.get("_qualifiers", [])])


@lru_cache(maxsize=1)
def place_terms() -> tuple[str, ...]:
    """Words naming where care happens (synonyms.yml _places: the terms and their aliases), longest first."""
    table = synonyms()
    found: set[str] = set()
    for key in _synonym_file().get("_places", []):
        norm = normalize(key)
        found.update((norm, *table.get(norm, ())))
    return tuple(sorted(found, key=len, reverse=True))


def canonical(term: str) -> str:
    """Canonical form of a colloquial term (卫健局 → 区卫生健康局), else the term itself."""
    norm = normalize(term)
    for key, aliases in synonyms().items():
        if norm == key or norm in aliases:
            return key
    return norm


def expand(text: str) -> str:
    """Query text with the canonical term of every alias it contains appended."""
    norm = normalize(text)
    extra = [key for key, aliases in synonyms().items() if any(a in norm for a in aliases)]
    return " ".join([norm, *extra])


def _entity_values(entities: Iterable[Mapping[str, str] | str] | None) -> list[str]:
    """Entity values from NLU dicts ({entity, value}) or plain strings, canonicalised."""
    out = []
    for ent in entities or ():
        value = ent if isinstance(ent, str) else str(ent.get("value", ""))
        if ent and not isinstance(ent, str) and ent.get("entity") == "entry_id":
            continue
        if value.strip():
            out.append(canonical(value))
    return out


@lru_cache(maxsize=1)
def _generic_bigrams() -> frozenset[str]:
    """Bigrams inside generic words (托育园 → 托育, 育园), capped like the words."""
    return frozenset(t[i : i + 2] for t in generic_terms() for i in range(len(t) - 1))


class Retriever:
    """Index built once over the entries; search() ranks them for one query."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._docs = [self._doc_tokens(e) for e in self.entries]
        self._sets = [set(doc) for doc in self._docs]
        self._head_sets = [set(tokenize(self._head_text(e))) for e in self.entries]
        self._bm25 = BM25Okapi(self._docs)
        df: Counter[str] = Counter()
        for tokens in self._sets:
            df.update(tokens)
        n = len(self.entries)
        self._idf = {t: math.log((n - c + 0.5) / (c + 0.5) + 1) for t, c in df.items()}
        self._max_idf = math.log((n + 0.5) / 0.5 + 1)
        self._strong = [normalize(" ".join((e.title, *e.tags))) for e in self.entries]
        self._weak = [normalize(" ".join((*e.keywords, e.answer))) for e in self.entries]

    @staticmethod
    def _head_text(entry: Entry) -> str:
        """What the entry is about: title, tags and colloquial keywords."""
        return " ".join((entry.title, *entry.tags, *entry.keywords))

    @classmethod
    def _doc_tokens(cls, entry: Entry) -> list[str]:
        """Head (title, tags, keywords) weighs double; answer and quote once."""
        return tokenize(cls._head_text(entry)) * 2 + tokenize(f"{entry.answer} {entry.quote}")

    def _coverage(self, index: int, weights: Mapping[str, float], total: float) -> float:
        """IDF-weighted share of query tokens found in the entry; body-only hits count less."""
        got = 0.0
        for token, weight in weights.items():
            if token in self._head_sets[index]:
                got += weight
            elif token in self._sets[index]:
                got += weight * BODY_ONLY_SHARE
        return got / total

    def _weights(self, text: str) -> dict[str, float]:
        """IDF weight of each distinct query token; unknown bigrams count less than unknown words."""
        weights: dict[str, float] = {}
        query_words = words(text)
        for token in query_words:
            share = UNKNOWN_CHAR_SHARE if len(token) == 1 else UNKNOWN_WORD_SHARE
            weight = self._idf.get(token, self._max_idf * share)
            weights[token] = min(weight, SINGLE_CHAR_CAP) if len(token) == 1 else weight
        for token in bigrams(text):
            weight = self._idf.get(token, self._max_idf * UNKNOWN_BIGRAM_SHARE)
            if not any(token in word for word in query_words):
                weight *= CROSS_BIGRAM_SHARE  # spans two words: mostly noise, some typo rescue
            weights.setdefault(token, weight)
        generic = generic_terms() | _generic_bigrams()
        for token in weights:
            if token in generic:
                weights[token] = min(weights[token], GENERIC_CAP)
        return weights

    def _entity_strength(self, index: int, values: list[str]) -> float:
        """1 when an entity names the entry's subject (title/tags), 0.5 when only mentioned."""
        best = 0.0
        for value in values:
            if value in self._strong[index]:
                return 1.0
            if value in self._weak[index]:
                best = 0.5
        return best

    def score_all(
        self,
        text: str,
        *,
        intent: str | None = None,
        intent_confidence: float = 1.0,
        entities: Iterable[Mapping[str, str] | str] | None = None,
    ) -> list[ScoredEntry]:
        """Every entry's lexical hit for text, in entry order (empty when the text has no tokens)."""
        return [
            hit
            for _, hit in self._score_all(
                text,
                intent=intent,
                intent_confidence=intent_confidence,
                entities=entities,
            )
        ]

    def _score_all(
        self,
        text: str,
        *,
        intent: str | None,
        intent_confidence: float,
        entities: Iterable[Mapping[str, str] | str] | None,
    ) -> list[tuple[float, ScoredEntry]]:
        """(unclipped score, hit) of every entry, in entry order.

        score in [0, 1]: IDF-weighted share of the query tokens the entry contains, scaled by its
        BM25 rank relative to the best hit, plus intent/entity bonuses.
        """
        query = expand(text)
        tokens = tokenize(query)
        if not tokens:
            return []
        weights = self._weights(query)
        total = sum(weights.values()) or 1.0
        raw = self._bm25.get_scores(tokens)
        top_raw = max(raw) if len(raw) and max(raw) > 0 else 1.0
        values = _entity_values(entities)
        conf = max(0.0, min(1.0, intent_confidence))
        out: list[tuple[float, ScoredEntry]] = []
        for i, entry in enumerate(self.entries):
            coverage = self._coverage(i, weights, total)
            lexical = coverage * (1 - W_RANK + W_RANK * max(0.0, raw[i]) / top_raw)
            intent_hit = bool(intent) and intent in entry.intents
            intent_part = (
                (1.0 if intent_hit and entry.intents[0] == intent else 0.7) if intent_hit else 0.0
            )
            entity = self._entity_strength(i, values) if values else 0.0
            score = lexical + W_INTENT * intent_part * conf + W_ENTITY * entity
            hit = ScoredEntry(
                entry=entry,
                score=round(max(0.0, min(1.0, score)), 4),
                lexical=round(lexical, 4),
                bm25=round(max(0.0, float(raw[i])) / top_raw, 4),
                intent_match=intent_hit,
                entity_match=entity > 0,
            )
            out.append((score, hit))
        return out

    def search(
        self,
        text: str,
        *,
        intent: str | None = None,
        intent_confidence: float = 1.0,
        entities: Iterable[Mapping[str, str] | str] | None = None,
        top_k: int = 5,
    ) -> list[ScoredEntry]:
        """Top entries for text by the lexical score alone, best first."""
        scored = self._score_all(
            text,
            intent=intent,
            intent_confidence=intent_confidence,
            entities=entities,
        )
        scored.sort(key=lambda item: (-item[0], -item[1].lexical))
        return [hit for _, hit in scored[:top_k]]


@lru_cache(maxsize=1)
def get_retriever() -> Retriever:
    """The retriever over the packaged knowledge base, built once per process."""
    return Retriever(load_knowledge().entries)


CANDIDATE_FEATURES = (
    "lexical",
    "bm25",
    "passage",
    "view",
    "pinyin",
    "learned",
    "lexical_gap",
    "passage_gap",
    "view_gap",
    "learned_gap",
    "lexical_rank",
    "passage_rank",
    "view_rank",
    "learned_rank",
)


@dataclass(frozen=True)
class Fusion:
    """How the lexical and dense signals of one entry combine: a logistic regression fitted by make train."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, features: np.ndarray) -> np.ndarray:
        """Log-odds that each row's entry answers the question."""
        return np.asarray(((features - self.mean) / self.scale) @ self.coef + self.intercept)


@dataclass(frozen=True)
class Signals:
    """Every entry's raw signals for one question, in entry order (ids)."""

    ids: list[str]
    lexical: list[ScoredEntry]
    passage: np.ndarray
    view: np.ndarray
    pinyin: np.ndarray
    vector: np.ndarray
    learned: np.ndarray  # the entry classifier's probabilities (knowledge.dense.EntryClassifier)


def _rank_share(values: np.ndarray) -> np.ndarray:
    """1 / (1 + rank) of each value among all entries (best = 1)."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float32)
    ranks[order] = np.arange(len(values), dtype=np.float32)
    return 1.0 / (1.0 + ranks)


def candidate_features(signals: Signals) -> np.ndarray:
    """One row per entry, columns as CANDIDATE_FEATURES."""
    n = len(signals.passage)
    lexical = np.asarray([h.score for h in signals.lexical] or [0.0] * n, dtype=np.float32)
    bm25 = np.asarray([h.bm25 for h in signals.lexical] or [0.0] * n, dtype=np.float32)
    columns = [
        lexical,
        bm25,
        signals.passage,
        signals.view,
        signals.pinyin,
        signals.learned,
        lexical - lexical.max(),
        signals.passage - signals.passage.max(),
        signals.view - signals.view.max(),
        signals.learned - signals.learned.max(),
        _rank_share(lexical),
        _rank_share(signals.passage),
        _rank_share(signals.view),
        _rank_share(signals.learned),
    ]
    return np.stack(columns, axis=1).astype(np.float32)


class HybridRetriever:
    """Lexical (BM25) and dense (e5) signals of every entry, fused by the learned Fusion."""

    def __init__(self, lexical: Retriever, dense: DenseIndex, fusion: Fusion | None = None) -> None:
        self.lexical = lexical
        self.dense = dense
        self.fusion = fusion
        self.entries = lexical.entries
        self._pinyin = [text_bigrams(Retriever._head_text(e)) for e in self.entries]

    def signals(
        self,
        text: str,
        *,
        vector: np.ndarray | None = None,
        exclude: str | None = None,
        intent: str | None = None,
        intent_confidence: float = 1.0,
        entities: Iterable[Mapping[str, str] | str] | None = None,
        without: str | None = None,
    ) -> Signals:
        """Raw signals of text (vector: the e5 query vector of readable(text) when already known).

        A message typed in pinyin is searched as the Chinese it reads as (knowledge.pinyin.readable);
        the syllable overlap is still taken from what was typed. without: an entry the question is known
        not to ask about (a follow-up's previous topic): its signals are set lowest and the classifier's
        probabilities are those of the other entries, so the previous topic's words do not take them all.
        """
        read = readable(text)
        if vector is None:
            vector = embed_query(read)
        passage, view = self.dense.scores(vector, exclude=exclude)
        syllables = syllable_bigrams(query_syllables(text))
        pinyin = np.asarray([overlap(syllables, p) for p in self._pinyin], dtype=np.float32)
        lexical = self.lexical.score_all(
            read,
            intent=intent,
            intent_confidence=intent_confidence,
            entities=entities,
        )
        ids = [e.id for e in self.entries]
        if (
            without in ids
        ):  # ruled out: its signals are the lowest, the gaps measured among the others
            i = ids.index(without)
            passage[i], view[i], pinyin[i] = passage.min(), -1.0, 0.0
            if lexical:
                lexical[i] = lexical[i].model_copy(update={"score": 0.0, "bm25": 0.0})
        return Signals(
            ids=ids,
            lexical=lexical,
            passage=passage,
            view=view,
            pinyin=pinyin,
            vector=vector,
            learned=self.dense.learned(vector, without=without),
        )

    def rank(self, signals: Signals) -> list[ScoredEntry]:
        """Every entry, best first; score = the fused probability that it answers the question."""
        features = candidate_features(signals)
        if self.fusion is None:  # before make train: lexical and dense ranks, equally weighted
            logits = (
                features[:, CANDIDATE_FEATURES.index("lexical_rank")]
                + features[:, CANDIDATE_FEATURES.index("view_rank")]
            )
        else:
            logits = self.fusion.logits(features)
        probability = 1.0 / (1.0 + np.exp(-logits))
        hits = []
        for i, entry in enumerate(self.entries):
            lex = signals.lexical[i] if signals.lexical else None
            hits.append(
                ScoredEntry(
                    entry=entry,
                    score=round(float(probability[i]), 4),
                    lexical=lex.lexical if lex else 0.0,
                    bm25=lex.bm25 if lex else 0.0,
                    dense=round(float(max(signals.passage[i], signals.view[i])), 4),
                    intent_match=bool(lex and lex.intent_match),
                    entity_match=bool(lex and lex.entity_match),
                )
            )
        hits.sort(key=lambda h: -h.score)
        return hits

    def search(self, text: str, *, top_k: int = 5, **kwargs: Any) -> list[ScoredEntry]:
        """Top entries for text, best first."""
        return self.rank(self.signals(text, **kwargs))[:top_k]
