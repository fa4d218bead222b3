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
W_INTENT = 0.12
W_ENTITY = 0.08
UNKNOWN_BIGRAM_SHARE = 0.3


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """canonical term → colloquial aliases (data/synonyms.yml), normalised."""
    raw = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8")) or {}
    return {normalize(k): tuple(normalize(a) for a in v) for k, v in raw.items()}


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


class Retriever:
    """Index built once over the entries; search() ranks them for one query."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self._docs = [self._doc_tokens(e) for e in self.entries]
        self._sets = [set(doc) for doc in self._docs]
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
    def _doc_tokens(entry: Entry) -> list[str]:
        """Title and keywords weigh double; tags, answer and quote once."""
        head = " ".join((entry.title, *entry.keywords))
        body = " ".join((*entry.tags, entry.answer, entry.quote))
        return tokenize(head) * 2 + tokenize(body)

    def _weights(self, text: str) -> dict[str, float]:
        """IDF weight of each distinct query token; unknown bigrams count less than unknown words."""
        weights: dict[str, float] = {}
        for token in words(text):
            weights[token] = self._idf.get(token, self._max_idf)
        for token in bigrams(text):
            weights.setdefault(token, self._idf.get(token, self._max_idf * UNKNOWN_BIGRAM_SHARE))
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
        scored = []
        for i, entry in enumerate(self.entries):
            coverage = sum(w for t, w in weights.items() if t in self._sets[i]) / total
            lexical = coverage * (1 - W_RANK + W_RANK * max(0.0, raw[i]) / top_raw)
            intent_hit = bool(intent) and intent in entry.intents
            intent_part = (1.0 if intent_hit and entry.intents[0] == intent else 0.7) if intent_hit else 0.0
            entity = self._entity_strength(i, values) if values else 0.0
            score = lexical + W_INTENT * intent_part * conf + W_ENTITY * entity
            score += (boosts or {}).get(entry.id, 0.0) + (boosts or {}).get(f"group:{entry.group}", 0.0)
            scored.append(
                ScoredEntry(
                    entry=entry,
                    score=round(max(0.0, min(1.0, score)), 4),
                    lexical=round(lexical, 4),
                    intent_match=intent_hit,
                    entity_match=entity > 0,
                )
            )
        scored.sort(key=lambda s: (-s.score, -s.lexical))
        return scored[:top_k]


@lru_cache(maxsize=1)
def get_retriever() -> Retriever:
    """The retriever over the packaged knowledge base, built once per process."""
    return Retriever(load_knowledge().entries)
