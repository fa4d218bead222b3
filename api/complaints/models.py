"""SQLAlchemy models of the complaint store: cases, their append-only event log, daily counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, UTCDateTime, utcnow

JSONType = JSON().with_variant(JSONB(), "postgresql")

STATES: tuple[str, ...] = (
    "待派单",
    "已派单",
    "已签收",
    "办理中",
    "已办结",
    "已回访",
    "退回",
    "延期",
    "重办",
)
INITIAL_STATE = STATES[0]
KINDS: tuple[str, ...] = ("complaint", "handoff")
CHANNELS: tuple[str, ...] = ("web", "wechat", "phone", "api")


class Complaint(Base):
    """One complaint or hand-off (留言 for staff); never deleted, changed only with an event."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="complaint")
    text: Mapped[str] = mapped_column(Text)
    institution: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    when_text: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    verifier_pin_hash: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    sender_id: Mapped[str | None] = mapped_column(String(128))
    triage: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    category: Mapped[str | None] = mapped_column(String(64))
    urgency: Mapped[str | None] = mapped_column(String(16))
    lead_department: Mapped[str | None] = mapped_column(String(64))
    departments: Mapped[list[str]] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(16), default=INITIAL_STATE, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    conversation: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    confidential: Mapped[bool] = mapped_column(Boolean, default=True)
    # the department's 办理结果 written for the family (shown, PII-masked, by the public lookup)
    result_text: Mapped[str | None] = mapped_column(Text)
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )


class ComplaintEvent(Base):
    """Append-only history row: who did what to a complaint, when, and the state move if any."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    # structured facts of the step for statistics: satisfaction, extension_days, departments
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class TicketCounter(Base):
    """Last ticket sequence handed out for one Asia/Shanghai day (YYYYMMDD)."""

    __tablename__ = "ticket_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
