"""Request and response shapes of POST /api/chat (the public chat contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from api.safetext import check

Kind = Literal["answer", "clarify", "out_of_scope", "handoff", "smalltalk", "form", "error"]
Emergency = Literal["medical", "police", "fire"]


# At least one visible character and no NUL: documented in the schema, so clients and fuzzers know.
VISIBLE = r"^[^\x00]*[^\s\x00][^\x00]*$"


class ChatRequest(BaseModel):
    """One user message; sender_id identifies the conversation."""

    sender_id: str = Field(min_length=1, max_length=64, pattern=VISIBLE)
    text: str = Field(min_length=1, max_length=1000, pattern=VISIBLE)

    @field_validator("sender_id", "text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能只包含空白")
        return check(value).strip()


class Button(BaseModel):
    title: str
    payload: str


class Source(BaseModel):
    doc: str
    section: str
    quote: str


class ChatMessage(BaseModel):
    text: str
    buttons: list[Button] | None = None
    sources: list[Source] | None = None
    urgent: bool | None = Field(
        default=None, description="emergency advice: show it first and loud"
    )


class ChatResponse(BaseModel):
    """All bot messages of the turn and one honest kind for the turn."""

    messages: list[ChatMessage]
    kind: Kind
    emergency: Emergency | None = Field(
        default=None, description="a child in danger now: medical (120), police (110), fire (119)"
    )
    call: list[str] | None = Field(default=None, description="numbers to call now, main one first")
