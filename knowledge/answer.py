"""Turn one user message into an Answer: explicit choice, the learned decision, leave arithmetic, overview.

What to do (answer / clarify / out of scope / a person) is decided by the trained model of
knowledge.decide over the hybrid retrieval; no score threshold is set here. This module only turns
that decision into words: the entry's version in force, a leave calculation, the opening overview, a
clarify question with the candidates as buttons.

Several questions in one message are split (knowledge.multi) and answered one by one, each with its
citation. A follow-up that only makes sense with the previous turn (「那男方呢」) is read together with
the previous topic (context["topic"], the entry id the caller carried over): the previous entry's title
is prepended, and the previous entry itself is left out of the candidates, since a follow-up asks
about something next to it.

Clarify buttons carry the candidate entry's *title* as payload: sent back as a normal message it goes
through NLU and reaches answer() again, which maps an exact title to its entry (no custom intent needed).
An NLU entity {"entity": "entry_id", "value": "<id>"} is honoured the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from knowledge.clock import today as clock_today
from knowledge.decide import Decision, decider
from knowledge.departments import departments, for_department
from knowledge.leave import LeaveQuery, format_leave_reply, parse_leave_query, rule_entry
from knowledge.loader import Knowledge, load_knowledge
from knowledge.models import INTENTS, Answer, Button, Citation, Entry, ScoredEntry, Source
from knowledge.multi import MAX_QUESTIONS, split_questions
from knowledge.opening import OVERVIEW_ENTRY, START_GUIDE, overview
from knowledge.scope import handoff_text, out_of_scope_category, out_of_scope_text, wants_human
from knowledge.text import normalize

MAX_BUTTONS = 3  # what a phone screen and a WeChat numbered list show well
LEAVE_INTENTS = frozenset(
    {"ask_maternity_leave", "ask_paternity_leave", "ask_leave_calculation", "ask_leave_pay"}
)
# The entries a leave calculation stands for (the topics _leave_topic reports, and the male side the reply
# always states): when the ranking puts another entry first (三孩 30 天, the rule change, a dispute with
# the employer), that entry answers and the calculator stays out of it.
CALCULATED_TOPICS = frozenset(
    {
        "maternity-leave-total",
        "paternity-leave",
        "difficult-birth-leave",
        "multiple-birth-leave",
        "miscarriage-leave",
    }
)
# The calculated topics that name one case of birth; the others (the total, the father's leave) fit any.
CASE_TOPICS = frozenset({"difficult-birth-leave", "multiple-birth-leave", "miscarriage-leave"})
# Entries that say "it depends on the birth date": with a stated birth date the calculator applies that rule.
DATE_RULE_TOPICS = frozenset({"leave-births-before-2025-11-28", "new-leave-which-births"})
_FOLLOWUP = re.compile(
    r"^(那|那么|那如果|如果是|要是|还有|另外|换成|那要是|假如|万一)|呢[?？!！。~～]*$|^(要)?多少钱"
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


def _followup_hits(
    prev: Entry, alone: list[ScoredEntry], joined: list[ScoredEntry]
) -> list[ScoredEntry]:
    """A follow-up's entries: what the message finds on its own (「工资呢」 → pay) and read with the previous
    topic (「那这个归哪个部门管」), never the previous entry again; likely ones in the previous entry's group
    first (「那消防呢」 after registration → the fire permit step), then by probability."""
    best: dict[str, ScoredEntry] = {}
    for hit in [*alone, *joined]:
        if hit.entry.id != prev.id and (
            hit.entry.id not in best or hit.score > best[hit.entry.id].score
        ):
            best[hit.entry.id] = hit
    return sorted(
        best.values(),
        key=lambda h: (h.score >= 0.5 and h.entry.group == prev.group, h.score >= 0.5, h.score),
        reverse=True,
    )


def _states_leave_fact(query: LeaveQuery) -> bool:
    """A follow-up that changes the calculation (难产, 双胞胎, 流产, a date, a total …), not any leave word."""
    return bool(
        query.difficult
        or (query.babies or 1) > 1
        or query.miscarriage
        or query.caesarean
        or query.vaginal
        or query.birth_from
        or query.due
        or query.third_child
        or query.asks_total
    )


def _calculation_wanted(
    decision: Decision, query: LeaveQuery, *, dated: bool, dated_followup: bool
) -> bool:
    """The calculator answers when the ranking's best entry is one it stands for, or a rule-by-birth-date
    entry and the message gives the date; a follow-up with a birth date, its own or carried over
    (「要是双胞胎呢」 after a dated answer), keeps the calculation.

    When the best entry is a case the parsed facts do not state (the ranking read 「twins」 or a
    misspelt 剖腹产 that the parser missed), a single-birth calculation would answer another question:
    the entry answers instead.
    """
    if dated_followup:
        return True
    best = decision.hits[0].entry.id if decision.hits else ""
    if best in CASE_TOPICS and best not in _stated_cases(query):
        return False
    return best in CALCULATED_TOPICS or (dated and best in DATE_RULE_TOPICS)


def _stated_cases(query: LeaveQuery) -> set[str]:
    """The case topics the parsed facts state (剖腹产 counts for the difficult-birth entry it asks about)."""
    cases = {
        _leave_topic(
            load_knowledge(),
            difficult=query.difficult,
            babies=query.babies,
            miscarriage=query.miscarriage,
        )
    }
    if query.caesarean:
        cases.add("difficult-birth-leave")
    return cases


def _surer(joined: Decision, alone: Decision) -> bool:
    """The reading with the previous topic settles a close call the message alone left open: its best
    entry is one of the message's own candidates (never one only the previous topic brings in) and
    more probable there than the message's own best."""
    if not joined.hits or not alone.hits:
        return False
    best = joined.hits[0]
    own = {h.entry.id for h in alone.hits[:MAX_BUTTONS]}
    return best.entry.id in own and best.score > alone.hits[0].score


def _is_followup(text: str) -> bool:
    """An elliptical message (「那…」, 「…呢」) that only makes sense with the previous topic."""
    return bool(_FOLLOWUP.search(normalize(text)))


def _clarify(hits: list[ScoredEntry]) -> Answer:
    """Ask which of the best candidates was meant (titles as buttons)."""
    buttons = [Button(title=h.entry.title, payload=h.entry.title) for h in hits]
    return Answer(
        kind="clarify",
        text="您想问的是下面哪一个？请点选，或者换个说法再问一次。",
        buttons=buttons,
        topic=None,
        entry_ids=[h.entry.id for h in hits],
    )


def _candidates(hits: list[ScoredEntry]) -> list[ScoredEntry]:
    """The entries the fusion finds more likely right than wrong (at least the best one), best first."""
    likely = [h for h in hits if h.score >= 0.5]  # a probability: more likely than not
    return (likely or hits[:1])[:MAX_BUTTONS]


def _entry_reply(kb: Knowledge, entry: Entry) -> Answer:
    """An entry's answer; the opening overview comes with its ordered steps and the checklist button."""
    if entry.id == OVERVIEW_ENTRY:
        text, cites = overview()
        return Answer(
            kind="answer",
            text=text,
            sources=_sources(kb, cites),
            buttons=[START_GUIDE],
            topic=entry.id,
            entry_ids=[entry.id],
        )
    return _reply(kb, entry)


def _leave_answer(kb: Knowledge, query: LeaveQuery, *, asked: str | None = None) -> Answer:
    """A leave calculation with its rule's citation; the topic keeps the birth span for follow-ups.

    entry_ids say what the reply answered: the entry of an earlier rule it applied, then the entry the
    ranking read the question as when the calculation stands for it (the father's days of 「男方休几天」),
    unless that is the plain total and the message states a case (双胞胎: the case entry is the answer).
    """
    reply, cites = format_leave_reply(query)
    topic = _leave_topic(
        kb, difficult=query.difficult, babies=query.babies, miscarriage=query.miscarriage
    )
    total = _leave_topic(kb, difficult=False, babies=1, miscarriage=False)
    named = (
        asked in CALCULATED_TOPICS
        and not query.miscarriage
        and not (asked == total and topic != total)
    )
    first = asked if named else topic
    return Answer(
        kind="answer",
        text=reply,
        sources=_sources(kb, cites),
        topic=_dated_topic(topic, query),
        entry_ids=list(dict.fromkeys(e for e in (rule_entry(query), first, topic) if e)),
    )


def answer(
    *,
    text: str,
    intent: str | None = None,
    confidence: float = 0.0,
    entities: Iterable[Mapping[str, Any] | str] = (),
    context: Mapping[str, Any] | None = None,
    ranking: Iterable[tuple[str, float]] = (),
    hotline: str | None = None,
    preferred_department: str | None = None,
) -> Answer:
    """Reply to one message (up to MAX_QUESTIONS questions in it); `{hotline}` stays unless hotline is given.

    ranking: the NLU intent ranking; when the top intent is not a policy intent (e.g. nlu_fallback),
    the best-ranked policy intent is used instead, with its own confidence.
    preferred_department: a routing hint from outside (the API's complaint triage): the department
    that handles this kind of problem settles a close call between candidates.
    """
    if intent not in INTENTS:
        ranked = [(name, conf) for name, conf in ranking if name in INTENTS]
        if ranked:
            intent, confidence = max(ranked, key=lambda item: item[1])
    entity_list = list(entities)
    hints: dict[str, Any] = {
        "intent": intent,
        "confidence": confidence,
        "entities": entity_list,
        "preferred_department": preferred_department
        if preferred_department in departments()
        else None,
    }
    kb = load_knowledge()
    explicit = _explicit_entry(kb, text, entity_list)
    questions = [] if explicit else split_questions(text)
    if explicit or len(questions) < 2:
        result = _answer(text=text, context=context, **hints)
    else:
        result = _several(questions, context=context, **hints)
    if hotline is not None:
        result = _fill(result, hotline)
    return result


def _fill(result: Answer, hotline: str) -> Answer:
    """The hotline put into the text of the answer and of its parts."""
    parts = [_fill(p, hotline) for p in result.parts]
    return result.model_copy(
        update={"text": result.text.replace("{hotline}", hotline), "parts": parts}
    )


def _several(questions: list[str], *, context: Mapping[str, Any] | None, **hints: Any) -> Answer:
    """Each question answered on its own (the previous one's topic carried to the next), in one reply."""
    parts: list[Answer] = []
    topic = (context or {}).get("topic")
    for question in questions[:MAX_QUESTIONS]:
        part = _answer(text=question, context={"topic": topic}, **hints)
        parts.append(part.model_copy(update={"question": question}))
        topic = part.topic or topic
    answered = [p for p in parts if p.kind == "answer"]
    if not answered:
        return parts[0]
    text = "\n\n".join(f"{i}. {p.question}\n{p.text}" for i, p in enumerate(parts, start=1))
    if len(questions) > MAX_QUESTIONS:
        text += f"\n\n一次最多回答{MAX_QUESTIONS}个问题，其余的请再发一次。"
    return Answer(
        kind="answer",
        text=text,
        sources=[s for p in parts for s in p.sources],
        topic=answered[-1].topic,
        entry_ids=[i for p in parts for i in p.entry_ids],
        parts=parts,
    )


def joined_reading(prev: Entry, text: str) -> str:
    """The message read against the previous answer's topic (the second reading of `_answer`)."""
    return f"{prev.title} {text}"


def read_ahead(*, text: str, topic: str | None) -> None:
    """Start the second reading's embedding of a one-question message now (the gateway calls this while
    the engine reads the message), so the answer finds it done; a wrong guess only costs the work."""
    prev = load_knowledge().entry(_split_topic(topic or "")[0]) if topic else None
    if prev is not None and len(split_questions(text)) < 2:
        decider().embed_ahead(joined_reading(prev, text))


def _answer(
    *,
    text: str,
    intent: str | None,
    confidence: float,
    entities: list[Any],
    context: Mapping[str, Any] | None,
    preferred_department: str | None,
) -> Answer:
    """One question: explicit choice, then the decision over the (follow-up aware) retrieval."""
    kb = load_knowledge()
    explicit = _explicit_entry(kb, text, entities)
    if explicit:
        return _entry_reply(kb, explicit)
    prev_id, prev_span = _split_topic(str((context or {}).get("topic") or ""))
    prev = kb.entry(prev_id)
    again = _leave_again(kb, text, prev, prev_span)
    if again is not None:
        return again
    followup = prev is not None and _is_followup(text)
    search = {"intent": intent, "intent_confidence": confidence, "entities": entities}
    decision = decider().decide(text, **search)
    if prev is not None and (followup or decision.label != "out_of_scope"):
        # read against the previous topic as well: the reading the model is surer of answers, so a
        # message that stands on its own keeps its own reading and one that leans on the last answer
        # (「大的两岁小的刚满月 这个假是按娃儿个数算的吗」 after 育儿假) is read with it; out of scope and
        # no follow-up stays so
        joined = decider().decide(joined_reading(prev, text), without=prev.id, **search)
        joined.hits = (
            _followup_hits(prev, decision.hits, joined.hits)
            if followup
            else [h for h in joined.hits if h.entry.id != prev.id]
        )
        if followup or (
            joined.label == "answer" and (decision.label != "answer" or _surer(joined, decision))
        ):
            decision = joined
    if decision.label == "out_of_scope":
        return Answer(kind="out_of_scope", text=out_of_scope_text(out_of_scope_category(text)))
    if decision.label == "human":
        return Answer(kind="handoff", text=handoff_text(no_match=not wants_human(text)))
    # after a leave answer, _leave_again has already taken every message that states a calculation fact
    query = parse_leave_query(text, assume_leave=intent in LEAVE_INTENTS)
    if query and followup and not _states_leave_fact(query):
        query = None  # 「工资呢」 after another answer asks about pay: retrieval decides, not the calculator
    if query and not _calculation_wanted(
        decision,
        query,
        dated=query.birth_from is not None,
        dated_followup=followup and query.birth_from is not None,
    ):
        query = None
    if query:
        return _leave_answer(kb, query, asked=decision.hits[0].entry.id if decision.hits else None)
    return _chosen(kb, decision, preferred_department)


def _leave_again(
    kb: Knowledge, text: str, prev: Entry | None, span: tuple[dt.date, dt.date] | None
) -> Answer | None:
    """After a leave answer, a message stating a fact the calculation uses (双胞胎, 难产, 满4个月, a date)
    is that calculation again: with the earlier birth date unless it gives its own, a bare day
    (「27号生的」) read next to the earlier date, and a miscarriage answer's follow-up still about one."""
    if prev is None or prev.group != "leave":
        return None
    query = parse_leave_query(text, assume_leave=True, today=span[0] if span else None)
    if prev.id == _leave_topic(kb, difficult=False, babies=1, miscarriage=True) and not (
        query and query.miscarriage
    ):
        # after a miscarriage answer, only a stated month or week of pregnancy is about one again
        stated = parse_leave_query(f"流产 {text}", assume_leave=True)
        if stated and (stated.miscarriage_months is not None or stated.pregnancy_weeks is not None):
            query = stated
    if query is None or not _states_leave_fact(query):
        return None
    if span and query.birth_from is None and not query.miscarriage:
        exact = span[0] if span[0] == span[1] else None
        query = query.model_copy(
            update={"birth_from": span[0], "birth_to": span[1], "birth_date": exact}
        )
    return _leave_answer(kb, query)


def leave_topic(
    *, difficult: bool, babies: int | None, miscarriage: bool, birth: dt.date | None
) -> str:
    """The topic a leave calculation leaves for follow-ups (entry id, and the birth date when known)."""
    topic = _leave_topic(
        load_knowledge(), difficult=difficult, babies=babies, miscarriage=miscarriage
    )
    return f"{topic}@{birth.isoformat()}" if birth else topic


def _chosen(kb: Knowledge, decision: Decision, preferred_department: str | None) -> Answer:
    """The answer or clarify question the decision asks for; triage's department settles close calls."""
    candidates = _candidates(decision.hits)
    if preferred_department:
        chosen = for_department(kb, candidates, preferred_department)
        if chosen is not None:
            return _entry_reply(kb, chosen)
    if decision.label == "clarify" and len(candidates) > 1:
        return _clarify(candidates)
    if decision.label == "clarify":
        return _clarify(decision.hits[:MAX_BUTTONS])
    return _entry_reply(kb, decision.hits[0].entry)
