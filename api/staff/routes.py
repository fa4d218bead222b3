"""HTTP routes of the staff console backend (contract: docs/console-api.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy.orm import Session

from api.auth.deps import Principal, PrincipalDep, SessionDep, require_roles
from api.auth.service import department_names
from api.complaints.models import Complaint
from api.complaints.service import add_event
from api.staff import actions, export, service, workflow
from api.staff.schemas import (
    ActionRequest,
    CaseCreatedDetail,
    CaseDetail,
    CaseList,
    ContactOut,
    PhoneCaseCreate,
    Stats,
)
from api.staff.stats import compute_stats

router = APIRouter(prefix="/api/staff", tags=["staff"])

NOT_FOUND = "未找到该工单"
HotlineDep = Annotated[Principal, Depends(require_roles("hotline", "admin"))]


def viewer(principal: PrincipalDep) -> service.Viewer:
    """The logged-in staff account as a case viewer."""
    user = principal.user
    assert user is not None  # current_principal never yields the service principal
    return service.Viewer(actor=principal.actor, role=user.role, department=user.department)


ViewerDep = Annotated[service.Viewer, Depends(viewer)]


def filters(
    state: str | None = None,
    department: str | None = None,
    urgency: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    q: Annotated[str | None, Query(max_length=200)] = None,
    reason: Literal["退回", "延期", "重办", ""] | None = None,
    urged: bool = False,
) -> service.Filters:
    """Queue filters from the query string (empty values mean no filter)."""
    return service.Filters(
        state=state or None,
        department=department or None,
        urgency=urgency or None,
        kind=kind or None,
        overdue=overdue,
        q=q or None,
        reason=reason or None,
        urged=urged,
    )


FiltersDep = Annotated[service.Filters, Depends(filters)]
Page = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=200)]


def _find(
    session: Session, ticket: str, who: service.Viewer, *, for_update: bool = False
) -> Complaint:
    """The visible case or the same 404 for 'missing' and 'not yours'."""
    try:
        return service.find_case(session, ticket=ticket, viewer=who, for_update=for_update)
    except service.CaseNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from exc


@router.get("/cases", response_model=CaseList)
def list_cases(
    session: SessionDep, who: ViewerDep, f: FiltersDep, page: Page = 1, page_size: PageSize = 50
) -> CaseList:
    """The queue (department officers: only their department's dispatched cases)."""
    return service.list_cases(session, viewer=who, filters=f, page=page, page_size=page_size)


@router.get("/overdue", response_model=CaseList)
def overdue(
    session: SessionDep, who: ViewerDep, f: FiltersDep, page: Page = 1, page_size: PageSize = 50
) -> CaseList:
    """Overdue cases only (same shape as the queue)."""
    f = service.Filters(**{**f.__dict__, "overdue": True})
    return service.list_cases(session, viewer=who, filters=f, page=page, page_size=page_size)


@router.post("/cases", response_model=CaseCreatedDetail, status_code=status.HTTP_201_CREATED)
def create_case(
    body: PhoneCaseCreate, session: SessionDep, _p: HotlineDep, who: ViewerDep
) -> CaseCreatedDetail:
    """A new case from a phone call (channel phone) with the triage suggestion attached."""
    filed = actions.file_phone_case(session, viewer=who, body=body)
    complaint = _find(session, filed.complaint.ticket, who)
    detail = service.case_detail(session, complaint=complaint, viewer=who)
    return CaseCreatedDetail(**detail.model_dump(), pin=filed.pin)


@router.get("/cases/{ticket}", response_model=CaseDetail)
def read_case(ticket: str, session: SessionDep, who: ViewerDep) -> CaseDetail:
    """The case page (hotline/admin reads of the number are audited)."""
    return service.case_detail(session, complaint=_find(session, ticket, who), viewer=who)


@router.post("/cases/{ticket}/actions", response_model=CaseDetail)
def act(ticket: str, body: ActionRequest, session: SessionDep, who: ViewerDep) -> CaseDetail:
    """One workflow action; 409 for an illegal transition, 403 for a role that may not."""
    complaint = _find(session, ticket, who, for_update=True)
    try:
        actions.apply_action(session, complaint=complaint, viewer=who, body=body)
    except workflow.IllegalTransition as exc:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, exc.detail) from exc
    except workflow.RoleNotAllowed as exc:
        session.rollback()
        raise HTTPException(status.HTTP_403_FORBIDDEN, exc.detail) from exc
    except workflow.MissingField as exc:
        session.rollback()
        raise HTTPException(422, exc.detail) from exc
    return service.case_detail(session, complaint=complaint, viewer=who)


@router.post("/cases/{ticket}/contact", response_model=ContactOut)
def reveal_contact(ticket: str, session: SessionDep, _p: HotlineDep, who: ViewerDep) -> ContactOut:
    """The reporter's number in clear (hotline/admin; audited)."""
    complaint = _find(session, ticket, who)
    add_event(complaint, actor=who.actor, action="contact_revealed", note="查看来电号码")
    session.commit()
    return ContactOut(phone=complaint.phone)


@router.get("/stats", response_model=Stats)
def stats(
    session: SessionDep, who: ViewerDep, since: date | None = None, until: date | None = None
) -> Stats:
    """Counts and medians over the visible cases filed in [since, until]."""
    return compute_stats(session, viewer=who, since=since, until=until)


@router.get("/stats.csv")
def stats_csv(
    session: SessionDep, who: ViewerDep, since: date | None = None, until: date | None = None
) -> Response:
    """The statistics (totals, per department, per month) as CSV for spreadsheets."""
    body = export.stats_csv(compute_stats(session, viewer=who, since=since, until=until))
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="stats.csv"'},
    )


@router.get("/export.csv")
def export_csv(session: SessionDep, who: ViewerDep, f: FiltersDep) -> Response:
    """The filtered queue as CSV (contact column for hotline/admin only, audited)."""
    body = export.export_csv(session, viewer=who, filters=f)
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
    )


@router.get("/triage-overrides.jsonl")
def triage_overrides(session: SessionDep, _p: HotlineDep) -> Response:
    """Suggested-vs-chosen departments, as training data (text PII-masked)."""
    return Response(
        export.triage_overrides(session).encode("utf-8"),
        media_type="application/x-ndjson; charset=utf-8",
    )


@router.get("/triage-overrides.yml")
def triage_overrides_training(session: SessionDep, _p: HotlineDep) -> Response:
    """Corrected cases in the triage training-set format (text PII-masked), for `make train`."""
    return Response(
        export.overrides_training_set(session).encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
    )


@router.get("/departments", response_model=list[str])
def departments(_p: PrincipalDep) -> list[str]:
    """Canonical department names."""
    return department_names()
