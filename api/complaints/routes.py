"""HTTP routes of the complaint store: public lookup; on the internal listener also filing and full read.

Filing and the full read take the service token and exist only on `internal_router` (served by
api.main.internal_app on 127.0.0.1); the public app mounts `router`, the lookup alone. The action server
files and looks up under /api/internal/complaints (`actions_router`, the same handlers).
"""

from __future__ import annotations

import hmac
import math
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from sqlalchemy.orm import Session

from api.complaints import service
from api.complaints.errors import ComplaintNotFound, IdempotencyConflict, LookupLocked
from api.complaints.models import Complaint
from api.complaints.redact import mask_phone
from api.complaints.schemas import (
    ComplaintCreate,
    ComplaintCreated,
    ComplaintRecord,
    LookupRequest,
    LookupResult,
)
from api.complaints.service import lookup_key
from api.complaints.timelimits import expected_reply
from api.config import get_settings
from api.db import get_session
from api.deps import SERVICE_ACTOR
from api.limits import get_limiter

router = APIRouter(prefix="/api/complaints", tags=["complaints"])
internal_router = APIRouter(prefix="/api/complaints", tags=["complaints (internal)"])

SessionDep = Annotated[Session, Depends(get_session)]
NOT_FOUND = "未找到该工单，或验证码不正确"


def require_service_token(authorization: Annotated[str | None, Header()] = None) -> str:
    """401 without a bearer token, 403 with a wrong one; the actor for events comes from it."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected = get_settings().service_token
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid service token")
    return SERVICE_ACTOR


ServiceDep = Annotated[str, Depends(require_service_token)]


def _created_body(complaint: Complaint, pin: str | None) -> ComplaintCreated:
    """Response body for a filed (or replayed) complaint."""
    promise, due = expected_reply(urgency=complaint.urgency, filed_at=complaint.created_at)
    return ComplaintCreated(
        ticket=complaint.ticket,
        pin=pin,
        state=complaint.state,
        kind=complaint.kind,  # type: ignore[arg-type]
        lead_department=complaint.lead_department,
        urgency=complaint.urgency,
        created_at=complaint.created_at,
        expected_reply=promise,
        reply_due=due,
    )


@internal_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ComplaintCreated,
    responses={200: {"description": "replay of an earlier request with the same Idempotency-Key"}},
)
def create_complaint(
    payload: ComplaintCreate,
    response: Response,
    session: SessionDep,
    actor: ServiceDep,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
    ] = None,
) -> ComplaintCreated:
    """File a complaint/hand-off; committed before the response is sent."""
    try:
        filed = service.file_complaint(
            session=session, payload=payload, idempotency_key=idempotency_key, actor=actor
        )
    except IdempotencyConflict as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "Idempotency-Key reused with a different request body"
        ) from exc
    if not filed.created:
        response.status_code = status.HTTP_200_OK
    return _created_body(filed.complaint, filed.pin)


def _is_service(authorization: str | None) -> bool:
    """True if the request carries the service token (the action server relaying a chat)."""
    scheme, _, token = (authorization or "").partition(" ")
    expected = get_settings().service_token.encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected)


def _caller(request: Request, authorization: str | None, end_user: str | None) -> str:
    """Who is looking: the chat user the action server names, else the peer address."""
    if end_user and _is_service(authorization):
        return f"chat:{end_user}"
    return f"ip:{request.client.host if request.client else '-'}"


def _too_many(detail: str, retry_after: int) -> HTTPException:
    """429 with the wait in Retry-After."""
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS, detail, headers={"Retry-After": str(retry_after)}
    )


def _rate_limit(caller: str, ticket: str) -> None:
    """Per-caller and per-ticket request rates (api/limits.py); raises 429."""
    settings = get_settings()
    limiter = get_limiter()
    refusal = limiter.hit(scope="lookup-caller", rules=settings.lookup_rate_address, key=caller)
    key = lookup_key(ticket)
    if refusal is None and key is not None:
        refusal = limiter.hit(scope="lookup-ticket", rules=settings.lookup_rate_ticket, key=key)
    if refusal is not None:
        raise _too_many(
            f"查询太频繁，请 {_wait(refusal.retry_after)}后再试，或拨打 {settings.hotline_name}（{settings.hotline}）查询。",
            refusal.retry_after,
        )


def _wait(seconds: int) -> str:
    """「3 分钟」-style wait for people."""
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)} 分钟"
    return f"{math.ceil(seconds / 3600)} 小时"


@router.post(
    "/lookup",
    response_model=LookupResult,
    responses={
        404: {"description": "未找到该工单，或验证码不正确（两者不区分）"},
        429: {"description": "查询太频繁，或该工单验证错误次数过多已被锁定"},
    },
)
def lookup_complaint(
    body: LookupRequest,
    request: Request,
    session: SessionDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_end_user: Annotated[str | None, Header(max_length=128, include_in_schema=False)] = None,
) -> LookupResult:
    """Public status lookup; unknown ticket and wrong verifier both give the same 404.

    Rate-limited per caller and per ticket; a ticket locks after LOOKUP_MAX_FAILURES wrong verifiers.
    """
    settings = get_settings()
    _rate_limit(_caller(request, authorization, x_end_user), body.ticket)
    lock = timedelta(minutes=settings.lookup_lock_minutes)
    try:
        complaint = service.lookup(
            session=session,
            ticket=body.ticket,
            verifier=body.verifier,
            max_failures=settings.lookup_max_failures,
            lock=lock,
        )
    except ComplaintNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from exc
    except LookupLocked as exc:
        wait = int(lock.total_seconds())
        raise _too_many(
            f"该工单验证错误次数过多，已暂时锁定，请 {_wait(wait)}后再试；"
            f"如需帮助请拨打 {settings.hotline_name}（{settings.hotline}）。",
            wait,
        ) from exc
    result, result_at = service.public_result(complaint)
    return LookupResult(
        ticket=complaint.ticket,
        state=complaint.state,
        created_at=complaint.created_at,
        updated_at=complaint.updated_at,
        result=result,
        result_at=result_at,
    )


@internal_router.get("/{ticket}", response_model=ComplaintRecord)
def read_complaint(
    ticket: str,
    session: SessionDep,
    actor: ServiceDep,
    reveal: Annotated[bool, Query(description="show the phone in clear (audited)")] = False,
) -> ComplaintRecord:
    """Full record for internal tools; phone masked unless ?reveal=1, audited under the credential."""
    try:
        if reveal:
            complaint = service.reveal_phone(session=session, ticket=ticket, actor=actor)
        else:
            complaint = service.get_complaint(session=session, ticket=ticket)
    except ComplaintNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from exc
    record = ComplaintRecord.model_validate(complaint)
    if not reveal:
        record.phone = mask_phone(record.phone)
    return record


# the chat's status lookup (action server) is the same handler on the internal listener
internal_router.add_api_route(
    "/lookup",
    lookup_complaint,
    methods=["POST"],
    response_model=LookupResult,
    responses={404: {"description": NOT_FOUND}},
)


# the action server's contract: every call it makes is under /api/internal (same handlers as above)
actions_router = APIRouter(prefix="/api/internal/complaints", tags=["complaints (actions)"])
actions_router.add_api_route(
    "",
    create_complaint,
    methods=["POST"],
    status_code=status.HTTP_201_CREATED,
    response_model=ComplaintCreated,
)
actions_router.add_api_route(
    "/lookup",
    lookup_complaint,
    methods=["POST"],
    response_model=LookupResult,
    responses={404: {"description": NOT_FOUND}},
)
