"""Knowledge service for the API: search, lookup and the answer the action server relays.

"Which department handles this?" questions also go through complaint triage (api.triage): its lead
department and the duty clauses of its category become routing hints for knowledge.answer.answer().
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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
from api.triage.classifier import score_categories
from api.triage.loader import duty_by_id, load_categories, load_departments
from api.triage.service import triage
from knowledge import workdays
from knowledge.answer import answer as decide
from knowledge.clock import today
from knowledge.departments import departments, lead_department
from knowledge.kb_check import problems, source_rows
from knowledge.loader import load_knowledge
from knowledge.models import INTENTS, Entry
from knowledge.retrieval import get_retriever, place_terms
from knowledge.scope import (
    about_complaints,
    asks_department,
    asks_instead,
    asks_leave_question,
    in_domain,
)
from knowledge.text import compact, normalize

# "Where do I complain" questions often carry no who-word; other intents route only on an explicit who-question.
ROUTED_INTENTS = frozenset({"ask_complaint_channel"})
CLAUSE_BOOST = 0.15
LEAD_BOOST = 0.08
MIN_SEGMENT = 8
RUNNER_UP_SHARE = 0.6
_CLAUSE_TRIM = "；;。，,、 "


@dataclass(frozen=True)
class Routing:
    """Where triage sends a question: the lead department and entry score bonuses."""

    department: str | None
    category: str
    boosts: dict[str, float] = field(default_factory=dict)


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


def _cites_clause(entry: Entry, clause: str) -> bool:
    """The entry quotes (part of) a department's duty clause: whole, or a long enough segment.

    A segment that is only the department's name ("区人力资源社会保障局……") proves nothing.
    """
    clause = compact(clause).strip(_CLAUSE_TRIM)
    for cite in entry.citations:
        for segment in compact(cite.quote).split("……"):
            segment = segment.strip(_CLAUSE_TRIM)
            content = segment
            for name in departments():
                content = content.replace(name, "")
            if len(content) >= MIN_SEGMENT and (segment in clause or clause in segment):
                return True
    return False


@lru_cache(maxsize=1)
def _explicit_names() -> dict[str, str]:
    """Unambiguous ways to write a department (name, short name, aliases of 3+ chars or ending in 局/会/联/管)."""
    out: dict[str, str] = {}
    for dep in load_departments().values():
        for alias in (dep.name, dep.short, *dep.aliases):
            if len(alias) >= 3 or alias[-1] in "局会联管":
                out[alias] = dep.name
    return out


def _named_in_text(norm: str) -> set[str]:
    """Departments the user names themselves."""
    return {name for alias, name in _explicit_names().items() if alias in norm}


@lru_cache(maxsize=64)
def _category_entries(category_name: str) -> tuple[str, tuple[tuple[str, float], ...]]:
    """A triage category's lead and the bonus of each entry quoting its duty clauses or leading with it."""
    category = next(c for c in load_categories().categories if c.name == category_name)
    lead = category.lead
    duties = duty_by_id()
    clauses = [duties[d][1] for d in category.duties if d in duties and duties[d][0] == lead]
    bonuses: list[tuple[str, float]] = []
    for entry in load_knowledge().entries:
        bonus = CLAUSE_BOOST if any(_cites_clause(entry, c) for c in clauses) else 0.0
        if lead_department(entry) == lead:
            bonus += LEAD_BOOST
        if bonus:
            bonuses.append((entry.id, bonus))
    return lead, tuple(bonuses)


def _mask_places(norm: str) -> str:
    """Replace where-care-happens words by 机构: "早教中心虚假宣传" is about advertising, not early education."""
    for name in place_terms():
        norm = norm.replace(name, "机构")
    return norm


def department_routing(*, text: str, intent: str | None) -> Routing | None:
    """Triage's lead department for a who-handles-this question, with entry boosts; else None.

    None when the question is not about who handles something or not about infant care at all, when
    no triage keyword fires (the fallback category says nothing), or when the user already names a
    different department.
    Runner-up categories within RUNNER_UP_SHARE of the winner boost their entries too, scaled by
    score; the department is only preferred outright when no such runner-up points elsewhere.
    """
    asks = asks_department(text) or (intent in ROUTED_INTENTS and about_complaints(text))
    if not text.strip() or not asks or not in_domain(text):
        return None
    norm = _mask_places(normalize(text))
    result = triage(text=norm)
    scores = {s.name: s.score for s in score_categories(text=norm)}
    if result.category not in scores or not result.departments:
        return None
    lead = result.departments[0].name
    named = _named_in_text(norm)
    if named and lead not in named:
        return None
    top = scores[result.category]
    boosts: dict[str, float] = {}
    contested = False
    for name, score in scores.items():
        if name != result.category and score < RUNNER_UP_SHARE * top:
            continue
        other_lead, bonuses = _category_entries(name)
        contested = contested or other_lead != lead
        weight = min(1.0, score / top)
        for entry_id, bonus in bonuses:
            boosts[entry_id] = max(boosts.get(entry_id, 0.0), bonus * weight)
    return Routing(department=None if contested else lead, category=result.category, boosts=boosts)


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
        boosts=routing.boosts if routing else None,
        preferred_department=routing.department if routing else None,
    )
    fill = {"hotline": settings.hotline, "hotline_name": settings.hotline_name}
    data = result.model_dump()
    data["text"] = data["text"].format_map(_Keep(fill))
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
    asked = request.model_copy(
        update={"intent": FLOW_QUESTION_INTENT[flow], "confidence": max(request.confidence, 0.6)}
    )
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
