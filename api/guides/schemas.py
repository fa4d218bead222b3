"""Shapes of the guided-conversation endpoints the action server calls."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.chat.schemas import Button, Source
from api.kb.schemas import AnswerRead, AnswerRequest, EntityIn

LeaveEvent = Literal["birth", "due", "miscarriage"]
Delivery = Literal["normal", "difficult"]


class OperatorParseRequest(BaseModel):
    """Free text of one answer; `only` restricts parsing to the question being asked."""

    text: str = Field(max_length=1000)
    only: str | None = None
    intent: str | None = None
    emergency: bool = False
    # the answers so far (question id → value), so `needed` can say which questions still matter
    filled: dict[str, str | list[str] | None] = {}


class OperatorParsed(BaseModel):
    """Answers recognised in the text, keyed by question id (services/ages are lists); `needed`: the
    questions whose answers can still change the checklist, given these and the earlier answers."""

    answers: dict[str, str | list[str]]
    step_aside: bool = False
    # said before the question is asked again (an emergency message is not an answer)
    note: str | None = None
    needed: list[str] = []
    # a question asked inside the form that the knowledge base answers (then the question is asked again)
    answer: AnswerRead | None = None


class OperatorAnswersIn(BaseModel):
    """The completed operator form."""

    nature: str
    premises: str
    location: str
    services: list[str] = []
    ages: list[str] = []


class ChecklistStepOut(BaseModel):
    number: int
    title: str
    department: str
    action: str
    requires: str | None = None
    sources: list[Source]


class ChecklistReply(BaseModel):
    """The checklist as one copyable message, its sources and the structured steps."""

    kind: Literal["form"] = "form"
    text: str
    sources: list[Source]
    steps: list[ChecklistStepOut]


class LeaveParseRequest(BaseModel):
    """One answer inside the leave calculator; `event` (if known) decides whether a bare date is past or future."""

    text: str = Field(max_length=1000)
    slot: str | None = None
    event: LeaveEvent | None = None
    intent: str | None = None
    today: dt.date | None = None
    emergency: bool = False
    # the message that opened the calculator: a stated date is enough to answer at once (see parse_answers)
    opening: bool = False


class LeaveParsed(BaseModel):
    """Facts recognised in the text; None means not said. `date_error` is a question to ask back."""

    event: LeaveEvent | None = None
    date: dt.date | None = None
    date_error: str | None = None
    delivery: Delivery | None = None
    babies: int | None = None
    months: float | None = None
    step_aside: bool = False
    note: str | None = None
    # fields filled with the common case because the opening message did not say (delivery, babies)
    assumed: list[str] = Field(default_factory=list)


class LeaveRequest(BaseModel):
    """The completed leave calculator form."""

    event: LeaveEvent
    date: dt.date | None = None
    delivery: Delivery = "normal"
    babies: int = Field(default=1, ge=1, le=9)
    months: float | None = Field(default=None, ge=0, le=10)


class LeaveReply(BaseModel):
    kind: Literal["form"] = "form"
    text: str
    sources: list[Source]
    mother_days: int
    father_days: int | None
    last_day: dt.date | None = None
    father_last_day: dt.date | None = None
    rules_applied: list[str]
    # the knowledge-base entry a follow-up question (「那男方呢」) is read against
    topic: str = "maternity-leave-total"


class ClarifyRequest(AnswerRequest):
    """The NLU result of an unclear message plus how many replies in a row already missed."""

    misunderstood_before: int = Field(default=0, ge=0)


class ClarifyReply(BaseModel):
    """clarify: ask with buttons; handoff: offer a person; pass: let the knowledge base answer."""

    kind: Literal["clarify", "handoff", "pass"]
    text: str = ""
    buttons: list[Button] = []
    handoff_after: int


class HandoffRequest(BaseModel):
    sender_id: str = Field(min_length=1, max_length=128)
    reason: Literal["asked", "misunderstood"] = "asked"


class HandoffReply(BaseModel):
    kind: Literal["handoff"] = "handoff"
    text: str
    buttons: list[Button]
    hotline: str


class HandoffReadRequest(BaseModel):
    """A message typed right after the hand-off offer, with its NLU intent."""

    text: str = Field(default="", max_length=6000)
    intent: str | None = None


class HandoffRead(BaseModel):
    """`leave`: the family chose to leave a message; `message`: it is already in this one (file it)."""

    leave: bool
    message: str | None = None


class ReleaseReply(BaseModel):
    sender_id: str
    released: bool


FormName = Literal["complaint", "leave", "operator"]


class CorrectRequest(BaseModel):
    """「改一下」 inside a form: the message and the fields already answered."""

    form: FormName
    text: str = Field(default="", max_length=1000)
    filled: list[str] = []


class CorrectReply(BaseModel):
    """`field`: clear it and ask again (text says so), or set it to `value` when the message gives the new one
    (「机构名字写错了，是小蜜蜂」); otherwise text asks which, with buttons."""

    field: str | None = None
    value: str | None = None
    text: str
    buttons: list[Button] = []


ComplaintSlot = Literal[
    "complaint_text",
    "complaint_institution",
    "complaint_place",
    "complaint_when",
    "complaint_phone",
    "complaint_confirm",
]


class ComplaintReadRequest(BaseModel):
    """One answer of the complaint form: the NLU result, the field asked (None: the opening message), the
    fields filled so far and whether the gateway already gave emergency advice for it."""

    text: str = Field(default="", max_length=6000)
    intent: str | None = None
    confidence: float = 0.0
    entities: list[EntityIn] = []
    slot: ComplaintSlot | None = None
    filled: dict[str, str | None] = {}
    emergency: bool = False


class ComplaintRead(BaseModel):
    """What the answer is. `values`: slots to set (None clears); `say`: lines before the next question;
    `step_aside`: let the rules answer (side question, 改一下, 算了); `answer`: a side question answered here."""

    kind: Literal["value", "opener", "side", "correct", "cancel", "emergency"]
    values: dict[str, Any] = {}
    say: list[str] = []
    step_aside: bool = False
    urgent: bool = False
    answer: AnswerRead | None = None


class FiledFields(BaseModel):
    """The fields of the body the action will file, as the summary shows them."""

    text: str = Field(max_length=6000)
    institution: str | None = None
    place: str | None = None
    when: str | None = None
    phone: str | None = None
    urgent: bool = False


class ComplaintSummary(BaseModel):
    kind: Literal["form"] = "form"
    text: str
    buttons: list[Button]
