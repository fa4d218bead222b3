"""Request and response bodies of POST /api/triage."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.safetext import check
from api.triage.models import Role, Urgency

MAX_TEXT = 5000


class TriageRequest(BaseModel):
    """A complaint in free text (1–5000 characters, not only whitespace, no NUL or lone surrogate)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        description="投诉/举报原文",
        json_schema_extra={"minLength": 1, "maxLength": MAX_TEXT},
    )

    @field_validator("text")
    @classmethod
    def _length(cls, value: str) -> str:
        """Explain in plain words why a text is refused."""
        if not value.strip():
            raise ValueError("text 不能为空：请填写投诉内容（1–5000 字）")
        if len(value) > MAX_TEXT:
            raise ValueError(f"text 过长：最多 {MAX_TEXT} 字，收到 {len(value)} 字")
        return check(value)


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


class TriageResponse(BaseModel):
    """Departments (lead first), urgency with its signals, category, facts and PII spans."""

    departments: list[DepartmentOut]
    urgency: Urgency
    urgency_signals: list[str]
    category: str
    facts: Facts
    pii: list[PiiOut]
