"""Knowledge service for the API: search, lookup and the answer the action server relays."""

from __future__ import annotations

from knowledge.loader import load_knowledge
from knowledge.models import Entry
from knowledge.retrieval import get_retriever

from api.config import Settings
from api.errors import NotFound
from api.kb.schemas import AnswerRead, AnswerRequest, EntryRead, SearchHit, SearchResults


def _doc_label(doc_id: str) -> str:
    document = load_knowledge().documents.get(doc_id)
    return document.display if document else doc_id


def entry_read(entry: Entry) -> EntryRead:
    """An entry with its document shown as people cite it."""
    return EntryRead(
        id=entry.id, title=entry.title, answer=entry.answer, quote=entry.quote, section=entry.section,
        doc=_doc_label(entry.doc), audience=list(entry.audience), intents=list(entry.intents),
        keywords=list(entry.keywords),
    )


def search(*, query: str, limit: int = 5) -> SearchResults:
    """Lexical + vocabulary search over the entries, best first."""
    hits = get_retriever().search(query, top_k=limit)
    return SearchResults(
        query=query,
        hits=[SearchHit(score=h.score, entry=entry_read(h.entry)) for h in hits if h.score > 0],
    )


def get_entry(*, entry_id: str) -> EntryRead:
    """One entry by id, or NotFound."""
    entry = load_knowledge().entry(entry_id)
    if entry is None:
        raise NotFound(f"没有编号为 {entry_id} 的知识条目")
    return entry_read(entry)


def answer(*, request: AnswerRequest, settings: Settings) -> AnswerRead:
    """Decide answer / clarify / out_of_scope / handoff for one NLU result, hotline filled in."""
    from knowledge.answer import answer as decide

    result = decide(
        text=request.text,
        intent=request.intent,
        confidence=request.confidence,
        entities=[{"entity": e.entity, "value": e.value or ""} for e in request.entities],
        context={k: v for k, v in request.context.items() if v},
        ranking=[(r.name or "", r.confidence) for r in request.intent_ranking],
    )
    fill = {"hotline": settings.hotline, "hotline_name": settings.hotline_name}
    data = result.model_dump()
    data["text"] = data["text"].format_map(_Keep(fill))
    return AnswerRead.model_validate(data)


class _Keep(dict[str, str]):
    """format_map helper that leaves unknown {placeholders} untouched."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
