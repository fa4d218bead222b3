"""Shapes of the knowledge endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.chat.schemas import Button, Kind, Source


class EntityIn(BaseModel):
    entity: str
    value: str | None = None


class RankedIntent(BaseModel):
    name: str | None = None
    confidence: float = 0.0


class AnswerRequest(BaseModel):
    """What the action server relays from the NLU result of the latest message."""

    text: str = Field(default="", max_length=5000)
    intent: str | None = None
    confidence: float = 0.0
    intent_ranking: list[RankedIntent] = []
    entities: list[EntityIn] = []
    context: dict[str, str | None] = {}
    # the conversation (Rasa's sender id): lets the app remember its topic to work ahead next turn
    sender_id: str | None = Field(default=None, max_length=200)


class AnswerPart(BaseModel):
    """One question of a message that asked several, with its own answer and citation."""

    kind: Kind
    question: str | None = None
    text: str
    sources: list[Source] = []
    buttons: list[Button] = []
    topic: str | None = None
    entry_ids: list[str] = []


class AnswerRead(BaseModel):
    """The reply to one message; `parts` when it asked several questions (each shown as its own message)."""

    kind: Kind
    text: str
    sources: list[Source] = []
    buttons: list[Button] = []
    topic: str | None = None
    entry_ids: list[str] = []
    parts: list[AnswerPart] = []


class EntryRead(BaseModel):
    """A knowledge entry as operators see it."""

    id: str
    title: str
    answer: str
    quote: str
    section: str
    doc: str
    audience: list[str]
    intents: list[str]
    keywords: list[str]


class SearchHit(BaseModel):
    score: float
    entry: EntryRead


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHit]


class FlowRoute(BaseModel):
    """Whether a message NLU took for a flow's start should start it, or only asks one question (then: the answer)."""

    mode: Literal["flow", "answer"]
    answer: AnswerRead | None = None


class SourceStatus(BaseModel):
    """One registered document: its version dates, status today and when it was last checked."""

    id: str
    label: str
    series: str
    status: Literal["in_force", "superseded", "expired", "not_yet"]
    effective_from: dt.date | None
    effective_to: dt.date | None
    supersedes: str | None
    last_checked: dt.date | None
    check_due: bool
    record: bool
    note: str
    reported: list[str]


class SourcesOverview(BaseModel):
    """What an admin checks to keep the knowledge base current."""

    today: dt.date
    sources: list[SourceStatus]
    stale_entries: list[str]
    holiday_years_missing: list[int]
