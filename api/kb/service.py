"""Knowledge service for the API: search, lookup and the answer the action server relays (a thin adapter).

The decision is knowledge.answer / knowledge.decide. "Which department handles this?" questions also
go through complaint triage (knowledge.triage), whose lead department is passed on as a hint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from api.config import Settings
from api.errors import NotFound
from api.kb.schemas import (
    AnswerRead,
    AnswerRequest,
    EntryRead,
    FlowRoute,
    SearchHit,
    SearchResults,
    SourcesOverview,
    SourceStatus,
)
from api.readahead import TOPICS
from knowledge import workdays
from knowledge.answer import answer as decide
from knowledge.clock import today
from knowledge.decide import decider
from knowledge.kb_check import problems, source_rows
from knowledge.loader import load_knowledge
from knowledge.models import INTENTS, Entry
from knowledge.retrieval import place_terms
from knowledge.scope import (
    about_complaints,
    asks_department,
    asks_instead,
    asks_leave_question,
    in_domain,
)
from knowledge.text import normalize
from knowledge.triage import departments_for
from knowledge.triage.classifier import score_categories
from knowledge.triage.loader import load_departments

# "Where do I complain" questions often carry no who-word; other intents route only on an explicit who-question.
ROUTED_INTENTS = frozenset({"ask_complaint_channel"})


@dataclass(frozen=True)
class Routing:
    """Where complaint triage sends a who-handles-this question: its lead department."""

    department: str
    category: str


def _doc_label(doc_id: str) -> str:
    document = load_knowledge().documents.get(doc_id)
    return document.display if document else doc_id


def entry_read(entry: Entry) -> EntryRead:
    """An entry with its document shown as people cite it."""
    return EntryRead(
        id=entry.id,
        title=entry.title,
        answer=entry.answer,
        quote=entry.quote,
        section=entry.section,
        doc=_doc_label(entry.doc),
        audience=list(entry.audience),
        intents=list(entry.intents),
        keywords=list(entry.keywords),
    )


def search(*, query: str, limit: int = 5) -> SearchResults:
    """Hybrid (lexical + dense) search over the entries, best first; score = fused probability."""
    hits = decider().hybrid.search(query, top_k=limit)
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


@lru_cache(maxsize=1)
def _explicit_names() -> dict[str, str]:
    """Unambiguous ways to write a department (name, short name, aliases of 3+ chars or ending in 局/会/联/管)."""
    out: dict[str, str] = {}
    for dep in load_departments().values():
        for alias in (dep.name, dep.short, *dep.aliases):
            if len(alias) >= 3 or alias[-1] in "局会联管":
                out[alias] = dep.name
    return out


def _mask_places(norm: str) -> str:
    """Replace where-care-happens words by 机构: "早教中心虚假宣传" is about advertising, not early education."""
    for name in place_terms():
        norm = norm.replace(name, "机构")
    return norm


def department_routing(*, text: str, intent: str | None) -> Routing | None:
    """Triage's lead department for a who-handles-this question about infant care, else None.

    None when the question does not ask who handles something, is not about infant care, when no
    triage keyword fires (the fallback category says nothing), or when the user names another
    department. The answer uses it only to choose among the candidates the decision already found.
    """
    asks = asks_department(text) or (intent in ROUTED_INTENTS and about_complaints(text))
    if not text.strip() or not asks or not in_domain(text):
        return None
    norm = _mask_places(normalize(text))
    category, lead = _lead(norm)
    if lead is None or category not in {s.name for s in score_categories(text=norm)}:
        return None
    named = {name for alias, name in _explicit_names().items() if alias in norm}
    if named and lead not in named:
        return None
    return Routing(department=lead, category=category)


@lru_cache(maxsize=256)
def _lead(norm: str) -> tuple[str, str | None]:
    """Triage's category and lead for a place-masked question (kept: a clarification reads it again)."""
    category, departments = departments_for(text=norm)
    return category, departments[0].name if departments else None


def _policy_intent(intent: str | None, ranking: Iterable[tuple[str, float]]) -> str | None:
    """The NLU intent if it is a policy intent, else the best-ranked policy intent."""
    if intent in INTENTS:
        return intent
    ranked = [(name, conf) for name, conf in ranking if name in INTENTS]
    return max(ranked, key=lambda item: item[1])[0] if ranked else None


def answer(*, request: AnswerRequest, settings: Settings) -> AnswerRead:
    """Decide answer / clarify / out_of_scope / handoff for one NLU result, hotline filled in."""
    request = _distrust_misread_complaint_intent(request)
    ranking = [(r.name or "", r.confidence) for r in request.intent_ranking]
    routing = department_routing(text=request.text, intent=_policy_intent(request.intent, ranking))
    result = decide(
        text=request.text,
        intent=request.intent,
        confidence=request.confidence,
        entities=[{"entity": e.entity, "value": e.value or ""} for e in request.entities],
        context={k: v for k, v in request.context.items() if v},
        ranking=ranking,
        preferred_department=routing.department if routing else None,
    )
    TOPICS.remember(request.sender_id, result.topic)
    fill = _Keep({"hotline": settings.hotline, "hotline_name": settings.hotline_name})
    data = result.model_dump(exclude={"question"})
    data["text"] = data["text"].format_map(fill)
    for part in data["parts"]:
        part["text"] = part["text"].format_map(fill)
        part.pop("parts", None)
    return AnswerRead.model_validate(data)


def _distrust_misread_complaint_intent(request: AnswerRequest) -> AnswerRequest:
    """ "Where do I complain" without any complaint word or who-question is a misread: let the words decide."""
    if request.intent != "ask_complaint_channel":
        return request
    if about_complaints(request.text) or asks_department(request.text):
        return request
    ranking = [r for r in request.intent_ranking if r.name != "ask_complaint_channel"]
    return request.model_copy(update={"intent": None, "confidence": 0.0, "intent_ranking": ranking})


class _Keep(dict[str, str]):
    """format_map helper that leaves unknown {placeholders} untouched."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


FLOW_QUESTION_INTENT = {
    "complaint": "ask_complaint_channel",
    "operator_guide": "ask_open_institution",
    "leave_calculator": "ask_leave_calculation",
}


def route_flow(*, request: AnswerRequest, flow: str, settings: Settings) -> FlowRoute:
    """A question NLU took for a flow's start ("who handles this?", "那时护理假多少天") gets its cited answer instead."""
    if flow == "leave_calculator":
        if not asks_leave_question(request.text):
            return FlowRoute(mode="flow")
    elif flow not in FLOW_QUESTION_INTENT or not asks_instead(request.text, flow=flow):
        return FlowRoute(mode="flow")
    asked = request.model_copy(update={"intent": FLOW_QUESTION_INTENT[flow]})
    result = answer(request=asked, settings=settings)
    if result.kind != "answer":
        return FlowRoute(mode="flow")
    return FlowRoute(mode="answer", answer=result)


def sources_overview() -> SourcesOverview:
    """Documents in force and last checked, entries resting on outdated ones, years without holiday data."""
    day = today()
    return SourcesOverview(
        today=day,
        sources=[SourceStatus.model_validate(row.model_dump()) for row in source_rows(day)],
        stale_entries=problems(day),
        holiday_years_missing=workdays.missing_years(day),
    )
