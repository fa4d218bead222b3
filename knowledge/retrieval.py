"""BM25 + intent + entity ranking over the entries, with a score that can be compared to a threshold."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

from knowledge.loader import load_knowledge
from knowledge.models import Entry, ScoredEntry
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

    def search(
        self,
        text: str,
        *,
        intent: str | None = None,
        intent_confidence: float = 1.0,
        entities: Iterable[Mapping[str, str] | str] | None = None,
        top_k: int = 5,
        boosts: Mapping[str, float] | None = None,
    ) -> list[ScoredEntry]:
        """Top entries for text, best first.

        score in [0, 1]: IDF-weighted share of the query tokens the entry contains, scaled by its
        BM25 rank relative to the best hit, plus intent/entity bonuses and caller boosts.
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
        scored: list[tuple[float, float, ScoredEntry]] = []
        for i, entry in enumerate(self.entries):
            coverage = self._coverage(i, weights, total)
            lexical = coverage * (1 - W_RANK + W_RANK * max(0.0, raw[i]) / top_raw)
            intent_hit = bool(intent) and intent in entry.intents
            intent_part = (
                (1.0 if intent_hit and entry.intents[0] == intent else 0.7) if intent_hit else 0.0
            )
            entity = self._entity_strength(i, values) if values else 0.0
            score = lexical + W_INTENT * intent_part * conf + W_ENTITY * entity
            score += (boosts or {}).get(entry.id, 0.0) + (boosts or {}).get(
                f"group:{entry.group}", 0.0
            )
            scored.append(
                (
                    score,
                    lexical,
                    ScoredEntry(
                        entry=entry,
                        score=round(max(0.0, min(1.0, score)), 4),
                        lexical=round(lexical, 4),
                        intent_match=intent_hit,
                        entity_match=entity > 0,
                    ),
                )
            )
        scored.sort(key=lambda item: (-item[0], -item[1]))
        return [hit for _, _, hit in scored[:top_k]]


@lru_cache(maxsize=1)
def get_retriever() -> Retriever:
    """The retriever over the packaged knowledge base, built once per process."""
    return Retriever(load_knowledge().entries)
