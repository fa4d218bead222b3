"""Internal endpoints of the guided conversations (service token): forms, checklist, leave, clarify, hand-off."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceAuth, SettingsDep
from api.guides import clarify, complaint, correct, handoff, leave, operator
from api.guides.schemas import (
    ChecklistReply,
    ClarifyReply,
    ClarifyRequest,
    ComplaintRead,
    ComplaintReadRequest,
    ComplaintSummary,
    CorrectReply,
    CorrectRequest,
    FiledFields,
    HandoffRead,
    HandoffReadRequest,
    HandoffReply,
    HandoffRequest,
    LeaveParsed,
    LeaveParseRequest,
    LeaveReply,
    LeaveRequest,
    OperatorAnswersIn,
    OperatorParsed,
    OperatorParseRequest,
    ReleaseReply,
)

router = APIRouter(prefix="/api/internal", tags=["guides"], dependencies=[ServiceAuth])


@router.post("/operator/parse", response_model=OperatorParsed)
def operator_parse(body: OperatorParseRequest, settings: SettingsDep) -> OperatorParsed:
    """Operator-form answers recognised in one message."""
    return operator.parse(
        text=body.text,
        only=body.only,
        intent=body.intent,
        emergency=body.emergency,
        filled=body.filled,
        settings=settings,
    )


@router.post("/operator-checklist", response_model=ChecklistReply)
def operator_checklist(body: OperatorAnswersIn) -> ChecklistReply:
    """The ordered, cited checklist for a completed operator form."""
    return operator.checklist(body)


@router.post("/leave/parse", response_model=LeaveParsed)
def leave_parse(body: LeaveParseRequest) -> LeaveParsed:
    """Leave-calculator facts recognised in one message (dates as people write them)."""
    return leave.parse_answers(body)


@router.post("/leave", response_model=LeaveReply)
def leave_calculate(body: LeaveRequest) -> LeaveReply:
    """Days, last days and rules applied for a completed leave calculator form."""
    return leave.calculate(body)


@router.post("/complaint/read", response_model=ComplaintRead)
def complaint_read(body: ComplaintReadRequest, settings: SettingsDep) -> ComplaintRead:
    """What one answer of the complaint form is, and which field it fills, before anything is stored."""
    return complaint.read(request=body, settings=settings)


@router.post("/complaint/summary", response_model=ComplaintSummary)
def complaint_summary(body: FiledFields) -> ComplaintSummary:
    """The summary to confirm, built from exactly the body that will be filed."""
    return complaint.summary(body=body)


@router.post("/form/correct", response_model=CorrectReply)
def form_correct(body: CorrectRequest) -> CorrectReply:
    """「改一下」 inside a form: the field named (to clear and ask again), or which one to change."""
    return correct.correct(request=body)


@router.post("/clarify", response_model=ClarifyReply)
def clarify_intent(body: ClarifyRequest, settings: SettingsDep) -> ClarifyReply:
    """Ask which of two or three close policy intents was meant, or hand off after repeated misses."""
    return clarify.decide(body, settings=settings)


@router.post("/handoff", response_model=HandoffReply)
def handoff_offer(body: HandoffRequest, settings: SettingsDep) -> HandoffReply:
    """The hand-off offer: hotline from settings and an invitation to leave a message."""
    return handoff.offer(settings=settings, reason=body.reason)


@router.post("/handoff/read", response_model=HandoffRead)
def handoff_read(body: HandoffReadRequest) -> HandoffRead:
    """Whether a message after the offer chooses to leave a 留言, and whether it already is one."""
    return handoff.read_message(text=body.text, intent=body.intent)


@router.post("/handoff/{sender_id}/release", response_model=ReleaseReply)
async def handoff_release(sender_id: str, settings: SettingsDep) -> ReleaseReply:
    """Staff hand a paused conversation back to the bot."""
    await handoff.release(settings=settings, sender_id=sender_id)
    return ReleaseReply(sender_id=sender_id, released=True)
