"""Typed shapes of the knowledge base so data files, retrieval and the API share one contract."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Audience = Literal["family", "operator", "staff"]
AnswerKind = Literal["answer", "clarify", "out_of_scope", "handoff"]

INTENTS: frozenset[str] = frozenset(
    {
        "ask_maternity_leave",
        "ask_paternity_leave",
        "ask_leave_pay",
        "ask_leave_calculation",
        "ask_flexible_work",
        "ask_employment_support",
        "ask_parenting_guidance",
        "ask_infant_health",
        "ask_kindergarten_toban",
        "ask_community_childcare",
        "ask_employer_childcare",
        "ask_service_types",
        "ask_safety_responsibility",
        "ask_staff_qualification",
        "ask_supervision",
        "ask_department_duty",
        "ask_open_institution",
        "ask_complaint_channel",
        "ask_policy_overview",
        "ask_residential_facilities",
        "ask_childcare_subsidy",
    }
)


class Document(BaseModel):
    """A policy source the knowledge base may cite."""

    model_config = ConfigDict(frozen=True)

    id: str
    series: str = ""
    title: str
    full_title: str
    number: str = ""
    issuer: str
    issued: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    supersedes: str | None = None
    record: bool = False
    note: str = ""
    reported: tuple[str, ...] = ()
    last_checked: dt.date | None = None
    source: str

    @property
    def display(self) -> str:
        """Citation label shown to users, e.g. 攀仁府办〔2020〕128号《…》."""
        return f"{self.number}《{self.title}》"

    def in_force(self, day: dt.date) -> bool:
        """True when `day` lies within effective_from … effective_to (open ends count as in force)."""
        starts = self.effective_from is None or self.effective_from <= day
        return starts and (self.effective_to is None or day <= self.effective_to)


class Citation(BaseModel):
    """One quoted clause inside an entry: which document, where, and the exact words."""

    model_config = ConfigDict(frozen=True)

    doc: str
    section: str = Field(min_length=1)
    quote: str = Field(min_length=1)


class EntryVersion(BaseModel):
    """A newer rule's answer for an entry, in force from a date (the entry's own text is the plan's)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    effective_from: dt.date
    effective_to: dt.date | None = None
    answer: str = Field(min_length=2)
    doc: str
    section: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    extra_sources: tuple[Citation, ...] = ()
    earlier: str = ""

    @property
    def citations(self) -> tuple[Citation, ...]:
        """The newer rule's clause first, then its supporting clauses."""
        return (Citation(doc=self.doc, section=self.section, quote=self.quote), *self.extra_sources)

    def in_force(self, day: dt.date) -> bool:
        """True when this version applies on `day`."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class Entry(BaseModel):
    """One answerable unit cleaned from the sources, with its citation and search vocabulary."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=2)
    answer: str = Field(min_length=2)
    quote: str = Field(min_length=1)
    section: str = Field(min_length=1)
    doc: str
    extra_sources: tuple[Citation, ...] = ()
    audience: tuple[Audience, ...] = Field(min_length=1)
    intents: tuple[str, ...] = Field(min_length=1)
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    group: str = ""
    versions: tuple[EntryVersion, ...] = ()

    @field_validator("quote", "answer", "title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        """Reject whitespace-only text, which pydantic's min_length lets through."""
        value = " ".join(value.split()) if "\n" in value else value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("intents")
    @classmethod
    def _known_intents(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Only intents the NLU actually predicts are useful for matching."""
        unknown = sorted(set(value) - INTENTS)
        if unknown:
            raise ValueError(f"unknown intents: {unknown}")
        return value

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Main clause first, then any supporting clauses."""
        return (Citation(doc=self.doc, section=self.section, quote=self.quote), *self.extra_sources)

    def version_on(self, day: dt.date) -> EntryVersion | None:
        """The newest version in force on `day`, or None when the entry's own (plan) text applies."""
        live = [v for v in self.versions if v.in_force(day)]
        return max(live, key=lambda v: v.effective_from) if live else None

    def all_citations(self) -> tuple[Citation, ...]:
        """Every clause the entry or any of its versions quotes (for checks)."""
        out = list(self.citations)
        for version in self.versions:
            out.extend(version.citations)
        return tuple(out)


class Source(BaseModel):
    """A citation as shown to users: document label, section path and quoted clause."""

    doc: str
    section: str
    quote: str


class Button(BaseModel):
    """A quick-reply button; payload is sent back as the user's next message."""

    title: str
    payload: str


class ScoredEntry(BaseModel):
    """A retrieval hit with its normalised score (0–1) and the parts that made it up."""

    entry: Entry
    score: float
    lexical: float = 0.0
    bm25: float = 0.0
    dense: float = 0.0
    intent_match: bool = False
    entity_match: bool = False


class Answer(BaseModel):
    """What the assistant replies for one policy question."""

    kind: AnswerKind
    text: str
    sources: list[Source] = Field(default_factory=list)
    buttons: list[Button] = Field(default_factory=list)
    topic: str | None = None
    entry_ids: list[str] = Field(default_factory=list)
    question: str | None = None
    parts: list[Answer] = Field(default_factory=list)
