"""Knowledge citations as the user-facing sources the chat shows (document label, section, quote)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from api.chat.schemas import Source
from knowledge.loader import load_documents
from knowledge.models import Citation


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    """Document id → display label, read once."""
    return {doc_id: doc.display for doc_id, doc in load_documents().items()}


def to_sources(citations: Iterable[Citation]) -> list[Source]:
    """Each distinct citation once, with its document's display label."""
    labels = _labels()
    return [
        Source(doc=labels.get(c.doc, c.doc), section=c.section, quote=c.quote)
        for c in dict.fromkeys(citations)
    ]
