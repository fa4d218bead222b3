"""Request and response bodies of POST /api/triage."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.safetext import check
from knowledge.triage.models import MAX_TEXT, DepartmentOut, Facts, PiiOut, TriageResult

__all__ = ["MAX_TEXT", "DepartmentOut", "Facts", "PiiOut", "TriageRequest", "TriageResponse"]


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


class TriageResponse(TriageResult):
    """Departments (lead first), urgency with its signals, category, facts and PII spans."""
