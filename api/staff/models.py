"""Staff-side tracking of a case (one row per complaint): milestones, extension, satisfaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime


class CaseTracking(Base):
    """Workflow milestones kept next to the complaint row (created on the first staff action)."""

    __tablename__ = "case_tracking"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True
    )
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    pending_extension_days: Mapped[int | None] = mapped_column(Integer)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    # why the case came back / waits / was reopened (the case card shows the current one)
    return_reason: Mapped[str | None] = mapped_column(Text)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    urge_count: Mapped[int] = mapped_column(Integer, default=0)
    last_urged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
