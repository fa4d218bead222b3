"""Report figures a 12345 centre is judged by: 满意率, 按时办结率, 重办率, overdue now, medians, by month.

Definitions (cases filed in [since, until], by the Asia/Shanghai day of filing):
- 按时办结率: cases whose first 办结 came within the 办结 time limit (working days, counted by
  api/staff/sla.py from filing, plus extensions approved before that 办结) / cases resolved at least once;
- 重办率: cases reopened (重办) at least once / cases resolved at least once;
- 满意率: 回访 scores above workflow.yml's dissatisfied_max / every 回访 score recorded (a reopened
  case's dissatisfied 回访 and its later satisfied one both count);
- overdue now: open cases past the current step's time limit at `now`, whatever their filing day.
Rows per department use the case's current lead department; rows per month its filing month.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.complaints.models import Complaint, ComplaintEvent
from api.complaints.tickets import TICKET_TZ
from api.db import utcnow
from api.staff import sla
from api.staff.schemas import Stats, Tally
from api.staff.service import Filters, Row, Viewer, load_rows
from api.staff.workflow import load_workflow

UNKNOWN = "未分类"
COUNTED = ("accept", "resolve", "follow_up", "reopen", "urge", "approve_extension")


@dataclass
class CaseFacts:
    """What the figures need from one case's history."""

    first: dict[str, datetime] = field(default_factory=dict)
    extension_days_before_resolve: int = 0
    reopened: bool = False
    scores: list[int] = field(default_factory=list)
    urges: int = 0


@dataclass
class Counts:
    """Running totals of one row of the report."""

    cases: int = 0
    resolved: int = 0
    on_time: int = 0
    reopened: int = 0
    follow_ups: int = 0
    satisfied: int = 0
    overdue_now: int = 0
    urges: int = 0

    def tally(self, name: str) -> Tally:
        """The row for the API, with rates as fractions (None when nothing to divide by)."""
        return Tally(
            name=name,
            cases=self.cases,
            resolved=self.resolved,
            on_time=self.on_time,
            on_time_rate=_rate(self.on_time, self.resolved),
            reopened=self.reopened,
            reopen_rate=_rate(self.reopened, self.resolved),
            follow_ups=self.follow_ups,
            satisfied=self.satisfied,
            satisfaction_rate=_rate(self.satisfied, self.follow_ups),
            overdue_now=self.overdue_now,
            urges=self.urges,
        )


def _rate(part: int, whole: int) -> float | None:
    """part / whole to four places, None for an empty whole."""
    return round(part / whole, 4) if whole else None


def _facts(session: Session, cases: list[Complaint]) -> dict[int, CaseFacts]:
    """First accept/resolve, extensions before the first 办结, 重办, 回访 scores, 催办 per case."""
    facts = {c.id: CaseFacts() for c in cases}
    if not facts:
        return facts
    events = session.execute(
        select(
            ComplaintEvent.complaint_id,
            ComplaintEvent.action,
            ComplaintEvent.at,
            ComplaintEvent.data,
        )
        .where(ComplaintEvent.action.in_(COUNTED))
        .order_by(ComplaintEvent.id)
    )
    for cid, action, at, data in events:
        f = facts.get(cid)
        if f is None:
            continue
        f.first.setdefault(action, at)
        data = data or {}
        if action == "approve_extension" and "resolve" not in f.first:
            f.extension_days_before_resolve += int(data.get("extension_days") or 0)
        elif action == "reopen":
            f.reopened = True
        elif action == "urge":
            f.urges += 1
        if isinstance(data.get("satisfaction"), int):
            f.scores.append(data["satisfaction"])
    return facts


def on_time(c: Complaint, f: CaseFacts) -> bool | None:
    """Was the first 办结 within the working-day limit (with extensions approved before it)?"""
    resolved = f.first.get("resolve")
    if resolved is None:
        return None
    due = sla.deadline(
        state="办理中",
        urgency=c.urgency,
        created_at=c.created_at,
        extension_days=f.extension_days_before_resolve,
    )
    return due is not None and resolved <= due.due_at


def _add(counts: Counts, c: Complaint, f: CaseFacts) -> None:
    """Count one filed case into a row."""
    counts.cases += 1
    timely = on_time(c, f)
    if timely is not None:
        counts.resolved += 1
        counts.on_time += int(timely)
        counts.reopened += int(f.reopened)
    satisfied = load_workflow().satisfaction.satisfied
    counts.follow_ups += len(f.scores)
    counts.satisfied += sum(1 for s in f.scores if satisfied(s))
    counts.urges += f.urges


def _fill_months(by_month: defaultdict[str, Counts]) -> None:
    """Add empty months between the first and the last so the trend has no silent gaps."""
    if not by_month:
        return
    first, last = min(by_month), max(by_month)
    year, month = int(first[:4]), int(first[5:])
    while f"{year:04d}-{month:02d}" < last:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        by_month.setdefault(f"{year:04d}-{month:02d}", Counts())


def _median(values: list[float]) -> float | None:
    """Median to two places, None for no values."""
    return round(median(values), 2) if values else None


def _in_range(c: Complaint, since: date | None, until: date | None) -> bool:
    """Filed on a local day within [since, until]."""
    day = c.created_at.astimezone(TICKET_TZ).date()
    return not ((since and day < since) or (until and day > until))


def compute_stats(
    session: Session,
    *,
    viewer: Viewer,
    since: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> Stats:
    """Figures over the cases this viewer may see (filed between since and until, inclusive)."""
    now = now or utcnow()
    rows: list[Row] = load_rows(session, viewer=viewer, filters=Filters(), now=now)
    cases = [r.complaint for r in rows if _in_range(r.complaint, since, until)]
    facts = _facts(session, cases)
    total = Counts()
    by_dept: defaultdict[str, Counts] = defaultdict(Counts)
    by_month: defaultdict[str, Counts] = defaultdict(Counts)
    hours: dict[str, list[float]] = {"accept": [], "resolve": []}
    working_days: list[float] = []
    for c in cases:
        f = facts[c.id]
        dept = c.lead_department or UNKNOWN
        month = f"{c.created_at.astimezone(TICKET_TZ):%Y-%m}"
        for counts in (total, by_dept[dept], by_month[month]):
            _add(counts, c, f)
        for step, values in hours.items():
            if step in f.first:
                values.append((f.first[step] - c.created_at).total_seconds() / 3600)
        if "resolve" in f.first:
            working_days.append(sla.working_seconds(c.created_at, f.first["resolve"]) / sla.DAY)
    overdue = Counter(r.complaint.lead_department or UNKNOWN for r in rows if r.sla == "red")
    total.overdue_now = sum(overdue.values())
    for dept, n in overdue.items():
        by_dept[dept].overdue_now = n
    _fill_months(by_month)
    in_range = {c.id for c in cases}
    for r in rows:
        if r.sla == "red" and r.complaint.id in in_range:
            by_month[f"{r.complaint.created_at.astimezone(TICKET_TZ):%Y-%m}"].overdue_now += 1
    return Stats(
        by_department=dict(Counter(c.lead_department or UNKNOWN for c in cases).most_common()),
        by_category=dict(Counter(c.category or UNKNOWN for c in cases).most_common()),
        by_state=dict(Counter(c.state for c in cases).most_common()),
        by_month={m: by_month[m].cases for m in sorted(by_month) if by_month[m].cases},
        median_hours_to_accept=_median(hours["accept"]),
        median_hours_to_resolve=_median(hours["resolve"]),
        median_working_days_to_resolve=_median(working_days),
        totals=total.tally("合计"),
        departments=sorted(
            (v.tally(k) for k, v in by_dept.items()), key=lambda t: (-t.cases, t.name)
        ),
        months=[by_month[m].tally(m) for m in sorted(by_month)],
        overdue_by_department=dict(overdue.most_common()),
    )
