"""Staff reads of cases: who may see what, the queue with time limits and repeats, the case detail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.complaints.models import Complaint, ComplaintEvent
from api.complaints.redact import mask_phone, mask_pii, strip_pii
from api.complaints.tickets import normalise_ticket
from api.config import get_settings
from api.db import utcnow
from api.staff import sla, workflow
from api.staff.models import CaseTracking
from api.staff.repeats import CaseKey, repeat_groups
from api.staff.schemas import (
    AllowedAction,
    CaseDetail,
    CaseItem,
    CaseList,
    Contact,
    EventOut,
    RepeatOut,
)

FULL_CONTACT_ROLES = frozenset({"hotline", "admin"})
# a department sees a case only once it has been dispatched to it (and not while returned)
HIDDEN_FROM_DEPARTMENTS = frozenset({"待派单", "退回"})
EXCERPT = 80


class CaseNotFound(Exception):
    """No such case, or not one this account may see (deliberately the same)."""


@dataclass(frozen=True)
class Viewer:
    """The staff account looking at cases."""

    actor: str
    role: str
    department: str | None

    @property
    def full_contact(self) -> bool:
        """Hotline and admin see reporters' numbers in clear."""
        return self.role in FULL_CONTACT_ROLES


@dataclass(frozen=True)
class Filters:
    """Queue filters shared by list, overdue and export."""

    state: str | None = None
    department: str | None = None
    urgency: str | None = None
    kind: str | None = None
    overdue: bool = False
    q: str | None = None
    reason: str | None = None  # 退回 / 延期 / 重办: the case's current reason
    urged: bool = False  # only cases with a 催办 still open


@dataclass
class Row:
    """A case with its computed deadline, colour and visible repeats."""

    complaint: Complaint
    deadline: sla.Deadline | None
    sla: sla.Colour
    repeats: list[Complaint] = field(default_factory=list)
    tracking: CaseTracking | None = None


OPEN_AFTER_RESOLVE = frozenset({"已办结", "已回访"})


def current_reason(state: str, tracking: CaseTracking | None) -> tuple[str, str] | None:
    """(kind, reason) the case card shows now: why it came back, waits for an extension, or was reopened."""
    if tracking is None:
        return None
    if state == "退回" and tracking.return_reason:
        return "退回", tracking.return_reason
    if state == "延期" and tracking.extension_reason:
        return "延期", tracking.extension_reason
    if tracking.reopened_at and state not in OPEN_AFTER_RESOLVE and tracking.reopen_reason:
        return "重办", tracking.reopen_reason
    return None


def urges_open(row: Row) -> int:
    """催办 count shown on the card (0 once the case is resolved)."""
    t = row.tracking
    if t is None or row.complaint.state in OPEN_AFTER_RESOLVE:
        return 0
    return t.urge_count or 0


def can_see(viewer: Viewer, complaint: Complaint) -> bool:
    """Department officers see only cases dispatched to their department."""
    if viewer.role != "department":
        return True
    return (
        complaint.state not in HIDDEN_FROM_DEPARTMENTS
        and viewer.department is not None
        and viewer.department in (complaint.departments or [])
    )


def is_lead(viewer: Viewer, complaint: Complaint) -> bool:
    """True if the officer belongs to the case's lead department."""
    return viewer.role == "department" and complaint.lead_department == viewer.department


@lru_cache(maxsize=8192)
def masked(text: str) -> str:
    """A text with its personal data masked (cached: the queue search masks every visible case)."""
    return mask_pii(text)


@lru_cache(maxsize=8192)
def _searchable(text: str) -> str:
    """A text without its personal data at all (not even the digits a mask leaves visible)."""
    return strip_pii(text)


def shown_text(viewer: Viewer, text: str) -> str:
    """A free text as this viewer may read it: in clear for hotline/admin, masked otherwise."""
    return text if viewer.full_contact else masked(text)


def excerpt(text: str) -> str:
    """First characters of a text with phone/ID numbers masked."""
    flat = " ".join(masked(text).split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT] + "…"


def tracking_of(session: Session, complaint: Complaint) -> CaseTracking:
    """The case's tracking row, created (unflushed) on first use."""
    row = session.get(CaseTracking, complaint.id)
    if row is None:
        row = CaseTracking(complaint_id=complaint.id, extension_days=0)
        session.add(row)
    return row


def find_case(
    session: Session, *, ticket: str, viewer: Viewer, for_update: bool = False
) -> Complaint:
    """The case by (loosely typed) ticket if this viewer may see it; else CaseNotFound."""
    normalised = normalise_ticket(ticket)
    if normalised is None:
        raise CaseNotFound(ticket)
    stmt = (
        select(Complaint)
        .where(Complaint.ticket == normalised)
        .options(selectinload(Complaint.events))
    )
    if for_update:
        stmt = stmt.with_for_update()
    complaint = session.scalars(stmt).one_or_none()
    if complaint is None or not can_see(viewer, complaint):
        raise CaseNotFound(ticket)
    return complaint


def _matches(c: Complaint, f: Filters, viewer: Viewer) -> bool:
    """Filters that are plain field comparisons.

    Without the reveal right `q` never touches personal data: a masked phone's digits (hidden or
    shown) cannot be confirmed one search at a time.
    """
    if f.state and c.state != f.state:
        return False
    if f.department and f.department not in (c.departments or []):
        return False
    if f.urgency and c.urgency != f.urgency:
        return False
    if f.kind and c.kind != f.kind:
        return False
    if f.q:
        needle = f.q.strip().lower()
        text = c.text if viewer.full_contact else _searchable(c.text)
        fields = (text, c.institution, c.place, c.ticket)
        hay = " ".join(x or "" for x in fields).lower()
        ticket = normalise_ticket(f.q)
        if needle not in hay and not (ticket and ticket == c.ticket):
            return False
    return True


def _all_cases(
    session: Session,
) -> tuple[list[Complaint], dict[int, CaseTracking], dict[int, list[int]]]:
    """Every case (newest first), its tracking row and its repeat group: what deadlines and links need."""
    everything = list(session.scalars(select(Complaint).order_by(Complaint.created_at.desc())))
    tracking = {t.complaint_id: t for t in session.scalars(select(CaseTracking))}
    groups = repeat_groups(
        [CaseKey(c.id, c.institution, c.place, c.category, c.created_at) for c in everything],
        window_days=get_settings().repeat_window_days,
    )
    return everything, tracking, groups


def _row(
    c: Complaint, tracking: CaseTracking | None, repeats: list[Complaint], *, now: datetime
) -> Row:
    """One case's deadline (a reopened case's from its 重办), SLA colour and linked repeats."""
    reopened = tracking.reopened_at if tracking else None
    dl = sla.deadline(
        state=c.state,
        urgency=c.urgency,
        created_at=reopened or c.created_at,
        extension_days=tracking.extension_days if tracking else 0,
    )
    colour = sla.colour(dl, now=now, yellow_ratio=get_settings().sla_yellow_ratio)
    return Row(c, dl, colour, repeats, tracking)


def _matches_tracking(row: Row, f: Filters) -> bool:
    """Filters on the current reason and open 催办."""
    if f.reason:
        reason = current_reason(row.complaint.state, row.tracking)
        if reason is None or reason[0] != f.reason:
            return False
    return not (f.urged and urges_open(row) == 0)


def load_rows(session: Session, *, viewer: Viewer, filters: Filters, now: datetime) -> list[Row]:
    """Every case this viewer may see that matches the filters, newest first."""
    everything, tracking, groups = _all_cases(session)
    visible = {c.id: c for c in everything if can_see(viewer, c)}
    rows = []
    for c in visible.values():
        if not _matches(c, filters, viewer):
            continue
        repeats = [visible[i] for i in groups.get(c.id, []) if i in visible]
        row = _row(c, tracking.get(c.id), repeats, now=now)
        if filters.overdue and row.sla != "red":
            continue
        if not _matches_tracking(row, filters):
            continue
        rows.append(row)
    return rows


def to_item(row: Row) -> CaseItem:
    """Queue row for the API."""
    c = row.complaint
    return CaseItem(
        ticket=c.ticket,
        kind=c.kind,
        state=c.state,
        urgency=c.urgency,
        category=c.category,
        lead_department=c.lead_department,
        departments=list(c.departments or []),
        institution=c.institution,
        place=c.place,
        excerpt=excerpt(c.text),
        created_at=c.created_at,
        due_at=row.deadline.due_at if row.deadline else None,
        due_provisional=bool(row.deadline and row.deadline.provisional),
        sla=row.sla,
        repeat_count=len(row.repeats),
        **_card(row, masked=True),
    )


def _card(row: Row, *, masked: bool) -> dict[str, Any]:
    """Reason, 催办 and 重办 counts for the case card and queue row."""
    reason = current_reason(row.complaint.state, row.tracking)
    text = reason[1] if reason else None
    return {
        "reason_kind": reason[0] if reason else None,
        "reason": mask_pii(text) if text and masked else text,
        "urge_count": urges_open(row),
        "reopen_count": (row.tracking.reopen_count or 0) if row.tracking else 0,
    }


def list_cases(
    session: Session,
    *,
    viewer: Viewer,
    filters: Filters,
    page: int,
    page_size: int,
    now: datetime | None = None,
) -> CaseList:
    """One page of the queue."""
    rows = load_rows(session, viewer=viewer, filters=filters, now=now or utcnow())
    start = (page - 1) * page_size
    return CaseList(
        items=[to_item(r) for r in rows[start : start + page_size]],
        total=len(rows),
        page=page,
        page_size=page_size,
    )


def _conversation(c: Complaint, viewer: Viewer) -> list[dict[str, Any]] | None:
    """Stored transcript; texts masked for department officers."""
    if c.conversation is None or viewer.full_contact:
        return c.conversation
    return [
        {**turn, "text": masked(str(turn["text"]))}
        if isinstance(turn, dict) and "text" in turn
        else turn
        for turn in c.conversation
    ]


def _event(event: ComplaintEvent, viewer: Viewer) -> EventOut:
    """A history row; notes staff typed are masked for viewers without the reveal right."""
    out = EventOut.model_validate(event)
    if out.note and not viewer.full_contact:
        out.note = masked(out.note)
    return out


def case_detail(
    session: Session, *, complaint: Complaint, viewer: Viewer, now: datetime | None = None
) -> CaseDetail:
    """The case page; the number is always masked here, the audited reveal is POST …/contact."""
    now = now or utcnow()
    c = complaint
    contact = Contact(phone=mask_phone(c.phone), masked=bool(c.phone))
    everything, trackings, groups = _all_cases(session)
    by_id = {x.id: x for x in everything}
    repeats = [by_id[i] for i in groups.get(c.id, []) if i in by_id and can_see(viewer, by_id[i])]
    tracking = trackings.get(c.id)
    row = _row(c, tracking, repeats, now=now)
    actions = workflow.allowed(
        state=c.state,
        role=viewer.role,
        is_lead=is_lead(viewer, c),
        satisfaction=tracking.satisfaction if tracking else None,
    )
    return CaseDetail(
        ticket=c.ticket,
        kind=c.kind,
        state=c.state,
        urgency=c.urgency,
        category=c.category,
        text=shown_text(viewer, c.text),
        institution=c.institution,
        place=c.place,
        when=c.when_text,
        channel=c.channel,
        created_at=c.created_at,
        updated_at=c.updated_at,
        due_at=row.deadline.due_at if row.deadline else None,
        due_provisional=bool(row.deadline and row.deadline.provisional),
        sla=row.sla,
        triage=c.triage,
        departments=list(c.departments or []),
        lead_department=c.lead_department,
        contact=contact,
        events=[_event(e, viewer) for e in c.events],
        allowed_actions=[AllowedAction(action=a, label=label) for a, label in actions],
        repeats=[
            RepeatOut(
                ticket=r.ticket, state=r.state, created_at=r.created_at, excerpt=excerpt(r.text)
            )
            for r in row.repeats
        ],
        satisfaction=tracking.satisfaction if tracking else None,
        conversation=_conversation(c, viewer),
        result=c.result_text,
        result_at=c.result_at,
        **_card(row, masked=not viewer.full_contact),
    )
