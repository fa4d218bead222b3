"""Validated shapes of the triage data files, so a bad edit fails loudly at load time."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Duty(BaseModel):
    """One duty clause of a department, quoted verbatim from the plan."""

    model_config = ConfigDict(extra="forbid")

    id: str
    section: str
    quote: str
    categories: list[str] = Field(default_factory=list)


class Department(BaseModel):
    """A department with its canonical name, short name, aliases and duties."""

    model_config = ConfigDict(extra="forbid")

    name: str
    short: str
    aliases: list[str] = Field(default_factory=list)
    # aliases that name the department only in context (a bare topic word such as 消防): triage and the
    # knowledge base read them, the chat engine's generated entity vocabulary leaves them out
    ambiguous: list[str] = Field(default_factory=list)
    duties: list[Duty]

    @model_validator(mode="after")
    def _ambiguous_are_aliases(self) -> "Department":
        """Every ambiguous word is one of the department's own aliases."""
        unknown = set(self.ambiguous) - {self.short, *self.aliases}
        if unknown:
            raise ValueError(
                f"{self.name}: ambiguous words that are not aliases: {sorted(unknown)}"
            )
        return self


class ConditionalAssist(BaseModel):
    """A department that assists only when some words appear (e.g. 卫健 for food poisoning)."""

    model_config = ConfigDict(extra="forbid")

    department: str
    duty: str
    label: str
    when: list[str]


class Category(BaseModel):
    """A complaint category: lead department, assists and weighted regex signals."""

    model_config = ConfigDict(extra="forbid")

    name: str
    lead: str
    assists: list[str] = Field(default_factory=list)
    duties: list[str]
    conditional_assists: list[ConditionalAssist] = Field(default_factory=list)
    not_with: list[str] = Field(default_factory=list)
    signals: dict[str, float] = Field(default_factory=dict)

    @field_validator("signals")
    @classmethod
    def _compilable(cls, value: dict[str, float]) -> dict[str, float]:
        """Reject a signal that is not a valid regex."""
        for pattern in value:
            re.compile(pattern)
        return value


class Combine(BaseModel):
    """How secondary categories join the answer as assisting departments."""

    secondary_min: float = 6
    secondary_ratio: float = 0.6
    max_departments: int = 3


class CategoryFile(BaseModel):
    """knowledge/data/triage/categories.yml."""

    model_config = ConfigDict(extra="forbid")

    combine: Combine = Field(default_factory=Combine)
    fallback: str
    categories: list[Category]


class UrgencySignal(BaseModel):
    """A labelled group of regexes that mean a child is at immediate risk."""

    label: str
    category: str
    boost: float = 0
    patterns: list[str]
    # the group counts only when one of these regexes also occurs somewhere in the text
    context: list[str] = Field(default_factory=list)
    # an incident of this group that the text says is over (child fine now) is not urgent
    resolvable: bool = False

    @field_validator("patterns", "context")
    @classmethod
    def _compilable(cls, value: list[str]) -> list[str]:
        """Reject a pattern that is not a valid regex."""
        for pattern in value:
            re.compile(pattern)
        return value


class Resolution(BaseModel):
    """Regexes saying an incident is over and the child is fine, and ones saying it is not."""

    model_config = ConfigDict(extra="forbid")

    over: list[str]
    still_at_risk: list[str] = Field(default_factory=list)

    @field_validator("over", "still_at_risk")
    @classmethod
    def _compilable(cls, value: list[str]) -> list[str]:
        """Reject a pattern that is not a valid regex."""
        for pattern in value:
            re.compile(pattern)
        return value


class UrgencyFile(BaseModel):
    """knowledge/data/triage/urgency.yml."""

    hedges: list[str]
    negations: list[str] = Field(default_factory=list)
    resolution: Resolution | None = None
    signals: list[UrgencySignal]


class PiiFile(BaseModel):
    """knowledge/data/triage/pii.yml."""

    regex: dict[str, str]
    name_triggers: list[str]
    name_titles: list[str]
    surnames: list[str]
    name_stops: list[str]


class FactsFile(BaseModel):
    """knowledge/data/triage/facts.yml."""

    institution_suffixes: list[str]
    place_suffixes: list[str]
    name_chars: str
    max_prefix: int
    prefix_stops: list[str]
    generic_names: list[str]
    amount: str
    # a bare number is an amount only after a price/payment word; `period` keeps 「一个月」 with it
    amount_in_context: str
    when: str
    # a time after one of these repeats (每天中午, 天天下午): a routine, not the date of the event
    recurring_prefixes: list[str] = Field(default_factory=list)
    when_not_before: list[str] = Field(default_factory=list)
    child_age: str
    # 「N个月」 is the child's age only next to a child word (or as 「N个月大」), never before a number
    child_words: list[str] = Field(default_factory=list)


MAX_TEXT = 5000  # the longest complaint text accepted (API and CLI)
Urgency = Literal["urgent", "normal"]
Role = Literal["lead", "assist"]


class LabelledComplaint(BaseModel):
    """One reviewed complaint of the training set (and the format the override export writes)."""

    model_config = ConfigDict(extra="ignore")

    text: str
    departments: list[str] = Field(min_length=1)
    also_ok: list[str] = Field(default_factory=list)
    urgency: Urgency = "normal"
    category: str | None = None


class DepartmentOut(BaseModel):
    """One responsible department; the first in the list leads (主办)."""

    name: str
    role: Role
    reason: str
    basis: str


class Facts(BaseModel):
    """Facts found in the complaint; absent keys were not found."""

    model_config = ConfigDict(extra="forbid")

    institution: str | None = None
    place: str | None = None
    amount: str | None = None
    when: str | None = None
    child_age: str | None = None


class PiiOut(BaseModel):
    """A personal-data span in the original text, [start, end) character offsets."""

    type: str
    span: tuple[int, int]


class TriageResult(BaseModel):
    """Departments (lead first), urgency with its signals, category, facts and PII spans."""

    departments: list[DepartmentOut]
    urgency: Urgency
    urgency_signals: list[str]
    category: str
    facts: Facts
    pii: list[PiiOut]
