"""Carry out workflow actions and phone intake: state move, milestones, triage-override record."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from api.auth.service import department_names
from api.complaints.models import Complaint
from api.complaints.schemas import ComplaintCreate
from api.complaints.service import FiledComplaint, add_event, file_complaint
from api.complaints.triage_link import run_triage
from api.db import utcnow
from api.staff import workflow
from api.staff.schemas import ActionRequest, PhoneCaseCreate
from api.staff.service import Viewer, is_lead, tracking_of


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
    transition = workflow.check(
        action=body.action,
        state=complaint.state,
        role=viewer.role,
        is_lead=is_lead(viewer, complaint),
        given=body.given(),
    )
    tracking = tracking_of(session, complaint)
    note = body.note
    if body.action == "assign":
        chosen = _chosen(complaint, body)
        suggested = suggested_departments(complaint)
        if suggested and chosen != suggested:
            add_event(
                complaint,
                actor=viewer.actor,
                action="triage_override",
                at=now,
                note=json.dumps({"suggested": suggested, "chosen": chosen}, ensure_ascii=False),
            )
        complaint.departments = chosen
        complaint.lead_department = chosen[0][:64]
        tracking.assigned_at = now
        note = "派至：" + "、".join(chosen) + (f"；{note}" if note else "")
    elif body.action == "accept":
        tracking.accepted_at = tracking.accepted_at or now
    elif body.action == "resolve":
        tracking.resolved_at = now
    elif body.action == "request_extension":
        tracking.pending_extension_days = body.extension_days
        note = f"申请延期 {body.extension_days} 个工作日：{note}"
    elif body.action == "approve_extension":
        days = tracking.pending_extension_days or 0
        tracking.extension_days = (tracking.extension_days or 0) + days
        tracking.pending_extension_days = None
        note = f"批准延期 {days} 个工作日" + (f"；{note}" if note else "")
    elif body.action == "reject_extension":
        tracking.pending_extension_days = None
    elif body.action == "follow_up":
        tracking.satisfaction = body.satisfaction
        tracking.closed_at = now
        note = f"满意度 {body.satisfaction}/5" + (f"；{note}" if note else "")
    add_event(
        complaint, actor=viewer.actor, action=body.action, note=note, to_state=transition.to, at=now
    )
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
        triage=triage,
    )
    return file_complaint(session=session, payload=payload, actor=viewer.actor)
