"""Versioned policy documents: which version of a rule is in force on a date, and which ones need re-checking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel

from knowledge.clock import today
from knowledge.loader import load_knowledge
from knowledge.models import Citation, Document, Entry


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


# The plan quotes the 2016 regulation: a plan clause with this marker rests on that version.
QUOTED_VERSIONS = {"2016年修订": "sc-pfp-2016"}


def _rests_on(cites: Iterable[Citation]) -> list[str]:
    """Document ids a set of clauses rests on, including versions the plan quotes inside its own text."""
    out: list[str] = []
    for cite in cites:
        out.append(cite.doc)
        out += [doc for marker, doc in QUOTED_VERSIONS.items() if marker in cite.quote]
    return list(dict.fromkeys(out))


def stale_citations(entries: Iterable[Entry], on: dt.date | None = None) -> list[StaleCitation]:
    """Entries whose answer on `on` rests on an expired or superseded document.

    A superseded document cited next to its replacement (for "the earlier rule was …") is not stale.
    """
    day = on or today()
    docs = documents()
    out: list[StaleCitation] = []
    for entry in entries:
        version = entry.version_on(day)
        cites = [*version.citations, *entry.citations] if version else list(entry.citations)
        used = _rests_on(cites)
        for doc_id in used:
            if doc_id not in docs:
                continue
            state = status(docs[doc_id], day)
            if state not in ("superseded", "expired"):
                continue
            newer = _in_force_successor(doc_id, day)
            if newer is not None and newer.id in used:
                continue
            out.append(
                StaleCitation(
                    entry_id=entry.id,
                    doc=doc_id,
                    reason=state,
                    replaced_by=newer.id if newer else None,
                )
            )
    return out


def _in_force_successor(doc_id: str, day: dt.date) -> Document | None:
    """The version that replaced `doc_id`, followed along the chain to the one in force on `day`."""
    current = superseded_by(doc_id)
    while current is not None and not current.in_force(day):
        following = superseded_by(current.id)
        if following is None:
            break
        current = following
    return current
