"""Turn one user question into an Answer: scope check, leave arithmetic, retrieval, clarify or handoff.

Clarify buttons carry the candidate entry's *title* as payload: sent back as a normal message it goes
through NLU and reaches answer() again, which maps an exact title to its entry (no custom intent needed).
An NLU entity {"entity": "entry_id", "value": "<id>"} is honoured the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache, partial
from typing import Any

from knowledge.clock import today as clock_today
from knowledge.departments import departments, for_department, lead_department
from knowledge.leave import LeaveQuery, format_leave_reply, parse_leave_query
from knowledge.loader import Knowledge, load_knowledge
from knowledge.models import INTENTS, Answer, Button, Citation, Entry, ScoredEntry, Source
from knowledge.retrieval import expand, get_retriever
from knowledge.scope import (
    handoff_text,
    in_domain,
    out_of_scope_category,
    out_of_scope_text,
    wants_human,
)
from knowledge.text import normalize

ANSWER_THRESHOLD = 0.45
OFF_DOMAIN_THRESHOLD = 0.7
CLEAR_WIN_THRESHOLD = 0.32
CLEAR_WIN_GAP = 0.1
INTENT_FALLBACK_THRESHOLD = 0.32
INTENT_TRUSTED = 0.7
CLARIFY_MARGIN = 0.02
CLARIFY_BELOW = 0.8
INTENT_PREFERRED = 0.5
FOLLOWUP_MAX_CHARS = 14
LEAVE_INTENTS = frozenset(
    {"ask_maternity_leave", "ask_paternity_leave", "ask_leave_calculation", "ask_leave_pay"}
)
_FOLLOWUP = re.compile(
    r"^(那|那么|那如果|如果是|要是|还有|另外|换成|那要是)|呢[?？!！。~～]*$|^(要)?多少钱"
)


def _sources(kb: Knowledge, citations: Iterable[Citation]) -> list[Source]:
    """Citations as user-facing sources with the document's display label."""
    return [
        Source(doc=kb.documents[c.doc].display, section=c.section, quote=c.quote) for c in citations
    ]


def _reply(kb: Knowledge, entry: Entry) -> Answer:
    """Answer with the entry's version in force today: the newer rule's text and clause first, then the plan's."""
    version = entry.version_on(clock_today())
    if version is None:
        text, cites = entry.answer, entry.citations
    else:
        text = version.answer + (version.earlier or "")
        record = {d.id for d in kb.documents.values() if d.record}
        own = [c for c in entry.citations if c.doc not in record]
        plan = [c for c in entry.citations if c.doc in record]
        cites = tuple(dict.fromkeys([*own[:1], *version.citations, *own[1:], *plan]))
    return Answer(
        kind="answer",
        text=text,
        sources=_sources(kb, cites),
        topic=entry.id,
        entry_ids=[entry.id],
    )


@lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    """Normalised entry title → entry id, built once (clarify buttons send titles back)."""
    return {_title_key(e.title): e.id for e in load_knowledge().entries}


def _title_key(text: str) -> str:
    """Title comparison form: normalised, without the trailing question mark."""
    return normalize(text).rstrip("?？ ")


def _explicit_entry(kb: Knowledge, text: str, entities: Iterable[Any]) -> Entry | None:
    """Entry chosen by a clarify button (its title) or an entry_id entity."""
    for ent in entities:
        if isinstance(ent, Mapping) and ent.get("entity") == "entry_id":
            found = kb.entry(str(ent.get("value", "")))
            if found:
                return found
    entry_id = _titles().get(_title_key(text))
    return kb.entry(entry_id) if entry_id else None


def _leave_topic(kb: Knowledge, *, difficult: bool, babies: int | None, miscarriage: bool) -> str:
    """Entry id a leave calculation continues from, for follow-ups."""
    if miscarriage:
        return "miscarriage-leave"
    if babies != 1:
        return "multiple-birth-leave"
    return "difficult-birth-leave" if difficult else "maternity-leave-total"


def _split_topic(topic: str) -> tuple[str, tuple[dt.date, dt.date] | None]:
    """'difficult-birth-leave@2022-03-01~2022-03-31' → entry id and the birth span a leave answer used."""
    entry_id, _, span = topic.partition("@")
    first, _, last = span.partition("~")
    try:
        start = dt.date.fromisoformat(first)
        return entry_id, (start, dt.date.fromisoformat(last) if last else start)
    except ValueError:
        return entry_id, None


def _dated_topic(topic: str, query: LeaveQuery) -> str:
    """The leave topic with the birth span appended, so a follow-up keeps the rule of that date."""
    if query.birth_from is None:
        return topic
    end = query.birth_to or query.birth_from
    span = query.birth_from.isoformat() + ("" if end == query.birth_from else f"~{end.isoformat()}")
    return f"{topic}@{span}"


def _is_followup(text: str) -> bool:
    """Short elliptical message that only makes sense with the previous topic."""
    norm = normalize(text)
    return (len(norm) <= FOLLOWUP_MAX_CHARS and bool(_FOLLOWUP.search(norm))) or len(norm) <= 5


def _clarify(kb: Knowledge, hits: list[ScoredEntry]) -> Answer:
    """Ask which of two or three close candidates from different topics was meant."""
    buttons = [Button(title=h.entry.title, payload=h.entry.title) for h in hits]
    return Answer(
        kind="clarify",
        text="您想问的是下面哪一个？请点选，或者换个说法再问一次。",
        buttons=buttons,
        topic=None,
        entry_ids=[h.entry.id for h in hits],
    )


def _close_candidates(hits: list[ScoredEntry]) -> list[ScoredEntry]:
    """Top hit plus near-equal runners-up from other topics that send people elsewhere (max 3).

    Both must name a department and the departments must differ: two answers that agree on where to
    go, or that send nowhere, are not worth a question back.
    """
    top = hits[0]
    picked = [top]
    top_place = lead_department(top.entry)
    if top_place is None:
        return picked
    for hit in hits[1:]:
        groups = {p.entry.group for p in picked}
        places = {lead_department(p.entry) for p in picked}
        place = lead_department(hit.entry)
        if (
            top.score - hit.score <= CLARIFY_MARGIN
            and hit.entry.group not in groups
            and place is not None
            and place not in places
        ):
            picked.append(hit)
        if len(picked) == 3:
            break
    return picked


def _confident(hits: list[ScoredEntry], *, domain: bool) -> bool:
    """Top hit is good enough on its own, or clearly ahead of the runner-up.

    Without any infant-care word (and no NLU intent hit) the bar is higher and only the words count,
    not routing boosts, so that "办健身房的营业执照" does not get the childcare licensing answer.
    """
    top = hits[0].score
    second = hits[1].score if len(hits) > 1 else 0.0
    if not (domain or hits[0].intent_match or hits[0].entity_match):
        return hits[0].lexical >= OFF_DOMAIN_THRESHOLD
    return top >= ANSWER_THRESHOLD or (top >= CLEAR_WIN_THRESHOLD and top - second >= CLEAR_WIN_GAP)


def _decide(
    kb: Knowledge,
    text: str,
    hits: list[ScoredEntry],
    intent: str | None,
    confidence: float,
    *,
    preferred_department: str | None = None,
) -> Answer:
    """Answer, clarify, or fall back (handoff/out_of_scope) from ranked hits.

    preferred_department: where complaint triage sends this kind of problem; it settles close calls
    and rescues a weak match with that department's entry.
    """
    domain = in_domain(expand(text))
    if preferred_department and (domain or (hits and hits[0].intent_match)):
        chosen = for_department(kb, hits, preferred_department)
        if chosen is not None:
            return _reply(kb, chosen)
    if hits and _confident(hits, domain=domain):
        close = _close_candidates(hits) if hits[0].score < CLARIFY_BELOW else hits[:1]
        if len(close) > 1 and intent in INTENTS and confidence >= INTENT_PREFERRED:
            matching = [h for h in close if h.intent_match]
            if matching:
                return _reply(kb, matching[0].entry)
        if len(close) > 1:
            return _clarify(kb, close)
        return _reply(kb, hits[0].entry)
    if intent in INTENTS and confidence >= INTENT_TRUSTED and domain:
        matching = [h for h in hits if h.intent_match]
        if matching and matching[0].score >= INTENT_FALLBACK_THRESHOLD:
            return _reply(kb, matching[0].entry)
    if domain:
        return Answer(kind="handoff", text=handoff_text(no_match=True))
    return Answer(kind="out_of_scope", text=out_of_scope_text(None))


def _followup_boosts(prev: Entry) -> dict[str, float]:
    """Prefer the previous topic's neighbours, and something other than the previous entry."""
    boosts = {f"group:{prev.group}": 0.12, prev.id: -0.25}
    retriever = get_retriever()
    for entry in retriever.entries:
        if entry.id != prev.id and set(entry.intents) & set(prev.intents):
            boosts[entry.id] = boosts.get(entry.id, 0.0) + 0.06
    return boosts


def answer(
    *,
    text: str,
    intent: str | None = None,
    confidence: float = 0.0,
    entities: Iterable[Mapping[str, Any] | str] = (),
    context: Mapping[str, Any] | None = None,
    ranking: Iterable[tuple[str, float]] = (),
    hotline: str | None = None,
    boosts: Mapping[str, float] | None = None,
    preferred_department: str | None = None,
) -> Answer:
    """Reply to one message; `{hotline}` stays in the text unless hotline is given.

    ranking: the NLU intent ranking; when the top intent is not a policy intent (e.g. nlu_fallback),
    the best-ranked policy intent is used instead, with its own confidence.
    boosts / preferred_department: routing hints from outside (the API's complaint triage): score
    bonuses by entry id, and the department that handles this kind of problem.
    """
    if intent not in INTENTS:
        ranked = [(name, conf) for name, conf in ranking if name in INTENTS]
        if ranked:
            intent, confidence = max(ranked, key=lambda item: item[1])
    result = _answer(
        text=text,
        intent=intent,
        confidence=confidence,
        entities=list(entities),
        context=context,
        boosts=dict(boosts or {}),
        preferred_department=preferred_department
        if preferred_department in departments()
        else None,
    )
    if hotline is not None:
        result = result.model_copy(update={"text": result.text.replace("{hotline}", hotline)})
    return result


def _answer(
    *,
    text: str,
    intent: str | None,
    confidence: float,
    entities: list[Any],
    context: Mapping[str, Any] | None,
    boosts: dict[str, float],
    preferred_department: str | None,
) -> Answer:
    """answer() without the hotline substitution."""
    kb = load_knowledge()
    explicit = _explicit_entry(kb, text, entities)
    if explicit:
        return _reply(kb, explicit)
    category = out_of_scope_category(text)
    if category:
        return Answer(kind="out_of_scope", text=out_of_scope_text(category))
    if wants_human(text):
        return Answer(kind="handoff", text=handoff_text(no_match=False))
    prev_id, prev_span = _split_topic(str((context or {}).get("topic") or ""))
    prev = kb.entry(prev_id)
    followup = prev is not None and _is_followup(text)
    in_leave = bool(prev and prev.group == "leave" and followup) or intent in LEAVE_INTENTS
    query = parse_leave_query(text, assume_leave=in_leave)
    if query:
        if followup and prev_span and query.birth_from is None and not query.miscarriage:
            exact = prev_span[0] if prev_span[0] == prev_span[1] else None
            query = query.model_copy(
                update={"birth_from": prev_span[0], "birth_to": prev_span[1], "birth_date": exact}
            )
        reply, cites = format_leave_reply(query)
        topic = _leave_topic(
            kb, difficult=query.difficult, babies=query.babies, miscarriage=query.miscarriage
        )
        return Answer(
            kind="answer",
            text=reply,
            sources=_sources(kb, cites),
            topic=_dated_topic(topic, query),
            entry_ids=[topic],
        )
    retriever = get_retriever()
    search = partial(
        retriever.search, intent=intent, intent_confidence=confidence, entities=entities, top_k=6
    )
    if followup and prev:
        hits = search(text, boosts=_merged(_followup_boosts(prev), boosts))
        if not hits or hits[0].score < ANSWER_THRESHOLD:
            hits = search(f"{text} {prev.title}", boosts=_merged({prev.id: -0.1}, boosts))
        if hits and _confident(hits, domain=True):
            return _reply(kb, hits[0].entry)
    hits = search(text, boosts=boosts or None)
    return _decide(kb, text, hits, intent, confidence, preferred_department=preferred_department)


def _merged(first: Mapping[str, float], second: Mapping[str, float]) -> dict[str, float]:
    """Two boost maps added key by key."""
    out = dict(first)
    for key, value in second.items():
        out[key] = out.get(key, 0.0) + value
    return out
