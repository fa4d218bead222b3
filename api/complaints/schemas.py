"""Request and response bodies of the complaint API (pydantic v2)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.complaints.tickets import SEPARATORS
from api.safetext import SafeStr, check

Channel = Literal["web", "wechat", "phone", "api"]
Kind = Literal["complaint", "handoff"]

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# area code 0xx/0xxx + 7–8 digit number, or a bare 7–8 digit local number
_LANDLINE_RE = re.compile(r"^(?:0\d{2,3})?[2-9]\d{6,7}$")


def normalise_phone(raw: str) -> str:
    """Digits-only phone (drops spaces, dashes, brackets, +86); raises ValueError if not Chinese."""
    compact = re.sub(r"[\s\-()（）]", "", raw)
    compact = re.sub(r"^(?:\+86|0086)", "", compact)
    if _MOBILE_RE.match(compact) or _LANDLINE_RE.match(compact):
        return compact
    raise ValueError("phone must be a Chinese mobile (1[3-9]xxxxxxxxx) or landline number")


def _no_nul(value: str) -> str:
    """NUL and lone surrogates cannot be stored in PostgreSQL text; nobody types them."""
    return check(value)


Role = Literal["user", "bot", "staff"]


class ConversationTurn(BaseModel):
    """One line of the conversation handed to staff."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    text: SafeStr = Field(max_length=2000)
    kind: SafeStr | None = Field(default=None, max_length=32)


class ComplaintCreate(BaseModel):
    """A complaint or hand-off as filed by the action server, WeChat or the web form.

    No triage field: the app triages the text itself when the case is filed, so a caller cannot
    route a case by sending a triage result (an unknown field is a 422).
    """

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)
    institution: str | None = Field(default=None, max_length=200)
    place: str | None = Field(default=None, max_length=200)
    when: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    channel: Channel
    sender_id: str | None = Field(default=None, max_length=128)
    kind: Kind = "complaint"
    conversation: list[ConversationTurn] | None = Field(default=None, max_length=100)

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        """Blank text is no complaint; the text itself is kept exactly as written."""
        if not value.strip():
            raise ValueError("text must not be blank")
        return _no_nul(value)

    @field_validator("institution", "place", "when", "sender_id")
    @classmethod
    def _optional_clean(cls, value: str | None) -> str | None:
        """Empty optional strings mean 'not given'."""
        if value is None or not value.strip():
            return None
        return _no_nul(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        """Validate and normalise the call-back number; empty means none left."""
        if value is None or not value.strip():
            return None
        return normalise_phone(value)

    def conversation_list(self) -> list[dict[str, Any]] | None:
        """The conversation as sent, for the JSON column."""
        if self.conversation is None:
            return None
        return [turn.model_dump(exclude_unset=True) for turn in self.conversation]


class ComplaintCreated(BaseModel):
    """What the filer is told; `pin` is shown once, on first creation only."""

    ticket: str
    pin: str | None = None
    state: str
    kind: Kind
    lead_department: str | None
    urgency: str | None
    created_at: datetime
    expected_reply: str
    reply_due: date | datetime


# what normalise_ticket reads: letters, digits, its separators (full-width letters and digits are NFKC'd)
_TICKET_CHAR = rf"0-9A-Za-z{SEPARATORS}\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A"
_TICKET = rf"^\s*[{_TICKET_CHAR}][{_TICKET_CHAR}\s]{{4,38}}[{_TICKET_CHAR}]\s*$"


class LookupRequest(BaseModel):
    """Public status lookup: ticket plus the PIN or the phone's last 4 digits."""

    model_config = ConfigDict(extra="forbid")

    # spaces inside and around allowed: the schema promises only what the check accepts, so spaces or
    # control characters alone are a clear 422
    ticket: str = Field(pattern=_TICKET)
    verifier: str = Field(pattern=r"^([0-9]{4}|[0-9]{6}|[0-9]{8})$", max_length=8)

    @field_validator("ticket", "verifier", mode="before")
    @classmethod
    def _halfwidth(cls, value: object) -> object:
        """Full-width digits and stray spaces from phone IMEs are normalised (NFKC, strip)."""
        return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value

    @field_validator("verifier", mode="before")
    @classmethod
    def _no_spaces(cls, value: object) -> object:
        """A PIN read out in groups (「1234 5678」) is one PIN."""
        return re.sub(r"[\s\-]", "", value) if isinstance(value, str) else value


class LookupResult(BaseModel):
    """Only what the public may see: no text, no phone, no department notes.

    `result` is the department's 办理结果 written for the family (PII-masked), once resolved.
    """

    ticket: str
    state: str
    created_at: datetime
    updated_at: datetime
    result: str | None = None
    result_at: datetime | None = None


class EventRead(BaseModel):
    """One history row."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    note: str | None
    from_state: str | None
    to_state: str | None


class ComplaintRecord(BaseModel):
    """Full record for service-token holders; phone masked unless revealed (which is audited)."""

    model_config = ConfigDict(from_attributes=True)

    ticket: str
    kind: str
    text: str
    institution: str | None
    place: str | None
    when_text: str | None
    phone: str | None
    channel: str
    sender_id: str | None
    triage: dict[str, Any] | None
    category: str | None
    urgency: str | None
    lead_department: str | None
    departments: list[str]
    state: str
    created_at: datetime
    updated_at: datetime
    conversation: list[dict[str, Any]] | None
    confidential: bool
    events: list[EventRead]
