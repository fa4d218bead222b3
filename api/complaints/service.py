"""Complaint-store operations: file (idempotent), look up publicly, read, reveal, change state."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from api import throttle
from api.complaints.errors import (
    ComplaintNotFound,
    IdempotencyConflict,
    InvalidStateChange,
    LookupLocked,
)
from api.complaints.models import INITIAL_STATE, STATES, Complaint, ComplaintEvent
from api.complaints.redact import mask_pii
from api.complaints.schemas import ComplaintCreate
from api.complaints.tickets import allocate_ticket, normalise_ticket
from api.complaints.triage_link import run_triage, summarise
from api.complaints.verifier import hash_pin, new_pin, verify
from api.db import utcnow

log = logging.getLogger(__name__)
MAX_TICKET_ATTEMPTS = 5


@dataclass(frozen=True)
class FiledComplaint:
    """Result of filing: the stored row, the one-time PIN (None on replay), whether it is new."""

    complaint: Complaint
    pin: str | None
    created: bool


def request_hash(payload: ComplaintCreate) -> str:
    """Stable digest of a request body, to tell a retry from a different request under one key."""
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _by_key(session: Session, key: str) -> Complaint | None:
    """The complaint filed under an idempotency key, if any."""
    return session.scalars(select(Complaint).where(Complaint.idempotency_key == key)).one_or_none()


def _replay(existing: Complaint, digest: str) -> FiledComplaint:
    """Same key and body → the original case; same key, other body → conflict."""
    if existing.request_hash != digest:
        raise IdempotencyConflict(existing.ticket)
    log.info("complaint replayed ticket=%s", existing.ticket)
    return FiledComplaint(complaint=existing, pin=None, created=False)


def add_event(
    complaint: Complaint,
    *,
    actor: str,
    action: str,
    note: str | None = None,
    to_state: str | None = None,
    at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    """Append a history row (and move the state if `to_state` is given); caller commits.

    A complaint built without a state (just being filed) gets from_state None.
    """
    if to_state is not None and to_state not in STATES:
        raise InvalidStateChange(to_state)
    event = ComplaintEvent(
        at=at or utcnow(),
        actor=actor,
        action=action,
        note=note,
        from_state=complaint.state,
        to_state=to_state,
        data=data,
    )
    complaint.events.append(event)
    if to_state is not None and to_state != complaint.state:
        complaint.state = to_state
    return event


def file_complaint(
    *,
    session: Session,
    payload: ComplaintCreate,
    idempotency_key: str | None = None,
    actor: str | None = None,
    now: datetime | None = None,
    triage: dict[str, Any] | None = None,
) -> FiledComplaint:
    """Store a complaint or hand-off and commit before returning, so an ack is never lost.

    The app triages the text itself; `triage` is only for in-process callers that already ran the
    app's triage on this text (phone intake fills blanks from its facts), never a client's result.

    A retry with the same `idempotency_key` returns the original case (created=False, no PIN);
    the same key with a different body raises IdempotencyConflict.
    """
    digest = request_hash(payload)
    if idempotency_key:
        existing = _by_key(session, idempotency_key)
        if existing is not None:
            return _replay(existing, digest)
    session.rollback()  # end the read transaction before slow work (triage, PIN hashing)

    if triage is None:
        triage = run_triage(text=payload.text)
    summary = summarise(triage)
    pin = new_pin()
    pin_hash = hash_pin(pin)
    filed_at = now or utcnow()

    for attempt in range(1, MAX_TICKET_ATTEMPTS + 1):
        complaint = Complaint(
            ticket=allocate_ticket(session, now=filed_at),
            kind=payload.kind,
            text=payload.text,
            institution=payload.institution,
            place=payload.place,
            when_text=payload.when,
            phone=payload.phone,
            verifier_pin_hash=pin_hash,
            channel=payload.channel,
            sender_id=payload.sender_id,
            triage=triage,
            category=summary.category,
            urgency=summary.urgency,
            lead_department=summary.lead_department,
            departments=summary.departments,
            created_at=filed_at,
            updated_at=filed_at,
            idempotency_key=idempotency_key or None,
            request_hash=digest,
            conversation=payload.conversation_list(),
            confidential=True,
        )
        add_event(
            complaint,
            actor=actor or f"channel:{payload.channel}",
            action="filed",
            to_state=INITIAL_STATE,
            at=filed_at,
        )
        session.add(complaint)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            if idempotency_key and (existing := _by_key(session, idempotency_key)) is not None:
                return _replay(existing, digest)
            if attempt == MAX_TICKET_ATTEMPTS:
                raise
            log.warning("ticket collision, retrying (attempt %d)", attempt)
            continue
        log.info(
            "complaint filed ticket=%s kind=%s channel=%s urgency=%s lead=%s",
            complaint.ticket,
            complaint.kind,
            complaint.channel,
            complaint.urgency,
            complaint.lead_department,
        )
        return FiledComplaint(complaint=complaint, pin=pin, created=True)
    raise RuntimeError("unreachable")  # pragma: no cover


def get_complaint(*, session: Session, ticket: str) -> Complaint:
    """Full complaint with its events, by (loosely typed) ticket; raises ComplaintNotFound."""
    normalised = normalise_ticket(ticket)
    complaint = None
    if normalised is not None:
        complaint = session.scalars(
            select(Complaint)
            .where(Complaint.ticket == normalised)
            .options(selectinload(Complaint.events))
        ).one_or_none()
    if complaint is None:
        raise ComplaintNotFound(ticket)
    return complaint


def lookup_key(ticket: str) -> str | None:
    """Throttle key of a (loosely typed) ticket; None if it is no ticket at all."""
    normalised = normalise_ticket(ticket)
    return f"lookup:{normalised}" if normalised else None


def lookup(
    *,
    session: Session,
    ticket: str,
    verifier: str,
    max_failures: int = 5,
    lock: timedelta = timedelta(hours=24),
) -> Complaint:
    """Public lookup; unknown ticket and wrong verifier raise the same ComplaintNotFound.

    Each check takes a slot of the ticket's failure counter first (api/throttle.py), so after
    `max_failures` wrong verifiers — concurrent or not, across restarts — LookupLocked is raised
    and even the right verifier is refused until the lock runs out.
    """
    normalised = normalise_ticket(ticket)
    key = lookup_key(ticket)
    slot = None
    if key is not None:
        slot = throttle.reserve(session, key=key, limit=max_failures, window=lock)
        if slot is None:
            raise LookupLocked(normalised or ticket)
    complaint = None
    if normalised is not None:
        complaint = session.scalars(
            select(Complaint).where(Complaint.ticket == normalised)
        ).one_or_none()
    ok = verify(
        verifier.strip(),
        pin_hash=complaint.verifier_pin_hash if complaint else None,
        phone=complaint.phone if complaint else None,
    )
    if complaint is None or not ok:
        if key is not None and slot is not None:
            throttle.failed(session, key=key, slot=slot, limit=max_failures, lock=lock)
            session.commit()
        raise ComplaintNotFound(ticket)
    if key is not None:
        throttle.refund(session, key=key)
        session.commit()
    return complaint


RESULT_STATES = frozenset({"已办结", "已回访"})


def public_result(complaint: Complaint) -> tuple[str | None, datetime | None]:
    """The 办理结果 the family may read (masked of phone/ID numbers) and its date, once resolved."""
    if complaint.state not in RESULT_STATES or not complaint.result_text:
        return None, None
    return mask_pii(complaint.result_text), complaint.result_at


def reveal_phone(
    *, session: Session, ticket: str, actor: str, note: str | None = None
) -> Complaint:
    """Audit (append + commit an event) that `actor` saw the phone in clear, then return the case."""
    complaint = get_complaint(session=session, ticket=ticket)
    add_event(complaint, actor=actor, action="phone_revealed", note=note)
    session.commit()
    log.info("phone revealed ticket=%s actor=%s", complaint.ticket, actor)
    return complaint


def change_state(
    *, session: Session, ticket: str, to_state: str, actor: str, note: str | None = None
) -> Complaint:
    """Move a case to `to_state` with an event (workflow rules belong to the staff console)."""
    complaint = get_complaint(session=session, ticket=ticket)
    add_event(complaint, actor=actor, action="state_changed", note=note, to_state=to_state)
    complaint.updated_at = utcnow()
    session.commit()
    return complaint
