"""Versioned policy documents: which version of a rule is in force on a date, and which ones need re-checking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel

from knowledge.clock import today
from knowledge.loader import load_knowledge
from knowledge.models import Document, Entry


class StaleCitation(BaseModel):
    """An entry that quotes a document no longer in force on the check date."""

    entry_id: str
    doc: str
    reason: str
    replaced_by: str | None = None


def documents() -> dict[str, Document]:
    """Every registered document by id."""
    return dict(load_knowledge().documents)


def versions(series: str) -> list[Document]:
    """The versions of one rule, oldest first."""
    found = [d for d in documents().values() if (d.series or d.id) == series]
    return sorted(found, key=lambda d: d.effective_from or dt.date.min)


def in_force(series: str, on: dt.date | None = None) -> Document | None:
    """The version of `series` in force on `on` (default: today), or None if none was."""
    day = on or today()
    live = [d for d in versions(series) if d.in_force(day)]
    return live[-1] if live else None


def superseded_by(doc_id: str) -> Document | None:
    """The document that names `doc_id` in its `supersedes`, if any."""
    return next((d for d in documents().values() if d.supersedes == doc_id), None)


def status(doc: Document, on: dt.date | None = None) -> str:
    """'in_force', 'superseded', 'expired' or 'not_yet' on a date."""
    day = on or today()
    if doc.effective_from and day < doc.effective_from:
        return "not_yet"
    if doc.in_force(day):
        return "in_force"
    return "superseded" if superseded_by(doc.id) else "expired"


def stale_citations(entries: Iterable[Entry], on: dt.date | None = None) -> list[StaleCitation]:
    """Entries whose answer today rests on an expired or superseded document (versions in force excepted)."""
    day = on or today()
    docs = documents()
    out: list[StaleCitation] = []
    for entry in entries:
        version = entry.version_on(day)
        cites = version.citations if version else entry.citations
        for cite in dict.fromkeys(c.doc for c in cites):
            state = status(docs[cite], day)
            if state in ("superseded", "expired"):
                newer = superseded_by(cite)
                out.append(
                    StaleCitation(
                        entry_id=entry.id,
                        doc=cite,
                        reason=state,
                        replaced_by=newer.id if newer else None,
                    )
                )
    return out


def plan_outdated_quotes(entries: Iterable[Entry], on: dt.date | None = None) -> list[str]:
    """Entries quoting the plan's 2016 leave rule without a newer version in force on `on`."""
    day = on or today()
    return [
        e.id
        for e in entries
        if "2016年修订" in "".join(c.quote for c in e.citations) and e.version_on(day) is None
    ]
