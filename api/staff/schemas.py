"""Request and response bodies of the staff case API (see docs/console-api.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.complaints.schemas import normalise_phone
from api.safetext import check

Sla = Literal["green", "yellow", "red", "none"]
ActionName = Literal[
    "assign",
    "reassign",
    "recall",
    "accept",
    "start",
    "resolve",
    "return",
    "request_extension",
    "approve_extension",
    "reject_extension",
    "follow_up",
    "reopen",
    "urge",
    "note",
]
ReasonKind = Literal["退回", "延期", "重办"]


class CaseItem(BaseModel):
    """One row of the queue."""

    ticket: str
    kind: str
    state: str
    urgency: str | None
    category: str | None
    lead_department: str | None
    departments: list[str]
    institution: str | None
    place: str | None
    excerpt: str
    created_at: datetime
    due_at: datetime | None
    due_provisional: bool = False
    sla: Sla
    repeat_count: int
    reason_kind: ReasonKind | None = None
    reason: str | None = None
    urge_count: int = 0
    reopen_count: int = 0


class CaseList(BaseModel):
    """A page of the queue."""

    items: list[CaseItem]
    total: int
    page: int
    page_size: int


class Contact(BaseModel):
    """Reporter's call-back number, full or masked by role."""

    phone: str | None
    masked: bool


class EventOut(BaseModel):
    """One audit-trail row of a case."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None


class AllowedAction(BaseModel):
    """A button the console may show."""

    action: str
    label: str


class RepeatOut(BaseModel):
    """Another case of the same repeat group."""

    ticket: str
    state: str
    created_at: datetime
    excerpt: str


class CaseDetail(BaseModel):
    """Everything the case page shows."""

    ticket: str
    kind: str
    state: str
    urgency: str | None
    category: str | None
    text: str
    institution: str | None
    place: str | None
    when: str | None
    channel: str
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    due_provisional: bool = False
    sla: Sla
    triage: dict[str, Any] | None
    departments: list[str]
    lead_department: str | None
    contact: Contact
    events: list[EventOut]
    allowed_actions: list[AllowedAction]
    repeats: list[RepeatOut]
    satisfaction: int | None
    conversation: list[dict[str, Any]] | None
    reason_kind: ReasonKind | None = None
    reason: str | None = None
    urge_count: int = 0
    reopen_count: int = 0
    result: str | None = None
    result_at: datetime | None = None


class CaseCreatedDetail(CaseDetail):
    """A case just taken from a phone call, with the caller's one-time lookup PIN."""

    pin: str | None


class ActionRequest(BaseModel):
    """One workflow action on a case."""

    model_config = ConfigDict(extra="forbid")

    action: ActionName
    departments: list[str] | None = Field(default=None, min_length=1, max_length=8)
    # 派单/改派 may correct the problem category too; without it the category follows the new lead
    category: str | None = Field(default=None, min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    extension_days: int | None = Field(default=None, ge=1, le=30)
    result: str | None = Field(default=None, max_length=2000)

    @field_validator("note", "result")
    @classmethod
    def _blank_note(cls, value: str | None) -> str | None:
        """A blank note is no note."""
        if value is not None:
            check(value)
        return value.strip() if value and value.strip() else None

    def given(self) -> set[str]:
        """Names of the optional fields that carry a value."""
        return {
            k
            for k in ("departments", "category", "note", "satisfaction", "extension_days", "result")
            if getattr(self, k) is not None
        }


class PhoneCaseCreate(BaseModel):
    """A case typed in by a hotline officer from a phone call."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)
    phone: str | None = Field(default=None, max_length=32)
    institution: str | None = Field(default=None, max_length=200)
    place: str | None = Field(default=None, max_length=200)
    when: str | None = Field(default=None, max_length=200)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        """Not blank, no NUL."""
        if not value.strip():
            raise ValueError("text must not be blank")
        return check(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        """Chinese mobile or landline, normalised; blank = none."""
        return normalise_phone(value) if value and value.strip() else None


class ContactOut(BaseModel):
    """Full call-back number (audited)."""

    phone: str | None


class Tally(BaseModel):
    """One row of the report (all cases, a department or a month); rates are fractions 0–1."""

    name: str
    cases: int
    resolved: int
    on_time: int
    on_time_rate: float | None
    reopened: int
    reopen_rate: float | None
    follow_ups: int
    satisfied: int
    satisfaction_rate: float | None
    overdue_now: int
    urges: int


class Stats(BaseModel):
    """Counts, rates and medians for the reports page (definitions in api/staff/stats.py)."""

    by_department: dict[str, int]
    by_category: dict[str, int]
    by_state: dict[str, int]
    by_month: dict[str, int]
    median_hours_to_accept: float | None
    median_hours_to_resolve: float | None
    median_working_days_to_resolve: float | None
    totals: Tally
    departments: list[Tally]
    months: list[Tally]
    overdue_by_department: dict[str, int]
