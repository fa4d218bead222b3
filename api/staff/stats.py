"""Report figures: counts by department, category, state and month; median hours to accept/resolve."""

from __future__ import annotations

from collections import Counter
from datetime import date
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.complaints.models import Complaint, ComplaintEvent
from api.complaints.tickets import TICKET_TZ
from api.db import utcnow
from api.staff.schemas import Stats
from api.staff.service import Filters, Viewer, load_rows

UNKNOWN = "未分类"


def _hours_to(
    complaints: list[Complaint], first: dict[tuple[int, str], float], action: str
) -> float | None:
    """Median hours from filing to the first `action` event, over cases that reached it."""
    values = [first[(c.id, action)] for c in complaints if (c.id, action) in first]
    return round(median(values), 2) if values else None


def compute_stats(
    session: Session, *, viewer: Viewer, since: date | None = None, until: date | None = None
) -> Stats:
    """Figures over the cases this viewer may see, filed between since and until (local days, inclusive)."""
    rows = load_rows(session, viewer=viewer, filters=Filters(), now=utcnow())
    cases = []
    for row in rows:
        day = row.complaint.created_at.astimezone(TICKET_TZ).date()
        if (since and day < since) or (until and day > until):
            continue
        cases.append(row.complaint)
    first: dict[tuple[int, str], float] = {}
    if cases:
        created = {c.id: c.created_at for c in cases}
        events = session.execute(
            select(ComplaintEvent.complaint_id, ComplaintEvent.action, ComplaintEvent.at)
            .where(ComplaintEvent.action.in_(("accept", "resolve")))
            .order_by(ComplaintEvent.id)
        )
        for cid, action, at in events:
            if cid in created and (cid, action) not in first:
                first[(cid, action)] = (at - created[cid]).total_seconds() / 3600
    return Stats(
        by_department=dict(Counter(c.lead_department or UNKNOWN for c in cases).most_common()),
        by_category=dict(Counter(c.category or UNKNOWN for c in cases).most_common()),
        by_state=dict(Counter(c.state for c in cases).most_common()),
        by_month=dict(
            sorted(Counter(f"{c.created_at.astimezone(TICKET_TZ):%Y-%m}" for c in cases).items())
        ),
        median_hours_to_accept=_hours_to(cases, first, "accept"),
        median_hours_to_resolve=_hours_to(cases, first, "resolve"),
    )
