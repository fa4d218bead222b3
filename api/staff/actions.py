"""Carry out workflow actions and phone intake: state move, milestones, triage-override record."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlalchemy.orm import Session

from api.auth.service import audit, department_names
from api.complaints.models import Complaint
from api.complaints.schemas import ComplaintCreate
from api.complaints.service import FiledComplaint, add_event, file_complaint
from api.complaints.triage_link import run_triage
from api.db import utcnow
from api.staff import workflow
from api.staff.models import CaseTracking
from api.staff.schemas import ActionRequest, PhoneCaseCreate
from api.staff.service import Viewer, is_lead, tracking_of
from knowledge.triage import category_for, category_names

log = logging.getLogger(__name__)


def suggested_departments(complaint: Complaint) -> list[str]:
    """Department names triage suggested, lead first."""
    raw = (complaint.triage or {}).get("departments") or []
    names = [d if isinstance(d, str) else (d or {}).get("name") for d in raw]
    return [str(n) for n in names if n]


def _chosen(complaint: Complaint, body: ActionRequest) -> list[str]:
    """Departments to dispatch to: the officer's choice, else the suggestion; canonical, no repeats."""
    chosen = list(dict.fromkeys(d.strip() for d in (body.departments or []) if d.strip()))
    if not chosen:
        chosen = suggested_departments(complaint) or list(complaint.departments or [])
    if not chosen:
        raise workflow.MissingField("「派单」需要填写：部门")
    unknown = [d for d in chosen if d not in department_names()]
    if unknown:
        raise workflow.MissingField(f"不是规范的部门名称：{'、'.join(unknown)}")
    return chosen


def _reopen_score(complaint: Complaint, tracking: CaseTracking, body: ActionRequest) -> int | None:
    """The family's score of this round for 重办: given now, else the recorded 回访 (已回访 only)."""
    if body.satisfaction is not None:
        return body.satisfaction
    return tracking.satisfaction if complaint.state == "已回访" else None


def _category_after(complaint: Complaint, chosen: list[str], given: str | None) -> str | None:
    """The case's category once staff chose these departments: theirs, else one the new lead leads."""
    if given is not None:
        if given not in category_names():
            raise workflow.MissingField(f"不是规范的问题类别：{given}")
        return given
    if chosen[0] == complaint.lead_department and complaint.category:
        return complaint.category
    return category_for(text=complaint.text, lead=chosen[0]) or complaint.category


def _dispatch(
    complaint: Complaint, viewer: Viewer, body: ActionRequest, now: datetime
) -> tuple[str, dict[str, object]]:
    """派单/改派: record the departments, the category that follows them and any triage override."""
    chosen = _chosen(complaint, body)
    suggested = suggested_departments(complaint)
    machine_category = (complaint.triage or {}).get("category")
    category = _category_after(complaint, chosen, body.category)
    changed = (suggested and chosen != suggested) or (
        machine_category is not None and category != machine_category
    )
    if body.action == "assign" and changed:
        change: dict[str, object] = {"suggested": suggested, "chosen": chosen}
        if category != machine_category:
            change["category"] = {"suggested": machine_category, "chosen": category}
        add_event(
            complaint,
            actor=viewer.actor,
            action="triage_override",
            at=now,
            note=json.dumps(change, ensure_ascii=False),
        )
    before = list(complaint.departments or [])
    if body.action == "reassign" and chosen == before and category == complaint.category:
        raise workflow.MissingField("「改派」需要选择与现在不同的部门")
    complaint.departments = chosen
    complaint.lead_department = chosen[0][:64]
    before_category = complaint.category
    complaint.category = category[:64] if category else None
    prefix = "改派至：" if body.action == "reassign" else "派至："
    data: dict[str, object] = {"departments": chosen}
    if category != before_category:
        data["category"] = category
        data["from_category"] = before_category
    if body.action == "reassign":
        data["from_departments"] = before
    return prefix + "、".join(chosen), data


def apply_action(
    session: Session,
    *,
    complaint: Complaint,
    viewer: Viewer,
    body: ActionRequest,
    now: datetime | None = None,
) -> None:
    """Check the transition table, apply the action with its event(s), and commit."""
    now = now or utcnow()
    tracking = tracking_of(session, complaint)
    transition = workflow.check(
        action=body.action,
        state=complaint.state,
        role=viewer.role,
        is_lead=is_lead(viewer, complaint),
        given=body.given(),
        satisfaction=_reopen_score(complaint, tracking, body) if body.action == "reopen" else None,
    )
    note = body.note
    data: dict[str, object] | None = None
    action = body.action
    if action in ("assign", "reassign"):
        prefix, data = _dispatch(complaint, viewer, body, now)
        tracking.assigned_at = now
        note = prefix + (f"；{note}" if note else "")
    elif action == "recall":
        tracking.assigned_at = None
    elif action == "accept":
        tracking.accepted_at = tracking.accepted_at or now
    elif action == "resolve":
        tracking.resolved_at = now
        complaint.result_text = body.result
        complaint.result_at = now
        note = f"办理结果：{body.result}" + (f"；{note}" if note else "")
    elif action == "return":
        tracking.return_reason = note
    elif action == "request_extension":
        tracking.pending_extension_days = body.extension_days
        tracking.extension_reason = note
        note = f"申请延期 {body.extension_days} 个工作日：{note}"
    elif action == "approve_extension":
        days = tracking.pending_extension_days or 0
        tracking.extension_days = (tracking.extension_days or 0) + days
        tracking.pending_extension_days = None
        data = {"extension_days": days}
        note = f"批准延期 {days} 个工作日" + (f"；{note}" if note else "")
    elif action == "reject_extension":
        tracking.pending_extension_days = None
    elif action == "follow_up":
        tracking.satisfaction = body.satisfaction
        tracking.closed_at = now
        data = {"satisfaction": body.satisfaction}
        note = f"满意度 {body.satisfaction}/5" + (f"；{note}" if note else "")
    elif action == "reopen":
        score = _reopen_score(complaint, tracking, body)
        if body.satisfaction is not None:
            data = {"satisfaction": body.satisfaction}
        tracking.reopen_count = (tracking.reopen_count or 0) + 1
        tracking.reopened_at = now
        tracking.reopen_reason = note
        tracking.resolved_at = tracking.closed_at = tracking.satisfaction = None
        tracking.extension_days = 0  # the new round has its own time limit from now
        tracking.urge_count = 0  # and its own 催办 (statistics count every 催办 event)
        note = f"家属不满意（{score}/5），重办：{note}"
    elif action == "urge":
        tracking.urge_count = (tracking.urge_count or 0) + 1
        tracking.last_urged_at = now
        note = f"第 {tracking.urge_count} 次催办" + (f"：{note}" if note else "")
    moved = f"{complaint.state}→{transition.to}" if transition.to else complaint.state
    add_event(
        complaint,
        actor=viewer.actor,
        action=action,
        note=note,
        to_state=transition.to,
        at=now,
        data=data,
    )
    # the account audit log records who did which step (states only: notes may hold personal data)
    audit(session, actor=viewer.actor, action=f"case_{action}", target=complaint.ticket, note=moved)
    complaint.updated_at = now
    session.commit()


def file_phone_case(session: Session, *, viewer: Viewer, body: PhoneCaseCreate) -> FiledComplaint:
    """Store a case from a phone call with triage attached; blanks filled from triage facts."""
    triage = run_triage(text=body.text)
    facts = (triage or {}).get("facts") or {}
    payload = ComplaintCreate(
        text=body.text,
        phone=body.phone,
        institution=body.institution or facts.get("institution"),
        place=body.place or facts.get("place"),
        when=body.when or facts.get("when"),
        channel="phone",
        kind="complaint",
    )
    return file_complaint(session=session, payload=payload, actor=viewer.actor, triage=triage)
